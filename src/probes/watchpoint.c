/* watchpoint:ADDR:LEN:MODE: a hardware breakpoint (perf event of type
 * PERF_TYPE_BREAKPOINT) on LEN bytes at ADDR, firing on reads (r), writes (w)
 * or execution (x). A kernel address is watched on every CPU; a user address
 * in the -p/-c process, one event per thread that exists when attaching, each
 * inherited by the threads it creates later. The program sees the pt_regs of
 * the access (the perf event context). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>

#include <bpf/libbpf.h>

#include "kernel/perfev.h"
#include "probes/attach.h"
#include "probes/probes_internal.h"

/* x86-64: user addresses are below the canonical hole, kernel ones above. */
#define KERNEL_START 0xffff800000000000ull

/* The breakpoint type of MODE ("r", "w", "rw", "wr", "x"); 0 when invalid. */
static unsigned int bp_type(const char *mode)
{
	if (!strcmp(mode, "x"))
		return HW_BREAKPOINT_X;
	if (!strcmp(mode, "r"))
		return HW_BREAKPOINT_R;
	if (!strcmp(mode, "w"))
		return HW_BREAKPOINT_W;
	if (!strcmp(mode, "rw") || !strcmp(mode, "wr"))
		return HW_BREAKPOINT_RW;
	return 0;
}

/* An address or length: decimal or 0x hex, the whole string. */
static bool parse_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*end && !errno;
}

/* watchpoint:ADDR:LEN:MODE (w:...). */
static bool watchpoint_expand(const struct probe_family *f, struct program *p,
			      const struct node *probe, const struct node *at, char **parts, int n)
{
	uint64_t addr, len;
	const char *why = NULL;

	if (n != 4 || !parse_num(parts[1], &addr))
		why = "the form is watchpoint:ADDRESS:LENGTH:MODE, e.g. watchpoint:0x10000000:8:w";
	else if (!parse_num(parts[2], &len) || (len != 1 && len != 2 && len != 4 && len != 8))
		why = "the length is 1, 2, 4 or 8 bytes";
	else if (!bp_type(parts[3]))
		why = "the mode is r, w, rw (read, write) or x (execute)";
	else if (bp_type(parts[3]) == HW_BREAKPOINT_X && len != sizeof(long))
		len = sizeof(long);	/* the kernel takes execution breakpoints as long */
	if (!why && addr < KERNEL_START && !p->target_pid)
		why = "a user-space address is watched in one process: give -p PID or -c CMD";
	if (why) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid watchpoint: %s", at->attach.text);
		diag_hint(&p->diags, dg, "%s", why);
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (!d)
		return false;
	d->value = addr;
	d->target = parts[3];
	d->func = arena_printf(&p->arena, "%llu", (unsigned long long)len);
	d->name = arena_printf(&p->arena, "watchpoint:%s:%s:%s", parts[1], parts[2], parts[3]);
	return true;
}

/* Open the breakpoint for (pid, cpu) and attach prog to it. */
static int attach_one(const struct probe_def *pd, struct bpf_program *prog,
		      struct perf_event_attr *attr, int pid, int cpu, struct attach_set *set)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = attach_cookie(pd));
	int pfd = attach_perf_event_open(attr, pid, cpu), err;

	if (pfd < 0)
		return -errno;
	struct bpf_link *link = bpf_program__attach_perf_event_opts(prog, pfd, &opts);
	if (!link) {
		err = -errno;
		close(pfd);
		return err;
	}
	return attach_set_add(set, link);
}

/* Every thread of pid (its /proc/PID/task), each inheriting to new threads. */
static int attach_threads(const struct probe_def *pd, struct bpf_program *prog,
			  struct perf_event_attr *attr, struct attach_set *set)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int err = 0, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pd->pid);
	d = opendir(path);
	if (!d)
		return attach_one(pd, prog, attr, pd->pid, -1, set);
	while (!err && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			err = attach_one(pd, prog, attr, atoi(e->d_name), -1, set);
			n++;
		}
	closedir(d);
	return err ? err : (n ? 0 : -ESRCH);
}

static int watchpoint_attach(const struct probe_def *pd, struct bpf_program *prog,
			     struct attach_set *set, const char **hint)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = bp_type(pd->target),
		.bp_addr = pd->value,
		.bp_len = strtoull(pd->func, NULL, 10),
		.sample_period = 1,
		.precise_ip = 2,	/* report the access, not the next instruction */
		.wakeup_events = 1,
	};
	int err = 0;

	if (!perfev_breakpoints_fire()) {
		*hint = "hardware breakpoints do not fire on this machine (a VM without "
			"debug-register support?); bpfline --info shows it";
		return -EOPNOTSUPP;
	}
	if (pd->value >= KERNEL_START) {
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);
		for (int cpu = 0; !err && cpu < ncpu; cpu++)
			err = attach_one(pd, prog, &attr, -1, cpu, set);
	} else {
		attr.inherit = 1;
		attr.exclude_kernel = 1;
		err = attach_threads(pd, prog, &attr, set);
	}
	if (err == -ENOSPC)
		*hint = "the CPU's debug registers are all in use (x86-64 has 4)";
	else if (err == -EINVAL)
		*hint = "the address must be aligned to the length";
	else if (err == -ENOENT || err == -EOPNOTSUPP)
		*hint = "this machine has no hardware breakpoints";
	return err;
}

static const char *const watchpoint_aliases[] = {"w", NULL};

const struct probe_family probe_watchpoint = {
	.name = "watchpoint",
	.aliases = watchpoint_aliases,
	.expand = watchpoint_expand,
	.section = probes_perf_section,
	.regs = true,
	.attach_many = watchpoint_attach,
};
