/* Code generation driver: the module, its debug info, one BPF function per
 * concrete probe (section, context, entry and init blocks), the helper
 * subprograms, and the object. IR primitives are in ir.c, statements in stmt.c,
 * expressions in expr.c, maps and output records in maps.c, map definitions in
 * btf.c, emission in object.c. */
#include "codegen/codegen.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "codegen/object.h"
#include "lang/abi.h"
#include "lang/types.h"
#include "probes/family.h"
#include "probes/probes.h"
#include "util/log.h"

/* ---- functions ---------------------------------------------------------- */

/* Return at once when the pointer at ctx + off is NULL: an iterator's last
 * call (probe_family.ctx_null_ends). */
static void emit_null_end(struct cg *c, uint64_t off)
{
	LLVMValueRef obj = cg_load64(c, cg_gep(c, c->ctxarg, (uint32_t)off));
	LLVMBasicBlockRef go = cg_block(c, "object"), stop = cg_block(c, "no_object");

	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, obj, cg_const(c, 0), ""), stop, go);
	LLVMPositionBuilderAtEnd(c->b, stop);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
}

/* Return at once unless the current process is `pid`: the -p/-c filter of a
 * probe attached for every process (probe_def.filter_pid). */
static void emit_pid_filter(struct cg *c, int pid)
{
	LLVMValueRef cur = LLVMBuildLShr(c->b, cg_helper(c, BPF_FUNC_get_current_pid_tgid, NULL, 0),
					 cg_const(c, 32), "");
	LLVMBasicBlockRef go = cg_block(c, "pid_match"), stop = cg_block(c, "pid_other");

	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, cur, cg_const(c, (uint64_t)pid), ""),
			go, stop);
	LLVMPositionBuilderAtEnd(c->b, stop);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
}

/* /pred/: return at once when it is false; its temporaries are given back
 * before the body, like a statement's. */
static void emit_pred(struct cg *c, struct node *pred)
{
	struct cg_mark m = cg_mark(c);
	cg_set_loc(c, pred);
	c->stmt = pred;
	LLVMBasicBlockRef go = cg_block(c, "pred_true"), stop = cg_block(c, "pred_false");
	LLVMBuildCondBr(c->b, cg_truth(c, pred), go, stop);
	LLVMPositionBuilderAtEnd(c->b, stop);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
	c->stmt = NULL;
	cg_release(c, m);
}

/* A new BPF program `name` of probe_def d in its family's section, made the
 * current function with its entry, init and body blocks; the builder is in
 * body, which is returned. */
static LLVMBasicBlockRef prog_begin(struct cg *c, struct probe_def *d, const char *name)
{
	const struct node *probe = d->probe;
	LLVMTypeRef fty = LLVMFunctionType(c->i64, &c->ptr, 1, 0);
	c->fn = LLVMAddFunction(c->mod, name, fty);
	LLVMSetSection(c->fn, d->family->section(&c->p->arena, d));
	c->di_sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, name, strlen(name), name,
		strlen(name), c->di_file, (unsigned)probe->loc.line, c->di_func_type, 0, 1,
		(unsigned)probe->loc.line, LLVMDIFlagPrototyped, 1);
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
	c->sys_nr = c->probe_index = NULL;	/* a chunk reads them again */
	cg_frame_begin(c, name);
	LLVMBasicBlockRef body = cg_block(c, "body");
	LLVMPositionBuilderAtEnd(c->b, body);
	return body;
}

/* One program of a probe's chain (chunks.c): the statements [first, stop),
 * then a tail call to chunk `next` when chain is not NULL. */
struct chunk {
	struct node *first, *stop;
	LLVMValueRef chain;
	int next;
};

/* The statements of chunk k, the tail call to the next, then return 0. */
static void emit_chunk(struct cg *c, const struct chunk *k)
{
	cg_emit_range(c, k->first, k->stop);
	if (k->chain && !LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b))) {
		LLVMValueRef args[] = {c->ctxarg, k->chain, cg_const(c, (uint64_t)k->next)};
		cg_helper(c, BPF_FUNC_tail_call, args, 3);
	}
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(c->b)))
		cg_return(c);
}

/* The checks that open a probe's (first) program: the context's end, the pid
 * filter, the exit() guard, the predicate. */
static void emit_prelude(struct cg *c, const struct probe_def *d)
{
	if (d->family->ctx_null_ends)
		emit_null_end(c, d->value);
	if (d->filter_pid)
		emit_pid_filter(c, d->filter_pid);
	/* after exit(), traced probes do nothing until they are detached; the
	 * probes the runtime runs itself (BEGIN, END after exit() by design) and
	 * iterators (one synchronous pass over every object, as in bpftrace) are
	 * not held back */
	if (c->exited && !probe_is_special(d) && !d->family->ends_run)
		cg_emit_exit_guard(c);
	if (d->probe->probe.pred)
		emit_pred(c, d->probe->probe.pred);
}

/* What the first program runs for probe_def d (a cg_body_fn: in a syscall
 * program, once the dispatch has chosen d): the prelude, then the first
 * chunk, a struct chunk. */
static void emit_first(struct cg *c, const struct probe_def *d, const void *chunk)
{
	emit_prelude(c, d);
	emit_chunk(c, chunk);
}

