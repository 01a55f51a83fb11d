#!/usr/bin/env bash
# Big programs: compile, load and run time and peak RSS of one probe of N
# statements, bpfline against bpftrace in the same run. The script is issue
# 12's: statement pair i is `@mK[pid] = count(); if (pid == i) { printf(...) }`
# on getppid, and an interval probe exits after 100 ms. K is i (one map per
# pair, as the issue measured: past ~2,000 maps a probe needs more programs
# than the kernel chains) or, with -m MAPS, i % MAPS.
#
#   bench/bigprog.sh [-b build/bpfline] [-m MAPS] [-t BPFTRACE_TIMEOUT_S] [N...]
#
# N defaults to 500 2000 8000 20000; bpftrace is skipped past 8,000 statements
# and bounded by -t seconds (default 300). Prints, per N and tool: wall time,
# peak RSS, the result (ran: the exit record came back; error: the first
# ERROR line) and the time ratio. Needs root.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
maps=0 bt_timeout=300
bench_opts=m:t:
bench_opt() { case $1 in m) maps=$2 ;; t) bt_timeout=$2 ;; esac; }
bench_start "[-m maps] [-t seconds] [N...]" 1 "$@"	# one run per N: -n is unused
shift "$bench_shift"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 2000 8000 20000)
have_bt=$(command -v bpftrace || true)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gen N: the script, into $tmp/bigN.bt
gen() {
	local n=$1 i k
	{
		echo 'tracepoint:syscalls:sys_enter_getppid {'
		for ((i = 1; i <= n; i++)); do
			k=$i
			((maps > 0)) && k=$(((i - 1) % maps + 1))
			echo "  @m$k[pid] = count(); if (pid == $i) { printf(\"hit %d %s\\n\", $i, comm); }"
		done
		echo '} interval:ms:100 { exit(); }'
	} >"$tmp/big$n.bt"
}

# run TOOL N TIMEOUT: prints "seconds rss_kb result"
run() {
	local tool=$1 n=$2 limit=$3 t0 t1 rc result
	t0=${EPOCHREALTIME/[.,]/}
	timeout "$limit" /usr/bin/time -o "$tmp/time" -f '%M' "$tool" "$tmp/big$n.bt" \
		>"$tmp/out" 2>&1
	rc=$?
	t1=${EPOCHREALTIME/[.,]/}
	if ((rc == 124)); then
		result="timeout(${limit}s)"
	elif ((rc == 0)); then
		result=ran
	else
		result="error: $(grep -m1 -o 'ERROR.*' "$tmp/out" | cut -c1-70)"
		[ "$result" = "error: " ] && result="error: $(grep -v '^$' "$tmp/out" | head -1 | cut -c1-70)"
	fi
	echo "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.2f", d / 1e6 }') $(tail -1 "$tmp/time" 2>/dev/null || echo 0) $result"
}

printf '%-7s %-9s %9s %10s  %s\n' N tool seconds "RSS KB" result
declare -A secs
for n in "${sizes[@]}"; do
	gen "$n"
	read -r s rss res < <(run "$bin" "$n" 600)
	secs[bpfline,$n]=$s
	printf '%-7s %-9s %9s %10s  %s\n' "$n" bpfline "$s" "$rss" "$res"
	if [ -n "$have_bt" ] && ((n <= 8000)); then
		read -r s2 rss2 res2 < <(run bpftrace "$n" "$bt_timeout")
		printf '%-7s %-9s %9s %10s  %s\n' "$n" bpftrace "$s2" "$rss2" "$res2"
		printf '%-7s %-9s %9s\n' "$n" "ratio" \
			"$(awk -v a="$s" -v b="$s2" 'BEGIN { printf "%.1fx", b / (a > 0 ? a : 0.01) }')"
	fi
done
prev=''
for n in "${sizes[@]}"; do
	[ -n "$prev" ] && printf 'growth bpfline %s -> %s statements: %s\n' "$prev" "$n" \
		"$(awk -v a="${secs[bpfline,$prev]}" -v b="${secs[bpfline,$n]}" 'BEGIN { printf "%.1fx", b / (a > 0 ? a : 0.01) }')"
	prev=$n
done
