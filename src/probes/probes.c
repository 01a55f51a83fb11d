/* Attach-point parsing and wildcard expansion.
 *
 * An attach point is `family:part:part...`; families have short aliases
 * (`t:` for tracepoint). Each concrete attach point becomes a probe_def with a
 * canonical name (the one the `probe` builtin prints). */
#include "probes/probes.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/perfev.h"
#include "kernel/rawtp.h"
#include "kernel/tracefs.h"
#include "probes/probes_internal.h"

struct family {
	const char *name;	/* canonical */
	const char *alias;	/* short form, or NULL */
	enum probe_kind kind;
	bool supported;		/* attachable by this version */
	const char *pending;	/* why not, when !supported */
};

static const struct family families[] = {
	{"BEGIN", NULL, PK_BEGIN, true, NULL},
	{"END", NULL, PK_END, true, NULL},
	{"tracepoint", "t", PK_TRACEPOINT, true, NULL},
	{"interval", "i", PK_INTERVAL, true, NULL},
	{"rawtracepoint", "rt", PK_RAWTRACEPOINT, true, NULL},
	{"kprobe", "k", PK_KPROBE, true, NULL},
	{"kretprobe", "kr", PK_KRETPROBE, true, NULL},
	{"fentry", "f", PK_FENTRY, true, NULL},
	{"kfunc", NULL, PK_FENTRY, true, NULL},
	{"fexit", "fr", PK_FEXIT, true, NULL},
	{"kretfunc", NULL, PK_FEXIT, true, NULL},
	{"uprobe", "u", PK_UPROBE, true, NULL},
	{"uretprobe", "ur", PK_URETPROBE, true, NULL},
	{"usdt", "U", PK_USDT, true, NULL},
	{"profile", "p", PK_PROFILE, true, NULL},
	{"software", "s", PK_SOFTWARE, true, NULL},
	{"hardware", "h", PK_HARDWARE, true, NULL},
};

const char *probe_kind_name(enum probe_kind k)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (families[i].kind == k)
			return families[i].name;
	return "?";
}

static const struct family *family_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct family *f = &families[i];
		if ((strlen(f->name) == len && !strncmp(f->name, name, len)) ||
		    (f->alias && strlen(f->alias) == len && !strncmp(f->alias, name, len)))
			return f;
	}
	return NULL;
}

int probe_kind_find(const char *name, size_t len)
{
	const struct family *f = family_find(name, len);
	return f ? (int)f->kind : -1;
}

/* Split text at ':' into at most max parts (the last keeps any further ':'). */
static int split(struct arena *a, const char *text, char **parts, int max)
{
	int n = 0;
	const char *start = text;
	while (n < max - 1) {
		const char *c = strchr(start, ':');
		if (!c)
			break;
		parts[n++] = arena_strndup(a, start, (size_t)(c - start));
		start = c + 1;
	}
	parts[n++] = arena_strdup(a, start);
	return n;
}

struct probe_def *probes_add_def(struct program *p, const struct node *probe,
				  const struct node *attach, enum probe_kind kind)
{
	struct probe_def *d = arena_alloc(&p->arena, sizeof(*d));
	if (!d || vec_push(&p->probes, d))
		return NULL;
	d->kind = kind;
	d->probe = probe;
	d->attach = attach;
	d->index = (int)p->probes.len - 1;
	d->owner = d->index;
	d->pid = p->target_pid;
	return d;
}

struct tp_ctx {
	struct program *p;
	const struct node *probe, *attach;
};

static int add_tracepoint(const char *cat, const char *name, void *arg)
{
	struct tp_ctx *c = arg;
	struct probe_def *d = probes_add_def(c->p, c->probe, c->attach, PK_TRACEPOINT);
	if (!d)
		return -ENOMEM;
	d->target = arena_strdup(&c->p->arena, cat);
	d->func = arena_strdup(&c->p->arena, name);
	d->name = arena_printf(&c->p->arena, "tracepoint:%s:%s", cat, name);
	return 0;
}

