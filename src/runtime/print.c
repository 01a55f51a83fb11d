/* The printers of values and maps: the exact text bpftrace 0.17 prints (spacing,
 * sort orders, histogram bars) and its JSON lines. Values arrive in the storage
 * layouts of types.h; per-CPU values are combined here before anything is printed.
 *
 * Map layouts in text, as bpftrace prints them:
 *   plain maps   "@m[k1, k2]: v" lines, then "\n"
 *   avg/stats    "@m[k]: v" lines, then "\n\n"
 *   hist/lhist   "@m[k]:\n" + bucket lines per key, keys separated by "\n", then "\n" */
#include "runtime/print.h"
#include "runtime/print_internal.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/alloc.h"
#include "util/keysort.h"
#include "runtime/stacks.h"
#include "builtins/builtins.h"

const char *const *print_probe_names;
const char *print_str_trailer = "..";

/* A string that str() read (may_cut) fills its whole size only when str() cut
 * it (its read leaves the NUL out then): bpftrace's heuristic, which marks it
 * with the trailer. A char array without a NUL is printed as it is. */
void print_str(struct sb *out, const struct type *t, const void *data)
{
	size_t n = strnlen((const char *)data, t->size);
	sb_put(out, (const char *)data, n);
	if (n == t->size && t->may_cut && print_str_trailer)
		sb_puts(out, print_str_trailer);
}
int print_nprobe_names;

#define PRINT_BAR_WIDTH 52

static uint64_t print_u64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static int64_t print_i64(const void *p)
{
	return (int64_t)print_u64(p);
}

static uint32_t print_div(uint32_t div)
{
	return div ? div : 1;
}

void print_json_escape(struct sb *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': sb_puts(out, "\\\""); break;
		case '\\': sb_puts(out, "\\\\"); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		default:
			if (c < 0x20)
				sb_printf(out, "\\u%04x", c);
			else
				sb_putc(out, (char)c);
		}
	}
}

/* ---- single values ---- */

/* An integer of type t at data. Map and record storage is 8 bytes; inside a BTF
 * record (`native`) it has its own width. Extended per the type's sign. */
static int64_t print_load_int(const struct type *t, const void *data, bool native)
{
	int bits = t->bits && t->bits < 64 ? t->bits : 64;
	uint64_t v = 0;
	memcpy(&v, data, native ? (size_t)bits / 8 : 8);
	if (bits == 64)
		return (int64_t)v;
	uint64_t mask = (UINT64_C(1) << bits) - 1;
	v &= mask;
	if (t->is_signed && (v >> (bits - 1)))
		v |= ~mask;
	return (int64_t)v;
}

static void print_int(struct sb *out, const struct type *t, const void *data, bool native,
		      uint32_t div)
{
	int64_t v = print_load_int(t, data, native);
	if (t->is_signed)
		sb_put_i64(out, (long long)(v / (int64_t)div));
	else
		sb_put_u64(out, (unsigned long long)((uint64_t)v / div));
}

/* An enum-typed integer in text: its enumerator's name; false (nothing printed)
 * for a value no enumerator has, which prints as a number (bpftrace). JSON keeps
 * numbers. */
static bool print_enum(struct sb *out, const struct type *t, const void *data, bool native)
{
	const char *name = t->nenumerators ? type_enum_name(t, print_load_int(t, data, native)) : NULL;
	if (name)
		sb_puts(out, name);
	return name != NULL;
}

/* A buffer: printable ASCII as is, other bytes as \xNN (bpftrace's hex_format_buffer).
 * Layout: uint32 length, padded to 8 bytes, then the data. */
static void print_buf(struct sb *out, const struct type *t, const uint8_t *data)
{
	uint32_t len;
	memcpy(&len, data, sizeof(len));
	uint32_t cap = t->size > 8 ? t->size - 8 : 0;
	if (len > cap)
		len = cap;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = data[8 + i];
		if (c >= 32 && c <= 126)
			sb_putc(out, (char)c);
		else
			sb_printf(out, "\\x%02x", c);
	}
}

/* ntop(): { uint64 af; uint8 addr[16] }. */
static void print_inet(struct sb *out, const uint8_t *data)
{
	char s[INET6_ADDRSTRLEN] = "";
	uint64_t af = print_u64(data);
	if (af == AF_INET || af == AF_INET6)
		inet_ntop((int)af, data + 8, s, sizeof(s));
	sb_puts(out, s);
}

/* username: the name of the uid, or nothing when it has none (as bpftrace). */
static void print_username(struct sb *out, uint64_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	if (!getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) && res)
		sb_puts(out, res->pw_name);
}

static void print_value_div(struct sb *out, const struct type *t, const void *data,
			    enum out_format f, uint32_t div, bool is_key, bool native);

/* strftime(fmt, ns): ns counts from boot (CLOCK_BOOTTIME, as the BPF side's
 * clocks do, up to suspend time) and is shown as local wall-clock time; "%f"
 * is the microseconds, as current bpftrace has it. */
