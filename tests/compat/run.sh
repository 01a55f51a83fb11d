#!/bin/bash
# tests/compat/run.sh [-b BINARY] [--vm] [--listed | --update] [FILTER]
#
# bpftrace v0.26.1's own runtime suite against bpfline, through the suite's run.sh
# (../shared/bpftrace-suite beside the repository, or $BPFL_SUITE). It prints the
# suite's per-file counts and total, then checks tests/compat/passing.txt: every
# test listed there must pass; each one that did not is listed and the exit
# status is 1.
#
#   (default)  run every test (or FILTER's); also list the tests that pass
#              but are not in passing.txt yet ("NEW name"). The CI lane: a
#              whole run takes ~10 minutes on 2 cores.
#   --listed   run only the tests of passing.txt (quicker)
#   --update   run the tests of FILTER (default: all) BPFL_COMPAT_RUNS times
#              (default 3) and append to passing.txt those that passed every
#              time; the list only grows
#   --vm       the VM lane: the tests that need kprobes or fentry/fexit
#              (tests/compat/vm-tests.py selects them; FILTER narrows them) run in
#              a VM on Debian's kernel (tests/vm/run.sh), checked against
#              tests/compat/passing-vm.txt (a listed test that did not pass,
#              also after a first boot that hung, gets one more run, in a
#              second boot); WORK defaults to
#              $BPFL_VM_CACHE/compat (built on the host, copied into the guest)
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
VM=0
FILTER=
while [ $# -gt 0 ]; do
  case $1 in
    -b) BIN=$2; shift 2 ;;
    --listed) ALL=0; shift ;;
    --update) MODE=update; ALL=1; shift ;;
    --vm) VM=1; shift ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
    *) FILTER=$1; shift ;;
  esac
done
PASSING=$ROOT/tests/compat/passing.txt
VM_CACHE=${BPFL_VM_CACHE:-/var/cache/bpfline-vm}
if [ "$VM" = 1 ]; then
  PASSING=$ROOT/tests/compat/passing-vm.txt
  WORK=${WORK:-$VM_CACHE/compat}
fi
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
BIN=$(realpath "$BIN")
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

# The VM lane: build the test programs on the host (into $WORK, with a filter that
# selects nothing), then boot once and run the engine $2 times in the guest
# (tests/vm/compat-guest.sh); the logs come back over the console into $TMP/vm.N.log.
run_vm() {
  local f=$1 n=$2 console=${3:-$WORK.console.log} tolerate=${4:-0}
  "$SUITE/run.sh" "$BIN" '^$' > /dev/null ||
    { echo "compat: FAILED: preparing $WORK on the host"; exit 1; }
  # The guest sees the host's root, but not its /tmp: the tarball goes to the cache.
  mkdir -p "$VM_CACHE" && TARBALL=$(mktemp "$VM_CACHE/compat.XXXXXX.tar") &&
    tar -C "$WORK" -cf "$TARBALL" . || { echo "compat: FAILED: packing $WORK"; exit 1; }
  # The guest runs a copy of the binary: a rebuild during the run changes nothing.
  VMBIN=$(mktemp "$VM_CACHE/bpfline.XXXXXX") && cp "$BIN" "$VMBIN" && chmod 755 "$VMBIN" ||
    { echo "compat: FAILED: copying $BIN"; exit 1; }
  local cmd
  cmd=$(printf '%q ' "$ROOT/tests/vm/compat-guest.sh" "$SUITE" "$WORK" "$TARBALL" "$VMBIN" "$n" "$f")
  BPFL_VM_CMD=$cmd BPFL_VM_TIMEOUT=${BPFL_VM_TIMEOUT:-$((600 * n))} \
    "$ROOT/tests/vm/run.sh" -b "$BIN" > "$console"
  local rc=$?
  grep -E '^compat-vm: ' "$console" | sed 's/^compat-vm: //'
  local i
  for ((i = 1; i <= n; i++)); do
    sed -n "s/^BPFL-COMPAT-LOG $i: //p" "$console" > "$TMP/vm.$i.log"
  done
  if [ "$rc" = 125 ] && [ "$tolerate" = 1 ]; then
    # a guest that hung (the 6.1 kernel under TCG has soft-locked while a
    # trampoline was torn down under a tight syscall loop): what passed before
    # counts, the rest gets the second boot
    echo "compat: the VM ended early (console: $console); the listed tests it did not pass get a second boot"
    VM_PARTIAL=1
  elif [ "$rc" = 125 ]; then
    echo "compat: FAILED: the VM could not run the suite (console: $console)"
    exit 1
  fi
}

# Run $1 of the VM's runs as the current log: $WORK/last.log, checked as run_suite does.
vm_log() {
  rm -f "$WORK/last.log"
  cp "$TMP/vm.$1.log" "$WORK/last.log" 2>/dev/null
  [ "$VM_PARTIAL" = 1 ] && return 0   # a partial log: passed_in_log reads it
  if ! grep -Eq '[0-9]+ tests from [0-9]+ test cases ran' "$WORK/last.log" 2>/dev/null; then
    echo "compat: FAILED: the suite's engine did not finish in the VM (run $1; log: $WORK/last.log)"
    exit 1
  fi
}

