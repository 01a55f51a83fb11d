/* Error sink tests: the exact text and JSON records of runtime errors and
 * warnings (message, hint, detail block, located diagnostics), as a user sees
 * them on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/msg.h"
#include "util/arena.h"

struct msg_case {
	const char *name;
	enum out_format format;
	enum msg_level level;
	const char *hint, *detail, *text;
	const char *want;
};

static const struct msg_case msg_cases[] = {
	{ "error_text", OUT_TEXT, MSG_ERROR, NULL, NULL, "map '@a': cannot poll: Bad file",
	  "ERROR: map '@a': cannot poll: Bad file\n" },
	{ "warning_hint_text", OUT_TEXT, MSG_WARNING, "raise the limit with BPFTRACE_MAP_KEYS_MAX=N",
	  NULL, "map '@a': 10 updates failed: the map is full (10 keys)",
	  "WARNING: map '@a': 10 updates failed: the map is full (10 keys)\n"
	  "HINT: raise the limit with BPFTRACE_MAP_KEYS_MAX=N\n" },
	{ "detail_text", OUT_TEXT, MSG_ERROR, NULL, "0: (b7) r0 = 0\n1: exit", "failed to load",
	  "ERROR: failed to load\n0: (b7) r0 = 0\n1: exit\n" },
	{ "error_json", OUT_JSON, MSG_ERROR, NULL, NULL, "system(\"a \\ b\"): No such file",
	  "{\"type\": \"error\", \"msg\": \"system(\\\"a \\\\ b\\\"): No such file\"}\n" },
	{ "warning_hint_json", OUT_JSON, MSG_WARNING, "raise the limit with BPFTRACE_MAP_KEYS_MAX=N",
	  NULL, "map '@a': 1 update failed: the map is full (1 keys)",
	  "{\"type\": \"warning\", \"msg\": \"map '@a': 1 update failed: the map is full (1 keys)\", "
	  "\"hint\": \"raise the limit with BPFTRACE_MAP_KEYS_MAX=N\"}\n" },
	{ "detail_json", OUT_JSON, MSG_ERROR, NULL, "0: (b7) r0 = 0\n\t1: exit\n", "failed to load",
	  "{\"type\": \"error\", \"msg\": \"failed to load\", "
	  "\"log\": \"0: (b7) r0 = 0\\n\\t1: exit\\n\"}\n" },
};

/* Run fn with the sink writing to a memory stream in `format`; the text. */
static char *capture(enum out_format format, void (*fn)(const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	msg_init(format, f);
	fn(arg);
	msg_init(OUT_TEXT, NULL);
	fclose(f);
	return buf;
}

static void report_case(const void *arg)
{
	const struct msg_case *c = arg;

	msg_report(c->level, c->hint, c->detail, "%s", c->text);
}

static void test_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(msg_cases) / sizeof(msg_cases[0]); i++) {
		const struct msg_case *c = &msg_cases[i];
		char *got = capture(c->format, report_case, c);
		if (strcmp(got, c->want))
			fail_msg("%s:\n got: %s\nwant: %s", c->name, got, c->want);
		free(got);
	}
}

static void error_and_warning(const void *arg)
{
	(void)arg;
	msg_error("-p %d: no such process (%s)", 7, "No such process");
	msg_warning("%d corrupt output records ignored", 2);
}

static void test_shorthands(void **state)
{
	(void)state;
	char *got = capture(OUT_TEXT, error_and_warning, NULL);
	assert_string_equal(got, "ERROR: -p 7: no such process (No such process)\n"
				 "WARNING: 2 corrupt output records ignored\n");
	free(got);
	got = capture(OUT_JSON, error_and_warning, NULL);
	assert_string_equal(got,
		"{\"type\": \"error\", \"msg\": \"-p 7: no such process (No such process)\"}\n"
		"{\"type\": \"warning\", \"msg\": \"2 corrupt output records ignored\"}\n");
	free(got);
}

/* A verifier rejection placed in the script, as the loader reports it. */
static void located(const void *arg)
{
	const char *detail = arg;
	struct arena a;
	struct diags d;
	const char *src = "BEGIN {\n  while ($i < 10) { @x = count(); } }\n";
	struct loc loc = { "prog.bt", 2, 21, 2, 33 };

	arena_init(&a);
	diag_init(&d, &a, src);
	struct diag *dg = diag_error(&d, loc, "the kernel's BPF verifier rejected probe '%s' "
				     "here: %s", "BEGIN", "infinite loop detected at insn 22");
	diag_hint(&d, dg, "the verifier's full log is shown with -v");
	msg_diags(&d, detail);
	arena_fini(&a);
}

static void test_located(void **state)
{
	(void)state;
	char *got = capture(OUT_TEXT, located, "0: (b7) r1 = 0");
	assert_string_equal(got,
		"prog.bt:2:21-33: ERROR: the kernel's BPF verifier rejected probe 'BEGIN' here: "
		"infinite loop detected at insn 22\n"
		"  while ($i < 10) { @x = count(); } }\n"
		"                    ~~~~~~~~~~~~\n"
		"HINT: the verifier's full log is shown with -v\n"
		"0: (b7) r1 = 0\n");
	free(got);
	got = capture(OUT_JSON, located, NULL);
	assert_string_equal(got,
		"{\"type\": \"error\", \"msg\": \"the kernel's BPF verifier rejected probe 'BEGIN' "
		"here: infinite loop detected at insn 22\", \"filename\": \"prog.bt\", \"line\": 2, "
		"\"col\": 21, \"hint\": \"the verifier's full log is shown with -v\"}\n");
	free(got);
	got = capture(OUT_JSON, located, "0: (b7) r1 = 0\n");
	assert_non_null(strstr(got, "\"hint\": \"the verifier's full log is shown with -v\", "
				    "\"log\": \"0: (b7) r1 = 0\\n\"}\n"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_shorthands),
		cmocka_unit_test(test_located),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
