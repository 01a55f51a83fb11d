#!/usr/bin/env bash
# Runtime-test runner: runs bpfline programs on the live kernel and checks their output.
#
# usage: tests/runtime/run.sh [-b path/to/bpfline] [-f FILTER] CASEFILE...
#
# Case files are blocks of `key: value` lines separated by blank lines (see
# docs/testing.md and /work/shared/oneliners/README.md). For each case the runner starts
# bpfline, waits until it prints `Attached N probe(s)` (its stdout and stderr go to
# one file), runs the trigger, waits for bpfline to exit (SIGINT after `timeout` seconds, as Ctrl-C would; SIGKILL 5 s later),
# and checks the exit status and the expect/reject/once patterns (and, for a case with
# `json: yes`, that every line of the output is one valid JSON document), and that the
# output has no sanitizer report (for a binary built with -DBPFL_SANITIZE=ON).
#
# Environment:
#   BPFL_TIMEOUT_SCALE  multiply every timeout and wait by this factor (default 1;
#                       decimals allowed, e.g. 2.5 — used by the slow VM lane)
#   BPFL_SETTLE         seconds to wait after attaching before the trigger (default 0.3)
#   BPFL_KEEP=1         keep the temporary directory with outputs and scripts
#   CI=true             not being root is an error instead of a skip
# Only bash, coreutils, grep and procps are used, and jq for `json: yes` cases.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${BPFLINE:-$here/../../build/bpfline}
tools_dir=$(cd "$here/../../tools" 2>/dev/null && pwd || echo "$here/../../tools")
filter=

usage() {
	echo "usage: $0 [-b path/to/bpfline] [-f FILTER] CASEFILE..." >&2
	echo "  FILTER is an extended regular expression matched against case names" >&2
	exit 2
}

while getopts "b:f:h" opt; do
	case $opt in
	b) bin=$OPTARG ;;
	f) filter=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || usage

