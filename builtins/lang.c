/* Language-core builtins that fit no other family: username, strncmp and
 * has_key. */
#include <linux/bpf.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

static bool check_username(struct sema *s, struct node *n)
{
	n->type = type_new(s->a, TY_USERNAME);
	return true;
}

/* The uid; the runtime prints its name. */
static LLVMValueRef emit_username(struct cg *c, struct node *n)
{
	(void)n;
	LLVMValueRef v = cg_helper(c, BPF_FUNC_get_current_uid_gid, NULL, 0);
	return LLVMBuildAnd(c->b, v, cg_const(c, 0xffffffff), "");
}

/* strncmp(s1, s2, n): 0 when the first n characters are equal, else 1 (as
 * bpftrace: not an ordering). n is an integer literal. */
static bool check_strncmp(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	int64_t len;
	static const char usage[] = "strncmp(str1, str2, length)";
	bool ok = builtin_want_str(s, n, a, 0, usage);
	ok = builtin_want_str(s, n, a->next, 1, usage) && ok;
	if (!ok || !sema_want_const(s, n, a->next->next, &len))
		return false;
	if (len < 0) {
		diag_error(s->d, a->next->next->loc, "strncmp(): the length must not be negative");
		return false;
	}
	struct node *l = a->next->next;	/* folded, for codegen */
	l->kind = N_INT;
	l->num.value = (uint64_t)len;
	l->num.is_unsigned = false;
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_strncmp(struct cg *c, struct node *n)
{
	struct node *a = n->call.args;
	uint64_t len = a->next->next->num.value;
	if (len == 0)
		return cg_const(c, 0);
	LLVMValueRef eq = cg_str_equal(c, a, a->next, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
	return LLVMBuildXor(c->b, eq, cg_const(c, 1), "");
}

/* Whether map argument m of call is a scalar map, which has no keys to look
 * for: the error in bpftrace's words, with the first use as a NOTE. */
static bool scalar_map(struct sema *s, struct node *call, struct node *m)
{
	struct node *next = m->next;
	m->next = NULL;	/* the map alone, without the keys after it */
	struct map_def *def = sema_want_map(s, call, m);
	m->next = next;
	if (!def || def->keyed != 0)
		return false;
	struct diag *dg = diag_error(s->d, m->loc, "call to %s() expects a map with explicit keys "
				     "(non-scalar map)", call->call.name);
	diag_note(s->d, dg, def->first_use->loc, "%s is used as a scalar here", def->name);
	return true;
}

/* has_key(@m, k1[, k2...]): 1 when the map has the key (current bpftrace). */
static bool check_has_key(struct sema *s, struct node *n)
{
	struct node *m = n->call.args;
	if (m->kind != N_MAP || (m->map.keys && m->next)) {
		struct diag *dg = diag_error(s->d, m->loc, "has_key() expects a map as its first argument");
		diag_hint(s->d, dg, "has_key(@map, key)");
		return false;
	}
	if (!m->map.keys && !m->next) {
		struct diag *dg = diag_error(s->d, n->loc, "has_key() requires 2 arguments (1 provided)");
		diag_hint(s->d, dg, "usage: has_key(@map, key)");
		return false;
	}
	if (!m->map.keys && scalar_map(s, n, m))
		return false;
	if (!m->map.keys) {	/* the keys, as if written @m[k1, k2]; kept for pass 2 */
		m->map.keys = m->next;
		m->next = NULL;
	}
	struct map_def *def = sema_map_keys(s, m);
	if (!def)
		return false;
	if (def->keyed == 0)	/* a scalar map: sema_map_keys said so */
		return false;
	if (def->value && type_has(def->value, TF_BUCKETS)) {
		diag_error(s->d, n->loc, "has_key() does not apply to %s, a histogram map",
			   m->map.name);
		return false;
	}
	n->type = type_new(s->a, TY_BOOL);
	return true;
}

static LLVMValueRef emit_has_key(struct cg *c, struct node *n)
{
	struct node *m = n->call.args;
	LLVMValueRef key = cg_map_key(c, m->map.def, m, NULL);
	LLVMValueRef p = cg_map_lookup(c, m->map.def, key);
	return LLVMBuildZExt(c->b, LLVMBuildIsNotNull(c->b, p, ""), c->i64, "");
}

const struct builtin builtins_lang[] = {
	{.name = "username", .kind = BI_VAR, .check = check_username, .emit = emit_username},
	{.name = "strncmp", .kind = BI_CALL, .min_args = 3, .max_args = 3,
	 .usage = "strncmp(str1, str2, length)", .check = check_strncmp, .emit = emit_strncmp},
	{.name = "has_key", .kind = BI_CALL, .min_args = 1, .max_args = 64,
	 .usage = "has_key(@map, key)", .check = check_has_key, .emit = emit_has_key},
	{0},
};
