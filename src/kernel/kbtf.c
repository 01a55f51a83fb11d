/* Kernel BTF: the process's one BTF cache, and BTF → language types.
 *
 * Every user of kernel BTF (struct casts, fentry/fexit arguments, raw
 * tracepoints, the fentry feature probe, -l/-lv) gets it from kbtf_vmlinux, so
 * vmlinux's BTF is parsed at most once per process, and only when something
 * first needs it: `BEGIN { exit(); }` never parses it.
 *
 * Conversion is lazy: a struct becomes a TY_RECORD carrying its btf_id, and its
 * members are converted only when a field of it is first looked up
 * (kbtf_complete), so a cast to `struct task_struct *` costs one record, not the
 * whole kernel type graph. Nothing is cached across compilations: types live in
 * the program's arena; only the parsed BTF is kept for the process. */
#include "kernel/kbtf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include "lang/config.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/sb.h"

/* One parsed BTF object of the cache, loaded on first use, at most once. */
struct kbtf_entry {
	const char *name;	/* "vmlinux" (module BTF would be the module's name) */
	struct btf *btf;	/* NULL before loading, or when loading failed */
	int err;		/* errno of the failed load, else 0 */
	bool tried;		/* loaded or failed: never tried again */
};

/* The cache. Module BTF, when a feature needs it, is split BTF on top of
 * vmlinux's (btf__load_module_btf(name, vmlinux.btf)): one more entry per
 * module, found by name and loaded on first use the same way. */
static struct {
	const char *vmlinux_path;	/* config.btf_path; NULL: the running kernel's */
	struct kbtf_entry vmlinux;
	unsigned int loads;		/* BTF objects parsed (kbtf_loads) */
} cache = { .vmlinux = { .name = "vmlinux" } };

