/* rawtracepoint:<name>: a BPF_PROG_TYPE_RAW_TRACEPOINT program (context: the
 * tracepoint's arguments as u64 args[]), attached with bpf_raw_tracepoint_open
 * through libbpf. Argument names and types come from kernel BTF (rawtp.c). */
#include <errno.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "kernel/rawtp.h"

static int rawtp_attach(const struct probe_def *pd, struct bpf_program *prog,
			struct bpf_link **link, const char **hint)
{
	int err;

	*link = bpf_program__attach_raw_tracepoint(prog, pd->func);
	if (*link)
		return 0;
	err = -errno;
	if (err == -ENOENT)
		*hint = "the kernel has no raw tracepoint of that name; bpfline -l 'rawtracepoint:*' lists them";
	return err;
}

const struct attach_ops attach_rawtracepoint_ops = {
	.kind = PK_RAWTRACEPOINT,
	.attach = rawtp_attach,
	.list = rawtp_list,
};
