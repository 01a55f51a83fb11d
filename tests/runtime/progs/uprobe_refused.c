/* uprobe targets the kernel refuses, among ones it accepts: refused_lock
 * starts with a LOCK-prefixed instruction (bpfline leaves it out before
 * attaching), refused_06 with byte 0x06, no instruction in 64-bit mode, which
 * bpfline does not check but the kernel refuses once the process runs:
 * bpfline finds it by splitting the uprobe_multi link.
 * main calls the accepted ones argv[1] times, sleeping argv[2] microseconds
 * between calls. */
#include <stdlib.h>
#include <unistd.h>

int counter;

__attribute__((noinline)) int accepted_one(int x) { return x + counter; }
__attribute__((noinline)) int accepted_two(int x) { return x * 2 + counter; }

__asm__(".text\n"
	".globl refused_lock\n.type refused_lock,@function\n"
	"refused_lock:\n\tlock incl counter(%rip)\n\tret\n"
	".size refused_lock, .-refused_lock\n"
	".globl refused_06\n.type refused_06,@function\n"
	"refused_06:\n\t.byte 0x06\n\tret\n"
	".size refused_06, .-refused_06\n");

void refused_lock(void);
void refused_06(void);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, s = 0;
	useconds_t pause = argc > 2 ? (useconds_t)atoi(argv[2]) : 0;

	for (int i = 0; i < n; i++) {
		s += accepted_one(i) + accepted_two(i);
		if (pause)
			usleep(pause);
	}
	if (n < 0) {		/* never: keeps the refused functions linked */
		refused_lock();
		refused_06();
	}
	return s == -1;
}
