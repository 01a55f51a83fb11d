/* The type behaviour table (lang/types.c) and the printers that hang off kinds
 * (builtins' `owns`/`print`/`print_map`): every kind has a complete row, every
 * aggregation and every kind print.c does not print itself has an owner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "builtins/builtins.h"
#include "lang/types.h"
#include "runtime/print.h"
#include "util/sb.h"

static void test_every_row_named(void **state)
{
	(void)state;
	for (int k = 0; k < TY_KIND_COUNT; k++) {
		assert_non_null(type_kinds[k].name);
		assert_non_null(type_kinds[k].printf_name);
		if (type_kinds[k].read == TR_NONE)
			assert_non_null(type_kinds[k].read_name);
	}
}

/* An aggregation is printed by its builtin: a value printer, or a map printer. */
static void test_aggregations_have_owners(void **state)
{
	(void)state;
	int naggs = 0;
	for (int k = 0; k < TY_KIND_COUNT; k++) {
		if (!(type_kinds[k].flags & TF_AGG))
			continue;
		naggs++;
		assert_true(type_kinds[k].flags & TF_NO_KEY);
		assert_true(type_kinds[k].value_size > 0);
		const struct builtin *b = builtin_printer((enum type_kind)k);
		assert_non_null(b);
		assert_int_equal(b->kind, BI_AGG);
	}
	assert_int_equal(naggs, 9);	/* count sum min max avg stats hist lhist tseries */
}

/* Values print through their owner, in text and JSON. */
static void test_owner_printers(void **state)
{
	(void)state;
	struct type count = {.kind = TY_COUNT}, err = {.kind = TY_STRERROR};
	struct type stats = {.kind = TY_STATS, .is_signed = true};
	int64_t c = 42, e = 2, st[2] = {-10, 4};
	struct sb out;
	sb_init(&out);
	print_value(&out, &count, &c, OUT_TEXT);
	sb_putc(&out, '|');
	print_value(&out, &err, &e, OUT_TEXT);
	sb_putc(&out, '|');
	print_value(&out, &err, &e, OUT_JSON);
	sb_putc(&out, '|');
	print_value(&out, &stats, st, OUT_TEXT);
	sb_putc(&out, '|');
	print_value(&out, &stats, st, OUT_JSON);
	assert_string_equal(sb_str(&out), "42|No such file or directory|\"No such file or directory\"|"
			    "{ .count = 4, .average = -2, .total = -10 }|{\"count\": 4, \"average\": -2, \"total\": -10}");
	sb_fini(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_named),
		cmocka_unit_test(test_aggregations_have_owners),
		cmocka_unit_test(test_owner_printers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
