/* Expressions. Integers and pointers are computed as i64 values (cg_expr);
 * strings, tuples and other values are written into memory (cg_expr_into). */
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "lang/types.h"
#include "probes/family.h"

/* Truncate v to `bits` and extend back to 64 with the given sign. */
static LLVMValueRef fit(struct cg *c, LLVMValueRef v, int bits, bool is_signed)
{
	if (bits >= 64 || bits <= 0)
		return v;
	LLVMValueRef t = LLVMBuildTrunc(c->b, v, LLVMIntTypeInContext(c->ctx, (unsigned)bits), "");
	return is_signed ? LLVMBuildSExt(c->b, t, c->i64, "") : LLVMBuildZExt(c->b, t, c->i64, "");
}

static LLVMValueRef bool64(struct cg *c, LLVMValueRef i1)
{
	return LLVMBuildZExt(c->b, i1, c->i64, "");
}

/* String equality, unrolled: equal up to and including the first NUL, over at
 * most `limit` bytes (strncmp); 1 or 0. */
LLVMValueRef cg_str_equal(struct cg *c, struct node *l, struct node *r, uint32_t limit)
{
	uint32_t n = l->type->size < r->type->size ? l->type->size : r->type->size;
	if (limit < n)
		n = limit;
	LLVMValueRef a = cg_alloca(c, l->type->size), b = cg_alloca(c, r->type->size);
	cg_zero(c, a, l->type->size);
	cg_zero(c, b, r->type->size);
	cg_expr_into(c, l, a);
	cg_expr_into(c, r, b);
	LLVMBasicBlockRef done = cg_block(c, "streq_done");
	LLVMBasicBlockRef start = LLVMGetInsertBlock(c->b);
	LLVMPositionBuilderAtEnd(c->b, done);
	LLVMValueRef phi = LLVMBuildPhi(c->b, c->i64, "");
	LLVMPositionBuilderAtEnd(c->b, start);
	for (uint32_t i = 0; i < n; i++) {
		LLVMValueRef ca = LLVMBuildLoad2(c->b, c->i8, cg_gep(c, a, i), "");
		LLVMValueRef cb = LLVMBuildLoad2(c->b, c->i8, cg_gep(c, b, i), "");
		LLVMValueRef ne = LLVMBuildICmp(c->b, LLVMIntNE, ca, cb, "");
		LLVMBasicBlockRef same = cg_block(c, "streq_same");
		LLVMValueRef zero = cg_const(c, 0);
		LLVMBasicBlockRef here = LLVMGetInsertBlock(c->b);
		LLVMAddIncoming(phi, &zero, &here, 1);
		LLVMBuildCondBr(c->b, ne, done, same);
		LLVMPositionBuilderAtEnd(c->b, same);
		LLVMValueRef end = LLVMBuildICmp(c->b, LLVMIntEQ, ca, LLVMConstInt(c->i8, 0, 0), "");
		LLVMBasicBlockRef next = cg_block(c, "streq_next");
		LLVMValueRef one = cg_const(c, 1);
		LLVMAddIncoming(phi, &one, &same, 1);
		LLVMBuildCondBr(c->b, end, done, next);
		LLVMPositionBuilderAtEnd(c->b, next);
	}
	LLVMValueRef one = cg_const(c, 1);	/* equal over the common length */
	LLVMBasicBlockRef last = LLVMGetInsertBlock(c->b);
	LLVMAddIncoming(phi, &one, &last, 1);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return phi;
}

/* 1 when the values of l and r have the same bytes, else 0: arrays of one
 * type, or tuples and buffers laid out as `common` (their unified type, so a
 * string compares with a shorter one). */
