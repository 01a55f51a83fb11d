/* Probe arguments: arg0..argN, retval, func and ctx, as the probe's family
 * describes its context (probe_family.argn, .retval, .func, .ctx_type: pt_regs
 * through src/arch/, usdt argument specs, u64 arrays, BTF-typed slots,
 * an iterator's struct), and cpid (-c). */
#include "builtins/args.h"

#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "arch/arch.h"
#include "kernel/kbtf.h"
#include "kernel/usdt.h"
#include "probes/family.h"
#include "sema/sema.h"

/* The family of the probe being checked; NULL outside a probe. */
static const struct probe_family *family_of(const struct sema *s)
{
	return s->pdef ? s->pdef->family : NULL;
}

LLVMValueRef cg_regs_load(struct cg *c, int off)
{
	LLVMValueRef v = cg_load64(c, cg_gep(c, c->ctxarg, (uint32_t)off));
	return v;
}

/* 8 bytes of user (or kernel) memory at addr. */
static LLVMValueRef read_mem(struct cg *c, LLVMValueRef addr, int size, bool is_signed, bool user)
{
	LLVMValueRef buf = cg_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), buf);
	LLVMValueRef args[] = {buf, cg_const(c, (uint64_t)size), addr};
	cg_helper(c, user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel, args, 3);
	LLVMValueRef v = cg_load64(c, buf);
	if (size < 8 && is_signed) {
		LLVMValueRef sh = cg_const(c, 64 - 8 * (uint64_t)size);
		v = LLVMBuildAShr(c->b, LLVMBuildShl(c->b, v, sh, ""), sh, "");
	}
	return v;
}

LLVMValueRef cg_regs_arg(struct cg *c, int n)
{
	if (n < ARCH_NARG_REGS)
		return cg_regs_load(c, arch_arg_offset(n));
	LLVMValueRef sp = cg_regs_load(c, arch_sp_offset());
	LLVMValueRef addr = LLVMBuildAdd(c->b, sp,
					 cg_const(c, 8 * (uint64_t)(n - ARCH_NARG_REGS + 1)), "");
	return read_mem(c, addr, 8, false, c->pdef->family->user);
}

LLVMValueRef cg_regs_ret(struct cg *c)
{
	return cg_regs_load(c, arch_ret_offset());
}

/* Truncate/extend v to size bytes. */
static LLVMValueRef fit_size(struct cg *c, LLVMValueRef v, int size, bool is_signed)
{
	if (size >= 8)
		return v;
	LLVMValueRef sh = cg_const(c, 64 - 8 * (uint64_t)size);
	v = LLVMBuildShl(c->b, v, sh, "");
	return is_signed ? LLVMBuildAShr(c->b, v, sh, "") : LLVMBuildLShr(c->b, v, sh, "");
}

/* One usdt argument as its spec says. */
static LLVMValueRef usdt_arg(struct cg *c, const struct usdt_arg *a)
{
	switch (a->kind) {
	case USDT_ARG_CONST:	/* 4@$-1 is 4294967295: the operand's size and sign */
		return fit_size(c, cg_const(c, (uint64_t)a->val), a->size, a->is_signed);
	case USDT_ARG_REG:
		return fit_size(c, cg_regs_load(c, a->reg_off), a->size, a->is_signed);
	default: {
		LLVMValueRef addr = LLVMBuildAdd(c->b, cg_regs_load(c, a->reg_off),
						 cg_const(c, (uint64_t)a->val), "");
		return read_mem(c, addr, a->size, a->is_signed, true);
	}
	}
}

/* usdt argN: with several sites, the BPF cookie (the site index) selects the
 * spec of the site that fired; every spec is read and the right one kept. */
