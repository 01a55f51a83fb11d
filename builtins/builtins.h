/* The builtins table: every builtin variable and function of the language is one
 * entry with its hooks for sema (check), codegen (emit) and, where it needs one,
 * the runtime. The front end and the code generator look entries up by name and
 * call the hooks; they never switch on builtin names.
 *
 * One file per family (printf.c, aggregations.c, proc.c, ...) defines an array
 * of entries; builtins.c lists the arrays. */
#ifndef BPFL_BUILTINS_H
#define BPFL_BUILTINS_H

#include <stdbool.h>
#include <llvm-c/Core.h>

#include "lang/ast.h"
#include "util/sb.h"

struct sema;
struct cg;
struct map_def;
struct map_entry;

enum builtin_kind {
	BI_VAR,		/* an identifier: pid, comm, args, ... */
	BI_CALL,	/* a function call: printf(...), str(...) */
	BI_AGG,		/* an aggregation: only as `@map[...] = count()` */
};

struct builtin {
	const char *name;
	enum builtin_kind kind;
	int min_args, max_args;	/* BI_CALL/BI_AGG: accepted argument counts */
	const char *usage;	/* for the hint on a wrong argument count */
	/* sema: validate arguments, set n->type (and register an action). */
	bool (*check)(struct sema *s, struct node *n);
	/* codegen: the value as an i64 (integers) — or NULL for void calls. */
	LLVMValueRef (*emit)(struct cg *c, struct node *n);
	/* codegen: write a non-integer value (string, tuple, ...) into dst. */
	void (*emit_into)(struct cg *c, struct node *n, LLVMValueRef dst);
	/* codegen, BI_AGG: update the per-CPU value at `val` (already initialised). */
	void (*emit_update)(struct cg *c, struct node *n, LLVMValueRef val);
	/* codegen, BI_AGG: extra key bytes after the user key (hist bucket). */
	LLVMValueRef (*emit_bucket)(struct cg *c, struct node *n);
	/* The type kind whose printer this entry holds (TY_NONE: none). */
	enum type_kind owns;
	/* runtime: print one value of kind `owns`, in its storage layout (types.h), as
	 * text or JSON; div divides counters (print(@m, top, div)). A kind flagged
	 * TF_QUOTED prints its text only: the caller quotes it for JSON. */
	void (*print)(struct sb *out, const struct type *t, const void *data, bool json,
		      uint32_t div);
	/* runtime, optional: print a whole map whose values are of kind `owns` (n entries,
	 * per-CPU values merged, unsorted), for kinds with their own map layout
	 * (histograms); without it the map prints as "@m[k]: v" lines. */
	void (*print_map)(struct sb *out, const struct map_def *m, struct map_entry *e,
			  size_t n, bool json, uint32_t top, uint32_t div);
};

/* The entry named `name` of the given kind class: calls find BI_CALL and BI_AGG
 * entries, identifiers find BI_VAR entries. NULL when there is none. */
const struct builtin *builtin_find(const char *name, bool is_call);

/* The entry that prints values of kind k (its `owns`), or NULL. */
const struct builtin *builtin_printer(enum type_kind k);

/* Argument `index` of `call` is a string, else a located error naming its type,
 * with "usage: USAGE" as the hint (builtins/str.c). */
bool builtin_want_str(struct sema *s, const struct node *call, struct node *arg, int index,
		      const char *usage);

/* path.c: every attach point of the probe being checked runs a BPF tracing
 * program (fentry, fexit, iter, ...), the only kind the kernel gives its
 * BTF-typed helpers (`helper`, named in the error otherwise). */
bool builtin_want_tracing(struct sema *s, struct node *n, const char *helper);

/* proc.c: `probe` (node n, of type probe) where a string is wanted becomes the
 * attach point's name as a string; anything else is left as it is. */
void builtin_probe_as_str(struct sema *s, struct node *n);

/* stack.c: tell user space, once per pid (an LRU set), that this process has
 * user stacks or symbols to name, so it snapshots /proc/PID/maps while the
 * process still runs (runtime/stacks.h). Used by ustack and usym. */
void stack_emit_pid_seen(struct cg *c, LLVMValueRef pid);

/* stack.c: the number of frames of stack expression n (a kstack or ustack),
 * which captures record when program.stack_frames is set. */
LLVMValueRef stack_emit_frames(struct cg *c, struct node *n);

/* Tables of the families, each ended by an entry with a NULL name. */
extern const struct builtin builtins_proc[];
extern const struct builtin builtins_output[];
extern const struct builtin builtins_aggregations[];
extern const struct builtin builtins_tseries[];
extern const struct builtin builtins_str[];
extern const struct builtin builtins_maps[];
extern const struct builtin builtins_time[];
extern const struct builtin builtins_lang[];
extern const struct builtin builtins_args[];
extern const struct builtin builtins_stack[];
extern const struct builtin builtins_sym[];
extern const struct builtin builtins_net[];
extern const struct builtin builtins_libctext[];
extern const struct builtin builtins_cgroup[];
extern const struct builtin builtins_getopt[];
extern const struct builtin builtins_int[];
extern const struct builtin builtins_addrspace[];
extern const struct builtin builtins_path[];

#endif
