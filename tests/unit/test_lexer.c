/* Lexer tests: the token stream (kind, value, range) the scanner gives the
 * parser, in each of its start conditions: top level (attach points), predicate
 * and block (expression language), skipped C struct definitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>

#include <cmocka.h>

#include "fe_helpers.h"
#include "parser.h"	/* generated: token numbers, lex_open/lex_scan/lex_close */

/* Names of the tokens that carry no value. */
static const char *token_name(int tok)
{
	switch (tok) {
	case PRED_END: return "PRED_END";
	case IF: return "if";
	case ELSE: return "else";
	case WHILE: return "while";
	case UNROLL: return "unroll";
	case BREAK: return "break";
	case CONTINUE: return "continue";
	case RETURN: return "return";
	case STRUCT: return "struct";
	case UNION: return "union";
	case ENUM: return "enum";
	case EQ: return "==";
	case NE: return "!=";
	case LE: return "<=";
	case GE: return ">=";
	case SHL: return "<<";
	case SHR: return ">>";
	case LAND: return "&&";
	case LOR: return "||";
	case INC: return "++";
	case DEC: return "--";
	case ARROW: return "->";
	default: return NULL;
	}
}

/* One token as `KIND value line:col-end_col`. */
static void print_token(FILE *out, int tok, const YYSTYPE *v, const struct loc *l)
{
	const char *name = token_name(tok);
	switch (tok) {
	case ATTACH: fprintf(out, "ATTACH %s", v->str); break;
	case IDENT: fprintf(out, "IDENT %s", v->str); break;
	case CALL: fprintf(out, "CALL %s", v->str); break;
	case TYPE: fprintf(out, "TYPE %s", v->str); break;
	case INT:
		fprintf(out, "INT %" PRIu64 "%s", v->node->num.value,
			v->node->num.is_unsigned ? "u" : "");
		break;
	case STRING:
		fprintf(out, "STRING[%zu] ", v->node->str.len);
		for (size_t i = 0; i < v->node->str.len; i++) {
			unsigned char c = (unsigned char)v->node->str.value[i];
			fprintf(out, c < 0x20 ? "\\x%02x" : "%c", c);
		}
		break;
	case VAR: fprintf(out, "VAR %s", v->node->ident.name); break;
	case MAP: fprintf(out, "MAP %s", v->node->map.name); break;
	case POSPARAM: fprintf(out, "POSPARAM %d", v->node->param.index); break;
	case COMPOUND_ASSIGN: fprintf(out, "COMPOUND %s=", binop_str(v->op)); break;
	default:
		if (name)
			fputs(name, out);
		else
			fprintf(out, "'%c'", tok);
	}
	if (l->end_line == l->line)
		fprintf(out, " %d:%d-%d\n", l->line, l->col, l->end_col);
	else
		fprintf(out, " %d:%d-%d:%d\n", l->line, l->col, l->end_line, l->end_col);
}

/* Every token of src, then the diagnostics the scanner reported. */
static char *lex_all(const char *src)
{
	struct program p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(program_init(&p, "stdin", src), 0);
	struct lex_state st = { .p = &p, .file = p.file, .src = p.src, .line = 1, .col = 1 };
	yyscan_t sc;
	assert_int_equal(lex_open(&sc, &st), 0);
	YYSTYPE v;
	struct loc l;
	int tok;
	while ((tok = lex_scan(&v, &l, sc)) != 0)
		print_token(out, tok, &v, &l);
	lex_close(sc);
	diag_print(&p.diags, out, false);
	fclose(out);
	program_fini(&p);
	return buf;
}

struct lex_case {
	const char *name;
	const char *src;
	const char *want;
};

