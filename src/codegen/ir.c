/* IR primitives every part of the code generator builds with: constants, helper
 * calls, memory access, blocks and phis, debug locations, and integer
 * arithmetic with C's rules (slots are in slots.c). Nothing here knows the
 * language; statements are in stmt.c, expressions in expr.c, maps and output
 * records in maps.c. */
#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "codegen/cg.h"

LLVMValueRef cg_const(struct cg *c, uint64_t v)
{
	return LLVMConstInt(c->i64, v, 0);
}

/* Whether helper id returns the same value for the whole run of a program
 * and touches no memory: the current task's ids and pointer (a program never
 * changes task). Its calls are marked so, and LLVM keeps one where one
 * dominates another: `pid` read in ten statements is one call. Not in a big
 * probe (outline.c): there one value kept in a register through a thousand
 * `if (pid == N)` became a switch the backend took 5x longer on, and a
 * register the verifier narrows at every test, which defeated its pruning. */
static bool helper_is_constant(int id)
{
	switch (id) {
	case BPF_FUNC_get_current_pid_tgid: case BPF_FUNC_get_current_uid_gid:
	case BPF_FUNC_get_current_task: case BPF_FUNC_get_current_task_btf:
	case BPF_FUNC_get_current_cgroup_id:
		return true;
	default:
		return false;
	}
}

LLVMValueRef cg_helper(struct cg *c, int id, LLVMValueRef *args, int n)
{
	LLVMTypeRef params[8];
	for (int i = 0; i < n; i++) {
		params[i] = LLVMTypeOf(args[i]);
	}
	LLVMTypeRef fty = LLVMFunctionType(c->i64, params, (unsigned)n, 0);
	LLVMValueRef fn = LLVMConstIntToPtr(cg_const(c, (uint64_t)id), c->ptr);
	LLVMValueRef call = LLVMBuildCall2(c->b, fty, fn, args, (unsigned)n, "");
	if (helper_is_constant(id) && !c->outline) {
		static const char *const attrs[] = {"memory", "nounwind", "willreturn"};
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)	/* memory(none) */
			LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName(attrs[i],
					strlen(attrs[i])), 0));
	}
	return call;
}

LLVMValueRef cg_intrinsic1(struct cg *c, const char *name, LLVMTypeRef ty, LLVMValueRef v)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &ty, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(c->ctx, id, &ty, 1);
	return LLVMBuildCall2(c->b, fty, fn, &v, 1, "");
}

void cg_fn_save(struct cg *c, struct cg_fn_state *st)
{
	*st = (struct cg_fn_state){
		.fn = c->fn, .ctxarg = c->ctxarg, .loop_ret = c->loop_ret, .sys_nr = c->sys_nr,
		.probe_index = c->probe_index, .entry = c->entry, .init = c->init,
		.brk = c->brk, .cont = c->cont, .at = LLVMGetInsertBlock(c->b),
		.di_sp = c->di_sp, .loc = LLVMGetCurrentDebugLocation2(c->b), .vars = c->vars,
		.frame = c->frame, .fn_info = c->fn_info, .pdef = c->pdef,
	};
}

void cg_fn_restore(struct cg *c, const struct cg_fn_state *st)
{
	c->fn = st->fn;
	c->ctxarg = st->ctxarg;
	c->loop_ret = st->loop_ret;
	c->sys_nr = st->sys_nr;
	c->probe_index = st->probe_index;
	c->entry = st->entry;
	c->init = st->init;
	c->brk = st->brk;
	c->cont = st->cont;
	c->di_sp = st->di_sp;
	c->vars = st->vars;
	c->frame = st->frame;
	c->fn_info = st->fn_info;
	c->pdef = st->pdef;
	LLVMPositionBuilderAtEnd(c->b, st->at);
	LLVMSetCurrentDebugLocation2(c->b, st->loc);
}

LLVMValueRef cg_subprog_add(struct cg *c, const char *name, LLVMTypeRef fty)
{
	static const char *const attrs[] = {"noinline", "nounwind"};
	LLVMValueRef fn = LLVMAddFunction(c->mod, name, fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	for (size_t i = 0; i < 2; i++)
		LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
			LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName(attrs[i],
				strlen(attrs[i])), 0));
	return fn;
}

void cg_set_loc(struct cg *c, const struct node *n)
{
	if (!c->di_sp || !n || n->loc.line <= 0)
		return;
	LLVMMetadataRef loc = LLVMDIBuilderCreateDebugLocation(c->ctx, (unsigned)n->loc.line,
							       (unsigned)n->loc.col, c->di_sp, NULL);
	LLVMSetCurrentDebugLocation2(c->b, loc);
}

