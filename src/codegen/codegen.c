/* Code generation driver: the module, one BPF function per concrete probe, and
 * the statements of probe bodies. Expressions are in expr.c, maps and output
 * records in maps.c, map definitions in btf.c, emission in object.c. */
#include "codegen/codegen.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "codegen/object.h"
#include "lang/types.h"

static void emit_stmts(struct cg *c, struct node *list);

/* ---- small helpers ----------------------------------------------------- */

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

LLVMValueRef cg_alloca(struct cg *c, uint32_t size)
{
	if (size > CG_STACK_SLOT_MAX && c->scratch_used + size <= SCRATCH_MAX)
		return scratch_alloc(c, size);
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

LLVMBasicBlockRef cg_block(struct cg *c, const char *name)
{
	return LLVMAppendBasicBlockInContext(c->ctx, c->fn, name);
}

/* All our memory (stack slots, map values, record fields) is 8-byte aligned,
 * so 64-bit accesses say so and compile to single instructions. */

/* Continue in a fresh block when the current one already ends (after
 * return/break/continue), so that following statements have somewhere to go. */
static void ensure_open_block(struct cg *c)
{
	if (LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMPositionBuilderAtEnd(c->b, cg_block(c, "dead"));
}

static void emit_return(struct cg *c)
{
	LLVMBuildRet(c->b, cg_const(c, 0));
}

/* ---- statements -------------------------------------------------------- */

static struct cg_var *var_slot(struct cg *c, struct node *target)
{
	for (struct cg_var *v = c->vars; v; v = v->next)
		if (!strcmp(v->name, target->ident.name))
			return v;
	struct cg_var *v = arena_alloc(&c->p->arena, sizeof(*v));
	v->name = target->ident.name;
	v->type = target->type;
	v->ptr = cg_alloca(c, (target->type->size + 7) & ~7u);
	v->next = c->vars;
	c->vars = v;
	/* zero at function start (init block) so every path sees an initialised slot */
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMPositionBuilderAtEnd(c->b, c->init);
	cg_zero(c, v->ptr, (v->type->size + 7) & ~7u);
	LLVMPositionBuilderAtEnd(c->b, cur);
	return v;
}

/* Look up a $variable's slot (also used by expr.c through cg_var_ptr). */
LLVMValueRef cg_var_ptr(struct cg *c, struct node *var);
LLVMValueRef cg_var_ptr(struct cg *c, struct node *var)
{
	return var_slot(c, var)->ptr;
}

static LLVMValueRef arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r,
			  bool is_signed);

static void emit_assign_var(struct cg *c, struct node *n)
{
	struct node *t = n->assign.target;
	struct cg_var *v = var_slot(c, t);
	if (v->type->kind == TY_INT || v->type->kind == TY_PTR) {
		LLVMValueRef val = cg_expr(c, n->assign.value);
		if (n->assign.op != OP_NONE)
			val = arith(c, n->assign.op, cg_load64(c, v->ptr), val, v->type->is_signed);
		cg_store64(c, val, v->ptr);
		return;
	}
	cg_zero(c, v->ptr, (v->type->size + 7) & ~7u);
	cg_expr_into(c, n->assign.value, v->ptr);
}

static void emit_assign_agg(struct cg *c, struct node *n)
{
	struct node *target = n->assign.target, *call = n->assign.value;
	struct map_def *m = target->map.def;
	const struct builtin *b = call->call.builtin;
	LLVMValueRef bucket = b->emit_bucket ? b->emit_bucket(c, call) : NULL;
	LLVMValueRef key = cg_map_key(c, m, target, bucket);
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
	if (m->value->kind == TY_INT || m->value->kind == TY_PTR) {
		LLVMValueRef val = cg_expr(c, n->assign.value);
		if (n->assign.op != OP_NONE) {
			LLVMValueRef cur = cg_expr(c, target);
			val = arith(c, n->assign.op, cur, val, m->value->is_signed);
		}
		cg_store64(c, val, buf);
	} else {
		cg_zero(c, buf, m->value_size);
		cg_expr_into(c, n->assign.value, buf);
	}
	cg_map_update(c, m, key, buf);
}

static LLVMValueRef truth(struct cg *c, struct node *cond)
{
	return LLVMBuildICmp(c->b, LLVMIntNE, cg_expr(c, cond), cg_const(c, 0), "");
}

static void emit_if(struct cg *c, struct node *n)
{
	LLVMBasicBlockRef then = cg_block(c, "then"), els = cg_block(c, "else");
	LLVMBasicBlockRef done = cg_block(c, "endif");
	LLVMBuildCondBr(c->b, truth(c, n->cond.cond), then, els);
	LLVMPositionBuilderAtEnd(c->b, then);
	emit_stmts(c, n->cond.then);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, els);
	emit_stmts(c, n->cond.els);
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
	LLVMBuildCondBr(c->b, truth(c, n->cond.cond), body, done);
	LLVMPositionBuilderAtEnd(c->b, body);
	c->brk = done;
	c->cont = head;
	emit_stmts(c, n->cond.then);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildBr(c->b, head);
	c->brk = brk;
	c->cont = cont;
	LLVMPositionBuilderAtEnd(c->b, done);
}