static LLVMValueRef emit_usdt_arg(struct cg *c, int n)
{
	const struct usdt_probe *up = c->pdef->usdt;
	LLVMValueRef v = usdt_arg(c, &up->sites[0].args[n]);
	if (up->nsites == 1)
		return v;
	LLVMValueRef ctx[] = {c->ctxarg};
	LLVMValueRef site = cg_helper(c, BPF_FUNC_get_attach_cookie, ctx, 1);
	for (int i = 1; i < up->nsites; i++) {
		LLVMValueRef is = LLVMBuildICmp(c->b, LLVMIntEQ, site, cg_const(c, (uint64_t)i), "");
		v = LLVMBuildSelect(c->b, is, usdt_arg(c, &up->sites[i].args[n]), v, "");
	}
	return v;
}

static int arg_index(const struct node *n)
{
	return atoi(n->ident.name + 3);
}

/* The smallest argument count over the sites of every usdt def of the probe
 * (so argN is valid wherever the program runs); marks them own_layout. */
static int usdt_nargs(struct sema *s)
{
	int min = USDT_MAX_ARGS;
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		const struct usdt_probe *up = d->usdt;
		if (d->probe != s->probe || !up)
			continue;
		d->own_layout = true;
		for (int k = 0; k < up->nsites; k++)
			if (up->sites[k].nargs < min)
				min = up->sites[k].nargs;
	}
	return min;
}

