/* The error sink (see msg.h). Each message is built whole in a buffer and
 * written with one fwrite, so a message never interleaves with the output of
 * a -c child writing to the same terminal. */
#include "runtime/msg.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "util/sb.h"

static enum out_format msg_format = OUT_TEXT;
static FILE *msg_stream;	/* NULL: stderr */
static bool msg_quiet_warnings;	/* --no-warnings */

void msg_init(enum out_format format, FILE *stream)
{
	msg_format = format;
	msg_stream = stream;
}

void msg_set_warnings(bool on)
{
	msg_quiet_warnings = !on;
}

static FILE *msg_out(void)
{
	return msg_stream ? msg_stream : stderr;
}

static void msg_write(struct sb *s)
{
	if (!s->err)
		fwrite(sb_str(s), 1, s->len, msg_out());
	fflush(msg_out());
}

/* `, "key": "value"` with value JSON-escaped. */
static void json_field(struct sb *s, const char *key, const char *value)
{
	sb_printf(s, ", \"%s\": \"", key);
	print_json_escape(s, value, strlen(value));
	sb_putc(s, '"');
}

/* The opening of a record up to its message: {"type": "error", "msg": "..." */
static void json_open(struct sb *s, const char *type, const char *text)
{
	sb_printf(s, "{\"type\": \"%s\"", type);
	json_field(s, "msg", text);
}

/* The end of a record: its hint and detail, then the closing brace. */
static void json_close(struct sb *s, const char *hint, const char *detail)
{
	if (hint)
		json_field(s, "hint", hint);
	if (detail)
		json_field(s, "log", detail);
	sb_puts(s, "}\n");
}

/* detail as text: verbatim, ending with a newline. */
static void text_detail(struct sb *s, const char *detail)
{
	size_t n = strlen(detail);

	sb_put(s, detail, n);
	if (n && detail[n - 1] != '\n')
		sb_putc(s, '\n');
}

static void msg_vreport(enum msg_level level, const char *hint, const char *detail,
			const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* One unlocated message in the current format. */
static void msg_vreport(enum msg_level level, const char *hint, const char *detail,
			const char *fmt, va_list ap)
{
	struct sb text, s;

	if (level == MSG_WARNING && msg_quiet_warnings)
		return;
	sb_init(&text);
	sb_init(&s);
	sb_vprintf(&text, fmt, ap);
	if (msg_format == OUT_JSON) {
		json_open(&s, level == MSG_ERROR ? "error" : "warning", sb_str(&text));
		json_close(&s, hint, detail);
	} else {
		sb_printf(&s, "%s: %s\n", level == MSG_ERROR ? "ERROR" : "WARNING", sb_str(&text));
		if (hint)
			sb_printf(&s, "HINT: %s\n", hint);
		if (detail)
			text_detail(&s, detail);
	}
	msg_write(&s);
	sb_fini(&s);
	sb_fini(&text);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vreport(MSG_ERROR, NULL, NULL, fmt, ap);
	va_end(ap);
}

void msg_oom(void)
{
	static bool said;

	if (!said)
		msg_error("out of memory");
	said = true;
}

void msg_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vreport(MSG_WARNING, NULL, NULL, fmt, ap);
	va_end(ap);
}

void msg_report(enum msg_level level, const char *hint, const char *detail,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vreport(level, hint, detail, fmt, ap);
	va_end(ap);
}

/* One diagnostic as a record; its location as bpftrace's runtime_error gives
 * it (file, line, first column). */
static void json_diag(struct sb *s, const struct diag *dg, const char *type,
		      const char *detail)
{
	json_open(s, type, dg->msg);
	if (dg->loc.line > 0) {
		json_field(s, "filename", dg->loc.file ? dg->loc.file : "stdin");
		sb_printf(s, ", \"line\": %d, \"col\": %d", dg->loc.line, dg->loc.col);
	}
	json_close(s, dg->hint, detail);
}

void msg_diags(const struct diags *d, const char *detail)
{
	struct sb s;

	if (msg_format != OUT_JSON) {
		fflush(msg_out());
		diag_print(d, msg_out(), isatty(fileno(msg_out())));
		sb_init(&s);
		if (detail)
			text_detail(&s, detail);
		msg_write(&s);
		sb_fini(&s);
		return;
	}
	sb_init(&s);
	for (const struct diag *dg = d->head; dg; dg = dg->next) {
		bool last = !dg->next;
		json_diag(&s, dg, dg->level == DIAG_ERROR ? "error" : "warning",
			  last && !dg->note ? detail : NULL);
		for (const struct diag *n = dg->note; n; n = n->note)
			json_diag(&s, n, "note", last && !n->note ? detail : NULL);
	}
	msg_write(&s);
	sb_fini(&s);
}

/* msg_located_from with the arguments in a va_list. */
static void msg_vlocated(enum msg_level level, const struct loc *loc, const struct loc *from,
			 int nfrom, const char *src, const char *fmt, va_list ap)
{
	enum { MAX_FROM = 16 };
	struct sb text;

	if (level == MSG_WARNING && msg_quiet_warnings)
		return;
	sb_init(&text);
	sb_vprintf(&text, fmt, ap);
	/* diagnostics on the stack: nothing is allocated from an arena per event */
	enum diag_level dl = level == MSG_ERROR ? DIAG_ERROR : DIAG_WARNING;
	struct diag dg[1 + MAX_FROM] = {{.level = dl, .loc = *loc, .msg = sb_str(&text)}};
	int n = 1;
	for (int i = 0; i < nfrom && i < MAX_FROM; i++, n++) {
		dg[n] = (struct diag){.level = dl, .loc = from[i], .msg = "expanded from"};
		dg[n - 1].next = &dg[n];
	}
	struct diags d = {.src = src, .head = &dg[0], .tail = &dg[n - 1],
			  .nerrors = level == MSG_ERROR, .nwarnings = level == MSG_WARNING};
	msg_diags(&d, NULL);
	sb_fini(&text);
}

void msg_located(enum msg_level level, const struct loc *loc, const char *src,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vlocated(level, loc, NULL, 0, src, fmt, ap);
	va_end(ap);
}

void msg_located_from(enum msg_level level, const struct loc *loc, const struct loc *from,
		      int nfrom, const char *src, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	msg_vlocated(level, loc, from, nfrom, src, fmt, ap);
	va_end(ap);
}