static void emit_stmt(struct cg *c, struct node *n)
{
	ensure_open_block(c);
	cg_set_loc(c, n);
	switch (n->kind) {
	case N_EXPR_STMT:
		if (n->stmt.expr->type && (n->stmt.expr->type->kind == TY_INT ||
					   n->stmt.expr->type->kind == TY_PTR ||
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
			emit_stmts(c, n->unroll.body);
		break;
	}
	case N_BREAK:
		LLVMBuildBr(c->b, c->brk);
		break;
	case N_CONTINUE:
		LLVMBuildBr(c->b, c->cont);
		break;
	case N_RETURN:
		emit_return(c);
		break;
	default:
		break;
	}
}

/* A block; its $variables get slots of their own (sema scopes them). */
static void emit_stmts(struct cg *c, struct node *list)
{
	struct cg_var *outer = c->vars;
	for (struct node *n = list; n; n = n->next)
		emit_stmt(c, n);
	c->vars = outer;
}

/* ---- arithmetic, shared with expr.c ------------------------------------ */

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

static LLVMValueRef arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r,
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

LLVMValueRef cg_arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r, bool is_signed);
LLVMValueRef cg_arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r, bool is_signed)
{
	return arith(c, op, l, r, is_signed);
}

/* ---- functions ---------------------------------------------------------- */

static const char *section_of(struct cg *c, const struct probe_def *d)
{
	switch (d->kind) {
	case PK_BEGIN:
	case PK_END:
		return "raw_tp";
	case PK_TRACEPOINT:
		return arena_printf(&c->p->arena, "tracepoint/%s/%s", d->target, d->func);
	case PK_RAWTRACEPOINT:
		return arena_printf(&c->p->arena, "raw_tp/%s", d->func);
	case PK_UPROBE:
	case PK_USDT:
		return "uprobe";
	case PK_URETPROBE:
		return "uretprobe";
	case PK_KPROBE:	/* libbpf parses "kprobe/func+off"; the runtime attaches by name */
		return d->value ? arena_printf(&c->p->arena, "kprobe/%s+%llu", d->func,
					       (unsigned long long)d->value)
				: arena_printf(&c->p->arena, "kprobe/%s", d->func);
	case PK_KRETPROBE:
		return arena_printf(&c->p->arena, "kretprobe/%s", d->func);
	case PK_FENTRY:	/* libbpf finds the function's BTF id from the section */
		return arena_printf(&c->p->arena, "fentry/%s", d->func);
	case PK_FEXIT:
		return arena_printf(&c->p->arena, "fexit/%s", d->func);
	case PK_INTERVAL:
	case PK_PROFILE:
	case PK_SOFTWARE:
	case PK_HARDWARE:
		return "perf_event";
	default:
		return "unsupported";
	}
}

