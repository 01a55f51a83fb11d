/* Printer tests: the exact text and JSON bpftrace 0.17 prints for values, plain,
 * stats and histogram maps (sorting, top/div, blank lines), the bucket arithmetic
 * codegen mirrors, and (as root) maps read back from real per-CPU BPF maps.
 * Histogram expectations were captured from bpftrace 0.17 itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lang/types.h"
#include "runtime/print.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/sb.h"

static struct arena A;

static struct type *t_int(int bits, bool sign) { return type_int(&A, bits, sign); }
static struct type *t_str(uint32_t n) { return type_str(&A, n); }

static struct type *t_kind(enum type_kind k, bool sign)
{
	struct type *t = type_new(&A, k);
	t->is_signed = sign;
	if (k == TY_MIN || k == TY_MAX || k == TY_AVG || k == TY_STATS)
		t->size = 16;
	return t;
}

static struct type *t_tuple2(struct type *a, struct type *b)
{
	struct type *el[2] = { a, b };
	return type_tuple(&A, el, 2);
}

static struct type *t_hist(int bits)
{
	struct type *t = type_new(&A, TY_HIST);
	t->step = bits;
	return t;
}

static struct type *t_lhist(int64_t min, int64_t max, int64_t step)
{
	struct type *t = type_new(&A, TY_LHIST);
	t->min = min;
	t->max = max;
	t->step = step;
	return t;
}

/* ---- values ---- */

static char *text_of(const struct type *t, const void *data, enum out_format f)
{
	struct sb s;
	sb_init(&s);
	print_value(&s, t, data, f);
	char *r = arena_strdup(&A, sb_str(&s));
	sb_fini(&s);
	return r;
}

static void check_value(const struct type *t, const void *data, const char *text, const char *json)
{
	assert_string_equal(text_of(t, data, OUT_TEXT), text);
	assert_string_equal(text_of(t, data, OUT_JSON), json);
}

static const char *const probe_names[] = { "BEGIN", "tracepoint:a:b", "END" };

static void test_values(void **state)
{
	(void)state;
	uint8_t b[128];
	int64_t v;

	v = -5;	/* stored sign-extended */
	check_value(t_int(8, true), &v, "-5", "-5");
	v = 65535;
	check_value(t_int(16, false), &v, "65535", "65535");
	v = INT64_MIN;
	check_value(t_int(64, true), &v, "-9223372036854775808", "-9223372036854775808");
	v = -1;
	check_value(t_int(64, false), &v, "18446744073709551615", "18446744073709551615");
	v = 0xffffffff;	/* zero-extended int32 -1 still prints as -1 */
	check_value(t_int(32, true), &v, "-1", "-1");

	memset(b, 0, sizeof(b));
	strcpy((char *)b, "hello");
	check_value(t_str(64), b, "hello", "\"hello\"");
	memcpy(b, "abcd", 4);	/* storage full, no NUL */
	check_value(t_str(4), b, "abcd", "\"abcd\"");
	struct type *cut = t_str(4);	/* str() read it: full means it was cut */
	cut->may_cut = true;
	check_value(cut, b, "abcd..", "\"abcd..\"");
	strcpy((char *)b, "a\"\n\\\x01");
	check_value(t_str(16), b, "a\"\n\\\x01", "\"a\\\"\\n\\\\\\u0001\"");

	struct type *tup = t_tuple2(t_int(64, true), t_str(8));
	memset(b, 0, sizeof(b));
	v = 1;
	memcpy(b, &v, 8);
	strcpy((char *)b + 8, "b");
	check_value(tup, b, "(1, b)", "[1,\"b\"]");
	struct type *nested = t_tuple2(t_int(64, true), tup);
	memset(b, 0, sizeof(b));
	memcpy(b, &v, 8);
	v = 2;
	memcpy(b + 8, &v, 8);
	strcpy((char *)b + 16, "c");
	check_value(nested, b, "(1, (2, c))", "[1,[2,\"c\"]]");

	struct type *buf = t_kind(TY_BUF, false);
	buf->size = 16;
	memset(b, 0, sizeof(b));
	uint32_t len = 3;
	memcpy(b, &len, 4);
	memcpy(b + 8, "a\tb", 3);
	check_value(buf, b, "a\\x09b", "\"a\\\\x09b\"");

	print_probe_names = probe_names;
	print_nprobe_names = 3;
	v = 1;
	check_value(t_kind(TY_PROBE, false), &v, "tracepoint:a:b", "\"tracepoint:a:b\"");

	struct type *inet = t_kind(TY_INET, false);
	inet->size = 24;
	memset(b, 0, sizeof(b));
	v = AF_INET;
	memcpy(b, &v, 8);
	inet_pton(AF_INET, "127.0.0.1", b + 8);
	check_value(inet, b, "127.0.0.1", "\"127.0.0.1\"");
	v = AF_INET6;
	memcpy(b, &v, 8);
	inet_pton(AF_INET6, "fe80::1", b + 8);
	check_value(inet, b, "fe80::1", "\"fe80::1\"");

	v = 4096;
	struct type *ptr = t_kind(TY_PTR, false);
	check_value(ptr, &v, "0x1000", "4096");	/* bpftrace prints pointers in hex */
	v = 0;
	check_value(t_kind(TY_USERNAME, false), &v, "root", "\"root\"");
	v = 0;
	check_value(t_kind(TY_KSYM, false), &v, "0", "\"0\"");	/* TODO(issue 5) */
	v = 0x10;
	check_value(t_kind(TY_KSYM, false), &v, "0x10", "\"0x10\"");

	v = 3;
	check_value(t_kind(TY_COUNT, false), &v, "3", "3");
	v = -7;
	check_value(t_kind(TY_SUM, true), &v, "-7", "-7");
	int64_t mm[2] = { -2, 1 };
	check_value(t_kind(TY_MIN, true), mm, "-2", "-2");
	int64_t avg[2] = { -15, 2 };
	check_value(t_kind(TY_AVG, true), avg, "-7", "-7");
	int64_t st[2] = { 15, 2 };
	check_value(t_kind(TY_STATS, true), st, "{ .count = 2, .average = 7, .total = 15 }",
		    "{\"count\": 2, \"average\": 7, \"total\": 15}");

	/* a BTF record: native int widths, an array field */
	struct type *rec = t_kind(TY_RECORD, false);
	struct type *arr = t_kind(TY_ARRAY, false);
	arr->elem = t_int(8, false);
	arr->count = 3;
	rec->nfields = 3;
	rec->fields = arena_alloc(&A, 3 * sizeof(struct field));
	rec->fields[0] = (struct field){ "a", t_int(32, true), 0 };
	rec->fields[1] = (struct field){ "b", t_int(16, true), 4 };
	rec->fields[2] = (struct field){ "c", arr, 6 };
	uint8_t r[12] = { 1, 0, 0, 0, 0xfe, 0xff, 1, 2, 3 };
	check_value(rec, r, "{ .a = 1, .b = -2, .c = [1,2,3] }",
		    "{\"a\": 1, \"b\": -2, \"c\": [1,2,3]}");
}

