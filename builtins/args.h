/* Reading probe arguments from the context, for builtins of several families
 * (uprobe/usdt here; kprobe/kretprobe reuse the same pt_regs layout). */
#ifndef BPFL_BUILTINS_ARGS_H
#define BPFL_BUILTINS_ARGS_H

#include <llvm-c/Core.h>

struct cg;

/* The n-th integer argument (0-based) of the function a pt_regs context
 * (c->ctxarg) stopped at, x86-64 SysV: rdi, rsi, rdx, rcx, r8, r9, then the
 * stack above the return address (read from user memory for uprobes, kernel
 * memory for kprobes). An i64. */
LLVMValueRef cg_regs_arg(struct cg *c, int n);

/* The return value (rax) of a pt_regs context at a function return. */
LLVMValueRef cg_regs_ret(struct cg *c);

/* The 64-bit register at byte offset off in struct pt_regs. */
LLVMValueRef cg_regs_load(struct cg *c, int off);

#endif