static LLVMValueRef mem_equal(struct cg *c, struct node *l, struct node *r,
			      const struct type *common)
{
	const struct type *t = common ? common : l->type;
	uint32_t size = (t->size + 7) & ~7u;
	LLVMValueRef a = cg_alloca(c, size), b = cg_alloca(c, size);
	cg_zero(c, a, size);
	cg_zero(c, b, size);
	cg_expr_into_as(c, l, a, t);
	cg_expr_into_as(c, r, b, t);
	LLVMValueRef diff = cg_const(c, 0);
	for (uint32_t off = 0; off < size; off += 8) {
		LLVMValueRef x = LLVMBuildXor(c->b, cg_load64(c, cg_gep(c, a, off)),
					      cg_load64(c, cg_gep(c, b, off)), "");
		diff = LLVMBuildOr(c->b, diff, x, "");
	}
	return bool64(c, LLVMBuildICmp(c->b, LLVMIntEQ, diff, cg_const(c, 0), ""));
}

static LLVMValueRef compare(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r,
			    bool is_signed)
{
	LLVMIntPredicate pred;
	switch (op) {
	case OP_EQ: pred = LLVMIntEQ; break;
	case OP_NE: pred = LLVMIntNE; break;
	case OP_LT: pred = is_signed ? LLVMIntSLT : LLVMIntULT; break;
	case OP_LE: pred = is_signed ? LLVMIntSLE : LLVMIntULE; break;
	case OP_GT: pred = is_signed ? LLVMIntSGT : LLVMIntUGT; break;
	default: pred = is_signed ? LLVMIntSGE : LLVMIntUGE; break;
	}
	return bool64(c, LLVMBuildICmp(c->b, pred, l, r, ""));
}

/* && and ||: the right side runs only when it decides the result. */
static LLVMValueRef logical(struct cg *c, struct node *n)
{
	bool is_and = n->binary.op == OP_LAND;
	LLVMValueRef l = LLVMBuildICmp(c->b, LLVMIntNE, cg_expr(c, n->binary.lhs), cg_const(c, 0), "");
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
	LLVMBasicBlockRef rhs = cg_block(c, "logic_rhs"), done = cg_block(c, "logic_done");
	LLVMBuildCondBr(c->b, l, is_and ? rhs : done, is_and ? done : rhs);
	LLVMPositionBuilderAtEnd(c->b, rhs);
	LLVMValueRef r = bool64(c, LLVMBuildICmp(c->b, LLVMIntNE, cg_expr(c, n->binary.rhs),
						 cg_const(c, 0), ""));
	LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, cg_const(c, is_and ? 0 : 1), from, r, rhs_end);
}

/* a / b or a % b whose divisor may be zero: 1 and the warning when it is
 * (bpftrace's rule), the quotient or remainder otherwise. */
static LLVMValueRef checked_divmod(struct cg *c, struct node *n, LLVMValueRef l, LLVMValueRef r)
{
	LLVMBasicBlockRef zero = cg_block(c, "div_zero"), nonzero = cg_block(c, "div");
	LLVMBasicBlockRef done = cg_block(c, "div_done");
	LLVMValueRef is_zero = LLVMBuildICmp(c->b, LLVMIntEQ, r, cg_const(c, 0), "");
	LLVMBuildCondBr(c->b, is_zero, zero, nonzero);
	LLVMPositionBuilderAtEnd(c->b, zero);
	cg_emit_action(c, n->binary.warn_id - 1, NULL, NULL, 0);
	LLVMBasicBlockRef zero_end = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, nonzero);
	LLVMValueRef q = cg_arith(c, n->binary.op, l, r, n->type->is_signed);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, cg_const(c, 1), zero_end, q, nonzero);
}

/* v scaled by the size of what pointer type t points at. */
static LLVMValueRef scale(struct cg *c, LLVMValueRef v, const struct type *t)
{
	uint32_t size = type_c_size(t->elem);
	return size == 1 ? v : LLVMBuildMul(c->b, v, cg_const(c, size), "");
}

