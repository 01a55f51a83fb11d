/* The output side of a run: the ring buffer every probe writes its records to,
 * the event loop that waits on it and on SIGINT/SIGTERM, and the handlers that
 * turn each record into output according to program.actions. */
#ifndef BPFL_OUTPUT_H
#define BPFL_OUTPUT_H

struct rt;

/* Open the ring buffer of rt->obj and the epoll set with a signalfd for
 * SIGINT/SIGTERM (which must already be blocked). 0 or -errno, reported. */
int out_open(struct rt *rt);
void out_close(struct rt *rt);

/* Wait for records or a signal until rt->stop; handles every record as it
 * comes and flushes the output after each batch. 0 or -errno. */
int out_loop(struct rt *rt);

/* Handle every record already in the ring buffer (after BEGIN and END, before
 * maps are printed), then flush. 0 or -errno. */
int out_drain(struct rt *rt);
/* After the probes are detached: handle what is left in the ring buffer. When
 * a signal ended the run, only for FINAL_DRAIN_MS: the rest is counted
 * (rt.unprinted), so that Ctrl-C ends the run in time. 0 or -errno. */
int out_drain_final(struct rt *rt);

/* Write the scratch buffer to the output stream and empty it. */
void out_emit(struct rt *rt);

#endif
