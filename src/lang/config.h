/* Settings: bpftrace's configuration variables (BPFTRACE_* in the environment,
 * or a script's `config = { ... }` block) and bpfline's own BPFL_* variables,
 * read into one struct. The driver (src/main.c) reads the environment once;
 * sema applies the script's config block on top (an environment variable wins
 * over the block, as in bpftrace); sema, the probe families and the runtime
 * read program.config; the kernel layer, whose caches live as long as the
 * process, gets its part once through kbtf_configure and kfunc_configure. No
 * module below the driver calls getenv (but for $PATH, to find executables). */
#ifndef BPFL_CONFIG_H
#define BPFL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bits of config.kfeat: the kernel features BPFL_KFEAT claims. */
#define CONFIG_KFEAT_KPROBE 1
#define CONFIG_KFEAT_FENTRY 2

/* stack_mode: how kstack/ustack print when the call does not say (the values
 * of enum stack_mode in runtime/stacks.h). */
enum config_stack_mode { CONFIG_STACK_BPFTRACE, CONFIG_STACK_PERF, CONFIG_STACK_RAW,
			 CONFIG_STACK_BUILD_ID };

/* missing_probes: what a probe that cannot be attached does. */
enum config_missing { CONFIG_MISSING_ERROR, CONFIG_MISSING_WARN, CONFIG_MISSING_IGNORE };

/* unstable_*: a feature flag of bpftrace's unstable features. */
enum config_unstable { CONFIG_UNSTABLE_ERROR, CONFIG_UNSTABLE_WARN, CONFIG_UNSTABLE_ENABLE };

struct config {
	uint32_t strlen;	/* max_strlen: bytes of a string, 1..200 (64) */
	uint32_t map_keys_max;	/* max_map_keys: keys of a map (4096) */
	int stack_mode;		/* stack_mode: enum config_stack_mode (bpftrace) */
	bool print_maps_on_exit;	/* print_maps_on_exit: print every map at exit (true) */
	int missing_probes;	/* missing_probes: enum config_missing (error) */
	/* Accepted and checked as bpftrace does, with no effect on bpfline (its
	 * design has no such limit or choice; docs/internals.md, Settings). */
	int cache_user_symbols;	/* PER_PROGRAM, PER_PID, NONE */
	bool cpp_demangle, lazy_symbolication;
	const char *license;	/* one of the BPF licence strings ("GPL") */
	uint32_t log_size, max_bpf_progs, max_cat_bytes, max_probes;
	uint32_t max_type_res_iterations, on_stack_limit, perf_rb_pages;
	const char *str_trunc_trailer;	/* ("..") */
	int unstable_import, unstable_map_decl, unstable_tseries, unstable_dw_ustack;
	uint64_t from_env;	/* bit i: option i of the table was set by the
				 * environment, so a config block leaves it alone */
	/* bpfline's own */
	const char *btf_path;	/* BPFL_BTF: a BTF file to use as vmlinux's (tests);
				 * NULL: the kernel's own */
	int kfeat;		/* BPFL_KFEAT: -1 detect kprobes/fentry, else the
				 * CONFIG_KFEAT_* bits claimed ("none": 0) */
	bool no_share;		/* BPFL_NO_SHARE=1: one BPF program per attach point
				 * (benchmarks) */
	bool perf_tracepoints;	/* BPFL_PERF_TRACEPOINTS=1: every tracepoint is a
				 * perf event, never a raw tracepoint (benchmarks,
				 * tests comparing both) */
	unsigned raw_syscalls_min;	/* BPFL_RAW_SYSCALLS_MIN: the fewest syscall
				 * tracepoints of one kind in a block that run on
				 * raw_syscalls (probes_share); default 8 */
	bool no_tp_btf;		/* BPFL_NO_TP_BTF=1: those run as raw_tp programs
				 * (registers read with probe_read) even when
				 * kernel BTF would make them tp_btf (tests,
				 * benchmarks of the fallback) */
	const char *dummy_ts_map;	/* BPFTRACE_DUMMY_TS_MAP: tseries() reads "now" from
				 * this scalar map (bpftrace's hook for exact tests) */
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

/* Set the option `key` of a config block (`stack_mode`, `STACK_MODE` or
 * `BPFTRACE_STACK_MODE`) to the text `value`, unless the environment set it.
 * 0; -ENOENT for a key that is not an option, -EINVAL for a bad value; err
 * then holds bpftrace's message, starting with the key as written. `value`
 * must live as long as c. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errsz);

#endif