static const struct lex_case lex_cases[] = {
	{
		.name = "top_level",
		.src =
			"kprobe:vfs_*,uprobe:\"/a b\":f /pid/ {}",
		.want =
			"ATTACH kprobe:vfs_* 1:1-13\n"
			"',' 1:13-14\n"
			"ATTACH uprobe:/a b:f 1:14-29\n"
			"'/' 1:30-31\n"
			"IDENT pid 1:31-34\n"
			"PRED_END 1:34-35\n"
			"'{' 1:36-37\n"
			"'}' 1:37-38\n",
	},
	{
		.name = "attach_words",
		.src =
			"BEGIN,END uprobe:/lib/x86_64-linux-gnu/libc.so.6:getenv\tkprobe:f+0x10{}",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"',' 1:6-7\n"
			"ATTACH END 1:7-10\n"
			"ATTACH uprobe:/lib/x86_64-linux-gnu/libc.so.6:getenv 1:11-56\n"
			"ATTACH kprobe:f+0x10 1:57-70\n"
			"'{' 1:70-71\n"
			"'}' 1:71-72\n",
	},
	{
		.name = "operators",
		.src =
			"BEGIN { == != <= >= << >> && || ++ -- -> += -= *= /= %= &= |= ^= <<= >>= + - * / % & | ^ ! ~ < > = ? : ; , . ( ) [ ] }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"== 1:9-11\n"
			"!= 1:12-14\n"
			"<= 1:15-17\n"
			">= 1:18-20\n"
			"<< 1:21-23\n"
			">> 1:24-26\n"
			"&& 1:27-29\n"
			"|| 1:30-32\n"
			"++ 1:33-35\n"
			"-- 1:36-38\n"
			"-> 1:39-41\n"
			"COMPOUND += 1:42-44\n"
			"COMPOUND -= 1:45-47\n"
			"COMPOUND *= 1:48-50\n"
			"COMPOUND /= 1:51-53\n"
			"COMPOUND %= 1:54-56\n"
			"COMPOUND &= 1:57-59\n"
			"COMPOUND |= 1:60-62\n"
			"COMPOUND ^= 1:63-65\n"
			"COMPOUND <<= 1:66-69\n"
			"COMPOUND >>= 1:70-73\n"
			"'+' 1:74-75\n"
			"'-' 1:76-77\n"
			"'*' 1:78-79\n"
			"'/' 1:80-81\n"
			"'%' 1:82-83\n"
			"'&' 1:84-85\n"
			"'|' 1:86-87\n"
			"'^' 1:88-89\n"
			"'!' 1:90-91\n"
			"'~' 1:92-93\n"
			"'<' 1:94-95\n"
			"'>' 1:96-97\n"
			"'=' 1:98-99\n"
			"'?' 1:100-101\n"
			"':' 1:102-103\n"
			"';' 1:104-105\n"
			"',' 1:106-107\n"
			"'.' 1:108-109\n"
			"'(' 1:110-111\n"
			"')' 1:112-113\n"
			"'[' 1:114-115\n"
			"']' 1:116-117\n"
			"'}' 1:118-119\n",
	},
	{
		.name = "numbers",
		.src =
			"BEGIN { 0 0x1F 017 1_000_000 10u 20UL 30ll 40LLU 1e6 2E3u 18446744073709551615 'A' '\\x41' '\\0' }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"INT 0 1:9-10\n"
			"INT 31 1:11-15\n"
			"INT 15 1:16-19\n"
			"INT 1000000 1:20-29\n"
			"INT 10u 1:30-33\n"
			"INT 20u 1:34-38\n"
			"INT 30 1:39-43\n"
			"INT 40u 1:44-49\n"
			"INT 1000000 1:50-53\n"
			"INT 2000u 1:54-58\n"
			"INT 18446744073709551615u 1:59-79\n"
			"INT 65 1:80-83\n"
			"INT 65 1:84-90\n"
			"INT 0 1:91-95\n"
			"'}' 1:96-97\n",
	},
	{
		.name = "strings",
		.src =
			"BEGIN { \"\" \"plain\" \"a\\tb\\n\" \"\\x41\\101\\\"\\\\\" }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"STRING[0]  1:9-11\n"
			"STRING[5] plain 1:12-19\n"
			"STRING[4] a\\x09b\\x0a 1:20-28\n"
			"STRING[4] AA\"\\ 1:29-43\n"
			"'}' 1:44-45\n",
	},
	{
		.name = "sigils",
		.src =
			"BEGIN { $x $_y1 $1 $12 $# @ @name @_n2 }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"VAR $x 1:9-11\n"
			"VAR $_y1 1:12-16\n"
			"POSPARAM 1 1:17-19\n"
			"POSPARAM 12 1:20-23\n"
			"POSPARAM 0 1:24-26\n"
			"MAP @ 1:27-28\n"
			"MAP @name 1:29-34\n"
			"MAP @_n2 1:35-39\n"
			"'}' 1:40-41\n",
	},
	{
		.name = "keywords_types",
		.src =
			"BEGIN { if else while unroll break continue return struct union enum int8 uint64 unsigned void iff }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"if 1:9-11\n"
			"else 1:12-16\n"
			"while 1:17-22\n"
			"unroll 1:23-29\n"
			"break 1:30-35\n"
			"continue 1:36-44\n"
			"return 1:45-51\n"
			"struct 1:52-58\n"
			"union 1:59-64\n"
			"enum 1:65-69\n"
			"TYPE int8 1:70-74\n"
			"TYPE uint64 1:75-81\n"
			"TYPE unsigned 1:82-90\n"
			"TYPE void 1:91-95\n"
			"IDENT iff 1:96-99\n"
			"'}' 1:100-101\n",
	},
	{
		.name = "call_vs_ident",
		.src =
			"BEGIN { foo(x) bar (y) baz\n"
			"(z) qux }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"CALL foo 1:9-12\n"
			"'(' 1:12-13\n"
			"IDENT x 1:13-14\n"
			"')' 1:14-15\n"
			"CALL bar 1:16-19\n"
			"'(' 1:20-21\n"
			"IDENT y 1:21-22\n"
			"')' 1:22-23\n"
			"CALL baz 1:24-27\n"
			"'(' 2:1-2\n"
			"IDENT z 2:2-3\n"
			"')' 2:3-4\n"
			"IDENT qux 2:5-8\n"
			"'}' 2:9-10\n",
	},
	{
		.name = "comments_lines",
		.src =
			"BEGIN // line comment\n"
			"{\n"
			" /* block\n"
			" comment */ x // y\n"
			"}",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 2:1-2\n"
			"IDENT x 4:13-14\n"
			"'}' 5:1-2\n",
	},
	{
		.name = "include_struct_skipped",
		.src =
			"#include <linux/fs.h>\n"
			"struct s { int a; struct { char b; } c; };\n"
			"BEGIN {}",
		.want =
			"ATTACH BEGIN 3:1-6\n"
			"'{' 3:7-8\n"
			"'}' 3:8-9\n",
	},
	{
		.name = "predicate_division",
		.src =
			"kprobe:f /@x / 2 > 1/ { @y / 2 }",
		.want =
			"ATTACH kprobe:f 1:1-9\n"
			"'/' 1:10-11\n"
			"MAP @x 1:11-13\n"
			"'/' 1:14-15\n"
			"INT 2 1:16-17\n"
			"'>' 1:18-19\n"
			"INT 1 1:20-21\n"
			"PRED_END 1:21-22\n"
			"'{' 1:23-24\n"
			"MAP @y 1:25-27\n"
			"'/' 1:28-29\n"
			"INT 2 1:30-31\n"
			"'}' 1:32-33\n",
	},
	{
		.name = "predicate_end_comment",
		.src =
			"kprobe:f /1/ /* c */\n"
			"{ }",
		.want =
			"ATTACH kprobe:f 1:1-9\n"
			"'/' 1:10-11\n"
			"INT 1 1:11-12\n"
			"PRED_END 1:12-13\n"
			"'{' 2:1-2\n"
			"'}' 2:3-4\n",
	},
	{
		.name = "nested_braces",
		.src =
			"BEGIN { if (1) { { } } } END { }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"if 1:9-11\n"
			"'(' 1:12-13\n"
			"INT 1 1:13-14\n"
			"')' 1:14-15\n"
			"'{' 1:16-17\n"
			"'{' 1:18-19\n"
			"'}' 1:20-21\n"
			"'}' 1:22-23\n"
			"'}' 1:24-25\n"
			"ATTACH END 1:26-29\n"
			"'{' 1:30-31\n"
			"'}' 1:32-33\n",
	},
	{
		.name = "lex_errors",
		.src =
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"STRING[0]  1:11-15\n"
			"INT 0 1:16-18\n"
			"INT 0 1:19-23\n"
			"INT 0 1:24-44\n"
			"'}' 1:47-48\n"
			"stdin:1:9-10: ERROR: invalid character '`'\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"        ~\n"
			"stdin:1:11-15: ERROR: invalid escape character '\\q'\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"          ~~~~\n"
			"stdin:1:16-18: ERROR: invalid integer literal '0x'\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"               ~~\n"
			"stdin:1:19-23: ERROR: invalid integer literal '12ab'\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"                  ~~~~\n"
			"stdin:1:24-44: ERROR: integer literal is too large: 99999999999999999999\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"                       ~~~~~~~~~~~~~~~~~~~~\n"
			"stdin:1:45-46: ERROR: invalid character '$'\n"
			"BEGIN { ` \"\\q\" 0x 12ab 99999999999999999999 $ }\n"
			"                                            ~\n",
	},
	{
		.name = "unterminated_string",
		.src =
			"BEGIN { \"abc",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"STRING[3] abc 1:9-13\n"
			"stdin:1:9-13: ERROR: unterminated string\n"
			"BEGIN { \"abc\n"
			"        ~~~~\n",
	},
	{
		.name = "unterminated_comment",
		.src =
			"BEGIN { /* abc",
		.want =
			"ATTACH BEGIN 1:1-6\n"
			"'{' 1:7-8\n"
			"stdin:1:9-15: ERROR: unterminated comment\n"
			"BEGIN { /* abc\n"
			"        ~~~~~~\n",
	},
};

static void test_lex_table(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof(lex_cases) / sizeof(lex_cases[0]); i++) {
		const struct lex_case *c = &lex_cases[i];
		char *got = lex_all(c->src);
		if (strcmp(got, c->want) != 0) {
			fprintf(stderr, "case %s:\n", c->name);
			fe_expect(c->src, got, c->want);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* Locations carry the program's file name. */
static void test_loc_file(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "tools/x.bt", "BEGIN {}"), 0);
	struct lex_state st = { .p = &p, .file = p.file, .src = p.src, .line = 1, .col = 1 };
	yyscan_t sc;
	assert_int_equal(lex_open(&sc, &st), 0);
	YYSTYPE v;
	struct loc l;
	assert_int_equal(lex_scan(&v, &l, sc), ATTACH);
	assert_string_equal(l.file, "tools/x.bt");
	lex_close(sc);
	program_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lex_table),
		cmocka_unit_test(test_loc_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