void cg_zero(struct cg *c, LLVMValueRef dst, uint32_t size)
{
	LLVMBuildMemSet(c->b, dst, LLVMConstInt(c->i8, 0, 0), LLVMConstInt(c->i32, size, 0), 8);
}

void cg_copy(struct cg *c, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
	LLVMBuildMemCpy(c->b, dst, 8, src, 8, LLVMConstInt(c->i32, size, 0));
}

LLVMValueRef cg_gep(struct cg *c, LLVMValueRef ptr, uint32_t off)
{
	if (!off)
		return ptr;
	LLVMValueRef idx = LLVMConstInt(c->i64, off, 0);
	return LLVMBuildGEP2(c->b, c->i8, ptr, &idx, 1, "");
}

LLVMValueRef cg_load64(struct cg *c, LLVMValueRef ptr)
{
	LLVMValueRef v = LLVMBuildLoad2(c->b, c->i64, ptr, "");
	LLVMSetAlignment(v, 8);
	return v;
}

void cg_store64(struct cg *c, LLVMValueRef v, LLVMValueRef ptr)
{
	LLVMValueRef s = LLVMBuildStore(c->b, v, ptr);
	LLVMSetAlignment(s, 8);
}

LLVMValueRef cg_phi2(struct cg *c, LLVMTypeRef ty, LLVMValueRef a, LLVMBasicBlockRef ba,
		     LLVMValueRef b, LLVMBasicBlockRef bb)
{
	LLVMValueRef phi = LLVMBuildPhi(c->b, ty, "");
	LLVMValueRef vals[] = {a, b};
	LLVMBasicBlockRef blocks[] = {ba, bb};
	LLVMAddIncoming(phi, vals, blocks, 2);
	return phi;
}

void cg_return(struct cg *c)
{
	LLVMBuildRet(c->b, cg_const(c, 0));
}

LLVMBasicBlockRef cg_block(struct cg *c, const char *name)
{
	return LLVMAppendBasicBlockInContext(c->ctx, c->fn, name);
}

/* All our memory (stack slots, map values, record fields) is 8-byte aligned,
 * so 64-bit accesses say so and compile to single instructions. */

/* |v| and v's sign mask (all ones when negative). */
static LLVMValueRef magnitude(struct cg *c, LLVMValueRef v, LLVMValueRef *sign)
{
	*sign = LLVMBuildAShr(c->b, v, cg_const(c, 63), "");
	return LLVMBuildSub(c->b, LLVMBuildXor(c->b, v, *sign, ""), *sign, "");
}

/* Signed / and % with C's truncation, from unsigned division: BPF before
 * cpu v4 has no signed division, and the kernels we target (6.1) lack v4. */
static LLVMValueRef signed_divmod(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r)
{
	LLVMValueRef sl, sr;
	LLVMValueRef ul = magnitude(c, l, &sl), ur = magnitude(c, r, &sr);
	LLVMValueRef sign = op == OP_DIV ? LLVMBuildXor(c->b, sl, sr, "") : sl;
	LLVMValueRef q = op == OP_DIV ? LLVMBuildUDiv(c->b, ul, ur, "") : LLVMBuildURem(c->b, ul, ur, "");
	return LLVMBuildSub(c->b, LLVMBuildXor(c->b, q, sign, ""), sign, "");
}

LLVMValueRef cg_arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r,
		      bool is_signed)
{
	switch (op) {
	case OP_ADD: return LLVMBuildAdd(c->b, l, r, "");
	case OP_SUB: return LLVMBuildSub(c->b, l, r, "");
	case OP_MUL: return LLVMBuildMul(c->b, l, r, "");
	case OP_DIV:
	case OP_MOD:
		if (is_signed)
			return signed_divmod(c, op, l, r);
		return op == OP_DIV ? LLVMBuildUDiv(c->b, l, r, "") : LLVMBuildURem(c->b, l, r, "");
	case OP_BAND: return LLVMBuildAnd(c->b, l, r, "");
	case OP_BOR: return LLVMBuildOr(c->b, l, r, "");
	case OP_BXOR: return LLVMBuildXor(c->b, l, r, "");
	case OP_SHL: return LLVMBuildShl(c->b, l, r, "");
	case OP_SHR: return is_signed ? LLVMBuildAShr(c->b, l, r, "") : LLVMBuildLShr(c->b, l, r, "");
	default: return l;
	}
}
