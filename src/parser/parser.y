/* The grammar of the bpftrace language: probes, statements, C-like expressions.
 *
 * Pure parser with locations; YYLTYPE is `struct loc`, and every rule's node gets
 * the range of the whole rule (@$). The scanner (src/lexer/lexer.l) delivers an
 * attach point as one token at top level and the expression language inside
 * predicates and blocks. Syntax errors are reported through diag with bison's
 * expected-token list, filtered so it names the tokens that could end or
 * continue the construct rather than every operator. Recovery resumes at the
 * next `;` or `}` so several errors can be reported in one run. */

%code requires {
#include <stdbool.h>
#include <stddef.h>

#include "lang/ast.h"
#include "lang/program.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* What the scanner knows between tokens; shared by the scanner and the parser. */
struct lex_state {
	struct program *p;	/* diagnostics, arena */
	const char *file;	/* the name of the text in locations */
	const char *src;	/* the text being scanned */
	struct node *ast;	/* the N_PROGRAM parsed */
	size_t off;		/* byte offset of the next character in src */
	int line, col;		/* position of the next character */
	int depth;		/* brace depth inside a probe's block */
	int sdepth;		/* brace depth inside a C definition */
	int pdepth;		/* parenthesis depth in the __attribute__ after it */
	bool cdef_typedef;	/* the C definition is a typedef: it ends at `;` */
	size_t cdef_start;	/* byte offset where the C definition starts */
	struct loc cdef_loc;	/* and its location */
	struct loc last;	/* the last token returned, to place end-of-file errors */
	bool any_token;		/* whether `last` is valid */
	struct {		/* lists being built and their last nodes, most */
		struct node *head, *tail;	/* recently appended to first */
	} lists[8];
};

#define YYLTYPE struct loc
#define YYLTYPE_IS_DECLARED 1
/* A rule spans its first to its last symbol; an empty rule is an empty range at
 * the end of the previous symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)					\
	do {								\
		if (N) {						\
			(Cur) = loc_span(YYRHSLOC(Rhs, 1), YYRHSLOC(Rhs, N)); \
		} else {						\
			(Cur) = YYRHSLOC(Rhs, 0);			\
			(Cur).line = (Cur).end_line;			\
			(Cur).col = (Cur).end_col;			\
		}							\
	} while (0)
}

%code provides {
/* The flex scanner (lexer.l): next token, or 0 at end of input. */
int lex_scan(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
/* Create a scanner over st->src; 0 or -ENOMEM. */
int lex_open(yyscan_t *scanner, struct lex_state *st);
/* Destroy a scanner made by lex_open. */
void lex_close(yyscan_t scanner);
}

%code {
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lang/diag.h"
#include "parser/parse.h"
#include "util/arena.h"
#include "util/sb.h"

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner, struct lex_state *st);
static void yyerror(YYLTYPE *lloc, yyscan_t scanner, struct lex_state *st, const char *msg);

#define ARENA (&st->p->arena)

static struct node *parse_incdec(struct lex_state *st, struct node *operand, bool is_inc,
				 bool is_post, struct loc where);
static void parse_split_tops(struct node *prog, struct node *tops);
static struct node *parse_block_value(struct lex_state *st, struct node *blk, struct node *stmts,
				      struct node *last);
static struct node *parse_if_value(struct lex_state *st, struct node *n);
static struct node *parse_record(struct lex_state *st, struct node *fields, struct loc where);
static struct node *list_add(struct lex_state *st, struct node **head, struct node *item);

/* Allocate node `var` or abort the parse with "memory exhausted". */
#define NEW(var, kind, where)						\
	do {								\
		(var) = ast_new(ARENA, (kind), (where));		\
		if (!(var))						\
			YYNOMEM;					\
	} while (0)

/* A binary operator node over two operands. */
#define BINARY(res, o, l, r, where)					\
	do {								\
		NEW(res, N_BINARY, where);				\
		(res)->binary.op = (o);					\
		(res)->binary.lhs = (l);				\
		(res)->binary.rhs = (r);				\
	} while (0)

#define UNARY(res, o, x, where)						\
	do {								\
		NEW(res, N_UNARY, where);				\
		(res)->unary.op = (o);					\
		(res)->unary.operand = (x);				\
	} while (0)
}

%define api.pure full
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {yyscan_t scanner} {struct lex_state *st}

%initial-action {
	@$ = (struct loc){ .file = st->file, .line = 1, .col = 1,
			   .end_line = 1, .end_col = 1 };
}

%union {
	struct node *node;
	const char *str;
	enum binop op;
	int num;
}

