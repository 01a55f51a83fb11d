/* Map access and output records: keys built on the stack, lookup-or-init for
 * aggregations, ring buffer records written in place, and the subprogram that
 * len() passes to bpf_for_each_map_elem. */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <llvm-c/DebugInfo.h>

#include "codegen/cg.h"
#include "lang/abi.h"
#include "lang/types.h"

static bool is_scalar_value(const struct type *t)
{
	return type_is_scalar(t);
}

/* Write a key element of node `k` at dst (ints as 8 bytes). */
static void key_elem(struct cg *c, struct node *k, LLVMValueRef dst, const struct type *to)
{
	if (is_scalar_value(k->type))
		cg_store64(c, cg_expr(c, k), dst);
	else
		cg_expr_into_as(c, k, dst, to);
}

/* Add one to slot `slot` of the per-CPU counters map (ABI_COUNTERS_NAME, see
 * lang/abi.h): lost records, failed map updates. */
static void counter_add_one(struct cg *c, uint32_t slot)
{
	LLVMValueRef key = cg_alloca(c, 8);
	LLVMBuildStore(c->b, LLVMConstInt(c->i32, slot, 0), key);
	LLVMValueRef args[] = {c->lost, key};
	LLVMValueRef p = LLVMBuildIntToPtr(c->b, cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2),
					   c->ptr, "");
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, p), cg_const(c, 1), ""), p);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

/* The slot of the exited flag (never NULL for key 0, but the verifier asks). */
static LLVMValueRef exited_slot(struct cg *c)
{
	LLVMValueRef key = cg_alloca(c, 8);
	LLVMBuildStore(c->b, LLVMConstInt(c->i32, 0, 0), key);
	LLVMValueRef args[] = {c->exited, key};
	return LLVMBuildIntToPtr(c->b, cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2), c->ptr, "");
}

void cg_mark_exited(struct cg *c, LLVMValueRef code)
{
	if (!c->exited)
		return;
	LLVMValueRef p = exited_slot(c);
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	LLVMValueRef low = LLVMBuildAnd(c->b, code, cg_const(c, 0xffffffffull), "");
	cg_store64(c, LLVMBuildOr(c->b, low, cg_const(c, ABI_EXITED_EXIT), ""), p);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

void cg_emit_exit_guard(struct cg *c)
{
	LLVMValueRef p = exited_slot(c);
	LLVMBasicBlockRef check = cg_block(c, "exit_check"), stop = cg_block(c, "exited");
	LLVMBasicBlockRef go = cg_block(c, "running");
	LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, p, ""), go, check);
	LLVMPositionBuilderAtEnd(c->b, check);
	LLVMValueRef set = LLVMBuildICmp(c->b, LLVMIntNE, cg_load64(c, p), cg_const(c, 0), "");
	LLVMBuildCondBr(c->b, set, stop, go);
	LLVMPositionBuilderAtEnd(c->b, stop);
	cg_return(c);
	LLVMPositionBuilderAtEnd(c->b, go);
}

LLVMValueRef cg_counter_load(struct cg *c, uint32_t slot)
{
	LLVMValueRef key = cg_alloca(c, 8);
	LLVMBuildStore(c->b, LLVMConstInt(c->i32, slot, 0), key);
	LLVMValueRef args[] = {c->lost, key};
	LLVMValueRef p = LLVMBuildIntToPtr(c->b, cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2),
					   c->ptr, "");
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	LLVMValueRef v = cg_load64(c, p);
	LLVMBasicBlockRef yes = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, cg_const(c, 0), from, v, yes);
}

/* Count one record that did not fit in the ring buffer. */
static void count_lost(struct cg *c)
{
	counter_add_one(c, ABI_CTR_LOST);
}

/* Count a failed update of map m when the helper's result r is negative (the
 * map is full); the runtime reports the count at exit. */
