/* Declarations shared by the files of src/sema/ only. */
#ifndef BPFL_SEMA_INTERNAL_H
#define BPFL_SEMA_INTERNAL_H

#include <stdbool.h>

#include "lang/program.h"

/* settings.c: apply the script's config block to p->config; false (with
 * located errors) when a key is unknown or a value bad. */
bool sema_apply_config(struct program *p);

#endif
