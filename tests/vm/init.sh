#!/bin/busybox sh
# PID 1 of the VM lane's initramfs (tests/vm/run.sh builds it around this file).
# Loads the virtio/9p modules listed in /modules.list, mounts the host's root (read
# only, 9p tag "host") on /host, gives it what a system needs (proc, sys, dev,
# tracefs, debugfs, bpffs, a tmpfs on /tmp and /run since the root is read-only,
# with the checkout named by `bpfl.keep=` kept visible even when it is in /tmp),
# chroots into it and runs the guest script named by `bpfl.run=` on the kernel
# command line. Its exit status is printed as "BPFL-VM-EXIT: N"; then power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "BPFL-VM-ERROR: $*"
	echo "BPFL-VM-EXIT: 125"
	poweroff -f
}

for m in $(cat /modules.list); do
	insmod "/lib/modules/$m" || fail "insmod $m"
done
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose host /host ||
	fail "mount of the host root over 9p"

run= keep=
for arg in $(cat /proc/cmdline); do
	case $arg in
	bpfl.run=*) run=${arg#bpfl.run=} ;;
	bpfl.keep=*) keep=${arg#bpfl.keep=} ;;
	esac
done
[ -n "$run" ] || fail "no bpfl.run= on the kernel command line"

mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mkdir -p /host/dev/pts /host/dev/shm
ln -s /proc/self/fd /host/dev/fd
ln -s /proc/self/fd/0 /host/dev/stdin
ln -s /proc/self/fd/1 /host/dev/stdout
ln -s /proc/self/fd/2 /host/dev/stderr
mount -t devpts devpts /host/dev/pts 2>/dev/null
mount -t tmpfs shm /host/dev/shm
mount -t tracefs tracefs /host/sys/kernel/tracing
mount -t debugfs debugfs /host/sys/kernel/debug
mount -t bpf bpf /host/sys/fs/bpf
# The checkout under test (bpfl.keep=) may live in /tmp, which the tmpfs below
# would hide (CI clones into a fresh folder anywhere): set it aside with a bind
# mount and move it back on top of the tmpfs.
if [ -n "$keep" ] && [ -d "/host$keep" ]; then
	mkdir -p /keep
	mount -o bind "/host$keep" /keep || fail "bind mount of $keep"
fi
mount -t tmpfs tmp /host/tmp
mount -t tmpfs run /host/run
mount -t tmpfs vartmp /host/var/tmp 2>/dev/null
if [ -n "$keep" ] && [ -d /keep ]; then
	mkdir -p "/host$keep" 2>/dev/null
	mount -o move /keep "/host$keep" || fail "moving $keep back into place"
fi

# The stall report: when the console has sent nothing for bpfl.stall= seconds (the
# serial port's tx count in /proc/tty/driver/serial stands still), print every
# task's state, wait channel and kernel stack, once per silence, so a guest that
# hangs shows where it waits. It runs from the initramfs, not over 9p, so a stuck
# 9p request cannot stop it; the host kills the VM later (tests/vm/run.sh).
stall_report() {
	local limit=$1 last= quiet=0 tx p stat cmd
	while sleep 10; do
		tx=$(sed -n 's/^0:.* tx:\([0-9]*\).*/\1/p' /proc/tty/driver/serial)
		if [ "$tx" != "$last" ]; then last=$tx quiet=0; continue; fi
		quiet=$((quiet + 10))
		[ "$quiet" -ge "$limit" ] && [ $((quiet - 10)) -lt "$limit" ] || continue
		echo "BPFL-VM-STALL: the console was silent for $limit s; tasks:"
		for p in /proc/[0-9]*; do
			read -r stat <"$p/stat" 2>/dev/null || continue
			# kernel threads (no command line) only when not sleeping
			cmd=
			read -r cmd <"$p/cmdline" 2>/dev/null
			[ -n "$cmd" ] || case $stat in *") D "*|*") R "*) ;; *) continue ;; esac
			echo "BPFL-VM-STALL: ${p#/proc/} $(echo "$stat" | sed 's/^[0-9]* \(([^)]*)\) \(.\) \([0-9]*\).*/\1 state \2 ppid \3/') wchan $(cat "$p/wchan" 2>/dev/null) cmd $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-160)"
			sed 's/^/BPFL-VM-STALL:     /' "$p/stack" 2>/dev/null | head -n 12
		done
		dmesg | tail -n 20 | sed 's/^/BPFL-VM-STALL: dmesg: /'
	done
}
stall=
for arg in $(cat /proc/cmdline); do
	case $arg in bpfl.stall=*) stall=${arg#bpfl.stall=} ;; esac
done
[ -z "$stall" ] || stall_report "$stall" &

chroot /host /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TMPDIR=/tmp TERM=dumb /bin/bash "$run"
echo "BPFL-VM-EXIT: $?"
sync
poweroff -f
