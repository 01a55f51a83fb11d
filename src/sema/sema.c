/* Semantic analysis.
 *
 * Two passes over the program. The first, silent, learns every map's key and
 * value types, so a map read in one probe and written in a later one is typed;
 * the second reports errors, fixes node types and registers output actions.
 * Builtins check themselves through the builtins table. */
#include "sema/sema.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "kernel/kbtf.h"
#include "kernel/udwarf.h"
#include "probes/probes.h"
#include "sema/sema_internal.h"

static struct type *check_expr(struct sema *s, struct node *n);
static void check_stmts(struct sema *s, struct node *list);
static void check_stmt(struct sema *s, struct node *n);
static struct type *check_ident(struct sema *s, struct node *n);
static struct type *check_block_expr(struct sema *s, struct node *n, bool need_value);
static void end_scope(struct sema *s, struct sema_var *outer);
static void usage_hint(struct sema *s, struct diag *dg, const struct node *call);

static struct type *ty_none(struct sema *s)
{
	return type_new(s->a, TY_NONE);
}

static const char *tname(const struct type *t, char *buf, int size)
{
	return type_name(t, buf, size);
}

/* ---- maps -------------------------------------------------------------- */

/* The map_def called `name`, created on first sight. */
static struct map_def *map_lookup(struct sema *s, struct node *m)
{
	struct vec *maps = &s->p->maps;
	for (size_t i = 0; i < maps->len; i++) {
		struct map_def *def = maps->items[i];
		if (!strcmp(def->name, m->map.name))
			return def;
	}
	struct map_def *def = arena_alloc(s->a, sizeof(*def));
	if (!def || vec_push(maps, def))
		return NULL;
	def->name = m->map.name;
	def->id = (int)maps->len - 1;
	def->keyed = -1;
	def->first_use = m;
	return def;
}

/* Widen `into` so that it can hold `t` too (ints to 64 bits, strings to the
 * larger size). Both are known to be type_equal. */
static void type_widen(struct type *into, const struct type *t)
{
	if (into->kind == TY_STR && t->size > into->size)
		into->size = t->size;
	if (into->kind == TY_STR)
		into->may_cut |= t->may_cut;
	if (into->kind == TY_INT && into->enumerators != t->enumerators) {
		into->enumerators = NULL;	/* an enum mixed with other integers: numbers */
		into->nenumerators = 0;
	}
	if (into->kind == TY_TUPLE) {
		uint32_t off = 0;
		for (int i = 0; i < into->nfields; i++) {
			int j = type_is_record(into) ? type_field_index(t, into->fields[i].name) : i;
			type_widen(into->fields[i].type, t->fields[j < 0 ? i : j].type);
			into->fields[i].offset = off;
			off += (into->fields[i].type->size + 7) & ~7u;
		}
		into->size = off;
	}
}

/* A private copy of t, so widening a map's type never changes a node's. */
static struct type *type_copy(struct sema *s, const struct type *t)
{
	struct type *c = type_new(s->a, t->kind);
	if (!c)
		return NULL;
	*c = *t;
	if (t->kind == TY_TUPLE) {
		c->fields = arena_alloc(s->a, sizeof(*c->fields) * (size_t)t->nfields);
		for (int i = 0; c->fields && i < t->nfields; i++) {
			c->fields[i] = t->fields[i];
			c->fields[i].type = type_copy(s, t->fields[i].type);
		}
	}
	return c;
}

/* An integer type that prints by the names of enum type e's enumerators: int64
 * for an enumerator, the cast's width for (enum E)x. */
static struct type *enum_int(struct sema *s, const struct type *e, int bits, bool is_signed)
{
	struct type *t = type_int(s->a, bits, is_signed);
	if (t && e) {
		t->enumerators = e->enumerators;
		t->nenumerators = e->nenumerators;
	}
	return t;
}

/* The type of the key expressions of m: NULL for none, a tuple for several. */
static struct type *key_type(struct sema *s, struct node *m)
{
	int n = ast_list_len(m->map.keys);
	if (n == 0)
		return NULL;
	struct type **elems = arena_alloc(s->a, sizeof(*elems) * (size_t)n);
	int i = 0;
	for (struct node *k = m->map.keys; k; k = k->next)
		elems[i++] = check_expr(s, k);
	if (n == 1)
		return elems[0];
	return type_tuple(s->a, elems, n);
}

static bool key_type_ok(struct sema *s, struct node *m, const struct type *t)
{
	if (!t || type_has(t, TF_NO_KEY)) {
		if (t && t->kind != TY_NONE) {
			char b[128];
			diag_error(s->d, m->loc, "%s: invalid map key type '%s'", m->map.name,
				   tname(t, b, sizeof b));
		}
		return false;
	}
	return true;
}

/* Unify the keys of a use of map m with what the map has seen so far. */
static struct map_def *map_use_keys(struct sema *s, struct node *m)
{
	struct map_def *def = map_lookup(s, m);
	if (!def)
		return NULL;
	m->map.def = def;
	struct type *kt = key_type(s, m);
	int keyed = kt != NULL;
	if (kt && !key_type_ok(s, m, kt))
		return def;
	if (def->keyed == -1) {
		def->keyed = (int8_t)keyed;
		def->key = kt ? type_copy(s, kt) : NULL;
		return def;
	}
	if (def->keyed != keyed) {
		struct diag *dg = diag_error(s->d, m->loc, keyed ?
			"%s used as a map with keys, but it was used as a scalar before" :
			"%s used as a scalar, but it was used as a map with keys before", m->map.name);
		diag_note(s->d, dg, def->first_use->loc, "%s first used here", m->map.name);
		diag_hint(s->d, dg, "a map is either a scalar (%s) or keyed (%s[key]) in the whole program; use another name for the other",
			  m->map.name, m->map.name);
		return def;
	}
	if (kt && !type_equal(def->key, kt)) {
		char b1[128], b2[128];
		struct diag *dg = diag_error(s->d, m->loc,
			"Argument mismatch for %s: trying to access with arguments: '%s' when map expects arguments: '%s'",
			m->map.name, tname(kt, b1, sizeof b1), tname(def->key, b2, sizeof b2));
		diag_note(s->d, dg, def->first_use->loc, "%s first used here", m->map.name);
		diag_hint(s->d, dg, "every use of a map needs keys of the same types; cast or use another map");
	} else if (kt) {
		type_widen(def->key, kt);
	}
	return def;
}

/* Record that `value` (of type t) is stored into map use m. */
static void map_assign(struct sema *s, struct node *m, struct type *t, const struct node *site)
{
	struct map_def *def = m->map.def;
	if (!def || !t || t->kind == TY_NONE)
		return;
	if (type_has(t, TF_NO_STORE)) {
		char b[128];
		diag_error(s->d, site->loc, "%s: cannot store a value of type '%s' in a map",
			   m->map.name, tname(t, b, sizeof b));
		return;
	}
	if (!def->value) {
		def->value = type_copy(s, t);
		def->first_use = m;
		return;
	}
	if (!type_equal(def->value, t)) {
		char b1[128], b2[128];
		if (def->value->kind == t->kind && type_is_aggregation(t)) {
			/* hist(x, 1) and hist(x, 2), or lhists of other ranges:
			 * the same name, other buckets */
			tname(t, b1, sizeof b1);
			b1[strcspn(b1, "_")] = '\0';
			struct diag *dg = diag_error(s->d, m->loc,
				"Type mismatch for %s: %s() is given other parameters here than where %s was first assigned",
				m->map.name, b1, m->map.name);
			if (def->first_use != m)
				diag_note(s->d, dg, def->first_use->loc, "%s was first assigned here",
					  m->map.name);
			diag_hint(s->d, dg, "the buckets of a map are the same in every use; use another map");
			return;
		}
		struct diag *dg = diag_error(s->d, m->loc,
			"Type mismatch for %s: trying to assign value of type '%s' when map already contains a value of type '%s'",
			m->map.name, tname(t, b1, sizeof b1), tname(def->value, b2, sizeof b2));
		if (def->first_use != m)
			diag_note(s->d, dg, def->first_use->loc, "%s was first assigned here", m->map.name);
		diag_hint(s->d, dg, type_is_aggregation(def->value) || type_is_aggregation(t) ?
			  "an aggregation map takes only that aggregation; use another map for other values" :
			  "a map holds values of one type; use another map for this value");
		return;
	}
	type_widen(def->value, t);
}

struct map_def *sema_map_keys(struct sema *s, struct node *m)
{
	return map_use_keys(s, m);
}

struct map_def *sema_want_map(struct sema *s, const struct node *call, struct node *arg)
{
	if (!arg || arg->kind != N_MAP) {
		usage_hint(s, diag_error(s->d, arg ? arg->loc : call->loc, "%s() expects a map argument",
					 call->call.name), call);
		return NULL;
	}
	if (arg->map.keys) {
		diag_error(s->d, arg->loc, "%s() expects a map without keys, e.g. %s(%s)",
			   call->call.name, call->call.name, arg->map.name);
		return NULL;
	}
	struct map_def *def = map_lookup(s, arg);
	arg->map.def = def;
	arg->type = def && def->value ? def->value : ty_none(s);
	return def;
}

