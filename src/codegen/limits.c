/* The kernel's limits on a program that the code generator meets, reported in
 * our words at the statement that hit them, never with LLVM's text. LLVM
 * reports a BPF stack overflow as a diagnostic (and its default handler ends
 * the process), so codegen installs its own handler, remembers the first
 * error, and after emission measures the stack each program uses from its
 * instructions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <llvm-c/Core.h>

#include "codegen/cg.h"

#define STACK_MSG "BPF stack limit is exceeded"

/* LLVM's diagnostics: keep the first error; warnings and remarks are LLVM's
 * business, not the user's. "in function NAME" in the text names the
 * function the stack error is about. */
static void on_diag(LLVMDiagnosticInfoRef di, void *ctx)
{
	struct cg *c = ctx;
	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError || c->llvm_error)
		return;
	char *text = LLVMGetDiagInfoDescription(di);
	c->llvm_error = arena_strdup(&c->p->arena, text);
	const char *fn = strstr(text, "in function ");
	if (strstr(text, STACK_MSG) && fn) {
		fn += strlen("in function ");
		c->stack_fn = arena_strndup(&c->p->arena, fn, strcspn(fn, " :"));
	}
	LLVMDisposeMessage(text);
}

void cg_limits_init(struct cg *c)
{
	LLVMContextSetDiagnosticHandler(c->ctx, on_diag, c);
}

/* Bytes of stack program `name` of the object uses: the deepest r10-relative
 * access or address (`rX = r10; rX += off`); 0 when it is not a program of
 * its own (a subprogram) or the object does not open. */
static unsigned stack_depth(const void *obj, size_t size, const char *name)
{
	struct bpf_object *o = bpf_object__open_mem(obj, size, NULL);
	struct bpf_program *prog = o ? bpf_object__find_program_by_name(o, name) : NULL;
	const struct bpf_insn *in = prog ? bpf_program__insns(prog) : NULL;
	size_t n = prog ? bpf_program__insn_cnt(prog) : 0;
	int deepest = 0;
	for (size_t i = 0; i < n; i++) {
		int off = 0;
		uint8_t cls = BPF_CLASS(in[i].code);
		if ((cls == BPF_STX || cls == BPF_ST) && in[i].dst_reg == BPF_REG_10)
			off = in[i].off;
		else if (cls == BPF_LDX && in[i].src_reg == BPF_REG_10)
			off = in[i].off;
		else if (in[i].code == (BPF_ALU64 | BPF_MOV | BPF_X) && in[i].src_reg == BPF_REG_10 &&
			 i + 1 < n && in[i + 1].code == (BPF_ALU64 | BPF_ADD | BPF_K) &&
			 in[i + 1].dst_reg == in[i].dst_reg)
			off = in[i + 1].imm;
		if (off < deepest)
			deepest = off;
	}
	bpf_object__close(o);
	return (unsigned)-deepest;
}

/* The function LLVM named, as codegen recorded it; NULL when unknown. */
static const struct cg_fn *fn_named(const struct cg *c, const char *name)
{
	for (const struct cg_fn *f = c->fns; f && name; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* The stack error: at the statement that took the function past the limit by
 * our count of its slots, else at its probe. */
static void report_stack(struct cg *c, const void *obj, size_t size)
{
	const struct cg_fn *f = fn_named(c, c->stack_fn);
	const struct node *at = f ? (f->over ? f->over : f->probe) : NULL;
	struct loc loc = at ? at->loc : (struct loc){0};
	unsigned depth = obj ? stack_depth(obj, size, c->stack_fn) : 0;
	struct diag *dg;
	if (depth > CG_STACK_LIMIT)
		dg = diag_error(&c->p->diags, loc, "this probe needs %u bytes of BPF stack, "
				"the limit is %u", depth, CG_STACK_LIMIT);
	else
		dg = diag_error(&c->p->diags, loc, "this probe needs more than %u bytes of BPF "
				"stack, the kernel's limit", CG_STACK_LIMIT);
	diag_hint(&c->p->diags, dg, "each value a probe keeps at once takes stack (its "
		  "$variables, or values held across statements); use fewer $variables in "
		  "this probe, keep values in maps, or split it into several probes on the "
		  "same event");
}

int cg_limits_check(struct cg *c, const void *obj, size_t size)
{
	if (c->stack_fn) {
		report_stack(c, obj, size);
		return -E2BIG;
	}
	if (c->llvm_error) {	/* no other is expected: say what LLVM said */
		diag_error(&c->p->diags, (struct loc){0}, "code generation failed: %s",
			   c->llvm_error);
		return -EINVAL;
	}
	return 0;
}
