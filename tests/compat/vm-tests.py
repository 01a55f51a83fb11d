#!/usr/bin/env python3
"""The tests of bpftrace's suite that belong to the VM lane (tests/compat/run.sh --vm).

    vm-tests.py SUITE [FILTER]

Prints, one a line as the engine names them ('file.NAME'), the tests that need a
kernel with kprobes or fentry/fexit: those whose PROG or RUN (and the suite script a
RUN names) has a kprobe/kretprobe/fentry/fexit attach point (also the aliases kfunc,
kretfunc, k, kr, f, fr), or that REQUIRES_FEATURE one of the kernel-function features.
The host kernel lacks these, so the lane boots Debian's kernel for them.

FILTER, the engine's (regexes separated by ':', a leading '-' excludes), narrows the
list. With --engine-filter the output is instead one engine filter that selects
exactly the printed tests.
"""
import os
import re
import sys

# An attach point of a kernel-function probe: the provider, not '%f:' or '$f:'; a
# short alias (k, kr, f, fr) only before a name, not a C bitfield's 'f:15'.
PROBE = re.compile(r"(?<![\w%$@.])((kprobe|kretprobe|fentry|fexit|kfunc|kretfunc):"
                   r"|(k|kr|f|fr):(?=[A-Za-z_*]))")
FEATURES = {"kprobe_multi", "kprobe_session", "get_func_ip"}
SKIP_DIRS = ("engine", "scripts", "outputs")


def blocks(path):
    """The tests of one suite file: lists of lines, blank-line separated (the engine's rule)."""
    block = []
    for line in open(path, errors="replace").read().split("\n") + [""]:
        if line.startswith("#"):
            continue
        if line.strip():
            block.append(line)
        elif block:
            yield block
            block = []


def needs_vm(suite, block):
    text, feature = "", False
    for line in block:
        key, _, val = line.partition(" ")
        if key in ("PROG", "RUN"):
            text += val + "\n"
            for script in re.findall(r"runtime/scripts/\S+\.bt", val):
                path = os.path.join(suite, "tests", script)
                if os.path.exists(path):
                    text += open(path, errors="replace").read()
        elif key == "REQUIRES_FEATURE" and val.strip() in FEATURES:
            feature = True
    return feature or PROBE.search(text) is not None


def vm_tests(suite):
    names = []
    for root, dirs, files in os.walk(os.path.join(suite, "tests", "runtime")):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for f in sorted(files):
            if f.startswith("."):
                continue
            for block in blocks(os.path.join(root, f)):
                name = next((l[5:].strip() for l in block if l.startswith("NAME ")), None)
                if name and needs_vm(suite, block):
                    names.append(f"{f}.{name}")
    return sorted(set(names))


def selected(names, flt):
    pos = "|".join(p for p in flt.split(":") if p and not p.startswith("-")) or ".*"
    neg = "|".join(p[1:] for p in flt.split(":") if p.startswith("-"))
    return [n for n in names if re.search(pos, n) and not (neg and re.search(neg, n))]


def exact_filter(names):
    return ":".join("^" + re.escape(n).replace(":", r"\x3a") + "$" for n in names)


def main(argv):
    engine = "--engine-filter" in argv
    args = [a for a in argv[1:] if a != "--engine-filter"]
    if not args:
        sys.exit("usage: vm-tests.py SUITE [FILTER] [--engine-filter]")
    names = selected(vm_tests(args[0]), args[1] if len(args) > 1 else "")
    if engine:
        print(exact_filter(names))
    else:
        print("\n".join(names))


if __name__ == "__main__":
    main(sys.argv)