static void count_failed_update(struct cg *c, struct map_def *m, LLVMValueRef r)
{
	LLVMBasicBlockRef fail = cg_block(c, "update_failed"), done = cg_block(c, "updated");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, r, cg_const(c, 0), ""), fail, done);
	LLVMPositionBuilderAtEnd(c->b, fail);
	counter_add_one(c, ABI_CTR_MAP_FULL + (uint32_t)m->id);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

LLVMValueRef cg_map_key(struct cg *c, struct map_def *m, struct node *use, LLVMValueRef bucket)
{
	LLVMValueRef key = cg_alloca(c, m->key_size);
	cg_zero(c, key, m->key_size);
	struct node *keys = use ? use->map.keys : NULL;
	if (keys && !keys->next) {
		key_elem(c, keys, key, m->key);
	} else if (keys) {
		int i = 0;
		for (struct node *k = keys; k; k = k->next, i++)
			key_elem(c, k, cg_gep(c, key, m->key->fields[i].offset),
				 m->key->fields[i].type);
	}
	if (bucket)
		cg_store64(c, bucket, cg_gep(c, key, m->key_size - 8));
	return key;
}

LLVMValueRef cg_map_lookup(struct cg *c, struct map_def *m, LLVMValueRef key)
{
	LLVMValueRef args[] = {c->maps[m->id], key};
	LLVMValueRef r = cg_helper(c, BPF_FUNC_map_lookup_elem, args, 2);
	return LLVMBuildIntToPtr(c->b, r, c->ptr, "");
}

void cg_map_update(struct cg *c, struct map_def *m, LLVMValueRef key, LLVMValueRef val)
{
	LLVMValueRef args[] = {c->maps[m->id], key, val, cg_const(c, BPF_ANY)};
	count_failed_update(c, m, cg_helper(c, BPF_FUNC_map_update_elem, args, 4));
}

void cg_map_delete(struct cg *c, struct map_def *m, LLVMValueRef key)
{
	LLVMValueRef args[] = {c->maps[m->id], key};
	cg_helper(c, BPF_FUNC_map_delete_elem, args, 2);
}

/* Fold one CPU's value at p into the accumulators: acc (sum, total, or the
 * min/max so far) and acc2 (avg's count, or whether min/max saw a value). */
static void merge_cpu(struct cg *c, enum type_merge how, bool sg, LLVMValueRef p,
		      LLVMValueRef acc, LLVMValueRef acc2)
{
	LLVMValueRef v = cg_load64(c, p);
	LLVMValueRef w = cg_load64(c, cg_gep(c, p, 8));
	if (how == TM_ADD || how == TM_ADD2) {
		cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, acc), v, ""), acc);
		if (how == TM_ADD2)
			cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, acc2), w, ""), acc2);
		return;
	}
	/* min/max: a CPU that never saw a value has none to offer */
	LLVMIntPredicate pred = how == TM_MIN ? (sg ? LLVMIntSLT : LLVMIntULT)
					      : (sg ? LLVMIntSGT : LLVMIntUGT);
	LLVMValueRef cur = cg_load64(c, acc), have = cg_load64(c, acc2);
	LLVMValueRef seen = LLVMBuildICmp(c->b, LLVMIntNE, w, cg_const(c, 0), "");
	LLVMValueRef first = LLVMBuildICmp(c->b, LLVMIntEQ, have, cg_const(c, 0), "");
	LLVMValueRef better = LLVMBuildOr(c->b, first, LLVMBuildICmp(c->b, pred, v, cur, ""), "");
	LLVMValueRef take = LLVMBuildAnd(c->b, seen, better, "");
	cg_store64(c, LLVMBuildSelect(c->b, take, v, cur, ""), acc);
	cg_store64(c, LLVMBuildOr(c->b, have, LLVMBuildZExt(c->b, seen, c->i64, ""), ""), acc2);
}

