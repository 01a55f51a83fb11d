/* fentry:<func> and fexit:<func> (kfunc/kretfunc): BPF trampolines on kernel
 * functions that BTF describes, with wildcards over BTF. libbpf finds the
 * function's BTF id from the section name when it loads the program, so
 * attaching needs nothing more. A kprobe that runs as fentry on a kernel without
 * kprobes (probe_def.fallback, see kprobe.c) comes here too, and says so under -v.
 * Context: an array of u64, one per parameter; fexit has the return value after
 * them (ctx[nparams]); probe_def.value is the number of parameters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kernel/kbtf.h"
#include "kernel/kfunc.h"
#include "probes/probes_internal.h"
#include "util/log.h"

static bool runs_fentry(const struct probe_family *f)
{
	return f == &probe_fentry || f == &probe_fexit;
}

/* "module:name" as the probe's full name has it: fentry/fexit always name the
 * module (bpftrace's fentry:vmlinux:vfs_read); kprobes when one was written. */
static const char *probe_module_prefix(const struct kfunc_expand *c, const char *name)
{
	const char *mod = NULL;
	if (!strcmp(c->family, "fentry") || !strcmp(c->family, "fexit"))
		mod = kbtf_func_module(c->module, name);	/* "vmlinux" or the module */
	else if (c->module)
		mod = kfunc_module_of(name, c->module);
	if (!mod)
		mod = c->module;
	return mod ? arena_printf(&c->p->arena, "%s:%s", mod, name) : name;
}

int probes_kfunc_add(const char *name, void *arg)
{
	struct kfunc_expand *c = arg;
	struct arena *a = &c->p->arena;
	struct type *args = NULL, *ret = NULL;
	int nparams = 0;
	if (runs_fentry(c->runs)) {
		if (!kfunc_traceable(name))
			return 0;	/* in BTF but not attachable (notrace, inlined) */
		nparams = kbtf_func_in(a, c->module, name, &args, &ret);
		if (nparams < 0)
			return 0;
	}
	struct probe_def *d = probes_add_def(c->p, c->probe, c->at, c->runs);
	if (!d)
		return -ENOMEM;
	d->func = arena_strdup(a, name);
	d->value = c->offset ? c->offset : (uint64_t)nparams;
	d->args = args;
	d->fallback = c->fallback;
	d->name = arena_printf(a, "%s:%s", c->family, probe_module_prefix(c, name));
	if (c->offset)
		d->name = arena_printf(a, "%s+%llu", d->name, (unsigned long long)c->offset);
	c->n++;
	return 0;
}

/* The first function a glob names through fn (for the fentry check). */
static int first_name(const char *name, void *arg)
{
	*(const char **)arg = name;
	return 1;
}

bool probes_fentry_expand(struct kfunc_expand *c, const char *func)
{
	struct diags *d = &c->p->diags;
	const char *first = NULL, *why = NULL;
	if (probes_is_glob(func))
		kbtf_each_func_in(c->module, func, first_name, &first);
	else if (kbtf_func_module(c->module, func))
		first = func;
	if (!first && kbtf_vmlinux())
		return probes_missing_hint(c->p, c->at, arena_printf(&c->p->arena, "%s %s", c->family,
					   probes_kfunc_target(c, func)),
					   arena_printf(&c->p->arena, "bpfline -l 'fentry:%s*' lists the "
							"functions", func));
	if (!first) {
		struct diag *dg = diag_error(d, c->at->loc, "%s: the kernel has no BTF "
					     "(/sys/kernel/btf/vmlinux), which %s probes need",
					     c->at->attach.text, c->runs->name);
		diag_hint(d, dg, "bpfline -l 'fentry:%s*' lists the functions", func);
		return false;
	}
	if (!kfunc_has_fentry(first, &why)) {
		struct diag *dg = diag_error(d, c->at->loc, "%s: this kernel cannot run fentry/fexit "
					     "programs (%s)", c->at->attach.text, why);
		if (kfunc_has_kprobes())
			diag_hint(d, dg, "use %s:%s instead",
				  c->runs == &probe_fentry ? "kprobe" : "kretprobe", func);
		else
			diag_hint(d, dg, TRACEPOINT_HINT);
		return false;
	}
	int r = probes_is_glob(func) ? kbtf_each_func_in(c->module, func, probes_kfunc_add, c)
				     : probes_kfunc_add(func, c);
	if (r < 0 || c->n == 0) {
		diag_error(d, c->at->loc, "%s: no traceable kernel function matches", c->at->attach.text);
		return false;
	}
	return true;
}

