/* Kernel-function probes without a kernel that runs them: kernel BTF converted
 * to our types (against this machine's /sys/kernel/btf/vmlinux), sema of struct
 * casts and field chains with the exact error texts, the kprobe → fentry
 * fallback and the "neither" error (the kernel's features claimed through
 * BPFL_KFEAT), objects whose sections libbpf understands, and vmlinux BTF
 * parsed lazily and once for the whole process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "fe_helpers.h"
#include "kernel/kbtf.h"
#include "kernel/kfunc.h"
#include "kernel/rawtp.h"
#include "lang/config.h"
#include "probes/family.h"
#include "sema/sema.h"
#include "util/arena.h"

static bool have_btf(void)
{
	return access("/sys/kernel/btf/vmlinux", R_OK) == 0;
}

#define NEED_BTF() do { if (!have_btf()) { skip(); } } while (0)

static const struct field *field(const struct type *rec, const char *name)
{
	for (int i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}

/* struct path → struct dentry → struct qstr (anonymous union flattened). */
static void test_btf_records(void **state)
{
	(void)state;
	NEED_BTF();
	struct arena a;
	arena_init(&a);
	assert_null(kbtf_record(&a, "struct no_such_struct_here"));
	struct type *path = kbtf_record(&a, "struct path");
	assert_non_null(path);
	assert_string_equal(path->name, "struct path");
	assert_int_equal(path->size, 16);
	assert_null(path->fields);	/* lazily completed */
	assert_true(kbtf_complete(&a, path));
	const struct field *d = field(path, "dentry");
	assert_non_null(d);
	assert_int_equal(d->offset, 8);
	assert_int_equal(d->type->kind, TY_PTR);
	assert_int_equal(d->type->elem->kind, TY_RECORD);
	assert_string_equal(d->type->elem->name, "struct dentry");

	struct type *dentry = d->type->elem;
	assert_true(kbtf_complete(&a, dentry));
	const struct field *dn = field(dentry, "d_name");
	assert_non_null(dn);
	assert_int_equal(dn->type->kind, TY_RECORD);
	assert_string_equal(dn->type->name, "struct qstr");
	assert_true(kbtf_complete(&a, dn->type));
	const struct field *name = field(dn->type, "name");
	const struct field *len = field(dn->type, "len");	/* inside an anonymous struct */
	assert_non_null(name);
	assert_non_null(len);
	assert_int_equal(name->offset, 8);
	assert_int_equal(name->type->kind, TY_PTR);
	assert_int_equal(name->type->elem->bits, 8);
	assert_int_equal(len->type->kind, TY_INT);
	assert_int_equal(len->type->bits, 32);

	struct type *task = kbtf_record(&a, "struct task_struct");
	assert_true(kbtf_complete(&a, task));
	const struct field *comm = field(task, "comm");
	assert_non_null(comm);
	assert_int_equal(comm->type->kind, TY_STR);	/* char[16] is a string */
	assert_int_equal(comm->type->size, 16);
	arena_fini(&a);
}

/* vfs_read's parameters as fentry sees them: 8-byte slots, BTF types. */
static void test_btf_func(void **state)
{
	(void)state;
	NEED_BTF();
	struct arena a;
	arena_init(&a);
	struct type *args, *ret;
	assert_int_equal(kbtf_func(&a, "vfs_read", &args, &ret), 4);
	assert_int_equal(args->nfields, 4);
	assert_string_equal(args->fields[0].name, "file");
	assert_int_equal(args->fields[0].type->kind, TY_PTR);
	assert_string_equal(args->fields[2].name, "count");
	assert_int_equal(args->fields[2].offset, 16);
	assert_int_equal(args->fields[2].type->bits, 64);
	assert_false(args->fields[2].type->is_signed);	/* size_t */
	assert_int_equal(ret->kind, TY_INT);
	assert_true(ret->is_signed);			/* ssize_t */
	assert_int_equal(kbtf_func(&a, "no_such_function_here", &args, &ret), -ENOENT);
	arena_fini(&a);

	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	assert_int_equal(kbtf_print_params("vfs_read", true, out), 0);
	fclose(out);
	assert_string_equal(buf, "    struct file * file\n"
				 "    char * buf\n"
				 "    size_t count\n"
				 "    loff_t * pos\n"
				 "    ssize_t retval\n");
	free(buf);
}

static const char *kfeat_value;

static char *kfeat_lookup(const char *name)
{
	return !strcmp(name, "BPFL_KFEAT") ? (char *)kfeat_value : NULL;
}

/* Claim the kernel features `feat` as BPFL_KFEAT=feat would; NULL: detect. */
static void claim(const char *feat)
{
	struct config c;
	char err[128];

	kfeat_value = feat;
	if (config_read(&c, kfeat_lookup, err, sizeof(err)))
		fail_msg("%s", err);
	kfunc_configure(&c);
}

