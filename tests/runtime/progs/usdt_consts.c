/* Test target for usdt constant operands (built by tests/runtime/run.sh into
 * /tmp/bpfline-progs/usdt_consts): the compiler passes these arguments as
 * immediates (`4@$-202182160`), which the tracer must read at the operand's
 * size and sign.
 *
 *   usdt_consts [N] [MS]   N rounds (default 20), MS milliseconds apart */
#include <stdint.h>
#include <stdlib.h>
#include <sys/sdt.h>
#include <time.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20, ms = argc > 2 ? atoi(argv[2]) : 100;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	for (int i = 0; i < n; i++) {
		STAP_PROBE1(bpflconst, u32, (uint32_t)0xf3f3f3f0u);
		STAP_PROBE1(bpflconst, s16, (int16_t)-3600);
		STAP_PROBE1(bpflconst, u8, (uint8_t)240);
		nanosleep(&ts, NULL);
	}
	return 0;
}
