/* String builtins: str(ptr[, len]), buf(ptr, len), buf(array[, len]), strlen(s),
 * strcontains(haystack, needle).
 * buf values are { uint32 len; pad to 8; uint8 data[cap] } (TY_BUF), printed
 * with non-printable bytes as \\xNN as bpftrace does. */
#include <string.h>

#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

/* The text of a positional parameter node, or NULL: a string parameter is a
 * string literal, a numeric one an integer literal that kept its text. */
static const char *param_text(const struct node *p)
{
	if (p->kind == N_INT && p->num.param)
		return p->num.param;
	return p->kind == N_STR ? p->str.value : NULL;
}

/* str($N) and str($N + K) take the parameter as the string it was given, K
 * bytes in (bpftrace treats it as a pointer to that literal): p becomes a
 * string literal. False after an error (K past the end). */
static bool str_of_param(struct sema *s, struct node *p)
{
	const char *v = param_text(p);
	uint64_t k = 0;

	if (!v && p->kind == N_BINARY && p->binary.op == OP_ADD &&
	    p->binary.rhs->kind == N_INT && (v = param_text(p->binary.lhs)))
		k = p->binary.rhs->num.value;
	if (!v)
		return true;
	if (k > strlen(v)) {
		diag_error(s->d, p->loc, "str(): offset %llu is past the end of \"%s\"",
			   (unsigned long long)k, v);
		return false;
	}
	p->kind = N_STR;
	p->str.value = v + k;
	p->str.len = strlen(v + k);
	return true;
}

/* str()'s length argument: n bytes with the NUL (str(p, 5) keeps 4 characters),
 * at most the string size. A literal sizes the string; any other integer is read
 * at run time and bounded by the string size. */
static bool check_str_len(struct sema *s, struct node *n, struct node *len, uint32_t *size)
{
	if (len->kind != N_INT)
		return sema_want_int(s, n, len, 1);
	int64_t v;
	if (!sema_want_const(s, n, len, &v))
		return false;
	if (v < 1) {
		diag_error(s->d, len->loc, "str(): the length must be at least 1");
		return false;
	}
	if ((uint64_t)v < *size)
		*size = (uint32_t)v;
	return true;
}

static bool check_str(struct sema *s, struct node *n)
{
	struct node *p = n->call.args;
	if (!str_of_param(s, p))
		return false;
	struct type *t = sema_expr(s, p);
	uint32_t size = t->kind == TY_STR ? t->size : s->strlen;
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_STR && t->kind != TY_INT && t->kind != TY_PTR) {
		char b[128];
		diag_error(s->d, p->loc, "str() expects a pointer or an integer address (%s supplied)",
			   type_name(t, b, sizeof b));
		return false;
	}
	if (p->next && !check_str_len(s, n, p->next, &size))
		return false;
	n->type = type_str(s->a, size);
	n->type->may_cut = !p->next && t->kind != TY_STR;	/* see emit_str_full */
	return true;
}

/* The number of bytes str() may fill (with the NUL): its size, or a run-time
 * length clamped to it. */
static LLVMValueRef str_limit(struct cg *c, struct node *n)
{
	struct node *len = n->call.args->next;
	LLVMValueRef cap = cg_const(c, n->type->size);
	if (!len || len->kind == N_INT)
		return cap;
	LLVMValueRef v = cg_expr(c, len);
	return LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntUGT, v, cap, ""), cap, v, "");
}

/* str() of a string: the string, cut to the length's bytes (NUL included). */
static void emit_str_of_str(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *p = n->call.args;
	uint32_t size = n->type->size;
	LLVMValueRef tmp = cg_alloca(c, p->type->size);
	cg_expr_into(c, p, tmp);
	cg_copy(c, dst, tmp, size);
	LLVMValueRef limit = str_limit(c, n);
	LLVMValueRef zero = LLVMBuildICmp(c->b, LLVMIntEQ, limit, cg_const(c, 0), "");
	LLVMValueRef last = LLVMBuildSub(c->b, limit, cg_const(c, 1), "");
	last = LLVMBuildSelect(c->b, zero, cg_const(c, 0), last, "");
	LLVMValueRef at = LLVMBuildGEP2(c->b, c->i8, dst, &last, 1, "");
	LLVMBuildStore(c->b, LLVMConstInt(c->i8, 0, 0), at);
}

