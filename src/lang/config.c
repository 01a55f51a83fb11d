/* Reading the settings of config.h from the environment: each variable has a
 * parser that checks its value, so a typo is an error naming the variable at
 * start-up rather than a default silently used. */
#include "lang/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STRLEN 64
#define MAX_STRLEN 200
#define DEFAULT_MAP_KEYS_MAX 4096
#define DEFAULT_MAX_BPF_PROGS 1024

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->strlen = DEFAULT_STRLEN;
	c->map_keys_max = DEFAULT_MAP_KEYS_MAX;
	c->max_bpf_progs = DEFAULT_MAX_BPF_PROGS;
	c->kfeat = -1;
}

/* A decimal number from lo to hi into *out; -EINVAL (message in err) else. */
static int parse_u32(const char *name, const char *v, uint32_t lo, uint32_t hi,
		     uint32_t *out, char *err, size_t errsz)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
	if (v[0] < '0' || v[0] > '9' || *end || errno || n < lo || n > hi) {
		snprintf(err, errsz, "%s: '%s' is not a number from %u to %u", name, v, lo, hi);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

/* BPFL_KFEAT: a comma-separated list of "kprobe" and "fentry", or "none"
 * (or nothing) for neither. */
static int parse_kfeat(const char *v, int *out, char *err, size_t errsz)
{
	int bits = 0;

	for (const char *s = v; *s; s += strcspn(s, ",") + (s[strcspn(s, ",")] == ',')) {
		size_t n = strcspn(s, ",");
		if (n == 6 && !strncmp(s, "kprobe", n))
			bits |= CONFIG_KFEAT_KPROBE;
		else if (n == 6 && !strncmp(s, "fentry", n))
			bits |= CONFIG_KFEAT_FENTRY;
		else if (!(n == 4 && !strncmp(s, "none", n))) {
			snprintf(err, errsz, "BPFL_KFEAT: unknown feature '%.*s' (a comma-separated "
				 "list of kprobe and fentry, or none)", (int)n, s);
			return -EINVAL;
		}
	}
	*out = bits;
	return 0;
}

int config_read(struct config *c, config_lookup_fn *lookup, char *err, size_t errsz)
{
	const char *v;

	config_defaults(c);
	if ((v = lookup("BPFTRACE_STRLEN")) &&
	    parse_u32("BPFTRACE_STRLEN", v, 1, MAX_STRLEN, &c->strlen, err, errsz))
		return -EINVAL;
	if ((v = lookup("BPFTRACE_MAP_KEYS_MAX")) &&
	    parse_u32("BPFTRACE_MAP_KEYS_MAX", v, 1, UINT32_MAX, &c->map_keys_max, err, errsz))
		return -EINVAL;
	if ((v = lookup("BPFTRACE_MAX_BPF_PROGS")) &&
	    parse_u32("BPFTRACE_MAX_BPF_PROGS", v, 1, UINT32_MAX, &c->max_bpf_progs, err, errsz))
		return -EINVAL;
	if ((v = lookup("BPFL_KFEAT")) && parse_kfeat(v, &c->kfeat, err, errsz))
		return -EINVAL;
	if ((v = lookup("BPFL_BTF"))) {
		if (!*v) {
			snprintf(err, errsz, "BPFL_BTF: empty (the path of a BTF file)");
			return -EINVAL;
		}
		c->btf_path = v;
	}
	if ((v = lookup("BPFL_NO_SHARE"))) {
		if (strcmp(v, "0") && strcmp(v, "1")) {
			snprintf(err, errsz, "BPFL_NO_SHARE: '%s' is not 0 or 1", v);
			return -EINVAL;
		}
		c->no_share = !strcmp(v, "1");
	}
	/* bpftrace's test protocol: set means on, whatever the value */
	c->notify_attached = lookup("__BPFTRACE_NOTIFY_PROBES_ATTACHED") != NULL;
	return 0;
}
