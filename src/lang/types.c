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

bool type_is_record(const struct type *t)
{
	return t && t->kind == TY_TUPLE && t->nfields && t->fields[0].name;
}

int type_field_index(const struct type *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, name))
			return i;
	return -1;
}

/* Records are equal with the same field names, in any order (an assignment
 * places each field by its name), and equal types under each name. */
static bool record_equal(const struct type *a, const struct type *b)
{
	if (a->nfields != b->nfields || type_is_record(a) != type_is_record(b))
		return false;
	for (int i = 0; i < a->nfields; i++) {
		int j = type_field_index(b, a->fields[i].name);
		if (j < 0 || !type_equal(a->fields[i].type, b->fields[j].type))
			return false;
	}
	return true;
}

bool type_is_aggregation(const struct type *t)
{
	return t && type_has(t, TF_AGG);
}

bool type_is_scalar(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_PTR);
}

bool type_is_integer(const struct type *t)
{
	return t && t->kind == TY_INT;
}

uint32_t type_c_size(const struct type *t)
{
	if (!t || t->kind == TY_NONE || t->kind == TY_VOID)
		return 1;
	if (t->kind == TY_INT)
		return t->bits ? t->bits / 8u : 8;
	return t->kind == TY_PTR ? 8 : t->size;
}

bool type_promotes_signed(const struct type *t)
{
	return t->kind == TY_BOOL || (t->kind == TY_INT && (t->is_signed || t->bits < 64));
}

const char *type_enum_name(const struct type *t, int64_t v)
{
	for (int i = 0; t && i < t->nenumerators; i++)
		if (t->enumerators[i].value == v)
			return t->enumerators[i].name;
	return NULL;
}

/* Records without a name (a probe's `args`, built again for each use) are
 * equal when their fields are: same names, offsets and types. */
static bool anon_records_equal(const struct type *a, const struct type *b)
{
	if (a->nfields != b->nfields || a->size != b->size)
		return false;
	for (int i = 0; i < a->nfields; i++) {
		const struct field *x = &a->fields[i], *y = &b->fields[i];
		if ((x->name || y->name) && (!x->name || !y->name || strcmp(x->name, y->name)))
			return false;
		if (x->offset != y->offset || !type_equal(x->type, y->type))
			return false;
	}
	return true;
}

bool type_equal(const struct type *a, const struct type *b)
{
	if (a == b)
		return true;
	if (!a || !b || a->kind != b->kind)
		return false;
	if (type_has(a, TF_AGG))	/* hist bits, lhist range: parameters of the kind */
		return a->min == b->min && a->max == b->max && a->step == b->step;
	switch (a->kind) {
	case TY_INT:
		return true;	/* widths and signs unify to the widest use */
	case TY_STR:
	case TY_BUF:
		return true;	/* sizes unify to the largest */
	case TY_TUPLE:
		if (type_is_record(a) || type_is_record(b))
			return record_equal(a, b);
		if (a->nfields != b->nfields)
			return false;
		for (int i = 0; i < a->nfields; i++)
			if (!type_equal(a->fields[i].type, b->fields[i].type))
				return false;
		return true;
	case TY_KSTACK:
	case TY_USTACK:
		return a->count == b->count && a->stack_mode == b->stack_mode;
	case TY_PTR:
		return type_equal(a->elem, b->elem);
	case TY_ARRAY:
		return a->count == b->count && type_equal(a->elem, b->elem);
	case TY_RECORD:
		if (a->name || b->name)
			return a->name && b->name && !strcmp(a->name, b->name);
		return anon_records_equal(a, b);
	default:
		return true;
	}
}

/* Flags shared by the kinds that only exist as values of expressions. */
#define TF_INTERNAL (TF_NO_KEY | TF_NO_STORE | TF_NO_PRINT)
/* Every aggregation: only a map value, never a key or a printf argument. */
#define TF_AGGREGATION (TF_AGG | TF_NO_KEY | TF_NO_PRINT)

/* The behaviour table. Rows with designated initialisers, declared without a size:
 * the assert below fails when the last kind has no row. */
