/* printf-style formats: parsed the same way by the sema check (fmt_check) and by
 * the runtime formatter (fmt_print), so the argument count can never disagree.
 * Numbers and strings are formatted by libc's snprintf with a conversion rebuilt
 * from the parsed spec, so flags, width and precision behave exactly as in C. */
#include "runtime/fmt.h"

#include <string.h>

#include "kernel/gfp.h"
#include "lang/ast.h"
#include "lang/types.h"
#include "runtime/print.h"

#define FMT_MAX_WIDTH 4096	/* larger widths/precisions are clamped */

struct fmt_spec {
	char flags[6];	/* the distinct flags of "-0+ #", as written */
	int width;	/* -1: none */
	int prec;	/* -1: none */
	char len[3];	/* length modifier: "", "hh", "h", "l", "ll", "z", "j", "t" */
	char conv;	/* d i u x X o c p s r g */
	char sub;	/* after r: 'x' (every byte \\xNN) or 'h' (hex pairs with spaces);
			 * after g: 'r' (%gr, GFP flags by name); else 0 */
};

enum fmt_piece { FMT_END, FMT_TEXT, FMT_SPEC };

/* Read a decimal number at *p (clamped to FMT_MAX_WIDTH); -1 when there is none. */
static int fmt_number(const char **p)
{
	if (**p < '0' || **p > '9')
		return -1;
	int n = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		if (n < FMT_MAX_WIDTH)
			n = n * 10 + (**p - '0');
	return n > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : n;
}

/* Length modifiers, longest first so "hh" wins over "h". */
static const char *const fmt_lengths[] = { "hh", "ll", "h", "l", "z", "j", "t" };

/* Parse a conversion at p (just after '%'): flags, width, precision, length and
 * conversion. Returns the number of bytes it spans, or 0 when p does not start one. */
static size_t fmt_parse_spec(const char *p, struct fmt_spec *s)
{
	const char *start = p;
	size_t nf = 0;
	memset(s, 0, sizeof(*s));
	for (; *p && strchr("-0+ #", *p); p++)
		if (!memchr(s->flags, *p, nf))
			s->flags[nf++] = *p;
	s->width = fmt_number(&p);
	s->prec = -1;
	if (*p == '.') {
		p++;
		s->prec = fmt_number(&p);
		if (s->prec < 0)
			s->prec = 0;	/* "%.d": precision zero, as in C */
	}
	for (size_t i = 0; i < sizeof(fmt_lengths) / sizeof(fmt_lengths[0]); i++) {
		size_t n = strlen(fmt_lengths[i]);
		if (!strncmp(p, fmt_lengths[i], n)) {
			memcpy(s->len, fmt_lengths[i], n);
			p += n;
			break;
		}
	}
	if (!*p || !strchr("diuxXocpsrg", *p))
		return 0;
	s->conv = *p++;
	if (s->conv == 'r' && (*p == 'x' || *p == 'h'))
		s->sub = *p++;
	if (s->conv == 'g') {	/* only as %gr: bpftrace has no floating point */
		if (*p != 'r')
			return 0;
		s->sub = *p++;
	}
	return (size_t)(p - start);
}

/* The next piece of the format at *p: literal text (text, len) or a conversion (s). */
static enum fmt_piece fmt_next(const char **p, const char **text, size_t *len,
			       struct fmt_spec *s)
{
	const char *c = *p;
	if (!*c)
		return FMT_END;
	*text = c;
	if (*c == '%') {
		size_t n = c[1] == '%' ? 0 : fmt_parse_spec(c + 1, s);
		if (n) {
			*p = c + 1 + n;
			return FMT_SPEC;
		}
		*len = 1;	/* "%%" prints one '%'; a lone '%' prints as written */
		*p = c + (c[1] == '%' ? 2 : 1);
		return FMT_TEXT;
	}
	const char *e = strchr(c, '%');
	*len = e ? (size_t)(e - c) : strlen(c);
	*p = c + *len;
	return FMT_TEXT;
}

int fmt_count_args(const char *fmt)
{
	const char *p = fmt, *text;
	size_t len;
	struct fmt_spec s;
	int n = 0;
	enum fmt_piece k;
	while ((k = fmt_next(&p, &text, &len, &s)) != FMT_END)
		n += k == FMT_SPEC;
	return n;
}

