/* Attach points: parse the text of each N_ATTACH into a probe family and its
 * parts, expand wildcards, and fill program.probes with the concrete probes. */
#ifndef BPFL_PROBES_H
#define BPFL_PROBES_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"

/* Expand every attach point of p->ast into p->probes; located errors for
 * unknown families, malformed attach points and tracepoints that do not exist.
 * Returns false when there were errors. */
bool probes_expand(struct program *p);

/* The family's canonical name ("tracepoint", "BEGIN", ...). */
const char *probe_kind_name(enum probe_kind k);

/* The kind of the family named by name[0..len) ("kprobe", "k", "kfunc", ...). */
bool probe_family_kind(const char *name, size_t len, enum probe_kind *kind);

#endif
