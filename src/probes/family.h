/* A probe family: everything bpfline knows about one kind of attach point, in
 * one struct defined in one file of src/probes/ (the model is ply's provider).
 * The table of families is families.c. Sema, codegen, the builtins and the
 * runtime ask the family of a probe_def (probe_def.family) what to do; none of
 * them switches on a family. */
#ifndef BPFL_FAMILY_H
#define BPFL_FAMILY_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/program.h"
#include "probes/attach.h"

struct arena;
struct bpf_program;
struct bpf_link;

/* What argN reads in a family's context (builtins/args.c emits by it). */
enum probe_argn {
	ARGN_NONE,		/* no argN (an error names the families that have it) */
	ARGN_REGS,		/* struct pt_regs: the argument registers (src/arch/) */
	ARGN_U64,		/* an array of u64 at ctx (rawtracepoint) */
	ARGN_PARAMS,		/* fentry/fexit: u64 slots, probe_def.value of them */
	ARGN_USDT,		/* each site's argument spec, on pt_regs */
};

/* A syscall tracepoint that runs on raw_syscalls (src/probes/syscall.c): the
 * program tests the syscall number (probe_def.value) and reads `args` from the
 * registers, not from a perf event's record. */
enum probe_syscall {
	SYSCALL_NONE,
	SYSCALL_ENTER,		/* raw_syscalls:sys_enter (regs, id) */
	SYSCALL_EXIT,		/* raw_syscalls:sys_exit (regs, ret) */
};

/* What retval reads. */
enum probe_retval {
	RETVAL_NONE,
	RETVAL_REGS,		/* the return register of pt_regs */
	RETVAL_PARAMS,		/* fexit: ctx[nparams], typed from BTF */
};

/* attach_group's report of one function the kernel refused (err, with a hint or
 * NULL): 0 to go on without it, or -errno to end the attach. */
typedef int attach_skip_fn(void *ctx, const struct probe_def *pd, int err, const char *hint);

struct probe_family {
	const char *name;		/* canonical: what `probe` prints, -l lists */
	const char *const *aliases;	/* other names, NULL-terminated; NULL for none */

	/* Attach point `at` (text "name:rest", split at ':' into parts[0..n),
	 * the last part keeping any further ':') of block `probe`: append one
	 * probe_def per concrete attach point (probes_add_def) and return true,
	 * or report a located error and return false. */
	bool (*expand)(const struct probe_family *f, struct program *p,
		       const struct node *probe, const struct node *at, char **parts, int n);
	/* The ELF section of pd's program (libbpf's conventions), in arena a. */
	const char *(*section)(struct arena *a, const struct probe_def *pd);

	/* -l / -lv: print every probe of the family matching `pattern` (the text
	 * after "family:", a glob; "" for all), one name a line; with verbose,
	 * each followed by its arguments as bpftrace -lv prints them. The number
	 * printed or -errno; NULL when the family lists nothing. */
	int (*list)(const char *pattern, bool verbose, FILE *out);
	const char *list_bare;		/* -l SEARCH without a family: prefixed to
					 * SEARCH for list ("*:" matches every
					 * category); NULL passes SEARCH as is */
	bool list_needs_binary;		/* -l lists it only for -p PID or a binary */
	bool list_skip_bare;		/* -l without a family skips it (it would
					 * repeat another family's list) */

	/* Context layout: what the builtins read here. */
	enum probe_argn argn;
	enum probe_retval retval;
	bool regs;		/* reg(): ctx is struct pt_regs or begins with it */
	bool func;		/* `func` is the probed function (probe_def.func) */
	bool user;		/* a user-space probe: stack arguments are user
				 * memory, uaddr() works, probe_def.target is a
				 * binary the runtime indexes for user symbols */
	/* `args`: the record it reads, built once per probe_def (sema); NULL
	 * when the family has no `args`. */
	struct type *(*args_type)(struct arena *a, struct probe_def *pd);
	bool args_slots;	/* the fields of `args` are u64 slots (fentry) */
	/* `ctx`: its type, a pointer to a BTF struct (struct bpf_iter__task *);
	 * NULL when the family has no `ctx` builtin. */
	struct type *(*ctx_type)(struct arena *a, const struct probe_def *pd);
	enum probe_syscall syscall;	/* a syscall tracepoint on raw_syscalls */
	bool syscall_btf;	/* with syscall: a tp_btf program, whose regs
				 * (ctx[0]) is a trusted BTF pointer read with
				 * plain loads; else raw_tp, whose regs is a
				 * number read through probe_read */
	bool ctx_null_ends;	/* the program returns at once when the
				 * pointer at ctx + probe_def.value is NULL
				 * (an iterator's last call) */

