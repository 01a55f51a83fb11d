/* The table of probe families: one row per family, in -l order. Adding a
 * family is its file in src/probes/ and one row here (and its extern in
 * family.h). */
#include "probes/family.h"

#include <string.h>

const struct probe_family *const probe_families[] = {
	&probe_begin,
	&probe_end,
	&probe_tracepoint,
	&probe_rawtracepoint,
	&probe_kprobe,
	&probe_kretprobe,
	&probe_fentry,
	&probe_fexit,
	&probe_uprobe,
	&probe_uretprobe,
	&probe_usdt,
	&probe_profile,
	&probe_interval,
	&probe_software,
	&probe_hardware,
	&probe_iter,
	&probe_watchpoint,
	&probe_self,
	&probe_bench,
	NULL,
};

int attach_list_pid;

static bool name_is(const char *s, const char *name, size_t len)
{
	return strlen(s) == len && !strncmp(s, name, len);
}

const struct probe_family *probe_family_find(const char *name, size_t len)
{
	for (const struct probe_family *const *f = probe_families; *f; f++) {
		if (name_is((*f)->name, name, len))
			return *f;
		for (const char *const *a = (*f)->aliases; a && *a; a++)
			if (name_is(*a, name, len))
				return *f;
	}
	return NULL;
}
