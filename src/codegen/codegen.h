/* Code generation: the checked program becomes one LLVM module (one BPF
 * function per concrete probe, BTF-defined maps, a ring buffer for output),
 * optimised and emitted as a BPF ELF object in memory. */
#ifndef BPFL_CODEGEN_H
#define BPFL_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/program.h"

struct cg_opts {
	bool dump_ir;		/* -d ir: print the optimised LLVM IR */
	bool dump_obj;		/* -d obj: write the object (for llvm-objdump/bpftool) */
	FILE *dump_out;		/* where dumps go (stdout when NULL) */
	const char *obj_path;	/* -d obj: the file to write; NULL: "bpfline.o" */
};

/* Compile p (after sema) to an ELF object; *obj is malloc'd, free with free().
 * Returns 0, or -errno after appending a diagnostic to p->diags. */
int cg_compile(struct program *p, void **obj, size_t *obj_size, const struct cg_opts *opts);

#endif