static bool expand_tracepoint(struct program *p, const struct node *probe,
			      const struct node *at, char **parts, int n)
{
	struct diags *d = &p->diags;
	if (n != 3 || !*parts[1] || !*parts[2]) {
		struct diag *dg = diag_error(d, at->loc, "Invalid tracepoint: %s", at->attach.text);
		diag_hint(d, dg, "the form is tracepoint:category:name, e.g. tracepoint:syscalls:sys_enter_openat");
		return false;
	}
	if (!tracefs_path()) {
		struct diag *dg = diag_error(d, at->loc, "%s: tracefs is not available: %s",
					     at->attach.text, strerror(errno));
		diag_hint(d, dg, "%s", TRACEFS_MOUNT_HINT);
		return false;
	}
	struct tp_ctx c = {p, probe, at};
	int r = tracefs_expand(parts[1], parts[2], add_tracepoint, &c);
	if (r == 0) {
		struct diag *dg = diag_error(d, at->loc, "tracepoint not found: %s:%s", parts[1], parts[2]);
		diag_hint(d, dg, "bpfline -l 'tracepoint:%s:*' lists the tracepoints of that category",
			  parts[1]);
		return false;
	}
	if (r < 0) {
		diag_error(d, at->loc, "%s: cannot list tracepoints: %s", at->attach.text, strerror(-r));
		return false;
	}
	return true;
}

/* interval:s:N, interval:ms:N, interval:us:N, interval:hz:N (and interval:N = s). */
static bool expand_interval(struct program *p, const struct node *probe,
			    const struct node *at, char **parts, int n)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull}, {"hz", 0},
	};
	const char *unit = n == 3 ? parts[1] : "s";
	const char *num = n == 3 ? parts[2] : (n == 2 ? parts[1] : "");
	char *end;
	unsigned long long v = strtoull(num, &end, 10);
	for (size_t i = 0; *num && !*end && v > 0 && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(units[i].unit, unit))
			continue;
		struct probe_def *d = probes_add_def(p, probe, at, PK_INTERVAL);
		if (!d)
			return false;
		d->target = units[i].unit;
		d->value = units[i].ns ? v * units[i].ns : 1000000000ull / v;
		d->name = arena_printf(&p->arena, "interval:%s:%llu", unit, v);
		return true;
	}
	struct diag *dg = diag_error(&p->diags, at->loc, "Invalid interval: %s", at->attach.text);
	diag_hint(&p->diags, dg, "use interval:s:N, interval:ms:N, interval:us:N or interval:hz:N with N > 0");
	return false;
}

/* A count, duration or frequency: a positive decimal integer (1e6 allowed). */
static bool parse_count(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-')
		return false;
	unsigned long long m = strtoull(s, &end, 10);
	if (*end == 'e' && end[1]) {
		unsigned long long e = strtoull(end + 1, &end, 10);
		while (e--)
			m *= 10;
	}
	*v = m;
	return !*end && m > 0;
}

/* profile:hz:N, profile:s:N, profile:ms:N, profile:us:N (profile:N = hz). */
static bool expand_profile(struct program *p, const struct node *probe,
			   const struct node *at, char **parts, int n)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{"hz", 0}, {"s", 1000000000ull}, {"ms", 1000000ull}, {"us", 1000ull},
	};
	const char *unit = n == 3 ? parts[1] : "hz";
	uint64_t v;
	for (size_t i = 0; n >= 2 && n <= 3 && parse_count(parts[n - 1], &v) &&
			   i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(units[i].unit, unit))
			continue;
		struct probe_def *d = probes_add_def(p, probe, at, PK_PROFILE);
		if (!d)
			return false;
		d->target = units[i].unit;
		d->value = units[i].ns ? v * units[i].ns : v;
		d->name = arena_printf(&p->arena, "profile:%s:%llu", unit, (unsigned long long)v);
		return true;
	}
	struct diag *dg = diag_error(&p->diags, at->loc, "Invalid profile probe: %s", at->attach.text);
	diag_hint(&p->diags, dg, "use profile:hz:N, profile:s:N, profile:ms:N or profile:us:N with N > 0");
	return false;
}

/* software:<event>[:count], hardware:<event>[:count]. */
static bool expand_perfev(struct program *p, const struct node *probe, const struct node *at,
			  char **parts, int n, const struct family *f)
{
	uint32_t type = f->kind == PK_HARDWARE ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
	const struct perfev *ev = n >= 2 ? perfev_find(type, parts[1]) : NULL;
	uint64_t count = ev ? ev->period : 0;
	bool has_count = n == 3 && *parts[2];
	if (!ev || n > 3 || (has_count && !parse_count(parts[2], &count))) {
		struct diag *dg = diag_error(&p->diags, at->loc, ev ? "Invalid count in %s"
					     : "Invalid %s event: %s", ev ? at->attach.text : f->name,
					     at->attach.text);
		diag_hint(&p->diags, dg, "the form is %s:<event>[:count]; bpfline -l '%s:*' lists the events",
			  f->name, f->name);
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f->kind);
	if (!d)
		return false;
	d->target = ev->name;
	d->value = count;
	d->name = has_count ? arena_printf(&p->arena, "%s:%s:%s", f->name, parts[1], parts[2])
			    : arena_printf(&p->arena, "%s:%s:", f->name, parts[1]);
	return true;
}