static void print_timestamp(struct sb *out, const char *fmt, uint64_t ns)
{
	struct timespec real, boot;
	char conv[256], text[512];
	size_t n = 0;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	int64_t wall = ((int64_t)real.tv_sec - boot.tv_sec) * 1000000000LL +
		       (real.tv_nsec - boot.tv_nsec) + (int64_t)ns;
	time_t secs = (time_t)(wall / 1000000000LL);
	for (const char *p = fmt ? fmt : "%H:%M:%S"; *p && n + 8 < sizeof(conv); p++) {
		if (p[0] == '%' && p[1] == 'f') {
			n += (size_t)snprintf(conv + n, sizeof(conv) - n, "%06lld",
					      (long long)(wall % 1000000000LL / 1000));
			p++;
		} else if (p[0] == '%' && p[1]) {
			conv[n++] = *p++;
			conv[n++] = *p;
		} else {
			conv[n++] = *p;
		}
	}
	conv[n] = '\0';
	localtime_r(&secs, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(text, sizeof(text), conv, &tm);	/* the program's format */
#pragma GCC diagnostic pop
	sb_put(out, text, n);
}

static void print_fields(struct sb *out, const struct type *t, const uint8_t *data,
			 enum out_format f, bool native);

/* Tuple "(1, b)" in text, [1,"b"] in JSON; a record as a struct. */
static void print_tuple(struct sb *out, const struct type *t, const uint8_t *data,
			enum out_format f)
{
	if (type_is_record(t)) {
		print_fields(out, t, data, f, false);
		return;
	}
	sb_putc(out, f == OUT_JSON ? '[' : '(');
	for (int i = 0; i < t->nfields; i++) {
		if (i)
			sb_puts(out, f == OUT_JSON ? "," : ", ");
		print_value_div(out, t->fields[i].type, data + t->fields[i].offset, f, 1, false, false);
	}
	sb_putc(out, f == OUT_JSON ? ']' : ')');
}

/* A BTF struct or a record (a=1, b=2): "{ .a = 1, .b = 2 }" in text,
 * {"a": 1, "b": 2} in JSON. `native`: a BTF struct's integers have their own
 * width; a record's are 8-byte slots. */
static void print_fields(struct sb *out, const struct type *t, const uint8_t *data,
			 enum out_format f, bool native)
{
	sb_puts(out, f == OUT_JSON ? "{" : "{ ");
	for (int i = 0; i < t->nfields; i++) {
		if (i)
			sb_puts(out, ", ");
		sb_printf(out, f == OUT_JSON ? "\"%s\": " : ".%s = ", t->fields[i].name);
		print_value_div(out, t->fields[i].type, data + t->fields[i].offset, f, 1, false,
				native);
	}
	sb_puts(out, f == OUT_JSON ? "}" : " }");
}

static void print_record(struct sb *out, const struct type *t, const uint8_t *data,
			 enum out_format f)
{
	print_fields(out, t, data, f, true);
}

static void print_array(struct sb *out, const struct type *t, const uint8_t *data,
			enum out_format f)
{
	const struct type *e = t->elem;
	uint32_t stride = e->kind == TY_INT && e->bits ? e->bits / 8u : e->size;
	sb_putc(out, '[');
	for (uint32_t i = 0; i < t->count; i++) {
		if (i)
			sb_putc(out, ',');
		print_value_div(out, e, data + (size_t)i * stride, f, 1, false, true);
	}
	sb_putc(out, ']');
}

/* avg: total / count with C (truncating) division, in the type's sign. */
static int64_t print_avg(const struct type *t, const void *data)
{
	int64_t total = print_i64(data);
	uint64_t count = print_u64((const uint8_t *)data + 8);
	if (!count)
		return 0;
	if (t->is_signed)
		return total / (int64_t)count;
	return (int64_t)((uint64_t)total / count);
}

/* A value printed by the builtin that owns its kind (aggregations, strerror...). */
static void print_by_owner(struct sb *out, const struct type *t, const void *data,
			   enum out_format f, uint32_t div)
{
	const struct builtin *b = builtin_printer(t->kind);
	if (b && b->print)
		b->print(out, t, data, f == OUT_JSON, div);
}

/* The unquoted text of a string-like value (stacks indent less in map keys). */
static void print_text_value(struct sb *out, const struct type *t, const uint8_t *data,
			     bool is_key)
{
	uint64_t v = print_u64(data);
	switch (t->kind) {
	case TY_STR:
		print_str(out, t, data);
		break;
	case TY_BUF:
		print_buf(out, t, data);
		break;
	case TY_KSTACK: case TY_USTACK:
		stack_print(out, t, data, is_key);
		break;
	case TY_KSYM: case TY_USYM:
		stack_print_sym(out, t, data);
		break;
	case TY_INET:
		print_inet(out, data);
		break;
	case TY_USERNAME:
		print_username(out, v);
		break;
	case TY_PROBE:
		if (print_probe_names && v < (uint64_t)print_nprobe_names)
			sb_puts(out, print_probe_names[v]);
		break;
	case TY_TIMESTAMP:
		print_timestamp(out, t->name, v);
		break;
	default:
		print_by_owner(out, t, data, OUT_TEXT, 1);
		break;
	}
}

/* One value. `is_key`: printed as a map key element (stacks indent less); `native`:
 * inside a BTF record, where integers have their own width. */
static void print_value_div(struct sb *out, const struct type *t, const void *data,
			    enum out_format f, uint32_t div, bool is_key, bool native)
{
	if (!t)
		return;
	if (type_has(t, TF_QUOTED)) {
		if (f != OUT_JSON) {
			print_text_value(out, t, data, is_key);
			return;
		}
		struct sb tmp;
		sb_init(&tmp);
		print_text_value(&tmp, t, data, is_key);
		sb_putc(out, '"');
		print_json_escape(out, sb_str(&tmp), tmp.len);
		sb_putc(out, '"');
		sb_fini(&tmp);
		return;
	}
	switch (t->kind) {
	case TY_INT:
		if (f == OUT_TEXT && print_enum(out, t, data, native))
			break;
		print_int(out, t, data, native, div);
		break;
	case TY_BOOL:	/* the same words in text and JSON; one byte in an array */
		sb_puts(out, (native && t->size == 1 ? *(const uint8_t *)data : print_u64(data)) ?
			"true" : "false");
		break;
	case TY_PTR: case TY_CTX:	/* in hex, as bpftrace prints pointers; JSON: a number */
		sb_printf(out, f == OUT_JSON ? "%llu" : "0x%llx", (unsigned long long)print_u64(data));
		break;
	case TY_TUPLE:
		print_tuple(out, t, data, f);
		break;
	case TY_RECORD:
		print_record(out, t, data, f);
		break;
	case TY_ARRAY:
		print_array(out, t, data, f);
		break;
	default:	/* the kind's owner prints it; none, void, hist: nothing */
		print_by_owner(out, t, data, f, div);
		break;
	}
}

void print_value(struct sb *out, const struct type *t, const void *data, enum out_format f)
{
	print_value_div(out, t, data, f, 1, false, false);
}

void print_value_message(struct sb *out, const struct type *t, const void *data,
			 enum out_format f)
{
	if (f == OUT_JSON)
		sb_puts(out, "{\"type\": \"value\", \"data\": ");
	print_value(out, t, data, f);
	sb_puts(out, f == OUT_JSON ? "}\n" : "\n");
}

/* ---- map keys ---- */

/* The key elements as text, joined with `sep`: "1, a" (text) or "1,a" (JSON). */
static void print_key_elems(struct sb *out, const struct type *key, const uint8_t *data,
			    const char *sep)
{
	if (key->kind != TY_TUPLE) {
		print_value_div(out, key, data, OUT_TEXT, 1, true, false);
		return;
	}
	for (int i = 0; i < key->nfields; i++) {
		if (i)
			sb_puts(out, sep);
		print_value_div(out, key->fields[i].type, data + key->fields[i].offset,
				OUT_TEXT, 1, true, false);
	}
}

/* "@name[k1, k2]" in text. */
void print_key_name(struct sb *out, const struct map_def *m, const uint8_t *key)
{
	sb_puts(out, m->name);
	if (m->key) {
		sb_putc(out, '[');
		print_key_elems(out, m->key, key, ", ");
		sb_putc(out, ']');
	}
}

/* "@name[k1, k2]: " in text; "\"k1,k2\": " in JSON (nothing for a map without keys). */
void print_key(struct sb *out, const struct map_def *m, const uint8_t *key,
	       enum out_format f)
{
	if (f == OUT_TEXT) {
		print_key_name(out, m, key);
		sb_puts(out, ": ");
		return;
	}
	if (!m->key)
		return;
	struct sb tmp;
	sb_init(&tmp);
	print_key_elems(&tmp, m->key, key, ",");
	sb_putc(out, '"');
	print_json_escape(out, sb_str(&tmp), tmp.len);
	sb_puts(out, "\": ");
	sb_fini(&tmp);
}

/* Start of a JSON map line: {"type": "<type>", "data": {"@name": [{] */
void print_json_open(struct sb *out, const struct map_def *m, const char *type)
{
	sb_printf(out, "{\"type\": \"%s\", \"data\": {\"", type);
	print_json_escape(out, m->name, strlen(m->name));
	sb_puts(out, m->key ? "\": {" : "\": ");
}

void print_json_close(struct sb *out, const struct map_def *m)
{
	sb_puts(out, m->key ? "}}}\n" : "}}\n");
}

/* ---- sorting ---- */

/* Key order of bpftrace's sort_by_key: element by element, integers as unsigned
 * 64-bit, strings with strncmp; other kinds compare equal. */
static int print_key_elem_cmp(const struct type *t, const uint8_t *a, const uint8_t *b)
{
	if (t->kind == TY_INT || t->kind == TY_BOOL) {
		uint64_t x = print_u64(a), y = print_u64(b);
		return x < y ? -1 : x > y;
	}
	if (t->kind == TY_STR)
		return strncmp((const char *)a, (const char *)b, t->size);
	return 0;
}

static int print_key_cmp(const struct map_def *m, const uint8_t *a, const uint8_t *b)
{
	const struct type *k = m->key;
	int c = 0;
	if (!k)
		return 0;
	if (k->kind != TY_TUPLE)
		c = print_key_elem_cmp(k, a, b);
	for (int i = 0; k->kind == TY_TUPLE && i < k->nfields && !c; i++)
		c = print_key_elem_cmp(k->fields[i].type, a + k->fields[i].offset,
				       b + k->fields[i].offset);
	return c ? c : memcmp(a, b, m->key_size);
}

static int print_cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int print_cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* Order of two entries: by value for counters and integers, by average for avg and
 * stats, by key for everything else; ties by key. */
static int print_entry_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct map_def *m = ctx;
	const struct map_entry *a = pa, *b = pb;
	const struct type *t = m->value;
	int c = 0;
	switch (type_ops(t)->sort) {
	case TS_UINT:
		c = print_cmp_u64(print_u64(a->value), print_u64(b->value));
		break;
	case TS_INT:
		if (t->is_signed)
			c = print_cmp_i64(print_i64(a->value), print_i64(b->value));
		else
			c = print_cmp_u64(print_u64(a->value), print_u64(b->value));
		break;
	case TS_AVG:
		c = print_cmp_i64(print_avg(t, a->value), print_avg(t, b->value));
		if (!c)	/* bpftrace breaks ties by the raw key bytes */
			return memcmp(a->key, b->key, m->key_size);
		break;
	case TS_KEY:
		break;
	}
	return c ? c : print_key_cmp(m, a->key, b->key);
}

