/* Statements of a probe body: assignments to $variables and maps, if/else,
 * while with break and continue, unroll, return, and expression statements.
 * Each emit function opens with the construct it handles. */
#include <string.h>

#include <llvm-c/Core.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "lang/types.h"

/* Continue in a fresh block when the current one already ends (after
 * return/break/continue), so that following statements have somewhere to go. */
static void ensure_open_block(struct cg *c)
{
	if (LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMPositionBuilderAtEnd(c->b, cg_block(c, "dead"));
}

static struct cg_var *var_slot(struct cg *c, struct node *target)
{
	for (struct cg_var *v = c->vars; v; v = v->next)
		if (!strcmp(v->name, target->ident.name))
			return v;
	struct cg_var *v = arena_alloc(&c->p->arena, sizeof(*v));
	v->name = target->ident.name;
	v->type = target->type;
	v->ptr = cg_var_alloca(c, target->type->size);
	v->next = c->vars;
	c->vars = v;
	/* zero at function start (init block) so every path sees an initialised slot */
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMPositionBuilderAtEnd(c->b, c->init);
	cg_zero(c, v->ptr, (v->type->size + 7) & ~7u);
	LLVMPositionBuilderAtEnd(c->b, cur);
	return v;
}

LLVMValueRef cg_var_ptr(struct cg *c, struct node *var)
{
	return var_slot(c, var)->ptr;
}

/* Store `value` (combined with the old value by `op`, or OP_NONE) into v; an
 * integer narrower than 64 bits (`let $x: uint8`) is truncated to its width. */
static void store_var(struct cg *c, struct cg_var *v, struct node *value, enum binop op)
{
	if (type_is_scalar(v->type)) {
		LLVMValueRef val = cg_expr(c, value);
		if (op != OP_NONE)
			val = cg_binop(c, op, cg_load64(c, v->ptr), v->type, val, value->type,
				       v->type->is_signed);
		if (v->type->kind == TY_INT && v->type->bits && v->type->bits < 64) {
			LLVMValueRef t = LLVMBuildTrunc(c->b, val,
				LLVMIntTypeInContext(c->ctx, v->type->bits), "");
			val = v->type->is_signed ? LLVMBuildSExt(c->b, t, c->i64, "")
						 : LLVMBuildZExt(c->b, t, c->i64, "");
		}
		cg_store64(c, val, v->ptr);
		return;
	}
	cg_zero(c, v->ptr, (v->type->size + 7) & ~7u);
	cg_expr_into_as(c, value, v->ptr, v->type);
}

static void emit_assign_var(struct cg *c, struct node *n)
{
	store_var(c, var_slot(c, n->assign.target), n->assign.value, n->assign.op);
}

/* let $x [: type] [= value]: a fresh slot in this block, zeroed here (a loop
 * body declares it anew on every iteration). */
static void emit_let(struct cg *c, struct node *n)
{
	struct cg_var *v = var_slot(c, n->let.var);
	cg_zero(c, v->ptr, (v->type->size + 7) & ~7u);
	if (n->let.value)
		store_var(c, v, n->let.value, OP_NONE);
}

static void emit_assign_agg(struct cg *c, struct node *n)
{
	struct node *target = n->assign.target, *call = n->assign.value;
	struct map_def *m = target->map.def;
	const struct builtin *b = call->call.builtin;
	LLVMValueRef bucket = b->emit_bucket ? b->emit_bucket(c, call) : NULL;
	LLVMValueRef key = cg_map_key(c, m, target, bucket);
	if (cg_outline_agg(c, m, call, key))
		return;
	LLVMValueRef val = cg_map_lookup_or_init(c, m, key);
	LLVMBasicBlockRef done = cg_if_nonnull(c, val);
	b->emit_update(c, call, val);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

static void emit_assign_map(struct cg *c, struct node *n)
{
	struct node *target = n->assign.target;
	struct map_def *m = target->map.def;
	if (type_is_aggregation(m->value)) {
		emit_assign_agg(c, n);
		return;
	}
	LLVMValueRef key = cg_map_key(c, m, target, NULL);
	LLVMValueRef buf = cg_alloca(c, m->value_size);
	if (type_is_scalar(m->value)) {
		LLVMValueRef val = cg_expr(c, n->assign.value);
		if (n->assign.op != OP_NONE) {
			LLVMValueRef cur = cg_expr(c, target);
			val = cg_binop(c, n->assign.op, cur, m->value, val, n->assign.value->type,
				       m->value->is_signed);
		}
		cg_store64(c, val, buf);
	} else {
		cg_zero(c, buf, m->value_size);
		cg_expr_into_as(c, n->assign.value, buf, m->value);
	}
	cg_map_update(c, m, key, buf);
}

LLVMValueRef cg_truth(struct cg *c, struct node *cond)
{
	return LLVMBuildICmp(c->b, LLVMIntNE, cg_expr(c, cond), cg_const(c, 0), "");
}

static void emit_if(struct cg *c, struct node *n)
{
	LLVMBasicBlockRef then = cg_block(c, "then"), els = cg_block(c, "else");
	LLVMBasicBlockRef done = cg_block(c, "endif");
	LLVMBuildCondBr(c->b, cg_truth(c, n->cond.cond), then, els);
	LLVMPositionBuilderAtEnd(c->b, then);
	cg_emit_block(c, n->cond.then);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, els);
	cg_emit_block(c, n->cond.els);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

static void emit_while(struct cg *c, struct node *n)
{
	LLVMBasicBlockRef head = cg_block(c, "while"), body = cg_block(c, "body");
	LLVMBasicBlockRef done = cg_block(c, "endwhile");
	LLVMBasicBlockRef brk = c->brk, cont = c->cont;
	LLVMBuildBr(c->b, head);
	LLVMPositionBuilderAtEnd(c->b, head);
	LLVMBuildCondBr(c->b, cg_truth(c, n->cond.cond), body, done);
	LLVMPositionBuilderAtEnd(c->b, body);
	c->brk = done;
	c->cont = head;
	cg_emit_block(c, n->cond.then);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildBr(c->b, head);
	c->brk = brk;
	c->cont = cont;
	LLVMPositionBuilderAtEnd(c->b, done);
}

static void emit_stmt_kind(struct cg *c, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		if (n->stmt.expr->type && (type_is_scalar(n->stmt.expr->type) ||
					   n->stmt.expr->type->kind == TY_VOID))
			cg_expr(c, n->stmt.expr);
		else
			cg_expr_into(c, n->stmt.expr, cg_alloca(c, n->stmt.expr->type->size));
		break;
	case N_ASSIGN:
		if (n->assign.target->kind == N_MAP)
			emit_assign_map(c, n);
		else
			emit_assign_var(c, n);
		break;
	case N_IF:
		emit_if(c, n);
		break;
	case N_WHILE:
		emit_while(c, n);
		break;
	case N_UNROLL: {
		int64_t count = (int64_t)n->unroll.count->num.value;
		for (int64_t i = 0; i < count; i++)
			cg_emit_block(c, n->unroll.body);
		break;
	}
	case N_FOR:
		cg_emit_for(c, n);
		break;
	case N_LET:
		emit_let(c, n);
		break;
	case N_BREAK:	/* at the top of a for loop's callback: stop iterating */
		if (c->brk)
			LLVMBuildBr(c->b, c->brk);
		else
			LLVMBuildRet(c->b, cg_const(c, 1));
		break;
	case N_CONTINUE:
		if (c->cont)
			LLVMBuildBr(c->b, c->cont);
		else
			LLVMBuildRet(c->b, cg_const(c, 0));
		break;
	case N_RETURN:
		cg_emit_return(c);
		break;
	default:
		break;
	}
}

/* One statement; the temporaries it takes are given back at its end, for the
 * next statement to reuse. */
static void emit_stmt(struct cg *c, struct node *n)
{
	struct cg_mark m = cg_mark(c);
	const struct node *outer = c->stmt;
	ensure_open_block(c);
	cg_set_loc(c, n);
	c->stmt = n;
	emit_stmt_kind(c, n);
	c->stmt = outer;
	cg_release(c, m);
}

void cg_emit_return(struct cg *c)
{
	if (!c->loop_ret) {
		cg_return(c);
		return;
	}
	cg_store64(c, cg_const(c, 1), c->loop_ret);
	LLVMBuildRet(c->b, cg_const(c, 1));
}

void cg_emit_stmts(struct cg *c, struct node *list)
{
	for (struct node *n = list; n; n = n->next)
		emit_stmt(c, n);
}

void cg_emit_range(struct cg *c, struct node *first, struct node *stop)
{
	struct cg_var *outer = c->vars;
	for (struct node *n = first; n && n != stop; n = n->next)
		emit_stmt(c, n);
	c->vars = outer;
}

void cg_emit_block(struct cg *c, struct node *list)
{
	struct cg_var *outer = c->vars;
	cg_emit_stmts(c, list);
	c->vars = outer;
}
