#!/usr/bin/env bash
# tests/package/run.sh [-b BUILD]: the package lane of `make test`.
#   1. make install into a DESTDIR puts every file where bpftrace users look (bin,
#      man8, share/bpfline/tools, completion, doc), and make uninstall removes them all
#   2. make deb builds BUILD/bpfline_<version>_<arch>.deb; `dpkg -i` installs it;
#      the installed /usr/bin/bpfline runs -V, a tracepoint one-liner, and every
#      installed tool with --dry-run (compiled, loaded, attached, detached);
#      `man -w bpfline` finds the page; `dpkg -r` leaves none of its files behind.
# Step 2 needs root and dpkg; without them it is SKIPPED (a failure under CI=true).
# A bpfline package left by an interrupted run is removed first, so the lane can run
# again; one lock serialises concurrent runs (dpkg has a single database).
# Prints PASS/FAIL/SKIPPED lines and one closing line; exit 1 if anything failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=build
[ "${1-}" = -b ] && build=$2
build=$(cd "$build" && pwd) || exit 2
passed=0 failed=0 skipped=0
tmp=$(mktemp -d /tmp/bpfl-package.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIPPED $1: $2"; skipped=$((skipped + 1)); [ "${CI:-}" = true ] && failed=$((failed + 1)); }
# check WHAT COMMAND...: run COMMAND; when it fails, WHAT is added to errors
check() { local what=$1; shift; "$@" >/dev/null 2>&1 || { errors+=("$what"); return 1; }; }

version=$("$build/bpfline" -V | sed -n 's/^bpfline v//p')
tools=(tools/*.bt)
[ -e "${tools[0]}" ] || tools=()

# --- 1. make install / make uninstall into a DESTDIR --------------------------
install_test() {
	local dest=$tmp/dest prefix=/usr/local manifest=$build/install_manifest.txt
	errors=()
	# keep the manifest of a real install from this tree: `make uninstall` needs it
	[ -e "$manifest" ] && cp "$manifest" "$tmp/manifest.saved"
	make -s install BUILD="$build" DESTDIR="$dest" PREFIX=$prefix >"$tmp/install.log" 2>&1 ||
		errors+=("make install failed: $(tail -3 "$tmp/install.log")")
	local p=$dest$prefix
	check "bin/bpfline runs" "$p/bin/bpfline" -V
	check "man page in man8" test -s "$p/share/man/man8/bpfline.8"
	check "bash completion" test -s "$p/share/bash-completion/completions/bpfline"
	check "zsh completion" test -s "$p/share/zsh/site-functions/_bpfline"
	check "README in doc" test -s "$p/share/doc/bpfline/README.md"
	local t
	for t in "${tools[@]}"; do
		check "tool ${t##*/} installed, executable" test -x "$p/share/bpfline/tools/${t##*/}"
	done
	make -s uninstall BUILD="$build" DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1 ||
		errors+=("make uninstall failed: $(tail -3 "$tmp/uninstall.log")")
	local left
	left=$(find "$dest" -type f -o -type d -path '*bpfline*' 2>/dev/null)
	[ -z "$left" ] || errors+=("left after make uninstall: $(echo $left)")
	[ -e "$tmp/manifest.saved" ] && cp "$tmp/manifest.saved" "$manifest"
	if [ ${#errors[@]} = 0 ]; then pass "make install/uninstall (DESTDIR, ${#tools[@]} tools)"
	else fail "make install/uninstall" "$(printf '%s; ' "${errors[@]}")"; fi
}

# --- 2. make deb, dpkg -i, run, dpkg -r -------------------------------------
remove_package() {	# remove_package: dpkg -r bpfline if dpkg knows it in any state
	local st
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' bpfline 2>/dev/null) || return 0
	[ "${st:1:1}" = n ] && return 0	# not installed
	dpkg --purge bpfline >>"$tmp/dpkg.log" 2>&1
}

deb_test() {
	local deb files
	errors=()
	make -s deb BUILD="$build" >"$tmp/deb.log" 2>&1 ||
		{ fail "make deb" "$(tail -5 "$tmp/deb.log")"; return; }
	deb=$build/bpfline_${version}_$(dpkg --print-architecture).deb
	[ -s "$deb" ] || { fail "make deb" "no $deb"; return; }
	pass "make deb ($(du -k "$deb" | cut -f1) kB)"
	check "Depends lists libbpf1" sh -c "dpkg-deb -f '$deb' Depends | grep -q libbpf1"
	check "Depends has no LLVM (linked statically)" sh -c "! dpkg-deb -f '$deb' Depends | grep -qi llvm"
	check "copyright" sh -c "dpkg-deb -c '$deb' | grep -q ' ./usr/share/doc/bpfline/copyright$'"
	check "changelog" sh -c "dpkg-deb -c '$deb' | grep -q ' ./usr/share/doc/bpfline/changelog.gz$'"

	if command -v lintian >/dev/null; then	# not installed by install-deps: 100 MB of perl
		# no error and no warning (an intended one is overridden in packaging/deb)
		if ! lintian "$deb" >"$tmp/lintian.log" 2>&1 || grep -qE '^[EW]:' "$tmp/lintian.log"; then
			errors+=("lintian: $(head -5 "$tmp/lintian.log" | tr '\n' ' ')")
		fi
	else
		echo "NOTE: lintian is not installed: the package is not linted"
	fi

	remove_package	# a run interrupted before its dpkg -r
	if ! dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then
		fail "dpkg -i" "$(tail -5 "$tmp/dpkg.log")"
		remove_package
		return
	fi
	local out
	out=$(/usr/bin/bpfline -V 2>&1)
	[ "$out" = "bpfline v$version" ] || errors+=("/usr/bin/bpfline -V printed '$out'")
	out=$(/usr/bin/bpfline -q -c /bin/true -e 'tracepoint:syscalls:sys_enter_execve
		/pid == cpid/ { printf("exec %s\n", str(args.filename)); }' 2>&1)
	grep -qx 'exec /bin/true' <<<"$out" || errors+=("tracepoint one-liner printed '$out'")
	out=$(/usr/bin/bpfline -e 'BEGIN { printf("hi\n"); exit(); }' 2>/dev/null)
	[ "$out" = hi ] || errors+=("BEGIN one-liner printed '$out'")
	if grep -qs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/*; then
		echo "NOTE: dpkg is set to leave out man pages here (path-exclude): man not checked"
	else
		out=$(man -w bpfline 2>&1)
		[ "$out" = /usr/share/man/man8/bpfline.8.gz ] || errors+=("man -w bpfline: '$out'")
		out=$(MANWIDTH=80 man --warnings bpfline 2>&1 >/dev/null)
		[ -z "$out" ] || errors+=("man bpfline warns: $out")
	fi
	check "bash completion installed" test -s /usr/share/bash-completion/completions/bpfline
	local t
	for t in "${tools[@]}"; do
		check "tool ${t##*/} installed" test -x "/usr/share/bpfline/tools/${t##*/}"
	done
	# each tool compiles, loads and attaches from where it is installed
	for t in "${tools[@]}"; do
		t=/usr/share/bpfline/tools/${t##*/}
		/usr/bin/bpfline --dry-run "$t" >"$tmp/tool.log" 2>&1 ||
			errors+=("bpfline --dry-run $t: $(tail -3 "$tmp/tool.log")")
	done
	files=$(dpkg -L bpfline | while read -r f; do [ -f "$f" ] && echo "$f"; done)
	dpkg -r bpfline >>"$tmp/dpkg.log" 2>&1 || errors+=("dpkg -r failed")
	local left=()
	for f in $files; do [ -e "$f" ] && left+=("$f"); done
	[ -e /usr/share/bpfline ] && left+=(/usr/share/bpfline)
	[ -e /usr/share/doc/bpfline ] && left+=(/usr/share/doc/bpfline)
	[ ${#left[@]} = 0 ] || errors+=("left after dpkg -r: ${left[*]}")
	local st
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' bpfline 2>/dev/null)
	[ -z "$st" ] || [ "${st:1:1}" = n ] || errors+=("dpkg still knows bpfline after dpkg -r: '$st'")
	if [ ${#errors[@]} = 0 ]; then
		pass "dpkg -i, run from /usr/bin, man, ${#tools[@]} tools, dpkg -r"
	else
		fail "dpkg -i/run/dpkg -r" "$(printf '%s; ' "${errors[@]}")"
		remove_package
	fi
}

install_test
if [ "$(id -u)" != 0 ]; then
	skip "deb" "installing a package needs root"
elif ! command -v dpkg-deb >/dev/null || ! command -v dpkg-shlibdeps >/dev/null; then
	skip "deb" "dpkg-deb or dpkg-shlibdeps missing (Debian package dpkg-dev)"
else
	exec 9>/tmp/bpfl-package.lock
	flock -w 600 9 || { fail "deb" "another package test held /tmp/bpfl-package.lock for 10 minutes"; }
	deb_test
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
