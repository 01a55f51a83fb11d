/* tracepoint:syscalls:sys_enter_NAME / sys_exit_NAME run as raw tracepoint
 * programs on raw_syscalls:sys_enter / sys_exit, which the kernel's syscall
 * tracepoints are built on: the program tests the syscall number (from the
 * architecture's table, src/arch/) and reads `args` from the registers.
 * Where kernel BTF describes those raw tracepoints the program is tp_btf
 * (BPF_PROG_TYPE_TRACING): its pt_regs pointer is a trusted BTF pointer and
 * every register is a plain load; else it is raw_tp, which may not
 * dereference it and reads each register with probe_read (~30 ns each).
 *
 * Why: a perf event per syscall tracepoint costs a perf record per event
 * (+250 ns against +110 ns for a raw tracepoint here) and, at detach, an RCU
 * grace period each under the kernel's event mutex (seven seconds for
 * sys_enter_*). Here every syscall tracepoint of a block shares one program
 * and one link whatever the wildcard matches; the program switches on the
 * number (codegen/syscall.c). The names, `probe`, `args` and -l stay those of
 * the tracepoint; a name bpfline has no number for, or a format it cannot
 * prove the register mapping of, stays a perf event. */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "arch/arch.h"
#include "kernel/rawtp.h"
#include "lang/types.h"
#include "probes/probes_internal.h"
#include "util/log.h"

const struct probe_family *probes_syscall_family(const struct program *p, const char *cat,
						 const char *name, uint64_t *nr)
{
	const struct probe_family *f = NULL;
	int n;

	if (p->config.perf_tracepoints || strcmp(cat, "syscalls"))
		return NULL;
	if (!strncmp(name, "sys_enter_", 10))
		f = &probe_syscall_enter, name += 10;
	else if (!strncmp(name, "sys_exit_", 9))
		f = &probe_syscall_exit, name += 9;
	if (!f || (n = arch_syscall_nr(name)) < 0 || arch_syscall_native_cs() < 0)
		return NULL;
	*nr = (uint64_t)n;
	return f;
}

/* Whether field f of a syscall record is where the raw path reads it from:
 * __syscall_nr (the number); sys_enter's arguments, 8 bytes each from
 * offset 16 in argument order (the registers of the syscall ABI); sys_exit's
 * `ret` at 16 (the raw tracepoint's ret). */
static bool field_mapped(const struct field *f, enum probe_syscall sc)
{
	bool scalar = (f->type->kind == TY_INT && !f->type->is_data_loc) || f->type->kind == TY_PTR;
	if (!strcmp(f->name, "__syscall_nr"))
		return f->offset == 8 && f->type->kind == TY_INT;
	if (!scalar || f->offset < 16 || (f->offset - 16) % 8)
		return false;
	if (sc == SYSCALL_EXIT)
		return f->offset == 16 && !strcmp(f->name, "ret");
	return (f->offset - 16) / 8 < ARCH_NSYSCALL_ARGS;
}

/* `args`: the tracepoint's record. A format whose fields are not where the
 * raw path reads them turns the probe back into a perf event. */
static struct type *syscall_args(struct arena *a, struct probe_def *pd)
{
	struct type *t = probes_tracepoint_args(a, pd);
	if (!t)
		return NULL;
	for (int i = 0; i < t->nfields; i++)
		if (!field_mapped(&t->fields[i], pd->family->syscall)) {
			pd->family = &probe_tracepoint;
			break;
		}
	return t;
}

/* The raw tracepoint of family f: sys_enter or sys_exit. */
static const char *raw_tracepoint(const struct probe_family *f)
{
	return f->syscall == SYSCALL_ENTER ? "sys_enter" : "sys_exit";
}

/* -v, once per kind (not per syscall): which program type sys_enter/sys_exit
 * run as, and why not tp_btf. */
