#!/usr/bin/env python3
"""Write the programs of tests/bad/builtins.cases: every builtin misused — called
with too few and too many arguments, with arguments of the wrong type, in a
probe where it means nothing, and (aggregations) outside a map assignment.

    tests/bad/gen-builtins.py > /tmp/new.cases

Each block gets `name:` and `prog:` only; the `error:` line of each case is the
error bpfline gives (tests/bad/run.py --show prints it), checked by a person
and written into tests/bad/builtins.cases, which is what the lane runs. Run this
again when a builtin is added, and add the new blocks with their errors."""

# A probe with arguments on any Debian host (kprobes may be missing: a kernel
# without them would report that first).
UPROBE = "uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc"

# name: (min args, max args, a call with correct arguments)
CALLS = {
	"printf": (1, 64, 'printf("%d\\n", 1)'), "errorf": (1, 64, 'errorf("x %d", 1)'),
	"warnf": (1, 64, 'warnf("x %d", 1)'), "debugf": (1, 64, 'debugf("x %d", 1)'),
	"system": (1, 64, 'system("true")'), "cat": (1, 64, 'cat("/etc/hostname")'),
	"exit": (0, 1, "exit()"), "time": (0, 1, "time()"), "print": (1, 3, "print(1)"),
	"clear": (1, 1, "clear(@m)"), "zero": (1, 1, "zero(@m)"), "delete": (1, 2, "delete(@m, 1)"),
	"len": (1, 1, "len(@m)"), "has_key": (2, 2, "has_key(@m, 1)"),
	"str": (1, 2, "str(arg0)"), "buf": (1, 2, "buf(arg0, 8)"), "strlen": (1, 1, 'strlen("a")'),
	"strcontains": (2, 2, 'strcontains("ab", "a")'), "strncmp": (3, 3, 'strncmp("a", "b", 1)'),
	"strerror": (1, 1, "strerror(1)"), "strftime": (2, 2, 'strftime("%H", nsecs)'),
	"ksym": (1, 1, "ksym(0)"), "usym": (1, 1, "usym(0)"), "kaddr": (1, 1, 'kaddr("jiffies")'),
	"uaddr": (1, 1, 'uaddr("main")'), "reg": (1, 1, 'reg("ip")'),
	"percpu_kaddr": (1, 2, 'percpu_kaddr("runqueues")'),
	"kstack": (0, 2, "kstack()"), "ustack": (0, 2, "ustack()"),
	"ntop": (1, 2, "ntop(0)"), "pton": (1, 1, 'pton("127.0.0.1")'), "macaddr": (1, 1, "macaddr(arg0)"),
	"join": (1, 2, "join(arg0)"), "signal_name": (1, 1, "signal_name(9)"),
	"cgroup_path": (1, 2, "cgroup_path(cgroup)"), "getopt": (1, 3, 'getopt("x")'),
	"bswap": (1, 1, "bswap(1)"), "kptr": (1, 1, "kptr(arg0)"), "uptr": (1, 1, "uptr(arg0)"),
	"write_user": (3, 3, "write_user(arg0, arg1, 1)"), "nsecs": (0, 1, "nsecs()"),
}
AGGS = {"count": (0, 0), "sum": (1, 1), "avg": (1, 1), "min": (1, 1), "max": (1, 1),
	"stats": (1, 1), "hist": (1, 2), "lhist": (4, 4), "tseries": (3, 4)}
VARS = ["pid", "tid", "uid", "gid", "cpu", "curtask", "rand", "cgroup", "comm", "probe",
	"ncpus", "jiffies", "numaid", "usermode", "probetype", "username", "elapsed", "nsecs",
	"kstack", "ustack", "retval", "func", "cpid", "ctx", "args"]

