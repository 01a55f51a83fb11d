/* Memory behind pointers: `->` and `.` chains through BTF structs and `[i]` on
 * arrays and pointers.
 *
 * Representation: an expression of struct or array type is never loaded; its
 * value is its address. So `((struct path *)arg0)->dentry->d_name.name` is
 *   a0 = arg0 + offsetof(path, dentry);   dentry = probe_read(8 bytes at a0)
 *   a1 = dentry + offsetof(dentry, d_name) + offsetof(qstr, name)
 *   name = probe_read(8 bytes at a1)
 * one probe_read per pointer followed, into an 8-byte stack slot. The helper is
 * probe_read_user when the chain starts at a user pointer, else
 * probe_read_kernel. The probe context's own record (tracepoint and fentry
 * `args`) is read directly by expr.c; a chain that starts there only takes
 * its address from the context. */
#include <linux/bpf.h>
#include <string.h>

#include "codegen/cg.h"
#include "lang/types.h"
#include "probes/family.h"

/* The field of record type t called name (sema checked it exists). */
static const struct field *field_of(const struct type *t, const char *name)
{
	if (t->kind == TY_PTR)
		t = t->elem;
	for (int i = 0; t && i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* Whether n (a field) is a member of the probe context's record. */
static bool on_ctx(const struct node *n)
{
	const struct node *b = n->field.base;
	return b->kind == N_IDENT && b->type->kind == TY_RECORD;
}

/* The operand of a chain link: the base of `.` or `[]`, what `*` dereferences. */
static const struct node *link_base(const struct node *n)
{
	if (n->kind == N_FIELD)
		return n->field.base;
	return n->kind == N_INDEX ? n->index.base : n->unary.operand;
}

static bool is_link(const struct node *n)
{
	return n->kind == N_FIELD || n->kind == N_INDEX ||
	       (n->kind == N_UNARY && n->unary.op == OP_DEREF);
}

/* Whether the chain under n starts at a user pointer. */
static bool chain_is_user(const struct node *n)
{
	for (;;) {
		const struct node *b = link_base(n);
		if (b->type->kind == TY_PTR)
			return b->type->is_user;
		if (!is_link(b))
			return false;	/* a value the program holds: BPF memory */
		n = b;
	}
}

/* The address of the struct or array that b (the base of `.` or `[]`) is: a
 * pointer's value; an object in probed memory is its address already (see
 * above); a value the program holds ($var, map value, tuple element) is first
 * put in a slot, and read from there like any other memory. */
static LLVMValueRef base_addr(struct cg *c, struct node *b)
{
	if (b->type->kind == TY_PTR || is_link(b) || b->kind == N_IDENT)
		return cg_expr(c, b);
	LLVMValueRef slot;
	if (b->kind == N_VAR) {
		slot = cg_var_ptr(c, b);
	} else {
		slot = cg_alloca(c, (b->type->size + 7) & ~7u);
		cg_zero(c, slot, (b->type->size + 7) & ~7u);
		cg_expr_into(c, b, slot);
	}
	return LLVMBuildPtrToInt(c->b, slot, c->i64, "");
}

/* base[i] on an array whose index is known only at run time: the warning
 * when i is past its end (the element is read anyway, as bpftrace does). */
static void warn_out_of_bounds(struct cg *c, struct node *n, LLVMValueRef i)
{
	LLVMBasicBlockRef warn = cg_block(c, "oob"), done = cg_block(c, "inbounds");
	uint32_t count = n->index.base->type->count;
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntUGE, i, cg_const(c, count), ""), warn, done);
	LLVMPositionBuilderAtEnd(c->b, warn);
	cg_emit_action(c, n->index.warn_id - 1, NULL, NULL, 0);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

/* The address (i64) of the object a field or index expression names. */
static LLVMValueRef addr_of(struct cg *c, struct node *n)
{
	if (n->kind == N_FIELD) {
		const struct node *b = n->field.base;
		const struct field *f = field_of(b->type, n->field.name);
		uint32_t off = f ? f->offset : 0;
		LLVMValueRef base = on_ctx(n) ? LLVMBuildPtrToInt(c->b, c->ctxarg, c->i64, "")
					      : base_addr(c, n->field.base);
		return LLVMBuildAdd(c->b, base, cg_const(c, off), "");
	}
	const struct type *bt = n->index.base->type;
	LLVMValueRef base = base_addr(c, n->index.base);	/* pointer value, or array address */
	LLVMValueRef i = cg_expr(c, n->index.index);
	if (n->index.warn_id)
		warn_out_of_bounds(c, n, i);
	LLVMValueRef scaled = LLVMBuildMul(c->b, i, cg_const(c, type_c_size(bt->elem)), "");
	return LLVMBuildAdd(c->b, base, scaled, "");
}

static LLVMValueRef read_helper_into(struct cg *c, const struct node *n, LLVMValueRef dst,
				     uint32_t size, LLVMValueRef addr)
{
	LLVMValueRef args[] = {dst, cg_const(c, size), addr};
	return cg_helper(c, chain_is_user(n) ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel,
			 args, 3);
}

/* Whether n is a pointer field in a u64 slot of the probe's typed context
 * (`ctx.file` of an iterator, whose context is the struct bpf_iter__NAME of
 * one u64 slot per member). */
static bool is_ctx_slot(const struct cg *c, const struct node *n)
{
	const struct node *b = n->kind == N_FIELD ? n->field.base : NULL;
	const struct field *f;

	if (!b || b->kind != N_IDENT || b->type->kind != TY_PTR || !c->pdef->family->ctx_type ||
	    strcmp(b->ident.name, "ctx"))	/* the builtin, not a pointer `retval` */
		return false;
	f = field_of(b->type, n->field.name);
	return f && f->offset % 8 == 0 && n->type->kind == TY_PTR;
}

LLVMValueRef cg_kernel_ptr(struct cg *c, struct node *n)
{
	if (!is_ctx_slot(c, n))
		return cg_expr(c, n);
	return cg_load64(c, cg_gep(c, c->ctxarg, field_of(n->field.base->type, n->field.name)->offset));
}

LLVMValueRef cg_deref(struct cg *c, struct node *n)
{
	const struct type *t = n->type;
	LLVMValueRef addr = addr_of(c, n);
	if (t->kind != TY_INT && t->kind != TY_PTR)
		return addr;	/* a struct or array: its address */
	uint32_t bytes = t->kind == TY_PTR ? 8 : t->bits / 8u;
	LLVMValueRef buf = cg_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), buf);
	read_helper_into(c, n, buf, bytes, addr);
	LLVMValueRef v = cg_load64(c, buf);
	if (t->kind == TY_PTR || t->bits >= 64)
		return v;
	LLVMValueRef tr = LLVMBuildTrunc(c->b, v, LLVMIntTypeInContext(c->ctx, t->bits), "");
	return t->is_signed ? LLVMBuildSExt(c->b, tr, c->i64, "") : LLVMBuildZExt(c->b, tr, c->i64, "");
}

void cg_deref_into(struct cg *c, struct node *n, LLVMValueRef dst)
{
	if (n->kind == N_UNARY) {	/* *p: a whole struct */
		LLVMValueRef args[] = {dst, cg_const(c, n->type->size), cg_expr(c, n->unary.operand)};
		cg_helper(c, chain_is_user(n) ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel,
			  args, 3);
		return;
	}
	const struct type *t = n->type;
	if (t->kind == TY_STR || t->kind == TY_ARRAY || t->kind == TY_RECORD) {
		read_helper_into(c, n, dst, t->size, addr_of(c, n));	/* the bytes, as they are */
		return;
	}
	cg_store64(c, cg_deref(c, n), dst);
}
