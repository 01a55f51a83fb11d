/* tseries(value, interval, num_intervals[, "avg"|"min"|"max"|"sum"]): a time series
 * map. Each update lands in the bucket of its interval (epoch = now / interval,
 * bucket = epoch % num_intervals, the last 8 bytes of the key as for histograms);
 * the per-CPU value is { int64 value; uint64 meta; uint64 epoch }, where meta is the
 * update time (no aggregation: the latest write wins across CPUs), the count (avg)
 * or "seen" (min/max). A bucket whose stored epoch is older than now's is reset
 * before an aggregating update. The clock is the wall clock (sw_tai), or the scalar
 * map BPFTRACE_DUMMY_TS_MAP names (bpftrace's hook for deterministic tests). */
#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "lang/abi.h"
#include "runtime/print.h"
#include "sema/sema.h"

#include <string.h>

#include <linux/bpf.h>

static const char *const tseries_aggs[] = {
	[TSERIES_LAST] = "", [TSERIES_AVG] = "avg", [TSERIES_MAX] = "max",
	[TSERIES_MIN] = "min", [TSERIES_SUM] = "sum",
};

/* The aggregation named by the optional 4th argument; -1 when it is none of them. */
static int tseries_agg(struct sema *s, struct node *n, struct node *arg)
{
	if (!arg)
		return TSERIES_LAST;
	if (!sema_want_literal(s, n, arg))
		return -1;
	for (int i = TSERIES_AVG; i <= TSERIES_SUM; i++)
		if (!strcmp(arg->str.value, tseries_aggs[i]))
			return i;
	struct diag *dg = diag_error(s->d, arg->loc, "%s is not a valid aggregation function",
				     arg->str.value);
	diag_hint(s->d, dg, "tseries() takes \"avg\", \"max\", \"min\" or \"sum\"");
	return -1;
}

/* @m = tseries(value, interval_ns, num_intervals[, agg]): the interval and count
 * are constants (parameters of the map's type, like lhist's range). */
static bool check_tseries(struct sema *s, struct node *n)
{
	struct node *v = n->call.args, *iv = v->next, *num = iv->next;
	int64_t interval, count;
	if (!sema_want_int(s, n, v, 0) || !sema_want_const(s, n, iv, &interval) ||
	    !sema_want_const(s, n, num, &count))
		return false;
	if (interval <= 0) {
		diag_error(s->d, iv->loc, "tseries() interval_ns must be >= 1 (%lld provided)",
			   (long long)interval);
		return false;
	}
	if (count <= 0 || count > 1000000) {
		diag_error(s->d, num->loc, "tseries() num_intervals must be >= 1 and <= 1000000 (%lld provided)",
			   (long long)count);
		return false;
	}
	int agg = tseries_agg(s, n, num->next);
	if (agg < 0)
		return false;
	n->type = type_new(s->a, TY_TSERIES);
	n->type->is_signed = v->type->is_signed;
	n->type->min = interval;
	n->type->max = count;
	n->type->step = agg;
	return true;
}

/* The scalar integer map that BPFTRACE_DUMMY_TS_MAP names, or NULL. */
static struct map_def *dummy_ts_map(struct cg *c)
{
	const char *name = c->p->config.dummy_ts_map;
	for (size_t i = 0; name && i < c->p->maps.len; i++) {
		struct map_def *m = c->p->maps.items[i];
		if (!strcmp(m->name, name) && !m->key && type_is_integer(m->value))
			return m;
	}
	return NULL;
}

/* Now, in ns: the dummy map's value (0 while unset), else the wall clock. */
static LLVMValueRef tseries_now(struct cg *c)
{
	struct map_def *m = dummy_ts_map(c);
	if (!m)
		return LLVMBuildAdd(c->b, cg_helper(c, BPF_FUNC_ktime_get_boot_ns, NULL, 0),
				    cg_counter_load(c, ABI_CTR_TAI_OFFSET), "");
	LLVMValueRef key = cg_alloca(c, 8), slot = cg_alloca(c, 8);
	cg_zero(c, key, 8);
	cg_zero(c, slot, 8);
	LLVMValueRef p = cg_map_lookup(c, m, key);
	LLVMBasicBlockRef done = cg_if_nonnull(c, p);
	cg_store64(c, cg_load64(c, p), slot);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_load64(c, slot);
}

