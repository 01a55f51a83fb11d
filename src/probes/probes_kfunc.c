/* Attach points on kernel functions: kprobe:func[+offset], kretprobe:func,
 * fentry:func, fexit:func (kfunc/kretfunc), with wildcards.
 *
 * What the kernel can do decides what runs: a kprobe needs kprobe support; when
 * the kernel has none but runs fentry programs, a kprobe of a function that BTF
 * describes becomes a fentry (a kretprobe a fexit) probe that keeps its name, and
 * probe_def.fallback says why (shown under -v). When neither works the error
 * names what is missing and points at tracepoints. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kbtf.h"
#include "probes/probes_internal.h"
#include "kernel/kfunc.h"

#define TRACEPOINT_HINT "tracepoints work without kprobes or fentry: bpfline -l 'tracepoint:*' " \
	"lists them (e.g. tracepoint:syscalls:sys_enter_read)"

struct kf_ctx {
	struct program *p;
	const struct node *probe, *at;
	enum probe_kind kind;		/* what runs: kprobe/kretprobe/fentry/fexit */
	const char *family;		/* as written, canonical: "kprobe" */
	uint64_t offset;
	const char *fallback;
	int n;
};

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* One probe_def for function `name`. */
static int add_func(const char *name, void *arg)
{
	struct kf_ctx *c = arg;
	struct arena *a = &c->p->arena;
	struct type *args = NULL, *ret = NULL;
	int nparams = 0;
	if (c->kind == PK_FENTRY || c->kind == PK_FEXIT) {
		if (!kfunc_traceable(name))
			return 0;	/* in BTF but not attachable (notrace, inlined) */
		nparams = kbtf_func(a, name, &args, &ret);
		if (nparams < 0)
			return 0;
	}
	struct probe_def *d = probes_add_def(c->p, c->probe, c->at, c->kind);
	if (!d)
		return -ENOMEM;
	d->func = arena_strdup(a, name);
	d->value = c->offset ? c->offset : (uint64_t)nparams;
	d->args = args;
	d->fallback = c->fallback;
	d->name = c->offset ? arena_printf(a, "%s:%s+%llu", c->family, name,
					   (unsigned long long)c->offset)
			    : arena_printf(a, "%s:%s", c->family, name);
	c->n++;
	return 0;
}

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

/* The first function a glob names through fn (for the fentry check). */
static int first_name(const char *name, void *arg)
{
	*(const char **)arg = name;
	return 1;
}

/* fentry/fexit on `func` (a glob): every BTF function that matches. */
static bool expand_fentry(struct kf_ctx *c, const char *func)
{
	struct diags *d = &c->p->diags;
	const char *first = NULL, *why = NULL;
	if (is_glob(func))
		kbtf_each_func(func, first_name, &first);
	else if (kbtf_has_func(func))
		first = func;
	if (!first) {
		struct diag *dg;
		if (!kbtf_vmlinux())
			dg = diag_error(d, c->at->loc, "%s: the kernel has no BTF (/sys/kernel/btf/vmlinux), "
					"which %s probes need", c->at->attach.text,
					c->kind == PK_FENTRY ? "fentry" : "fexit");
		else
			dg = diag_error(d, c->at->loc, "%s: no kernel function %s in BTF",
					c->at->attach.text, func);
		diag_hint(d, dg, "bpfline -l 'fentry:%s*' lists the functions", func);
		return false;
	}
	if (!kfunc_has_fentry(first, &why)) {
		struct diag *dg = diag_error(d, c->at->loc, "%s: this kernel cannot run fentry/fexit "
					     "programs (%s)", c->at->attach.text, why);
		if (kfunc_has_kprobes())
			diag_hint(d, dg, "use %s:%s instead", c->kind == PK_FENTRY ? "kprobe" : "kretprobe",
				  func);
		else
			diag_hint(d, dg, TRACEPOINT_HINT);
		return false;
	}
	int r = is_glob(func) ? kbtf_each_func(func, add_func, c) : add_func(func, c);
	if (r < 0 || c->n == 0) {
		diag_error(d, c->at->loc, "%s: no traceable kernel function matches", c->at->attach.text);
		return false;
	}
	return true;
}

/* kprobe/kretprobe on a kernel without kprobes: as fentry/fexit, or an error. */
static bool expand_kprobe_fallback(struct kf_ctx *c, const char *func)
{
	struct diags *d = &c->p->diags;
	const char *first = NULL, *why = NULL;
	if (kbtf_vmlinux()) {
		if (is_glob(func))
			kbtf_each_func(func, first_name, &first);
		else if (kbtf_has_func(func))
			first = func;
	}
	if (first && !c->offset && kfunc_has_fentry(first, &why)) {
		c->fallback = arena_printf(&c->p->arena, "the kernel has no kprobes; running as %s",
					   c->kind == PK_KPROBE ? "fentry" : "fexit");
		c->kind = c->kind == PK_KPROBE ? PK_FENTRY : PK_FEXIT;
		return expand_fentry(c, func);
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

bool probes_expand_kfunc(struct program *p, const struct node *probe, const struct node *at,
			 enum probe_kind kind, char **parts, int n)
{
	static const char *const canon[PK_KIND_COUNT] = {
		[PK_KPROBE] = "kprobe", [PK_KRETPROBE] = "kretprobe",
		[PK_FENTRY] = "fentry", [PK_FEXIT] = "fexit",
	};
	struct kf_ctx c = {p, probe, at, kind, canon[kind], 0, NULL, 0};
	struct diags *d = &p->diags;
	char *func;
	if (n != 2 || !*parts[1] || !parse_offset(&p->arena, parts[1], &func, &c.offset) ||
	    !*func || (c.offset && kind != PK_KPROBE) || (c.offset && is_glob(func))) {
		struct diag *dg = diag_error(d, at->loc, "Invalid %s attach point: %s", c.family,
					     at->attach.text);
		diag_hint(d, dg, kind == PK_KPROBE ? "the form is kprobe:function or kprobe:function+offset"
						   : "the form is %s:function (a glob matches several)",
			  c.family);
		return false;
	}
	if (kind == PK_FENTRY || kind == PK_FEXIT)
		return expand_fentry(&c, func);
	if (!kfunc_has_kprobes())
		return expand_kprobe_fallback(&c, func);
	if (!is_glob(func))
		return add_func(func, &c) == 0;
	int r = kfunc_each(func, add_func, &c);
	if (r < 0) {
		diag_error(d, at->loc, "%s: cannot list kernel functions: %s", at->attach.text,
			   strerror(-r));
		return false;
	}
	if (c.n == 0) {
		struct diag *dg = diag_error(d, at->loc, "%s: no kernel function matches", at->attach.text);
		diag_hint(d, dg, "bpfline -l '%s:%s' lists what there is", c.family, func);
		return false;
	}
	return true;
}
