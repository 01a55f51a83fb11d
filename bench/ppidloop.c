/* Calls getppid() N times (default 1,000,000), then getpgid(0) once as an
 * end marker, so a tracing program can print one line per getppid and exit on
 * the marker. Used by the stream test and the stream benchmark. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	syscall(SYS_getpgid, 0);
	return 0;
}
