/* Growable pointer array. */
#include "util/vec.h"

#include <errno.h>

#include "util/alloc.h"

int vec_push(struct vec *v, void *p)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = xrealloc(v->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = p;
	return 0;
}

void vec_fini(struct vec *v)
{
	xfree(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}
