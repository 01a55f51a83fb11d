/* Aggregations: count, sum, avg, min, max, stats, hist, lhist. Their values
 * live in per-CPU maps (types.h gives the layouts); each update is a plain
 * read-modify-write of this CPU's slot, with no atomics. */
#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"
#include "runtime/print.h"

#include <string.h>

static bool set_agg(struct sema *s, struct node *n, enum type_kind kind, bool is_signed)
{
	n->type = type_new(s->a, kind);
	n->type->is_signed = is_signed;
	return true;
}

static bool check_count(struct sema *s, struct node *n)
{
	return set_agg(s, n, TY_COUNT, false);
}

/* sum/avg/min/max/stats: one integer argument. */
static bool check_value_agg(struct sema *s, struct node *n, enum type_kind kind)
{
	struct node *v = n->call.args;
	if (!sema_want_int(s, n, v, 0))
		return false;
	return set_agg(s, n, kind, v->type->is_signed);
}

static bool check_sum(struct sema *s, struct node *n) { return check_value_agg(s, n, TY_SUM); }
static bool check_avg(struct sema *s, struct node *n) { return check_value_agg(s, n, TY_AVG); }
static bool check_min(struct sema *s, struct node *n) { return check_value_agg(s, n, TY_MIN); }
static bool check_max(struct sema *s, struct node *n) { return check_value_agg(s, n, TY_MAX); }
static bool check_stats(struct sema *s, struct node *n) { return check_value_agg(s, n, TY_STATS); }

static bool check_hist(struct sema *s, struct node *n)
{
	struct node *v = n->call.args;
	int64_t bits = 0;
	if (!sema_want_int(s, n, v, 0))
		return false;
	if (v->next && !sema_want_const(s, n, v->next, &bits))
		return false;
	if (bits < 0 || bits > 5) {
		diag_hint(s->d, diag_error(s->d, v->next->loc, "hist(): the bits argument must be from 0 to 5"),
			  "usage: hist(value[, bits]); bits splits each power of 2 into 2^bits buckets");
		return false;
	}
	set_agg(s, n, TY_HIST, true);
	n->type->step = bits;
	return true;
}

static bool check_lhist(struct sema *s, struct node *n)
{
	struct node *v = n->call.args;
	int64_t min, max, step;
	if (!sema_want_int(s, n, v, 0) || !sema_want_const(s, n, v->next, &min) ||
	    !sema_want_const(s, n, v->next->next, &max) ||
	    !sema_want_const(s, n, v->next->next->next, &step))
		return false;
	if (min < 0 || max <= min || step <= 0 || (max - min) / step > 1000) {
		struct diag *dg = diag_error(s->d, n->loc, "lhist(): invalid range");
		diag_hint(s->d, dg, "need 0 <= min < max, step > 0 and at most 1000 buckets");
		return false;
	}
	set_agg(s, n, TY_LHIST, true);
	n->type->min = min;
	n->type->max = max;
	n->type->step = step;
	return true;
}

static void add_at(struct cg *c, LLVMValueRef p, LLVMValueRef v)
{
	cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, p), v, ""), p);
}

static void update_count(struct cg *c, struct node *n, LLVMValueRef val)
{
	(void)n;
	add_at(c, val, cg_const(c, 1));
}

static void update_sum(struct cg *c, struct node *n, LLVMValueRef val)
{
	add_at(c, val, cg_agg_arg(c, n));
}

/* avg and stats: { total, count }. */
static void update_avg(struct cg *c, struct node *n, LLVMValueRef val)
{
	add_at(c, val, cg_agg_arg(c, n));
	add_at(c, cg_gep(c, val, 8), cg_const(c, 1));
}

