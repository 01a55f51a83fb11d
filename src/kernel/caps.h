/* The capabilities this process holds, and what each kind of work needs.
 * bpfline runs as root or as any user granted CAP_BPF and CAP_PERFMON
 * (docs/reliability.md, "Least privilege"); a missing capability is named in
 * the error before anything is loaded, rather than left to an EPERM later. */
#ifndef BPFL_CAPS_H
#define BPFL_CAPS_H

#include <linux/capability.h>
#include <stdbool.h>

/* Linux 5.8 split these from CAP_SYS_ADMIN; older headers lack them. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Whether the effective set holds cap (CAP_*), read once with capget(2).
 * CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, as in the kernel. */
bool caps_have(int cap);

/* The capabilities loading and attaching tracing programs needs that this
 * process lacks, as "CAP_BPF", "CAP_PERFMON" or "CAP_BPF and CAP_PERFMON";
 * NULL when it has them (or CAP_SYS_ADMIN). */
const char *caps_missing_for_tracing(void);

/* How to get cap_list ("cap_bpf,cap_perfmon"): run as root, or grant them to
 * this binary with setcap (its path from /proc/self/exe); a static buffer,
 * for a HINT. */
const char *caps_grant_hint(const char *cap_list);

/* Which capability reads path (NULL: some file) when this process was
 * refused: another process's files (/proc/PID/...) need CAP_SYS_PTRACE,
 * other users' files CAP_DAC_READ_SEARCH. A static buffer, for a HINT. */
const char *caps_denied_hint(const char *path);

#endif
