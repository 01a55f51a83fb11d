#!/usr/bin/env bash
# Output throughput and loss: a program prints pid and comm for each of N
# getppid() calls (bench/ppidloop.c, default 1,000,000), output to a file; the
# same script runs under bpfline and under bpftrace in the same run. Prints, per
# tracer, the lines delivered, the events reported lost, the time of the traced
# loop (tracing slows it) and events/s delivered (lines / time until the tracer
# has written everything and exited). Needs root and cc.
#   bench/stream.sh [-n EVENTS] [-b bpfline] [-t bpftrace]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

n=1000000
bpfline=build/bpfline
bpftrace=$(command -v bpftrace || true)
while getopts n:b:t: opt; do
	case $opt in
	n) n=$OPTARG ;;
	b) bpfline=$OPTARG ;;
	t) bpftrace=$OPTARG ;;
	*) echo "usage: $0 [-n events] [-b bpfline] [-t bpftrace]" >&2; exit 2 ;;
	esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/ppidloop" bench/ppidloop.c || exit 1
cat > "$tmp/s.bt" <<'BT'
tracepoint:syscalls:sys_enter_getppid /comm == "ppidloop"/ { printf("%d %s\n", pid, comm); }
tracepoint:syscalls:sys_enter_getpgid /comm == "ppidloop"/ { exit(); }
BT

# bench NAME BINARY
bench() {
	local name=$1 bin=$2 pid i start loop_end end lines lost
	rm -f "$tmp/out"
	"$bin" -o "$tmp/out" "$tmp/s.bt" >/dev/null 2>"$tmp/err" &
	pid=$!
	for i in $(seq 300); do
		# bpftrace 0.17: "Attaching N probes..." in the output file;
		# bpfline: "Attached N probes" on stderr
		grep -q '^Attach' "$tmp/out" "$tmp/err" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.5	# bpftrace prints the line before it has attached
	start=$(date +%s.%N)
	"$tmp/ppidloop" "$n"
	loop_end=$(date +%s.%N)
	( sleep 120; kill -INT "$pid" 2>/dev/null ) &
	local watchdog=$!
	wait "$pid"
	end=$(date +%s.%N)
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	lines=$(grep -c ' ppidloop$' "$tmp/out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$tmp/out" | awk '{s += $1} END {print s + 0}')
	printf '%-9s %9d %9d %9d %8.2f %8.2f %11.0f\n' "$name" "$n" "$lines" "$lost" \
		"$(echo "$loop_end - $start" | bc)" "$(echo "$end - $start" | bc)" \
		"$(echo "$lines / ($end - $start)" | bc -l)"
}

printf '%-9s %9s %9s %9s %8s %8s %11s\n' tracer events lines lost loop_s total_s events/s
bench bpfline "$bpfline"
[ -n "$bpftrace" ] && bench bpftrace "$bpftrace"
exit 0
