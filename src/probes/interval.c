/* interval:<unit>:<n>: a software cpu-clock perf event on CPU 0 whose period is
 * probe_def.value nanoseconds (sema converts the unit), so the program fires
 * once per period on one CPU only. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <sys/syscall.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"

static int perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			   int group_fd, unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
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
	pfd = perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		err = -errno;
		if (err == -EACCES || err == -EPERM)
			*hint = "perf events need root or kernel.perf_event_paranoid <= 1";
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

const struct attach_ops attach_interval_ops = {
	.kind = PK_INTERVAL,
	.attach = interval_attach,
};