%token <str> ATTACH "attach point"
%token <str> IDENT "identifier"
%token <str> CALL "call"
%token <str> TYPE "type name"
%token <node> INT "integer"
%token <node> STRING "string"
%token <node> VAR "variable"
%token <node> MAP "map"
%token <node> POSPARAM "positional parameter"
%token PRED_END "end of predicate"
%token CONFIG "config"
%token MACRO "macro"
%token IF "if" ELSE "else" WHILE "while" UNROLL "unroll" FOR "for" LET "let"
%token BREAK "break" CONTINUE "continue" RETURN "return" DISCARD "_"
%token STRUCT "struct" UNION "union" ENUM "enum"
%token EQ "==" NE "!=" LE "<=" GE ">=" SHL "<<" SHR ">>" LAND "&&" LOR "||"
%token INC "++" DEC "--" ARROW "->" DOTDOT ".."
%token <op> COMPOUND_ASSIGN "compound assignment"

%type <node> program config settings setting setting_value tops top macro macro_params
%type <node> macro_param macro_body mapdecl let_stmt probe attachs attach pred block stmts simple compound if_stmt
%type <node> expr exprs lvalue map call value values block_expr if_value record_fields record_field
%type <str> field_name type_name
%type <num> stars array_dim

/* Listed first so "expecting" lists read `; or }`. */
%token ';' ',' ')' ']' '}'

/* Lowest to highest. MAP_ALONE makes `@m[k]` the keyed map, not an index. */
%precedence MAP_ALONE
%right '?' ':'
%left LOR
%left LAND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' '>' LE GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY
%precedence INC DEC '.' ARROW '['

%%

/* program: [config] (probe | macro | mapdecl)+ */
program
	: config tops
		{
			NEW($$, N_PROGRAM, @$);
			$$->program.config = $1;
			parse_split_tops($$, $2);
			st->ast = $$;
		}
	;

/* mapdecl: 'let' map '=' call ';'   (let @m = lruhash(100);) */
mapdecl
	: LET MAP '=' call ';'
		{
			NEW($$, N_MAPDECL, @$);
			$$->mapdecl.map = $2;
			$$->mapdecl.call = $4;
		}
	;

/* config: 'config' '=' '{' [setting (';' setting)* [';']] '}' */
config
	: %empty			{ $$ = NULL; }
	| CONFIG '=' '{' settings '}'	{ $$ = $4; }
	;

settings
	: %empty			{ $$ = NULL; }
	| setting			{ $$ = $1; }
	| settings ';'			{ $$ = $1; }
	| settings ';' setting		{ $$ = list_add(st, &$1, $3); }
	;

/* setting: identifier '=' (integer | string | identifier) */
setting
	: IDENT '=' setting_value
		{
			NEW($$, N_CONFIG, @$);
			$$->setting.key = $1;
			$$->setting.value = $3;
		}
	;

setting_value
	: INT				{ $$ = $1; }
	| STRING			{ $$ = $1; }
	| IDENT				{ NEW($$, N_IDENT, @$); $$->ident.name = $1; }
	;

tops
	: top			{ $$ = $1; }
	| tops top		{ $$ = list_add(st, &$1, $2); }
	;

top
	: probe			{ $$ = $1; }
	| macro			{ $$ = $1; }
	| mapdecl		{ $$ = $1; }
	;

/* macro: 'macro' identifier ['(' [param (',' param)*] ')'] macro_body */
macro
	: MACRO IDENT macro_body
		{
			NEW($$, N_MACRO, @$);
			$$->macro.name = $2;
			$$->macro.body = $3;
		}
	| MACRO IDENT '(' ')' macro_body
		{
			NEW($$, N_MACRO, @$);
			$$->macro.name = $2;
			$$->macro.body = $5;
		}
	| MACRO IDENT '(' macro_params ')' macro_body
		{
			NEW($$, N_MACRO, @$);
			$$->macro.name = $2;
			$$->macro.params = $4;
			$$->macro.body = $6;
		}
	;

macro_params
	: macro_param			{ $$ = $1; }
	| macro_params ',' macro_param	{ $$ = list_add(st, &$1, $3); }
	;

/* param: identifier (an expression) | variable | map */
macro_param
	: IDENT				{ NEW($$, N_IDENT, @$); $$->ident.name = $1; }
	| VAR				{ $$ = $1; }
	| MAP				{ $$ = $1; }
	;

/* macro_body: '{' stmts [expr] '}': a last expression without `;` is the
 * macro's value. */
macro_body
	: '{' stmts '}'
		{
			NEW($$, N_BLOCK_EXPR, @$);
			$$ = parse_block_value(st, $$, $2, NULL);
			if (!$$)
				YYNOMEM;
		}
	| block_expr			{ $$ = $1; }
	| '{' stmts error '}'
		{ NEW($$, N_BLOCK_EXPR, @$); $$->block.stmts = $2; }
	;

/* block_expr: '{' stmts simple '}': a block whose last statement has no `;`
 * stands where a value may (`$a = { let $b = 1; $b }`); that statement, when
 * it is an expression, is the block's value. At the start of a statement a
 * `{` opens a plain block instead. */
