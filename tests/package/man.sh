#!/usr/bin/env bash
# tests/package/man.sh MANPAGE BPFLINE: the rendered man page bpfline(8) renders
# without a warning from man(1)/groff, and names every option `BPFLINE --help`
# lists. Run by ctest as package/man.
set -euo pipefail
page=$1 bin=$2
fail=0

warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
if [ -n "$warnings" ]; then
	echo "FAIL: man --warnings -l $page:"
	printf '%s\n' "$warnings" | sed 's/^/  | /'
	fail=1
fi

# Wide enough that no option is broken at a line end or hyphenated; col -b drops
# the overstrike of bold and underline.
text=$(MANWIDTH=400 man -l "$page" 2>/dev/null | col -b)
options=$("$bin" --help | sed -n '/^OPTIONS:/,/^$/p' |
	grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z]*' | tr -d ' ,' | sort -u)
[ -n "$options" ] || { echo "FAIL: no options found in $bin --help"; exit 1; }
for opt in $options; do
	# the option as a word of its own: -l must not match inside -lv or --list
	if ! grep -qE -- "(^|[^-A-Za-z])$opt([^-A-Za-z]|$)" <<<"$text"; then
		echo "FAIL: option $opt of '$bin --help' is not in the man page"
		fail=1
	fi
done
[ "$fail" = 0 ] && echo "man page: no warnings, $(wc -w <<<"$options") options of --help present"
exit "$fail"
