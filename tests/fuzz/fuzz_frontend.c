/* libFuzzer harness: the front end (lexer, parser, C declarations, sema) over
 * one program text, against the fake kernel of fuzz_common.c. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct program p;

	if (size > FUZZ_MAX_INPUT)
		return -1;	/* not added to the corpus */
	fuzz_front(&p, data, size);
	program_fini(&p);
	return 0;
}
