/* Printing tseries maps as bpftrace does: per user key, the intervals from its
 * first update within the window to the newest interval of the whole map, as a
 * chart in text or as {"interval_start", "value"} objects in JSON. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/print_internal.h"
#include "util/alloc.h"

#define TS_CHART 52	/* chart columns: 0 and TS_CHART are its borders */

/* One bucket after the CPUs are combined: the reduced value of its newest epoch. */
struct ts_bucket {
	uint64_t epoch;
	int64_t value;
};

/* The buckets of one user key. */
struct ts_series {
	const uint8_t *key;
	struct ts_bucket *b;
	size_t n;
	uint64_t latest;	/* newest epoch */
};

static uint64_t ts_u64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static bool ts_less(const struct type *t, int64_t a, int64_t b)
{
	return t->is_signed ? a < b : (uint64_t)a < (uint64_t)b;
}

/* Fold CPU value v (same epoch) into the running { value, meta }. */
static void ts_fold(const struct type *t, int64_t *value, uint64_t *meta, const uint8_t *v)
{
	int64_t x = (int64_t)ts_u64(v);
	uint64_t m = ts_u64(v + 8);
	switch (t->step) {
	case TSERIES_AVG:
		*meta += m;
		/* fall through */
	case TSERIES_SUM:
		*value += x;
		break;
	case TSERIES_MIN:
		if (ts_less(t, x, *value))
			*value = x;
		break;
	case TSERIES_MAX:
		if (ts_less(t, *value, x))
			*value = x;
		break;
	default:	/* the latest write (meta is its time) wins */
		if (m > *meta) {
			*value = x;
			*meta = m;
		}
	}
}

void print_tseries_combine(const struct type *t, const uint8_t *raw, int ncpus,
			   size_t stride, uint8_t *out)
{
	uint64_t latest = 0, meta = 0;
	int64_t value = 0;
	for (int c = 0; c < ncpus; c++)	/* epoch 0: a slot this CPU never wrote */
		if (ts_u64(raw + (size_t)c * stride + 16) > latest)
			latest = ts_u64(raw + (size_t)c * stride + 16);
	bool first = true;
	for (int c = 0; latest && c < ncpus; c++) {
		const uint8_t *v = raw + (size_t)c * stride;
		if (ts_u64(v + 16) != latest)
			continue;
		if (first) {
			value = (int64_t)ts_u64(v);
			meta = ts_u64(v + 8);
			first = false;
		} else {
			ts_fold(t, &value, &meta, v);
		}
	}
	if (t->step == TSERIES_AVG && meta)
		value = t->is_signed ? value / (int64_t)meta : (int64_t)((uint64_t)value / meta);
	memcpy(out, &value, 8);
	memcpy(out + 8, &meta, 8);
	memcpy(out + 16, &latest, 8);
}

static int ts_prefix_cmp(const void *pa, const void *pb, void *ctx)
{
	return memcmp(((const struct map_entry *)pa)->key, ((const struct map_entry *)pb)->key,
		      *(const size_t *)ctx);
}

/* Oldest newest-update first; ties by key bytes. */
static int ts_series_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct ts_series *a = pa, *b = pb;
	if (a->latest != b->latest)
		return a->latest < b->latest ? -1 : 1;
	return memcmp(a->key, b->key, *(const size_t *)ctx);
}

/* Group the entries (sorted by user key) into series; the number of series, or
 * -1 when out of memory. */
static long ts_group(struct map_entry *e, size_t n, size_t plen, struct ts_series **out,
		     struct ts_bucket **block)
{
	struct ts_series *s = xcalloc(n ? n : 1, sizeof(*s));
	struct ts_bucket *b = xcalloc(n ? n : 1, sizeof(*b));
	if (!s || !b) {
		xfree(s);
		xfree(b);
		return -1;
	}
	long g = -1;
	for (size_t i = 0; i < n; i++) {
		if (!i || memcmp(e[i].key, e[i - 1].key, plen)) {
			s[++g].key = e[i].key;
			s[g].b = b + i;
		}
		struct ts_bucket *x = &s[g].b[s[g].n++];
		x->value = (int64_t)ts_u64(e[i].value);
		x->epoch = ts_u64((const uint8_t *)e[i].value + 16);
		if (x->epoch > s[g].latest)
			s[g].latest = x->epoch;
	}
	*out = s;
	*block = b;
	return g + 1;
}

