/* Kernel BPF features for --info: helpers, map types and program types the
 * running kernel accepts. Each is probed lazily, the first time it is asked
 * for, and at most once per run (libbpf's libbpf_probe_* load a tiny program
 * or create a tiny map). */
#ifndef BPFL_KFEAT_H
#define BPFL_KFEAT_H

#include <stdbool.h>

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

#endif