static void test_messages(void **state)
{
	(void)state;
	struct sb s;
	sb_init(&s);
	int64_t v = 5;
	print_value_message(&s, t_int(64, true), &v, OUT_TEXT);
	print_value_message(&s, t_int(64, true), &v, OUT_JSON);
	print_json_printf(&s, "5 x\t\"q\"\\\n");
	print_attached(&s, 1, OUT_TEXT);
	print_attached(&s, 2, OUT_TEXT);
	print_attached(&s, 1, OUT_JSON);
	assert_string_equal(sb_str(&s),
		"5\n"
		"{\"type\": \"value\", \"data\": 5}\n"
		"{\"type\": \"printf\", \"data\": \"5 x\\t\\\"q\\\"\\\\\\n\"}\n"
		"Attached 1 probe\n"
		"Attached 2 probes\n"
		"{\"type\": \"attached_probes\", \"count\": 1, \"data\": {\"probes\": 1}}\n");
	sb_fini(&s);
}

/* ---- maps ---- */

enum key_kind { K_NONE, K_INT, K_STR, K_INT_STR, K_PTR };

/* One entry: key (ki / ks), value (v / v2 / vs). For hist/lhist maps, v is a
 * sample and v2 how many times it was seen. */
struct ent {
	int64_t ki;
	const char *ks;
	int64_t v, v2;
	const char *vs;
	bool used;
};

struct map_case {
	const char *name;
	const char *map;
	enum key_kind key;
	enum type_kind vkind;
	bool vsigned;
	int64_t p1, p2, p3;	/* hist bits / lhist min, max, step */
	struct ent e[16];
	enum out_format f;
	uint32_t top, div;
	const char *want;
};

#define E(...) { __VA_ARGS__, .used = true }

static struct type *case_key(enum key_kind k)
{
	switch (k) {
	case K_INT: return t_int(64, true);
	case K_STR: return t_str(16);
	case K_INT_STR: return t_tuple2(t_int(64, true), t_str(16));
	case K_PTR: return t_kind(TY_PTR, false);
	default: return NULL;
	}
}

static struct type *case_value(const struct map_case *c)
{
	switch (c->vkind) {
	case TY_INT: return t_int(64, c->vsigned);
	case TY_STR: return t_str(16);
	case TY_TUPLE: return t_tuple2(t_int(64, true), t_str(8));
	case TY_HIST: return t_hist((int)c->p1);
	case TY_LHIST: return t_lhist(c->p1, c->p2, c->p3);
	default: return t_kind(c->vkind, c->vsigned);
	}
}

static void put_key(uint8_t *p, const struct type *k, const struct ent *e)
{
	if (!k)
		return;
	if (k->kind == TY_STR)
		strcpy((char *)p, e->ks);
	else
		memcpy(p, &e->ki, 8);
	if (k->kind == TY_TUPLE)
		strcpy((char *)p + 8, e->ks);
}

