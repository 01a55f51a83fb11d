/* The C declaration parser (see cdecl.h): a small tokenizer over one piece of C
 * text, a recursive-descent parser for the declarations scripts write, and C's
 * layout rules (each member at a multiple of its alignment, a struct's size a
 * multiple of its largest alignment, unions overlap, `packed` aligns to 1). */
#include "parser/cdecl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"
#include "parser/cinclude.h"
#include "util/arena.h"

enum { CT_EOF, CT_IDENT, CT_NUM, CT_PUNCT };

/* The parser's state over one piece of C text. */
struct cp {
	struct program *p;
	struct arena *a;
	const char *s;		/* the next character */
	const char *start;	/* the piece's first character, at loc */
	const char *tok_at;	/* the current token's first character */
	struct loc loc;		/* of the piece's start */
	int kind;		/* of the current token */
	char tok[128];		/* its text */
	uint64_t num;		/* CT_NUM: its value */
	cdecl_lookup_fn lookup;
	void *arg;
	bool failed;		/* an error was reported: stop */
	bool quiet;		/* only looking a type name up: define nothing */
};

/* ---- tokens ---------------------------------------------------------------- */

static void skip_blank(struct cp *c)
{
	for (;;) {
		while (isspace((unsigned char)*c->s))
			c->s++;
		if (c->s[0] == '/' && c->s[1] == '/') {
			while (*c->s && *c->s != '\n')
				c->s++;
		} else if (c->s[0] == '/' && c->s[1] == '*') {
			const char *end = strstr(c->s + 2, "*/");
			c->s = end ? end + 2 : c->s + strlen(c->s);
		} else {
			return;
		}
	}
}

/* Read the next token into c->kind / c->tok / c->num. */
static void next(struct cp *c)
{
	skip_blank(c);
	const char *b = c->s;
	size_t n = 0;
	c->tok_at = b;
	if (!*b) {
		c->kind = CT_EOF;
		c->tok[0] = '\0';
		return;
	}
	if (isalpha((unsigned char)*b) || *b == '_') {
		while (isalnum((unsigned char)b[n]) || b[n] == '_')
			n++;
		c->kind = CT_IDENT;
	} else if (isdigit((unsigned char)*b)) {
		char *end;
		c->num = strtoull(b, &end, 0);
		while (isalpha((unsigned char)*end))	/* u, l suffixes */
			end++;
		n = (size_t)(end - b);
		c->kind = CT_NUM;
	} else {
		n = 1;
		c->kind = CT_PUNCT;
	}
	if (n >= sizeof(c->tok))
		n = sizeof(c->tok) - 1;
	memcpy(c->tok, b, n);
	c->tok[n] = '\0';
	c->s = b + n;
}

static bool is(const struct cp *c, const char *tok)
{
	return c->kind != CT_EOF && !strcmp(c->tok, tok);
}

static bool accept(struct cp *c, const char *tok)
{
	if (!is(c, tok))
		return false;
	next(c);
	return true;
}

/* Where the current token is: the piece is the script's own text from loc
 * on, so lines and columns are counted from there. */
static struct loc tok_loc(const struct cp *c)
{
	struct loc l = c->loc;
	if (!c->start || !c->tok_at)
		return l;
	for (const char *q = c->start; q < c->tok_at; q++) {
		if (*q == '\n') {
			l.line++;
			l.col = 1;
		} else {
			l.col++;
		}
	}
	l.end_line = l.line;
	l.end_col = l.col + (c->kind == CT_EOF ? 1 : (int)strlen(c->tok));
	return l;
}

/* Report the first error of a piece of C; the rest of it is skipped. */
__attribute__((format(printf, 2, 3)))
static void fail(struct cp *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(&c->p->diags, tok_loc(c), "%s", msg);
}

static bool expect(struct cp *c, const char *tok)
{
	if (accept(c, tok))
		return true;
	fail(c, "expected '%s' in C definition, found '%s'", tok,
	     c->kind == CT_EOF ? "end of definition" : c->tok);
	return false;
}

