/* Appendable string. Errors are sticky so callers check once at the end. */
#include "util/sb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"

void sb_init(struct sb *s)
{
	s->buf = NULL;
	s->len = s->cap = 0;
	s->err = 0;
}

void sb_fini(struct sb *s)
{
	xfree(s->buf);
	sb_init(s);
}

void sb_reset(struct sb *s)
{
	s->len = 0;
	if (s->buf)
		s->buf[0] = '\0';
}

static int sb_reserve(struct sb *s, size_t extra)
{
	if (s->err)
		return s->err;
	if (s->len + extra + 1 <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < s->len + extra + 1)
		cap *= 2;
	char *b = xrealloc(s->buf, cap);
	if (!b)
		return s->err = -ENOMEM;
	s->buf = b;
	s->cap = cap;
	return 0;
}

void sb_put(struct sb *s, const char *str, size_t n)
{
	if (sb_reserve(s, n))
		return;
	memcpy(s->buf + s->len, str, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

void sb_putc(struct sb *s, char c)
{
	sb_put(s, &c, 1);
}

void sb_puts(struct sb *s, const char *str)
{
	sb_put(s, str, strlen(str));
}

void sb_put_u64(struct sb *s, unsigned long long v)
{
	char buf[20], *p = buf + sizeof(buf);
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	sb_put(s, p, (size_t)(buf + sizeof(buf) - p));
}

void sb_put_i64(struct sb *s, long long v)
{
	if (v < 0) {
		sb_putc(s, '-');
		sb_put_u64(s, 0ULL - (unsigned long long)v);	/* LLONG_MIN too */
		return;
	}
	sb_put_u64(s, (unsigned long long)v);
}

void sb_vprintf(struct sb *s, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || sb_reserve(s, (size_t)n))
		return;
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

void sb_printf(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(s, fmt, ap);
	va_end(ap);
}

const char *sb_str(const struct sb *s)
{
	return s->buf ? s->buf : "";
}
