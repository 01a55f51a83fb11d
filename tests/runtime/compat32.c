/* A 32-bit process without libc (gcc -m32 -nostdlib -static): three
 * getpgid(424242) through int $0x80, the i386 table's number 132, which is
 * utime in the x86-64 table, then exit. The kernel's syscall tracepoints skip
 * such compat calls; so must bpfline's programs on raw_syscalls, which see
 * the number 132 (syscalls.cases, syscall_compat_calls_skipped). */
void _start(void)
{
	for (int i = 0; i < 3; i++) {
		int r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(132), "b"(424242) : "memory");
	}
	__asm__ volatile("int $0x80" : : "a"(1), "b"(0));
	for (;;)
		;
}
