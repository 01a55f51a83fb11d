/* Attach points: parse the text of each N_ATTACH into a probe family and its
 * parts, expand wildcards, and fill program.probes with the concrete probes. */
#ifndef BPFL_PROBES_H
#define BPFL_PROBES_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/program.h"
#include "probes/family.h"

/* Expand every attach point of p->ast into p->probes; located errors for
 * unknown families, malformed attach points and tracepoints that do not exist.
 * Returns false when there were errors. */
bool probes_expand(struct program *p);

/* After sema: let the attach points of one probe block share one BPF program
 * when its body does not depend on their context layout (no tracepoint args,
 * usdt args or func): probe_def.owner names the def whose program runs them
 * and `probe` reads the BPF cookie (each attachment's probe_def.index).
 * Families whose attach hook passes the cookie only (probe_family.shares).
 * BPFL_NO_SHARE=1 in the environment turns it off, for comparisons. */
void probes_share(struct program *p);

/* Whether pd is run once by the runtime (BEGIN/END) instead of attached. */
static inline bool probe_is_special(const struct probe_def *pd)
{
	return pd->family->run != NULL;
}

#endif
