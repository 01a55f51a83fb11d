/* interval:<unit>:<n>: a software cpu-clock perf event on CPU 0 whose period is
 * probe_def.value nanoseconds (sema converts the unit), so the program fires
 * once per period on one CPU only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "probes/probes_internal.h"

/* interval:s:N, interval:ms:N, interval:us:N, interval:hz:N, and interval:DURATION
 * (`interval:500ms`; a bare number is nanoseconds), named interval:us:N as bpftrace
 * names it. */
static bool interval_expand(const struct probe_family *f, struct program *p,
			    const struct node *probe, const struct node *at, char **parts, int n)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull}, {"hz", 0},
	};
	uint64_t v;
	const char *unit = "us";
	if (n == 2 && !probes_parse_period(p, at, "interval", parts[1], &v))
		return false;
	if (n == 3)
		unit = parts[1];
	for (size_t i = 0; (n == 2 || (n == 3 && probes_parse_count(parts[2], &v))) &&
			   i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(units[i].unit, unit))
			continue;
		if (units[i].ns ? v > UINT64_MAX / units[i].ns : v > 1000000000ull)
			break;	/* the period does not fit in 64 bits, or is under 1 ns */
		struct probe_def *d = probes_add_def(p, probe, at, f);
		if (!d)
			return false;
		d->target = units[i].unit;
		d->value = units[i].ns ? v * units[i].ns : 1000000000ull / v;
		d->name = arena_printf(&p->arena, "interval:%s:%llu", unit, (unsigned long long)v);
		return true;
	}
	struct diag *dg = diag_error(&p->diags, at->loc, "Invalid interval: %s", at->attach.text);
	diag_hint(&p->diags, dg, "use interval:s:N, interval:ms:N, interval:us:N, interval:hz:N "
		  "or interval:DURATION (interval:500ms) with N > 0");
	return false;
}

/* perf_event programs: interval, profile, software, hardware. */
const char *probes_perf_section(struct arena *a, const struct probe_def *pd)
{
	(void)a;
	(void)pd;
	return "perf_event";
}

static int interval_attach(const struct probe_def *pd, struct bpf_program *prog,
			   struct bpf_link **link, const char **hint)
{
	struct perf_event_attr attr;
	int pfd, err;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = pd->value;
	pfd = attach_perf_event_open(&attr, -1, 0);
	if (pfd < 0) {
		err = -errno;
		if (err == -EACCES || err == -EPERM)
			*hint = "CPU-wide perf events need CAP_PERFMON "
				"(or kernel.perf_event_paranoid <= 0)";
		return err;
	}
	/* The link owns pfd from here: destroying it closes the event. */
	*link = bpf_program__attach_perf_event(prog, pfd);
	if (*link)
		return 0;
	err = -errno;
	close(pfd);
	return err;
}

/* -l interval: its units. */
static int interval_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return probes_list_units("interval", pattern, out);
}

static const char *const interval_aliases[] = {"i", NULL};

const struct probe_family probe_interval = {
	.name = "interval",
	.aliases = interval_aliases,
	.expand = interval_expand,
	.section = probes_perf_section,
	.list = interval_list,
	.regs = true,
	.attach = interval_attach,
};
