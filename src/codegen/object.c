/* From LLVM module to BPF ELF: target setup, the O2 pipeline, emission to
 * memory. */
#include "codegen/object.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "util/alloc.h"
#include "util/log.h"

/* LLVM's fatal errors (report_fatal_error) would abort the process with its
 * own text. Compilation runs before anything is loaded or attached, so exit
 * with an error of ours instead. chunks.c keeps programs inside the limits we
 * know of (BPF's 16-bit jumps: "Branch target out of insn range"); this is
 * for what it does not foresee. */
static void obj_fatal_error(const char *reason)
{
	fprintf(stderr, "ERROR: code generation failed: %s\n"
		"HINT: the program may be too large for BPF: split big probes into several "
		"probes on the same event\n", reason);
	fflush(NULL);
	_exit(1);
}

static LLVMTargetMachineRef obj_target_machine(char **err)
{
	static bool initialised;
	LLVMTargetRef target;
	if (!initialised) {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
		LLVMInstallFatalErrorHandler(obj_fatal_error);
		initialised = true;
	}
	if (LLVMGetTargetFromTriple("bpfel", &target, err))
		return NULL;
	return LLVMCreateTargetMachine(target, "bpfel", "v3", "", LLVMCodeGenLevelDefault,
				       LLVMRelocDefault, LLVMCodeModelDefault);
}

/* The BPF backend expands llvm.memset/llvm.memcpy of constant length into
 * at most 128 stores of the alignment's width; a longer one becomes a call to
 * memset or memcpy, which BPF has not ("A call to built-in function 'memset'
 * is not supported"). The optimiser makes such calls of its own (625 stores
 * of a 5,000-byte string literal become one memset), so after it has run,
 * each one too long is cut here into pieces the backend expands. */
enum { BPF_MEM_STORES = 128 };

static unsigned param_align(LLVMValueRef call, unsigned param)
{
	static unsigned kind;
	if (!kind)
		kind = LLVMGetEnumAttributeKindForName("align", 5);
	LLVMAttributeRef a = LLVMGetCallSiteEnumAttribute(call, param + 1, kind);
	uint64_t v = a ? LLVMGetEnumAttributeValue(a) : 1;
	return v >= 8 ? 8 : v >= 4 ? 4 : v >= 2 ? 2 : 1;
}

/* Cut one memset/memcpy call (is_set: memset) in pieces if it is too long;
 * true when it did (the call is then erased by the caller). */
static bool split_memop(LLVMBuilderRef b, LLVMValueRef call, bool is_set)
{
	LLVMValueRef len = LLVMGetOperand(call, 2);
	if (!LLVMIsAConstantInt(len))
		return false;
	unsigned align = param_align(call, 0);
	if (!is_set && param_align(call, 1) < align)
		align = param_align(call, 1);
	uint64_t total = LLVMConstIntGetZExtValue(len), piece = (uint64_t)BPF_MEM_STORES * align / 2;
	if (total <= (uint64_t)BPF_MEM_STORES * align)
		return false;
	LLVMContextRef ctx = LLVMGetTypeContext(LLVMTypeOf(len));
	LLVMTypeRef i8 = LLVMInt8TypeInContext(ctx), i64 = LLVMInt64TypeInContext(ctx);
	LLVMValueRef dst = LLVMGetOperand(call, 0), src = LLVMGetOperand(call, 1);
	LLVMPositionBuilderBefore(b, call);
	for (uint64_t off = 0; off < total; off += piece) {
		LLVMValueRef idx = LLVMConstInt(i64, off, 0);
		LLVMValueRef d = LLVMBuildGEP2(b, i8, dst, &idx, 1, "");
		LLVMValueRef n = LLVMConstInt(LLVMTypeOf(len), total - off < piece ? total - off : piece, 0);
		if (is_set) {
			LLVMBuildMemSet(b, d, src, n, align);
		} else {
			LLVMValueRef sp = LLVMBuildGEP2(b, i8, src, &idx, 1, "");
			LLVMBuildMemCpy(b, d, align, sp, align, n);
		}
	}
	return true;
}

static void split_memops(LLVMModuleRef mod)
{
	LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(mod));
	for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb), next; i; i = next) {
				next = LLVMGetNextInstruction(i);
				LLVMValueRef callee = LLVMIsACallInst(i) ? LLVMGetCalledValue(i) : NULL;
				size_t n = 0;
				const char *name = callee ? LLVMGetValueName2(callee, &n) : "";
				bool set = !strncmp(name, "llvm.memset.", 12);
				if ((set || !strncmp(name, "llvm.memcpy.", 12)) && split_memop(b, i, set))
					LLVMInstructionEraseFromParent(i);
			}
	LLVMDisposeBuilder(b);
}

/* The optimisation pipeline. O2 for the programs users write (the biggest of
 * tools/ has ~1,400 IR instructions, optimised in 13 ms); past
 * BIG_MODULE_INSNS, a short one: O2's time grows faster than the program
 * (2,000 statement pairs: 136,000 instructions, 1.6 s in O2, InstCombine,
 * SimplifyCFG and IPSCCP first), while SROA, CSE, InstCombine and SimplifyCFG
 * alone take 0.3 s and leave code the verifier takes as readily (bench/bigprog.sh,
 * docs/internals.md "Big programs"). */
enum { BIG_MODULE_INSNS = 20000 };

static const char *obj_pipeline(LLVMModuleRef mod)
{
	size_t n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(mod); f; f = LLVMGetNextFunction(f))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
			for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i))
				if (++n > BIG_MODULE_INSNS) {
					rt_log(1, "a big program (more than %d IR instructions): the short "
					       "optimisation pipeline\n", BIG_MODULE_INSNS);
					return "function(sroa,early-cse,instcombine,simplifycfg)";
				}
	return "default<O2>";
}

int obj_emit(LLVMModuleRef mod, bool dump_ir, FILE *dump, void **obj, size_t *size, char **err)
{
	LLVMMemoryBufferRef buf = NULL;
	LLVMTargetMachineRef tm = obj_target_machine(err);
	int ret = -EINVAL;
	if (!tm)
		return ret;
	LLVMSetTarget(mod, "bpfel");
	LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
	char *layout = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(mod, layout);
	LLVMDisposeMessage(layout);
	LLVMDisposeTargetData(td);
	char *verr = NULL;	/* set, possibly empty, even on success */
	if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &verr)) {
		*err = verr;
		goto out;
	}
	LLVMDisposeMessage(verr);
	double t0 = log_now_ms();
	LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e = LLVMRunPasses(mod, obj_pipeline(mod), tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (e) {
		char *m = LLVMGetErrorMessage(e);
		*err = LLVMCreateMessage(m);	/* callers free with LLVMDisposeMessage */
		LLVMDisposeErrorMessage(m);
		goto out;
	}
	split_memops(mod);
	if (dump_ir) {
		char *ir = LLVMPrintModuleToString(mod);
		fputs(ir, dump);
		LLVMDisposeMessage(ir);
	}
	double t1 = log_now_ms();
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, err, &buf))
		goto out;
	rt_log(1, "LLVM: optimised in %.1f ms, BPF code generated in %.1f ms\n", t1 - t0,
	       log_now_ms() - t1);
	*size = LLVMGetBufferSize(buf);
	*obj = xrealloc(NULL, *size);
	if (!*obj) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*obj, LLVMGetBufferStart(buf), *size);
	ret = 0;
out:
	if (buf)
		LLVMDisposeMemoryBuffer(buf);
	LLVMDisposeTargetMachine(tm);
	return ret;
}
