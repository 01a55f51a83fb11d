/* String buffer: an appendable, always NUL-terminated heap string. */
#ifndef BPFL_SB_H
#define BPFL_SB_H
#include <stdarg.h>
#include <stddef.h>

struct sb {
	char *buf;	/* NUL-terminated when non-NULL */
	size_t len, cap;
	int err;	/* sticky: -ENOMEM after a failed append */
};

void sb_init(struct sb *s);
void sb_fini(struct sb *s);
void sb_reset(struct sb *s);
void sb_putc(struct sb *s, char c);
void sb_put(struct sb *s, const char *str, size_t n);
void sb_puts(struct sb *s, const char *str);
void sb_printf(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Decimal integers, as %llu / %lld print them, without printf's parsing. */
void sb_put_u64(struct sb *s, unsigned long long v);
void sb_put_i64(struct sb *s, long long v);
void sb_vprintf(struct sb *s, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The contents ("" when empty); valid until the next append. */
const char *sb_str(const struct sb *s);

#endif
