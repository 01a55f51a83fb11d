/* Slots: the memory the code generator keeps values in that do not fit in a
 * register or whose address a helper takes. Small ones are stack allocas,
 * large ones live in the per-CPU scratch map (the BPF stack has 512 bytes).
 *
 * A statement's temporaries (map keys, printf arguments, strings, tuples) are
 * given back when the statement ends and reused by the next one, so a probe of
 * 20,000 statements needs the stack of its largest statement, not of all of
 * them; we pool the slots ourselves rather than leave it to LLVM's stack
 * colouring (lifetime markers), which only shares allocas, costs compile time
 * per slot and block, and knows nothing of the scratch map. Stack temporaries
 * are a pool of allocas matched by size; scratch temporaries are a stack of
 * offsets. $variables live for the whole function: fresh allocas, or a second
 * scratch region placed after the probe's highest temporary once every
 * function of the probe is emitted. */
#include <linux/bpf.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "codegen/cg.h"
#include "util/alloc.h"

/* Bytes of the per-CPU scratch area: the kernel caps per-CPU values at 32 KiB. */
#define SCRATCH_MAX (32u * 1024)

static uint32_t round8(uint32_t n)
{
	return (n + 7) & ~7u;
}

/* A fresh alloca of size bytes at the top of the entry block; the statement
 * that takes the function's stack past the limit is remembered for the error. */
static LLVMValueRef new_alloca(struct cg *c, uint32_t size)
{
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);	/* moving the builder resets it */
	LLVMValueRef first = LLVMGetFirstInstruction(c->entry);
	if (first)
		LLVMPositionBuilderBefore(c->b, first);
	else
		LLVMPositionBuilderAtEnd(c->b, c->entry);
	LLVMValueRef a = LLVMBuildAlloca(c->b, LLVMArrayType2(c->i64, round8(size) / 8), "");
	LLVMSetAlignment(a, 8);
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	c->frame.stack_bytes += round8(size);
	if (c->frame.stack_bytes > CG_STACK_LIMIT && c->fn_info && !c->fn_info->over)
		c->fn_info->over = c->stmt;
	return a;
}

/* base + off, computed in the init block (after the scratch lookup's NULL
 * check, before the body): it dominates every use wherever the slot is taken. */
static LLVMValueRef in_init(struct cg *c, LLVMValueRef base, uint32_t off)
{
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);
	LLVMValueRef idx = cg_const(c, off);
	LLVMPositionBuilderAtEnd(c->b, c->init);
	LLVMValueRef p = LLVMBuildGEP2(c->b, c->i8, base, &idx, 1, "");
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	return p;
}

/* This CPU's scratch area, looked up once at the end of the entry block,
 * whose exit checks it for NULL (cg_frame_end). */
static LLVMValueRef scratch_base(struct cg *c)
{
	if (c->frame.scratch_base)
		return c->frame.scratch_base;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);
	LLVMValueRef key = new_alloca(c, 8);
	LLVMPositionBuilderAtEnd(c->b, c->entry);
	cg_store64(c, cg_const(c, 0), key);
	LLVMValueRef args[] = {c->scratch, key};
	c->frame.scratch_base = LLVMBuildIntToPtr(c->b,
		cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2), c->ptr, "scratch");
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	return c->frame.scratch_base;
}

/* The address of the scratch temporary at off: one instruction per offset
 * and function, however many statements reuse it. */
static LLVMValueRef temp_at(struct cg *c, uint32_t off)
{
	struct cg_frame *f = &c->frame;
	uint32_t i = off / 8;
	if (i >= f->ntemp_at) {
		uint32_t n = i + 64;
		LLVMValueRef *grown = xrealloc(f->temp_at, n * sizeof(*grown));
		if (!grown)	/* no cache: a fresh address each time is as correct */
			return in_init(c, scratch_base(c), off);
		memset(grown + f->ntemp_at, 0, (n - f->ntemp_at) * sizeof(*grown));
		f->temp_at = grown;
		f->ntemp_at = n;
	}
	if (!f->temp_at[i])
		f->temp_at[i] = in_init(c, scratch_base(c), off);
	return f->temp_at[i];
}

