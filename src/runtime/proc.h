/* The process a run targets: -c CMD (a child we start, held before exec until
 * the probes are attached) or -p PID (a running process). Either way a pidfd
 * tells the event loop when it exits, which ends the run. */
#ifndef BPFL_PROC_H
#define BPFL_PROC_H

#include <stdbool.h>

struct proc_target {
	int pid;		/* 0: no target */
	int pidfd;		/* pidfd_open(pid), -1 if none */
	int go_fd;		/* -c: the pipe the held child waits on, -1 once released */
	bool child;		/* started by us (-c) */
	char *path;		/* its executable (resolved through PATH for -c) */
};

/* -c: split cmd into words (shell quoting, no substitution), fork a child that
 * waits for proc_release and then execs them. 0 or -errno, reported. */
/* A pidfd of process pid (pidfd_open(2)), or -errno: readable once it exits. */
int proc_pidfd_open(int pid);

int proc_spawn(const char *cmd, struct proc_target *t);

/* -p: target the running process pid. 0 or -errno (ESRCH), reported. */
int proc_open(int pid, struct proc_target *t);

/* Let the held child exec its command (no-op for -p). 0 or -errno. */
int proc_release(struct proc_target *t);

/* Release resources; a -c child that still runs is killed (SIGTERM) and
 * reaped, as bpftrace does when it ends first. */
void proc_close(struct proc_target *t);


#endif
