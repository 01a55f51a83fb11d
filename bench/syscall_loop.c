/* Calls one system call N times and prints the CPU time it took per call, in
 * nanoseconds (this thread's CPU clock: the kernel's work for the call, BPF
 * programs included, and none of the time other processes take the CPU).
 *   syscall_loop NR [N]     (N default 1,000,000; e.g. 110 = getppid, 39 = getpid)
 * Used by bench/percall.sh. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s NR [N]\n", argv[0]);
		return 2;
	}
	long nr = atol(argv[1]), n = argc > 2 ? atol(argv[2]) : 1000000;
	double t0 = cpu_ns();
	for (long i = 0; i < n; i++)
		syscall(nr);
	printf("%.1f\n", (cpu_ns() - t0) / (double)n);
	return 0;
}