# Arguments of the wrong type or form: (case suffix, program).
WRONG = [
	("printf_format_not_literal", 'BEGIN { $f = "%d"; printf($f, 1); }'),
	("printf_too_few_args_for_format", 'BEGIN { printf("%d %d\\n", 1); }'),
	("printf_too_many_args_for_format", 'BEGIN { printf("%d\\n", 1, 2); }'),
	("printf_string_for_d", 'BEGIN { printf("%d\\n", "a"); }'),
	("printf_int_for_s", 'BEGIN { printf("%s\\n", 1); }'),
	("printf_unknown_conversion", 'BEGIN { printf("%y\\n", 1); }'),
	("printf_map_argument", 'BEGIN { @m[1] = 1; printf("%d\\n", @m); }'),
	("errorf_int_format", "BEGIN { errorf(1); }"),
	("warnf_missing_arg", 'BEGIN { warnf("%s"); }'),
	("debugf_int_for_s", 'BEGIN { debugf("%s", 1); }'),
	("system_without_unsafe", 'BEGIN { system("true"); }'),
	("system_format_not_literal", 'BEGIN { $c = "true"; system($c); }'),
	("cat_int_path", "BEGIN { cat(1); }"),
	("cat_missing_arg", 'BEGIN { cat("/proc/%d/status"); }'),
	("exit_string_code", 'BEGIN { exit("1"); }'),
	("exit_error_in_argument", 'BEGIN { exit("a" + 1); }'),
	("exit_type_name_argument", "BEGIN { exit(int8); }"),
	("time_int_format", "BEGIN { time(1); }"),
	("print_too_many_for_value", 'BEGIN { print(1, 2); }'),
	("print_top_not_int", 'BEGIN { @m[1] = 1; print(@m, "a"); }'),
	("clear_not_map", "BEGIN { clear(1); }"),
	("clear_map_element", "BEGIN { @m[1] = 1; clear(@m[1]); }"),
	("zero_variable", "BEGIN { $x = 1; zero($x); }"),
	("delete_not_map", "BEGIN { $x = 1; delete($x); }"),
	("delete_wrong_key_type", 'BEGIN { @m[1] = 1; delete(@m, "a"); }'),
	("delete_map_without_key", "BEGIN { @m[1] = 1; delete(@m); }"),
	("len_not_map", 'BEGIN { print(len("abc")); }'),
	("has_key_not_map", "BEGIN { $x = 1; print(has_key($x, 1)); }"),
	("has_key_wrong_key_type", 'BEGIN { @m[1] = 1; print(has_key(@m, "a")); }'),
	("has_key_scalar_map", "BEGIN { @m = 1; print(has_key(@m, 1)); }"),
	("str_length_string", 'tracepoint:syscalls:sys_enter_openat { $s = str(args.filename, "a"); }'),
	("buf_length_zero", "tracepoint:syscalls:sys_enter_read { $b = buf(args.buf, 0); }"),
	("buf_length_too_big", "tracepoint:syscalls:sys_enter_read { $b = buf(args.buf, 100000); }"),
	("buf_without_length", "tracepoint:syscalls:sys_enter_read { $b = buf(args.count); }"),
	("strlen_int", "BEGIN { print(strlen(1)); }"),
	("strcontains_int", 'BEGIN { print(strcontains(1, "a")); }'),
	("strncmp_int_args", "BEGIN { print(strncmp(1, 2, 1)); }"),
	("strncmp_string_length", 'BEGIN { print(strncmp("a", "b", "c")); }'),
	("strerror_string", 'BEGIN { print(strerror("a")); }'),
	("strftime_int_format", "BEGIN { print(strftime(1, nsecs)); }"),
	("strftime_string_time", 'BEGIN { print(strftime("%H", "now")); }'),
	("ksym_string", 'BEGIN { print(ksym("a")); }'),
	("usym_string", 'BEGIN { print(usym("a")); }'),
	("kaddr_int", "BEGIN { print(kaddr(1)); }"),
	("kaddr_unknown_symbol", 'BEGIN { print(kaddr("no_such_kernel_symbol_xyz")); }'),
	("uaddr_outside_uprobe", 'BEGIN { print(uaddr("main")); }'),
	("reg_int", "BEGIN { print(reg(1)); }"),
	("reg_unknown_register", UPROBE + ' { print(reg("xyz")); }'),
	("reg_in_begin", 'BEGIN { print(reg("ip")); }'),
	("percpu_kaddr_int", "BEGIN { print(percpu_kaddr(1)); }"),
	("kstack_bad_mode", "BEGIN { print(kstack(xyz)); }"),
	("kstack_string_depth", 'BEGIN { print(kstack(perf, "a")); }'),
	("kstack_negative_depth", "BEGIN { print(kstack(-1)); }"),
	("ustack_huge_depth", "BEGIN { print(ustack(100000)); }"),
	("ntop_string", 'BEGIN { print(ntop("a")); }'),
	("ntop_af_string", 'BEGIN { print(ntop("2", 1)); }'),
	("pton_int", "BEGIN { print(pton(1)); }"),
	("pton_bad_address", 'BEGIN { print(pton("1.2.3.256")); }'),
	("pton_not_literal", 'BEGIN { $a = "1.2.3.4"; print(pton($a)); }'),
	("macaddr_string", 'BEGIN { print(macaddr("abc")); }'),
	("join_string", 'BEGIN { join("abc"); }'),
	("join_int_delimiter", "tracepoint:syscalls:sys_enter_execve { join(args.argv, 1); }"),
	("signal_name_string", 'BEGIN { print(signal_name("KILL")); }'),
	("cgroup_path_string", 'BEGIN { print(cgroup_path("a")); }'),
	("cgroup_path_int_filter", "BEGIN { print(cgroup_path(cgroup, 1)); }"),
	("getopt_int_name", "BEGIN { print(getopt(1)); }"),
	("getopt_int_description", 'BEGIN { print(getopt("x", 1, 2)); }'),
	("bswap_string", 'BEGIN { print(bswap("a")); }'),
	("kptr_string", 'BEGIN { print(kptr("a")); }'),
	("uptr_string", 'BEGIN { print(uptr("a")); }'),
	("write_user_without_unsafe", UPROBE + " { write_user(arg0, arg1, 1); }"),
	("nsecs_bad_clock", "BEGIN { print(nsecs(xyz)); }"),
	("nsecs_string_clock", 'BEGIN { print(nsecs("boot")); }'),
	("sum_string", 'BEGIN { @s = sum("a"); }'),
	("avg_string", 'BEGIN { @s = avg("a"); }'),
	("min_string", 'BEGIN { @s = min("a"); }'),
	("max_string", 'BEGIN { @s = max("a"); }'),
	("stats_string", 'BEGIN { @s = stats("a"); }'),
	("hist_string", 'BEGIN { @s = hist("a"); }'),
	("hist_bits_too_big", "BEGIN { @s = hist(1, 10); }"),
	("hist_bits_not_literal", "BEGIN { $b = 2; @s = hist(1, $b); }"),
	("lhist_step_zero", "BEGIN { @s = lhist(1, 0, 10, 0); }"),
	("lhist_min_above_max", "BEGIN { @s = lhist(1, 10, 0, 1); }"),
	("lhist_not_literal", "BEGIN { $m = 10; @s = lhist(1, 0, $m, 1); }"),
	("lhist_string_value", 'BEGIN { @s = lhist("a", 0, 10, 1); }'),
	("tseries_zero_interval", "BEGIN { @s = tseries(1, 0, 10); }"),
	("tseries_bad_aggregation", 'BEGIN { @s = tseries(1, 1000000, 10, "median"); }'),
	("count_into_variable", "BEGIN { $c = count(); }"),
	("count_in_printf", 'BEGIN { printf("%d", count()); }'),
	("aggregation_mixed_with_int", "BEGIN { @a = count(); @a = 1; }"),
	("aggregation_mixed_kinds", "BEGIN { @a = count(); @a = sum(1); }"),
	("aggregation_as_map_key", 'BEGIN { @a = count(); @b[@a] = 1; }'),
	("hist_different_bits", "BEGIN { @a = hist(1, 1); @a = hist(1, 2); }"),
	("lhist_different_ranges", "BEGIN { @a = lhist(1, 0, 10, 1); @a = lhist(1, 0, 20, 1); }"),
	("assign_to_builtin", "BEGIN { pid = 1; }"),
	("assign_to_comm", 'BEGIN { comm = "a"; }'),
	("increment_builtin", "BEGIN { pid++; }"),
	("address_of_builtin", "BEGIN { $p = &pid; }"),
	("call_unknown_function", "BEGIN { nosuchfunction(1); }"),
	("call_unknown_function_close_name", "BEGIN { printff(\"a\"); }"),
	("builtin_variable_as_map_key_type_conflict", 'BEGIN { @m[pid] = 1; @m[comm] = 2; }'),
	("arg_in_begin", "BEGIN { print(arg0); }"),
	("arg_in_tracepoint", "tracepoint:sched:sched_switch { print(arg0); }"),
	("arg_number_too_big", UPROBE + " { print(arg99); }"),
	("sarg_in_begin", "BEGIN { print(sarg0); }"),
	("args_unknown_field", "tracepoint:syscalls:sys_enter_openat { print(args.nosuchfield); }"),
	("args_in_begin", "BEGIN { print(args); }"),
	("args_as_integer", "tracepoint:syscalls:sys_enter_openat { $x = args + 1; }"),
	("retval_in_uprobe", UPROBE + " { print(retval); }"),
	("func_in_begin", "BEGIN { print(func); }"),
	("cpid_without_c", "BEGIN { print(cpid); }"),
	("ctx_in_begin_field", "BEGIN { print(ctx.x); }"),
	("probe_arithmetic", "BEGIN { $x = probe + 1; }"),
	("comm_arithmetic", "BEGIN { $x = comm * 2; }"),
	("curtask_unknown_field", "BEGIN { print(curtask->nosuchfield); }"),
	("username_arithmetic", "BEGIN { $x = username - 1; }"),
	("kstack_arithmetic", "BEGIN { $x = kstack + 1; }"),
	("elapsed_string_compare", 'BEGIN { if (elapsed == "a") { exit(); } }'),
	("sizeof_no_args", "BEGIN { print(sizeof()); }"),
	("sizeof_unknown_type", "BEGIN { print(sizeof(struct no_such_struct_xyz)); }"),
	("offsetof_unknown_field", "BEGIN { print(offsetof(struct task_struct, no_such_field)); }"),
	("offsetof_one_arg", "BEGIN { print(offsetof(struct task_struct)); }"),
]


