#!/usr/bin/env bash
# `make test`: every lane in order, each under a section header, then one summary line.
#   0. scripts/check-layout.sh: no #include breaks the folder rules of DESIGN.md
#   1. build/      with -DBPFL_WERROR=ON, unit tests (ctest -L unit), then the codegen
#                  golden tests with build/bpfline (tests/codegen/run.sh; needs root)
#   2. build-asan/ with -DBPFL_SANITIZE=ON -DBPFL_WERROR=ON, unit tests again, then the
#      bad-input corpus (tests/bad/run.py: ~400 hostile programs, options and settings,
#      each refused with a located error, no sanitizer report), the allocation-failure
#      sweep (tests/alloc/sweep.py: one allocation failing at a time), then build-fuzz/ (clang-19,
#      libFuzzer) and the fuzz corpus replayed through both harnesses (tests/fuzz/run.sh)
#   3. runtime tests on the live kernel with build/bpfline (needs root; mounts tracefs),
#      then the files of ASAN_CASES again with build-asan/bpfline: a sanitizer report
#      (ASan, LeakSanitizer, UBSan) in any output fails its case
#   4. the stream test: 1,000,000 printf records delivered or reported lost (root);
#      the package lane: make install/uninstall into a DESTDIR, make deb, dpkg -i, run
#      the installed bpfline, dpkg -r (tests/package/run.sh; the deb part needs root)
#   5. the compat lane: the tests of tests/compat/passing.txt from bpftrace's own suite
#      (tests/compat/run.sh; root; skipped when ../shared/bpftrace-suite is absent)
#   6. the VM lane: the runtime tests of tests/runtime/cases/vm in a VM on Debian's
#      kernel (tests/vm/run.sh; needs root and qemu; BPFL_VM=0 skips it)
#   7. the VM compat lane: the tests of tests/compat/passing-vm.txt (bpftrace's suite,
#      kprobe/fentry tests) in that VM (tests/compat/run.sh --vm --listed; same
#      conditions as 6, and the suite as for 5)
# A failing lane does not stop the later ones unless they depend on it; the exit status
# is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
JOBS=${JOBS:-$(nproc)}
results=()
failed=0

section() { printf '\n==== %s ====\n' "$*"; }
record() {	# record LANE STATUS
	results+=("$1 $2")
	[ "$2" = ok ] || [ "$2" = skipped ] || failed=1
}
build_tree() {	# build_tree DIR CMAKE-ARGS...
	local dir=$1
	shift
	cmake -S . -B "$dir" "$@" >/dev/null && cmake --build "$dir" -j "$JOBS"
}
unit_tests() {	# unit_tests DIR
	ctest --test-dir "$1" -L unit -j "$JOBS" --output-on-failure
}

section "dependencies"
scripts/install-deps.sh
echo "all present"

section "layout: folder include rules"
if scripts/check-layout.sh; then record layout ok; else record layout FAILED; fi

section "build: $BUILD (-Werror)"
build_ok=0
if build_tree "$BUILD" -DBPFL_WERROR=ON -DBPFL_SANITIZE=OFF; then
	build_ok=1
	record build ok
	section "unit tests: $BUILD"
	if unit_tests "$BUILD"; then record unit ok; else record unit FAILED; fi
else
	record build FAILED
	record unit "not run"
fi

section "codegen golden tests: $BUILD/bpfline -d ir"
if [ "$build_ok" = 0 ]; then
	echo "not run: the build failed"
	record golden "not run"
else
	if [ "$(id -u)" = 0 ]; then scripts/mount-tracefs.sh; fi
	# -r 2: each program twice, so output that changes from run to run fails here
	if tests/codegen/run.sh -b "$BUILD/bpfline" -r 2; then
		if [ "$(id -u)" = 0 ]; then record golden ok; else record golden skipped; fi
	else
		record golden FAILED
	fi
fi

section "build: $ASAN_BUILD (ASan+UBSan, -Werror)"
if build_tree "$ASAN_BUILD" -DBPFL_WERROR=ON -DBPFL_SANITIZE=ON; then
	record asan-build ok
	section "unit tests: $ASAN_BUILD"
	if unit_tests "$ASAN_BUILD"; then record asan-unit ok; else record asan-unit FAILED; fi
else
	record asan-build FAILED
	record asan-unit "not run"
fi

section "bad inputs: tests/bad with $ASAN_BUILD/bpfline"
if [ ! -x "$ASAN_BUILD/bpfline" ]; then
	echo "no $ASAN_BUILD/bpfline: build failed"
	record bad "not run"
elif [ "$(id -u)" != 0 ]; then	# tracepoint formats and uprobe targets need root
	echo "skipped: needs root"
	if [ "${CI:-}" = true ]; then record bad FAILED; else record bad skipped; fi
elif scripts/mount-tracefs.sh && tests/bad/run.py -b "$ASAN_BUILD/bpfline" -j "$JOBS" | grep -v '^PASS '; then
	record bad ok
else
	record bad FAILED
fi

# Allocation failure: representative programs compiled and run with one of
# bpfline's own allocations failing at a time (BPFL_FAIL_ALLOC, honoured by the
# sanitized build): each must say "out of memory" and exit 1, or run as if
# nothing failed; about a minute (--budget).
section "allocation failure: tests/alloc with $ASAN_BUILD/bpfline"
if [ ! -x "$ASAN_BUILD/bpfline" ]; then
	echo "no $ASAN_BUILD/bpfline: build failed"
	record alloc "not run"
elif [ "$(id -u)" != 0 ]; then	# the programs load and attach
	echo "skipped: needs root"
	if [ "${CI:-}" = true ]; then record alloc FAILED; else record alloc skipped; fi
