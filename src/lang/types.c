/* Type constructors, equality for map unification, and the names bpftrace uses
 * for types in its messages. */
#include "lang/types.h"

#include <stdio.h>
#include <string.h>

#include "util/arena.h"

struct type *type_new(struct arena *a, enum type_kind kind)
{
	struct type *t = arena_alloc(a, sizeof(*t));
	if (t) {
		t->kind = kind;
		t->size = 8;
	}
	return t;
}

struct type *type_int(struct arena *a, int bits, bool is_signed)
{
	struct type *t = type_new(a, TY_INT);
	if (t) {
		t->bits = (uint8_t)bits;
		t->is_signed = is_signed;
	}
	return t;
}

struct type *type_str(struct arena *a, uint32_t size)
{
	struct type *t = type_new(a, TY_STR);
	if (t)
		t->size = size;
	return t;
}

struct type *type_tuple(struct arena *a, struct type **elems, int n)
{
	struct type *t = type_new(a, TY_TUPLE);
	if (!t)
		return NULL;
	t->fields = arena_alloc(a, sizeof(*t->fields) * (size_t)(n ? n : 1));
	if (!t->fields)
		return NULL;
	uint32_t off = 0;
	for (int i = 0; i < n; i++) {
		t->fields[i].type = elems[i];
		t->fields[i].offset = off;
		off += (elems[i]->size + 7) & ~7u;
	}
	t->nfields = n;
	t->size = off;
	return t;
}

bool type_is_aggregation(const struct type *t)
{
	return t && t->kind >= TY_COUNT && t->kind <= TY_LHIST;
}

bool type_is_integer(const struct type *t)
{
	return t && t->kind == TY_INT;
}

bool type_promotes_signed(const struct type *t)
{
	return t->kind == TY_INT && (t->is_signed || t->bits < 64);
}

bool type_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TY_INT:
		return true;	/* widths and signs unify to the widest use */
	case TY_STR:
	case TY_BUF:
		return true;	/* sizes unify to the largest */
	case TY_TUPLE:
		if (a->nfields != b->nfields)
			return false;
		for (int i = 0; i < a->nfields; i++)
			if (!type_equal(a->fields[i].type, b->fields[i].type))
				return false;
		return true;
	case TY_LHIST:
		return a->min == b->min && a->max == b->max && a->step == b->step;
	case TY_HIST:
		return a->step == b->step;
	case TY_KSTACK:
	case TY_USTACK:
		return a->count == b->count && a->stack_mode == b->stack_mode;
	case TY_PTR:
		return type_equal(a->elem, b->elem);
	case TY_RECORD:
		return a->name && b->name && !strcmp(a->name, b->name);
	default:
		return true;
	}
}

static const char *const kind_names[TY_KIND_COUNT] = {
	[TY_NONE] = "none", [TY_VOID] = "void", [TY_INT] = "int",
	[TY_STR] = "string", [TY_BUF] = "buffer", [TY_TUPLE] = "tuple",
	[TY_PTR] = "pointer", [TY_RECORD] = "record", [TY_ARRAY] = "array",
	[TY_CTX] = "ctx", [TY_KSTACK] = "kstack", [TY_USTACK] = "ustack",
	[TY_KSYM] = "ksym_t", [TY_USYM] = "usym_t", [TY_INET] = "inet",
	[TY_USERNAME] = "username", [TY_PROBE] = "probe", [TY_TIMESTAMP] = "timestamp",
	[TY_COUNT] = "count_t", [TY_SUM] = "sum_t", [TY_MIN] = "min_t",
	[TY_MAX] = "max_t", [TY_AVG] = "avg_t", [TY_STATS] = "stats_t",
	[TY_HIST] = "hist_t", [TY_LHIST] = "lhist_t",
};
_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == TY_KIND_COUNT, "kind_names");

static int name_into(const struct type *t, char *buf, int size);

static int tuple_name(const struct type *t, char *buf, int size)
{
	int n = snprintf(buf, (size_t)size, "(");
	for (int i = 0; i < t->nfields && n < size; i++) {
		if (i)
			n += snprintf(buf + n, (size_t)(size - n), ",");
		if (n < size)
			n += name_into(t->fields[i].type, buf + n, size - n);
	}
	if (n < size)
		n += snprintf(buf + n, (size_t)(size - n), ")");
	return n;
}

static int name_into(const struct type *t, char *buf, int size)
{
	if (!t)
		return snprintf(buf, (size_t)size, "none");
	switch (t->kind) {
	case TY_INT:
		return snprintf(buf, (size_t)size, "%sint%d", t->is_signed ? "" : "u", t->bits);
	case TY_STR:
		return snprintf(buf, (size_t)size, "string[%u]", t->size);
	case TY_BUF:
		return snprintf(buf, (size_t)size, "buffer[%u]", t->size);
	case TY_TUPLE:
		return tuple_name(t, buf, size);
	case TY_RECORD:	/* BTF records are named "struct x" / "union x" already */
		if (t->btf_id && t->name)
			return snprintf(buf, (size_t)size, "%s", t->name);
		return snprintf(buf, (size_t)size, "struct %s", t->name ? t->name : "(anon)");
	case TY_PTR: {
		int n = name_into(t->elem, buf, size);
		return n + snprintf(buf + n, (size_t)(size > n ? size - n : 0), " *");
	}
	case TY_ARRAY: {
		int n = name_into(t->elem, buf, size);
		return n + snprintf(buf + n, (size_t)(size > n ? size - n : 0), "[%u]", t->count);
	}
	default:
		return snprintf(buf, (size_t)size, "%s", kind_names[t->kind]);
	}
}

const char *type_name(const struct type *t, char *buf, int size)
{
	if (size > 0) {
		buf[0] = '\0';
		name_into(t, buf, size);
	}
	return buf;
}