void kbtf_configure(const struct config *c)
{
	cache.vmlinux_path = c->btf_path;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Parse vmlinux's BTF into e (from config.btf_path when set), once. */
static void load_vmlinux(struct kbtf_entry *e)
{
	const char *path = cache.vmlinux_path;
	double t0 = now_ms();

	e->tried = true;
	cache.loads++;
	errno = 0;
	e->btf = path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();
	if (!e->btf) {
		e->err = errno ? errno : ENOENT;
		rt_log(1, "kbtf: no %s BTF: %s\n", e->name, strerror(e->err));
		return;
	}
	rt_log(1, "kbtf: loaded %s BTF (%u types) from %s in %.1f ms\n", e->name,
	       btf__type_cnt(e->btf) - 1, path ? path : "the kernel", now_ms() - t0);
}

const struct btf *kbtf_vmlinux(void)
{
	struct kbtf_entry *e = &cache.vmlinux;

	if (!e->tried)
		load_vmlinux(e);
	errno = e->err;
	return e->btf;
}

unsigned int kbtf_loads(void)
{
	return cache.loads;
}

/* The string section of the BTF file at path, after one NUL byte (so each
 * name stands as "\0name\0" in it), its size in *len; NULL on any error. */
static char *read_strings(const char *path, size_t *len)
{
	struct btf_header h;
	char *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.magic != BTF_MAGIC ||
	    !(buf = xrealloc(NULL, (size_t)h.str_len + 1)))
		goto out;
	buf[0] = '\0';
	while (got < h.str_len) {	/* sysfs hands out a page per read */
		ssize_t r = pread(fd, buf + 1 + got, h.str_len - got,
				  (off_t)h.hdr_len + h.str_off + (off_t)got);
		if (r <= 0) {
			xfree(buf);
			buf = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	*len = got + 1;
out:
	close(fd);
	return buf;
}

const char *kbtf_strings(size_t *len)
{
	static char *strs;
	static size_t n;
	static bool tried;

	if (!tried) {
		tried = true;
		strs = read_strings(cache.vmlinux_path ? cache.vmlinux_path
						       : "/sys/kernel/btf/vmlinux", &n);
	}
	*len = strs ? n : 0;
	return strs;
}

/* ---- module BTF ---------------------------------------------------------
 * A module's BTF is split BTF on top of vmlinux's: its own types take the ids
 * after vmlinux's, and its references to kernel types use vmlinux's ids. A
 * record from a module's own types carries the module in btf_id's high bits
 * (MOD_SHIFT: its index in mods[] + 1), so kbtf_complete finds its BTF again. */
#define MOD_SHIFT 24
/* The most modules a btf_id can name: its bits above MOD_SHIFT. */
#define MOD_MAX ((1 << (32 - MOD_SHIFT)) - 1)

static struct kbtf_entry *mods;
static int nmods = -1;	/* -1: /sys/kernel/btf not listed yet */

/* The modules with BTF (/sys/kernel/btf/<name>, but vmlinux), listed once;
 * their BTF is parsed when first needed (module_btf). */
static int modules_list(void)
{
	if (nmods >= 0)
		return nmods;
	nmods = 0;
	DIR *d = cache.vmlinux_path ? NULL : opendir("/sys/kernel/btf");
	struct dirent *e;
	int cap = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		if (nmods == MOD_MAX) {
			rt_log(1, "kbtf: more than %d modules with BTF: %s and later ones "
			       "are not searched\n", MOD_MAX, e->d_name);
			break;
		}
		if (nmods == cap) {
			struct kbtf_entry *m = xrealloc(mods, sizeof(*m) * (size_t)(cap ? cap * 2 : 64));
			if (!m)
				break;
			mods = m;
			cap = cap ? cap * 2 : 64;
		}
		mods[nmods++] = (struct kbtf_entry){ .name = strdup(e->d_name) };
	}
	if (d)
		closedir(d);
	return nmods;
}

static const struct btf *module_btf(int i)
{
	struct kbtf_entry *e = &mods[i];
	const struct btf *base = kbtf_vmlinux();
	if (!e->tried && base && e->name) {
		e->tried = true;
		cache.loads++;
		e->btf = btf__load_module_btf(e->name, (struct btf *)base);
		e->err = e->btf ? 0 : errno;
		rt_log(1, "kbtf: %s %s BTF\n", e->btf ? "loaded" : "no", e->name);
	}
	return e->btf;
}

/* The BTF that holds type `gid` (a btf_id as records carry it), and its id there. */
static const struct btf *btf_of(unsigned int gid, unsigned int *id)
{
	unsigned int m = gid >> MOD_SHIFT;
	*id = gid & ((1u << MOD_SHIFT) - 1);
	if (m == 0)
		return kbtf_vmlinux();
	return (int)m <= modules_list() ? module_btf((int)m - 1) : NULL;
}

/* The btf_id a record of BTF btf's type id carries (see MOD_SHIFT). */
static unsigned int global_id(const struct btf *btf, unsigned int id)
{
	const struct btf *base = kbtf_vmlinux();
	if (btf == base || !base || id < btf__type_cnt(base))
		return id;
	for (int i = 0; i < nmods; i++)
		if (mods[i].btf == btf)
			return ((unsigned int)i + 1) << MOD_SHIFT | id;
	return id;
}

/* Whether BTF object `name` (vmlinux or a module) is selected by mod_glob:
 * NULL selects every one. */
static bool selects(const char *mod_glob, const char *name)
{
	return !mod_glob || !fnmatch(mod_glob, name, 0);
}

/* The id of the type `name` of `kind` among btf's own types, or <= 0. For a
 * module (split BTF) only its own ids are searched: btf__find_by_name_kind
 * would scan all of vmlinux's again first. */
static int find_own(const struct btf *btf, const char *name, int kind)
{
	const struct btf *base = btf__base_btf(btf);
	if (!base)
		return btf__find_by_name_kind(btf, name, kind);
	for (unsigned int id = btf__type_cnt(base); id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (btf_kind(t) == kind && !strcmp(btf__name_by_offset(btf, t->name_off), name))
			return (int)id;
	}
	return -ENOENT;
}

/* The FUNC_PROTO of kernel function `func` in the first BTF among those
 * mod_glob selects that has it, vmlinux first; *btf that BTF, *mod its name.
 * NULL when none has it. One search per BTF. */
static const struct btf_type *func_find(const char *mod_glob, const char *func,
					 const struct btf **btf, const char **mod)
{
	const struct btf *base = kbtf_vmlinux(), *m = NULL;
	int id = -ENOENT;
	if (!base)
		return NULL;
	if (selects(mod_glob, "vmlinux") && (id = btf__find_by_name_kind(base, func, BTF_KIND_FUNC)) > 0) {
		m = base;
		*mod = "vmlinux";
	}
	for (int i = 0; !m && i < modules_list(); i++) {
		const struct btf *b = selects(mod_glob, mods[i].name) ? module_btf(i) : NULL;
		if (b && (id = find_own(b, func, BTF_KIND_FUNC)) > 0) {
			m = b;
			*mod = mods[i].name;
		}
	}
	if (!m)
		return NULL;
	*btf = m;
	const struct btf_type *f = btf__type_by_id(m, (unsigned int)id);
	const struct btf_type *p = f ? btf__type_by_id(m, f->type) : NULL;
	return p && btf_is_func_proto(p) ? p : NULL;
}

/* The BTF defining type name of kind (vmlinux first, then the modules), its id in *id. */
static const struct btf *type_btf(const char *name, int kind, int *id)
{
	const struct btf *btf = kbtf_vmlinux();
	if (btf && (*id = btf__find_by_name_kind(btf, name, kind)) > 0)
		return btf;
	for (int i = 0; btf && i < modules_list(); i++) {
		const struct btf *m = module_btf(i);
		if (m && (*id = find_own(m, name, kind)) > 0)
			return m;
	}
	return NULL;
}

/* Skip typedefs and qualifiers. */
static const struct btf_type *resolve(const struct btf *btf, unsigned int *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);
	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_decl_tag(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

static struct type *record_stub(struct arena *a, const struct btf *btf, unsigned int id,
				const struct btf_type *t)
{
	struct type *r = type_new(a, TY_RECORD);
	if (!r)
		return NULL;
	const char *name = btf__name_by_offset(btf, t->name_off);
	bool is_union = btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t));
	r->name = name && *name ? arena_printf(a, "%s %s", is_union ? "union" : "struct", name)
				: (is_union ? "union (anon)" : "struct (anon)");
	r->size = btf_is_fwd(t) ? 0 : t->size;
	r->btf_id = global_id(btf, id);
	return r;
}

