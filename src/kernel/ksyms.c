/* Kernel symbols. /proc/kallsyms (~120k lines here) is read in one pass with
 * large reads and a hand-written parser, names packed into one buffer, and the
 * entries sorted by address once; a lookup is a binary search. The table is
 * built the first time a printer or kaddr() needs it, never at start-up. */
#include "kernel/ksyms.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/caps.h"
#include "util/log.h"
#include "util/alloc.h"

#define KSYM_LAST_MAX 0x100000	/* past the last symbol, resolve at most this far */

struct ksym {
	uint64_t addr;
	uint32_t name;		/* offset in ksyms.names */
	uint32_t order;		/* line number: ties keep the file's order */
};

struct ksyms {
	struct ksym *syms;
	size_t n;
	char *names;
	size_t names_len;
	size_t hidden;		/* symbols listed at address 0 (kptr_restrict) */
};

/* The whole file in one heap buffer (NUL-terminated); NULL + errno. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 22, n = 0;
	char *buf = NULL;
	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || cap - n < 65536) {
			char *nb = xrealloc(buf, cap *= 2);
			if (!nb)
				goto fail;
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	close(fd);
	xfree(buf);
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Parse the lines of buf in place: names are NUL-terminated where they end. */
static int parse(struct ksyms *k, char *buf, size_t len)
{
	size_t cap = len / 24 + 16;
	k->syms = xcalloc(cap, sizeof(*k->syms));
	if (!k->syms)
		return -ENOMEM;
	char *p = buf, *end = buf + len;
	uint32_t line = 0;
	while (p < end) {
		uint64_t addr = 0;
		int h;
		while ((h = hexval(*p)) >= 0) {
			addr = addr << 4 | (uint64_t)h;
			p++;
		}
		char type = p[0] == ' ' ? p[1] : 0;
		/* a short last line without a type: never past end */
		char *name = type && p + 3 <= end ? p + 3 : p, *e = name;
		while (e < end && *e != '\n' && *e != '\t' && *e != ' ')
			e++;
		char *nl = memchr(e, '\n', (size_t)(end - e));
		nl = nl ? nl : end;
		*e = '\0';
		p = nl + 1;
		line++;
		if (type && !addr && e != name)
			k->hidden++;
		if (!type || type == 'a' || type == 'A' || type == 'U' || !addr || e == name)
			continue;
		if (k->n == cap) {
			struct ksym *ns = xrealloc(k->syms, (cap *= 2) * sizeof(*ns));
			if (!ns)
				return -ENOMEM;
			k->syms = ns;
		}
		k->syms[k->n++] = (struct ksym){addr, (uint32_t)(name - buf), line};
	}
	if (k->n)
		qsort(k->syms, k->n, sizeof(*k->syms), ksym_cmp);
	return 0;
}

struct ksyms *ksyms_open(const char *path)
{
	struct ksyms *k = xcalloc(1, sizeof(*k));
	int err;
	if (!k)
		return NULL;
	k->names = slurp(path, &k->names_len);
	if (!k->names) {
		err = errno;
		xfree(k);
		errno = err;
		return NULL;
	}
	err = parse(k, k->names, k->names_len);
	if (err) {
		ksyms_free(k);
		errno = -err;
		return NULL;
	}
	return k;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	xfree(k->syms);
	xfree(k->names);
	xfree(k);
}

size_t ksyms_count(const struct ksyms *k)
{
	return k ? k->n : 0;
}

bool ksyms_hidden(const struct ksyms *k)
{
	return k && !k->n && k->hidden;
}

const char *ksyms_hidden_hint(void)
{
	static char hint[PATH_MAX + 400];

	snprintf(hint, sizeof(hint), "/proc/kallsyms shows kernel addresses only to "
		 "CAP_SYSLOG (or to all when kernel.kptr_restrict=0 and "
		 "kernel.perf_event_paranoid<=1): %s",
		 caps_grant_hint("cap_bpf,cap_perfmon,cap_syslog"));
	return hint;
}

const char *ksyms_resolve(const struct ksyms *k, uint64_t addr, uint64_t *offset)
{
	if (!k || !k->n || addr < k->syms[0].addr)
		return NULL;
	size_t lo = 0, hi = k->n;	/* find the last entry with .addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && k->syms[lo - 1].addr == k->syms[lo].addr)
		lo--;	/* aliases: the first one listed */
	if (lo == k->n - 1 && addr - k->syms[lo].addr > KSYM_LAST_MAX)
		return NULL;
	*offset = addr - k->syms[lo].addr;
	return k->names + k->syms[lo].name;
}

int ksyms_addr(const struct ksyms *k, const char *name, uint64_t *addr)
{
	for (size_t i = 0; k && i < k->n; i++) {
		if (!strcmp(k->names + k->syms[i].name, name)) {
			*addr = k->syms[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

static struct ksyms *ksym_global;
static unsigned ksym_loads;
static bool ksym_failed;

const struct ksyms *ksym_get(void)
{
	struct timespec t0, t1;
	if (ksym_global || ksym_failed)
		return ksym_global;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ksym_loads++;
	ksym_global = ksyms_open("/proc/kallsyms");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!ksym_global) {
		ksym_failed = true;
		rt_log(1, "ksyms: cannot read /proc/kallsyms: %s\n", strerror(errno));
		return NULL;
	}
	rt_log(1, "ksyms: loaded %zu symbols from /proc/kallsyms in %.1f ms\n", ksym_global->n,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return ksym_global;
}

unsigned ksym_load_count(void)
{
	return ksym_loads;
}
