/* rt_run: the life of a compiled program in the kernel. Load the object, run
 * BEGIN, attach every other probe, loop over the ring buffer until exit(), a
 * signal or an error, detach, run END, print the maps. Every attachment is a
 * bpf_link owning its fd, destroyed on every path out, so nothing stays in the
 * kernel after we return (or die). SIGINT and SIGTERM are blocked for the
 * whole run and read from a signalfd, so a Ctrl-C ends the loop cleanly. */
#include "runtime/runtime.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/caps.h"
#include "kernel/kfeat.h"
#include "probes/probes.h"
#include "runtime/loader.h"
#include "runtime/msg.h"
#include "util/log.h"
#include "runtime/outfd.h"
#include "runtime/output.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/runtime_internal.h"
#include "runtime/stacks.h"
#include "lang/abi.h"
#include "util/alloc.h"

/* Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK; lift it, quietly
 * (it needs CAP_SYS_RESOURCE, and later kernels charge the memory cgroup). */
static void raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	setrlimit(RLIMIT_MEMLOCK, &r);
}

/* Name the capabilities that loading needs and this process lacks, before
 * anything is tried: without CAP_BPF the first map fails with EPERM, without
 * CAP_PERFMON the first tracing program, and neither says why. */
static int check_privilege(void)
{
	const char *missing = caps_missing_for_tracing();

	if (!missing)
		return 0;
	msg_report(MSG_ERROR, caps_grant_hint("cap_bpf,cap_perfmon"), NULL,
		   "loading BPF tracing programs needs CAP_BPF and CAP_PERFMON; "
		   "this process lacks %s", missing);
	return -EPERM;
}

static struct probe_def *probe_at(const struct rt *rt, size_t i)
{
	return rt->p->probes.items[i];
}

/* Give the printers the probe names (for the `probe` builtin). */
static int set_probe_names(struct program *p)
{
	const char **names = arena_alloc(&p->arena, (p->probes.len + 1) * sizeof(*names));
	size_t i;

	if (!names)
		return -ENOMEM;
	for (i = 0; i < p->probes.len; i++)
		names[i] = ((struct probe_def *)p->probes.items[i])->name;
	print_probe_names = names;
	print_str_trailer = p->config.str_trunc_trailer;
	print_nprobe_names = (int)p->probes.len;
	return 0;
}

/* The fd of each program map, by map id (-1 when codegen made no BPF map). */
static int find_map_fds(struct rt *rt)
{
	size_t i, n = rt->p->maps.len;
	struct bpf_map *m;

	rt->map_fds = xcalloc(n ? n : 1, sizeof(int));
	if (!rt->map_fds)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct map_def *def = rt->p->maps.items[i];
		m = def->sym ? bpf_object__find_map_by_name(rt->obj, def->sym) : NULL;
		rt->map_fds[i] = m ? bpf_map__fd(m) : -1;
	}
	m = bpf_object__find_map_by_name(rt->obj, ABI_COUNTERS_NAME);
	rt->ctr_fd = m ? bpf_map__fd(m) : -1;
	m = bpf_object__find_map_by_name(rt->obj, ABI_EXITED_NAME);
	rt->exited_fd = m ? bpf_map__fd(m) : -1;
	return 0;
}

/* The program that runs pd, or NULL after reporting why not. */
static struct bpf_program *prog_of(const struct rt *rt, const struct probe_def *pd)
{
	struct bpf_program *prog = NULL;

	if (pd->prog_name)
		prog = bpf_object__find_program_by_name(rt->obj, pd->prog_name);
	if (!prog)
		msg_error("probe '%s': program '%s' is not in the object",
			  pd->name, pd->prog_name ? pd->prog_name : "(none)");
	return prog;
}

int rt_run_special(struct rt *rt, const struct probe_family *f)
{
	struct bpf_program *prog;
	size_t i;
	int err;

	for (i = 0; i < rt->p->probes.len; i++) {
		const struct probe_def *pd = probe_at(rt, i);
		if (pd->family != f)
			continue;
		prog = prog_of(rt, pd);
		if (!prog)
			return -ENOENT;
		err = f->run(pd, prog);
		if (err) {
			msg_error("probe '%s': run failed: %s", pd->name, strerror(-err));
			return err;
		}
	}
	return 0;
}

