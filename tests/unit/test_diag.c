/* Diagnostic tests: the exact text a user sees for syntax and lexical errors
 * (message, `file:line:col-end`, source line, `~` marker), and the diag API's
 * hints, notes, warnings, unlocated messages and colour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fe_helpers.h"

static const struct fe_case diag_cases[] = {
	{
		.name = "syntax_error_missing_semicolon",
		.src =
			"BEGIN { printf(\"x\\n\") exit(); }",
		.ok = false,
		.want =
			"stdin:1:23-27: ERROR: syntax error, unexpected call, expecting ; or }\n"
			"BEGIN { printf(\"x\\n\") exit(); }\n"
			"                      ~~~~\n",
	},
	{
		.name = "unterminated_string",
		.src =
			"BEGIN { printf(\"x) }",
		.ok = false,
		.want =
			"stdin:1:16-21: ERROR: unterminated string\n"
			"BEGIN { printf(\"x) }\n"
			"               ~~~~~\n"
			"stdin:1:21-22: ERROR: syntax error, unexpected end of file, expecting , or )\n"
			"BEGIN { printf(\"x) }\n"
			"                    ~\n",
	},
	{
		.name = "invalid_character",
		.src =
			"BEGIN { $x = 1 ` }",
		.ok = false,
		.want =
			"stdin:1:16-17: ERROR: invalid character '`'\n"
			"BEGIN { $x = 1 ` }\n"
			"               ~\n",
	},
	{
		.name = "invalid_character_nonprint",
		.src =
			"BEGIN { $x = 1 \001 }",
		.ok = false,
		.want =
			"stdin:1:16-17: ERROR: invalid character '\\x01'\n"
			"BEGIN { $x = 1 \001 }\n"
			"               ~\n",
	},
	{
		.name = "tab_in_source",
		.src =
			"BEGIN {\t$x = 1 ` }",
		.ok = false,
		.want =
			"stdin:1:16-17: ERROR: invalid character '`'\n"
			"BEGIN {\t$x = 1 ` }\n"
			"       \t       ~\n",
	},
	{
		.name = "script_file",
		.file = "tools/test.bt",
		.src =
			"BEGIN\n"
			"{\n"
			"\t@x = 1;\n"
			"\t@y = @x +;\n"
			"}\n",
		.ok = false,
		.want =
			"tools/test.bt:4:11-12: ERROR: syntax error, unexpected ;\n"
			"\t@y = @x +;\n"
			"\t         ~\n",
	},
	{
		.name = "empty_program",
		.src =
			"",
		.ok = false,
		.want =
			"stdin:1:1-2: ERROR: syntax error, unexpected end of file, expecting attach point\n"
			"\n"
			"~\n",
	},
	{
		.name = "only_comment",
		.src =
			"// nothing here\n",
		.ok = false,
		.want =
			"stdin:1:1-2: ERROR: syntax error, unexpected end of file, expecting attach point\n"
			"// nothing here\n"
			"~\n",
	},
	{
		.name = "unexpected_eof",
		.src =
			"BEGIN { @x = 1",
		.ok = false,
		.want =
			"stdin:1:15-16: ERROR: syntax error, unexpected end of file, expecting ; or }\n"
			"BEGIN { @x = 1\n"
			"              ~\n",
	},
	{
		.name = "unterminated_comment",
		.src =
			"BEGIN { } /* x",
		.ok = false,
		.want =
			"stdin:1:11-15: ERROR: unterminated comment\n"
			"BEGIN { } /* x\n"
			"          ~~~~\n",
	},
	{
		.name = "invalid_escape",
		.src =
			"BEGIN { printf(\"\\q\"); }",
		.ok = false,
		.want =
			"stdin:1:16-20: ERROR: invalid escape character '\\q'\n"
			"BEGIN { printf(\"\\q\"); }\n"
			"               ~~~~\n",
	},
	{
		.name = "integer_too_large",
		.src =
			"BEGIN { @x = 0x1ffffffffffffffffff; }",
		.ok = false,
		.want =
			"stdin:1:14-35: ERROR: integer literal is too large: 0x1ffffffffffffffffff\n"
			"BEGIN { @x = 0x1ffffffffffffffffff; }\n"
			"             ~~~~~~~~~~~~~~~~~~~~~\n",
	},
	{
		.name = "invalid_integer",
		.src =
			"BEGIN { @x = 12ab + 09; }",
		.ok = false,
		.want =
			"stdin:1:14-18: ERROR: invalid integer literal '12ab'\n"
			"BEGIN { @x = 12ab + 09; }\n"
			"             ~~~~\n"
			"stdin:1:21-23: ERROR: invalid integer literal '09'\n"
			"BEGIN { @x = 12ab + 09; }\n"
			"                    ~~\n",
	},
	{
		.name = "invalid_char_literal",
		.src =
			"BEGIN { @x = 'ab'; }",
		.ok = false,
		.want =
			"stdin:1:14-18: ERROR: invalid character literal 'ab'\n"
			"BEGIN { @x = 'ab'; }\n"
			"             ~~~~\n",
	},
	{
		.name = "several_errors",
		.src =
			"BEGIN { a b; c d; @x = ; }\n"
			"END { exit() exit(); }",
		.ok = false,
		.want =
			"stdin:1:11-12: ERROR: syntax error, unexpected identifier, expecting ; or }\n"
			"BEGIN { a b; c d; @x = ; }\n"
			"          ~\n"
			"stdin:1:16-17: ERROR: syntax error, unexpected identifier, expecting ; or }\n"
			"BEGIN { a b; c d; @x = ; }\n"
			"               ~\n"
			"stdin:1:24-25: ERROR: syntax error, unexpected ;\n"
			"BEGIN { a b; c d; @x = ; }\n"
			"                       ~\n"
			"stdin:2:14-18: ERROR: syntax error, unexpected call, expecting ; or }\n"
			"END { exit() exit(); }\n"
			"             ~~~~\n",
	},
	{
		.name = "map_key_expecting",
		.src =
			"BEGIN { @x[1 = 2; }",
		.ok = false,
		.want =
			"stdin:1:14-15: ERROR: syntax error, unexpected =, expecting , or ]\n"
			"BEGIN { @x[1 = 2; }\n"
			"             ~\n",
	},
	{
		.name = "else_expecting",
		.src =
			"BEGIN { if (1) { } else }",
		.ok = false,
		.want =
			"stdin:1:25-26: ERROR: syntax error, unexpected }, expecting if or {\n"
			"BEGIN { if (1) { } else }\n"
			"                        ~\n",
	},
	{
		.name = "predicate_error",
		.src =
			"kprobe:f /pid == / { @x = 1; }",
		.ok = false,
		.want =
			"stdin:1:18-19: ERROR: syntax error, unexpected end of predicate\n"
			"kprobe:f /pid == / { @x = 1; }\n"
			"                 ~\n",
	},
	{
		.name = "incdec_on_ident",
		.src =
			"BEGIN { pid++; }",
		.ok = false,
		.want =
			"stdin:1:9-12: ERROR: The ++ operator must be applied to a map or variable\n"
			"BEGIN { pid++; }\n"
			"        ~~~\n",
	},
	{
		.name = "missing_block",
		.src =
			"BEGIN",
		.ok = false,
		.want =
			"stdin:1:6-7: ERROR: syntax error, unexpected end of file, expecting , or {\n"
			"BEGIN\n"
			"     ~\n",
	},
	{
		.name = "stray_brace",
		.src =
			"BEGIN { } }",
		.ok = false,
		.want =
			"stdin:1:11-12: ERROR: syntax error, unexpected }, expecting end of file or attach point\n"
			"BEGIN { } }\n"
			"          ~\n",
	},
	{
		.name = "newline_in_string",
		.src =
			"BEGIN { printf(\"a\n"
			"b\"); }",
		.ok = false,
		.want =
			"stdin:1:16-18: ERROR: unterminated string\n"
			"BEGIN { printf(\"a\n"
			"               ~~\n"
			"stdin:2:1-2: ERROR: syntax error, unexpected identifier, expecting , or )\n"
			"b\"); }\n"
			"~\n"
			"stdin:2:2-7: ERROR: unterminated string\n"
			"b\"); }\n"
			" ~~~~~\n",
	},
};

static void test_parse_errors(void **state)
{
	(void)state;
	assert_int_equal(fe_run_cases(diag_cases, sizeof(diag_cases) / sizeof(diag_cases[0])), 0);
}

/* Print d's diagnostics into a malloc'd string. */
static char *print_diags(const struct diags *d, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	diag_print(d, out, color);
	fclose(out);
	return buf;
}