/* The program(s) of probe_def d: one, or a chain when its body is huge (see
 * chunks.c). 0, or -E2BIG after a located error. */
static int emit_probe(struct cg *c, struct probe_def *d)
{
	int n = 1;
	struct node **firsts = cg_chunks(c, d, &n);
	LLVMValueRef chain = NULL;
	if (n < 1)
		return -E2BIG;
	d->prog_name = arena_printf(&c->p->arena, "probe%d", d->index);
	if (c->outline)
		rt_log(1, "probe '%s': a big probe, %d program%s; its aggregations and output "
		       "records call shared subprograms\n", d->name, n, n == 1 ? "" : "s (a chain)");
	if (n > 1) {
		d->nchunks = n;
		chain = cg_map_define_raw(c, arena_printf(&c->p->arena, ABI_CHAIN_FMT, d->index),
					  BPF_MAP_TYPE_PROG_ARRAY, 4, 4, (uint32_t)n, 0);
	}
	struct chunk k = {firsts ? firsts[0] : d->probe->probe.body, firsts ? firsts[1] : NULL,
			  chain, 1};
	LLVMBasicBlockRef body = prog_begin(c, d, d->prog_name);
	if (d->family->syscall)
		cg_syscall_emit(c, d, emit_first, &k);
	else
		emit_first(c, d, &k);
	cg_frame_end(c, body, cg_const(c, 0));
	for (int i = 1; i < n; i++) {
		body = prog_begin(c, d, arena_printf(&c->p->arena, ABI_CHUNK_FMT, d->prog_name, i));
		k = (struct chunk){firsts[i], firsts[i + 1], i + 1 < n ? chain : NULL, i + 1};
		emit_chunk(c, &k);
		cg_frame_end(c, body, cg_const(c, 0));
	}
	cg_probe_slots_end(c);
	return 0;
}

static void emit_license(struct cg *c)
{
	LLVMValueRef s = LLVMConstStringInContext(c->ctx, "GPL", 3, 0);
	LLVMValueRef g = LLVMAddGlobal(c->mod, LLVMTypeOf(s), "_license");
	LLVMSetInitializer(g, s);
	LLVMSetSection(g, "license");
}

/* Past this many lines of script, the object's line info carries no source
 * text (see di_file). */
#define BIG_SOURCE_LINES 1000

/* The script's DIFile. LLVM's BTF writer reads the file to put each line's
 * text in the object's string table, searching the table from the start for
 * every line it adds: half the backend's time for a script of 8,000 lines.
 * Our rejection messages use the line info's line and column only, so a big
 * script's DIFile is named so that it cannot be read ("bpfline:" before the
 * path): the line info keeps its lines, without their text. */
static LLVMMetadataRef di_file(struct cg *c, const struct program *p)
{
	size_t lines = 0;
	for (const char *s = p->src; s && *s && lines <= BIG_SOURCE_LINES; s++)
		lines += *s == '\n';
	if (lines <= BIG_SOURCE_LINES)
		return LLVMDIBuilderCreateFile(c->di, p->file, strlen(p->file), ".", 1);
	const char *name = arena_printf(&c->p->arena, "bpfline:%s", p->file);
	return LLVMDIBuilderCreateFile(c->di, name, strlen(name), ".", 1);
}

static void cg_init(struct cg *c, struct program *p)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->ctx = LLVMContextCreate();
	c->mod = LLVMModuleCreateWithNameInContext("bpfline", c->ctx);
	c->b = LLVMCreateBuilderInContext(c->ctx);
	cg_limits_init(c);
	c->i8 = LLVMInt8TypeInContext(c->ctx);
	c->i16 = LLVMInt16TypeInContext(c->ctx);
	c->i32 = LLVMInt32TypeInContext(c->ctx);
	c->i64 = LLVMInt64TypeInContext(c->ctx);
	c->ptr = LLVMPointerTypeInContext(c->ctx, 0);
	c->voidt = LLVMVoidTypeInContext(c->ctx);
	c->di = LLVMCreateDIBuilder(c->mod);
	c->di_file = di_file(c, p);
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
	double t0 = log_now_ms();
	cg_init(&c, p);
	ret = cg_maps_define(&c);
	for (size_t i = 0; !ret && i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		if (d->owner != d->index)	/* shared: runs its owner's program */
			d->prog_name = ((struct probe_def *)p->probes.items[d->owner])->prog_name;
		else
			ret = emit_probe(&c, d);
	}
	if (!ret)
		cg_scratch_define(&c);
	emit_license(&c);
	LLVMDIBuilderFinalize(c.di);
	if (!ret) {
		FILE *dump = opts && opts->dump_out ? opts->dump_out : stdout;
		rt_log(1, "LLVM IR built in %.1f ms\n", log_now_ms() - t0);
		ret = obj_emit(c.mod, opts && opts->dump_ir, dump, obj, obj_size, &err);
		int lim = cg_limits_check(&c, ret ? NULL : *obj, ret ? 0 : *obj_size);
		if (lim && !ret) {
			free(*obj);
			*obj = NULL;
		}
		if (lim) {
			LLVMDisposeMessage(err);
			err = NULL;
			ret = lim;
		}
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
