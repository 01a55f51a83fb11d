/* Test target for threadsnoop (built by tests/runtime/run.sh into
 * /tmp/bpfline-progs/threads_test).
 *
 *   threads_test [N]   start N threads (default 2) at bpfl_worker, join them */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void *bpfl_worker(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2;
	for (int i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, bpfl_worker, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
		pthread_join(t, NULL);
	}
	return 0;
}
