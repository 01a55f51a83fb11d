#!/usr/bin/env bash
# scripts/make-deb.sh BUILD VERSION: build BUILD/bpfline_VERSION_ARCH.deb from the
# install rules of CMakeLists.txt (run by `make deb`, the CMake target "deb").
#
# A binary package built with dpkg-deb from a staged install tree, not a debian/
# source package built by debhelper: the install rules are CMake's, so staging them
# with `cmake --install --prefix /usr --strip` gives exactly the files of
# `make install`; what a .deb adds is computed here:
#   Depends         dpkg-shlibdeps on the staged binary (LLVM is linked statically,
#                   so only the shared libraries it needs at run time: libbpf, libdw...)
#   changelog       packaging/deb/changelog, whose top version must be VERSION
#   copyright       packaging/deb/copyright (machine-readable format)
#   md5sums         of every file, as dpkg-deb leaves them to the builder
#   lintian         packaging/deb/lintian-overrides: the one warning lintian 2.116
#                   gives (hardening-no-pie) is a decision, explained there
# Man page and changelog are gzip -9n (Debian policy 12.1, 12.7), the zsh function
# goes where Debian's zsh looks for vendor completions. The result is a plain .deb
# that `dpkg -i` installs and `dpkg -r` removes without a trace.
set -euo pipefail
build=$(cd "$1" && pwd) version=$2
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
arch=$(dpkg --print-architecture)
work=$build/deb
root=$work/debian/bpfline	# dpkg-shlibdeps expects the package's files here
out=$build/bpfline_${version}_${arch}.deb

die() { echo "make-deb: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps dpkg-parsechangelog; do
	command -v "$tool" >/dev/null || die "$tool not found (Debian package dpkg-dev)"
done
changelog_version=$(dpkg-parsechangelog -l "$src/packaging/deb/changelog" -S Version)
[ "$changelog_version" = "$version" ] ||
	die "packaging/deb/changelog is at $changelog_version, the build at $version: add an entry"

rm -rf "$work"
mkdir -p "$root/DEBIAN"
# --component: the staging writes install_manifest_Unspecified.txt, so the manifest
# of a real `make install` (which `make uninstall` replays) is left alone
DESTDIR=$root cmake --install "$build" --prefix /usr --strip --component Unspecified >/dev/null
rm -f "$build/install_manifest_Unspecified.txt"

doc=$root/usr/share/doc/bpfline
[ -f "$root/usr/share/man/man8/bpfline.8" ] ||
	die "no man page to package: install scdoc (scripts/install-deps.sh) and reconfigure"
gzip -9n "$root/usr/share/man/man8/bpfline.8"
gzip -9n -c "$src/packaging/deb/changelog" >"$doc/changelog.gz"
install -m 0644 "$src/packaging/deb/copyright" "$doc/copyright"
install -D -m 0644 "$src/packaging/deb/lintian-overrides" "$root/usr/share/lintian/overrides/bpfline"
if [ -d "$root/usr/share/zsh/site-functions" ]; then
	mkdir -p "$root/usr/share/zsh/vendor-completions"
	mv "$root/usr/share/zsh/site-functions/"* "$root/usr/share/zsh/vendor-completions/"
	rmdir "$root/usr/share/zsh/site-functions"
fi

# Depends: the packages of the shared libraries the binary loads
printf 'Source: bpfline\n\nPackage: bpfline\nArchitecture: any\n' >"$work/debian/control"
# (its warning that the binary is not in its package's directory is spurious here)
depends=$(cd "$work" && dpkg-shlibdeps -O -e debian/bpfline/usr/bin/bpfline \
	2> >(grep -v "should already be installed" >&2) | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies"

size=$(du -k -s --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
	-e "s|@DEPENDS@|$depends|" "$src/packaging/deb/control.in" >"$root/DEBIAN/control"
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} +

# gzip -9: 4 s of CPU for this 35 MB binary where xz takes 39 s; every dpkg reads it
dpkg-deb --root-owner-group -Zgzip -z9 --build "$root" "$out" >/dev/null
echo "make-deb: $out ($(du -k "$out" | cut -f1) kB; Depends: $depends)"
