/* Syscall tracepoints on raw_syscalls (probes/syscall.c): the test of the
 * syscall number that starts their program, and `args` read from the
 * registers. The raw tracepoint's context is u64[2]: sys_enter (struct pt_regs
 * *regs, long id), sys_exit (struct pt_regs *regs, long ret), whose number is
 * regs->orig_ax. The kernel's syscall tracepoints skip 32-bit compat calls
 * (numbered from another table); so do these, by the code segment. A tp_btf
 * program loads the registers through regs; a raw_tp one copies each with
 * probe_read. */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "arch/arch.h"
#include "lang/types.h"
#include "probes/family.h"

/* The register at offset off of the syscall's struct pt_regs (ctx[0]). A
 * tp_btf program's regs is a trusted BTF pointer: a plain 8-byte load, which
 * the verifier checks against struct pt_regs. A raw tracepoint may not
 * dereference its regs: 8 bytes copied with probe_read. */
static LLVMValueRef read_reg(struct cg *c, int off)
{
	if (c->pdef->family->syscall_btf) {
		LLVMValueRef regs = LLVMBuildLoad2(c->b, c->ptr, c->ctxarg, "regs");
		LLVMSetAlignment(regs, 8);
		return cg_load64(c, cg_gep(c, regs, (uint32_t)off));
	}
	LLVMValueRef regs = cg_load64(c, c->ctxarg), buf = cg_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), buf);
	LLVMValueRef addr = LLVMBuildAdd(c->b, regs, cg_const(c, (uint64_t)off), "");
	LLVMValueRef args[] = {buf, cg_const(c, 8), LLVMBuildIntToPtr(c->b, addr, c->ptr, "")};
	cg_helper(c, BPF_FUNC_probe_read_kernel, args, 3);
	return cg_load64(c, buf);
}

/* The syscall's number from the context: the id argument of sys_enter,
 * orig_ax at sys_exit. */
static LLVMValueRef read_nr(struct cg *c)
{
	if (c->pdef->family->syscall == SYSCALL_ENTER)
		return cg_load64(c, cg_gep(c, c->ctxarg, 8));
	return read_reg(c, arch_reg_offset("orig_ax"));
}

LLVMValueRef cg_syscall_nr(struct cg *c)
{
	if (c->pdef->own_layout)	/* a body of its own: one syscall */
		return cg_const(c, c->pdef->value);
	if (c->sys_nr && !c->loop_ret)	/* read once by the dispatch */
		return c->sys_nr;
	return read_nr(c);
}

/* Return unless the call came from 64-bit code (the tracepoints' own test). */
static void emit_native_only(struct cg *c)
{
	LLVMValueRef cs = read_reg(c, arch_reg_offset("cs"));
	LLVMBasicBlockRef go = cg_block(c, "native"), stop = cg_block(c, "compat");
	LLVMValueRef native = LLVMBuildICmp(c->b, LLVMIntEQ, cs,
					    cg_const(c, (uint64_t)arch_syscall_native_cs()), "");
	LLVMBuildCondBr(c->b, native, go, stop);
	LLVMPositionBuilderAtEnd(c->b, stop);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
}

/* The probe_defs whose program is owner's, in index order, into defs (sized
 * for every probe); their count. */
static size_t group_of(struct cg *c, const struct probe_def *owner, const struct probe_def **defs)
{
	size_t n = 0;
	for (size_t i = 0; i < c->p->probes.len; i++) {
		const struct probe_def *d = c->p->probes.items[i];
		if (d->owner == owner->index)
			defs[n++] = d;
	}
	return n;
}

/* v, which the optimiser cannot see through (an empty inline asm): the
 * probe index of a body shared by many syscalls. Seen as the phi of its
 * constants, a `probe == "..."` gets the name-building switch threaded for
 * each of them, and GVN's dead-block updates make that quadratic: minutes for
 * sys_enter_*. The perf events' shared programs read it at run time too. */
