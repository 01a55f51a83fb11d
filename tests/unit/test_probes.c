/* Attach points of the issue-4 families (parsing into probe_defs, errors),
 * usdt argument specs, ELF symbol lookup, ld.so.cache parsing. ELF tests read
 * this test executable itself (its own symbols). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "fe_helpers.h"
#include "probes/family.h"
#include "sema/sema.h"
#include "kernel/uelf.h"
#include "kernel/usdt.h"
#include "util/arena.h"

/* ---- attach points ---- */

struct ap_case {
	const char *src;
	const char *names;	/* expected probe_def names joined by ',' or NULL on error */
	uint64_t value;		/* probe_def.value of the first def */
	const char *err;	/* substring of the error when names is NULL */
};

static const struct ap_case ap_cases[] = {
	{"profile:hz:99 {}", "profile:hz:99", 99, NULL},
	{"p:ms:10 {}", "profile:ms:10", 10000000, NULL},
	{"profile:us:100 {}", "profile:us:100", 100000, NULL},
	{"profile:s:1 {}", "profile:s:1", 1000000000, NULL},
	{"interval:hz:4 {}", "interval:hz:4", 250000000, NULL},
	{"software:faults {}", "software:faults:", 100, NULL},
	{"s:cs:10 {}", "software:cs:10", 10, NULL},
	{"software:cpu-clock:1e6 {}", "software:cpu-clock:1e6", 1000000, NULL},
	{"hardware:cycles:100 {}", "hardware:cycles:100", 100, NULL},
	{"h:instructions {}", "hardware:instructions:", 1000000, NULL},
	{"profile:xs:1 {}", NULL, 0, "Invalid profile probe: profile:xs:1"},
	{"profile:hz:0 {}", NULL, 0, "Invalid profile probe"},
	{"software:nope:1 {}", NULL, 0, "Invalid software event: software:nope:1"},
	{"software:faults:x {}", NULL, 0, "Invalid count in software:faults:x"},
	{"uprobe:/nonexistent/bin:f {}", NULL, 0, "cannot find binary or library '/nonexistent/bin'"},
	{"uprobe:f {}", NULL, 0, "uprobe:f: no binary given"},
	{"usdt:/proc/self/exe:p:n {}", NULL, 0, "no usdt probe p:n"},
};

static void test_attach_points(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ap_cases) / sizeof(ap_cases[0]); i++) {
		const struct ap_case *c = &ap_cases[i];
		struct program p;
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);
		assert_int_equal(program_init(&p, "stdin", c->src), 0);
		bool ok = parse_program(&p) && sema_check(&p);
		diag_print(&p.diags, out, false);
		fclose(out);
		if (!c->names) {
			if (ok || !strstr(buf, c->err))
				fail_msg("%s: want error '%s', got:\n%s", c->src, c->err, buf);
		} else {
			char names[512] = "";
			if (!ok)
				fail_msg("%s: unexpected error:\n%s", c->src, buf);
			for (size_t k = 0; k < p.probes.len; k++) {
				const struct probe_def *d = p.probes.items[k];
				strcat(names, k ? "," : "");
				strcat(names, d->name);
			}
			assert_string_equal(names, c->names);
			assert_int_equal(((struct probe_def *)p.probes.items[0])->value, c->value);
		}
		free(buf);
		program_fini(&p);
	}
}

/* ---- usdt argument specs ---- */

