/* Diagnostics: every pass appends here; the driver prints them all at the end.
 *
 * The printed form is bpftrace's (and close to clang's):
 *
 *   stdin:1:9-17: ERROR: Unknown function: nosuchfn
 *   BEGIN { nosuchfn(); }
 *           ~~~~~~~~
 *   HINT: ...
 *
 * A range over several lines prints `file:line-end_line:` as bpftrace does and
 * marks the first line from the start column to its end. Columns count bytes;
 * tabs before the range are copied into the marker line so the tildes line up. */
#include "lang/diag.h"

#include <stdarg.h>
#include <string.h>

#include "util/arena.h"

#define COL_ERROR "\033[1;31m"
#define COL_WARNING "\033[1;35m"
#define COL_NOTE "\033[1;36m"
#define COL_MARK "\033[1;32m"
#define COL_RESET "\033[0m"

void diag_init(struct diags *d, struct arena *a, const char *src)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->src = src;
}

void diag_add_source(struct diags *d, const char *file, const char *src)
{
	struct diag_source *s = arena_alloc(d->arena, sizeof(*s));

	if (!s)
		return;	/* the program's line is shown instead */
	s->file = file;
	s->src = src;
	s->next = d->sources;
	d->sources = s;
}

/* The text a location points into: a registered file's, else the program's. */
static const char *diag_source_of(const struct diags *d, const struct loc *l)
{
	for (const struct diag_source *s = d->sources; s && l->file; s = s->next)
		if (!strcmp(s->file, l->file))
			return s->src;
	return d->src;
}

/* A new unlinked entry; the counters are bumped even when allocation fails so a
 * pass still fails on an error it could not record. */
