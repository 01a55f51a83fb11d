/* sema: the errors a user sees for misuse, with exact text and markers, and
 * the types sema gives to maps. Programs use BEGIN/END and interval probes so
 * the tests need no tracefs; tracepoint typing is covered by the runtime tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fe_helpers.h"
#include "sema/sema.h"

struct sema_case {
	const char *src;
	const char *want;	/* exact diagnostics; "" for a valid program */
};

static const struct sema_case cases[] = {
	{"BEGIN { nosuchfn(); }",
	 "stdin:1:9-17: ERROR: Unknown function: nosuchfn\n"
	 "BEGIN { nosuchfn(); }\n"
	 "        ~~~~~~~~\n"},
	{"BEGIN { @x = 1; @x = \"str\"; }",
	 "stdin:1:17-19: ERROR: Type mismatch for @x: trying to assign value of type 'string[4]' when map already contains a value of type 'int64'\n"
	 "BEGIN { @x = 1; @x = \"str\"; }\n"
	 "                ~~\n"
	 "HINT: a map holds values of one type; use another map for this value\n"
	 "stdin:1:9-11: NOTE: @x was first assigned here\n"
	 "BEGIN { @x = 1; @x = \"str\"; }\n"
	 "        ~~\n"},
	{"BEGIN { system(\"echo hi\"); exit(); }",
	 "stdin:1:9-26: ERROR: system() is an unsafe function being used in safe mode\n"
	 "BEGIN { system(\"echo hi\"); exit(); }\n"
	 "        ~~~~~~~~~~~~~~~~~\n"
	 "HINT: run with --unsafe to allow system()\n"},
	{"BEGIN { @x = 1; @x[1] = 2; }",
	 "stdin:1:17-22: ERROR: @x used as a map with keys, but it was used as a scalar before\n"
	 "BEGIN { @x = 1; @x[1] = 2; }\n"
	 "                ~~~~~\n"
	 "HINT: a map is either a scalar (@x) or keyed (@x[key]) in the whole program; use another name for the other\n"
	 "stdin:1:9-11: NOTE: @x first used here\n"
	 "BEGIN { @x = 1; @x[1] = 2; }\n"
	 "        ~~\n"},
	{"BEGIN { @m[1] = 1; @m[\"a\"] = 2; }",
	 "stdin:1:20-27: ERROR: Argument mismatch for @m: trying to access with arguments: 'string[2]' when map expects arguments: 'int64'\n"
	 "BEGIN { @m[1] = 1; @m[\"a\"] = 2; }\n"
	 "                   ~~~~~~~\n"
	 "HINT: every use of a map needs keys of the same types; cast or use another map\n"
	 "stdin:1:9-14: NOTE: @m first used here\n"
	 "BEGIN { @m[1] = 1; @m[\"a\"] = 2; }\n"
	 "        ~~~~~\n"},
	{"BEGIN { count(); }",
	 "stdin:1:9-16: ERROR: count() should be directly assigned to a map\n"
	 "BEGIN { count(); }\n"
	 "        ~~~~~~~\n"
	 "HINT: @name = count()\n"},
	{"BEGIN { @x = sum(); }",
	 "stdin:1:14-19: ERROR: sum() requires one argument (0 provided)\n"
	 "BEGIN { @x = sum(); }\n"
	 "             ~~~~~\n"
	 "HINT: usage: sum(value)\n"},
	{"BEGIN { @x = hist(1, 2, 3); }",
	 "stdin:1:14-27: ERROR: hist() takes up to 2 arguments (3 provided)\n"
	 "BEGIN { @x = hist(1, 2, 3); }\n"
	 "             ~~~~~~~~~~~~~\n"
	 "HINT: usage: hist(value[, bits])\n"},
	{"BEGIN { @x = lhist(1); }",
	 "stdin:1:14-22: ERROR: lhist() requires 4 arguments (1 provided)\n"
	 "BEGIN { @x = lhist(1); }\n"
	 "             ~~~~~~~~\n"
	 "HINT: usage: lhist(value, min, max, step)\n"},
	{"BEGIN { @x = count(1); }",
	 "stdin:1:14-22: ERROR: count() requires no arguments (1 provided)\n"
	 "BEGIN { @x = count(1); }\n"
	 "             ~~~~~~~~\n"
	 "HINT: usage: count()\n"},
	{"BEGIN { printf(); }",
	 "stdin:1:9-17: ERROR: printf() requires at least one argument (0 provided)\n"
	 "BEGIN { printf(); }\n"
	 "        ~~~~~~~~\n"
	 "HINT: usage: printf(\"format\", args...)\n"},
	{"BEGIN { @x = sum(\"a\"); }",
	 "stdin:1:18-21: ERROR: sum() expects an integer for argument 1 (string[2] supplied)\n"
	 "BEGIN { @x = sum(\"a\"); }\n"
	 "                 ~~~\n"
	 "HINT: usage: sum(value)\n"},
	{"BEGIN { $x = 1; $x = \"s\"; }",
	 "stdin:1:17-19: ERROR: Type mismatch for $x: trying to assign value of type 'string[2]' when variable already contains a value of type 'int64'\n"
	 "BEGIN { $x = 1; $x = \"s\"; }\n"
	 "                ~~\n"
	 "HINT: a $variable keeps one type; use another name for this value\n"
	 "stdin:1:9-11: NOTE: $x was first assigned here\n"
	 "BEGIN { $x = 1; $x = \"s\"; }\n"
	 "        ~~\n"},
	{"BEGIN { printf(\"%d\\n\", $y); }",
	 "stdin:1:24-26: ERROR: Undefined or undeclared variable: $y\n"
	 "BEGIN { printf(\"%d\\n\", $y); }\n"
	 "                       ~~\n"
	 "HINT: assign it first, e.g. $y = 0;\n"},
	{"BEGIN { printf(\"%d\\n\", nosuch); }",
	 "stdin:1:24-30: ERROR: Unknown identifier: 'nosuch'\n"
	 "BEGIN { printf(\"%d\\n\", nosuch); }\n"
	 "                       ~~~~~~\n"},
	{"BEGIN { print(@never); }",
	 "stdin:1:15-21: ERROR: Undefined map: @never\n"
	 "BEGIN { print(@never); }\n"
	 "              ~~~~~~\n"},
	{"BEGIN { $s = \"a\" + 1; }",
	 "stdin:1:14-21: ERROR: Type mismatch for '+': comparing 'string[2]' with 'int64'\n"
	 "BEGIN { $s = \"a\" + 1; }\n"
	 "             ~~~~~~~\n"
	 "HINT: strings only support == and != with other strings; strncmp() compares a prefix\n"},
	{"BEGIN { break; }",
	 "stdin:1:9-14: ERROR: break used outside of a loop\n"
	 "BEGIN { break; }\n"
	 "        ~~~~~\n"},
	{"BEGIN { @h = hist(1); @v = @h + 1; }",
	 "stdin:1:28-30: ERROR: @h: a histogram map cannot be used as a value\n"
	 "BEGIN { @h = hist(1); @v = @h + 1; }\n"
	 "                           ~~\n"
	 "HINT: print it with print(@h), or let it print at exit\n"},
	{"BEGIN { @x = lhist(1, 10, 0, 1); }",
	 "stdin:1:14-32: ERROR: lhist(): invalid range\n"
	 "BEGIN { @x = lhist(1, 10, 0, 1); }\n"
	 "             ~~~~~~~~~~~~~~~~~~\n"
	 "HINT: need 0 <= min < max, step > 0 and at most 1000 buckets\n"},
	{"interval:xs:1 { exit(); }",
	 "stdin:1:1-14: ERROR: Invalid interval: interval:xs:1\n"
	 "interval:xs:1 { exit(); }\n"
	 "~~~~~~~~~~~~~\n"
	 "HINT: use interval:s:N, interval:ms:N, interval:us:N, interval:hz:N or interval:DURATION (interval:500ms) with N > 0\n"},
	{"foo:bar { exit(); }",
	 "stdin:1:1-8: ERROR: Invalid probe type: foo\n"
	 "foo:bar { exit(); }\n"
	 "~~~~~~~\n"
	 "HINT: probe types are BEGIN, END, tracepoint, interval, kprobe, uprobe, usdt, profile, ...\n"},
	/* valid programs: no diagnostics */
	{"BEGIN { @start = nsecs; exit(); } END { printf(\"ran %d\\n\", @start > 0); }", ""},
	{"BEGIN { @[pid, comm] = count(); @s[\"x\"] = sum(3); @h = hist(5); @l = lhist(3, 0, 10, 1); }", ""},
	{"END { @x++; $i = 0; while ($i < 3) { $i++; if ($i == 2) { continue; } } }", ""},
	{"BEGIN { $t = (1, \"a\"); @t = $t; print(@t); clear(@t); }", ""},
	{"interval:ms:100 { @n = count(); if (@n > 2) { exit(); } }", ""},
	{"BEGIN { if (1) { $x = 1; } printf(\"%d\\n\", $x); }",
	 "stdin:1:43-45: ERROR: Undefined or undeclared variable: $x\n"
	 "BEGIN { if (1) { $x = 1; } printf(\"%d\\n\", $x); }\n"
	 "                                          ~~\n"
	 "HINT: a $variable lives until the end of its block; assign it before the block, e.g. $x = 0;\n"
	 "stdin:1:18-20: NOTE: $x is assigned here, in a block that ends before this use\n"
	 "BEGIN { if (1) { $x = 1; } printf(\"%d\\n\", $x); }\n"
	 "                 ~~\n"},
	{"BEGIN { @x = strncmp(\"a\", 1, 1); }",
	 "stdin:1:27-28: ERROR: strncmp() expects a string for argument 2 (int64 supplied)\n"
	 "BEGIN { @x = strncmp(\"a\", 1, 1); }\n"
	 "                          ~\n"
	 "HINT: usage: strncmp(str1, str2, length)\n"},
	{"BEGIN { @s = stats(1); @y = @s; }",
	 "stdin:1:29-31: ERROR: @s: a stats() map cannot be used as a value\n"
	 "BEGIN { @s = stats(1); @y = @s; }\n"
	 "                            ~~\n"
	 "HINT: print it with print(@s), or let it print at exit\n"},
	{"BEGIN { @x = 1; @y = has_key(@x, 1); }",
	 "stdin:1:30-32: ERROR: call to has_key() expects a map with explicit keys (non-scalar map)\n"
	 "BEGIN { @x = 1; @y = has_key(@x, 1); }\n"
	 "                             ~~\n"
	 "stdin:1:9-11: NOTE: @x is used as a scalar here\n"
	 "BEGIN { @x = 1; @y = has_key(@x, 1); }\n"
	 "        ~~\n"},
	{"BEGIN { @x[1] = 1; @y = has_key(@x); }",
	 "stdin:1:25-36: ERROR: has_key() requires 2 arguments (1 provided)\n"
	 "BEGIN { @x[1] = 1; @y = has_key(@x); }\n"
	 "                        ~~~~~~~~~~~\n"
	 "HINT: usage: has_key(@map, key)\n"},
	{"BEGIN { printf(\"%s\", strftime(1, 2)); }",
	 "stdin:1:31-32: ERROR: strftime() expects a string literal as its first argument\n"
	 "BEGIN { printf(\"%s\", strftime(1, 2)); }\n"
	 "                              ~\n"
	 "HINT: usage: strftime(\"%H:%M:%S\", nsecs)\n"},
	{"BEGIN { exit(\"a\"); }",
	 "stdin:1:14-17: ERROR: exit() expects an integer for argument 1 (string[2] supplied)\n"
	 "BEGIN { exit(\"a\"); }\n"
	 "             ~~~\n"
	 "HINT: usage: exit() or exit(code)\n"},
	{"BEGIN { @x = count(); @x = 1; }",
	 "stdin:1:23-25: ERROR: Type mismatch for @x: trying to assign value of type 'int64' when map already contains a value of type 'count_t'\n"
	 "BEGIN { @x = count(); @x = 1; }\n"
	 "                      ~~\n"
	 "HINT: an aggregation map takes only that aggregation; use another map for other values\n"
	 "stdin:1:9-11: NOTE: @x was first assigned here\n"
	 "BEGIN { @x = count(); @x = 1; }\n"
	 "        ~~\n"},
	{"BEGIN { @x = hist(1, 9); }",
	 "stdin:1:22-23: ERROR: hist(): the bits argument must be from 0 to 5\n"
	 "BEGIN { @x = hist(1, 9); }\n"
	 "                     ~\n"
	 "HINT: usage: hist(value[, bits]); bits splits each power of 2 into 2^bits buckets\n"},
};

