/* Attach-point parsing and wildcard expansion, for every family.
 *
 * An attach point is `family:part:part...`; the family (by name or alias, see
 * families.c) expands it into probe_defs with canonical names (the ones the
 * `probe` builtin prints). */
#include "probes/probes.h"

#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/caps.h"
#include "kernel/rawtp.h"
#include "kernel/tracefs.h"
#include "probes/probes_internal.h"
#include "util/alloc.h"
#include "util/duration.h"

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
				 const struct node *attach, const struct probe_family *f)
{
	struct probe_def *d = arena_alloc(&p->arena, sizeof(*d));
	if (!d || vec_push(&p->probes, d))
		return NULL;
	d->family = f;
	d->probe = probe;
	d->attach = attach;
	d->index = (int)p->probes.len - 1;
	d->owner = d->index;
	d->pid = p->target_pid;
	/* -p (not -c: bpftrace adds no implicit filter for the child) */
	if (f->pid_predicate && !p->child)
		d->filter_pid = p->target_pid;
	return d;
}

bool probes_parse_count(const char *s, uint64_t *v)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	unsigned long long m = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return false;
	if (*end == 'e' && end[1] >= '0' && end[1] <= '9') {
		unsigned long long e = strtoull(end + 1, &end, 10);
		/* 1e19 and more do not fit: no loop of 10^n steps, no wrap */
		for (; e && m; e--) {
			if (m > UINT64_MAX / 10)
				return false;
			m *= 10;
		}
	}
	*v = m;
	return !*end && m > 0;
}

bool probes_parse_period(struct program *p, const struct node *at, const char *kind,
			 const char *s, uint64_t *us)
{
	uint64_t ns;
	if (!dur_parse(s, &ns)) {
		diag_error(&p->diags, at->loc, "Invalid rate of %s probe: invalid duration: %s", kind, s);
		return false;
	}
	if (ns < 1000) {
		diag_error(&p->diags, at->loc,
			   "Invalid rate of %s probe. Minimum is 1000 or 1us. Found: %llu nanoseconds",
			   kind, (unsigned long long)ns);
		return false;
	}
	*us = ns / 1000;
	return true;
}

bool probes_missing(struct program *p, const struct node *at, const char *what)
{
	return probes_missing_hint(p, at, what, NULL);
}

bool probes_missing_hint(struct program *p, const struct node *at, const char *what,
			 const char *hint)
{
	switch (p->config.missing_probes) {
	case CONFIG_MISSING_IGNORE:
		return true;
	case CONFIG_MISSING_WARN:
		diag_warning(&p->diags, at->loc, "No matches for %s. Skipping.", what);
		return true;
	default: {
		struct diag *dg = diag_error(&p->diags, at->loc, "No matches for %s.", what);
		if (hint)
			diag_hint(&p->diags, dg, "%s", hint);
		return false;
	}
	}
}

/* A block whose attach points all matched nothing, which missing_probes let
 * be: under "warn", bpftrace says the block goes (its maps and variables may
 * then never be written). */
static void check_block_kept(struct program *p, const struct node *probe, size_t from)
{
	if (p->probes.len == from && p->config.missing_probes == CONFIG_MISSING_WARN)
		diag_warning(&p->diags, probe->loc, "Probe has no valid attach points. It is being "
			     "removed which may cause issues with program behavior.");
}

static bool expand_one(struct program *p, const struct node *probe, const struct node *at)
{
	char *parts[4];
	const char *text = at->attach.text;
	const char *colon = strchr(text, ':');
	const struct probe_family *f = probe_family_find(text, colon ? (size_t)(colon - text)
							       : strlen(text));
	if (!f) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid probe type: %.*s",
					     (int)(colon ? colon - text : (long)strlen(text)), text);
		diag_hint(&p->diags, dg, "probe types are BEGIN, END, tracepoint, interval, kprobe, uprobe, usdt, profile, ...");
		return false;
	}
	int n = split(&p->arena, text, parts, 4);
	return f->expand(f, p, probe, at, parts, n);
}

/* A family that runs alone (iterators) with any other attach point: an error
 * at the second attach point. */
