/* codegen: programs compile to BPF objects that libbpf opens with the programs
 * and maps the runtime expects, and — as root — that the kernel's verifier
 * accepts. Each program exercises a family of constructs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "fe_helpers.h"
#include "sema/sema.h"

struct compiled {
	struct program p;
	void *obj;
	size_t size;
	struct bpf_object *bo;
};

/* Parse, check, compile and open src; fails the test on any error. */
static void compile(struct compiled *c, const char *src)
{
	struct cg_opts opts = {0};
	assert_int_equal(program_init(&c->p, "stdin", src), 0);
	bool ok = parse_program(&c->p) && sema_check(&c->p) &&
		  cg_compile(&c->p, &c->obj, &c->size, &opts) == 0;
	if (!ok)
		diag_print(&c->p.diags, stderr, false);
	assert_true(ok);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "bpfline");
	c->bo = bpf_object__open_mem(c->obj, c->size, &oo);
	assert_non_null(c->bo);
}

static void release(struct compiled *c)
{
	bpf_object__close(c->bo);
	free(c->obj);
	program_fini(&c->p);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* The object layout the runtime relies on (runtime.h). */
static void test_object_layout(void **state)
{
	(void)state;
	struct compiled c;
	compile(&c, "BEGIN { @c[comm, pid] = count(); @s = \"x\"; printf(\"%d\\n\", 1); } "
		    "interval:ms:10 { exit(); } END { @h = hist(3); }");
	struct bpf_program *prog = bpf_object__find_program_by_name(c.bo, "probe0");
	assert_non_null(prog);
	assert_string_equal(bpf_program__section_name(prog), "raw_tp");
	prog = bpf_object__find_program_by_name(c.bo, "probe1");
	assert_string_equal(bpf_program__section_name(prog), "perf_event");
	assert_non_null(bpf_object__find_program_by_name(c.bo, "probe2"));

	struct map_def *m = c.p.maps.items[0];
	struct bpf_map *bm = bpf_object__find_map_by_name(c.bo, m->sym);
	assert_non_null(bm);
	assert_int_equal(bpf_map__type(bm), BPF_MAP_TYPE_PERCPU_HASH);
	assert_int_equal(bpf_map__key_size(bm), 16 + 8);
	assert_int_equal(bpf_map__value_size(bm), 8);
	assert_int_equal(bpf_map__max_entries(bm), 4096);
	m = c.p.maps.items[1];
	bm = bpf_object__find_map_by_name(c.bo, m->sym);
	assert_int_equal(bpf_map__type(bm), BPF_MAP_TYPE_HASH);
	assert_int_equal(bpf_map__value_size(bm), 8);
	m = c.p.maps.items[2];
	bm = bpf_object__find_map_by_name(c.bo, m->sym);
	assert_int_equal(bpf_map__key_size(bm), 16);	/* scalar key + bucket */

	bm = bpf_object__find_map_by_name(c.bo, "ringbuf");
	assert_non_null(bm);
	assert_int_equal(bpf_map__type(bm), BPF_MAP_TYPE_RINGBUF);
	bm = bpf_object__find_map_by_name(c.bo, "lost");
	assert_int_equal(bpf_map__type(bm), BPF_MAP_TYPE_PERCPU_ARRAY);
	release(&c);
}

/* Programs the verifier must accept: every construct of the foundation. */
static const char *const verifier_cases[] = {
	"BEGIN { printf(\"hello world\\n\"); exit(); }",
	"BEGIN { printf(\"%d %u %x %s %s\\n\", -3, 10, 255, \"str\", comm); exit(3); }",
	"BEGIN { @[comm] = count(); @s[pid] = sum(5); @a = avg(2); @mn = min(-3); @mx = max(3); @st = stats(9); }",
	"BEGIN { @h = hist(1000); @h2 = hist(1000, 2); @l = lhist(5, 0, 100, 10); @k[comm, pid, tid] = hist(nsecs); }",
	"BEGIN { @start[tid] = nsecs; } END { if (@start[tid]) { $d = (nsecs - @start[tid]) / 1000; delete(@start[tid]); printf(\"%d\\n\", $d); } }",
	"BEGIN { $i = 0; while ($i < 10) { $i++; if ($i == 5) { break; } else if ($i == 3) { continue; } } @i = $i; }",
	"BEGIN { unroll(4) { @n++; } @x = 1 ? 2 : 3; @y = !0 && (1 || 0); @z = ~5 ^ 3 | 4 & 2; @w = -8 >> 1 << 2 % 3; }",
	"BEGIN { $s = comm; @eq = $s == \"bpfline\"; @ne = comm != $s; @str[$s] = \"v\"; printf(\"%s\\n\", @str[$s]); }",
	"BEGIN { $t = (1, \"two\", comm); @t = $t; print(@t); print(5); clear(@t); zero(@eq); @eq = 1; }",
	"BEGIN { @m[1] = 1; @k[comm] = count(); @n = len(@m) + len(@k); }",
	"BEGIN { join(0); join(curtask, \",\"); }",
	"BEGIN { time(\"%H:%M\\n\"); @c = (uint8)300; @d = (int16)-1; @p = probe; @cpu = cpu; @u = uid + gid; }",
};

static void test_verifier_accepts(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "SKIPPED: loading into the kernel needs root (CI runs as root)\n");
		skip();
		return;
	}
	libbpf_set_print(silent);
	int failed = 0;
	for (size_t i = 0; i < sizeof(verifier_cases) / sizeof(verifier_cases[0]); i++) {
		struct compiled c;
		compile(&c, verifier_cases[i]);
		int err = bpf_object__load(c.bo);
		if (err) {
			fprintf(stderr, "verifier rejected (%d): %s\n", err, verifier_cases[i]);
			failed++;
		}
		release(&c);
	}
	assert_int_equal(failed, 0);
}

/* -d ir prints the optimised module; -d obj writes the object file. */
static void test_dumps(void **state)
{
	(void)state;
	struct program p;
	char *buf = NULL, *tmp = strdup("/tmp/bpfline-test-XXXXXX");
	size_t len = 0;
	void *obj;
	size_t size;
	assert_non_null(mkdtemp(tmp));
	char path[256];
	snprintf(path, sizeof path, "%s/out.o", tmp);
	FILE *out = open_memstream(&buf, &len);
	struct cg_opts opts = {.dump_ir = true, .dump_obj = true, .dump_out = out,
			       .obj_path = path};
	assert_int_equal(program_init(&p, "stdin", "BEGIN { @x = count(); }"), 0);
	assert_true(parse_program(&p) && sema_check(&p));
	assert_int_equal(cg_compile(&p, &obj, &size, &opts), 0);
	fclose(out);
	assert_non_null(strstr(buf, "define"));
	assert_non_null(strstr(buf, "section \"raw_tp\""));
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char magic[4];
	assert_int_equal(fread(magic, 1, 4, f), 4);
	assert_memory_equal(magic, "\177ELF", 4);
	fclose(f);
	unlink(path);
	rmdir(tmp);
	free(tmp);
	free(buf);
	free(obj);
	program_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_layout),
		cmocka_unit_test(test_verifier_accepts),
		cmocka_unit_test(test_dumps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