block_expr
	: '{' stmts simple '}'
		{
			NEW($$, N_BLOCK_EXPR, @$);
			$$ = parse_block_value(st, $$, $2, $3);
			if (!$$)
				YYNOMEM;
		}
	;

/* if_value: 'if' expr block 'else' (block | if_value): an if/else where a value
 * stands is a conditional expression whose branches are block expressions. */
if_value
	: if_stmt
		{
			$$ = parse_if_value(st, $1);
			if (!$$)
				YYNOMEM;
		}
	;

/* value: expr | block_expr | if_value: what an assignment, a call argument, a
 * tuple element or a parenthesised expression takes. */
value
	: expr				{ $$ = $1; }
	| block_expr			{ $$ = $1; }
	| if_value			{ $$ = $1; }
	;

values
	: value				{ $$ = $1; }
	| values ',' value		{ $$ = list_add(st, &$1, $3); }
	;

/* record_field: identifier '=' value: one named element of a record. */
record_field
	: IDENT '=' value
		{
			NEW($$, N_NAMED, @$);
			$$->named.name = $1;
			$$->named.value = $3;
		}
	;

record_fields
	: record_field			{ $$ = $1; }
	| record_fields ',' record_field { $$ = list_add(st, &$1, $3); }
	;

/* probe: attach (',' attach)* ['/' expr '/'] block */
probe
	: attachs pred block
		{
			NEW($$, N_PROBE, @$);
			$$->probe.attach = $1;
			$$->probe.pred = $2;
			$$->probe.body = $3;
		}
	;

attachs
	: attach		{ $$ = $1; }
	| attachs ',' attach	{ $$ = list_add(st, &$1, $3); }
	;

attach
	: ATTACH		{ NEW($$, N_ATTACH, @$); $$->attach.text = $1; }
	;

pred
	: %empty		{ $$ = NULL; }
	| '/' expr PRED_END	{ $$ = $2; }
	| '/' error PRED_END	{ $$ = NULL; }
	;

/* block: '{' (stmt (';' | after a compound statement))* [simple] '}' */
block
	: '{' stmts '}'			{ $$ = $2; }
	| '{' stmts simple '}'		{ $$ = list_add(st, &$2, $3); }
	| '{' stmts error '}'		{ $$ = $2; }
	;

stmts
	: %empty			{ $$ = NULL; }
	| stmts ';'			{ $$ = $1; }
	| stmts simple ';'		{ $$ = list_add(st, &$1, $2); }
	| stmts compound		{ $$ = list_add(st, &$1, $2); }
	| stmts error ';'		{ $$ = $1; yyerrok; }
	;

/* Statements that need no ';' after them. A nested block is flattened. */
compound
	: if_stmt			{ $$ = $1; }
	| WHILE expr block	/* `while (x)`: the parentheses are the expression's */
		{
			NEW($$, N_WHILE, @$);
			$$->cond.cond = $2;
			$$->cond.then = $3;
		}
	| UNROLL '(' expr ')' block
		{
			NEW($$, N_UNROLL, @$);
			$$->unroll.count = $3;
			$$->unroll.body = $5;
		}
	| FOR VAR ':' expr block
		{
			NEW($$, N_FOR, @$);
			$$->forl.var = $2;
			$$->forl.iter = $4;
			$$->forl.body = $5;
		}
	| FOR VAR ':' expr DOTDOT expr block
		{
			NEW($$, N_FOR, @$);
			$$->forl.var = $2;
			$$->forl.start = $4;
			$$->forl.end = $6;
			$$->forl.body = $7;
		}
	| FOR '(' VAR ':' expr ')' block
		{
			NEW($$, N_FOR, @$);
			$$->forl.var = $3;
			$$->forl.iter = $5;
			$$->forl.body = $7;
		}
	| FOR '(' VAR ':' expr DOTDOT expr ')' block
		{
			NEW($$, N_FOR, @$);
			$$->forl.var = $3;
			$$->forl.start = $5;
			$$->forl.end = $7;
			$$->forl.body = $9;
		}
	| block				{ $$ = $1; }
	;

/* if_stmt: 'if' expr block ['else' (block | if_stmt)]; `if (x)` is the
 * parenthesised expression, and bpftrace also takes `if x { }`. */
if_stmt
	: IF expr block
		{
			NEW($$, N_IF, @$);
			$$->cond.cond = $2;
			$$->cond.then = $3;
		}
	| IF expr block ELSE block
		{
			NEW($$, N_IF, @$);
			$$->cond.cond = $2;
			$$->cond.then = $3;
			$$->cond.els = $5;
		}
	| IF expr block ELSE if_stmt
		{
			NEW($$, N_IF, @$);
			$$->cond.cond = $2;
			$$->cond.then = $3;
			$$->cond.els = $5;
		}
	;

