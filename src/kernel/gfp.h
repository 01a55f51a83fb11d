/* The kernel's names of GFP (get free pages) flags, for printf's %gr.
 *
 * The kernel prints gfp_t values with a table of {mask, name} pairs, composite
 * masks first (GFP_KERNEL before __GFP_IO). Its exact values depend on the
 * kernel version and configuration, so the table is read from the kernel
 * itself: the `show_gfp_flags` expansion in the kmem tracepoints' print format
 * (`__print_flags(REC->gfp_flags, "|", {(unsigned long)(EXPR), "NAME"}, ...)`),
 * whose masks are C constant expressions evaluated here. Loaded on first use,
 * at most once per run. */
#ifndef BPFL_GFP_H
#define BPFL_GFP_H

#include <stddef.h>
#include <stdint.h>

struct sb;

struct gfp_flag {
	uint64_t mask;
	const char *name;
};

/* The table in the kernel's order; NULL (and *n = 0) when no kmem tracepoint
 * format could be read or parsed. */
const struct gfp_flag *gfp_flags(size_t *n);

/* Parse the `__print_flags` table of a print format into a new table (free
 * with gfp_free_table); NULL when there is none or it does not parse.
 * Exposed for the unit tests. */
struct gfp_flag *gfp_parse_table(const char *format, size_t *n);
void gfp_free_table(struct gfp_flag *t, size_t n);

/* Append flags as the kernel prints them: the names of the table's masks that
 * are wholly set, in table order, each clearing its bits, joined by "|"; bits
 * no name covers as one hex number; "none" for 0. */
void gfp_print(struct sb *out, uint64_t flags);

#endif
