/* Process and context builtins: pid, tid, uid, gid, comm, cpu, probe,
 * args, curtask, rand, cgroup, ncpus, jiffies, numaid, usermode, probetype. */
#include <linux/bpf.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "arch/arch.h"

#include "builtins/builtins.h"
#include "builtins/kfunc.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "probes/family.h"

static LLVMValueRef helper0(struct cg *c, int id)
{
	return cg_helper(c, id, NULL, 0);
}

static bool check_u32(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 32, false);
	return true;
}

static bool check_u64(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_pid(struct cg *c, struct node *n)
{
	(void)n;
	return LLVMBuildLShr(c->b, helper0(c, BPF_FUNC_get_current_pid_tgid), cg_const(c, 32), "");
}

static LLVMValueRef emit_tid(struct cg *c, struct node *n)
{
	(void)n;
	return LLVMBuildAnd(c->b, helper0(c, BPF_FUNC_get_current_pid_tgid), cg_const(c, 0xffffffff), "");
}

static LLVMValueRef emit_uid(struct cg *c, struct node *n)
{
	(void)n;
	return LLVMBuildAnd(c->b, helper0(c, BPF_FUNC_get_current_uid_gid), cg_const(c, 0xffffffff), "");
}

static LLVMValueRef emit_gid(struct cg *c, struct node *n)
{
	(void)n;
	return LLVMBuildLShr(c->b, helper0(c, BPF_FUNC_get_current_uid_gid), cg_const(c, 32), "");
}

static LLVMValueRef emit_cpu(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_smp_processor_id);
}

/* curtask: a uint64 that casts to a kernel pointer wherever it is read, and
 * reads fields as a struct task_struct * (curtask.comm, curtask->parent). */
static bool check_curtask(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 64, false);
	n->type->is_kaddr = true;
	n->type->name = "struct task_struct";
	return true;
}

static LLVMValueRef emit_curtask(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_current_task);
}

static LLVMValueRef emit_rand(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_prandom_u32);
}

static LLVMValueRef emit_cgroup(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_current_cgroup_id);
}

/* ncpus: the possible CPUs, a constant of this machine (as bpftrace's). */
static LLVMValueRef emit_ncpus(struct cg *c, struct node *n)
{
	(void)n;
	int ncpus = libbpf_num_possible_cpus();
	return cg_const(c, ncpus > 0 ? (uint64_t)ncpus : 1);
}

static LLVMValueRef emit_jiffies(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_jiffies64);
}

static LLVMValueRef emit_numaid(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_numa_node_id);
}

static bool check_u8(struct sema *s, struct node *n)
{
	n->type = type_int(s->a, 8, false);
	return true;
}

/* usermode: was the CPU in user mode where the probe fired? Where the context
 * holds the registers, their code segment says (its privilege level is 3 in
 * user mode); begin/end/self run from bpfline's own system call, so 1; every
 * other family (tracepoints, fentry, iterators) fires inside the kernel. */
static LLVMValueRef emit_usermode(struct cg *c, struct node *n)
{
	(void)n;
	const struct probe_family *f = c->pdef->family;
	if (f->special)
		return cg_const(c, 1);
	if (!f->regs)
		return cg_const(c, 0);
	LLVMValueRef cs = cg_load64(c, cg_gep(c, c->ctxarg, (uint32_t)arch_reg_offset("cs")));
	LLVMValueRef pl = LLVMBuildAnd(c->b, cs, cg_const(c, 3), "");
	LLVMValueRef user = LLVMBuildICmp(c->b, LLVMIntEQ, pl, cg_const(c, 3), "");
	return LLVMBuildZExt(c->b, user, c->i64, "");
}

/* probetype: the family's name; begin/end/self are "special". */
#define PROBETYPE_SIZE 16

static bool check_probetype(struct sema *s, struct node *n)
{
	n->type = type_str(s->a, PROBETYPE_SIZE);
	return true;
}

static void emit_probetype(struct cg *c, struct node *n, LLVMValueRef dst)
{
	(void)n;
	const struct probe_family *f = c->pdef->family;
	const char *name = f->special ? "special" : f->name;
	size_t len = strlen(name);
	cg_zero(c, dst, PROBETYPE_SIZE);
	cg_store_bytes(c, name, len < PROBETYPE_SIZE ? len : PROBETYPE_SIZE - 1, dst);
}

static bool check_comm(struct sema *s, struct node *n)
{
	n->type = type_str(s->a, 16);
	return true;
}

static void emit_comm(struct cg *c, struct node *n, LLVMValueRef dst)
{
	(void)n;
	LLVMValueRef args[] = {dst, cg_const(c, 16)};
	cg_helper(c, BPF_FUNC_get_current_comm, args, 2);
}

static bool check_probe(struct sema *s, struct node *n)
{
	n->type = type_new(s->a, TY_PROBE);
	return true;
}