const struct type_ops type_kinds[] = {
	[TY_NONE] = {.name = "none", .printf_name = "none", .flags = TF_NO_KEY | TF_NO_PRINT},
	[TY_VOID] = {.name = "void", .printf_name = "none", .flags = TF_INTERNAL},
	[TY_INT] = {.name = "int", .printf_name = "integer", .printf_class = TP_INTEGER,
		    .merge = TM_ADD, .sort = TS_INT},
	[TY_BOOL] = {.name = "bool", .printf_name = "integer", .printf_class = TP_INTEGER,
		     .sort = TS_UINT},
	[TY_STR] = {.name = "string", .printf_name = "string", .flags = TF_QUOTED,
		    .printf_class = TP_STRING},
	[TY_BUF] = {.name = "buffer", .printf_name = "buffer", .flags = TF_QUOTED,
		    .printf_class = TP_BUFFER},
	[TY_TUPLE] = {.name = "tuple", .printf_name = "tuple", .printf_class = TP_TUPLE},
	[TY_PTR] = {.name = "pointer", .printf_name = "integer", .printf_class = TP_INTEGER},
	[TY_RECORD] = {.name = "record", .printf_name = "record"},
	[TY_ARRAY] = {.name = "array", .printf_name = "array"},
	[TY_CTX] = {.name = "ctx", .printf_name = "ctx", .flags = TF_INTERNAL},
	[TY_KSTACK] = {.name = "kstack", .printf_name = "string", .flags = TF_QUOTED | TF_ENDS_NL,
		       .printf_class = TP_STRING},
	[TY_USTACK] = {.name = "ustack", .printf_name = "string", .flags = TF_QUOTED | TF_ENDS_NL,
		       .printf_class = TP_STRING},
	[TY_KSYM] = {.name = "ksym_t", .printf_name = "string", .flags = TF_QUOTED,
		     .printf_class = TP_STRING},
	[TY_USYM] = {.name = "usym_t", .printf_name = "string", .flags = TF_QUOTED,
		     .printf_class = TP_STRING},
	[TY_INET] = {.name = "inet", .printf_name = "string", .flags = TF_QUOTED,
		     .printf_class = TP_STRING},
	[TY_USERNAME] = {.name = "username", .printf_name = "string", .flags = TF_QUOTED,
			 .printf_class = TP_STRING},
	[TY_PROBE] = {.name = "probe", .printf_name = "string", .flags = TF_QUOTED,
		      .printf_class = TP_STRING},
	[TY_TIMESTAMP] = {.name = "timestamp", .printf_name = "string", .flags = TF_QUOTED,
			  .printf_class = TP_STRING},
	[TY_STRERROR] = {.name = "strerror_t", .printf_name = "string", .flags = TF_QUOTED,
			  .printf_class = TP_STRING},
	[TY_SIGNAL_NAME] = {.name = "signal_name_t", .printf_name = "string", .flags = TF_QUOTED,
			    .printf_class = TP_STRING},
	[TY_CGROUP_PATH] = {.name = "cgroup_path_t", .printf_name = "string",
			     .flags = TF_QUOTED | TF_NO_KEY, .printf_class = TP_STRING},
	[TY_MACADDR] = {.name = "macaddr_t", .printf_name = "string", .flags = TF_QUOTED,
			.printf_class = TP_STRING},
	[TY_COUNT] = {.name = "count_t", .printf_name = "count", .flags = TF_AGGREGATION,
		      .value_size = 8, .merge = TM_ADD, .sort = TS_UINT, .read = TR_UINT},
	[TY_SUM] = {.name = "sum_t", .printf_name = "sum", .flags = TF_AGGREGATION,
		    .value_size = 8, .merge = TM_ADD, .sort = TS_INT, .read = TR_INT},
	[TY_MIN] = {.name = "min_t", .printf_name = "min", .flags = TF_AGGREGATION,
		    .value_size = 16, .merge = TM_MIN, .sort = TS_INT, .read = TR_INT},
	[TY_MAX] = {.name = "max_t", .printf_name = "max", .flags = TF_AGGREGATION,
		    .value_size = 16, .merge = TM_MAX, .sort = TS_INT, .read = TR_INT},
	[TY_AVG] = {.name = "avg_t", .printf_name = "avg", .flags = TF_AGGREGATION,
		    .value_size = 16, .merge = TM_ADD2, .sort = TS_AVG, .read = TR_AVG,
		    .map_style = TMS_STATS},
	[TY_STATS] = {.name = "stats_t", .printf_name = "stats", .flags = TF_AGGREGATION | TF_NO_TOP,
		      .value_size = 16, .merge = TM_ADD2, .sort = TS_AVG, .read = TR_NONE,
		      .read_name = "stats()", .map_style = TMS_STATS},
	[TY_HIST] = {.name = "hist_t", .printf_name = "hist", .flags = TF_AGGREGATION | TF_BUCKETS,
		     .value_size = 8, .merge = TM_ADD, .read = TR_NONE, .read_name = "histogram"},
	[TY_LHIST] = {.name = "lhist_t", .printf_name = "lhist", .flags = TF_AGGREGATION | TF_BUCKETS,
		      .value_size = 8, .merge = TM_ADD, .read = TR_NONE, .read_name = "histogram"},
	[TY_TSERIES] = {.name = "tseries_t", .printf_name = "tseries",
			.flags = TF_AGGREGATION | TF_BUCKETS, .value_size = 24, .merge = TM_TSERIES,
			.read = TR_NONE, .read_name = "tseries"},
};
_Static_assert(sizeof(type_kinds) / sizeof(type_kinds[0]) == TY_KIND_COUNT,
	       "type_kinds: every kind needs a row, the last one included");

const struct type_ops *type_ops(const struct type *t)
{
	return &type_kinds[t ? t->kind : TY_NONE];
}

bool type_has(const struct type *t, unsigned flags)
{
	return (type_ops(t)->flags & flags) == flags;
}

static int name_into(const struct type *t, char *buf, int size);

static int tuple_name(const struct type *t, char *buf, int size)
{
	int n = snprintf(buf, (size_t)size, "(");
	for (int i = 0; i < t->nfields && n < size; i++) {
		if (i)
			n += snprintf(buf + n, (size_t)(size - n), ",");
		if (n < size && t->fields[i].name)	/* a record: (a=int64,b=string[4]) */
			n += snprintf(buf + n, (size_t)(size - n), "%s=", t->fields[i].name);
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
		if (t->name && (t->btf_id || !strncmp(t->name, "struct ", 7) ||
				!strncmp(t->name, "union ", 6)))
			return snprintf(buf, (size_t)size, "%s", t->name);
		return snprintf(buf, (size_t)size, "struct %s", t->name ? t->name : "(anon)");
	case TY_PTR: {
		int n = t->elem ? name_into(t->elem, buf, size) : snprintf(buf, (size_t)size, "void");
		return n + snprintf(buf + n, (size_t)(size > n ? size - n : 0), " *");
	}
	case TY_ARRAY: {
		int n = name_into(t->elem, buf, size);
		return n + snprintf(buf + n, (size_t)(size > n ? size - n : 0), "[%u]", t->count);
	}
	default:
		return snprintf(buf, (size_t)size, "%s", type_kinds[t->kind].name);
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