static void test_usdt_arg_specs(void **state)
{
	struct usdt_arg a;
	(void)state;

	assert_int_equal(usdt_parse_arg("-4@%eax", &a), 0);
	assert_int_equal(a.kind, USDT_ARG_REG);
	assert_int_equal(a.size, 4);
	assert_true(a.is_signed);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 80);

	assert_int_equal(usdt_parse_arg("8@-16(%rbp)", &a), 0);
	assert_int_equal(a.kind, USDT_ARG_MEM);
	assert_int_equal(a.val, -16);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 32);
	assert_false(a.is_signed);

	assert_int_equal(usdt_parse_arg("-8@8(%rsp)", &a), 0);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 152);
	assert_int_equal(a.val, 8);

	assert_int_equal(usdt_parse_arg("2@(%r12)", &a), 0);
	assert_int_equal(a.kind, USDT_ARG_MEM);
	assert_int_equal(a.val, 0);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 24);

	assert_int_equal(usdt_parse_arg("4@$-5", &a), 0);
	assert_int_equal(a.kind, USDT_ARG_CONST);
	assert_int_equal(a.val, -5);

	assert_int_equal(usdt_parse_arg("1@%sil", &a), 0);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 104);
	assert_int_equal(usdt_parse_arg("8@%r9", &a), 0);
	assert_int_equal(arch_usdt_reg_offset(a.reg), 64);

	assert_int_equal(usdt_parse_arg("3@%eax", &a), -EINVAL);	/* size */
	assert_int_equal(usdt_parse_arg("4@%xmm0", &a), 0);	/* parsed, but */
	assert_int_equal(arch_usdt_reg_offset(a.reg), -1);	/* not a pt_regs register */
	assert_int_equal(usdt_parse_arg("4@8(%rax,%rbx,2)", &a), -EINVAL);	/* SIB */
	assert_int_equal(usdt_parse_arg("%eax", &a), -EINVAL);

	struct usdt_arg args[USDT_MAX_ARGS];
	assert_int_equal(usdt_parse_args("-4@%ebx 8@%r15 -8@8(%rsp)", args, USDT_MAX_ARGS), 3);
	assert_int_equal(arch_usdt_reg_offset(args[1].reg), 0);
	assert_int_equal(usdt_parse_args("", args, USDT_MAX_ARGS), 0);
	assert_int_equal(usdt_parse_args("4@%eax bad", args, USDT_MAX_ARGS), -EINVAL);
	assert_int_equal(arch_usdt_reg_offset("rdi"), 112);
	assert_int_equal(arch_usdt_reg_offset("dil"), 112);
	assert_int_equal(arch_usdt_reg_offset("nope"), -1);
}

/* ---- the register layout (src/arch) ---- */

static void test_arch_regs(void **state)
{
	static const int args[] = {112, 104, 96, 88, 72, 64};	/* di si dx cx r8 r9 */
	(void)state;
	for (int i = 0; i < ARCH_NARG_REGS; i++)
		assert_int_equal(arch_arg_offset(i), args[i]);
	assert_int_equal(arch_arg_offset(ARCH_NARG_REGS), -1);
	assert_int_equal(arch_sp_offset(), 152);
	assert_int_equal(arch_ret_offset(), 80);
	assert_int_equal(arch_reg_offset("orig_ax"), 120);
	assert_int_equal(arch_reg_offset("rdi"), -1);	/* reg() takes bpftrace's names */
	assert_int_equal(arch_usdt_reg_offset("r8d"), 72);
}

/* ---- the family table (src/probes/families.c) ---- */

/* Every family's name and aliases find that family, no name is taken twice,
 * and every family has the hooks every probe needs. */
static void test_family_table(void **state)
{
	const char *seen[128];
	int n = 0;
	(void)state;
	for (const struct probe_family *const *f = probe_families; *f; f++) {
		assert_ptr_equal(probe_family_find((*f)->name, strlen((*f)->name)), *f);
		assert_non_null((*f)->expand);
		assert_non_null((*f)->section);
		assert_true((*f)->run || (*f)->attach || (*f)->attach_many);
		seen[n++] = (*f)->name;
		for (const char *const *a = (*f)->aliases; a && *a; a++) {
			assert_ptr_equal(probe_family_find(*a, strlen(*a)), *f);
			seen[n++] = *a;
		}
	}
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_string_not_equal(seen[i], seen[j]);
	assert_ptr_equal(probe_family_find("kfunc", 5), &probe_fentry);
	assert_ptr_equal(probe_family_find("kretfunc", 8), &probe_fexit);
	assert_ptr_equal(probe_family_find("it", 2), &probe_iter);
	assert_null(probe_family_find("nope", 4));
}

/* ---- ELF symbols ---- */

__attribute__((noinline, used)) int bpfl_unit_probe_target(int x);
__attribute__((noinline, used)) int bpfl_unit_probe_target(int x)
{
	return x + 1;
}

