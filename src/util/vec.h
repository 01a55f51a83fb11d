/* Growable array of pointers. */
#ifndef BPFL_VEC_H
#define BPFL_VEC_H
#include <stddef.h>

struct vec {
	void **items;	/* len valid entries */
	size_t len, cap;
};

/* Append p; 0 or -ENOMEM. */
int vec_push(struct vec *v, void *p);
/* Free the array (not the items); the vec is empty afterwards. */
void vec_fini(struct vec *v);

#endif
