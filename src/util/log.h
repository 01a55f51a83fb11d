/* The runtime's logger: debug messages (ours and libbpf's) shown only under -v. */
#ifndef BPFL_LOG_H
#define BPFL_LOG_H

/* Verbosity from -v (0: quiet). Set by the driver before anything runs. */
extern int rt_verbose;

/* Print a message on stderr when rt_verbose >= level; adds nothing to fmt. */
void rt_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Milliseconds of CLOCK_MONOTONIC: for the phase times -v prints. */
double log_now_ms(void);

#endif
