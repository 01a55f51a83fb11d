/* Output builtins: printf, exit, time, system, cat. Each registers an output
 * action in sema; codegen writes its record into the ring buffer; the runtime
 * formats it. Nothing is formatted in the kernel. */
#include "builtins.h"
#include "codegen/cg.h"
#include "parser/sema.h"
#include "runtime/fmt.h"

/* Check every argument after the format; false when one failed. */
static bool check_rest(struct sema *s, struct node *first)
{
	bool ok = true;
	for (struct node *a = first; a; a = a->next) {
		struct type *t = sema_expr(s, a);
		if (t->kind == TY_NONE)
			ok = false;
		else if (t->kind == TY_VOID || t->kind == TY_RECORD || t->kind == TY_CTX ||
			 type_is_aggregation(t)) {
			char b[128];
			diag_error(s->d, a->loc, "this value (of type '%s') cannot be printed",
				   type_name(t, b, sizeof b));
			ok = false;
		}
	}
	return ok;
}

/* printf-like calls: a literal format, then arguments that match it. */
static bool check_formatted(struct sema *s, struct node *n, enum action_kind kind)
{
	struct node *fmt = n->call.args;
	if (!sema_want_literal(s, n, fmt) || !check_rest(s, fmt->next))
		return false;
	if (!fmt_check(s->d, n, fmt->str.value, fmt->next))
		return false;
	n->call.action_id = sema_add_action(s, kind, n, fmt->str.value, fmt->next, 0);
	return true;
}

static bool check_printf(struct sema *s, struct node *n)
{
	return check_formatted(s, n, ACT_PRINTF);
}

static bool check_system(struct sema *s, struct node *n)
{
	if (!s->p->unsafe) {
		struct diag *dg = diag_error(s->d, n->loc,
			"system() is an unsafe function being used in safe mode");
		diag_hint(s->d, dg, "run with --unsafe to allow system()");
		return false;
	}
	return check_formatted(s, n, ACT_SYSTEM);
}

static bool check_cat(struct sema *s, struct node *n)
{
	return check_formatted(s, n, ACT_CAT);
}

static LLVMValueRef emit_formatted(struct cg *c, struct node *n)
{
	if (n->call.action_id >= 0)
		cg_emit_action(c, n->call.action_id, n->call.args->next, NULL, 0);
	return cg_const(c, 0);
}

static bool check_exit(struct sema *s, struct node *n)
{
	if (n->call.args && !sema_want_int(s, n, n->call.args, 0))
		return false;
	n->call.action_id = sema_add_action(s, ACT_EXIT, n, NULL, NULL, 8);
	return true;
}

static LLVMValueRef emit_exit(struct cg *c, struct node *n)
{
	LLVMValueRef code = n->call.args ? cg_expr(c, n->call.args) : cg_const(c, 0);
	if (n->call.action_id >= 0)
		cg_emit_action(c, n->call.action_id, NULL, &code, 1);
	return cg_const(c, 0);
}

static bool check_time(struct sema *s, struct node *n)
{
	const char *fmt = "%H:%M:%S\n";
	if (n->call.args) {
		if (!sema_want_literal(s, n, n->call.args))
			return false;
		fmt = n->call.args->str.value;
	}
	n->call.action_id = sema_add_action(s, ACT_TIME, n, fmt, NULL, 0);
	return true;
}

static LLVMValueRef emit_time(struct cg *c, struct node *n)
{
	if (n->call.action_id >= 0)
		cg_emit_action(c, n->call.action_id, NULL, NULL, 0);
	return cg_const(c, 0);
}

const struct builtin builtins_output[] = {
	{.name = "printf", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "printf(\"format\", args...)", .check = check_printf, .emit = emit_formatted},
	{.name = "system", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "system(\"command %s\", args...)", .check = check_system, .emit = emit_formatted},
	{.name = "cat", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "cat(\"/path/%d\", args...)", .check = check_cat, .emit = emit_formatted},
	{.name = "exit", .kind = BI_CALL, .min_args = 0, .max_args = 1,
	 .usage = "exit() or exit(code)", .check = check_exit, .emit = emit_exit},
	{.name = "time", .kind = BI_CALL, .min_args = 0, .max_args = 1,
	 .usage = "time(\"%H:%M:%S\\n\")", .check = check_time, .emit = emit_time},
	{0},
};
