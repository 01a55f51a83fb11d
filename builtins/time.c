/* Time builtins: nsecs and nsecs(clock), elapsed (ns since the run started)
 * and strftime(fmt, ns), whose value is a timestamp the runtime formats with the
 * program's format. */
#include <linux/bpf.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "runtime/runtime.h"

/* The clocks of nsecs(clock), bpftrace's TimestampMode; nsecs alone is boot. */
enum clock_mode { CLK_BOOT, CLK_MONOTONIC, CLK_TAI, CLK_SW_TAI, CLK_NONE };

static const char *const clock_names[] = {
	[CLK_BOOT] = "boot", [CLK_MONOTONIC] = "monotonic", [CLK_TAI] = "tai",
	[CLK_SW_TAI] = "sw_tai",
};
_Static_assert(sizeof(clock_names) / sizeof(clock_names[0]) == CLK_NONE, "a name per clock");

/* The clock an nsecs() call names: its argument, an identifier; boot without. */
static enum clock_mode clock_of(const struct node *call)
{
	const struct node *a = call->call.args;
	if (!a)
		return CLK_BOOT;
	for (int m = 0; a->kind == N_IDENT && m < CLK_NONE; m++)
		if (!strcmp(a->ident.name, clock_names[m]))
			return (enum clock_mode)m;
	return CLK_NONE;
}

static bool check_nsecs_var(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 64, false);
	return true;
}

/* nsecs([clock]): the argument is a clock's name, not an expression. */
static bool check_nsecs(struct sema *s, struct node *n)
{
	if (clock_of(n) == CLK_NONE) {
		struct diag *dg = diag_error(s->d, n->call.args->loc,
					     "Invalid timestamp mode for nsecs()");
		diag_hint(s->d, dg, "nsecs(monotonic), nsecs(boot), nsecs(tai) or nsecs(sw_tai)");
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

/* sw_tai: the boot clock plus the TAI offset the runtime measured at start. */
static LLVMValueRef emit_clock(struct cg *c, enum clock_mode m)
{
	switch (m) {
	case CLK_MONOTONIC:
		return cg_helper(c, BPF_FUNC_ktime_get_ns, NULL, 0);
	case CLK_TAI:
		return cg_helper(c, BPF_FUNC_ktime_get_tai_ns, NULL, 0);
	case CLK_SW_TAI:
		return LLVMBuildAdd(c->b, cg_helper(c, BPF_FUNC_ktime_get_boot_ns, NULL, 0),
				    cg_counter_load(c, ABI_CTR_TAI_OFFSET), "");
	default:
		return cg_helper(c, BPF_FUNC_ktime_get_boot_ns, NULL, 0);
	}
}

static LLVMValueRef emit_nsecs_var(struct cg *c, struct node *n)
{
	(void)n;
	return emit_clock(c, CLK_BOOT);
}

static LLVMValueRef emit_nsecs(struct cg *c, struct node *n)
{
	return emit_clock(c, clock_of(n));
}

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
	{.name = "nsecs", .kind = BI_VAR, .check = check_nsecs_var, .emit = emit_nsecs_var},
	{.name = "nsecs", .kind = BI_CALL, .min_args = 0, .max_args = 1,
	 .usage = "nsecs([monotonic|boot|tai|sw_tai])", .check = check_nsecs, .emit = emit_nsecs},
	{.name = "elapsed", .kind = BI_VAR, .check = check_elapsed, .emit = emit_elapsed},
	{.name = "strftime", .kind = BI_CALL, .min_args = 2, .max_args = 2,
	 .usage = "strftime(\"%H:%M:%S\", nsecs)", .check = check_strftime, .emit = emit_strftime},
	{0},
};
