/* Big probes: shared subprograms instead of inline code. A probe past
 * CHUNK_NODES (it runs as a chain of programs, chunks.c) repeats the same
 * few operations hundreds of times: update an aggregation of map M, write an
 * output record of N bytes. Inline, each costs ~25 BPF instructions of
 * LLVM's time and the verifier's; as a call of a global subprogram it costs
 * ~5, and the kernel verifies a global subprogram once per program, not at
 * every call site (a static one it verifies at each). So in a big probe:
 *
 *   agg_<map id>(key, arg)  looks up or creates the key's value in map M and
 *                           applies the map's aggregation (count, sum, min,
 *                           max, avg, stats, hist, lhist) with arg, the value
 *                           its caller evaluated;
 *   out_<size>(record)      copies a record of that size (built by the caller
 *                           in a temporary) into the output ring buffer, or
 *                           counts it lost.
 *
 * A global subprogram's arguments are what its BTF prototype says: a pointer
 * is to memory of the pointee's size, maybe NULL (so it is checked), and the
 * result is a scalar. Kernels before 6.3 refuse such memory as a map key
 * ("R2 type=mem expected=fp, ..."), so agg_ copies the key (at most
 * AGG_KEY_MAX bytes) onto its stack first. Small probes keep the inline
 * code: no call per event. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "lang/abi.h"
#include "util/alloc.h"

/* The DI of a global subprogram `name` returning long, with parameters of the
 * given names: bytes[size] pointers (size > 0) or longs (size 0). */
static LLVMMetadataRef describe(struct cg *c, LLVMValueRef fn, const char *name,
				const char *const *params, const uint32_t *sizes, unsigned n,
				unsigned line)
{
	LLVMMetadataRef lng = LLVMDIBuilderCreateBasicType(c->di, "long", 4, 64, 0x05 /* signed */,
							   LLVMDIFlagZero);
	LLVMMetadataRef u8 = LLVMDIBuilderCreateBasicType(c->di, "unsigned char", 13, 8,
							  0x08 /* unsigned char */, LLVMDIFlagZero);
	LLVMMetadataRef types[4] = {lng};
	for (unsigned i = 0; i < n; i++) {
		if (!sizes[i]) {
			types[i + 1] = lng;
			continue;
		}
		LLVMMetadataRef range = LLVMDIBuilderGetOrCreateSubrange(c->di, 0, sizes[i]);
		LLVMMetadataRef arr = LLVMDIBuilderCreateArrayType(c->di, 8ull * sizes[i], 8, u8,
								   &range, 1);
		types[i + 1] = LLVMDIBuilderCreatePointerType(c->di, arr, 64, 64, 0, "", 0);
	}
	LLVMMetadataRef fty = LLVMDIBuilderCreateSubroutineType(c->di, c->di_file, types, n + 1,
								 LLVMDIFlagZero);
	LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, name, strlen(name),
		name, strlen(name), c->di_file, line, fty, 0 /* global */, 1, line,
		LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	for (unsigned i = 0; i < n; i++)
		LLVMDIBuilderCreateParameterVariable(c->di, sp, params[i], strlen(params[i]), i + 1,
						     c->di_file, line, types[i + 1], 1, LLVMDIFlagZero);
	return sp;
}

/* Start global subprogram `name` of type long(params) as the current function
 * (the caller's state saved in st); the builder is in its body, past the NULL
 * check of its first (pointer) parameter. */
static LLVMValueRef begin(struct cg *c, struct cg_fn_state *st, const char *name,
			  LLVMTypeRef *ptypes, const char *const *pnames, const uint32_t *sizes,
			  unsigned n)
{
	unsigned line = c->stmt && c->stmt->loc.line > 0 ? (unsigned)c->stmt->loc.line : 1;
	cg_fn_save(c, st);
	LLVMValueRef fn = cg_subprog_add(c, name, LLVMFunctionType(c->i64, ptypes, n, 0));
	LLVMSetLinkage(fn, LLVMExternalLinkage);	/* global: verified once */
	c->di_sp = describe(c, fn, name, pnames, sizes, n, line);
	LLVMSetCurrentDebugLocation2(c->b, LLVMDIBuilderCreateDebugLocation(c->ctx, line, 1,
									  c->di_sp, NULL));
	c->fn = fn;
	c->ctxarg = NULL;
	c->loop_ret = c->sys_nr = c->probe_index = NULL;
	c->brk = c->cont = NULL;
	c->vars = NULL;
	c->entry = cg_block(c, "entry");
	c->init = cg_block(c, "init");
	cg_frame_begin(c, name);
	LLVMPositionBuilderAtEnd(c->b, cg_block(c, "body"));
	LLVMBasicBlockRef go = cg_block(c, "go"), none = cg_block(c, "null");
	LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, LLVMGetParam(fn, 0), ""), none, go);
	LLVMPositionBuilderAtEnd(c->b, none);
	LLVMBuildRet(c->b, cg_const(c, 0));
	LLVMPositionBuilderAtEnd(c->b, go);
	return fn;
}

