/* fentry:<func> and fexit:<func> (kfunc/kretfunc): BPF trampolines. libbpf found
 * the function's BTF id from the section name when it loaded the program, so
 * attaching needs nothing more. A kprobe that runs as fentry on a kernel without
 * kprobes (probe_def.fallback) comes here too, and says so under -v. */
#include <errno.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "kernel/kbtf.h"
#include "probes/attach.h"
#include "kernel/kfunc.h"
#include "util/log.h"

static int fentry_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	if (pd->fallback)
		rt_log(1, "probe '%s': %s:%s (%s)\n", pd->name,
		       pd->kind == PK_FENTRY ? "fentry" : "fexit", pd->func, pd->fallback);
	*link = bpf_program__attach_trace(prog);
	if (*link)
		return 0;
	int err = -errno;
	if (!kfunc_traceable(pd->func))
		*hint = "the function cannot be traced (it is not in <tracefs>/available_filter_functions)";
	return err;
}

struct list_ctx {
	const char *family;
	bool verbose, retval;
	FILE *out;
};

static int list_one(const char *name, void *arg)
{
	struct list_ctx *c = arg;
	if (!kfunc_traceable(name))
		return 0;
	fprintf(c->out, "%s:%s\n", c->family, name);
	if (c->verbose)
		kbtf_print_params(name, c->retval, c->out);
	return 0;
}

static int list_family(const char *family, const char *pattern, bool verbose, FILE *out)
{
	struct list_ctx c = {family, verbose, true, out};
	return kbtf_each_func(pattern && *pattern ? pattern : "*", list_one, &c);
}

static int fentry_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("fentry", pattern, verbose, out);
}

static int fexit_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("fexit", pattern, verbose, out);
}

const struct attach_ops attach_fentry_ops = {
	.kind = PK_FENTRY,
	.attach = fentry_attach,
	.list = fentry_list,
};

const struct attach_ops attach_fexit_ops = {
	.kind = PK_FEXIT,
	.attach = fentry_attach,
	.list = fexit_list,
};
