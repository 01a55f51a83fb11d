/* libFuzzer harness: code generation. A program that passes the front end is
 * compiled to a BPF object in memory (LLVM IR, the optimiser, the BPF
 * backend), as `bpfline -d obj` does, and nothing is loaded: the object is
 * freed. Inputs that fail sema end early, so the search is steered towards
 * valid programs by the corpus (seeded from real ones). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "codegen/codegen.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_opts cgo = { 0 };
	struct program p;
	void *obj = NULL;
	size_t obj_size = 0;

	if (size > FUZZ_MAX_INPUT)
		return -1;
	if (fuzz_front(&p, data, size))
		cg_compile(&p, &obj, &obj_size, &cgo);
	free(obj);
	program_fini(&p);
	return 0;
}