/* min and max: { value, seen }; the first value always wins. */
static void update_minmax(struct cg *c, struct node *n, LLVMValueRef val, bool is_min)
{
	LLVMValueRef v = cg_agg_arg(c, n);
	LLVMValueRef cur = cg_load64(c, val);
	LLVMValueRef seen = cg_load64(c, cg_gep(c, val, 8));
	bool sg = n->type->is_signed;
	LLVMIntPredicate pred = is_min ? (sg ? LLVMIntSLT : LLVMIntULT) : (sg ? LLVMIntSGT : LLVMIntUGT);
	LLVMValueRef better = LLVMBuildICmp(c->b, pred, v, cur, "");
	LLVMValueRef unseen = LLVMBuildICmp(c->b, LLVMIntEQ, seen, cg_const(c, 0), "");
	LLVMValueRef take = LLVMBuildOr(c->b, better, unseen, "");
	cg_store64(c, LLVMBuildSelect(c->b, take, v, cur, ""), val);
	cg_store64(c, cg_const(c, 1), cg_gep(c, val, 8));
}

static void update_min(struct cg *c, struct node *n, LLVMValueRef val) { update_minmax(c, n, val, true); }
static void update_max(struct cg *c, struct node *n, LLVMValueRef val) { update_minmax(c, n, val, false); }

/* floor(log2(v)) for v > 0, by a branch-free binary search (BPF has no clz). */
static LLVMValueRef log2_floor(struct cg *c, LLVMValueRef v)
{
	LLVMValueRef r = cg_const(c, 0);
	for (int shift = 32; shift >= 1; shift /= 2) {
		LLVMValueRef big = LLVMBuildICmp(c->b, LLVMIntUGE, v, cg_const(c, 1ull << shift), "");
		v = LLVMBuildSelect(c->b, big, LLVMBuildLShr(c->b, v, cg_const(c, (uint64_t)shift), ""), v, "");
		r = LLVMBuildAdd(c->b, r, LLVMBuildSelect(c->b, big, cg_const(c, (uint64_t)shift),
							   cg_const(c, 0), ""), "");
	}
	return r;
}

/* The bucket index of print.h: 0 negative, v + 1 below 2N, else
 * ((p - k) << k) + (v >> (p - k)) + 1 with p = floor(log2(v)). */
static LLVMValueRef hist_bucket(struct cg *c, struct node *n)
{
	LLVMValueRef v = cg_expr(c, n->call.args);
	int64_t k = n->type->step;
	LLVMValueRef p = log2_floor(c, v);
	LLVMValueRef pk = LLVMBuildSub(c->b, p, cg_const(c, (uint64_t)k), "");
	LLVMValueRef big = LLVMBuildAdd(c->b,
		LLVMBuildAdd(c->b, LLVMBuildShl(c->b, pk, cg_const(c, (uint64_t)k), ""),
			     LLVMBuildLShr(c->b, v, pk, ""), ""), cg_const(c, 1), "");
	LLVMValueRef small = LLVMBuildAdd(c->b, v, cg_const(c, 1), "");
	LLVMValueRef is_small = LLVMBuildICmp(c->b, LLVMIntSLT, v, cg_const(c, 2ull << k), "");
	LLVMValueRef idx = LLVMBuildSelect(c->b, is_small, small, big, "");
	LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, v, cg_const(c, 0), "");
	return LLVMBuildSelect(c->b, neg, cg_const(c, 0), idx, "");
}

/* 0 below min, nb + 1 at or above max, else (v - min) / step + 1. */
static LLVMValueRef lhist_bucket(struct cg *c, struct node *n)
{
	const struct type *t = n->type;
	LLVMValueRef v = cg_expr(c, n->call.args);
	uint64_t nb = (uint64_t)((t->max - t->min) / t->step);
	LLVMValueRef off = LLVMBuildSub(c->b, v, cg_const(c, (uint64_t)t->min), "");
	LLVMValueRef idx = LLVMBuildAdd(c->b, LLVMBuildUDiv(c->b, off, cg_const(c, (uint64_t)t->step), ""),
					cg_const(c, 1), "");
	LLVMValueRef over = LLVMBuildICmp(c->b, LLVMIntSGE, v, cg_const(c, (uint64_t)t->max), "");
	idx = LLVMBuildSelect(c->b, over, cg_const(c, nb + 1), idx, "");
	LLVMValueRef under = LLVMBuildICmp(c->b, LLVMIntSLT, v, cg_const(c, (uint64_t)t->min), "");
	return LLVMBuildSelect(c->b, under, cg_const(c, 0), idx, "");
}

