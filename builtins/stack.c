/* Stack builtins: kstack, ustack, kstack(N), kstack(mode[, N]), ustack(...).
 * A stack is captured with bpf_get_stackid into a stack trace map per kind and
 * depth (runtime/stacks.h has the contract); the value stored is the stack id
 * (and, for user stacks, the pid). User stack maps record build id + file
 * offset per frame, so frames are named even after the process has exited. */
#include <linux/bpf.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "runtime/stacks.h"

static const char *const mode_names[] = {
	[STACK_MODE_BPFTRACE] = "bpftrace", [STACK_MODE_PERF] = "perf", [STACK_MODE_RAW] = "raw",
	[STACK_MODE_BUILD_ID] = "build_id",
};

/* kstack(mode[, N]) / kstack(N): fill t->stack_mode and t->count. */
static bool stack_args(struct sema *s, struct node *n, struct type *t)
{
	struct node *a = n->kind == N_CALL ? n->call.args : NULL;
	const char *name = n->kind == N_CALL ? n->call.name : n->ident.name;
	t->count = STACK_DEPTH_DEFAULT;
	t->stack_mode = (uint8_t)s->p->config.stack_mode;	/* the stack_mode setting */
	if (a && a->kind == N_IDENT) {
		size_t m = 0;
		while (m < sizeof(mode_names) / sizeof(mode_names[0]) &&
		       strcmp(mode_names[m], a->ident.name))
			m++;
		if (m == sizeof(mode_names) / sizeof(mode_names[0])) {
			struct diag *dg = diag_error(s->d, a->loc, "%s(): unknown stack mode '%s'",
						     name, a->ident.name);
			diag_hint(s->d, dg, "the modes are bpftrace, perf, raw and build_id (ustack)");
			return false;
		}
		if (m == STACK_MODE_BUILD_ID && t->kind != TY_USTACK) {
			diag_error(s->d, a->loc, "%s(): build_id mode is only for user stacks", name);
			return false;
		}
		t->stack_mode = (uint8_t)m;
		a = a->next;
	}
	if (!a)
		return true;
	int64_t depth;
	if (!sema_want_const(s, n, a, &depth))
		return false;
	if (depth < 1 || depth > STACK_DEPTH_DEFAULT) {
		diag_error(s->d, a->loc, "%s(): the stack depth must be from 1 to %d", name,
			   STACK_DEPTH_DEFAULT);
		return false;
	}
	t->count = (uint32_t)depth;
	return true;
}

static bool check_kstack(struct sema *s, struct node *n)
{
	struct type *t = type_new(s->a, TY_KSTACK);
	if (!stack_args(s, n, t))
		return false;
	n->type = t;
	return true;
}

static bool check_ustack(struct sema *s, struct node *n)
{
	struct type *t = type_new(s->a, TY_USTACK);
	if (!stack_args(s, n, t))
		return false;
	t->size = 16;
	n->type = t;
	return true;
}

/* A captured stack's word with its number of frames (for len()): the id in
 * the low 32 bits, the frames that bpf_get_stack (a second walk, into the
 * scratch area) finds above them (runtime/stacks.h). */
static LLVMValueRef with_frames(struct cg *c, const struct type *t, bool user, LLVMValueRef id)
{
	uint32_t bytes = t->count * 8;
	LLVMValueRef buf = cg_scratch_alloca(c, bytes);
	LLVMValueRef args[] = {c->ctxarg, buf, cg_const(c, bytes), cg_const(c, user ? BPF_F_USER_STACK : 0)};
	LLVMValueRef got = cg_helper(c, BPF_FUNC_get_stack, args, 4);
	LLVMValueRef frames = LLVMBuildSelect(c->b, LLVMBuildICmp(c->b, LLVMIntSGT, got, cg_const(c, 0), ""),
					      LLVMBuildLShr(c->b, got, cg_const(c, 3), ""), cg_const(c, 0), "");
	LLVMValueRef low = LLVMBuildAnd(c->b, id, cg_const(c, 0xffffffffu), "");
	return LLVMBuildOr(c->b, low, LLVMBuildShl(c->b, frames, cg_const(c, STACK_FRAMES_SHIFT), ""), "");
}

