/* profile:, software: and hardware:: one perf event per online CPU (or, with
 * -p/-c, per CPU for that process), each with the probe's program attached.
 * profile:hz:N samples N times a second (frequency mode); profile:s|ms|us:N
 * every N units of cpu-clock; software/hardware every `count` events. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "kernel/perfev.h"
#include "util/alloc.h"

int attach_set_add(struct attach_set *set, struct bpf_link *link)
{
	if (set->len == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct bpf_link **l = xrealloc(set->links, cap * sizeof(*l));
		if (!l) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		set->links = l;
		set->cap = cap;
	}
	set->links[set->len++] = link;
	return 0;
}

int attach_perf_event_open(void *attr, int pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The online CPUs ("0-3,5") into cpus[]; their number, or -errno. */
static int online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	char buf[1024], *s;
	int n = 0;

	if (!f)
		return -errno;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	while (s && *s && *s != '\n') {
		char *end;
		long lo = strtol(s, &end, 10), hi = lo;
		if (end == s)
			return -EINVAL;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* Open attr on every online CPU and attach prog to each event. */
static int attach_cpus(const struct probe_def *pd, struct bpf_program *prog,
		       struct perf_event_attr *attr, struct attach_set *set, const char **hint)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = attach_cookie(pd));
	int cpus[1024], n = online_cpus(cpus, 1024), err;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int pfd = attach_perf_event_open(attr, pd->pid ? pd->pid : -1, cpus[i]);
		if (pfd < 0) {
			err = -errno;
			if (err == -EACCES || err == -EPERM)
				*hint = "perf events need root or kernel.perf_event_paranoid <= 1";
			else if (attr->type == PERF_TYPE_HARDWARE &&
				 (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV))
				*hint = perfev_have_pmu()
					? "the CPU's PMU does not count this event"
					: "this machine has no hardware performance counters (PMU); "
					  "in a VM, enable PMU passthrough (e.g. qemu -cpu host)";
			return err;
		}
		struct bpf_link *link = bpf_program__attach_perf_event_opts(prog, pfd, &opts);
		if (!link) {
			err = -errno;
			close(pfd);
			return err;
		}
		err = attach_set_add(set, link);
		if (err)
			return err;
	}
	return 0;
}

static int profile_attach(const struct probe_def *pd, struct bpf_program *prog,
			  struct attach_set *set, const char **hint)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	if (!strcmp(pd->target, "hz")) {
		attr.freq = 1;
		attr.sample_freq = pd->value;
	} else {
		attr.sample_period = pd->value;
	}
	return attach_cpus(pd, prog, &attr, set, hint);
}

/* software:<event>:<count> and hardware:<event>:<count>. */
static int event_attach(const struct probe_def *pd, struct bpf_program *prog,
			struct attach_set *set, const char **hint)
{
	uint32_t type = pd->kind == PK_HARDWARE ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
	const struct perfev *ev = perfev_find(type, pd->target);
	struct perf_event_attr attr;

	if (!ev)
		return -ENOENT;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = ev->config;
	attr.sample_period = pd->value;
	return attach_cpus(pd, prog, &attr, set, hint);
}

/* -l: the events of a family as "software:<name>:" lines, bpftrace-style. */
static int list_events(uint32_t type, const char *family, const char *pattern, FILE *out)
{
	int n, k = 0;
	const struct perfev *t = perfev_list(type, &n);

	for (int i = 0; i < n; i++) {
		char name[128];
		snprintf(name, sizeof(name), "%s:", t[i].name);
		if (*pattern && fnmatch(pattern, name, 0) && fnmatch(pattern, t[i].name, 0))
			continue;
		fprintf(out, "%s:%s:\n", family, t[i].name);
		k++;
	}
	return k;
}

static int software_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return list_events(PERF_TYPE_SOFTWARE, "software", pattern, out);
}

static int hardware_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return list_events(PERF_TYPE_HARDWARE, "hardware", pattern, out);
}

const struct attach_ops attach_profile_ops = {
	.kind = PK_PROFILE,
	.attach_many = profile_attach,
};

const struct attach_ops attach_software_ops = {
	.kind = PK_SOFTWARE,
	.attach_many = event_attach,
	.list = software_list,
};

const struct attach_ops attach_hardware_ops = {
	.kind = PK_HARDWARE,
	.attach_many = event_attach,
	.list = hardware_list,
};