/* ---- printers of the aggregation values (per-CPU values already merged) ---- */

static uint64_t load_u64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static void print_div_signed(struct sb *out, bool is_signed, int64_t v, uint32_t div)
{
	if (is_signed)
		sb_put_i64(out, (long long)(v / (int64_t)div));
	else
		sb_put_u64(out, (unsigned long long)((uint64_t)v / div));
}

/* avg: total / count with C (truncating) division, in the type's sign. */
static int64_t avg_of(const struct type *t, const void *data)
{
	int64_t total = (int64_t)load_u64(data);
	uint64_t count = load_u64((const uint8_t *)data + 8);
	if (!count)
		return 0;
	if (t->is_signed)
		return total / (int64_t)count;
	return (int64_t)((uint64_t)total / count);
}

static void print_count(struct sb *out, const struct type *t, const void *data, bool json,
			uint32_t div)
{
	(void)t, (void)json;
	sb_put_u64(out, (unsigned long long)(load_u64(data) / div));
}

/* sum, min and max: the first word. */
static void print_first(struct sb *out, const struct type *t, const void *data, bool json,
			uint32_t div)
{
	(void)json;
	print_div_signed(out, t->is_signed, (int64_t)load_u64(data), div);
}

static void print_avg(struct sb *out, const struct type *t, const void *data, bool json,
		      uint32_t div)
{
	(void)json;
	print_div_signed(out, t->is_signed, avg_of(t, data), div);
}

static void print_stats(struct sb *out, const struct type *t, const void *data, bool json,
			uint32_t div)
{
	sb_puts(out, json ? "{\"count\": " : "{ .count = ");
	sb_put_u64(out, (unsigned long long)load_u64((const uint8_t *)data + 8));
	sb_puts(out, json ? ", \"average\": " : ", .average = ");
	print_div_signed(out, t->is_signed, avg_of(t, data), div);
	sb_puts(out, json ? ", \"total\": " : ", .total = ");
	print_div_signed(out, t->is_signed, (int64_t)load_u64(data), 1);
	sb_puts(out, json ? "}" : " }");
}

const struct builtin builtins_aggregations[] = {
	{.name = "count", .kind = BI_AGG, .min_args = 0, .max_args = 0, .usage = "count()",
	 .check = check_count, .emit_update = update_count,
	 .owns = TY_COUNT, .print = print_count},
	{.name = "sum", .kind = BI_AGG, .min_args = 1, .max_args = 1, .usage = "sum(value)",
	 .check = check_sum, .emit_update = update_sum,
	 .owns = TY_SUM, .print = print_first},
	{.name = "avg", .kind = BI_AGG, .min_args = 1, .max_args = 1, .usage = "avg(value)",
	 .check = check_avg, .emit_update = update_avg,
	 .owns = TY_AVG, .print = print_avg},
	{.name = "min", .kind = BI_AGG, .min_args = 1, .max_args = 1, .usage = "min(value)",
	 .check = check_min, .emit_update = update_min,
	 .owns = TY_MIN, .print = print_first},
	{.name = "max", .kind = BI_AGG, .min_args = 1, .max_args = 1, .usage = "max(value)",
	 .check = check_max, .emit_update = update_max,
	 .owns = TY_MAX, .print = print_first},
	{.name = "stats", .kind = BI_AGG, .min_args = 1, .max_args = 1, .usage = "stats(value)",
	 .check = check_stats, .emit_update = update_avg,
	 .owns = TY_STATS, .print = print_stats},
	{.name = "hist", .kind = BI_AGG, .min_args = 1, .max_args = 2, .usage = "hist(value[, bits])",
	 .check = check_hist, .emit_update = update_count, .emit_bucket = hist_bucket,
	 .owns = TY_HIST, .print_map = print_hist_map},
	{.name = "lhist", .kind = BI_AGG, .min_args = 4, .max_args = 4,
	 .usage = "lhist(value, min, max, step)", .check = check_lhist, .emit_update = update_count,
	 .emit_bucket = lhist_bucket, .owns = TY_LHIST, .print_map = print_hist_map},
	{0},
};