def block(name, prog):
	print("name: %s\nprog: %s\n" % (name, prog))


def args(n, sample):
	"""n arguments: the correct call's first ones, then integers."""
	inside = sample[sample.index("(") + 1:-1]
	have = [a.strip() for a in inside.split(",")] if inside.strip() else []
	return ", ".join((have + ["1"] * n)[:n])


def main():
	print("# Generated by tests/bad/gen-builtins.py, errors checked and written in by hand.\n")
	for name, (lo, hi, sample) in sorted(CALLS.items()):
		if hi < 64:
			block("%s_too_many_args" % name, UPROBE + " { @m[1] = 1; %s(%s); }"
			      % (name, args(hi + 1, sample)))
		if lo > 0:
			block("%s_too_few_args" % name, UPROBE + " { @m[1] = 1; %s(%s); }"
			      % (name, args(lo - 1, sample)))
	for name, (lo, hi) in sorted(AGGS.items()):
		block("%s_not_assigned_to_map" % name, "BEGIN { $x = %s(%s); }" % (name, ", ".join(["1"] * lo)))
		block("%s_too_many_args" % name, "BEGIN { @a = %s(%s); }" % (name, ", ".join(["1"] * (hi + 1))))
		if lo > 0:
			block("%s_too_few_args" % name, "BEGIN { @a = %s(%s); }" % (name, ", ".join(["1"] * (lo - 1))))
	for name in VARS:
		if name in ("retval", "func", "cpid", "args"):	# the others may be called
			block("%s_called" % name, "BEGIN { $x = %s(); }" % name)
	for suffix, prog in WRONG:
		block(suffix, prog)


main()
