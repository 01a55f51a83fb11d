/* AST construction helpers and the `-d ast` / `-d sema` printer.
 *
 * Nodes live in the compilation's arena; lists are chained through `next`.
 * The dump prints one node a line, indented one space per depth, as
 * `kind payload line:col-end_col [:: type]`; pseudo-lines `predicate`, `then`,
 * `else`, `body` group a node's child lists where the kind alone would be ambiguous.
 * Tests pin this format, so change it deliberately. */
#include "lang/ast.h"

#include <inttypes.h>

#include "util/arena.h"

struct node *ast_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->loc = loc;
	if (kind == N_CALL)
		n->call.action_id = -1;
	return n;
}

void ast_fold_int(struct node *n, uint64_t value, bool is_unsigned)
{
	n->kind = N_INT;
	n->num.value = value;
	n->num.is_unsigned = is_unsigned;
	n->num.is_bool = false;
	n->num.param = NULL;
	n->num.enum_type = NULL;
}

struct node *ast_append(struct node **head, struct node *item)
{
	if (!item)
		return *head;
	struct node **pp = head;
	while (*pp)
		pp = &(*pp)->next;
	*pp = item;
	return *head;
}

int ast_list_len(const struct node *list)
{
	int n = 0;
	for (; list; list = list->next)
		n++;
	return n;
}

/* fn on every element of the list at *head. */
static void each_in_list(struct node **head, void (*fn)(struct node **, void *), void *ctx)
{
	for (struct node **slot = head; *slot; slot = &(*slot)->next)
		fn(slot, ctx);
}

/* fn on the single child at *slot, when there is one. */
static void each_one(struct node **slot, void (*fn)(struct node **, void *), void *ctx)
{
	if (*slot)
		fn(slot, ctx);
}

void ast_each_child(struct node *n, void (*fn)(struct node **slot, void *ctx), void *ctx)
{
	switch (n->kind) {
	case N_PROGRAM:
		each_in_list(&n->program.config, fn, ctx);
		each_in_list(&n->program.macros, fn, ctx);
		each_in_list(&n->program.probes, fn, ctx);
		break;
	case N_CONFIG: each_one(&n->setting.value, fn, ctx); break;
	case N_LET:
		each_one(&n->let.var, fn, ctx);
		each_one(&n->let.value, fn, ctx);
		break;
	case N_MACRO:
		each_in_list(&n->macro.params, fn, ctx);
		each_one(&n->macro.body, fn, ctx);
		break;
	case N_PROBE:
		each_in_list(&n->probe.attach, fn, ctx);
		each_one(&n->probe.pred, fn, ctx);
		each_in_list(&n->probe.body, fn, ctx);
		break;
	case N_EXPR_STMT: case N_RETURN: each_one(&n->stmt.expr, fn, ctx); break;
	case N_ASSIGN:
		each_one(&n->assign.target, fn, ctx);
		each_one(&n->assign.value, fn, ctx);
		break;
	case N_IF: case N_WHILE:	/* then/els are statement lists */
		each_one(&n->cond.cond, fn, ctx);
		each_in_list(&n->cond.then, fn, ctx);
		each_in_list(&n->cond.els, fn, ctx);
		break;
	case N_TERNARY:
		each_one(&n->cond.cond, fn, ctx);
		each_one(&n->cond.then, fn, ctx);
		each_one(&n->cond.els, fn, ctx);
		break;
	case N_UNROLL:
		each_one(&n->unroll.count, fn, ctx);
		each_in_list(&n->unroll.body, fn, ctx);
		break;
	case N_FOR:
		each_one(&n->forl.var, fn, ctx);
		each_one(&n->forl.iter, fn, ctx);
		each_one(&n->forl.start, fn, ctx);
		each_one(&n->forl.end, fn, ctx);
		each_in_list(&n->forl.body, fn, ctx);
		break;
	case N_MAP: each_in_list(&n->map.keys, fn, ctx); break;
	case N_CALL: each_in_list(&n->call.args, fn, ctx); break;
	case N_BINARY:
		each_one(&n->binary.lhs, fn, ctx);
		each_one(&n->binary.rhs, fn, ctx);
		break;
	case N_UNARY: each_one(&n->unary.operand, fn, ctx); break;
	case N_INCDEC: each_one(&n->incdec.operand, fn, ctx); break;
	case N_FIELD: each_one(&n->field.base, fn, ctx); break;
	case N_INDEX:
		each_one(&n->index.base, fn, ctx);
		each_one(&n->index.index, fn, ctx);
		break;
	case N_CAST: each_one(&n->cast.operand, fn, ctx); break;
	case N_TUPLE: each_in_list(&n->tuple.elems, fn, ctx); break;
	case N_BLOCK_EXPR:
		each_in_list(&n->block.stmts, fn, ctx);
		each_one(&n->block.value, fn, ctx);
		break;
	default:	/* leaves: attach points, literals, names */
		break;
	}
}

