/* Address-space builtins: uptr(p) and kptr(p) mark a pointer as pointing into
 * user or kernel memory, so reads through it (str(), *p, p->field) use the
 * matching probe_read helper. The pointer's value and pointee are unchanged; an
 * integer becomes a pointer to bytes. */
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "util/arena.h"

/* The argument's pointer type, copied with is_user set as asked. */
static bool check_addrspace(struct sema *s, struct node *n, bool user)
{
	struct node *p = n->call.args;
	struct type *t = sema_expr(s, p);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_PTR && t->kind != TY_INT) {
		char b[128];
		struct diag *dg = diag_error(s->d, p->loc, "%s() expects a pointer (%s supplied)",
					     n->call.name, type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: %s(pointer)", n->call.name);
		return false;
	}
	struct type *r = type_new(s->a, TY_PTR);
	if (t->kind == TY_PTR)
		memcpy(r, t, sizeof(*r));
	else
		r->elem = type_int(s->a, 8, true);
	r->size = 8;
	r->is_user = user;
	n->type = r;
	return true;
}

static bool check_uptr(struct sema *s, struct node *n)
{
	return check_addrspace(s, n, true);
}

static bool check_kptr(struct sema *s, struct node *n)
{
	return check_addrspace(s, n, false);
}

static LLVMValueRef emit_addrspace(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

const struct builtin builtins_addrspace[] = {
	{.name = "uptr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "uptr(pointer)", .check = check_uptr, .emit = emit_addrspace},
	{.name = "kptr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "kptr(pointer)", .check = check_kptr, .emit = emit_addrspace},
	{0},
};
