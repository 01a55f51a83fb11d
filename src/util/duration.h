/* Duration suffixes of integer literals (`100ms`, `1s`, `5m`): one table shared by
 * the lexer (literals in expressions) and the timed probe families (`interval:500ms`). */
#ifndef BPFL_DURATION_H
#define BPFL_DURATION_H
#include <stdbool.h>
#include <stdint.h>

/* The number of nanoseconds in one unit of suffix s (ns, us, ms, s, m, h, d);
 * 0 when s is not a duration suffix. */
uint64_t dur_unit_ns(const char *s);

/* Parse "N" or "N<suffix>" (decimal, `_` separators, `e` exponent) into
 * nanoseconds; a bare N is nanoseconds. False on anything else or overflow. */
bool dur_parse(const char *s, uint64_t *ns);

#endif
