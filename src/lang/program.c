/* A compilation's lifetime: the arena, the source copy and sema's tables. */
#include "lang/program.h"

#include <errno.h>
#include <string.h>

int program_init(struct program *p, const char *file, const char *src)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	p->file = arena_strdup(&p->arena, file);
	p->src = arena_strdup(&p->arena, src);
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
	arena_fini(&p->arena);
}
