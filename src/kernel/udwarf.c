/* DWARF of user binaries (see udwarf.h). libdwfl opens a file offline and finds
 * its debug information (in the file, by build id, by .gnu_debuglink in the
 * file's directory, its .debug/ and /usr/lib/debug); libdw walks the units,
 * including split units (-gsplit-dwarf skeletons with their .dwo). */
#include "kernel/udwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/types.h"
#include "util/arena.h"
#include "util/sb.h"

/* libdwfl's search path: the --debuginfo dirs, then its default (the binary's
 * directory, its .debug/, /usr/lib/debug); set at the first open. */
static char *debuginfo_path;
static char *user_dirs;		/* --debuginfo dirs, ':'-separated, in order */

static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* One opened file: the cache holds every file a run asked about. */
struct dwfile {
	char *path;
	Dwfl *dwfl;		/* NULL when the file has no readable DWARF */
	Dwarf *dw;
	struct dwfile *next;
};

static struct dwfile *files;

void udwarf_add_debug_dir(const char *dir)
{
	size_t n = user_dirs ? strlen(user_dirs) : 0;
	char *s = malloc(n + strlen(dir) + 2);

	if (!s)
		return;
	sprintf(s, "%s%s%s", n ? user_dirs : "", n ? ":" : "", dir);
	free(user_dirs);
	user_dirs = s;
}

/* The search path libdwfl reads through offline_callbacks. */
static void set_search_path(void)
{
	const char *dflt = ":.debug:/usr/lib/debug";
	size_t n = user_dirs ? strlen(user_dirs) + 1 : 0;

	debuginfo_path = malloc(n + strlen(dflt) + 1);
	if (debuginfo_path)
		sprintf(debuginfo_path, "%s%s%s", n ? user_dirs : "", n ? ":" : "", dflt);
}

/* Open path's DWARF once; NULL when it has none. */
static Dwarf *open_dwarf(const char *path)
{
	struct dwfile *f;
	Dwarf_Addr bias;

	for (f = files; f; f = f->next)
		if (!strcmp(f->path, path))
			return f->dw;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->path = strdup(path);
	f->next = files;
	files = f;
	if (!debuginfo_path)
		set_search_path();
	f->dwfl = dwfl_begin(&offline_callbacks);
	if (!f->dwfl)
		return NULL;
	Dwfl_Module *m = dwfl_report_offline(f->dwfl, "", path, -1);
	dwfl_report_end(f->dwfl, NULL, NULL);
	f->dw = m ? dwfl_module_getdwarf(m, &bias) : NULL;
	return f->dw;
}

bool udwarf_has(const char *path)
{
	return open_dwarf(path) != NULL;
}

/* Call fn on the root DIE of every unit (the split unit of a skeleton) until
 * it returns true. */
static bool each_unit(Dwarf *dw, bool (*fn)(Dwarf_Die *cu, void *arg), void *arg)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t type;

	while (!dwarf_get_units(dw, cu, &cu, &version, &type, &cudie, &subdie)) {
		Dwarf_Die *root = type == DW_UT_skeleton && dwarf_tag(&subdie) == DW_TAG_compile_unit
				  ? &subdie : &cudie;
		if (fn(root, arg))
			return true;
	}
	return false;
}

/* ---- types ------------------------------------------------------------- */

/* The DIE a type attribute of die names; false for void. */
static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute at;
	return dwarf_attr_integrate(die, DW_AT_type, &at) && dwarf_formref_die(&at, out);
}

/* A type's name as bpftrace's -lv prints it ("const char*", "struct Foo*"). */
static void die_type_name(Dwarf_Die *t, struct sb *out)
{
	Dwarf_Die inner;
	const char *name = dwarf_diename(t);
	bool has = type_of(t, &inner);

	switch (dwarf_tag(t)) {
	case DW_TAG_pointer_type:
		if (has)
			die_type_name(&inner, out);
		else
			sb_puts(out, "void");
		sb_puts(out, "*");
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		sb_puts(out, dwarf_tag(t) == DW_TAG_const_type ? "const " : "volatile ");
		if (has)
			die_type_name(&inner, out);
		else
			sb_puts(out, "void");
		return;
	case DW_TAG_restrict_type:
		if (has)
			die_type_name(&inner, out);
		return;
	case DW_TAG_structure_type:
		sb_printf(out, "struct %s", name ? name : "(anonymous)");
		return;
	case DW_TAG_union_type:
		sb_printf(out, "union %s", name ? name : "(anonymous)");
		return;
	case DW_TAG_enumeration_type:
		sb_printf(out, "enum %s", name ? name : "(anonymous)");
		return;
	case DW_TAG_array_type:
		if (has)
			die_type_name(&inner, out);
		sb_puts(out, "[]");
		return;
	default:
		sb_puts(out, name ? name : "?");
	}
}

/* Records converted during one conversion, by DIE offset, so that a struct
 * that points to itself (a list node) ends the recursion. */
struct seen {
	Dwarf_Off off[64];
	struct type *type[64];
	int n;
};