static LLVMValueRef opaque(struct cg *c, LLVMValueRef v)
{
	static const char constraints[] = "=r,0";
	LLVMTypeRef fty = LLVMFunctionType(c->i64, &c->i64, 1, 0);
	LLVMValueRef as = LLVMGetInlineAsm(fty, "", 0, constraints, strlen(constraints), 0, 0,
					   LLVMInlineAsmDialectATT, 0);
	return LLVMBuildCall2(c->b, fty, as, &v, 1, "");
}

/* switch (nr) { case defs[i]->value: defs[i]->index; default: return }: the
 * probe's index as an i64 phi. */
static LLVMValueRef switch_to_index(struct cg *c, LLVMValueRef nr, const struct probe_def **defs,
				    size_t n)
{
	LLVMBasicBlockRef none = cg_block(c, "sc_none"), done = cg_block(c, "sc_match");
	LLVMValueRef sw = LLVMBuildSwitch(c->b, nr, none, (unsigned)n);
	LLVMPositionBuilderAtEnd(c->b, done);
	LLVMValueRef phi = LLVMBuildPhi(c->b, c->i64, "probe_index");
	for (size_t i = 0; i < n; i++) {
		LLVMBasicBlockRef bb = cg_block(c, "sc_case");
		LLVMValueRef idx = cg_const(c, (uint64_t)defs[i]->index);
		LLVMAddCase(sw, cg_const(c, defs[i]->value), bb);
		LLVMPositionBuilderAtEnd(c->b, bb);
		LLVMBuildBr(c->b, done);
		LLVMAddIncoming(phi, &idx, &bb, 1);
	}
	LLVMPositionBuilderAtEnd(c->b, none);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, done);
	return phi;
}

/* `probe` in a program of several syscalls: a body of its own knows it; a
 * shared body has the dispatch's index, or, in a loop callback, the same
 * switch again. */
LLVMValueRef cg_syscall_probe_index(struct cg *c)
{
	if (c->pdef->own_layout)
		return cg_const(c, (uint64_t)c->pdef->index);
	if (c->probe_index && !c->loop_ret)
		return c->probe_index;
	const struct probe_def *owner = c->p->probes.items[c->pdef->owner];
	const struct probe_def **defs = arena_alloc(&c->p->arena, sizeof(*defs) * c->p->probes.len);
	size_t n = group_of(c, owner, defs);
	return opaque(c, switch_to_index(c, cg_syscall_nr(c), defs, n));
}

/* One case of a group whose bodies read their own layout: a static
 * subprogram `i64 (ptr ctx)` that runs body for d. A function of its own:
 * BPF's jumps reach 32,767 instructions, which a few hundred bodies in one
 * function pass (LLVM then fails: "Branch target out of insn range"); the
 * kernel checks the stack of each function and of the deepest chain of calls,
 * not of every case at once; and LLVM optimises each body alone, as it does
 * the perf event's program the case replaces. */
static LLVMValueRef case_fn(struct cg *c, const struct probe_def *d, cg_body_fn body,
			    const void *arg)
{
	const char *name = arena_printf(&c->p->arena, "probe%d_case%d", d->owner, d->index);
	unsigned line = d->probe->loc.line > 0 ? (unsigned)d->probe->loc.line : 0;
	struct cg_fn_state caller;

	cg_fn_save(c, &caller);
	c->fn = cg_subprog_add(c, name, LLVMFunctionType(c->i64, &c->ptr, 1, 0));
	c->di_sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, name, strlen(name), name,
		strlen(name), c->di_file, line, c->di_func_type, 1, 1, line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(c->fn, c->di_sp);
	/* the kernel wants func info, with named parameters, for every subprogram */
	LLVMDIBuilderCreateParameterVariable(c->di, c->di_sp, "ctx", 3, 1, c->di_file, line,
					     c->di_ctx_type, 1, LLVMDIFlagZero);
	c->ctxarg = LLVMGetParam(c->fn, 0);
	c->entry = cg_block(c, "entry");
	c->init = cg_block(c, "init");
	c->pdef = d;
	c->vars = NULL;
	c->loop_ret = NULL;
	c->brk = c->cont = NULL;
	c->sys_nr = c->probe_index = NULL;
	cg_frame_begin(c, name);
	LLVMBasicBlockRef start = cg_block(c, "body");
	LLVMPositionBuilderAtEnd(c->b, start);
	cg_set_loc(c, d->probe);
	body(c, d, arg);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		cg_return(c);
	cg_frame_end(c, start, cg_const(c, 0));
	LLVMValueRef fn = c->fn;
	cg_fn_restore(c, &caller);
	return fn;
}

