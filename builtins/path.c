/* path(struct path *p [, size]): the file name p refers to, from the kernel's
 * bpf_d_path helper, as a string of `size` bytes (max_strlen by default).
 *
 * The kernel offers bpf_d_path to tracing programs only (fentry, fexit,
 * iterators, LSM), and among fentry/fexit only on the functions of its
 * btf_allowlist_d_path (security_file_open, vfs_getattr, ...). The first rule
 * is checked here; the second only the verifier knows, and the loader turns its
 * "helper call is not allowed in probe" into an error located at this call
 * (runtime/loader.c), for which emit attributes the helper call to the call's
 * own column.
 *
 * `size` counts the NUL, as str()'s length does. A path longer than size - 1
 * characters keeps its end ("x86_64-linux-gnu/libc.so.6" rather than
 * "/usr/lib/x86_64-l"), the part that names the file, as bpftrace's (whose
 * bpf_d_path into `size` bytes gets the end from the kernel): here the helper
 * writes into a larger buffer, whatever the kernel does with a path that does
 * not fit, and the last size - 1 characters are copied out. */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "probes/family.h"
#include "sema/sema.h"

#define PATH_USAGE "path(struct path *path [, size])"
#define PATH_SIZE_MAX 4096	/* PATH_MAX: no path the kernel names is longer */
#define PATH_BUF_MIN 1024	/* the helper's buffer: at least this, a power of two */

bool builtin_want_tracing(struct sema *s, struct node *n, const char *helper)
{
	for (size_t i = 0; i < s->p->probes.len; i++) {
		const struct probe_def *d = s->p->probes.items[i];
		if (d->probe != s->probe || d->family->tracing)
			continue;
		struct diag *dg = diag_error(s->d, n->loc, "%s() cannot be used in %s probes",
					     n->call.name, d->family->name);
		diag_hint(s->d, dg, "the kernel's %s helper is for fentry, fexit and iter probes "
			  "only", helper);
		return false;
	}
	return true;
}

/* A struct path: the record itself (args.file.f_path, whose value is its
 * address) or a pointer to it. */
static bool is_struct_path(const struct type *t)
{
	if (t->kind == TY_PTR)
		t = t->elem;
	return t && t->kind == TY_RECORD && t->name && !strcmp(t->name, "struct path");
}

static bool check_size(struct sema *s, struct node *n, struct node *arg, uint32_t *size)
{
	int64_t v;
	if (!sema_want_const(s, n, arg, &v))
		return false;
	if (v < 1 || v > PATH_SIZE_MAX) {
		diag_error(s->d, arg->loc, "path(): the size must be between 1 and %d (%lld given)",
			   PATH_SIZE_MAX, (long long)v);
		return false;
	}
	*size = (uint32_t)v;
	return true;
}

