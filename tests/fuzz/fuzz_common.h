/* What the two libFuzzer harnesses share: the fixed fake kernel they compile
 * against, and the front end run over one input. */
#ifndef BPFL_FUZZ_COMMON_H
#define BPFL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "lang/program.h"

/* Inputs longer than this are skipped: the front end is linear in the input, and
 * long inputs only slow the search down (tests/bad/ covers the 1 MB script). */
#define FUZZ_MAX_INPUT 4096

/* Point the kernel layer at the fake kernel of tests/fuzz/kernel/: its BTF
 * (vmlinux.c compiled by the build), its tracefs copy and function list, and
 * kprobes and fentry claimed present, so no input reads the running kernel's
 * BTF or tracefs or loads a BPF program. libFuzzer calls it once per process,
 * for both harnesses. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* program_init over the input (a copy, NUL-terminated: inputs may hold NUL
 * bytes), then parse → C declarations → sema as bpfline's driver runs them.
 * The diagnostics are printed (to /dev/null) so their printer runs too.
 * Returns whether the program passed sema; *p must be program_fini'd. */
int fuzz_front(struct program *p, const uint8_t *data, size_t size);

#endif