simple
	: expr
		{ NEW($$, N_EXPR_STMT, @$); $$->stmt.expr = $1; }
	| lvalue '=' value
		{
			NEW($$, N_ASSIGN, @$);
			$$->assign.target = $1;
			$$->assign.op = OP_NONE;
			$$->assign.value = $3;
		}
	| DISCARD '=' value	/* `_ = f()`: the discard expression */
		{
			NEW($$, N_EXPR_STMT, @$);
			$$->stmt.expr = $3;
		}
	| lvalue COMPOUND_ASSIGN value
		{
			NEW($$, N_ASSIGN, @$);
			$$->assign.target = $1;
			$$->assign.op = $2;
			$$->assign.value = $3;
		}
	| BREAK				{ NEW($$, N_BREAK, @$); }
	| CONTINUE			{ NEW($$, N_CONTINUE, @$); }
	| RETURN			{ NEW($$, N_RETURN, @$); }
	| RETURN expr			{ NEW($$, N_RETURN, @$); $$->stmt.expr = $2; }
	| let_stmt			{ $$ = $1; }
	;

/* let_stmt: 'let' variable [':' type_name '*'*] ['=' expr] */
let_stmt
	: LET VAR
		{ NEW($$, N_LET, @$); $$->let.var = $2; }
	| LET VAR '=' value
		{ NEW($$, N_LET, @$); $$->let.var = $2; $$->let.value = $4; }
	| LET VAR ':' type_name stars array_dim
		{
			NEW($$, N_LET, @$);
			$$->let.var = $2;
			$$->let.tname = $4;
			$$->let.ptr_depth = $5;
			$$->let.array = $6;
		}
	| LET VAR ':' type_name stars array_dim '=' value
		{
			NEW($$, N_LET, @$);
			$$->let.var = $2;
			$$->let.tname = $4;
			$$->let.ptr_depth = $5;
			$$->let.array = $6;
			$$->let.value = $8;
		}
	;

lvalue
	: map				{ $$ = $1; }
	| VAR				{ $$ = $1; }
	;

map
	: MAP %prec MAP_ALONE		{ $$ = $1; }
	| MAP '[' exprs ']'		{ $$ = $1; $$->map.keys = $3; $$->loc = @$; }
	;

call
	: CALL '(' ')'
		{ NEW($$, N_CALL, @$); $$->call.name = $1; }
	| CALL '(' values ')'
		{ NEW($$, N_CALL, @$); $$->call.name = $1; $$->call.args = $3; }
	| CALL '(' type_name stars ')'
		{
			/* sizeof(struct A): the type is a cast without an operand */
			struct node *t;
			NEW(t, N_CAST, loc_span(@3, @4));
			t->cast.tname = $3;
			t->cast.ptr_depth = $4;
			NEW($$, N_CALL, @$);
			$$->call.name = $1;
			$$->call.args = t;
		}
	| CALL '(' type_name stars ',' values ')'
		{
			/* offsetof(struct A, f.g): a type, then the field path */
			struct node *t;
			NEW(t, N_CAST, loc_span(@3, @4));
			t->cast.tname = $3;
			t->cast.ptr_depth = $4;
			t->next = $6;
			NEW($$, N_CALL, @$);
			$$->call.name = $1;
			$$->call.args = t;
		}
	;

exprs
	: expr				{ $$ = $1; }
	| exprs ',' expr		{ $$ = list_add(st, &$1, $3); }
	;

