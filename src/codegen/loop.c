/* for loops. The body of `for ($kv : @map)` and of `for ($i : a..b)` becomes a
 * static BPF subprogram that the kernel calls once per element
 * (bpf_for_each_map_elem) or per index (bpf_loop): the verifier checks the
 * body once, whatever the number of iterations. The subprogram reaches the
 * probe's context and $variables through a context the caller builds on its
 * stack:
 *
 *   [0]  the probe's context pointer      [8]  return flag (`return` in the body)
 *   [16] the range's start                [24 + 8 i] pointer to $variable i
 *
 * The callback returns 0 to go on and 1 to stop (break, return). */
#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "codegen/cg.h"
#include "lang/types.h"

enum { LCTX_PROBE = 0, LCTX_RET = 8, LCTX_START = 16, LCTX_VARS = 24 };

static void store_ptr(struct cg *c, LLVMValueRef v, LLVMValueRef at)
{
	LLVMSetAlignment(LLVMBuildStore(c->b, v, at), 8);
}

static LLVMValueRef load_ptr(struct cg *c, LLVMValueRef at)
{
	LLVMValueRef v = LLVMBuildLoad2(c->b, c->ptr, at, "");
	LLVMSetAlignment(v, 8);
	return v;
}

/* The loop context, on the caller's stack (helpers take only stack pointers):
 * the probe's context, the flag, `start`, and every $variable in scope. */
static LLVMValueRef build_ctx(struct cg *c, LLVMValueRef start)
{
	uint32_t nvars = 0;
	for (struct cg_var *v = c->vars; v; v = v->next)
		nvars++;
	LLVMValueRef lctx = cg_stack_alloca(c, LCTX_VARS + 8 * nvars);
	store_ptr(c, c->ctxarg, cg_gep(c, lctx, LCTX_PROBE));
	cg_store64(c, cg_const(c, 0), cg_gep(c, lctx, LCTX_RET));
	cg_store64(c, start ? start : cg_const(c, 0), cg_gep(c, lctx, LCTX_START));
	uint32_t i = 0;
	for (struct cg_var *v = c->vars; v; v = v->next, i++)
		store_ptr(c, v->ptr, cg_gep(c, lctx, LCTX_VARS + 8 * i));
	return lctx;
}

/* In the callback: the probe's context and the caller's $variables, read from
 * the loop context, in the order build_ctx stored them. */
static void open_ctx(struct cg *c, const struct cg_fn_state *caller, LLVMValueRef lctx)
{
	c->ctxarg = load_ptr(c, cg_gep(c, lctx, LCTX_PROBE));
	c->loop_ret = cg_gep(c, lctx, LCTX_RET);
	struct cg_var *head = NULL, **tail = &head;
	uint32_t i = 0;
	for (struct cg_var *v = caller->vars; v; v = v->next, i++) {
		struct cg_var *nv = arena_alloc(&c->p->arena, sizeof(*nv));
		*nv = *v;
		nv->ptr = load_ptr(c, cg_gep(c, lctx, LCTX_VARS + 8 * i));
		nv->next = NULL;
		*tail = nv;
		tail = &nv->next;
	}
	c->vars = head;
}

/* The callback's debug info: the kernel wants func info, with named
 * parameters, for every subprogram once the main program has some. */
static void describe_callback(struct cg *c, LLVMValueRef fn, const char *name, bool is_map,
			      unsigned line)
{
	static const char *const map_names[] = {"map", "key", "value", "ctx"};
	static const char *const range_names[] = {"index", "ctx"};
	const char *const *names = is_map ? map_names : range_names;
	unsigned n = is_map ? 4 : 2;
	LLVMMetadataRef lng = LLVMDIBuilderCreateBasicType(c->di, "long", 4, 64, 0x05, LLVMDIFlagZero);
	LLVMMetadataRef types[5] = {lng, c->di_ctx_type, c->di_ctx_type, c->di_ctx_type,
				    c->di_ctx_type};
	if (!is_map)
		types[1] = lng;
	LLVMMetadataRef fty = LLVMDIBuilderCreateSubroutineType(c->di, c->di_file, types, n + 1,
								 LLVMDIFlagZero);
	c->di_sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, name, strlen(name), name,
		strlen(name), c->di_file, line, fty, 1, 1, line, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, c->di_sp);
	for (unsigned i = 0; i < n; i++)
		LLVMDIBuilderCreateParameterVariable(c->di, c->di_sp, names[i], strlen(names[i]), i + 1,
			c->di_file, line, i == 0 && !is_map ? lng : c->di_ctx_type, 1, LLVMDIFlagZero);
}

/* A new callback subprogram (static, never inlined), made the current
 * function with its entry, init and body blocks; the builder is in body. */
