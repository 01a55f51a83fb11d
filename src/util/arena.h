/* Bump allocator: one per compilation; everything in it is freed at once. */
#ifndef BPFL_ARENA_H
#define BPFL_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* newest chunk first */
};

void arena_init(struct arena *a);
/* Free every chunk; the arena can be reused afterwards. */
void arena_fini(struct arena *a);
/* Zeroed, 16-byte aligned memory; NULL only when memory is exhausted. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
