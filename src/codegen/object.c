/* From LLVM module to BPF ELF: target setup, the O2 pipeline, emission to
 * memory. */
#include "codegen/object.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "util/alloc.h"

static LLVMTargetMachineRef obj_target_machine(char **err)
{
	static bool initialised;
	LLVMTargetRef target;
	if (!initialised) {
		LLVMInitializeBPFTargetInfo();
		LLVMInitializeBPFTarget();
		LLVMInitializeBPFTargetMC();
		LLVMInitializeBPFAsmPrinter();
		initialised = true;
	}
	if (LLVMGetTargetFromTriple("bpfel", &target, err))
		return NULL;
	return LLVMCreateTargetMachine(target, "bpfel", "v3", "", LLVMCodeGenLevelDefault,
				       LLVMRelocDefault, LLVMCodeModelDefault);
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
	LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e = LLVMRunPasses(mod, "default<O2>", tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (e) {
		char *m = LLVMGetErrorMessage(e);
		*err = LLVMCreateMessage(m);	/* callers free with LLVMDisposeMessage */
		LLVMDisposeErrorMessage(m);
		goto out;
	}
	if (dump_ir) {
		char *ir = LLVMPrintModuleToString(mod);
		fputs(ir, dump);
		LLVMDisposeMessage(ir);
	}
	if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, err, &buf))
		goto out;
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
