/* Probe families: how each kind of probe_def is attached (or, for BEGIN/END,
 * run once). One file per family fills its entries of attach_table; adding a
 * probe type touches its file and the table in attach.c only. */
#ifndef BPFL_ATTACH_H
#define BPFL_ATTACH_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/program.h"

struct bpf_program;
struct bpf_link;

/* The links of a run, for families with several attachments per probe (profile:
 * one per CPU; usdt: one per site and process). */
struct attach_set {
	struct bpf_link **links;
	size_t len, cap;
};

/* Append link (owned by the set from now on); 0 or -ENOMEM (link destroyed). */
int attach_set_add(struct attach_set *set, struct bpf_link *link);

struct attach_ops {
	enum probe_kind kind;
	/* Attach prog at pd; on success *link owns the attachment (destroying
	 * it detaches). 0 or -errno; *hint may be set to a static explanation.
	 * NULL for kinds that are run, not attached (BEGIN/END). */
	int (*attach)(const struct probe_def *pd, struct bpf_program *prog,
		      struct bpf_link **link, const char **hint);
	/* Instead of attach, for families that attach several times per probe:
	 * add every link to set; on an error the links added stay in the set
	 * (the caller detaches them). 0 or -errno, *hint as for attach. */
	int (*attach_many)(const struct probe_def *pd, struct bpf_program *prog,
			   struct attach_set *set, const char **hint);
	/* Run prog once now, in this thread (BEGIN/END); 0 or -errno. */
	int (*run)(const struct probe_def *pd, struct bpf_program *prog);
	/* -l / -lv: print every probe of this family matching `pattern` (the
	 * attach point text after "family:", a glob; "" or "*" for all), one
	 * canonical name a line; with verbose, each followed by its arguments
	 * indented as bpftrace -lv prints them. Returns the number printed or
	 * -errno. NULL for families that list nothing. */
	int (*list)(const char *pattern, bool verbose, FILE *out);
};

/* -l with -p PID: the process whose binaries uprobe/usdt listing reads. */
extern int attach_list_pid;

/* The hooks of every probe kind; NULL where the kind is not supported yet. */
extern const struct attach_ops *const attach_table[PK_KIND_COUNT];

extern const struct attach_ops attach_begin_ops, attach_end_ops;
extern const struct attach_ops attach_tracepoint_ops;
extern const struct attach_ops attach_interval_ops;
extern const struct attach_ops attach_profile_ops, attach_software_ops, attach_hardware_ops;
extern const struct attach_ops attach_rawtracepoint_ops;
extern const struct attach_ops attach_uprobe_ops, attach_uretprobe_ops, attach_usdt_ops;

/* perf_event_open(2); -1 and errno on failure. */
int attach_perf_event_open(void *attr, int pid, int cpu);

/* The BPF cookie of pd's attachment: its index when its program is shared. */
static inline unsigned long long attach_cookie(const struct probe_def *pd)
{
	return (unsigned long long)pd->index;
}
extern const struct attach_ops attach_kprobe_ops, attach_kretprobe_ops;
extern const struct attach_ops attach_fentry_ops, attach_fexit_ops;

#endif
