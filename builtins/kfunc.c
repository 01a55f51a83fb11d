/* Builtins of kernel-function probes: arg0..arg11, retval, func, and `args` of
 * fentry/fexit (the BTF-typed parameters; the tracepoint `args` is in proc.c,
 * which hands fentry/fexit over to kfunc_check_args).
 *
 * Where the values are:
 * - kprobe (and uprobe: the same struct pt_regs): the x86-64 argument
 *   registers di, si, dx, cx, r8, r9; kretprobe: ax.
 * - fentry/fexit: the context is an array of u64, one per parameter, and fexit
 *   has the return value after them (ctx[nparams]). A kprobe that runs as
 *   fentry (probes_kfunc.c) reads its argN from there too. */
#include "kfunc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "codegen/cg.h"
#include "parser/kbtf.h"
#include "parser/sema.h"

/* Offsets in the x86-64 struct pt_regs. */
#define PT_REGS_AX 80
static const uint32_t pt_regs_arg[] = {112, 104, 96, 88, 72, 64};	/* di si dx cx r8 r9 */

static bool on_regs(enum probe_kind k)
{
	return k == PK_KPROBE || k == PK_UPROBE;
}

static bool on_u64_ctx(enum probe_kind k)
{
	return k == PK_FENTRY || k == PK_FEXIT;
}

static int arg_index(const char *name)
{
	return (int)strtol(name + 3, NULL, 10);
}

static bool check_arg(struct sema *s, struct node *n)
{
	const struct probe_def *d = s->pdef;
	int i = arg_index(n->ident.name);
	if (!d || (!on_regs(d->kind) && !on_u64_ctx(d->kind))) {
		diag_error(s->d, n->loc, "The %s builtin can only be used with kprobe, uprobe and fentry probes",
			   n->ident.name);
		return false;
	}
	if (on_regs(d->kind) && i >= (int)(sizeof(pt_regs_arg) / sizeof(pt_regs_arg[0]))) {
		diag_error(s->d, n->loc, "%s: only arg0..arg5 are in registers; later arguments are not supported",
			   n->ident.name);
		return false;
	}
	if (on_u64_ctx(d->kind) && (uint64_t)i >= d->value) {
		struct diag *dg = diag_error(s->d, n->loc, "%s: %s has %llu argument%s", n->ident.name,
					     d->func, (unsigned long long)d->value, d->value == 1 ? "" : "s");
		diag_hint(s->d, dg, "bpfline -lv fentry:%s lists them", d->func);
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_arg(struct cg *c, struct node *n)
{
	int i = arg_index(n->ident.name);
	uint32_t off = on_regs(c->pdef->kind) ? pt_regs_arg[i] : 8u * (uint32_t)i;
	return cg_load64(c, cg_gep(c, c->ctxarg, off));
}

/* The return type of the fexit function of d (NULL: void, or unknown). */
static struct type *fexit_ret(struct sema *s, const struct probe_def *d)
{
	struct type *args, *ret = NULL;
	if (kbtf_func(s->a, d->func, &args, &ret) < 0)
		return NULL;
	return ret;
}

static bool check_retval(struct sema *s, struct node *n)
{
	const struct probe_def *d = s->pdef;
	if (d && (d->kind == PK_KRETPROBE || d->kind == PK_URETPROBE)) {
		n->type = type_int(s->a, 64, false);
		return true;
	}
	if (d && d->kind == PK_FEXIT) {
		struct type *t = fexit_ret(s, d);
		if (!t || (t->kind != TY_INT && t->kind != TY_PTR)) {
			diag_error(s->d, n->loc, "retval: %s returns %s", d->func,
				   t ? "a value that is not an integer or a pointer" : "void");
			return false;
		}
		n->type = t;
		return true;
	}
	diag_error(s->d, n->loc, "The retval builtin can only be used with kretprobe, uretprobe and fexit probes");
	return false;
}

static LLVMValueRef emit_retval(struct cg *c, struct node *n)
{
	if (c->pdef->kind != PK_FEXIT)
		return cg_load64(c, cg_gep(c, c->ctxarg, PT_REGS_AX));
	LLVMValueRef v = cg_load64(c, cg_gep(c, c->ctxarg, 8u * (uint32_t)c->pdef->value));
	const struct type *t = n->type;
	if (t->kind != TY_INT || t->bits >= 64)
		return v;
	LLVMValueRef tr = LLVMBuildTrunc(c->b, v, LLVMIntTypeInContext(c->ctx, t->bits), "");
	return t->is_signed ? LLVMBuildSExt(c->b, tr, c->i64, "") : LLVMBuildZExt(c->b, tr, c->i64, "");
}

/* `func`: each concrete kernel-function probe has its own program, so the
 * function's name is a constant string, sized for the longest name of the
 * block's attach points. */
static bool check_func(struct sema *s, struct node *n)
{
	const struct probe_def *d = s->pdef;
	if (!d || !d->func || (d->kind != PK_KPROBE && d->kind != PK_KRETPROBE &&
			       d->kind != PK_FENTRY && d->kind != PK_FEXIT)) {
		diag_error(s->d, n->loc, "The func builtin can only be used with kprobe, kretprobe, fentry and fexit probes here");
		return false;
	}
	size_t longest = 0;
	for (size_t i = 0; i < s->p->probes.len; i++) {
		const struct probe_def *o = s->p->probes.items[i];
		if (o->probe == s->probe && o->func && strlen(o->func) > longest)
			longest = strlen(o->func);
	}
	n->type = type_str(s->a, (uint32_t)longest + 1);
	return true;
}

static void emit_func(struct cg *c, struct node *n, LLVMValueRef dst)
{
	const char *f = c->pdef->func;
	size_t len = strlen(f);
	cg_zero(c, dst, n->type->size);
	for (size_t i = 0; i < len; i++)
		LLVMBuildStore(c->b, LLVMConstInt(c->i8, (unsigned char)f[i], 0),
			       cg_gep(c, dst, (uint32_t)i));
}

bool kfunc_check_args(struct sema *s, struct node *n)
{
	if (!s->pdef->args) {
		diag_error(s->d, n->loc, "%s: the parameters of %s are not known (no BTF)",
			   s->pdef->name, s->pdef->func);
		return false;
	}
	n->type = s->pdef->args;
	return true;
}

#define ARG(i) {.name = "arg" #i, .kind = BI_VAR, .check = check_arg, .emit = emit_arg}

const struct builtin builtins_kfunc[] = {
	ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5),
	ARG(6), ARG(7), ARG(8), ARG(9), ARG(10), ARG(11),
	{.name = "retval", .kind = BI_VAR, .check = check_retval, .emit = emit_retval},
	{.name = "func", .kind = BI_VAR, .check = check_func, .emit_into = emit_func},
	{0},
};
