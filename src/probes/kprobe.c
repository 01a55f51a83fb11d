/* kprobe:<func>[+offset] and kretprobe:<func>: a kprobe through libbpf (the perf
 * kprobe PMU, or tracefs kprobe_events on older kernels), one per function. */
#include <errno.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "kernel/kfunc.h"

static int kprobe_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = (size_t)pd->value,
		    .retprobe = pd->kind == PK_KRETPROBE);
	*link = bpf_program__attach_kprobe_opts(prog, pd->func, &opts);
	if (*link)
		return 0;
	int err = -errno;
	if (!kfunc_has_kprobes())
		*hint = "this kernel has no kprobes; tracepoints (bpfline -l 'tracepoint:*') work without them";
	else if (!kfunc_traceable(pd->func))
		*hint = "no such kernel function, or it cannot be traced "
			"(it is not in <tracefs>/available_filter_functions)";
	else if (pd->value && err == -EINVAL)
		*hint = "a kprobe offset must be at an instruction boundary inside the function";
	return err;
}

struct list_ctx {
	const char *family;
	FILE *out;
};

static int list_one(const char *name, void *arg)
{
	struct list_ctx *c = arg;
	fprintf(c->out, "%s:%s\n", c->family, name);
	return 0;
}

static int list_family(const char *family, const char *pattern, FILE *out)
{
	struct list_ctx c = {family, out};
	return kfunc_each(pattern && *pattern ? pattern : "*", list_one, &c);
}

static int kprobe_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;	/* kprobes have no typed arguments to show */
	return list_family("kprobe", pattern, out);
}

static int kretprobe_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return list_family("kretprobe", pattern, out);
}

const struct attach_ops attach_kprobe_ops = {
	.kind = PK_KPROBE,
	.attach = kprobe_attach,
	.list = kprobe_list,
};

const struct attach_ops attach_kretprobe_ops = {
	.kind = PK_KRETPROBE,
	.attach = kprobe_attach,
	.list = kretprobe_list,
};
