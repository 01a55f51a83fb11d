/* Raw tracepoints described by kernel BTF (see rawtp.h), read from the one
 * vmlinux BTF cache of kbtf.c. */
#include "kernel/rawtp.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "kernel/kbtf.h"
#include "lang/types.h"
#include "util/alloc.h"
#include "util/arena.h"

#define PREFIX "btf_trace_"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int rawtp_expand(const char *glob, int (*cb)(const char *name, void *ctx), void *ctx)
{
	const struct btf *btf = kbtf_vmlinux();
	const char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!btf)
		return -errno;
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *nm = btf__name_by_offset(btf, t->name_off);
		if (!btf_is_typedef(t) || strncmp(nm, PREFIX, strlen(PREFIX)))
			continue;
		nm += strlen(PREFIX);
		if (fnmatch(glob, nm, 0))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			const char **g = xrealloc(names, cap * sizeof(*g));
			if (!g) {
				xfree(names);
				return -ENOMEM;
			}
			names = g;
		}
		names[n++] = nm;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && !r; i++)
		r = cb(names[i], ctx);
	xfree(names);
	return r ? r : (int)n;
}

/* The names of the raw tracepoints kernel BTF describes, sorted: each
 * btf_trace_<name> of BTF's string section (the kernel uses such names for
 * those typedefs only), found in one pass, once; a wildcard asks for every
 * tracepoint it matched (1,588 for tracepoint:*:*, which read the section
 * each time: 1.2 s). Without BTF none. */
static const char *const *btf_names(size_t *count)
{
	static const char **names;
	static size_t n;
	static bool built;
	static const char needle[] = "\0" PREFIX;	/* a whole name: after a NUL */

	if (!built) {
		size_t len = 0, cap = 0;
		const char *s = kbtf_strings(&len), *at = s;
		built = true;
		while (s && (at = memmem(at, len - (size_t)(at - s), needle, sizeof(needle) - 1))) {
			at += sizeof(needle) - 1;
			if (n == cap) {
				const char **grown = xrealloc(names, (cap = cap ? 2 * cap : 1024) *
								     sizeof(*names));
				if (!grown)
					break;	/* the names so far: the rest stay perf events */
				names = grown;
			}
			names[n++] = at;
		}
		if (n)
			qsort(names, n, sizeof(*names), cmp_str);
	}
	*count = n;
	return names;
}

bool rawtp_has_btf(const char *name)
{
	size_t n;
	const char *const *names = btf_names(&n);
	return n && bsearch(&name, names, n, sizeof(*names), cmp_str);
}

/* The FUNC_PROTO of raw tracepoint name, or NULL (errno ENOENT). The
 * prototypes of the functions __bpf_trace_<class> and (kernel 6.4+)
 * __probestub_<name> have parameter names; __bpf_trace_ is named after the
 * event class, which matches only an event that is its own class
 * (sched_switch, not block_rq_issue of class block_rq), while a probe stub
 * exists per event. The btf_trace_<name> typedef's prototype has no names,
 * so it is the last resort. */
static const struct btf_type *proto_of(const struct btf *btf, const char *name)
{
	static const char *const named[] = { "__bpf_trace_", "__probestub_" };
	char buf[256];
	int id;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s", named[i], name);
		id = btf__find_by_name_kind(btf, buf, BTF_KIND_FUNC);
		if (id > 0)
			return btf__type_by_id(btf, btf__type_by_id(btf, (__u32)id)->type);
	}
	snprintf(buf, sizeof(buf), PREFIX "%s", name);
	id = btf__find_by_name_kind(btf, buf, BTF_KIND_TYPEDEF);
	if (id < 0) {
		errno = ENOENT;
		return NULL;
	}
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, (__u32)id));
	if (t && btf_is_ptr(t))
		t = btf__type_by_id(btf, btf__resolve_type(btf, t->type));
	if (!t || !btf_is_func_proto(t)) {
		errno = ENOENT;
		return NULL;
	}
	return t;
}