/* fentry:FUNC / fexit:FUNC (kfunc:, kretfunc:). */
static bool fentry_expand(const struct probe_family *f, struct program *p,
			  const struct node *probe, const struct node *at, char **parts, int n)
{
	struct kfunc_expand c = {.p = p, .probe = probe, .at = at, .runs = f, .family = f->name};
	char *func;
	if (!probes_kfunc_parse(&c, parts, n, &func))
		return false;
	return probes_fentry_expand(&c, func);	/* a module's functions from its BTF */
}

static const char *fentry_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "%s/%s", pd->family->name, pd->func);
}

/* `args`: the BTF-typed parameters, u64 slots (kbtf_func, at expansion). */
static struct type *fentry_args(struct arena *a, struct probe_def *pd)
{
	(void)a;
	return pd->args;
}

static int fentry_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	if (pd->fallback)
		rt_log(1, "probe '%s': %s:%s (%s)\n", pd->name, pd->family->name, pd->func,
		       pd->fallback);
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
	const char *mod;	/* the module glob of the pattern, or NULL */
	bool verbose, retval;
	FILE *out;
};

static int list_one(const char *name, void *arg)
{
	struct list_ctx *c = arg;
	/* without a module pattern only vmlinux is listed: no lookup (a BTF name
	 * lookup scans every type, once per listed function would be quadratic) */
	const char *mod = c->mod ? kbtf_func_module(c->mod, name) : "vmlinux";
	if (!kfunc_traceable(name) || !mod)
		return 0;
	fprintf(c->out, "%s:%s:%s\n", c->family, mod, name);
	if (c->verbose)
		kbtf_print_params(name, c->retval, c->out);
	return 0;
}

/* FUNC lists vmlinux's functions; MODULE:FUNC (globs) those of the modules named. */
static int list_family(const char *family, const char *pattern, bool verbose, FILE *out)
{
	char mod[256];
	struct list_ctx c = {family, NULL, verbose, true, out};
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	if (colon) {
		snprintf(mod, sizeof(mod), "%.*s", (int)(colon - pattern), pattern);
		c.mod = mod;
		pattern = colon + 1;
	}
	return kbtf_each_func_in(c.mod, pattern && *pattern ? pattern : "*", list_one, &c);
}

static int fentry_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("fentry", pattern, verbose, out);
}

static int fexit_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("fexit", pattern, verbose, out);
}

static const char *const fentry_aliases[] = {"f", "kfunc", NULL};
static const char *const fexit_aliases[] = {"fr", "kretfunc", NULL};

const struct probe_family probe_fentry = {
	.tracing = true,
	.name = "fentry",
	.pid_predicate = true,
	.aliases = fentry_aliases,
	.expand = fentry_expand,
	.section = fentry_section,
	.list = fentry_list,
	.argn = ARGN_PARAMS,
	.func = true,
	.args_type = fentry_args,
	.args_slots = true,
	.fires_reversed = true,	/* a trampoline runs its newest program first */
	.attach = fentry_attach,
};

const struct probe_family probe_fexit = {
	.tracing = true,
	.name = "fexit",
	.pid_predicate = true,
	.aliases = fexit_aliases,
	.expand = fentry_expand,
	.section = fentry_section,
	.list = fexit_list,
	.list_skip_bare = true,
	.argn = ARGN_PARAMS,
	.retval = RETVAL_PARAMS,
	.func = true,
	.args_type = fentry_args,
	.args_slots = true,
	.fires_reversed = true,	/* a trampoline runs its newest program first */
	.attach = fentry_attach,
};
