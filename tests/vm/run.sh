#!/usr/bin/env bash
# The VM lane: run the runtime-test runner inside a VM booted on Debian's
# linux-image-amd64 kernel (6.1: kprobes, fentry/fexit, BTF), for what the host
# kernel lacks.
#
#   tests/vm/run.sh [-b path/to/bpfline] [-f FILTER] [CASEFILE...]
#
# Default case files: tests/runtime/cases/vm/*.cases. The kernel package is fetched
# once with `apt-get download` and unpacked with `dpkg -x` into the cache
# ($BPFL_VM_CACHE, default /var/cache/bpfline-vm); nothing is installed into /boot.
# The initramfs is busybox-static plus the virtio/9p modules of that kernel and
# tests/vm/init.sh; it mounts the host's root read-only over 9p, chroots into it and
# runs tests/runtime/run.sh there, output on the serial console. The guest's exit
# status is read back from the console ("BPFL-VM-EXIT: N").
#
# Environment:
#   BPFL_VM_CACHE       kernel and initramfs cache directory
#   BPFL_VM_ACCEL       tcg (default) | kvm
#   BPFL_VM_TIMEOUT     seconds before the VM is killed (default 1200)
#   BPFL_VM_STALL       seconds without console output before the VM is killed as
#                       hung (default 240; the guest lists its tasks' kernel stacks
#                       at half that, lines "BPFL-VM-STALL: ...")
#   BPFL_TIMEOUT_SCALE  passed to the runner in the guest (default 1.5 with KVM, 3 with TCG)
#   BPFL_VM_SHELL=1     interactive: a shell in the guest instead of the tests
#   BPFL_VM_CMD=...     a shell command to run in the guest instead of the tests
#   BPFL_VM_SMP         guest CPUs (default 2)
#   BPFL_VM_TCG         extra -accel tcg options (e.g. thread=single)
#   BPFL_VM_APPEND      extra guest kernel parameters
# Exit status: that of the runner in the guest; 125 when the VM could not run them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

bin=build/bpfline
filter=
while getopts b:f: o; do
	case $o in
	b) bin=$OPTARG ;;
	f) filter=$OPTARG ;;
	*) echo "usage: $0 [-b bpfline] [-f FILTER] [CASEFILE...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(tests/runtime/cases/vm/*.cases)
bin=$(realpath "$bin")
for i in "${!cases[@]}"; do cases[$i]=$(realpath "${cases[$i]}"); done

cache=${BPFL_VM_CACHE:-/var/cache/bpfline-vm}
say() { printf 'vm: %s\n' "$*" >&2; }
die() { printf 'vm: %s\n' "$*" >&2; exit 125; }

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (Debian: qemu-system-x86)"
busybox=/bin/busybox
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
	die "a static $busybox is needed (Debian: busybox-static)"
[ -x "$bin" ] || die "no binary $bin"
mkdir -p "$cache"