/* The value of interval `epoch` in s, false when s has none. */
static bool ts_find(const struct ts_series *s, uint64_t epoch, int64_t *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->b[i].epoch == epoch) {
			*v = s->b[i].value;
			return true;
		}
	return false;
}

/* The first interval of s to show: its oldest one in [lo, hi], else hi. */
static uint64_t ts_first(const struct ts_series *s, uint64_t lo, uint64_t hi)
{
	uint64_t first = hi;
	for (size_t i = 0; i < s->n; i++)
		if (s->b[i].epoch >= lo && s->b[i].epoch < first)
			first = s->b[i].epoch;
	return first;
}

/* The start of interval `epoch` as wall-clock time: the BPF side counts TAI. */
static void ts_time(uint64_t epoch, const struct type *t, time_t *secs, long *nsec)
{
	struct timespec tai, real;
	clock_gettime(CLOCK_TAI, &tai);
	clock_gettime(CLOCK_REALTIME, &real);
	int64_t off = ((int64_t)tai.tv_sec - real.tv_sec) * 1000000000LL + (tai.tv_nsec - real.tv_nsec);
	int64_t ns = (int64_t)(epoch * (uint64_t)t->min) - off / 1000000 * 1000000;
	*secs = (time_t)(ns / 1000000000LL);
	*nsec = (long)(ns % 1000000000LL);
}

static void ts_put_int(struct sb *out, const struct type *t, int64_t v)
{
	if (t->is_signed)
		sb_printf(out, "%lld", (long long)v);
	else
		sb_printf(out, "%llu", (unsigned long long)v);
}

/* "             MIN<spaces>MAX": the chart's scale, MAX ending under its right border. */
static void ts_scale(struct sb *out, const struct type *t, int64_t lo, int64_t hi)
{
	struct sb a, b;
	sb_init(&a);
	sb_init(&b);
	ts_put_int(&a, t, lo);
	ts_put_int(&b, t, hi);
	int pad = TS_CHART + 1 - (int)a.len - (int)b.len;
	sb_printf(out, "%13s%s%*s%s\n", "", sb_str(&a), pad > 1 ? pad : 1, "", sb_str(&b));
	sb_fini(&a);
	sb_fini(&b);
}

/* Column of v on the chart from lo to hi (hi > lo). */
static int ts_column(const struct type *t, int64_t v, int64_t lo, int64_t hi)
{
	__int128 num = t->is_signed ? (__int128)v - lo : (__int128)(uint64_t)v - (uint64_t)lo;
	__int128 den = t->is_signed ? (__int128)hi - lo : (__int128)(uint64_t)hi - (uint64_t)lo;
	return (int)(num * TS_CHART / den);
}

/* The range the chart spans: the values' min and max, widened by one either side
 * when they are equal (not below 0 for unsigned values). */
static void ts_range(const struct type *t, const struct ts_series *s, uint64_t first,
		     uint64_t last, int64_t *lo, int64_t *hi)
{
	bool any = false;
	int64_t v;
	for (uint64_t ep = first; ep <= last && ep >= first; ep++) {
		if (!ts_find(s, ep, &v))
			continue;
		if (!any || ts_less(t, v, *lo))
			*lo = v;
		if (!any || ts_less(t, *hi, v))
			*hi = v;
		any = true;
	}
	if (!any)
		*lo = *hi = 0;
	if (*lo == *hi) {
		if (t->is_signed || *lo != 0)
			(*lo)--;
		(*hi)++;
	}
}

