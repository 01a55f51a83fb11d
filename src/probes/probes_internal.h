/* Shared by the attach-point expanders: probes.c (kernel families) and
 * probes_user.c (uprobe, uretprobe, usdt). */
#ifndef BPFL_PROBES_INTERNAL_H
#define BPFL_PROBES_INTERNAL_H

#include <stdbool.h>

#include "lang/program.h"

/* A new probe_def of kind for attach point `attach` of block `probe`, appended
 * to p->probes (index, owner and pid set); NULL on exhaustion. */
struct probe_def *probes_add_def(struct program *p, const struct node *probe,
				 const struct node *attach, enum probe_kind kind);

/* uprobe:BIN:FUNC[+OFF] | uprobe:BIN:ADDR, and uretprobe (family = its name). */
bool probes_expand_uprobe(struct program *p, const struct node *probe,
			  const struct node *at, enum probe_kind kind, const char *family);

/* usdt:[BIN:][PROVIDER:]NAME, globs in each part. */
bool probes_expand_usdt(struct program *p, const struct node *probe, const struct node *at);

/* kprobe/kretprobe/fentry/fexit: parts[0] is the family, parts[1] the function
 * (a glob, "+offset" for kprobes); n parts in all. Falls back from kprobes to
 * fentry/fexit when the kernel has no kprobes; located errors otherwise. */
bool probes_expand_kfunc(struct program *p, const struct node *probe,
			 const struct node *at, enum probe_kind kind, char **parts, int n);

#endif