static const char api_src[] = "BEGIN { @x = 1; }\nkprobe:f { @x = \"s\"; }\n";

static struct loc at(int line, int col, int end_col)
{
	return (struct loc){ .file = "stdin", .line = line, .col = col,
			     .end_line = line, .end_col = end_col };
}

static void test_hint_and_note(void **state)
{
	(void)state;
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, api_src);
	struct diag *dg = diag_error(&d, at(2, 12, 14), "Type mismatch for %s: %s", "@x",
				     "string vs int64");
	diag_hint(&d, dg, "declare it %s", "once");
	diag_note(&d, dg, at(1, 9, 11), "first use of %s here", "@x");
	char *got = print_diags(&d, false);
	assert_string_equal(got,
		"stdin:2:12-14: ERROR: Type mismatch for @x: string vs int64\n"
		"kprobe:f { @x = \"s\"; }\n"
		"           ~~\n"
		"HINT: declare it once\n"
		"stdin:1:9-11: NOTE: first use of @x here\n"
		"BEGIN { @x = 1; }\n"
		"        ~~\n");
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.nwarnings, 0);
	free(got);
	arena_fini(&a);
}

static void test_warning_and_unlocated(void **state)
{
	(void)state;
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, api_src);
	diag_warning(&d, at(1, 1, 6), "probe %s does nothing", "BEGIN");
	struct diag *dg = diag_error(&d, (struct loc){ 0 }, "no probes attached");
	diag_hint(&d, dg, "check the attach points");
	diag_hint(&d, NULL, "ignored");
	diag_note(&d, NULL, at(1, 1, 2), "ignored");
	char *got = print_diags(&d, false);
	assert_string_equal(got,
		"stdin:1:1-6: WARNING: probe BEGIN does nothing\n"
		"BEGIN { @x = 1; }\n"
		"~~~~~\n"
		"ERROR: no probes attached\n"
		"HINT: check the attach points\n");
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.nwarnings, 1);
	free(got);
	arena_fini(&a);
}

