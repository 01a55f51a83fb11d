#!/usr/bin/env python3
"""The bad-input corpus: malformed and hostile programs, options and settings,
each of which bpfline must refuse with a located error, exit status 1, no crash,
no sanitizer report and no leak (run it against the ASan/UBSan build).

    tests/bad/run.py [-b BINARY] [-j JOBS] [-f REGEX] [--show] [CASEFILE...]

-b    the binary (default build-asan/bpfline, or $BPFLINE)
-j    cases run in parallel (default 2)
-f    an extended regular expression over case names
--show  print each selected case's output instead of checking it (to write a case)

Case files (tests/bad/*.cases, all of them by default) are blocks of `key: value`
lines separated by blank lines, `#` lines being comments:

  name:   identifier (required, unique)
  prog:   the program, run with -e; repeatable: several lines are joined with
          newlines and run as the script file `bad.bt`
  input:  a generated input (a function of GENERATORS below), run as the script
          file of that name; `stdin: yes` feeds it on standard input with `-`
  args:   extra arguments, split with shell quoting
  env:    NAME=VALUE in bpfline's environment (repeatable)
  error:  the line that must come first among the ERROR lines, exactly (it
          carries the location, `stdin:1:9-17: ERROR: ...`, and the message)
  expect: an extended regular expression some line must match (repeatable)
  unlocated: REASON — the error names no place in a program (a bad option or
          environment value), so the first ERROR line starts with `ERROR:`
  exit:   the expected exit status (default 1)

Every case also fails if bpfline prints a sanitizer report or a leak, runs any
probe (an `Attached` line), takes more than TIMEOUT seconds, or dies of a signal.
Prints PASS/FAIL per case and one line `N passed, N failed`; exit status 1 when
any case failed, 2 for a malformed case file.
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 60	# seconds; an ASan build compiles a 1 MB script in a few
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
		       r"runtime error:|MemorySanitizer|ThreadSanitizer")
LOCATED = re.compile(r"^[^\s:]+:\d+(:\d+-\d+|-\d+): ERROR: ")
KEYS = {"name", "prog", "input", "args", "env", "error", "expect", "unlocated", "exit", "stdin"}


# ---- generated inputs: limits and bytes that are awkward in a case file ----

def probes_then(n, last):
	"""n valid one-line probes, then the line `last`."""
	return "".join("interval:s:%d { @c%d = count(); }\n" % (i % 50 + 1, i)
		       for i in range(n)) + last


GENERATORS = {
	# 1 MB: 20,000 lines of probes, then a syntax error on the last line
	"script_1mb_error_at_end": lambda: (probes_then(20000, "BEGIN { $x = ; }\n")
					    + "// " + "x" * (1 << 20) + "\n"),
	# a 1 MB line of garbage: one error per byte, but at most 50 printed
	"line_1mb_of_invalid_characters": lambda: "BEGIN { " + "`" * (1 << 20) + " }\n",
	# 10,000 probes: more BPF programs than BPFTRACE_MAX_BPF_PROGS allows
	"probes_10000": lambda: "".join("tracepoint:sched:sched_switch { @n%d = count(); }\n" % i
					for i in range(10000)),
	# 10,000 probes and an error in the last one, located on line 10,001
	"probes_10000_error_in_last": lambda: probes_then(10000, "BEGIN { @x = nosuchfn(); }\n"),
	# 200-deep nesting, each with an error at the bottom that must be located
	"nesting_200_parentheses": lambda: "BEGIN { $x = " + "(" * 200 + '"s" + 1' + ")" * 200 + "; }\n",
	"nesting_200_blocks": lambda: "BEGIN { " + "{ " * 200 + "$x = nosuch; " + "} " * 200 + "}\n",
	"nesting_200_ifs": lambda: "BEGIN { " + "if (1) { " * 200 + "@x = undef_var_x + $u; " + "} " * 200 + "}\n",
	"nesting_200_unary": lambda: "BEGIN { $x = " + "-" * 199 + " ~" * 1 + '"s"; }\n',
	"nesting_200_ternaries": lambda: "BEGIN { $x = " + "1 ? " * 200 + '"a"' + " : 2" * 200 + "; }\n",
	"nesting_200_calls": lambda: "BEGIN { $x = " + "bswap(" * 200 + '"s"' + ")" * 200 + "; }\n",
	"nesting_200_while": lambda: "BEGIN { " + "while (1) { " * 200 + "break; }" + "}" * 199 + "\n",
	# far beyond any parser's stack: a located error, not a crash
	"nesting_20000_parentheses": lambda: "BEGIN { $x = " + "(" * 20000 + "1" + ")" * 20000 + "; }\n",
	"nesting_20000_blocks": lambda: "BEGIN { " + "{" * 20000 + "}" * 20000 + " }\n",
	# deep trees bison's stack never sees (left-associative chains, prefix
	# operators): refused before sema and codegen recurse down them
	"chain_200000_additions": lambda: "BEGIN { $x = " + "1 + " * 200000 + "1; }\n",
	"nesting_5000_derefs": lambda: "BEGIN { $x = " + "*" * 5000 + "1; }\n",
	# huge literals
	"string_literal_1mb_unterminated": lambda: 'BEGIN { $s = "' + "a" * (1 << 20) + "\n",
	"integer_literal_10000_digits": lambda: "BEGIN { $x = " + "9" * 10000 + "; }\n",
	"hex_literal_1000_digits": lambda: "BEGIN { $x = 0x" + "f" * 1000 + "; }\n",
	"identifier_100000_chars": lambda: "BEGIN { $" + "v" * 100000 + " = nosuch_" + "w" * 100000 + "; }\n",
	"map_name_100000_chars": lambda: "BEGIN { @" + "m" * 100000 + " = 1; @" + "m" * 100000 + "[1] = 2; }\n",
	"format_string_1mb": lambda: 'BEGIN { printf("' + "%d" * (1 << 19) + '", 1); }\n',
	"comment_1mb_unterminated": lambda: "BEGIN { exit(); }\n/* " + "c" * (1 << 20),
	# bytes
	"nul_byte_in_program": lambda: "BEGIN { exit(); }\0 garbage after the NUL\n",
	"nul_byte_in_string": lambda: 'BEGIN { printf("a\0b"); }\n',
	"nul_byte_on_line_3": lambda: "BEGIN {\n  @x = 1;\n  @y = \0;\n}\n",
	"only_nul_bytes": lambda: "\0" * 100,
	"invalid_utf8_in_code": lambda: b"BEGIN { $x = 1 \xff\xfe; }\n".decode("latin-1"),
	"invalid_utf8_identifier": lambda: b"BEGIN { $caf\xc3 = 1; }\n".decode("latin-1"),
	"utf8_identifier": lambda: "BEGIN { $café = 1; }\n",
	"invalid_utf8_after_probe": lambda: b"BEGIN \x80\x81 { }\n".decode("latin-1"),
	"binary_elf_header": lambda: b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00".decode("latin-1"),
	"crlf_line_endings_with_error": lambda: "BEGIN {\r\n  $x = nosuch;\r\n}\r\n",
	"form_feed_and_vt_with_error": lambda: "BEGIN {\f\v $x = nosuch; }\n",
	"tabs_before_error": lambda: "BEGIN {\n\t\t\t$x = nosuch;\n}\n",
	"many_errors_one_per_line": lambda: "BEGIN {\n" + "".join("  $v%d = nosuch%d;\n" % (i, i) for i in range(1000)) + "}\n",
	"empty_file": lambda: "",
	"only_whitespace": lambda: " \n\t\n   \n",
	"only_comment": lambda: "// nothing here\n/* nor here */\n",
	"unterminated_comment_at_eof": lambda: "BEGIN { exit(); } /* never closed",
	"unterminated_string_at_eof": lambda: 'BEGIN { printf("never closed',
	"unterminated_block_at_eof": lambda: "BEGIN { exit();",
	"backslash_at_eof": lambda: 'BEGIN { printf("a\\',
}


def generated(name):
	data = GENERATORS[name]()
	return data.encode("latin-1") if isinstance(data, str) and not name.startswith("utf8") \
		else data.encode("utf-8")


# ---- case files -------------------------------------------------------------

def parse_cases(path):
	cases, cur, lineno = [], {}, 0
	def flush():
		if cur:
			if "name" not in cur:
				malformed("%s:%d: a case without name:" % (path, lineno))
			cur["file"] = os.path.relpath(path, ROOT)
			cases.append(dict(cur))
			cur.clear()
	for line in open(path, encoding="utf-8"):
		lineno += 1
		line = line.rstrip("\n")
		if line.startswith("#"):
			continue
		if not line.strip():
			flush()
			continue
		key, sep, value = line.partition(":")
		if not sep or key not in KEYS:
			malformed("%s:%d: not a `key: value` line with a known key: %s" % (path, lineno, line))
		value = value[1:] if value.startswith(" ") else value
		if key in ("prog", "env", "expect"):
			cur.setdefault(key, []).append(value)
		elif key in cur:
			malformed("%s:%d: %s: given twice" % (path, lineno, key))
		else:
			cur[key] = value
	flush()
	return cases


def command(case, binary, tmp):
	"""argv, stdin bytes and the environment of one case."""
	argv = [binary] + shlex.split(case.get("args", ""))
	stdin = b""
	if "input" in case:
		name = case["input"]
		if name not in GENERATORS:
			raise ValueError("input: no generator %r" % name)
		data = generated(name)
		if case.get("stdin") == "yes":
			argv.append("-")
			stdin = data
		else:
			with open(os.path.join(tmp, name + ".bt"), "wb") as f:
				f.write(data)
			argv.append(name + ".bt")
	elif len(case.get("prog", [])) > 1:
		with open(os.path.join(tmp, "bad.bt"), "w", encoding="utf-8") as f:
			f.write("\n".join(case["prog"]) + "\n")
		argv.append("bad.bt")
	elif case.get("stdin") == "yes":
		argv.append("-")
		stdin = case["prog"][0].encode()
	elif "prog" in case:
		argv += ["-e", case["prog"][0]]
	env = {k: v for k, v in os.environ.items()
	       if not k.startswith(("BPFTRACE_", "BPFL_", "__BPFTRACE"))}
	# leaks are errors; a report makes the exit status differ from 1
	env["ASAN_OPTIONS"] = "detect_leaks=1:exitcode=86:" + env.get("ASAN_OPTIONS", "")
	env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87"
	env["LSAN_OPTIONS"] = "exitcode=88"
	for e in case.get("env", []):
		k, _, v = e.partition("=")
		env[k] = v
	return argv, stdin, env


def run_case(case, binary):
	"""(passed, reasons, output) of one case."""
	with tempfile.TemporaryDirectory(prefix="bpfline-bad.") as tmp:
		try:
			argv, stdin, env = command(case, binary, tmp)
		except ValueError as e:
			return False, [str(e)], ""
		try:
			r = subprocess.run(argv, input=stdin, cwd=tmp, env=env, timeout=TIMEOUT,
					   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
		except subprocess.TimeoutExpired as e:
			out = (e.output or b"").decode("utf-8", "replace")
			return False, ["no exit within %d s (a hang?)" % TIMEOUT], out
	out = r.stdout.decode("utf-8", "replace")
	return check(case, r.returncode, out) + (out,)


def check(case, status, out):
	reasons = []
	lines = out.split("\n")
	want = int(case.get("exit", "1"))
	if status != want:
		reasons.append("exit status %d, expected %d%s" % (status, want,
			       " (killed by signal %d)" % -status if status < 0 else ""))
	if SANITIZER.search(out):
		reasons.append("a sanitizer report")
	if any(l.startswith("Attached ") for l in lines):
		reasons.append("probes were attached")
	errors = [l for l in lines if re.match(r"^(\S+: )?ERROR: ", l)]
	if want == 1 and not errors and "unlocated" not in case:
		reasons.append("no ERROR line")
	if errors and "unlocated" not in case and not LOCATED.match(errors[0]):
		reasons.append("the first error is not located (file:line:col): %s" % errors[0][:200])
	if "error" in case and (not errors or errors[0] != case["error"]):
		reasons.append("first ERROR line differs:\n    want: %s\n    got:  %s"
			       % (case["error"], errors[0][:300] if errors else "(none)"))
	at = 0
	for pat in case.get("expect", []):
		rx = re.compile(pat)
		while at < len(lines) and not rx.search(lines[at]):
			at += 1
		if at == len(lines):
			reasons.append("no line matches (in order): %s" % pat)
			break
		at += 1
	return (not reasons, reasons)


def malformed(msg):
	"""A malformed case file: the message, exit status 2 (the docstring's promise)."""
	print(msg, file=sys.stderr)
	sys.exit(2)


def main():
	ap = argparse.ArgumentParser(add_help=True)
	ap.add_argument("-b", default=os.environ.get("BPFLINE", os.path.join(ROOT, "build-asan/bpfline")))
	ap.add_argument("-j", type=int, default=2)
	ap.add_argument("-f")
	ap.add_argument("--show", action="store_true")
	ap.add_argument("files", nargs="*")
	a = ap.parse_args()
	binary = os.path.abspath(a.b)
	if not os.access(binary, os.X_OK):
		print("run.py: no executable %s (build it: cmake -S . -B build-asan -DBPFL_SANITIZE=ON)"
		      % binary, file=sys.stderr)
		return 2
	files = a.files or sorted(glob.glob(os.path.join(HERE, "*.cases")))
	cases = [c for f in files for c in parse_cases(f)]
	names = set()
	for c in cases:
		if c["name"] in names:
			malformed("%s: case %s: name given twice" % (c["file"], c["name"]))
		names.add(c["name"])
	if a.f:
		cases = [c for c in cases if re.search(a.f, c["name"])]
		if not cases:
			print("run.py: no case matches %s" % a.f, file=sys.stderr)
			return 2
	if a.show:
		for c in cases:
			_, _, out = run_case(c, binary)
			print("== %s\n%s" % (c["name"], out[:3000]))
		return 0
	failed = 0
	with concurrent.futures.ThreadPoolExecutor(max_workers=a.j) as pool:
		for c, (ok, reasons, out) in zip(cases, pool.map(lambda c: run_case(c, binary), cases)):
			if ok:
				print("PASS %s" % c["name"])
				continue
			failed += 1
			print("FAIL %s (%s)" % (c["name"], c["file"]))
			for r in reasons:
				print("  " + r)
			for l in out.split("\n")[:30]:
				print("  | " + l[:300])
	print("%d passed, %d failed" % (len(cases) - failed, failed))
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
