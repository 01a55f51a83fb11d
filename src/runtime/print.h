/* Printing values and maps the way bpftrace 0.17 prints them, as text or as
 * JSON lines (-f json).
 *
 * Histogram buckets. The bucket index is the last 8 bytes of a hist/lhist map key
 * (types.h); codegen computes it with the formulas below and the printer turns it
 * back into a range with print_hist_bounds / print_lhist_bounds.
 *
 *   hist(v, k)  (k = type.step = bits, 0..5; plain hist() is k = 0), N = 1 << k:
 *     v < 0        -> 0                        printed "(..., 0)"
 *     v < 2N       -> v + 1                    printed "[v]"  (k = 0: [0], [1])
 *     otherwise    -> ((p - k) << k) + (v >> (p - k)) + 1,   p = 63 - clz(v)
 *                                              printed "[lo, hi)", e.g. [4, 8), [1K, 2K)
 *     v is signed, so p <= 62 and the largest index is (64 - k) * N; the printer
 *     accepts up to PRINT_HIST_NBUCKETS(k) = (65 - k) * N + 1 buckets (unsigned v).
 *     For k = 0 this is bpftrace's layout: 0 negative, 1 zero, 2 one, k + 2 for
 *     [2^k, 2^(k+1)).
 *
 *   lhist(v, min, max, step), nb = (max - min) / step:
 *     v < min      -> 0                        printed "(..., min)"
 *     v >= max     -> nb + 1                   printed "[max, ...)"
 *     otherwise    -> min(nb + 1, (v - min) / step + 1)
 *                                              printed "[min+(i-1)*step, min+i*step)"
 *     PRINT_LHIST_NBUCKETS = nb + 2.
 */
#ifndef BPFL_PRINT_H
#define BPFL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/types.h"
#include "util/sb.h"

enum out_format { OUT_TEXT, OUT_JSON };

/* Probe names, indexed by the value of a TY_PROBE; set by the runtime. */
extern const char *const *print_probe_names;
/* str_trunc_trailer: appended to a string that fills its size; set by the runtime. */
extern const char *print_str_trailer;
/* A string value (TY_STR of t->size bytes), with the trailer when it was cut. */
void print_str(struct sb *out, const struct type *t, const void *data);
extern int print_nprobe_names;

/* Print one value (map key element, map value, printf %s of a non-string) as
 * bpftrace does: ints signed/unsigned per type, strings unquoted in text and
 * quoted in JSON, tuples "(1, b)" / [1,"b"]. Aggregations print their reduced
 * value (avg: the average; stats: "{ .count = 2, .average = 7, .total = 15 }"). */
void print_value(struct sb *out, const struct type *t, const void *data, enum out_format f);

/* `print(value)`: the value and a newline, or {"type": "value", "data": ...}. */
void print_value_message(struct sb *out, const struct type *t, const void *data,
			 enum out_format f);

/* One map entry: key bytes (map_def.key_size, including the bucket of hist/lhist
 * maps) and the value already combined over CPUs (count/sum: summed; min/max: min/max
 * of CPUs that saw a value; avg/stats: totals and counts summed; hist/lhist: summed). */
struct map_entry {
	const void *key;
	const void *value;
};

/* Print a map as bpftrace prints it (text or JSON), sorted as bpftrace sorts:
 * count/sum/min/max/int values ascending, avg/stats by average, hist/lhist by total
 * count, other values by key; ties by key. top: only the last `top` entries (0: all;
 * for stats maps ignored, as bpftrace does); div: divide values (0/1: none). An empty
 * map prints its blank line(s) in text and nothing in JSON. */
void print_map_entries(struct sb *out, const struct map_def *m, struct map_entry *entries,
		       size_t n, enum out_format f, uint32_t top, uint32_t div);

/* Read every entry of the BPF map `map_fd` (batch lookups when the kernel has them),
 * combine per-CPU values when m->percpu, and print. Returns 0 or -errno. */
int print_map(struct sb *out, const struct map_def *m, int map_fd, enum out_format f,
	      uint32_t top, uint32_t div);

/* At exit: "\n\n" (always, in both formats, as bpftrace does), then every map in
 * name order; maps[i] is read from fds[i]. Returns 0 or the first -errno. */
int print_maps_at_exit(struct sb *out, struct map_def *const *maps, const int *fds, int n,
		       enum out_format f);

/* printf output in JSON: {"type": "printf", "data": "<text, escaped>"}. */
void print_json_printf(struct sb *out, const char *text);
/* "Attached 1 probe\n" or {"type": "attached_probes", "count": 1, "data": {"probes": 1}}. */
void print_attached(struct sb *out, int nprobes, enum out_format f);
/* Append s JSON-escaped (no quotes), as bpftrace escapes. */
void print_json_escape(struct sb *out, const char *s, size_t len);

/* Histogram bucket arithmetic (see the top of this file); lhist needs step > 0. */
/* A hist/lhist map: one histogram per user key (the bucket index is the last 8
 * bytes of the key), sorted by total; the `print_map` hook of hist and lhist. */
void print_hist_map(struct sb *out, const struct map_def *m, struct map_entry *e,
		    size_t n, bool json, uint32_t top, uint32_t div);

/* A tseries map: one chart (text) or list of {interval_start, value} (JSON) per user
 * key, over the last num_intervals intervals of the newest update; the print_map
 * hook of tseries (print_tseries.c). */
void print_tseries_map(struct sb *out, const struct map_def *m, struct map_entry *e,
		       size_t n, bool json, uint32_t top, uint32_t div);
/* Reduce the per-CPU { value, meta, epoch } of one tseries bucket into out: the
 * newest epoch's values combined by the type's aggregation (avg divided). */
void print_tseries_combine(const struct type *t, const uint8_t *raw, int ncpus,
			   size_t stride, uint8_t *out);
#define PRINT_HIST_NBUCKETS(k) ((uint32_t)(65 - (k)) * (1u << (k)) + 1)
uint64_t print_hist_index(int64_t v, int k);
uint64_t print_lhist_index(int64_t v, int64_t min, int64_t max, int64_t step);
/* Range of bucket `index`: values lo..hi inclusive; has_lo/has_hi false for the open
 * ends (the negative bucket of hist, the under/overflow buckets of lhist). */
struct print_bounds {
	int64_t lo, hi;		/* inclusive; hi saturates at INT64_MAX */
	bool has_lo, has_hi;	/* false: open end */
};
struct print_bounds print_hist_bounds(uint64_t index, int k);
struct print_bounds print_lhist_bounds(uint64_t index, int64_t min, int64_t max, int64_t step);

/* How many keys map m (open as fd) holds at most: its max_entries, else the
 * kernel's. */
uint32_t map_capacity(const struct map_def *m, int fd);

#endif
