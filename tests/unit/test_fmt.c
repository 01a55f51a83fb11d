/* printf formatting tests: every conversion with flags, width, precision and length
 * modifiers on records laid out by the storage rules, and the sema errors of
 * fmt_check with bpftrace's exact wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/types.h"
#include "runtime/fmt.h"
#include "runtime/print.h"
#include "util/arena.h"
#include "util/sb.h"

/* One argument: an integer of `bits`/sign, a string in `size` bytes, or a special
 * kind built by make_type. */
struct targ {
	char kind;		/* 'i' int, 's' string, 'p' pointer, 'b' buffer, 't' tuple (1, s), 'P' probe, 'k' ksym, 'r' record */
	int bits;
	bool is_signed;
	int64_t i;
	const char *s;
	uint32_t size;
};

#define I64(v) { .kind = 'i', .bits = 64, .is_signed = true, .i = (int64_t)(v) }
#define U64(v) { .kind = 'i', .bits = 64, .is_signed = false, .i = (int64_t)(v) }
#define I32(v) { .kind = 'i', .bits = 32, .is_signed = true, .i = (int64_t)(v) }
#define U32(v) { .kind = 'i', .bits = 32, .is_signed = false, .i = (int64_t)(v) }
#define I8(v) { .kind = 'i', .bits = 8, .is_signed = true, .i = (int64_t)(v) }
#define STR(v, n) { .kind = 's', .s = (v), .size = (n) }
#define PTR(v) { .kind = 'p', .i = (int64_t)(v) }
#define BUF(v, n) { .kind = 'b', .s = (v), .size = (n) }
#define TUP(v, s_) { .kind = 't', .i = (v), .s = (s_) }
#define PROBE(v) { .kind = 'P', .i = (v) }
#define KSYM(v) { .kind = 'k', .i = (v) }
#define END { 0 }

static struct type *make_type(struct arena *a, const struct targ *g)
{
	struct type *t;
	switch (g->kind) {
	case 'i':
		return type_int(a, g->bits, g->is_signed);
	case 's':
		return type_str(a, g->size);
	case 'p':
		t = type_new(a, TY_PTR);
		t->elem = type_int(a, 8, true);
		return t;
	case 'b':
		t = type_new(a, TY_BUF);
		t->size = 8 + g->size;
		return t;
	case 't': {
		struct type *el[2] = { type_int(a, 64, true), type_str(a, 8) };
		return type_tuple(a, el, 2);
	}
	case 'P':
		return type_new(a, TY_PROBE);
	case 'k':
		return type_new(a, TY_KSYM);
	default:
		return type_new(a, TY_NONE);
	}
}

/* Lay the value of g out at p (storage rules of types.h). */
static void put_arg(uint8_t *p, const struct targ *g, const struct type *t)
{
	switch (g->kind) {
	case 's':
		strncpy((char *)p, g->s, g->size);
		break;
	case 'b': {
		uint32_t len = (uint32_t)strlen(g->s);
		memcpy(p, &len, 4);
		memcpy(p + 8, g->s, len);
		break;
	}
	case 't':
		memcpy(p + t->fields[0].offset, &g->i, 8);
		strcpy((char *)p + t->fields[1].offset, g->s);
		break;
	default:
		memcpy(p, &g->i, 8);
	}
}

