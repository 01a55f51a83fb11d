/* The abstract syntax tree of a bpftrace-language program.
 *
 * One tagged union, `struct node`, for every construct. Nodes are allocated from
 * the compilation's arena and never freed one by one. Every node carries the
 * source range it came from; sema fills in `type`. Lists (probes, attach points,
 * statements, call arguments, map keys, tuple elements) are chained through
 * `next`, in source order. */
#ifndef BPFL_AST_H
#define BPFL_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/types.h"

struct arena;

/* A source range. Lines and columns are 1-based; end_col is one past the last
 * character (bpftrace prints `1:9-17` for the 8 characters at columns 9..16). */
struct loc {
	const char *file;	/* "stdin" for -e and -, else the script path */
	int line, col;
	int end_line, end_col;
};

enum node_kind {
	/* top level */
	N_PROGRAM,	/* program.config, program.macros, program.decls, program.probes */
	N_MAPDECL,	/* let @m = hash(N);  mapdecl.map (N_MAP), mapdecl.call (N_CALL) */
	N_CONFIG,	/* setting.key = setting.value: one line of the config block */
	N_MACRO,	/* macro.name, macro.params (N_IDENT, N_VAR, N_MAP), macro.body */
	N_PROBE,	/* probe.attach, probe.pred, probe.body */
	N_ATTACH,	/* attach.text: one attach point as written */
	/* statements */
	N_EXPR_STMT,	/* stmt.expr: a call or ++/-- for its effect */
	N_ASSIGN,	/* assign.target (N_MAP or N_VAR) op= assign.value */
	N_IF,		/* cond.cond, cond.then, cond.els (N_IF for else if, or a list) */
	N_WHILE,	/* cond.cond, cond.then */
	N_UNROLL,	/* unroll.count (an expression, must be constant), unroll.body */
	N_FOR,		/* forl.var (N_VAR), forl.iter (N_MAP) or forl.start..forl.end,
			 * forl.body */
	N_BREAK,
	N_CONTINUE,
	N_RETURN,	/* stmt.expr may be NULL */
	N_LET,		/* let $x [: type] [= value];  let.var, let.tname/ptr_depth, let.value */
	/* expressions */
	N_INT,		/* num.value; num.is_unsigned for a `u`-suffixed literal; num.is_bool
			 * for `true` (1) and `false` (0) */
	N_STR,		/* str.value (escapes decoded), str.len (without NUL) */
	N_IDENT,	/* ident.name: a builtin (pid, comm, args, arg0, ...) or unknown */
	N_VAR,		/* ident.name: "$x" */
	N_POSPARAM,	/* param.index: $1.. ; param.index == 0 stands for $# */
	N_MAP,		/* map.name ("@" or "@x"), map.keys (NULL for a scalar map) */
	N_CALL,		/* call.name, call.args */
	N_BINARY,	/* binary.op, binary.lhs, binary.rhs */
	N_UNARY,	/* unary.op, unary.operand */
	N_INCDEC,	/* incdec.operand (N_VAR or N_MAP), incdec.is_inc, incdec.is_post */
	N_TERNARY,	/* cond.cond, cond.then, cond.els */
	N_FIELD,	/* field.base, field.name, field.is_arrow */
	N_INDEX,	/* index.base, index.index */
	N_CAST,		/* cast.tname, cast.ptr_depth, cast.operand */
	N_TUPLE,	/* tuple.elems; tuple.names for a record (a=1, b=2) */
	N_NAMED,	/* named.name = named.value: a record's field, only inside
			 * the parser */
	N_BLOCK_EXPR,	/* block.stmts then block.value (NULL: none, only as an
			 * expression statement); a macro's body and its expansion */
	N_KIND_COUNT
};

enum binop {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR,
	OP_LAND, OP_LOR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_BINOP_COUNT,
	OP_NONE = OP_BINOP_COUNT,	/* plain `=` in N_ASSIGN */
};

enum unop {
	OP_NEG,		/* -x */
	OP_PLUS,	/* +x */
	OP_LNOT,	/* !x */
	OP_BNOT,	/* ~x */
	OP_DEREF,	/* *x */
	OP_ADDR,	/* &x */
	OP_UNOP_COUNT
};

