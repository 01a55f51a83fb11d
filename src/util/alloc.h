/* One allocation entry point for the whole program, so a test can make it fail. */
#ifndef BPFL_ALLOC_H
#define BPFL_ALLOC_H
#include <stddef.h>

/* Allocation hook: NULL means the C library (calloc for xcalloc, realloc for the
 * others). Tests set it to inject failures. */
extern void *(*xalloc_hook)(void *ptr, size_t size);

/* Allocate or resize; returns NULL on failure (errno set), never aborts. */
void *xrealloc(void *ptr, size_t size);
/* Zeroed allocation of n*size bytes; NULL on failure or overflow. */
void *xcalloc(size_t n, size_t size);
/* Duplicate a NUL-terminated string; NULL on failure. */
char *xstrdup(const char *s);
void xfree(void *ptr);

#endif