static void put_value(uint8_t *p, const struct type *t, const struct ent *e)
{
	int64_t one = 1;
	switch (t->kind) {
	case TY_STR:
		strcpy((char *)p, e->vs);
		break;
	case TY_TUPLE:
		memcpy(p, &e->v, 8);
		strcpy((char *)p + 8, e->vs);
		break;
	case TY_MIN: case TY_MAX:
		memcpy(p, &e->v, 8);
		memcpy(p + 8, &one, 8);
		break;
	default:	/* int, count, sum; avg/stats: total, count */
		memcpy(p, &e->v, 8);
		memcpy(p + 8, &e->v2, 8);
	}
}

/* Build the map and its entries; hist samples are folded into buckets. */
static size_t build(const struct map_case *c, struct map_def *m, struct map_entry *out)
{
	bool hist = c->vkind == TY_HIST || c->vkind == TY_LHIST;
	memset(m, 0, sizeof(*m));
	m->name = c->map;
	m->key = case_key(c->key);
	m->value = case_value(c);
	m->key_size = (m->key ? m->key->size : 0) + (hist ? 8 : 0);
	if (!m->key_size)
		m->key_size = 8;
	m->value_size = m->value->size > 8 ? m->value->size : 16;
	size_t n = 0;
	for (int i = 0; c->e[i].used; i++) {
		const struct ent *e = &c->e[i];
		uint8_t *key = arena_alloc(&A, m->key_size), *val = arena_alloc(&A, m->value_size);
		put_key(key, m->key, e);
		if (!hist) {
			put_value(val, m->value, e);
			out[n++] = (struct map_entry){ key, val };
			continue;
		}
		uint64_t bucket = c->vkind == TY_HIST ? print_hist_index(e->v, (int)c->p1)
			: print_lhist_index(e->v, c->p1, c->p2, c->p3);
		memcpy(key + m->key_size - 8, &bucket, 8);
		uint64_t cnt = e->v2 ? (uint64_t)e->v2 : 1;
		size_t j = 0;	/* same key and bucket: add up, as the kernel map would */
		while (j < n && memcmp(out[j].key, key, m->key_size))
			j++;
		if (j < n)
			cnt += *(const uint64_t *)out[j].value;
		memcpy(val, &cnt, 8);
		out[j] = (struct map_entry){ key, val };
		n += j == n;
	}
	return n;
}