static struct type *convert(struct arena *a, const struct btf *btf, unsigned int id, int depth);

static struct type *convert_array(struct arena *a, const struct btf *btf,
				  const struct btf_type *t, int depth)
{
	const struct btf_array *arr = btf_array(t);
	struct type *elem = convert(a, btf, arr->type, depth + 1);
	if (!elem)
		return NULL;
	if (elem->kind == TY_INT && elem->bits == 8)	/* char[N]: a string, as bpftrace */
		return type_str(a, arr->nelems ? arr->nelems : 1);
	struct type *r = type_new(a, TY_ARRAY);
	if (!r)
		return NULL;
	uint32_t esize = elem->kind == TY_INT ? elem->bits / 8u : elem->size;
	r->elem = elem;
	r->count = arr->nelems;
	r->size = esize * arr->nelems;
	return r;
}

static struct type *convert_int(struct arena *a, const struct btf_type *t, bool is_signed)
{
	uint32_t size = t->size;
	int bits = size >= 8 ? 64 : size >= 4 ? 32 : size >= 2 ? 16 : 8;
	return type_int(a, bits, is_signed);
}

/* A BTF enum: an integer of its width whose enumerators print by name. */
static struct type *convert_enum(struct arena *a, const struct btf *btf, const struct btf_type *t)
{
	struct type *r = convert_int(a, t, btf_kflag(t));
	int n = btf_vlen(t);
	struct enumerator *e = r && n ? arena_alloc(a, sizeof(*e) * (size_t)n) : NULL;
	if (!e)
		return r;
	for (int i = 0; i < n; i++) {
		if (btf_is_enum64(t)) {
			e[i].name = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
			e[i].value = (int64_t)btf_enum64_value(btf_enum64(t) + i);
		} else {
			int32_t v = btf_enum(t)[i].val;
			e[i].name = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
			e[i].value = btf_kflag(t) ? (int64_t)v : (int64_t)(uint32_t)v;
		}
	}
	r->enumerators = e;
	r->nenumerators = n;
	return r;
}

/* depth bounds pointer chains through records that are converted eagerly
 * (arrays of pointers to pointers...); records themselves stop the recursion. */
static struct type *convert(struct arena *a, const struct btf *btf, unsigned int id, int depth)
{
	const struct btf_type *t = resolve(btf, &id);
	struct type *r;
	if (!t || id == 0 || depth > 16)
		return NULL;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return convert_int(a, t, btf_int_encoding(t) & BTF_INT_SIGNED);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return convert_enum(a, btf, t);
	case BTF_KIND_PTR:
		r = type_new(a, TY_PTR);
		if (r)
			r->elem = convert(a, btf, t->type, depth + 1);
		return r;
	case BTF_KIND_ARRAY:
		return convert_array(a, btf, t, depth);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		return record_stub(a, btf, id, t);
	default:	/* functions, floats, void: not values we can use */
		return NULL;
	}
}

