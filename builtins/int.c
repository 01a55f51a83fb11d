/* Integer builtins: bswap(n). The result is an unsigned integer of n's width,
 * as bpftrace's stdlib declares it (a uint8 comes back unchanged). */
#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

/* bswap(n): n must be an integer; its width decides how many bytes turn. */
static bool check_bswap(struct sema *s, struct node *n)
{
	if (!sema_want_int(s, n, n->call.args, 0))
		return false;
	int bits = n->call.args->type->kind == TY_INT ? n->call.args->type->bits : 64;
	n->type = type_int(s->a, bits ? bits : 64, false);
	return true;
}

/* llvm.bswap on the low `bits` of v, zero-extended back to i64; the BPF
 * backend lowers it to one BPF_END instruction. */
static LLVMValueRef emit_bswap(struct cg *c, struct node *n)
{
	LLVMValueRef v = cg_expr(c, n->call.args);
	unsigned bits = n->type->bits;
	if (bits == 8)
		return LLVMBuildAnd(c->b, v, cg_const(c, 0xff), "");
	if (bits == 64)
		return cg_intrinsic1(c, "llvm.bswap", c->i64, v);
	LLVMTypeRef ty = LLVMIntTypeInContext(c->ctx, bits);
	LLVMValueRef r = cg_intrinsic1(c, "llvm.bswap", ty, LLVMBuildTrunc(c->b, v, ty, ""));
	return LLVMBuildZExt(c->b, r, c->i64, "");
}

const struct builtin builtins_int[] = {
	{.name = "bswap", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "bswap(integer)", .check = check_bswap, .emit = emit_bswap},
	{0},
};