LLVMValueRef cg_binop(struct cg *c, enum binop op, LLVMValueRef l, const struct type *lt,
		      LLVMValueRef r, const struct type *rt, bool is_signed)
{
	bool lp = lt && lt->kind == TY_PTR, rp = rt && rt->kind == TY_PTR;
	if (op != OP_ADD && op != OP_SUB)
		return cg_arith(c, op, l, r, is_signed);
	if (lp && rp && op == OP_SUB) {	/* elements between two pointers */
		uint32_t size = type_c_size(lt->elem);
		LLVMValueRef d = LLVMBuildSub(c->b, l, r, "");
		return size == 1 ? d : cg_arith(c, OP_DIV, d, cg_const(c, size), true);
	}
	if (lp && !rp)
		r = scale(c, r, lt);
	else if (rp && !lp)
		l = scale(c, l, rt);
	return cg_arith(c, op, l, r, is_signed);
}

static LLVMValueRef binary(struct cg *c, struct node *n)
{
	enum binop op = n->binary.op;
	struct node *l = n->binary.lhs, *r = n->binary.rhs;
	if (op == OP_LAND || op == OP_LOR)
		return logical(c, n);
	if (l->type->kind == TY_STR || l->type->kind == TY_ARRAY || n->binary.common) {
		LLVMValueRef eq = l->type->kind == TY_STR ? cg_str_equal(c, l, r, UINT32_MAX)
							 : mem_equal(c, l, r, n->binary.common);
		return op == OP_EQ ? eq : LLVMBuildXor(c->b, eq, cg_const(c, 1), "");
	}
	LLVMValueRef lv = cg_expr(c, l), rv = cg_expr(c, r);
	bool is_signed = type_promotes_signed(l->type) && type_promotes_signed(r->type);
	if (op >= OP_EQ)
		return compare(c, op, lv, rv, is_signed);
	if (n->binary.warn_id)
		return checked_divmod(c, n, lv, rv);
	return cg_binop(c, op, lv, l->type, rv, r->type, n->type->is_signed);
}

static LLVMValueRef unary(struct cg *c, struct node *n)
{
	if (n->unary.op == OP_ADDR)	/* &$v: its slot */
		return LLVMBuildPtrToInt(c->b, cg_var_ptr(c, n->unary.operand), c->i64, "");
	LLVMValueRef v = cg_expr(c, n->unary.operand);
	switch (n->unary.op) {
	case OP_NEG:
		return LLVMBuildNeg(c->b, v, "");
	case OP_LNOT:
		return bool64(c, LLVMBuildICmp(c->b, LLVMIntEQ, v, cg_const(c, 0), ""));
	case OP_BNOT:
		return LLVMBuildNot(c->b, v, "");
	case OP_DEREF: {
		const struct type *t = n->type;
		if (t->kind != TY_INT && t->kind != TY_PTR)
			return v;	/* a struct or array: its address, as in deref.c */
		LLVMValueRef buf = cg_alloca(c, 8);
		cg_store64(c, cg_const(c, 0), buf);
		LLVMValueRef args[] = {buf, cg_const(c, type_c_size(t)), v};
		cg_helper(c, n->unary.operand->type->is_user ? BPF_FUNC_probe_read_user
							     : BPF_FUNC_probe_read_kernel, args, 3);
		LLVMValueRef val = cg_load64(c, buf);
		return t->kind == TY_INT ? fit(c, val, t->bits, t->is_signed) : val;
	}
	default:
		return v;
	}
}

/* c ? a : b; for c ?: b (no then), c's value is a. */
static LLVMValueRef ternary(struct cg *c, struct node *n)
{
	LLVMValueRef cv = cg_expr(c, n->cond.cond);
	LLVMValueRef cond = LLVMBuildICmp(c->b, LLVMIntNE, cv, cg_const(c, 0), "");
	LLVMBasicBlockRef a = cg_block(c, "tern_a"), b = cg_block(c, "tern_b");
	LLVMBasicBlockRef done = cg_block(c, "tern_done");
	LLVMBuildCondBr(c->b, cond, a, b);
	LLVMPositionBuilderAtEnd(c->b, a);
	LLVMValueRef va = n->cond.then ? cg_expr(c, n->cond.then) : cv;
	LLVMBasicBlockRef a_end = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, b);
	LLVMValueRef vb = cg_expr(c, n->cond.els);
	LLVMBasicBlockRef b_end = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, va, a_end, vb, b_end);
}

