/* The runtime: load a compiled object, attach every probe, run the event loop,
 * print what the program reports, detach. What the object holds is described
 * in lang/abi.h. */
#ifndef BPFL_RUNTIME_H
#define BPFL_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/abi.h"
#include "lang/program.h"
#include "runtime/print.h"

struct proc_target;

struct rt_opts {
	enum out_format format;	/* -f text|json */
	bool quiet;		/* -q: no "Attaching N probes..." */
	int verbose;		/* -v: libbpf's messages and attach details */
	FILE *out;		/* -o FILE, else stdout */
	bool dry_run;		/* --dry-run: load and attach, then detach and stop
				 * (no BEGIN, no event loop, no END, no maps) */
	bool notify_attached;	/* print __BPFTRACE_NOTIFY_PROBES_ATTACHED on stdout
				 * once every probe is attached (bpftrace's tests) */
	bool bench;		/* --mode bench: run the bench probes, print their times */
	struct proc_target *target;	/* -c/-p: released after attaching, its exit
					 * ends the run; NULL when none */
};

/* Load obj (an ELF image of obj_size bytes made by codegen for p), attach every
 * probe, run until exit(), END, SIGINT or SIGTERM, print every map, detach.
 * Returns the program's exit status (0..255) or 1 after a failure, which has
 * been reported on stderr naming the probe or map concerned. */
int rt_run(struct program *p, const void *obj, size_t obj_size, const struct rt_opts *opts);

#endif
