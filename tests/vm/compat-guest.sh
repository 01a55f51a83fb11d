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
# The TCG rescue. A suite test whose AFTER command is a busy loop of system calls
# (probe.fexit large args: fentry_args calls bpf() forever) can stall the guest's
# RCU-tasks grace period that detaching a trampoline waits for (ftrace_shutdown ->
# synchronize_rcu_tasks[_rude]): under TCG the timer interrupt is taken at the next
# translated block, almost always in the kernel half of the loop, so the task is
# never seen in user mode and never lets the per-CPU work run; the vCPU soft-locks.
# The engine kills AFTER only once the traced tool has exited, and the tool cannot
# exit until AFTER stops: a deadlock that KVM or hardware does not have. When the
# tool (the suite calls it bpftrace) has waited in an RCU grace period for
# RESCUE_AFTER s, the running processes of the test's other sessions (its AFTER and
# BEFORE commands, which the engine would kill next anyway) are killed, and a line
# "compat-vm: RESCUE ..." says so on the console and in the summary.
RESCUE_AFTER=${BPFL_VM_RESCUE_AFTER:-4}
rescue_loop() {
	local me waited=0 pid stat sid tsid comm killed=" "
	me=$(cut -d' ' -f6 /proc/$$/stat)
	while sleep 1; do
		tool= tsid=
		for pid in $(pidof bpftrace); do
			grep -q '__wait_rcu_gp\|synchronize_rcu' "/proc/$pid/stack" 2>/dev/null &&
				tool=$pid && tsid=$(cut -d' ' -f6 "/proc/$pid/stat")
		done
		if [ -z "$tool" ]; then waited=0; continue; fi
		waited=$((waited + 1))
		[ "$waited" -ge "$RESCUE_AFTER" ] || continue
		for stat in /proc/[0-9]*/stat; do
			read -r pid comm _ 2>/dev/null <"$stat" || continue
			# fields after the parenthesised comm: state ppid pgrp session
			set -- $(sed 's/^.*) //' "$stat" 2>/dev/null)
			[ "${1:-}" = R ] && [ "${2:-0}" != 2 ] && [ "$pid" != 1 ] || continue
			sid=${4:-}
			[ -n "$sid" ] && [ "$sid" != "$me" ] && [ "$sid" != "$tsid" ] && [ "$sid" != 1 ] || continue
			kill -9 "$pid" 2>/dev/null || continue
			# a SIGKILL can take seconds to land on the stuck vCPU: report a pid once
			case $killed in *" $pid "*) continue ;; esac
			killed="$killed$pid "
			echo "compat-vm: RESCUE: bpftrace (pid $tool) waited ${waited} s in an RCU-tasks grace period; killed pid $pid $comm, a busy process of the test" |
				tee -a "$copy.rescues"
		done
		waited=0
	done
}
rm -f "$copy.rescues"
rescue_loop &
rescuer=$!
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
kill "$rescuer" 2>/dev/null
[ ! -s "$copy.rescues" ] || echo "compat-vm: $(wc -l <"$copy.rescues") RESCUE(s) in all (the TCG RCU-tasks deadlock; see above)"
