/* BEGIN and END: raw_tp programs that are never attached; the runtime runs each
 * once with BPF_PROG_TEST_RUN, in the calling thread, at start and at exit. */
#include <errno.h>
#include <stdint.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/attach.h"

/* Run prog once with an all-zero context; 0 or -errno. */
static int run_once(const struct probe_def *pd, struct bpf_program *prog)
{
	uint64_t ctx = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	int fd = bpf_program__fd(prog);

	(void)pd;
	if (fd < 0)
		return -EBADF;
	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

const struct attach_ops attach_begin_ops = { .kind = PK_BEGIN, .run = run_once };
const struct attach_ops attach_end_ops = { .kind = PK_END, .run = run_once };