/* How many probes the multi-attach group that pd owns has. */
static size_t group_size(const struct rt *rt, const struct probe_def *pd)
{
	size_t n = 0;
	for (size_t i = 0; i < rt->p->probes.len; i++) {
		const struct probe_def *d = rt->p->probes.items[i];
		n += d->multi && d->owner == pd->index;
	}
	return n;
}

/* Report that probe pd did not attach (err, the kernel's reason in hint or
 * NULL); group: the kernel refused the link of pd's whole multi-attach group.
 * One function of a wildcard that can't be traced is skipped, as bpftrace
 * does (0, counted in rt->skipped); a probe named exactly must attach (err).
 * bpftrace's words; the kernel's reason goes to the hint. */
static int attach_failed(struct rt *rt, const struct probe_def *pd, int err, const char *hint,
			 bool group)
{
	const char *said = kernel_strerror(err);
	bool skip = pd->attach && strpbrk(pd->attach->attach.text, "*?[") && !group;
	char why[512];

	if (hint)
		snprintf(why, sizeof(why), "%s (the kernel said: %s)", hint, said);
	else
		snprintf(why, sizeof(why), "the kernel said: %s", said);
	if (skip)
		msg_report(MSG_WARNING, why, NULL, "Unable to attach probe: %s. Skipping.",
			   pd->name);
	else if (group)
		msg_report(MSG_ERROR, why, NULL, "Unable to attach the %zu probes of %s "
			   "(one multi-attach link)", group_size(rt, pd),
			   pd->attach ? pd->attach->attach.text : pd->name);
	else if (err == -EILSEQ)	/* the kernel's answer to kprobe:f+OFF inside an
				 * instruction: bpftrace's words for it */
		msg_report(MSG_ERROR, why, NULL, "Possible attachment attempt in the middle "
			   "of an instruction, try a different offset.");
	else
		msg_report(MSG_ERROR, why, NULL, "Unable to attach probe: %s. If this is "
			   "expected, set the 'missing_probes' config variable to 'warn'.",
			   pd->name);
	if (skip)
		rt->skipped++;
	return skip ? 0 : err;
}

/* attach_group's report of one function of the group the kernel refused
 * (attach_skip_fn). */
static int group_member_failed(void *ctx, const struct probe_def *pd, int err, const char *hint)
{
	return attach_failed(ctx, pd, err, hint, false);
}

/* Attach one probe, adding its links to rt->links; 0 or -errno, reported with
 * a hint. */
static int attach_one(struct rt *rt, size_t i)
{
	const struct probe_def *pd = probe_at(rt, i);
	const struct probe_family *ops = pd->family;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	const char *hint = NULL;
	size_t skipped = rt->skipped;
	int err;

	if (!ops->attach && !ops->attach_many) {
		msg_error("probe '%s': this probe type is not supported yet", pd->name);
		return -EOPNOTSUPP;
	}
	if (pd->multi && pd->owner != pd->index)
		return 0;	/* its owner attached it with the whole group */
	prog = prog_of(rt, pd);
	if (!prog)
		return -ENOENT;
	if (pd->multi) {
		err = ops->attach_group(rt->p, pd, prog, &rt->links, &hint, group_member_failed,
					rt);
	} else if (ops->attach_many) {
		err = ops->attach_many(pd, prog, &rt->links, &hint);
	} else {
		err = ops->attach(pd, prog, &link, &hint);
		err = err ?: attach_set_add(&rt->links, link);
	}
	if (err)
		return attach_failed(rt, pd, err, hint, pd->multi && group_size(rt, pd) > 1);
	rt->nattached += pd->multi ? group_size(rt, pd) - (rt->skipped - skipped) : 1;
	rt_log(1, "probe '%s': attached\n", pd->name);
	return 0;
}

