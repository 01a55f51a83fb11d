/* The event loop and the output actions. Probes reserve records in one ring
 * buffer, mostly without waking us (BPF_RB_NO_WAKEUP), so the loop waits on
 * epoll with a short timeout and consumes after every wake-up or timeout. Each
 * record starts with an action id; its handler (a table indexed by action kind)
 * formats the record into rt->sb, which collects the text of a whole batch
 * (up to OUT_CHUNK) and is written with one fwrite and flushed per batch. SIGINT/SIGTERM arrive through a signalfd. */
#include "runtime/output.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lang/abi.h"
#include "probes/family.h"
#include "runtime/fmt.h"
#include "runtime/msg.h"
#include "runtime/outfd.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/runtime_internal.h"
#include "util/alloc.h"

#define POLL_TIMEOUT_MS 100
#define OUT_CHUNK (64 * 1024)	/* write the batch's text once it is this large */
#define STOP_CONSUMING (-ECANCELED)	/* handler result: exit() seen, stop */
#define YIELD (-EAGAIN)	/* handler result: this turn's time is up, more later */
#define TURN_MS 20	/* a consume turn yields to signals and exit() after this */
#define TURN_CHECK 64	/* output-ring records between two looks at the clock */
#define FINAL_DRAIN_MS 400	/* after Ctrl-C: records still printed for this long */

extern char **environ;

void out_emit(struct rt *rt)
{
	if (rt->hold)
		return;
	if (rt->sb.len)
		outfd_write(rt, rt->sb.buf, rt->sb.len);
	sb_reset(&rt->sb);
}

/* Emit text produced by an action: as is, or as {"type": T, "data": "..."}. */
static void emit_text(struct rt *rt, const char *type, const char *text, size_t n)
{
	if (rt->format == OUT_JSON) {
		sb_printf(&rt->sb, "{\"type\": \"%s\", \"data\": ", type);
		sb_putc(&rt->sb, '"');
		print_json_escape(&rt->sb, text, n);
		sb_puts(&rt->sb, "\"}\n");
	} else {
		sb_put(&rt->sb, text, n);
	}
}

/* Format the record's arguments with the action's format into rt->tmp. */
static const char *format_args(struct rt *rt, const struct action *a, const void *rec)
{
	sb_reset(&rt->tmp);
	fmt_print(&rt->tmp, a->fmt, a->args, a->offsets, a->nargs, rec);
	return sb_str(&rt->tmp);
}

static int act_printf(struct rt *rt, const struct action *a, const void *rec)
{
	const char *text = format_args(rt, a, rec);

	if (rt->format == OUT_JSON)
		print_json_printf(&rt->sb, text);
	else
		sb_puts(&rt->sb, text);
	return 0;
}

/* errorf/warnf: the formatted text as a located message at the call, through
 * the error sink (so --no-warnings and -f json apply); program output printed
 * before it goes out first. */
static int act_located(struct rt *rt, const struct action *a, const void *rec)
{
	const char *text = format_args(rt, a, rec);
	size_t n = strlen(text);

	while (n && text[n - 1] == '\n')	/* the message is one line already */
		n--;
	out_emit(rt);
	fflush(rt->out);
	msg_located_from(a->kind == ACT_ERRORF ? MSG_ERROR : MSG_WARNING, &a->site->loc,
			 a->expanded, a->nexpanded, rt->p->src, "%.*s", (int)n, text);
	return 0;
}

static int act_exit(struct rt *rt, const struct action *a, const void *rec)
{
	int64_t code;

	(void)a;
	if (rt->ending || rt->exit_seen)
		return 0;
	memcpy(&code, (const char *)rec + 8, sizeof(code));
	rt->exit_seen = true;
	rt->exit_code = code & 0xff;
	rt->stop = true;
	return STOP_CONSUMING;
}

