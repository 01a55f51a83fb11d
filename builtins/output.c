/* Output builtins: printf, errorf, warnf, exit, time, system, cat, and debugf,
 * the one that formats in the kernel (bpf_trace_printk, for debugging). Each registers an output
 * action in sema; codegen writes its record into the ring buffer; the runtime
 * formats it. Nothing is formatted in the kernel. */
#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "runtime/fmt.h"

/* Check every argument after the format; false when one failed. */
static bool check_rest(struct sema *s, struct node *first)
{
	bool ok = true;
	for (struct node *a = first; a; a = a->next) {
		struct type *t = sema_expr(s, a);
		if (t->kind == TY_NONE)
			ok = false;
		else if (type_has(t, TF_NO_PRINT)) {
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

static bool check_errorf(struct sema *s, struct node *n)
{
	return check_formatted(s, n, ACT_ERRORF);
}

static bool check_warnf(struct sema *s, struct node *n)
{
	return check_formatted(s, n, ACT_WARNF);
}

/* bpf_trace_printk takes three values after the format. */
#define DEBUGF_MAX_ARGS 3

/* debugf("fmt", args...): written to the kernel's trace pipe, not our output. */
static bool check_debugf(struct sema *s, struct node *n)
{
	struct node *fmt = n->call.args;
	int nargs = 0;
	if (!sema_want_literal(s, n, fmt) || !check_rest(s, fmt->next))
		return false;
	for (struct node *a = fmt->next; a; a = a->next)
		nargs++;
	if (nargs > DEBUGF_MAX_ARGS) {
		struct diag *dg = diag_error(s->d, n->loc, "debugf() takes at most %d arguments after the format (%d supplied)",
					     DEBUGF_MAX_ARGS, nargs);
		diag_hint(s->d, dg, "use printf() for more");
		return false;
	}
	return fmt_check(s->d, n, fmt->str.value, fmt->next);
}

/* One bpf_trace_printk argument: an integer's value, or the address of a copy of a
 * string (the kernel reads %s through the pointer). */
static LLVMValueRef debugf_arg(struct cg *c, struct node *a)
{
	if (a->type->kind != TY_STR)
		return cg_expr(c, a);
	LLVMValueRef tmp = cg_alloca(c, a->type->size);
	cg_expr_into(c, a, tmp);
	return LLVMBuildPtrToInt(c->b, tmp, c->i64, "");
}

/* The format is copied into a slot byte by byte (the helper wants it in memory). */
static LLVMValueRef emit_debugf(struct cg *c, struct node *n)
{
	struct node *fmt = n->call.args;
	uint32_t len = (uint32_t)fmt->str.len + 1;
	LLVMValueRef buf = cg_alloca(c, len);
	for (uint32_t i = 0; i < len; i++)
		LLVMBuildStore(c->b, LLVMConstInt(c->i8, i < len - 1 ? (uint8_t)fmt->str.value[i] : 0, 0),
			       cg_gep(c, buf, i));
	LLVMValueRef args[2 + DEBUGF_MAX_ARGS] = {buf, cg_const(c, len)};
	int n_args = 2;
	for (struct node *a = fmt->next; a; a = a->next)
		args[n_args++] = debugf_arg(c, a);
	cg_helper(c, BPF_FUNC_trace_printk, args, n_args);
	return cg_const(c, 0);
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

/* exit([code]): the exit record, then the probe returns, as bpftrace's does:
 * nothing after exit() runs. Code that follows goes to a block no path
 * reaches, which LLVM drops. */
static LLVMValueRef emit_exit(struct cg *c, struct node *n)
{
	LLVMValueRef code = n->call.args ? cg_expr(c, n->call.args) : cg_const(c, 0);
	cg_mark_exited(c, code);
	if (n->call.action_id >= 0)
		cg_emit_action(c, n->call.action_id, NULL, &code, 1);
	/* exit() ends this run of the probe at once, as bpftrace's: what follows
	 * goes into a block nothing reaches, which LLVM drops */
	cg_emit_return(c);	/* from a for loop's callback too */
	LLVMPositionBuilderAtEnd(c->b, cg_block(c, "after_exit"));
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

/* join(char **argv[, delimiter]): prints the strings of a NULL-terminated
 * array of (user) string pointers, such as execve's argv. */
static bool check_join(struct sema *s, struct node *n)
{
	struct node *arr = n->call.args;
	struct type *t = sema_expr(s, arr);
	const char *delim = " ";
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_PTR && t->kind != TY_INT) {
		char b[128];
		struct diag *dg = diag_error(s->d, arr->loc, "join() expects an array of string pointers (%s supplied)",
					     type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "e.g. join(args.argv) in tracepoint:syscalls:sys_enter_execve");
		return false;
	}
	if (arr->next) {
		if (!sema_want_literal(s, n, arr->next))
			return false;
		delim = arr->next->str.value;
	}
	n->call.action_id = sema_add_action(s, ACT_JOIN, n, delim, NULL,
					    JOIN_MAX_ARGS * JOIN_ARG_SIZE);
	return true;
}

/* Copy argv[0..JOIN_MAX_ARGS) into the record; a NULL pointer ends the list
 * (the slot after it starts with NUL: the runtime stops at the first empty one). */
static void emit_join_args(struct cg *c, struct node *n, LLVMValueRef rec)
{
	struct node *arr = n->call.args;
	bool user = arr->type->kind != TY_PTR || arr->type->is_user;
	LLVMValueRef base = cg_expr(c, arr);
	LLVMValueRef slot = cg_alloca(c, 8);
	LLVMBasicBlockRef done = cg_block(c, "join_done");
	/* an empty first byte marks the end; read_str fills the slots it reaches
	 * (a whole-payload memset would be a libcall BPF cannot make) */
	for (int i = 0; i < JOIN_MAX_ARGS; i++)
		LLVMBuildStore(c->b, LLVMConstInt(c->i8, 0, 0), cg_gep(c, rec, (uint32_t)(i * JOIN_ARG_SIZE)));
	for (int i = 0; i < JOIN_MAX_ARGS; i++) {
		LLVMValueRef addr = LLVMBuildAdd(c->b, base, cg_const(c, 8u * (uint64_t)i), "");
		LLVMValueRef ra[] = {slot, cg_const(c, 8), addr};
		cg_store64(c, cg_const(c, 0), slot);
		cg_helper(c, user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel, ra, 3);
		LLVMValueRef p = cg_load64(c, slot);
		LLVMBasicBlockRef more = cg_block(c, "join_arg");
		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, p, cg_const(c, 0), ""), done, more);
		LLVMPositionBuilderAtEnd(c->b, more);
		LLVMValueRef sa[] = {cg_gep(c, rec, (uint32_t)(i * JOIN_ARG_SIZE)),
				     cg_const(c, JOIN_ARG_SIZE), p};
		cg_helper(c, user ? BPF_FUNC_probe_read_user_str : BPF_FUNC_probe_read_kernel_str, sa, 3);
	}
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

static LLVMValueRef emit_join(struct cg *c, struct node *n)
{
	if (n->call.action_id >= 0)
		cg_emit_action_with(c, n->call.action_id, emit_join_args, n);
	return cg_const(c, 0);
}

const struct builtin builtins_output[] = {
	{.name = "join", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "join(argv[, \"delimiter\"])", .check = check_join, .emit = emit_join},
	{.name = "printf", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "printf(\"format\", args...)", .check = check_printf, .emit = emit_formatted},
	{.name = "errorf", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "errorf(\"format\", args...)", .check = check_errorf, .emit = emit_formatted},
	{.name = "warnf", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "warnf(\"format\", args...)", .check = check_warnf, .emit = emit_formatted},
	{.name = "debugf", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "debugf(\"format\", args...)", .check = check_debugf, .emit = emit_debugf},
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