struct fmt_case {
	const char *fmt;
	struct targ args[16];
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	/* the host.txt line */
	{ "%d|%5d|%-5d|%u|%x|%X|%s|%-6s|%c|%lu|%llx\n",
	  { I64(-3), I64(42), I64(7), I64(10), I64(255), I64(255), STR("str", 64), STR("ab", 64),
	    I64(65), I64(123), I64(4096), END },
	  "-3|   42|7    |10|ff|FF|str|ab    |A|123|1000\n" },
	/* 64-bit values in full with l, ll, j, z, t */
	{ "%ld|%lld|%lu|%jd|%zx|%tx", { I64(INT64_MIN), I64(INT64_MAX), U64(UINT64_MAX), I64(-5000000000LL),
	  U64(UINT64_MAX), I64(-5000000000LL), END },
	  "-9223372036854775808|9223372036854775807|18446744073709551615|-5000000000|ffffffffffffffff|fffffffed5fa0e00" },
	/* without a length modifier, C's int: the low 32 bits (bpftrace v0.26) */
	{ "%d|%u|%x|%hhx %hx %x %jx", { I64(-5000000000LL), U64(UINT64_MAX), I64(0x12345678abcdefLL),
	  I64(0x12345678abcdefLL), I64(0x12345678abcdefLL), I64(0x12345678abcdefLL),
	  I64(0x12345678abcdefLL), END },
	  "-705032704|4294967295|78abcdef|ef cdef 78abcdef 12345678abcdef" },
	/* unsigned conversions see the type's width; %d is C's int */
	{ "%u|%x|%lu|%d|%d|%u|%X|%ld", { I32(-1), I32(-1), I64(-1), U32(4294967295u), I8(-5), I8(-5), I32(-2),
	  U32(4294967295u), END },
	  "4294967295|ffffffff|18446744073709551615|-1|-5|251|FFFFFFFE|4294967295" },
	/* flags */
	{ "%+d|% d|%05d|%.3d|%-+5d|%#x|%#o|%o|%i|%#X|%+d|%08.3d|%-05d|", { I64(5), I64(5), I64(-42),
	  I64(7), I64(3), I64(255), I64(8), I64(8), I64(-7), I64(255), I64(-1), I64(12), I64(9), END },
	  "+5| 5|-0042|007|+3   |0xff|010|10|-7|0XFF|-1|     012|9    |" },
	/* length modifiers: hh and h truncate as C does, the others change nothing */
	{ "%hd|%hhd|%hu|%hhx|%zd|%jd|%ld|%lld|%zu|%ju|%lx|%hhu|%td", { I64(70000), I64(300), I64(70000),
	  I64(300), I64(-5000000000LL), I64(2), I64(3), I64(4), I64(5), I64(6), I64(-1), I64(-1), I64(9), END },
	  "4464|44|4464|2c|-5000000000|2|3|4|5|6|ffffffffffffffff|255|9" },
	/* strings: width, precision, storage without NUL, shorter than storage */
	{ "%s|%10s|%-10s|%.2s|%5.2s|%s|%s|%-3s|", { STR("hello", 64), STR("hi", 64), STR("hi", 64),
	  STR("hello", 64), STR("hello", 64), STR("abcd", 4), STR("", 16), STR("abcdef", 64), END },
	  "hello|        hi|hi        |he|   he|abcd||abcdef|" },
	/* %c, %%, %p */
	{ "%c%c|%3c|%-3c|%%|%p|%10p|%p|%-8p|", { I64(104), I64(105), I64(65), I64(66), I64(4096),
	  I64(255), I64(0), PTR(16), END },
	  "hi|  A|B  |%|0x1000|      0xff|(nil)|0x10    |" },
	/* precision zero of zero prints nothing, as in C */
	{ "[%.0d]", { I64(0), END }, "[]" },
	/* pointers print as integers */
	{ "%d %x %u %lx", { PTR(4096), PTR(-1), PTR(10), PTR(-1), END }, "4096 ffffffff 10 ffffffffffffffff" },
	/* a '%' without a conversion prints as written and takes no argument */
	{ "%q %d 100%", { I64(5), END }, "%q 5 100%" },
	{ "%f|%", { END }, "%f|%" },
	/* non-string printing types through %s */
	{ "%s|%-8s|%s|%s", { TUP(1, "b"), PROBE(1), BUF("a\tb", 8), KSYM(0x10), END },
	  "(1, b)|kprobe  |a\\x09b|0x10" },
	{ "%r|%5r|", { BUF("xy\n", 8), BUF("q", 8), END }, "xy\\x0a|    q|" },
	/* text only */
	{ "plain text\n", { END }, "plain text\n" },
	/* too few arguments at run time: the conversion prints nothing */
	{ "a%db%dc", { I64(1), END }, "a1bc" },
};

static const char *const probe_names[] = { "BEGIN", "kprobe", "END" };

static void run_fmt_case(const struct fmt_case *c)
{
	struct arena a;
	arena_init(&a);
	struct type *types[16];
	uint32_t offsets[16], off = 0;
	uint8_t record[1024] = { 0 };
	int n = 0;
	for (; c->args[n].kind; n++) {
		types[n] = make_type(&a, &c->args[n]);
		offsets[n] = off;
		put_arg(record + off, &c->args[n], types[n]);
		off += (types[n]->size + 7) & ~7u;
	}
	struct sb out;
	sb_init(&out);
	fmt_print(&out, c->fmt, types, offsets, n, record);
	if (strcmp(sb_str(&out), c->want))
		print_error("format \"%s\"\n  got  \"%s\"\n  want \"%s\"\n", c->fmt, sb_str(&out), c->want);
	assert_string_equal(sb_str(&out), c->want);
	sb_fini(&out);
	arena_fini(&a);
}