elif scripts/mount-tracefs.sh && tests/alloc/sweep.py -b "$ASAN_BUILD/bpfline" -j "$JOBS" --budget 60; then
	record alloc ok
else
	record alloc FAILED
fi

section "fuzz corpus replay: $FUZZ_BUILD (clang-19, libFuzzer)"
if FUZZ_BUILD="$FUZZ_BUILD" JOBS="$JOBS" tests/fuzz/run.sh build &&
	FUZZ_BUILD="$FUZZ_BUILD" tests/fuzz/run.sh replay; then
	record fuzz-replay ok
else
	record fuzz-replay FAILED
fi

section "runtime tests: $BUILD/bpfline"
if [ ! -x "$BUILD/bpfline" ]; then
	echo "no $BUILD/bpfline: build failed"
	record runtime "not run"
else
	if [ "$(id -u)" = 0 ]; then scripts/mount-tracefs.sh; fi
	if tests/runtime/run.sh -b "$BUILD/bpfline" tests/runtime/cases/*.cases; then
		if [ "$(id -u)" = 0 ]; then record runtime ok; else record runtime skipped; fi
	else
		record runtime FAILED
	fi
fi

# The runtime cases run again under ASan+UBSan (leak checking on): these files,
# chosen to cover the run's life (control events, signals, teardown, exit, the
# error sink, printers, strings, -c/-p) at a third of the whole lane's time. The
# sanitized binary starts several times slower: timeouts are scaled.
ASAN_CASES=(control signals teardown exit foundation messages output printed strings)
section "runtime tests under ASan+UBSan: $ASAN_BUILD/bpfline (${ASAN_CASES[*]})"
if [ ! -x "$ASAN_BUILD/bpfline" ]; then
	echo "no $ASAN_BUILD/bpfline: build failed"
	record runtime-asan "not run"
else
	asan_files=()
	for f in "${ASAN_CASES[@]}"; do asan_files+=("tests/runtime/cases/$f.cases"); done
	if ASAN_OPTIONS=detect_leaks=1 BPFL_TIMEOUT_SCALE=3 \
		tests/runtime/run.sh -b "$ASAN_BUILD/bpfline" "${asan_files[@]}"; then
		if [ "$(id -u)" = 0 ]; then record runtime-asan ok; else record runtime-asan skipped; fi
	else
		record runtime-asan FAILED
	fi
fi

section "stream test: $BUILD/bpfline (1,000,000 printf records)"
if [ ! -x "$BUILD/bpfline" ]; then
	record stream "not run"
elif tests/stream/run.sh -b "$BUILD/bpfline"; then
	if [ "$(id -u)" = 0 ]; then record stream ok; else record stream skipped; fi
else
	record stream FAILED
fi

section "package: make install/uninstall, make deb, dpkg -i/-r (tests/package/run.sh)"
if [ "$build_ok" = 0 ]; then
	record package "not run"
elif tests/package/run.sh -b "$BUILD"; then
	if [ "$(id -u)" = 0 ]; then record package ok; else record package skipped; fi
else
	record package FAILED
fi

section "compat: bpftrace's runtime suite, the tests of tests/compat/passing.txt"
if [ ! -x "$BUILD/bpfline" ]; then
	record compat "not run"
else
	compat_log=$(mktemp)
	if tests/compat/run.sh -b "$BUILD/bpfline" | tee "$compat_log"; then
		if grep -q '^SKIPPED compat' "$compat_log"; then record compat skipped; else record compat ok; fi
	else
		record compat FAILED
	fi
	rm -f "$compat_log"
fi

section "VM lane: tests/vm/run.sh with $BUILD/bpfline"
if [ "${BPFL_VM:-1}" = 0 ]; then
	echo "skipped: BPFL_VM=0"
	record vm skipped
elif [ ! -x "$BUILD/bpfline" ]; then
	echo "no $BUILD/bpfline: build failed"
	record vm "not run"
elif [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "skipped: needs root and qemu-system-x86_64 (scripts/install-deps.sh installs it)"
	if [ "${CI:-}" = true ]; then record vm FAILED; else record vm skipped; fi
elif tests/vm/run.sh -b "$BUILD/bpfline"; then
	record vm ok
else
	record vm FAILED
fi

section "VM compat lane: tests/compat/run.sh --vm --listed with $BUILD/bpfline"
if [ "${BPFL_VM:-1}" = 0 ]; then
	echo "skipped: BPFL_VM=0"
	record vm-compat skipped
elif [ ! -x "$BUILD/bpfline" ]; then
	echo "no $BUILD/bpfline: build failed"
	record vm-compat "not run"
elif [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "skipped: needs root and qemu-system-x86_64 (scripts/install-deps.sh installs it)"
	if [ "${CI:-}" = true ]; then record vm-compat FAILED; else record vm-compat skipped; fi
else
	vm_compat_log=$(mktemp)
	if tests/compat/run.sh --vm --listed -b "$BUILD/bpfline" | tee "$vm_compat_log"; then
		if grep -q '^SKIPPED compat' "$vm_compat_log"; then
			record vm-compat skipped
		else
			record vm-compat ok
		fi
	else
		# a hung guest is ended by tests/vm/run.sh (BPFL_VM_STALL,
		# BPFL_VM_TIMEOUT) and fails the lane like a failing test
		record vm-compat FAILED
	fi
	rm -f "$vm_compat_log"
fi

summary=$(printf '%s, ' "${results[@]}")
summary=${summary%, }
echo
if [ "$failed" = 0 ]; then
	echo "make test: PASSED ($summary)"
else
	echo "make test: FAILED ($summary)"
	exit 1
fi
