/* Attach-point parsing and wildcard expansion.
 *
 * An attach point is `family:part:part...`; families have short aliases
 * (`t:` for tracepoint). Each concrete attach point becomes a probe_def with a
 * canonical name (the one the `probe` builtin prints). */
#include "probes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes_internal.h"
#include "runtime/tracefs.h"

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
	{"rawtracepoint", "rt", PK_RAWTRACEPOINT, false, "raw tracepoints are not supported yet"},
	{"kprobe", "k", PK_KPROBE, true, NULL},
	{"kretprobe", "kr", PK_KRETPROBE, true, NULL},
	{"fentry", "f", PK_FENTRY, true, NULL},
	{"kfunc", NULL, PK_FENTRY, true, NULL},
	{"fexit", "fr", PK_FEXIT, true, NULL},
	{"kretfunc", NULL, PK_FEXIT, true, NULL},
	{"uprobe", "u", PK_UPROBE, false, "uprobe probes are not supported yet"},
	{"uretprobe", "ur", PK_URETPROBE, false, "uretprobe probes are not supported yet"},
	{"usdt", "U", PK_USDT, false, "usdt probes are not supported yet"},
	{"profile", "p", PK_PROFILE, false, "profile probes are not supported yet"},
	{"software", "s", PK_SOFTWARE, false, "software probes are not supported yet"},
	{"hardware", "h", PK_HARDWARE, false, "hardware probes are not supported yet"},
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

bool probe_family_kind(const char *name, size_t len, enum probe_kind *kind)
{
	const struct family *f = family_find(name, len);
	if (f)
		*kind = f->kind;
	return f != NULL;
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

struct probe_def *probe_add_def(struct program *p, const struct node *probe,
				const struct node *attach, enum probe_kind kind)
{
	struct probe_def *d = arena_alloc(&p->arena, sizeof(*d));
	if (!d || vec_push(&p->probes, d))
		return NULL;
	d->kind = kind;
	d->probe = probe;
	d->attach = attach;
	d->index = (int)p->probes.len - 1;
	return d;
}

struct tp_ctx {
	struct program *p;
	const struct node *probe, *attach;
};

static int add_tracepoint(const char *cat, const char *name, void *arg)
{
	struct tp_ctx *c = arg;
	struct probe_def *d = probe_add_def(c->p, c->probe, c->attach, PK_TRACEPOINT);
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
		struct probe_def *d = probe_add_def(p, probe, at, PK_INTERVAL);
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
		struct probe_def *d = probe_add_def(p, probe, at, f->kind);
		if (d)
			d->name = f->name;
		return d != NULL;
	}
	if (f->kind == PK_TRACEPOINT)
		return expand_tracepoint(p, probe, at, parts, n);
	if (f->kind == PK_KPROBE || f->kind == PK_KRETPROBE || f->kind == PK_FENTRY ||
	    f->kind == PK_FEXIT)
		return probes_expand_kfunc(p, probe, at, f->kind, parts, n);
	return expand_interval(p, probe, at, parts, n);
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