static void log_program(const struct probe_family *f, const char *why)
{
	static bool logged[SYSCALL_EXIT + 1];
	if (logged[f->syscall])
		return;
	logged[f->syscall] = true;
	if (why)
		rt_log(1, "syscall tracepoints: raw_tp programs on raw_syscalls:%s (%s)\n",
		       raw_tracepoint(f), why);
	else
		rt_log(1, "syscall tracepoints: tp_btf programs on raw_syscalls:%s\n",
		       raw_tracepoint(f));
}

const struct probe_family *probes_syscall_program(const struct program *p,
						  const struct probe_family *f)
{
	const char *why = NULL;

	if (f->syscall_btf)
		return f;
	if (p->config.no_tp_btf)
		why = "BPFL_NO_TP_BTF=1";
	else if (!rawtp_has_btf(raw_tracepoint(f)))
		why = f->syscall == SYSCALL_ENTER ? "no btf_trace_sys_enter in kernel BTF"
						  : "no btf_trace_sys_exit in kernel BTF";
	log_program(f, why);
	if (why)
		return f;
	return f->syscall == SYSCALL_ENTER ? &probe_syscall_enter_btf : &probe_syscall_exit_btf;
}

static const char *syscall_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "%s/%s", pd->family->syscall_btf ? "tp_btf" : "raw_tp",
			    raw_tracepoint(pd->family));
}

/* tp_btf: libbpf found the attach BTF id of the raw tracepoint at load, so
 * the link needs no name. */
static int syscall_attach(const struct probe_def *pd, struct bpf_program *prog,
			  struct bpf_link **link, const char **hint)
{
	int err;

	if (pd->family->syscall_btf)
		*link = bpf_program__attach_trace(prog);
	else
		*link = bpf_program__attach_raw_tracepoint(prog, raw_tracepoint(pd->family));
	if (*link)
		return 0;
	err = -errno;
	*hint = pd->family->syscall_btf
		? "syscall tracepoints run as tp_btf programs on the raw tracepoints "
		  "raw_syscalls:sys_enter/sys_exit; BPFL_NO_TP_BTF=1 makes them raw_tp programs, "
		  "BPFL_PERF_TRACEPOINTS=1 perf events"
		: "syscall tracepoints run on the raw tracepoints raw_syscalls:sys_enter/sys_exit; "
		  "BPFL_PERF_TRACEPOINTS=1 attaches perf events instead";
	return err;
}

/* Every syscall tracepoint of a block: one program, one link. The link is the
 * raw tracepoint's, not one per syscall, so no member is refused alone and skip
 * is never called: a failure is the whole group's. */
static int syscall_attach_group(const struct program *p, const struct probe_def *owner,
				struct bpf_program *prog, struct attach_set *set,
				const char **hint, attach_skip_fn *skip, void *ctx)
{
	struct bpf_link *link = NULL;
	int err = syscall_attach(owner, prog, &link, hint);
	(void)p, (void)skip, (void)ctx;
	return err ?: attach_set_add(set, link);
}

static bool syscall_can_group(void)
{
	return true;
}

#define SYSCALL_FAMILY(kind, btf)				\
	{							\
		.name = "tracepoint",				\
		.pid_predicate = true,				\
		.section = syscall_section,			\
		.args_type = syscall_args,			\
		.syscall = kind,				\
		.syscall_btf = btf,				\
		.shares = true,					\
		.attach = syscall_attach,			\
		.attach_group = syscall_attach_group,		\
		.can_group = syscall_can_group,			\
	}

const struct probe_family probe_syscall_enter = SYSCALL_FAMILY(SYSCALL_ENTER, false);
const struct probe_family probe_syscall_exit = SYSCALL_FAMILY(SYSCALL_EXIT, false);
const struct probe_family probe_syscall_enter_btf = SYSCALL_FAMILY(SYSCALL_ENTER, true);
const struct probe_family probe_syscall_exit_btf = SYSCALL_FAMILY(SYSCALL_EXIT, true);
