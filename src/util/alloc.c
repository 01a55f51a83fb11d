/* The single allocation path. Everything else calls these, so failure injection
 * in tests reaches every allocation. */
#include "util/alloc.h"

#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *(*xalloc_hook)(void *ptr, size_t size);

static unsigned long fault_nth, fault_count;
static bool fault_hit;

/* Counting (n = 0): the first allocation of each distinct call stack, so a
 * sweep can fail each place once instead of every allocation. Kept with the
 * C library's allocator: this is the allocator. */
static struct {
	uint64_t *seen;		/* open-addressing set of stack hashes, 0 = empty */
	size_t cap, n;
	unsigned long *first;	/* allocation numbers, in order */
	size_t nfirst, capfirst;
} sites;

/* A hash of the innermost frames: the allocator's own, then its callers. */
static uint64_t stack_hash(void)
{
	void *pc[12];
	int n = backtrace(pc, 12);
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < n; i++)
		h = (h ^ (uint64_t)(uintptr_t)pc[i]) * 1099511628211ULL;
	return h ? h : 1;
}

/* Add h to the set; whether it was new. Out of memory: not new. */
static bool sites_add(uint64_t h)
{
	if (2 * (sites.n + 1) > sites.cap) {
		size_t cap = sites.cap ? 2 * sites.cap : 1024;
		uint64_t *t = calloc(cap, sizeof(*t)), *old = sites.seen;
		if (!t)
			return false;
		sites.seen = t;
		sites.cap = cap;
		sites.n = 0;
		for (size_t i = 0; old && i < cap / 2; i++)
			if (old[i])
				sites_add(old[i]);
		free(old);
	}
	size_t i = h & (sites.cap - 1);
	while (sites.seen[i] && sites.seen[i] != h)
		i = (i + 1) & (sites.cap - 1);
	if (sites.seen[i])
		return false;
	sites.seen[i] = h;
	sites.n++;
	return true;
}

static void sites_note(unsigned long nth)
{
	if (!sites_add(stack_hash()))
		return;
	if (sites.nfirst == sites.capfirst) {
		size_t cap = sites.capfirst ? 2 * sites.capfirst : 256;
		unsigned long *f = realloc(sites.first, cap * sizeof(*f));
		if (!f)
			return;
		sites.first = f;
		sites.capfirst = cap;
	}
	sites.first[sites.nfirst++] = nth;
}

/* The hook of xalloc_fail_nth: the C library, but NULL for the n-th call. */
static void *fail_nth(void *ptr, size_t size)
{
	if (++fault_count == fault_nth) {
		fault_hit = true;
		return NULL;
	}
	if (!fault_nth)
		sites_note(fault_count);
	return realloc(ptr, size ? size : 1);
}

void xalloc_fail_nth(unsigned long n)
{
	fault_nth = n;
	fault_count = 0;
	fault_hit = false;
	xalloc_hook = fail_nth;
}

unsigned long xalloc_count(void)
{
	return fault_count;
}

bool xalloc_failed(void)
{
	return fault_hit;
}

size_t xalloc_sites(const unsigned long **first)
{
	*first = sites.first;
	return sites.nfirst;
}

static bool oom;

bool xalloc_oom(void)
{
	return oom;
}

/* NULL, noting that an allocation failed. */
static void *failed(void)
{
	oom = true;
	errno = ENOMEM;
	return NULL;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = xalloc_hook ? xalloc_hook(ptr, size) : realloc(ptr, size ? size : 1);
	return p ? p : failed();
}

void *xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return failed();
	if (!xalloc_hook) {	/* calloc skips the memset for fresh pages (big buffers) */
		void *p = calloc(n ? n : 1, size ? size : 1);
		return p ? p : failed();
	}
	void *p = xrealloc(NULL, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xrealloc(NULL, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void xfree(void *ptr)
{
	free(ptr);
}