/* A tracepoint field of the current probe's record, by name. */
static const struct field *ctx_field(struct cg *c, struct node *n)
{
	const struct type *rec = c->pdef->args ? c->pdef->args : n->field.base->type;
	if (rec->kind == TY_PTR)
		rec = rec->elem;
	for (int i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, n->field.name))
			return &rec->fields[i];
	return NULL;
}

/* Whether n's base is the probe's `args` record (read from ctx directly). */
static bool on_ctx(const struct node *n)
{
	const struct node *b = n->field.base;
	return b->kind == N_IDENT && b->type->kind == TY_RECORD;
}

static bool is_tuple_elem(const struct node *n)
{
	return n->kind == N_FIELD && n->field.base->type->kind == TY_TUPLE;
}

/* The address of tuple element n ($t.1, $kv.0.1): inside the variable's slot
 * when the tuple is a $variable (or an element of one), else in a copy. */
static LLVMValueRef tuple_elem_ptr(struct cg *c, struct node *n)
{
	struct node *base = n->field.base;
	const struct type *t = base->type;
	LLVMValueRef p;
	if (base->kind == N_VAR) {
		p = cg_var_ptr(c, base);
	} else if (is_tuple_elem(base)) {
		p = tuple_elem_ptr(c, base);
	} else {
		p = cg_alloca(c, t->size);
		cg_zero(c, p, t->size);
		cg_expr_into(c, base, p);
	}
	return cg_gep(c, p, t->fields[strtoul(n->field.name, NULL, 10)].offset);
}

/* Load an integer field of the probe context; fields reached through a
 * pointer (BTF structs) are read from memory by deref.c. */
static LLVMValueRef field(struct cg *c, struct node *n)
{
	if (is_tuple_elem(n))
		return cg_load64(c, tuple_elem_ptr(c, n));
	if (!on_ctx(n))
		return cg_deref(c, n);
	const struct field *f = ctx_field(c, n);
	if (!f)
		return cg_const(c, 0);
	if (f->type->kind == TY_ARRAY || f->type->kind == TY_RECORD)	/* its address (deref.c) */
		return LLVMBuildAdd(c->b, LLVMBuildPtrToInt(c->b, c->ctxarg, c->i64, ""),
				    cg_const(c, f->offset), "");
	if (c->pdef->family->syscall) {	/* registers of raw_syscalls */
		LLVMValueRef v = cg_syscall_field(c, f);
		return f->type->kind == TY_INT ? fit(c, v, f->type->bits, f->type->is_signed) : v;
	}
	LLVMValueRef p = cg_gep(c, c->ctxarg, f->offset);
	if (c->pdef->family->args_slots)	/* u64 slots */
		return f->type->kind == TY_INT ? fit(c, cg_load64(c, p), f->type->bits, f->type->is_signed)
					       : cg_load64(c, p);
	uint32_t bytes = f->type->kind == TY_PTR ? 8 : f->type->bits / 8;
	LLVMTypeRef ty = LLVMIntTypeInContext(c->ctx, bytes * 8);
	LLVMValueRef v = LLVMBuildLoad2(c->b, ty, p, "");
	if (bytes == 8)
		return v;
	return f->type->is_signed ? LLVMBuildSExt(c->b, v, c->i64, "")
				  : LLVMBuildZExt(c->b, v, c->i64, "");
}

static LLVMValueRef map_read(struct cg *c, struct node *n)
{
	struct map_def *m = n->map.def;
	LLVMValueRef key = cg_map_key(c, m, n, NULL);
	if (m->percpu && type_ops(m->value)->merge != TM_FIRST)	/* an aggregation */
		return cg_map_read_percpu(c, m, key);
	LLVMValueRef p = cg_map_lookup(c, m, key);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	LLVMValueRef v = cg_load64(c, p);
	LLVMBasicBlockRef yes = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, cg_const(c, 0), from, v, yes);
}