/* Big maps are sorted by numbers that follow these orders (keysort.h): a rank per
 * entry for its value and one for its key, compared only when the ranks are equal. */

/* A key element's place in print_key_elem_cmp's order, as far as its first 8 bytes
 * tell: integers as unsigned, strings by their bytes up to the NUL, others equal. */
static uint64_t print_elem_rank(const struct type *t, const uint8_t *p)
{
	if (t->kind == TY_INT || t->kind == TY_BOOL)
		return print_u64(p);
	if (t->kind == TY_STR)
		return keysort_be(p, strnlen((const char *)p, t->size < 8 ? t->size : 8));
	return 0;
}

/* The value's part of print_entry_cmp, as an unsigned number. */
static uint64_t print_value_rank(const struct type *t, const void *v)
{
	const uint64_t sign = UINT64_C(1) << 63;
	switch (type_ops(t)->sort) {
	case TS_UINT:
		return print_u64(v);
	case TS_INT:
		return t->is_signed ? print_u64(v) ^ sign : print_u64(v);
	case TS_AVG:
		return (uint64_t)print_avg(t, v) ^ sign;
	case TS_KEY:
		break;
	}
	return 0;
}

/* The key's part: avg and stats break ties by the raw key bytes, others by the
 * first key element. */
static uint64_t print_key_rank(const struct map_def *m, const uint8_t *key)
{
	const struct type *k = m->key;
	if (type_ops(m->value)->sort == TS_AVG)
		return keysort_be(key, m->key_size);
	if (!k || (k->kind == TY_TUPLE && !k->nfields))
		return 0;
	if (k->kind == TY_TUPLE)
		return print_elem_rank(k->fields[0].type, key + k->fields[0].offset);
	return print_elem_rank(k, key);
}

