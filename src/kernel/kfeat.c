/* Kernel BPF feature probes, each made once and only when asked (--info).
 * See kfeat.h. */
#include "kernel/kfeat.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "util/log.h"

/* A cache slot: 0 not probed yet, 1 absent, 2 present. */
typedef unsigned char kf_slot;

static kf_slot helpers[4][__BPF_FUNC_MAX_ID];	/* [prog type index][helper] */
static kf_slot maps[64];
static kf_slot progs[64];

static int prog_index(int prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_KPROBE: return 0;
	case BPF_PROG_TYPE_TRACEPOINT: return 1;
	case BPF_PROG_TYPE_PERF_EVENT: return 2;
	default: return 3;	/* BPF_PROG_TYPE_TRACING and anything else */
	}
}

static bool slot_get(kf_slot *s, int (*probe)(int a, int b), int a, int b)
{
	if (!*s)
		*s = probe(a, b) > 0 ? 2 : 1;
	return *s == 2;
}

static int probe_helper(int prog_type, int helper)
{
	return libbpf_probe_bpf_helper(prog_type, helper, NULL);
}

static int probe_map(int map_type, int unused)
{
	(void)unused;
	return libbpf_probe_bpf_map_type(map_type, NULL);
}

static int probe_prog(int prog_type, int unused)
{
	(void)unused;
	return libbpf_probe_bpf_prog_type(prog_type, NULL);
}

bool kfeat_helper(int prog_type, int helper)
{
	if (helper <= 0 || helper >= __BPF_FUNC_MAX_ID)
		return false;
	return slot_get(&helpers[prog_index(prog_type)][helper], probe_helper, prog_type, helper);
}

bool kfeat_map(int map_type)
{
	if (map_type <= 0 || map_type >= (int)sizeof(maps))
		return false;
	return slot_get(&maps[map_type], probe_map, map_type, 0);
}

bool kfeat_prog(int prog_type)
{
	if (prog_type <= 0 || prog_type >= (int)sizeof(progs))
		return false;
	return slot_get(&progs[prog_type], probe_prog, prog_type, 0);
}

/* Load insns as a socket filter with a verifier log; the fd or -errno. */
static int load_logged(const struct bpf_insn *insns, size_t n, char *log, size_t logsz)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = (__u32)logsz,
		    .log_level = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "bpfl_probe", "GPL", insns, n, &o);
	return fd < 0 ? -errno : fd;
}

bool kfeat_loop(void)
{
	static kf_slot s;
	/* r0 = 0; loop: r0 += 1; if r0 < 4 goto loop; exit */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_JLT | BPF_K, .dst_reg = BPF_REG_0, .off = -2, .imm = 4 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[1024];

	if (!s) {
		int fd = load_logged(insns, 4, log, sizeof(log));
		s = fd >= 0 ? 2 : 1;
		if (fd >= 0)
			close(fd);
	}
	return s == 2;
}

int kfeat_insn_limit(void)
{
	static int limit = -2;
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[4096] = "";
	const char *at;

	if (limit == -2) {
		int fd = load_logged(insns, 2, log, sizeof(log));
		limit = -1;
		if (fd >= 0)
			close(fd);
		/* "processed 2 insns (limit 1000000) max_states_per_insn ..." */
		if ((at = strstr(log, "(limit ")) && sscanf(at, "(limit %d)", &limit) != 1)
			limit = -1;
		rt_log(1, "kernel: instruction limit %d\n", limit);
	}
	return limit;
}

/* uprobe_multi (Linux 6.6): one BPF link attaches a program at many offsets
 * of one binary. Debian 12's libbpf (1.1) and UAPI headers (6.1) predate it,
 * so the attach type, the flag and the layout of bpf_attr.link_create for it
 * are written here, as the kernel defines them. */
#define KF_TRACE_UPROBE_MULTI 48	/* enum bpf_attach_type BPF_TRACE_UPROBE_MULTI */
#define KF_F_UPROBE_MULTI_RETURN 1U

struct kf_link_create_uprobe_multi {
	uint32_t prog_fd, target_fd, attach_type, flags;
	uint64_t path, offsets, ref_ctr_offsets, cookies;
	uint32_t cnt, multi_flags, pid, pad;
};

int kfeat_uprobe_multi_attach_type(void)
{
	return KF_TRACE_UPROBE_MULTI;
}

int kfeat_uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets,
			    const uint64_t *cookies, uint32_t cnt, bool ret, int pid)
{
	struct kf_link_create_uprobe_multi attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = KF_TRACE_UPROBE_MULTI;
	attr.path = (uint64_t)(uintptr_t)path;
	attr.offsets = (uint64_t)(uintptr_t)offsets;
	attr.cookies = (uint64_t)(uintptr_t)cookies;
	attr.cnt = cnt;
	attr.multi_flags = ret ? KF_F_UPROBE_MULTI_RETURN : 0;
	attr.pid = pid > 0 ? (uint32_t)pid : 0;
	int fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* As libbpf probes it: a kprobe program loaded for uprobe_multi, attached in
 * "/" (not a regular file), fails with EBADF only where uprobe_multi exists
 * (older kernels reject the attach type: EINVAL). */
bool kfeat_uprobe_multi(void)
{
	static kf_slot s;
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = KF_TRACE_UPROBE_MULTI);
	uint64_t off = 0;

	if (!s) {
		int fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "bpfl_probe", "GPL", insns, 2, &o);
		s = 1;
		if (fd >= 0) {
			int link = kfeat_uprobe_multi_link(fd, "/", &off, NULL, 1, false, 0);
			if (link >= 0)
				close(link);
			else if (link == -EBADF)
				s = 2;
			close(fd);
		}
	}
	return s == 2;
}

const char *kernel_strerror(int err)
{
	return err == -KERNEL_ENOTSUPP ? "Operation not supported (ENOTSUPP)" : strerror(-err);
}