static void ts_row(struct sb *out, const struct type *t, uint64_t epoch, bool has, int64_t v,
		   int64_t lo, int64_t hi)
{
	char chart[TS_CHART + 2], stamp[32];
	time_t secs;
	long nsec;
	struct tm tm;
	ts_time(epoch, t, &secs, &nsec);
	localtime_r(&secs, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	memset(chart, ' ', TS_CHART + 1);
	chart[0] = chart[TS_CHART] = '|';
	chart[TS_CHART + 1] = '\0';
	bool zero_inside = t->is_signed ? lo < 0 && hi > 0 : false;
	if (zero_inside)
		chart[ts_column(t, 0, lo, hi)] = '.';
	if (has)
		chart[ts_column(t, v, lo, hi)] = '*';
	sb_printf(out, "%s.%03ld %s ", stamp, nsec / 1000000, chart);
	if (has)
		ts_put_int(out, t, v);
	else
		sb_putc(out, '-');
	sb_putc(out, '\n');
}

static void ts_text(struct sb *out, const struct map_def *m, const struct ts_series *s,
		    uint64_t lo_ep, uint64_t hi_ep)
{
	const struct type *t = m->value;
	uint64_t first = ts_first(s, lo_ep, hi_ep);
	int64_t lo = 0, hi = 0, v = 0;
	print_key_name(out, m, s->key);
	sb_puts(out, ":\n");
	ts_range(t, s, first, hi_ep, &lo, &hi);
	ts_scale(out, t, lo, hi);
	sb_printf(out, "hh:mm:ss.ms  |%.*s|\n", TS_CHART - 1,
		  "___________________________________________________");
	for (uint64_t ep = first; lo_ep <= hi_ep && ep <= hi_ep && ep >= first; ep++) {
		bool has = ts_find(s, ep, &v);
		ts_row(out, t, ep, has, v, lo, hi);
	}
	sb_printf(out, "%13sv%.*sv\n", "", TS_CHART - 1,
		  "___________________________________________________");
	ts_scale(out, t, lo, hi);
}

/* [{"interval_start": "1970-01-01 00:00:00.500000000", "value": 9}, ...]: the
 * intervals that have a value (the text chart shows the others as "-"). */
static void ts_json(struct sb *out, const struct map_def *m, const struct ts_series *s,
		    uint64_t lo_ep, uint64_t hi_ep)
{
	const struct type *t = m->value;
	uint64_t first = ts_first(s, lo_ep, hi_ep);
	int64_t v;
	bool any = false;
	sb_putc(out, '[');
	for (uint64_t ep = first; lo_ep <= hi_ep && ep <= hi_ep && ep >= first; ep++) {
		char stamp[32];
		time_t secs;
		long nsec;
		struct tm tm;
		if (!ts_find(s, ep, &v))
			continue;
		ts_time(ep, t, &secs, &nsec);
		localtime_r(&secs, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		sb_printf(out, "%s{\"interval_start\": \"%s.%09ld\", \"value\": ", any ? ", " : "",
			  stamp, nsec);
		ts_put_int(out, t, v);
		sb_putc(out, '}');
		any = true;
	}
	sb_putc(out, ']');
}

void print_tseries_map(struct sb *out, const struct map_def *m, struct map_entry *e,
		       size_t n, bool json, uint32_t top, uint32_t div)
{
	(void)div;
	size_t plen = m->key_size >= 8 ? m->key_size - 8 : 0;
	struct ts_series *s;
	struct ts_bucket *block;
	if (n > 1)
		qsort_r(e, n, sizeof(*e), ts_prefix_cmp, &plen);
	long ng = ts_group(e, n, plen, &s, &block);
	if (ng < 0) {
		out->err = out->err ? out->err : -12;
		return;
	}
	qsort_r(s, (size_t)ng, sizeof(*s), ts_series_cmp, &plen);
	/* the window: num_intervals intervals up to the newest of the map (it wraps
	 * to empty before interval num_intervals - 1, as in bpftrace) */
	uint64_t hi_ep = ng ? s[ng - 1].latest : 0;
	uint64_t lo_ep = hi_ep - (uint64_t)m->value->max + 1;
	size_t first = top && (size_t)ng > top ? (size_t)ng - top : 0;
	if (json && ng)
		print_json_open(out, m, "tseries");
	for (size_t i = first; i < (size_t)ng; i++) {
		if (i > first)
			sb_puts(out, json ? ", " : "\n");
		if (json) {
			print_key(out, m, s[i].key, OUT_JSON);
			ts_json(out, m, &s[i], lo_ep, hi_ep);
		} else {
			ts_text(out, m, &s[i], lo_ep, hi_ep);
		}
	}
	if (json && ng)
		print_json_close(out, m);
	else if (!json)
		sb_putc(out, '\n');
	xfree(s);
	xfree(block);
}
