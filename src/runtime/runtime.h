/* The runtime: load a compiled object, attach every probe, run the event loop,
 * print what the program reports, detach.
 *
 * Contract with codegen (see docs/internals.md, "Object conventions"):
 * - Every struct probe_def in program.probes has prog_name, the ELF program
 *   (function) name that runs it. BEGIN and END are SEC("raw_tp") programs that
 *   are never attached: the runtime runs them once with BPF_PROG_TEST_RUN.
 *   tracepoint: SEC("tracepoint/<cat>/<name>"), attached to target:func.
 *   interval: SEC("perf_event"), a software cpu-clock event on CPU 0 with period
 *   probe_def.value nanoseconds.
 * - The ring buffer is the BPF map named RT_RINGBUF_NAME. Each record starts with
 *   a uint64 action id indexing program.actions; the rest is laid out by
 *   struct action (args at offsets). ACT_EXIT carries the exit code as an int64
 *   at offset 8. ACT_PRINT_MAP carries uint64 top and div at offsets 8 and 16.
 * - RT_LOST_NAME is a per-CPU array of uint64 counters: RT_CTR_LOST counts
 *   records that could not be reserved; RT_CTR_EXIT holds (1 << 32 | code) when
 *   an exit() record could not be reserved (the loop polls it); RT_CTR_START
 *   the CLOCK_MONOTONIC ns at start, set before BEGIN (`elapsed`); RT_CTR_MAP_FULL
 *   + map id counts failed inserts into that map (full: map keys max).
 * - map_def.sym is the BPF map name of each program map. */
#ifndef BPFL_RUNTIME_H
#define BPFL_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "parser/program.h"
#include "runtime/print.h"

#define RT_RINGBUF_NAME "ringbuf"
#define RT_LOST_NAME "lost"
/* slots of RT_LOST_NAME */
enum { RT_CTR_LOST, RT_CTR_EXIT, RT_CTR_START, RT_CTR_MAP_FULL };

struct proc_target;

struct rt_opts {
	size_t sz;		/* sizeof(struct rt_opts), libbpf-style */
	enum out_format format;	/* -f text|json */
	bool quiet;		/* -q: no "Attaching N probes..." */
	int verbose;		/* -v: libbpf's messages and attach details */
	FILE *out;		/* -o FILE, else stdout */
	struct proc_target *target;	/* -c/-p: released after attaching, its exit
					 * ends the run; NULL when none */
};

/* Load obj (an ELF image of obj_size bytes made by codegen for p), attach every
 * probe, run until exit(), END, SIGINT or SIGTERM, print every map, detach.
 * Returns the program's exit status (0..255) or 1 after a failure, which has
 * been reported on stderr naming the probe or map concerned. */
int rt_run(struct program *p, const void *obj, size_t obj_size, const struct rt_opts *opts);

#endif