/* Whether no two keys of the map can have the same key rank. */
static bool print_rank_decides(const struct map_def *m)
{
	const struct type *k = m->key;
	if (type_ops(m->value)->sort == TS_AVG)
		return m->key_size <= 8;
	return !k || ((k->kind == TY_INT || k->kind == TY_BOOL) && m->key_size == 8);
}

/* Reorder n items of `size` bytes as the sorted records say; false (nothing
 * moved) without memory. */
static bool print_permute(void *items, size_t n, size_t size, const struct keysort_rec *r)
{
	uint8_t *copy = xcalloc(n, size);
	if (!copy)
		return false;
	memcpy(copy, items, n * size);
	for (size_t i = 0; i < n; i++)
		memcpy((uint8_t *)items + i * size, copy + r[i].idx * size, size);
	xfree(copy);
	return true;
}

struct print_sort_ctx {
	const struct map_def *m;
	const struct map_entry *e;
};

static int print_entry_tie(size_t a, size_t b, void *ctx)
{
	const struct print_sort_ctx *c = ctx;
	return print_entry_cmp(&c->e[a], &c->e[b], (void *)c->m);
}

/* Sort the entries of a plain or stats map in print_entry_cmp's order. */
static void print_sort_entries(const struct map_def *m, struct map_entry *e, size_t n)
{
	struct keysort_rec *r = xcalloc(n, sizeof(*r));
	struct print_sort_ctx c = { m, e };
	bool done = false;
	if (r) {
		for (size_t i = 0; i < n; i++)
			r[i] = (struct keysort_rec){ print_value_rank(m->value, e[i].value),
						     print_key_rank(m, e[i].key), i };
		keysort(r, n, print_rank_decides(m) ? NULL : print_entry_tie, &c);
		done = print_permute(e, n, sizeof(*e), r);
		xfree(r);
	}
	if (!done)	/* no memory for the fast way: the slow one needs none */
		qsort_r(e, n, sizeof(*e), print_entry_cmp, (void *)m);
}

/* ---- plain and stats maps ---- */

/* How many entries ahead the printing loop asks for a sorted entry's key and
 * value: in sorted order they are scattered over the dump, and a miss each
 * (two per entry) cost 30% of printing 1,000,000 counts. */
enum { PRINT_PREFETCH = 16 };

static void print_plain_map(struct sb *out, const struct map_def *m, struct map_entry *e,
			    size_t n, enum out_format f, uint32_t top, uint32_t div)
{
	bool stats = type_ops(m->value)->map_style == TMS_STATS;
	bool stack = type_has(m->value, TF_ENDS_NL);
	size_t first = 0;
	if (top && n > top && !type_has(m->value, TF_NO_TOP))
		first = n - top;
	if (f == OUT_JSON) {
		if (!n)
			return;
		print_json_open(out, m, stats ? "stats" : "map");
	}
	for (size_t i = first; i < n; i++) {
		if (i + PRINT_PREFETCH < n) {	/* sorted, the entries are read at random */
			__builtin_prefetch(e[i + PRINT_PREFETCH].key);
			__builtin_prefetch(e[i + PRINT_PREFETCH].value);
		}
		if (i > first)	/* stacks end in a newline already */
			sb_puts(out, f == OUT_JSON ? ", " : stack ? "" : "\n");
		print_key(out, m, e[i].key, f);
		print_value_div(out, m->value, e[i].value, f, div, false, false);
	}
	if (f == OUT_JSON)
		print_json_close(out, m);
	else
		sb_puts(out, stats ? "\n\n" : "\n");
}

/* ---- histograms ---- */

uint64_t print_hist_index(int64_t v, int k)
{
	int64_t n2 = INT64_C(2) << k;
	if (v < 0)
		return 0;
	if (v < n2)
		return (uint64_t)v + 1;
	int p = 63 - __builtin_clzll((uint64_t)v);
	return ((uint64_t)(p - k) << k) + ((uint64_t)v >> (p - k)) + 1;
}

uint64_t print_lhist_index(int64_t v, int64_t min, int64_t max, int64_t step)
{
	uint64_t nb = (uint64_t)((max - min) / step);
	if (v < min)
		return 0;
	if (v >= max)
		return nb + 1;
	uint64_t i = (uint64_t)((v - min) / step) + 1;
	return i < nb + 1 ? i : nb + 1;
}

/* First value of hist bucket `index` (> 2N): bpftrace's hist_index_label(index - 1).
 * *power and *mult give it as mult << power, for the K/M/G... label. */
static uint64_t print_hist_lo(uint64_t index, int k, int *power, uint64_t *mult)
{
	uint64_t n = UINT64_C(1) << k, idx = index - 1;
	*power = (int)(idx >> k) - 1;
	*mult = n + (idx & (n - 1));
	return *power >= 64 ? UINT64_MAX : *mult << *power;
}

struct print_bounds print_hist_bounds(uint64_t index, int k)
{
	struct print_bounds b = { .has_lo = true, .has_hi = true };
	int power;
	uint64_t mult;
	if (index == 0) {
		b.has_lo = false;
		b.hi = -1;
	} else if (index <= (UINT64_C(2) << k)) {
		b.lo = b.hi = (int64_t)index - 1;
	} else {
		uint64_t lo = print_hist_lo(index, k, &power, &mult);
		uint64_t hi = print_hist_lo(index + 1, k, &power, &mult) - 1;
		b.lo = lo > INT64_MAX ? INT64_MAX : (int64_t)lo;
		b.hi = hi > INT64_MAX ? INT64_MAX : (int64_t)hi;
	}
	return b;
}

