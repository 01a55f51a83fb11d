/* The perf events the software: and hardware: families name, with bpftrace's
 * names, aliases and default sample periods. Shared by attach-point parsing
 * (probes.c), the attach hooks (attach/perf.c) and -l. */
#ifndef BPFL_PERFEV_H
#define BPFL_PERFEV_H

#include <stdbool.h>
#include <stdint.h>

struct perfev {
	const char *name;	/* "page-faults" */
	const char *alias;	/* "faults", or NULL */
	uint32_t type;		/* PERF_TYPE_SOFTWARE / PERF_TYPE_HARDWARE */
	uint64_t config;	/* PERF_COUNT_SW_* / PERF_COUNT_HW_* */
	uint64_t period;	/* default sample period when no count is given */
};

/* The event of the given type named name (or its alias); NULL when none. */
const struct perfev *perfev_find(uint32_t type, const char *name);

/* The events of a type, in name order; *n is set to their number. */
const struct perfev *perfev_list(uint32_t type, int *n);

/* True when the machine has a hardware PMU (/sys/bus/event_source/devices/cpu
 * or a core PMU), so hardware events can be opened. */
bool perfev_have_pmu(void);

/* True when hardware breakpoints fire here (watchpoints): a breakpoint on a
 * variable of this thread counts a write to it. Some hypervisors accept the
 * perf event but never raise the debug exception. Probed once, lazily. */
bool perfev_breakpoints_fire(void);

#endif
