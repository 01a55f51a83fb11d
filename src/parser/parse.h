/* The front end's entry point: lex and parse a program's source into its AST. */
#ifndef BPFL_PARSE_H
#define BPFL_PARSE_H

#include <stdbool.h>

#include "lang/program.h"

/* Parse p->src into p->ast (an N_PROGRAM). Syntax errors are appended to
 * p->diags (several where recovery is cheap); returns false if there were any. */
bool parse_program(struct program *p);

/* stdlib.c: the standard library's macros, in the language itself, parsed
 * after every script (the helpers bpftrace's standard library defines as
 * macros over other builtins). */
extern const char parse_stdlib_file[];
extern const char parse_stdlib_src[];

#endif
