#!/usr/bin/env bash
# Printing big maps at exit: bpfline against bpftrace in the same run. Each tool
# traces a loop of getppid() calls (bench/ppidloop.c) that fills a map with N keys,
# then gets SIGINT, as a user's Ctrl-C; the figure is the time from the signal to
# the tool's exit (reading, sorting and printing the map, then detaching), wall
# and CPU time (on a loaded machine the CPU time is the steadier figure), the
# median of RUNS runs, and the keys printed. Then the in-process
# sort+format cost per entry (build/bench_print).
#
#   bench/mapprint.sh [-b build/bpfline] [-n RUNS] [N...]      (default N: 200000 1000000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
bench_start "[keys...]" 3 "$@"
shift "$bench_shift"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200000 1000000)
have_bpftrace=1
command -v bpftrace >/dev/null || have_bpftrace=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/ppidloop" bench/ppidloop.c

# The loop runs on one thread, so @i counts without races: N distinct keys.
declare -A progs=(
	[value]='tracepoint:syscalls:sys_enter_getppid /comm == "ppidloop"/ { @i++; @[@i] = @i; }'
	[count]='tracepoint:syscalls:sys_enter_getppid /comm == "ppidloop"/ { @i++; @[@i] = count(); }'
)

# cpu_ticks PID: user + system CPU ticks the process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# once TOOL PROG N: fills the map, sends SIGINT; prints "wall_ms cpu_ms lines":
# wall and CPU time (user + system) from the signal to the exit.
once() {
	local tool=$1 prog=$2 n=$3 pid t0 t1 i before hz job watchdog
	hz=$(getconf CLK_TCK)
	BPFTRACE_MAP_KEYS_MAX=$((n + 16)) /usr/bin/time -f '%U %S' -o "$tmp/time" \
		"$tool" -e "$prog" >"$tmp/out" 2>&1 &
	job=$!
	for ((i = 0; i < 600; i++)); do
		grep -q '^Attach' "$tmp/out" && break
		sleep 0.05
	done
	pid=$(pgrep -P $job | head -1)
	if [ -z "$pid" ]; then	# it never started, or already ended: no figure, not the end of the bench
		echo "$tool did not run: $(head -c 200 "$tmp/out")" >&2
		pkill -KILL -P "$job" 2>/dev/null || true
		wait "$job" || true
		echo "0 0 0"
		return
	fi
	"$tmp/ppidloop" "$n"
	sleep 0.2
	before=$(cpu_ticks "$pid")
	t0=${EPOCHREALTIME/[.,]/}
	# bounded: bpftrace 0.17 ignores SIGINT with a 1,000,000-key per-CPU map
	(sleep 60 && kill -KILL "$pid" && echo "timeout: no exit 60 s after SIGINT" \
		>>"$tmp/out") 2>/dev/null &
	watchdog=$!
	kill -INT "$pid"
	wait "$job" || true	# returns when the tool exits (polling every 100 ms rounded
	t1=${EPOCHREALTIME/[.,]/}	# the figure up to the next tenth of a second)
	pkill -P "$watchdog" sleep 2>/dev/null || true
	wait "$watchdog" 2>/dev/null || true
	echo "$(((t1 - t0) / 1000))" \
		"$(awk -v b="$before" -v hz="$hz" 'END { printf "%d", ($1 + $2) * 1000 - b * 1000 / hz }' "$tmp/time")" \
		"$(grep -c '^@\[' "$tmp/out")"
}

# measure TOOL PROG N: "median_wall_ms median_cpu_ms lines" over $runs runs.
measure() {
	local i ms cpu lines walls=() cpus=()
	for ((i = 0; i < runs; i++)); do
		read -r ms cpu lines < <(once "$@")
		walls+=("$ms")
		cpus+=("$cpu")
	done
	echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$((runs / 2 + 1))p")" \
		"$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$((runs / 2 + 1))p") $lines"
}

printf '%-6s %8s %19s %19s %12s %16s\n' map keys "bpfline ms" "bpftrace ms" "x (wall)" \
	"keys printed"
printf '%-6s %8s %19s %19s %12s %16s\n' "" "" "wall / cpu" "wall / cpu" "" "bpfline/bpftrace"
for n in "${sizes[@]}"; do
	for kind in value count; do
		read -r ms_a cpu_a lines_a < <(measure "$bin" "${progs[$kind]}" "$n")
		ms_b=- cpu_b=- lines_b=- ratio=-
		if ((have_bpftrace)); then
			read -r ms_b cpu_b lines_b < <(measure bpftrace "${progs[$kind]}" "$n")
			ratio=$(awk -v a="$ms_a" -v b="$ms_b" 'BEGIN { printf "%.1f", b / (a ? a : 1) }')
			# a tool that printed no keys failed: no ratio
			((lines_b > 0)) || ratio="(failed)"
		fi
		printf '%-6s %8d %19s %19s %12s %16s\n' "$kind" "$n" "$ms_a / $cpu_a" \
			"$ms_b / $cpu_b" "$ratio" "$lines_a / $lines_b"
	done
done
bench=$(dirname "$bin")/bench_print
if [ -x "$bench" ]; then
	echo
	echo "sort + format in-process, CPU time ($bench):"
	"$bench" "${sizes[-1]}"
fi