static LLVMValueRef callback_new(struct cg *c, const struct node *n)
{
	bool is_map = n->forl.iter != NULL;
	LLVMTypeRef map_params[] = {c->ptr, c->ptr, c->ptr, c->ptr};
	LLVMTypeRef range_params[] = {c->i64, c->ptr};
	LLVMTypeRef fty = is_map ? LLVMFunctionType(c->i64, map_params, 4, 0)
				 : LLVMFunctionType(c->i64, range_params, 2, 0);
	const char *name = arena_printf(&c->p->arena, "for_%u", c->nloops++);
	LLVMValueRef fn = cg_subprog_add(c, name, fty);
	describe_callback(c, fn, name, is_map, (unsigned)n->loc.line);
	c->fn = fn;
	c->entry = cg_block(c, "entry");
	c->init = cg_block(c, "init");
	cg_frame_begin(c, name);
	c->brk = c->cont = NULL;
	LLVMPositionBuilderAtEnd(c->b, cg_block(c, "body"));
	cg_set_loc(c, n);
	return fn;
}

/* Close the callback: return 0 (go on) at the end of the body, and chain
 * entry → init → body, returning at once if the scratch lookup failed. */
static void callback_finish(struct cg *c, LLVMBasicBlockRef body)
{
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		LLVMBuildRet(c->b, cg_const(c, 0));
	cg_frame_end(c, body, cg_const(c, 0));
}

/* Set the loop variable for this iteration: start + index for a range; the
 * tuple (key, value) copied from the element for a map. */
static void set_loop_var(struct cg *c, struct node *n, LLVMValueRef fn, LLVMValueRef lctx)
{
	LLVMValueRef slot = cg_var_ptr(c, n->forl.var);
	if (!n->forl.iter) {
		LLVMValueRef start = cg_load64(c, cg_gep(c, lctx, LCTX_START));
		cg_store64(c, LLVMBuildAdd(c->b, start, LLVMGetParam(fn, 0), ""), slot);
		return;
	}
	const struct type *kv = n->forl.var->type;
	struct map_def *m = n->forl.iter->map.def;
	LLVMValueRef key = cg_gep(c, slot, kv->fields[0].offset);
	cg_copy(c, key, LLVMGetParam(fn, 1), m->key->size);
	if (type_has(m->value, TF_AGG))	/* this CPU's element holds a part of it */
		cg_store64(c, cg_map_read_percpu(c, m, key),
			   cg_gep(c, slot, kv->fields[1].offset));
	else
		cg_copy(c, cg_gep(c, slot, kv->fields[1].offset), LLVMGetParam(fn, 2), m->value->size);
}

/* Emit the callback of loop n; returns it. The caller's state is restored.
 * The callback's scratch temporaries are taken above the caller's (the for
 * statement gives both back when it ends) and its $variables after the
 * caller's, so the two never share scratch bytes. */
static LLVMValueRef emit_callback(struct cg *c, struct node *n)
{
	struct cg_fn_state caller;
	cg_fn_save(c, &caller);
	LLVMValueRef fn = callback_new(c, n);
	LLVMBasicBlockRef body = LLVMGetInsertBlock(c->b);
	LLVMValueRef lctx = LLVMGetParam(fn, n->forl.iter ? 3 : 1);
	open_ctx(c, &caller, lctx);
	set_loop_var(c, n, fn, lctx);
	cg_emit_block(c, n->forl.body);
	callback_finish(c, body);
	cg_fn_restore(c, &caller);
	return fn;
}

/* After the helper: a `return` in the body returns from here too. */
static void check_returned(struct cg *c, LLVMValueRef lctx)
{
	LLVMBasicBlockRef ret = cg_block(c, "for_returned"), go = cg_block(c, "for_done");
	LLVMValueRef flag = cg_load64(c, cg_gep(c, lctx, LCTX_RET));
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntNE, flag, cg_const(c, 0), ""), ret, go);
	LLVMPositionBuilderAtEnd(c->b, ret);
	cg_emit_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
}

/* for ($i : start..end) block: bpf_loop(max(end - start, 0), callback). Both
 * ends are evaluated once, before the first iteration. */
static void emit_for_range(struct cg *c, struct node *n)
{
	LLVMValueRef start = cg_expr(c, n->forl.start), end = cg_expr(c, n->forl.end);
	LLVMValueRef more = LLVMBuildICmp(c->b, LLVMIntSGT, end, start, "");
	LLVMValueRef count = LLVMBuildSelect(c->b, more, LLVMBuildSub(c->b, end, start, ""),
					     cg_const(c, 0), "");
	LLVMValueRef lctx = build_ctx(c, start);
	LLVMValueRef fn = emit_callback(c, n);
	LLVMValueRef args[] = {count, fn, lctx, cg_const(c, 0)};
	cg_helper(c, BPF_FUNC_loop, args, 4);
	check_returned(c, lctx);
}

/* for ($kv : @map) block: bpf_for_each_map_elem(map, callback). */
static void emit_for_map(struct cg *c, struct node *n)
{
	LLVMValueRef lctx = build_ctx(c, NULL);
	LLVMValueRef fn = emit_callback(c, n);
	LLVMValueRef args[] = {c->maps[n->forl.iter->map.def->id], fn, lctx, cg_const(c, 0)};
	cg_helper(c, BPF_FUNC_for_each_map_elem, args, 4);
	check_returned(c, lctx);
}

void cg_emit_for(struct cg *c, struct node *n)
{
	if (n->forl.iter)
		emit_for_map(c, n);
	else
		emit_for_range(c, n);
}
