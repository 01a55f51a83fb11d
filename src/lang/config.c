/* Reading the settings of config.h: bpftrace's configuration variables are one
 * table (name, kind, field, accepted values) that serves both the environment
 * (BPFTRACE_NAME) and a script's config block (name, NAME or BPFTRACE_NAME), so
 * the two accept the same values and say the same thing about a bad one. Each
 * value is checked, so a typo is an error naming the setting rather than a
 * default silently used. */
#include "lang/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_STRLEN 64
#define MAX_STRLEN 200
#define DEFAULT_MAP_KEYS_MAX 4096
#define ENV_PREFIX "BPFTRACE_"

enum opt_kind { OPT_U32, OPT_U32_CAPPED, OPT_BOOL, OPT_ENUM, OPT_STR };

/* One configuration variable. */
struct config_opt {
	const char *key;	/* lower case, without BPFTRACE_ */
	enum opt_kind kind;
	size_t off;		/* of its field in struct config */
	uint32_t lo, hi;	/* OPT_U32: the accepted range; OPT_U32_CAPPED: any
				 * number from lo, taken as hi above hi */
	const char *const *names;	/* OPT_ENUM: the values by number (any case);
					 * OPT_STR: the accepted values, NULL: any */
};

static const char *const stack_modes[] = { "bpftrace", "perf", "raw", "build_id", NULL };
static const char *const missing_modes[] = { "error", "warn", "ignore", NULL };
static const char *const unstable_modes[] = { "error", "warn", "enable", NULL };
static const char *const symbol_caches[] = { "PER_PROGRAM", "PER_PID", "NONE", NULL };
static const char *const licenses[] = {
	"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL",
	"Dual MPL/GPL", NULL,
};

#define U32(k, f, l, h) { k, OPT_U32, offsetof(struct config, f), l, h, NULL }
#define U32_CAPPED(k, f, l, h) { k, OPT_U32_CAPPED, offsetof(struct config, f), l, h, NULL }
#define BOOL(k, f) { k, OPT_BOOL, offsetof(struct config, f), 0, 0, NULL }
#define ENUM(k, f, v) { k, OPT_ENUM, offsetof(struct config, f), 0, 0, v }
#define STR(k, f, v) { k, OPT_STR, offsetof(struct config, f), 0, 0, v }

static const struct config_opt opts[] = {
	ENUM("cache_user_symbols", cache_user_symbols, symbol_caches),
	BOOL("cpp_demangle", cpp_demangle),
	BOOL("lazy_symbolication", lazy_symbolication),
	STR("license", license, licenses),
	U32("log_size", log_size, 1, UINT32_MAX),
	U32("max_bpf_progs", max_bpf_progs, 1, UINT32_MAX),
	U32("max_cat_bytes", max_cat_bytes, 1, UINT32_MAX),
	U32("max_map_keys", map_keys_max, 1, UINT32_MAX),
	U32("max_probes", max_probes, 1, UINT32_MAX),
	/* bpftrace has no limit; bpfline's strings end at MAX_STRLEN bytes */
	U32_CAPPED("max_strlen", strlen, 1, MAX_STRLEN),
	U32("max_type_res_iterations", max_type_res_iterations, 0, UINT32_MAX),
	U32("on_stack_limit", on_stack_limit, 0, UINT32_MAX),
	U32("perf_rb_pages", perf_rb_pages, 1, UINT32_MAX),
	ENUM("stack_mode", stack_mode, stack_modes),
	STR("str_trunc_trailer", str_trunc_trailer, NULL),
	ENUM("missing_probes", missing_probes, missing_modes),
	BOOL("print_maps_on_exit", print_maps_on_exit),
	ENUM("unstable_import", unstable_import, unstable_modes),
	ENUM("unstable_map_decl", unstable_map_decl, unstable_modes),
	ENUM("unstable_tseries", unstable_tseries, unstable_modes),
	ENUM("unstable_dw_ustack", unstable_dw_ustack, unstable_modes),
	/* older names, still read (BPFTRACE_STRLEN, BPFTRACE_MAP_KEYS_MAX) */
	U32("strlen", strlen, 1, MAX_STRLEN),
	U32("map_keys_max", map_keys_max, 1, UINT32_MAX),
	U32("cat_bytes_max", max_cat_bytes, 1, UINT32_MAX),
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))
_Static_assert(NOPTS <= 64, "config.from_env has a bit per option");

