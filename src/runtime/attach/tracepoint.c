/* tracepoint:<category>:<name>: a perf event on the tracepoint, through libbpf. */
#include <errno.h>

#include <bpf/libbpf.h>

#include "runtime/attach/attach.h"
#include "runtime/tracefs.h"

static int tracepoint_attach(const struct probe_def *pd, struct bpf_program *prog,
			     struct bpf_link **link, const char **hint)
{
	int err;

	/* libbpf reads the event id from tracefs: make sure there is one. */
	if (!tracefs_path()) {
		err = -errno;
		*hint = TRACEFS_MOUNT_HINT;
		return err;
	}
	*link = bpf_program__attach_tracepoint(prog, pd->target, pd->func);
	if (*link)
		return 0;
	err = -errno;
	if (err == -ENOENT && !tracefs_exists(pd->target, pd->func))
		*hint = "no such tracepoint; the list is in <tracefs>/available_events";
	return err;
}

const struct attach_ops attach_tracepoint_ops = {
	.kind = PK_TRACEPOINT,
	.attach = tracepoint_attach,
};