/* The type a read of a map with this value type gives. */
static struct type *map_value_type(struct sema *s, struct node *m, struct map_def *def)
{
	if (!def->value) {
		if (s->final && !def->assigned)	/* else its assignment was the error */
			diag_error(s->d, m->loc, "Undefined map: %s", m->map.name);
		return ty_none(s);
	}
	const struct type_ops *ops = type_ops(def->value);
	switch (ops->read) {
	case TR_INT:
	case TR_AVG:
		return type_int(s->a, 64, true);
	case TR_UINT:
		return type_int(s->a, 64, def->value->is_signed);
	case TR_NONE:
		diag_hint(s->d, diag_error(s->d, m->loc, "%s: a %s map cannot be used as a value",
					   m->map.name, ops->read_name),
			  "print it with print(%s), or let it print at exit", m->map.name);
		return ty_none(s);
	case TR_SELF:
		break;
	}
	return def->value;
}

/* A read of map m: its value, as an expression. */
static struct type *check_map_read(struct sema *s, struct node *m)
{
	struct map_def *def = map_use_keys(s, m);
	return def ? map_value_type(s, m, def) : ty_none(s);
}

/* ---- variables --------------------------------------------------------- */

static struct sema_var *var_find(struct sema *s, const char *name)
{
	for (struct sema_var *v = s->vars; v; v = v->next)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/* Whether a value of type t may be assigned to variable v. */
static bool var_accepts(const struct sema_var *v, const struct type *t)
{
	if (v->typed && type_is_scalar(v->type) && type_is_scalar(t))
		return true;	/* converted, as a C assignment converts */
	return type_equal(v->type, t);
}

static void var_assign(struct sema *s, struct node *target, struct type *t)
{
	struct sema_var *v = var_find(s, target->ident.name);
	if (!t || t->kind == TY_NONE)
		return;
	if (v && !v->type) {	/* `let $x;`: its first assignment types it */
		v->type = type_copy(s, t);
		v->decl->type = v->type;	/* for the next pass's `let` */
	} else if (!v) {
		v = arena_alloc(s->a, sizeof(*v));
		if (!v)
			return;
		v->name = target->ident.name;
		v->type = type_copy(s, t);
		v->decl = target;
		v->next = s->vars;
		s->vars = v;
	} else if (!var_accepts(v, t)) {
		char b1[128], b2[128];
		struct diag *dg = diag_error(s->d, target->loc,
			"Type mismatch for %s: trying to assign value of type '%s' when variable already contains a value of type '%s'",
			target->ident.name, tname(t, b1, sizeof b1), tname(v->type, b2, sizeof b2));
		diag_note(s->d, dg, v->decl->loc, "%s was first assigned here", target->ident.name);
		diag_hint(s->d, dg, "a $variable keeps one type; use another name for this value");
		return;
	} else if (!v->typed) {
		type_widen(v->type, t);
	}
	target->type = v->type;
}

/* A `let $x;` that nothing assigns: an int64 0 (bpftrace: "If no assignment
 * is specified variables will initialize to 0"). */
static void var_default(struct sema *s, struct sema_var *v)
{
	v->type = type_int(s->a, 64, true);
	v->decl->type = v->type;
}

static struct type *check_var(struct sema *s, struct node *n)
{
	struct sema_var *v = var_find(s, n->ident.name);
	if (v && !v->type) {	/* declared, read before any assignment */
		if (!s->final)
			return ty_none(s);
		var_default(s, v);
	}
	if (!v) {
		struct diag *dg = diag_error(s->d, n->loc, "Undefined or undeclared variable: %s",
					     n->ident.name);
		for (v = s->ended; v && strcmp(v->name, n->ident.name); v = v->next)
			;
		if (v) {
			diag_note(s->d, dg, v->decl->loc, "%s is assigned here, in a block that ends before this use",
				  n->ident.name);
			diag_hint(s->d, dg, "a $variable lives until the end of its block; assign it before the block, e.g. %s = 0;",
				  n->ident.name);
		} else {
			diag_hint(s->d, dg, "assign it first, e.g. %s = 0;", n->ident.name);
		}
		return ty_none(s);
	}
	return v->type;
}

/* ---- expressions ------------------------------------------------------- */

/* "HINT: usage: ..." from the builtins table, for an argument error of call. */
static void usage_hint(struct sema *s, struct diag *dg, const struct node *call)
{
	const struct builtin *b = call->kind == N_CALL ? builtin_find(call->call.name, true) : NULL;
	if (dg && b && b->usage)
		diag_hint(s->d, dg, "usage: %s", b->usage);
}

bool sema_want_int(struct sema *s, const struct node *call, struct node *arg, int index)
{
	/* checked in every pass: a type left by the first pass would hide the
	 * errors of the argument, which only the final pass reports */
	struct type *t = check_expr(s, arg);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_INT) {
		char b[128];
		usage_hint(s, diag_error(s->d, arg->loc,
					 "%s() expects an integer for argument %d (%s supplied)",
					 call->call.name, index + 1, tname(t, b, sizeof b)), call);
		return false;
	}
	return true;
}

/* Fold an integer constant expression; false when n is not one. */
static bool const_eval(const struct node *n, int64_t *val)
{
	int64_t a, b;
	switch (n->kind) {
	case N_INT:
		*val = (int64_t)n->num.value;
		return true;
	case N_UNARY:
		if (!const_eval(n->unary.operand, &a))
			return false;
		if (n->unary.op == OP_NEG)
			*val = -a;
		else if (n->unary.op == OP_BNOT)
			*val = ~a;
		else if (n->unary.op == OP_PLUS)
			*val = a;
		else
			return false;
		return true;
	case N_BINARY:
		if (!const_eval(n->binary.lhs, &a) || !const_eval(n->binary.rhs, &b))
			return false;
		switch (n->binary.op) {
		case OP_ADD: *val = a + b; return true;
		case OP_SUB: *val = a - b; return true;
		case OP_MUL: *val = a * b; return true;
		case OP_DIV: if (!b) return false; *val = a / b; return true;
		case OP_SHL: *val = a << b; return true;
		default: return false;
		}
	default:
		return false;
	}
}

bool sema_want_const(struct sema *s, const struct node *call, struct node *arg, int64_t *val)
{
	if (!const_eval(arg, val)) {
		usage_hint(s, diag_error(s->d, arg->loc, "%s(): this argument must be an integer literal",
					 call->call.name), call);
		return false;
	}
	return true;
}

bool sema_want_literal(struct sema *s, const struct node *call, struct node *arg)
{
	static const char *const nth[] = { "first", "second", "third", "fourth" };
	int i = 0;

	if (arg && arg->kind == N_STR)
		return true;
	for (const struct node *a = call->call.args; a && a != arg; a = a->next)
		i++;
	usage_hint(s, diag_error(s->d, arg ? arg->loc : call->loc,
				 "%s() expects a string literal as its %s argument", call->call.name,
				 arg && i < 4 ? nth[i] : "first"), call);
	return false;
}

/* A read of a map that is assigned somewhere but whose value type is not
 * known yet (no error was reported for it). */
static bool unassigned_map(const struct node *n)
{
	return n->kind == N_MAP && n->map.def && !n->map.def->value && n->map.def->assigned;
}

/* `a / b`, `a % b` whose divisor may be zero at run time: the result is then
 * 1, with bpftrace's warning at the expression (an ACT_WARNF action). */
static void check_divisor(struct sema *s, struct node *n)
{
	int64_t v;
	if (n->binary.op != OP_DIV && n->binary.op != OP_MOD)
		return;
	if (const_eval(n->binary.rhs, &v) && v != 0)
		return;
	int id = sema_add_action(s, ACT_WARNF, n, "Divide or modulo by 0 detected. This can lead "
				 "to unexpected results. 1 is being used as the result.", NULL, 0);
	n->binary.warn_id = id >= 0 ? id + 1 : 0;
}

static struct type *check_binary(struct sema *s, struct node *n)
{
	struct type *l = check_expr(s, n->binary.lhs);
	struct type *r = check_expr(s, n->binary.rhs);
	/* `@x = @x + 1`: the read of a map that only this expression assigns
	 * has no type yet; in arithmetic it is an integer, as in bpftrace. */
	if (l->kind == TY_NONE && unassigned_map(n->binary.lhs))
		l = type_int(s->a, 64, true);
	if (r->kind == TY_NONE && unassigned_map(n->binary.rhs))
		r = type_int(s->a, 64, true);
	if (l->kind == TY_NONE || r->kind == TY_NONE)
		return ty_none(s);
	enum binop op = n->binary.op;
	if ((l->kind == TY_STR) != (r->kind == TY_STR)) {	/* probe == "name" */
		builtin_probe_as_str(s, n->binary.lhs);
		builtin_probe_as_str(s, n->binary.rhs);
		l = n->binary.lhs->type;
		r = n->binary.rhs->type;
	}
	if (l->kind == TY_STR && r->kind == TY_STR && (op == OP_EQ || op == OP_NE))
		return type_new(s->a, TY_BOOL);
	if (l->kind == TY_ARRAY && type_equal(l, r) && (op == OP_EQ || op == OP_NE))
		return type_new(s->a, TY_BOOL);	/* element by element */
	if ((l->kind == TY_TUPLE || l->kind == TY_BUF) && type_equal(l, r) &&
	    (op == OP_EQ || op == OP_NE)) {	/* bytes, both laid out as one type */
		n->binary.common = type_copy(s, l);
		type_widen(n->binary.common, r);
		return type_new(s->a, TY_BOOL);
	}
	/* two values of one printed kind held in 8 bytes (username, probe, ...):
	 * equal when the numbers they print from are */
	if (l->kind == r->kind && l->size == 8 && r->size == 8 && (op == OP_EQ || op == OP_NE) &&
	    !type_is_aggregation(l) && l->kind != TY_TUPLE &&
	    l->kind != TY_ARRAY && !type_is_scalar(l))
		return type_new(s->a, TY_BOOL);
	bool lp = l->kind == TY_PTR, rp = r->kind == TY_PTR;
	if (type_is_scalar(l) && type_is_scalar(r)) {
		if (op >= OP_LAND)	/* comparisons, && and || */
			return type_new(s->a, TY_BOOL);
		check_divisor(s, n);
		if (lp && rp && op == OP_SUB)	/* elements between two pointers */
			return type_int(s->a, 64, true);
		if (lp || rp)
			return lp ? l : r;	/* pointer arithmetic keeps the pointer */
		/* C's usual arithmetic conversions: unsigned if either side is uint64 */
		return type_int(s->a, 64, type_promotes_signed(l) && type_promotes_signed(r));
	}
	char b1[128], b2[128];
	struct diag *dg = diag_error(s->d, n->loc, "Type mismatch for '%s': comparing '%s' with '%s'",
				     binop_str(op), tname(l, b1, sizeof b1), tname(r, b2, sizeof b2));
	if (l->kind == TY_STR || r->kind == TY_STR)
		diag_hint(s->d, dg, "strings only support == and != with other strings; strncmp() compares a prefix");
	else
		diag_hint(s->d, dg, "operators apply to integers (and == != to strings)");
	return ty_none(s);
}