static bool check_alone(struct program *p)
{
	const struct node *other = NULL;
	const struct probe_family *alone = NULL;
	int n = 0;
	for (struct node *pr = p->ast->program.probes; pr; pr = pr->next)
		for (struct node *at = pr->probe.attach; at; at = at->next, n++) {
			const char *c = strchr(at->attach.text, ':');
			const struct probe_family *f = probe_family_find(at->attach.text,
				c ? (size_t)(c - at->attach.text) : strlen(at->attach.text));
			if (f && f->alone && !alone)
				alone = f;
			if (n == 1)
				other = at;
		}
	if (!alone || n < 2)
		return true;
	struct diag *dg = diag_error(&p->diags, other->loc, "%s probes can't be mixed with any "
				     "other probe, not even another %s probe", alone->name, alone->name);
	diag_hint(&p->diags, dg, "an iterator runs alone and the run ends with it; "
		  "run other probes in another bpfline");
	return false;
}

/* The BPF programs the probe_defs from index `from` on add: one each, but one
 * per block for a family that shares programs (probes_share). */
static size_t programs_added(const struct program *p, size_t from, const struct node *probe,
			     bool *shared_seen)
{
	size_t n = 0;
	for (size_t i = from; i < p->probes.len; i++) {
		const struct probe_def *d = p->probes.items[i];
		if (!d->family->shares)
			n++;
		else if (!*shared_seen && d->probe == probe)
			n++, *shared_seen = true;
	}
	return n;
}

/* More BPF programs than BPFTRACE_MAX_BPF_PROGS: an error at the attach point
 * that went over (a wildcard over thousands of kernel functions would take
 * minutes to load and attach). */
static bool check_programs(struct program *p, const struct node *at, size_t programs)
{
	if (programs <= p->config.max_bpf_progs)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, "Your program is trying to generate more "
				     "than %zu BPF programs, which exceeds the current limit of %u",
				     programs, p->config.max_bpf_progs);
	diag_hint(&p->diags, dg, "You can increase the limit through the BPFTRACE_MAX_BPF_PROGS "
		  "environment variable.");
	return false;
}

/* BEGIN and END run whatever --probe-filter says. */
static bool filter_exempt(const struct probe_def *d)
{
	return d->family == &probe_begin || d->family == &probe_end;
}

/* --probe-filter: keep the probes whose name the ERE matches (anywhere in it),
 * renumbered; an error when none of the traced probes is left. */
static bool apply_filter(struct program *p)
{
	regex_t re;
	size_t kept = 0, traced = 0;
	if (regcomp(&re, p->probe_filter, REG_EXTENDED | REG_NOSUB)) {
		diag_error(&p->diags, p->ast->program.probes->loc, "Invalid --probe-filter regex: %s",
			   p->probe_filter);
		return false;
	}
	for (size_t i = 0; i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		bool match = !filter_exempt(d) && !regexec(&re, d->name, 0, NULL, 0);
		if (!filter_exempt(d) && !match)
			continue;
		traced += match;
		d->index = d->owner = (int)kept;
		p->probes.items[kept++] = d;
	}
	regfree(&re);
	p->probes.len = kept;
	if (!traced)	/* bpftrace's bare line; the driver adds why */
		p->no_probes = true;
	return traced > 0;
}

bool probes_expand(struct program *p)
{
	bool ok = true, over = false;
	int index = 0;
	size_t programs = 0;
	for (struct node *pr = p->ast->program.probes; pr; pr = pr->next) {
		bool shared_seen = false, block_ok = true;
		size_t block_from = p->probes.len;
		pr->probe.index = index++;
		for (struct node *at = pr->probe.attach; at; at = at->next) {
			size_t from = p->probes.len;
			block_ok &= expand_one(p, pr, at);
			programs += programs_added(p, from, pr, &shared_seen);
			if (!over && !check_programs(p, at, programs))
				block_ok = false, over = true;
		}
		if (block_ok)
			check_block_kept(p, pr, block_from);
		ok &= block_ok;
	}
	if (ok && p->ast->program.probes && p->probes.len == 0) {
		/* every attach point was missing, and missing_probes let it be */
		p->no_probes = true;
		return false;
	}
	if (ok && p->probe_filter && p->probes.len && !apply_filter(p))
		return false;
	return ok && check_alone(p);
}

/* Whether probe_def d, alone in its program, should still attach as a group
 * of one: a uprobe's perf event needs CAP_SYS_ADMIN, a uprobe_multi link only
 * the CAP_BPF and CAP_PERFMON its program was loaded with. */
static bool lone_as_group(const struct probe_def *d)
{
	return !d->shared && d->owner == d->index && !caps_have(CAP_SYS_ADMIN);
}