expr
	: INT				{ $$ = $1; }
	| STRING			{ $$ = $1; }
	| POSPARAM			{ $$ = $1; }
	| IDENT				{ NEW($$, N_IDENT, @$); $$->ident.name = $1; }
	| lvalue			{ $$ = $1; }
	| call				{ $$ = $1; }
	| '(' value ')'			{ $$ = $2; }
	| '(' value ',' values ')'
		{
			NEW($$, N_TUPLE, @$);
			$$->tuple.elems = ast_append(&$2, $4);
		}
	| '(' record_fields ')'	/* a record: (a=1, b="x") */
		{
			$$ = parse_record(st, $2, @$);
			if (!$$)
				YYNOMEM;
		}
	| '(' type_name stars array_dim ')' expr %prec UNARY
		{
			NEW($$, N_CAST, @$);
			$$->cast.tname = $2;
			$$->cast.ptr_depth = $3;
			$$->cast.array = $4;
			$$->cast.operand = $6;
		}
	| expr '?' expr ':' expr
		{
			NEW($$, N_TERNARY, @$);
			$$->cond.cond = $1;
			$$->cond.then = $3;
			$$->cond.els = $5;
		}
	| expr '?' ':' expr	/* a ?: b is a when it is not zero, else b */
		{
			NEW($$, N_TERNARY, @$);
			$$->cond.cond = $1;
			$$->cond.els = $4;
		}
	| expr LOR expr			{ BINARY($$, OP_LOR, $1, $3, @$); }
	| expr LAND expr		{ BINARY($$, OP_LAND, $1, $3, @$); }
	| expr '|' expr			{ BINARY($$, OP_BOR, $1, $3, @$); }
	| expr '^' expr			{ BINARY($$, OP_BXOR, $1, $3, @$); }
	| expr '&' expr			{ BINARY($$, OP_BAND, $1, $3, @$); }
	| expr EQ expr			{ BINARY($$, OP_EQ, $1, $3, @$); }
	| expr NE expr			{ BINARY($$, OP_NE, $1, $3, @$); }
	| expr '<' expr			{ BINARY($$, OP_LT, $1, $3, @$); }
	| expr '>' expr			{ BINARY($$, OP_GT, $1, $3, @$); }
	| expr LE expr			{ BINARY($$, OP_LE, $1, $3, @$); }
	| expr GE expr			{ BINARY($$, OP_GE, $1, $3, @$); }
	| expr SHL expr			{ BINARY($$, OP_SHL, $1, $3, @$); }
	| expr SHR expr			{ BINARY($$, OP_SHR, $1, $3, @$); }
	| expr '+' expr			{ BINARY($$, OP_ADD, $1, $3, @$); }
	| expr '-' expr			{ BINARY($$, OP_SUB, $1, $3, @$); }
	| expr '*' expr			{ BINARY($$, OP_MUL, $1, $3, @$); }
	| expr '/' expr			{ BINARY($$, OP_DIV, $1, $3, @$); }
	| expr '%' expr			{ BINARY($$, OP_MOD, $1, $3, @$); }
	| '-' expr %prec UNARY		{ UNARY($$, OP_NEG, $2, @$); }
	| '+' expr %prec UNARY		{ UNARY($$, OP_PLUS, $2, @$); }
	| '!' expr %prec UNARY		{ UNARY($$, OP_LNOT, $2, @$); }
	| '~' expr %prec UNARY		{ UNARY($$, OP_BNOT, $2, @$); }
	| '*' expr %prec UNARY		{ UNARY($$, OP_DEREF, $2, @$); }
	| '&' expr %prec UNARY		{ UNARY($$, OP_ADDR, $2, @$); }
	| INC expr %prec UNARY		{ $$ = parse_incdec(st, $2, true, false, @$); if (!$$) YYNOMEM; }
	| DEC expr %prec UNARY		{ $$ = parse_incdec(st, $2, false, false, @$); if (!$$) YYNOMEM; }
	| expr INC			{ $$ = parse_incdec(st, $1, true, true, @$); if (!$$) YYNOMEM; }
	| expr DEC			{ $$ = parse_incdec(st, $1, false, true, @$); if (!$$) YYNOMEM; }
	| expr '.' field_name
		{
			NEW($$, N_FIELD, @$);
			$$->field.base = $1;
			$$->field.name = $3;
		}
	| expr ARROW field_name
		{
			NEW($$, N_FIELD, @$);
			$$->field.base = $1;
			$$->field.name = $3;
			$$->field.is_arrow = true;
		}
	| expr '[' expr ']'
		{
			NEW($$, N_INDEX, @$);
			$$->index.base = $1;
			$$->index.index = $3;
		}
	;

/* A field name; `$t.0` selects a tuple element. */
field_name
	: IDENT				{ $$ = $1; }
	| TYPE				{ $$ = $1; }
	| INT				{ $$ = arena_printf(ARENA, "%" PRIu64, $1->num.value); }
	;

/* type_name: int-type+ | ('struct' | 'union' | 'enum') identifier */
type_name
	: TYPE				{ $$ = $1; }
	| type_name TYPE		{ $$ = arena_printf(ARENA, "%s %s", $1, $2); }
	| STRUCT IDENT			{ $$ = arena_printf(ARENA, "struct %s", $2); }
	| UNION IDENT			{ $$ = arena_printf(ARENA, "union %s", $2); }
	| ENUM IDENT			{ $$ = arena_printf(ARENA, "enum %s", $2); }
	;

stars
	: %empty			{ $$ = 0; }
	| stars '*'			{ $$ = $1 + 1; }
	;

/* array_dim: ['[' [integer] ']']: an array of the type before it; -1 for
 * `[]`, whose count comes from what is cast. */
array_dim
	: %empty			{ $$ = 0; }
	| '[' ']'			{ $$ = -1; }
	| '[' INT ']'
		{
			if ($2->num.value < 1 || $2->num.value > 4096)
				diag_error(&st->p->diags, @2, "array size must be from 1 to 4096");
			$$ = $2->num.value < 1 || $2->num.value > 4096 ? 1 : (int)$2->num.value;
		}
	;

%%

/* Wrap the scanner to remember the last token, so "unexpected end of file"
 * points just past it (or at 1:1 for an empty program). */
static int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner, struct lex_state *st)
{
	int tok = lex_scan(lval, lloc, scanner);
	if (tok != 0) {
		st->last = *lloc;
		st->any_token = true;
		return tok;
	}
	struct loc l = { .file = st->file, .line = 1, .col = 1 };
	if (st->any_token) {
		l.line = st->last.end_line;
		l.col = st->last.end_col;
	}
	l.end_line = l.line;
	l.end_col = l.col + 1;
	*lloc = l;
	return 0;
}