static int add_rawtp(const char *name, void *arg)
{
	struct tp_ctx *c = arg;
	struct probe_def *d = probes_add_def(c->p, c->probe, c->attach, PK_RAWTRACEPOINT);
	if (!d)
		return -ENOMEM;
	d->func = arena_strdup(&c->p->arena, name);
	d->name = arena_printf(&c->p->arena, "rawtracepoint:%s", name);
	return 0;
}

/* rawtracepoint:<name> or rawtracepoint:<module>:<name>; wildcards over BTF. */
static bool expand_rawtracepoint(struct program *p, const struct node *probe,
				 const struct node *at, char **parts, int n)
{
	const char *glob = parts[n - 1];
	if (n < 2 || n > 3 || !*glob) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid rawtracepoint: %s", at->attach.text);
		diag_hint(&p->diags, dg, "the form is rawtracepoint:name, e.g. rawtracepoint:sched_switch");
		return false;
	}
	struct tp_ctx c = {p, probe, at};
	int r = rawtp_expand(glob, add_rawtp, &c);
	if (r > 0)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, r == 0 ? "raw tracepoint not found: %s"
				     : "%s: cannot read kernel BTF", glob);
	diag_hint(&p->diags, dg, r == 0 ? "bpfline -l 'rawtracepoint:*' lists them"
		  : "raw tracepoint arguments come from /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)");
	return false;
}

static bool expand_one(struct program *p, const struct node *probe, const struct node *at)
{
	char *parts[4];
	const char *text = at->attach.text;
	const char *colon = strchr(text, ':');
	const struct family *f = family_find(text, colon ? (size_t)(colon - text) : strlen(text));
	if (!f) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid probe type: %.*s",
					     (int)(colon ? colon - text : (long)strlen(text)), text);
		diag_hint(&p->diags, dg, "probe types are BEGIN, END, tracepoint, interval, kprobe, uprobe, usdt, profile, ...");
		return false;
	}
	if (!f->supported) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: %s", text, f->pending);
		diag_hint(&p->diags, dg, "tracepoints (tracepoint:category:name) are supported; bpfline -l lists them");
		return false;
	}
	int n = split(&p->arena, text, parts, 4);
	if (f->kind == PK_BEGIN || f->kind == PK_END) {
		if (colon) {
			diag_error(&p->diags, at->loc, "%s takes no arguments", f->name);
			return false;
		}
		struct probe_def *d = probes_add_def(p, probe, at, f->kind);
		if (d)
			d->name = f->name;
		return d != NULL;
	}
	switch (f->kind) {
	case PK_TRACEPOINT:
		return expand_tracepoint(p, probe, at, parts, n);
	case PK_RAWTRACEPOINT:
		return expand_rawtracepoint(p, probe, at, parts, n);
	case PK_PROFILE:
		return expand_profile(p, probe, at, parts, n);
	case PK_SOFTWARE:
	case PK_HARDWARE:
		return expand_perfev(p, probe, at, parts, n, f);
	case PK_UPROBE:
	case PK_URETPROBE:
		return probes_expand_uprobe(p, probe, at, f->kind, f->name);
	case PK_KPROBE:
	case PK_KRETPROBE:
	case PK_FENTRY:
	case PK_FEXIT:
		return probes_expand_kfunc(p, probe, at, f->kind, parts, n);
	case PK_USDT:
		return probes_expand_usdt(p, probe, at);
	default:
		return expand_interval(p, probe, at, parts, n);
	}
}

bool probes_expand(struct program *p)
{
	bool ok = true;
	int index = 0;
	for (struct node *pr = p->ast->program.probes; pr; pr = pr->next) {
		pr->probe.index = index++;
		for (struct node *at = pr->probe.attach; at; at = at->next)
			ok &= expand_one(p, pr, at);
	}
	return ok;
}

/* Whether a family's attach hook passes the probe index as BPF cookie. */
static bool can_share(enum probe_kind k)
{
	return k == PK_TRACEPOINT || k == PK_UPROBE || k == PK_URETPROBE;
}

void probes_share(struct program *p)
{
	if (p->config.no_share)	/* for benchmarks: one program per attach point */
		return;
	for (size_t i = 0; i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		if (!can_share(d->kind) || d->own_layout)
			continue;
		for (size_t j = 0; j < i; j++) {
			struct probe_def *o = p->probes.items[j];
			if (o->probe == d->probe && o->kind == d->kind && !o->own_layout &&
			    o->owner == o->index) {
				d->owner = o->index;
				d->shared = o->shared = true;
				break;
			}
		}
	}
}