LLVMValueRef cg_map_read_percpu(struct cg *c, struct map_def *m, LLVMValueRef key)
{
	const struct type_ops *ops = type_ops(m->value);
	bool sg = m->value->is_signed;
	int ncpus = libbpf_num_possible_cpus();
	LLVMValueRef acc = cg_stack_alloca(c, 8), acc2 = cg_stack_alloca(c, 8);
	LLVMValueRef cpu = cg_stack_alloca(c, 8);
	cg_store64(c, cg_const(c, 0), acc);
	cg_store64(c, cg_const(c, 0), acc2);
	cg_store64(c, cg_const(c, 0), cpu);

	/* for (cpu = 0; cpu < ncpus; cpu++): a loop the verifier bounds */
	LLVMBasicBlockRef head = cg_block(c, "percpu_head"), body = cg_block(c, "percpu_body");
	LLVMBasicBlockRef next = cg_block(c, "percpu_next"), done = cg_block(c, "percpu_done");
	LLVMBuildBr(c->b, head);
	LLVMPositionBuilderAtEnd(c->b, head);
	LLVMValueRef i = cg_load64(c, cpu);
	LLVMValueRef more = LLVMBuildICmp(c->b, LLVMIntULT, i,
					  cg_const(c, ncpus > 0 ? (uint64_t)ncpus : 1), "");
	LLVMBuildCondBr(c->b, more, body, done);
	LLVMPositionBuilderAtEnd(c->b, body);
	LLVMValueRef args[] = {c->maps[m->id], key, i};
	LLVMValueRef p = LLVMBuildIntToPtr(c->b, cg_helper(c, BPF_FUNC_map_lookup_percpu_elem, args, 3),
					   c->ptr, "");
	LLVMBasicBlockRef skip = cg_if_nonnull(c, p);
	merge_cpu(c, ops->merge, sg, p, acc, acc2);
	LLVMBuildBr(c->b, skip);
	LLVMPositionBuilderAtEnd(c->b, skip);
	LLVMBuildBr(c->b, next);
	LLVMPositionBuilderAtEnd(c->b, next);
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, cpu), cg_const(c, 1), ""), cpu);
	LLVMBuildBr(c->b, head);
	LLVMPositionBuilderAtEnd(c->b, done);

	LLVMValueRef v = cg_load64(c, acc);
	if (ops->read != TR_AVG)
		return v;
	/* avg: total / count in the value's sign; no count reads 0 */
	LLVMValueRef n = cg_load64(c, acc2);
	LLVMValueRef none = LLVMBuildICmp(c->b, LLVMIntEQ, n, cg_const(c, 0), "");
	LLVMValueRef div = LLVMBuildSelect(c->b, none, cg_const(c, 1), n, "");
	LLVMValueRef q = cg_arith(c, OP_DIV, v, div, sg);
	return LLVMBuildSelect(c->b, none, cg_const(c, 0), q, "");
}

LLVMBasicBlockRef cg_if_nonnull(struct cg *c, LLVMValueRef ptr)
{
	LLVMBasicBlockRef yes = cg_block(c, "nonnull"), done = cg_block(c, "join");
	LLVMValueRef isnull = LLVMBuildIsNull(c->b, ptr, "");
	LLVMBuildCondBr(c->b, isnull, done, yes);
	LLVMPositionBuilderAtEnd(c->b, yes);
	return done;
}

LLVMValueRef cg_map_lookup_or_init(struct cg *c, struct map_def *m, LLVMValueRef key)
{
	LLVMValueRef first = cg_map_lookup(c, m, key);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b);
	LLVMBasicBlockRef init = cg_block(c, "init"), done = cg_block(c, "found");
	LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, first, ""), init, done);

	LLVMPositionBuilderAtEnd(c->b, init);
	LLVMValueRef zero = cg_alloca(c, m->value_size);
	cg_zero(c, zero, m->value_size);
	LLVMValueRef args[] = {c->maps[m->id], key, zero, cg_const(c, BPF_NOEXIST)};
	LLVMValueRef r = cg_helper(c, BPF_FUNC_map_update_elem, args, 4);
	/* -EEXIST: another CPU created it meanwhile; anything else: full */
	LLVMValueRef full = LLVMBuildAnd(c->b,
		LLVMBuildICmp(c->b, LLVMIntSLT, r, cg_const(c, 0), ""),
		LLVMBuildICmp(c->b, LLVMIntNE, r, cg_const(c, (uint64_t)-EEXIST), ""), "");
	count_failed_update(c, m, LLVMBuildSelect(c->b, full, r, cg_const(c, 0), ""));
	LLVMValueRef second = cg_map_lookup(c, m, key);
	LLVMBasicBlockRef init_end = LLVMGetInsertBlock(c->b);
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->ptr, first, from, second, init_end);
}