/* Attach probe i unless it is BEGIN/END or belongs to the other pass. */
static int attach_pass(struct rt *rt, size_t i, bool reverse)
{
	const struct probe_def *pd = probe_at(rt, i);
	if (probe_is_special(pd) || pd->family->fires_reversed != reverse)
		return 0;
	int err = attach_one(rt, i);
	if (!err && pd->family->ends_run)
		rt->stop = true;
	return err;
}

/* Under -v, a line a second while probes attach one by one (thousands of
 * tracepoints or kprobes can take a while): how many so far. */
static void attach_progress(struct rt *rt, double t0, double *next)
{
	if (rt_verbose < 1)
		return;
	double now = log_now_ms();
	if (now < *next)
		return;
	rt_log(1, "attaching: %zu of %zu probes after %.1f s\n", rt->nattached,
	       rt->p->probes.len, (now - t0) / 1000);
	*next = now + 1000;
}

/* Attach every probe but BEGIN/END; on a failure nothing stays attached. A
 * family that has run to its end while attaching (an iterator) ends the run.
 * Blocks on the same event run in the order the program declares them: the
 * families whose handlers the kernel runs newest first (probe_family.
 * fires_reversed) are attached last to first, in a second pass. */
static int attach_all(struct rt *rt)
{
	size_t n = rt->p->probes.len;
	double t0 = log_now_ms(), next = t0 + 1000;
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		err = attach_pass(rt, i, false);
		attach_progress(rt, t0, &next);
	}
	for (size_t i = n; i > 0 && !err; i--) {
		err = attach_pass(rt, i - 1, true);
		attach_progress(rt, t0, &next);
	}
	return err;
}

#define DETACH_THREADS_MAX 64

/* One detach thread's share: links[first + k * stride] and fds[first + k *
 * stride] of the run's attachments. */
struct detach_slice {
	struct attach_set *set;
	size_t first, stride;
	double done_ms;		/* when the thread finished (log_now_ms) */
};

struct rt_detach {
	pthread_t threads[DETACH_THREADS_MAX];
	struct detach_slice slices[DETACH_THREADS_MAX];
	size_t nthreads;
	double start_ms;	/* when rt_detach_begin started them */
};

static void *detach_slice_run(void *arg)
{
	struct detach_slice *s = arg;
	for (size_t i = s->first; i < s->set->len; i += s->stride) {
		bpf_link__destroy(s->set->links[i]);
		s->set->links[i] = NULL;
	}
	for (size_t i = s->first; i < s->set->nfds; i += s->stride) {
		close(s->set->fds[i]);
		s->set->fds[i] = -1;
	}
	s->done_ms = log_now_ms();
	return NULL;
}

/* Each tracepoint detach waits for an RCU grace period (~65 ms here), so
 * attachments are destroyed from several threads at once: their waits overlap
 * and 27 sched tracepoints detach in about one grace period instead of two
 * seconds; and the threads run while the output is finished and the maps are
 * printed (rt_stop_probes). What a thread could not take, rt_detach_all does. */
void rt_detach_begin(struct rt *rt)
{
	size_t n = rt->links.len > rt->links.nfds ? rt->links.len : rt->links.nfds;
	size_t want = n < DETACH_THREADS_MAX ? n : DETACH_THREADS_MAX;
	pthread_attr_t attr;

	if (rt->detach || !n || !(rt->detach = xcalloc(1, sizeof(*rt->detach))))
		return;
	rt->detach->start_ms = log_now_ms();
	if (pthread_attr_init(&attr))
		return;
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (struct rt_detach *d = rt->detach; d->nthreads < want; d->nthreads++) {
		d->slices[d->nthreads] = (struct detach_slice){&rt->links, d->nthreads, want, 0};
		if (pthread_create(&d->threads[d->nthreads], &attr, detach_slice_run,
				   &d->slices[d->nthreads]))
			break;
	}
	pthread_attr_destroy(&attr);
}

