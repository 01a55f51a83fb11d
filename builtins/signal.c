/* signal_name(signum): the C library's description of a signal ("Interrupt"
 * for 2), as bpftrace's stdlib. The BPF side stores the number (8 bytes, type
 * TY_SIGNAL_NAME); the runtime prints strsignal() of it, or "N/A" for a number
 * that is no signal of this system. */
#include <signal.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

static bool check_signal_name(struct sema *s, struct node *n)
{
	if (!sema_want_int(s, n, n->call.args, 0))
		return false;
	n->type = type_new(s->a, TY_SIGNAL_NAME);
	return true;
}

static LLVMValueRef emit_signal_name(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

static void print_signal_name(struct sb *out, const struct type *t, const void *data, bool json,
			      uint32_t div)
{
	int64_t v;
	(void)t, (void)json, (void)div;
	memcpy(&v, data, sizeof(v));
	sb_puts(out, v >= 0 && v < NSIG ? strsignal((int)v) : "N/A");
}

const struct builtin builtins_signal[] = {
	{.name = "signal_name", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "signal_name(signum)", .check = check_signal_name, .emit = emit_signal_name,
	 .owns = TY_SIGNAL_NAME, .print = print_signal_name},
	{0},
};
