#!/usr/bin/env python3
"""The allocation-failure sweep: each program of tests/alloc/*.cases runs
once counting its allocations (BPFL_FAIL_ALLOC=0), then again with one of
them failing (BPFL_FAIL_ALLOC=N). Every run must end cleanly: either the
failure was absorbed (the output and exit status are those of the counting
run) or bpfline says it is out of memory and exits 1 — no crash, no signal,
no hang, no sanitizer report or leak, nothing left running.

    tests/alloc/sweep.py [-b BINARY] [-j JOBS] [-f REGEX]
                         [--budget SECONDS | --full | --every] [CASEFILE...]

-b        the binary (default build-asan/bpfline, or $BPFLINE): it must be built
          with BPFL_FAULT_INJECTION (on by default with BPFL_SANITIZE)
-j        runs in parallel (default: the number of CPUs)
-f        an extended regular expression over case names
--budget  seconds for the whole sweep (default 60): the runs are spread over
          the cases, and within each over its allocation sites evenly
--full    every site of every case, whatever it costs
--every   every allocation of every case (1, 2, ... N), not only each site's first

Which allocations fail: bpfline's counting run names the first allocation of
each distinct call stack (a "site"); failing each site once covers the error
paths without failing all of a program's thousands of allocations. Only
bpfline's own allocations (src/util/alloc.c: xalloc, arena, sb, vec) can be
failed; LLVM, libbpf, libelf and the C library allocate with their own malloc.

Case files are blocks of `key: value` lines separated by blank lines:
  name:    identifier (required)
  prog:    the program, run with -e; repeatable: a script file
  args:    extra arguments, split with shell quoting
  env:     NAME=VALUE (repeatable)
  timeout: seconds for one run (default 30)
Prints one line per case (sites tried, absorbed, refused) and FAIL lines with
the output of each bad run; exit status 1 when a run failed.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
		       r"runtime error:|MemorySanitizer")
OOM = re.compile(r"out of memory|Cannot allocate memory", re.I)
REPORT = re.compile(r"^BPFL_FAIL_ALLOC: (\d+) allocations, \d+ sites:(.*)$", re.M)
HIT = re.compile(r"^BPFL_FAIL_ALLOC: allocation \d+ of \d+ failed\n", re.M)
KEYS = {"name", "prog", "args", "env", "timeout"}


def parse(path):
	"""The cases of one file, as dicts."""
	cases, cur = [], {}
	with open(path) as f:
		lines = f.read().split("\n")
	for lineno, line in enumerate(lines + [""], 1):
		if not line.strip():
			if cur:
				cases.append(cur)
			cur = {}
			continue
		if line.startswith("#"):
			continue
		key, sep, val = line.partition(":")
		if not sep or key not in KEYS:
			sys.exit("%s:%d: not a `key: value` line of a known key" % (path, lineno))
		val = val[1:] if val.startswith(" ") else val
		if key in ("prog", "env"):
			cur.setdefault(key, []).append(val)
		else:
			cur[key] = val
	for c in cases:
		if "name" not in c:
			sys.exit("%s: a case has no name" % path)
	return cases


def command(binary, case, workdir):
	"""argv and environment of a case."""
	argv = [binary] + shlex.split(case.get("args", ""))
	progs = case.get("prog", [])
	if len(progs) > 1:
		script = os.path.join(workdir, case["name"] + ".bt")
		with open(script, "w") as f:
			f.write("\n".join(progs) + "\n")
		argv.append(script)
	elif progs:
		argv += ["-e", progs[0]]
	env = dict(os.environ)
	env["ASAN_OPTIONS"] = "detect_leaks=1:" + env.get("ASAN_OPTIONS", "")
	for e in case.get("env", []):
		k, _, v = e.partition("=")
		env[k] = v
	return argv, env


def run(argv, env, nth, timeout, cwd):
	"""(exit status or None when it hung, output) of one run failing allocation nth."""
	env = dict(env, BPFL_FAIL_ALLOC=str(nth))
	p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
	try:
		out, _ = p.communicate(timeout=timeout)
		return p.returncode, out.decode("utf-8", "replace")
	except subprocess.TimeoutExpired:
		os.killpg(p.pid, 9)
		out, _ = p.communicate()
		return None, out.decode("utf-8", "replace")


def judge(rc, out, ref_rc, ref_out):
	"""None when the run ended cleanly, else why not; and whether it was refused."""
	if rc is None:
		return "hung (killed after the timeout)", False
	if rc < 0:
		return "died of signal %d" % -rc, False
	if SANITIZER.search(out):
		return "a sanitizer report", False
	hit = HIT.search(out)
	out = HIT.sub("", out)
	if rc == ref_rc and out == ref_out:
		return None, False
	if not hit:
		return "no allocation failed, yet the output differs from the counting run", False
	if rc != 1:
		return "exit status %d after the failure (want 1, or the counting run's %d)" % (rc, ref_rc), False
	if not OOM.search(out):
		return "exit status 1 without saying it is out of memory", False
	return None, True


def pick(sites, k):
	"""k of the sites, spread evenly (all of them when k >= len(sites))."""
	if k >= len(sites):
		return sites
	return sorted({sites[round(i * (len(sites) - 1) / max(k - 1, 1))] for i in range(k)})


def main():
	ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	ap.add_argument("-b", default=os.environ.get("BPFLINE", os.path.join(ROOT, "build-asan/bpfline")))
	ap.add_argument("-j", type=int, default=os.cpu_count() or 2)
	ap.add_argument("-f")
	ap.add_argument("--budget", type=float, default=60)
	ap.add_argument("--full", action="store_true")
	ap.add_argument("--every", action="store_true")
	ap.add_argument("files", nargs="*")
	a = ap.parse_args()
	files = a.files or sorted(glob.glob(os.path.join(HERE, "*.cases")))
	cases = [c for f in files for c in parse(f) if not a.f or re.search(a.f, c["name"])]
	if not cases:
		sys.exit("no case selected")
	binary = os.path.abspath(a.b)
	workdir = tempfile.mkdtemp(prefix="bpfl-alloc.")
	start = time.monotonic()

	# the counting runs: reference output, allocation sites, cost of one run
	plans = []
	for c in cases:
		argv, env = command(binary, c, workdir)
		timeout = float(c.get("timeout", 30))
		t0 = time.monotonic()
		rc, out = run(argv, env, 0, timeout, workdir)
		cost = time.monotonic() - t0
		m = REPORT.search(out)
		if rc is None or not m:
			print("FAIL %s: the counting run %s" % (c["name"], "hung" if rc is None else
				"printed no BPFL_FAIL_ALLOC line (a build without BPFL_FAULT_INJECTION?)"))
			print("\n".join("    | " + l for l in out.splitlines()[-20:]))
			return 1
		sites = [int(x) for x in m.group(2).split()]
		plans.append((c, argv, env, timeout, REPORT.sub("", out), rc, int(m.group(1)), sites, cost))

	# spread the budget: runs cost about what the counting run did
	left = max(a.budget - (time.monotonic() - start), 0) * a.j
	per_case = left / len(plans)
	failed = 0
	with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
		for c, argv, env, timeout, ref_out, ref_rc, nalloc, sites, cost in plans:
			if a.every:
				chosen = list(range(1, nalloc + 1))
			elif a.full:
				chosen = sites
			else:
				chosen = pick(sites, max(int(per_case / max(cost, 0.05)), 1))
			futs = {n: pool.submit(run, argv, env, n, timeout, workdir) for n in chosen}
			refused = bad = 0
			for n, fut in futs.items():
				rc, out = fut.result()
				why, was_refused = judge(rc, out, ref_rc, ref_out)
				refused += was_refused
				if why:
					bad += 1
					print("FAIL %s: BPFL_FAIL_ALLOC=%d: %s" % (c["name"], n, why))
					print("  command: BPFL_FAIL_ALLOC=%d %s" % (n, shlex.join(argv)))
					print("\n".join("    | " + l for l in out.splitlines()[-30:]))
			failed += bad
			print("%s %s: %d allocations, %d sites, %d tried: %d refused with out of memory, "
			      "%d absorbed, %d bad" % ("FAIL" if bad else "PASS", c["name"], nalloc,
			      len(sites), len(chosen), refused, len(chosen) - refused - bad, bad))
	subprocess.run(["rm", "-rf", workdir])
	print("%d bad runs, %.0f s" % (failed, time.monotonic() - start))
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
