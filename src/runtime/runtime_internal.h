/* State of one rt_run, shared by runtime.c (load, attach, end) and output.c
 * (event loop, actions). Private to src/runtime. */
#ifndef BPFL_RUNTIME_INTERNAL_H
#define BPFL_RUNTIME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/attach.h"
#include "runtime/runtime.h"
#include "util/log.h"
#include "util/sb.h"
#include "util/vec.h"

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
	struct ring_buffer *rb;		/* over ABI_CTLBUF_NAME (first, when the
					 * object has it) and ABI_RINGBUF_NAME */
	uint64_t out_pos;		/* bytes of the output ring consumed: the
					 * position control record tags refer to */
	struct vec pending;		/* control records read before the output
					 * ring reached their tag (struct pending) */
	size_t pending_head;		/* first unhandled entry of pending */
	int exited_fd;			/* the ABI_EXITED_NAME map, or -1 */
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
	int outfd_mode;			/* OUTFD_* (outfd.h), set at the first write */
	int outfd_err;			/* -errno that stopped the output (-ETIMEDOUT:
					 * stalled after an interrupt); later output
					 * is dropped */
	uint64_t outfd_dropped;		/* bytes of output dropped */
	bool second_armed;		/* a second SIGINT/SIGTERM exits at once */
	struct rt_detach *detach;	/* the detach under way (rt_detach_begin) */
};

/* Stop the traced probes: set the exited flag's user-space bit, which their
 * exit guard reads first, so from now on they do nothing (BEGIN, END and
 * iterators have no guard); then detach them in the background, waits and
 * all (rt_detach_begin). */
void rt_stop_probes(struct rt *rt);

/* Start detaching every probe on threads of its own (each detach may wait for
 * an RCU grace period: ~65 ms for a raw tracepoint here), or do nothing if
 * already started. */
void rt_detach_begin(struct rt *rt);

/* Detach every probe now: finish what rt_detach_begin started, or all of it
 * (idempotent). */
void rt_detach_all(struct rt *rt);


/* Slot of the counters map summed over CPUs. */
uint64_t rt_counter(struct rt *rt, uint32_t slot);

struct probe_family;

/* Read the pending signal from rt->sigfd: SIGUSR1 runs the self probes,
 * SIGINT or SIGTERM interrupts the run (and a second one exits at once). 0 or
 * -errno from the self probes. */
int out_take_signal(struct rt *rt);

/* Put SIGINT/SIGTERM back to their dispositions before the run (undo the
 * second-signal handler). */
void out_disarm_signals(struct rt *rt);

/* Run every probe of family f (begin, end, self) once, in probe order; 0 or
 * -errno after a message. */
int rt_run_special(struct rt *rt, const struct probe_family *f);

#endif
