/* Duration suffixes: bpftrace turns `100ms` into 100000000 (nanoseconds) wherever an
 * integer literal or a timed attach point is accepted. */
#include <string.h>

#include "util/duration.h"

static const struct { const char *suffix; uint64_t ns; } dur_units[] = {
	{"ns", 1ull},
	{"us", 1000ull},
	{"ms", 1000000ull},
	{"s", 1000000000ull},
	{"m", 60ull * 1000000000ull},
	{"h", 3600ull * 1000000000ull},
	{"d", 86400ull * 1000000000ull},
};

uint64_t dur_unit_ns(const char *s)
{
	for (size_t i = 0; i < sizeof(dur_units) / sizeof(dur_units[0]); i++)
		if (!strcmp(s, dur_units[i].suffix))
			return dur_units[i].ns;
	return 0;
}

/* Multiply *v by m; false on overflow. */
static bool dur_mul(uint64_t *v, uint64_t m)
{
	if (m && *v > UINT64_MAX / m)
		return false;
	*v *= m;
	return true;
}

bool dur_parse(const char *s, uint64_t *ns)
{
	uint64_t v = 0;
	bool any = false;
	for (; (*s >= '0' && *s <= '9') || (*s == '_' && any); s++) {
		if (*s == '_')
			continue;
		if (!dur_mul(&v, 10) || v > UINT64_MAX - (uint64_t)(*s - '0'))
			return false;
		v += (uint64_t)(*s - '0');
		any = true;
	}
	if (any && *s == 'e' && s[1] >= '0' && s[1] <= '9') {
		unsigned exp = 0;
		for (s++; *s >= '0' && *s <= '9'; s++)
			exp = exp > 100 ? exp : exp * 10 + (unsigned)(*s - '0');
		for (unsigned i = 0; i < exp; i++)
			if (!dur_mul(&v, 10))
				return false;
	}
	uint64_t unit = *s ? dur_unit_ns(s) : 1;
	if (!any || !unit || !dur_mul(&v, unit))
		return false;
	*ns = v;
	return true;
}
