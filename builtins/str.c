/* String builtins: str(ptr[, len]). */
#include <linux/bpf.h>

#include "builtins.h"
#include "codegen/cg.h"
#include "parser/sema.h"

static bool check_str(struct sema *s, struct node *n)
{
	struct node *p = n->call.args;
	struct type *t = sema_expr(s, p);
	uint32_t size = s->strlen;
	if (t->kind == TY_NONE)
		return false;
	if (t->kind == TY_STR) {	/* str() of a string is that string */
		n->type = t;
		return true;
	}
	if (t->kind != TY_INT && t->kind != TY_PTR) {
		char b[128];
		diag_error(s->d, p->loc, "str() expects a pointer or an integer address (%s supplied)",
			   type_name(t, b, sizeof b));
		return false;
	}
	if (p->next) {
		int64_t len;
		if (!sema_want_const(s, n, p->next, &len))
			return false;
		if (len < 1) {
			diag_error(s->d, p->next->loc, "str(): the length must be at least 1");
			return false;
		}
		if ((uint64_t)len + 1 < size)
			size = (uint32_t)len + 1;
	}
	n->type = type_str(s->a, size);
	return true;
}

static void emit_str(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *p = n->call.args;
	if (p->type->kind == TY_STR) {
		cg_expr_into(c, p, dst);
		return;
	}
	/* a pointer whose origin is unknown (an integer) is read with the
	 * compatibility helper, which handles user and kernel addresses on x86 */
	int helper = p->type->kind == TY_PTR ? (p->type->is_user ? BPF_FUNC_probe_read_user_str
							       : BPF_FUNC_probe_read_kernel_str)
					     : BPF_FUNC_probe_read_str;
	LLVMValueRef args[] = {dst, cg_const(c, n->type->size), cg_expr(c, p)};
	cg_helper(c, helper, args, 3);
}

const struct builtin builtins_str[] = {
	{.name = "str", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "str(pointer[, length])", .check = check_str, .emit_into = emit_str},
	{0},
};
