/* linemap: verifier logs are read for the failing instruction and the reason,
 * and compiled objects map instructions back to script lines and columns. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "codegen/codegen.h"
#include "fe_helpers.h"
#include "sema/sema.h"
#include "runtime/linemap.h"

static const char loop_log[] =
	"0: R1=ctx() R10=fp0\n"
	"0: (b7) r6 = 0                        ; R6_w=0\n"
	"21: (85) call bpf_map_update_elem#2\n"
	"infinite loop detected at insn 22\n"
	"cur state: R0=scalar() R6=0\n"
	"old state: R0=scalar() R6=0\n"
	"processed 43 insns (limit 1000000) max_states_per_insn 1 total_states 3\n";

static const char mem_log[] =
	"0: R1=ctx() R10=fp0\n"
	"; @x = *(uint64 *)0; @ stdin:1\n"
	"0: (b7) r1 = 0                        ; R1_w=0\n"
	"1: (79) r2 = *(u64 *)(r1 +0)\n"
	"R1 invalid mem access 'scalar'\n"
	"verification time 30 usec\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0\n";

/* bpf_d_path in a fentry program on a function the kernel does not allow it in */
static const char helper_log[] =
	"0: R1=ctx() R10=fp0\n"
	"11: (bf) r3 = r7                      ; R3_w=scalar(id=1)\n"
	"12: (85) call bpf_d_path#147\n"
	"helper call is not allowed in probe\n"
	"processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 1\n";

static void test_helper_of_insn(void **state)
{
	(void)state;
	char reason[128], helper[32];
	assert_int_equal(linemap_failing_insn(helper_log), 12);
	linemap_reason(helper_log, reason, sizeof(reason));
	assert_string_equal(reason, "helper call is not allowed in probe");
	assert_int_equal(linemap_helper(helper_log, 12, helper, sizeof(helper)), 0);
	assert_string_equal(helper, "bpf_d_path");
	assert_int_equal(linemap_helper(helper_log, 11, helper, sizeof(helper)), -ENOENT);
	assert_int_equal(linemap_helper(helper_log, 12, helper, 4), -ENOENT);	/* no room */
	assert_int_equal(linemap_helper(loop_log, 21, helper, sizeof(helper)), 0);
	assert_string_equal(helper, "bpf_map_update_elem");
}

static void test_log_parsing(void **state)
{
	(void)state;
	char reason[128];
	assert_int_equal(linemap_failing_insn(loop_log), 22);
	linemap_reason(loop_log, reason, sizeof(reason));
	assert_string_equal(reason, "infinite loop detected at insn 22");
	assert_int_equal(linemap_failing_insn(mem_log), 1);
	linemap_reason(mem_log, reason, sizeof(reason));
	assert_string_equal(reason, "R1 invalid mem access 'scalar'");
	assert_int_equal(linemap_failing_insn("no instructions here\n"), -1);
	linemap_reason("", reason, sizeof(reason));
	assert_string_equal(reason, "");
}

/* The first instruction of each probe comes from its own script line. */
static void test_lookup(void **state)
{
	(void)state;
	struct program p;
	struct cg_opts opts = {0};
	void *obj;
	size_t size;
	int line = 0, col = 0;
	assert_int_equal(program_init(&p, "stdin",
		"BEGIN {\n  @a = 1;\n}\nEND {\n    @b = 2;\n}\n"), 0);
	assert_true(parse_program(&p) && sema_check(&p));
	assert_int_equal(cg_compile(&p, &obj, &size, &opts), 0);
	assert_int_equal(linemap_lookup(obj, size, "probe0", 0, &line, &col), 0);
	assert_true(line == 1 || line == 2);
	assert_int_equal(linemap_lookup(obj, size, "probe1", 0, &line, &col), 0);
	assert_true(line == 4 || line == 5);
	/* deeper in END's body: the assignment, line 5 column 5 */
	int found = 0;
	for (unsigned i = 0; i < 16; i++)
		if (!linemap_lookup(obj, size, "probe1", i, &line, &col) && line == 5 && col == 5)
			found = 1;
	assert_true(found);
	assert_int_equal(linemap_lookup(obj, size, "nosuch", 0, &line, &col), -ENOENT);
	free(obj);
	program_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_parsing),
		cmocka_unit_test(test_helper_of_insn),
		cmocka_unit_test(test_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