static const struct map_case map_cases[] = {
	{ "scalar", "@x", K_NONE, TY_INT, true, .e = { E(.v = 5) }, .want = "@x: 5\n" },
	{ "scalar_neg", "@y", K_NONE, TY_INT, true, .e = { E(.v = -3) }, .want = "@y: -3\n" },
	{ "scalar_json", "@x", K_NONE, TY_INT, true, .e = { E(.v = 5) }, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@x\": 5}}\n" },
	{ "by_value_ties_by_key", "@s", K_STR, TY_COUNT, false,
	  .e = { E(.ks = "cat", .v = 3), E(.ks = "dog", .v = 1), E(.ks = "ant", .v = 3) },
	  .want = "@s[dog]: 1\n@s[ant]: 3\n@s[cat]: 3\n" },
	{ "by_value_json", "@s", K_STR, TY_COUNT, false,
	  .e = { E(.ks = "cat", .v = 3), E(.ks = "dog", .v = 1) }, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@s\": {\"dog\": 1, \"cat\": 3}}}\n" },
	{ "tuple_key", "@c", K_INT_STR, TY_INT, true,
	  .e = { E(.ki = -2, .ks = "b", .v = 1), E(.ki = 1, .ks = "a", .v = 1) },
	  .want = "@c[1, a]: 1\n@c[-2, b]: 1\n" },
	{ "tuple_key_json", "@c", K_INT_STR, TY_INT, true,
	  .e = { E(.ki = 1, .ks = "a", .v = 1) }, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@c\": {\"1,a\": 1}}}\n" },
	{ "json_key_escape", "@s", K_STR, TY_INT, true,
	  .e = { E(.ks = "a\"\n", .v = 1) }, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@s\": {\"a\\\"\\n\": 1}}}\n" },
	{ "unsigned_values", "@u", K_INT, TY_INT, false,
	  .e = { E(.ki = 1, .v = -1), E(.ki = 2, .v = 5) },
	  .want = "@u[2]: 5\n@u[1]: 18446744073709551615\n" },
	{ "signed_values", "@v", K_INT, TY_INT, true,
	  .e = { E(.ki = 2, .v = 5), E(.ki = 1, .v = -1) },
	  .want = "@v[1]: -1\n@v[2]: 5\n" },
	{ "string_values_by_key", "@ss", K_INT, TY_STR, false,
	  .e = { E(.ki = 1, .vs = "b"), E(.ki = 0, .vs = "a") },
	  .want = "@ss[0]: a\n@ss[1]: b\n" },
	{ "int_keys_unsigned_order", "@k", K_INT, TY_STR, false,
	  .e = { E(.ki = -1, .vs = "x"), E(.ki = 3, .vs = "y") },
	  .want = "@k[3]: y\n@k[-1]: x\n" },
	{ "string_values_json", "@ss", K_INT, TY_STR, false,
	  .e = { E(.ki = 1, .vs = "b"), E(.ki = 0, .vs = "a") }, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@ss\": {\"0\": \"a\", \"1\": \"b\"}}}\n" },
	{ "pointer_key_hex", "@q", K_PTR, TY_INT, true,
	  .e = { E(.ki = -1, .v = 1) }, .want = "@q[0xffffffffffffffff]: 1\n" },
	{ "tuple_value", "@t", K_NONE, TY_TUPLE, false, .e = { E(.v = 1, .vs = "b") },
	  .want = "@t: (1, b)\n" },
	{ "tuple_value_json", "@t", K_NONE, TY_TUPLE, false, .e = { E(.v = 1, .vs = "b") },
	  .f = OUT_JSON, .want = "{\"type\": \"map\", \"data\": {\"@t\": [1,\"b\"]}}\n" },
	{ "count", "@n", K_NONE, TY_COUNT, false, .e = { E(.v = 1) }, .want = "@n: 1\n" },
	{ "min", "@mn", K_NONE, TY_MIN, true, .e = { E(.v = -2) }, .want = "@mn: -2\n" },
	{ "max", "@mx", K_INT, TY_MAX, true, .e = { E(.ki = 2, .v = 3), E(.ki = 1, .v = -5) },
	  .want = "@mx[1]: -5\n@mx[2]: 3\n" },
	{ "sum", "@sm", K_NONE, TY_SUM, true, .e = { E(.v = -7) }, .want = "@sm: -7\n" },
	{ "stats", "@st", K_NONE, TY_STATS, true, .e = { E(.v = 15, .v2 = 2) },
	  .want = "@st: { .count = 2, .average = 7, .total = 15 }\n\n" },
	{ "stats_json", "@st", K_NONE, TY_STATS, true, .e = { E(.v = 15, .v2 = 2) }, .f = OUT_JSON,
	  .want = "{\"type\": \"stats\", \"data\": {\"@st\": {\"count\": 2, \"average\": 7, \"total\": 15}}}\n" },
	{ "avg_negative", "@a", K_NONE, TY_AVG, true, .e = { E(.v = -15, .v2 = 2) },
	  .want = "@a: -7\n\n" },
	{ "avg_json", "@a", K_NONE, TY_AVG, true, .e = { E(.v = -15, .v2 = 2) }, .f = OUT_JSON,
	  .want = "{\"type\": \"stats\", \"data\": {\"@a\": -7}}\n" },
	{ "avg_top_div", "@a", K_INT, TY_AVG, true,
	  .e = { E(.ki = 2, .v = 30, .v2 = 1), E(.ki = 1, .v = 10, .v2 = 1) }, .top = 1, .div = 10,
	  .want = "@a[2]: 3\n\n" },
	{ "avg_top_div_json", "@a", K_INT, TY_AVG, true,
	  .e = { E(.ki = 1, .v = 10, .v2 = 1) }, .top = 1, .div = 10, .f = OUT_JSON,
	  .want = "{\"type\": \"stats\", \"data\": {\"@a\": {\"1\": 1}}}\n" },
	{ "stats_ignore_top", "@s", K_INT, TY_STATS, true,
	  .e = { E(.ki = 2, .v = 30, .v2 = 1), E(.ki = 1, .v = 10, .v2 = 1) }, .top = 1,
	  .want = "@s[1]: { .count = 1, .average = 10, .total = 10 }\n@s[2]: { .count = 1, .average = 30, .total = 30 }\n\n" },
	{ "top_div", "@", K_INT, TY_INT, true,
	  .e = { E(.ki = 1, .v = 10), E(.ki = 2, .v = 20), E(.ki = 3, .v = 35), E(.ki = 4, .v = 5) },
	  .top = 2, .div = 10, .want = "@[2]: 2\n@[3]: 3\n" },
	{ "top_div_json", "@", K_INT, TY_INT, true,
	  .e = { E(.ki = 1, .v = 10), E(.ki = 2, .v = 20) }, .top = 2, .div = 10, .f = OUT_JSON,
	  .want = "{\"type\": \"map\", \"data\": {\"@\": {\"1\": 1, \"2\": 2}}}\n" },
	{ "empty_plain", "@x", K_INT, TY_INT, true, .want = "\n" },
	{ "empty_stats", "@s", K_NONE, TY_STATS, true, .want = "\n\n" },
	{ "empty_hist", "@h", K_NONE, TY_HIST, false, .want = "\n" },
	{ "empty_json", "@x", K_INT, TY_INT, true, .f = OUT_JSON, .want = "" },
	{ "empty_hist_json", "@h", K_NONE, TY_HIST, false, .f = OUT_JSON, .want = "" },
	/* hist(5), hist(-1), hist(0), hist(1) x2, hist(2), hist(1000), hist(1<<20),
	 * hist(1<<30), hist(-100), hist(3000000000) x3: bpftrace 0.17's output */
	{ "hist", "@h", K_NONE, TY_HIST, false,
	  .e = { E(.v = 5), E(.v = -1), E(.v = 0), E(.v = 1, .v2 = 2), E(.v = 2), E(.v = 1000),
		 E(.v = 1 << 20), E(.v = 1 << 30), E(.v = -100), E(.v = 3000000000, .v2 = 3) },
	  .want =
		"@h:\n"
		"(..., 0)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |\n"
		"[0]                    1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[1]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |\n"
		"[2, 4)                 1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               0 |                                                    |\n"
		"[32, 64)               0 |                                                    |\n"
		"[64, 128)              0 |                                                    |\n"
		"[128, 256)             0 |                                                    |\n"
		"[256, 512)             0 |                                                    |\n"
		"[512, 1K)              1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[1K, 2K)               0 |                                                    |\n"
		"[2K, 4K)               0 |                                                    |\n"
		"[4K, 8K)               0 |                                                    |\n"
		"[8K, 16K)              0 |                                                    |\n"
		"[16K, 32K)             0 |                                                    |\n"
		"[32K, 64K)             0 |                                                    |\n"
		"[64K, 128K)            0 |                                                    |\n"
		"[128K, 256K)           0 |                                                    |\n"
		"[256K, 512K)           0 |                                                    |\n"
		"[512K, 1M)             0 |                                                    |\n"
		"[1M, 2M)               1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[2M, 4M)               0 |                                                    |\n"
		"[4M, 8M)               0 |                                                    |\n"
		"[8M, 16M)              0 |                                                    |\n"
		"[16M, 32M)             0 |                                                    |\n"
		"[32M, 64M)             0 |                                                    |\n"
		"[64M, 128M)            0 |                                                    |\n"
		"[128M, 256M)           0 |                                                    |\n"
		"[256M, 512M)           0 |                                                    |\n"
		"[512M, 1G)             0 |                                                    |\n"
		"[1G, 2G)               1 |@@@@@@@@@@@@@@@@@                                   |\n"
		"[2G, 4G)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n" },
	{ "hist_keys_by_total", "@k", K_STR, TY_HIST, false,
	  .e = { E(.ks = "b", .v = 100, .v2 = 2), E(.ks = "a", .v = 5) },
	  .want =
		"@k[a]:\n"
		"[4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n"
		"@k[b]:\n"
		"[64, 128)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n" },
	{ "hist_top_div", "@h", K_INT, TY_HIST, false,
	  .e = { E(.ki = 1, .v = 5), E(.ki = 2, .v = 5), E(.ki = 2, .v = 100, .v2 = 2) },
	  .top = 1, .div = 2,
	  .want =
		"@h[2]:\n"
		"[4, 8)                 0 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[8, 16)                0 |                                                    |\n"
		"[16, 32)               0 |                                                    |\n"
		"[32, 64)               0 |                                                    |\n"
		"[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n" },
	{ "hist_tera", "@h", K_NONE, TY_HIST, false, .e = { E(.v = 1LL << 40) },
	  .want = "@h:\n"
		  "[1T, 2T)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n" },
	{ "hist_peta", "@h", K_NONE, TY_HIST, false, .e = { E(.v = 3LL << 50) },
	  .want = "@h:\n"
		  "[2P, 4P)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n" },
	{ "hist_exa", "@h", K_NONE, TY_HIST, false, .e = { E(.v = INT64_MAX) },
	  .want = "@h:\n"
		  "[4E, 8E)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n" },
	{ "hist_bits", "@h", K_NONE, TY_HIST, false, .p1 = 2,
	  .e = { E(.v = 3), E(.v = 8), E(.v = 9), E(.v = 10) },
	  .want = "@h:\n"
		  "[3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "[4]                    0 |                                                    |\n"
		  "[5]                    0 |                                                    |\n"
		  "[6]                    0 |                                                    |\n"
		  "[7]                    0 |                                                    |\n"
		  "[8, 10)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		  "[10, 12)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		  "\n" },
	{ "lhist", "@l", K_NONE, TY_LHIST, false, 0, 100, 10,
	  .e = { E(.v = 5), E(.v = -5), E(.v = 100), E(.v = 250) },
	  .want =
		"@l:\n"
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"[10, 20)               0 |                                                    |\n"
		"[20, 30)               0 |                                                    |\n"
		"[30, 40)               0 |                                                    |\n"
		"[40, 50)               0 |                                                    |\n"
		"[50, 60)               0 |                                                    |\n"
		"[60, 70)               0 |                                                    |\n"
		"[70, 80)               0 |                                                    |\n"
		"[80, 90)               0 |                                                    |\n"
		"[90, 100)              0 |                                                    |\n"
		"[100, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n" },
	{ "lhist_k", "@m", K_NONE, TY_LHIST, false, 0, 4096, 1024,
	  .e = { E(.v = 3000), E(.v = 2048), E(.v = 5000000) },
	  .want =
		"@m:\n"
		"[2K, 3K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[3K, 4K)               0 |                                                    |\n"
		"[4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
		"\n" },
	{ "lhist_k_partial", "@n", K_NONE, TY_LHIST, false, 0, 4000, 512,
	  .e = { E(.v = 1024), E(.v = 1536) },
	  .want =
		"@n:\n"
		"[1K, 1536)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[1536, 2K)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"\n" },
	{ "hist_json", "@h", K_NONE, TY_HIST, false,
	  .e = { E(.v = 5), E(.v = -3), E(.v = 0) }, .f = OUT_JSON,
	  .want =
		"{\"type\": \"hist\", \"data\": {\"@h\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 0, \"count\": 1}, {\"min\": 1, \"max\": 1, \"count\": 0}, {\"min\": 2, \"max\": 3, \"count\": 0}, {\"min\": 4, \"max\": 7, \"count\": 1}]}}\n" },
	{ "hist_keys_json", "@k", K_STR, TY_HIST, false,
	  .e = { E(.ks = "a", .v = 5), E(.ks = "b\"x", .v = 100) }, .f = OUT_JSON,
	  .want =
		"{\"type\": \"hist\", \"data\": {\"@k\": {\"a\": [{\"min\": 4, \"max\": 7, \"count\": 1}], \"b\\\"x\": [{\"min\": 64, \"max\": 127, \"count\": 1}]}}}\n" },
	{ "lhist_json", "@l", K_NONE, TY_LHIST, false, 0, 100, 10,
	  .e = { E(.v = 5), E(.v = -5), E(.v = 100) }, .f = OUT_JSON,
	  .want =
		"{\"type\": \"hist\", \"data\": {\"@l\": [{\"max\": -1, \"count\": 1}, {\"min\": 0, \"max\": 9, \"count\": 1}, {\"min\": 10, \"max\": 19, \"count\": 0}, {\"min\": 20, \"max\": 29, \"count\": 0}, {\"min\": 30, \"max\": 39, \"count\": 0}, {\"min\": 40, \"max\": 49, \"count\": 0}, {\"min\": 50, \"max\": 59, \"count\": 0}, {\"min\": 60, \"max\": 69, \"count\": 0}, {\"min\": 70, \"max\": 79, \"count\": 0}, {\"min\": 80, \"max\": 89, \"count\": 0}, {\"min\": 90, \"max\": 99, \"count\": 0}, {\"min\": 100, \"count\": 1}]}}\n" },
};

static void test_maps(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		const struct map_case *c = &map_cases[i];
		struct map_def m;
		struct map_entry e[16];
		size_t n = build(c, &m, e);
		struct sb s;
		sb_init(&s);
		print_map_entries(&s, &m, e, n, c->f, c->top, c->div);
		if (strcmp(sb_str(&s), c->want))
			print_error("case %s:\n--- got\n%s--- want\n%s---\n", c->name, sb_str(&s), c->want);
		assert_string_equal(sb_str(&s), c->want);
		sb_fini(&s);
	}
}