static struct diag *diag_vnew(struct diags *d, enum diag_level level, struct loc loc,
			      const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static struct diag *diag_vnew(struct diags *d, enum diag_level level, struct loc loc,
			      const char *fmt, va_list ap)
{
	struct diag *dg = arena_alloc(d->arena, sizeof(*dg));
	if (!dg)
		return NULL;
	dg->level = level;
	dg->loc = loc;
	dg->msg = arena_vprintf(d->arena, fmt, ap);
	if (!dg->msg)
		dg->msg = "(out of memory formatting message)";
	return dg;
}

/* Append a new top-level entry and count it. */
static struct diag *diag_vadd(struct diags *d, enum diag_level level, struct loc loc,
			      const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static struct diag *diag_vadd(struct diags *d, enum diag_level level, struct loc loc,
			      const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
	if (d->nerrors + d->nwarnings > DIAG_MAX_KEPT)
		return NULL;	/* counted, not kept: diag_print says how many */
	struct diag *dg = diag_vnew(d, level, loc, fmt, ap);
	if (!dg)
		return NULL;
	if (d->tail)
		d->tail->next = dg;
	else
		d->head = dg;
	d->tail = dg;
	return dg;
}

struct diag *diag_error(struct diags *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *dg = diag_vadd(d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	return dg;
}

struct diag *diag_warning(struct diags *d, struct loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *dg = diag_vadd(d, DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
	return dg;
}

void diag_hint(struct diags *d, struct diag *dg, const char *fmt, ...)
{
	if (!dg)
		return;
	va_list ap;
	va_start(ap, fmt);
	dg->hint = arena_vprintf(d->arena, fmt, ap);
	va_end(ap);
}

void diag_note(struct diags *d, struct diag *dg, struct loc loc, const char *fmt, ...)
{
	if (!dg)
		return;
	va_list ap;
	va_start(ap, fmt);
	struct diag *note = diag_vnew(d, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	if (!note)
		return;
	struct diag **pp = &dg->note;
	while (*pp)
		pp = &(*pp)->note;
	*pp = note;
}

/* Start of 1-based line `line` in src and its length (without the newline);
 * NULL when the source has fewer lines. */
static const char *diag_line(const char *src, int line, int *len)
{
	if (!src)
		return NULL;
	const char *s = src;
	for (int i = 1; i < line; i++) {
		s = strchr(s, '\n');
		if (!s)
			return NULL;
		s++;
	}
	const char *e = strchr(s, '\n');
	*len = e ? (int)(e - s) : (int)strlen(s);
	return s;
}

/* Source lines longer than this are shown as a window around the range, so a
 * hostile one-line script of megabytes prints a few hundred bytes per error. */
#define DIAG_LINE_MAX 400
#define DIAG_CONTEXT 60		/* columns kept on each side of the range */

/* The source line and, under it, the tildes for columns [col, end) of the range
 * (to the end of the line when the range continues on later lines). A long
 * line is cut to the columns [from, to] around the range, "..." marking a cut. */
static void diag_print_marker(const struct diags *d, const struct loc *l, FILE *out,
			      bool color)
{
	int len = 0;
	const char *line = diag_line(diag_source_of(d, l), l->line, &len);
	if (!line)
		line = "", len = 0;
	int start = l->col > 0 ? l->col : 1;
	int end = l->end_line == l->line ? l->end_col : len + 1;
	if (end <= start)
		end = start + 1;
	int from = 1, to = len;
	if (len > DIAG_LINE_MAX) {
		from = start > DIAG_CONTEXT ? start - DIAG_CONTEXT : 1;
		if (end - start > DIAG_LINE_MAX - 2 * DIAG_CONTEXT)
			end = start + DIAG_LINE_MAX - 2 * DIAG_CONTEXT;
		to = end + DIAG_CONTEXT < len ? end + DIAG_CONTEXT : len;
	}
	const char *pre = from > 1 ? "..." : "";
	fprintf(out, "%s%.*s%s\n", pre, to - from + 1 > 0 ? to - from + 1 : 0, line + from - 1,
		to < len ? "..." : "");
	fputs(pre, out);
	for (int i = from; i < start; i++)
		fputc(i <= len && line[i - 1] == '\t' ? '\t' : ' ', out);
	if (color)
		fputs(COL_MARK, out);
	for (int i = start; i < end; i++)
		fputc('~', out);
	if (color)
		fputs(COL_RESET, out);
	fputc('\n', out);
}

/* One entry: the header, the marked source line when located, the hint. */
static void diag_print_one(const struct diags *d, const struct diag *dg, const char *level,
			   const char *level_color, FILE *out, bool color)
{
	const struct loc *l = &dg->loc;
	if (l->line > 0) {
		const char *file = l->file ? l->file : "stdin";
		if (l->end_line > l->line)
			fprintf(out, "%s:%d-%d: ", file, l->line, l->end_line);
		else
			fprintf(out, "%s:%d:%d-%d: ", file, l->line, l->col, l->end_col);
	}
	if (color)
		fprintf(out, "%s%s:%s %s\n", level_color, level, COL_RESET, dg->msg);
	else
		fprintf(out, "%s: %s\n", level, dg->msg);
	if (l->line > 0)
		diag_print_marker(d, l, out, color);
	if (dg->hint)
		fprintf(out, "HINT: %s\n", dg->hint);
}

void diag_print(const struct diags *d, FILE *out, bool color)
{
	int errors = 0, warnings = 0;	/* shown */

	for (const struct diag *dg = d->head; dg; dg = dg->next) {
		errors += dg->level == DIAG_ERROR;
		warnings += dg->level != DIAG_ERROR;
		if (dg->level == DIAG_ERROR)
			diag_print_one(d, dg, "ERROR", COL_ERROR, out, color);
		else
			diag_print_one(d, dg, "WARNING", COL_WARNING, out, color);
		for (const struct diag *n = dg->note; n; n = n->note)
			diag_print_one(d, n, "NOTE", COL_NOTE, out, color);
	}
	if (d->nerrors > errors)
		fprintf(out, "%d more errors not shown\n", d->nerrors - errors);
	if (d->nwarnings > warnings)
		fprintf(out, "%d more warnings not shown\n", d->nwarnings - warnings);
}
