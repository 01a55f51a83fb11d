/* Settings that come from the environment, read once by the driver (src/main.c)
 * into one struct and passed down: sema and the probe families read
 * program.config; the kernel layer, whose caches live as long as the process,
 * gets its part once through kbtf_configure and kfunc_configure. No module
 * below the driver calls getenv (but for $PATH, to find executables). */
#ifndef BPFL_CONFIG_H
#define BPFL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bits of config.kfeat: the kernel features BPFL_KFEAT claims. */
#define CONFIG_KFEAT_KPROBE 1
#define CONFIG_KFEAT_FENTRY 2

struct config {
	uint32_t strlen;	/* BPFTRACE_STRLEN: bytes of a string, 1..200 (64) */
	uint32_t map_keys_max;	/* BPFTRACE_MAP_KEYS_MAX: keys of a map (4096) */
	uint32_t max_bpf_progs;	/* BPFTRACE_MAX_BPF_PROGS: BPF programs a program may
				 * generate (1024): a wide wildcard is an error */
	const char *btf_path;	/* BPFL_BTF: a BTF file to use as vmlinux's (tests);
				 * NULL: the kernel's own */
	int kfeat;		/* BPFL_KFEAT: -1 detect kprobes/fentry, else the
				 * CONFIG_KFEAT_* bits claimed ("none": 0) */
	bool no_share;		/* BPFL_NO_SHARE=1: one BPF program per attach point
				 * (benchmarks) */
	bool notify_attached;	/* __BPFTRACE_NOTIFY_PROBES_ATTACHED set (any value):
				 * say on stdout when every probe is attached */
};

/* The environment lookup config_read uses: getenv, or a table in tests. */
typedef char *config_lookup_fn(const char *name);

/* Every setting at its default (no variable set). */
void config_defaults(struct config *c);

/* Defaults, then every variable that lookup finds. 0, or -EINVAL with a
 * message naming the variable and the values it takes in err (errsz bytes);
 * strings point into the environment. */
int config_read(struct config *c, config_lookup_fn *lookup, char *err, size_t errsz);

#endif
