/* Macro expansion: every call of a script's `macro` (and every bare identifier
 * naming a macro without parameters) is replaced, before anything else is
 * checked, by a copy of the macro's body, an N_BLOCK_EXPR whose value is the
 * body's last expression.
 *
 * The copy is hygienic, as bpftrace's macros are: a `$x` parameter becomes the
 * caller's variable, an `@x` parameter the caller's map, an `x` parameter a
 * copy of the argument expression (evaluated where it is used, as often as it
 * is used); every other $variable the body assigns gets a name of its own per
 * expansion (`$$name_N_var`, which no script can write), and a map the body
 * was not given is an error. (A variable the body reads but never assigns
 * keeps its name, as in bpftrace, so its error names it as written.) A macro is chosen by name and by its parameters'
 * kinds; when none of a name fits and a builtin has that name, the builtin is
 * used, so a script's `cpu(x)` does not hide `cpu()`. Recursion is an error
 * naming the call chain. */
#include <string.h>

#include "builtins/builtins.h"
#include "lang/diag.h"
#include "sema/sema_internal.h"
#include "util/arena.h"

enum { MACRO_MAX_DEPTH = 64 };	/* nesting of expansions (recursion is caught first) */

struct expander {
	struct program *p;
	const struct node *stack[MACRO_MAX_DEPTH];	/* macros being expanded, outermost first */
	int depth;
	int count;		/* expansions so far: numbers their variables */
};

/* What the names of one macro body stand for in one expansion. */
struct subst {
	struct expander *x;
	const struct node *macro;	/* N_MACRO */
	struct node *const *args;	/* the call's arguments, one per parameter */
	int id;				/* this expansion's number */
	const char *assigned[MACRO_MAX_DEPTH];	/* $variables the body assigns */
	int nassigned;
};

static void expand_slot(struct node **slot, void *ctx);

/* The name a parameter binds: `x`, `$x` or `@x`. */
static const char *param_name(const struct node *param)
{
	return param->kind == N_MAP ? param->map.name : param->ident.name;
}

/* How far the arguments are from a macro's parameters: 0 is a match; each
 * variable or map parameter given something else counts 1, a different number
 * of arguments far more (bpftrace's measure, to name the closest macro). */
static int macro_distance(const struct node *m, struct node *const *args, int nargs)
{
	int nparams = ast_list_len(m->macro.params);
	int d = 1024 * (nparams > nargs ? nparams - nargs : nargs - nparams);
	int i = 0;
	for (const struct node *prm = m->macro.params; prm && i < nargs; prm = prm->next, i++)
		if ((prm->kind == N_MAP || prm->kind == N_VAR) && args[i]->kind != prm->kind)
			d++;
	return d;
}

/* The macro called `name` that fits args exactly, the script's before the
 * standard library's, or NULL with *closest the nearest one of that name
 * (NULL when no macro has the name). */
static const struct node *macro_lookup(struct program *p, const char *name,
				       struct node *const *args, int nargs,
				       const struct node **closest)
{
	const struct node *lists[] = { p->ast->program.macros, p->ast->program.stdlib };
	int best = -1;
	*closest = NULL;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (const struct node *m = lists[l]; m; m = m->next) {
			if (strcmp(m->macro.name, name))
				continue;
			int d = macro_distance(m, args, nargs);
			if (d == 0)
				return m;
			if (best < 0 || d < best) {
				best = d;
				*closest = m;
			}
		}
	return NULL;
}

/* ---- definitions ------------------------------------------------------- */

/* Two parameters of one macro with the same name: an error at the second. */
static bool params_unique(struct program *p, const struct node *m)
{
	for (const struct node *a = m->macro.params; a; a = a->next)
		for (const struct node *b = m->macro.params; b != a; b = b->next)
			if (a->kind == b->kind && !strcmp(param_name(a), param_name(b))) {
				diag_error(&p->diags, a->loc, "%s for macro argument has already been used: %s",
					   a->kind == N_MAP ? "Map" : a->kind == N_VAR ? "Variable" : "Identifier",
					   param_name(a));
				return false;
			}
	return true;
}

/* The first macro of the list up to `end` (excluded) that calls with m's
 * parameters as arguments would match. */
static const struct node *earlier_match(const struct node *list, const struct node *end,
					const struct node *m)
{
	struct node *params[MACRO_MAX_DEPTH];
	int n = 0;
	for (struct node *a = m->macro.params; a && n < MACRO_MAX_DEPTH; a = a->next)
		params[n++] = a;
	for (const struct node *e = list; e && e != end; e = e->next)
		if (!strcmp(e->macro.name, m->macro.name) && macro_distance(e, params, n) == 0)
			return e;
	return NULL;
}