/* The stack id of the current kernel or user stack, from its map. */
static LLVMValueRef stack_id(struct cg *c, const struct type *t, bool user)
{
	char name[32];
	stack_map_name(name, sizeof(name), user, t->count);
	uint32_t frame = user ? (uint32_t)sizeof(struct bpf_stack_build_id) : 8;
	LLVMValueRef map = cg_map_define_raw(c, name, BPF_MAP_TYPE_STACK_TRACE, 4,
					     frame * t->count, STACK_MAP_ENTRIES,
					     user ? BPF_F_STACK_BUILD_ID : 0);
	LLVMValueRef args[] = {c->ctxarg, map, cg_const(c, user ? BPF_F_USER_STACK : 0)};
	LLVMValueRef id = cg_helper(c, BPF_FUNC_get_stackid, args, 3);
	if (c->p->stack_frames)
		return with_frames(c, t, user, id);
	/* the helper's long result as int64: errors stay negative */
	return LLVMBuildSExt(c->b, LLVMBuildTrunc(c->b, id, c->i32, ""), c->i64, "");
}

LLVMValueRef stack_emit_frames(struct cg *c, struct node *n)
{
	LLVMValueRef word;
	if (n->type->kind == TY_USTACK) {
		LLVMValueRef slot = cg_alloca(c, n->type->size);
		cg_expr_into(c, n, slot);
		word = cg_load64(c, slot);
	} else {
		word = cg_expr(c, n);
	}
	return LLVMBuildAnd(c->b, LLVMBuildLShr(c->b, word, cg_const(c, STACK_FRAMES_SHIFT), ""),
			    cg_const(c, STACK_FRAMES_MASK), "");
}

void stack_emit_pid_seen(struct cg *c, LLVMValueRef pid)
{
	LLVMValueRef seen = cg_map_define_raw(c, STACK_PIDS_SEEN, BPF_MAP_TYPE_LRU_HASH, 4, 8,
					      STACK_PIDS_SEEN_ENTRIES, 0);
	LLVMValueRef rb = cg_map_define_raw(c, STACK_PIDS_RB, BPF_MAP_TYPE_RINGBUF, 0, 0,
					    STACK_PIDS_RB_BYTES, 0);
	LLVMValueRef key = cg_alloca(c, 8);
	cg_store64(c, pid, key);	/* little-endian: the u32 key is its first half */
	LLVMValueRef la[] = {seen, key};
	LLVMValueRef p = cg_helper(c, BPF_FUNC_map_lookup_elem, la, 2);
	LLVMBasicBlockRef fresh = cg_block(c, "pid_fresh"), done = cg_block(c, "pid_known");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, p, cg_const(c, 0), ""), fresh, done);
	LLVMPositionBuilderAtEnd(c->b, fresh);
	LLVMValueRef ua[] = {seen, key, key, cg_const(c, BPF_NOEXIST)};
	LLVMValueRef added = cg_helper(c, BPF_FUNC_map_update_elem, ua, 4);
	LLVMBasicBlockRef send = cg_block(c, "pid_send");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, added, cg_const(c, 0), ""), send, done);
	LLVMPositionBuilderAtEnd(c->b, send);
	LLVMValueRef oa[] = {rb, key, cg_const(c, 8), cg_const(c, BPF_RB_FORCE_WAKEUP)};
	cg_helper(c, BPF_FUNC_ringbuf_output, oa, 4);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

static LLVMValueRef emit_kstack(struct cg *c, struct node *n)
{
	return stack_id(c, n->type, false);
}

static void emit_ustack(struct cg *c, struct node *n, LLVMValueRef dst)
{
	cg_store64(c, stack_id(c, n->type, true), dst);
	LLVMValueRef pid = LLVMBuildLShr(c->b, cg_helper(c, BPF_FUNC_get_current_pid_tgid, NULL, 0),
					 cg_const(c, 32), "");
	cg_store64(c, pid, cg_gep(c, dst, 8));
	stack_emit_pid_seen(c, pid);
}

const struct builtin builtins_stack[] = {
	{.name = "kstack", .kind = BI_VAR, .check = check_kstack, .emit = emit_kstack},
	{.name = "ustack", .kind = BI_VAR, .check = check_ustack, .emit_into = emit_ustack},
	{.name = "kstack", .kind = BI_CALL, .min_args = 0, .max_args = 2,
	 .usage = "kstack([mode, ][depth])", .check = check_kstack, .emit = emit_kstack},
	{.name = "ustack", .kind = BI_CALL, .min_args = 0, .max_args = 2,
	 .usage = "ustack([mode, ][depth])", .check = check_ustack, .emit_into = emit_ustack},
	{0},
};
