/* Map printer benchmark, in-process: sort and format N entries of a few map shapes
 * (int key and count, string key and sum, a two-element tuple key and avg, a
 * histogram per int key), as the runtime does at exit, without the kernel. Prints
 * the CPU time per map and per entry. Usage: bench_print [entries] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lang/types.h"
#include "runtime/print.h"
#include "util/arena.h"
#include "util/sb.h"

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One shape of map: its definition and how to fill entry i. */
struct shape {
	const char *what;
	struct map_def m;
	void (*fill)(uint8_t *key, uint8_t *val, size_t i);
};

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t scramble(size_t i)
{
	return (uint64_t)i * 2654435761u % 1000003;
}

static void fill_count(uint8_t *k, uint8_t *v, size_t i)
{
	put64(k, scramble(i));
	put64(v, i % 1000);
}

static void fill_str(uint8_t *k, uint8_t *v, size_t i)
{
	snprintf((char *)k, 16, "proc-%zu", (size_t)scramble(i));
	put64(v, i % 977);
}

static void fill_tuple(uint8_t *k, uint8_t *v, size_t i)
{
	put64(k, i % 64);
	put64(k + 8, scramble(i));
	put64(v, i * 3);
	put64(v + 8, i % 7 + 1);
}

static void fill_hist(uint8_t *k, uint8_t *v, size_t i)
{
	put64(k, scramble(i / 4));
	put64(k + 8, i % 4 + 3);
	put64(v, i % 11 + 1);
}

static double run(const struct shape *s, size_t n, uint8_t *keys, uint8_t *vals,
		  struct map_entry *e)
{
	struct sb out;
	for (size_t i = 0; i < n; i++) {
		memset(keys + i * s->m.key_size, 0, s->m.key_size);
		s->fill(keys + i * s->m.key_size, vals + i * 16, i);
		e[i].key = keys + i * s->m.key_size;
		e[i].value = vals + i * 16;
	}
	sb_init(&out);
	double t0 = cpu_now();
	print_map_entries(&out, &s->m, e, n, OUT_TEXT, 0, 0);
	double t = cpu_now() - t0;
	sb_fini(&out);
	return t;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	struct arena a;
	arena_init(&a);
	struct type *i64 = type_int(&a, 64, true), *pair[2] = { i64, i64 };
	struct type *count = type_new(&a, TY_COUNT), *sum = type_new(&a, TY_SUM);
	struct type *avg = type_new(&a, TY_AVG), *hist = type_new(&a, TY_HIST);
	sum->is_signed = avg->is_signed = true;
	avg->size = 16;
	struct shape shapes[] = {
		{ "@[int] = count()", { .name = "@", .key = i64, .value = count, .key_size = 8,
			.value_size = 8 }, fill_count },
		{ "@[str] = sum()", { .name = "@s", .key = type_str(&a, 16), .value = sum,
			.key_size = 16, .value_size = 8 }, fill_str },
		{ "@[int, int] = avg()", { .name = "@t", .key = type_tuple(&a, pair, 2),
			.value = avg, .key_size = 16, .value_size = 16 }, fill_tuple },
		{ "@[int] = hist() (4 buckets)", { .name = "@h", .key = i64, .value = hist,
			.key_size = 16, .value_size = 8 }, fill_hist },
	};
	uint8_t *keys = calloc(n, 16), *vals = calloc(n, 16);
	struct map_entry *e = calloc(n, sizeof(*e));
	if (!keys || !vals || !e)
		return 1;
	printf("%-30s %10s %10s %10s\n", "map", "entries", "cpu s", "ns/entry");
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		double t = run(&shapes[i], n, keys, vals, e);
		printf("%-30s %10zu %10.3f %10.0f\n", shapes[i].what, n, t, t * 1e9 / (double)n);
	}
	free(keys);
	free(vals);
	free(e);
	arena_fini(&a);
	return 0;
}