/* Mark the probe_defs of each shared program multi when their family attaches
 * a group with one link and every one of them is in the owner's binary and
 * process (one uprobe_multi link takes one path and one pid); and a lone
 * probe_def too when this process may attach it no other way. */
static void group_shared(struct program *p)
{
	size_t n = p->probes.len;
	bool *mixed;

	if (!n || !(mixed = xcalloc(n, sizeof(*mixed))))
		return;
	for (size_t i = 0; i < n; i++) {
		struct probe_def *d = p->probes.items[i];
		struct probe_def *o = p->probes.items[d->owner];
		if (d->shared && (!d->target || !o->target || strcmp(d->target, o->target) ||
				  d->pid != o->pid))
			mixed[d->owner] = true;
	}
	for (size_t i = 0; i < n; i++) {
		struct probe_def *d = p->probes.items[i];
		const struct probe_family *f = d->family;
		d->multi = (d->shared || lone_as_group(d)) && !mixed[d->owner] &&
			   f->attach_group && f->can_group();
	}
	xfree(mixed);
}

/* The kernel verifies at most 256 functions in one program (BPF_MAX_SUBPROGS);
 * a syscall program whose bodies read their own layout calls a subprogram per
 * syscall (codegen/syscall.c), and each has a callback per for loop. */
#define SYSCALL_SUBPROGS_MAX 250

/* The loop callbacks n and what it holds emit: one per for loop, each time an
 * unroll repeats it. */
static void count_loops(struct node **slot, void *ctx)
{
	size_t *total = ctx, inner = 0;
	struct node *n = *slot;
	if (!n)
		return;
	ast_each_child(n, count_loops, &inner);
	if (n->kind == N_UNROLL && n->unroll.count)
		inner *= (size_t)n->unroll.count->num.value;
	*total += inner + (n->kind == N_FOR);
}

/* How many syscalls of a block whose bodies read their own layout fit in one
 * program: each is a subprogram, with its loops' callbacks. */
static size_t syscall_cases_max(const struct node *probe)
{
	size_t loops = 0;
	ast_each_child((struct node *)probe, count_loops, &loops);
	return SYSCALL_SUBPROGS_MAX / (1 + loops);
}

/* Whether d may run in o's program: a syscall's program switches on the
 * number, so one syscall only once in it, and bodies of their own only as
 * many as the kernel takes subprograms. */
static bool syscall_fits(const struct program *p, const struct probe_def *o,
			 const struct probe_def *d)
{
	size_t members = 0;
	if (!d->family->syscall)
		return true;
	for (size_t k = (size_t)o->index; k < (size_t)d->index; k++) {
		const struct probe_def *e = p->probes.items[k];
		if (e->owner != o->index)
			continue;
		if (e->value == d->value)
			return false;
		members++;
	}
	return !d->own_layout || members < syscall_cases_max(d->probe);
}

/* How many probe_defs of d's block run as d's family. */
static size_t block_family_count(const struct program *p, const struct probe_def *d)
{
	size_t n = 0;
	for (size_t k = 0; k < p->probes.len; k++) {
		const struct probe_def *e = p->probes.items[k];
		n += e->probe == d->probe && e->family == d->family;
	}
	return n;
}

/* Syscall tracepoints run on raw_syscalls only where a block traces at least
 * config.raw_syscalls_min syscalls of one kind (enter or exit): its program
 * then runs on every syscall of the machine (~+150 ns each here, against
 * ~+20 ns for the perf events of a few syscalls), which pays only when the
 * perf events would be many (each one's detach waits ~20 ms). The others,
 * and all of them under BPFL_NO_SHARE, stay perf events. Those that stay on
 * raw_syscalls become tp_btf programs where the kernel allows (asking for
 * kernel BTF only then). */
static void choose_syscall_path(struct program *p)
{
	size_t n = p->probes.len;
	bool *perf = n ? xcalloc(n, sizeof(*perf)) : NULL;
	if (!perf)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct probe_def *d = p->probes.items[i];
		perf[i] = d->family->syscall && (p->config.no_share ||
			  block_family_count(p, d) < p->config.raw_syscalls_min);
	}
	for (size_t i = 0; i < n; i++) {
		struct probe_def *d = p->probes.items[i];
		if (perf[i])
			d->family = &probe_tracepoint;
		else if (d->family->syscall)
			d->family = probes_syscall_program(p, d->family);
	}
	xfree(perf);
}