static bool check_arg(struct sema *s, struct node *n)
{
	const struct probe_family *f = family_of(s);
	enum probe_argn argn = f ? f->argn : ARGN_NONE;
	int i = arg_index(n);
	if (argn == ARGN_USDT) {
		int max = usdt_nargs(s);
		if (i >= max) {
			diag_error(s->d, n->loc, max < 0 ? "%s: a site of %s has an argument spec "
				   "bpfline cannot read" : "%s: %s has only %d arguments",
				   n->ident.name, s->pdef->name, max);
			return false;
		}
		n->type = type_int(s->a, 64, true);
		return true;
	}
	if (argn == ARGN_PARAMS) {	/* d->value: the function's parameter count */
		if ((uint64_t)i >= s->pdef->value) {
			struct diag *dg = diag_error(s->d, n->loc, "%s: %s has %llu argument%s",
				n->ident.name, s->pdef->func, (unsigned long long)s->pdef->value,
				s->pdef->value == 1 ? "" : "s");
			diag_hint(s->d, dg, "bpfline -lv fentry:%s lists them", s->pdef->func);
			return false;
		}
	} else if (argn == ARGN_NONE) {
		struct diag *dg = diag_error(s->d, n->loc, "The %s builtin can only be used with "
					     "kprobe, uprobe, usdt, rawtracepoint and fentry probes",
					     n->ident.name);
		if (f && f->retval == RETVAL_REGS)
			diag_hint(s->d, dg, "a return probe has retval; save arguments at entry in a map keyed by tid");
		else
			diag_hint(s->d, dg, "tracepoints name their arguments: args.NAME");
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_arg(struct cg *c, struct node *n)
{
	int i = arg_index(n);
	switch (c->pdef->family->argn) {
	case ARGN_USDT:
		return emit_usdt_arg(c, i);
	case ARGN_U64:
	case ARGN_PARAMS:
		return cg_load64(c, cg_gep(c, c->ctxarg, 8u * (uint32_t)i));
	default:
		return cg_regs_arg(c, i);
	}
}

/* fexit's retval has the function's return type, from kernel BTF. */
static bool check_fexit_retval(struct sema *s, struct node *n)
{
	const struct probe_def *d = s->pdef;
	struct type *params, *ret = NULL;
	if (kbtf_func(s->a, d->func, &params, &ret) < 0)
		ret = NULL;
	if (!ret || (ret->kind != TY_INT && ret->kind != TY_PTR)) {
		diag_error(s->d, n->loc, "retval: %s returns %s", d->func,
			   ret ? "a value that is not an integer or a pointer" : "void");
		return false;
	}
	n->type = ret;
	return true;
}

static bool check_retval(struct sema *s, struct node *n)
{
	const struct probe_family *f = family_of(s);
	enum probe_retval r = f ? f->retval : RETVAL_NONE;
	if (r == RETVAL_PARAMS)
		return check_fexit_retval(s, n);
	if (r != RETVAL_REGS) {
		diag_error(s->d, n->loc, "The retval builtin can only be used with "
			   "kretprobe, uretprobe and fexit probes");
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_retval(struct cg *c, struct node *n)
{
	if (c->pdef->family->retval != RETVAL_PARAMS)
		return cg_regs_ret(c);
	LLVMValueRef v = cg_load64(c, cg_gep(c, c->ctxarg, 8u * (uint32_t)c->pdef->value));
	const struct type *t = n->type;
	if (t->kind != TY_INT || t->bits >= 64)
		return v;
	return fit_size(c, v, t->bits / 8, t->is_signed);
}

/* func: the probed function's name, a constant per attach point (so the
 * defs of a wildcard keep their own programs). */
static bool check_func(struct sema *s, struct node *n)
{
	const struct probe_family *f = family_of(s);
	uint32_t size = 1;
	if (!f || !f->func) {
		diag_error(s->d, n->loc, "The func builtin can only be used with uprobe, "
			   "uretprobe, kprobe, kretprobe, fentry and fexit probes");
		return false;
	}
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe != s->probe)
			continue;
		d->own_layout = true;
		if (d->func && strlen(d->func) + 1 > size)
			size = (uint32_t)strlen(d->func) + 1;
	}
	n->type = type_str(s->a, (size + 7) & ~7u);
	return true;
}

static void emit_func(struct cg *c, struct node *n, LLVMValueRef dst)
{
	const char *f = c->pdef->func ? c->pdef->func : "";
	size_t len = strlen(f);
	cg_zero(c, dst, n->type->size);
	for (size_t i = 0; i < len; i++)
		LLVMBuildStore(c->b, LLVMConstInt(c->i8, (unsigned char)f[i], 0),
			       cg_gep(c, dst, (uint32_t)i));
}

/* ctx: the context of a family that types it (an iterator's struct
 * bpf_iter__NAME *), its fields read through the pointer (deref.c); in other
 * families an int8 * to the program's context, as in bpftrace, which a script
 * casts to a struct of its own ((struct x *)ctx).x). */
static bool check_ctx(struct sema *s, struct node *n)
{
	const struct probe_family *f = family_of(s);
	if (!f || !f->ctx_type) {
		n->type = type_new(s->a, TY_PTR);
		n->type->elem = type_int(s->a, 8, true);
		return true;
	}
	n->type = f->ctx_type(s->a, s->pdef);
	if (!n->type) {
		diag_error(s->d, n->loc, "%s: the type of ctx is not in kernel BTF", s->pdef->name);
		return false;
	}
	return true;
}

static LLVMValueRef emit_ctx(struct cg *c, struct node *n)
{
	(void)n;
	return LLVMBuildPtrToInt(c->b, c->ctxarg, c->i64, "");
}

static bool check_cpid(struct sema *s, struct node *n)
{
	if (!s->p->child) {
		struct diag *dg = diag_error(s->d, n->loc, "cpid cannot be used without a child command");
		diag_hint(s->d, dg, "run the command with -c 'CMD'");
		return false;
	}
	n->type = type_int(s->a, 32, false);
	return true;
}

static LLVMValueRef emit_cpid(struct cg *c, struct node *n)
{
	(void)n;
	return cg_const(c, (uint64_t)c->p->target_pid);
}

#define ARG(N) {.name = "arg" #N, .kind = BI_VAR, .check = check_arg, .emit = emit_arg}

const struct builtin builtins_args[] = {
	ARG(0), ARG(1), ARG(2), ARG(3), ARG(4), ARG(5), ARG(6), ARG(7),
	ARG(8), ARG(9), ARG(10), ARG(11),
	{.name = "retval", .kind = BI_VAR, .check = check_retval, .emit = emit_retval},
	{.name = "func", .kind = BI_VAR, .check = check_func, .emit_into = emit_func},
	{.name = "cpid", .kind = BI_VAR, .check = check_cpid, .emit = emit_cpid},
	{.name = "ctx", .kind = BI_VAR, .check = check_ctx, .emit = emit_ctx},
	{0},
};
