/* Test target for DWARF cases (built by tests/runtime/run.sh, with -g, into
 * /tmp/bpfline-progs/dwarf_test): a function whose parameters and struct the
 * tracer reads from the binary's debug information.
 *
 *   dwarf_test [N] [MS]   N calls (default 20), MS milliseconds apart */
#include <stdlib.h>
#include <time.h>

struct bpfl_point {
	int x;
	char name[8];
	int v[3];
};

__attribute__((noinline)) int bpfl_touch(struct bpfl_point *p, char tag, long n)
{
	__asm__ volatile("" ::: "memory");
	return p->x + tag + (int)n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20, ms = argc > 2 ? atoi(argv[2]) : 100;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	struct bpfl_point pt = { 7, "pt", { 1, 2, 3 } };
	int sum = 0;

	for (int i = 0; i < n; i++) {
		sum += bpfl_touch(&pt, 'q', -5 - i);
		nanosleep(&ts, NULL);
	}
	return sum == -1;
}