/* Submit flags: wake user space only once enough is pending in `ring` (of
 * `size` bytes; it polls with a short timeout anyway) or when the record must
 * act at once (exit). */
static LLVMValueRef submit_flags(struct cg *c, LLVMValueRef ring, uint32_t size, bool urgent)
{
	if (urgent)
		return cg_const(c, BPF_RB_FORCE_WAKEUP);
	LLVMValueRef args[] = {ring, cg_const(c, BPF_RB_AVAIL_DATA)};
	LLVMValueRef avail = cg_helper(c, BPF_FUNC_ringbuf_query, args, 2);
	LLVMValueRef big = LLVMBuildICmp(c->b, LLVMIntUGE, avail,
					 cg_const(c, size / RB_WAKEUP_DIVISOR), "");
	return LLVMBuildSelect(c->b, big, cg_const(c, BPF_RB_FORCE_WAKEUP),
			       cg_const(c, BPF_RB_NO_WAKEUP), "");
}

/* Whether evaluating n may write output of its own: a block expression (its
 * statements) or a call of an output action. */
static bool emits_output(struct node *n);

static void emits_output_child(struct node **slot, void *ctx)
{
	if (emits_output(*slot))
		*(bool *)ctx = true;
}

static bool emits_output(struct node *n)
{
	bool found = n->kind == N_BLOCK_EXPR || (n->kind == N_CALL && n->call.action_id >= 0);
	if (!found)
		ast_each_child(n, emits_output_child, &found);
	return found;
}

/* The value of argument a computed before the record is reserved: its output
 * (print inside a block expression) then comes first, as it is written first.
 * NULL when a has no output of its own and is written in place. */
static LLVMValueRef early_arg(struct cg *c, struct node *a)
{
	if (!emits_output(a))
		return NULL;
	if (is_scalar_value(a->type))
		return cg_expr(c, a);
	LLVMValueRef tmp = cg_alloca(c, (a->type->size + 7) & ~7u);
	cg_zero(c, tmp, (a->type->size + 7) & ~7u);
	cg_expr_into(c, a, tmp);
	return tmp;
}

/* Write argument a (or its early value) at dst in the record. */
static void record_arg(struct cg *c, struct node *a, LLVMValueRef early, LLVMValueRef dst)
{
	if (early && is_scalar_value(a->type))
		cg_store64(c, early, dst);
	else if (early)
		cg_copy(c, dst, early, a->type->size);
	else if (is_scalar_value(a->type))
		cg_store64(c, cg_expr(c, a), dst);
	else
		cg_expr_into(c, a, dst);
}

bool cg_action_is_control(enum action_kind kind)
{
	switch (kind) {
	case ACT_EXIT: case ACT_TIME: case ACT_PRINT_MAP: case ACT_PRINT_VALUE:
	case ACT_CLEAR: case ACT_ZERO: case ACT_ERRORF: case ACT_WARNF:
		return true;
	default:
		return false;
	}
}

/* Where a record goes: the output ring, or the control ring with the output
 * ring's producer position first (the tag: user space handles the record once
 * it has read the output ring up to there, so it keeps its place among the
 * printf records written before and after it). */
struct record_ring {
	LLVMValueRef ring;	/* the ring buffer map global */
	uint32_t ring_size;	/* its bytes */
	uint32_t head;		/* bytes before the record: 8 for the tag, else 0 */
};