LLVMValueRef cg_scratch_alloca(struct cg *c, uint32_t size)
{
	uint32_t off = c->temp_top;
	c->temp_top += round8(size);
	if (c->temp_top > c->temp_max)
		c->temp_max = c->temp_top;
	return temp_at(c, off);
}

LLVMValueRef cg_stack_alloca(struct cg *c, uint32_t size)
{
	struct cg_slot *s;
	size = round8(size ? size : 8);
	for (s = c->frame.pool; s; s = s->next)
		if (!s->busy && s->size == size)
			break;
	if (!s) {
		s = arena_alloc(&c->p->arena, sizeof(*s));
		if (!s)		/* out of memory: a slot of its own, never reused */
			return new_alloca(c, size);
		s->ptr = new_alloca(c, size);
		s->size = size;
		s->next = c->frame.pool;
		c->frame.pool = s;
	}
	s->busy = true;
	s->next_busy = c->frame.busy;
	c->frame.busy = s;
	return s->ptr;
}

LLVMValueRef cg_alloca(struct cg *c, uint32_t size)
{
	uint32_t top = c->temp_top + round8(size);
	if (size > CG_STACK_SLOT_MAX &&
	    (top > c->temp_max ? top : c->temp_max) + c->var_used <= SCRATCH_MAX)
		return cg_scratch_alloca(c, size);
	return cg_stack_alloca(c, size);
}

LLVMValueRef cg_var_alloca(struct cg *c, uint32_t size)
{
	size = round8(size);
	if (size <= CG_STACK_SLOT_MAX || c->temp_max + c->var_used + size > SCRATCH_MAX)
		return new_alloca(c, size);
	if (!c->frame.var_base)	/* its offset is patched by cg_probe_slots_end */
		c->frame.var_base = in_init(c, scratch_base(c), 0);
	uint32_t off = c->var_used;
	c->var_used += size;
	return off ? in_init(c, c->frame.var_base, off) : c->frame.var_base;
}

struct cg_mark cg_mark(const struct cg *c)
{
	return (struct cg_mark){.busy = c->frame.busy, .temp_top = c->temp_top};
}

void cg_release(struct cg *c, struct cg_mark m)
{
	while (c->frame.busy && c->frame.busy != m.busy) {
		c->frame.busy->busy = false;
		c->frame.busy = c->frame.busy->next_busy;
	}
	c->temp_top = m.temp_top;
}

void cg_frame_begin(struct cg *c, const char *name)
{
	struct cg_fn *fi = arena_alloc(&c->p->arena, sizeof(*fi));
	memset(&c->frame, 0, sizeof(c->frame));
	c->fn_info = fi;
	if (!fi)
		return;
	fi->name = name;
	fi->probe = c->pdef->probe;
	fi->index = c->pdef->owner;	/* a syscall case's def runs its owner's program */
	fi->next = c->fns;
	c->fns = fi;
}

void cg_frame_end(struct cg *c, LLVMBasicBlockRef body, LLVMValueRef ret)
{
	LLVMPositionBuilderAtEnd(c->b, c->init);
	LLVMBuildBr(c->b, body);
	LLVMPositionBuilderAtEnd(c->b, c->entry);
	if (c->frame.scratch_base) {	/* never NULL for key 0, but the verifier asks */
		LLVMBasicBlockRef none = cg_block(c, "no_scratch");
		LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, c->frame.scratch_base, ""), none, c->init);
		LLVMPositionBuilderAtEnd(c->b, none);
		LLVMBuildRet(c->b, ret);
	} else {
		LLVMBuildBr(c->b, c->init);
	}
	if (c->fn_info)
		c->fn_info->var_base = c->frame.var_base;
	xfree(c->frame.temp_at);
	c->frame.temp_at = NULL;
	c->frame.ntemp_at = 0;
}

void cg_probe_slots_end(struct cg *c)
{
	for (struct cg_fn *f = c->fns; f && f->index == c->pdef->index; f = f->next)
		if (f->var_base)
			LLVMSetOperand(f->var_base, 1, cg_const(c, c->temp_max));
	if (c->temp_max + c->var_used > c->scratch_max)
		c->scratch_max = c->temp_max + c->var_used;
	c->temp_top = c->temp_max = c->var_used = 0;
}