/* Drop (with an error) a macro whose parameters repeat a name, and one that
 * an earlier macro of its name would already match. */
static void macros_validate(struct program *p)
{
	struct node **slot = &p->ast->program.macros;
	while (*slot) {
		struct node *m = *slot;
		const struct node *old = earlier_match(p->ast->program.macros, m, m);
		bool ok = params_unique(p, m);
		if (ok && old) {
			struct diag *dg = diag_error(&p->diags, m->loc, "Redefinition of macro: %s",
						     m->macro.name);
			diag_note(&p->diags, dg, old->loc, "This is the original definition.");
			ok = false;
		}
		if (ok)
			slot = &m->next;
		else
			*slot = m->next;
	}
}

/* ---- one expansion ----------------------------------------------------- */

/* The parameter of sub's macro named like n (of n's kind), its index in *i. */
static const struct node *find_param(const struct subst *sub, const struct node *n, int *i)
{
	*i = 0;
	for (const struct node *prm = sub->macro->macro.params; prm; prm = prm->next, (*i)++)
		if (prm->kind == n->kind && !strcmp(param_name(prm), param_name(n)))
			return prm;
	return NULL;
}

/* A copy of argument i where the body names its parameter; the argument is
 * the caller's code, so nothing in it is renamed. */
static void subst_expr(struct node **slot, const struct subst *sub, int i)
{
	struct node *copy = ast_clone(&sub->x->p->arena, sub->args[i]);
	if (!copy)
		return;
	copy->next = (*slot)->next;
	*slot = copy;
}

/* Whether the body of sub assigns the $variable `name`. */
static bool assigned(const struct subst *sub, const char *name)
{
	for (int i = 0; i < sub->nassigned; i++)
		if (!strcmp(sub->assigned[i], name))
			return true;
	return false;
}

/* The $variable statement n gives a value or declares: an assignment's
 * target, `let $x`, a for loop's variable; NULL for other nodes. */
static struct node *bound_var(struct node *n)
{
	struct node *v = NULL;
	if (n->kind == N_ASSIGN)
		v = n->assign.target;
	else if (n->kind == N_LET)
		v = n->let.var;
	else if (n->kind == N_FOR)
		v = n->forl.var;
	return v && v->kind == N_VAR ? v : NULL;
}

/* Collect the $variables a body assigns or declares (not its parameters). */
static void collect_assigned(struct node **slot, void *ctx)
{
	struct subst *sub = ctx;
	struct node *n = *slot, *v = bound_var(n);
	int i;
	if (v && !find_param(sub, v, &i) && !assigned(sub, v->ident.name) &&
	    sub->nassigned < MACRO_MAX_DEPTH)
		sub->assigned[sub->nassigned++] = v->ident.name;
	ast_each_child(n, collect_assigned, ctx);
}

/* Rename the names of a copied macro body for one expansion (see the top). */
static void subst_slot(struct node **slot, void *ctx)
{
	const struct subst *sub = ctx;
	struct node *n = *slot;
	struct program *p = sub->x->p;
	int i;
	const struct node *prm = n->kind == N_VAR || n->kind == N_MAP || n->kind == N_IDENT ?
				 find_param(sub, n, &i) : NULL;

	if (n->kind == N_IDENT && prm) {
		subst_expr(slot, sub, i);
		return;
	}
	if (n->kind == N_VAR && prm) {
		n->ident.name = sub->args[i]->ident.name;
	} else if (n->kind == N_VAR && assigned(sub, n->ident.name)) {
		n->ident.name = arena_printf(&p->arena, "$$%s_%d_%s", sub->macro->macro.name,
					     sub->id, n->ident.name + 1);
	} else if (n->kind == N_MAP) {
		if (prm)
			n->map.name = sub->args[i]->map.name;
		else
			diag_error(&p->diags, n->loc, "Unhygienic access to map: %s. Maps must be "
				   "passed into the macro as arguments.", n->map.name);
	}
	ast_each_child(n, subst_slot, ctx);
}

/* The body of macro m for a call with args: renamed, then expanded in turn
 * with m on the stack. NULL when memory runs out. */