struct type *kbtf_type(struct arena *a, unsigned int id)
{
	const struct btf *btf = kbtf_vmlinux();
	return btf ? convert(a, btf, id, 0) : NULL;
}

struct type *kbtf_record(struct arena *a, const char *cname)
{
	const struct btf *btf = kbtf_vmlinux();
	int kind;
	if (!btf)
		return NULL;
	if (!strncmp(cname, "struct ", 7))
		kind = BTF_KIND_STRUCT, cname += 7;
	else if (!strncmp(cname, "union ", 6))
		kind = BTF_KIND_UNION, cname += 6;
	else
		return NULL;
	while (*cname == ' ')
		cname++;
	int id;
	btf = type_btf(cname, kind, &id);	/* a module's own types too (kvm's) */
	if (!btf)
		return NULL;
	return record_stub(a, btf, (unsigned int)id, btf__type_by_id(btf, (unsigned int)id));
}

struct type *kbtf_named(struct arena *a, const char *cname)
{
	if (!strncmp(cname, "struct ", 7) || !strncmp(cname, "union ", 6))
		return kbtf_record(a, cname);
	const struct btf *btf = kbtf_vmlinux();
	if (!btf)
		return NULL;
	bool is_enum = !strncmp(cname, "enum ", 5);
	int id = btf__find_by_name_kind(btf, is_enum ? cname + 5 : cname,
					is_enum ? BTF_KIND_ENUM : BTF_KIND_TYPEDEF);
	if (id <= 0 && is_enum)
		id = btf__find_by_name_kind(btf, cname + 5, BTF_KIND_ENUM64);
	return id > 0 ? convert(a, btf, (unsigned int)id, 0) : NULL;
}

struct type *kbtf_var(struct arena *a, const char *name)
{
	const struct btf *btf = kbtf_vmlinux();
	int id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_VAR) : -1;
	if (id <= 0)
		return NULL;
	return convert(a, btf, btf__type_by_id(btf, (unsigned int)id)->type, 0);
}

struct type *kbtf_enumerator(struct arena *a, const char *name, int64_t *value)
{
	const struct btf *btf = kbtf_vmlinux();
	unsigned int n = btf ? btf__type_cnt(btf) : 0;
	for (unsigned int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		for (int i = 0; btf_is_enum(t) && i < btf_vlen(t); i++) {
			const struct btf_enum *e = btf_enum(t) + i;
			if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
				*value = btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
				return convert_enum(a, btf, t);
			}
		}
		for (int i = 0; btf_is_enum64(t) && i < btf_vlen(t); i++) {
			const struct btf_enum64 *e = btf_enum64(t) + i;
			if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
				*value = (int64_t)btf_enum64_value(e);
				return convert_enum(a, btf, t);
			}
		}
	}
	return NULL;
}

/* Count the fields members of t contribute (anonymous members flattened). */
static int count_fields(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	int n = 0;
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		unsigned int id = m->type;
		const struct btf_type *mt = resolve(btf, &id);
		const char *name = btf__name_by_offset(btf, m->name_off);
		if ((!name || !*name) && mt && btf_is_composite(mt))
			n += count_fields(btf, mt);
		else if (name && *name)
			n++;
	}
	return n;
}

/* Append the fields of t at byte offset base into rec->fields. */
static void add_fields(struct arena *a, const struct btf *btf, const struct btf_type *t,
		       uint32_t base, struct type *rec)
{
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		unsigned int id = m->type;
		const struct btf_type *mt = resolve(btf, &id);
		const char *name = btf__name_by_offset(btf, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, (uint32_t)i);
		if ((!name || !*name) && mt && btf_is_composite(mt)) {
			add_fields(a, btf, mt, base + bit / 8, rec);
			continue;
		}
		if (!name || !*name || btf_member_bitfield_size(t, (uint32_t)i) || bit % 8)
			continue;	/* bitfields are not supported (yet) */
		struct type *ft = convert(a, btf, m->type, 0);
		if (!ft)
			continue;
		struct field *f = &rec->fields[rec->nfields++];
		f->name = name;
		f->type = ft;
		f->offset = base + bit / 8;
	}
}

