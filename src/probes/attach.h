/* What the families' attach hooks share: the set of links of a run, the BPF
 * cookie, perf_event_open, and the -p PID that -l lists binaries of. */
#ifndef BPFL_ATTACH_H
#define BPFL_ATTACH_H

#include <stddef.h>

#include "lang/program.h"

struct bpf_link;

/* The links of a run, for families with several attachments per probe (profile:
 * one per CPU; usdt: one per site and process). fds are links made with the
 * bpf(2) syscall where libbpf 1.1 has no API (uprobe_multi): closing one
 * detaches it. */
struct attach_set {
	struct bpf_link **links;
	size_t len, cap;
	int *fds;
	size_t nfds, capfds;
};

/* Append link (owned by the set from now on); 0 or -ENOMEM (link destroyed). */
int attach_set_add(struct attach_set *set, struct bpf_link *link);

/* Append the fd of a BPF link (owned by the set from now on); 0 or -ENOMEM
 * (fd closed). */
int attach_set_add_fd(struct attach_set *set, int fd);

/* -l with -p PID: the process whose binaries uprobe/usdt listing reads. */
extern int attach_list_pid;

/* perf_event_open(2); -1 and errno on failure. */
int attach_perf_event_open(void *attr, int pid, int cpu);

/* The BPF cookie of pd's attachment: its index when its program is shared. */
static inline unsigned long long attach_cookie(const struct probe_def *pd)
{
	return (unsigned long long)pd->index;
}

#endif