/* ---- sema check ---- */

/* How an argument type may be printed (its row's printf class); `name` is
 * bpftrace's name for it. */
static enum type_printf fmt_class_of(const struct type *t, const char **name)
{
	*name = type_ops(t)->printf_name;
	return type_ops(t)->printf_class;
}

/* Whether conversion `conv` takes an argument of class c; sets the expected name. */
static bool fmt_accepts(char conv, enum type_printf c, const char **want)
{
	if (conv == 's') {
		*want = "string";
		return c == TP_STRING || c == TP_TUPLE;
	}
	if (conv == 'r') {
		*want = "buffer";
		return c == TP_BUFFER;
	}
	*want = "integer";
	return c == TP_INTEGER;
}

bool fmt_check(struct diags *d, const struct node *site, const char *fmt,
	       const struct node *args)
{
	const char *fn = site->kind == N_CALL ? site->call.name : "printf";
	int nargs = ast_list_len(args), nspecs = fmt_count_args(fmt);
	if (nargs != nspecs) {
		diag_error(d, site->loc, "%s: %s arguments for format string (%d supplied, %d expected)",
			   fn, nargs < nspecs ? "Not enough" : "Too many", nargs, nspecs);
		return false;
	}
	const char *p = fmt, *text;
	size_t len;
	struct fmt_spec s;
	enum fmt_piece k;
	const struct node *a = args;
	while ((k = fmt_next(&p, &text, &len, &s)) != FMT_END) {
		if (k != FMT_SPEC)
			continue;
		const char *have, *want;
		bool enum_name = s.conv == 's' && a->type && a->type->nenumerators;	/* its name */
		if (!fmt_accepts(s.conv, fmt_class_of(a->type, &have), &want) && !enum_name) {
			/* bpftrace reports the argument errors at the call, too */
			diag_error(d, site->loc, "%s: %%%s%c specifier expects a value of type %s (%s supplied)",
				   fn, s.len, s.conv, want, have);
			return false;
		}
		a = a->next;
	}
	return true;
}

/* ---- runtime formatting ---- */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* snprintf with a conversion rebuilt by fmt_conv from a parsed, validated spec. */
static void fmt_emit_ll(struct sb *out, const char *conv, long long v)
{
	sb_printf(out, conv, v);
}

static void fmt_emit_int(struct sb *out, const char *conv, int v)
{
	sb_printf(out, conv, v);
}

static void fmt_emit_ptr(struct sb *out, const char *conv, void *v)
{
	sb_printf(out, conv, v);
}

static void fmt_emit_str(struct sb *out, const char *conv, int prec, const char *v)
{
	sb_printf(out, conv, prec, v);
}
#pragma GCC diagnostic pop

/* Rebuild "%<flags><width>[.<prec>]<length><conv>" into buf. `flags` limits the
 * flags kept (C leaves others undefined for some conversions). */
static void fmt_conv(char *buf, size_t size, const struct fmt_spec *s, const char *flags,
		     bool with_prec, const char *length, char conv)
{
	char f[sizeof(s->flags)] = "";
	size_t n = 0;
	for (const char *c = s->flags; *c; c++)
		if (strchr(flags, *c))
			f[n++] = *c;
	char w[16] = "", pr[16] = "";
	if (s->width >= 0)
		snprintf(w, sizeof(w), "%d", s->width);
	if (with_prec && s->prec >= 0)
		snprintf(pr, sizeof(pr), ".%d", s->prec);
	snprintf(buf, size, "%%%s%s%s%s%c", f, w, pr, length, conv);
}

/* The integer at data, extended from the type's logical width; unsigned
 * conversions see it at that width (an int32 -1 is 4294967295). */
static uint64_t fmt_load_int(const struct type *t, const void *data, bool as_unsigned)
{
	uint64_t v;
	memcpy(&v, data, sizeof(v));
	int bits = t->kind == TY_INT && t->bits && t->bits < 64 ? t->bits : 64;
	if (bits == 64)
		return v;
	uint64_t mask = (UINT64_C(1) << bits) - 1;
	v &= mask;
	if (!as_unsigned && t->is_signed && (v >> (bits - 1)))
		v |= ~mask;
	return v;
}