bool kbtf_complete(struct arena *a, struct type *rec)
{
	unsigned int id;
	if (rec->kind != TY_RECORD || !rec->btf_id)
		return false;
	const struct btf *btf = btf_of(rec->btf_id, &id);
	if (!btf)
		return false;
	if (rec->fields)
		return true;
	const struct btf_type *t = btf__type_by_id(btf, id);
	if (t && btf_is_fwd(t)) {	/* a declaration: find the definition by name */
		int def = btf__find_by_name_kind(btf, btf__name_by_offset(btf, t->name_off),
						 btf_kflag(t) ? BTF_KIND_UNION : BTF_KIND_STRUCT);
		t = def > 0 ? btf__type_by_id(btf, (unsigned int)def) : NULL;
		if (t)
			rec->size = t->size;
	}
	if (!t || !btf_is_composite(t))
		return false;
	int n = count_fields(btf, t);
	rec->fields = arena_alloc(a, sizeof(*rec->fields) * (size_t)(n ? n : 1));
	if (!rec->fields)
		return false;
	rec->nfields = 0;
	add_fields(a, btf, t, 0, rec);
	return true;
}

bool kbtf_has_func(const char *func)
{
	return kbtf_func_module(NULL, func) != NULL;
}

const char *kbtf_func_module(const char *mod_glob, const char *func)
{
	const char *mod = NULL;
	const struct btf *btf;
	return func_find(mod_glob, func, &btf, &mod) ? mod : NULL;
}

int kbtf_func(struct arena *a, const char *func, struct type **args, struct type **ret)
{
	return kbtf_func_in(a, NULL, func, args, ret);
}

int kbtf_func_in(struct arena *a, const char *mod_glob, const char *func, struct type **args,
		 struct type **ret)
{
	const char *mod;
	if (!kbtf_vmlinux())
		return -errno;
	const struct btf *btf;
	const struct btf_type *p = func_find(mod_glob, func, &btf, &mod);
	if (!p)
		return -ENOENT;
	int n = btf_vlen(p);
	const struct btf_param *prm = btf_params(p);
	struct type *rec = type_new(a, TY_RECORD);
	if (!rec || !(rec->fields = arena_alloc(a, sizeof(*rec->fields) * (size_t)(n ? n : 1))))
		return -ENOMEM;
	uint32_t slot = 0;	/* a struct of 9..16 bytes takes two (two registers) */
	for (int i = 0; i < n; i++, prm++) {
		const char *name = btf__name_by_offset(btf, prm->name_off);
		long size = prm->type ? btf__resolve_size(btf, prm->type) : 8;
		uint32_t slots = size > 8 ? (uint32_t)(size + 7) / 8 : 1;
		struct type *t = convert(a, btf, prm->type, 0);
		if (name && *name && t) {	/* else varargs, or a type we can't represent */
			struct field *f = &rec->fields[rec->nfields++];
			f->name = name;
			f->type = t;
			f->offset = 8u * slot;
		}
		slot += slots;
	}
	rec->size = 8u * slot;
	*args = rec;
	*ret = p->type ? convert(a, btf, p->type, 0) : NULL;
	return (int)slot;
}

static int each_func(const struct btf *btf, unsigned int from, const char *glob,
		     int (*fn)(const char *name, void *arg), void *arg);

int kbtf_each_func(const char *glob, int (*fn)(const char *name, void *arg), void *arg)
{
	const struct btf *btf = kbtf_vmlinux();
	if (!btf)
		return -errno;
	return each_func(btf, 1, glob, fn, arg);
}

int kbtf_each_func_in(const char *mod_glob, const char *glob,
		      int (*fn)(const char *name, void *arg), void *arg)
{
	const struct btf *btf = kbtf_vmlinux();
	int r = 0;
	if (!btf)
		return -errno;
	if (!mod_glob)
		return kbtf_each_func(glob, fn, arg);
	if (selects(mod_glob, "vmlinux"))
		r = each_func(btf, 1, glob, fn, arg);
	for (int i = 0; !r && i < modules_list(); i++) {
		const struct btf *m = selects(mod_glob, mods[i].name) ? module_btf(i) : NULL;
		if (m)	/* a module's own functions: the ids after vmlinux's */
			r = each_func(m, btf__type_cnt(btf), glob, fn, arg);
	}
	return r;
}