if [ "$ALL" = 0 ]; then
  F=$(listed_filter)
  if [ -z "$F" ]; then echo "compat: ${PASSING#$ROOT/} is empty, nothing to check"; exit 0; fi
  [ -n "$FILTER" ] && F="$F:$(echo "$FILTER" | tr ':' '\n' | grep '^-' | paste -sd:)"
  F=${F%:}
elif [ "$VM" = 1 ]; then
  F=$(python3 "$ROOT/tests/compat/vm-tests.py" "$SUITE" "$FILTER" --engine-filter)
  if [ -z "$F" ]; then echo "compat: the filter selects none of the VM lane's tests"; exit 0; fi
else
  F=$FILTER
fi

TARBALL= VMBIN=
TMP=$(mktemp -d); trap 'rm -rf "$TMP" "${TARBALL:-}" "${VMBIN:-}"' EXIT
runs=1; [ "$MODE" = update ] && runs=${BPFL_COMPAT_RUNS:-3}
VM_PARTIAL=0
[ "$VM" = 1 ] && run_vm "$F" "$runs" "" "$([ "$MODE" = check ] && echo 1 || echo 0)"
for ((i = 1; i <= runs; i++)); do
  [ "$runs" -gt 1 ] && echo "==== compat run $i of $runs ===="
  if [ "$VM" = 1 ]; then vm_log "$i"; else run_suite "$F"; fi
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
  echo "compat: $n tests added to ${PASSING#$ROOT/} (passed $runs runs in a row)"
  exit 0
fi

# Tests of passing.txt that this run selected but that did not pass.
# A test the suite itself turns off in this environment (SKIP_IF_ENV_HAS, e.g.
# CI=true) is not expected to pass: it is reported, not counted.
python3 - "$TMP/listed" "$TMP/pass.1" "$F" "$SUITE/tests/runtime" > "$TMP/missing" <<'PY'
import glob, os, re, sys
listed = [l.strip() for l in open(sys.argv[1]) if l.strip()]
passed = set(l.strip() for l in open(sys.argv[2]))
flt = sys.argv[3] or ".*"
pos = "|".join(p for p in flt.split(":") if not p.startswith("-")) or ".*"
neg = "|".join(p[1:] for p in flt.split(":") if p.startswith("-"))
off = set()
for path in glob.glob(os.path.join(sys.argv[4], "*")):
    if not os.path.isfile(path):
        continue
    # a test is a block of lines ending at a blank line; NAME may come anywhere in it
    for block in re.split(r"\n\s*\n", open(path, errors="replace").read()):
        lines = block.splitlines()
        names = [l[5:].strip() for l in lines if l.startswith("NAME ")]
        for l in lines:
            if names and l.startswith("SKIP_IF_ENV_HAS "):
                var, _, val = l[16:].strip().partition("=")
                if os.environ.get(var, "") == val:
                    off.add(os.path.basename(path) + "." + names[0])
for n in listed:
    if re.search(pos, n) and not (neg and re.search(neg, n)) and n not in passed:
        if n in off:
            print("compat: %s is turned off by the suite here (SKIP_IF_ENV_HAS)" % n, file=sys.stderr)
        else:
            print(n)
PY
if [ "$ALL" = 1 ]; then
  comm -13 "$TMP/listed" "$TMP/pass.1" | sed 's/^/NEW /'
fi
# In the VM (TCG, on a shared machine) a test can miss its fixed TIMEOUT while
# the host is busy: the listed tests that did not pass get one more run, in a
# second boot; a test that fails twice is a regression.
if [ "$VM" = 1 ] && [ "$MODE" = check ] && [ -s "$TMP/missing" ]; then
  sed 's/^/RETRYING /' "$TMP/missing"
  RF=$(python3 -c 'import re, sys
print(":".join("^" + re.escape(l.strip()).replace(":", r"\x3a") + "$" for l in open(sys.argv[1]) if l.strip()))' "$TMP/missing")
  cp "$TMP/missing" "$TMP/first-missing"
  rm -f "$TARBALL" "$VMBIN"
  VM_PARTIAL=0                                # a second hang is a failure
  run_vm "$RF" 1 "$WORK.retry.console.log"   # the first boot's console stays
  vm_log 1
  passed_in_log | sort -u > "$TMP/pass.retry"
  comm -23 <(sort -u "$TMP/first-missing") "$TMP/pass.retry" > "$TMP/missing"
fi
if [ -s "$TMP/missing" ]; then
  sed 's/^/NOT PASSING /' "$TMP/missing"
  echo "compat: FAILED: $(wc -l < "$TMP/missing") tests of ${PASSING#$ROOT/} did not pass (log: $WORK/last.log)"
  exit 1
fi
echo "compat: ok: every selected test of ${PASSING#$ROOT/} passed"
