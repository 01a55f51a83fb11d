/* Splitting a huge probe into a chain of programs. The kernel's verifier
 * patches a program in place (inlined map lookups, helper fixups), copying
 * the whole program each time, so its time grows with the square of a
 * program's length; a program may use at most 64 maps; LLVM's passes and BPF's
 * 16-bit jumps also prefer small functions. So a body larger than CHUNK_NODES
 * runs as a chain: each program runs some top-level statements and tail-calls
 * the next (lang/abi.h). A tail call keeps the context and ends the caller, so
 * the chain behaves as one program: the predicate and the exit() guard run
 * once, in the first, and `return` ends the chain. Only $variables do not
 * cross a tail call, so a cut never separates two uses of one variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/cg.h"
#include "probes/family.h"
#include "probes/probes.h"
#include "util/alloc.h"

#define CHUNK_NODES 600	/* AST nodes per program: ~100 `@m[pid] = count();` */
#define CHUNK_NODES_MAX 2000	/* and at most, past 34 * CHUNK_NODES: ~7 instructions a
				 * node, which the verifier's inlining may double, inside
				 * BPF's 16-bit jumps (past them LLVM or the verifier fails:
				 * 2,350 nodes of `@m[comm] = count();` did) */
#define CHUNK_NODES_MAX_OUTLINED 3500	/* in a probe whose aggregation updates and
				 * records are calls (outline.c): ~2 instructions a node
				 * there, and the verifier inlines nothing in a call */
#define CHUNKS_MAX 34		/* the first program and the kernel's 33 tail calls */
#define PROG_MAPS_MAX 64	/* maps one program may use (the kernel's limit) */

/* What one top-level statement needs. */
struct stmt_need {
	uint32_t nodes;		/* AST nodes, unrolled bodies counted each time */
	uint32_t *maps;		/* the distinct map ids it uses */
	uint32_t nmaps;
};

/* A $variable used by top-level statement `stmt`. */
struct var_use {
	const char *name;
	uint32_t stmt;
};

struct walk {
	struct cg *c;
	struct stmt_need *need;	/* of the statement being walked */
	uint32_t stmt;		/* its index */
	uint32_t *stamp;	/* per map id: 1 + the last statement that counted it */
	struct var_use *vars;	/* every use, for the cut rule */
	size_t nvars, cap;
};

static void walk_node(struct node **slot, void *ctx);

static void note_var(struct walk *w, const char *name)
{
	if (w->nvars == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 64;
		struct var_use *v = xrealloc(w->vars, cap * sizeof(*v));
		if (!v)
			return;	/* the cut rule then sees fewer uses: no split */
		w->vars = v;
		w->cap = cap;
	}
	w->vars[w->nvars++] = (struct var_use){name, w->stmt};
}

static void note_map(struct walk *w, const struct map_def *m)
{
	struct stmt_need *s = w->need;
	if (!m || w->stamp[m->id] == w->stmt + 1)
		return;
	w->stamp[m->id] = w->stmt + 1;
	uint32_t *grown = arena_alloc(&w->c->p->arena, (s->nmaps + 1) * sizeof(*grown));
	if (!grown)
		return;
	if (s->nmaps)
		memcpy(grown, s->maps, s->nmaps * sizeof(*grown));
	grown[s->nmaps++] = (uint32_t)m->id;
	s->maps = grown;
}

/* Count n and everything below it. */
static void walk_node(struct node **slot, void *ctx)
{
	struct walk *w = ctx;
	struct node *n = *slot;
	if (!n)
		return;
	w->need->nodes++;
	if (n->kind == N_VAR)
		note_var(w, n->ident.name);
	else if (n->kind == N_MAP)
		note_map(w, n->map.def);
	if (n->kind == N_UNROLL) {	/* its body is emitted count times */
		uint32_t before = w->need->nodes;
		ast_each_child(n, walk_node, w);
		uint64_t times = n->unroll.count ? n->unroll.count->num.value : 1;
		w->need->nodes = before + (uint32_t)((w->need->nodes - before) * (times ? times : 1));
		return;
	}
	ast_each_child(n, walk_node, w);
}

static int by_name_then_stmt(const void *a, const void *b)
{
	const struct var_use *x = a, *y = b;
	int d = strcmp(x->name, y->name);
	return d ? d : (x->stmt > y->stmt) - (x->stmt < y->stmt);
}

