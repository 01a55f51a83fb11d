#!/usr/bin/env bash
# A uprobe wildcard over a whole library: `uprobe:LIB:* { @ = count(); }` for one
# second (an interval probe exits), bpfline against bpftrace in the same run. For
# bpfline the -v lines give the probes attached, the attach and the detach time;
# the figure is start to exit. System-wide (every process that maps the library)
# and, with -p, one sleeping process. bpftrace 0.17 refuses more than 512 probes
# (BPFTRACE_MAX_PROBES); its answer is shown as it is.
#
#   bench/uprobe-wide.sh [-b build/bpfline] [-n RUNS] [LIB]   (default libc)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. bench/lib.sh
bench_start "[library]" 1 "$@"
shift "$bench_shift"
lib=${1:-/lib/x86_64-linux-gnu/libc.so.6}

tmp=$(mktemp -d)
sleeper=
trap 'rm -rf "$tmp"; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null || true' EXIT
prog="uprobe:$lib:* { @ = count(); } interval:s:1 { exit(); }"

# run TOOL ARGS...: prints "total_ms exit_status" and leaves the output in $tmp/out.
run() {
	local t0 t1 rc=0
	t0=${EPOCHREALTIME/[.,]/}
	"$@" -e "$prog" >"$tmp/out" 2>&1 || rc=$?
	t1=${EPOCHREALTIME/[.,]/}
	echo "$(((t1 - t0) / 1000)) $rc"
}

# vfield attached|detached: the milliseconds of bpfline's -v line
# ("attached N probes (K links) in T ms", "detached K links in T ms").
vfield() { sed -n "s/^$1 .* in \([0-9.]*\) ms$/\1/p" "$tmp/out" | tail -1; }

report() {
	local where=$1 ms=$2 rc=$3 probes attach detach
	probes=$(sed -n 's/^Attached \([0-9]*\) probes*$/\1/p' "$tmp/out" | tail -1)
	attach=$(vfield attached)
	detach=$(vfield detached)
	printf '%-10s %-12s %8s %10s %10s %10s %6s\n' bpfline "$where" "${probes:--}" \
		"${attach:--}" "${detach:--}" "$ms" "$rc"
}

printf '%-10s %-12s %8s %10s %10s %10s %6s\n' tool target probes "attach ms" "detach ms" \
	"total ms" status
for ((i = 0; i < runs; i++)); do
	read -r ms rc < <(run "$bin" -v)
	report system-wide "$ms" "$rc"
	sleep 60 &
	sleeper=$!
	read -r ms rc < <(run "$bin" -v -p "$sleeper")
	report "-p (sleep)" "$ms" "$rc"
	kill "$sleeper" 2>/dev/null || true
	sleeper=
done
if command -v bpftrace >/dev/null; then
	read -r ms rc < <(run bpftrace)
	printf '%-10s %-12s %8s %10s %10s %10s %6s   %s\n' bpftrace system-wide - - - "$ms" "$rc" \
		"$(grep -i -E 'error|attach' "$tmp/out" | grep -v RLIMIT | head -1 | cut -c1-80)"
fi