struct uses {
	const char *const *names;	/* NULL-terminated */
	bool found;
};

static void find_names(struct node **slot, void *arg)
{
	struct uses *u = arg;
	struct node *n = *slot;
	const char *name = n->kind == N_IDENT ? n->ident.name : n->kind == N_CALL ? n->call.name
										    : NULL;
	for (const char *const *w = u->names; name && *w; w++)
		u->found |= !strcmp(name, *w);
	if (!u->found)
		ast_each_child(n, find_names, u);
}

/* Whether block `probe` (predicate or body, macros expanded) names any of
 * `names` (builtins). */
static bool block_uses(const struct node *probe, const char *const *names)
{
	struct uses u = {names, false};
	ast_each_child((struct node *)probe, find_names, &u);
	return u.found;
}

/* Whether tracepoint CAT:NAME is one of the kernel's tracepoints, with a raw
 * tracepoint of its name: ftrace's own events and the dynamic ones (kprobe,
 * uprobe, synthetic, eprobe, fprobe and user events, which a user names) are
 * not, even when a name coincides. */
static bool has_raw_tracepoint(const char *cat, const char *name)
{
	static const char *const not_tp[] = {"ftrace", "syscalls", "kprobes", "uprobes",
					     "synthetic", "eprobes", "fprobes", NULL};
	for (const char *const *c = not_tp; *c; c++)
		if (!strcmp(cat, *c))
			return false;
	return rawtp_has_btf(name) && !tracefs_is_dynamic(cat, name);
}

/* A tracepoint whose block reads neither `args` nor `ctx` (the perf record)
 * nor `kstack` (whose first frames would be the raw tracepoint's) nor, in a
 * program shared by several tracepoints, `probe` (raw tracepoints take a BPF
 * cookie only from 6.10 and libbpf 1.5) runs as the raw tracepoint of its
 * name: the same events without the perf record (the floor per event drops
 * from ~140 to ~70 ns here, bench/percall.sh), and a detach without the perf
 * event's RCU wait (~75 ms). BPFL_PERF_TRACEPOINTS=1 keeps perf events. */
static bool tracepoint_raw_ok(const struct program *p, const struct probe_def *d)
{
	static const char *const record[] = {"args", "ctx", "kstack", NULL};
	static const char *const probe[] = {"probe", NULL};
	if (d->family != &probe_tracepoint || d->own_layout || p->config.perf_tracepoints ||
	    !has_raw_tracepoint(d->target, d->func) || block_uses(d->probe, record))
		return false;
	return block_family_count(p, d) == 1 || p->config.no_share || !block_uses(d->probe, probe);
}

static void choose_tracepoint_path(struct program *p)
{
	for (size_t i = 0; i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		if (tracepoint_raw_ok(p, d))
			d->family = &probe_tracepoint_raw;
	}
}

void probes_share(struct program *p)
{
	choose_syscall_path(p);
	choose_tracepoint_path(p);
	if (p->config.no_share)	/* for benchmarks: one program per attach point */
		return;
	for (size_t i = 0; i < p->probes.len; i++) {
		struct probe_def *d = p->probes.items[i];
		/* a syscall program switches on the number, so bodies that read
		 * their own layout share it too (one case each) */
		bool by_layout = d->own_layout && !d->family->syscall;
		if (!d->family->shares || by_layout)
			continue;
		for (size_t j = 0; j < i; j++) {
			struct probe_def *o = p->probes.items[j];
			if (o->probe == d->probe && o->family == d->family &&
			    o->own_layout == d->own_layout && o->owner == o->index &&
			    syscall_fits(p, o, d)) {
				d->owner = o->index;
				d->shared = o->shared = true;
				break;
			}
		}
	}
	group_shared(p);
}

bool probes_list_match(const char *pattern, const char *name)
{
	char glob[256];
	size_t n = strcspn(pattern, ":");

	if (!*pattern)
		return true;
	if (n >= sizeof(glob))
		return false;
	memcpy(glob, pattern, n);
	glob[n] = '\0';
	return !fnmatch(glob, name, 0);
}

int probes_list_units(const char *family, const char *pattern, FILE *out)
{
	static const char *const units[] = { "hz", "s", "ms", "us" };
	int k = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!probes_list_match(pattern, units[i]))
			continue;
		fprintf(out, "%s:%s:\n", family, units[i]);
		k++;
	}
	return k;
}