/* cuttable[i]: no $variable is used both at or before statement i and after
 * it, so a chain may pass from i to i + 1. */
static void mark_cuts(struct walk *w, bool *cuttable, uint32_t n)
{
	int32_t *open = xcalloc(n + 1, sizeof(*open));
	if (!open)
		return;	/* cuttable stays all false: no split */
	if (w->nvars)	/* w->vars is NULL when the probe names no $variable */
		qsort(w->vars, w->nvars, sizeof(*w->vars), by_name_then_stmt);
	for (size_t i = 0; i < w->nvars;) {
		size_t j = i;
		while (j + 1 < w->nvars && !strcmp(w->vars[j + 1].name, w->vars[i].name))
			j++;
		open[w->vars[i].stmt]++;	/* [first, last) may not be cut */
		open[w->vars[j].stmt]--;
		i = j + 1;
	}
	int32_t depth = 0;
	for (uint32_t i = 0; i < n; i++) {
		depth += open[i];
		cuttable[i] = depth == 0;
	}
	xfree(open);
}

/* The maps of ours every program of the probe may use besides the program's:
 * ring buffer, counters, scratch, control ring, exited flag, chain. */
static uint32_t own_maps(const struct cg *c, bool chained)
{
	return 3 + (c->ctlbuf != NULL) + (c->exited != NULL) + chained;
}

/* The most nodes one program of the probe being emitted may hold. */
static uint32_t nodes_cap(const struct cg *c)
{
	return c->outline ? CHUNK_NODES_MAX_OUTLINED : CHUNK_NODES_MAX;
}

static void too_many_maps(struct cg *c, const struct node *at, uint32_t own)
{
	struct diag *dg = diag_error(&c->p->diags, at->loc, "this probe uses more maps than "
		"one BPF program may: the kernel allows %d, and bpfline needs %u of them",
		PROG_MAPS_MAX, own);
	diag_hint(&c->p->diags, dg, "use one map with a key (@m[K]) instead of many maps, or "
		  "split the statements into several probes on the same event");
}

/* The chain ran out at statement `at`; by_maps: the last program was closed
 * by the maps it may use, else by its size. */
static void too_many_chunks(struct cg *c, const struct node *at, bool by_maps)
{
	char limit[64];
	if (by_maps)
		snprintf(limit, sizeof(limit), "%d maps per program", PROG_MAPS_MAX);
	else
		snprintf(limit, sizeof(limit), "a program's jumps reach at most 32,767 instructions");
	struct diag *dg = diag_error(&c->p->diags, at->loc, "this probe is too large: it needs "
		"more than %d chained BPF programs (the kernel allows %d tail calls, and %s)",
		CHUNKS_MAX, CHUNKS_MAX - 1, limit);
	diag_hint(&c->p->diags, dg, "split the statements into several probes on the same "
		  "event (each is a chain of its own)");
}

/* Statement `at` takes the program it is in past CHUNK_NODES_MAX, and no cut
 * can help: the probe cannot chain (chain false), `at` alone is too large
 * (alone), or a $variable is used on both sides of every cut left. */
static void too_large_program(struct cg *c, const struct node *at, bool chain, bool alone)
{
	const char *why = !chain ? "a probe of this kind cannot run as a chain of programs"
		: alone ? "this statement alone is that large"
		: "it cannot be cut here: a $variable is used before and after this statement";
	struct diag *dg = diag_error(&c->p->diags, at->loc, "this probe is too large for one "
		"BPF program (a program's jumps reach at most 32,767 instructions), and %s", why);
	diag_hint(&c->p->diags, dg, alone ? "make the statement smaller (fewer unrolled "
		  "iterations, fewer arguments)" : "split the statements into several probes on "
		  "the same event");
}

/* Place the cuts greedily: a chunk ends where a cut is allowed once it holds
 * `target` nodes, or when the next statement would take it past
 * CHUNK_NODES_MAX or past the maps one program may use. starts[k] is chunk
 * k's first statement. The number of chunks, or -1 after a located error. */
