/* Shared by the family files: adding a probe_def, globs, the hints they share. */
#ifndef BPFL_PROBES_INTERNAL_H
#define BPFL_PROBES_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "lang/program.h"
#include "probes/family.h"

/* A new probe_def of family f for attach point `attach` of block `probe`,
 * appended to p->probes (index, owner and pid set); NULL on exhaustion. */
struct probe_def *probes_add_def(struct program *p, const struct node *probe,
				 const struct node *attach, const struct probe_family *f);

/* Whether s has glob characters. */
static inline bool probes_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* An attach point that matches nothing (`what`: "uprobe BIN:FUNC"), as the
 * missing_probes setting says: an error "No matches for WHAT." (false), or a
 * warning ("... Skipping.") or nothing, and the program goes on without it
 * (true). */
bool probes_missing(struct program *p, const struct node *at, const char *what);
/* The same, with a HINT under the error (hint: NULL for none). */
bool probes_missing_hint(struct program *p, const struct node *at, const char *what,
			 const char *hint);

/* A count, duration or frequency: a positive decimal integer (1e6 allowed). */
bool probes_parse_count(const char *s, uint64_t *v);

/* The period of `interval:500ms` / `profile:1us`: a duration (a bare number is
 * nanoseconds), at least 1us, as *us microseconds. False (with bpftrace's located
 * error, `kind` "interval" or "profile") when it is not one. */
bool probes_parse_period(struct program *p, const struct node *at, const char *kind,
			 const char *s, uint64_t *us);

/* The section of perf_event programs ("perf_event"); interval.c. */
const char *probes_perf_section(struct arena *a, const struct probe_def *pd);

/* The expansion of one kernel-function attach point (kprobe.c, fentry.c). */
struct kfunc_expand {
	struct program *p;
	const struct node *probe, *at;
	const struct probe_family *runs;	/* what runs: kprobe/kretprobe/fentry/fexit */
	const char *family;		/* as written, canonical: "kprobe" */
	const char *module;		/* kprobe:MODULE:func as written (a glob), or NULL */
	uint64_t offset;
	const char *fallback;		/* probe_def.fallback */
	int n;				/* probe_defs added */
};

/* Check the parts of a kernel-function attach point (family[:module]:func[+offset],
 * an offset for kprobes only) into *func, c->module and c->offset; false after a
 * located error. kprobe.c. */
bool probes_kfunc_parse(struct kfunc_expand *c, char **parts, int n, char **func);

/* "module:func" when the attach point names a module, else func (arena). */
const char *probes_kfunc_target(const struct kfunc_expand *c, const char *func);

/* One probe_def for kernel function `name` (an fn of kfunc_each); fentry.c. */
int probes_kfunc_add(const char *name, void *arg);

/* fentry/fexit (c->runs) on `func`, a glob: every BTF function that matches;
 * false after a located error. fentry.c. */
bool probes_fentry_expand(struct kfunc_expand *c, const char *func);

/* The binaries of a user attach point in *paths: bin resolved, every file a
 * glob bin matches (uelf_expand: with -p/-c, among the files the process
 * maps), or the -p/-c process's executable when bin is NULL or "". How many
 * (at least 1), or -1 after a located error. uprobe.c. */
int probes_binaries_of(struct program *p, const struct node *at, const char *bin,
		       const char ***paths);

/* Expand a user attach point over the binaries of bin (probes_binaries_of):
 * each(ctx, path) adds the probes of one file and returns how many, or -1
 * after a located error. The total, or -1 after an error; 0 when nothing
 * matched, with *where set to the one file or to bin for the caller's
 * "no such probe" report. uprobe.c. */
int probes_each_binary(struct program *p, const struct node *at, const char *bin,
		       int (*each)(void *ctx, const char *path), void *ctx, const char **where);

/* Attach prog as a uprobe (ret: uretprobe) at file offset off of pd->target,
 * with a semaphore at ref_ctr (0 none) and a BPF cookie; uprobe.c. */
int probes_uprobe_attach_at(const struct probe_def *pd, struct bpf_program *prog, bool ret,
			    uint64_t off, uint64_t ref_ctr, uint64_t cookie,
			    struct bpf_link **link, const char **hint);

/* -l: the binaries bin names (a glob, see uelf_expand), or every file the -p
 * process maps when bin is NULL; how many (in *paths) or -errno. uprobe.c. */
int probes_list_binaries(struct arena *a, const char *bin, const char ***paths);
/* Whether a -l pattern selects the listed entry `name` of a family whose
 * entries end in a colon (interval:ms:, software:cpu-clock:): the pattern is
 * compared up to its first ':' (so the attach point "ms:10" of a program finds
 * "ms"); empty matches everything. */
bool probes_list_match(const char *pattern, const char *name);

/* -l for interval and profile: "FAMILY:UNIT:" for each unit (hz, s, ms, us)
 * that the pattern selects; the number of lines. */
int probes_list_units(const char *family, const char *pattern, FILE *out);


/* `args` of tracepoint pd: the record of its format file, common fields left
 * out, built once (pd->args); NULL when the format cannot be read.
 * tracepoint.c. */
struct type *probes_tracepoint_args(struct arena *a, struct probe_def *pd);

/* The family tracepoint CAT:NAME runs as when it is a syscall tracepoint
 * bpfline can run on raw_syscalls (*nr: the syscall's number), else NULL.
 * syscall.c. */
const struct probe_family *probes_syscall_family(const struct program *p, const char *cat,
						 const char *name, uint64_t *nr);

/* The family a syscall tracepoint of family f runs as once it stays on
 * raw_syscalls (probes_share): f's tp_btf form when the kernel's BTF describes
 * the raw tracepoint and BPFL_NO_TP_BTF is not set, else f (raw_tp).
 * syscall.c. */
const struct probe_family *probes_syscall_program(const struct program *p,
						  const struct probe_family *f);

#define TRACEPOINT_HINT "tracepoints work without kprobes or fentry: bpfline -l 'tracepoint:*' " \
	"lists them (e.g. tracepoint:syscalls:sys_enter_read)"

#endif