/* A range over several lines: bpftrace's `file:line-end_line:` header, and the
 * first line marked from the start column to its end. */
static void test_multiline_range(void **state)
{
	(void)state;
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, api_src);
	diag_error(&d, (struct loc){ .file = "x.bt", .line = 1, .col = 9, .end_line = 2,
				     .end_col = 5 }, "spans lines");
	char *got = print_diags(&d, false);
	assert_string_equal(got,
		"x.bt:1-2: ERROR: spans lines\n"
		"BEGIN { @x = 1; }\n"
		"        ~~~~~~~~~\n");
	free(got);
	arena_fini(&a);
}

/* Colour wraps the level and the marker only when asked for. */
static void test_color(void **state)
{
	(void)state;
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, api_src);
	struct diag *dg = diag_error(&d, at(1, 9, 11), "bad");
	diag_note(&d, dg, at(1, 14, 15), "here");
	diag_warning(&d, at(1, 1, 2), "careful");
	char *plain = print_diags(&d, false);
	assert_null(strchr(plain, '\033'));
	char *got = print_diags(&d, true);
	assert_string_equal(got,
		"stdin:1:9-11: \033[1;31mERROR:\033[0m bad\n"
		"BEGIN { @x = 1; }\n"
		"        \033[1;32m~~\033[0m\n"
		"stdin:1:14-15: \033[1;36mNOTE:\033[0m here\n"
		"BEGIN { @x = 1; }\n"
		"             \033[1;32m~\033[0m\n"
		"stdin:1:1-2: \033[1;35mWARNING:\033[0m careful\n"
		"BEGIN { @x = 1; }\n"
		"\033[1;32m~\033[0m\n");
	free(plain);
	free(got);
	arena_fini(&a);
}

/* A location past the end of the source still prints (an empty line). */
static void test_line_past_end(void **state)
{
	(void)state;
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, "BEGIN {}");
	diag_error(&d, at(5, 2, 3), "far away");
	char *got = print_diags(&d, false);
	assert_string_equal(got, "stdin:5:2-3: ERROR: far away\n\n ~\n");
	free(got);
	arena_fini(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_hint_and_note),
		cmocka_unit_test(test_warning_and_unlocated),
		cmocka_unit_test(test_multiline_range),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_line_past_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
