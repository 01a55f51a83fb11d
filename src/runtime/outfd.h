/* Writing the output stream so that a stalled reader never holds the run
 * (see outfd.c). Private to src/runtime. */
#ifndef BPFL_OUTFD_H
#define BPFL_OUTFD_H

#include <stddef.h>

struct rt;

/* How rt->out's fd is written (rt.outfd_mode). */
enum { OUTFD_UNKNOWN, OUTFD_PLAIN, OUTFD_NOWAIT, OUTFD_POLL };

/* Write n bytes of buf to rt->out's fd (stdio's buffer flushed first). While
 * it has no room, signals are still taken; after an interrupt a stalled output
 * is given up on. What could not be written is counted, never retried. */
void outfd_write(struct rt *rt, const char *buf, size_t n);

/* Warn (stderr) about output that was dropped, once, at the end of the run. */
void outfd_report(struct rt *rt);

#endif