void rt_detach_all(struct rt *rt)
{
	double t0 = log_now_ms();
	size_t n = rt->links.len + rt->links.nfds;
	bool rest = false;

	if (!rt->detach)
		rt_detach_begin(rt);
	struct rt_detach *d = rt->detach;
	double start = d ? d->start_ms : t0, end = start;
	for (size_t t = 0; d && t < d->nthreads; t++) {
		pthread_join(d->threads[t], NULL);
		if (d->slices[t].done_ms > end)
			end = d->slices[t].done_ms;
	}
	for (size_t i = 0; i < rt->links.len; i++) {	/* slices whose thread did not start */
		rest |= rt->links.links[i] != NULL;
		bpf_link__destroy(rt->links.links[i]);
		rt->links.links[i] = NULL;
	}
	rt->links.len = 0;
	for (size_t i = 0; i < rt->links.nfds; i++)
		if (rt->links.fds[i] >= 0) {
			rest = true;
			close(rt->links.fds[i]);
		}
	rt->links.nfds = 0;
	double now = log_now_ms();
	if (n)
		rt_log(1, "detached %zu links in %.1f ms (waited %.1f ms for it after the output)\n",
		       n, (rest ? now : end) - start, now - t0);
	xfree(d);
	rt->detach = NULL;
}

void rt_stop_probes(struct rt *rt)
{
	uint32_t key = 0;
	uint64_t v = 0;

	if (rt->exited_fd >= 0 && !bpf_map_lookup_elem(rt->exited_fd, &key, &v)) {
		v |= ABI_EXITED_STOP;	/* an exit() racing with us keeps its bit: either stops */
		bpf_map_update_elem(rt->exited_fd, &key, &v, BPF_ANY);
	}
	rt_detach_begin(rt);
}

/* The line bpftrace's test engine waits for (__BPFTRACE_NOTIFY_PROBES_ATTACHED
 * in the environment): on stdout even under -o, after what was printed
 * before it, flushed. */
static void notify_attached(struct rt *rt)
{
	if (!rt->opts->notify_attached)
		return;
	fflush(rt->out);
	fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
	fflush(stdout);
}

/* "Attached N probes" once every probe is attached, as bpftrace v0.26 prints
 * it: on stderr in text (stdout stays the program's output), as the
 * attached_probes record of the output in JSON. */
static void announce(struct rt *rt)
{
	struct sb line;
	int nprobes = (int)(rt->p->probes.len - rt->skipped);

	if (rt->opts->quiet)
		return;
	if (rt->format == OUT_JSON) {
		print_attached(&rt->sb, nprobes, rt->format);
		out_emit(rt);
		return;
	}
	sb_init(&line);
	print_attached(&line, nprobes, rt->format);
	fflush(rt->out);
	fputs(sb_str(&line), stderr);
	fflush(stderr);
	sb_fini(&line);
}


/* Print what BEGIN printed, held in rt->sb while the other probes attached:
 * bpftrace attaches every probe, announces it and only then runs begin, so its
 * output follows the attached line and the notification. */
static void release_held(struct rt *rt)
{
	struct sb held = rt->sb;

	rt->hold = false;
	sb_init(&rt->sb);
	announce(rt);
	notify_attached(rt);
	sb_put(&rt->sb, held.buf ? held.buf : "", held.len);
	sb_fini(&held);
	out_emit(rt);
	fflush(rt->out);
}

/* Slot `slot` of the per-CPU counters map, summed over CPUs. 0 when there is
 * no such slot. */
uint64_t rt_counter(struct rt *rt, uint32_t slot)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	uint64_t *vals, sum = 0;

	if (rt->ctr_fd < 0 || ncpus <= 0)
		return 0;
	vals = xcalloc(ncpus, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(rt->ctr_fd, &slot, vals)) {
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	}
	xfree(vals);
	return sum;
}