	bool shares;		/* attach passes the BPF cookie, so the attach
				 * points of a block may share a program */
	bool ends_run;		/* the run ends once the probes are attached
				 * (an iterator ran to its end while attaching) */
	bool alone;		/* cannot be mixed with any other probe */
	bool pid_predicate;	/* -p PID filters its events in the program (the
				 * kernel runs it for every process); families
				 * that attach to the process leave it false */
	bool tracing;		/* its program is a BPF tracing program (BTF-typed:
				 * fentry, fexit, iter), the only kind the kernel
				 * gives its BTF-typed helpers (bpf_d_path, ...) */
	bool special;		/* run by bpfline itself, from user space
				 * (begin, end, self): `probetype` is "special"
				 * and `usermode` is 1 */
	bool fires_reversed;	/* of several programs on one event, the kernel runs
				 * the last attached first (kprobes on one address,
				 * the programs of a fentry/fexit trampoline: each
				 * new one goes to the head of a list), so the
				 * runtime attaches them last to first */

	bool tail_calls;	/* its programs may tail-call programs of their
				 * own type, so codegen may run a huge block as a
				 * chain of programs (tracing programs cannot) */
	/* Attach prog at pd; on success *link owns the attachment. 0 or -errno;
	 * *hint may be set to a static explanation. */
	int (*attach)(const struct probe_def *pd, struct bpf_program *prog,
		      struct bpf_link **link, const char **hint);
	/* Instead of attach, for families that attach several times per probe:
	 * add every link to set; on an error the links added stay in the set
	 * (the caller detaches them). 0 or -errno, *hint as for attach. */
	int (*attach_many)(const struct probe_def *pd, struct bpf_program *prog,
			   struct attach_set *set, const char **hint);
	/* Instead of attach, for the probe_defs that share one program and that
	 * probes_share marked probe_def.multi: attach owner's program at owner
	 * and at every probe_def it owns with one link (uprobe_multi), added to
	 * set. A function the kernel refuses is handed to skip (with the error
	 * and a hint), whose non-zero return ends the attach with that error;
	 * the others still attach. 0 or -errno, *hint as for attach. */
	int (*attach_group)(const struct program *p, const struct probe_def *owner,
			    struct bpf_program *prog, struct attach_set *set,
			    const char **hint, attach_skip_fn *skip, void *ctx);
	/* With attach_group: whether the running kernel attaches groups, and the
	 * expected attach type (enum bpf_attach_type) the group's program must be
	 * loaded with (NULL: the program type's default). */
	bool (*can_group)(void);
	int (*group_attach_type)(void);
	/* Run prog once now, in this thread, instead of attaching (BEGIN/END);
	 * 0 or -errno. */
	int (*run)(const struct probe_def *pd, struct bpf_program *prog);
};

/* The families, in -l order; NULL-terminated (families.c). */
extern const struct probe_family *const probe_families[];

/* The family named name[0..len) (canonical or alias); NULL when none. */
const struct probe_family *probe_family_find(const char *name, size_t len);

extern const struct probe_family probe_begin, probe_end, probe_self, probe_bench;
extern const struct probe_family probe_tracepoint, probe_rawtracepoint;
/* Not in probe_families: a tracepoint whose block reads neither args, ctx nor
 * kstack, run as the raw tracepoint of its name (named "tracepoint"). */
extern const struct probe_family probe_tracepoint_raw;
extern const struct probe_family probe_kprobe, probe_kretprobe;
extern const struct probe_family probe_fentry, probe_fexit;
extern const struct probe_family probe_uprobe, probe_uretprobe, probe_usdt;
extern const struct probe_family probe_profile, probe_interval;
extern const struct probe_family probe_software, probe_hardware;
extern const struct probe_family probe_iter, probe_watchpoint;
/* Not in probe_families: what tracepoint:syscalls:sys_{enter,exit}_NAME runs
 * as when bpfline knows the syscall's number (named "tracepoint"): raw_tp
 * programs, or tp_btf ones where kernel BTF describes raw_syscalls. */
extern const struct probe_family probe_syscall_enter, probe_syscall_exit;
extern const struct probe_family probe_syscall_enter_btf, probe_syscall_exit_btf;

/* Whether f is a tracepoint family (perf event or raw_syscalls): what users
 * wrote as tracepoint:CAT:NAME. */
static inline bool probe_family_is_tracepoint(const struct probe_family *f)
{
	return f == &probe_tracepoint || f == &probe_tracepoint_raw || f->syscall != SYSCALL_NONE;
}

#endif