/* `++x`, `x--`: the grammar takes any operand so the error can say what is wrong
 * with it, as bpftrace does, instead of a bare syntax error. NULL when out of memory. */
static struct node *parse_incdec(struct lex_state *st, struct node *operand, bool is_inc,
				 bool is_post, struct loc where)
{
	if (operand->kind != N_VAR && operand->kind != N_MAP)
		diag_error(&st->p->diags, operand->loc,
			   "The %s operator must be applied to a map or variable",
			   is_inc ? "++" : "--");
	struct node *n = ast_new(ARENA, N_INCDEC, where);
	if (n) {
		n->incdec.operand = operand;
		n->incdec.is_inc = is_inc;
		n->incdec.is_post = is_post;
	}
	return n;
}

/* ast_append in constant time for the left-recursive list rules: a list being
 * built keeps its last node in st->lists, most recently used first, so the
 * lists an outer list's items hold (a statement's arguments, an if's block)
 * do not push it out; n statements in a block take O(n), not O(n^2) (20,000
 * took 9 s). A cached tail is used only while it is still last; the one place
 * that detaches a node (parse_block_value) forgets them all. */
static struct node *list_add(struct lex_state *st, struct node **head, struct node *item)
{
	enum { N = sizeof(st->lists) / sizeof(st->lists[0]) };
	size_t i = 0;
	if (!item)
		return *head;
	while (i < N - 1 && (!*head || st->lists[i].head != *head))
		i++;	/* i: the entry of this list, else the last, to reuse */
	struct node *tail = *head && st->lists[i].head == *head ? st->lists[i].tail : NULL;
	if (tail && !tail->next)
		tail->next = item;
	else
		ast_append(head, item);
	for (tail = item; tail->next; tail = tail->next)
		;
	memmove(&st->lists[1], &st->lists[0], i * sizeof(st->lists[0]));
	st->lists[0].head = *head;
	st->lists[0].tail = tail;
	return *head;
}

/* A block expression `blk` of stmts and a last statement `last` (NULL when the
 * block ends with `;`): an expression statement is the value; a final if/else
 * whose branches have values is one too (`{ if (a) { 1 } else { 2 } }`). NULL
 * when out of memory. */
static struct node *parse_block_value(struct lex_state *st, struct node *blk, struct node *stmts,
				      struct node *last)
{
	memset(st->lists, 0, sizeof(st->lists));	/* a list may lose its last node below */
	blk->block.stmts = stmts;
	if (!last) {	/* the last statement, if it is an if/else, may be the value */
		struct node **slot = &blk->block.stmts;
		while (*slot && (*slot)->next)
			slot = &(*slot)->next;
		if (!*slot || (*slot)->kind != N_IF || !(*slot)->cond.els)
			return blk;
		last = *slot;
		*slot = NULL;
	}
	if (last->kind == N_EXPR_STMT) {
		blk->block.value = last->stmt.expr;
	} else if (last->kind == N_IF && last->cond.els) {
		blk->block.value = parse_if_value(st, last);
		if (!blk->block.value)
			return NULL;
	} else {
		ast_append(&blk->block.stmts, last);
	}
	return blk;
}

/* A branch of an if/else used as a value: its statement list as a block
 * expression (an `else if` is a nested conditional). */
static struct node *parse_branch_value(struct lex_state *st, struct node *list, struct loc where)
{
	if (list && list->kind == N_IF && !list->next)
		return parse_if_value(st, list);
	struct node *blk = ast_new(ARENA, N_BLOCK_EXPR, where);
	if (!blk)
		return NULL;
	struct node **slot = &list, *last = NULL;
	while (*slot && (*slot)->next)
		slot = &(*slot)->next;
	last = *slot;
	*slot = NULL;
	return parse_block_value(st, blk, list, last);
}

/* `if (c) { a } else { b }` where a value stands: the conditional c ? a : b.
 * Without an else branch it has no value, which is an error. NULL when out of
 * memory. */
static struct node *parse_if_value(struct lex_state *st, struct node *n)
{
	if (!n->cond.els) {
		diag_error(&st->p->diags, n->loc, "if statement without an else branch has no value");
		return n;
	}
	struct node *t = ast_new(ARENA, N_TERNARY, n->loc);
	if (!t)
		return NULL;
	t->cond.cond = n->cond.cond;
	t->cond.then = parse_branch_value(st, n->cond.then, n->loc);
	t->cond.els = parse_branch_value(st, n->cond.els, n->loc);
	return t->cond.then && t->cond.els ? t : NULL;
}

/* (a=1, b="x"): a tuple whose elements have names. `fields` is the list of
 * N_NAMED the grammar built; the record keeps the values and a name array.
 * A name given twice is an error. NULL when out of memory. */
