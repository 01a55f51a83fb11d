/* The table of probe families, indexed by enum probe_kind. */
#include "probes/attach.h"

const struct attach_ops *const attach_table[PK_KIND_COUNT] = {
	[PK_BEGIN] = &attach_begin_ops,
	[PK_END] = &attach_end_ops,
	[PK_TRACEPOINT] = &attach_tracepoint_ops,
	[PK_RAWTRACEPOINT] = &attach_rawtracepoint_ops,
	[PK_INTERVAL] = &attach_interval_ops,
	[PK_PROFILE] = &attach_profile_ops,
	[PK_SOFTWARE] = &attach_software_ops,
	[PK_HARDWARE] = &attach_hardware_ops,
	[PK_UPROBE] = &attach_uprobe_ops,
	[PK_URETPROBE] = &attach_uretprobe_ops,
	[PK_USDT] = &attach_usdt_ops,
	[PK_KPROBE] = &attach_kprobe_ops,
	[PK_KRETPROBE] = &attach_kretprobe_ops,
	[PK_FENTRY] = &attach_fentry_ops,
	[PK_FEXIT] = &attach_fexit_ops,
};
_Static_assert(sizeof(attach_table) / sizeof(attach_table[0]) == PK_KIND_COUNT,
	       "attach_table must cover every probe kind");

int attach_list_pid;
