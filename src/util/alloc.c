/* The single allocation path. Everything else calls these, so failure injection
 * in tests reaches every allocation. */
#include "util/alloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *(*xalloc_hook)(void *ptr, size_t size);

void *xrealloc(void *ptr, size_t size)
{
	void *p = xalloc_hook ? xalloc_hook(ptr, size) : realloc(ptr, size ? size : 1);
	if (!p)
		errno = ENOMEM;
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if (!xalloc_hook) {	/* calloc skips the memset for fresh pages (big buffers) */
		void *p = calloc(n ? n : 1, size ? size : 1);
		if (!p)
			errno = ENOMEM;
		return p;
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