static int act_time(struct rt *rt, const struct action *a, const void *rec)
{
	char buf[512];
	time_t now = time(NULL);
	struct tm tm;
	size_t n;

	(void)rec;
	localtime_r(&now, &tm);
	/* The format is the program's, checked by sema. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(buf, sizeof(buf), a->fmt ? a->fmt : "%H:%M:%S\n", &tm);
#pragma GCC diagnostic pop
	emit_text(rt, "time", buf, n);
	return 0;
}

/* Read the command's output into out until it closes its end and exits. A
 * SIGINT/SIGTERM meanwhile interrupts the run: the command's process group is
 * killed rather than waited for (it may never exit). -EINTR then, else 0. */
static int collect_command(struct rt *rt, pid_t pid, int rfd, struct sb *out)
{
	int pidfd = proc_pidfd_open(pid), status, err = 0;
	bool reading = true, exited = pidfd < 0;	/* no pidfd: waitpid below */
	char buf[4096];

	while (reading || !exited) {
		struct pollfd p[3] = { { reading ? rfd : -1, POLLIN, 0 }, { exited ? -1 : pidfd, POLLIN, 0 },
				       { rt->sigfd, POLLIN, 0 } };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[2].revents & POLLIN) {
			out_take_signal(rt);
			if (rt->interrupted) {
				kill(-pid, SIGKILL);
				err = -EINTR;
				break;
			}
		}
		if (p[1].revents & POLLIN)
			exited = true;
		if (p[0].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(rfd, buf, sizeof(buf));
			if (n > 0)
				sb_put(out, buf, (size_t)n);
			else if (n == 0 || errno != EINTR)
				reading = false;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	waitpid(pid, &status, 0);
	return err;
}

/* Run cmd with sh -c, its stdout captured into out. Signals we block (SIGINT,
 * SIGTERM) are unblocked in the child, which leads a process group of its
 * own, so that all of it can be killed if the run is interrupted while it
 * runs. 0 or -errno (-EINTR: interrupted, the command killed). */
static int run_command(struct rt *rt, const char *cmd, struct sb *out)
{
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int fds[2], err;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setpgroup(&attr, 0);
	err = -posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fds[1]);
	if (!err)
		err = collect_command(rt, pid, fds[0], out);
	close(fds[0]);
	return err;
}

static int act_system(struct rt *rt, const struct action *a, const void *rec)
{
	struct sb res;
	int err;

	if (!rt->p->unsafe)	/* sema refuses system() without --unsafe */
		return 0;
	if (rt->interrupted) {	/* no new commands after Ctrl-C */
		rt->unprinted++;
		return 0;
	}
	format_args(rt, a, rec);
	sb_init(&res);
	err = run_command(rt, sb_str(&rt->tmp), &res);
	if (err == -EINTR) {	/* Ctrl-C while it ran: killed, not printed */
		rt->unprinted++;
	} else if (err) {
		out_emit(rt);
		fflush(rt->out);	/* keep stdout and stderr in order on a terminal */
		msg_error("system(\"%s\"): %s", sb_str(&rt->tmp), strerror(-err));
	} else {
		emit_text(rt, "syscall", sb_str(&res), res.len);
	}
	sb_fini(&res);
	return 0;
}

static int act_cat(struct rt *rt, const struct action *a, const void *rec)
{
	const char *path = format_args(rt, a, rec);
	FILE *f = fopen(path, "r");
	struct sb text;
	char buf[4096];
	size_t n;

	if (!f) {
		out_emit(rt);
		fflush(rt->out);	/* keep stdout and stderr in order on a terminal */
		msg_error("failed to open file '%s' (%s)", path, strerror(errno));
		return 0;
	}
	sb_init(&text);
	/* at most max_cat_bytes, as bpftrace (BPFTRACE_MAX_CAT_BYTES) */
	size_t left = rt->p->config.max_cat_bytes;
	while (left && (n = fread(buf, 1, left < sizeof(buf) ? left : sizeof(buf), f)) > 0) {
		sb_put(&text, buf, n);
		left -= n;
	}
	fclose(f);
	emit_text(rt, "cat", sb_str(&text), text.len);
	sb_fini(&text);
	return 0;
}

/* join(): the strings the probe copied, up to the first empty one, with the
 * delimiter between them. */
static int act_join(struct rt *rt, const struct action *a, const void *rec)
{
	const char *base = (const char *)rec + 8;
	sb_reset(&rt->tmp);
	for (int i = 0; i < JOIN_MAX_ARGS; i++) {
		const char *arg = base + i * JOIN_ARG_SIZE;
		size_t len = strnlen(arg, JOIN_ARG_SIZE);
		if (!len)
			break;
		if (i)
			sb_puts(&rt->tmp, a->fmt);
		sb_put(&rt->tmp, arg, len);
	}
	if (rt->format != OUT_JSON)
		sb_putc(&rt->tmp, '\n');
	emit_text(rt, "join", sb_str(&rt->tmp), rt->tmp.len);
	return 0;
}

static int act_print_map(struct rt *rt, const struct action *a, const void *rec)
{
	uint64_t top, div;
	int fd = rt->map_fds[a->map->id];

	memcpy(&top, (const char *)rec + 8, sizeof(top));
	memcpy(&div, (const char *)rec + 16, sizeof(div));
	if (fd >= 0)
		print_map(&rt->sb, a->map, fd, rt->format, top, div);
	return 0;
}

static int act_print_value(struct rt *rt, const struct action *a, const void *rec)
{
	print_value_message(&rt->sb, a->args[0], (const char *)rec + a->offsets[0],
			    rt->format);
	return 0;
}

/* Bytes of one BPF map value as user space sees it (all CPUs for per-CPU maps). */
static size_t map_value_bytes(const struct map_def *m)
{
	size_t one = (m->value_size + 7) & ~(size_t)7;
	int ncpus = libbpf_num_possible_cpus();

	return m->percpu && ncpus > 0 ? one * ncpus : m->value_size;
}

static bool map_is_array(const struct map_def *m)
{
	return m->bpf_type == BPF_MAP_TYPE_ARRAY || m->bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* The keys of the map now, at most max_entries of them (a snapshot: probes may
 * add and delete keys meanwhile, even because of these very syscalls, and the
 * walk restarts when its key vanishes; the bound ends it). *keys (key_size
 * each) is the caller's to free. The number of keys or -errno. */
static long map_snapshot_keys(const struct map_def *m, int fd, uint8_t **keys)
{
	size_t cap = map_capacity(m, fd), n = 0, ks = m->key_size;
	uint8_t *k = xcalloc(cap + 1, ks ? ks : 1);
	long err = 0;

	*keys = k;
	if (!k)
		return -ENOMEM;
	while (n < cap && !bpf_map_get_next_key(fd, n ? k + (n - 1) * ks : NULL, k + n * ks))
		n++;
	if (n < cap && errno != ENOENT)
		err = -errno;
	return err ? err : (long)n;
}

/* Set every value the map has now to zero; 0 or -errno. */
static int map_zero(const struct map_def *m, int fd)
{
	void *zero = xcalloc(1, map_value_bytes(m));
	uint8_t *keys = NULL;
	long n = zero ? map_snapshot_keys(m, fd, &keys) : -ENOMEM;
	int err = n < 0 ? (int)n : 0;

	for (long i = 0; !err && i < n; i++)
		if (bpf_map_update_elem(fd, keys + i * m->key_size, zero, BPF_EXIST) &&
		    errno != ENOENT)
			err = -errno;
	xfree(keys);
	xfree(zero);
	return err;
}

/* Delete every key the map has now (arrays cannot lose keys: zero them); keys
 * the probes add meanwhile stay. 0 or -errno. */
static int map_clear(const struct map_def *m, int fd)
{
	uint8_t *keys = NULL;
	long n;
	int err;

	if (map_is_array(m))
		return map_zero(m, fd);
	n = map_snapshot_keys(m, fd, &keys);
	err = n < 0 ? (int)n : 0;
	for (long i = 0; !err && i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * m->key_size) && errno != ENOENT)
			err = -errno;
	xfree(keys);
	return err;
}

static int act_map_op(struct rt *rt, const struct action *a, const void *rec)
{
	int fd = rt->map_fds[a->map->id], err;

	(void)rec;
	if (fd < 0)
		return 0;
	err = a->kind == ACT_CLEAR ? map_clear(a->map, fd) : map_zero(a->map, fd);
	if (err)
		msg_error("map '%s': %s failed: %s", a->map->name,
			  a->kind == ACT_CLEAR ? "clear" : "zero", strerror(-err));
	return 0;
}

typedef int (*act_fn)(struct rt *rt, const struct action *a, const void *rec);

static const act_fn act_table[] = {	/* sized by its last row: the assert can fail */
	[ACT_PRINTF] = act_printf,
	[ACT_EXIT] = act_exit,
	[ACT_TIME] = act_time,
	[ACT_SYSTEM] = act_system,
	[ACT_CAT] = act_cat,
	[ACT_PRINT_MAP] = act_print_map,
	[ACT_PRINT_VALUE] = act_print_value,
	[ACT_CLEAR] = act_map_op,
	[ACT_ZERO] = act_map_op,
	[ACT_JOIN] = act_join,
	[ACT_ERRORF] = act_located,
	[ACT_WARNF] = act_located,
};
_Static_assert(sizeof(act_table) / sizeof(act_table[0]) == ACT_KIND_COUNT,
	       "act_table must cover every action kind");

/* Dispatch one record on its action id; the handler's result. */
static int dispatch(struct rt *rt, const void *data, size_t size)
{
	const struct action *a;
	uint64_t id;
	int ret;

	if (rt->discarding) {	/* after exit(): skip; interrupted, out of time: count */
		rt->unprinted += !rt->exit_seen;
		return 0;
	}
	if (size < sizeof(id))
		goto corrupt;
	memcpy(&id, data, sizeof(id));
	if (id >= rt->p->actions.len)
		goto corrupt;
	a = rt->p->actions.items[id];
	if (size < a->size || !act_table[a->kind])
		goto corrupt;
	ret = act_table[a->kind](rt, a, data);
	if (rt->sb.len >= OUT_CHUNK)	/* else it goes out with the batch */
		out_emit(rt);
	return ret;
corrupt:
	rt->corrupt++;
	return 0;
}

/* Probes may write faster than records are printed: libbpf's consume then
 * never returns. Yield now and then so that Ctrl-C, SIGTERM and exit() are
 * seen within a turn (the record is consumed: libbpf commits it). The clock
 * is read every `every` records: printf records are cheap, but one print()
 * of a large map can take milliseconds. */
static int turn_over(struct rt *rt, int ret, unsigned every)
{
	if (!ret && (!rt->ending || rt->interrupted) && ++rt->turn_records % every == 0 &&
	    log_now_ms() - rt->turn_start > TURN_MS) {
		rt->yielded = true;
		return YIELD;
	}
	return ret;
}

/* A control record read before the output ring reached its tag. */
struct pending {
	uint64_t tag;		/* output ring position it follows */
	size_t size;		/* bytes of data */
	unsigned char data[];	/* the record, from its action id on */
};

/* Handle the queued control records, in order, whose tag the output ring has
 * been read up to; the first non-zero handler result (exit). */
static int flush_pending(struct rt *rt, uint64_t upto)
{
	int ret = 0;

	while (!ret && rt->pending_head < rt->pending.len) {
		struct pending *e = rt->pending.items[rt->pending_head];
		if (e->tag > upto)
			break;
		rt->pending.items[rt->pending_head++] = NULL;
		ret = dispatch(rt, e->data, e->size);
		xfree(e);
	}
	if (rt->pending_head == rt->pending.len)
		rt->pending.len = rt->pending_head = 0;
	return ret;
}

/* ring_buffer callback of the control ring: handle the record now when the
 * output ring has been read up to its tag and nothing waits before it, else
 * queue a copy for flush_pending. */
static int on_control(void *ctx, void *data, size_t size)
{
	struct rt *rt = ctx;
	struct pending *e;
	uint64_t tag;

	if (size < sizeof(tag)) {
		rt->corrupt++;
		return 0;
	}
	memcpy(&tag, data, sizeof(tag));
	if (rt->pending_head == rt->pending.len && tag <= rt->out_pos)
		return turn_over(rt, dispatch(rt, (char *)data + 8, size - 8), 1);
	e = xrealloc(NULL, sizeof(*e) + size - 8);
	if (!e || vec_push(&rt->pending, e)) {
		xfree(e);
		return -ENOMEM;
	}
	e->tag = tag;
	e->size = size - 8;
	memcpy(e->data, (char *)data + 8, size - 8);
	return 0;
}

/* ring_buffer callback of the output ring: the control records due before
 * this one, then this one. A record takes its size plus the ring's 8-byte
 * header, rounded up to 8, which is how the kernel advances its positions. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct rt *rt = ctx;
	uint64_t start = rt->out_pos;
	int ret;

	rt->out_pos += (size + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;
	ret = flush_pending(rt, start);
	return ret ? ret : turn_over(rt, dispatch(rt, data, size), TURN_CHECK);
}

/* Consume what is in the ring buffer now; 0 or -errno (exit() is not an error). */
static int consume(struct rt *rt)
{
	rt->turn_start = log_now_ms();
	rt->turn_records = 0;
	rt->yielded = false;
	int n = ring_buffer__consume(rt->rb);

	if (n >= 0 || n == YIELD) {	/* what the output ring has caught up with */
		int r = flush_pending(rt, rt->out_pos);
		n = r ? r : n;
	}
	out_emit(rt);	/* one write per batch */
	fflush(rt->out);
	if (n < 0 && n != STOP_CONSUMING && n != YIELD) {
		msg_error("reading the ring buffer: %s", strerror(-n));
		return n;
	}
	return 0;
}

int out_drain(struct rt *rt)
{
	return consume(rt);
}

int out_drain_final(struct rt *rt)
{
	double deadline = log_now_ms() + FINAL_DRAIN_MS;
	int err;

	if (!rt->exit_seen) {
		do {
			err = consume(rt);
		} while (!err && rt->yielded && log_now_ms() < deadline);
		if (err)
			return err;
		if (!rt->yielded) {	/* all read: what still waits is due */
			err = flush_pending(rt, UINT64_MAX);
			out_emit(rt);
			return err == STOP_CONSUMING ? 0 : err;
		}
	}
	/* after exit() what probes wrote is not shown; after Ctrl-C the run
	 * must end in time: the rest is counted */
	rt->discarding = true;
	err = consume(rt);
	flush_pending(rt, UINT64_MAX);
	rt->discarding = false;
	return err;
}

/* A second SIGINT/SIGTERM: the user does not want to wait for the rest of the
 * output or the maps. Only async-signal-safe calls. */
static void on_second_signal(int sig)
{
	static const char msg[] = "\nInterrupted again: exiting now, without the rest of the "
				  "output and the maps\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(128 + sig);
}

/* After the first SIGINT/SIGTERM: the next one ends the process at once, even
 * in the middle of printing. The links are fd-owned: the kernel detaches
 * them when we exit, and the -c child dies with us (PR_SET_PDEATHSIG). */
static void arm_second_signal(struct rt *rt)
{
	struct sigaction sa = { .sa_handler = on_second_signal };
	sigset_t set;

	if (rt->second_armed)
		return;
	rt->second_armed = true;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

void out_disarm_signals(struct rt *rt)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t set;

	if (!rt->second_armed)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);	/* rt_run restores the caller's mask */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rt->second_armed = false;
}

