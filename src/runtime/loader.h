/* Loading a compiled object with libbpf: open it from memory, create its maps,
 * load its programs, and on a verifier rejection show the verifier's log. */
#ifndef BPFL_LOADER_H
#define BPFL_LOADER_H

#include <stddef.h>

#include "lang/program.h"

struct bpf_object;

/* Send libbpf's messages to rt_log: warnings and info under -v, debug under -vv. */
void rt_loader_log_init(void);

/* Open and load obj (obj_size bytes of ELF made for p). On success *objp is the
 * loaded object (free with bpf_object__close). On failure returns -errno after
 * printing on stderr which program (and probe) failed and the verifier log. */
int rt_load(const struct program *p, const void *obj, size_t obj_size,
	    struct bpf_object **objp);

#endif