/* ---- bucket arithmetic ---- */

static void test_buckets(void **state)
{
	(void)state;
	static const struct { int64_t v; int k; uint64_t idx; } h[] = {
		{ -1, 0, 0 }, { INT64_MIN, 0, 0 }, { 0, 0, 1 }, { 1, 0, 2 }, { 2, 0, 3 }, { 3, 0, 3 },
		{ 4, 0, 4 }, { 7, 0, 4 }, { 1024, 0, 12 }, { INT64_MAX, 0, 64 },
		{ 0, 2, 1 }, { 7, 2, 8 }, { 8, 2, 9 }, { 9, 2, 9 }, { 10, 2, 10 }, { 100, 2, 23 },
		{ INT64_MAX, 5, (64 - 5) * 32 },
	};
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		assert_int_equal(print_hist_index(h[i].v, h[i].k), h[i].idx);
		assert_true(h[i].idx < PRINT_HIST_NBUCKETS(h[i].k));
		struct print_bounds b = print_hist_bounds(h[i].idx, h[i].k);
		if (h[i].v >= 0)
			assert_true(b.lo <= h[i].v && h[i].v <= b.hi);
		else
			assert_true(!b.has_lo && b.hi == -1);
	}
	struct print_bounds b = print_hist_bounds(23, 2);
	assert_int_equal(b.lo, 96);
	assert_int_equal(b.hi, 111);
	b = print_hist_bounds(4, 0);
	assert_int_equal(b.lo, 4);
	assert_int_equal(b.hi, 7);

	assert_int_equal(print_lhist_index(5, 0, 100, 10), 1);
	assert_int_equal(print_lhist_index(-5, 0, 100, 10), 0);
	assert_int_equal(print_lhist_index(99, 0, 100, 10), 10);
	assert_int_equal(print_lhist_index(100, 0, 100, 10), 11);
	assert_int_equal(print_lhist_index(250, 0, 100, 10), 11);
	assert_int_equal(print_lhist_index(97, 0, 100, 7), 14);	/* past the last full step */
	b = print_lhist_bounds(0, 0, 100, 10);
	assert_true(!b.has_lo && b.hi == -1);
	b = print_lhist_bounds(11, 0, 100, 10);
	assert_true(!b.has_hi && b.lo == 100);
	b = print_lhist_bounds(3, 0, 100, 10);
	assert_true(b.lo == 20 && b.hi == 29);
}

