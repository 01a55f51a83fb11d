/* --info (bpftrace's section and line names, which its test engine searches
 * for, e.g. "Loop support: yes", "fentry: yes"). The kernel is probed through
 * src/kernel/, each feature once. Features bpfline has not implemented are
 * printed "no" whatever the kernel says: builtins (signal, path, skboutput,
 * jiffies), probe kinds (kprobe_multi/session, uprobe_multi), DWARF. */
#include "runtime/info.h"

#include <stdbool.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <llvm-c/Core.h>

#include "kernel/kfeat.h"
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
		"  LLVM: %u.%u.%u\n  bfd: no\n  libdw (DWARF support): no\n"
		"  bcc library path resolution: yes\n"
		"  dwunwind (DWARF stack unwinding): no\n\n", BPFL_VERSION, maj, min, pat);
}

static void print_helpers(FILE *out)
{
	const int k = BPF_PROG_TYPE_KPROBE;

	fprintf(out, "Kernel helpers\n"
		"  probe_read: %s\n  probe_read_str: %s\n  probe_read_user: %s\n"
		"  probe_read_user_str: %s\n  probe_read_kernel: %s\n"
		"  probe_read_kernel_str: %s\n  get_current_cgroup_id: %s\n",
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read)),
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read_str)),
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read_user)),
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read_user_str)),
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read_kernel)),
		yes_no(kfeat_helper(k, BPF_FUNC_probe_read_kernel_str)),
		yes_no(kfeat_helper(k, BPF_FUNC_get_current_cgroup_id)));
	fprintf(out, "  send_signal: no\n  override_return: no\n  get_boot_ns: %s\n"
		"  dpath: no\n  skboutput: no\n  get_tai_ns: %s\n  get_func_ip: %s\n"
		"  jiffies64: no\n  for_each_map_elem: %s\n  get_ns_current_pid_tgid: %s\n"
		"  map_lookup_percpu_elem: no\n\n",
		yes_no(kfeat_helper(k, BPF_FUNC_ktime_get_boot_ns)),
		yes_no(kfeat_helper(k, BPF_FUNC_ktime_get_tai_ns)),
		yes_no(kfeat_helper(k, BPF_FUNC_get_func_ip)),
		yes_no(kfeat_helper(k, BPF_FUNC_for_each_map_elem)),
		yes_no(kfeat_helper(k, BPF_FUNC_get_ns_current_pid_tgid)));
}

static void print_features(FILE *out)
{
	fprintf(out, "Kernel features\n  Instruction limit: %d\n  Loop support: %s\n"
		"  btf: %s\n  module btf: no\n  map batch: yes\n"
		"  uprobe refcount (depends on Build:bcc bpf_attach_uprobe refcount): yes\n\n",
		kfeat_insn_limit(), yes_no(kfeat_loop()),
		yes_no(access("/sys/kernel/btf/vmlinux", R_OK) == 0));
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
		"  kprobe_session: no\n  uprobe_multi: no\n  iter: %s\n",
		yes_no(kfunc_has_kprobes()), yes_no(kfeat_prog(BPF_PROG_TYPE_TRACEPOINT)),
		yes_no(kfeat_prog(BPF_PROG_TYPE_PERF_EVENT)), yes_no(kfunc_has_fentry("vfs_read", NULL)),
		yes_no(access("/sys/bus/event_source/devices/uprobe/type", R_OK) == 0),
		yes_no(kfeat_prog(BPF_PROG_TYPE_RAW_TRACEPOINT)), yes_no(has_iter()));
}

void rt_info_print(FILE *out)
{
	print_system(out);
	print_helpers(out);
	print_features(out);
	print_probes(out);
	fflush(out);
}