/* Return 0 and close the subprogram; the caller's state is back. */
static void finish(struct cg *c, const struct cg_fn_state *st)
{
	LLVMBuildRet(c->b, cg_const(c, 0));
	LLVMBasicBlockRef body = LLVMGetNextBasicBlock(c->init);
	cg_frame_end(c, body, cg_const(c, 0));
	cg_fn_restore(c, st);
}

static void call_sub(struct cg *c, LLVMValueRef fn, LLVMValueRef *args, unsigned n)
{
	LLVMBuildCall2(c->b, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

/* Whether the update of builtin b evaluates its argument itself (sum(x),
 * min(x), ...) rather than in the bucket of the key (hist(x)). */
static bool update_takes_arg(const struct builtin *b, const struct node *call)
{
	return !b->emit_bucket && call->call.args;
}

/* The largest key an update subprogram takes: it copies the key onto its stack,
 * which adds to its caller's (the verifier wants the two within 512 bytes). */
#define AGG_KEY_MAX 64

LLVMValueRef cg_agg_arg(struct cg *c, struct node *call)
{
	return c->agg_arg ? c->agg_arg : cg_expr(c, call->call.args);
}

bool cg_outline_agg(struct cg *c, struct map_def *m, struct node *call, LLVMValueRef key)
{
	const struct builtin *b = call->call.builtin;
	/* tseries shares a clock reading between its bucket and update; a value
	 * past a stack slot would need the scratch area in the subprogram */
	if (!c->outline || b->owns == TY_TSERIES || m->value_size > CG_STACK_SLOT_MAX ||
	    m->key_size > AGG_KEY_MAX)
		return false;
	/* count() and hist() take the key only: an argument the subprogram does
	 * not read, LLVM leaves unset, and the verifier wants it a scalar */
	unsigned nargs = update_takes_arg(b, call) ? 2 : 1;
	LLVMValueRef args[] = {key, nargs == 2 ? cg_expr(c, call->call.args) : NULL};
	if (!c->agg_fns)
		c->agg_fns = arena_alloc(&c->p->arena, (c->p->maps.len + 1) * sizeof(*c->agg_fns));
	if (!c->agg_fns)
		return false;
	struct cg_agg_fn *made = &c->agg_fns[m->id];
	/* the update compares in the sign of its call's type (min, max): a call
	 * of the other sign keeps its own, inline */
	if (made->fn && made->call->type->is_signed != call->type->is_signed)
		return false;
	LLVMValueRef fn = made->fn;
	if (!fn) {
		static const char *const names[] = {"key", "arg"};
		LLVMTypeRef ptypes[] = {c->ptr, c->i64};
		uint32_t sizes[] = {m->key_size, 0};
		struct cg_fn_state st;
		fn = begin(c, &st, arena_printf(&c->p->arena, "agg_%d", m->id), ptypes, names,
			   sizes, nargs);
		/* kernels before 6.3 take no plain memory for a map key: copy it */
		LLVMValueRef k = cg_stack_alloca(c, (m->key_size + 7) & ~7u);
		cg_copy(c, k, LLVMGetParam(fn, 0), m->key_size);
		LLVMValueRef val = cg_map_lookup_or_init(c, m, k);
		LLVMBasicBlockRef done = cg_if_nonnull(c, val);
		c->agg_arg = nargs == 2 ? LLVMGetParam(fn, 1) : NULL;
		b->emit_update(c, call, val);
		c->agg_arg = NULL;
		LLVMBuildBr(c->b, done);
		LLVMPositionBuilderAtEnd(c->b, done);
		finish(c, &st);
		*made = (struct cg_agg_fn){fn, call};
	}
	call_sub(c, fn, args, nargs);
	return true;
}

LLVMValueRef cg_outline_out(struct cg *c, uint32_t size)
{
	struct cg_out_fn *f = c->out_fns;
	while (f && f->size != size)
		f = f->next;
	if (f)
		return f->fn;
	f = arena_alloc(&c->p->arena, sizeof(*f));
	if (!f)
		return NULL;
	static const char *const names[] = {"rec"};
	LLVMTypeRef ptypes[] = {c->ptr};
	struct cg_fn_state st;
	LLVMValueRef fn = begin(c, &st, arena_printf(&c->p->arena, "out_%u", size), ptypes, names,
				&size, 1);
	cg_output_copy(c, LLVMGetParam(fn, 0), size);
	finish(c, &st);
	*f = (struct cg_out_fn){size, fn, c->out_fns};
	c->out_fns = f;
	return fn;
}

void cg_outline_call_out(struct cg *c, LLVMValueRef fn, LLVMValueRef rec)
{
	call_sub(c, fn, &rec, 1);
}
