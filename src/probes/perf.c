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

#include "kernel/perfev.h"
#include "probes/probes_internal.h"
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

int attach_set_add_fd(struct attach_set *set, int fd)
{
	if (set->nfds == set->capfds) {
		size_t cap = set->capfds ? set->capfds * 2 : 4;
		int *f = xrealloc(set->fds, cap * sizeof(*f));
		if (!f) {
			close(fd);
			return -ENOMEM;
		}
		set->fds = f;
		set->capfds = cap;
	}
	set->fds[set->nfds++] = fd;
	return 0;
}

int attach_perf_event_open(void *attr, int pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* profile:hz:N, profile:s:N, profile:ms:N, profile:us:N and profile:DURATION
 * (`profile:1us`; a bare number is nanoseconds), named profile:us:N as bpftrace does. */
static bool profile_expand(const struct probe_family *f, struct program *p,
			   const struct node *probe, const struct node *at, char **parts, int n)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{"hz", 0}, {"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull},
	};
	const char *unit = n == 3 ? parts[1] : "us";
	uint64_t v;
	if (n == 2 && !probes_parse_period(p, at, "profile", parts[1], &v))
		return false;
	for (size_t i = 0; (n == 2 || (n == 3 && probes_parse_count(parts[2], &v))) &&
			   i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(units[i].unit, unit))
			continue;
		struct probe_def *d = probes_add_def(p, probe, at, f);
		if (!d)
			return false;
		d->target = units[i].unit;
		d->value = units[i].ns ? v * units[i].ns : v;
		d->name = arena_printf(&p->arena, "profile:%s:%llu", unit, (unsigned long long)v);
		return true;
	}
	struct diag *dg = diag_error(&p->diags, at->loc, "Invalid profile probe: %s", at->attach.text);
	diag_hint(&p->diags, dg, "use profile:hz:N, profile:s:N, profile:ms:N, profile:us:N "
		  "or profile:DURATION (profile:10ms) with N > 0");
	return false;
}

/* The perf event type of software/hardware. */
static uint32_t event_type(const struct probe_family *f)
{
	return f == &probe_hardware ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
}

/* software:<event>[:count], hardware:<event>[:count]. */
static bool event_expand(const struct probe_family *f, struct program *p,
			 const struct node *probe, const struct node *at, char **parts, int n)
{
	const struct perfev *ev = n >= 2 ? perfev_find(event_type(f), parts[1]) : NULL;
	uint64_t count = ev ? ev->period : 0;
	bool has_count = n == 3 && *parts[2];
	if (!ev || n > 3 || (has_count && !probes_parse_count(parts[2], &count))) {
		struct diag *dg = diag_error(&p->diags, at->loc, ev ? "Invalid count in %s"
					     : "Invalid %s event: %s", ev ? at->attach.text : f->name,
					     at->attach.text);
		diag_hint(&p->diags, dg, "the form is %s:<event>[:count]; bpfline -l '%s:*' lists the events",
			  f->name, f->name);
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (!d)
		return false;
	d->target = ev->name;
	d->value = count;
	d->name = has_count ? arena_printf(&p->arena, "%s:%s:%s", f->name, parts[1], parts[2])
			    : arena_printf(&p->arena, "%s:%s:", f->name, parts[1]);
	return true;
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
				*hint = "CPU-wide perf events need CAP_PERFMON "
					"(or kernel.perf_event_paranoid <= 0)";
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
	uint32_t type = event_type(pd->family);
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

/* -l: the events of a family as "software:<name>:" lines, bpftrace-style,
 * with a line for the alias too ("software:cpu:"), as bpftrace lists both. */
static int list_events(uint32_t type, const char *family, const char *pattern, FILE *out)
{
	int n, k = 0;
	const struct perfev *t = perfev_list(type, &n);

	for (int i = 0; i < n; i++) {
		if (probes_list_match(pattern, t[i].name)) {
			fprintf(out, "%s:%s:\n", family, t[i].name);
			k++;
		}
		if (t[i].alias && probes_list_match(pattern, t[i].alias)) {
			fprintf(out, "%s:%s:\n", family, t[i].alias);
			k++;
		}
	}
	return k;
}

/* -l profile: its units. */
static int profile_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return probes_list_units("profile", pattern, out);
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

static const char *const profile_aliases[] = {"p", NULL};
static const char *const software_aliases[] = {"s", NULL};
static const char *const hardware_aliases[] = {"h", NULL};

const struct probe_family probe_profile = {
	.name = "profile",
	.aliases = profile_aliases,
	.expand = profile_expand,
	.section = probes_perf_section,
	.list = profile_list,
	.regs = true,
	.attach_many = profile_attach,
};

const struct probe_family probe_software = {
	.name = "software",
	.aliases = software_aliases,
	.expand = event_expand,
	.section = probes_perf_section,
	.list = software_list,
	.regs = true,
	.attach_many = event_attach,
};

const struct probe_family probe_hardware = {
	.name = "hardware",
	.aliases = hardware_aliases,
	.expand = event_expand,
	.section = probes_perf_section,
	.list = hardware_list,
	.regs = true,
	.attach_many = event_attach,
};
