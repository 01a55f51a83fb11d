/* Utility tests: keysort (the radix sort the map printers use) against a plain
 * comparison sort, with and without ties; sb's integer appends against printf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/keysort.h"
#include "util/sb.h"

/* A tie order the key does not decide: by a second table, descending. */
static int tie_desc(size_t a, size_t b, void *ctx)
{
	const uint32_t *second = ctx;
	return second[a] > second[b] ? -1 : second[a] < second[b];
}

static int ref_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct keysort_rec *a = pa, *b = pb;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (ctx)
		return tie_desc(a->idx, b->idx, ctx);
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* n records with keys drawn from `spread` values per half (few: many ties). */
static void check_sort(size_t n, uint64_t spread, bool with_tie)
{
	struct keysort_rec *r = calloc(n, sizeof(*r)), *ref = calloc(n, sizeof(*ref));
	uint32_t *second = calloc(n, sizeof(*second));
	srand(7);
	for (size_t i = 0; i < n; i++) {
		uint64_t hi = ((uint64_t)rand() << 31 | (uint64_t)rand()) % spread;
		uint64_t lo = ((uint64_t)rand() << 40) % spread ^ (i & 1 ? UINT64_C(1) << 63 : 0);
		r[i] = (struct keysort_rec){ hi, lo, i };
		second[i] = (uint32_t)rand();
	}
	memcpy(ref, r, n * sizeof(*r));
	qsort_r(ref, n, sizeof(*ref), ref_cmp, with_tie ? second : NULL);
	assert_int_equal(keysort(r, n, with_tie ? tie_desc : NULL, second), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r[i].idx, ref[i].idx);
		assert_true(r[i].hi == ref[i].hi && r[i].lo == ref[i].lo);
	}
	free(r);
	free(ref);
	free(second);
}

static void test_keysort_unique(void **state)
{
	(void)state;
	check_sort(100000, UINT64_MAX, false);
	check_sort(10, UINT64_MAX, false);	/* below the radix threshold */
}

static void test_keysort_ties(void **state)
{
	(void)state;
	check_sort(50000, 37, false);	/* equal keys keep idx order */
	check_sort(50000, 37, true);	/* equal keys by the tie callback */
	check_sort(1, 1, true);
	check_sort(0, 1, true);
}

/* An allocator that refuses anything above 4 KiB. */
static void *no_big_alloc(void *ptr, size_t size)
{
	return size > 4096 ? NULL : realloc(ptr, size ? size : 1);
}

/* Without memory for its scratch buffer it still sorts, by comparisons. */
static void test_keysort_no_memory(void **state)
{
	(void)state;
	size_t n = 1000;
	struct keysort_rec *r = calloc(n, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = (struct keysort_rec){ (n - i) / 3, i % 5, i };
	xalloc_hook = no_big_alloc;
	int err = keysort(r, n, NULL, NULL);
	xalloc_hook = NULL;
	assert_int_equal(err, -ENOMEM);
	for (size_t i = 1; i < n; i++)
		assert_true(ref_cmp(&r[i - 1], &r[i], NULL) < 0);
	free(r);
}

static void test_keysort_be(void **state)
{
	(void)state;
	assert_true(keysort_be("ab", 2) == UINT64_C(0x6162000000000000));
	assert_true(keysort_be("abcdefghij", 10) == UINT64_C(0x6162636465666768));
	assert_true(keysort_be("", 0) == 0);
	/* memcmp's order */
	assert_true(keysort_be("\x01\xff", 2) < keysort_be("\x02\x00", 2));
}

static void test_sb_integers(void **state)
{
	(void)state;
	static const long long signed_cases[] = { 0, 1, -1, 9, 10, -10, 123456789, LLONG_MAX,
						  LLONG_MIN };
	static const unsigned long long unsigned_cases[] = { 0, 7, 10, 99, 100, ULLONG_MAX };
	char want[32];
	struct sb s;
	sb_init(&s);
	for (size_t i = 0; i < sizeof(signed_cases) / sizeof(signed_cases[0]); i++) {
		sb_reset(&s);
		sb_put_i64(&s, signed_cases[i]);
		snprintf(want, sizeof(want), "%lld", signed_cases[i]);
		assert_string_equal(sb_str(&s), want);
	}
	for (size_t i = 0; i < sizeof(unsigned_cases) / sizeof(unsigned_cases[0]); i++) {
		sb_reset(&s);
		sb_put_u64(&s, unsigned_cases[i]);
		snprintf(want, sizeof(want), "%llu", unsigned_cases[i]);
		assert_string_equal(sb_str(&s), want);
	}
	sb_fini(&s);
}

/* BPFL_FAIL_ALLOC's engine: the n-th allocation fails, the others succeed,
 * every one is counted, the first of each call stack is a site, and the
 * failure is remembered (xalloc_oom) for the driver to report. */
static void test_fail_nth(void **state)
{
	(void)state;
	const unsigned long *first;

	xalloc_fail_nth(0);
	for (int i = 0; i < 3; i++)
		xfree(xrealloc(NULL, 8));	/* one call site, three times */
	xfree(xstrdup("x"));
	assert_int_equal(xalloc_count(), 4);
	assert_int_equal(xalloc_sites(&first), 2);
	assert_int_equal(first[0], 1);
	assert_int_equal(first[1], 4);
	assert_false(xalloc_failed());

	xalloc_fail_nth(2);
	void *a = xcalloc(1, 8), *b = xcalloc(1, 8), *c = xcalloc(1, 8);
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_true(xalloc_failed());
	assert_true(xalloc_oom());
	xfree(a);
	xfree(c);
	xalloc_hook = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keysort_unique),
		cmocka_unit_test(test_keysort_ties),
		cmocka_unit_test(test_keysort_no_memory),
		cmocka_unit_test(test_fail_nth),
		cmocka_unit_test(test_keysort_be),
		cmocka_unit_test(test_sb_integers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
