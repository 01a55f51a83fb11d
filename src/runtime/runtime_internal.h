/* State of one rt_run, shared by runtime.c (load, attach, end) and output.c
 * (event loop, actions). Private to src/runtime. */
#ifndef BPFL_RUNTIME_INTERNAL_H
#define BPFL_RUNTIME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/attach.h"
#include "runtime/runtime.h"
#include "util/sb.h"

struct bpf_object;
struct bpf_link;
struct ring_buffer;

struct rt {
	struct program *p;
	const struct rt_opts *opts;
	FILE *out;			/* opts->out or stdout */
	enum out_format format;
	struct bpf_object *obj;
	struct attach_set links;	/* every attachment of every probe */
	size_t nattached;		/* probes attached (a multi link's every probe) */
	size_t skipped;			/* probes of a wildcard skipped: they did not attach */
	struct ring_buffer *rb;		/* over ABI_RINGBUF_NAME */
	int epfd;			/* epoll over the ring buffer and sigfd */
	int sigfd;			/* signalfd for SIGINT/SIGTERM */
	int ctr_fd;			/* the ABI_COUNTERS_NAME counters map, or -1 */
	int *map_fds;			/* by map id; -1 when the object has no such map */
	struct sb sb;			/* the output of one record, then written */
	struct sb tmp;			/* formatted text before JSON wrapping */
	bool ending;			/* END has run: handle every record, exit() too */
	bool stop;			/* exit(), a signal or END: leave the loop */
	bool hold;			/* out_emit keeps the output in sb: BEGIN's
					 * output waits for the "Attached" line */
	bool on_sigusr1;		/* the program has self:signal:SIGUSR1 probes */
	bool exit_seen;			/* an exit() record was handled */
	bool exit_detached;		/* an exit() ran: the probes were detached
					 * before its record was read */
	bool yielded;			/* the last consume turn left records */
	bool interrupted;		/* SIGINT/SIGTERM ended the run */
	bool discarding;		/* records are counted, not handled */
	uint64_t unprinted;		/* records skipped after the signal */
	double turn_start;		/* ms (now_ms) the consume turn began */
	unsigned turn_records;		/* records handled in this turn */
	int exit_code;			/* from the first exit() */
	uint64_t corrupt;		/* records with an unknown action id or bad size */
};

/* Detach every probe now (idempotent). */
void rt_detach_all(struct rt *rt);

/* Monotonic milliseconds. */
double rt_now_ms(void);

/* Slot of the counters map summed over CPUs; *any (may be NULL) gets one
 * non-zero per-CPU value. */
uint64_t rt_counter(struct rt *rt, uint32_t slot, uint64_t *any);

struct probe_family;

/* Run every probe of family f (begin, end, self) once, in probe order; 0 or
 * -errno after a message. */
int rt_run_special(struct rt *rt, const struct probe_family *f);

#endif