/* bpftrace's settings that only its environment variables set. */
static const char *const env_only[] = {
	"btf", "debug_output", "kernel_build", "kernel_source", "max_ast_nodes",
	"verify_llvm_ir", "vmlinux",
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->strlen = DEFAULT_STRLEN;
	c->map_keys_max = DEFAULT_MAP_KEYS_MAX;
	c->stack_mode = CONFIG_STACK_BPFTRACE;
	c->print_maps_on_exit = true;
	c->missing_probes = CONFIG_MISSING_ERROR;
	c->cache_user_symbols = 1;	/* PER_PID */
	c->cpp_demangle = true;
	c->license = "GPL";
	c->log_size = 1000000;
	c->max_bpf_progs = 1024;
	c->raw_syscalls_min = 8;
	c->max_cat_bytes = 10240;
	c->max_probes = 1024;
	c->on_stack_limit = 32;
	c->perf_rb_pages = 64;
	c->str_trunc_trailer = "..";
	c->unstable_import = c->unstable_map_decl = CONFIG_UNSTABLE_WARN;
	c->unstable_tseries = c->unstable_dw_ustack = CONFIG_UNSTABLE_WARN;
	c->kfeat = -1;
}

/* A decimal number from lo to hi into *out; -EINVAL (message in err) else. */
static int parse_u32(const char *name, const char *v, uint32_t lo, uint32_t hi,
		     uint32_t *out, char *err, size_t errsz)
{
	char *end;
	unsigned long long n;

	if (v[0] < '0' || v[0] > '9' || v[strspn(v, "0123456789")]) {
		snprintf(err, errsz, "%s: expecting a number, got %s", name, v);
		return -EINVAL;
	}
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || n < lo || n > hi) {
		snprintf(err, errsz, "%s: '%s' is not a number from %u to %u", name, v, lo, hi);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

/* "a, b or c" from a NULL-terminated list, into err after `prefix`. */
static void list_values(const char *prefix, const char *const *names, const char *v,
			char *err, size_t errsz)
{
	size_t n = (size_t)snprintf(err, errsz, "%s: expecting ", prefix);
	for (size_t i = 0; names[i] && n < errsz; i++)
		n += (size_t)snprintf(err + n, errsz - n, "%s%s", i == 0 ? "" :
				      names[i + 1] ? ", " : " or ", names[i]);
	if (n < errsz)
		snprintf(err + n, errsz - n, ", got %s", v);
}

/* Index of v in names (case-insensitive), or -1. */
static int find_name(const char *const *names, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (!strcasecmp(names[i], v))
			return i;
	return -1;
}

/* Parse v for option o (called `name` in messages) into its field of c. */
static int opt_parse(struct config *c, const struct config_opt *o, const char *name,
		     const char *v, char *err, size_t errsz)
{
	static const char *const bools[] = { "false", "true", "0", "1", NULL };
	char *field = (char *)c + o->off;
	int i;

	switch (o->kind) {
	case OPT_U32:
		return parse_u32(name, v, o->lo, o->hi, (uint32_t *)field, err, errsz);
	case OPT_U32_CAPPED:
		if (parse_u32(name, v, o->lo, UINT32_MAX, (uint32_t *)field, err, errsz))
			return -EINVAL;
		if (*(uint32_t *)field > o->hi)
			*(uint32_t *)field = o->hi;
		return 0;
	case OPT_BOOL:
		if ((i = find_name(bools, v)) < 0)
			break;
		*(bool *)field = i & 1;
		return 0;
	case OPT_ENUM:
		if ((i = find_name(o->names, v)) < 0)
			break;
		*(int *)field = i;
		return 0;
	case OPT_STR:
		if (o->names && find_name(o->names, v) < 0)
			break;
		*(const char **)field = v;
		return 0;
	}
	list_values(name, o->kind == OPT_BOOL ? bools : o->names, v, err, errsz);
	return -EINVAL;
}

/* The option a config block's key names (`x`, `X`, `BPFTRACE_X`), or NULL. */
static const struct config_opt *opt_find(const char *key)
{
	if (!strncmp(key, ENV_PREFIX, strlen(ENV_PREFIX)))
		key += strlen(ENV_PREFIX);
	for (size_t i = 0; i < NOPTS; i++)
		if (!strcasecmp(opts[i].key, key))
			return &opts[i];
	return NULL;
}

int config_set(struct config *c, const char *key, const char *value, char *err, size_t errsz)
{
	const struct config_opt *o = opt_find(key);
	const char *bare = strncmp(key, ENV_PREFIX, strlen(ENV_PREFIX)) ? key :
			   key + strlen(ENV_PREFIX);

	if (!o) {
		for (size_t i = 0; i < sizeof(env_only) / sizeof(env_only[0]); i++)
			if (!strcasecmp(env_only[i], bare)) {
				snprintf(err, errsz, "%s: can only be set as an environment variable",
					 key);
				return -EINVAL;
			}
		snprintf(err, errsz, "%s: not a known configuration option", key);
		return -ENOENT;
	}
	if (c->from_env & (1ull << (o - opts)))
		return 0;	/* the environment wins, as in bpftrace */
	return opt_parse(c, o, key, value, err, errsz);
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

/* Every BPFTRACE_* variable of the table that lookup finds. */
static int read_bpftrace_vars(struct config *c, config_lookup_fn *lookup, char *err,
			      size_t errsz)
{
	for (size_t i = 0; i < NOPTS; i++) {
		char name[64];
		size_t n = (size_t)snprintf(name, sizeof(name), ENV_PREFIX "%s", opts[i].key);
		for (size_t k = 0; k < n; k++)
			name[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
		const char *v = lookup(name);
		if (!v)
			continue;
		if (opt_parse(c, &opts[i], name, v, err, errsz))
			return -EINVAL;
		/* both names of a renamed option stand for one setting */
		for (size_t k = 0; k < NOPTS; k++)
			if (opts[k].off == opts[i].off)
				c->from_env |= 1ull << k;
	}
	return 0;
}

int config_read(struct config *c, config_lookup_fn *lookup, char *err, size_t errsz)
{
	const char *v;

	config_defaults(c);
	if (read_bpftrace_vars(c, lookup, err, errsz))
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
	if ((v = lookup("BPFL_PERF_TRACEPOINTS"))) {
		if (strcmp(v, "0") && strcmp(v, "1")) {
			snprintf(err, errsz, "BPFL_PERF_TRACEPOINTS: '%s' is not 0 or 1", v);
			return -EINVAL;
		}
		c->perf_tracepoints = !strcmp(v, "1");
	}
	if ((v = lookup("BPFL_NO_TP_BTF"))) {
		if (strcmp(v, "0") && strcmp(v, "1")) {
			snprintf(err, errsz, "BPFL_NO_TP_BTF: '%s' is not 0 or 1", v);
			return -EINVAL;
		}
		c->no_tp_btf = !strcmp(v, "1");
	}
	if ((v = lookup("BPFL_RAW_SYSCALLS_MIN"))) {
		char *end;
		unsigned long n = strtoul(v, &end, 10);
		if (!*v || *end || n < 1 || n > 100000) {
			snprintf(err, errsz, "BPFL_RAW_SYSCALLS_MIN: '%s' is not a number from 1 to 100000", v);
			return -EINVAL;
		}
		c->raw_syscalls_min = (unsigned)n;
	}
	c->dummy_ts_map = lookup("BPFTRACE_DUMMY_TS_MAP");
	/* bpftrace's test protocol: set means on, whatever the value */
	c->notify_attached = lookup("__BPFTRACE_NOTIFY_PROBES_ATTACHED") != NULL;
	return 0;
}