static LLVMValueRef incdec(struct cg *c, struct node *n)
{
	struct node *o = n->incdec.operand;
	LLVMValueRef old = cg_expr(c, o);
	LLVMValueRef nv = cg_binop(c, n->incdec.is_inc ? OP_ADD : OP_SUB, old, o->type,
				   cg_const(c, 1), NULL, false);
	if (o->kind == N_VAR) {
		cg_store64(c, nv, cg_var_ptr(c, o));
	} else {
		struct map_def *m = o->map.def;
		LLVMValueRef key = cg_map_key(c, m, o, NULL);
		LLVMValueRef buf = cg_alloca(c, 8);
		cg_store64(c, nv, buf);
		cg_map_update(c, m, key, buf);
	}
	return n->incdec.is_post ? old : nv;
}

static LLVMValueRef posparam(struct cg *c, struct node *n)
{
	if (n->param.index == 0)
		return cg_const(c, (uint64_t)c->p->nparams);
	if (n->param.index > c->p->nparams)
		return cg_const(c, 0);
	return cg_const(c, (uint64_t)strtoll(c->p->params[n->param.index - 1], NULL, 0));
}

/* (bool)x: 1 when x is not zero; for a string, when it is not empty. */
static LLVMValueRef cast_bool(struct cg *c, struct node *x)
{
	LLVMValueRef v;
	if (x->type->kind == TY_STR) {
		LLVMValueRef s = cg_alloca(c, x->type->size);
		cg_zero(c, s, x->type->size);
		cg_expr_into(c, x, s);
		v = LLVMBuildZExt(c->b, LLVMBuildLoad2(c->b, c->i8, s, ""), c->i64, "");
	} else {
		v = cg_expr(c, x);
	}
	return bool64(c, LLVMBuildICmp(c->b, LLVMIntNE, v, cg_const(c, 0), ""));
}

/* (uint32)$arr: the array's bytes (as many as the integer has) as an integer. */
static LLVMValueRef int_from_array(struct cg *c, struct node *n)
{
	struct node *x = n->cast.operand;
	uint32_t size = (x->type->size + 7) & ~7u;
	LLVMValueRef tmp = cg_alloca(c, size);
	cg_zero(c, tmp, size);
	cg_expr_into(c, x, tmp);
	return fit(c, cg_load64(c, tmp), n->type->bits, n->type->is_signed);
}

/* (int8[N])x: the bytes of an integer (little-endian) or of a string, as an
 * array written into dst. */
static void array_cast_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *x = n->cast.operand;
	if (!type_is_scalar(x->type)) {
		cg_expr_into(c, x, dst);
		return;
	}
	LLVMValueRef tmp = cg_alloca(c, 8);
	cg_store64(c, cg_expr(c, x), tmp);
	cg_copy(c, dst, tmp, n->type->size);
}

/* '{' stmts value '}': the statements, then the value as an integer (NULL when
 * the block has none), with the block's $variables ending after it. */
static LLVMValueRef block_expr(struct cg *c, struct node *n)
{
	struct cg_var *outer = c->vars;
	cg_emit_stmts(c, n->block.stmts);
	LLVMValueRef v = n->block.value ? cg_expr(c, n->block.value) : NULL;
	c->vars = outer;
	return v;
}

/* A block whose value is not an integer: written into dst. */
static void block_expr_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct cg_var *outer = c->vars;
	cg_emit_stmts(c, n->block.stmts);
	if (n->block.value)
		cg_expr_into(c, n->block.value, dst);
	c->vars = outer;
}