/* ---- the tables -------------------------------------------------------------- */

static void define_type(struct cp *c, const char *name, struct type *t)
{
	struct ctype_def *d = arena_alloc(c->a, sizeof(*d));
	if (!d || vec_push(&c->p->ctypes, d))
		return;
	d->name = arena_strdup(c->a, name);
	d->type = t;
}

static void define_const(struct cp *c, const char *name, int64_t value, struct type *t)
{
	struct cconst_def *d = arena_alloc(c->a, sizeof(*d));
	if (!d || vec_push(&c->p->cconsts, d))
		return;
	d->name = arena_strdup(c->a, name);
	d->value = value;
	d->type = t;
}

/* Append enumerator `name` = value to enum type t (its names print values). The
 * array is copied on each append: script enums are short. */
static void add_enumerator(struct cp *c, struct type *t, const char *name, int64_t value)
{
	struct enumerator *e = arena_alloc(c->a, sizeof(*e) * (size_t)(t->nenumerators + 1));
	if (!e)
		return;
	if (t->nenumerators)
		memcpy(e, t->enumerators, sizeof(*e) * (size_t)t->nenumerators);
	e[t->nenumerators].name = arena_strdup(c->a, name);
	e[t->nenumerators].value = value;
	t->enumerators = e;
	t->nenumerators++;
}

/* ---- layout ------------------------------------------------------------------ */

static uint32_t align_of(const struct type *t)
{
	switch (t ? t->kind : TY_NONE) {
	case TY_INT:
		return type_c_size(t);
	case TY_PTR:
		return 8;
	case TY_ARRAY:
		return align_of(t->elem);
	case TY_RECORD:
		if (t->align)
			return t->align;
		return t->size >= 8 ? 8 : t->size >= 4 ? 4 : t->size >= 2 ? 2 : 1;
	default:
		return 1;	/* char arrays (strings) */
	}
}

