/* tracefs: format-file parsing on sample texts, and glob expansion on a fake
 * events tree and on the real tracefs when there is one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/gfp.h"
#include "kernel/tracefs.h"
#include "util/arena.h"
#include "util/sb.h"

static const char openat_format[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx, filename: 0x%08lx\", ((unsigned long)(REC->dfd))\n";

static const char switch_format[] =
	"name: sched_switch\n"
	"ID: 372\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:__data_loc char[] name;\toffset:56;\tsize:4;\tsigned:0;\n"
	"\tfield:const char __user * buf;\toffset:64;\tsize:8;\tsigned:0;\n"
	"\tfield:const char *const * argv;\toffset:72;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"prev_comm=%s\", REC->prev_comm\n";

struct want {
	const char *name, *type;
	uint32_t offset, size, array_len;
	bool is_signed, is_user, is_data_loc, is_common, is_pointer;
};

static void check_fields(const struct tracefs_field *f, int n, const struct want *w, int nw)
{
	int i;

	assert_int_equal(n, nw);
	for (i = 0; i < n; i++) {
		assert_string_equal(f[i].name, w[i].name);
		assert_string_equal(f[i].type, w[i].type);
		assert_int_equal(f[i].offset, w[i].offset);
		assert_int_equal(f[i].size, w[i].size);
		assert_int_equal(f[i].array_len, w[i].array_len);
		assert_int_equal(f[i].is_signed, w[i].is_signed);
		assert_int_equal(f[i].is_user, w[i].is_user);
		assert_int_equal(f[i].is_data_loc, w[i].is_data_loc);
		assert_int_equal(f[i].is_common, w[i].is_common);
		assert_int_equal(f[i].is_pointer, w[i].is_pointer);
	}
}

static void test_parse_syscall(void **state)
{
	static const struct want w[] = {
		{ "common_type", "unsigned short", 0, 2, 0, false, false, false, true, false },
		{ "common_flags", "unsigned char", 2, 1, 0, false, false, false, true, false },
		{ "common_preempt_count", "unsigned char", 3, 1, 0, false, false, false, true, false },
		{ "common_pid", "int", 4, 4, 0, true, false, false, true, false },
		{ "__syscall_nr", "int", 8, 4, 0, true, false, false, false, false },
		{ "dfd", "int", 16, 8, 0, false, false, false, false, false },
		{ "filename", "const char *", 24, 8, 0, false, true, false, false, true },
		{ "flags", "int", 32, 8, 0, false, false, false, false, false },
		{ "mode", "umode_t", 40, 8, 0, false, false, false, false, false },
	};
	struct tracefs_field *f;
	struct arena a;
	int n, err;

	(void)state;
	arena_init(&a);
	err = tracefs_parse_format(&a, "syscalls", openat_format, &f, &n);
	assert_int_equal(err, 0);
	check_fields(f, n, w, sizeof(w) / sizeof(w[0]));
	/* Outside the syscalls category a pointer is not assumed to be user memory. */
	err = tracefs_parse_format(&a, "other", openat_format, &f, &n);
	assert_int_equal(err, 0);
	assert_false(f[6].is_user);
	arena_fini(&a);
}

static void test_parse_arrays_and_qualifiers(void **state)
{
	static const struct want w[] = {
		{ "common_type", "unsigned short", 0, 2, 0, false, false, false, true, false },
		{ "prev_comm", "char", 8, 16, 16, false, false, false, false, false },
		{ "prev_pid", "pid_t", 24, 4, 0, true, false, false, false, false },
		{ "prev_state", "long", 32, 8, 0, true, false, false, false, false },
		{ "name", "char", 56, 4, 0, false, false, true, false, false },
		{ "buf", "const char *", 64, 8, 0, false, true, false, false, true },
		{ "argv", "const char *const *", 72, 8, 0, false, false, false, false, true },
	};
	struct tracefs_field *f;
	struct arena a;
	int n, err;

	(void)state;
	arena_init(&a);
	err = tracefs_parse_format(&a, "sched", switch_format, &f, &n);
	assert_int_equal(err, 0);
	check_fields(f, n, w, sizeof(w) / sizeof(w[0]));
	arena_fini(&a);
}

static void test_parse_malformed(void **state)
{
	struct tracefs_field *f;
	struct arena a;
	int n;

	(void)state;
	arena_init(&a);
	assert_int_equal(tracefs_parse_format(&a, NULL, "name: x\nformat:\n", &f, &n), -EINVAL);
	assert_int_equal(tracefs_parse_format(&a, NULL, "\tfield:int;\toffset:0;\tsize:4;\n",
					      &f, &n), -EINVAL);
	assert_int_equal(tracefs_parse_format(&a, NULL, "\tfield:int x;\tsize:4;\n", &f, &n),
			 -EINVAL);
	arena_fini(&a);
}

static int collect(const char *cat, const char *name, void *ctx)
{
	sb_printf(ctx, "%s:%s\n", cat, name);
	return 0;
}