int out_take_signal(struct rt *rt)
{
	struct signalfd_siginfo si;

	if (rt->sigfd < 0 || read(rt->sigfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	if (si.ssi_signo == SIGUSR1)
		return rt_run_special(rt, &probe_self);
	rt->stop = true;
	rt->interrupted = true;
	arm_second_signal(rt);
	return 0;
}

/* An exit() ran (its code is in the exited flag) but its record has not been
 * read yet: the probes may be writing faster than the output is printed. Stop
 * them now, so nothing runs long after exit(), then read on up to the record.
 * When both rings are empty without it, the record was lost (the control ring
 * full): end with the code from the flag. */
static void check_exit(struct rt *rt)
{
	uint32_t key = 0;
	uint64_t v = 0;

	if (rt->exit_seen || rt->exited_fd < 0 ||
	    bpf_map_lookup_elem(rt->exited_fd, &key, &v) || !(v & ABI_EXITED_EXIT))
		return;
	if (!rt->exit_detached) {
		rt_detach_begin(rt);	/* the guard stopped the probes already */
		rt->exit_detached = true;
		return;
	}
	if (rt->yielded || rt->pending_head < rt->pending.len)
		return;
	rt->exit_seen = true;
	rt->exit_code = (int)(v & 0xff);
	rt->stop = true;
}

int out_loop(struct rt *rt)
{
	struct epoll_event ev[4];
	int n, i, err = 0;

	while (!rt->stop && !err) {
		n = epoll_wait(rt->epfd, ev, 4, POLL_TIMEOUT_MS);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == rt->sigfd)
				err = out_take_signal(rt);
			else if (rt->opts->target && ev[i].data.fd == rt->opts->target->pidfd)
				rt->stop = true;	/* the -c/-p process exited */
		}
		err = err ?: consume(rt);
		if (!err && xalloc_oom())	/* output was lost: end, said by rt_run */
			err = -ENOMEM;
		if (!rt->stop && !err)
			check_exit(rt);
	}
	return err;
}

