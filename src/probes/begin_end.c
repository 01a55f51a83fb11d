/* BEGIN, END, bench and self: raw_tp programs that are never attached; the runtime
 * runs each with BPF_PROG_TEST_RUN, in the calling thread: BEGIN at start, END
 * at exit, self:signal:SIGUSR1 each time the process receives that signal, bench
 * probes repeatedly under --mode bench (runtime.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probes/probes_internal.h"

/* BEGIN / END: no parts. */
static bool special_expand(const struct probe_family *f, struct program *p,
			   const struct node *probe, const struct node *at, char **parts, int n)
{
	(void)parts;
	if (n > 1) {
		diag_error(&p->diags, at->loc, "%s takes no arguments", f->name);
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (d)
		d->name = f->name;
	return d != NULL;
}

static const char *special_section(struct arena *a, const struct probe_def *pd)
{
	(void)a;
	(void)pd;
	return "raw_tp";
}

/* Run prog once with an all-zero context; 0 or -errno. */
static int run_once(const struct probe_def *pd, struct bpf_program *prog)
{
	uint64_t ctx = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	int fd = bpf_program__fd(prog);

	(void)pd;
	if (fd < 0)
		return -EBADF;
	return bpf_prog_test_run_opts(fd, &opts) ? -errno : 0;
}

/* self:signal:SIGUSR1, the one event bpftrace's runtime provides. */
static bool self_expand(const struct probe_family *f, struct program *p,
			const struct node *probe, const struct node *at, char **parts, int n)
{
	if (n != 3 || strcmp(parts[1], "signal") || strcmp(parts[2], "SIGUSR1")) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid self probe: %s",
					     at->attach.text);
		diag_hint(&p->diags, dg, "the self probe is self:signal:SIGUSR1");
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (d)
		d->name = "self:signal:SIGUSR1";
	return d != NULL;
}

/* bench:NAME: a micro benchmark, run repeatedly under --mode bench only. */
static bool bench_expand(const struct probe_family *f, struct program *p,
			 const struct node *probe, const struct node *at, char **parts, int n)
{
	if (n != 2 || !*parts[1]) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid bench probe: %s",
					     at->attach.text);
		diag_hint(&p->diags, dg, "a benchmark is named: bench:NAME");
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (d) {
		d->func = parts[1];
		d->name = arena_printf(&p->arena, "bench:%s", parts[1]);
	}
	return d != NULL;
}

static const char *const begin_aliases[] = { "BEGIN", NULL };
static const char *const end_aliases[] = { "END", NULL };

const struct probe_family probe_begin = {
	.name = "begin",
	.aliases = begin_aliases,
	.expand = special_expand,
	.section = special_section,
	.special = true,
	.run = run_once,
};

const struct probe_family probe_end = {
	.name = "end",
	.aliases = end_aliases,
	.expand = special_expand,
	.section = special_section,
	.special = true,
	.run = run_once,
};

const struct probe_family probe_bench = {
	.name = "bench",
	.expand = bench_expand,
	.section = special_section,
	.run = run_once,
};

const struct probe_family probe_self = {
	.name = "self",
	.expand = self_expand,
	.section = special_section,
	.special = true,
	.run = run_once,
};
