/* A target for syscall tracepoint cases: openat with its int dfd passed as a
 * sign-extended long (AT_FDCWD, -100, fills all 64 bits of the register, as
 * syscall(2) passes it), so a field the format declares `int dfd` (size 8)
 * reads -100 only if it is taken as signed, as bpftrace takes `int`. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	syscall(SYS_openat, (long)AT_FDCWD, "/nonexistent-bpfl-syscall-args", (long)O_RDONLY, 0L);
	return 0;
}
