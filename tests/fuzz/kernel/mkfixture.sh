#!/usr/bin/env bash
# Regenerate the fuzz harnesses' fake tracefs (tests/fuzz/kernel/tracing/) from
# this machine's tracefs: the format files of the tracepoints the corpus names
# most, so programs of the seeds resolve `args` as on a real kernel. Run by hand
# (root) when the list changes; the result is committed, so the harnesses see
# the same tracepoints on every machine and never read the real tracefs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
src=${TRACEFS:-/sys/kernel/tracing}
events=(
	syscalls:sys_enter_open syscalls:sys_exit_open syscalls:sys_enter_openat syscalls:sys_exit_openat
	syscalls:sys_enter_read syscalls:sys_exit_read syscalls:sys_enter_write syscalls:sys_exit_write
	syscalls:sys_enter_nanosleep syscalls:sys_exit_nanosleep
	syscalls:sys_enter_clock_nanosleep syscalls:sys_exit_clock_nanosleep
	syscalls:sys_enter_execve syscalls:sys_exit_execve syscalls:sys_enter_getppid
	syscalls:sys_exit_getppid syscalls:sys_enter_getpgrp syscalls:sys_enter_kill
	syscalls:sys_enter_wait4 syscalls:sys_exit_wait4 syscalls:sys_enter_close
	syscalls:sys_enter_exit_group
	raw_syscalls:sys_enter raw_syscalls:sys_exit
	sched:sched_switch sched:sched_wakeup sched:sched_process_exec sched:sched_process_exit
	sched:sched_process_fork
	block:block_rq_complete block:block_rq_issue block:block_bio_queue
	irq:irq_handler_entry irq:irq_handler_exit napi:napi_poll skb:kfree_skb
	sock:inet_sock_set_state timer:hrtimer_start workqueue:workqueue_execute_start
	xdp:mem_connect tcp:tcp_retransmit_skb signal:signal_generate
)
rm -rf tracing
for e in "${events[@]}"; do
	cat=${e%%:*} name=${e#*:}
	[ -r "$src/events/$cat/$name/format" ] || { echo "skipped $e: not in $src" >&2; continue; }
	mkdir -p "tracing/events/$cat/$name"
	cp "$src/events/$cat/$name/format" "tracing/events/$cat/$name/format"
done
# kprobes may attach to the functions of the fake BTF (vmlinux.c)
sed -n 's/^K [^(]*[ *]\([a-z_0-9]*\)(.*/\1/p' vmlinux.c | sort > tracing/available_filter_functions
echo "$(find tracing -name format | wc -l) formats, $(wc -l < tracing/available_filter_functions) functions"
