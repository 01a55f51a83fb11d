#!/usr/bin/env bash
# tests/package/completion.sh BPFLINE SRCDIR: the bash completion (completion/
# bpfline.bash) called as bash calls it — COMP_LINE, COMP_POINT, COMP_WORDS and the
# word being replaced as $2, which bash cuts at ':' and at an open quote (checked
# against an interactive bash) — and the zsh completion's option list against
# `BPFLINE --help`. Probe-name cases need root (tracefs) and are skipped without it.
# Run by ctest as package/completion.
set -uo pipefail
src=$2
fail=0 ran=0
# Run the binary under another name: runtime runners on the same machine kill every
# process named bpfline that they did not start (a stray of theirs, to them).
tmp=$(mktemp -d /tmp/bpfl-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/bpfl-completion
ln -s "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" "$bin"
# shellcheck source=/dev/null
. "$src/completion/bpfline.bash"

# case LINE REPLACED WANT...: complete at the end of LINE, bash replacing REPLACED;
# COMPREPLY must be exactly WANT... (sorted), or empty when WANT is "-".
case_() {
	local line=$1 replaced=$2
	shift 2
	local -a words
	read -r -a words <<<"$line"
	COMP_LINE=$line COMP_POINT=${#line}
	COMP_WORDS=("$bin" "${words[@]:1}") COMP_CWORD=$((${#words[@]} - 1))
	[[ $line == *' ' ]] && COMP_WORDS+=('') COMP_CWORD=${#words[@]}
	COMPREPLY=()
	_bpfline bpfline "$replaced" "" 2>/dev/null
	local got want
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	if [ "$1" = - ]; then want=' '; [ ${#COMPREPLY[@]} = 0 ] && got=' '
	else want=$(printf '%s\n' "$@" | sort | tr '\n' ' '); fi
	ran=$((ran + 1))
	if [ "$got" != "$want" ]; then
		echo "FAIL: completing [$line] (replacing [$replaced]): got [$got], want [$want]"
		fail=1
	fi
}

case_ "bpfline -f js" js json
case_ "bpfline -f " "" json text
case_ "bpfline -B " "" full line none
case_ "bpfline -d s" s sema
case_ "bpfline --mode b" b bench
case_ "bpfline --us" --us --usdt-file-activation
case_ "bpfline --verif" --verif --verify-llvm-ir
# pids: this shell's is among them (others come and go while the test runs)
COMP_LINE="bpfline -p $$" COMP_POINT=${#COMP_LINE} COMP_WORDS=("$bin" -p "$$") COMP_CWORD=2
_bpfline bpfline "$$" "" 2>/dev/null
ran=$((ran + 1))
printf '%s\n' "${COMPREPLY[@]}" | grep -qx "$$" ||
	{ echo "FAIL: completing [bpfline -p $$]: this shell's pid is not offered"; fail=1; }

# the binary of a uprobe is a file name: files get the ':' of the function that
# follows, directories a '/'
touch "$tmp/prog1" "$tmp/prog2"
mkdir "$tmp/progd"
case_ "bpfline -l uprobe:$tmp/pro" "$tmp/pro" "$tmp/prog1:" "$tmp/prog2:" "$tmp/progd/"
case_ "bpfline -e 'ur:$tmp/prog1" "ur:$tmp/prog1" "ur:$tmp/prog1:"

# every option of --help is offered after '-'
options=$("$bin" --help | sed -n '/^OPTIONS:/,/^$/p' |
	grep -oE '(^|[ ,])--?[A-Za-z][-A-Za-z]*' | tr -d ' ,' | sort -u)
case_ "bpfline -" - $options --

# zsh: the function parses, and every option of --help is in it
if command -v zsh >/dev/null; then
	ran=$((ran + 1))
	zsh -n "$src/completion/_bpfline" || { echo "FAIL: zsh -n completion/_bpfline"; fail=1; }
fi
for opt in $options; do
	ran=$((ran + 1))
	grep -qE -- "(['{,*]|^ *)$opt[\[,}']" "$src/completion/_bpfline" ||
		{ echo "FAIL: option $opt of --help is not in completion/_bpfline"; fail=1; }
done

if [ "$(id -u)" = 0 ] && [ -e /sys/kernel/tracing/events/sched/sched_switch ]; then
	case_ "bpfline -l tracep" tracep tracepoint:
	case_ "bpfline -l tracepoint:sched:sched_swi" sched_swi sched_switch
	case_ "bpfline -l t:sched:sched_swi" sched_swi sched_switch
	# one level at a time: the category, with its ':', not every tracepoint in it
	case_ "bpfline -l tracepoint:nosuchcategory" nosuchcategory -
	case_ "bpfline -l tracepoint:sche" sche sched:
	# inside -e '...' bash replaces everything after the quote
	case_ "bpfline -e 'tracepoint:sched:sched_swi" tracepoint:sched:sched_swi \
		tracepoint:sched:sched_switch
	case_ "bpfline -e 'BEGIN { exit(); } t:sched:sched_swi" \
		"BEGIN { exit(); } t:sched:sched_swi" "BEGIN { exit(); } t:sched:sched_switch"
	case_ "bpfline -e 'tracepoint:sched:sched_switch,tracepoint:sched:sched_wakeup_n" \
		"tracepoint:sched:sched_switch,tracepoint:sched:sched_wakeup_n" \
		"tracepoint:sched:sched_switch,tracepoint:sched:sched_wakeup_new"
	# inside a block or a predicate: not an attach point
	case_ "bpfline -e 'tracepoint:sched:sched_switch { @[t" \
		"tracepoint:sched:sched_switch { @[t" -
	case_ "bpfline -e 'tracepoint:sched:sched_switch /pid == t" \
		"tracepoint:sched:sched_switch /pid == t" -
else
	echo "SKIPPED probe names: they need root and tracefs"
	[ "${CI:-}" = true ] && fail=1
fi
[ "$fail" = 0 ] && echo "completion: $ran checks passed"
exit "$fail"
