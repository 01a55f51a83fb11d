/* IR primitives every part of the code generator builds with: constants, helper
 * calls, slots (stack or per-CPU scratch), memory access, blocks and phis, debug
 * locations, and integer arithmetic with C's rules. Nothing here knows the
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

LLVMValueRef cg_helper(struct cg *c, int id, LLVMValueRef *args, int n)
{
	LLVMTypeRef params[8];
	for (int i = 0; i < n; i++) {
		params[i] = LLVMTypeOf(args[i]);
	}
	LLVMTypeRef fty = LLVMFunctionType(c->i64, params, (unsigned)n, 0);
	LLVMValueRef fn = LLVMConstIntToPtr(cg_const(c, (uint64_t)id), c->ptr);
	return LLVMBuildCall2(c->b, fty, fn, args, (unsigned)n, "");
}

LLVMValueRef cg_intrinsic1(struct cg *c, const char *name, LLVMTypeRef ty, LLVMValueRef v)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, &ty, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(c->ctx, id, &ty, 1);
	return LLVMBuildCall2(c->b, fty, fn, &v, 1, "");
}

/* Bytes of the per-CPU scratch area: the kernel caps per-CPU values at 32 KiB. */
#define SCRATCH_MAX (32u * 1024)

/* A slot in this CPU's scratch area; the area is looked up once, at the end
 * of the entry block, whose exit checks it for NULL (see emit_probe); the
 * slot's address is computed in the init block, after that check. */
static LLVMValueRef scratch_alloc(struct cg *c, uint32_t size)
{
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMPositionBuilderAtEnd(c->b, c->entry);
	if (!c->scratch_base) {
		LLVMValueRef key = cg_alloca(c, 8);
		cg_store64(c, cg_const(c, 0), key);
		LLVMValueRef args[] = {c->scratch, key};
		c->scratch_base = LLVMBuildIntToPtr(c->b,
			cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2), c->ptr, "scratch");
	}
	LLVMPositionBuilderAtEnd(c->b, c->init);	/* after the NULL check */
	LLVMValueRef slot = cg_gep(c, c->scratch_base, c->scratch_used);
	c->scratch_used += (size + 7) & ~7u;
	if (c->scratch_used > c->scratch_max)
		c->scratch_max = c->scratch_used;
	LLVMPositionBuilderAtEnd(c->b, cur);
	return slot;
}

void cg_set_loc(struct cg *c, const struct node *n)
{
	if (!c->di_sp || !n || n->loc.line <= 0)
		return;
	LLVMMetadataRef loc = LLVMDIBuilderCreateDebugLocation(c->ctx, (unsigned)n->loc.line,
							       (unsigned)n->loc.col, c->di_sp, NULL);
	LLVMSetCurrentDebugLocation2(c->b, loc);
}

LLVMValueRef cg_scratch_alloca(struct cg *c, uint32_t size)
{
	return scratch_alloc(c, size);
}

LLVMValueRef cg_alloca(struct cg *c, uint32_t size)
{
	if (size > CG_STACK_SLOT_MAX && c->scratch_used + size <= SCRATCH_MAX)
		return scratch_alloc(c, size);
	return cg_stack_alloca(c, size);
}

/* A free reusable slot of that size, taken; NULL when none. Not in a loop
 * callback, another function. */
static LLVMValueRef slot_reuse(struct cg *c, uint32_t size)
{
	if (!c->stack_reuse || c->loop_ret)
		return NULL;
	for (struct cg_slot *s = c->slots; s; s = s->next)
		if (!s->busy && s->size == size) {
			s->busy = true;
			return s->ptr;
		}
	return NULL;
}

static void slot_keep(struct cg *c, LLVMValueRef ptr, uint32_t size)
{
	if (!c->stack_reuse || c->loop_ret)
		return;
	struct cg_slot *s = arena_alloc(&c->p->arena, sizeof(*s));
	if (!s)
		return;
	*s = (struct cg_slot){ptr, size, true, c->slots};
	c->slots = s;
}

void cg_stack_release(struct cg *c)
{
	for (struct cg_slot *s = c->slots; s; s = s->next)
		s->busy = false;
}

LLVMValueRef cg_stack_alloca(struct cg *c, uint32_t size)
{
	LLVMValueRef reused = slot_reuse(c, size);
	if (reused)
		return reused;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);	/* moving the builder resets it */
	LLVMValueRef first = LLVMGetFirstInstruction(c->entry);
	if (first)
		LLVMPositionBuilderBefore(c->b, first);
	else
		LLVMPositionBuilderAtEnd(c->b, c->entry);
	LLVMTypeRef ty = LLVMArrayType2(c->i64, (size + 7) / 8);
	LLVMValueRef a = LLVMBuildAlloca(c->b, ty, "");
	LLVMSetAlignment(a, 8);
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	slot_keep(c, a, size);
	return a;
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