struct print_bounds print_lhist_bounds(uint64_t index, int64_t min, int64_t max, int64_t step)
{
	struct print_bounds b = { .has_lo = true, .has_hi = true };
	uint64_t nb = step > 0 ? (uint64_t)((max - min) / step) : 0;
	if (index == 0) {
		b.has_lo = false;
		b.hi = min - 1;
	} else if (index >= nb + 1) {
		b.has_hi = false;
		b.lo = max;
	} else {
		b.lo = min + (int64_t)(index - 1) * step;
		b.hi = min + (int64_t)index * step - 1;
	}
	return b;
}

/* bpftrace's power-of-two label: 512, 1K, 2M, 16E. */
static void print_hist_label(struct sb *out, uint64_t index, int k)
{
	int power;
	uint64_t mult;
	print_hist_lo(index, k, &power, &mult);
	int decade = power / 10;
	power -= 10 * decade;
	sb_put_u64(out, (unsigned long long)(mult << power));
	if (decade > 0 && decade <= 6)
		sb_putc(out, "KMGTPE"[decade - 1]);
}

/* bpftrace 0.17's lhist label: multiples of 1M and 1K get a suffix. */
static void print_lhist_label(struct sb *out, int64_t v)
{
	if (v != 0 && v % (1024 * 1024) == 0)
		sb_printf(out, "%lldM", (long long)(v / (1024 * 1024)));
	else if (v != 0 && v % 1024 == 0)
		sb_printf(out, "%lldK", (long long)(v / 1024));
	else
		sb_put_i64(out, (long long)v);
}

/* One histogram of one key: its buckets and where the non-empty ones are. */
struct print_hist {
	const uint8_t *key;	/* the user key (prefix of the BPF key) */
	const struct map_entry *e;	/* its entries, one per non-empty bucket */
	size_t ne;
	uint64_t *counts;	/* nb buckets, while it is printed */
	uint64_t total, max;
	size_t first, last;	/* lowest and highest non-empty bucket; first > last: none */
};

/* "[4, 8)                 1 |@@@@@      |" */
static void print_bucket_line(struct sb *out, const char *label, uint64_t shown,
			      uint64_t count, uint64_t max)
{
	int bar = (int)((float)count / (float)max * PRINT_BAR_WIDTH);
	char bars[PRINT_BAR_WIDTH + 1];
	memset(bars, '@', (size_t)bar);
	bars[bar] = '\0';
	sb_printf(out, "%-16s%8llu |%-*s|\n", label, (unsigned long long)shown,
		  PRINT_BAR_WIDTH, bars);
}

static void print_hist_text(struct sb *out, const struct type *t, const struct print_hist *h,
			    uint32_t div)
{
	struct sb label;
	sb_init(&label);
	for (size_t i = h->first; i <= h->last && h->first <= h->last; i++) {
		sb_reset(&label);
		if (i == 0)
			sb_puts(&label, "(..., 0)");
		else if (i <= (UINT64_C(2) << t->step))
			sb_printf(&label, "[%zu]", i - 1);
		else {
			sb_putc(&label, '[');
			print_hist_label(&label, i, (int)t->step);
			sb_puts(&label, ", ");
			print_hist_label(&label, i + 1, (int)t->step);
			sb_putc(&label, ')');
		}
		print_bucket_line(out, sb_str(&label), h->counts[i] / div, h->counts[i], h->max);
	}
	sb_fini(&label);
}

static void print_lhist_text(struct sb *out, const struct type *t, const struct print_hist *h)
{
	if (t->step <= 0)	/* sema rejects it; never divide by it */
		return;
	uint64_t nb = (uint64_t)((t->max - t->min) / t->step);
	struct sb label;
	sb_init(&label);
	for (size_t i = h->first; i <= h->last && h->first <= h->last; i++) {
		sb_reset(&label);
		sb_puts(&label, i == 0 ? "(..., " : "[");
		print_lhist_label(&label, i == 0 ? t->min : i == nb + 1 ? t->max
				  : t->min + (int64_t)(i - 1) * t->step);
		if (i == 0 || i == nb + 1) {
			sb_puts(&label, i == 0 ? ")" : ", ...)");
		} else {
			sb_puts(&label, ", ");
			print_lhist_label(&label, t->min + (int64_t)i * t->step);
			sb_putc(&label, ')');
		}
		print_bucket_line(out, sb_str(&label), h->counts[i], h->counts[i], h->max);
	}
	sb_fini(&label);
}

/* [{"min": 4, "max": 7, "count": 1}, ...]; lhist counts are not divided (bpftrace). */
static void print_hist_json(struct sb *out, const struct type *t, const struct print_hist *h,
			    uint32_t div)
{
	if (h->first > h->last) {	/* zeroed: no bucket, as bpftrace */
		sb_puts(out, "[]");
		return;
	}
	sb_putc(out, '[');
	for (size_t i = h->first; i <= h->last; i++) {
		struct print_bounds b = t->kind == TY_HIST
			? print_hist_bounds(i, (int)t->step)
			: print_lhist_bounds(i, t->min, t->max, t->step);
		sb_puts(out, i > h->first ? ", {" : "{");
		if (b.has_lo)
			sb_printf(out, "\"min\": %lld, ", (long long)b.lo);
		if (b.has_hi)
			sb_printf(out, "\"max\": %lld, ", (long long)b.hi);
		sb_printf(out, "\"count\": %llu}", (unsigned long long)
			  (t->kind == TY_HIST ? h->counts[i] / div : h->counts[i]));
	}
	sb_putc(out, ']');
}

static size_t print_nbuckets(const struct type *t)
{
	if (t->kind == TY_HIST)
		return PRINT_HIST_NBUCKETS(t->step);
	return t->step > 0 && t->max > t->min ? (size_t)((t->max - t->min) / t->step) + 2 : 2;
}

/* Entries ordered by their user key bytes (the prefix before the bucket). */
static int print_prefix_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct map_entry *a = pa, *b = pb;
	size_t len = *(const size_t *)ctx;
	return memcmp(a->key, b->key, len);
}