/* Write v into counter `slot` of every CPU; 0 or -errno. */
static int set_counter(struct rt *rt, uint32_t slot, uint64_t v, const char *what)
{
	int ncpus = libbpf_num_possible_cpus(), i, err = 0;
	uint64_t *vals;

	if (rt->ctr_fd < 0 || ncpus <= 0)
		return 0;
	vals = xcalloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (i = 0; i < ncpus; i++)
		vals[i] = v;
	if (bpf_map_update_elem(rt->ctr_fd, &slot, vals, BPF_ANY)) {
		err = -errno;
		msg_error("map '%s': cannot set the %s: %s", ABI_COUNTERS_NAME, what,
			  strerror(-err));
	}
	xfree(vals);
	return err;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CLOCK_TAI minus CLOCK_BOOTTIME, for nsecs(sw_tai) on kernels without
 * bpf_ktime_get_tai_ns: the boot clock read on both sides of the TAI read, so the
 * offset is taken at the middle of the window (bpftrace's "vDSO sandwich"). */
static uint64_t tai_offset(void)
{
	uint64_t b0 = clock_ns(CLOCK_BOOTTIME);
	uint64_t tai = clock_ns(CLOCK_TAI);
	uint64_t b1 = clock_ns(CLOCK_BOOTTIME);
	return tai - (b0 + (b1 - b0) / 2);
}

/* The start time for `elapsed` and the TAI offset, in every CPU's slot. */
static int set_start_time(struct rt *rt)
{
	return set_counter(rt, ABI_CTR_START, clock_ns(CLOCK_MONOTONIC), "start time") ?:
	       set_counter(rt, ABI_CTR_TAI_OFFSET, tai_offset(), "TAI offset");
}

/* Warn about maps that refused new keys (full), once each, at exit. bpftrace
 * warns per failed update at run time; we count and say it once. */
static void report_full_maps(struct rt *rt)
{
	for (size_t i = 0; i < rt->p->maps.len; i++) {
		const struct map_def *m = rt->p->maps.items[i];
		uint64_t n = rt_counter(rt, ABI_CTR_MAP_FULL + (uint32_t)i);
		if (!n)
			continue;
		fflush(rt->out);
		/* "Map full; can't update element" is bpftrace's text, which tests match */
		msg_report(MSG_WARNING, m->decl ? "declare the map with more entries" :
			   "raise the limit with BPFTRACE_MAP_KEYS_MAX=N", NULL,
			   "Map full; can't update element: map '%s', %llu update%s failed (%u keys)",
			   m->name, (unsigned long long)n, n == 1 ? "" : "s", m->max_entries);
	}
}

/* Report lost and corrupt records, as bpftrace does ("Lost N events"). */
static void report_losses(struct rt *rt)
{
	uint64_t lost = rt_counter(rt, ABI_CTR_LOST);

	if (lost && rt->format == OUT_JSON)
		sb_printf(&rt->sb, "{\"type\": \"lost_events\", \"data\": {\"events\": %llu}}\n",
			  (unsigned long long)lost);
	else if (lost)
		sb_printf(&rt->sb, "Lost %llu events\n", (unsigned long long)lost);
	out_emit(rt);
	if (rt->unprinted)
		msg_warning("%llu output records not printed: the run was interrupted "
			    "while probes wrote faster than their output could be printed "
			    "(system() does not run after Ctrl-C)",
			    (unsigned long long)rt->unprinted);
	if (rt->corrupt)
		msg_warning("%llu corrupt output records ignored", (unsigned long long)rt->corrupt);
}

/* Print every map the object has, as bpftrace does at exit. */
static int print_all_maps(struct rt *rt)
{
	size_t i, n = rt->p->maps.len;
	struct map_def **defs = xcalloc(n ? n : 1, sizeof(*defs));
	int *fds = xcalloc(n ? n : 1, sizeof(*fds));
	int k = 0, err = defs && fds ? 0 : -ENOMEM;

	for (i = 0; !err && i < n; i++) {
		if (rt->map_fds[i] < 0)
			continue;
		defs[k] = rt->p->maps.items[i];
		fds[k++] = rt->map_fds[i];
	}
	if (!err)	/* even with no maps: it prints bpftrace's blank lines */
		print_maps_at_exit(&rt->sb, defs, fds, k, rt->format);
	out_emit(rt);
	xfree(defs);
	xfree(fds);
	return err;
}

/* After the probes are detached: END, its output, lost records, the maps. */
static int finish(struct rt *rt)
{
	int err;

	rt->ending = true;
	err = out_drain_final(rt);	/* what the probes wrote, then END's */
	err = err ?: rt_run_special(rt, &probe_end);
	err = err ?: out_drain(rt);
	if (!err)
		report_losses(rt);
	if (rt->p->config.print_maps_on_exit)
		err = err ?: print_all_maps(rt);
	fflush(rt->out);
	if (!err)	/* last, where it is seen */
		report_full_maps(rt);
	return err;
}

/* Discard SIGINT/SIGTERM that came after the loop ended, so unblocking them
 * does not kill us after a clean finish. */
static void drain_signals(const sigset_t *set)
{
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(set, NULL, &zero) > 0)
		;
}

/* Give the stack and symbol printers the object, and index the binaries that
 * user probes name, whose build ids their stacks will carry. */
static void stacks_begin(struct rt *rt)
{
	stack_set_object(rt->obj);
	for (size_t i = 0; i < rt->p->probes.len; i++) {
		const struct probe_def *pd = probe_at(rt, i);
		if (pd->family->user && pd->target)
			stack_add_binary(pd->target);
	}
}


/* Whether the program has a probe besides begin/end: without one there is
 * nothing to wait for after begin, and bpftrace (since v0.24) exits at once,
 * running end. A -c command is still waited for. */
static bool waits_for_events(const struct rt *rt)
{
	if (rt->opts->target && rt->opts->target->child)
		return true;
	for (size_t i = 0; i < rt->p->probes.len; i++) {
		const struct probe_def *pd = probe_at(rt, i);
		if (pd->family != &probe_begin && pd->family != &probe_end &&
		    pd->family != &probe_bench)
			return true;
	}
	return false;
}

/* A benchmark runs for this long, or this many times, whichever comes first. */
#define BENCH_NS 100000000ull
#define BENCH_ITERS_MAX 1000000ull

struct bench_result {
	uint64_t avg_ns, iters;
};

/* Run one bench probe again and again (BPF_PROG_TEST_RUN has no repeat count for
 * raw_tp programs, so the loop is ours and the time includes the syscall),
 * draining its output between batches. */
static int bench_one(struct rt *rt, const struct probe_def *pd, struct bench_result *r)
{
	struct bpf_program *prog = prog_of(rt, pd);
	uint64_t start, now, iters = 0;
	if (!prog)
		return -ENOENT;
	start = now = (uint64_t)(log_now_ms() * 1e6);
	while (now - start < BENCH_NS && iters < BENCH_ITERS_MAX) {
		for (int i = 0; i < 1000; i++, iters++) {
			int err = pd->family->run(pd, prog);
			if (err) {
				msg_error("probe '%s': run failed: %s", pd->name, strerror(-err));
				return err;
			}
		}
		int err = out_drain(rt);
		if (err)
			return err;
		now = (uint64_t)(log_now_ms() * 1e6);
	}
	r->iters = iters;
	r->avg_ns = (now - start) / iters;
	return 0;
}

static void bench_print(struct rt *rt, const struct probe_def *pd, const struct bench_result *r)
{
	if (rt->format == OUT_JSON) {
		fprintf(rt->out, "{\"type\": \"benchmark_result\", \"data\": {\"");
		struct sb name;
		sb_init(&name);
		print_json_escape(&name, pd->func, strlen(pd->func));
		fprintf(rt->out, "%s\": {\"average\": %llu, \"iters\": %llu}}}\n", sb_str(&name),
			(unsigned long long)r->avg_ns, (unsigned long long)r->iters);
		sb_fini(&name);
		return;
	}
	fprintf(rt->out, "%-40s %-14llu %llu\n", pd->func, (unsigned long long)r->avg_ns,
		(unsigned long long)r->iters);
}

/* --mode bench: each bench probe in program order, then the table of their
 * average times (bpftrace's layout), or one JSON record each. */
static int run_benches(struct rt *rt)
{
	size_t n = rt->p->probes.len, k = 0;
	struct bench_result *res = xcalloc(n ? n : 1, sizeof(*res));
	int err = res ? 0 : -ENOMEM;
	for (size_t i = 0; i < n && !err; i++)
		if (probe_at(rt, i)->family == &probe_bench)
			err = bench_one(rt, probe_at(rt, i), &res[i]), k++;
	if (!err && k && rt->format != OUT_JSON)
		fprintf(rt->out, "%-40s %-15s%s\n%.66s\n", "Benchmark", "Time(ns)", "Iterations",
			"------------------------------------------------------------------------");
	for (size_t i = 0; i < n && !err; i++)
		if (probe_at(rt, i)->family == &probe_bench)
			bench_print(rt, probe_at(rt, i), &res[i]);
	xfree(res);
	return err;
}

/* Everything between loading and detaching: BEGIN, attach, the event loop. */
static int run_probes(struct rt *rt)
{
	double t0, t1;
	int err = 0;

	rt->hold = true;
	if (!rt->opts->dry_run) {
		err = rt_run_special(rt, &probe_begin);
		err = err ?: out_drain(rt);
	}
	t0 = log_now_ms();
	if (!err && !rt->stop && !rt->opts->bench)
		err = attach_all(rt);
	t1 = log_now_ms();
	size_t nlinks = rt->links.len + rt->links.nfds;
	rt_log(1, "attached %zu probe%s (%zu link%s) in %.1f ms\n", rt->nattached,
	       rt->nattached == 1 ? "" : "s", nlinks, nlinks == 1 ? "" : "s", t1 - t0);
	if (!err)
		release_held(rt);
	rt->hold = false;
	if (!err && !rt->stop && rt->opts->bench) {	/* benchmarks instead of tracing */
		err = run_benches(rt);
		rt->stop = true;
	}
	if (rt->opts->dry_run || !waits_for_events(rt))
		rt->stop = true;
	if (!err && rt->opts->target)
		err = proc_release(rt->opts->target);
	if (!err && !rt->stop)
		err = out_loop(rt);
	rt_stop_probes(rt);	/* the detach goes on while finish() prints */
	return err;
}

int rt_run(struct program *p, const void *obj, size_t obj_size, const struct rt_opts *opts)
{
	struct rt rt = { .p = p, .opts = opts, .epfd = -1, .sigfd = -1, .ctr_fd = -1,
			  .exited_fd = -1 };
	sigset_t block, old;
	int err;

	rt.out = opts->out ? opts->out : stdout;
	rt.format = opts->format;
	rt_verbose = opts->verbose;
	sb_init(&rt.sb);
	sb_init(&rt.tmp);
	rt_loader_log_init();
	raise_memlock();
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	for (size_t i = 0; i < p->probes.len; i++)
		if (((struct probe_def *)p->probes.items[i])->family == &probe_self)
			rt.on_sigusr1 = true;
	if (rt.on_sigusr1)	/* read from the signalfd: runs the self probes */
		sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);

	err = check_privilege();
	err = err ?: set_probe_names(p);
	err = err ?: rt_load(p, obj, obj_size, &rt.obj);
	err = err ?: find_map_fds(&rt);
	err = err ?: set_start_time(&rt);
	if (!err)
		stacks_begin(&rt);
	err = err ?: out_open(&rt);
	err = err ?: stack_watch_pids(rt.rb);
	err = err ?: run_probes(&rt);
	if (!opts->dry_run)
		err = err ?: finish(&rt);

	fflush(rt.out);
	outfd_report(&rt);
	out_disarm_signals(&rt);
	out_close(&rt);
	rt_detach_all(&rt);
	xfree(rt.links.links);
	xfree(rt.links.fds);
	xfree(rt.map_fds);
	stack_fini();
	bpf_object__close(rt.obj);
	sb_fini(&rt.sb);
	sb_fini(&rt.tmp);
	drain_signals(&block);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err == -ENOMEM || xalloc_oom()) {	/* output may be missing */
		msg_oom();
		return 1;
	}
	return err ? 1 : rt.exit_code;
}
