#!/usr/bin/env bash
# Start-up time and peak memory of bpfline against bpftrace, measured in the same
# run on the same programs. Prints one line per program with both figures and the
# ratios. Needs root (programs are loaded into the kernel); bpftrace must be
# installed (scripts/install-deps.sh installs Debian's).
#
#   bench/startup.sh [-b build/bpfline] [-n RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
bench_start "" 20 "$@"
command -v bpftrace >/dev/null || { echo "bench/startup.sh: bpftrace is not installed" >&2; exit 1; }

programs=(
	'BEGIN { exit(); }'
	'BEGIN { printf("hello world\n"); exit(); }'
	'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); } interval:ms:1 { exit(); }'
	'tracepoint:raw_syscalls:sys_exit { @[comm] = hist(args->ret); } interval:ms:1 { exit(); }'
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/timeit" bench/timeit.c

# measure TOOL PROG: prints "median_ms max_rss_kb" over $runs runs, each timed
# from fork to reaping by bench/timeit (no shell or /usr/bin/time in the figure).
measure() {
	local tool=$1 prog=$2 i us rss times=() rsses=()
	for ((i = 0; i < runs; i++)); do
		read -r us rss < <("$tmp/timeit" "$tool" -e "$prog" || true)
		times+=("$us")
		rsses+=("$rss")
	done
	local med max
	med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$((runs / 2 + 1))p")
	max=$(printf '%s\n' "${rsses[@]}" | sort -n | tail -1)
	echo "$(awk -v u="$med" 'BEGIN { printf "%.1f", u / 1000 }') $max"
}

printf '%-60s %10s %10s %7s %10s %10s %7s\n' program "bpfline" bpftrace "x" "bpfline" bpftrace "x"
printf '%-60s %10s %10s %7s %10s %10s %7s\n' "" "ms" ms faster "RSS KB" "RSS KB" smaller
for prog in "${programs[@]}"; do
	read -r ms_a rss_a < <(measure "$bin" "$prog")
	read -r ms_b rss_b < <(measure bpftrace "$prog")
	printf '%-60.60s %10s %10s %7s %10d %10d %7s\n' "$prog" "$ms_a" "$ms_b" \
		"$(awk -v a="$ms_a" -v b="$ms_b" 'BEGIN { printf "%.1f", b / (a ? a : 1) }')" \
		"$rss_a" "$rss_b" \
		"$(awk -v a="$rss_a" -v b="$rss_b" 'BEGIN { printf "%.1f", b / (a ? a : 1) }')"
done
