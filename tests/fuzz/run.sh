#!/usr/bin/env bash
# The fuzz harnesses (tests/fuzz/, built in build-fuzz/ with -DBPFL_FUZZ=ON):
#   run.sh build             configure and build build-fuzz/ with clang-19
#   run.sh fuzz [SECONDS]    fuzz each harness in turn for SECONDS (60) on its
#                            corpus, under nice -n 19, one process at a time;
#                            new inputs go to $WORK/HARNESS-new, crashes to $WORK
#   run.sh replay            run each harness over its committed corpus without
#                            mutation (the regression test of make test)
#   run.sh seed              minimise seed.py's programs plus the corpus into the
#                            corpus (libFuzzer -merge=1)
#   run.sh minimise          merge $WORK/HARNESS-new into the corpus, minimised
#                            (after fuzzing, before a commit)
# Environment: FUZZ_BUILD (build-fuzz), WORK (/tmp/bpfline-fuzz: artifacts, logs),
# HARNESSES ("frontend codegen"). Exit status 1 when a harness found a crash,
# leak, timeout or sanitizer report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
WORK=${WORK:-/tmp/bpfline-fuzz}
HARNESSES=${HARNESSES:-frontend codegen}
CORPUS=tests/fuzz/corpus
DICT=tests/fuzz/bpfline.dict
# MAX_LEN: the harnesses skip longer inputs (FUZZ_MAX_INPUT in fuzz_common.h);
# TIMEOUT: a compile of a 4 KB program takes milliseconds, so 30 s (room for a
# loaded machine) is a hang
MAX_LEN=4096 TIMEOUT=30
FLAGS=(-dict="$DICT" -max_len=$MAX_LEN -timeout=$TIMEOUT -rss_limit_mb=2048 -detect_leaks=1 -reload=0
       -print_final_stats=1)

build() {
	cmake -S . -B "$FUZZ_BUILD" -DBPFL_FUZZ=ON -DCMAKE_C_COMPILER=clang-19 >/dev/null
	nice cmake --build "$FUZZ_BUILD" -j "${JOBS:-2}"
}

need() {	# need HARNESS: its binary, or an error that says how to build it
	local bin=$FUZZ_BUILD/fuzz_$1
	if [ ! -x "$bin" ]; then
		echo "run.sh: no $bin: run 'tests/fuzz/run.sh build' (clang-19, libclang-rt-19-dev)" >&2
		exit 2
	fi
	echo "$bin"
}

fuzz() {	# fuzz SECONDS: each harness in turn
	local secs=${1:-60} h bin rc=0
	mkdir -p "$WORK"
	for h in $HARNESSES; do
		bin=$(need "$h")
		mkdir -p "$CORPUS/$h" "$WORK/$h-new"
		echo "== fuzz_$h: $secs s on $CORPUS/$h (log $WORK/$h.log)"
		# new inputs go to the first directory, the committed corpus stays as is
		if ! nice -n 19 "$bin" "${FLAGS[@]}" -max_total_time="$secs" \
			-artifact_prefix="$WORK/$h-" "$WORK/$h-new" "$CORPUS/$h" \
			>"$WORK/$h.log" 2>&1; then
			rc=1
			grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
				"$WORK/$h.log" >&2 || tail -n 20 "$WORK/$h.log" >&2
		fi
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec)|^Done' \
			"$WORK/$h.log" || true
	done
	return $rc
}

# replay: every corpus file once, as a test; a failure prints the report.
replay() {
	local h bin n rc=0 log
	mkdir -p "$WORK"
	for h in $HARNESSES; do
		bin=$(need "$h")
		n=$(find "$CORPUS/$h" -type f | wc -l)
		log=$WORK/replay-$h.log
		if "$bin" -runs=0 -detect_leaks=1 -timeout=60 -artifact_prefix="$WORK/replay-$h-" \
			"$CORPUS/$h" >"$log" 2>&1; then
			echo "PASS fuzz_$h: $n corpus inputs replayed"
		else
			rc=1
			echo "FAIL fuzz_$h: replaying $CORPUS/$h (log $log)"
			sed 's/^/  | /' "$log" | tail -n 40
		fi
	done
	return $rc
}

merge() {	# merge SOURCES...: minimise the corpus plus SOURCES into the corpus
	local h bin tmp
	for h in $HARNESSES; do
		bin=$(need "$h")
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpfline-fuzz-merge.XXXXXX")
		mkdir -p "$CORPUS/$h"
		nice -n 19 "$bin" -merge=1 -max_len=$MAX_LEN -timeout=$TIMEOUT "$tmp" "$CORPUS/$h" "$@" \
			$([ -d "$WORK/$h-new" ] && echo "$WORK/$h-new") \
			>"$WORK/merge-$h.log" 2>&1 || { tail -n 20 "$WORK/merge-$h.log" >&2; rm -rf "$tmp"; return 1; }
		cp "$CORPUS/$h"/regress-* "$tmp"/ 2>/dev/null || true	# named by the bug they found
		rm -rf "$CORPUS/$h"
		mv "$tmp" "$CORPUS/$h"
		chmod 755 "$CORPUS/$h"
		echo "fuzz_$h: $(find "$CORPUS/$h" -type f | wc -l) inputs," \
			"$(du -sb "$CORPUS/$h" | cut -f1) bytes in $CORPUS/$h"
	done
}

case "${1:-}" in
build) build ;;
fuzz) fuzz "${2:-60}" ;;
replay) replay ;;
seed)
	mkdir -p "$WORK"
	rm -rf "$WORK/seeds"
	tests/fuzz/seed.py "$WORK/seeds"
	merge "$WORK/seeds"
	;;
minimise) mkdir -p "$WORK"; merge ;;
*) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
