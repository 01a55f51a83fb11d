/* Time builtins: elapsed (ns since the run started) and strftime(fmt, ns),
 * whose value is a timestamp the runtime formats with the program's format. */
#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "runtime/runtime.h"

static bool check_elapsed(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 64, false);
	return true;
}

/* nsecs minus the start time the runtime put in the counters map. */
static LLVMValueRef emit_elapsed(struct cg *c, struct node *n)
{
	(void)n;
	LLVMValueRef now = cg_helper(c, BPF_FUNC_ktime_get_ns, NULL, 0);
	return LLVMBuildSub(c->b, now, cg_counter_load(c, ABI_CTR_START), "");
}

/* strftime("fmt", ns): a TY_TIMESTAMP whose name is the format. */
static bool check_strftime(struct sema *s, struct node *n)
{
	struct node *fmt = n->call.args;
	if (!sema_want_literal(s, n, fmt) || !sema_want_int(s, n, fmt->next, 1))
		return false;
	n->type = type_new(s->a, TY_TIMESTAMP);
	n->type->name = fmt->str.value;
	return true;
}

static LLVMValueRef emit_strftime(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args->next);
}

const struct builtin builtins_time[] = {
	{.name = "elapsed", .kind = BI_VAR, .check = check_elapsed, .emit = emit_elapsed},
	{.name = "strftime", .kind = BI_CALL, .min_args = 2, .max_args = 2,
	 .usage = "strftime(\"%H:%M:%S\", nsecs)", .check = check_strftime, .emit = emit_strftime},
	{0},
};
