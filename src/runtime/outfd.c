/* Writing the program's output without losing control of the run. Standard
 * output may be a pipe nobody reads (`bpfline ... | sleep 30`) or a terminal
 * stopped with Ctrl-S: a plain blocking write() would then hold the loop, with
 * SIGINT and SIGTERM blocked for the signalfd, forever. So every write to a
 * pipe, socket or terminal is non-blocking (RWF_NOWAIT, or poll + at most
 * PIPE_BUF bytes where the kernel lacks it), and waiting for room also waits
 * for a signal. Once the run is interrupted, output that cannot be written
 * for OUT_STALL_MS is dropped, counted and reported, so Ctrl-C always ends
 * the run in time. Regular files never stall and get plain writes. */
#include "runtime/outfd.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/msg.h"
#include "runtime/output.h"
#include "runtime/runtime_internal.h"

#define OUT_STALL_MS 200	/* after Ctrl-C: how long a stalled output is waited for */

/* How the output fd is written, decided at its first write. */
static int fd_mode(int fd)
{
	struct stat st;

	if (fstat(fd, &st) || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))
		return OUTFD_PLAIN;
	return OUTFD_NOWAIT;
}

/* Write some of buf without blocking: the bytes written, or -1 with errno
 * (EAGAIN when there is no room now). */
static ssize_t write_some(struct rt *rt, int fd, const char *buf, size_t n)
{
	struct pollfd p = { fd, POLLOUT, 0 };

	if (rt->outfd_mode == OUTFD_PLAIN)
		return write(fd, buf, n);
	if (rt->outfd_mode == OUTFD_NOWAIT) {
		struct iovec iov = { (void *)buf, n };
		ssize_t w = pwritev2(fd, &iov, 1, -1, RWF_NOWAIT);
		if (w >= 0 || errno != EOPNOTSUPP)
			return w;
		rt->outfd_mode = OUTFD_POLL;	/* this fd or kernel has no RWF_NOWAIT */
	}
	if (poll(&p, 1, 0) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	return write(fd, buf, n < PIPE_BUF ? n : PIPE_BUF);	/* fits: never blocks */
}

/* Wait until fd has room or, once the run is interrupted, OUT_STALL_MS pass;
 * a signal meanwhile is taken (it interrupts the run). 0, or -errno: -ETIMEDOUT
 * for a stalled output, -EPIPE when the reader is gone. */
static int wait_room(struct rt *rt, int fd)
{
	for (;;) {
		struct pollfd p[2] = { { fd, POLLOUT, 0 }, { rt->sigfd, POLLIN, 0 } };
		int r = poll(p, rt->sigfd >= 0 ? 2 : 1, rt->interrupted ? OUT_STALL_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		if (p[1].revents & POLLIN) {
			out_take_signal(rt);
			continue;
		}
		if (p[0].revents & POLLOUT)
			return 0;
		return -EPIPE;	/* POLLERR, POLLHUP */
	}
}

void outfd_write(struct rt *rt, const char *buf, size_t n)
{
	int fd = fileno(rt->out), err = 0;

	if (rt->outfd_err) {	/* stalled or broken before: drop */
		rt->outfd_dropped += n;
		return;
	}
	fflush(rt->out);	/* what went through stdio first */
	if (!rt->outfd_mode)
		rt->outfd_mode = fd_mode(fd);
	while (n && !err) {
		ssize_t w = write_some(rt, fd, buf, n);
		if (w > 0) {
			buf += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			err = wait_room(rt, fd);
		} else if (w < 0 && errno != EINTR) {
			err = -errno;
		}
	}
	if (err) {
		rt->outfd_err = err;
		rt->outfd_dropped += n;
	}
}

void outfd_report(struct rt *rt)
{
	if (!rt->outfd_dropped)
		return;
	if (rt->outfd_err == -ETIMEDOUT)
		msg_report(MSG_WARNING, "the reader of the output (a pipe?) stopped reading", NULL,
			   "%llu bytes of output dropped: it accepted nothing for %d ms "
			   "after the run was interrupted", (unsigned long long)rt->outfd_dropped,
			   OUT_STALL_MS);
	else
		msg_warning("%llu bytes of output dropped: writing it failed: %s",
			    (unsigned long long)rt->outfd_dropped, strerror(-rt->outfd_err));
}
