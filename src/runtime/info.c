/* --info (bpftrace's section and line names, which its test engine searches
 * for, e.g. "Loop support: yes", "fentry: yes"). The kernel is probed through
 * src/kernel/, each feature once. Features bpfline has not implemented are
 * printed "no" whatever the kernel says: builtins (signal, skboutput),
 * probe kinds (kprobe_multi/session, uprobe_multi), DWARF. */
#include "runtime/info.h"

#include <stdbool.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <llvm-c/Core.h>

#include "kernel/kfeat.h"
#include "kernel/perfev.h"
#include "kernel/kbtf.h"
#include "kernel/kfunc.h"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void print_system(FILE *out)
{
	struct utsname u;
	unsigned maj, min, pat;

	if (uname(&u) == 0)
		fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release,
			u.version, u.machine);
	LLVMGetVersion(&maj, &min, &pat);
	fprintf(out, "Build\n  version: bpfline v%s (bpftrace v0.26.1 language)\n"
		"  LLVM: %u.%u.%u\n  bfd: no\n  libdw (DWARF support): yes\n"
		"  bcc library path resolution: yes\n"
		"  dwunwind (DWARF stack unwinding): no\n\n", BPFL_VERSION, maj, min, pat);
}

/* bpftrace's helper lines in its order; helper 0: a line bpfline prints "no"
 * because it does not use that helper. */
static const struct { const char *name; int helper; } helpers[] = {
	{"probe_read", BPF_FUNC_probe_read},
	{"probe_read_str", BPF_FUNC_probe_read_str},
	{"probe_read_user", BPF_FUNC_probe_read_user},
	{"probe_read_user_str", BPF_FUNC_probe_read_user_str},
	{"probe_read_kernel", BPF_FUNC_probe_read_kernel},
	{"probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str},
	{"get_current_cgroup_id", BPF_FUNC_get_current_cgroup_id},
	{"send_signal", 0},
	{"override_return", 0},
	{"get_boot_ns", BPF_FUNC_ktime_get_boot_ns},
	{"dpath", BPF_FUNC_d_path},	/* for tracing programs: path() */
	{"skboutput", 0},
	{"get_tai_ns", BPF_FUNC_ktime_get_tai_ns},
	{"get_func_ip", BPF_FUNC_get_func_ip},
	{"jiffies64", BPF_FUNC_jiffies64},
	{"for_each_map_elem", BPF_FUNC_for_each_map_elem},
	{"get_ns_current_pid_tgid", BPF_FUNC_get_ns_current_pid_tgid},
	{"map_lookup_percpu_elem", BPF_FUNC_map_lookup_percpu_elem},
};

static void print_helpers(FILE *out)
{
	fputs("Kernel helpers\n", out);
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		bool has = helpers[i].helper == BPF_FUNC_d_path ? kfunc_has_dpath() :
			   helpers[i].helper && kfeat_helper(BPF_PROG_TYPE_KPROBE, helpers[i].helper);
		fprintf(out, "  %s: %s\n", helpers[i].name, yes_no(has));
	}
	fputc('\n', out);
}

static void print_features(FILE *out)
{
	fprintf(out, "Kernel features\n  Instruction limit: %d\n  Loop support: %s\n"
		"  btf: %s\n  module btf: no\n  map batch: yes\n"
		"  uprobe refcount (depends on Build:bcc bpf_attach_uprobe refcount): yes\n"
		"  hardware breakpoints (watchpoint): %s\n\n",
		kfeat_insn_limit(), yes_no(kfeat_loop()),
		yes_no(access("/sys/kernel/btf/vmlinux", R_OK) == 0), yes_no(perfev_breakpoints_fire()));
	fprintf(out, "Map types\n  hash: %s\n  percpu hash: %s\n  array: %s\n"
		"  percpu array: %s\n  stack_trace: %s\n  perf_event_array: %s\n"
		"  ringbuf: %s\n\n",
		yes_no(kfeat_map(BPF_MAP_TYPE_HASH)), yes_no(kfeat_map(BPF_MAP_TYPE_PERCPU_HASH)),
		yes_no(kfeat_map(BPF_MAP_TYPE_ARRAY)), yes_no(kfeat_map(BPF_MAP_TYPE_PERCPU_ARRAY)),
		yes_no(kfeat_map(BPF_MAP_TYPE_STACK_TRACE)),
		yes_no(kfeat_map(BPF_MAP_TYPE_PERF_EVENT_ARRAY)), yes_no(kfeat_map(BPF_MAP_TYPE_RINGBUF)));
}

/* iter:task and friends: the kernel describes their contexts in BTF. */
static bool has_iter(void)
{
	const struct btf *b = kbtf_vmlinux();
	return b && btf__find_by_name_kind(b, "bpf_iter__task", BTF_KIND_STRUCT) > 0;
}

static void print_probes(FILE *out)
{
	fprintf(out, "Probe types\n  kprobe: %s\n  tracepoint: %s\n  perf_event: %s\n"
		"  fentry: %s\n  uprobe: %s\n  raw_tracepoint: %s\n  kprobe_multi: no\n"
		"  kprobe_session: no\n  uprobe_multi: %s\n  iter: %s\n",
		yes_no(kfunc_has_kprobes()), yes_no(kfeat_prog(BPF_PROG_TYPE_TRACEPOINT)),
		yes_no(kfeat_prog(BPF_PROG_TYPE_PERF_EVENT)), yes_no(kfunc_has_fentry("vfs_read", NULL)),
		yes_no(access("/sys/bus/event_source/devices/uprobe/type", R_OK) == 0),
		yes_no(kfeat_prog(BPF_PROG_TYPE_RAW_TRACEPOINT)), yes_no(kfeat_uprobe_multi()),
		yes_no(has_iter()));
}

void rt_info_print(FILE *out)
{
	print_system(out);
	print_helpers(out);
	print_features(out);
	print_probes(out);
	fflush(out);
}
