#!/usr/bin/env bash
# Attach/detach cost of a wide tracepoint wildcard, bpfline vs bpftrace, in one run.
#
#   bench/attach.sh [-b build/bpfline] [-n RUNS] [-i INTERVAL] [PROBE_GLOB]
#
# Runs `GLOB { @[probe] = count(); } interval:INTERVAL { exit(); }` (default glob
# tracepoint:syscalls:sys_enter_*, interval s:1) with bpfline (its default: the
# syscall tracepoints of the block run as one program on raw_syscalls, one
# link), bpfline with BPFL_PERF_TRACEPOINTS=1 (one perf event per tracepoint,
# programs shared by the wildcard), with BPFL_NO_SHARE=1 as well (one program
# per tracepoint) and with bpftrace, and prints per tool: time to the attach
# line (bpftrace 0.17's "Attaching N probes..." comes before attaching: parse +
# compile + load; bpfline's "Attached N probes" after: parse + compile + load +
# attach), bpfline's own attach and detach times (-v), start-to-exit wall
# time, and the number of map entries printed (the per-probe counts); then
# bpftrace's start-to-exit over bpfline's. Needs root. Each perf event's detach
# waits for an RCU grace period under the kernel's event mutex (so threads
# cannot overlap them): that is what the raw_syscalls path removes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
interval=s:1
bench_opts=i:
bench_opt() { interval=$2; }
bench_start "[-i INTERVAL] [PROBE_GLOB]" 1 "$@"
shift "$bench_shift"
glob=${1:-tracepoint:syscalls:sys_enter_*}
prog="$glob { @[probe] = count(); } interval:$interval { exit(); }"

ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# run LABEL CMD...: print one result line; the start-to-exit ms in $total.
total=0
run() {
	local label=$1; shift
	local log start first="" end attach="-" detach="-" n="-" keys
	log=$(mktemp)
	start=$(ms)
	while IFS= read -r line; do
		[ -z "$first" ] && [[ $line == Attach* ]] && { first=$(ms); n=${line#Attach* }; n=${n%% *}; }
		printf '%s\n' "$line" >>"$log"
	done < <("$@" 2>&1)
	end=$(ms)
	attach=$(sed -n 's/^attached .* in \([0-9.]*\) ms$/\1/p' "$log")
	detach=$(sed -n 's/^detached [0-9]* links in \([0-9.]*\) ms$/\1/p' "$log")
	keys=$(grep -c '^@\[' "$log" || true)
	total=$((end - start))
	printf '%-34s probes %-5s to-attach-line %6s ms  attach %8s ms  detach %8s ms  total %7s ms  keys %s\n' \
		"$label" "$n" $((${first:-$end} - start)) "${attach:--}" "${detach:--}" "$total" "$keys"
	rm -f "$log"
}

echo "program: $prog"
for ((i = 0; i < runs; i++)); do
	run "bpfline" "$bin" -v -e "$prog"
	fl=$total
	run "bpfline (BPFL_PERF_TRACEPOINTS=1)" env BPFL_PERF_TRACEPOINTS=1 "$bin" -v -e "$prog"
	run "bpfline (perf events, NO_SHARE)" env BPFL_PERF_TRACEPOINTS=1 BPFL_NO_SHARE=1 "$bin" -v -e "$prog"
	if command -v bpftrace >/dev/null; then
		run "bpftrace $(bpftrace --version | awk '{print $2}')" bpftrace -e "$prog"
		printf 'start to exit: bpftrace / bpfline = %.1fx\n' "$(echo "$total / $fl" | bc -l)"
	fi
done
