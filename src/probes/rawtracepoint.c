/* rawtracepoint:<name>: a BPF_PROG_TYPE_RAW_TRACEPOINT program (context: the
 * tracepoint's arguments as u64 args[]), attached with bpf_raw_tracepoint_open
 * through libbpf. Argument names and types come from kernel BTF (rawtp.c). */
#include <errno.h>

#include <bpf/libbpf.h>

#include "kernel/rawtp.h"
#include "probes/probes_internal.h"

struct rawtp_ctx {
	struct program *p;
	const struct node *probe, *attach;
};

static int add_rawtp(const char *name, void *arg)
{
	struct rawtp_ctx *c = arg;
	struct probe_def *d = probes_add_def(c->p, c->probe, c->attach, &probe_rawtracepoint);
	if (!d)
		return -ENOMEM;
	d->func = arena_strdup(&c->p->arena, name);
	d->name = arena_printf(&c->p->arena, "rawtracepoint:%s", name);
	return 0;
}

/* rawtracepoint:<name> or rawtracepoint:<module>:<name>; wildcards over BTF. */
static bool rawtp_expand_at(const struct probe_family *f, struct program *p,
			    const struct node *probe, const struct node *at, char **parts, int n)
{
	const char *glob = parts[n - 1];
	(void)f;
	if (n < 2 || n > 3 || !*glob) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid rawtracepoint: %s", at->attach.text);
		diag_hint(&p->diags, dg, "the form is rawtracepoint:name, e.g. rawtracepoint:sched_switch");
		return false;
	}
	struct rawtp_ctx c = {p, probe, at};
	int r = rawtp_expand(glob, add_rawtp, &c);
	if (r > 0)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, r == 0 ? "raw tracepoint not found: %s"
				     : "%s: cannot read kernel BTF", glob);
	diag_hint(&p->diags, dg, r == 0 ? "bpfline -l 'rawtracepoint:*' lists them"
		  : "raw tracepoint arguments come from /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)");
	return false;
}

static const char *rawtp_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "raw_tp/%s", pd->func);
}

/* `args`: the tracepoint's arguments from BTF, u64 each. */
static struct type *rawtp_args(struct arena *a, struct probe_def *pd)
{
	if (!pd->args)
		pd->args = rawtp_args_type(a, pd->func);
	return pd->args;
}

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

static const char *const rawtp_aliases[] = {"rt", NULL};

const struct probe_family probe_rawtracepoint = {
	.name = "rawtracepoint",
	.pid_predicate = true,
	.aliases = rawtp_aliases,
	.expand = rawtp_expand_at,
	.section = rawtp_section,
	.list = rawtp_list,
	.argn = ARGN_U64,
	.args_type = rawtp_args,
	.attach = rawtp_attach,
};