/* ---- real BPF maps (root) ---- */

static int ncpus;

static bool need_root(void)
{
	if (geteuid() == 0)
		return true;
	print_message("skipped: creating BPF maps needs root\n");
	return false;
}

/* A per-CPU hash map of 8-byte keys; values: one per CPU, each `vsize` bytes. */
static int make_map(uint32_t ksize, uint32_t vsize, bool percpu)
{
	int fd = bpf_map_create(percpu ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH,
				"test", ksize, vsize, 64, NULL);
	assert_true(fd >= 0);
	return fd;
}

static void percpu_count(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int fd = make_map(8, 8, true);
	uint64_t vals[1024] = { 0 }, k = 1, sum = 0;
	for (int c = 0; c < ncpus; c++) {
		vals[c] = (uint64_t)c + 1;
		sum += vals[c];
	}
	assert_int_equal(bpf_map_update_elem(fd, &k, vals, 0), 0);
	k = 2;
	for (int c = 0; c < ncpus; c++)
		vals[c] = c == 0 ? 1000 : 0;
	assert_int_equal(bpf_map_update_elem(fd, &k, vals, 0), 0);
	struct map_def m = { .name = "@c", .key = t_int(64, true), .value = t_kind(TY_COUNT, false),
			     .key_size = 8, .value_size = 8, .percpu = true };
	struct sb s;
	sb_init(&s);
	assert_int_equal(print_map(&s, &m, fd, OUT_TEXT, 0, 0), 0);
	char want[128];
	if (sum < 1000)
		snprintf(want, sizeof(want), "@c[1]: %llu\n@c[2]: 1000\n", (unsigned long long)sum);
	else
		snprintf(want, sizeof(want), "@c[2]: 1000\n@c[1]: %llu\n", (unsigned long long)sum);
	assert_string_equal(sb_str(&s), want);
	sb_fini(&s);
	close(fd);
}

