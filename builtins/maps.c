/* Map builtins: delete, clear, zero, print. delete runs in the kernel; clear,
 * zero and print of a map are output actions the runtime carries out. */
#include <linux/bpf.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "probes/family.h"
#include "sema/sema.h"

static bool check_delete(struct sema *s, struct node *n)
{
	struct node *m = n->call.args;
	if (!m || m->kind != N_MAP) {
		diag_error(s->d, m ? m->loc : n->loc, "delete() expects a map element, e.g. delete(@start[tid])");
		return false;
	}
	if (m->next) {		/* delete(@m, key): the key as a separate argument */
		if (m->map.keys || m->next->next) {
			diag_error(s->d, n->loc, "delete() takes a map and one key: delete(@m, key)");
			return false;
		}
		m->map.keys = m->next;
		m->next = NULL;
		n->call.args = m;
	}
	return sema_map_keys(s, m) != NULL;
}

static LLVMValueRef emit_delete(struct cg *c, struct node *n)
{
	struct node *m = n->call.args;
	cg_map_delete(c, m->map.def, cg_map_key(c, m->map.def, m, NULL));
	return cg_const(c, 0);
}

/* clear(@m) / zero(@m): an action naming the map. */
static bool check_map_action(struct sema *s, struct node *n, enum action_kind kind)
{
	struct map_def *def = sema_want_map(s, n, n->call.args);
	if (!def)
		return false;
	n->call.action_id = sema_add_action(s, kind, n, NULL, NULL, kind == ACT_PRINT_MAP ? 16 : 0);
	if (n->call.action_id >= 0)
		((struct action *)s->p->actions.items[n->call.action_id])->map = def;
	return true;
}

static bool check_clear(struct sema *s, struct node *n)
{
	return check_map_action(s, n, ACT_CLEAR);
}

static bool check_zero(struct sema *s, struct node *n)
{
	return check_map_action(s, n, ACT_ZERO);
}

static bool print_args_per_def(struct sema *s, struct node *n, struct node *a);

/* print(@m), print(@m, top), print(@m, top, div), or print(value). */
static bool check_print(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	int64_t v;
	if (a->kind == N_MAP && !a->map.keys) {
		for (struct node *x = a->next; x; x = x->next)
			if (!sema_want_const(s, n, x, &v) || v < 0)
				return false;
		return check_map_action(s, n, ACT_PRINT_MAP);
	}
	if (a->next) {
		diag_error(s->d, a->next->loc, "print() of a value takes no other arguments");
		return false;
	}
	if (sema_expr(s, a)->kind == TY_NONE)
		return false;
	if (!print_args_per_def(s, n, a))
		n->call.action_id = sema_add_action(s, ACT_PRINT_VALUE, n, NULL, a, 0);
	return true;
}

/* print(args) in a block of several tracepoints: each has its own record
 * (sys_enter_close has `fd`, sys_enter_getppid nothing), and sema typed
 * `args` with the first one's. One action per attach point, each with its
 * record type, in the order of the block's probe_defs; the body of each runs
 * as its own program or case (own_layout), which picks its action by rank. */
static bool print_args_per_def(struct sema *s, struct node *n, struct node *a)
{
	if (a->kind != N_IDENT || strcmp(a->ident.name, "args") || !s->pdef ||
	    s->pdef->family->args_slots || !a->type || a->type->kind != TY_RECORD)
		return false;
	int ndefs = 0;
	for (size_t i = 0; i < s->p->probes.len; i++)
		ndefs += ((struct probe_def *)s->p->probes.items[i])->probe == s->probe;
	if (ndefs < 2)
		return false;
	struct type *own = a->type;
	int first = -1;
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe != s->probe)
			continue;
		a->type = d->args ? d->args : own;
		int id = sema_add_action(s, ACT_PRINT_VALUE, n, NULL, a, 0);
		if (first < 0)
			first = id;
	}
	a->type = own;
	n->call.action_id = first;
	n->call.per_def = first >= 0;
	return true;
}

/* The record of this attach point (print_args_per_def), read as `args` is. */
static void fill_own_args(struct cg *c, struct node *a, LLVMValueRef dst)
{
	struct type *own = a->type;
	if (c->pdef->args)
		a->type = c->pdef->args;
	cg_expr_into(c, a, dst);
	a->type = own;
}

