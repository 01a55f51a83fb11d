/* Declarations shared by the files of src/sema/ only. */
#ifndef BPFL_SEMA_INTERNAL_H
#define BPFL_SEMA_INTERNAL_H

#include <stdbool.h>

#include "lang/program.h"

/* settings.c: apply the script's config block to p->config; false (with
 * located errors) when a key is unknown or a value bad. */
bool sema_apply_config(struct program *p);

/* macros.c: replace every use of a script's macros by the macro's body (an
 * N_BLOCK_EXPR, hygienic); false (with located errors) on a bad definition, a
 * call no definition fits, recursion or a map the macro was not given. */
bool sema_expand_macros(struct program *p);

#endif
