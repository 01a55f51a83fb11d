/* Symbol and register builtins: ksym(addr), usym(addr), kaddr("name"),
 * uaddr("name"), reg("name").
 *
 * usym() captures, besides the address and pid, the build id and file offset of
 * the address at event time (runtime/stacks.h): bpf_get_stack gives the build id
 * + file offset of the current user ip, and the address's offset is that plus
 * (addr - ip). It is right whenever addr lies in the same file mapping as the
 * current ip — reg("ip") and func in uprobes, functions of the probed binary —
 * and the printer checks it against the file's segments before trusting it. */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "arch/arch.h"
#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "probes/family.h"
#include "sema/sema.h"
#include "kernel/kbtf.h"
#include "kernel/ksyms.h"
#include "runtime/usyms.h"

#define USYM_BUILD_ID_OFF 16	/* struct bpf_stack_build_id inside the usym value */

static bool want_address(struct sema *s, struct node *call)
{
	struct type *t = sema_expr(s, call->call.args);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_INT && t->kind != TY_PTR) {
		char b[128];
		diag_error(s->d, call->call.args->loc, "%s() expects an integer or a pointer (%s supplied)",
			   call->call.name, type_name(t, b, sizeof b));
		return false;
	}
	return true;
}

static bool check_ksym(struct sema *s, struct node *n)
{
	if (!want_address(s, n))
		return false;
	n->type = type_new(s->a, TY_KSYM);
	return true;
}

static LLVMValueRef emit_ksym(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

static bool check_usym(struct sema *s, struct node *n)
{
	if (!want_address(s, n))
		return false;
	n->type = type_new(s->a, TY_USYM);
	n->type->size = 16 + sizeof(struct bpf_stack_build_id);
	return true;
}

static void emit_usym(struct cg *c, struct node *n, LLVMValueRef dst)
{
	LLVMValueRef addr = cg_expr(c, n->call.args);
	LLVMValueRef pid = LLVMBuildLShr(c->b, cg_helper(c, BPF_FUNC_get_current_pid_tgid, NULL, 0),
					 cg_const(c, 32), "");
	cg_store64(c, addr, dst);
	cg_store64(c, pid, cg_gep(c, dst, 8));
	LLVMValueRef bid = cg_gep(c, dst, USYM_BUILD_ID_OFF);
	LLVMValueRef a1[] = {c->ctxarg, bid, cg_const(c, sizeof(struct bpf_stack_build_id)),
			     cg_const(c, BPF_F_USER_STACK | BPF_F_USER_BUILD_ID)};
	cg_helper(c, BPF_FUNC_get_stack, a1, 4);
	LLVMValueRef ip = cg_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), ip);
	LLVMValueRef a2[] = {c->ctxarg, ip, cg_const(c, 8), cg_const(c, BPF_F_USER_STACK)};
	cg_helper(c, BPF_FUNC_get_stack, a2, 4);
	/* offset of addr = offset of ip + (addr - ip); meaningless unless the
	 * status says VALID, which the printer checks */
	LLVMValueRef offp = cg_gep(c, bid, 24);
	LLVMValueRef off = LLVMBuildAdd(c->b, cg_load64(c, offp),
					LLVMBuildSub(c->b, addr, cg_load64(c, ip), ""), "");
	cg_store64(c, off, offp);
	stack_emit_pid_seen(c, pid);
}