static void test_fmt_print(void **state)
{
	(void)state;
	print_probe_names = probe_names;
	print_nprobe_names = 3;
	for (size_t i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++)
		run_fmt_case(&fmt_cases[i]);
}

static void test_fmt_count(void **state)
{
	(void)state;
	assert_int_equal(fmt_count_args("%d %s %%d %5.2lx %q %"), 3);
	assert_int_equal(fmt_count_args(""), 0);
	assert_int_equal(fmt_count_args("%-+ #010.5llu"), 1);
}

/* ---- sema errors ---- */

struct check_case {
	const char *call;	/* printf, system, cat */
	const char *fmt;
	struct targ args[10];
	const char *want;	/* NULL: accepted */
};

static const struct check_case check_cases[] = {
	{ "printf", "%d %d\n", { I64(1), END },
	  "printf: Not enough arguments for format string (1 supplied, 2 expected)" },
	{ "printf", "%d\n", { I64(1), I64(2), END },
	  "printf: Too many arguments for format string (2 supplied, 1 expected)" },
	{ "printf", "%q\n", { I64(1), END },
	  "printf: Too many arguments for format string (1 supplied, 0 expected)" },
	{ "printf", "%s\n", { I64(5), END },
	  "printf: %s specifier expects a value of type string (integer supplied)" },
	{ "printf", "%d\n", { STR("a", 8), END },
	  "printf: %d specifier expects a value of type integer (string supplied)" },
	{ "printf", "%-5lu\n", { STR("a", 8), END },
	  "printf: %lu specifier expects a value of type integer (string supplied)" },
	{ "printf", "%d\n", { PROBE(0), END },
	  "printf: %d specifier expects a value of type integer (string supplied)" },
	{ "printf", "%s\n", { BUF("x", 8), END },
	  "printf: %s specifier expects a value of type string (buffer supplied)" },
	{ "printf", "%r\n", { I64(1), END },
	  "printf: %r specifier expects a value of type buffer (integer supplied)" },
	{ "printf", "%x\n", { TUP(1, "a"), END },
	  "printf: %x specifier expects a value of type integer (tuple supplied)" },
	{ "system", "echo %d", { END },
	  "system: Not enough arguments for format string (0 supplied, 1 expected)" },
	{ "cat", "%s", { I64(1), END },
	  "cat: %s specifier expects a value of type string (integer supplied)" },
	{ "printf", "%s %d %p %c %s %r %s %lld %%\n", { STR("a", 8), I64(1), PTR(0), I64(65), KSYM(1),
	  BUF("b", 8), TUP(1, "a"), U64(3), END }, NULL },
	{ "printf", "%s %s %s\n", { KSYM(0), TUP(1, "a"), PROBE(0), END }, NULL },
	{ "printf", "no args\n", { END }, NULL },
};

static void run_check_case(const struct check_case *c)
{
	struct arena a;
	struct diags d;
	arena_init(&a);
	diag_init(&d, &a, "BEGIN { printf(...); }");
	struct loc site_loc = { "stdin", 1, 9, 1, 20 };
	struct node *site = ast_new(&a, N_CALL, site_loc), *args = NULL;
	site->call.name = c->call;
	for (int i = 0; c->args[i].kind; i++) {
		struct loc l = { "stdin", 1, 30 + i, 1, 31 + i };
		struct node *n = ast_new(&a, N_INT, l);
		n->type = make_type(&a, &c->args[i]);
		ast_append(&args, n);
	}
	site->call.args = args;
	bool ok = fmt_check(&d, site, c->fmt, args);
	if (!c->want) {
		assert_true(ok);
		assert_int_equal(d.nerrors, 0);
	} else {
		assert_false(ok);
		assert_int_equal(d.nerrors, 1);
		assert_string_equal(d.head->msg, c->want);
		assert_int_equal(d.head->loc.col, 9);	/* at the call, as bpftrace */
		assert_int_equal(d.head->loc.end_col, 20);
	}
	arena_fini(&a);
}

static void test_fmt_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++)
		run_check_case(&check_cases[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_print),
		cmocka_unit_test(test_fmt_count),
		cmocka_unit_test(test_fmt_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