/* Whether the memory an expression reads (a field, an element, a dereference)
 * is user memory: the pointer the chain starts at says so. */
static bool reads_user(const struct node *n)
{
	const struct node *b;
	switch (n->kind) {
	case N_FIELD: b = n->field.base; break;
	case N_INDEX: b = n->index.base; break;
	case N_UNARY: b = n->unary.operand; break;
	default: return false;
	}
	if (b->type && b->type->kind == TY_PTR)
		return b->type->is_user;
	return reads_user(b);
}

/* The type of a value read by n: a pointer read from user memory points into
 * user memory too (a struct's pointer member, an element of int **). */
static struct type *read_type(struct sema *s, const struct node *n, struct type *t)
{
	if (!t || t->kind != TY_PTR || t->is_user || !reads_user(n))
		return t;
	struct type *u = type_copy(s, t);
	u->is_user = true;
	return u;
}

/* &$v: the address of a variable's slot (on the BPF stack or in the scratch
 * map), a kernel pointer to the variable's type. */
static struct type *check_addr(struct sema *s, struct node *n, struct type *t)
{
	if (n->unary.operand->kind != N_VAR) {
		diag_error(s->d, n->loc, "The address-of operator can only be used on variables");
		return ty_none(s);
	}
	struct type *p = type_new(s->a, TY_PTR);
	p->elem = t;
	return p;
}

static void resolve_pointee(struct sema *s, struct type *ptr);

/* A kernel struct used as a whole value (*p, printed or stored): its fields,
 * and those of the structs it embeds, a few levels down (pointers stay
 * addresses, so a value never pulls in the whole kernel). */
static void complete_value(struct sema *s, struct type *t, int depth)
{
	if (t->kind != TY_RECORD || !t->btf_id || depth > 8 || !kbtf_complete(s->a, t))
		return;
	for (int i = 0; i < t->nfields; i++)
		complete_value(s, t->fields[i].type, depth + 1);
}

static struct type *check_unary(struct sema *s, struct node *n)
{
	struct type *t = check_expr(s, n->unary.operand);
	if (t->kind == TY_NONE)
		return t;
	switch (n->unary.op) {
	case OP_DEREF:
		if (t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD)
			resolve_pointee(s, t);
		if (t->kind == TY_PTR && t->elem)
			complete_value(s, t->elem, 0);	/* *p is the whole struct: its fields */
		if (t->kind == TY_PTR && t->elem && (t->elem->kind == TY_INT ||
		    t->elem->kind == TY_PTR || t->elem->kind == TY_RECORD))
			return read_type(s, n, t->elem);
		if (t->kind == TY_PTR && t->elem && t->elem->kind > TY_VOID && !type_is_aggregation(t->elem))
			return t->elem;	/* a value the program holds: &$s, &$tuple */
		diag_error(s->d, n->loc, "Can not dereference a value of this type");
		return ty_none(s);
	case OP_ADDR:
		return check_addr(s, n, t);
	case OP_LNOT:
		if (type_is_scalar(t))
			return type_new(s->a, TY_BOOL);
		break;
	case OP_BNOT:	/* ~ of a non-negative literal: the literal is a uint64 */
		if (n->unary.operand->kind == N_INT && !n->unary.operand->num.is_bool)
			return type_int(s->a, 64, false);
		if (t->kind == TY_INT || t->kind == TY_BOOL)
			return type_int(s->a, 64, t->is_signed);
		break;
	default:
		if (t->kind == TY_INT || t->kind == TY_BOOL)
			return type_int(s->a, 64, n->unary.op == OP_NEG || t->is_signed);
		break;
	}
	char b[128];
	diag_error(s->d, n->loc, "The '%s' operator can not be used on expressions of type '%s'",
		   unop_str(n->unary.op), tname(t, b, sizeof b));
	return ty_none(s);
}

/* $r.name: a record's field. The node's name becomes the field's index, so
 * codegen reads it as it reads $t.N. */
static struct type *check_record_field(struct sema *s, struct node *n, struct type *t)
{
	int i = type_field_index(t, n->field.name);
	if (i < 0) {
		char b[128];
		diag_error(s->d, n->loc, "Record '%s' does not contain a field named '%s'",
			   tname(t, b, sizeof b), n->field.name);
		return ty_none(s);
	}
	n->field.name = arena_printf(s->a, "%d", i);
	return t->fields[i].type;
}

/* $t.N: element N of a tuple. */
static struct type *check_tuple_elem(struct sema *s, struct node *n, struct type *t)
{
	char *end;
	unsigned long i = strtoul(n->field.name, &end, 10);
	if (type_is_record(t) && (*end || end == n->field.name))
		return check_record_field(s, n, t);
	if (*end || end == n->field.name) {
		diag_error(s->d, n->loc, "Can not access field '%s' on type '%s'", n->field.name,
			   tname(t, (char[128]){0}, 128));
		return ty_none(s);
	}
	if (i >= (unsigned long)t->nfields) {
		diag_error(s->d, n->loc, "Invalid tuple index: %lu. Found %d elements in tuple.", i,
			   t->nfields);
		return ty_none(s);
	}
	return t->fields[i].type;
}

static struct type *named_type(struct sema *s, const char *name);

/* A kernel address that names the struct it points to (curtask: "struct
 * task_struct", bpftrace's type for it) reads fields as that pointer would:
 * the base becomes the pointer, resolved as a cast would resolve the name
 * (the script's definition first, then BTF). Unresolved, t stays. */
static struct type *kaddr_as_pointer(struct sema *s, struct node *base, struct type *t)
{
	struct type *rec = named_type(s, t->name);
	if (!rec || rec->kind != TY_RECORD)
		return t;
	struct type *p = type_new(s->a, TY_PTR);
	p->elem = rec;
	base->type = p;
	return p;
}

/* A pointer to a record known by its name only ("struct napi_struct *" of a
 * tracepoint's format file) points, from the first access on, to the record
 * that name denotes: the script's definition, else kernel BTF. */
static void resolve_pointee(struct sema *s, struct type *ptr)
{
	struct type *r = ptr->elem;
	if (r->fields || r->btf_id || !r->name)
		return;
	struct type *def = named_type(s, r->name);
	if (def && def->kind == TY_RECORD && (def->fields || def->btf_id))
		ptr->elem = def;
}

static struct type *check_field(struct sema *s, struct node *n)
{
	struct type *t = check_expr(s, n->field.base);
	if (t->kind == TY_NONE)
		return t;
	if (t->kind == TY_TUPLE && !n->field.is_arrow)
		return check_tuple_elem(s, n, t);
	if (t->kind == TY_INT && t->is_kaddr && t->name)
		t = kaddr_as_pointer(s, n->field.base, t);
	if (t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD) {
		resolve_pointee(s, t);
		t = t->elem;
	}
	if (t->kind == TY_RECORD && t->btf_id) {
		struct type *own = t->name ? program_ctype(s->p, t->name) : NULL;
		if (own && own->kind == TY_RECORD && own->fields)
			t = own;	/* the script redefines this kernel type */
		else
			kbtf_complete(s->a, t);
	}
	if (t->kind != TY_RECORD) {
		char b[128];
		diag_error(s->d, n->loc, "Can not access field '%s' on type '%s'", n->field.name,
			   tname(t, b, sizeof b));
		return ty_none(s);
	}
	for (int i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, n->field.name))
			return read_type(s, n, t->fields[i].type);
	struct diag *dg = diag_error(s->d, n->loc,
		"Struct/union of type '%s' does not contain a field named '%s'",
		t->name ? t->name : "args", n->field.name);
	if (s->pdef && probe_family_is_tracepoint(s->pdef->family))
		diag_hint(s->d, dg, "bpfline -lv %s lists the fields", s->pdef->name);
	return ty_none(s);
}

/* $t[1 - 1]: a tuple element by a constant index; the node becomes $t.N. */
static struct type *check_tuple_index(struct sema *s, struct node *n, struct type *t)
{
	int64_t at;
	if (!const_eval(n->index.index, &at)) {
		diag_error(s->d, n->index.index->loc, "The index of a tuple must be an integer "
			   "known at compile time");
		return ty_none(s);
	}
	struct node *base = n->index.base;
	n->kind = N_FIELD;
	n->field.base = base;
	n->field.name = arena_printf(s->a, "%lld", (long long)at);
	n->field.is_arrow = false;
	return check_tuple_elem(s, n, t);
}