static struct type *convert(struct arena *a, Dwarf_Die *t, struct seen *seen, int depth);

static uint64_t die_size(Dwarf_Die *t)
{
	Dwarf_Word size;
	return dwarf_aggregate_size(t, &size) ? 0 : size;
}

static struct type *convert_int(struct arena *a, uint64_t size, bool is_signed)
{
	int bits = size >= 8 ? 64 : size >= 4 ? 32 : size >= 2 ? 16 : 8;
	return size > 8 ? NULL : type_int(a, bits, is_signed);	/* __int128: none */
}

static struct type *convert_base(struct arena *a, Dwarf_Die *t)
{
	Dwarf_Attribute at;
	Dwarf_Word enc = 0;

	if (dwarf_attr(t, DW_AT_encoding, &at))
		dwarf_formudata(&at, &enc);
	if (enc == DW_ATE_float || enc == DW_ATE_complex_float)
		return NULL;
	return convert_int(a, die_size(t), enc == DW_ATE_signed || enc == DW_ATE_signed_char);
}

/* The element count of an array type (its first dimension). */
static uint32_t array_count(Dwarf_Die *t)
{
	Dwarf_Die sub;
	Dwarf_Attribute at;
	Dwarf_Word v;

	if (dwarf_child(t, &sub))
		return 0;
	if (dwarf_attr(&sub, DW_AT_count, &at) && !dwarf_formudata(&at, &v))
		return (uint32_t)v;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &at) && !dwarf_formudata(&at, &v))
		return (uint32_t)v + 1;
	return 0;
}

static struct type *convert_array(struct arena *a, Dwarf_Die *t, struct seen *seen, int depth)
{
	Dwarf_Die inner;
	uint32_t count = array_count(t);
	struct type *elem = type_of(t, &inner) ? convert(a, &inner, seen, depth + 1) : NULL;

	if (!elem)
		return NULL;
	if (elem->kind == TY_INT && elem->bits == 8)	/* char[N]: a string, as bpftrace */
		return type_str(a, count ? count : 1);
	struct type *r = type_new(a, TY_ARRAY);
	if (!r)
		return NULL;
	uint32_t esize = elem->kind == TY_INT ? elem->bits / 8u : elem->size;
	r->elem = elem;
	r->count = count;
	r->size = esize * count;
	return r;
}

struct vec_fields {
	struct field f[256];
	int n;
};

/* Append the members of record DIE t at byte offset base to out (anonymous
 * struct/union members flattened, bitfields left out). */
static void add_members(struct arena *a, Dwarf_Die *t, uint32_t base, struct vec_fields *out,
			struct seen *seen, int depth)
{
	Dwarf_Die m, mt;
	Dwarf_Attribute at;
	Dwarf_Word off;

	if (dwarf_child(t, &m))
		return;
	do {
		if (dwarf_tag(&m) != DW_TAG_member || out->n >= 256)
			continue;
		off = 0;
		if (dwarf_attr(&m, DW_AT_data_member_location, &at))
			dwarf_formudata(&at, &off);
		if (dwarf_attr(&m, DW_AT_bit_size, &at) || !type_of(&m, &mt))
			continue;
		const char *name = dwarf_diename(&m);
		int tag = dwarf_tag(&mt);
		if (!name && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type)) {
			add_members(a, &mt, base + (uint32_t)off, out, seen, depth);
			continue;
		}
		struct type *ft = name ? convert(a, &mt, seen, depth + 1) : NULL;
		if (!ft)
			continue;
		out->f[out->n++] = (struct field){.name = arena_strdup(a, name), .type = ft,
						  .offset = base + (uint32_t)off};
	} while (!dwarf_siblingof(&m, &m));
}

static struct type *convert_record(struct arena *a, Dwarf_Die *t, struct seen *seen, int depth)
{
	Dwarf_Off off = dwarf_dieoffset(t);
	const char *name = dwarf_diename(t);
	bool is_union = dwarf_tag(t) == DW_TAG_union_type;
	struct vec_fields *fields;

	for (int i = 0; i < seen->n; i++)
		if (seen->off[i] == off)
			return seen->type[i];
	struct type *r = type_new(a, TY_RECORD);
	if (!r)
		return NULL;
	r->name = arena_printf(a, "%s %s", is_union ? "union" : "struct", name ? name : "(anon)");
	r->size = (uint32_t)die_size(t);
	if (seen->n < 64) {
		seen->off[seen->n] = off;
		seen->type[seen->n++] = r;
	}
	fields = calloc(1, sizeof(*fields));
	if (!fields)
		return r;
	add_members(a, t, 0, fields, seen, depth);
	r->fields = arena_alloc(a, sizeof(struct field) * (size_t)(fields->n ? fields->n : 1));
	if (r->fields)
		memcpy(r->fields, fields->f, sizeof(struct field) * (size_t)fields->n);
	r->nfields = r->fields ? fields->n : 0;
	free(fields);
	return r;
}

