/* Kernel-function probe builtins (kfunc.c) that other builtin families call. */
#ifndef BPFL_BUILTINS_KFUNC_H
#define BPFL_BUILTINS_KFUNC_H

#include <stdbool.h>

struct sema;
struct node;

/* `args` in a fentry/fexit probe: the record of the function's parameters. */
bool kfunc_check_args(struct sema *s, struct node *n);

#endif
