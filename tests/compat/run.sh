#!/bin/bash
# tests/compat/run.sh [-b BINARY] [--listed | --update] [FILTER]
#
# bpftrace v0.26.1's own runtime suite against bpfline, through the suite's run.sh
# (../shared/bpftrace-suite beside the repository, or $BPFL_SUITE). It prints the
# suite's per-file counts and total, then checks tests/compat/passing.txt: every
# test listed there must pass; each one that did not is listed and the exit
# status is 1.
#
#   (default)  run every test (or FILTER's); also list the tests that pass
#              but are not in passing.txt yet ("NEW name"). The CI lane: a
#              whole run takes ~4 minutes on 2 cores.
#   --listed   run only the tests of passing.txt (quicker)
#   --update   run the tests of FILTER (default: all) BPFL_COMPAT_RUNS times
#              (default 3) and append to passing.txt those that passed every
#              time; the list only grows
#   FILTER     the engine's filter: regexes over 'file.test name' separated by
#              ':', a leading '-' excludes (e.g. 'basic\.:call\.')
#
# Environment: BPFL_SUITE (the suite's directory), WORK (the suite's scratch
# directory, default /tmp/bpfline-compat), CI. Without the suite it prints
# "SKIPPED compat: ..." and exits 0 — unless BPFL_SUITE was given, which says
# the suite is expected: then it exits 1. Needs root (the suite does).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build/bpfline
MODE=check
ALL=1
FILTER=
while [ $# -gt 0 ]; do
  case $1 in
    -b) BIN=$2; shift 2 ;;
    --listed) ALL=0; shift ;;
    --update) MODE=update; ALL=1; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    *) FILTER=$1; shift ;;
  esac
done
PASSING=$ROOT/tests/compat/passing.txt
WORK=${WORK:-/tmp/bpfline-compat}; export WORK

SUITE=${BPFL_SUITE:-$ROOT/../shared/bpftrace-suite}
if [ ! -x "$SUITE/run.sh" ]; then
  echo "SKIPPED compat: bpftrace's suite not found at $SUITE (set BPFL_SUITE to its directory)"
  [ -n "${BPFL_SUITE:-}" ] && exit 1
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "SKIPPED compat: the suite needs root"
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi
[ -x "$BIN" ] || { echo "run.sh: no binary $BIN (build first)" >&2; exit 2; }
touch "$PASSING"

# The engine's filter for the tests of passing.txt: each name exactly.
listed_filter() {
  python3 - "$PASSING" <<'PY'
import re, sys
names = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
print(":".join("^" + re.escape(n).replace(":", r"\x3a") + "$" for n in names))
PY
}

# The tests that passed in $WORK/last.log, one 'file.name' a line.
passed_in_log() {
  python3 - "$WORK/last.log" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
ran = re.search(r"(\d+) tests from \d+ test cases ran", log)
body = log[:ran.start()] if ran else log
for name in re.findall(r"^\[ +OK \] (\S[^\n]*?) \(\d+ ms\)$", body, re.M):
    print(name)
PY
}

# Run the suite once with the engine filter $1; its output goes to stdout.
# A run whose engine did not finish (or did not start) fails: no stale log is read.
run_suite() {
  local f=$1
  rm -f "$WORK/last.log"
  "$SUITE/run.sh" "$BIN" "$f"
  if ! grep -Eq '[0-9]+ tests from [0-9]+ test cases ran' "$WORK/last.log" 2>/dev/null; then
    echo "compat: FAILED: the suite's engine did not finish (log: $WORK/last.log)"
    exit 1
  fi
}

if [ "$ALL" = 0 ]; then
  F=$(listed_filter)
  if [ -z "$F" ]; then echo "compat: passing.txt is empty, nothing to check"; exit 0; fi
  [ -n "$FILTER" ] && F="$F:$(echo "$FILTER" | tr ':' '\n' | grep '^-' | paste -sd:)"
  F=${F%:}
else
  F=$FILTER
fi

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
runs=1; [ "$MODE" = update ] && runs=${BPFL_COMPAT_RUNS:-3}
for ((i = 1; i <= runs; i++)); do
  [ "$runs" -gt 1 ] && echo "==== compat run $i of $runs ===="
  run_suite "$F"
  passed_in_log | sort -u > "$TMP/pass.$i"
  cp "$WORK/last.log" "$TMP/last.$i.log" 2>/dev/null
done
cp "$TMP/pass.1" "$TMP/always"
for ((i = 2; i <= runs; i++)); do
  comm -12 "$TMP/always" "$TMP/pass.$i" > "$TMP/x" && mv "$TMP/x" "$TMP/always"
done

grep -v '^#' "$PASSING" | sed '/^$/d' | sort -u > "$TMP/listed"
if [ "$MODE" = update ]; then
  comm -13 "$TMP/listed" "$TMP/always" > "$TMP/new"
  n=$(wc -l < "$TMP/new")
  if [ "$n" -gt 0 ]; then
    { grep -v '^#' "$PASSING" | sed '/^$/d'; cat "$TMP/new"; } | sort -u > "$TMP/merged"
    { grep '^#' "$PASSING"; cat "$TMP/merged"; } > "$TMP/out"
    cat "$TMP/out" > "$PASSING"
    sed 's/^/ADDED /' "$TMP/new"
  fi
  echo "compat: $n tests added to tests/compat/passing.txt (passed $runs runs in a row)"
  exit 0
fi

# Tests of passing.txt that this run selected but that did not pass.
python3 - "$TMP/listed" "$TMP/pass.1" "$F" "$WORK/last.log" > "$TMP/missing" <<'PY'
import re, sys
listed = [l.strip() for l in open(sys.argv[1]) if l.strip()]
passed = set(l.strip() for l in open(sys.argv[2]))
flt = sys.argv[3] or ".*"
pos = "|".join(p for p in flt.split(":") if not p.startswith("-")) or ".*"
neg = "|".join(p[1:] for p in flt.split(":") if p.startswith("-"))
for n in listed:
    if re.search(pos, n) and not (neg and re.search(neg, n)) and n not in passed:
        print(n)
PY
if [ "$ALL" = 1 ]; then
  comm -13 "$TMP/listed" "$TMP/pass.1" | sed 's/^/NEW /'
fi
if [ -s "$TMP/missing" ]; then
  sed 's/^/NOT PASSING /' "$TMP/missing"
  echo "compat: FAILED: $(wc -l < "$TMP/missing") tests of tests/compat/passing.txt did not pass (log: $WORK/last.log)"
  exit 1
fi
echo "compat: ok: every selected test of tests/compat/passing.txt passed"