static uint32_t round_up(uint32_t v, uint32_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* One member while a struct body is read, before layout. */
struct member {
	const char *name;	/* NULL: an anonymous struct/union, flattened */
	struct type *type;
	int bits;		/* a bitfield's width, else -1 */
};

/* Lay out members into rec (C's rules); anonymous members' fields are lifted
 * into rec at their offsets; bitfields take space but are not fields. */
static void layout(struct cp *c, struct type *rec, struct member *m, int n, bool is_union,
		   bool packed)
{
	int nfields = 0;
	for (int i = 0; i < n; i++)
		nfields += m[i].name ? 1 : m[i].type->nfields;
	rec->fields = arena_alloc(c->a, sizeof(*rec->fields) * (size_t)(nfields ? nfields : 1));
	if (!rec->fields)
		return;
	uint32_t off = 0, size = 0, max_align = 1, bit = 0;	/* bit: bitfield position */
	for (int i = 0; i < n; i++) {
		uint32_t al = packed ? 1 : align_of(m[i].type), sz = type_c_size(m[i].type);
		if (m[i].bits >= 0) {	/* bitfield: packed into units of its type */
			uint32_t unit = sz * 8;
			if (is_union)
				bit = 0;
			else if (!packed && bit / unit != (bit + (uint32_t)m[i].bits - 1) / unit)
				bit = round_up(bit, unit);
			bit += (uint32_t)m[i].bits;
			off = round_up(bit, 8) / 8;
			max_align = al > max_align ? al : max_align;
			size = off > size ? off : size;
			continue;
		}
		uint32_t at = is_union ? 0 : round_up(off, al);
		if (m[i].name) {
			struct field *f = &rec->fields[rec->nfields++];
			f->name = m[i].name;
			f->type = m[i].type;
			f->offset = at;
		} else {
			for (int j = 0; j < m[i].type->nfields; j++) {
				struct field *f = &rec->fields[rec->nfields++];
				*f = m[i].type->fields[j];
				f->offset += at;
			}
		}
		off = at + sz;
		bit = off * 8;
		max_align = al > max_align ? al : max_align;
		size = off > size ? off : size;
	}
	rec->align = max_align;
	rec->size = round_up(size, max_align);
}

/* ---- declarations ---------------------------------------------------------------- */

static struct type *specifier(struct cp *c, bool *defined);

/* __attribute__((a, b(1))) ...: returns whether `packed` was among them. */
static bool attributes(struct cp *c)
{
	bool packed = false;
	while (accept(c, "__attribute__") || accept(c, "__attribute")) {
		int depth = 0;
		do {
			if (is(c, "("))
				depth++;
			else if (is(c, ")"))
				depth--;
			else if (is(c, "packed") || is(c, "__packed__"))
				packed = true;
			next(c);
		} while (depth > 0 && c->kind != CT_EOF);
	}
	return packed;
}

/* The integer types C spells with keywords: char, short, int, long, long long,
 * signed, unsigned, _Bool. Consumes them; NULL when the current token is none. */
static struct type *int_words(struct cp *c)
{
	int longs = 0, bits = 32;
	bool any = false, sign = true, is_char = false;
	for (;; next(c), any = true) {
		if (is(c, "unsigned"))
			sign = false;
		else if (is(c, "signed"))
			sign = true;
		else if (is(c, "char"))
			bits = 8, is_char = true;
		else if (is(c, "short"))
			bits = 16;
		else if (is(c, "long"))
			longs++;
		else if (is(c, "_Bool") || is(c, "bool"))
			bits = 8, sign = false;
		else if (!is(c, "int"))
			break;
	}
	if (!any)
		return NULL;
	struct type *t = type_int(c->a, longs ? 64 : bits, sign);
	if (t)
		t->is_char = is_char && sign;
	return t;
}

/* The fixed-width names bpftrace and <stdint.h> use, so scripts need no headers. */
static struct type *named_int(struct cp *c, const char *name)
{
	static const struct { const char *name; int bits; bool sign; } names[] = {
		{"int8", 8, true}, {"int16", 16, true}, {"int32", 32, true}, {"int64", 64, true},
		{"uint8", 8, false}, {"uint16", 16, false}, {"uint32", 32, false},
		{"uint64", 64, false}, {"int8_t", 8, true}, {"int16_t", 16, true},
		{"int32_t", 32, true}, {"int64_t", 64, true}, {"uint8_t", 8, false},
		{"uint16_t", 16, false}, {"uint32_t", 32, false}, {"uint64_t", 64, false},
		{"size_t", 64, false}, {"ssize_t", 64, true}, {"uintptr_t", 64, false},
		{"intptr_t", 64, true},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return type_int(c->a, names[i].bits, names[i].sign);
	return NULL;
}

/* A type named `name` ("struct A", "u32"): the script's, else the lookup's. */
static struct type *named(struct cp *c, const char *name)
{
	struct type *t = program_ctype(c->p, name);
	if (!t)
		t = named_int(c, name);
	if (!t && c->lookup)
		t = c->lookup(c->a, name, c->arg);
	return t;
}

/* A pointer to t. */
static struct type *pointer_to(struct cp *c, struct type *t)
{
	struct type *p = type_new(c->a, TY_PTR);
	if (p)
		p->elem = t && t->kind == TY_VOID ? NULL : t;
	return p;
}

/* t[count]; char[count] is a string, as for kernel types. */
static struct type *array_of(struct cp *c, struct type *t, uint32_t count)
{
	if (t->kind == TY_INT && t->is_char)
		return type_str(c->a, count ? count : 1);
	struct type *arr = type_new(c->a, TY_ARRAY);
	if (!arr)
		return NULL;
	arr->elem = t;
	arr->count = count;
	arr->size = type_c_size(t) * count;
	return arr;
}

/* declarator: '*'* (name | '(' '*' name ')' '(' ... ')') ('[' [num] ']')*
 * Sets *name (NULL when abstract) and returns the declared type. */
static struct type *declarator(struct cp *c, struct type *base, const char **name)
{
	struct type *t = base;
	*name = NULL;
	while (accept(c, "*"))
		t = pointer_to(c, t);
	while (accept(c, "const") || accept(c, "volatile") || accept(c, "restrict"))
		;
	if (accept(c, "(")) {	/* a function pointer: a pointer, as bpftrace sees it */
		while (accept(c, "*"))
			;
		if (c->kind == CT_IDENT) {
			*name = arena_strdup(c->a, c->tok);
			next(c);
		}
		expect(c, ")");
		int depth = 0;
		do {
			depth += is(c, "(") - is(c, ")");
			next(c);
		} while (depth > 0 && c->kind != CT_EOF);
		return pointer_to(c, NULL);
	}
	if (c->kind == CT_IDENT) {
		*name = arena_strdup(c->a, c->tok);
		next(c);
	}
	uint32_t dims[8];
	int ndims = 0;
	while (accept(c, "[")) {
		uint32_t n = 0;
		if (c->kind == CT_NUM) {
			n = (uint32_t)c->num;
			next(c);
		}
		expect(c, "]");
		if (ndims < 8)
			dims[ndims++] = n;
	}
	for (int i = ndims; i-- > 0 && t;)
		t = array_of(c, t, dims[i]);
	return t;
}

/* A member whose type is only declared cannot be laid out. */
static bool complete(struct cp *c, const struct type *t, const char *name)
{
	if (!t || t->kind != TY_RECORD || t->size || t->fields || t->btf_id)
		return true;
	fail(c, "field '%s' has incomplete type '%s'", name ? name : "", t->name);
	return false;
}

/* member-list: (specifier declarator (',' declarator)* [':' bits] ';')*  '}'
 * The last ';' before '}' may be left out. */
static int members(struct cp *c, struct member **out)
{
	int n = 0, cap = 8;
	struct member *m = arena_alloc(c->a, sizeof(*m) * (size_t)cap);
	while (m && !c->failed && c->kind != CT_EOF && !is(c, "}")) {
		bool defined = false;
		struct type *base = specifier(c, &defined);
		if (!base)
			break;
		do {
			if (n == cap) {
				struct member *bigger = arena_alloc(c->a, sizeof(*m) * (size_t)cap * 2);
				if (!bigger)
					return -1;
				memcpy(bigger, m, sizeof(*m) * (size_t)cap);
				m = bigger;
				cap *= 2;
			}
			const char *name = NULL;	/* none: an anonymous struct/union member */
			struct type *t = base;
			if (!is(c, ";") && !is(c, "}") && !is(c, ":"))
				t = declarator(c, base, &name);
			m[n] = (struct member){ .name = name, .type = t, .bits = -1 };
			if (accept(c, ":")) {
				/* C's rules: an integer type, no wider than it is (a
				 * record of size 0 would divide by zero in layout) */
				if (c->kind != CT_NUM) {
					fail(c, "expected a bit-field width after ':' in C definition, found '%s'",
					     c->kind == CT_EOF ? "end of definition" : c->tok);
					break;
				}
				if (t && t->kind != TY_INT && t->kind != TY_BOOL) {
					fail(c, "bit-field '%s' has a non-integer type", name ? name : "<anonymous>");
					break;
				}
				if (t && c->num > (uint64_t)type_c_size(t) * 8) {
					fail(c, "width of bit-field '%s' (%llu bits) exceeds the width of its type (%u bits)",
					     name ? name : "<anonymous>", (unsigned long long)c->num,
					     type_c_size(t) * 8);
					break;
				}
				m[n].bits = (int)c->num;
				next(c);
			}
			if (!t || (!name && (t->kind != TY_RECORD || m[n].bits >= 0)))
				continue;	/* `int;` or `int :3;` take no field */
			if (complete(c, t, name))
				n++;
		} while (accept(c, ","));
		attributes(c);
		if (!accept(c, ";") && !is(c, "}"))
			expect(c, ";");
	}
	*out = m;
	return n;
}

/* struct-or-union: ('struct' | 'union') attrs [name] ['{' members '}' attrs] */
static struct type *record(struct cp *c, bool is_union, bool *defined)
{
	const char *kw = is_union ? "union" : "struct";
	bool packed = attributes(c);
	char name[160] = "";
	if (c->kind == CT_IDENT) {
		snprintf(name, sizeof(name), "%s %s", kw, c->tok);
		next(c);
	}
	if (!is(c, "{")) {
		struct type *t = name[0] ? named(c, name) : NULL;
		if (!t && name[0] && !c->quiet) {	/* only declared: a pointer to it is fine */
			t = type_new(c->a, TY_RECORD);
			if (t) {
				t->name = arena_strdup(c->a, name);
				t->size = 0;
				define_type(c, name, t);
			}
		}
		return t;
	}
	next(c);
	struct type *rec = type_new(c->a, TY_RECORD);
	if (!rec)
		return NULL;
	rec->name = name[0] ? arena_strdup(c->a, name) : arena_printf(c->a, "%s (anon)", kw);
	rec->size = 0;
	if (name[0])	/* before the members, so they can point to it */
		define_type(c, name, rec);
	struct member *m;
	int n = members(c, &m);
	expect(c, "}");
	packed |= attributes(c);
	if (n >= 0 && !c->failed)
		layout(c, rec, m, n, is_union, packed);
	*defined = true;
	return rec;
}

/* enum: 'enum' [name] ['{' name ['=' value] (',' name ['=' value])* [','] '}'] */
static struct type *enumeration(struct cp *c, bool *defined)
{
	char name[160] = "";
	if (c->kind == CT_IDENT) {
		snprintf(name, sizeof(name), "enum %s", c->tok);
		next(c);
	}
	struct type *t = name[0] ? program_ctype(c->p, name) : NULL;
	if (!accept(c, "{"))
		return t ? t : (name[0] && c->lookup ? c->lookup(c->a, name, c->arg) : NULL)
			 ?: type_int(c->a, 32, false);
	t = type_int(c->a, 32, false);
	if (!t)
		return NULL;
	t->name = name[0] ? arena_strdup(c->a, name) : NULL;
	if (name[0])
		define_type(c, name, t);
	int64_t v = 0;
	while (c->kind == CT_IDENT && !c->failed) {
		char item[128];
		snprintf(item, sizeof(item), "%s", c->tok);
		next(c);
		if (accept(c, "=")) {
			bool neg = accept(c, "-");
			int64_t x = 0;
			if (c->kind == CT_NUM)
				x = (int64_t)c->num;
			else if (c->kind != CT_IDENT || !program_cconst(c->p, c->tok, &x))
				fail(c, "invalid value of enumerator '%s'", item);
			next(c);
			v = neg ? -x : x;
		}
		if (v < 0)
			t->is_signed = true;
		add_enumerator(c, t, item, v);
		define_const(c, item, v++, t);
		if (!accept(c, ","))
			break;
	}
	expect(c, "}");
	*defined = true;
	return t;
}

/* specifier: qualifiers* (struct-or-union | enum | int-words | typedef-name) */
static struct type *specifier(struct cp *c, bool *defined)
{
	while (accept(c, "const") || accept(c, "volatile") || accept(c, "static") ||
	       accept(c, "extern") || accept(c, "__extension__") || accept(c, "register"))
		;
	if (accept(c, "struct"))
		return record(c, false, defined);
	if (accept(c, "union"))
		return record(c, true, defined);
	if (accept(c, "enum"))
		return enumeration(c, defined);
	if (accept(c, "void"))
		return type_new(c->a, TY_VOID);
	struct type *t = int_words(c);
	if (t)
		return t;
	if (c->kind == CT_IDENT) {
		t = named(c, c->tok);
		if (!t)
			fail(c, "unknown type name '%s'", c->tok);
		next(c);
		while (accept(c, "const") || accept(c, "volatile"))
			;
		return t;
	}
	fail(c, "expected a type in C definition, found '%s'", c->kind == CT_EOF ? "end" : c->tok);
	return NULL;
}

/* declaration: 'typedef' specifier declarator (',' declarator)* ';'
 *            | specifier attrs [declarator (',' declarator)*] [';'] */
static void declaration(struct cp *c)
{
	bool is_typedef = accept(c, "typedef"), defined = false;
	struct type *base = specifier(c, &defined);
	attributes(c);
	if (!base || c->failed)
		return;
	while (!is(c, ";") && c->kind != CT_EOF && !c->failed) {
		const char *name;
		struct type *t = declarator(c, base, &name);
		attributes(c);
		if (is_typedef && name && t)
			define_type(c, name, t);
		if (!accept(c, ","))
			break;
	}
	if (!accept(c, ";") && c->kind != CT_EOF)
		expect(c, ";");
}

/* `#include <h>`: the header's integer constants (cinclude.c). */
static void include_directive(struct cp *c)
{
	const char *s = c->s;
	while (*s == ' ' || *s == '\t')
		s++;
	char close = *s == '<' ? '>' : *s == '"' ? '"' : 0;
	const char *end = close ? strchr(s + 1, close) : NULL;
	if (!end || end - s > 1000)
		return;
	char name[1024];
	snprintf(name, sizeof(name), "%.*s", (int)(end - s - 1), s + 1);
	cinclude_header(c->p, name, close == '"');
}

/* `#define NAME value`: an integer constant, or kept as a macro's text;
 * `#include`: the header's integer constants (its types come from BTF);
 * other directives are ignored. */
static void directive(struct cp *c)
{
	next(c);	/* '#' */
	if (is(c, "include")) {
		include_directive(c);
		return;
	}
	if (!is(c, "define"))
		return;
	next(c);
	if (c->kind != CT_IDENT)
		return;
	char name[128];
	snprintf(name, sizeof(name), "%s", c->tok);
	bool function_like = *c->s == '(';
	skip_blank(c);
	const char *body = c->s;
	next(c);
	int parens = 0;
	while (!function_like && accept(c, "("))
		parens++;
	bool neg = accept(c, "-");
	uint64_t v = c->num;
	if (!function_like && c->kind == CT_NUM) {
		next(c);
		while (parens && accept(c, ")"))
			parens--;
		if (c->kind == CT_EOF && !parens) {
			define_const(c, name, neg ? -(int64_t)v : (int64_t)v, NULL);
			return;
		}
	}
	struct cmacro_def *d = arena_alloc(c->a, sizeof(*d));
	if (!d || vec_push(&c->p->cmacros, d))
		return;
	d->name = arena_strdup(c->a, name);
	d->body = arena_strdup(c->a, function_like ? c->s - 1 : body);
}

bool cdecl_parse(struct program *p, cdecl_lookup_fn lookup, void *arg)
{
	int before = p->diags.nerrors;
	for (size_t i = 0; i < p->cdefs.len; i++) {
		const struct cdef_text *d = p->cdefs.items[i];
		struct cp c = { .p = p, .a = &p->arena, .s = d->text, .start = d->text,
				.loc = d->loc, .lookup = lookup, .arg = arg };
		c.loc.end_line = c.loc.line;
		c.loc.end_col = c.loc.col + 1;
		next(&c);
		if (is(&c, "#")) {
			directive(&c);
			continue;
		}
		while (c.kind != CT_EOF && !c.failed)
			declaration(&c);
	}
	return p->diags.nerrors == before;
}
