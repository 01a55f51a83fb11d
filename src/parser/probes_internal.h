/* Shared by the attach-point expanders of src/parser (probes.c and one file per
 * family that needs more than a few lines, like probes_kfunc.c). */
#ifndef BPFL_PROBES_INTERNAL_H
#define BPFL_PROBES_INTERNAL_H

#include "program.h"

/* Append a probe_def of `kind` for attach point `attach` of block `probe`;
 * NULL when out of memory. */
struct probe_def *probe_add_def(struct program *p, const struct node *probe,
				const struct node *attach, enum probe_kind kind);

/* kprobe/kretprobe/fentry/fexit: parts[0] is the family, parts[1] the function
 * (a glob, "+offset" for kprobes); n parts in all. Falls back from kprobes to
 * fentry/fexit when the kernel has no kprobes; located errors otherwise. */
bool probes_expand_kfunc(struct program *p, const struct node *probe,
			 const struct node *at, enum probe_kind kind, char **parts, int n);

#endif
