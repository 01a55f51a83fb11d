/* -c and -p (see proc.h). The -c child is forked before compiling, so its pid
 * is known to codegen (`cpid` is a constant, uprobes filter on it), and held on
 * a pipe until every probe is attached: nothing it does is missed. If bpfline
 * dies first, the pipe closes and the child exits without running CMD. */
#include "runtime/proc.h"
#include "kernel/uelf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/msg.h"
#include "util/alloc.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

int proc_pidfd_open(int pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

static int open_pidfd(struct proc_target *t)
{
	t->pidfd = proc_pidfd_open(t->pid);
	return t->pidfd < 0 ? t->pidfd : 0;
}

/* In the child: wait for the go byte, then exec. Never returns. The child is
 * killed when bpfline dies, however it dies (PR_SET_PDEATHSIG survives exec;
 * the getppid check covers a bpfline that died before the prctl). */
static void child_run(int rfd, char **argv, pid_t parent)
{
	char c;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(127);
	if (read(rfd, &c, 1) != 1)
		_exit(127);	/* bpfline ended before the probes were attached */
	close(rfd);
	execvp(argv[0], argv);
	msg_error("cannot run '%s': %s", argv[0], strerror(errno));
	_exit(127);
}

/* cmd split at spaces and tabs into a NULL-terminated argv (one allocation
 * holding the pointers and the words): 0, -EINVAL when it has no word or
 * -ENOMEM. No quoting, no expansion: as bpftrace, `-c "echo 'A'"` passes 'A'
 * with its quotes. */
static int split_words(const char *cmd, char ***out)
{
	size_t len = strlen(cmd), n = 0;
	char **argv = xcalloc(1, (len / 2 + 2) * sizeof(char *) + len + 1);
	char *w, *save = NULL;

	if (!argv)
		return -ENOMEM;
	w = memcpy((char *)(argv + len / 2 + 2), cmd, len + 1);
	for (w = strtok_r(w, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	if (!n) {
		xfree(argv);
		return -EINVAL;
	}
	*out = argv;
	return 0;
}

int proc_spawn(const char *cmd, struct proc_target *t)
{
	char **argv;
	int fds[2], err;

	memset(t, 0, sizeof(*t));
	t->pidfd = t->go_fd = -1;
	err = split_words(cmd, &argv);
	if (err) {	/* out of memory: said by the driver */
		if (err == -EINVAL)
			msg_error("-c '%s': no command to run", cmd);
		return err;
	}
	t->path = uelf_which(argv[0]);
	if (!t->path) {
		msg_error("-c '%s': command not found: %s", cmd, argv[0]);
		xfree(argv);
		return -ENOENT;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		err = -errno;
		xfree(argv);
		return err;
	}
	fflush(NULL);
	pid_t parent = getpid();
	t->pid = fork();
	if (t->pid == 0) {
		close(fds[1]);
		child_run(fds[0], argv, parent);
	}
	err = t->pid < 0 ? -errno : 0;
	close(fds[0]);
	xfree(argv);
	if (err) {
		close(fds[1]);
		t->pid = 0;
		msg_error("-c: fork failed: %s", strerror(-err));
		return err;
	}
	t->child = true;
	t->go_fd = fds[1];
	return open_pidfd(t);
}

int proc_open(int pid, struct proc_target *t)
{
	char exe[64];

	memset(t, 0, sizeof(*t));
	t->pidfd = t->go_fd = -1;
	t->pid = pid;
	if (pid <= 0 || open_pidfd(t)) {
		int err = pid <= 0 ? -EINVAL : -errno;
		msg_error("-p %d: no such process (%s)", pid, strerror(-err));
		t->pid = 0;
		return err;
	}
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	t->path = realpath(exe, NULL);
	return 0;
}

int proc_release(struct proc_target *t)
{
	int err = 0;

	if (t->go_fd < 0)
		return 0;
	if (write(t->go_fd, "g", 1) != 1)
		err = -errno;
	close(t->go_fd);
	t->go_fd = -1;
	return err;
}

#define CHILD_TERM_MS 1000	/* a -c child gets this long to exit after SIGTERM */

/* End the -c child: SIGTERM, then SIGKILL if it is still there after
 * CHILD_TERM_MS (it may ignore SIGTERM), and reap it. */
static void end_child(struct proc_target *t)
{
	if (waitpid(t->pid, NULL, WNOHANG) != 0)
		return;	/* reaped now, or not ours any more */
	kill(t->pid, SIGTERM);
	struct pollfd p = { t->pidfd, POLLIN, 0 };
	if (t->pidfd < 0 || poll(&p, 1, CHILD_TERM_MS) <= 0)
		kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
}

void proc_close(struct proc_target *t)
{
	if (t->go_fd >= 0)
		close(t->go_fd);	/* the held child exits on EOF */
	if (t->child && t->pid > 0)
		end_child(t);
	if (t->pidfd >= 0)
		close(t->pidfd);
	free(t->path);
	memset(t, 0, sizeof(*t));
	t->pidfd = t->go_fd = -1;
}