/* str(p) without a length keeps up to max_strlen characters and no NUL when
 * the string is longer, so the printer can tell it was cut (bpftrace's
 * trailer): one byte more is read, and left out. */
static void emit_str_full(struct cg *c, struct node *n, int helper, LLVMValueRef addr,
			  LLVMValueRef dst)
{
	uint32_t size = n->type->size;
	LLVMValueRef tmp = cg_alloca(c, size + 1);
	cg_zero(c, tmp, size + 1);	/* map keys compare the bytes after the NUL */
	LLVMValueRef args[] = {tmp, cg_const(c, size + 1), addr};
	cg_helper(c, helper, args, 3);
	cg_copy(c, dst, tmp, size);
}

/* A tracepoint's __data_loc string lives in the record itself, at the offset
 * in the word's low 16 bits. */
static LLVMValueRef data_loc_addr(struct cg *c, struct node *p)
{
	LLVMValueRef off = LLVMBuildAnd(c->b, cg_expr(c, p), cg_const(c, 0xffff), "");
	return LLVMBuildAdd(c->b, LLVMBuildPtrToInt(c->b, c->ctxarg, c->i64, ""), off, "");
}

static void emit_str(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *p = n->call.args;
	if (p->type->kind == TY_STR) {
		emit_str_of_str(c, n, dst);
		return;
	}
	if (p->type->is_data_loc && !p->next) {
		emit_str_full(c, n, BPF_FUNC_probe_read_kernel_str, data_loc_addr(c, p), dst);
		return;
	}
	if (p->type->is_data_loc) {
		cg_zero(c, dst, n->type->size);
		LLVMValueRef args[] = {dst, str_limit(c, n), data_loc_addr(c, p)};
		cg_helper(c, BPF_FUNC_probe_read_kernel_str, args, 3);
		return;
	}
	/* a pointer whose origin is unknown (an integer) is read with the
	 * compatibility helper, which handles user and kernel addresses on x86 */
	int helper = p->type->kind == TY_PTR ? (p->type->is_user ? BPF_FUNC_probe_read_user_str
							       : BPF_FUNC_probe_read_kernel_str)
					     : BPF_FUNC_probe_read_str;
	if (p->next && p->next->kind != N_INT)	/* a shorter read leaves the rest */
		cg_zero(c, dst, n->type->size);
	if (!p->next) {
		emit_str_full(c, n, helper, cg_expr(c, p), dst);
		return;
	}
	LLVMValueRef args[] = {dst, str_limit(c, n), cg_expr(c, p)};
	cg_helper(c, helper, args, 3);
}

/* The read helper for a pointer of type t (see emit_str). */
static int read_helper(const struct type *t)
{
	if (t->kind != TY_PTR)
		return BPF_FUNC_probe_read;
	return t->is_user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
}

static bool check_buf(struct sema *s, struct node *n)
{
	struct node *p = n->call.args, *len = p->next;
	struct type *t = sema_expr(s, p);
	int64_t cap = s->strlen;
	if (t->kind == TY_NONE)
		return false;
	bool inline_bytes = t->kind == TY_ARRAY || t->kind == TY_STR;	/* char[N] fields */
	if (t->kind != TY_INT && t->kind != TY_PTR && !inline_bytes) {
		char b[128];
		diag_error(s->d, p->loc, "buf() expects a pointer, an address or an array (%s supplied)",
			   type_name(t, b, sizeof b));
		return false;
	}
	if (inline_bytes)
		cap = t->size;
	if (!len && !inline_bytes) {
		diag_error(s->d, n->loc, "buf() needs a length when its argument is not an array");
		return false;
	}
	if (len && len->kind == N_INT) {
		int64_t v;
		if (!sema_want_const(s, n, len, &v))
			return false;
		if (v < 1) {
			diag_error(s->d, len->loc, "buf(): the length must be at least 1");
			return false;
		}
		if (!inline_bytes && v > (int64_t)s->strlen) {
			struct diag *dg = diag_error(s->d, len->loc,
				"buf(): length %lld exceeds the maximum of %u", (long long)v, s->strlen);
			diag_hint(s->d, dg, "raise it with BPFTRACE_STRLEN (up to 200)");
			return false;
		}
		cap = v < cap ? v : cap;
	} else if (len && !sema_want_int(s, n, len, 1)) {
		return false;
	}
	n->type = type_new(s->a, TY_BUF);
	n->type->size = 8 + (((uint32_t)cap + 7) & ~7u);
	n->type->count = (uint32_t)cap;
	return true;
}