static int stop_at_first(const char *cat, const char *name, void *ctx)
{
	(void)cat;
	(void)name;
	(*(int *)ctx)++;
	return 7;
}

static void make_dir(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void make_file(const char *root, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A fake tracefs in a temporary directory: expansion order, globs, files
 * in the events directory that are not categories, and reading a format. */
static void test_expand_fake(void **state)
{
	char root[] = "/tmp/bpfl-tracefs-XXXXXX", cmd[600];
	struct tracefs_field *f;
	struct arena a;
	struct sb out;
	int n, calls = 0;

	(void)state;
	assert_non_null(mkdtemp(root));
	make_dir(root, "events");
	make_dir(root, "events/syscalls");
	make_dir(root, "events/syscalls/sys_enter_read");
	make_dir(root, "events/syscalls/sys_enter_openat");
	make_dir(root, "events/syscalls/sys_exit_openat");
	make_dir(root, "events/sched");
	make_dir(root, "events/sched/sched_switch");
	make_file(root, "events/enable", "0\n");
	make_file(root, "events/syscalls/enable", "0\n");
	make_file(root, "events/syscalls/sys_enter_openat/format", openat_format);
	tracefs_set_path(root);

	sb_init(&out);
	assert_int_equal(tracefs_expand("*", "*", collect, &out), 4);
	assert_string_equal(sb_str(&out), "sched:sched_switch\nsyscalls:sys_enter_openat\n"
			    "syscalls:sys_enter_read\nsyscalls:sys_exit_openat\n");
	sb_reset(&out);
	assert_int_equal(tracefs_expand("sys*", "sys_*_open?t", collect, &out), 2);
	assert_string_equal(sb_str(&out), "syscalls:sys_enter_openat\nsyscalls:sys_exit_openat\n");
	sb_reset(&out);
	assert_int_equal(tracefs_expand("syscalls", "nope", collect, &out), 0);
	assert_int_equal(tracefs_expand("*", "*", stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
	sb_fini(&out);

	assert_true(tracefs_exists("sched", "sched_switch"));
	assert_false(tracefs_exists("sched", "nope"));
	arena_init(&a);
	assert_int_equal(tracefs_format(&a, "syscalls", "sys_enter_openat", &f, &n), 0);
	assert_int_equal(n, 9);
	assert_int_equal(tracefs_format(&a, "syscalls", "sys_enter_read", &f, &n), -ENOENT);
	arena_fini(&a);

	tracefs_set_path(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int count_only(const char *cat, const char *name, void *ctx)
{
	(void)cat;
	(void)name;
	(*(int *)ctx)++;
	return 0;
}

/* The real tracefs: sched:sched_switch exists on every kernel with tracepoints. */
static void test_real_tracefs(void **state)
{
	struct tracefs_field *f;
	struct arena a;
	int n, i, count = 0;

	(void)state;
	if (access("/sys/kernel/tracing/events", R_OK) &&
	    access("/sys/kernel/debug/tracing/events", R_OK))
		skip();	/* no mounted, readable tracefs: not root or no tracing */
	assert_non_null(tracefs_path());
	assert_int_equal(tracefs_expand("sched", "sched_switch", count_only, &count), 1);
	assert_true(tracefs_expand("sched", "sched_*", count_only, &count) > 1);
	arena_init(&a);
	assert_int_equal(tracefs_format(&a, "sched", "sched_switch", &f, &n), 0);
	for (i = 0; i < n && strcmp(f[i].name, "next_comm"); i++)
		;
	assert_true(i < n);
	assert_string_equal(f[i].type, "char");
	assert_int_equal(f[i].array_len, 16);
	arena_fini(&a);
}

/* The GFP name table of a kmem print format: masks are C expressions. */
static void test_gfp_table(void **state)
{
	(void)state;
	static const char fmt[] = "print fmt: \"gfp_flags=%s\", (REC->gfp_flags) ? "
		"__print_flags(REC->gfp_flags, \"|\", "
		"{( unsigned long)((( gfp_t)((((1UL))) << (6))) | (( gfp_t)((((1UL))) << (7)))), \"GFP_NOFS\"}, "
		"{( unsigned long)(( gfp_t)((((1UL))) << (6))) & ~(( gfp_t)0x0u), \"__GFP_IO\"}, "
		"{( unsigned long)0x1UL, \"GFP_DMA\"}) : \"none\"";
	size_t n;
	struct gfp_flag *t = gfp_parse_table(fmt, &n);
	assert_non_null(t);
	assert_int_equal(n, 3);
	assert_int_equal(t[0].mask, 0xc0);
	assert_string_equal(t[0].name, "GFP_NOFS");
	assert_int_equal(t[1].mask, 0x40);
	assert_string_equal(t[1].name, "__GFP_IO");
	assert_int_equal(t[2].mask, 1);
	gfp_free_table(t, n);
	assert_null(gfp_parse_table("print fmt: \"%d\", REC->x", &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_syscall),
		cmocka_unit_test(test_parse_arrays_and_qualifiers),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_expand_fake),
		cmocka_unit_test(test_real_tracefs),
		cmocka_unit_test(test_gfp_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