int out_open(struct rt *rt)
{
	struct bpf_map *m = bpf_object__find_map_by_name(rt->obj, ABI_RINGBUF_NAME);
	struct bpf_map *ctl = bpf_object__find_map_by_name(rt->obj, ABI_CTLBUF_NAME);
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;
	int err;

	rt->epfd = rt->sigfd = -1;
	if (!m) {
		msg_error("map '%s': not in the object", ABI_RINGBUF_NAME);
		return -ENOENT;
	}
	/* the control ring first: consume reads it, queueing what must wait,
	 * then the output ring, handling the queued records as it catches up */
	if (ctl) {
		rt->rb = ring_buffer__new(bpf_map__fd(ctl), on_control, rt, NULL);
		if (rt->rb && ring_buffer__add(rt->rb, bpf_map__fd(m), on_record, rt))
			goto fail;
	} else {
		rt->rb = ring_buffer__new(bpf_map__fd(m), on_record, rt, NULL);
	}
	if (!rt->rb)
		goto fail;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (rt->on_sigusr1)
		sigaddset(&set, SIGUSR1);
	rt->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	rt->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rt->sigfd < 0 || rt->epfd < 0)
		goto fail;
	ev.data.fd = rt->sigfd;
	if (epoll_ctl(rt->epfd, EPOLL_CTL_ADD, rt->sigfd, &ev))
		goto fail;
	ev.data.fd = rt->opts->target ? rt->opts->target->pidfd : -1;
	if (ev.data.fd >= 0 && epoll_ctl(rt->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		goto fail;
	ev.data.fd = ring_buffer__epoll_fd(rt->rb);
	if (epoll_ctl(rt->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
		goto fail;
	return 0;
fail:
	err = -errno;
	msg_error("cannot poll the output ring buffers and signals: %s", strerror(-err));
	return err;
}

void out_close(struct rt *rt)
{
	for (size_t i = rt->pending_head; i < rt->pending.len; i++)
		xfree(rt->pending.items[i]);
	vec_fini(&rt->pending);
	rt->pending_head = 0;
	ring_buffer__free(rt->rb);
	rt->rb = NULL;
	if (rt->epfd >= 0)
		close(rt->epfd);
	if (rt->sigfd >= 0)
		close(rt->sigfd);
	rt->epfd = rt->sigfd = -1;
}