/* The number of bytes to copy: the constant, or the runtime length clamped to cap. */
static LLVMValueRef buf_len(struct cg *c, struct node *len, uint32_t cap)
{
	if (!len || len->kind == N_INT)
		return cg_const(c, cap);
	LLVMValueRef v = cg_expr(c, len);
	LLVMValueRef big = LLVMBuildICmp(c->b, LLVMIntUGT, v, cg_const(c, cap), "");
	return LLVMBuildSelect(c->b, big, cg_const(c, cap), v, "");
}

static void emit_buf(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *p = n->call.args;
	uint32_t cap = n->type->count;
	LLVMValueRef len = buf_len(c, p->next, cap);
	cg_store64(c, len, dst);
	if (p->type->kind == TY_ARRAY || p->type->kind == TY_STR) {
		/* the whole array, then as much of it as asked for */
		LLVMValueRef tmp = cg_alloca(c, p->type->size);
		cg_expr_into(c, p, tmp);
		cg_copy(c, cg_gep(c, dst, 8), tmp, cap);
		return;
	}
	LLVMValueRef args[] = {cg_gep(c, dst, 8), len, cg_expr(c, p)};
	cg_helper(c, read_helper(p->type), args, 3);
}

/* strlen(string | char array): the bytes before the first NUL. */
static bool check_strlen(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->call.args);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_STR && t->kind != TY_ARRAY) {
		char b[128];
		struct diag *dg = diag_error(s->d, n->call.args->loc,
			"strlen() expects a string (%s supplied)", type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: strlen(string)");
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

/* The index of the first NUL (the size when there is none), found without
 * branches: from the last byte back, each NUL byte takes its index, so the
 * first one wins. The verifier sees straight-line code. */
static LLVMValueRef emit_strlen(struct cg *c, struct node *n)
{
	struct node *p = n->call.args;
	uint32_t size = p->type->size;
	LLVMValueRef buf = cg_alloca(c, size);
	cg_zero(c, buf, size);
	cg_expr_into(c, p, buf);
	LLVMValueRef len = cg_const(c, size);
	for (uint32_t i = size; i-- > 0;) {
		LLVMValueRef ch = LLVMBuildLoad2(c->b, c->i8, cg_gep(c, buf, i), "");
		LLVMValueRef nul = LLVMBuildICmp(c->b, LLVMIntEQ, ch, LLVMConstInt(c->i8, 0, 0), "");
		len = LLVMBuildSelect(c->b, nul, cg_const(c, i), len, "");
	}
	return len;
}

/* Argument `index` of `call` is a string, else an error naming its type with
 * `usage` as the hint (strcontains, strncmp). */
bool builtin_want_str(struct sema *s, const struct node *call, struct node *arg, int index,
		      const char *usage)
{
	struct type *t = sema_expr(s, arg);
	builtin_probe_as_str(s, arg);
	t = arg->type;
	if (t->kind == TY_STR)
		return true;
	if (t->kind != TY_NONE) {
		char b[128];
		struct diag *dg = diag_error(s->d, arg->loc, "%s() expects a string for argument %d (%s supplied)",
					     call->call.name, index + 1, type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: %s", usage);
	}
	return false;
}

/* strcontains(haystack, needle): whether needle (up to its NUL) occurs in haystack
 * (up to its NUL); an empty needle is in every string. */
static bool check_strcontains(struct sema *s, struct node *n)
{
	struct node *h = n->call.args;
	static const char usage[] = "strcontains(haystack, needle)";
	bool ok = builtin_want_str(s, n, h, 0, usage);
	if (!(builtin_want_str(s, n, h->next, 1, usage) && ok))
		return false;
	n->type = type_new(s->a, TY_BOOL);	/* bpftrace v0.26 prints true/false */
	return true;
}

/* The byte at base[idx] (idx an i64 the caller has bounded) as an i64. */
static LLVMValueRef load_byte(struct cg *c, LLVMValueRef base, LLVMValueRef idx)
{
	LLVMValueRef p = LLVMBuildGEP2(c->b, c->i8, base, &idx, 1, "");
	return LLVMBuildZExt(c->b, LLVMBuildLoad2(c->b, c->i8, p, ""), c->i64, "");
}

/* Branch to `yes` when a <op> b, else continue in a new block. */
static void branch_if(struct cg *c, LLVMIntPredicate op, LLVMValueRef a, LLVMValueRef b,
		      LLVMBasicBlockRef yes)
{
	LLVMBasicBlockRef no = cg_block(c, "sc_next");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, op, a, b, ""), yes, no);
	LLVMPositionBuilderAtEnd(c->b, no);
}

/* The naive search as two bounded loops (haystack size x needle size steps, which
 * the verifier walks: keep both strings small). A start i fails at the first
 * mismatching byte; the search ends when the haystack runs out (its NUL or its
 * size) before the needle does, since no later start can then match either. */
static LLVMValueRef emit_strcontains(struct cg *c, struct node *n)
{
	struct node *h = n->call.args, *nd = h->next;
	uint32_t hs = h->type->size, ns = nd->type->size;
	LLVMValueRef hay = cg_alloca(c, hs), needle = cg_alloca(c, ns);
	LLVMValueRef i = cg_alloca(c, 8), j = cg_alloca(c, 8), res = cg_alloca(c, 8);
	cg_expr_into(c, h, hay);
	cg_expr_into(c, nd, needle);
	cg_store64(c, cg_const(c, 0), i);
	cg_store64(c, cg_const(c, 0), res);
	LLVMBasicBlockRef outer = cg_block(c, "sc_outer"), inner = cg_block(c, "sc_inner");
	LLVMBasicBlockRef next = cg_block(c, "sc_start"), found = cg_block(c, "sc_found");
	LLVMBasicBlockRef done = cg_block(c, "sc_done");
	LLVMBuildBr(c->b, outer);

	LLVMPositionBuilderAtEnd(c->b, outer);	/* for (i = 0; i < hs; i++) */
	LLVMValueRef iv = cg_load64(c, i);
	branch_if(c, LLVMIntUGE, iv, cg_const(c, hs), done);
	cg_store64(c, cg_const(c, 0), j);
	LLVMBuildBr(c->b, inner);

	LLVMPositionBuilderAtEnd(c->b, inner);	/* for (j = 0; needle[j]; j++) */
	LLVMValueRef jv = cg_load64(c, j);
	branch_if(c, LLVMIntUGE, jv, cg_const(c, ns), found);
	LLVMValueRef nc = load_byte(c, needle, jv);
	branch_if(c, LLVMIntEQ, nc, cg_const(c, 0), found);
	LLVMValueRef k = LLVMBuildAdd(c->b, cg_load64(c, i), jv, "");
	branch_if(c, LLVMIntUGE, k, cg_const(c, hs), done);
	LLVMValueRef hc = load_byte(c, hay, k);
	branch_if(c, LLVMIntEQ, hc, cg_const(c, 0), done);
	branch_if(c, LLVMIntNE, hc, nc, next);
	cg_store64(c, LLVMBuildAdd(c->b, jv, cg_const(c, 1), ""), j);
	LLVMBuildBr(c->b, inner);

	LLVMPositionBuilderAtEnd(c->b, next);
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, i), cg_const(c, 1), ""), i);
	LLVMBuildBr(c->b, outer);

	LLVMPositionBuilderAtEnd(c->b, found);
	cg_store64(c, cg_const(c, 1), res);
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_load64(c, res);
}

const struct builtin builtins_str[] = {
	{.name = "strlen", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "strlen(string)", .check = check_strlen, .emit = emit_strlen},
	{.name = "strcontains", .kind = BI_CALL, .min_args = 2, .max_args = 2,
	 .usage = "strcontains(haystack, needle)", .check = check_strcontains,
	 .emit = emit_strcontains},
	{.name = "buf", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "buf(pointer, length)", .check = check_buf, .emit_into = emit_buf},
	{.name = "str", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "str(pointer[, length])", .check = check_str, .emit_into = emit_str},
	{0},
};