/* Totals ascending; ties by key bytes, as bpftrace's ordered map leaves them. */
static int print_hist_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct print_hist *a = pa, *b = pb;
	size_t len = *(const size_t *)ctx;
	int c = print_cmp_u64(a->total, b->total);
	return c ? c : memcmp(a->key, b->key, len);
}

/* The sorts of a histogram map, through keysort: items (n of `size` bytes, the
 * array print_prefix_cmp or print_hist_cmp orders) and the comparison. */
struct print_hist_sort {
	void *items;
	size_t size, plen;	/* item size; bytes of the user key */
	int (*cmp)(const void *, const void *, void *);
};

static int print_hist_tie(size_t a, size_t b, void *ctx)
{
	struct print_hist_sort *s = ctx;
	return s->cmp((uint8_t *)s->items + a * s->size, (uint8_t *)s->items + b * s->size,
		      &s->plen);
}

/* Sort s->items (n): hi/lo are each item's ranks; `decides`: no two items share
 * them, so s->cmp is never needed. */
static void print_hist_sort(struct print_hist_sort *s, size_t n, struct keysort_rec *r,
			    bool decides)
{
	keysort(r, n, decides ? NULL : print_hist_tie, s);
	if (!print_permute(s->items, n, s->size, r))
		qsort_r(s->items, n, s->size, s->cmp, &s->plen);
}

/* Group order: the user key bytes, 16 of them in the ranks. */
static void print_sort_by_prefix(struct map_entry *e, size_t n, size_t plen)
{
	struct print_hist_sort s = { e, sizeof(*e), plen, print_prefix_cmp };
	struct keysort_rec *r = xcalloc(n, sizeof(*r));
	if (!r) {
		qsort_r(e, n, sizeof(*e), print_prefix_cmp, &plen);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const uint8_t *k = e[i].key;
		r[i] = (struct keysort_rec){ keysort_be(k, plen),
					     plen > 8 ? keysort_be(k + 8, plen - 8) : 0, i };
	}
	print_hist_sort(&s, n, r, plen <= 16);
	xfree(r);
}

/* Print order of the histograms: total, then the user key bytes. */
static void print_sort_hists(struct print_hist *h, size_t n, size_t plen)
{
	struct print_hist_sort s = { h, sizeof(*h), plen, print_hist_cmp };
	struct keysort_rec *r = xcalloc(n, sizeof(*r));
	if (!r) {
		qsort_r(h, n, sizeof(*h), print_hist_cmp, &plen);
		return;
	}
	for (size_t i = 0; i < n; i++)
		r[i] = (struct keysort_rec){ h[i].total, keysort_be(h[i].key, plen), i };
	print_hist_sort(&s, n, r, plen <= 8);
	xfree(r);
}

/* Totals, largest bucket and the non-empty range of a histogram from its entries. */
static void print_hist_finish(struct print_hist *h, size_t plen, size_t nb)
{
	h->first = SIZE_MAX;
	h->last = 0;
	for (size_t i = 0; i < h->ne; i++) {
		uint64_t bucket = print_u64((const uint8_t *)h->e[i].key + plen);
		uint64_t c = print_u64(h->e[i].value);
		if (bucket >= nb || !c)
			continue;
		h->total += c;
		h->max = c > h->max ? c : h->max;
		h->first = bucket < h->first ? bucket : h->first;
		h->last = bucket > h->last ? bucket : h->last;
	}
	if (h->first == SIZE_MAX)
		h->first = 1;	/* none: first > last */
}

/* Group the entries (sorted by prefix) into one histogram per user key: the run of
 * entries it spans. Returns the number of histograms, or -ENOMEM. */