/* base[index]: an element of an array (by value or in memory) or behind a pointer;
 * a string's byte is an int8 (bpftrace's `$s[i]`). */
static struct type *check_index(struct sema *s, struct node *n)
{
	struct type *t = check_expr(s, n->index.base);
	struct type *i = check_expr(s, n->index.index);
	int64_t at;
	if (t->kind == TY_NONE || i->kind == TY_NONE)
		return ty_none(s);
	if (t->kind == TY_TUPLE)
		return check_tuple_index(s, n, t);
	/* no bounds check: like bpftrace, an index past the string reads whatever
	 * probe_read finds there (0 when it faults) */
	if (t->kind == TY_STR && i->kind == TY_INT)
		return type_int(s->a, 8, true);
	if ((t->kind != TY_PTR && t->kind != TY_ARRAY) || !t->elem || i->kind != TY_INT) {
		char b[128];
		diag_error(s->d, n->loc, "The array index operator [] can not be used on type '%s'",
			   tname(t, b, sizeof b));
		return ty_none(s);
	}
	if (t->kind == TY_ARRAY && t->count && const_eval(n->index.index, &at) &&
	    (at < 0 || at >= (int64_t)t->count)) {
		diag_error(s->d, n->loc, "the index %lld is out of bounds for array of size %u",
			   (long long)at, t->count);
		return ty_none(s);
	}
	if (t->elem->kind == TY_RECORD && t->kind == TY_PTR)
		resolve_pointee(s, t);
	if (t->kind == TY_ARRAY && t->count && !const_eval(n->index.index, &at)) {
		int id = sema_add_action(s, ACT_WARNF, n, "Array access out of bounds. This can "
					 "lead to unexpected results.", NULL, 0);
		n->index.warn_id = id >= 0 ? id + 1 : 0;
	}
	if (t->elem->kind == TY_RECORD && t->elem->btf_id)
		kbtf_complete(s->a, t->elem);
	return read_type(s, n, t->elem);
}

/* Integer type names accepted in casts, with their width and sign. */
static bool int_type_name(const char *name, int *bits, bool *is_signed)
{
	static const struct { const char *name; int bits; bool is_signed; } names[] = {
		{"int8", 8, true}, {"int16", 16, true}, {"int32", 32, true}, {"int64", 64, true},
		{"uint8", 8, false}, {"uint16", 16, false}, {"uint32", 32, false},
		{"uint64", 64, false}, {"char", 8, true}, {"short", 16, true}, {"int", 32, true},
		{"long", 64, true}, {"unsigned", 32, false}, {"bool", 8, false},
		{"signed char", 8, true}, {"unsigned char", 8, false}, {"unsigned short", 16, false},
		{"unsigned int", 32, false}, {"unsigned long", 64, false}, {"long long", 64, true},
		{"unsigned long long", 64, false}, {"signed", 32, true}, {"signed int", 32, true},
		{"int8_t", 8, true}, {"int16_t", 16, true}, {"int32_t", 32, true},
		{"int64_t", 64, true}, {"uint8_t", 8, false}, {"uint16_t", 16, false},
		{"uint32_t", 32, false}, {"uint64_t", 64, false}, {"size_t", 64, false},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(names[i].name, name)) {
			*bits = names[i].bits;
			*is_signed = names[i].is_signed;
			return true;
		}
	}
	return false;
}

/* The type a C type name denotes: the script's own definitions first (they
 * may redefine a kernel type), then the language's integer names, then kernel
 * BTF. NULL when unknown; a struct the script only declared is unknown too. */
static struct type *named_type(struct sema *s, const char *name)
{
	struct type *t = program_ctype(s->p, name);
	int bits;
	bool is_signed;
	if (t && t->kind == TY_RECORD && !t->fields && !t->btf_id)
		t = NULL;
	if (!t && int_type_name(name, &bits, &is_signed))
		t = type_int(s->a, bits, is_signed);
	/* a user-space probe's types are its binary's (DWARF), then the kernel's */
	if (!t && s->pdef && s->pdef->family->user && s->pdef->target)
		t = udwarf_record(s->a, s->pdef->target, name);
	return t ? t : kbtf_named(s->a, name);
}

/* Whether a pointer made by a cast from a value of type `from` points into user
 * memory: a pointer keeps its address space; an integer becomes a user pointer
 * in a user-space probe (uprobe, usdt), as in bpftrace. */
static bool cast_is_user(struct sema *s, const struct type *from)
{
	if (from->kind == TY_PTR)
		return from->is_user;
	return !from->is_kaddr && s->pdef && s->pdef->family->user;
}

/* "Unknown struct/union" or "Unknown type", for a cast to a name nothing defines. */
static struct type *unknown_type(struct sema *s, const struct node *n)
{
	const char *name = n->cast.tname;
	if (strncmp(name, "struct ", 7) && strncmp(name, "union ", 6)) {
		diag_error(s->d, n->loc, "Unknown type: %s", name);
		return ty_none(s);
	}
	struct diag *dg = diag_error(s->d, n->loc, "Unknown struct/union: '%s'", name);
	if (!kbtf_vmlinux())
		diag_hint(s->d, dg, "define it at the top of the script (%s { ... };), or use a kernel "
			  "with BTF (/sys/kernel/btf/vmlinux)", name);
	else
		diag_hint(s->d, dg, "define it at the top of the script: %s { ... };", name);
	return ty_none(s);
}

/* An array of count elements of type elem, laid out as C lays it out. */
static struct type *array_of(struct sema *s, struct type *elem, uint32_t count)
{
	struct type *a = type_new(s->a, TY_ARRAY);
	a->elem = elem;
	a->count = count;
	a->size = type_c_size(elem) * count;
	return a;
}

/* The bytes a value of type t has for a reinterpreting cast: an integer's
 * width, a string's or an array's size; 0 when it cannot be reinterpreted. */
static uint32_t cast_bytes(const struct type *t)
{
	if (t->kind == TY_INT)
		return t->bits ? t->bits / 8u : 8;
	if (t->kind == TY_BOOL)
		return 1;
	if (t->kind == TY_STR || (t->kind == TY_ARRAY && type_is_scalar(t->elem)))
		return t->size;
	return 0;
}

/* (int8[N])x, (uint8[])"str", (bool[2])(uint16)1: the bytes of an integer or
 * a string seen as an array of integers (or bools); `[]` takes the count from
 * the operand's size, `[N]` must fit it. */
static struct type *check_array_cast(struct sema *s, struct node *n, struct type *from)
{
	char b1[128], b2[128];
	struct type *elem = !strcmp(n->cast.tname, "bool") ? type_new(s->a, TY_BOOL)
							   : named_type(s, n->cast.tname);
	if (elem && elem->kind == TY_BOOL)
		elem->size = 1;
	if (!elem)
		return unknown_type(s, n);
	if ((elem->kind != TY_INT && elem->kind != TY_BOOL) || n->cast.ptr_depth) {
		diag_error(s->d, n->loc, "Cannot cast to an array of '%s': only integer and bool "
			   "arrays", n->cast.tname);
		return ty_none(s);
	}
	uint32_t bytes = cast_bytes(from), esize = type_c_size(elem);
	uint32_t count = n->cast.array > 0 ? (uint32_t)n->cast.array : bytes / esize;
	if (!bytes || bytes % esize || count * esize != bytes) {
		struct type *to = array_of(s, elem, count ? count : 1);
		diag_error(s->d, n->loc, "Cannot cast from '%s' to '%s'", tname(from, b1, sizeof b1),
			   tname(to, b2, sizeof b2));
		return ty_none(s);
	}
	return array_of(s, elem, count);
}

/* (uint32)$arr: an integer array (or string) of the integer's size seen as
 * that integer, little-endian, as bpftrace does. */
static struct type *check_int_from_array(struct sema *s, struct node *n, struct type *from,
					 struct type *to)
{
	char b[128];
	if (to && to->kind == TY_INT && !n->cast.ptr_depth && from->kind == TY_ARRAY &&
	    cast_bytes(from) == cast_bytes(to))
		return type_int(s->a, to->bits, to->is_signed);
	diag_error(s->d, n->loc, "Cannot cast from '%s' to '%s'", tname(from, b, sizeof b),
		   n->cast.tname);
	return ty_none(s);
}

/* (type)expr and (type *)expr: integers are truncated or extended; a pointer of
 * any depth to an integer, a struct or void. */
