/* Address-space builtins: uptr(p) and kptr(p) mark a pointer as pointing into
 * user or kernel memory, so reads through it (str(), *p, p->field) use the
 * matching probe_read helper. The pointer's value and pointee are unchanged; an
 * integer becomes a pointer to bytes. write_user(dst, src, len) writes into
 * user memory (unsafe). is_err(p) tells a kernel ERR_PTR from a pointer. */
#include <string.h>

#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "util/arena.h"

/* The type of n's one argument when it is a pointer or an integer (an
 * address); otherwise NULL after a located error with usage as the hint. */
static struct type *pointer_arg(struct sema *s, struct node *n, const char *usage)
{
	struct node *p = n->call.args;
	struct type *t = sema_expr(s, p);
	if (t->kind == TY_NONE)
		return NULL;
	if (t->kind != TY_PTR && t->kind != TY_INT) {
		char b[128];
		struct diag *dg = diag_error(s->d, p->loc, "%s() expects a pointer (%s supplied)",
					     n->call.name, type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: %s", usage);
		return NULL;
	}
	return t;
}

/* The argument's pointer type, copied with is_user set as asked. */
static bool check_addrspace(struct sema *s, struct node *n, bool user)
{
	struct type *t = pointer_arg(s, n, user ? "uptr(pointer)" : "kptr(pointer)");
	if (!t)
		return false;
	struct type *r = type_new(s->a, TY_PTR);
	if (t->kind == TY_PTR)
		memcpy(r, t, sizeof(*r));
	else
		r->elem = type_int(s->a, 8, true);
	r->size = 8;
	r->is_user = user;
	n->type = r;
	return true;
}

static bool check_uptr(struct sema *s, struct node *n)
{
	return check_addrspace(s, n, true);
}

static bool check_kptr(struct sema *s, struct node *n)
{
	return check_addrspace(s, n, false);
}

static LLVMValueRef emit_addrspace(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

/* The bytes of a write_user() source: where its data starts in its storage
 * and how many there are (a buffer's data follows its length word). */
static uint32_t src_offset(const struct type *t)
{
	return t->kind == TY_BUF ? 8 : 0;
}

static uint32_t src_size(const struct type *t)
{
	if (t->kind == TY_BUF)
		return t->count;
	return t->kind == TY_INT ? type_c_size(t) : t->size;
}

/* write_user(dst, src, len): bpf_probe_write_user of len bytes of src (a string,
 * buffer or integer the program holds) to the user address dst; true when the
 * kernel wrote them. Needs --unsafe; len is a constant within src's size. */
static bool check_write_user(struct sema *s, struct node *n)
{
	struct node *dst = n->call.args, *src = dst->next, *len = src->next;
	int64_t v;
	if (!s->p->unsafe) {
		struct diag *dg = diag_error(s->d, n->loc,
			"write_user() is unsafe. To use you need the --unsafe flag");
		diag_hint(s->d, dg, "it writes into the memory of the traced process");
		return false;
	}
	struct type *dt = sema_expr(s, dst), *st = sema_expr(s, src);
	if (dt->kind == TY_NONE || st->kind == TY_NONE)
		return false;
	if (dt->kind != TY_PTR && dt->kind != TY_INT) {
		char b[128];
		diag_error(s->d, dst->loc, "write_user() expects a pointer as destination (%s supplied)",
			   type_name(dt, b, sizeof b));
		return false;
	}
	if (st->kind != TY_STR && st->kind != TY_BUF && st->kind != TY_INT) {
		char b[128];
		diag_error(s->d, src->loc, "write_user() expects a string, buffer or integer as source (%s supplied)",
			   type_name(st, b, sizeof b));
		return false;
	}
	if (!sema_want_const(s, n, len, &v))
		return false;
	if (v < 1 || (uint64_t)v > src_size(st)) {
		diag_error(s->d, len->loc, "write_user(): length %lld is not within the source's %u bytes",
			   (long long)v, src_size(st));
		return false;
	}
	n->type = type_new(s->a, TY_BOOL);
	return true;
}

static LLVMValueRef emit_write_user(struct cg *c, struct node *n)
{
	struct node *dst = n->call.args, *src = dst->next;
	uint32_t size = (src->type->size + 7) & ~7u;
	LLVMValueRef slot = cg_alloca(c, size ? size : 8);
	cg_expr_into(c, src, slot);
	LLVMValueRef args[] = {cg_expr(c, dst), cg_gep(c, slot, src_offset(src->type)),
			       cg_expr(c, src->next)};	/* a constant: sema checked it */
	LLVMValueRef r = cg_helper(c, BPF_FUNC_probe_write_user, args, 3);
	return LLVMBuildZExt(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, r, cg_const(c, 0), ""), c->i64, "");
}

/* is_err(ptr): the kernel's IS_ERR(): ptr is an error code -4095..-1 that a
 * function returned as a pointer (ERR_PTR), not an address. */
#define MAX_ERRNO 4095

static bool check_is_err(struct sema *s, struct node *n)
{
	if (!pointer_arg(s, n, "is_err(ptr), e.g. is_err(retval) in fexit"))
		return false;
	n->type = type_new(s->a, TY_BOOL);
	return true;
}

static LLVMValueRef emit_is_err(struct cg *c, struct node *n)
{
	LLVMValueRef v = cg_expr(c, n->call.args);
	LLVMValueRef err = LLVMBuildICmp(c->b, LLVMIntUGE, v, cg_const(c, (uint64_t)-MAX_ERRNO), "");
	return LLVMBuildZExt(c->b, err, c->i64, "");
}

const struct builtin builtins_addrspace[] = {
	{.name = "is_err", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "is_err(ptr)", .check = check_is_err, .emit = emit_is_err},
	{.name = "write_user", .kind = BI_CALL, .min_args = 3, .max_args = 3,
	 .usage = "write_user(dst, src, len)", .check = check_write_user, .emit = emit_write_user},
	{.name = "uptr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "uptr(pointer)", .check = check_uptr, .emit = emit_addrspace},
	{.name = "kptr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "kptr(pointer)", .check = check_kptr, .emit = emit_addrspace},
	{0},
};