static long print_hist_group(const struct map_def *m, const struct map_entry *e, size_t n,
			     struct print_hist **out)
{
	size_t plen = m->key_size >= 8 ? m->key_size - 8 : 0, nb = print_nbuckets(m->value);
	size_t ng = 0;
	for (size_t i = 0; i < n; i++)
		ng += !i || memcmp(e[i].key, e[i - 1].key, plen);
	struct print_hist *h = xcalloc(ng ? ng : 1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	long g = -1;
	for (size_t i = 0; i < n; i++) {
		if (!i || memcmp(e[i].key, e[i - 1].key, plen)) {
			h[++g].key = e[i].key;
			h[g].e = &e[i];
		}
		h[g].ne++;
	}
	for (size_t i = 0; i < ng; i++)
		print_hist_finish(&h[i], plen, nb);
	*out = h;
	return (long)ng;
}

/* Spread a histogram's entries over counts (nb buckets, zero), or take them back. */
static void print_hist_spread(struct print_hist *h, uint64_t *counts, size_t plen, size_t nb,
			      bool set)
{
	for (size_t i = 0; i < h->ne; i++) {
		uint64_t bucket = print_u64((const uint8_t *)h->e[i].key + plen);
		if (bucket < nb)
			counts[bucket] = set ? print_u64(h->e[i].value) : 0;
	}
	h->counts = set ? counts : NULL;
}

/* One histogram: "@h[k]:" and its bucket lines, or its JSON. */
static void print_one_hist(struct sb *out, const struct map_def *m, const struct print_hist *h,
			   enum out_format f, uint32_t div)
{
	if (f == OUT_TEXT) {	/* "@h:" and the buckets below */
		print_key_name(out, m, h->key);
		sb_puts(out, ":\n");
	} else {
		print_key(out, m, h->key, f);
	}
	if (f == OUT_JSON)
		print_hist_json(out, m->value, h, div);
	else if (m->value->kind == TY_HIST)
		print_hist_text(out, m->value, h, div);
	else
		print_lhist_text(out, m->value, h);
}

void print_hist_map(struct sb *out, const struct map_def *m, struct map_entry *e,
		    size_t n, bool json, uint32_t top, uint32_t div)
{
	enum out_format f = json ? OUT_JSON : OUT_TEXT;
	size_t plen = m->key_size >= 8 ? m->key_size - 8 : 0, nb = print_nbuckets(m->value);
	struct print_hist *h = NULL;
	uint64_t *counts = xcalloc(nb, sizeof(*counts));	/* one histogram's, in turn */
	if (n > 1)
		print_sort_by_prefix(e, n, plen);
	long ng = counts ? print_hist_group(m, e, n, &h) : -ENOMEM;
	if (ng < 0) {
		out->err = out->err ? out->err : (int)ng;
		xfree(counts);
		return;
	}
	if (ng > 1)
		print_sort_hists(h, (size_t)ng, plen);
	size_t first = top && (size_t)ng > top ? (size_t)ng - top : 0;
	if (f == OUT_JSON && ng)
		print_json_open(out, m, "hist");
	for (size_t i = first; i < (size_t)ng; i++) {
		if (i > first)
			sb_puts(out, f == OUT_JSON ? ", " : "\n");
		print_hist_spread(&h[i], counts, plen, nb, true);
		print_one_hist(out, m, &h[i], f, div);
		print_hist_spread(&h[i], counts, plen, nb, false);
	}
	if (f == OUT_JSON && ng)
		print_json_close(out, m);
	else if (f == OUT_TEXT)
		sb_putc(out, '\n');
	xfree(h);
	xfree(counts);
}

void print_map_entries(struct sb *out, const struct map_def *m, struct map_entry *entries,
		       size_t n, enum out_format f, uint32_t top, uint32_t div)
{
	div = print_div(div);
	const struct builtin *b = builtin_printer(m->value->kind);
	if (b && b->print_map) {	/* kinds with their own layout: histograms */
		b->print_map(out, m, entries, n, f == OUT_JSON, top, div);
		return;
	}
	if (n > 1)	/* entries may be NULL when n == 0 */
		print_sort_entries(m, entries, n);
	print_plain_map(out, m, entries, n, f, top, div);
}

/* ---- reading BPF maps ---- */

/* Entries read from a map: keys and combined values, packed. */
struct print_dump {
	uint8_t *keys, *vals;
	size_t n, cap;
	uint32_t ksize, vsize;
};

static int print_dump_grow(struct print_dump *d, size_t want)
{
	if (want <= d->cap)
		return 0;
	size_t cap = d->cap ? d->cap : 64;
	while (cap < want)
		cap *= 2;
	uint8_t *k = xrealloc(d->keys, cap * d->ksize);
	if (!k)
		return -ENOMEM;
	d->keys = k;
	uint8_t *v = xrealloc(d->vals, cap * d->vsize);
	if (!v)
		return -ENOMEM;
	d->vals = v;
	d->cap = cap;
	return 0;
}

/* Combine one entry's per-CPU values (each rounded up to 8 bytes) into out. */
static void print_combine(const struct type *t, const uint8_t *raw, int ncpus,
			  uint32_t vsize, uint8_t *out)
{
	size_t stride = (vsize + 7) & ~(size_t)7;
	if (type_ops(t)->merge == TM_TSERIES) {
		print_tseries_combine(t, raw, ncpus, stride, out);
		return;
	}
	memcpy(out, raw, vsize);
	for (int c = 1; c < ncpus; c++) {
		const uint8_t *v = raw + (size_t)c * stride;
		uint64_t a = print_u64(out), b = print_u64(v);
		uint64_t seen = vsize >= 16 ? print_u64(out + 8) : 0, vseen = vsize >= 16 ? print_u64(v + 8) : 0;
		enum type_merge merge = type_ops(t)->merge;
		switch (merge) {
		case TM_MIN: case TM_MAX: {
			int c2 = t->is_signed ? print_cmp_i64((int64_t)b, (int64_t)a) : print_cmp_u64(b, a);
			if (vseen && (!seen || (merge == TM_MIN ? c2 < 0 : c2 > 0)))
				memcpy(out, v, 16);
			break;
		}
		case TM_ADD2:
			a += b;
			seen += vseen;
			memcpy(out, &a, 8);
			memcpy(out + 8, &seen, 8);
			break;
		case TM_ADD:
			a += b;
			memcpy(out, &a, 8);
			break;
		case TM_TSERIES:	/* print_tseries_combine, above */
		case TM_FIRST:	/* not an aggregation: CPU 0's value stands */
			break;
		}
	}
}

/* Add the entry key/raw value to the dump, combining CPUs. */
static int print_dump_add(struct print_dump *d, const struct map_def *m, const void *key,
			  const uint8_t *raw, int ncpus)
{
	int err = print_dump_grow(d, d->n + 1);
	if (err)
		return err;
	memcpy(d->keys + d->n * d->ksize, key, d->ksize);
	print_combine(m->value, raw, ncpus, d->vsize, d->vals + d->n * d->vsize);
	d->n++;
	return 0;
}

/* One bpf_map_lookup_batch call: up to *count entries after the cursor `in` (NULL:
 * from the start) into keys/vals; *count is what came. 0, -ENOENT at the end of the
 * map (entries may still have come), or -errno. */
static int print_batch_call(int fd, uint64_t **in, uint64_t *cursor, void *keys, void *vals,
			    uint32_t *count)
{
	uint64_t outb = 0;	/* hash maps use a 4-byte bucket id, arrays an index */
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 c = *count;
	int err = bpf_map_lookup_batch(fd, *in, &outb, keys, vals, &c, &opts) ? -errno : 0;
	*count = err && err != -ENOENT ? 0 : c;
	if (!err || err == -ENOENT) {
		*cursor = outb;
		*in = cursor;
	}
	return err;
}

/* Read with bpf_map_lookup_batch, a chunk at a time; 0 at the end of the map.
 * A map without per-CPU values is read straight into the dump; per-CPU values go
 * through a buffer and are combined. A chunk grows when one hash bucket holds more
 * entries than it (-ENOSPC) and as the map turns out big (fewer syscalls). */
static int print_read_batch(struct print_dump *d, const struct map_def *m, int fd, int ncpus)
{
	size_t stride = ((d->vsize + 7) & ~(size_t)7) * (size_t)ncpus;
	uint32_t chunk = 256;
	uint8_t *keys = NULL, *vals = NULL;
	uint64_t cursor = 0, *in = NULL;
	int err = 0;
	while (!err) {
		bool direct = !m->percpu;
		err = print_dump_grow(d, d->n + chunk);
		if (!err && !direct) {
			uint8_t *k = xrealloc(keys, (size_t)chunk * d->ksize);
			uint8_t *v = k ? xrealloc(vals, (size_t)chunk * stride) : NULL;
			keys = k ? k : keys;
			vals = v ? v : vals;
			err = k && v ? 0 : -ENOMEM;
		}
		if (err)
			break;
		uint32_t count = chunk;
		err = print_batch_call(fd, &in, &cursor,
				       direct ? d->keys + d->n * d->ksize : keys,
				       direct ? d->vals + d->n * d->vsize : vals, &count);
		if (direct)
			d->n += count;
		for (uint32_t i = 0; !direct && i < count; i++) {
			memcpy(d->keys + d->n * d->ksize, keys + (size_t)i * d->ksize, d->ksize);
			print_combine(m->value, vals + (size_t)i * stride, ncpus, d->vsize,
				      d->vals + d->n * d->vsize);
			d->n++;
		}
		if (err == -ENOSPC && chunk < (1u << 20)) {
			err = 0;	/* one bucket holds more: retry, bigger */
			chunk *= 2;
		} else if (!err && d->n >= 4 * (size_t)chunk && chunk < 65536) {
			chunk *= 2;
		}
	}
	xfree(keys);
	xfree(vals);
	return err == -ENOENT ? 0 : err;
}

uint32_t map_capacity(const struct map_def *m, int fd)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);

	if (m->max_entries)
		return m->max_entries;
	memset(&info, 0, sizeof(info));
	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 1 : info.max_entries;
}