static void emit_probe(struct cg *c, struct probe_def *d)
{
	const struct node *probe = d->probe;
	LLVMTypeRef fty = LLVMFunctionType(c->i64, &c->ptr, 1, 0);
	d->prog_name = arena_printf(&c->p->arena, "probe%d", d->index);
	c->fn = LLVMAddFunction(c->mod, d->prog_name, fty);
	LLVMSetSection(c->fn, section_of(c, d));
	c->di_sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, d->prog_name, strlen(d->prog_name),
		d->prog_name, strlen(d->prog_name), c->di_file, (unsigned)probe->loc.line,
		c->di_func_type, 0, 1, (unsigned)probe->loc.line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(c->fn, c->di_sp);
	/* the kernel rejects BTF whose FUNC parameters have no names */
	LLVMDIBuilderCreateParameterVariable(c->di, c->di_sp, "ctx", 3, 1, c->di_file,
					     (unsigned)probe->loc.line, c->di_ctx_type, 1,
					     LLVMDIFlagZero);
	cg_set_loc(c, probe);
	LLVMAddAttributeAtIndex(c->fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	c->ctxarg = LLVMGetParam(c->fn, 0);
	c->entry = cg_block(c, "entry");
	c->init = cg_block(c, "init");
	c->pdef = d;
	c->vars = NULL;
	c->scratch_base = NULL;
	c->scratch_used = 0;
	LLVMBasicBlockRef body = cg_block(c, "body");
	LLVMPositionBuilderAtEnd(c->b, body);
	if (probe->probe.pred) {
		cg_set_loc(c, probe->probe.pred);
		LLVMBasicBlockRef go = cg_block(c, "pred_true"), stop = cg_block(c, "pred_false");
		LLVMBuildCondBr(c->b, truth(c, probe->probe.pred), go, stop);
		LLVMPositionBuilderAtEnd(c->b, stop);
		emit_return(c);
		LLVMPositionBuilderAtEnd(c->b, go);
	}
	emit_stmts(c, probe->probe.body);
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		emit_return(c);
	LLVMPositionBuilderAtEnd(c->b, c->init);
	LLVMBuildBr(c->b, body);
	LLVMPositionBuilderAtEnd(c->b, c->entry);
	if (c->scratch_base) {	/* never NULL for key 0, but the verifier asks */
		LLVMBasicBlockRef none = cg_block(c, "no_scratch");
		LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, c->scratch_base, ""), none, c->init);
		LLVMPositionBuilderAtEnd(c->b, none);
		emit_return(c);
	} else {
		LLVMBuildBr(c->b, c->init);
	}
}

/* The callback's debug info: the kernel wants func info for every subprogram
 * once the main program has some, with named parameters. */
static void describe_count_fn(struct cg *c, LLVMValueRef fn)
{
	static const char *const names[] = {"map", "key", "value", "ctx"};
	LLVMMetadataRef types[] = {c->di_ctx_type, c->di_ctx_type, c->di_ctx_type,
				   c->di_ctx_type, c->di_ctx_type};
	types[0] = LLVMDIBuilderCreateBasicType(c->di, "long", 4, 64, 0x05, LLVMDIFlagZero);
	LLVMMetadataRef fty = LLVMDIBuilderCreateSubroutineType(c->di, c->di_file, types, 5,
								 LLVMDIFlagZero);
	LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, "map_count", 9,
		"map_count", 9, c->di_file, 1, fty, 1, 1, 1, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	for (unsigned i = 0; i < 4; i++)
		LLVMDIBuilderCreateParameterVariable(c->di, sp, names[i], strlen(names[i]), i + 1,
						     c->di_file, 1, c->di_ctx_type, 1, LLVMDIFlagZero);
	LLVMSetCurrentDebugLocation2(c->b, LLVMDIBuilderCreateDebugLocation(c->ctx, 1, 1, sp, NULL));
}

LLVMValueRef cg_map_count_fn(struct cg *c)
{
	if (c->count_fn)
		return c->count_fn;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);
	LLVMTypeRef params[] = {c->ptr, c->ptr, c->ptr, c->ptr};
	LLVMValueRef fn = LLVMAddFunction(c->mod, "map_count", LLVMFunctionType(c->i64, params, 4, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
	LLVMPositionBuilderAtEnd(c->b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
	describe_count_fn(c, fn);
	LLVMValueRef counter = LLVMGetParam(fn, 3);
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, counter), cg_const(c, 1), ""), counter);
	LLVMBuildRet(c->b, cg_const(c, 0));
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	return c->count_fn = fn;
}

