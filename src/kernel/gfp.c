/* GFP flag names from the kernel's own table (see gfp.h): the kmem
 * tracepoints' print format is parsed once, its masks evaluated by a small
 * evaluator of the C constant expressions the kernel's macros expand to
 * (numbers with U/L suffixes, casts, ( ), ~, <<, >>, &, |). */
#include "kernel/gfp.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/tracefs.h"
#include "util/alloc.h"
#include "util/sb.h"

struct gfp_eval {
	const char *p;
	bool bad;	/* not an expression we understand */
};

static void gfp_ws(struct gfp_eval *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

static uint64_t gfp_or(struct gfp_eval *e);

/* unary: '~' unary | '(' type-name ')' unary | '(' or ')' | number */
static uint64_t gfp_unary(struct gfp_eval *e)
{
	gfp_ws(e);
	if (*e->p == '~') {
		e->p++;
		return ~gfp_unary(e);
	}
	if (*e->p == '(') {
		const char *q = e->p + 1;
		while (isspace((unsigned char)*q))
			q++;
		if (isalpha((unsigned char)*q) || *q == '_') {	/* a cast: ( gfp_t) */
			const char *end = strchr(q, ')');
			if (!end) {
				e->bad = true;
				return 0;
			}
			e->p = end + 1;
			return gfp_unary(e);
		}
		e->p++;
		uint64_t v = gfp_or(e);
		gfp_ws(e);
		if (*e->p != ')')
			e->bad = true;
		else
			e->p++;
		return v;
	}
	if (!isdigit((unsigned char)*e->p)) {
		e->bad = true;
		return 0;
	}
	char *end;
	uint64_t v = strtoull(e->p, &end, 0);
	e->p = end;
	while (*e->p && strchr("uUlL", *e->p))
		e->p++;
	return v;
}

/* shift: unary (('<<' | '>>') unary)* */
static uint64_t gfp_shift(struct gfp_eval *e)
{
	uint64_t v = gfp_unary(e);
	for (;;) {
		gfp_ws(e);
		bool left = e->p[0] == '<' && e->p[1] == '<';
		if (!left && !(e->p[0] == '>' && e->p[1] == '>'))
			return v;
		e->p += 2;
		uint64_t by = gfp_unary(e);
		v = by > 63 ? 0 : left ? v << by : v >> by;
	}
}

/* and: shift ('&' shift)* */
static uint64_t gfp_and(struct gfp_eval *e)
{
	uint64_t v = gfp_shift(e);
	for (gfp_ws(e); *e->p == '&' && e->p[1] != '&'; gfp_ws(e)) {
		e->p++;
		v &= gfp_shift(e);
	}
	return v;
}

/* or: and ('|' and)* */
static uint64_t gfp_or(struct gfp_eval *e)
{
	uint64_t v = gfp_and(e);
	for (gfp_ws(e); *e->p == '|' && e->p[1] != '|'; gfp_ws(e)) {
		e->p++;
		v |= gfp_and(e);
	}
	return v;
}

/* Skip p past the first argument of a call and the ',' after it. */
static const char *gfp_skip_arg(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		else if (*p == ',' && depth == 0)
			return p + 1;
	}
	return NULL;
}

/* A quoted string at *p (after spaces) into a new string; *p moves past it. */
static char *gfp_string(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
	if (**p != '"')
		return NULL;
	const char *end = strchr(*p + 1, '"');
	if (!end)
		return NULL;
	char *s = xcalloc(1, (size_t)(end - *p));
	if (s)
		memcpy(s, *p + 1, (size_t)(end - *p - 1));
	*p = end + 1;
	return s;
}

/* One entry `{ EXPR, "NAME" }` at e->p into f; false at anything else. */
static bool gfp_entry(struct gfp_eval *e, struct gfp_flag *f)
{
	gfp_ws(e);
	if (*e->p != '{')
		return false;
	e->p++;
	f->mask = gfp_or(e);
	gfp_ws(e);
	if (e->bad || *e->p != ',')
		return false;
	e->p++;
	f->name = gfp_string(&e->p);
	gfp_ws(e);
	if (!f->name || *e->p != '}') {
		xfree((void *)f->name);
		return false;
	}
	e->p++;
	return true;
}

void gfp_free_table(struct gfp_flag *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		xfree((void *)t[i].name);
	xfree(t);
}

struct gfp_flag *gfp_parse_table(const char *format, size_t *n)
{
	const char *p = strstr(format, "__print_flags(");
	struct gfp_flag *t = NULL, f;
	*n = 0;
	p = p ? gfp_skip_arg(p + strlen("__print_flags(")) : NULL;	/* the value */
	char *delim = p ? gfp_string(&p) : NULL;
	xfree(delim);
	if (!delim)
		return NULL;
	struct gfp_eval e = {.p = p};
	for (gfp_ws(&e); *e.p == ','; gfp_ws(&e)) {
		e.p++;
		if (!gfp_entry(&e, &f))
			break;
		struct gfp_flag *grown = xrealloc(t, sizeof(*t) * (*n + 1));
		if (!grown) {
			xfree((void *)f.name);
			break;
		}
		t = grown;
		t[(*n)++] = f;
	}
	if (*n == 0) {
		xfree(t);
		return NULL;
	}
	return t;
}

const struct gfp_flag *gfp_flags(size_t *n)
{
	static const char *const events[] = {"kmalloc", "mm_page_alloc", "kmem_cache_alloc"};
	static struct gfp_flag *table;
	static size_t count;
	static bool tried;
	for (size_t i = 0; !tried && i < sizeof(events) / sizeof(events[0]) && !table; i++) {
		char *text = tracefs_format_text("kmem", events[i]);
		if (text)
			table = gfp_parse_table(text, &count);
		xfree(text);
	}
	tried = true;
	*n = count;
	return table;
}

void gfp_print(struct sb *out, uint64_t flags)
{
	size_t n;
	const struct gfp_flag *t = gfp_flags(&n);
	bool first = true;
	if (!flags) {
		sb_puts(out, "none");
		return;
	}
	for (size_t i = 0; i < n && flags; i++) {
		if ((flags & t[i].mask) != t[i].mask)
			continue;
		flags &= ~t[i].mask;
		sb_printf(out, "%s%s", first ? "" : "|", t[i].name);
		first = false;
	}
	if (flags)
		sb_printf(out, "%s%#llx", first ? "" : "|", (unsigned long long)flags);
}
