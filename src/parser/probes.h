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

/* The kind of the family named name[0..len) (canonical or alias); -1 when
 * there is none. */
int probe_kind_find(const char *name, size_t len);

/* The family's canonical name ("tracepoint", "BEGIN", ...). */
const char *probe_kind_name(enum probe_kind k);

#endif