static void emit_license(struct cg *c)
{
	LLVMValueRef s = LLVMConstStringInContext(c->ctx, "GPL", 3, 0);
	LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(s), "_license");
	LLVMSetInitializer(g, s);
	LLVMSetSection(g, "license");
}

static void cg_init(struct cg *c, struct program *p)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->ctx = LLVMContextCreate();
	c->mod = LLVMModuleCreateWithNameInContext("bpfline", c->ctx);
	c->b = LLVMCreateBuilderInContext(c->ctx);
	c->i8 = LLVMInt8TypeInContext(c->ctx);
	c->i16 = LLVMInt16TypeInContext(c->ctx);
	c->i32 = LLVMInt32TypeInContext(c->ctx);
	c->i64 = LLVMInt64TypeInContext(c->ctx);
	c->ptr = LLVMPointerTypeInContext(c->ctx, 0);
	c->voidt = LLVMVoidTypeInContext(c->ctx);
	c->di = LLVMCreateDIBuilder(c->mod);
	c->di_file = LLVMDIBuilderCreateFile(c->di, p->file, strlen(p->file), ".", 1);
	c->di_cu = LLVMDIBuilderCreateCompileUnit(c->di, LLVMDWARFSourceLanguageC, c->di_file,
		"bpfline", 7, 1, "", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
	LLVMAddModuleFlag(c->mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
			  LLVMValueAsMetadata(LLVMConstInt(c->i32, LLVMDebugMetadataVersion(), 0)));
	LLVMAddModuleFlag(c->mod, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
			  LLVMValueAsMetadata(LLVMConstInt(c->i32, 4, 0)));
	c->di_ctx_type = LLVMDIBuilderCreatePointerType(c->di, NULL, 64, 64, 0, "", 0);
	LLVMMetadataRef types[] = {
		LLVMDIBuilderCreateBasicType(c->di, "long", 4, 64, 0x05 /* DW_ATE_signed */,
					     LLVMDIFlagZero),
		c->di_ctx_type,
	};
	c->di_func_type = LLVMDIBuilderCreateSubroutineType(c->di, c->di_file, types, 2,
							    LLVMDIFlagZero);
}

static void cg_fini(struct cg *c)
{
	LLVMDisposeDIBuilder(c->di);
	LLVMDisposeBuilder(c->b);
	LLVMDisposeModule(c->mod);
	LLVMContextDispose(c->ctx);
}

/* -d obj: the object goes to a file, for llvm-objdump and bpftool. */
static int write_obj(struct program *p, const char *path, const void *obj, size_t size)
{
	FILE *f = fopen(path, "wb");
	struct loc none = {0};
	if (!f || fwrite(obj, 1, size, f) != size) {
		int err = -errno;
		diag_error(&p->diags, none, "cannot write object file '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
		return err ? err : -EIO;
	}
	fclose(f);
	fprintf(stderr, "wrote %s (%zu bytes)\n", path, size);
	return 0;
}

int cg_compile(struct program *p, void **obj, size_t *obj_size, const struct cg_opts *opts)
{
	struct cg c;
	char *err = NULL;
	int ret;
	cg_init(&c, p);
	ret = cg_maps_define(&c);
	for (size_t i = 0; !ret && i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		if (d->owner != d->index)	/* shared: runs its owner's program */
			d->prog_name = ((struct probe_def *)p->probes.items[d->owner])->prog_name;
		else
			emit_probe(&c, d);
	}
	if (!ret)
		cg_scratch_define(&c);
	emit_license(&c);
	LLVMDIBuilderFinalize(c.di);
	if (!ret) {
		FILE *dump = opts && opts->dump_out ? opts->dump_out : stdout;
		ret = obj_emit(c.mod, opts && opts->dump_ir, dump, obj, obj_size, &err);
	}
	if (!ret && opts && opts->dump_obj)
		ret = write_obj(p, opts->obj_path ? opts->obj_path : "bpfline.o", *obj, *obj_size);
	if (ret && err) {
		struct loc none = {0};
		diag_error(&p->diags, none, "code generation failed: %s", err);
		LLVMDisposeMessage(err);
	}
	cg_fini(&c);
	return ret;
}