static bool check_kaddr(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	uint64_t addr;
	if (!sema_want_literal(s, n, a))
		return false;
	const struct ksyms *k = ksym_get();
	if (!k || ksyms_addr(k, a->str.value, &addr)) {
		struct diag *dg = diag_error(s->d, n->loc, "Failed to resolve kernel symbol: %s",
					     a->str.value);
		if (ksyms_hidden(k))
			diag_hint(s->d, dg, "%s", ksyms_hidden_hint());
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_kaddr(struct cg *c, struct node *n)
{
	uint64_t addr = 0;
	ksyms_addr(ksym_get(), n->call.args->str.value, &addr);
	return cg_const(c, addr);
}

static bool check_uaddr(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	uint64_t addr;
	if (!sema_want_literal(s, n, a))
		return false;
	if (!s->pdef || !s->pdef->family->user || !s->pdef->target) {
		diag_error(s->d, n->loc, "uaddr() can only be used in uprobe, uretprobe and usdt probes");
		return false;
	}
	int err = usyms_symbol_vaddr(s->pdef->target, a->str.value, &addr);
	if (err) {
		diag_error(s->d, a->loc, "Failed to resolve symbol '%s' in %s: %s", a->str.value,
			   s->pdef->target, err == -ENOENT ? "no such symbol" : strerror(-err));
		return false;
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

/* The ELF virtual address of the symbol: absolute for non-PIE executables, the
 * link-time address for PIE executables and libraries, as bpftrace gives it. */
static LLVMValueRef emit_uaddr(struct cg *c, struct node *n)
{
	uint64_t addr = 0;
	usyms_symbol_vaddr(c->pdef->target, n->call.args->str.value, &addr);
	return cg_const(c, addr);
}

static bool check_reg(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	if (!sema_want_literal(s, n, a))
		return false;
	if (arch_reg_offset(a->str.value) < 0) {
		struct diag *dg = diag_error(s->d, a->loc, "'%s' is not a valid register", a->str.value);
		diag_hint(s->d, dg, "registers: %s", arch_reg_names());
		return false;
	}
	for (size_t i = 0; i < s->p->probes.len; i++) {
		struct probe_def *d = s->p->probes.items[i];
		if (d->probe == s->probe && !d->family->regs) {
			struct diag *dg = diag_error(s->d, n->loc, "reg can not be used with \"%s\" probes",
						     d->family->name);
			diag_hint(s->d, dg, "registers exist in kprobe, uprobe, usdt and perf-event "
				  "(profile, interval, software, hardware) probes");
			return false;
		}
	}
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_reg(struct cg *c, struct node *n)
{
	uint32_t off = (uint32_t)arch_reg_offset(n->call.args->str.value);
	return cg_load64(c, cg_gep(c, c->ctxarg, off));
}

/* percpu_kaddr("name"[, cpu]): the address of per-CPU kernel variable `name`
 * on CPU cpu (this CPU without it), a pointer to the variable's BTF type. The
 * kernel's bpf_per_cpu_ptr/bpf_this_cpu_ptr take the variable as a typed ksym,
 * so the object declares it as an extern in .ksyms (emit_ksym_var). */
static bool check_percpu_kaddr(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	if (!sema_want_literal(s, n, a) || (a->next && !sema_want_int(s, n, a->next, 1)))
		return false;
	struct type *vt = kbtf_var(s->a, a->str.value);
	if (!vt || (vt->kind != TY_INT && vt->kind != TY_RECORD)) {
		struct diag *dg = diag_error(s->d, a->loc, vt ? "percpu_kaddr(): variable '%s' is neither an integer nor a struct"
							  : "Could not resolve variable \"%s\" from BTF", a->str.value);
		diag_hint(s->d, dg, "percpu_kaddr() takes the name of a per-CPU kernel variable");
		return false;
	}
	n->type = type_new(s->a, TY_PTR);
	n->type->elem = vt;
	return true;
}

/* The extern `name __ksym` of the per-CPU variable's type, declared once per
 * object: an integer of its size or a struct of its name (libbpf finds the
 * kernel's variable by name and checks only that the kinds agree). */
static LLVMValueRef emit_ksym_var(struct cg *c, const char *name, const struct type *t)
{
	LLVMValueRef g = LLVMGetNamedGlobal(c->mod, name);
	if (g)
		return g;
	uint32_t size = type_c_size(t);
	g = LLVMAddGlobal(c->mod, LLVMArrayType(c->i8, size ? size : 1), name);
	LLVMSetLinkage(g, LLVMExternalLinkage);
	LLVMSetSection(g, ".ksyms");
	LLVMMetadataRef ty;
	if (t->kind == TY_RECORD) {
		const char *tag = t->name && !strncmp(t->name, "struct ", 7) ? t->name + 7 : t->name ? t->name : "";
		ty = LLVMDIBuilderCreateStructType(c->di, c->di_cu, tag, strlen(tag), c->di_file, 0,
						   (uint64_t)size * 8, 0, 0, NULL, NULL, 0, 0, NULL, "", 0);
	} else {
		ty = LLVMDIBuilderCreateBasicType(c->di, "long", 4, (uint64_t)size * 8,
						  t->is_signed ? 5 /* DW_ATE_signed */ : 7 /* unsigned */, 0);
	}
	LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(c->di, NULL, 0);
	LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(c->di, c->di_cu, name,
		strlen(name), name, strlen(name), c->di_file, 0, ty, 0, expr, NULL, 0);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(c->ctx, "dbg", 3), gve);
	return g;
}

static LLVMValueRef emit_percpu_kaddr(struct cg *c, struct node *n)
{
	struct node *a = n->call.args;
	LLVMValueRef args[] = {emit_ksym_var(c, a->str.value, n->type->elem), NULL};
	if (!a->next)
		return cg_helper(c, BPF_FUNC_this_cpu_ptr, args, 1);
	args[1] = cg_expr(c, a->next);
	return cg_helper(c, BPF_FUNC_per_cpu_ptr, args, 2);
}

const struct builtin builtins_sym[] = {
	{.name = "percpu_kaddr", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "percpu_kaddr(\"symbol\"[, cpu])", .check = check_percpu_kaddr,
	 .emit = emit_percpu_kaddr},
	{.name = "ksym", .kind = BI_CALL, .min_args = 1, .max_args = 1, .usage = "ksym(address)",
	 .check = check_ksym, .emit = emit_ksym},
	{.name = "usym", .kind = BI_CALL, .min_args = 1, .max_args = 1, .usage = "usym(address)",
	 .check = check_usym, .emit_into = emit_usym},
	{.name = "kaddr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "kaddr(\"symbol\")", .check = check_kaddr, .emit = emit_kaddr},
	{.name = "uaddr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "uaddr(\"symbol\")", .check = check_uaddr, .emit = emit_uaddr},
	{.name = "reg", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "reg(\"ip\")", .check = check_reg, .emit = emit_reg},
	{0},
};