struct node {
	enum node_kind kind;
	struct loc loc;
	struct type *type;	/* set by sema; NULL before */
	struct node *next;	/* next element of the list this node is in */
	union {
		struct {
			struct node *config;	/* list of N_CONFIG, NULL without a block */
			struct node *macros;	/* list of N_MACRO */
			struct node *decls;	/* list of N_MAPDECL */
			struct node *stdlib;	/* the standard library's N_MACROs,
						 * after the script's (not dumped) */
			struct node *probes;
		} program;
		struct { struct node *map; struct node *call; } mapdecl;
		struct {
			struct node *var;	/* N_VAR */
			const char *tname;	/* declared type ("uint8", "struct x") or NULL */
			int ptr_depth;		/* '*' after tname */
			int array;		/* [N] after that: N; 0 for none */
			struct node *value;	/* initial value or NULL */
		} let;
		struct {
			const char *name;
			struct node *params;	/* `x` N_IDENT, `$x` N_VAR, `@x` N_MAP */
			struct node *body;	/* N_BLOCK_EXPR */
		} macro;
		struct {
			const char *key;	/* as written: stack_mode, BPFTRACE_STACK_MODE */
			struct node *value;	/* N_INT, N_STR or N_IDENT */
		} setting;
		struct {
			struct node *attach;	/* list of N_ATTACH */
			struct node *pred;	/* predicate expression or NULL */
			struct node *body;	/* statement list (may be NULL) */
			int index;		/* position in the program, from 0 */
		} probe;
		struct { const char *text; } attach;
		struct { struct node *expr; } stmt;
		struct {
			struct node *target;	/* N_MAP or N_VAR */
			enum binop op;		/* OP_NONE for `=`, else `op=` */
			struct node *value;
		} assign;
		struct {
			struct node *cond;
			struct node *then;	/* statement list, or expression for N_TERNARY */
			struct node *els;	/* statement list / expression / NULL */
		} cond;
		struct { struct node *count; struct node *body; } unroll;
		struct {
			struct node *var;	/* the loop's $variable */
			struct node *iter;	/* the map iterated over; NULL for a range */
			struct node *start, *end;	/* the range start..end (end exclusive) */
			struct node *body;
		} forl;
		struct {
			uint64_t value;
			bool is_unsigned, is_bool;
			const char *param;	/* the text of $N when the literal is a
						 * positional parameter, else NULL */
			struct type *enum_type;	/* an enumerator: its enum's type
						 * (printed by name), else NULL */
		} num;
		struct { const char *value; size_t len; } str;
		struct { const char *name; } ident;
		struct { int index; } param;
		struct {
			const char *name;	/* with the '@' */
			struct node *keys;	/* list of key expressions, NULL if none */
			struct map_def *def;	/* set by sema */
		} map;
		struct {
			const char *name;
			struct node *args;
			const struct builtin *builtin;	/* set by sema */
			int action_id;		/* set by sema for output actions, else -1 */
			bool per_def;		/* print(args) over attach points of their
						 * own layouts: one action per probe_def,
						 * action_id + the def's rank in the block */
		} call;
		struct {
			enum binop op;
			struct node *lhs, *rhs;
			int warn_id;	/* / and %: 1 + the ACT_WARNF action for a zero
					 * divisor (sema), 0 when it cannot be zero */
			struct type *common;	/* == and != of tuples and buffers: the
						 * type both sides are compared in */
		} binary;
		struct { enum unop op; struct node *operand; } unary;
		struct { struct node *operand; bool is_inc, is_post; } incdec;
		struct { struct node *base; const char *name; bool is_arrow; } field;
		struct {
			struct node *base;
			struct node *index;
			int warn_id;	/* an array indexed by a value known only at
					 * run time: 1 + the ACT_WARNF action for an
					 * index out of bounds, else 0 */
		} index;
		struct {
			const char *tname;	/* "uint32", "struct path", "int8" */
			int ptr_depth;		/* number of '*' after the name */
			int array;		/* (int8[N])x: N; (int8[])x: -1 (the
						 * operand's size); 0: not an array */
			struct node *operand;
		} cast;
		struct {
			struct node *elems;
			const char **names;	/* a record's field names, one per
						 * element; NULL for a tuple */
		} tuple;
		struct { const char *name; struct node *value; } named;
		struct {
			struct node *stmts;	/* statement list, may be NULL */
			struct node *value;	/* the last expression, or NULL */
			const char *macro;	/* the macro this block expands, or NULL */
			struct loc call;	/* macro: where it was called */
		} block;
	};
};

/* Allocate a node of `kind` at `loc` in the arena; NULL when memory runs out. */
struct node *ast_new(struct arena *a, enum node_kind kind, struct loc loc);
/* Append `item` (a single node or a list) to the list `*head`; returns `*head`. */
struct node *ast_append(struct node **head, struct node *item);
/* Number of nodes in a list. */
int ast_list_len(const struct node *list);
/* Call fn on the slot of every child node of n, each element of a child list
 * separately and in order. fn may store another node in the slot; it must keep
 * the replaced node's `next`. */
void ast_each_child(struct node *n, void (*fn)(struct node **slot, void *ctx), void *ctx);
/* A copy of the tree n (n->next not followed: the copy's next is NULL);
 * NULL when memory runs out. */
struct node *ast_clone(struct arena *a, const struct node *n);
/* Turn n, in place, into the integer literal `value` (sizeof, constants,
 * getopt defaults folded by sema). num shares its storage with the node's old
 * payload (a call's arguments, an identifier's name), so every field is set. */
void ast_fold_int(struct node *n, uint64_t value, bool is_unsigned);
/* A range from the start of `a` to the end of `b`. */
struct loc loc_span(struct loc a, struct loc b);

/* Print the tree, one node a line, indented by depth, with `line:col-end_col` and,
 * after sema, the type. This is what `-d ast` and `-d sema` show. */
void ast_dump(FILE *out, const struct node *n);

const char *binop_str(enum binop op);
const char *unop_str(enum unop op);

#endif