static struct type *check_cast(struct sema *s, struct node *n)
{
	if (!n->cast.operand) {	/* f(int8): the parser's type-name argument */
		diag_hint(s->d, diag_error(s->d, n->loc, "'%s%s%.*s' is a type, not a value",
					   n->cast.tname, n->cast.ptr_depth ? " " : "",
					   n->cast.ptr_depth, "********************************"),
			  "only sizeof() and offsetof() take a type name as an argument");
		return ty_none(s);
	}
	struct type *from = check_expr(s, n->cast.operand);
	if (from->kind == TY_NONE)
		return from;
	if (n->cast.array)
		return check_array_cast(s, n, from);
	/* to bool: any integer or pointer, and a string (true when not empty) */
	if (!strcmp(n->cast.tname, "bool") && !n->cast.ptr_depth &&
	    (type_is_scalar(from) || from->kind == TY_STR))
		return type_new(s->a, TY_BOOL);
	bool is_void = !strcmp(n->cast.tname, "void");
	struct type *to = is_void ? NULL : named_type(s, n->cast.tname);
	if (!to && !is_void)
		return unknown_type(s, n);
	if (from->kind == TY_ARRAY)
		return check_int_from_array(s, n, from, to);
	if (!type_is_scalar(from)) {
		char b[128];
		diag_error(s->d, n->loc, "Cannot cast from '%s' to '%s%s%.*s'", tname(from, b, sizeof b),
			   n->cast.tname, n->cast.ptr_depth ? " " : "", n->cast.ptr_depth,
			   "********************************");
		return ty_none(s);
	}
	if (n->cast.ptr_depth == 0) {
		if (to && to->kind == TY_INT)	/* (enum E)x keeps E's names */
			return enum_int(s, to->nenumerators ? to : NULL, to->bits, to->is_signed);
		diag_error(s->d, n->loc, "Cannot cast to '%s': only pointers to structs can be cast to",
			   n->cast.tname);
		return ty_none(s);
	}
	struct type *t = to;
	for (int i = 0; i < n->cast.ptr_depth; i++) {
		struct type *p = type_new(s->a, TY_PTR);
		p->elem = t;
		p->is_user = cast_is_user(s, from);
		t = p;
	}
	return t;
}

static struct type *check_tuple(struct sema *s, struct node *n)
{
	int count = ast_list_len(n->tuple.elems), i = 0;
	struct type **elems = arena_alloc(s->a, sizeof(*elems) * (size_t)count);
	bool ok = true;
	for (struct node *e = n->tuple.elems; e; e = e->next) {
		elems[i] = check_expr(s, e);
		if (elems[i]->kind == TY_NONE)
			ok = false;
		i++;
	}
	if (!ok)
		return ty_none(s);
	struct type *t = type_tuple(s->a, elems, count);
	for (i = 0; t && n->tuple.names && i < count; i++)
		t->fields[i].name = n->tuple.names[i];
	return t;
}

/* c ? a : b, and c ?: b (then == NULL): c's value when it is not zero, else
 * b; c is evaluated once, so it must be an integer. */
static struct type *check_ternary(struct sema *s, struct node *n)
{
	struct type *c = check_expr(s, n->cond.cond);
	struct type *a = n->cond.then ? check_expr(s, n->cond.then) : c;
	struct type *b = check_expr(s, n->cond.els);
	if (c->kind == TY_NONE || a->kind == TY_NONE || b->kind == TY_NONE)
		return ty_none(s);
	if (!n->cond.then && !type_is_scalar(c)) {
		char b1[128];
		diag_error(s->d, n->cond.cond->loc, "The condition of '?:' must be an integer, not '%s'",
			   tname(c, b1, sizeof b1));
		return ty_none(s);
	}
	if (type_is_scalar(a) && type_is_scalar(b) && a->kind != b->kind && !n->cond.then)
		return type_int(s->a, 64, true);
	if (!type_equal(a, b)) {
		char b1[128], b2[128];
		diag_error(s->d, n->loc, "Ternary operator branches have different types: '%s' and '%s'",
			   tname(a, b1, sizeof b1), tname(b, b2, sizeof b2));
		return ty_none(s);
	}
	if (a->kind == TY_STR && b->size > a->size)
		return b;
	return a;
}

/* An argument count as bpftrace writes it: "no arguments", "one argument", "2 arguments". */
static const char *arity_count(int n, char *buf, size_t size)
{
	if (n <= 1)
		return n ? "one argument" : "no arguments";
	snprintf(buf, size, "%d arguments", n);
	return buf;
}

/* The argument count of call against the builtin's min/max, in bpftrace's words
 * (`hist() takes up to 2 arguments (3 provided)`), with the usage line as a HINT. */
static bool arity_ok(struct sema *s, const struct node *call, const struct builtin *b)
{
	int nargs = ast_list_len(call->call.args);
	char buf[32];
	const char *what = "requires";
	int count = b->max_args;
	if (nargs >= b->min_args && nargs <= b->max_args)
		return true;
	if (nargs < b->min_args && b->min_args != b->max_args) {
		what = "requires at least";
		count = b->min_args;
	} else if (nargs > b->max_args && b->min_args != b->max_args) {
		what = "takes up to";
	}
	struct diag *dg = diag_error(s->d, call->loc, "%s() %s %s (%d provided)", b->name, what,
				     arity_count(count, buf, sizeof buf), nargs);
	if (b->usage)
		diag_hint(s->d, dg, "usage: %s", b->usage);
	return false;
}

/* The builtin named `name`, or by `__builtin_name`, bpftrace's name for the
 * builtin under the standard library's wrapper of the same name. */
static const struct builtin *builtin_or_wrapped(const char *name, bool is_call)
{
	static const char prefix[] = "__builtin_";
	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		name += sizeof(prefix) - 1;
	return builtin_find(name, is_call);
}

/* `pid()`: a builtin variable called with no arguments is the variable (in
 * bpftrace every helper without arguments takes both forms). The node becomes
 * the identifier, for this pass and the next. */
static bool call_as_variable(struct node *n)
{
	const char *name = n->call.name;
	if (n->call.args || !builtin_or_wrapped(name, false))
		return false;
	n->kind = N_IDENT;
	n->ident.name = name;
	return true;
}

/* sizeof(type) and sizeof(expr): the C size, folded into an integer literal. */
static struct type *check_sizeof(struct sema *s, struct node *n)
{
	struct node *arg = n->call.args;
	struct type *t;
	if (ast_list_len(arg) != 1) {
		diag_error(s->d, n->loc, "sizeof() requires one argument (%d provided)",
			   ast_list_len(arg));
		return ty_none(s);
	}
	if (arg->kind == N_CAST && !arg->cast.operand) {	/* a type name */
		t = arg->cast.ptr_depth ? NULL : named_type(s, arg->cast.tname);
		if (!t && !arg->cast.ptr_depth)
			return unknown_type(s, arg);
	} else if (arg->kind == N_IDENT && !builtin_or_wrapped(arg->ident.name, false) &&
		   !program_cconst(s->p, arg->ident.name, &(int64_t){0}) &&
		   (t = named_type(s, arg->ident.name))) {
		/* a type name the lexer does not know (uint64_t, a kernel typedef) */
	} else {
		t = check_expr(s, arg);
		if (t->kind == TY_NONE)
			return t;
	}
	ast_fold_int(n, t && t->kind != TY_PTR ? type_c_size(t) : 8, true);
	return type_int(s->a, 64, false);
}

/* A bare name used where a type is expected (sizeof(uint64_t), offsetof(qspinlock,
 * f)): the type it names, as a cast names it, or "struct NAME"/"union NAME"
 * when nothing is called NAME alone; NULL when it names no type. */
static struct type *ident_type(struct sema *s, const char *name)
{
	struct type *t = named_type(s, name);
	if (!t)
		t = named_type(s, arena_printf(s->a, "struct %s", name));
	if (!t)
		t = named_type(s, arena_printf(s->a, "union %s", name));
	return t;
}

/* The record offsetof's first argument names: a type (struct Foo, qspinlock)
 * or an expression of record type (or a pointer to one). NULL after an error. */
static struct type *offsetof_record(struct sema *s, struct node *arg)
{
	struct type *t;
	if (arg->kind == N_CAST && !arg->cast.operand) {
		t = arg->cast.ptr_depth ? NULL : named_type(s, arg->cast.tname);
		if (!t && !arg->cast.ptr_depth)
			return unknown_type(s, arg), NULL;
	} else if (arg->kind == N_IDENT && !builtin_or_wrapped(arg->ident.name, false) &&
		   (t = ident_type(s, arg->ident.name))) {
		/* a type's name */
	} else {
		t = check_expr(s, arg);
		if (t->kind == TY_NONE)
			return NULL;
		if (t->kind == TY_INT && t->is_kaddr && t->name)	/* curtask */
			t = kaddr_as_pointer(s, arg, t);
		if (t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD) {
			resolve_pointee(s, t);
			t = t->elem;
		}
	}
	if (!t || t->kind != TY_RECORD) {
		char b[128];
		diag_error(s->d, arg->loc, "offsetof() requires a struct or union, not '%s'",
			   t ? tname(t, b, sizeof b) : "a pointer");
		return NULL;
	}
	return t;
}

/* Walk the field path f (`x`, `bar.x`: identifiers and `.`) from record t,
 * adding the offsets into *off; the last field's record stays in *t. */
static bool offsetof_path(struct sema *s, struct node *f, struct type **t, uint64_t *off)
{
	const char *name;
	if (f->kind == N_FIELD && !f->field.is_arrow) {
		if (!offsetof_path(s, f->field.base, t, off))
			return false;
		name = f->field.name;
	} else if (f->kind == N_IDENT) {
		name = f->ident.name;
	} else {
		diag_error(s->d, f->loc, "offsetof() takes a field name, or fields joined by '.'");
		return false;
	}
	struct type *r = *t;
	if (r->kind == TY_RECORD && r->btf_id) {
		struct type *own = r->name ? program_ctype(s->p, r->name) : NULL;
		if (own && own->kind == TY_RECORD && own->fields)
			r = own;
		else
			kbtf_complete(s->a, r);
	}
	if (r->kind != TY_RECORD) {
		char b[128];
		diag_error(s->d, f->loc, "Can not access field '%s' on type '%s'", name,
			   tname(r, b, sizeof b));
		return false;
	}
	for (int i = 0; i < r->nfields; i++) {
		if (!strcmp(r->fields[i].name, name)) {
			*off += r->fields[i].offset;
			*t = r->fields[i].type;
			return true;
		}
	}
	diag_error(s->d, f->loc, "Struct/union of type '%s' does not contain a field named '%s'",
		   r->name ? r->name : "(anonymous)", name);
	return false;
}

