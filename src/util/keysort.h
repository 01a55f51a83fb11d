/* Sorting many records by a 128-bit key, for printing big maps: a least-significant
 * digit radix sort (linear in the number of records, no comparison callbacks), then a
 * comparison sort of each run of records whose keys are equal, when the caller's
 * order needs more than the key to decide. */
#ifndef BPFL_KEYSORT_H
#define BPFL_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

/* One record: its key (hi, lo) — compared as unsigned, hi first — and the caller's
 * index of the thing it stands for. */
struct keysort_rec {
	uint64_t hi, lo;	/* the key: a prefix of the caller's order */
	size_t idx;		/* what the record stands for */
};

/* Order of two indices whose keys are equal: <0, 0, >0. */
typedef int (*keysort_tie_fn)(size_t a, size_t b, void *ctx);

/* Sort r[0..n) ascending by (hi, lo). Records with equal keys keep their order
 * when tie is NULL, else are ordered by tie(a->idx, b->idx, ctx). The key must be
 * consistent with tie's order: key(a) < key(b) implies a comes before b. Returns 0,
 * or -ENOMEM when the scratch buffer cannot be allocated (then r is sorted by a
 * comparison sort, slower but complete). */
int keysort(struct keysort_rec *r, size_t n, keysort_tie_fn tie, void *ctx);

/* The first min(len, 8) bytes at p as a big-endian number (memcmp's order), the
 * missing low bytes zero. */
uint64_t keysort_be(const void *p, size_t len);

#endif