LLVMValueRef cg_expr(struct cg *c, struct node *n)
{
	switch (n->kind) {
	case N_INT:
		return cg_const(c, n->num.value);
	case N_IDENT: {
		if (n->type->kind == TY_RECORD)
			return LLVMBuildPtrToInt(c->b, c->ctxarg, c->i64, "");
		const struct builtin *b = builtin_find(n->ident.name, false);
		return b && b->emit ? b->emit(c, n) : cg_const(c, 0);
	}
	case N_CALL: {
		const struct builtin *b = n->call.builtin;
		if (b->emit)
			return b->emit(c, n);
		return cg_const(c, 0);
	}
	case N_VAR:
		return cg_load64(c, cg_var_ptr(c, n));
	case N_POSPARAM:
		return posparam(c, n);
	case N_MAP:
		return map_read(c, n);
	case N_BINARY:
		return binary(c, n);
	case N_UNARY:
		return unary(c, n);
	case N_TERNARY:
		return ternary(c, n);
	case N_INCDEC:
		return incdec(c, n);
	case N_FIELD:
		return field(c, n);
	case N_INDEX:
		return cg_deref(c, n);
	case N_CAST:
		if (n->cast.operand->type->kind == TY_ARRAY)
			return int_from_array(c, n);
		if (n->type->kind == TY_BOOL)
			return cast_bool(c, n->cast.operand);
		if (n->type->kind == TY_INT)
			return fit(c, cg_expr(c, n->cast.operand), n->type->bits, n->type->is_signed);
		return cg_expr(c, n->cast.operand);
	case N_BLOCK_EXPR:
		return block_expr(c, n);
	default:
		return cg_const(c, 0);
	}
}

/* Store constant bytes (a string literal) at dst, 8 at a time. */
void cg_store_bytes(struct cg *c, const char *s, size_t len, LLVMValueRef dst)
{
	for (size_t off = 0; off < len + 1; off += 8) {
		uint64_t w = 0;
		for (size_t i = 0; i < 8 && off + i < len; i++)
			w |= (uint64_t)(unsigned char)s[off + i] << (8 * i);
		size_t left = len + 1 - off;
		if (left >= 8) {
			cg_store64(c, cg_const(c, w), cg_gep(c, dst, (uint32_t)off));
		} else {
			for (size_t i = 0; i < left; i++)
				LLVMBuildStore(c->b, LLVMConstInt(c->i8, (w >> (8 * i)) & 0xff, 0),
					       cg_gep(c, dst, (uint32_t)(off + i)));
		}
	}
}

static void map_read_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct map_def *m = n->map.def;
	LLVMValueRef key = cg_map_key(c, m, n, NULL);
	LLVMValueRef p = cg_map_lookup(c, m, key);
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	cg_copy(c, dst, p, m->value->size);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

static void field_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	if (is_tuple_elem(n)) {
		cg_copy(c, dst, tuple_elem_ptr(c, n), n->type->size);
		return;
	}
	if (!on_ctx(n)) {
		cg_deref_into(c, n, dst);
		return;
	}
	const struct field *f = ctx_field(c, n);
	if (!f)
		return;
	LLVMValueRef args[] = {dst, cg_const(c, f->type->size), cg_gep(c, c->ctxarg, f->offset)};
	cg_helper(c, BPF_FUNC_probe_read_kernel, args, 3);
}

static void ternary_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	LLVMValueRef cond = LLVMBuildICmp(c->b, LLVMIntNE, cg_expr(c, n->cond.cond), cg_const(c, 0), "");
	LLVMBasicBlockRef a = cg_block(c, "tern_a"), b = cg_block(c, "tern_b");
	LLVMBasicBlockRef done = cg_block(c, "tern_done");
	LLVMBuildCondBr(c->b, cond, a, b);
	LLVMPositionBuilderAtEnd(c->b, a);
	cg_expr_into(c, n->cond.then, dst);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, b);
	cg_expr_into(c, n->cond.els, dst);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

