#!/bin/bash
# Inside the VM (tests/compat/run.sh --vm): run bpftrace's suite against bpfline.
#
#   compat-guest.sh SUITE WORK TARBALL BINARY RUNS FILTER
#
# WORK is the suite's scratch directory, prepared on the host (test programs built)
# and packed into TARBALL: it is read-only here, so the tarball is unpacked into the
# guest's tmpfs and bind-mounted over WORK's path (the test programs keep the paths
# they were built with; one file over 9p instead of thousands: ~1 s, not ~60 s). The
# engine runs RUNS times with FILTER; its log goes to the console as it is written,
# each line prefixed "BPFL-COMPAT-LOG i: " (run i), then the suite's per-file
# counts as "compat-vm: " lines, for the host to read from the console.
set -u
suite=$1 work=$2 tarball=$3 bin=$4 runs=$5 filter=$6
copy=/tmp/bpfl-compat
mkdir -p "$work" 2>/dev/null
mkdir -p "$copy" && tar -C "$copy" -xf "$tarball" && mount --bind "$copy" "$work" || {
	echo "compat-vm: cannot make $work writable in the guest"
	exit 125
}
# The binary runs from the guest's memory too: every test executes it, and
# paging a 45 MB static executable in over 9p each time is slow under TCG.
cp "$bin" /tmp/bpfline && bin=/tmp/bpfline || {
	echo "compat-vm: cannot copy $bin into the guest"
	exit 125
}
# The modules the suite's module tests look for (REQUIRES lsmod | grep '^nf_tables',
# '^kvm'), from the guest kernel's package unpacked in the host's cache
# (BPFL_VM_MODROOT, tests/vm/run.sh).
for m in nf_tables kvm; do
	modprobe -d "${BPFL_VM_MODROOT:-/}" "$m" 2>/dev/null ||
		echo "compat-vm: modprobe $m failed (its tests will be skipped)"
done
for ((i = 1; i <= runs; i++)); do
	start=$(date +%s)
	rm -f "$work/last.log"
	WORK=$work "$suite/run.sh" "$bin" "$filter" >"$copy.summary" 2>&1 &
	run=$!
	# The log line by line as the engine writes it: a test that hangs the guest
	# still shows where it was.
	tail --pid="$run" -n +1 -F "$work/last.log" 2>/dev/null | sed -u "s/^/BPFL-COMPAT-LOG $i: /"
	wait "$run"
	sed 's/^/compat-vm: /' "$copy.summary"
	echo "compat-vm: run $i of $runs: $(($(date +%s) - start)) s"
done