static LLVMValueRef emit_map_action(struct cg *c, struct node *n)
{
	struct node *a = n->call.args;
	if (n->call.action_id < 0)
		return cg_const(c, 0);
	struct action *act = c->p->actions.items[n->call.action_id];
	if (act->kind == ACT_PRINT_VALUE && n->call.per_def) {
		int rank = 0;
		for (size_t i = 0; i < c->p->probes.len; i++) {
			const struct probe_def *d = c->p->probes.items[i];
			if (d == c->pdef)
				break;
			rank += d->probe == c->pdef->probe;
		}
		cg_emit_action_with(c, n->call.action_id + rank, fill_own_args, a);
		return cg_const(c, 0);
	}
	if (act->kind == ACT_PRINT_VALUE) {
		cg_emit_action(c, n->call.action_id, a, NULL, 0);
		return cg_const(c, 0);
	}
	LLVMValueRef extra[2] = {cg_const(c, 0), cg_const(c, 0)};
	if (a->next) {
		extra[0] = cg_expr(c, a->next);
		if (a->next->next)
			extra[1] = cg_expr(c, a->next->next);
	}
	cg_emit_action(c, n->call.action_id, NULL, extra, act->kind == ACT_PRINT_MAP ? 2 : 0);
	return cg_const(c, 0);
}

/* len(kstack), len($s) of a ustack: its number of frames, which the capture
 * records when a program asks for it (builtins/stack.c). */
static bool check_stack_len(struct sema *s, struct node *n)
{
	struct type *t = sema_expr(s, n->call.args);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_KSTACK && t->kind != TY_USTACK) {
		char b[128];
		struct diag *dg = diag_error(s->d, n->call.args->loc, "len() expects a map or a "
					     "stack (%s supplied)", type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: len(@map) or len(kstack), len(ustack)");
		return false;
	}
	s->p->stack_frames = true;
	n->type = type_int(s->a, 64, true);
	return true;
}

/* len(@m): the number of elements, counted in the kernel. */
static bool check_len(struct sema *s, struct node *n)
{
	if (n->call.args->kind != N_MAP)
		return check_stack_len(s, n);
	struct map_def *def = sema_want_map(s, n, n->call.args);
	if (!def)
		return false;
	if (def->keyed == 0) {
		struct diag *dg = diag_error(s->d, n->call.args->loc, "call to len() expects a map "
					     "with explicit keys (non-scalar map)");
		diag_hint(s->d, dg, "use len() on a map with keys, e.g. @m[pid]");
		return false;
	}
	n->type = type_int(s->a, 64, true);
	return true;
}

static LLVMValueRef emit_len(struct cg *c, struct node *n)
{
	if (n->call.args->kind != N_MAP)
		return stack_emit_frames(c, n->call.args);
	struct map_def *m = n->call.args->map.def;
	LLVMValueRef counter = cg_stack_alloca(c, 8);	/* callback_ctx: the stack */
	/* Start from a 0 the verifier cannot see (a volatile load of map memory):
	 * it verifies the callback as a loop, and an exactly known counter that
	 * the program then compares never lets its states converge ("program is
	 * too large"). */
	LLVMValueRef zero = cg_scratch_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), zero);
	LLVMValueRef start = cg_load64(c, zero);
	LLVMSetVolatile(start, 1);
	cg_store64(c, start, counter);
	LLVMValueRef args[] = {c->maps[m->id], cg_map_count_fn(c), counter, cg_const(c, 0)};
	cg_helper(c, BPF_FUNC_for_each_map_elem, args, 4);
	return cg_load64(c, counter);
}

const struct builtin builtins_maps[] = {
	{.name = "len", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "len(@map) or len(stack)", .check = check_len, .emit = emit_len},
	{.name = "delete", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "delete(@map[key]) or delete(@map, key)", .check = check_delete, .emit = emit_delete},
	{.name = "clear", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "clear(@map)", .check = check_clear, .emit = emit_map_action},
	{.name = "zero", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "zero(@map)", .check = check_zero, .emit = emit_map_action},
	{.name = "print", .kind = BI_CALL, .min_args = 1, .max_args = 3,
	 .usage = "print(@map[, top[, div]]) or print(value)", .check = check_print, .emit = emit_map_action},
	{0},
};