/* Our type for the BTF type id: integers, enums and pointers (to what BTF
 * says they point at, else to bytes); 64-bit integers for anything else (a
 * raw tracepoint argument is one u64 slot). */
static struct type *arg_type(struct arena *a, const struct btf *btf, __u32 id)
{
	__u32 rid = (__u32)btf__resolve_type(btf, id);
	const struct btf_type *t = btf__type_by_id(btf, rid);

	if (t && btf_is_int(t)) {
		int bits = btf_int_bits(t);
		bool sign = btf_int_encoding(t) & BTF_INT_SIGNED;
		return type_int(a, bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 32 ? 32 : 64, sign);
	}
	if (t && btf_is_enum(t))
		return type_int(a, (int)t->size * 8 > 32 ? 64 : 32, false);
	if (t && btf_is_ptr(t)) {	/* typed, so that args.rq->q reads through it */
		struct type *c = kbtf_type(a, id);
		if (c && c->kind == TY_PTR && c->elem)
			return c;
		struct type *p = type_new(a, TY_PTR);
		p->elem = type_int(a, 8, true);
		p->btf_id = t->type;
		return p;
	}
	return type_int(a, 64, false);
}

struct type *rawtp_args_type(struct arena *a, const char *name)
{
	const struct btf *btf = kbtf_vmlinux();
	const struct btf_type *proto = btf ? proto_of(btf, name) : NULL;
	if (!proto)
		return NULL;
	const struct btf_param *p = btf_params(proto);
	int n = btf_vlen(proto) - 1;	/* the first parameter is void *__data */
	struct type *t = type_new(a, TY_RECORD);
	t->name = arena_printf(a, "struct _rawtracepoint_%s", name);
	t->fields = arena_alloc(a, sizeof(*t->fields) * (size_t)(n > 0 ? n : 1));
	for (int i = 0; i < n; i++) {
		struct field *f = &t->fields[t->nfields++];
		const char *fname = btf__name_by_offset(btf, p[i + 1].name_off);
		f->name = fname && *fname ? fname : arena_printf(a, "arg%d", i);
		f->offset = 8u * (uint32_t)i;
		f->type = arg_type(a, btf, p[i + 1].type);
	}
	t->size = 8u * (uint32_t)(n > 0 ? n : 0);
	return t;
}

struct list_ctx {
	bool verbose;
	FILE *out;
	const struct btf *btf;
	struct btf_dump *dump;
};

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

static int list_one(const char *name, void *arg)
{
	struct list_ctx *l = arg;
	const struct btf_type *proto;

	fprintf(l->out, "rawtracepoint:%s\n", name);
	if (!l->verbose || !(proto = proto_of(l->btf, name)))
		return 0;
	const struct btf_param *p = btf_params(proto);
	for (int i = 1; i < btf_vlen(proto); i++) {
		LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o,
			    .field_name = btf__name_by_offset(l->btf, p[i].name_off));
		fputs("    ", l->out);
		btf_dump__emit_type_decl(l->dump, p[i].type, &o);
		fputc('\n', l->out);
	}
	return 0;
}

int rawtp_list(const char *pattern, bool verbose, FILE *out)
{
	struct list_ctx l = { verbose, out, kbtf_vmlinux(), NULL };
	const char *glob = strrchr(pattern, ':');	/* "vmlinux:name" → "name" */
	int r;

	if (glob) {	/* only vmlinux's raw tracepoints are listed */
		char *mod = strndup(pattern, (size_t)(glob - pattern));
		bool other = mod && fnmatch(mod, "vmlinux", 0);
		free(mod);
		if (other)
			return 0;
	}
	glob = glob ? glob + 1 : pattern;
	if (!l.btf)
		return -errno;
	if (verbose) {
		l.dump = btf_dump__new(l.btf, dump_printf, out, NULL);
		if (!l.dump)
			return -errno;
	}
	r = rawtp_expand(*glob ? glob : "*", list_one, &l);
	btf_dump__free(l.dump);
	return r;
}