static struct record_ring record_ring(struct cg *c, const struct action *act)
{
	if (c->ctlbuf && cg_action_is_control(act->kind))
		return (struct record_ring){c->ctlbuf, RB_CONTROL_BYTES, 8};
	return (struct record_ring){c->ringbuf, cg_ringbuf_size(c), 0};
}

/* Reserve `size` bytes of the record plus its ring's head; the reserved base
 * (NULL when the ring is full). *tag gets the output ring's producer position
 * for a control record, read just before the reservation. */
static LLVMValueRef reserve_record(struct cg *c, const struct record_ring *r, uint32_t size,
				   LLVMValueRef *tag)
{
	*tag = NULL;
	if (r->head) {
		LLVMValueRef qargs[] = {c->ringbuf, cg_const(c, BPF_RB_PROD_POS)};
		*tag = cg_helper(c, BPF_FUNC_ringbuf_query, qargs, 2);
	}
	LLVMValueRef rargs[] = {r->ring, cg_const(c, size + r->head), cg_const(c, 0)};
	return LLVMBuildIntToPtr(c->b, cg_helper(c, BPF_FUNC_ringbuf_reserve, rargs, 3), c->ptr, "");
}

void cg_output_copy(struct cg *c, LLVMValueRef rec, uint32_t size)
{
	LLVMValueRef args[] = {c->ringbuf, rec, cg_const(c, size),
			       submit_flags(c, c->ringbuf, cg_ringbuf_size(c), false)};
	LLVMValueRef r = cg_helper(c, BPF_FUNC_ringbuf_output, args, 4);
	LLVMBasicBlockRef fail = cg_block(c, "lost"), done = cg_block(c, "emitted");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntSLT, r, cg_const(c, 0), ""), fail, done);
	LLVMPositionBuilderAtEnd(c->b, fail);
	count_lost(c);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

/* Write record `id` of action act at rec: the id, the `extra` values, then
 * `args` (their early values where they have one). */
static void write_record(struct cg *c, const struct action *act, int id, LLVMValueRef rec,
			 LLVMValueRef *extra, int nextra, struct node *args, LLVMValueRef *early)
{
	cg_store64(c, cg_const(c, (uint64_t)id), rec);
	for (int x = 0; x < nextra; x++)
		cg_store64(c, extra[x], cg_gep(c, rec, 8 + 8 * (uint32_t)x));
	int i = 0;
	for (struct node *a = args; a && i < act->nargs; a = a->next, i++)
		record_arg(c, a, early[i], cg_gep(c, rec, act->offsets[i]));
}

/* The record of action id: the id, then `extra` values, then `args`, then
 * what `fill` writes at offset 8 (for actions whose payload is not a list of
 * values, like join); reserved, written in place, submitted. A record that
 * does not fit is counted as lost (an exit() still ends the run: the runtime
 * polls its flag). */
