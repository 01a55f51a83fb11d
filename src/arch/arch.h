/* The register layout of the architecture bpfline runs on (x86-64 today), written
 * once: struct pt_regs offsets, the argument registers of the calling convention,
 * the register names reg() accepts and those USDT argument specs use. */
#ifndef BPFL_ARCH_H
#define BPFL_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Argument registers of the calling convention; more arguments are on the stack. */
#define ARCH_NARG_REGS 6

/* Offset in struct pt_regs of argument register n (0 <= n < ARCH_NARG_REGS). */
int arch_arg_offset(int n);

/* The size of struct pt_regs. */
int arch_regs_size(void);

/* Offsets in struct pt_regs of the stack pointer and the return-value register. */
int arch_sp_offset(void);
int arch_ret_offset(void);

/* The offset in struct pt_regs of a register by bpftrace's reg() name ("di",
 * "r8", "ip", "orig_ax"); -1 when unknown. */
int arch_reg_offset(const char *name);

/* reg()'s names, for a hint: "ip, sp, bp, ax, ...". */
const char *arch_reg_names(void);

/* The offset of a register named as in an AT&T operand without '%', at any
 * width ("rdi", "edi", "di", "dil", "r8d"); -1 when unknown. */
int arch_usdt_reg_offset(const char *name);

/* System calls (the syscall tracepoints run on raw_syscalls through these). */
#define ARCH_NSYSCALL_ARGS 6

/* The number of system call `name` as its tracepoint names it ("openat",
 * "newstat"), in the 64-bit table; -1 when bpfline does not know it. */
int arch_syscall_nr(const char *name);

/* Offset in struct pt_regs of the register holding system call argument n
 * (0 <= n < ARCH_NSYSCALL_ARGS); -1 otherwise. */
int arch_syscall_arg_offset(int n);

/* The code segment a native 64-bit system call comes from (pt_regs' cs); the
 * kernel's syscall tracepoints ignore the others (32-bit compat calls, which
 * are numbered differently); -1 when the architecture has no such test. */
int arch_syscall_native_cs(void);

/* Whether the kernel's uprobes can place a breakpoint on the instruction at
 * insn (len bytes, a function's first): x86-64 uprobes refuse an instruction with
 * a segment-override or lock prefix (pthread_self's `mov %fs:0x10,%rax`) and a few
 * opcodes (int3, int N, hlt, ...) with ENOTSUPP, which would fail a uprobe_multi
 * link for every function of a wildcard. */
bool arch_uprobe_insn_ok(const uint8_t *insn, size_t len);

#endif
