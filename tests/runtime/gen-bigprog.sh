#!/usr/bin/env bash
# A big probe for the runtime cases of bigprog.cases: N statements in one
# block on getppid (for a process named bpfl_big), statement i counting in map
# @m(i % MAPS) and every 500th printing its number, and a second block that
# exits on getppid of a process named bpfl_bigend. Writes the script to
# /tmp/bpfl-bigprog-N-MAPS.bt and prints its path. With `vars N`: a BEGIN
# block that holds N values at once ($a1..$aN, all read at the end), more
# than the BPF stack holds once N passes 64. With `maps N`: a BEGIN block that
# sets N scalar maps @m1..@mN. With `begin N`: a BEGIN block of N statements
# `@m[i % 7] = count();` (BEGIN cannot run as a chain of programs). With
# `pairs N`: bench/bigprog.sh's script, N pairs `@mK[pid] = count(); if (pid ==
# i) { printf(...); }` over 10 maps, for a process named bpfl_pairs. With
# `aggs N`: every kind of aggregation and a printf, then N statements
# `@f[comm] = count();`, on getppid of a process named bpfl_agg (a second block
# exits on bpfl_aggend).
#
#   tests/runtime/gen-bigprog.sh N MAPS | vars N | maps N | begin N | pairs N | aggs N
set -euo pipefail

# write NAME: standard input into /tmp/bpfl-bigprog-NAME.bt; print its path
write() {
	cat >"/tmp/bpfl-bigprog-$1.bt"
	echo "/tmp/bpfl-bigprog-$1.bt"
}

# in_begin: the statements on standard input as a BEGIN block that exits
in_begin() {
	echo 'BEGIN {'
	cat
	echo '  exit();'
	echo '}'
}

case $1 in
maps)
	for ((i = 1; i <= $2; i++)); do echo "  @m$i = 1;"; done | in_begin | write "maps-$2" ;;
begin)
	for ((i = 1; i <= $2; i++)); do echo "  @m[$i % 7] = count();"; done | in_begin |
		write "begin-$2" ;;
vars)
	{
		for ((i = 1; i <= $2; i++)); do echo "  \$a$i = nsecs;"; done
		for ((i = 1; i <= $2; i++)); do echo "  @[\$a$i] = count();"; done
	} | in_begin | write "vars-$2" ;;
pairs)
	{
		echo 'tracepoint:syscalls:sys_enter_getppid /comm == "bpfl_pairs"/ {'
		for ((i = 1; i <= $2; i++)); do
			echo "  @m$((i % 10))[pid] = count(); if (pid == $i) { printf(\"hit %d %s\\n\", $i, comm); }"
		done
		echo '}'
	} | write "pairs-$2" ;;
aggs)
	{
		echo 'tracepoint:syscalls:sys_enter_getppid /comm == "bpfl_agg"/ {'
		echo '  @c = count(); @s = sum(7); @mn = min(-3); @mx = max(9); @a = avg(10);'
		echo '  @st = stats(4); @h = hist(100); @l = lhist(15, 0, 100, 10); @k[comm, 2] = sum(3);'
		echo '  @n[comm] = min(5); @x[pid > 0] = max(-7);'
		echo '  printf("rec %d %s %d %s\n", 42, comm, -5, "end");'
		for ((i = 1; i <= $2; i++)); do echo "  @f[comm] = count();"; done
		echo '}'
		echo 'tracepoint:syscalls:sys_enter_getppid /comm == "bpfl_aggend"/ { exit(); }'
	} | write "aggs-$2" ;;
*)
	n=$1 maps=$2
	{
		echo 'tracepoint:syscalls:sys_enter_getppid /comm == "bpfl_big"/ {'
		for ((i = 1; i <= n; i++)); do
			echo "  @m$((i % maps))[comm] = count();"
			if ((i % 500 == 0)); then echo "  printf(\"at %d\\n\", $i);"; fi
		done
		echo '}'
		echo 'tracepoint:syscalls:sys_enter_getppid /comm == "bpfl_bigend"/ { exit(); }'
	} | write "$n-$maps" ;;
esac