/* The bucket: epoch % num_intervals. The epoch is kept for the update, so both
 * use one reading of the clock. */
static LLVMValueRef tseries_bucket(struct cg *c, struct node *n)
{
	const struct type *t = n->type;
	c->agg_now = tseries_now(c);
	LLVMValueRef epoch = LLVMBuildUDiv(c->b, c->agg_now, cg_const(c, (uint64_t)t->min), "");
	return LLVMBuildURem(c->b, epoch, cg_const(c, (uint64_t)t->max), "");
}

static void tseries_minmax(struct cg *c, struct node *n, LLVMValueRef v, LLVMValueRef val)
{
	bool sg = n->type->is_signed, is_min = n->type->step == TSERIES_MIN;
	LLVMIntPredicate pred = is_min ? (sg ? LLVMIntSLT : LLVMIntULT) : (sg ? LLVMIntSGT : LLVMIntUGT);
	LLVMValueRef cur = cg_load64(c, val), meta = cg_gep(c, val, 8);
	LLVMValueRef better = LLVMBuildICmp(c->b, pred, v, cur, "");
	LLVMValueRef unseen = LLVMBuildICmp(c->b, LLVMIntEQ, cg_load64(c, meta), cg_const(c, 0), "");
	LLVMValueRef take = LLVMBuildOr(c->b, better, unseen, "");
	cg_store64(c, LLVMBuildSelect(c->b, take, v, cur, ""), val);
	cg_store64(c, cg_const(c, 1), meta);
}

/* Reset a bucket that holds an older interval, then apply the update. */
static void tseries_update(struct cg *c, struct node *n, LLVMValueRef val)
{
	const struct type *t = n->type;
	LLVMValueRef now = c->agg_now;
	LLVMValueRef epoch = LLVMBuildUDiv(c->b, now, cg_const(c, (uint64_t)t->min), "");
	LLVMValueRef meta = cg_gep(c, val, 8), ep = cg_gep(c, val, 16);
	LLVMValueRef stale = LLVMBuildICmp(c->b, LLVMIntNE, cg_load64(c, ep), epoch, "");
	LLVMValueRef zero = cg_const(c, 0);
	if (t->step != TSERIES_LAST) {
		cg_store64(c, LLVMBuildSelect(c->b, stale, zero, cg_load64(c, val), ""), val);
		cg_store64(c, LLVMBuildSelect(c->b, stale, zero, cg_load64(c, meta), ""), meta);
	}
	LLVMValueRef v = cg_expr(c, n->call.args);
	switch (t->step) {
	case TSERIES_AVG:
		cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, meta), cg_const(c, 1), ""), meta);
		/* fall through */
	case TSERIES_SUM:
		cg_store64(c, LLVMBuildAdd(c->b, cg_load64(c, val), v, ""), val);
		break;
	case TSERIES_MIN:
	case TSERIES_MAX:
		tseries_minmax(c, n, v, val);
		break;
	default:
		cg_store64(c, v, val);
		cg_store64(c, now, meta);
		break;
	}
	cg_store64(c, epoch, ep);
}

const struct builtin builtins_tseries[] = {
	{.name = "tseries", .kind = BI_AGG, .min_args = 3, .max_args = 4,
	 .usage = "tseries(value, interval_ns, num_intervals[, \"avg\"|\"max\"|\"min\"|\"sum\"])",
	 .check = check_tseries, .emit_update = tseries_update, .emit_bucket = tseries_bucket,
	 .owns = TY_TSERIES, .print_map = print_tseries_map},
	{0},
};
