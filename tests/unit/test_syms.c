/* Symbolizers: kernel symbols from a kallsyms-format file, and user symbols
 * (usyms.c, libdw) on binaries this test builds with cc: a PIE executable, a
 * non-PIE one, a shared library, and a stripped library with only .dynsym.
 * Addresses are resolved by virtual address, file offset, build id and through
 * a live process's maps — and again after that process has exited. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/ksyms.h"
#include "runtime/usyms.h"

static char dir[] = "/tmp/bpfl_syms_XXXXXX";

static const char prog_src[] =
	"#include <stdio.h>\n"
	"#include <unistd.h>\n"
	"__attribute__((noinline)) int alpha(int x) { return x * 3 + 1; }\n"
	"__attribute__((noinline)) int beta(int x) { return alpha(x) * 7 + x; }\n"
	"static __attribute__((noinline, used)) int gamma_static(int x) { return beta(x) - 2; }\n"
	"int main(int argc, char **argv) {\n"
	"  (void)argv;\n"
	"  printf(\"%lx\\n\", (unsigned long)&beta); fflush(stdout);\n"
	"  if (argc > 1) { char c; read(0, &c, 1); }\n"
	"  return gamma_static(argc) == 5;\n"
	"}\n";

static const char lib_src[] =
	"__attribute__((noinline)) int lib_one(int x) { return x + 11; }\n"
	"__attribute__((noinline)) int lib_two(int x) { return lib_one(x) * 5; }\n"
	"static __attribute__((noinline, used)) int lib_hidden(int x) { return x ^ 3; }\n"
	"int lib_three(int x) { return lib_hidden(x) + lib_two(x); }\n";

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static const char *path_of(const char *name)
{
	static char buf[8][512];
	static int i;
	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	FILE *f = fopen(path_of("prog.c"), "w");
	fputs(prog_src, f);
	fclose(f);
	f = fopen(path_of("lib.c"), "w");
	fputs(lib_src, f);
	fclose(f);
	/* -g for the DWARF fallback; build ids are the toolchain's default here,
	 * but ask anyway */
	sh("cd %s && cc -O1 -g -fPIE -pie -Wl,--build-id -o pie prog.c && "
	   "cc -O1 -g -fno-PIE -no-pie -Wl,--build-id -o nopie prog.c && "
	   "cc -O1 -g -fPIC -shared -Wl,--build-id -o libt.so lib.c && "
	   "cp libt.so libstripped.so && strip --strip-all libstripped.so && "
	   "cp pie pie_nosymtab && strip --strip-all pie_nosymtab", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf %s", dir);
	return 0;
}

/* vaddr of name in file, then resolve vaddr + off and check the answer. */
static void check_roundtrip(struct usyms *u, const char *file, const char *name, uint64_t off)
{
	uint64_t vaddr;
	struct usym s;
	assert_int_equal(usyms_symbol_vaddr(path_of(file), name, &vaddr), 0);
	assert_true(usyms_by_vaddr(u, path_of(file), vaddr + off, &s));
	assert_non_null(s.name);
	assert_string_equal(s.name, name);
	assert_int_equal(s.offset, off);
	assert_string_equal(s.path, path_of(file));
}

static void test_pie_nonpie_shared(void **state)
{
	(void)state;
	struct usyms *u = usyms_new();
	check_roundtrip(u, "pie", "beta", 0);
	check_roundtrip(u, "pie", "alpha", 2);
	check_roundtrip(u, "nopie", "beta", 1);
	check_roundtrip(u, "libt.so", "lib_two", 4);
	check_roundtrip(u, "libt.so", "lib_hidden", 0);	/* local: .symtab */
	uint64_t v;
	assert_int_equal(usyms_symbol_vaddr(path_of("nopie"), "beta", &v), 0);
	assert_true(v >= 0x400000);	/* ET_EXEC: absolute */
	assert_int_equal(usyms_symbol_vaddr(path_of("pie"), "no_such_fn", &v), -ENOENT);
	usyms_free(u);
}

static void test_stripped_dynsym(void **state)
{
	(void)state;
	struct usyms *u = usyms_new();
	uint64_t vaddr, v2;
	struct usym s;
	/* exported functions stay in .dynsym and resolve at the same addresses */
	assert_int_equal(usyms_symbol_vaddr(path_of("libt.so"), "lib_one", &vaddr), 0);
	assert_int_equal(usyms_symbol_vaddr(path_of("libstripped.so"), "lib_one", &v2), 0);
	assert_int_equal(vaddr, v2);
	assert_true(usyms_by_vaddr(u, path_of("libstripped.so"), v2 + 1, &s));
	assert_string_equal(s.name, "lib_one");
	assert_int_equal(s.offset, 1);
	/* the static one is gone with .symtab: no name, yet no failure */
	assert_int_equal(usyms_symbol_vaddr(path_of("libstripped.so"), "lib_hidden", &v2), -ENOENT);
	/* a stripped PIE has no symbol for main's helpers */
	assert_int_equal(usyms_symbol_vaddr(path_of("pie"), "beta", &vaddr), 0);
	assert_true(usyms_by_vaddr(u, path_of("pie_nosymtab"), vaddr, &s));
	assert_true(s.name == NULL || strcmp(s.name, "beta") != 0);
	usyms_free(u);
}

