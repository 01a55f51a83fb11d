/* Process and context builtins: pid, tid, uid, gid, comm, nsecs, cpu, probe,
 * args, curtask, rand, cgroup. */
#include <linux/bpf.h>
#include <string.h>

#include "builtins/builtins.h"
#include "builtins/kfunc.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "kernel/rawtp.h"
#include "kernel/tracefs.h"

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

static LLVMValueRef emit_nsecs(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_ktime_get_ns);
}

static LLVMValueRef emit_cpu(struct cg *c, struct node *n)
{
	(void)n;
	return helper0(c, BPF_FUNC_get_smp_processor_id);
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

/* The probe's index: a constant, or, when its program is shared by several
 * attach points, the BPF cookie each attachment carries (its index). */
static LLVMValueRef emit_probe(struct cg *c, struct node *n)
{
	(void)n;
	if (!c->pdef->shared)
		return cg_const(c, (uint64_t)c->pdef->index);
	LLVMValueRef ctx[] = {c->ctxarg};
	return cg_helper(c, BPF_FUNC_get_attach_cookie, ctx, 1);
}

/* The type of one tracepoint field, from its format-file description. */
static struct type *tp_field_type(struct sema *s, const struct tracefs_field *f)
{
	if (f->array_len && strstr(f->type, "char"))
		return type_str(s->a, f->array_len);
	if (f->array_len) {
		struct type *t = type_new(s->a, TY_ARRAY);
		t->elem = type_int(s->a, (int)(f->size / f->array_len) * 8, f->is_signed);
		t->count = f->array_len;
		t->size = f->size;
		return t;
	}
	if (f->is_pointer) {
		struct type *t = type_new(s->a, TY_PTR);
		t->elem = type_int(s->a, 8, true);
		t->is_user = f->is_user;
		return t;
	}
	int bits = f->size >= 8 ? 64 : (int)f->size * 8;
	return type_int(s->a, bits ? bits : 64, f->is_signed);
}

/* The record type of a tracepoint's `args`, built once per probe. */
static struct type *tp_args_type(struct sema *s, struct probe_def *d)
{
	struct tracefs_field *f;
	int n;
	if (d->args)
		return d->args;
	if (d->kind == PK_RAWTRACEPOINT)
		return d->args = rawtp_args_type(s->a, d->func);
	if (tracefs_format(s->a, d->target, d->func, &f, &n) < 0)
		return NULL;
	struct type *t = type_new(s->a, TY_RECORD);
	t->name = arena_printf(s->a, "struct _tracepoint_%s_%s", d->target, d->func);
	t->fields = arena_alloc(s->a, sizeof(*t->fields) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		if (f[i].is_common)
			continue;
		struct field *fl = &t->fields[t->nfields++];
		fl->name = f[i].name;
		fl->offset = f[i].offset;
		fl->type = tp_field_type(s, &f[i]);
		if (fl->offset + fl->type->size > t->size)
			t->size = fl->offset + (fl->type->kind == TY_INT ? f[i].size : fl->type->size);
	}
	d->args = t;
	return t;
}

static bool check_args(struct sema *s, struct node *n)
{
	if (s->pdef && (s->pdef->kind == PK_FENTRY || s->pdef->kind == PK_FEXIT))
		return kfunc_check_args(s, n);
	if (!s->pdef || (s->pdef->kind != PK_TRACEPOINT && s->pdef->kind != PK_RAWTRACEPOINT)) {
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
		if (d != s->pdef && !tp_args_type(s, d))
			diag_error(s->d, n->loc, "cannot read the format of %s", d->name);
	}
	n->type = tp_args_type(s, s->pdef);
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
	LLVMValueRef args[] = {dst, cg_const(c, n->type->size), c->ctxarg};
	cg_helper(c, BPF_FUNC_probe_read_kernel, args, 3);
}

const struct builtin builtins_proc[] = {
	{.name = "pid", .kind = BI_VAR, .check = check_u32, .emit = emit_pid},
	{.name = "tid", .kind = BI_VAR, .check = check_u32, .emit = emit_tid},
	{.name = "uid", .kind = BI_VAR, .check = check_u32, .emit = emit_uid},
	{.name = "gid", .kind = BI_VAR, .check = check_u32, .emit = emit_gid},
	{.name = "nsecs", .kind = BI_VAR, .check = check_u64, .emit = emit_nsecs},
	{.name = "cpu", .kind = BI_VAR, .check = check_u32, .emit = emit_cpu},
	{.name = "curtask", .kind = BI_VAR, .check = check_u64, .emit = emit_curtask},
	{.name = "rand", .kind = BI_VAR, .check = check_u32, .emit = emit_rand},
	{.name = "cgroup", .kind = BI_VAR, .check = check_u64, .emit = emit_cgroup},
	{.name = "comm", .kind = BI_VAR, .check = check_comm, .emit_into = emit_comm},
	{.name = "probe", .kind = BI_VAR, .check = check_probe, .emit = emit_probe},
	{.name = "args", .kind = BI_VAR, .check = check_args, .emit_into = emit_args},
	{0},
};