static void test_elf_symbols(void **state)
{
	struct arena a;
	struct uelf_sym *syms;
	int n, found = -1;
	uint64_t off;
	(void)state;

	arena_init(&a);
	assert_int_equal(uelf_functions("/proc/self/exe", &a, &syms, &n), 0);
	for (int i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(syms[i - 1].name, syms[i].name) < 0);	/* sorted, unique */
		if (!strcmp(syms[i].name, "bpfl_unit_probe_target"))
			found = i;
	}
	assert_true(found >= 0);
	assert_int_equal(uelf_offset("/proc/self/exe", syms[found].addr, &off), 0);
	assert_true(off > 0);
	assert_int_equal(uelf_offset("/proc/self/exe", 1, &off), -ENOENT);	/* ELF header */
	assert_int_equal(uelf_functions("/nonexistent", &a, &syms, &n), -ENOENT);
	assert_int_equal(uelf_functions("/etc/hostname", &a, &syms, &n), -ENOEXEC);

	struct usdt_probe *up;
	assert_int_equal(usdt_read(&a, "/proc/self/exe", &up, &n), 0);
	assert_int_equal(n, 0);
	arena_fini(&a);
}

/* ---- library resolution ---- */

static void put32(char *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }

static void test_ldcache(void **state)
{
	char c[512];
	struct arena a;
	(void)state;

	memset(c, 0, sizeof(c));
	memcpy(c, "glibc-ld.so.cache1.1", 20);
	put32(c, 20, 2);			/* nlibs */
	/* entries at 48: {flags, key, value, osversion, hwcap} */
	put32(c, 48, 0x0003);			/* i386 libc6: skipped when an x86-64 one exists */
	put32(c, 52, 200);
	put32(c, 56, 220);
	put32(c, 72, 0x0303);			/* x86-64 libc6 */
	put32(c, 76, 200);
	put32(c, 80, 260);
	strcpy(c + 200, "libfoo.so.1");
	strcpy(c + 220, "/lib32/libfoo.so.1");
	strcpy(c + 260, "/lib64/libfoo.so.1");
	arena_init(&a);
	assert_string_equal(uelf_ldcache_find(&a, "libfoo.so", c, sizeof(c)), "/lib64/libfoo.so.1");
	assert_null(uelf_ldcache_find(&a, "libbar.so", c, sizeof(c)));
	assert_string_equal(uelf_resolve(&a, "/etc/hostname", 0), "/etc/hostname");
	assert_null(uelf_resolve(&a, "no-such-library-xyz", 0));
	arena_fini(&a);
}

/* The first instructions x86-64 uprobes refuse (kernel's uprobe_init_insn). */
static void test_uprobe_insn_ok(void **state)
{
	static const struct {
		const char *what;
		uint8_t code[6];
		size_t len;
		bool ok;
	} cases[] = {
		{ "endbr64", { 0xf3, 0x0f, 0x1e, 0xfa }, 4, true },
		{ "push %rbp", { 0x55 }, 1, true },
		{ "mov %fs:0x10,%rax", { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x10 }, 6, false },
		{ "lock cmpxchg", { 0xf0, 0x0f, 0xb1, 0x17 }, 4, false },
		{ "data16 %gs: prefix", { 0x66, 0x65, 0x8b, 0x00 }, 4, false },
		{ "int3", { 0xcc }, 1, false },
		{ "hlt", { 0xf4 }, 1, false },
		{ "rep ret", { 0xf3, 0xc3 }, 2, true },
		{ "prefixes only", { 0x66, 0x66 }, 2, true },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok = arch_uprobe_insn_ok(cases[i].code, cases[i].len);
		if (ok != cases[i].ok)
			fail_msg("%s: %d, want %d", cases[i].what, ok, cases[i].ok);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attach_points),
		cmocka_unit_test(test_usdt_arg_specs),
		cmocka_unit_test(test_arch_regs),
		cmocka_unit_test(test_uprobe_insn_ok),
		cmocka_unit_test(test_family_table),
		cmocka_unit_test(test_elf_symbols),
		cmocka_unit_test(test_ldcache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
