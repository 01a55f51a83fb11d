/* Tables of the software and hardware perf events, as bpftrace names them. */
#include "kernel/perfev.h"

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SW PERF_TYPE_SOFTWARE
#define HW PERF_TYPE_HARDWARE

static const struct perfev software[] = {
	{"alignment-faults", NULL, SW, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
	{"bpf-output", NULL, SW, PERF_COUNT_SW_BPF_OUTPUT, 1},
	{"context-switches", "cs", SW, PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
	{"cpu-clock", "cpu", SW, PERF_COUNT_SW_CPU_CLOCK, 1000000},
	{"cpu-migrations", NULL, SW, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
	{"dummy", NULL, SW, PERF_COUNT_SW_DUMMY, 1},
	{"emulation-faults", NULL, SW, PERF_COUNT_SW_EMULATION_FAULTS, 1},
	{"major-faults", NULL, SW, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
	{"minor-faults", NULL, SW, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
	{"page-faults", "faults", SW, PERF_COUNT_SW_PAGE_FAULTS, 100},
	{"task-clock", NULL, SW, PERF_COUNT_SW_TASK_CLOCK, 1000000},
};

static const struct perfev hardware[] = {
	{"backend-stalls", NULL, HW, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
	{"branch-instructions", "branches", HW, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
	{"branch-misses", NULL, HW, PERF_COUNT_HW_BRANCH_MISSES, 100000},
	{"bus-cycles", NULL, HW, PERF_COUNT_HW_BUS_CYCLES, 100000},
	{"cache-misses", NULL, HW, PERF_COUNT_HW_CACHE_MISSES, 1000000},
	{"cache-references", NULL, HW, PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
	{"cpu-cycles", "cycles", HW, PERF_COUNT_HW_CPU_CYCLES, 1000000},
	{"frontend-stalls", NULL, HW, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
	{"instructions", NULL, HW, PERF_COUNT_HW_INSTRUCTIONS, 1000000},
	{"ref-cycles", NULL, HW, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
};

const struct perfev *perfev_list(uint32_t type, int *n)
{
	if (type == HW) {
		*n = (int)(sizeof(hardware) / sizeof(hardware[0]));
		return hardware;
	}
	*n = (int)(sizeof(software) / sizeof(software[0]));
	return software;
}

const struct perfev *perfev_find(uint32_t type, const char *name)
{
	int n;
	const struct perfev *t = perfev_list(type, &n);

	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].name, name) || (t[i].alias && !strcmp(t[i].alias, name)))
			return &t[i];
	return NULL;
}

bool perfev_have_pmu(void)
{
	/* x86 core PMU is "cpu"; hybrid parts have cpu_core/cpu_atom; arm has armv8_* */
	static const char *const dirs[] = {
		"/sys/bus/event_source/devices/cpu", "/sys/bus/event_source/devices/cpu_core",
		"/sys/bus/event_source/devices/armv8_pmuv3_0",
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!access(dirs[i], F_OK))
			return true;
	return false;
}

/* Written by perfev_breakpoints_fire while its breakpoint watches it. */
static volatile uint32_t bp_probe_word;

bool perfev_breakpoints_fire(void)
{
	static int cached = -1;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (uintptr_t)&bp_probe_word,
		.bp_len = HW_BREAKPOINT_LEN_4,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};
	uint64_t count = 0;

	if (cached >= 0)
		return cached;
	int fd = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0) {
		bp_probe_word++;
		if (read(fd, &count, sizeof(count)) != sizeof(count))
			count = 0;
		close(fd);
	}
	cached = count > 0;
	return cached;
}
