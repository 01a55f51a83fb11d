/* Integers the runtime prints as C library text, as bpftrace's stdlib:
 *   strerror(errno)        the message of an error number ("No such file or directory")
 *   signal_name(signum)    the description of a signal ("Interrupt" for 2), or "N/A"
 *                          for a number that is no signal of this system
 * The BPF side stores the number (8 bytes) under the function's own printed type;
 * the runtime turns it into text in printf("%s"), print(), map keys and values.
 * A new function of this kind is a type_kinds[] row, an enum entry, a printer and a
 * row of the table below. */
#include <signal.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

static bool check_libc_text(struct sema *s, struct node *n)
{
	if (!sema_want_int(s, n, n->call.args, 0))
		return false;
	n->type = type_new(s->a, builtin_find(n->call.name, true)->owns);	/* its printed type */
	return true;
}

static LLVMValueRef emit_libc_text(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

static int64_t stored_int(const void *data)
{
	int64_t v;
	memcpy(&v, data, sizeof(v));
	return v;
}

static void print_strerror(struct sb *out, const struct type *t, const void *data, bool json,
			   uint32_t div)
{
	(void)t, (void)json, (void)div;
	sb_puts(out, strerror((int)stored_int(data)));
}

static void print_signal_name(struct sb *out, const struct type *t, const void *data,
			      bool json, uint32_t div)
{
	int64_t v = stored_int(data);
	(void)t, (void)json, (void)div;
	sb_puts(out, v >= 0 && v < NSIG ? strsignal((int)v) : "N/A");
}

const struct builtin builtins_libctext[] = {
	{.name = "strerror", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "strerror(errno)", .check = check_libc_text, .emit = emit_libc_text,
	 .owns = TY_STRERROR, .print = print_strerror},
	{.name = "signal_name", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "signal_name(signum)", .check = check_libc_text, .emit = emit_libc_text,
	 .owns = TY_SIGNAL_NAME, .print = print_signal_name},
	{0},
};
