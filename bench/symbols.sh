#!/bin/bash
# Symbol resolution benchmark (issue 5).
# 1. bench_syms: 100,000 kernel frames (kallsyms) and 100,000 user frames
#    (build id + file offset in libc) resolved in-process; frames/s.
# 2. End to end against bpftrace (root): collect kernel stacks of sched_switch
#    for DUR seconds, stop with SIGINT, and time the stop (printing the map with
#    every frame symbolized, plus teardown); frames printed per second of it.
# Usage: bench/symbols.sh [build-dir] [seconds]
set -u
B=${1:-build}
DUR=${2:-2}
"$B/bench_syms" 100000 || exit 1
[ "$(id -u)" = 0 ] || { echo "end-to-end part needs root"; exit 0; }
PROG='tracepoint:sched:sched_switch { @[kstack] = count(); }'
run() {	# tool...: prints "<frames printed> <ms from SIGINT to exit>"
	local out; out=$(mktemp)
	"$@" -e "$PROG" >"$out" 2>/dev/null &
	local pid=$!
	sleep "$DUR"
	local t0; t0=$(date +%s%N)
	kill -INT $pid; wait $pid
	local t1; t1=$(date +%s%N)
	echo "$(grep -c '^    [^ ]' "$out") $(( (t1 - t0) / 1000000 ))"
	rm -f "$out"
}
read -r fb tb < <(run "$B/bpfline")
echo "bpfline : $fb kernel frames printed, stop+print+exit ${tb} ms"
if command -v bpftrace >/dev/null; then
	read -r ft tt < <(run bpftrace)
	echo "bpftrace: $ft kernel frames printed, stop+print+exit ${tt} ms"
	awk -v fb="$fb" -v tb="$tb" -v ft="$ft" -v tt="$tt" 'BEGIN {
		if (tb < 1) tb = 1; if (tt < 1) tt = 1;
		rb = fb / tb * 1000; rt = ft / tt * 1000; ratio = 0;
		if (rt > 0) ratio = rb / rt;
		printf "frames/s while printing: bpfline %.0f, bpftrace %.0f (%.1fx)\n", rb, rt, ratio }'
fi