/* switch (index) { case i: return case_i(ctx); }: the bodies of a group that
 * reads each attach point's own layout, each in its own subprogram. Only one
 * runs, so each case's $variables start where the first's do. */
static void emit_cases(struct cg *c, LLVMValueRef index, const struct probe_def **defs, size_t n,
		       cg_body_fn body, const void *arg)
{
	LLVMTypeRef fty = LLVMFunctionType(c->i64, &c->ptr, 1, 0);
	LLVMBasicBlockRef none = cg_block(c, "case_none");
	LLVMValueRef sw = LLVMBuildSwitch(c->b, index, none, (unsigned)n);
	uint32_t vars = c->var_used, vars_max = vars;

	LLVMPositionBuilderAtEnd(c->b, none);
	cg_return(c);
	for (size_t i = 0; i < n; i++) {
		LLVMBasicBlockRef bb = cg_block(c, "case");
		LLVMAddCase(sw, cg_const(c, (uint64_t)defs[i]->index), bb);
		LLVMPositionBuilderAtEnd(c->b, bb);
		c->var_used = vars;
		LLVMValueRef fn = case_fn(c, defs[i], body, arg);
		if (c->var_used > vars_max)
			vars_max = c->var_used;
		LLVMBuildCall2(c->b, fty, fn, &c->ctxarg, 1, "");
		cg_return(c);
	}
	c->var_used = vars_max;
}

void cg_syscall_emit(struct cg *c, const struct probe_def *owner, cg_body_fn body,
		     const void *arg)
{
	const struct probe_def **defs = arena_alloc(&c->p->arena, sizeof(*defs) * c->p->probes.len);
	size_t n = group_of(c, owner, defs);

	c->sys_nr = read_nr(c);
	if (n == 1) {
		LLVMBasicBlockRef go = cg_block(c, "sc_match"), stop = cg_block(c, "sc_none");
		LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, c->sys_nr,
						    cg_const(c, owner->value), ""), go, stop);
		LLVMPositionBuilderAtEnd(c->b, stop);
		cg_return(c);
		LLVMPositionBuilderAtEnd(c->b, go);
		c->probe_index = cg_const(c, (uint64_t)owner->index);
	} else {
		c->probe_index = switch_to_index(c, c->sys_nr, defs, n);
	}
	emit_native_only(c);
	if (n > 1 && owner->own_layout) {
		emit_cases(c, c->probe_index, defs, n, body, arg);
		return;
	}
	if (n > 1)
		c->probe_index = opaque(c, c->probe_index);
	body(c, owner, arg);
}

/* A field of `args`: __syscall_nr, sys_exit's ret, or an argument register. */
LLVMValueRef cg_syscall_field(struct cg *c, const struct field *f)
{
	if (!strcmp(f->name, "__syscall_nr"))
		return cg_syscall_nr(c);
	if (c->pdef->family->syscall == SYSCALL_EXIT)
		return cg_load64(c, cg_gep(c, c->ctxarg, 8));
	return read_reg(c, arch_syscall_arg_offset((int)(f->offset - 16) / 8));
}

/* `args` as a value: the record the perf event would carry, built field by
 * field (the common fields before offset 8 stay zero). */
void cg_syscall_args_into(struct cg *c, const struct type *rec, LLVMValueRef dst)
{
	cg_zero(c, dst, rec->size);
	for (int i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		LLVMValueRef v = cg_syscall_field(c, f);
		LLVMTypeRef ty = LLVMIntTypeInContext(c->ctx, f->type->kind == TY_PTR ? 64 : (unsigned)f->type->bits);
		LLVMValueRef p = cg_gep(c, dst, f->offset);
		LLVMSetAlignment(LLVMBuildStore(c->b, LLVMBuildTrunc(c->b, v, ty, ""), p), 1);
	}
}
