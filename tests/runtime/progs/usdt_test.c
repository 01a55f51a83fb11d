/* Test target for uprobe, uretprobe and usdt runtime cases (built by
 * tests/runtime/run.sh into /tmp/bpfline-progs/usdt_test, a PIE binary).
 *
 *   usdt_test [N] [MS]   N iterations (default 20), MS milliseconds apart
 *
 * Each iteration fires usdt bpfltest:hello(i, "hi", -5), calls the
 * out-of-line bpfl_add(i, 100) (uprobe/uretprobe target) and, only while the
 * semaphore of bpfltest:guarded is set (a tracer is attached), fires
 * bpfltest:guarded(1000 + i) and prints "guarded on" once. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

unsigned short bpfltest_hello_semaphore __attribute__((section(".probes")));
unsigned short bpfltest_guarded_semaphore __attribute__((section(".probes")));

__attribute__((noinline)) int bpfl_add(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20, ms = argc > 2 ? atoi(argv[2]) : 100;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	volatile long neg = -5;
	int said = 0, sum = 0;

	for (int i = 0; i < n; i++) {
		STAP_PROBE3(bpfltest, hello, i, "hi", neg);
		sum += bpfl_add(i, 100);
		if (bpfltest_guarded_semaphore) {
			STAP_PROBE1(bpfltest, guarded, 1000 + i);
			if (!said++) {
				printf("guarded on\n");
				fflush(stdout);
			}
		}
		nanosleep(&ts, NULL);
	}
	return sum == -1;
}
