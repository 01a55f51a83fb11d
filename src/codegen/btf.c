/* BTF-defined maps. Each map is a global in section ".maps" whose debug type is
 * the struct libbpf expects (`__uint(type, ..)` fields are pointers to arrays
 * whose length carries the number), so LLVM's BPF backend emits BTF for it and
 * libbpf creates the map from that description. */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "codegen/cg.h"
#include "lang/abi.h"
#include "probes/family.h"
#include "probes/probes.h"

#define DW_ATE_signed 0x05

/* `int (*name)[value]`: how libbpf's __uint() encodes a number in BTF. */
static LLVMMetadataRef uint_member(struct cg *c, LLVMMetadataRef int_ty, const char *name,
				   uint64_t value, uint64_t offset_bits)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(c->di, 0, (int64_t)value);
	LLVMMetadataRef arr = LLVMDIBuilderCreateArrayType(c->di, value * 32, 32, int_ty, &sub, 1);
	LLVMMetadataRef ptr = LLVMDIBuilderCreatePointerType(c->di, arr, 64, 0, 0, NULL, 0);
	return LLVMDIBuilderCreateMemberType(c->di, c->di_file, name, strlen(name), c->di_file, 0,
					     64, 64, offset_bits, LLVMDIFlagZero, ptr);
}

struct map_desc {
	const char *sym;
	uint32_t type, key_size, value_size, max_entries;	/* 0: field absent */
	uint32_t map_flags;
};

/* Define one map global described by d; returns it. */
static LLVMValueRef define_map(struct cg *c, const struct map_desc *d)
{
	const struct { const char *name; uint32_t value; } fields[] = {
		{"type", d->type}, {"max_entries", d->max_entries},
		{"key_size", d->key_size}, {"value_size", d->value_size},
		{"map_flags", d->map_flags},
	};
	LLVMMetadataRef int_ty = LLVMDIBuilderCreateBasicType(c->di, "int", 3, 32, DW_ATE_signed,
							       LLVMDIFlagZero);
	LLVMMetadataRef members[5];
	LLVMTypeRef ptrs[5];
	unsigned n = 0;
	for (size_t i = 0; i < 5; i++) {
		if (!fields[i].value)
			continue;
		members[n] = uint_member(c, int_ty, fields[i].name, fields[i].value, n * 64);
		ptrs[n++] = c->ptr;
	}
	LLVMMetadataRef st = LLVMDIBuilderCreateStructType(c->di, c->di_file, "", 0, c->di_file, 0,
		n * 64, 64, LLVMDIFlagZero, NULL, members, n, 0, NULL, "", 0);
	LLVMTypeRef ty = LLVMStructTypeInContext(c->ctx, ptrs, n, 0);
	LLVMValueRef g = LLVMAddGlobal(c->mod, ty, d->sym);
	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	LLVMMetadataRef expr = LLVMDIBuilderCreateExpression(c->di, NULL, 0);
	LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(c->di, c->di_cu,
		d->sym, strlen(d->sym), d->sym, strlen(d->sym), c->di_file, 0, st, 0, expr, NULL, 64);
	LLVMGlobalSetMetadata(g, LLVMGetMDKindIDInContext(c->ctx, "dbg", 3), gve);
	return g;
}

/* A BPF object name: letters, digits and '_' only, at most 15 characters. */
static const char *map_sym(struct cg *c, const struct map_def *m)
{
	char buf[16];
	int n = snprintf(buf, sizeof buf, "m%d_", m->id);
	for (const char *s = m->name + 1; *s && n < 15; s++)
		buf[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			   (*s >= '0' && *s <= '9') ? *s : '_';
	buf[n] = '\0';
	return arena_strdup(&c->p->arena, buf);
}

uint32_t cg_ringbuf_size(const struct cg *c)
{
	return c->p->streams_output ? RB_STREAM_BYTES : RB_SMALL_BYTES;
}

/* Whether the program needs the exited flag (lang/abi.h): it calls exit()
 * anywhere, or has a probe with the exit guard, which user space sets to stop
 * the probes at once when the run ends. */
static bool needs_exited(const struct program *p)
{
	for (size_t i = 0; i < p->actions.len; i++)
		if (((const struct action *)p->actions.items[i])->kind == ACT_EXIT)
			return true;
	for (size_t i = 0; i < p->probes.len; i++) {
		const struct probe_def *d = p->probes.items[i];
		if (!probe_is_special(d) && !d->family->ends_run)
			return true;
	}
	return false;
}

/* Whether the program has an action whose records take the control ring. */
static bool has_control(const struct program *p)
{
	for (size_t i = 0; i < p->actions.len; i++)
		if (cg_action_is_control(((const struct action *)p->actions.items[i])->kind))
			return true;
	return false;
}

int cg_maps_define(struct cg *c)
{
	struct vec *maps = &c->p->maps;
	c->maps = arena_alloc(&c->p->arena, sizeof(*c->maps) * (maps->len + 1));
	if (!c->maps)
		return -1;
	for (size_t i = 0; i < maps->len; i++) {
		struct map_def *m = maps->items[i];
		m->sym = map_sym(c, m);
		if (m->decl_type)	/* let @m = lruhash(N); */
			m->bpf_type = m->decl_type;
		else
			m->bpf_type = m->percpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH;
		struct map_desc d = {m->sym, m->bpf_type, m->key_size, m->value_size, m->max_entries, 0};
		c->maps[i] = define_map(c, &d);
	}
	/* Its pages are resident for the whole run (mapped twice), so only a
	 * program that streams records from traced probes gets the large one. */
	struct map_desc rb = {ABI_RINGBUF_NAME, BPF_MAP_TYPE_RINGBUF, 0, 0, cg_ringbuf_size(c), 0};
	c->ringbuf = define_map(c, &rb);
	c->scratch = LLVMAddGlobal(c->mod, c->i8, "scratch_placeholder");
	if (has_control(c->p)) {
		struct map_desc ctl = {ABI_CTLBUF_NAME, BPF_MAP_TYPE_RINGBUF, 0, 0, RB_CONTROL_BYTES, 0};
		c->ctlbuf = define_map(c, &ctl);
	}
	struct map_desc lost = {ABI_COUNTERS_NAME, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
				ABI_CTR_MAP_FULL + (uint32_t)maps->len, 0};
	c->lost = define_map(c, &lost);
	if (needs_exited(c->p)) {
		struct map_desc ex = {ABI_EXITED_NAME, BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0};
		c->exited = define_map(c, &ex);
	}
	return 0;
}

void cg_scratch_define(struct cg *c)
{
	if (c->scratch_max) {
		struct map_desc d = {"scratch", BPF_MAP_TYPE_PERCPU_ARRAY, 4, c->scratch_max, 1, 0};
		LLVMReplaceAllUsesWith(c->scratch, define_map(c, &d));
	}
	LLVMDeleteGlobal(c->scratch);
	c->scratch = NULL;
}

LLVMValueRef cg_map_define_raw(struct cg *c, const char *sym, uint32_t type, uint32_t key_size,
			       uint32_t value_size, uint32_t max_entries, uint32_t map_flags)
{
	LLVMValueRef g = LLVMGetNamedGlobal(c->mod, sym);
	struct map_desc d = {sym, type, key_size, value_size, max_entries, map_flags};
	return g ? g : define_map(c, &d);
}