static struct node *parse_record(struct lex_state *st, struct node *fields, struct loc where)
{
	struct node *n = ast_new(ARENA, N_TUPLE, where), **tail;
	int count = ast_list_len(fields), i = 0;
	if (!n)
		return NULL;
	n->tuple.names = arena_alloc(ARENA, sizeof(*n->tuple.names) * (size_t)count);
	if (!n->tuple.names)
		return NULL;
	tail = &n->tuple.elems;
	for (struct node *f = fields; f; f = f->next, i++) {
		for (int j = 0; j < i; j++)
			if (!strcmp(n->tuple.names[j], f->named.name))
				diag_error(&st->p->diags, f->loc, "Duplicate field name '%s' in record",
					   f->named.name);
		n->tuple.names[i] = f->named.name;
		*tail = f->named.value;
		tail = &f->named.value->next;
	}
	return n;
}

/* The top-level list, probes and macros in source order, split into the
 * program's two lists; probes are numbered from 0. */
static void parse_split_tops(struct node *prog, struct node *tops)
{
	struct node **probes = &prog->program.probes, **macros = &prog->program.macros;
	struct node **decls = &prog->program.decls;
	int i = 0;
	for (struct node *n = tops, *next; n; n = next) {
		next = n->next;
		n->next = NULL;
		if (n->kind == N_PROBE) {
			n->probe.index = i++;
			*probes = n;
			probes = &n->next;
		} else if (n->kind == N_MAPDECL) {
			*decls = n;
			decls = &n->next;
		} else {
			*macros = n;
			macros = &n->next;
		}
	}
}

/* Only bison's own failures (memory exhausted) come here; syntax errors go
 * through yyreport_syntax_error. */
static void yyerror(YYLTYPE *lloc, yyscan_t scanner, struct lex_state *st, const char *msg)
{
	(void)scanner;
	if (strcmp(msg, "memory exhausted")) {
		diag_error(&st->p->diags, *lloc, "%s", msg);
		return;
	}
	/* bison's stack (YYMAXDEPTH entries) is full: thousands of open
	 * parentheses, blocks or operators */
	diag_hint(&st->p->diags, diag_error(&st->p->diags, *lloc,
					    "the program is nested too deeply to parse"),
		  "split the expression or block: assign parts to variables");
}

/* A token's printable name: "identifier", ";", "end of file". */
static const char *parse_token_name(yysymbol_kind_t sym, char *buf, size_t size)
{
	const char *name = yysymbol_name(sym);
	size_t len = strlen(name);
	if (len >= 2 && (name[0] == '\'' || name[0] == '"') && name[len - 1] == name[0]) {
		snprintf(buf, size, "%.*s", (int)(len - 2), name + 1);
		return buf;
	}
	return name;
}

/* Tokens that only continue an expression. They are left out of "expecting"
 * lists: after `f(x)` the useful answer is `; or }`, not every operator. */
static bool parse_is_operator(yysymbol_kind_t sym)
{
	static const char ops[] = "?|^&<>+-*/%.[";
	const char *name = yysymbol_name(sym);
	if (name[0] == '\'' && name[1] && strchr(ops, name[1]) && name[2] == '\'')
		return true;
	switch (sym) {
	case YYSYMBOL_LOR: case YYSYMBOL_LAND: case YYSYMBOL_EQ: case YYSYMBOL_NE:
	case YYSYMBOL_LE: case YYSYMBOL_GE: case YYSYMBOL_SHL: case YYSYMBOL_SHR:
	case YYSYMBOL_INC: case YYSYMBOL_DEC: case YYSYMBOL_ARROW:
		return true;
	default:
		return false;
	}
}

/* Keywords that open an optional top-level part (config block, macro, map
 * declaration): left out of "expecting" lists too, where a probe is what the
 * reader is missing. */
static bool parse_is_preamble(yysymbol_kind_t sym)
{
	return sym == YYSYMBOL_CONFIG || sym == YYSYMBOL_MACRO || sym == YYSYMBOL_LET;
}

/* "syntax error, unexpected X[, expecting A or B ...]" at the offending token. */
static int yyreport_syntax_error(const yypcontext_t *ctx, yyscan_t scanner,
				 struct lex_state *st)
{
	(void)scanner;
	enum { MAX_EXPECTED = 64, MAX_LISTED = 4 };
	yysymbol_kind_t expected[MAX_EXPECTED];
	int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
	int kept = 0;
	for (int i = 0; i < n; i++)
		if (!parse_is_operator(expected[i]) && !parse_is_preamble(expected[i]))
			expected[kept++] = expected[i];

