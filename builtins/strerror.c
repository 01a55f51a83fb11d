/* strerror(errno): the C library's message for an error number, as bpftrace.
 * The BPF side stores the number (8 bytes, type TY_STRERROR); the runtime prints
 * strerror() of it, in printf("%s"), print(), map keys and values. This file, the
 * enum entry and the type_kinds[] row are all a new printed type needs. */
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

static bool check_strerror(struct sema *s, struct node *n)
{
	if (!sema_want_int(s, n, n->call.args, 0))
		return false;
	n->type = type_new(s->a, TY_STRERROR);
	return true;
}

static LLVMValueRef emit_strerror(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

static void print_strerror(struct sb *out, const struct type *t, const void *data, bool json,
			   uint32_t div)
{
	int64_t v;
	(void)t, (void)json, (void)div;
	memcpy(&v, data, sizeof(v));
	sb_puts(out, strerror((int)v));
}

const struct builtin builtins_strerror[] = {
	{.name = "strerror", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "strerror(errno)", .check = check_strerror, .emit = emit_strerror,
	 .owns = TY_STRERROR, .print = print_strerror},
	{0},
};