# to_ms VALUE: seconds (decimals allowed) to integer milliseconds, in pure bash.
to_ms() {
	local v=$1 int frac
	[[ $v =~ ^([0-9]*)(\.([0-9]*))?$ ]] || { echo "bad number of seconds: '$v'" >&2; exit 2; }
	int=${BASH_REMATCH[1]:-0}
	frac=${BASH_REMATCH[3]:-}000
	echo $((10#$int * 1000 + 10#${frac:0:3}))
}

# scaled MS: milliseconds multiplied by BPFL_TIMEOUT_SCALE.
scale_pm=$(to_ms "${BPFL_TIMEOUT_SCALE:-1}")	# scale in per-mille
scaled() { echo $(($1 * scale_pm / 1000)); }

# nap SECS: wait without starting a process. A `sleep` command would itself
# be traced: cases that count nanosleep calls of comm "sleep" must see only
# their trigger's. read -t on a pipe that never has data is bash's own timer.
exec {NAP_FD}<> <(:)
nap() {
	read -r -t "$1" -u "$NAP_FD" _ || true
}

# secs MS: milliseconds as a decimal number of seconds for sleep(1).
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }

settle_ms=$(scaled "$(to_ms "${BPFL_SETTLE:-0.3}")")
attach_wait_ms=$(scaled 10000)
quiet_wait_ms=$(scaled 1000)
kill_grace_ms=$(scaled 5000)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpfl-runtime.XXXXXX")
child=
cleanup() {
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill -KILL "$child" 2>/dev/null || true
	fi
	if [ "${BPFL_KEEP:-0}" = 1 ]; then
		echo "outputs kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# Test targets (tests/runtime/progs/*.c) for uprobe/usdt cases, built once into
# a fixed directory that cases name: /tmp/bpfline-progs/<name>.
progs_src=$(dirname "$0")/progs
progs_dir=/tmp/bpfline-progs
if [ -d "$progs_src" ]; then
	mkdir -p "$progs_dir"
	for src in "$progs_src"/*.c; do
		exe=$progs_dir/$(basename "$src" .c)
		if [ ! -x "$exe" ] || [ "$src" -nt "$exe" ]; then
			cc -O1 -g -fPIE -pie -o "$exe.tmp.$$" "$src" && mv -f "$exe.tmp.$$" "$exe" ||
				echo "warning: cannot build $src" >&2
		fi
	done
fi

npass=0 nfail=0 nskip=0
selected=0
is_root=1
[ "$(id -u)" = 0 ] || is_root=0
binname=$(basename "$bin")
binpath=$(readlink -f "$bin")
binname=${binname:0:15}	# pgrep -x matches the kernel's 15-character comm

# Processes named like our binary that were running before we started are not ours.
baseline=" $(pgrep -x "$binname" | tr '\n' ' ' || true) "

# Case fields, reset by reset_case.
c_name='' c_args='' c_tool='' c_trigger='' c_stdin='' c_skip='' c_exit='' c_timeout='' c_file='' c_line=''
c_json='' c_need=''
c_prog=() c_expect=() c_reject=() c_once=() c_env=() c_shell=()
# A yes/no key's value: prints 1 for yes, nothing for no; a located complaint
# and status 1 for anything else.
yes_no() {
	case $2 in
	yes | true | 1) echo 1 ;;
	no | false | 0 | "") ;;
	*) echo "$file:$lineno: $1: takes yes or no" >&2; return 1 ;;
	esac
}
reset_case() {
	c_name='' c_args='' c_tool='' c_trigger='' c_stdin='' c_skip='' c_exit=0 c_timeout=5 c_line=''
	c_json='' c_need=''
	c_prog=() c_expect=() c_reject=() c_once=() c_env=() c_shell=()
}

# indent FILE: the file's lines, indented, for failure reports.
indent() {
	local l
	while IFS= read -r l || [ -n "$l" ]; do printf '    | %s\n' "$l"; done <"$1"
}

# fail_case REASON...: report the current case as failed with its command and output.
fail_case() {
	nfail=$((nfail + 1))
	echo "FAIL $c_name"
	echo "  case:    $c_file:$c_line"
	local r
	for r in "$@"; do echo "  reason:  $r"; done
	echo "  command: $cmd_shown"
	if [ -n "$c_trigger" ]; then echo "  trigger: $c_trigger"; fi
	if [ -n "$script" ]; then
		echo "  script ($script):"
		indent "$script"
	fi
	echo "  output:"
	indent "$out"
	if [ -s "$trig_out" ]; then
		echo "  trigger output:"
		indent "$trig_out"
	fi
}

# The first line of a report of ASan, LeakSanitizer or UBSan (a build with
# -DBPFL_SANITIZE=ON): any of them fails the case, whatever else it expects.
sanitizer_report='^==[0-9]+==(ERROR|WARNING): [A-Za-z]+Sanitizer|^SUMMARY: [A-Za-z]+Sanitizer|[.](c|h|y|l):[0-9]+:[0-9]+: runtime error: '

# check_output RC: compare the captured output and exit status with the case;
# prints nothing and returns 0 on success, else sets failure reasons in `reasons`.
reasons=()
check_output() {
	local rc=$1 pos=0 pat hit
	reasons=()
	if [ "$rc" != "$c_exit" ]; then
		reasons+=("exit status $rc, expected $c_exit")
	fi
	for pat in ${c_expect[@]+"${c_expect[@]}"}; do
		hit=$(tail -n +$((pos + 1)) "$out" | grep -n -m1 -E -e "$pat" | cut -d: -f1 || true)
		if [ -z "$hit" ]; then
			if grep -q -E -e "$pat" "$out"; then
				reasons+=("expect /$pat/ matches only at or before line $pos, where the previous expect matched (expects match in order)")
			else
				reasons+=("expect /$pat/ matches no line")
			fi
			continue
		fi
		pos=$((pos + hit))
	done
	for pat in ${c_reject[@]+"${c_reject[@]}"}; do
		if grep -q -E -e "$pat" "$out"; then
			reasons+=("reject /$pat/ matches: $(grep -m1 -E -e "$pat" "$out")")
		fi
	done
	for pat in ${c_once[@]+"${c_once[@]}"}; do
		hit=$(grep -c -E -e "$pat" "$out" || true)
		[ "$hit" = 1 ] || reasons+=("once /$pat/ matches $hit lines, expected exactly 1")
	done
	[ -z "$c_json" ] || check_json
	hit=$(grep -m1 -E -e "$sanitizer_report" "$out" || true)
	[ -z "$hit" ] || reasons+=("sanitizer report: $hit")
	[ ${#reasons[@]} -eq 0 ]
}

# check_json: -f json output is NDJSON: each line (stdout and stderr alike) is exactly
# one JSON document; jq reads the lines raw and parses each on its own.
check_json() {
	local bad
	if ! command -v jq >/dev/null; then
		reasons+=("json: yes needs jq (scripts/install-deps.sh installs it)")
		return
	fi
	bad=$(jq -R -r 'try (fromjson | empty) catch "line \(input_line_number): \(.)"' "$out" 2>&1 |
		head -3 || true)
	[ -z "$bad" ] || reasons+=("json: not one JSON document a line: $bad")
	[ -s "$out" ] || reasons+=("json: no output at all")
}

# wait_attached START_MS: until the output shows the attach line, the process exits,
# or the attach wait runs out (with -q there is no attach line: wait a fixed time).
wait_attached() {
	local start=$1
	if [ "$quiet" = 1 ]; then
		nap "$(secs "$quiet_wait_ms")"
		return
	fi
	while kill -0 "$child" 2>/dev/null &&
		! grep -q -E '^(Attached [0-9]+ probes?|\{"type": "attached_probes".*)$' "$out" &&
		[ $(($(now_ms) - start)) -lt "$attach_wait_ms" ]; do
		nap 0.02
	done
}

# wait_exit DEADLINE_MS: poll until the child exits or the deadline passes;
# returns 0 if it exited.
wait_exit() {
	while kill -0 "$child" 2>/dev/null; do
		[ "$(now_ms)" -lt "$1" ] || return 1
		nap 0.02
	done
}

# find_strays: live (not zombie) processes of our binary (same executable, so
# another checkout's test run on the same machine is not counted) that were not
# there when the runner started; one pid a line.
find_strays() {
	local p st
	for p in $(pgrep -x "$binname" || true); do
		[[ $baseline == *" $p "* ]] && continue
		[ "$(readlink -f "/proc/$p/exe" 2>/dev/null)" = "$binpath" ] || continue
		st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		st=${st##*) }
		[ "${st:0:1}" = Z ] || echo "$p"
	done
}

# run_case: run the case held in the c_* fields and report it.
run_case() {
	if [ -n "$filter" ] && ! grep -q -E -e "$filter" <<<"$c_name"; then
		return
	fi
	selected=$((selected + 1))
	if [ -n "$c_skip" ]; then
		nskip=$((nskip + 1))
		echo "SKIPPED $c_name: $c_skip"
		return
	fi
	local need
	for need in $c_need; do
		if ! command -v "$need" >/dev/null; then
			nskip=$((nskip + 1))
			echo "SKIPPED $c_name: needs $need, which is not installed"
			return
		fi
	done
	if [ "$is_root" = 0 ]; then
		nskip=$((nskip + 1))
		echo "SKIPPED $c_name: runtime tests need root (running as uid $(id -u))"
		return
	fi

	local n=$((selected))
	out=$tmp/$n.out trig_out=$tmp/$n.trigger.out script='' cmd_shown=''
	local in=/dev/null prog a
	argv=()
	if ! eval "argv=($c_args)" 2>"$out"; then
		cmd_shown="args: $c_args"
		fail_case "cannot parse args: $c_args"
		return
	fi
	quiet=0
	for a in ${argv[@]+"${argv[@]}"}; do [ "$a" != -q ] || quiet=1; done
	prog=$(printf '%s\n' ${c_prog[@]+"${c_prog[@]}"})
	if [ -n "$c_tool" ]; then	# tools/NAME.bt, then its positional parameters
		local targv=()
		eval "targv=($c_tool)"
		argv+=("$tools_dir/${targv[0]}" "${targv[@]:1}")
	elif [ -n "$c_stdin" ]; then
		in=$tmp/$n.stdin.bt
		printf '%s\n' "$prog" >"$in"
		argv+=(-)
	elif [ ${#c_prog[@]} -gt 1 ]; then
		script=$tmp/$n.bt
		printf '%s\n' "$prog" >"$script"
		argv+=("$script")
	elif [ -n "$prog" ]; then
		argv+=(-e "$prog")
	fi
	local runner=("$bin")
	if [ ${#c_shell[@]} -gt 0 ]; then	# a scenario: the script runs $BPFLINE itself
		script=$tmp/$n.sh
		printf '%s\n' "${c_shell[@]}" >"$script"
		runner=(env "BPFLINE=$bin" "BPFL_TESTS=$here" bash "$script")
		argv=()
	fi
	cmd_shown=$(printf '%q ' ${c_env[@]+"${c_env[@]}"} "${runner[@]}" ${argv[@]+"${argv[@]}"})
	[ "$in" = /dev/null ] || cmd_shown+="< $in"
	: >"$trig_out"

	local timeout_ms start rc=0 reason=
	timeout_ms=$(scaled "$(to_ms "$c_timeout")")
	start=$(now_ms)
	# Background jobs of a non-interactive shell ignore SIGINT; env restores the default
	# dispositions so the SIGINT below acts as a user's Ctrl-C.
	env --default-signal=INT,TERM,QUIT ${c_env[@]+"${c_env[@]}"} "${runner[@]}" ${argv[@]+"${argv[@]}"} <"$in" >"$out" 2>&1 &
	child=$!

	if [ -n "$c_trigger" ]; then
		wait_attached "$start"
		nap "$(secs "$settle_ms")"
		# BPFL_PID: bpfline's pid (env execs it), for a trigger that signals it;
		# BPFL_TESTS: this directory, for a trigger that runs a helper script here
		BPFL_PID=$child BPFL_TESTS=$here timeout -k 2 "$(secs "$timeout_ms")" \
			bash -c "$c_trigger" </dev/null >"$trig_out" 2>&1 ||
			echo "(trigger exited with status $?)" >>"$trig_out"
	fi
	if ! wait_exit $((start + timeout_ms)); then
		kill -INT "$child" 2>/dev/null || true
		if ! wait_exit $(($(now_ms) + kill_grace_ms)); then
			kill -KILL "$child" 2>/dev/null || true
			reason="still running $(secs "$kill_grace_ms") s after SIGINT: killed"
		fi
	fi
	{ wait "$child"; } 2>/dev/null || rc=$?	# no "Killed" job notice
	child=

	local stray
	stray=$(find_strays)
	if [ -n "$stray" ]; then
		kill -KILL $stray 2>/dev/null || true
		baseline+="$stray "	# reported once; a zombie left behind must not fail later cases
	fi

	if check_output "$rc" && [ -z "$reason" ] && [ -z "$stray" ]; then
		npass=$((npass + 1))
		echo "PASS $c_name"
		return
	fi
	[ -z "$reason" ] || reasons=("$reason" ${reasons[@]+"${reasons[@]}"})
	[ -z "$stray" ] || reasons+=("$binname process(es) still alive after the case: $(echo $stray); killed")
	fail_case "${reasons[@]}"
}

# parse_file FILE: read the case blocks of FILE and run each.
parse_file() {
	local file=$1 line key val lineno=0 in_case=0
	c_file=$file
	reset_case
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		if [[ $line =~ ^[[:space:]]*$ ]]; then
			if [ "$in_case" = 1 ]; then finish_case; fi
			in_case=0
			reset_case
			continue
		fi
		[[ $line == \#* ]] && continue
		if ! [[ $line =~ ^([a-z]+):[[:space:]]?(.*)$ ]]; then
			echo "$file:$lineno: not a 'key: value' line: $line" >&2
			exit 2
		fi
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		[ "$in_case" = 1 ] || c_line=$lineno
		in_case=1
		case $key in
		name) c_name=$val ;;
		prog) c_prog+=("$val") ;;
		shell) c_shell+=("$val") ;;
		args) c_args=$val ;;
		tool) c_tool=$val ;;
		trigger) c_trigger=$val ;;
		expect) c_expect+=("$val") ;;
		reject) c_reject+=("$val") ;;
		once) c_once+=("$val") ;;
		json) c_json=$(yes_no json "$val") || exit 2 ;;
		exit) c_exit=$val ;;
		timeout) c_timeout=$val ;;
		stdin) c_stdin=$(yes_no stdin "$val") || exit 2 ;;
		skip) c_skip=${val:-no reason given} ;;
		need) c_need+=" $val" ;;
		env)
			if ! [[ $val =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
				echo "$file:$lineno: env: takes NAME=VALUE" >&2
				exit 2
			fi
			c_env+=("$val") ;;
		*)
			echo "$file:$lineno: unknown key '$key'" >&2
			exit 2 ;;
		esac
	done <"$file"
	if [ "$in_case" = 1 ]; then finish_case; fi
}

finish_case() {
	if [ -z "$c_name" ]; then
		echo "$c_file:$c_line: case has no name:" >&2
		exit 2
	fi
	if ! [[ $c_exit =~ ^[0-9]+$ ]]; then
		echo "$c_file:$c_line: case $c_name: exit: must be a number" >&2
		exit 2
	fi
	run_case
}

if [ "$is_root" = 1 ] && [ ! -x "$bin" ]; then
	echo "error: $bin is not an executable; build it first (make) or pass -b" >&2
	exit 2
fi
for f in "$@"; do
	[ -r "$f" ] || { echo "error: cannot read case file $f" >&2; exit 2; }
	parse_file "$f"
done

echo "$npass passed, $nfail failed, $nskip skipped"
if [ "$selected" = 0 ]; then
	echo "error: no case selected${filter:+ by filter '$filter'}" >&2
	exit 1
fi
if [ "$is_root" = 0 ] && [ "${CI:-}" = true ]; then
	echo "ERROR: runtime tests need root, and CI=true does not allow skipping them" >&2
	exit 1
fi
[ "$nfail" = 0 ]