/* Every case through the shared table runner (fe_helpers.h), with sema. */
static void test_cases(void **state)
{
	(void)state;
	enum { N = sizeof(cases) / sizeof(cases[0]) };
	static struct fe_case fe[N];
	for (size_t i = 0; i < N; i++)
		fe[i] = (struct fe_case){.name = cases[i].src, .src = cases[i].src,
					 .ok = cases[i].want[0] == '\0', .want = cases[i].want,
					 .sema = true};
	assert_int_equal(fe_run_cases(fe, N), 0);
}

/* --unsafe lets system() through. */
static void test_unsafe(void **state)
{
	(void)state;
	bool ok;
	char *got = fe_run_sema("BEGIN { system(\"echo %d\", 1); exit(); }", true, &ok);
	assert_true(ok);
	assert_string_equal(got, "");
	free(got);
}

/* Map types unify over uses: ints to 64 bits, strings to the largest size. */
static void test_map_unification(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin",
		"BEGIN { @s[\"ab\"] = \"x\"; @s[\"abcdef\"] = \"xyz\"; @c[1, comm] = count(); }"), 0);
	assert_true(parse_program(&p));
	assert_true(sema_check(&p));
	assert_int_equal(p.maps.len, 2);
	struct map_def *s = p.maps.items[0], *c = p.maps.items[1];
	assert_string_equal(s->name, "@s");
	assert_int_equal(s->key->size, 7);
	assert_int_equal(s->value->size, 4);
	assert_int_equal(s->key_size, 8);
	assert_false(s->percpu);
	assert_int_equal(c->key->kind, TY_TUPLE);
	assert_int_equal(c->key_size, 8 + 16);
	assert_int_equal(c->value->kind, TY_COUNT);
	assert_true(c->percpu);
	program_fini(&p);
}

/* Output actions: one per printf call site, with 8-byte aligned arguments. */
static void test_actions(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin",
		"BEGIN { printf(\"%d %s %d\\n\", 1, comm, 2); exit(); }"), 0);
	assert_true(parse_program(&p));
	assert_true(sema_check(&p));
	assert_int_equal(p.actions.len, 2);
	struct action *a = p.actions.items[0];
	assert_int_equal(a->kind, ACT_PRINTF);
	assert_int_equal(a->nargs, 3);
	assert_int_equal(a->offsets[0], 8);
	assert_int_equal(a->offsets[1], 16);
	assert_int_equal(a->offsets[2], 32);
	assert_int_equal(a->size, 40);
	assert_int_equal(((struct action *)p.actions.items[1])->kind, ACT_EXIT);
	program_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_unsafe),
		cmocka_unit_test(test_map_unification),
		cmocka_unit_test(test_actions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