void cg_expr_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	const struct type *t = n->type;
	if (type_is_scalar(t)) {
		cg_store64(c, cg_expr(c, n), dst);
		return;
	}
	switch (n->kind) {
	case N_STR:
		cg_store_bytes(c, n->str.value, n->str.len, dst);
		break;
	case N_POSPARAM: {
		const char *v = c->p->params[n->param.index - 1];
		cg_store_bytes(c, v, strlen(v), dst);
		break;
	}
	case N_IDENT:
	case N_CALL: {
		const struct builtin *b = n->kind == N_CALL ? n->call.builtin
							    : builtin_find(n->ident.name, false);
		if (b && b->emit_into)
			b->emit_into(c, n, dst);
		else if (b && b->emit)
			cg_store64(c, b->emit(c, n), dst);
		break;
	}
	case N_VAR:
		cg_copy(c, dst, cg_var_ptr(c, n), t->size);
		break;
	case N_MAP:
		map_read_into(c, n, dst);
		break;
	case N_FIELD:
		field_into(c, n, dst);
		break;
	case N_INDEX:
	case N_UNARY:	/* *p of a struct (integers and pointers are above) */
		cg_deref_into(c, n, dst);
		break;
	case N_TERNARY:
		ternary_into(c, n, dst);
		break;
	case N_BLOCK_EXPR:
		block_expr_into(c, n, dst);
		break;
	case N_CAST:
		array_cast_into(c, n, dst);
		break;
	case N_TUPLE: {
		int i = 0;
		for (struct node *e = n->tuple.elems; e; e = e->next, i++)
			cg_expr_into(c, e, cg_gep(c, dst, t->fields[i].offset));
		break;
	}
	default:
		break;
	}
}

/* Whether values of types a and b have the same bytes in memory: same size,
 * and tuples with their fields at the same offsets, in the same order. */
static bool same_layout(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (a->kind != b->kind || a->size != b->size)
		return false;
	if (a->kind != TY_TUPLE)
		return true;
	if (a->nfields != b->nfields)
		return false;
	for (int i = 0; i < a->nfields; i++) {
		const char *na = a->fields[i].name, *nb = b->fields[i].name;
		if (a->fields[i].offset != b->fields[i].offset ||
		    !same_layout(a->fields[i].type, b->fields[i].type) ||
		    (na && nb && strcmp(na, nb)))
			return false;
	}
	return true;
}

/* The field of tuple `to` that field i of tuple `from` goes to: by name in a
 * record, by position in a tuple. */
static const struct field *dest_field(const struct type *to, const struct type *from, int i)
{
	int j = type_is_record(to) ? type_field_index(to, from->fields[i].name) : i;
	return j >= 0 && j < to->nfields ? &to->fields[j] : NULL;
}

/* Copy a value laid out as `from` at src into dst laid out as `to` (dst is
 * zeroed): a string into a larger one, a tuple field by field. */
static void convert(struct cg *c, LLVMValueRef src, const struct type *from, LLVMValueRef dst,
		    const struct type *to)
{
	if (from->kind != TY_TUPLE || to->kind != TY_TUPLE) {
		cg_copy(c, dst, src, from->size < to->size ? from->size : to->size);
		return;
	}
	for (int i = 0; i < from->nfields; i++) {
		const struct field *f = dest_field(to, from, i);
		if (f)
			convert(c, cg_gep(c, src, from->fields[i].offset), from->fields[i].type,
				cg_gep(c, dst, f->offset), f->type);
	}
}

void cg_expr_into_as(struct cg *c, struct node *n, LLVMValueRef dst, const struct type *to)
{
	const struct type *t = n->type;
	if (type_is_scalar(t) || !to || same_layout(t, to)) {
		cg_expr_into(c, n, dst);
		return;
	}
	if (n->kind == N_TUPLE && to->kind == TY_TUPLE) {	/* element by element, in order */
		int i = 0;
		for (struct node *e = n->tuple.elems; e; e = e->next, i++) {
			const struct field *f = dest_field(to, t, i);
			if (f)
				cg_expr_into_as(c, e, cg_gep(c, dst, f->offset), f->type);
		}
		return;
	}
	uint32_t size = (t->size + 7) & ~7u;
	LLVMValueRef tmp = cg_alloca(c, size);
	cg_zero(c, tmp, size);
	cg_expr_into(c, n, tmp);
	convert(c, tmp, t, dst, to);
}