/* offsetof(type or expression, field[.field...]): a compile-time constant. */
static struct type *check_offsetof(struct sema *s, struct node *n)
{
	struct node *arg = n->call.args;
	if (ast_list_len(arg) != 2) {
		struct diag *dg = diag_error(s->d, n->loc, "offsetof() requires 2 arguments (%d provided)",
					     ast_list_len(arg));
		diag_hint(s->d, dg, "offsetof(struct Foo, field) or offsetof(struct Foo, a.b)");
		return ty_none(s);
	}
	struct type *t = offsetof_record(s, arg);
	uint64_t off = 0;
	if (!t || !offsetof_path(s, arg->next, &t, &off))
		return ty_none(s);
	ast_fold_int(n, off, true);
	return type_int(s->a, 64, false);
}

static struct type *check_call(struct sema *s, struct node *n)
{
	if (!strcmp(n->call.name, "sizeof"))
		return check_sizeof(s, n);
	if (!strcmp(n->call.name, "offsetof"))
		return check_offsetof(s, n);
	const struct builtin *b = builtin_or_wrapped(n->call.name, true);
	n->call.action_id = -1;
	if (!b && call_as_variable(n))
		return check_ident(s, n);
	if (!b) {
		struct loc name = n->loc;	/* mark the name, as bpftrace does */
		name.end_line = name.line;
		name.end_col = name.col + (int)strlen(n->call.name);
		diag_error(s->d, name, "Unknown function: %s", n->call.name);
		return ty_none(s);
	}
	n->call.builtin = b;
	n->call.name = b->name;	/* `__builtin_x(...)` is x(...) */
	if (b->kind == BI_AGG) {
		struct diag *dg = diag_error(s->d, n->loc, "%s() should be directly assigned to a map",
					     b->name);
		diag_hint(s->d, dg, "@name = %s", b->usage ? b->usage : b->name);
		return ty_none(s);
	}
	if (!arity_ok(s, n, b))
		return ty_none(s);
	n->type = NULL;
	if (!b->check(s, n))
		return n->type ? n->type : ty_none(s);
	return n->type ? n->type : type_new(s->a, TY_VOID);
}

static struct type *check_ident(struct sema *s, struct node *n)
{
	const struct builtin *b = builtin_or_wrapped(n->ident.name, false);
	int64_t value = 0;
	const struct cconst_def *cc = b ? NULL : program_cconst_def(s->p, n->ident.name);
	struct type *e = NULL;
	if (cc) {
		value = cc->value;
		e = cc->type && cc->type->nenumerators ? cc->type : NULL;
	} else if (!b) {
		e = kbtf_enumerator(s->a, n->ident.name, &value);
	}
	if (cc || e) {
		ast_fold_int(n, (uint64_t)value, false);	/* an enumerator or #define */
		if (e)
			n->num.enum_type = enum_int(s, e, 64, true);
		return e ? n->num.enum_type : type_int(s->a, 64, true);
	}
	if (!b) {
		diag_error(s->d, n->loc, "Unknown identifier: '%s'", n->ident.name);
		return ty_none(s);
	}
	n->ident.name = b->name;	/* codegen finds it by name */
	n->type = NULL;
	if (!b->check(s, n))
		return ty_none(s);
	return n->type;
}

static struct type *check_posparam(struct sema *s, struct node *n)
{
	if (n->param.index == 0)
		return type_int(s->a, 64, true);
	if (n->param.index > s->p->nparams)
		return type_int(s->a, 64, true);	/* missing: 0, as bpftrace */
	const char *v = s->p->params[n->param.index - 1];
	char *end;
	errno = 0;
	strtoll(v, &end, 0);
	if (*v && !*end && !errno)
		return type_int(s->a, 64, true);
	return type_str(s->a, (uint32_t)strlen(v) + 1);
}

static struct type *check_incdec(struct sema *s, struct node *n)
{
	struct node *o = n->incdec.operand;
	struct type *t;
	if (o->kind == N_VAR) {
		t = check_var(s, o);
		o->type = t;	/* codegen steps a pointer by its pointee's size */
	} else if (o->kind == N_MAP) {
		struct map_def *def = map_use_keys(s, o);
		if (!def)
			return ty_none(s);
		if (!def->value)	/* `@x++` alone defines an integer map */
			map_assign(s, o, type_int(s->a, 64, true), n);
		t = map_value_type(s, o, def);
		o->type = t;
	} else {
		diag_error(s->d, n->loc, "++ and -- apply to $variables and maps only");
		return ty_none(s);
	}
	if (t->kind != TY_NONE && t->kind != TY_INT && t->kind != TY_PTR) {
		char b[128];
		diag_error(s->d, n->loc, "++ and -- need an integer or a pointer, not '%s'",
			   tname(t, b, sizeof b));
		return ty_none(s);
	}
	return t;
}

/* '{' stmts [value] '}' (a macro's expansion): the statements, then the value,
 * in a scope of their own. `need_value`: used as an expression, where a block
 * without a value is an error. */
static struct type *check_block_expr(struct sema *s, struct node *n, bool need_value)
{
	struct sema_var *outer = s->vars;
	struct type *t = NULL;
	int depth = s->nexpansions;
	if (n->block.macro && depth < (int)(sizeof(s->expansions) / sizeof(s->expansions[0])))
		s->expansions[s->nexpansions++] = n;
	for (struct node *st = n->block.stmts; st; st = st->next)
		check_stmt(s, st);
	if (n->block.value)
		t = check_expr(s, n->block.value);
	s->nexpansions = depth;
	end_scope(s, outer);
	if (!t && need_value) {
		if (n->block.macro)
			diag_error(s->d, n->loc, "Macro '%s' expanded to a block instead of a block "
				   "expression. Try removing the semicolon from the end of the last "
				   "statement in the macro body.", n->block.macro);
		else
			diag_error(s->d, n->loc, "a block without a final expression has no value");
		return ty_none(s);
	}
	return t ? t : type_new(s->a, TY_VOID);
}

static struct type *check_expr_kind(struct sema *s, struct node *n)
{
	switch (n->kind) {
	case N_INT:
		if (n->num.is_bool)
			return type_new(s->a, TY_BOOL);
		if (n->num.enum_type)
			return n->num.enum_type;
		return type_int(s->a, 64, !n->num.is_unsigned);
	case N_STR:
		return type_str(s->a, (uint32_t)n->str.len + 1);
	case N_IDENT:
		return check_ident(s, n);
	case N_VAR:
		return check_var(s, n);
	case N_POSPARAM:
		return check_posparam(s, n);
	case N_MAP:
		return check_map_read(s, n);
	case N_CALL:
		return check_call(s, n);
	case N_BINARY:
		return check_binary(s, n);
	case N_UNARY:
		return check_unary(s, n);
	case N_INCDEC:
		return check_incdec(s, n);
	case N_TERNARY:
		return check_ternary(s, n);
	case N_FIELD:
		return check_field(s, n);
	case N_INDEX:
		return check_index(s, n);
	case N_CAST:
		return check_cast(s, n);
	case N_TUPLE:
		return check_tuple(s, n);
	case N_BLOCK_EXPR:
		return check_block_expr(s, n, true);
	default:
		diag_error(s->d, n->loc, "internal error: unexpected node in expression");
		return ty_none(s);
	}
}

static struct type *check_expr(struct sema *s, struct node *n)
{
	struct type *t = check_expr_kind(s, n);
	if (!t)
		t = ty_none(s);
	n->type = t;
	return t;
}

struct type *sema_expr(struct sema *s, struct node *n)
{
	return check_expr(s, n);
}

/* ---- statements -------------------------------------------------------- */

static bool is_agg_call(const struct node *v)
{
	if (v->kind != N_CALL)
		return false;
	const struct builtin *b = builtin_find(v->call.name, true);
	return b && b->kind == BI_AGG;
}

/* `@m[k] = count()` and friends: the call types the map's value. */
static void check_agg_assign(struct sema *s, struct node *n)
{
	struct node *target = n->assign.target, *call = n->assign.value;
	const struct builtin *b = builtin_find(call->call.name, true);
	call->call.builtin = b;
	call->call.action_id = -1;
	if (target->kind != N_MAP || n->assign.op != OP_NONE) {
		diag_error(s->d, call->loc, "%s() should be directly assigned to a map", b->name);
		return;
	}
	if (map_use_keys(s, target))
		target->map.def->assigned = true;
	if (!arity_ok(s, call, b))
		return;
	call->type = NULL;
	if (b->check(s, call) && call->type)
		map_assign(s, target, call->type, call);
	target->type = call->type;
}

/* `@m = { stmts; count() }`: an aggregation is not a value, so the
 * assignment moves into the block, which becomes the statement:
 * `{ stmts; @m = count(); }`. The block keeps its scope. */