/* min/max only consider CPUs that saw a value; avg/stats add totals and counts. */
static void percpu_minmax_stats(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int64_t vals[2048] = { 0 }, k = 0;
	vals[0] = -5;
	vals[1] = 1;
	if (ncpus > 1) {
		vals[2] = -3;
		vals[3] = 1;
	}
	int fmax = make_map(8, 16, true), fmin = make_map(8, 16, true), fst = make_map(8, 16, true);
	assert_int_equal(bpf_map_update_elem(fmax, &k, vals, 0), 0);
	assert_int_equal(bpf_map_update_elem(fmin, &k, vals, 0), 0);
	for (int c = 0; c < ncpus; c++) {
		vals[2 * c] = 10;
		vals[2 * c + 1] = 1;
	}
	assert_int_equal(bpf_map_update_elem(fst, &k, vals, 0), 0);
	struct map_def mx = { .name = "@mx", .value = t_kind(TY_MAX, true), .key_size = 8,
			      .value_size = 16, .percpu = true };
	struct map_def mn = mx, st = mx;
	mn.name = "@mn";
	mn.value = t_kind(TY_MIN, true);
	st.name = "@st";
	st.value = t_kind(TY_STATS, true);
	struct sb s;
	sb_init(&s);
	assert_int_equal(print_map(&s, &mx, fmax, OUT_TEXT, 0, 0), 0);
	assert_int_equal(print_map(&s, &mn, fmin, OUT_TEXT, 0, 0), 0);
	assert_int_equal(print_map(&s, &st, fst, OUT_TEXT, 0, 0), 0);
	char want[256];
	snprintf(want, sizeof(want), "@mx: %d\n@mn: -5\n@st: { .count = %d, .average = 10, .total = %d }\n\n",
		 ncpus > 1 ? -3 : -5, ncpus, 10 * ncpus);
	assert_string_equal(sb_str(&s), want);
	sb_fini(&s);
	close(fmax);
	close(fmin);
	close(fst);
}

/* A per-CPU hist: each CPU counted one value in [4, 8). */
static void percpu_hist(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int fd = make_map(8, 8, true);
	uint64_t vals[1024], k = print_hist_index(5, 0);
	for (int c = 0; c < ncpus; c++)
		vals[c] = 1;
	assert_int_equal(bpf_map_update_elem(fd, &k, vals, 0), 0);
	struct map_def m = { .name = "@h", .value = t_hist(0), .key_size = 8, .value_size = 8,
			     .percpu = true };
	struct sb s;
	sb_init(&s);
	assert_int_equal(print_map(&s, &m, fd, OUT_JSON, 0, 0), 0);
	char want[256];
	snprintf(want, sizeof(want),
		 "{\"type\": \"hist\", \"data\": {\"@h\": [{\"min\": 4, \"max\": 7, \"count\": %d}]}}\n",
		 ncpus);
	assert_string_equal(sb_str(&s), want);
	sb_fini(&s);
	close(fd);
}