/* An integer conversion (d i u x X o c p) of the integer at data. */
static void fmt_print_int(struct sb *out, const struct fmt_spec *s, const struct type *t,
			  const void *data)
{
	bool is_unsigned = strchr("uxXo", s->conv) != NULL;
	uint64_t v = fmt_load_int(t, data, is_unsigned);
	char conv[48];
	if (!strcmp(s->len, "hh"))
		v = is_unsigned ? (uint8_t)v : (uint64_t)(int64_t)(int8_t)v;
	else if (!strcmp(s->len, "h"))
		v = is_unsigned ? (uint16_t)v : (uint64_t)(int64_t)(int16_t)v;
	else if (!s->len[0] && strchr("diuxXo", s->conv))	/* C's int, as bpftrace */
		v = is_unsigned ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
	if (s->conv == 'c') {
		fmt_conv(conv, sizeof(conv), s, "-", false, "", 'c');
		fmt_emit_int(out, conv, (unsigned char)v);
	} else if (s->conv == 'p') {
		fmt_conv(conv, sizeof(conv), s, "-", false, "", 'p');
		fmt_emit_ptr(out, conv, (void *)(uintptr_t)v);
	} else {
		fmt_conv(conv, sizeof(conv), s, "-0+ #", true, "ll", s->conv);
		fmt_emit_ll(out, conv, (long long)v);
	}
}

/* %s / %r: the text of the value (strings up to their NUL or storage size). */
static void fmt_print_text(struct sb *out, const struct fmt_spec *s, const struct type *t,
			   const void *data)
{
	struct sb tmp;
	sb_init(&tmp);
	if (t->kind == TY_STR)
		print_str(&tmp, t, data);
	else
		print_value(&tmp, t, data, OUT_TEXT);
	/* the precision goes through '*': it also bounds the copy */
	char conv[32];
	if (s->width >= 0)
		snprintf(conv, sizeof(conv), "%%%s%d.*s", strchr(s->flags, '-') ? "-" : "", s->width);
	else
		snprintf(conv, sizeof(conv), "%%%s.*s", strchr(s->flags, '-') ? "-" : "");
	int prec = s->prec >= 0 && (size_t)s->prec < tmp.len ? s->prec : (int)tmp.len;
	fmt_emit_str(out, conv, prec, sb_str(&tmp));
	sb_fini(&tmp);
}

/* %rx and %rh of a buffer ({uint32 len; pad; data}): every byte in hex, as
 * \\xNN without spaces (x) or as NN separated by spaces (h). */
static void fmt_print_hex(struct sb *out, const struct fmt_spec *s, const struct type *t,
			  const uint8_t *data)
{
	uint32_t len, cap = t->size > 8 ? t->size - 8 : 0;
	memcpy(&len, data, sizeof(len));
	for (uint32_t i = 0; i < len && i < cap; i++) {
		if (s->sub == 'x')
			sb_printf(out, "\\x%02x", data[8 + i]);
		else
			sb_printf(out, i ? " %02x" : "%02x", data[8 + i]);
	}
}

void fmt_print(struct sb *out, const char *fmt, struct type *const *types,
	       const uint32_t *offsets, int nargs, const void *record)
{
	const char *p = fmt, *text;
	size_t len;
	struct fmt_spec s;
	enum fmt_piece k;
	int i = 0;
	while ((k = fmt_next(&p, &text, &len, &s)) != FMT_END) {
		if (k == FMT_TEXT) {
			sb_put(out, text, len);
			continue;
		}
		if (i >= nargs)
			continue;
		const struct type *t = types[i];
		const void *data = (const char *)record + offsets[i];
		i++;
		if (s.conv == 'r' && s.sub && t->kind == TY_BUF)
			fmt_print_hex(out, &s, t, data);
		else if (s.conv == 'g')
			gfp_print(out, fmt_load_int(t, data, true));
		else if (s.conv == 's' || s.conv == 'r' || type_ops(t)->printf_class != TP_INTEGER)
			fmt_print_text(out, &s, t, data);
		else
			fmt_print_int(out, &s, t, data);
	}
}
