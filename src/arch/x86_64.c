/* x86-64: struct pt_regs as the kernel lays it out (arch/x86/include/asm/ptrace.h),
 * the System V argument registers, and the register names of reg() and of USDT
 * operands. */
#include "arch/arch.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arch/syscalls_x86_64.h"

/* Every register of pt_regs: bpftrace's reg() name, then the AT&T names by
 * width (64, 32, 16, 8 bits) where USDT operands may use it. */
static const struct {
	const char *name;
	const char *att[4];
	int off;
} regs[] = {
	{"r15", {"r15", "r15d", "r15w", "r15b"}, 0},
	{"r14", {"r14", "r14d", "r14w", "r14b"}, 8},
	{"r13", {"r13", "r13d", "r13w", "r13b"}, 16},
	{"r12", {"r12", "r12d", "r12w", "r12b"}, 24},
	{"bp", {"rbp", "ebp", "bp", "bpl"}, 32},
	{"bx", {"rbx", "ebx", "bx", "bl"}, 40},
	{"r11", {"r11", "r11d", "r11w", "r11b"}, 48},
	{"r10", {"r10", "r10d", "r10w", "r10b"}, 56},
	{"r9", {"r9", "r9d", "r9w", "r9b"}, 64},
	{"r8", {"r8", "r8d", "r8w", "r8b"}, 72},
	{"ax", {"rax", "eax", "ax", "al"}, 80},
	{"cx", {"rcx", "ecx", "cx", "cl"}, 88},
	{"dx", {"rdx", "edx", "dx", "dl"}, 96},
	{"si", {"rsi", "esi", "si", "sil"}, 104},
	{"di", {"rdi", "edi", "di", "dil"}, 112},
	{"orig_ax", {NULL}, 120},
	{"ip", {"rip", "eip", NULL, NULL}, 128},
	{"cs", {NULL}, 136},
	{"flags", {NULL}, 144},
	{"sp", {"rsp", "esp", "sp", "spl"}, 152},
	{"ss", {NULL}, 160},
};

#define NREGS (sizeof(regs) / sizeof(regs[0]))

/* di si dx cx r8 r9, as reg() names. */
static const char *const arg_regs[ARCH_NARG_REGS] = {"di", "si", "dx", "cx", "r8", "r9"};

int arch_reg_offset(const char *name)
{
	for (size_t i = 0; i < NREGS; i++)
		if (!strcmp(regs[i].name, name))
			return regs[i].off;
	return -1;
}

int arch_arg_offset(int n)
{
	return n >= 0 && n < ARCH_NARG_REGS ? arch_reg_offset(arg_regs[n]) : -1;
}

int arch_regs_size(void)
{
	return arch_reg_offset("ss") + 8;	/* ss is the last member */
}

int arch_sp_offset(void)
{
	return arch_reg_offset("sp");
}

int arch_ret_offset(void)
{
	return arch_reg_offset("ax");
}

const char *arch_reg_names(void)
{
	return "ip, sp, bp, ax, bx, cx, dx, si, di, r8..r15, orig_ax, flags, cs, ss";
}

int arch_usdt_reg_offset(const char *name)
{
	for (size_t i = 0; i < NREGS; i++)
		for (int k = 0; k < 4; k++)
			if (regs[i].att[k] && !strcmp(regs[i].att[k], name))
				return regs[i].off;
	return -1;
}

static int syscall_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct arch_syscall *)elem)->name);
}

int arch_syscall_nr(const char *name)
{
	const struct arch_syscall *s = bsearch(name, arch_syscalls,
		sizeof(arch_syscalls) / sizeof(arch_syscalls[0]), sizeof(arch_syscalls[0]),
		syscall_cmp);
	return s ? s->nr : -1;
}

/* The syscall ABI passes the fourth argument in r10 (cx holds the return
 * address of the syscall instruction). */
static const char *const syscall_arg_regs[ARCH_NSYSCALL_ARGS] = {"di", "si", "dx", "r10", "r8", "r9"};

int arch_syscall_arg_offset(int n)
{
	return n >= 0 && n < ARCH_NSYSCALL_ARGS ? arch_reg_offset(syscall_arg_regs[n]) : -1;
}

int arch_syscall_native_cs(void)
{
	return 0x33;	/* __USER_CS; ia32 code runs in __USER32_CS (0x23) */
}

/* The kernel's x86 uprobe_init_insn: is_prefix_bad() refuses the segment
 * overrides and lock among the legacy prefixes; good_insns_64 leaves out, of
 * the one-byte opcodes a function may start with, int3, int N, into, iret, int1
 * and hlt. */
bool arch_uprobe_insn_ok(const uint8_t *insn, size_t len)
{
	static const uint8_t bad_prefix[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0xf0 };
	static const uint8_t other_prefix[] = { 0x66, 0x67, 0xf2, 0xf3 };
	static const uint8_t bad_opcode[] = { 0xcc, 0xcd, 0xce, 0xcf, 0xf1, 0xf4 };
	size_t i = 0;
	for (; i < len; i++) {
		if (memchr(bad_prefix, insn[i], sizeof(bad_prefix)))
			return false;
		if (!memchr(other_prefix, insn[i], sizeof(other_prefix)))
			break;
	}
	return i >= len || !memchr(bad_opcode, insn[i], sizeof(bad_opcode));
}