/* Many entries (more than one batch) come back complete and sorted. */
static void many_entries(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "many", 8, 8, 4096, NULL);
	assert_true(fd >= 0);
	for (uint64_t k = 0; k < 1000; k++) {
		uint64_t v = 1000 - k;
		assert_int_equal(bpf_map_update_elem(fd, &k, &v, 0), 0);
	}
	struct map_def m = { .name = "@", .key = t_int(64, false), .value = t_int(64, false),
			     .key_size = 8, .value_size = 8 };
	struct sb s;
	sb_init(&s);
	assert_int_equal(print_map(&s, &m, fd, OUT_TEXT, 2, 0), 0);
	assert_string_equal(sb_str(&s), "@[1]: 999\n@[0]: 1000\n");
	sb_fini(&s);
	close(fd);
}

/* Fails the batch reader's key buffer (256 keys of 24 bytes) once. */
static void *fail_batch_alloc(void *ptr, size_t size)
{
	if (size == 256 * 24 && !ptr) {
		xalloc_hook = NULL;
		return NULL;
	}
	return realloc(ptr, size);
}

/* When batch lookups fail, the map is read again one key at a time. */
static void fallback_iter(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int fd = make_map(24, 8, false);
	uint8_t key[24] = { 0 };
	uint64_t v = 3;
	int64_t ki = -2;
	memcpy(key, &ki, 8);
	strcpy((char *)key + 8, "b");
	assert_int_equal(bpf_map_update_elem(fd, key, &v, 0), 0);
	ki = 1;
	v = 4;
	memcpy(key, &ki, 8);
	strcpy((char *)key + 8, "a");
	assert_int_equal(bpf_map_update_elem(fd, key, &v, 0), 0);
	struct map_def m = { .name = "@c", .key = t_tuple2(t_int(64, true), t_str(16)),
			     .value = t_kind(TY_COUNT, false), .key_size = 24, .value_size = 8 };
	struct sb s;
	sb_init(&s);
	xalloc_hook = fail_batch_alloc;
	assert_int_equal(print_map(&s, &m, fd, OUT_TEXT, 0, 0), 0);
	assert_null(xalloc_hook);	/* the batch path did try */
	assert_string_equal(sb_str(&s), "@c[-2, b]: 3\n@c[1, a]: 4\n");
	sb_fini(&s);
	close(fd);
}

/* At exit: "\n\n", then every map in name order, empty ones as blank lines. */
static void at_exit(void **state)
{
	(void)state;
	if (!need_root()) {
		skip();
		return;
	}
	int fs = make_map(8, 16, false), fb = make_map(8, 8, false), fh = make_map(8, 8, false),
	    fa = make_map(8, 8, false);
	uint64_t k = 0, v = 7;
	assert_int_equal(bpf_map_update_elem(fb, &k, &v, 0), 0);
	struct map_def s_ = { .name = "@s", .value = t_kind(TY_STATS, true), .key_size = 8, .value_size = 16 };
	struct map_def b_ = { .name = "@b", .value = t_int(64, true), .key_size = 8, .value_size = 8 };
	struct map_def h_ = { .name = "@h", .value = t_hist(0), .key_size = 8, .value_size = 8 };
	struct map_def a_ = { .name = "@a", .key = t_int(64, true), .value = t_int(64, true),
			      .key_size = 8, .value_size = 8 };
	struct map_def *maps[] = { &s_, &b_, &h_, &a_ };
	int fds[] = { fs, fb, fh, fa };
	struct sb s;
	sb_init(&s);
	assert_int_equal(print_maps_at_exit(&s, maps, fds, 4, OUT_TEXT), 0);
	assert_string_equal(sb_str(&s), "\n\n" "\n" "@b: 7\n" "\n" "\n\n");
	sb_reset(&s);
	assert_int_equal(print_maps_at_exit(&s, maps, fds, 4, OUT_JSON), 0);
	assert_string_equal(sb_str(&s), "{\"type\": \"map\", \"data\": {\"@b\": 7}}\n");
	sb_reset(&s);
	assert_int_equal(print_maps_at_exit(&s, maps, fds, 0, OUT_TEXT), 0);
	assert_string_equal(sb_str(&s), "\n\n");
	sb_fini(&s);
	close(fs);
	close(fb);
	close(fh);
	close(fa);
}

static int setup(void **state)
{
	(void)state;
	arena_init(&A);
	ncpus = libbpf_num_possible_cpus();
	return ncpus > 0 && ncpus <= 1024 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	arena_fini(&A);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_maps),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(percpu_count),
		cmocka_unit_test(percpu_minmax_stats),
		cmocka_unit_test(percpu_hist),
		cmocka_unit_test(many_entries),
		cmocka_unit_test(fallback_iter),
		cmocka_unit_test(at_exit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