/* Read with bpf_map_get_next_key + lookup; an entry deleted meanwhile is skipped.
 * At most max_entries steps: when probes delete the key the walk stands on, it
 * restarts from the first key, and probes that keep changing the map would keep
 * it going. */
static int print_read_iter(struct print_dump *d, const struct map_def *m, int fd, int ncpus)
{
	size_t stride = ((d->vsize + 7) & ~(size_t)7) * (size_t)ncpus;
	uint8_t *prev = xcalloc(2, d->ksize), *raw = xcalloc(1, stride);
	uint8_t *key = prev ? prev + d->ksize : NULL;
	int err = prev && raw ? 0 : -ENOMEM;
	bool first = true;
	uint32_t cap = map_capacity(m, fd);
	for (uint32_t steps = 0; !err && steps < cap; steps++) {
		if (bpf_map_get_next_key(fd, first ? NULL : prev, key)) {
			err = errno == ENOENT ? 1 : -errno;
			break;
		}
		first = false;
		memcpy(prev, key, d->ksize);
		if (bpf_map_lookup_elem(fd, key, raw))
			err = errno == ENOENT ? 0 : -errno;
		else
			err = print_dump_add(d, m, key, raw, ncpus);
	}
	xfree(prev);
	xfree(raw);
	return err == 1 ? 0 : err;
}

/* Read every entry of the map into d. */
static int print_read(struct print_dump *d, const struct map_def *m, int fd)
{
	int ncpus = m->percpu ? libbpf_num_possible_cpus() : 1;
	if (ncpus < 0)
		return ncpus;
	d->ksize = m->key_size ? m->key_size : 8;
	d->vsize = m->value_size;
	/* Without batch support (old kernel, map type), or when a hash bucket holds more
	 * than a chunk (-ENOSPC), start over one key at a time. */
	if (!print_read_batch(d, m, fd, ncpus))
		return 0;
	d->n = 0;
	return print_read_iter(d, m, fd, ncpus);
}

int print_map(struct sb *out, const struct map_def *m, int map_fd, enum out_format f,
	      uint32_t top, uint32_t div)
{
	struct print_dump d = { 0 };
	struct map_entry *e = NULL;
	int err = print_read(&d, m, map_fd);
	if (!err && d.n) {
		e = xcalloc(d.n, sizeof(*e));
		err = e ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !err && i < d.n; i++) {
		e[i].key = d.keys + i * d.ksize;
		e[i].value = d.vals + i * d.vsize;
	}
	if (!err)
		print_map_entries(out, m, e, d.n, f, top, div);
	xfree(e);
	xfree(d.keys);
	xfree(d.vals);
	return err;
}

static int print_name_cmp(const void *pa, const void *pb, void *ctx)
{
	struct map_def *const *maps = ctx;
	return strcmp(maps[*(const int *)pa]->name, maps[*(const int *)pb]->name);
}

int print_maps_at_exit(struct sb *out, struct map_def *const *maps, const int *fds, int n,
		       enum out_format f)
{
	int *order = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*order));
	int err = 0;
	if (!order)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		order[i] = i;
	if (n > 1)
		qsort_r(order, (size_t)n, sizeof(*order), print_name_cmp, (void *)maps);
	if (f != OUT_JSON)	/* JSON stays one record a line */
		sb_puts(out, "\n\n");
	for (int i = 0; i < n; i++) {
		int e = print_map(out, maps[order[i]], fds[order[i]], f, 0, 0);
		if (e && !err)
			err = e;
	}
	xfree(order);
	return err;
}

void print_json_printf(struct sb *out, const char *text)
{
	sb_puts(out, "{\"type\": \"printf\", \"data\": \"");
	print_json_escape(out, text, strlen(text));
	sb_puts(out, "\"}\n");
}

void print_attached(struct sb *out, int nprobes, enum out_format f)
{
	if (f == OUT_JSON)
		sb_printf(out, "{\"type\": \"attached_probes\", \"count\": %d, \"data\": {\"probes\": %d}}\n",
			  nprobes, nprobes);
	else
		sb_printf(out, "Attached %d probe%s\n", nprobes, nprobes == 1 ? "" : "s");
}