	struct sb msg;
	char buf[64];
	sb_init(&msg);
	sb_puts(&msg, "syntax error");
	yysymbol_kind_t tok = yypcontext_token(ctx);
	if (tok != YYSYMBOL_YYEMPTY)
		sb_printf(&msg, ", unexpected %s", parse_token_name(tok, buf, sizeof(buf)));
	for (int i = 0; n > 0 && kept <= MAX_LISTED && i < kept; i++)
		sb_printf(&msg, "%s%s", i ? " or " : ", expecting ",
			  parse_token_name(expected[i], buf, sizeof(buf)));
	diag_error(&st->p->diags, *yypcontext_location(ctx), "%s",
		   msg.err ? "syntax error" : sb_str(&msg));
	sb_fini(&msg);
	return 0;
}

/* Parse src (named file) into *ast; false on any syntax error. */
static bool parse_text(struct program *p, const char *file, const char *src,
		       struct node **ast)
{
	struct lex_state st = { .p = p, .file = file, .src = src, .line = 1, .col = 1 };
	int before = p->diags.nerrors;
	yyscan_t scanner;
	if (lex_open(&scanner, &st) < 0) {
		diag_error(&p->diags, (struct loc){ 0 }, "out of memory");
		return false;
	}
	int rc = yyparse(scanner, &st);
	lex_close(scanner);
	*ast = st.ast;
	return rc == 0 && p->diags.nerrors == before && st.ast;
}

/* A program text with a NUL byte (a binary file given as the script) is an
 * error at the first NUL; the text after it would otherwise be ignored. */
static bool parse_check_nul(struct program *p)
{
	size_t n = strlen(p->src);
	struct loc l = { .file = p->file, .line = 1, .col = 1 };

	if (n >= p->src_len)
		return true;
	for (size_t i = 0; i < n; i++) {
		l.col = p->src[i] == '\n' ? 1 : l.col + 1;
		l.line += p->src[i] == '\n';
	}
	l.end_line = l.line;
	l.end_col = l.col + 1;
	diag_hint(&p->diags, diag_error(&p->diags, l, "invalid character '\\x00'"),
		  "a program is text, and this one holds a NUL byte: is it a binary file?");
	return false;
}

static bool parse_is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Whether src holds the n-byte word w, not as part of a longer identifier. */
static bool parse_has_word(const char *src, const char *w, size_t n)
{
	for (const char *s = src; (s = strstr(s, w)); s++) {
		char before = s == src ? ' ' : s[-1];
		if (!parse_is_ident_char(before) && !parse_is_ident_char(s[n]))
			return true;
	}
	return false;
}

/* Whether the script may call a macro of the standard library: it names one
 * of them (each `macro NAME(` of its text). Parsing the library costs more than
 * lexing and parsing a typical one-liner, so it is paid for only when used. */
static bool parse_uses_stdlib(const char *src)
{
	char name[64];

	for (const char *m = parse_stdlib_src; (m = strstr(m, "macro ")); ) {
		m += strlen("macro ");
		size_t n = strcspn(m, "( ");
		if (n >= sizeof(name))
			return true;
		memcpy(name, m, n);
		name[n] = '\0';
		if (parse_has_word(src, name, n))
			return true;
	}
	return false;
}

/* Deeper trees than this are refused: sema and codegen walk a tree
 * recursively, and `1+1+...+1` (left-associative, so bison's stack stays
 * flat) or thousands of unary operators would overflow the C stack. No
 * program a person writes comes near it. */
enum { PARSE_MAX_DEPTH = 1000 };

struct depth_walk {
	int depth;
	const struct node *deep;	/* the first node below the limit */
};

/* Recursion here is bounded by PARSE_MAX_DEPTH itself. */
static void parse_depth_child(struct node **slot, void *ctx)
{
	struct depth_walk *w = ctx;
	if (w->deep)
		return;
	if (w->depth >= PARSE_MAX_DEPTH) {
		w->deep = *slot;
		return;
	}
	w->depth++;
	ast_each_child(*slot, parse_depth_child, w);
	w->depth--;
}

static bool parse_check_depth(struct program *p)
{
	struct depth_walk w = {0, NULL};
	ast_each_child(p->ast, parse_depth_child, &w);
	if (!w.deep)
		return true;
	diag_hint(&p->diags, diag_error(&p->diags, w.deep->loc,
					"the program is nested too deeply (more than %d levels)",
					PARSE_MAX_DEPTH),
		  "split the expression or block: assign parts to variables");
	return false;
}

bool parse_program(struct program *p)
{
	struct node *lib;
	if (!parse_check_nul(p) || !parse_text(p, p->file, p->src, &p->ast) ||
	    !parse_check_depth(p))
		return false;
	if (!parse_uses_stdlib(p->src))
		return true;
	diag_add_source(&p->diags, parse_stdlib_file, parse_stdlib_src);
	/* the standard library's macros come after the script's, which take
	 * precedence (a script's macro of the same signature replaces one) */
	if (!parse_text(p, parse_stdlib_file, parse_stdlib_src, &lib))
		return false;
	p->ast->program.stdlib = lib->program.macros;
	return true;
}
