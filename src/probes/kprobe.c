/* kprobe:<func>[+offset] and kretprobe:<func>, with wildcards: a kprobe through
 * libbpf (the perf kprobe PMU, or tracefs kprobe_events on older kernels), one
 * per function.
 *
 * What the kernel can do decides what runs: a kprobe needs kprobe support; when
 * the kernel has none but runs fentry programs, a kprobe of a function that BTF
 * describes becomes a fentry (a kretprobe a fexit) probe that keeps its name, and
 * probe_def.fallback says why (shown under -v). When neither works the error
 * names what is missing and points at tracepoints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kernel/kbtf.h"
#include "kernel/kfunc.h"
#include "probes/probes_internal.h"

/* Split "func+offset"; false for a malformed offset. */
static bool parse_offset(struct arena *a, const char *text, char **func, uint64_t *off)
{
	const char *plus = strchr(text, '+');
	*off = 0;
	*func = plus ? arena_strndup(a, text, (size_t)(plus - text)) : (char *)text;
	if (!plus)
		return true;
	char *end;
	errno = 0;
	*off = strtoull(plus + 1, &end, 0);
	return plus[1] && !*end && !errno;
}

bool probes_kfunc_parse(struct kfunc_expand *c, char **parts, int n, char **func)
{
	struct diags *d = &c->p->diags;
	bool kprobe = c->runs == &probe_kprobe;
	if (n != 2 || !*parts[1] || !parse_offset(&c->p->arena, parts[1], func, &c->offset) ||
	    !**func || (c->offset && !kprobe) || (c->offset && probes_is_glob(*func))) {
		struct diag *dg = diag_error(d, c->at->loc, "Invalid %s attach point: %s", c->family,
					     c->at->attach.text);
		diag_hint(d, dg, kprobe ? "the form is kprobe:function or kprobe:function+offset"
					: "the form is %s:function (a glob matches several)",
			  c->family);
		return false;
	}
	return true;
}

/* The first function a glob names through fn (for the fentry check). */
static int first_name(const char *name, void *arg)
{
	*(const char **)arg = name;
	return 1;
}

/* kprobe/kretprobe on a kernel without kprobes: as fentry/fexit, or an error. */
static bool expand_fallback(struct kfunc_expand *c, const char *func)
{
	struct diags *d = &c->p->diags;
	const char *first = NULL, *why = NULL;
	if (kbtf_vmlinux()) {
		if (probes_is_glob(func))
			kbtf_each_func(func, first_name, &first);
		else if (kbtf_has_func(func))
			first = func;
	}
	if (first && !c->offset && kfunc_has_fentry(first, &why)) {
		c->runs = c->runs == &probe_kprobe ? &probe_fentry : &probe_fexit;
		c->fallback = arena_printf(&c->p->arena, "the kernel has no kprobes; running as %s",
					   c->runs->name);
		return probes_fentry_expand(c, func);
	}
	struct diag *dg;
	if (c->offset)
		dg = diag_error(d, c->at->loc, "%s: Kprobes are not available on this kernel "
				"(no kprobe PMU, no kprobe_events), and fentry cannot attach at an offset",
				c->at->attach.text);
	else if (!why && first == NULL && kbtf_vmlinux())
		dg = diag_error(d, c->at->loc, "%s: Kprobes are not available on this kernel "
				"(no kprobe PMU, no kprobe_events), and %s is not in its BTF, so fentry "
				"can't stand in", c->at->attach.text, func);
	else
		dg = diag_error(d, c->at->loc, "%s: Kprobes are not available on this kernel "
				"(no kprobe PMU, no kprobe_events), and it cannot run fentry/fexit "
				"programs instead (%s)", c->at->attach.text,
				why ? why : "the kernel has no BTF");
	diag_hint(d, dg, TRACEPOINT_HINT);
	return false;
}

/* kprobe:FUNC[+OFFSET], kretprobe:FUNC. */
static bool kprobe_expand(const struct probe_family *f, struct program *p,
			  const struct node *probe, const struct node *at, char **parts, int n)
{
	struct kfunc_expand c = {p, probe, at, f, f->name, 0, NULL, 0};
	char *func;
	if (!probes_kfunc_parse(&c, parts, n, &func))
		return false;
	if (!kfunc_has_kprobes())
		return expand_fallback(&c, func);
	if (!probes_is_glob(func))
		return probes_kfunc_add(func, &c) == 0;
	int r = kfunc_each(func, probes_kfunc_add, &c);
	if (r < 0) {
		diag_error(&p->diags, at->loc, "%s: cannot list kernel functions: %s", at->attach.text,
			   strerror(-r));
		return false;
	}
	if (c.n == 0) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: no kernel function matches",
					     at->attach.text);
		diag_hint(&p->diags, dg, "bpfline -l '%s:%s' lists what there is", c.family, func);
		return false;
	}
	return true;
}

/* libbpf parses "kprobe/func+off"; the runtime attaches by name. */
static const char *kprobe_section(struct arena *a, const struct probe_def *pd)
{
	if (pd->family == &probe_kretprobe)
		return arena_printf(a, "kretprobe/%s", pd->func);
	return pd->value ? arena_printf(a, "kprobe/%s+%llu", pd->func, (unsigned long long)pd->value)
			 : arena_printf(a, "kprobe/%s", pd->func);
}
static int kprobe_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts, .offset = (size_t)pd->value,
		    .retprobe = pd->family == &probe_kretprobe);
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

static const char *const kprobe_aliases[] = {"k", NULL};
static const char *const kretprobe_aliases[] = {"kr", NULL};

const struct probe_family probe_kprobe = {
	.name = "kprobe",
	.aliases = kprobe_aliases,
	.expand = kprobe_expand,
	.section = kprobe_section,
	.list = kprobe_list,
	.argn = ARGN_REGS,
	.regs = true,
	.func = true,
	.attach = kprobe_attach,
};

const struct probe_family probe_kretprobe = {
	.name = "kretprobe",
	.aliases = kretprobe_aliases,
	.expand = kprobe_expand,
	.section = kprobe_section,
	.list = kretprobe_list,
	.list_skip_bare = true,
	.retval = RETVAL_REGS,
	.regs = true,
	.func = true,
	.attach = kprobe_attach,
};
