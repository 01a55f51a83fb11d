/* Kernel BPF features for --info: helpers, map types and program types the
 * running kernel accepts. Each is probed lazily, the first time it is asked
 * for, and at most once per run (libbpf's libbpf_probe_* load a tiny program
 * or create a tiny map). */
#ifndef BPFL_KFEAT_H
#define BPFL_KFEAT_H

#include <stdbool.h>
#include <stdint.h>

/* Whether a program of type prog_type (enum bpf_prog_type) may call helper
 * (enum bpf_func_id). */
bool kfeat_helper(int prog_type, int helper);

/* Whether the kernel creates maps of type map_type (enum bpf_map_type). */
bool kfeat_map(int map_type);

/* Whether the kernel loads programs of type prog_type. */
bool kfeat_prog(int prog_type);

/* Whether the verifier accepts a bounded loop (kernel 5.3+). */
bool kfeat_loop(void);

/* The verifier's instruction limit (1000000 since 5.2), -1 if unknown. */
int kfeat_insn_limit(void);

/* Whether the kernel attaches a program at many offsets of a binary with one
 * link (uprobe_multi, Linux 6.6). */
bool kfeat_uprobe_multi(void);

/* The expected attach type a program for kfeat_uprobe_multi_link is loaded
 * with (BPF_TRACE_UPROBE_MULTI). */
int kfeat_uprobe_multi_attach_type(void);

/* One uprobe_multi link of prog_fd at cnt file offsets of path (uretprobes when
 * ret), each with its BPF cookie (cookies may be NULL); only in process pid
 * when pid > 0. The link's fd (closing it detaches) or -errno. */
int kfeat_uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets,
			    const uint64_t *cookies, uint32_t cnt, bool ret, int pid);


/* The kernel's own ENOTSUPP: an internal errno that still reaches user space
 * (a uprobe on an instruction uprobes cannot handle) and that libc has no
 * text for. */
#define KERNEL_ENOTSUPP 524

/* strerror() of an error the kernel returned (err < 0), with a text for
 * KERNEL_ENOTSUPP. */
const char *kernel_strerror(int err);

#endif
