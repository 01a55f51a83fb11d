#!/usr/bin/env bash
# The stream test (issue 3, acceptance 4): a program prints one line per
# getppid() while bench/ppidloop.c calls getppid() N times (default 1,000,000);
# every record must be delivered, or the loss reported exactly:
# lines printed + "Lost N events" == N. Run twice: output to a file (nothing
# may be lost), and through a reader that sleeps 2 s first, so the ring buffer
# overflows and the loss count is what is checked. Needs root and cc.
#   tests/stream/run.sh [-b path/to/bpfline] [-n EVENTS]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bin=build/bpfline
n=1000000
while getopts b:n: opt; do
	case $opt in
	b) bin=$OPTARG ;;
	n) n=$OPTARG ;;
	*) echo "usage: $0 [-b bpfline] [-n events]" >&2; exit 2 ;;
	esac
done
if [ "$(id -u)" != 0 ]; then
	echo "SKIPPED stream: needs root"
	[ "${CI:-}" = true ] && exit 1
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/ppidloop" bench/ppidloop.c || exit 1
cat > "$tmp/s.bt" <<'BT'
tracepoint:syscalls:sys_enter_getppid /comm == "ppidloop"/ { printf("%d %s\n", pid, comm); }
tracepoint:syscalls:sys_enter_getpgid /comm == "ppidloop"/ { exit(); }
BT

# run_case NAME SLOW: 0 when lines + lost == n and bpfline exited 0.
run_case() {
	local name=$1 slow=$2 pid reader= status lines lost start end i
	rm -f "$tmp/out" "$tmp/err" "$tmp/fifo"
	if [ "$slow" = 1 ]; then
		mkfifo "$tmp/fifo"
		{ sleep 4; cat; } <"$tmp/fifo" >"$tmp/out" &
		reader=$!
		"$bin" -o "$tmp/fifo" "$tmp/s.bt" 2>"$tmp/err" &
		pid=$!
		sleep 1.5	# the attach line is stuck in the pipe: wait blind
	else
		"$bin" -o "$tmp/out" "$tmp/s.bt" 2>"$tmp/err" &
		pid=$!
		for i in $(seq 100); do	# until "Attached 2 probes" (stderr)
			grep -q '^Attached' "$tmp/err" 2>/dev/null && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	start=$(date +%s.%N)
	"$tmp/ppidloop" "$n"
	( sleep 60; kill -INT "$pid" 2>/dev/null ) &
	local watchdog=$!
	wait "$pid"
	status=$?
	end=$(date +%s.%N)
	[ -n "$reader" ] && wait "$reader"
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	lines=$(grep -c ' ppidloop$' "$tmp/out")
	lost=$(sed -n 's/^Lost \([0-9]*\) events$/\1/p' "$tmp/out" | awk '{s += $1} END {print s + 0}')
	printf '%s: %d events, %d lines, %d lost, done after %.2f s, exit %d\n' \
		"$name" "$n" "$lines" "$lost" "$(echo "$end - $start" | bc)" "$status"
	if [ "$status" = 0 ] && [ $((lines + lost)) = "$n" ]; then
		echo "PASS $name"
		return 0
	fi
	echo "FAIL $name: lines + lost != $n or exit status $status"
	sed 's/^/  stderr| /' "$tmp/err" | head -20
	return 1
}

rc=0
run_case stream-file 0 || rc=1
run_case stream-slow-reader 1 || rc=1
exit $rc
