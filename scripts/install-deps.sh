#!/usr/bin/env bash
# Install bpfline's build and test dependencies on Debian 12 (bookworm), as root.
# Instant when everything is present: only dpkg-query runs; apt-get update and
# apt-get install run only for what is missing. Prints one line when it installs.
set -euo pipefail

packages=(
	# build
	cmake make gcc pkg-config flex bison llvm-19-dev
	libbpf-dev libelf-dev libdw-dev zlib1g-dev libzstd-dev libcmocka-dev
	# tests (triggers use python3; bpftrace for side-by-side benchmarks; jq checks
	# that -f json output is one JSON document a line)
	coreutils procps python3 bpftrace jq
	# the man page is scdoc source, checked with man (groff) and col; make deb uses
	# dpkg-deb and dpkg-shlibdeps (dpkg-dev)
	scdoc man-db bsdextrautils dpkg-dev
	# usdt tests compile a program with <sys/sdt.h>
	systemtap-sdt-dev
	# the compat lane (tests/compat): bpftrace's suite builds its test programs
	# (C, C++, zip, llvm-objcopy-19/llvm-dwp-19) and runs its Python engine,
	# which uses ps, pidof, unshare and nsenter
	g++ zip llvm-19 util-linux sysvinit-utils
	# the VM lane (tests/vm): a second kernel under qemu, a static busybox initramfs;
	# the VM compat lane's module tests run nft, modprobe and lsmod, and some of the
	# suite's tests count the kernel's BPF links and programs (REQUIRES bpftool)
	# (the guest sees the host's root)
	qemu-system-x86 busybox-static bpftool nftables kmod
	# the fuzz harnesses (tests/fuzz, build-fuzz/ only: bpfline itself builds with
	# gcc): clang-19 and its libFuzzer/sanitizer runtimes
	clang-19 libclang-rt-19-dev
)

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[ "${status:0:2}" = ii ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root to install them: sudo $0" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null; then
	echo "install-deps: missing packages: ${missing[*]}, and apt-get is not available (Debian 12 expected)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/bpfline-install-deps.XXXXXX.log)
apt=(apt-get -q -y -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
if ! { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${missing[@]}"; } \
	>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "install-deps: apt-get failed installing: ${missing[*]} (full log: $log)" >&2
	exit 1
fi
rm -f "$log"
echo "install-deps: installed ${missing[*]}"