static bool hoist_agg_block(struct sema *s, struct node *n)
{
	struct node *blk = n->assign.value;
	if (blk->kind != N_BLOCK_EXPR || !blk->block.value || !is_agg_call(blk->block.value))
		return false;
	struct node *assign = arena_alloc(s->a, sizeof(*assign));
	if (!assign)
		return false;
	*assign = *n;
	assign->next = NULL;
	assign->assign.value = blk->block.value;
	ast_append(&blk->block.stmts, assign);
	blk->block.value = NULL;
	n->kind = N_EXPR_STMT;
	n->stmt.expr = blk;
	blk->type = check_block_expr(s, blk, false);
	return true;
}

static void check_assign(struct sema *s, struct node *n)
{
	struct node *target = n->assign.target, *value = n->assign.value;
	if (hoist_agg_block(s, n))
		return;
	if (is_agg_call(value)) {
		check_agg_assign(s, n);
		return;
	}
	struct type *t = check_expr(s, value);
	if (n->assign.op != OP_NONE && t->kind != TY_NONE && t->kind != TY_INT) {
		diag_error(s->d, n->loc, "compound assignment needs an integer value");
		return;
	}
	if (target->kind == N_MAP) {
		if (map_use_keys(s, target))
			target->map.def->assigned = true;
		struct map_def *def = target->map.def;
		if (n->assign.op != OP_NONE)	/* a pointer stays one: `@p += 1` */
			t = def && def->value && def->value->kind == TY_PTR ? def->value
									    : type_int(s->a, 64, true);
		map_assign(s, target, t, value);
		target->type = target->map.def && target->map.def->value ? target->map.def->value : t;
	} else if (target->kind == N_VAR) {
		if (n->assign.op != OP_NONE) {
			struct type *vt = check_var(s, target);
			if (vt->kind != TY_NONE && vt->kind != TY_INT && vt->kind != TY_PTR)
				diag_error(s->d, n->loc, "compound assignment needs an integer variable");
			target->type = vt;
			return;
		}
		var_assign(s, target, t);
	} else {
		diag_error(s->d, target->loc, "can only assign to maps and $variables");
	}
}

static void check_cond(struct sema *s, struct node *c, const char *what)
{
	struct type *t = check_expr(s, c);
	if (t->kind != TY_NONE && !type_is_scalar(t)) {
		char b[128];
		diag_error(s->d, c->loc, "Invalid type for %s: %s", what, tname(t, b, sizeof b));
	}
}

/* The type of `let $x: NAME *...`: an integer type, bool, or a pointer to one,
 * to void or to a kernel struct. NULL after an error. */
static struct type *let_type(struct sema *s, struct node *n)
{
	const char *name = n->let.tname;
	int bits, depth = n->let.ptr_depth;
	bool is_signed;
	struct type *t = NULL;
	if (!strcmp(name, "bool")) {
		t = type_new(s->a, TY_BOOL);
	} else if (!strncmp(name, "struct ", 7) || !strncmp(name, "union ", 6)) {
		t = named_type(s, name);	/* the script's, the binary's or the kernel's */
		if (t && t->kind == TY_RECORD && t->btf_id)
			kbtf_complete(s->a, t);
		if (!t || (!depth && !n->let.array)) {
			diag_error(s->d, n->loc, t ? "Variables of type '%s' must be pointers" :
				   "Unknown struct/union: '%s'", name);
			return NULL;
		}
	} else if (int_type_name(name, &bits, &is_signed)) {
		t = type_int(s->a, bits, is_signed);
	} else if (strcmp(name, "void") || !depth) {
		diag_error(s->d, n->loc, "Unknown type: %s", name);
		return NULL;
	}
	for (int i = 0; i < depth; i++) {	/* in user space in a user-space probe */
		struct type *p = type_new(s->a, TY_PTR);
		p->elem = t;
		p->is_user = s->pdef && s->pdef->family->user;
		t = p;
	}
	if (n->let.array > 0) {	/* let $w: struct W[10] */
		if (t && t->kind == TY_BOOL)
			t->size = 1;
		t = array_of(s, t, (uint32_t)n->let.array);
	}
	return t;
}

/* let $x [: type] [= value]: declares $x in the current block. Without a type,
 * its first assignment (here or later in the block, learnt by the first pass)
 * types it; read before any assignment it is 0. */
static void check_let(struct sema *s, struct node *n)
{
	struct node *var = n->let.var;
	struct sema_var *v = var_find(s, var->ident.name);
	if (v) {
		struct diag *dg = diag_error(s->d, var->loc, "Variable %s is already declared",
					     var->ident.name);
		diag_note(s->d, dg, v->decl->loc, "%s is declared here", var->ident.name);
		return;
	}
	struct type *declared = n->let.tname ? let_type(s, n) : NULL;
	if (n->let.tname && !declared)
		return;
	v = arena_alloc(s->a, sizeof(*v));
	if (!v)
		return;
	v->name = var->ident.name;
	v->type = declared ? declared : var->type;	/* var->type: from the first pass */
	v->typed = declared != NULL;
	v->decl = var;
	v->next = s->vars;
	s->vars = v;
	if (!v->type && !n->let.value && s->final)	/* never assigned nor read */
		var_default(s, v);
	var->type = v->type;
	if (n->let.value)
		var_assign(s, var, check_expr(s, n->let.value));
}

/* for ($kv : @map): the loop variable is the tuple (key, value); a map with
 * several keys gives ((k1, k2, ...), value). NULL after an error. */
static struct type *check_for_map(struct sema *s, struct node *n)
{
	struct node *m = n->forl.iter;
	char b[128];
	if (m->kind != N_MAP || m->map.keys) {
		diag_error(s->d, m->loc, "for loops iterate over a map (for ($kv : @map)) or a range "
			   "(for ($i : start..end))");
		return NULL;
	}
	struct map_def *def = map_lookup(s, m);
	if (!def)
		return NULL;
	m->map.def = def;
	if (!def->value) {
		if (s->final)
			diag_error(s->d, m->loc, "Undefined map: %s", m->map.name);
		return NULL;
	}
	if (!def->keyed || !def->key) {
		diag_error(s->d, m->loc, "%s has no keys: a for loop iterates over the keys of a map",
			   m->map.name);
		return NULL;
	}
	/* an aggregation's element is its value as an expression reads it,
	 * merged over the CPUs (codegen/loop.c) */
	bool agg = type_has(def->value, TF_AGG);
	if (agg && type_ops(def->value)->read == TR_NONE) {
		diag_error(s->d, m->loc, "for loops over maps of '%s' values are not supported",
			   tname(def->value, b, sizeof b));
		return NULL;
	}
	m->type = def->value;
	struct type *elems[] = {type_copy(s, def->key),
				agg ? map_value_type(s, m, def) : type_copy(s, def->value)};
	return type_tuple(s->a, elems, 2);
}

/* for ($i : start..end): integers; the variable is an int64. NULL after an error. */
static struct type *check_for_range(struct sema *s, struct node *n)
{
	struct node *ends[] = {n->forl.start, n->forl.end};
	bool ok = true;
	for (int i = 0; i < 2; i++) {
		struct type *t = check_expr(s, ends[i]);
		if (t->kind != TY_INT && t->kind != TY_NONE) {
			char b[128];
			diag_error(s->d, ends[i]->loc, "Loop range requires an integer for the %s value, not '%s'",
				   i ? "end" : "start", tname(t, b, sizeof b));
			ok = false;
		}
		ok = ok && t->kind == TY_INT;
	}
	return ok ? type_int(s->a, 64, true) : NULL;
}

/* for ($var : @map | start..end) block: the variable is declared by the loop
 * and lives in its body; break and continue apply to the loop. */
static void check_for(struct sema *s, struct node *n)
{
	struct node *var = n->forl.var;
	struct type *t = n->forl.iter ? check_for_map(s, n) : check_for_range(s, n);
	struct sema_var *outer = s->vars;
	if (var_find(s, var->ident.name)) {
		struct diag *dg = diag_error(s->d, var->loc, "Loop declaration shadows existing variable: %s",
					     var->ident.name);
		diag_note(s->d, dg, var_find(s, var->ident.name)->decl->loc, "%s is declared here",
			  var->ident.name);
		return;
	}
	if (t)
		var_assign(s, var, t);
	else
		var->type = ty_none(s);
	s->loop_depth++;
	check_stmts(s, n->forl.body);
	s->loop_depth--;
	end_scope(s, outer);
}

