/* Semantic analysis: resolve identifiers and builtins, give every expression a
 * type, unify each map's key and value types over all its uses, expand attach
 * points into program.probes and register output actions in program.actions. */
#ifndef BPFL_SEMA_H
#define BPFL_SEMA_H

#include <stdbool.h>

#include "lang/program.h"

struct sema_var {
	const char *name;	/* "$x" */
	struct type *type;
	struct node *decl;	/* `let` or first assignment: its N_VAR */
	bool typed;		/* `let $x: type`: assignments convert to the type */
	struct sema_var *next;
};

/* State of one sema run, also seen by the builtins' check hooks. */
struct sema {
	struct program *p;
	struct arena *a;
	struct diags *d;	/* where errors go (a scratch list in the first pass) */
	struct node *probe;	/* the N_PROBE being checked */
	struct probe_def *pdef;	/* its first expanded attach point */
	struct sema_var *vars;	/* $variables in scope, innermost block first */
	struct sema_var *ended;	/* $variables of blocks that have ended (for hints) */
	int loop_depth;		/* while/unroll nesting, for break/continue */
	bool final;		/* second pass: types are complete, actions are made */
	uint32_t strlen;	/* default string size (64, BPFTRACE_STRLEN) */
	struct node *expansions[16];	/* macro expansions being checked, outermost
					 * first (their calls locate runtime errors) */
	int nexpansions;
};

/* Check the whole program; false when any error was appended to p->diags. */
bool sema_check(struct program *p);

/* For builtins: check n and return its type (never NULL; TY_NONE after an error). */
struct type *sema_expr(struct sema *s, struct node *n);
/* Check that argument `arg` is an integer; error naming the function otherwise. */
bool sema_want_int(struct sema *s, const struct node *call, struct node *arg, int index);
/* Check that `arg` is an integer constant and return it in *val. */
bool sema_want_const(struct sema *s, const struct node *call, struct node *arg, int64_t *val);
/* Check that `arg` is a string literal. */
bool sema_want_literal(struct sema *s, const struct node *call, struct node *arg);
/* Register an output action whose arguments are the nodes of `args` (a list, may
 * be NULL); lays out the record. Only in the final pass; returns its id or -1. */
int sema_add_action(struct sema *s, enum action_kind kind, struct node *site,
		    const char *fmt, struct node *args, uint32_t extra);
/* Unify the keys of map use m (N_MAP, with or without keys) and return its map. */
struct map_def *sema_map_keys(struct sema *s, struct node *m);
/* The map an argument names (an N_MAP without keys); error otherwise. */
struct map_def *sema_want_map(struct sema *s, const struct node *call, struct node *arg);

#endif