static bool check_path(struct sema *s, struct node *n)
{
	struct node *p = n->call.args;
	struct type *t = sema_expr(s, p);
	uint32_t size = s->strlen;

	if (t->kind == TY_NONE)
		return false;
	if (!is_struct_path(t)) {
		char b[128];
		struct diag *dg = diag_error(s->d, p->loc, "path() expects a struct path * (%s supplied)",
					     type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: " PATH_USAGE ", e.g. path(args.file.f_path)");
		return false;
	}
	if (p->next && !check_size(s, n, p->next, &size))
		return false;
	if (!builtin_want_tracing(s, n, "bpf_d_path"))
		return false;
	n->type = type_str(s->a, size);
	return true;
}

/* The helper's buffer for a string of size bytes: a power of two (so the
 * offset of the tail can be masked into it for the verifier), room for size
 * characters and the NUL. */
static uint32_t helper_buf_size(uint32_t size)
{
	uint32_t b = PATH_BUF_MIN;
	while (b < size + 1)
		b <<= 1;
	return b;
}

/* The struct path argument a as the kernel pointer bpf_d_path needs: the
 * pointer the chain starts from (args.file, ctx.file: cg_kernel_ptr) and,
 * in *off, the offsets of the members embedded in what it points to
 * (.f_path), which the verifier follows in BTF. */
static LLVMValueRef path_base(struct cg *c, struct node *a, uint32_t *off)
{
	*off = 0;
	while (a->kind == N_FIELD && a->type->kind == TY_RECORD) {
		struct node *b = a->field.base;
		const struct type *rec = b->type->kind == TY_PTR ? b->type->elem : b->type;
		*off += rec->fields[type_field_index(rec, a->field.name)].offset;	/* sema found it */
		a = b;
		if (b->type->kind == TY_PTR)
			return cg_kernel_ptr(c, b);
	}
	return cg_kernel_ptr(c, a);
}

/* bpf_d_path(p, buf, bsize), attributed to the call's own column (see the
 * comment at the top), when p is not NULL; its result as the number of
 * characters in buf: the length without the NUL, bsize - 1 when the path did
 * not fit (the kernel filled buf from its end), 0 on another error or NULL. */
static LLVMValueRef emit_d_path(struct cg *c, struct node *n, LLVMValueRef buf, uint32_t bsize)
{
	uint32_t off;
	LLVMValueRef base = path_base(c, n->call.args, &off);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b), call = cg_block(c, "d_path"),
			  after = cg_block(c, "d_path_done");
	/* the verifier lets no offset be added to a pointer that may be NULL */
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, base, cg_const(c, 0), ""), after, call);
	LLVMPositionBuilderAtEnd(c->b, call);
	LLVMMetadataRef stmt_loc = LLVMGetCurrentDebugLocation2(c->b);
	cg_set_loc(c, n);
	LLVMValueRef args[] = {LLVMBuildAdd(c->b, base, cg_const(c, off), ""), buf,
			       cg_const(c, bsize)};
	LLVMValueRef called = cg_helper(c, BPF_FUNC_d_path, args, 3);
	LLVMSetCurrentDebugLocation2(c->b, stmt_loc);
	LLVMBuildBr(c->b, after);
	LLVMPositionBuilderAtEnd(c->b, after);
	LLVMValueRef ret = cg_phi2(c, c->i64, cg_const(c, (uint64_t)-ENOENT), from, called, call);

	LLVMValueRef ok = LLVMBuildICmp(c->b, LLVMIntSGT, ret, cg_const(c, 0), "");
	LLVMValueRef too_long = LLVMBuildICmp(c->b, LLVMIntEQ, ret,
					      cg_const(c, (uint64_t)-ENAMETOOLONG), "");
	LLVMValueRef err_len = LLVMBuildSelect(c->b, too_long, cg_const(c, bsize - 1),
					       cg_const(c, 0), "");
	return LLVMBuildSelect(c->b, ok, LLVMBuildSub(c->b, ret, cg_const(c, 1), ""), err_len, "");
}

static void emit_path(struct cg *c, struct node *n, LLVMValueRef dst)
{
	uint32_t size = n->type->size, bsize = helper_buf_size(size);
	LLVMValueRef buf = cg_scratch_alloca(c, bsize);
	LLVMValueRef len = emit_d_path(c, n, buf, bsize);
	LLVMBasicBlockRef some = cg_block(c, "path_some"), fits = cg_block(c, "path_fits"),
			  tail = cg_block(c, "path_tail"), done = cg_block(c, "path_done");

	cg_zero(c, dst, size);	/* NUL-padded, as every string (map keys compare it all) */
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, len, cg_const(c, 0), ""), done, some);
	LLVMPositionBuilderAtEnd(c->b, some);	/* an error leaves the string empty */
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntULT, len, cg_const(c, size), ""),
			fits, tail);

	LLVMPositionBuilderAtEnd(c->b, fits);	/* the path and its NUL */
	LLVMValueRef whole[] = {dst, cg_const(c, size), buf};
	cg_helper(c, BPF_FUNC_probe_read_kernel_str, whole, 3);
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, tail);	/* its last size - 1 characters, then the NUL */
	if (size > 1) {
		LLVMValueRef off = LLVMBuildAnd(c->b, LLVMBuildSub(c->b, len, cg_const(c, size - 1), ""),
						cg_const(c, bsize - 1), "");
		LLVMValueRef from = LLVMBuildGEP2(c->b, c->i8, buf, &off, 1, "");
		LLVMValueRef last[] = {dst, cg_const(c, size - 1), from};
		cg_helper(c, BPF_FUNC_probe_read_kernel, last, 3);
	}
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, done);
}

const struct builtin builtins_path[] = {
	{.name = "path", .kind = BI_CALL, .min_args = 1, .max_args = 2, .usage = PATH_USAGE,
	 .check = check_path, .emit_into = emit_path},
	{0},
};
