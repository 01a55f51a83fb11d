/* Turning a finished LLVM module into a BPF object in memory. */
#ifndef BPFL_OBJECT_H
#define BPFL_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <llvm-c/Core.h>

/* Verify, optimise (default<O2>) and emit mod for bpfel/v3 into *obj (malloc'd,
 * *size bytes). With dump_ir, print the optimised IR to dump. On failure returns
 * -errno and sets *err to LLVM's message (free with LLVMDisposeMessage). */
int obj_emit(LLVMModuleRef mod, bool dump_ir, FILE *dump, void **obj, size_t *size, char **err);

#endif
