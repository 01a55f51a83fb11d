/* One allocation entry point for the whole program, so a test can make it fail. */
#ifndef BPFL_ALLOC_H
#define BPFL_ALLOC_H
#include <stdbool.h>
#include <stddef.h>

/* Allocation hook: NULL means the C library (calloc for xcalloc, realloc for the
 * others). Tests set it to inject failures. */
extern void *(*xalloc_hook)(void *ptr, size_t size);

/* Fault injection (tests, BPFL_FAIL_ALLOC): from now on count every
 * allocation through these functions and fail the n-th one (the allocations
 * after it succeed again); n = 0 only counts. Installs xalloc_hook. */
void xalloc_fail_nth(unsigned long n);
/* Allocations counted since xalloc_fail_nth, and whether the n-th failed. */
unsigned long xalloc_count(void);
bool xalloc_failed(void);
/* Counting only: the numbers of the allocations that were the first from
 * their call stack (its 12 innermost frames), in order; their count. */
size_t xalloc_sites(const unsigned long **first);

/* Whether an allocation has failed in this process. Sticky: a failure a
 * caller got around (a fallback, an ignored cache) still ends the run with
 * "out of memory", since its results may be incomplete; the driver and the
 * runtime check it once per stage. */
bool xalloc_oom(void);

/* Allocate or resize; returns NULL on failure (errno set), never aborts. */
void *xrealloc(void *ptr, size_t size);
/* Zeroed allocation of n*size bytes; NULL on failure or overflow. */
void *xcalloc(size_t n, size_t size);
/* Duplicate a NUL-terminated string; NULL on failure. */
char *xstrdup(const char *s);
void xfree(void *ptr);

#endif