/* `probe` where a string is wanted (strcontains, == "..."): the attach point's
 * name as a string, sized for the longest name the block expands to. Each
 * attach point then gets its own program, so the name is a constant in it. */
void builtin_probe_as_str(struct sema *s, struct node *n)
{
	size_t len = 0;
	if (n->kind != N_IDENT || !n->type || n->type->kind != TY_PROBE)
		return;
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe != s->probe)
			continue;
		d->own_layout = true;
		if (strlen(d->name) > len)
			len = strlen(d->name);
	}
	n->type = type_str(s->a, (uint32_t)len + 1);
}

/* The probe's index: a constant, or, when its program is shared by several
 * attach points, the BPF cookie each attachment carries (its index). */
static LLVMValueRef emit_probe(struct cg *c, struct node *n)
{
	(void)n;
	if (!c->pdef->shared)
		return cg_const(c, (uint64_t)c->pdef->index);
	if (c->pdef->family->syscall)	/* one program for many syscalls, one link */
		return cg_syscall_probe_index(c);
	LLVMValueRef ctx[] = {c->ctxarg};
	return cg_helper(c, BPF_FUNC_get_attach_cookie, ctx, 1);
}

/* `probe` as a string (see builtin_probe_as_str): this program's attach point. */
static void emit_probe_str(struct cg *c, struct node *n, LLVMValueRef dst)
{
	if (n->type->kind == TY_PROBE) {	/* a probe value: its index */
		cg_store64(c, emit_probe(c, n), dst);
		return;
	}
	cg_zero(c, dst, n->type->size);
	cg_store_bytes(c, c->pdef->name, strlen(c->pdef->name), dst);
}

static bool check_args(struct sema *s, struct node *n)
{
	const struct probe_family *f = s->pdef ? s->pdef->family : NULL;
	if (f && f->args_slots)
		return kfunc_check_args(s, n);
	if (!f || !f->args_type) {
		struct diag *dg = diag_error(s->d, n->loc, "The args builtin can only be used with tracepoint, rawtracepoint, fentry and fexit probes here");
		diag_hint(s->d, dg, "use arg0..argN for kprobes and uprobes");
		return false;
	}
	/* every attach point of a wildcard gets its own layout; codegen reads
	 * fields by name from its own probe's record */
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe != s->probe)
			continue;
		d->own_layout = true;
		if (d != s->pdef && (!d->family->args_type || !d->family->args_type(s->a, d)))
			diag_error(s->d, n->loc, "cannot read the format of %s", d->name);
	}
	n->type = f->args_type(s->a, s->pdef);
	if (!n->type) {
		diag_error(s->d, n->loc, "cannot read the format of %s", s->pdef->name);
		return false;
	}
	return true;
}

/* `args` as a value (print(args), $a = args): a copy of this probe's record,
 * which starts at the context. */
static void emit_args(struct cg *c, struct node *n, LLVMValueRef dst)
{
	if (c->pdef->family->syscall) {	/* the registers, not a record */
		cg_syscall_args_into(c, n->type, dst);
		return;
	}
	LLVMValueRef args[] = {dst, cg_const(c, n->type->size), c->ctxarg};
	cg_helper(c, BPF_FUNC_probe_read_kernel, args, 3);
}

const struct builtin builtins_proc[] = {
	{.name = "pid", .kind = BI_VAR, .check = check_u32, .emit = emit_pid},
	{.name = "tid", .kind = BI_VAR, .check = check_u32, .emit = emit_tid},
	{.name = "uid", .kind = BI_VAR, .check = check_u32, .emit = emit_uid},
	{.name = "gid", .kind = BI_VAR, .check = check_u32, .emit = emit_gid},
	{.name = "cpu", .kind = BI_VAR, .check = check_u32, .emit = emit_cpu},
	{.name = "curtask", .kind = BI_VAR, .check = check_curtask, .emit = emit_curtask},
	{.name = "rand", .kind = BI_VAR, .check = check_u32, .emit = emit_rand},
	{.name = "cgroup", .kind = BI_VAR, .check = check_u64, .emit = emit_cgroup},
	{.name = "comm", .kind = BI_VAR, .check = check_comm, .emit_into = emit_comm},
	{.name = "probe", .kind = BI_VAR, .check = check_probe, .emit = emit_probe,
	 .emit_into = emit_probe_str},
	{.name = "ncpus", .kind = BI_VAR, .check = check_u64, .emit = emit_ncpus},
	{.name = "jiffies", .kind = BI_VAR, .check = check_u64, .emit = emit_jiffies},
	{.name = "numaid", .kind = BI_VAR, .check = check_u32, .emit = emit_numaid},
	{.name = "usermode", .kind = BI_VAR, .check = check_u8, .emit = emit_usermode},
	{.name = "probetype", .kind = BI_VAR, .check = check_probetype, .emit_into = emit_probetype},
	{.name = "args", .kind = BI_VAR, .check = check_args, .emit_into = emit_args},
	{0},
};