static void emit_record(struct cg *c, int id, struct node *args, LLVMValueRef *extra, int nextra,
			cg_fill_fn fill, struct node *fill_node)
{
	struct action *act = c->p->actions.items[id];
	struct record_ring ring = record_ring(c, act);
	LLVMValueRef early[act->nargs > 0 ? act->nargs : 1];
	int i = 0;
	for (struct node *a = args; a && i < act->nargs; a = a->next, i++)
		early[i] = early_arg(c, a);
	/* in a big probe, written into a temporary and copied by the probe's
	 * shared output subprogram (outline.c) */
	LLVMValueRef out = c->outline && !fill && !ring.head ? cg_outline_out(c, act->size) : NULL;
	if (out) {
		LLVMValueRef rec = cg_alloca(c, act->size);
		write_record(c, act, id, rec, extra, nextra, args, early);
		cg_outline_call_out(c, out, rec);
		return;
	}
	LLVMValueRef tag, base = reserve_record(c, &ring, act->size, &tag);
	LLVMBasicBlockRef ok = cg_block(c, "reserved"), fail = cg_block(c, "lost");
	LLVMBasicBlockRef done = cg_block(c, "emitted");
	LLVMBuildCondBr(c->b, LLVMBuildIsNull(c->b, base, ""), fail, ok);

	LLVMPositionBuilderAtEnd(c->b, fail);
	if (act->kind != ACT_EXIT)
		count_lost(c);
	LLVMBuildBr(c->b, done);

	LLVMPositionBuilderAtEnd(c->b, ok);
	LLVMValueRef rec = base;
	if (tag) {
		cg_store64(c, tag, base);
		rec = cg_gep(c, base, ring.head);
	}
	write_record(c, act, id, rec, extra, nextra, args, early);
	if (fill)
		fill(c, fill_node, cg_gep(c, rec, 8));
	LLVMValueRef sargs[] = {base, submit_flags(c, ring.ring, ring.ring_size,
						   act->kind == ACT_EXIT)};
	LLVMTypeRef params[] = {c->ptr, c->i64};
	LLVMTypeRef fty = LLVMFunctionType(c->voidt, params, 2, 0);
	LLVMBuildCall2(c->b, fty, LLVMConstIntToPtr(cg_const(c, BPF_FUNC_ringbuf_submit), c->ptr),
		       sargs, 2, "");
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
}

void cg_emit_action(struct cg *c, int id, struct node *args, LLVMValueRef *extra, int nextra)
{
	emit_record(c, id, args, extra, nextra, NULL, NULL);
}

void cg_emit_action_with(struct cg *c, int id, cg_fill_fn fill, struct node *n)
{
	emit_record(c, id, NULL, NULL, 0, fill, n);
}

/* The callback's debug info: the kernel wants func info for every subprogram
 * once the main program has some, with named parameters. */
static void describe_count_fn(struct cg *c, LLVMValueRef fn)
{
	static const char *const names[] = {"map", "key", "value", "ctx"};
	LLVMMetadataRef types[] = {c->di_ctx_type, c->di_ctx_type, c->di_ctx_type,
				   c->di_ctx_type, c->di_ctx_type};
	types[0] = LLVMDIBuilderCreateBasicType(c->di, "long", 4, 64, 0x05, LLVMDIFlagZero);
	LLVMMetadataRef fty = LLVMDIBuilderCreateSubroutineType(c->di, c->di_file, types, 5,
								 LLVMDIFlagZero);
	LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(c->di, c->di_file, "map_count", 9,
		"map_count", 9, c->di_file, 1, fty, 1, 1, 1, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	for (unsigned i = 0; i < 4; i++)
		LLVMDIBuilderCreateParameterVariable(c->di, sp, names[i], strlen(names[i]), i + 1,
						     c->di_file, 1, c->di_ctx_type, 1, LLVMDIFlagZero);
	LLVMSetCurrentDebugLocation2(c->b, LLVMDIBuilderCreateDebugLocation(c->ctx, 1, 1, sp, NULL));
}

LLVMValueRef cg_map_count_fn(struct cg *c)
{
	if (c->count_fn)
		return c->count_fn;
	LLVMBasicBlockRef cur = LLVMGetInsertBlock(c->b);
	LLVMMetadataRef loc = LLVMGetCurrentDebugLocation2(c->b);
	LLVMTypeRef params[] = {c->ptr, c->ptr, c->ptr, c->ptr};
	LLVMValueRef fn = LLVMAddFunction(c->mod, "map_count", LLVMFunctionType(c->i64, params, 4, 0));
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	LLVMSetSection(fn, ".text");
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(c->ctx, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
	LLVMPositionBuilderAtEnd(c->b, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
	describe_count_fn(c, fn);
	LLVMValueRef counter = LLVMGetParam(fn, 3);
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, counter), cg_const(c, 1), ""), counter);
	LLVMBuildRet(c->b, cg_const(c, 0));
	LLVMPositionBuilderAtEnd(c->b, cur);
	LLVMSetCurrentDebugLocation2(c->b, loc);
	return c->count_fn = fn;
}
