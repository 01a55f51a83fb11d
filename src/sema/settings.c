/* The config block: `config = { stack_mode = raw; max_map_keys = 100 }` at the
 * top of a script sets bpftrace's configuration variables (lang/config.c has
 * the table) before anything else is checked, since they change how the rest
 * is compiled (string sizes, map sizes, stack modes). A variable set in the
 * environment keeps its value, as in bpftrace. */
#include <inttypes.h>

#include "lang/diag.h"
#include "sema/sema_internal.h"
#include "util/arena.h"

/* The text of a setting's value: what the environment variable would hold. */
static const char *setting_text(struct program *p, const struct node *v)
{
	switch (v->kind) {
	case N_INT: return arena_printf(&p->arena, "%" PRIu64, v->num.value);
	case N_STR: return v->str.value;
	default: return v->ident.name;
	}
}

bool sema_apply_config(struct program *p)
{
	bool ok = true;
	for (struct node *n = p->ast->program.config; n; n = n->next) {
		char err[256];
		const char *v = setting_text(p, n->setting.value);
		if (!v || config_set(&p->config, n->setting.key, v, err, sizeof(err))) {
			diag_error(&p->diags, n->loc, "%s", v ? err : "out of memory");
			ok = false;
		}
	}
	return ok;
}