/* depth bounds chains of pointers; records stop the recursion through seen. */
static struct type *convert(struct arena *a, Dwarf_Die *t, struct seen *seen, int depth)
{
	Dwarf_Die inner;
	struct type *r;

	if (depth > 16)
		return NULL;
	switch (dwarf_tag(t)) {
	case DW_TAG_base_type:
		return convert_base(a, t);
	case DW_TAG_enumeration_type:
		return convert_int(a, die_size(t), false);
	case DW_TAG_pointer_type:
		r = type_new(a, TY_PTR);
		if (r) {
			r->is_user = true;
			r->elem = type_of(t, &inner) ? convert(a, &inner, seen, depth + 1) : NULL;
		}
		return r;
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return type_of(t, &inner) ? convert(a, &inner, seen, depth) : NULL;
	case DW_TAG_array_type:
		return convert_array(a, t, seen, depth);
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return convert_record(a, t, seen, depth);
	default:
		return NULL;
	}
}

/* ---- functions --------------------------------------------------------- */

struct func_query {
	const char *name;
	Dwarf_Die die;
	bool found;
};

static int match_func(Dwarf_Die *fn, void *arg)
{
	struct func_query *q = arg;
	const char *name = dwarf_diename(fn);

	if (!name || strcmp(name, q->name) || dwarf_hasattr(fn, DW_AT_declaration))
		return DWARF_CB_OK;
	q->die = *fn;
	q->found = true;
	return DWARF_CB_ABORT;
}

static bool unit_func(Dwarf_Die *cu, void *arg)
{
	struct func_query *q = arg;
	dwarf_getfuncs(cu, match_func, q, 0);
	return q->found;
}

int udwarf_params(struct arena *a, const char *path, const char *func,
		  struct udwarf_param **out)
{
	Dwarf *dw = open_dwarf(path);
	struct func_query q = {.name = func};
	Dwarf_Die p, t;
	int n = 0;

	if (!dw || !each_unit(dw, unit_func, &q))
		return -ENOENT;
	if (!dwarf_child(&q.die, &p))
		do
			n += dwarf_tag(&p) == DW_TAG_formal_parameter;
		while (!dwarf_siblingof(&p, &p));
	*out = arena_alloc(a, sizeof(**out) * (size_t)(n ? n : 1));
	if (!*out)
		return -ENOMEM;
	n = 0;
	if (!dwarf_child(&q.die, &p))
		do {
			if (dwarf_tag(&p) != DW_TAG_formal_parameter)
				continue;
			struct udwarf_param *pp = &(*out)[n++];
			struct seen seen = {0};
			struct sb name;
			const char *pname = dwarf_diename(&p);
			bool typed = type_of(&p, &t);
			sb_init(&name);
			if (typed)
				die_type_name(&t, &name);
			pp->name = arena_printf(a, "%s", pname ? pname : "");
			pp->type_name = arena_strdup(a, typed ? sb_str(&name) : "void");
			pp->type = typed ? convert(a, &t, &seen, 0) : NULL;
			sb_fini(&name);
		} while (!dwarf_siblingof(&p, &p));
	return n;
}

/* ---- records by name --------------------------------------------------- */

struct record_query {
	int tag;
	const char *name;
	Dwarf_Die die;
	bool found;
};

static bool unit_record(Dwarf_Die *cu, void *arg)
{
	struct record_query *q = arg;
	Dwarf_Die c;

	if (dwarf_child(cu, &c))
		return false;
	do {
		const char *name = dwarf_diename(&c);
		if (dwarf_tag(&c) == q->tag && name && !strcmp(name, q->name) &&
		    !dwarf_hasattr(&c, DW_AT_declaration)) {
			q->die = c;
			q->found = true;
			return true;
		}
	} while (!dwarf_siblingof(&c, &c));
	return false;
}

struct type *udwarf_record(struct arena *a, const char *path, const char *cname)
{
	Dwarf *dw = open_dwarf(path);
	struct record_query q = {0};
	struct seen seen = {0};

	if (!strncmp(cname, "struct ", 7))
		q.tag = DW_TAG_structure_type, q.name = cname + 7;
	else if (!strncmp(cname, "union ", 6))
		q.tag = DW_TAG_union_type, q.name = cname + 6;
	else
		return NULL;
	while (*q.name == ' ')
		q.name++;
	if (!dw || !each_unit(dw, unit_record, &q))
		return NULL;
	return convert_record(a, &q.die, &seen, 0);
}

/* ---- source lines ------------------------------------------------------ */

int udwarf_line_addr(const char *path, const char *file, int line, uint64_t *addr)
{
	Dwarf *dw = open_dwarf(path);
	Dwarf_Line **lines = NULL;
	size_t n = 0;
	bool found = false;

	if (!dw || dwarf_getsrc_file(dw, file, line, 0, &lines, &n) || !n) {
		free(lines);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		Dwarf_Addr a;
		if (dwarf_lineaddr(lines[i], &a) || (found && a >= *addr))
			continue;
		*addr = a;
		found = true;
	}
	free(lines);
	return found ? 0 : -ENOENT;
}