static void check_stmt(struct sema *s, struct node *n)
{
	switch (n->kind) {
	case N_EXPR_STMT:
		if (n->stmt.expr->kind == N_BLOCK_EXPR)	/* a macro used as a statement */
			n->stmt.expr->type = check_block_expr(s, n->stmt.expr, false);
		else
			check_expr(s, n->stmt.expr);
		break;
	case N_ASSIGN:
		check_assign(s, n);
		break;
	case N_IF:
		check_cond(s, n->cond.cond, "if condition");
		check_stmts(s, n->cond.then);
		check_stmts(s, n->cond.els);
		break;
	case N_WHILE:
		check_cond(s, n->cond.cond, "while condition");
		s->loop_depth++;
		check_stmts(s, n->cond.then);
		s->loop_depth--;
		break;
	case N_UNROLL: {
		int64_t count;
		if (!const_eval(n->unroll.count, &count))
			diag_error(s->d, n->unroll.count->loc,
				   "unroll() needs an integer literal from 1 to 100");
		else if (count > 100)	/* bpftrace's texts for the bounds */
			diag_error(s->d, n->unroll.count->loc, "unroll maximum value is 100");
		else if (count < 1)
			diag_error(s->d, n->unroll.count->loc, "unroll minimum value is 1");
		check_stmts(s, n->unroll.body);
		break;
	}
	case N_FOR:
		check_for(s, n);
		break;
	case N_LET:
		check_let(s, n);
		break;
	case N_BREAK:
	case N_CONTINUE:
		if (!s->loop_depth)
			diag_error(s->d, n->loc, "%s used outside of a loop",
				   n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_RETURN:
		if (n->stmt.expr)
			check_expr(s, n->stmt.expr);
		break;
	default:
		diag_error(s->d, n->loc, "internal error: unexpected statement");
	}
}

/* Whether control never passes statement n: return, break, continue, exit(). */
static bool stmt_ends_block(const struct node *n)
{
	if (n->kind == N_RETURN || n->kind == N_BREAK || n->kind == N_CONTINUE)
		return true;
	return n->kind == N_EXPR_STMT && n->stmt.expr->kind == N_CALL &&
	       !strcmp(n->stmt.expr->call.name, "exit");
}

/* End the $variables declared since `outer`: they move to s->ended (for the
 * hint of a later use). */
static void end_scope(struct sema *s, struct sema_var *outer)
{
	while (s->vars != outer) {
		struct sema_var *v = s->vars;
		s->vars = v->next;
		v->next = s->ended;
		s->ended = v;
	}
}

/* A block: $variables first assigned in it end with it (current bpftrace's
 * rule; 0.17 scoped them to the probe). A statement after one that ends the
 * block is reported once, as bpftrace warns (codegen never reaches it). */
static void check_stmts(struct sema *s, struct node *list)
{
	struct sema_var *outer = s->vars;
	bool warned = false;
	for (struct node *n = list; n; n = n->next) {
		check_stmt(s, n);
		if (!warned && n->next && stmt_ends_block(n)) {
			diag_warning(s->d, n->next->loc, "Unreachable statement");
			warned = true;
		}
	}
	end_scope(s, outer);
}

static struct probe_def *first_def(struct sema *s, const struct node *probe)
{
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe == probe)
			return d;
	}
	return NULL;
}

/* The map kinds a declaration names, as bpftrace's documentation lists them. */
static const struct {
	const char *name;
	uint32_t bpf_type;
	bool percpu;
} map_kinds[] = {
	{"hash", BPF_MAP_TYPE_HASH, false},
	{"lruhash", BPF_MAP_TYPE_LRU_HASH, false},
	{"percpuhash", BPF_MAP_TYPE_PERCPU_HASH, true},
	{"percpulruhash", BPF_MAP_TYPE_LRU_PERCPU_HASH, true},
};

/* let @m = KIND(max_entries);  at the top of the program. */
static void check_mapdecl(struct sema *s, struct node *d)
{
	struct node *m = d->mapdecl.map, *call = d->mapdecl.call;
	size_t k = 0, nkinds = sizeof(map_kinds) / sizeof(map_kinds[0]);
	int64_t max;
	while (k < nkinds && strcmp(map_kinds[k].name, call->call.name))
		k++;
	if (k == nkinds) {
		diag_hint(s->d, diag_error(s->d, call->loc, "Invalid bpf map type: %s", call->call.name),
			  "valid map types: hash, lruhash, percpuhash, percpulruhash");
		return;
	}
	if (ast_list_len(call->call.args) != 1 || !const_eval(call->call.args, &max) || max <= 0 ||
	    max > UINT32_MAX) {
		diag_hint(s->d, diag_error(s->d, call->loc, "%s() takes one argument: the maximum number "
					   "of entries, a positive integer", call->call.name),
			  "let %s = %s(100);", m->map.name, call->call.name);
		return;
	}
	struct map_def *def = map_lookup(s, m);
	if (!def)
		return;
	if (def->decl && def->decl != d) {
		struct diag *dg = diag_error(s->d, m->loc, "Map %s is already declared", m->map.name);
		diag_note(s->d, dg, def->decl->loc, "%s is declared here", m->map.name);
		return;
	}
	def->decl = d;
	def->decl_type = map_kinds[k].bpf_type;
	def->decl_percpu = map_kinds[k].percpu;
	def->decl_max = (uint32_t)max;
}

/* A declared map that no probe uses: a warning, and it is left out of the
 * object (the remaining maps keep ids equal to their index). */
static void drop_unused_maps(struct sema *s)
{
	struct vec *maps = &s->p->maps;
	size_t kept = 0;
	for (size_t i = 0; i < maps->len; i++) {
		struct map_def *m = maps->items[i];
		if (m->decl && m->keyed == -1 && !m->value) {
			diag_warning(s->d, m->decl->mapdecl.map->loc, "Unused map: %s", m->name);
			continue;
		}
		m->id = (int)kept;
		maps->items[kept++] = m;
	}
	maps->len = kept;
}

static void check_program(struct sema *s)
{
	for (struct node *d = s->p->ast->program.decls; d; d = d->next)
		check_mapdecl(s, d);
	for (struct node *pr = s->p->ast->program.probes; pr; pr = pr->next) {
		s->probe = pr;
		s->pdef = first_def(s, pr);
		s->vars = NULL;
		s->ended = NULL;
		s->loop_depth = 0;
		if (pr->probe.pred)
			check_cond(s, pr->probe.pred, "predicate");
		check_stmts(s, pr->probe.body);
	}
}

/* Sizes and BPF map kinds once every use is known. */
static void finish_maps(struct sema *s)
{
	uint32_t max_entries = s->p->config.map_keys_max;
	for (size_t i = 0; i < s->p->maps.len; i++) {
		struct map_def *m = s->p->maps.items[i];
		if (!m->value) {
			/* an assigned map without a type had its error at the assignment,
			 * unless nothing ever gave it one (`@x = @x`) */
			if (s->final && (!m->assigned || !s->d->nerrors))
				diag_error(s->d, m->first_use->loc, "Undefined map: %s", m->name);
			continue;
		}
		const struct type_ops *ops = type_ops(m->value);
		m->key_size = m->key ? (m->key->size + 7) & ~7u : 8;
		if (ops->flags & TF_BUCKETS)
			m->key_size += 8;
		m->value_size = ops->value_size ? ops->value_size : (m->value->size + 7) & ~7u;
		m->percpu = m->decl ? m->decl_percpu : (ops->flags & TF_AGG) != 0;
		m->max_entries = m->decl ? m->decl_max : max_entries;
	}
}

/* Lay the actions' records out again: a $variable's type can widen after
 * an action took it (`print($t)` before `$t = ("longer", 1)`), and the record
 * holds the variable's final layout. */
static void finish_actions(struct sema *s)
{
	for (size_t k = 0; k < s->p->actions.len; k++) {
		struct action *act = s->p->actions.items[k];
		if (act->nargs == 0)
			continue;
		uint32_t off = act->offsets[0];
		for (int i = 0; i < act->nargs; i++) {
			act->offsets[i] = off;
			off += (act->args[i]->size + 7) & ~7u;
		}
		act->size = off;
	}
}

static void sema_init(struct sema *s, struct program *p)
{
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->a = &p->arena;
	s->strlen = p->config.strlen;
}

bool sema_check(struct program *p)
{
	struct sema s;
	struct diags scratch;
	if (!sema_apply_config(p) || !sema_expand_macros(p))
		return false;
	sema_init(&s, p);
	if (!probes_expand(p))
		return false;
	diag_init(&scratch, &p->arena, p->src);
	s.d = &scratch;
	check_program(&s);
	finish_maps(&s);

	p->actions.len = 0;
	s.d = &p->diags;
	s.final = true;
	check_program(&s);
	drop_unused_maps(&s);
	finish_maps(&s);
	finish_actions(&s);
	if (p->diags.nerrors == 0)
		probes_share(p);
	return p->diags.nerrors == 0;
}

/* ---- actions ----------------------------------------------------------- */

/* The macro calls the action's site was expanded from, innermost first. */
static void set_expanded(struct sema *s, struct action *act)
{
	struct loc *from = s->nexpansions ? arena_alloc(s->a, sizeof(*from) * (size_t)s->nexpansions)
					  : NULL;
	if (!from)
		return;
	for (int i = 0; i < s->nexpansions; i++)
		from[i] = s->expansions[s->nexpansions - 1 - i]->block.call;
	act->expanded = from;
	act->nexpanded = s->nexpansions;
}

int sema_add_action(struct sema *s, enum action_kind kind, struct node *site,
		    const char *fmt, struct node *args, uint32_t extra)
{
	if (!s->final)
		return -1;
	struct action *act = arena_alloc(s->a, sizeof(*act));
	int n = ast_list_len(args);
	if (!act)
		return -1;
	act->kind = kind;
	act->fmt = fmt;
	act->site = site;
	act->nargs = n;
	if (kind != ACT_EXIT && s->pdef && !probe_is_special(s->pdef))
		s->p->streams_output = true;
	act->args = arena_alloc(s->a, sizeof(*act->args) * (size_t)(n ? n : 1));
	act->offsets = arena_alloc(s->a, sizeof(*act->offsets) * (size_t)(n ? n : 1));
	if (!act->args || !act->offsets)
		return -1;
	uint32_t off = 8 + extra;
	int i = 0;
	for (struct node *a = args; a; a = a->next, i++) {
		act->args[i] = a->type;
		act->offsets[i] = off;
		off += (a->type->size + 7) & ~7u;
	}
	act->size = off;
	act->id = (int)s->p->actions.len;
	set_expanded(s, act);
	if (vec_push(&s->p->actions, act))
		return -1;
	return act->id;
}
