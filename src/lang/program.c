/* A compilation's lifetime: the arena, the source copy and sema's tables. */
#include "lang/program.h"

#include <errno.h>
#include <string.h>

int program_init(struct program *p, const char *file, const char *src)
{
	return program_init_text(p, file, src, strlen(src));
}

int program_init_text(struct program *p, const char *file, const char *src, size_t len)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	p->file = arena_strdup(&p->arena, file);
	p->src = arena_strndup(&p->arena, src, len);
	p->src_len = len;
	if (!p->file || !p->src) {
		arena_fini(&p->arena);
		return -ENOMEM;
	}
	diag_init(&p->diags, &p->arena, p->src);
	config_defaults(&p->config);
	return 0;
}

void program_fini(struct program *p)
{
	vec_fini(&p->maps);
	vec_fini(&p->actions);
	vec_fini(&p->probes);
	vec_fini(&p->getopts);
	vec_fini(&p->cdefs);
	vec_fini(&p->ctypes);
	vec_fini(&p->cconsts);
	vec_fini(&p->cmacros);
	arena_fini(&p->arena);
}

struct type *program_ctype(const struct program *p, const char *name)
{
	for (size_t i = p->ctypes.len; i-- > 0;) {
		const struct ctype_def *d = p->ctypes.items[i];
		if (!strcmp(d->name, name))
			return d->type;
	}
	return NULL;
}

const struct cconst_def *program_cconst_def(const struct program *p, const char *name)
{
	for (size_t i = p->cconsts.len; i-- > 0;) {
		const struct cconst_def *d = p->cconsts.items[i];
		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

bool program_cconst(const struct program *p, const char *name, int64_t *value)
{
	const struct cconst_def *d = program_cconst_def(p, name);
	if (d)
		*value = d->value;
	return d != NULL;
}