/* Parse and check src with the kernel features `feat` claimed. */
static char *sema_run(const char *feat, const char *src, bool *ok, struct program *keep)
{
	struct program p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	claim(feat);
	if (!out || program_init(&p, "stdin", src) < 0)
		abort();
	*ok = parse_program(&p) && sema_check(&p);
	diag_print(&p.diags, out, false);
	fclose(out);
	if (keep)
		*keep = p;
	else
		program_fini(&p);
	claim(NULL);
	return buf;
}

struct sema_case {
	const char *feat;	/* BPFL_KFEAT */
	const char *src;
	const char *want;	/* exact diagnostics; "" for a valid program */
};

static const struct sema_case cases[] = {
	{"none", "kprobe:vfs_read { @ = count(); }",
	 "stdin:1:1-16: ERROR: kprobe:vfs_read: Kprobes are not available on this kernel (no kprobe PMU, no kprobe_events), and it cannot run fentry/fexit programs instead (BPFL_KFEAT says so)\n"
	 "kprobe:vfs_read { @ = count(); }\n"
	 "~~~~~~~~~~~~~~~\n"
	 "HINT: tracepoints work without kprobes or fentry: bpfline -l 'tracepoint:*' lists them (e.g. tracepoint:syscalls:sys_enter_read)\n"},
	{"fentry", "kprobe:vfs_read+4 { @ = count(); }",
	 "stdin:1:1-18: ERROR: kprobe:vfs_read+4: Kprobes are not available on this kernel (no kprobe PMU, no kprobe_events), and fentry cannot attach at an offset\n"
	 "kprobe:vfs_read+4 { @ = count(); }\n"
	 "~~~~~~~~~~~~~~~~~\n"
	 "HINT: tracepoints work without kprobes or fentry: bpfline -l 'tracepoint:*' lists them (e.g. tracepoint:syscalls:sys_enter_read)\n"},
	{"kprobe", "fentry:vfs_read { @ = count(); }",
	 "stdin:1:1-16: ERROR: fentry:vfs_read: this kernel cannot run fentry/fexit programs (BPFL_KFEAT says so)\n"
	 "fentry:vfs_read { @ = count(); }\n"
	 "~~~~~~~~~~~~~~~\n"
	 "HINT: use kprobe:vfs_read instead\n"},
	{"kprobe,fentry", "fentry:no_such_function_here { @ = count(); }",
	 "stdin:1:1-29: ERROR: No matches for fentry no_such_function_here.\n"
	 "fentry:no_such_function_here { @ = count(); }\n"
	 "~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
	 "HINT: bpfline -l 'fentry:no_such_function_here*' lists the functions\n"},
	{"kprobe", "kprobe:f { @ = ((struct no_such_struct *)arg0)->x; }",
	 "stdin:1:17-46: ERROR: Unknown struct/union: 'struct no_such_struct'\n"
	 "kprobe:f { @ = ((struct no_such_struct *)arg0)->x; }\n"
	 "                ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
	 "HINT: define it at the top of the script: struct no_such_struct { ... };\n"},
	{"kprobe", "kprobe:f { @ = ((struct path *)arg0)->nope; }",
	 "stdin:1:16-43: ERROR: Struct/union of type 'struct path' does not contain a field named 'nope'\n"
	 "kprobe:f { @ = ((struct path *)arg0)->nope; }\n"
	 "               ~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
	{"kprobe", "kretprobe:f { @ = arg0; }",
	 "stdin:1:19-23: ERROR: The arg0 builtin can only be used with kprobe, uprobe, usdt, rawtracepoint and fentry probes\n"
	 "kretprobe:f { @ = arg0; }\n"
	 "                  ~~~~\n"
	 "HINT: a return probe has retval; save arguments at entry in a map keyed by tid\n"},
	{"kprobe", "kprobe:f { @ = retval; }",
	 "stdin:1:16-22: ERROR: The retval builtin can only be used with kretprobe, uretprobe and fexit probes\n"
	 "kprobe:f { @ = retval; }\n"
	 "               ~~~~~~\n"},
	{"kprobe,fentry", "fentry:vfs_read { @ = arg4; }",
	 "stdin:1:23-27: ERROR: arg4: vfs_read has 4 arguments\n"
	 "fentry:vfs_read { @ = arg4; }\n"
	 "                      ~~~~\n"
	 "HINT: bpfline -lv fentry:vfs_read lists them\n"},
	/* valid programs */
	{"kprobe", "#include <linux/path.h>\n"
		   "kprobe:vfs_open { printf(\"%s\\n\", str(((struct path *)arg0)->dentry->d_name.name)); }", ""},
	{"kprobe", "kprobe:f { @[((struct task_struct *)curtask)->comm] = count(); }", ""},
	{"kprobe,fentry", "fentry:vfs_read { @[args.count, args.file->f_path.dentry->d_name.len] = count(); }", ""},
	{"kprobe,fentry", "kretfunc:vfs_read /retval > 0/ { @ = hist(retval); }", ""},
	{"kprobe", "kprobe:f+0x10 { @[func] = count(); } kretprobe:f { @r = sum(retval); }", ""},
};

static void test_sema_cases(void **state)
{
	(void)state;
	NEED_BTF();
	int failed = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;
		char *got = sema_run(cases[i].feat, cases[i].src, &ok, NULL);
		if (strcmp(got, cases[i].want) || ok != (cases[i].want[0] == '\0')) {
			fe_expect(cases[i].src, got, cases[i].want);
			failed++;
		}
		free(got);
	}
	assert_int_equal(failed, 0);
}