static struct node *expand_body(struct expander *x, const struct node *m,
				struct node *const *args, struct loc call)
{
	struct node *body = ast_clone(&x->p->arena, m->macro.body);
	if (!body)
		return NULL;
	struct subst sub = { .x = x, .macro = m, .args = args, .id = ++x->count };
	ast_each_child(body, collect_assigned, &sub);
	ast_each_child(body, subst_slot, &sub);
	x->stack[x->depth++] = m;
	ast_each_child(body, expand_slot, x);
	x->depth--;
	body->block.macro = m->macro.name;
	body->block.call = call;
	body->loc = call;
	/* `{ value }` is the value: a literal stays a literal (printf's format) */
	if (!body->block.stmts && body->block.value)
		return body->block.value;
	return body;
}

/* ---- errors ------------------------------------------------------------ */

/* bpftrace's words for what an argument is. */
static const char *arg_kind(const struct node *a)
{
	return a->kind == N_MAP ? "a map" : a->kind == N_VAR ? "a variable" : "an expression";
}

/* A call that no macro of its name fits: what differs from the closest one. */
static void report_mismatch(struct program *p, const struct node *call, const char *name,
			    const struct node *m, struct node *const *args, int nargs)
{
	int nparams = ast_list_len(m->macro.params), i = 0;
	if (nparams != nargs) {
		struct diag *dg = diag_error(&p->diags, call->loc, "Call to %s() has arguments that "
					     "do not match any definition.", name);
		diag_note(&p->diags, dg, m->loc, "The closest definition of %s() has a different "
			  "number of arguments. Expected: %d but got %d", name, nparams, nargs);
		return;
	}
	for (const struct node *prm = m->macro.params; prm; prm = prm->next, i++) {
		if (prm->kind == N_IDENT || args[i]->kind == prm->kind)
			continue;
		struct diag *dg = diag_error(&p->diags, args[i]->loc, "Mismatched arg. %s() expects "
					     "%s for arg %s but got %s.", name,
					     prm->kind == N_MAP ? "a map" : "a variable",
					     param_name(prm), arg_kind(args[i]));
		diag_note(&p->diags, dg, prm->loc, "This is the argument in the closest definition.");
	}
}

/* A macro already being expanded is called again: the chain from its first
 * expansion to this call. */
static bool recursive(struct expander *x, const struct node *m, const struct node *call)
{
	int i = 0;
	while (i < x->depth && x->stack[i] != m)
		i++;
	if (i == x->depth && x->depth < MACRO_MAX_DEPTH)
		return false;
	char *chain = arena_strdup(&x->p->arena, "");
	for (; chain && i < x->depth; i++)
		chain = arena_printf(&x->p->arena, "%s%s > ", chain, x->stack[i]->macro.name);
	diag_error(&x->p->diags, call->loc, "Recursive macro call detected. Call chain: %s%s",
		   chain ? chain : "", m->macro.name);
	return true;
}

/* ---- the walk ---------------------------------------------------------- */

/* Whether a builtin answers to this call or identifier. */
static bool is_builtin(const struct node *n, const char *name, int nargs)
{
	if (n->kind == N_IDENT || nargs == 0)
		if (builtin_find(name, false))
			return true;
	return n->kind == N_CALL && builtin_find(name, true);
}

/* Expand n (a call or an identifier) in place when it names a macro. */
static void expand_use(struct expander *x, struct node **slot)
{
	struct node *n = *slot, *args[MACRO_MAX_DEPTH];
	const char *name = n->kind == N_CALL ? n->call.name : n->ident.name;
	int nargs = 0;
	if (n->kind == N_CALL)
		for (struct node *a = n->call.args; a && nargs < MACRO_MAX_DEPTH; a = a->next)
			args[nargs++] = a;
	const struct node *closest, *m = macro_lookup(x->p, name, args, nargs, &closest);
	if (!m) {
		if (closest && !is_builtin(n, name, nargs))
			report_mismatch(x->p, n, name, closest, args, nargs);
		return;
	}
	if (recursive(x, m, n))
		return;
	struct node *body = expand_body(x, m, args, n->loc);
	if (!body)
		return;
	body->next = n->next;
	*slot = body;
}

static void expand_slot(struct node **slot, void *ctx)
{
	struct expander *x = ctx;
	struct node *n = *slot;
	if (n->kind == N_MACRO || n->kind == N_CONFIG)
		return;	/* definitions expand where they are used */
	ast_each_child(n, expand_slot, x);	/* a call's arguments first */
	if (n->kind == N_CALL || n->kind == N_IDENT)
		expand_use(x, slot);
}

bool sema_expand_macros(struct program *p)
{
	int before = p->diags.nerrors;
	if (!p->ast->program.macros && !p->ast->program.stdlib)
		return true;
	macros_validate(p);
	struct expander x = { .p = p };
	ast_each_child(p->ast, expand_slot, &x);
	return p->diags.nerrors == before;
}
