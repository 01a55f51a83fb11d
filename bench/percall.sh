#!/usr/bin/env bash
# Per-event cost of a syscall tracepoint: the CPU time each getppid() costs
# more while `tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }` is
# traced, by bpfline (a perf event, its default for a few syscalls), by bpfline
# with BPFL_RAW_SYSCALLS_MIN=1 (the raw_syscalls program wildcards get) and by
# bpftrace, in the same run; beside them the floors: an empty program on the
# perf-event tracepoint and on rawtracepoint:sys_enter. Then what tracing
# getppid costs every other syscall (getpid, untraced) through each path. Each figure is the best of
# RUNS loops of CALLS calls (bench/syscall_loop.c: the calling thread's CPU
# time, so other load on the machine matters little). Needs root and cc.
#   bench/percall.sh [-b bpfline] [-n RUNS] [-c CALLS] [-t bpftrace]
#   (RUNS default 5, CALLS 1,000,000, bpftrace the one on PATH)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
n=1000000 bpftrace=$(command -v bpftrace || true)
bench_opts=c:t:
bench_opt() { case $1 in c) n=$2 ;; t) bpftrace=$2 ;; esac; }
bench_start "[-c CALLS] [-t bpftrace]" 5 "$@"
bpfline=$bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/syscall_loop" bench/syscall_loop.c || exit 1
NR_GETPPID=110 NR_GETPID=39
prog='tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }'

# best NR: the lowest ns/call of RUNS loops
best() {
	for ((i = 0; i < runs; i++)); do "$tmp/syscall_loop" "$1" "$n"; done | sort -n | head -1
}

# traced NR CMD...: best NR while CMD traces (started, attached, then SIGINT)
traced() {
	local nr=$1 pid i; shift
	"$@" >"$tmp/out" 2>&1 &
	pid=$!
	for i in $(seq 300); do
		grep -q '^Attach' "$tmp/out" && break
		sleep 0.1
	done
	sleep 0.5	# bpftrace 0.17 prints its line before it attaches
	best "$nr"
	kill -INT "$pid"
	wait "$pid"
}

base_ppid=$(best $NR_GETPPID)
base_pid=$(best $NR_GETPID)
row() { printf '%-58s %8.1f ns  +%6.1f ns\n' "$1" "$2" "$(echo "$2 - $3" | bc -l)"; }
echo "getppid() untraced: $base_ppid ns, getpid(): $base_pid ns (best of $runs x $n calls)"
echo "--- extra CPU per traced getppid()"
fl=$(traced $NR_GETPPID "$bpfline" -e "$prog")
row "bpfline  @[comm] = count()  (perf event)" "$fl" "$base_ppid"
flr=$(traced $NR_GETPPID env BPFL_RAW_SYSCALLS_MIN=1 "$bpfline" -e "$prog")
row "bpfline  @[comm] = count()  (raw_syscalls)" "$flr" "$base_ppid"
if [ -n "$bpftrace" ]; then
	ft=$(traced $NR_GETPPID "$bpftrace" -e "$prog")
	row "bpftrace @[comm] = count()" "$ft" "$base_ppid"
fi
f0=$(traced $NR_GETPPID env BPFL_PERF_TRACEPOINTS=1 "$bpfline" -e 'tracepoint:syscalls:sys_enter_getppid { }')
row "floor: empty program, perf-event tracepoint" "$f0" "$base_ppid"
r0=$(traced $NR_GETPPID "$bpfline" -e 'rawtracepoint:sys_enter { }')
row "floor: empty program, rawtracepoint:sys_enter" "$r0" "$base_ppid"
if [ -n "$bpftrace" ]; then
	printf 'ratio bpfline/bpftrace (extra per call): %.2f (perf event), %.2f (raw_syscalls)\n' \
		"$(echo "($fl - $base_ppid) / ($ft - $base_ppid)" | bc -l)" \
		"$(echo "($flr - $base_ppid) / ($ft - $base_ppid)" | bc -l)"
fi
echo "--- extra CPU per untraced getpid() while getppid is traced"
o=$(traced $NR_GETPID "$bpfline" -e "$prog")
row "bpfline (perf event)" "$o" "$base_pid"
orw=$(traced $NR_GETPID env BPFL_RAW_SYSCALLS_MIN=1 "$bpfline" -e "$prog")
row "bpfline (raw_syscalls: its program runs and returns)" "$orw" "$base_pid"
