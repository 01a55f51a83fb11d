/* Radix sort of 128-bit keyed records (see keysort.h). Printing a map of a million
 * keys sorted by a comparison callback cost more than reading it from the kernel; the
 * printers reduce their order to a number per entry (value, then the first key
 * element) and only compare entries whose numbers are equal. */
#include "util/keysort.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

enum { KEYSORT_DIGITS = 16 };	/* bytes of the key, least significant first */

struct keysort_ctx {
	keysort_tie_fn tie;
	void *ctx;
};

uint64_t keysort_be(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < len ? b[i] : 0);
	return v;
}

/* The whole order: key, then tie (or idx). */
static int keysort_cmp(const void *pa, const void *pb, void *pc)
{
	const struct keysort_rec *a = pa, *b = pb;
	const struct keysort_ctx *c = pc;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (c->tie)
		return c->tie(a->idx, b->idx, c->ctx);
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static unsigned keysort_digit(const struct keysort_rec *r, int d)
{
	return (unsigned)((d < 8 ? r->lo >> (8 * d) : r->hi >> (8 * (d - 8))) & 0xff);
}

/* Stable LSD radix sort by (hi, lo), one byte per pass; a pass whose byte is the
 * same in every record is skipped (small values leave most high bytes zero). */
static int keysort_radix(struct keysort_rec *r, size_t n)
{
	size_t (*count)[256] = xcalloc(KEYSORT_DIGITS, sizeof(*count));
	struct keysort_rec *tmp = xcalloc(n, sizeof(*tmp));
	struct keysort_rec *src = r, *dst = tmp, *swap;
	if (!count || !tmp) {
		xfree(count);
		xfree(tmp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < KEYSORT_DIGITS; d++)
			count[d][keysort_digit(&r[i], d)]++;
	for (int d = 0; d < KEYSORT_DIGITS; d++) {
		if (count[d][keysort_digit(&src[0], d)] == n)
			continue;
		size_t pos = 0;
		for (int b = 0; b < 256; b++) {
			size_t c = count[d][b];
			count[d][b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[d][keysort_digit(&src[i], d)]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != r)
		memcpy(r, src, n * sizeof(*r));
	xfree(count);
	xfree(tmp);
	return 0;
}

/* Order each run of equal keys by the whole order. */
static void keysort_runs(struct keysort_rec *r, size_t n, struct keysort_ctx *c)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && r[j].hi == r[i].hi && r[j].lo == r[i].lo; j++)
			;
		if (j - i > 1)
			qsort_r(r + i, j - i, sizeof(*r), keysort_cmp, c);
	}
}

int keysort(struct keysort_rec *r, size_t n, keysort_tie_fn tie, void *ctx)
{
	struct keysort_ctx c = { tie, ctx };
	if (n < 2)
		return 0;
	if (n < 64 || keysort_radix(r, n)) {	/* small: a comparison sort is as fast */
		qsort_r(r, n, sizeof(*r), keysort_cmp, &c);
		return n < 64 ? 0 : -ENOMEM;
	}
	keysort_runs(r, n, &c);
	return 0;
}
