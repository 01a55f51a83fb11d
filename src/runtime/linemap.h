/* From a BPF instruction back to the script: the object's .BTF.ext line info
 * (emitted by codegen from the debug locations of statements) maps each
 * instruction of a program to the line and column it came from. Used to place
 * a verifier rejection at the exact spot in the script. */
#ifndef BPFL_LINEMAP_H
#define BPFL_LINEMAP_H

#include <stddef.h>

/* Line and column (1-based) of instruction `insn` of program (ELF function)
 * `prog` in the ELF image obj; 0, or -ENOENT when the object has no line
 * info covering it, -EINVAL when the image is malformed. */
int linemap_lookup(const void *obj, size_t size, const char *prog, unsigned insn,
		   int *line, int *col);

/* The instruction a verifier log blames: the N of the last "at insn N", else
 * of the last "N: (" instruction line. -1 when there is none. */
int linemap_failing_insn(const char *log);

/* The verifier's reason for a rejection: the first line after the last
 * instruction line that is neither an instruction nor a state dump, copied
 * into buf (size bytes). buf is "" when there is none. */
void linemap_reason(const char *log, char *buf, size_t size);

/* The helper instruction `insn` calls, as the log names it ("12: (85) call
 * bpf_d_path#147" gives "bpf_d_path"), into buf; -ENOENT when that
 * instruction is not a helper call in the log. */
int linemap_helper(const char *log, int insn, char *buf, size_t size);

#endif