/* Replace the child at *slot with its copy (keeping the list it is in). */
static void clone_slot(struct node **slot, void *ctx)
{
	struct node *copy = ast_clone(ctx, *slot);
	if (!copy)
		return;	/* out of memory: the original stays, the caller checks */
	copy->next = (*slot)->next;
	*slot = copy;
}

struct node *ast_clone(struct arena *a, const struct node *n)
{
	struct node *copy = arena_alloc(a, sizeof(*copy));
	if (!copy)
		return NULL;
	*copy = *n;
	copy->next = NULL;
	copy->type = NULL;
	ast_each_child(copy, clone_slot, a);
	return copy;
}

struct loc loc_span(struct loc a, struct loc b)
{
	struct loc l = a;
	l.end_line = b.end_line;
	l.end_col = b.end_col;
	return l;
}

static const char *const binop_names[] = {	/* sized by its last row: the assert can fail */
	[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/", [OP_MOD] = "%",
	[OP_BAND] = "&", [OP_BOR] = "|", [OP_BXOR] = "^", [OP_SHL] = "<<", [OP_SHR] = ">>",
	[OP_LAND] = "&&", [OP_LOR] = "||",
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">",
	[OP_GE] = ">=",
};
_Static_assert(sizeof(binop_names) / sizeof(binop_names[0]) == OP_BINOP_COUNT, "binop_names");

static const char *const unop_names[] = {	/* sized by its last row */
	[OP_NEG] = "-", [OP_PLUS] = "+", [OP_LNOT] = "!", [OP_BNOT] = "~",
	[OP_DEREF] = "*", [OP_ADDR] = "&",
};
_Static_assert(sizeof(unop_names) / sizeof(unop_names[0]) == OP_UNOP_COUNT, "unop_names");

/* C spelling of a binary operator; "" for OP_NONE (plain assignment). */
const char *binop_str(enum binop op)
{
	return (unsigned)op < OP_BINOP_COUNT ? binop_names[op] : "";
}

const char *unop_str(enum unop op)
{
	return (unsigned)op < OP_UNOP_COUNT ? unop_names[op] : "?";
}

static void dump_node(FILE *out, const struct node *n, int depth);

static void dump_indent(FILE *out, int depth)
{
	fprintf(out, "%*s", depth, "");
}

/* ` line:col-end_col` (or `line:col-end_line:end_col` across lines), then the
 * type when sema has set one, then the newline. */
static void dump_tail(FILE *out, const struct node *n)
{
	const struct loc *l = &n->loc;
	if (l->line > 0) {
		if (l->end_line == l->line)
			fprintf(out, " %d:%d-%d", l->line, l->col, l->end_col);
		else
			fprintf(out, " %d:%d-%d:%d", l->line, l->col, l->end_line, l->end_col);
	}
	if (n->type) {
		char buf[256];
		fprintf(out, " :: %s", type_name(n->type, buf, sizeof(buf)));
	}
	fputc('\n', out);
}

static void dump_list(FILE *out, const struct node *list, int depth)
{
	for (; list; list = list->next)
		dump_node(out, list, depth);
}

/* A labelled group: `label` on its own line, then the list one level deeper. */
static void dump_group(FILE *out, const char *label, const struct node *list, int depth)
{
	if (!list)
		return;
	dump_indent(out, depth);
	fprintf(out, "%s\n", label);
	dump_list(out, list, depth + 1);
}

/* A string literal re-escaped so the dump stays one line and shows the bytes. */
static void dump_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static void dump_probe(FILE *out, const struct node *n, int depth)
{
	fputs("probe", out);
	dump_tail(out, n);
	dump_list(out, n->probe.attach, depth + 1);
	if (n->probe.pred) {
		dump_indent(out, depth + 1);
		fputs("predicate\n", out);
		dump_node(out, n->probe.pred, depth + 2);
	}
	dump_list(out, n->probe.body, depth + 1);
}

static void dump_cast(FILE *out, const struct node *n)
{
	fprintf(out, "cast (%s", n->cast.tname);
	if (n->cast.ptr_depth)
		fprintf(out, " %.*s", n->cast.ptr_depth, "****************");
	if (n->cast.array > 0)
		fprintf(out, "[%d]", n->cast.array);
	else if (n->cast.array < 0)
		fputs("[]", out);
	fputc(')', out);
}

/* The head of a statement's line (kind and payload), without the location. */
static void dump_stmt_head(FILE *out, const struct node *n)
{
	switch (n->kind) {
	case N_ASSIGN:
		fprintf(out, "assign %s=", binop_str(n->assign.op));
		break;
	case N_IF: fputs("if", out); break;
	case N_WHILE: fputs("while", out); break;
	case N_UNROLL: fputs("unroll", out); break;
	case N_FOR: fputs(n->forl.iter ? "for map" : "for range", out); break;
	case N_BREAK: fputs("break", out); break;
	case N_CONTINUE: fputs("continue", out); break;
	case N_RETURN: fputs("return", out); break;
	case N_LET:
		fputs("let", out);
		if (n->let.tname)
			fprintf(out, " %s%.*s", n->let.tname, n->let.ptr_depth, " ****************");
		break;
	default: break;
	}
}

/* The head of an expression's line (kind and payload), without the location. */
static void dump_expr_head(FILE *out, const struct node *n)
{
	switch (n->kind) {
	case N_INT:
		fprintf(out, "int %" PRIu64 "%s", n->num.value, n->num.is_unsigned ? "u" : "");
		break;
	case N_STR:
		fputs("string ", out);
		dump_string(out, n->str.value, n->str.len);
		break;
	case N_IDENT: fprintf(out, "ident %s", n->ident.name); break;
	case N_VAR: fprintf(out, "var %s", n->ident.name); break;
	case N_POSPARAM:
		if (n->param.index)
			fprintf(out, "param $%d", n->param.index);
		else
			fputs("param $#", out);
		break;
	case N_MAP: fprintf(out, "map %s", n->map.name); break;
	case N_CALL: fprintf(out, "call %s", n->call.name); break;
	case N_BINARY: fputs(binop_str(n->binary.op), out); break;
	case N_UNARY: fprintf(out, "unary %s", unop_str(n->unary.op)); break;
	case N_INCDEC:
		fprintf(out, "%s%s", n->incdec.is_post ? "post" : "pre",
			n->incdec.is_inc ? "++" : "--");
		break;
	case N_TERNARY: fputs("?:", out); break;
	case N_FIELD:
		fprintf(out, "%s%s", n->field.is_arrow ? "->" : ".", n->field.name);
		break;
	case N_INDEX: fputs("[]", out); break;
	case N_CAST: dump_cast(out, n); break;
	case N_TUPLE: fputs(n->tuple.names ? "record" : "tuple", out); break;
	case N_BLOCK_EXPR:
		fputs("block", out);
		if (n->block.macro)
			fprintf(out, " (macro %s)", n->block.macro);
		break;
	default: fprintf(out, "?kind%d", (int)n->kind); break;
	}
}

/* The children of a node, in source order. */
static void dump_children(FILE *out, const struct node *n, int depth)
{
	switch (n->kind) {
	case N_ASSIGN:
		dump_node(out, n->assign.target, depth);
		dump_node(out, n->assign.value, depth);
		break;
	case N_IF:
		dump_node(out, n->cond.cond, depth);
		dump_group(out, "then", n->cond.then, depth);
		dump_group(out, "else", n->cond.els, depth);
		break;
	case N_WHILE:
		dump_node(out, n->cond.cond, depth);
		dump_group(out, "body", n->cond.then, depth);
		break;
	case N_UNROLL:
		dump_node(out, n->unroll.count, depth);
		dump_group(out, "body", n->unroll.body, depth);
		break;
	case N_FOR:
		dump_node(out, n->forl.var, depth);
		dump_node(out, n->forl.iter, depth);
		dump_node(out, n->forl.start, depth);
		dump_node(out, n->forl.end, depth);
		dump_group(out, "body", n->forl.body, depth);
		break;
	case N_RETURN:
		if (n->stmt.expr)
			dump_node(out, n->stmt.expr, depth);
		break;
	case N_LET:
		dump_node(out, n->let.var, depth);
		dump_node(out, n->let.value, depth);
		break;
	case N_MAP: dump_list(out, n->map.keys, depth); break;
	case N_CALL: dump_list(out, n->call.args, depth); break;
	case N_BINARY:
		dump_node(out, n->binary.lhs, depth);
		dump_node(out, n->binary.rhs, depth);
		break;
	case N_UNARY: dump_node(out, n->unary.operand, depth); break;
	case N_INCDEC: dump_node(out, n->incdec.operand, depth); break;
	case N_TERNARY:
		dump_node(out, n->cond.cond, depth);
		dump_node(out, n->cond.then, depth);
		dump_node(out, n->cond.els, depth);
		break;
	case N_FIELD: dump_node(out, n->field.base, depth); break;
	case N_INDEX:
		dump_node(out, n->index.base, depth);
		dump_node(out, n->index.index, depth);
		break;
	case N_CAST: dump_node(out, n->cast.operand, depth); break;
	case N_TUPLE: dump_list(out, n->tuple.elems, depth); break;
	case N_BLOCK_EXPR:
		dump_list(out, n->block.stmts, depth);
		dump_group(out, "value", n->block.value, depth);
		break;
	default: break;
	}
}

static void dump_node(FILE *out, const struct node *n, int depth)
{
	if (!n)
		return;
	/* An expression statement shows as its expression: the wrapper adds nothing
	 * a reader needs. */
	if (n->kind == N_EXPR_STMT) {
		dump_node(out, n->stmt.expr, depth);
		return;
	}
	dump_indent(out, depth);
	switch (n->kind) {
	case N_PROGRAM:
		fputs("program\n", out);
		dump_list(out, n->program.config, depth + 1);
		dump_list(out, n->program.macros, depth + 1);
		dump_list(out, n->program.decls, depth + 1);
		dump_list(out, n->program.probes, depth + 1);
		return;
	case N_MAPDECL:
		fputs("let", out);
		dump_tail(out, n);
		dump_node(out, n->mapdecl.map, depth + 1);
		dump_node(out, n->mapdecl.call, depth + 1);
		return;
	case N_CONFIG:
		fprintf(out, "config %s", n->setting.key);
		dump_tail(out, n);
		dump_node(out, n->setting.value, depth + 1);
		return;
	case N_PROBE:
		dump_probe(out, n, depth);
		return;
	case N_ATTACH:
		fprintf(out, "attach %s", n->attach.text);
		dump_tail(out, n);
		return;
	case N_ASSIGN: case N_IF: case N_WHILE: case N_UNROLL: case N_FOR:
	case N_BREAK: case N_CONTINUE: case N_RETURN: case N_LET:
		dump_stmt_head(out, n);
		break;
	default:
		dump_expr_head(out, n);
		break;
	}
	dump_tail(out, n);
	dump_children(out, n, depth + 1);
}

void ast_dump(FILE *out, const struct node *n)
{
	dump_node(out, n, 0);
}