static int place_cuts(struct cg *c, struct node **stmts, struct stmt_need *need, uint32_t n,
		      const bool *cuttable, bool chain, uint32_t target, uint32_t *starts)
{
	uint32_t own = own_maps(c, chain), budget = PROG_MAPS_MAX - own;
	uint32_t cap = nodes_cap(c);
	uint32_t *stamp = xcalloc(c->p->maps.len + 1, sizeof(*stamp));
	uint32_t chunk = 0, nodes = 0, maps = 0;
	int ret = -1;
	if (!stamp)
		return 1;
	starts[0] = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t fresh = 0;
		for (uint32_t m = 0; m < need[i].nmaps; m++)
			fresh += stamp[need[i].maps[m]] != chunk + 1;
		bool full = nodes >= target || nodes + need[i].nodes > cap ||
			    maps + fresh > budget;
		if (chain && i > starts[chunk] && cuttable[i - 1] && full) {
			if (++chunk == CHUNKS_MAX) {
				too_many_chunks(c, stmts[i], maps + fresh > budget);
				goto out;
			}
			starts[chunk] = i;
			nodes = maps = 0;
			fresh = need[i].nmaps;
		}
		if (nodes + need[i].nodes > cap) {
			too_large_program(c, stmts[i], chain, nodes == 0);
			goto out;
		}
		for (uint32_t m = 0; m < need[i].nmaps; m++)
			stamp[need[i].maps[m]] = chunk + 1;
		nodes += need[i].nodes;
		maps += fresh;
		if (maps > budget) {
			too_many_maps(c, stmts[i], own);
			goto out;
		}
	}
	ret = (int)chunk + 1;
out:
	xfree(stamp);
	return ret;
}

/* Whether d's program may run as a chain: its family's programs can tail-call,
 * and it runs one probe_def of its own (a shared program reads `probe` from
 * the attachment, a group attaches at once). */
static bool may_chain(const struct probe_def *d)
{
	return d->family->tail_calls && !d->shared && !d->multi && !probe_is_special(d);
}

struct node **cg_chunks(struct cg *c, struct probe_def *d, int *nchunks)
{
	uint32_t n = 0;
	for (struct node *s = d->probe->probe.body; s; s = s->next)
		n++;
	struct node **stmts = arena_alloc(&c->p->arena, (n + 1) * sizeof(*stmts));
	struct stmt_need *need = arena_alloc(&c->p->arena, (n + 1) * sizeof(*need));
	bool *cuttable = arena_alloc(&c->p->arena, (n + 1) * sizeof(*cuttable));
	uint32_t *starts = arena_alloc(&c->p->arena, CHUNKS_MAX * sizeof(*starts));
	struct walk w = {.c = c, .stamp = xcalloc(c->p->maps.len + 1, sizeof(uint32_t))};
	struct node **firsts = NULL;
	uint64_t total = 0;
	*nchunks = 1;
	if (!stmts || !need || !cuttable || !starts || !w.stamp)
		goto out;
	uint32_t i = 0;
	for (struct node *s = d->probe->probe.body; s; s = s->next, i++) {
		struct node *one = s;
		stmts[i] = s;
		w.need = &need[i];
		w.stmt = i;
		walk_node(&one, &w);
		total += need[i].nodes;
	}
	mark_cuts(&w, cuttable, n);
	c->outline = total > CHUNK_NODES;
	bool chain = may_chain(d) && total > CHUNK_NODES;
	uint32_t target = CHUNK_NODES, cap = nodes_cap(c);
	if (total / CHUNKS_MAX + 1 > target)	/* bigger programs, up to the cap */
		target = total / CHUNKS_MAX + 1 > cap ? cap : (uint32_t)(total / CHUNKS_MAX + 1);
	*nchunks = n ? place_cuts(c, stmts, need, n, cuttable, chain, target, starts) : 1;
	if (*nchunks < 1)
		goto out;
	firsts = arena_alloc(&c->p->arena, ((size_t)*nchunks + 1) * sizeof(*firsts));
	if (!firsts) {
		*nchunks = 1;
		goto out;
	}
	for (int k = 0; k < *nchunks; k++)
		firsts[k] = n ? stmts[starts[k]] : NULL;
	firsts[*nchunks] = NULL;	/* the end of the last chunk */
out:
	xfree(w.stamp);
	xfree(w.vars);
	return firsts;
}