# The kernel: the package linux-image-amd64 depends on, unpacked into $cache/<version>.
kernel_fetch() {
	local pkg deb ver
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "apt-cache knows no linux-image-amd64 (apt-get update?)"
	ver=${pkg#linux-image-}
	if [ ! -e "$cache/$ver/ok" ]; then
		say "fetching $pkg into $cache"
		rm -rf "$cache/$ver" && mkdir -p "$cache/$ver"
		(cd "$cache/$ver" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
			die "apt-get download $pkg failed"
		deb=$(ls "$cache/$ver"/*.deb)
		dpkg -x "$deb" "$cache/$ver/root" && rm -f "$deb"
		"$busybox" depmod -b "$cache/$ver/root" "$ver"
		touch "$cache/$ver/ok"
	fi
	# kmod's modprobe (in the guest, for the compat lane's module tests) needs the
	# binary indexes, which busybox's depmod does not write
	if [ ! -e "$cache/$ver/root/lib/modules/$ver/modules.dep.bin" ] && command -v depmod >/dev/null; then
		depmod -b "$cache/$ver/root" "$ver" || say "depmod of the guest's modules failed"
	fi
	echo "$ver"
}

# The modules that mount the host root, dependencies first (from modules.dep).
module_order() {	# module_order MODDIR NAME...
	local dir=$1 name
	shift
	declare -A seen=()
	visit() {
		local rel=$1 dep
		[ -z "${seen[$rel]:-}" ] || return 0
		seen[$rel]=1
		for dep in $(awk -v m="$rel:" '$1 == m { $1 = ""; print }' "$dir/modules.dep"); do
			visit "$dep"
		done
		echo "$rel"
	}
	for name in "$@"; do
		visit "$(awk -F: -v n="/$name.ko" 'index($1, n) && substr($1, length($1) - length(n) + 1) == n { print $1; exit }' "$dir/modules.dep")"
	done
}

initramfs_build() {	# initramfs_build VERSION -> path
	local ver=$1 moddir="$cache/$1/root/lib/modules/$1" out stamp tmp m
	stamp=$(cat "$here/init.sh" "$busybox" | sha256sum | cut -c1-16)
	out="$cache/$ver/initramfs-$stamp.cpio.gz"
	if [ ! -e "$out" ]; then
		tmp=$(mktemp -d)
		mkdir -p "$tmp"/{bin,proc,sys,dev,host,lib/modules}
		cp "$busybox" "$tmp/bin/busybox"
		cp "$here/init.sh" "$tmp/init"
		chmod 755 "$tmp/init"
		module_order "$moddir" virtio_pci 9pnet_virtio 9p >"$tmp/modules.list"
		for m in $(cat "$tmp/modules.list"); do
			mkdir -p "$tmp/lib/modules/$(dirname "$m")"
			cp "$moddir/$m" "$tmp/lib/modules/$m"
		done
		(cd "$tmp" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp"
		mv "$out.tmp" "$out"
		rm -rf "$tmp"
	fi
	echo "$out"
}

ver=$(kernel_fetch)
initrd=$(initramfs_build "$ver")
kernel="$cache/$ver/root/boot/vmlinuz-$ver"

accel=${BPFL_VM_ACCEL:-auto}
# KVM is opt-in: under nested virtualisation (this project's machines) /dev/kvm can
# exist and still hang the guest before its first console line.
[ "$accel" != auto ] || accel=tcg
case $accel in
kvm) accel_args=(-accel kvm -cpu host,-arch-capabilities) scale=${BPFL_TIMEOUT_SCALE:-1.5} ;;
tcg) accel_args=(-accel "tcg${BPFL_VM_TCG:+,$BPFL_VM_TCG}" -cpu max) scale=${BPFL_TIMEOUT_SCALE:-3} ;;
*) die "BPFL_VM_ACCEL must be kvm, tcg or auto" ;;
esac

# The guest script lives in the cache (the guest's /tmp is its own tmpfs).
rundir=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$rundir"' EXIT
{
	echo "cd $(printf '%q' "$repo")"
	echo "echo \"vm: kernel \$(uname -r), $accel, \$(nproc) cpus, up \$(cut -d' ' -f1 /proc/uptime) s\""
	if [ "${BPFL_VM_SHELL:-0}" = 1 ]; then
		echo "exec /bin/bash -i </dev/ttyS0 >/dev/ttyS0 2>&1"
	fi
	printf 'export BPFL_TIMEOUT_SCALE=%q CI=%q\n' "$scale" "${CI:-}"
	# the guest kernel's modules: modprobe -d "$BPFL_VM_MODROOT" NAME
	printf 'export BPFL_VM_MODROOT=%q\n' "$cache/$ver/root"
	if [ -n "${BPFL_VM_CMD:-}" ]; then
		printf '%s\n' "$BPFL_VM_CMD"
	else
		printf 'tests/runtime/run.sh -b %q' "$bin"
		[ -z "$filter" ] || printf ' -f %q' "$filter"
		printf ' %q' "${cases[@]}"
		echo
	fi
} >"$rundir/guest.sh"

log="$rundir/console.log"
limit=${BPFL_VM_TIMEOUT:-1200} stall=${BPFL_VM_STALL:-240}
say "booting $ver ($accel) with ${#cases[@]} case file(s)"
start=$(date +%s%N)
qemu=(qemu-system-x86_64 "${accel_args[@]}" -m 2G -smp "${BPFL_VM_SMP:-2}" -nographic -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 quiet loglevel=3 panic=-1 bpfl.run=$rundir/guest.sh bpfl.keep=$repo bpfl.stall=$((stall / 20 * 10)) ${BPFL_VM_APPEND:-}"
	-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap"
	-nic none)
if [ "${BPFL_VM_SHELL:-0}" = 1 ]; then
	"${qemu[@]}"
	exit 0
fi
# A guest that stops printing is stuck (the suite's tests and the runner's cases
# all have timeouts far below this): end it after $stall s of silence, after the
# guest's own stall report (init.sh, at half that) has shown where it waits.
stall_watch() {	# stall_watch PID LOG
	local pid=$1 log=$2 lines last=-1 quiet=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		# the guest's stall report is not progress
		lines=$(grep -vc '^BPFL-VM-STALL' "$log" 2>/dev/null)
		if [ "$lines" != "$last" ]; then last=$lines quiet=0; continue; fi
		quiet=$((quiet + 5))
		if [ "$quiet" -ge "$stall" ]; then
			touch "$rundir/stalled"
			kill -TERM "$pid" 2>/dev/null
			return
		fi
	done
}
set +e
mkfifo "$rundir/out"
sed -u 's/\r$//' <"$rundir/out" | tee "$log" &
teepid=$!
timeout --foreground -k 10 "$limit" "${qemu[@]}" </dev/null >"$rundir/out" 2>&1 &
qpid=$!
stall_watch "$qpid" "$log" &
wpid=$!
wait "$qpid"
qrc=$?
kill "$wpid" 2>/dev/null
wait "$teepid" "$wpid" 2>/dev/null
set -e
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
rc=$(sed -n 's/^BPFL-VM-EXIT: \([0-9]*\)$/\1/p' "$log" | tail -n1)
if [ -z "$rc" ]; then
	if [ -e "$rundir/stalled" ]; then
		say "FAILED: the guest printed nothing for $stall s (hung; BPFL_VM_STALL): killed after $((elapsed / 1000)) s; its last lines:"
		grep -v '^BPFL-VM-STALL' "$log" | tail -n 5 | sed 's/^/vm:   /' >&2
	elif [ "$qrc" = 124 ]; then
		say "FAILED: the VM ran over its $limit s (BPFL_VM_TIMEOUT): killed"
	fi
	say "the VM ended without a result (qemu status $qrc)"
	exit 125
fi
say "kernel $ver, $accel: guest exit status $rc, $((elapsed / 1000)).$((elapsed % 1000 / 100)) s in all"
exit "$rc"
