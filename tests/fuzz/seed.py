#!/usr/bin/env python3
"""Write every program we know of, one file each, into OUTDIR: the seeds of the
fuzz corpus (tests/fuzz/run.sh seed merges them into tests/fuzz/corpus/).

Sources: the prog: blocks of our runtime and codegen cases and of the shared
oneliners, the PROG lines, `-e '...'` arguments and .bt scripts of bpftrace's
runtime suite (when present), tools/*.bt and the inputs of tests/bad/.
Usage: seed.py OUTDIR [SUITE_DIR]"""
import glob
import hashlib
import os
import re
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX = 4096	# the harnesses take at most this many bytes (fuzz_common.h)


def case_programs(path):
	"""The programs of a .cases file: each block's prog: lines joined."""
	progs, cur = [], []
	for line in open(path, errors="replace").read().split("\n") + [""]:
		if line.startswith("prog:"):
			cur.append(line[5:].strip())
		elif not line.strip() and cur:
			progs.append("\n".join(cur))
			cur = []
	if cur:
		progs.append("\n".join(cur))
	return progs


def suite_programs(path):
	"""PROG lines and the -e argument of RUN lines of one suite test file."""
	progs = []
	for line in open(path, errors="replace"):
		line = line.rstrip("\n")
		if line.startswith("PROG "):
			progs.append(line[5:])
		elif line.startswith("RUN ") and " -e " in line:
			try:
				words = shlex.split(line[4:])
			except ValueError:
				continue
			for i, w in enumerate(words[:-1]):
				if w == "-e":
					progs.append(words[i + 1])
	return progs


def main():
	out = sys.argv[1]
	suite = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared", "bpftrace-suite")
	os.makedirs(out, exist_ok=True)
	progs = []
	for f in (glob.glob(os.path.join(ROOT, "tests/runtime/cases/**/*.cases"), recursive=True)
		  + [os.path.join(ROOT, "tests/codegen/ir.cases")]
		  + glob.glob(os.path.join(ROOT, "..", "shared", "oneliners", "*.txt"))):
		progs += case_programs(f)
	for f in glob.glob(os.path.join(suite, "tests/runtime/*")):
		if os.path.isfile(f):
			progs += suite_programs(f)
	for f in (glob.glob(os.path.join(suite, "tests/**/*.bt"), recursive=True)
		  + glob.glob(os.path.join(ROOT, "tools/*.bt"))
		  + glob.glob(os.path.join(ROOT, "tests/bad/inputs/*"))):
		progs.append(open(f, "rb").read().decode("utf-8", "surrogateescape"))
	n = 0
	for p in progs:
		data = p.encode("utf-8", "surrogateescape")
		if not data.strip() or len(data) > MAX:
			continue
		name = hashlib.sha1(data).hexdigest()
		with open(os.path.join(out, name), "wb") as f:
			f.write(data)
		n += 1
	print(f"seed.py: {n} programs written to {out}")


main()