/* fn for every FUNC of btf from id `from` on whose name matches glob. */
static int each_func(const struct btf *btf, unsigned int from, const char *glob,
		     int (*fn)(const char *name, void *arg), void *arg)
{
	unsigned int n = btf__type_cnt(btf);
	for (unsigned int id = from; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_func(t))
			continue;
		const char *name = btf__name_by_offset(btf, t->name_off);
		if (name && !fnmatch(glob, name, 0)) {
			int r = fn(name, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

/* The C name of type id as bpftrace -lv shows it: typedef names kept,
 * qualifiers dropped, "struct file *". */
static void c_name(const struct btf *btf, unsigned int id, struct sb *out)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	while (t && (btf_is_mod(t) || btf_is_decl_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (!t || id == 0) {
		sb_puts(out, "void");
		return;
	}
	const char *name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		c_name(btf, t->type, out);
		sb_puts(out, " *");
		return;
	case BTF_KIND_STRUCT:
		sb_printf(out, "struct %s", name);
		return;
	case BTF_KIND_UNION:
		sb_printf(out, "union %s", name);
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		sb_printf(out, "enum %s", name);
		return;
	case BTF_KIND_FWD:
		sb_printf(out, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		return;
	case BTF_KIND_FUNC_PROTO:
		sb_puts(out, "void");	/* a function pointer prints as "void *" */
		return;
	default:
		sb_puts(out, name && *name ? name : "void");
	}
}

int kbtf_print_params(const char *func, bool with_retval, FILE *out)
{
	const char *mod;
	if (!kbtf_vmlinux())
		return -errno;
	const struct btf *btf;
	const struct btf_type *p = func_find(NULL, func, &btf, &mod);
	if (!p)
		return -ENOENT;
	struct sb line;
	sb_init(&line);
	const struct btf_param *prm = btf_params(p);
	for (int i = 0; i < btf_vlen(p); i++, prm++) {
		const char *name = btf__name_by_offset(btf, prm->name_off);
		if (!prm->type)
			continue;	/* "..." */
		sb_reset(&line);
		c_name(btf, prm->type, &line);
		fprintf(out, "    %s %s\n", sb_str(&line), name ? name : "");
	}
	if (with_retval && p->type) {
		sb_reset(&line);
		c_name(btf, p->type, &line);
		fprintf(out, "    %s retval\n", sb_str(&line));
	}
	sb_fini(&line);
	return 0;
}

static void kbtf_dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* The members of struct/union t, one declaration a line. */
static void print_members(const struct btf *btf, struct btf_dump *d,
			  const struct btf_type *t, FILE *out)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o,
			    .field_name = btf__name_by_offset(btf, m->name_off));
		unsigned int bits = btf_member_bitfield_size(t, i);
		fputs("        ", out);
		btf_dump__emit_type_decl(d, m->type, &o);
		if (bits)
			fprintf(out, ":%u", bits);
		fputs(";\n", out);
	}
}

/* The values of enum t, "NAME = VALUE," a line. */
static void print_enumerators(const struct btf *btf, const struct btf_type *t, FILE *out)
{
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name;
		long long v;
		if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t) + i;
			name = btf__name_by_offset(btf, e->name_off);
			v = (long long)btf_enum64_value(e);
		} else {
			const struct btf_enum *e = btf_enum(t) + i;
			name = btf__name_by_offset(btf, e->name_off);
			v = e->val;
		}
		fprintf(out, "        %s = %lld,\n", name, v);
	}
}

int kbtf_print_decl(const char *cname, FILE *out)
{
	const struct btf *btf = kbtf_vmlinux();
	const char *sp = strchr(cname, ' ');
	struct btf_dump *d;
	int kind, id;

	if (!btf)
		return -errno;
	if (!sp)
		return -EINVAL;
	if (!strncmp(cname, "struct ", 7))
		kind = BTF_KIND_STRUCT;
	else if (!strncmp(cname, "union ", 6))
		kind = BTF_KIND_UNION;
	else if (!strncmp(cname, "enum ", 5))
		kind = BTF_KIND_ENUM;
	else
		return -EINVAL;
	id = btf__find_by_name_kind(btf, sp + 1, kind);
	if (id < 0 && kind == BTF_KIND_ENUM)
		id = btf__find_by_name_kind(btf, sp + 1, BTF_KIND_ENUM64);
	if (id < 0)
		return -ENOENT;
	const struct btf_type *t = btf__type_by_id(btf, (unsigned int)id);
	d = btf_dump__new(btf, kbtf_dump_printf, out, NULL);
	if (!d)
		return -errno;
	fprintf(out, "%s {\n", cname);
	if (btf_is_composite(t))
		print_members(btf, d, t, out);
	else
		print_enumerators(btf, t, out);
	fputs("};\n", out);
	btf_dump__free(d);
	return 0;
}