/* No kprobes but fentry: kprobe/kretprobe run as fentry/fexit, names kept. */
static void test_fallback(void **state)
{
	(void)state;
	NEED_BTF();
	struct program p;
	bool ok;
	char *got = sema_run("fentry", "kprobe:vfs_read { @a = arg2; } kretprobe:vfs_read { @r = retval; }",
			     &ok, &p);
	assert_string_equal(got, "");
	assert_true(ok);
	assert_int_equal(p.probes.len, 2);
	struct probe_def *k = p.probes.items[0], *r = p.probes.items[1];
	assert_ptr_equal(k->family, &probe_fentry);
	assert_ptr_equal(r->family, &probe_fexit);
	assert_string_equal(k->name, "kprobe:vfs_read");
	assert_string_equal(r->name, "kretprobe:vfs_read");
	assert_non_null(k->fallback);
	assert_int_equal(r->value, 4);	/* retval is ctx[4] */
	program_fini(&p);
	free(got);
}

/* Section names libbpf maps to the right program types. */
static void test_sections(void **state)
{
	(void)state;
	NEED_BTF();
	static const struct { const char *sec; enum bpf_prog_type type; } want[] = {
		{"kprobe/vfs_open", BPF_PROG_TYPE_KPROBE},
		{"kprobe/vfs_read+16", BPF_PROG_TYPE_KPROBE},
		{"kretprobe/vfs_read", BPF_PROG_TYPE_KPROBE},
		{"fentry/vfs_read", BPF_PROG_TYPE_TRACING},
		{"fexit/vfs_read", BPF_PROG_TYPE_TRACING},
	};
	struct program p;
	struct cg_opts opts = {0};
	void *obj = NULL;
	size_t size = 0;
	claim("kprobe,fentry");
	assert_int_equal(program_init(&p, "stdin",
		"kprobe:vfs_open { printf(\"%s\\n\", str(((struct path *)arg0)->dentry->d_name.name)); }"
		"k:vfs_read+16 { @[func] = count(); }"
		"kr:vfs_read { @r = hist(retval); }"
		"kfunc:vfs_read { @c[args.count] = count(); }"
		"fr:vfs_read { @x = sum(retval); }"), 0);
	bool ok = parse_program(&p) && sema_check(&p) && cg_compile(&p, &obj, &size, &opts) == 0;
	claim(NULL);
	if (!ok)
		diag_print(&p.diags, stderr, false);
	assert_true(ok);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bpfline");
	struct bpf_object *bo = bpf_object__open_mem(obj, size, &oo);
	assert_non_null(bo);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct probe_def *d = p.probes.items[i];
		struct bpf_program *prog = bpf_object__find_program_by_name(bo, d->prog_name);
		assert_non_null(prog);
		assert_string_equal(bpf_program__section_name(prog), want[i].sec);
		assert_int_equal(bpf_program__type(prog), want[i].type);
	}
	bpf_object__close(bo);
	free(obj);
	program_fini(&p);
}

/* Runs first: a program that needs no kernel types parses no BTF. */
static void test_btf_lazy(void **state)
{
	(void)state;
	struct program p;
	assert_int_equal(program_init(&p, "stdin", "BEGIN { @x[1] = count(); exit(); }"), 0);
	assert_true(parse_program(&p) && sema_check(&p));
	program_fini(&p);
	assert_int_equal(kbtf_loads(), 0);
}

/* Runs last: every user of kernel BTF in this process (struct records,
 * fentry arguments and listings before, raw tracepoints here) shared one
 * parse of vmlinux's BTF. */
static void test_btf_parsed_once(void **state)
{
	(void)state;
	NEED_BTF();
	struct arena a;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	arena_init(&a);
	assert_non_null(rawtp_args_type(&a, "sched_switch"));
	assert_non_null(kbtf_record(&a, "struct task_struct"));
	assert_true(rawtp_list("sched_switch", true, out) == 1);
	fclose(out);
	assert_non_null(strstr(buf, "rawtracepoint:sched_switch\n"));
	free(buf);
	arena_fini(&a);
	assert_int_equal(kbtf_loads(), 1);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(void)
{
	libbpf_set_print(silent);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_lazy),
		cmocka_unit_test(test_btf_records),
		cmocka_unit_test(test_btf_func),
		cmocka_unit_test(test_sema_cases),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_btf_parsed_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
