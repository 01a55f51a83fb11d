/* Syscall tracepoints on raw_syscalls (probes/syscall.c): the test of the
 * syscall number that starts their program, and `args` read from the
 * registers. The raw tracepoint's context is u64[2]: sys_enter (struct pt_regs
 * *regs, long id), sys_exit (struct pt_regs *regs, long ret), whose number is
 * regs->orig_ax. The kernel's syscall tracepoints skip 32-bit compat calls
 * (numbered from another table); so do these, by the code segment. */
#include "codegen/cg.h"

#include <linux/bpf.h>
#include <string.h>

#include "arch/arch.h"
#include "lang/types.h"
#include "probes/family.h"

/* Read 8 bytes of kernel memory at addr + off (probe_read: a raw tracepoint
 * may not dereference its pt_regs). */
static LLVMValueRef read_kernel64(struct cg *c, LLVMValueRef addr, int off)
{
	LLVMValueRef buf = cg_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), buf);
	LLVMValueRef src = LLVMBuildIntToPtr(c->b, LLVMBuildAdd(c->b, addr, cg_const(c, (uint64_t)off), ""),
					     c->ptr, "");
	LLVMValueRef args[] = {buf, cg_const(c, 8), src};
	cg_helper(c, BPF_FUNC_probe_read_kernel, args, 3);
	return cg_load64(c, buf);
}

static LLVMValueRef regs(struct cg *c)
{
	return cg_load64(c, c->ctxarg);
}

/* The syscall's number: the id argument of sys_enter, orig_ax at sys_exit. */
LLVMValueRef cg_syscall_nr(struct cg *c)
{
	if (c->sys_nr && !c->loop_ret)	/* read once by the dispatch */
		return c->sys_nr;
	if (c->pdef->family->syscall == SYSCALL_ENTER)
		return cg_load64(c, cg_gep(c, c->ctxarg, 8));
	return read_kernel64(c, regs(c), arch_reg_offset("orig_ax"));
}

/* Return unless the call came from 64-bit code (the tracepoints' own test). */
static void emit_native_only(struct cg *c)
{
	LLVMValueRef cs = read_kernel64(c, regs(c), arch_reg_offset("cs"));
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

/* `probe` in a program of several syscalls: the dispatch's index, or, in a
 * loop callback, the same switch again. */
LLVMValueRef cg_syscall_probe_index(struct cg *c)
{
	if (c->probe_index && !c->loop_ret)
		return c->probe_index;
	const struct probe_def *owner = c->p->probes.items[c->pdef->owner];
	const struct probe_def **defs = arena_alloc(&c->p->arena, sizeof(*defs) * c->p->probes.len);
	size_t n = group_of(c, owner, defs);
	return switch_to_index(c, cg_syscall_nr(c), defs, n);
}

/* The bodies of a group that reads each attach point's own layout: one case
 * per probe_def, each emitted with that def as the probe (its `args`, its
 * name); they reuse one another's stack and scratch slots, as only one runs. */
static void emit_cases(struct cg *c, LLVMValueRef index, const struct probe_def **defs, size_t n,
		       cg_body_fn body)
{
	LLVMBasicBlockRef none = cg_block(c, "case_none");
	LLVMValueRef sw = LLVMBuildSwitch(c->b, index, none, (unsigned)n);
	uint32_t scratch = c->scratch_used;
	LLVMPositionBuilderAtEnd(c->b, none);
	cg_return(c);
	c->stack_reuse = true;
	for (size_t i = 0; i < n; i++) {
		LLVMBasicBlockRef bb = cg_block(c, "case");
		LLVMAddCase(sw, cg_const(c, (uint64_t)defs[i]->index), bb);
		LLVMPositionBuilderAtEnd(c->b, bb);
		c->pdef = defs[i];
		c->vars = NULL;
		c->probe_index = cg_const(c, (uint64_t)defs[i]->index);
		c->scratch_used = scratch;
		cg_stack_release(c);
		body(c, defs[i]);
	}
	c->stack_reuse = false;
}

void cg_syscall_emit(struct cg *c, const struct probe_def *owner, cg_body_fn body)
{
	const struct probe_def **defs = arena_alloc(&c->p->arena, sizeof(*defs) * c->p->probes.len);
	size_t n = group_of(c, owner, defs);

	c->sys_nr = NULL;
	c->sys_nr = cg_syscall_nr(c);
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
	if (n > 1 && owner->own_layout)
		emit_cases(c, c->probe_index, defs, n, body);
	else
		body(c, owner);
}

/* A field of `args`: __syscall_nr, sys_exit's ret, or an argument register. */
LLVMValueRef cg_syscall_field(struct cg *c, const struct field *f)
{
	if (!strcmp(f->name, "__syscall_nr"))
		return cg_syscall_nr(c);
	if (c->pdef->family->syscall == SYSCALL_EXIT)
		return cg_load64(c, cg_gep(c, c->ctxarg, 8));
	return read_kernel64(c, regs(c), arch_syscall_arg_offset((int)(f->offset - 16) / 8));
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