static void test_build_id_and_offset(void **state)
{
	(void)state;
	struct usyms *u = usyms_new();
	uint8_t id[20];
	uint64_t vaddr;
	struct usym s;
	int n = usyms_build_id(path_of("libt.so"), id, sizeof(id));
	assert_int_equal(n, 20);
	assert_int_equal(usyms_symbol_vaddr(path_of("libt.so"), "lib_three", &vaddr), 0);
	/* unknown build id: not found (the system scan cannot find our temp dir) */
	uint8_t other[20];
	memcpy(other, id, 20);
	other[0] ^= 0xff;
	assert_false(usyms_by_build_id(u, other, 20, vaddr, &s));
	/* registered: for a shared object built this way, file offset == vaddr in
	 * the text segment; use the file-offset form to be exact */
	assert_int_equal(usyms_add_file(u, path_of("libt.so")), 0);
	assert_true(usyms_by_file_offset(u, path_of("libt.so"), vaddr, &s));
	uint64_t off = vaddr;	/* same segment mapping for -shared here */
	assert_true(usyms_by_build_id(u, id, 20, off + 1, &s));
	assert_non_null(s.name);
	assert_string_equal(s.name, "lib_three");
	assert_int_equal(s.offset, 1);
	usyms_free(u);
}

/* A live PIE process: resolve its runtime address through /proc/PID/maps, then
 * again after it has exited (the snapshot taken on first use is kept). */
static void test_pid_then_exit(void **state)
{
	(void)state;
	int in[2], out[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path_of("pie"), "pie", "wait", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	char line[64] = "";
	FILE *f = fdopen(out[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	uint64_t addr = strtoull(line, NULL, 16);
	struct usyms *u = usyms_new();
	struct usym s;
	assert_true(usyms_by_pid(u, pid, addr + 2, &s));
	assert_string_equal(s.name, "beta");
	assert_int_equal(s.offset, 2);
	assert_string_equal(s.path, path_of("pie"));
	/* let it exit and reap it */
	assert_int_equal(write(in[1], "x", 1), 1);
	int status;
	waitpid(pid, &status, 0);
	assert_true(usyms_by_pid(u, pid, addr, &s));
	assert_string_equal(s.name, "beta");
	/* a fresh cache cannot see the dead process */
	struct usyms *u2 = usyms_new();
	assert_false(usyms_by_pid(u2, pid, addr, &s));
	usyms_free(u2);
	usyms_free(u);
	fclose(f);
	close(in[1]);
}

static void test_ksyms_file(void **state)
{
	(void)state;
	const char *p = path_of("kallsyms");
	FILE *f = fopen(p, "w");
	fputs("0000000000000000 A fixed_percpu_data\n"
	      "ffffffff81000000 T _stext\n"
	      "ffffffff81000000 T startup_64\n"
	      "ffffffff81001000 t helper_local\n"
	      "ffffffff81002000 T do_work\n"
	      "ffffffffc0001000 t mod_fn\t[mymod]\n", f);
	fclose(f);
	struct ksyms *k = ksyms_open(p);
	uint64_t off, addr;
	assert_non_null(k);
	assert_int_equal(ksyms_count(k), 5);
	assert_string_equal(ksyms_resolve(k, 0xffffffff81000010, &off), "_stext");
	assert_int_equal(off, 0x10);
	assert_string_equal(ksyms_resolve(k, 0xffffffff81001fff, &off), "helper_local");
	assert_int_equal(off, 0xfff);
	assert_string_equal(ksyms_resolve(k, 0xffffffffc0001004, &off), "mod_fn");
	assert_null(ksyms_resolve(k, 0x20, &off));
	assert_null(ksyms_resolve(k, 0xfffffffff0000000, &off));	/* far past the last */
	assert_int_equal(ksyms_addr(k, "do_work", &addr), 0);
	assert_int_equal(addr, 0xffffffff81002000);
	assert_int_equal(ksyms_addr(k, "nope", &addr), -ENOENT);
	assert_false(ksyms_hidden(k));
	ksyms_free(k);
	assert_null(ksyms_open(path_of("does_not_exist")));
	assert_int_equal(ksym_load_count(), 0);	/* nothing read the real one */
}

/* What a user without CAP_SYSLOG reads: every address 0, and a short last
 * line without a type (never read past the end). */
static void test_ksyms_hidden(void **state)
{
	(void)state;
	const char *p = path_of("kallsyms_hidden");
	FILE *f = fopen(p, "w");
	fputs("0000000000000000 T _stext\n"
	      "0000000000000000 t mod_fn\t[mymod]\n"
	      "00", f);
	fclose(f);
	struct ksyms *k = ksyms_open(p);
	assert_non_null(k);
	assert_int_equal(ksyms_count(k), 0);
	assert_true(ksyms_hidden(k));
	assert_false(ksyms_hidden(NULL));
	ksyms_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pie_nonpie_shared),
		cmocka_unit_test(test_stripped_dynsym),
		cmocka_unit_test(test_build_id_and_offset),
		cmocka_unit_test(test_pid_then_exit),
		cmocka_unit_test(test_ksyms_file),
		cmocka_unit_test(test_ksyms_hidden),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
