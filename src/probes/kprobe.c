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
	const char *text = n == 3 ? parts[2] : n == 2 ? parts[1] : "";
	c->module = n == 3 ? parts[1] : NULL;
	if ((n != 2 && n != 3) || !*text || (c->module && !*c->module) ||
	    !parse_offset(&c->p->arena, text, func, &c->offset) ||
	    !**func || (c->offset && !kprobe) || (c->offset && probes_is_glob(*func))) {
		struct diag *dg = diag_error(d, c->at->loc, "Invalid %s attach point: %s", c->family,
					     c->at->attach.text);
		diag_hint(d, dg, kprobe ? "the form is kprobe[:module]:function or "
					  "kprobe[:module]:function+offset"
					: "the form is %s[:module]:function (a glob matches several)",
			  c->family);
		return false;
	}
	if (c->module && !probes_is_glob(c->module) && !kfunc_module_loaded(c->module)) {
		diag_error(d, c->at->loc, "specified module %s in probe %s:%s:%s is not loaded.",
			   c->module, c->family, c->module, text);
		return false;
	}
	return true;
}

/* The attach point after "family:", as bpftrace names it in its messages. */
const char *probes_kfunc_target(const struct kfunc_expand *c, const char *func)
{
	return c->module ? arena_printf(&c->p->arena, "%s:%s", c->module, func) : func;
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

/* A function named exactly that kprobes cannot trace: a warning, then an error
 * unless --unsafe lets the attach try (and tell). */
static bool untraceable(struct kfunc_expand *c, const char *func)
{
	struct diags *d = &c->p->diags;
	diag_warning(d, c->at->loc, "%s is not traceable (either non-existing, inlined, or marked "
		     "as \"notrace\"); attaching to it will likely fail", func);
	if (c->p->unsafe)
		return probes_kfunc_add(func, c) == 0;
	return probes_missing_hint(c->p, c->at, arena_printf(&c->p->arena, "%s %s", c->family,
				   probes_kfunc_target(c, func)),
				   arena_printf(&c->p->arena, "bpfline -l '%s:%s*' lists the functions "
						"there are", c->family, func));
}

/* RCU's own functions: a kprobe program runs under RCU, so probing them can
 * recurse into or stall RCU; bpftrace refuses them too. */
static bool disallowed(const char *func)
{
	return !strncmp(func, "rcu_", 4);
}

struct glob_ctx {
	struct kfunc_expand *c;
	int refused;	/* matches left out by disallowed() */
};

static int add_allowed(const char *name, void *arg)
{
	struct glob_ctx *g = arg;
	if (disallowed(name)) {
		g->refused++;
		return 0;
	}
	return probes_kfunc_add(name, g->c);
}

static bool no_valid_attach_points(struct kfunc_expand *c, const char *func)
{
	struct diag *dg = diag_error(&c->p->diags, c->at->loc, "Probe has no valid attach points.");
	diag_hint(&c->p->diags, dg, "kprobes on RCU functions (%s) are refused: the probe itself "
		  "runs under RCU", func);
	return false;
}

/* kprobe:ADDR: a kernel address instead of a function (no function name
 * starts with a digit). probe_def.func is the address in decimal, as bpftrace
 * names the probe (kprobe:0x10 is kprobe:16). */
static bool is_address(const char *func)
{
	return func[0] >= '0' && func[0] <= '9';
}

static bool add_address(struct kfunc_expand *c, const char *text)
{
	char *end;
	errno = 0;
	unsigned long long addr = strtoull(text, &end, 0);
	if (*end || errno || c->module || c->offset) {
		struct diag *dg = diag_error(&c->p->diags, c->at->loc, "Invalid %s attach point: %s",
					     c->family, c->at->attach.text);
		diag_hint(&c->p->diags, dg, "an address is %s:0xADDRESS, without module or offset",
			  c->family);
		return false;
	}
	return probes_kfunc_add(arena_printf(&c->p->arena, "%llu", addr), c) == 0;
}

/* kprobe[:MODULE]:FUNC[+OFFSET], kretprobe[:MODULE]:FUNC. */
static bool kprobe_expand(const struct probe_family *f, struct program *p,
			  const struct node *probe, const struct node *at, char **parts, int n)
{
	struct kfunc_expand c = {.p = p, .probe = probe, .at = at, .runs = f, .family = f->name};
	char *func;
	if (!probes_kfunc_parse(&c, parts, n, &func))
		return false;
	if (!kfunc_has_kprobes())
		return expand_fallback(&c, func);
	if (is_address(func))
		return add_address(&c, func);
	if (!probes_is_glob(func) && !(c.module && probes_is_glob(c.module))) {
		if (disallowed(func))
			return no_valid_attach_points(&c, func);
		if (!kfunc_traceable_in(c.module, func))
			return untraceable(&c, func);
		return probes_kfunc_add(func, &c) == 0;
	}
	struct glob_ctx g = {&c, 0};
	int r = kfunc_each_in(c.module, func, add_allowed, &g);
	if (r < 0) {
		diag_error(&p->diags, at->loc, "%s: cannot list kernel functions: %s", at->attach.text,
			   strerror(-r));
		return false;
	}
	if (c.n == 0 && g.refused)
		return no_valid_attach_points(&c, func);
	if (c.n == 0)
		return probes_missing_hint(p, at, arena_printf(&p->arena, "%s %s", c.family,
					   probes_kfunc_target(&c, func)),
					   arena_printf(&p->arena, "bpfline -l '%s:%s' lists what there is",
							c.family, func));
	return true;
}

/* libbpf parses "kprobe/func+off"; the runtime attaches by name. */
static const char *kprobe_section(struct arena *a, const struct probe_def *pd)
{
	if (is_address(pd->func))
		return pd->family == &probe_kretprobe ? "kretprobe" : "kprobe";
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
	const char *func = pd->func;
	if (is_address(func)) {	/* libbpf: no name, the address as the offset */
		opts.offset = (size_t)strtoull(func, NULL, 10);
		func = NULL;
	}
	*link = bpf_program__attach_kprobe_opts(prog, func, &opts);
	if (*link)
		return 0;
	int err = -errno;
	if (!kfunc_has_kprobes())
		*hint = "this kernel has no kprobes; tracepoints (bpfline -l 'tracepoint:*') work without them";
	else if (is_address(pd->func))
		*hint = "no kernel function starts at that address";
	else if (!kfunc_traceable(pd->func))
		*hint = "no such kernel function, or it cannot be traced "
			"(it is not in <tracefs>/available_filter_functions)";
	else if (pd->value && err == -EINVAL)
		*hint = "a kprobe offset must be at an instruction boundary inside the function";
	return err;
}

struct list_ctx {
	const char *family;
	bool verbose;
	FILE *out;
};

/* One function; with -lv its parameters as BTF declares them (as bpftrace:
 * the function's arguments, no retval line), nothing when BTF lacks it. */
static int list_one(const char *name, void *arg)
{
	struct list_ctx *c = arg;
	fprintf(c->out, "%s:%s\n", c->family, name);
	if (c->verbose)
		kbtf_print_params(name, false, c->out);
	return 0;
}

static int list_family(const char *family, const char *pattern, bool verbose, FILE *out)
{
	struct list_ctx c = {family, verbose, out};
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	if (colon) {	/* MODULE:FUNC */
		char mod[256];
		snprintf(mod, sizeof(mod), "%.*s", (int)(colon - pattern), pattern);
		return kfunc_each_in(mod, colon[1] ? colon + 1 : "*", list_one, &c);
	}
	return kfunc_each(pattern && *pattern ? pattern : "*", list_one, &c);
}

static int kprobe_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("kprobe", pattern, verbose, out);
}

static int kretprobe_list(const char *pattern, bool verbose, FILE *out)
{
	return list_family("kretprobe", pattern, verbose, out);
}

static const char *const kprobe_aliases[] = {"k", NULL};
static const char *const kretprobe_aliases[] = {"kr", NULL};

const struct probe_family probe_kprobe = {
	.name = "kprobe",
	.pid_predicate = true,
	.aliases = kprobe_aliases,
	.expand = kprobe_expand,
	.section = kprobe_section,
	.list = kprobe_list,
	.argn = ARGN_REGS,
	.regs = true,
	.func = true,
	.fires_reversed = true,
	.tail_calls = true,
	.attach = kprobe_attach,
};

const struct probe_family probe_kretprobe = {
	.name = "kretprobe",
	.pid_predicate = true,
	.aliases = kretprobe_aliases,
	.expand = kprobe_expand,
	.section = kprobe_section,
	.list = kretprobe_list,
	.list_skip_bare = true,
	.retval = RETVAL_REGS,
	.regs = true,
	.func = true,
	.tail_calls = true,
	.attach = kprobe_attach,
};
