/* The C declaration parser: struct, union, enum and typedef definitions and
 * `#define` lines at the top of a script, read without a C compiler.
 *
 * The lexer keeps each piece of C as text (program.cdefs); cdecl_parse reads
 * them in order and fills program.ctypes (with C layouts: offsets, sizes,
 * alignment, `__attribute__((packed))`), program.cconsts (enumerators and
 * integer #defines) and program.cmacros (other #defines). Names the script does
 * not define (`struct task_struct`, `u32`) come from a lookup the caller
 * supplies (sema passes kernel BTF), so this file needs nothing but the AST. */
#ifndef BPFL_CDECL_H
#define BPFL_CDECL_H

#include <stdbool.h>

#include "lang/program.h"

/* A type the script does not define: "struct NAME", "union NAME", "enum NAME"
 * or a typedef name. NULL when unknown. */
typedef struct type *(*cdecl_lookup_fn)(struct arena *a, const char *name, void *arg);

/* Parse p->cdefs into p->ctypes, p->cconsts and p->cmacros. Errors go to
 * p->diags, located at the definition; returns false if there were any. */
bool cdecl_parse(struct program *p, cdecl_lookup_fn lookup, void *arg);

#endif
