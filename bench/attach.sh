#!/usr/bin/env bash
# Attach/detach cost of a wide tracepoint wildcard, bpfline vs bpftrace, in one run.
#
#   bench/attach.sh [-b build/bpfline] [-n RUNS] [PROBE_GLOB]
#
# Runs `GLOB { @[probe] = count(); } interval:ms:100 { exit(); }` (default glob
# tracepoint:syscalls:sys_enter_*) with bpfline (programs shared by the
# wildcard, then BPFL_NO_SHARE=1: one program per tracepoint) and bpftrace,
# and prints per tool: time to the attach line (bpftrace 0.17's "Attaching N
# probes..." comes before attaching: parse + compile + load; bpfline's
# "Attached N probes" after: parse + compile + load + attach),
# bpfline's own attach and detach times (-v), and start-to-exit wall time.
# Needs root. Detach dominates: the kernel waits for an RCU grace period per
# tracepoint perf event, under its event mutex (so threads cannot overlap them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
bench_start "[PROBE_GLOB]" 1 "$@"
shift "$bench_shift"
glob=${1:-tracepoint:syscalls:sys_enter_*}
prog="$glob { @[probe] = count(); } interval:ms:100 { exit(); }"

ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

# run LABEL CMD...: print one result line.
run() {
	local label=$1; shift
	local log start first="" end attach="-" detach="-" n="-"
	log=$(mktemp)
	start=$(ms)
	while IFS= read -r line; do
		[ -z "$first" ] && [[ $line == Attach* ]] && { first=$(ms); n=${line#Attach* }; n=${n%% *}; }
		printf '%s\n' "$line" >>"$log"
	done < <("$@" 2>&1)
	end=$(ms)
	attach=$(sed -n 's/^attached [0-9]* links in \([0-9.]*\) ms$/\1/p' "$log")
	detach=$(sed -n 's/^detached [0-9]* links in \([0-9.]*\) ms$/\1/p' "$log")
	printf '%-22s probes %-5s to-attach-line %6s ms  attach %8s ms  detach %8s ms  total %7s ms\n' \
		"$label" "$n" $((${first:-$end} - start)) "${attach:--}" "${detach:--}" $((end - start))
	rm -f "$log"
}

echo "program: $prog"
for ((i = 0; i < runs; i++)); do
	run "bpfline (shared)" "$bin" -v -e "$prog"
	run "bpfline (BPFL_NO_SHARE)" env BPFL_NO_SHARE=1 "$bin" -v -e "$prog"
	if command -v bpftrace >/dev/null; then
		run "bpftrace $(bpftrace --version | awk '{print $2}')" bpftrace -e "$prog"
	fi
done
