/* printf-style formatting of output records: the format check sema runs on
 * printf/system/cat calls, and the formatter the runtime applies to each record.
 *
 * Conversions: %d %i %u %x %X %o %c %p (integers and pointers), %s (strings, and
 * any printing type: ksym, usym, probe, inet, stacks, tuples...), %r (buffers),
 * %% ; flags `-0+ #`, width, precision, length modifiers hh h l ll z j t. A `%`
 * not followed by a conversion is printed as written and takes no argument, as
 * bpftrace does.
 *
 * Integer conversions take the width C gives them, as bpftrace v0.26 does: without
 * a length modifier %d/%u/%x of an int64 print its low 32 bits (%x of
 * 0x12345678abcdef is 78abcdef), hh and h 8 and 16 bits, l ll j z t all 64;
 * %u/%x of an int32 -1 print 4294967295/ffffffff, %lu of an int64 -1
 * 18446744073709551615. */
#ifndef BPFL_FMT_H
#define BPFL_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "lang/diag.h"
#include "util/sb.h"

struct node;
struct type;

/* Check a printf-style format against argument types (sema time). Errors go to d
 * at the call `site` with bpftrace's wording, prefixed by the call's name
 * ("printf: Not enough arguments for format string (1 supplied, 2 expected)");
 * returns false on error. `args` is the list of argument nodes (types set). */
bool fmt_check(struct diags *d, const struct node *site, const char *fmt,
	       const struct node *args);

/* Number of arguments `fmt` consumes. */
int fmt_count_args(const char *fmt);

/* Format one output record: args[i] of type types[i] lies at record + offsets[i]
 * (storage rules of types.h: ints are 8 bytes, strings fixed-size NUL-padded).
 * Appends to out. A missing argument prints as nothing. */
void fmt_print(struct sb *out, const char *fmt, struct type *const *types,
	       const uint32_t *offsets, int nargs, const void *record);

#endif
