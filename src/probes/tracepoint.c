/* tracepoint:<category>:<name>: a perf event on the tracepoint, through libbpf,
 * with the probe's index as BPF cookie (read by `probe` when the program is
 * shared by several tracepoints of a wildcard). -l/-lv walk tracefs. The
 * syscall tracepoints bpfline knows the number of run on raw_syscalls instead
 * (syscall.c). */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kernel/kbtf.h"
#include "kernel/tracefs.h"
#include "lang/types.h"
#include "probes/probes_internal.h"
#include "util/arena.h"
#include "util/log.h"

struct tp_ctx {
	struct program *p;
	const struct node *probe, *attach;
};

static int add_tracepoint(const char *cat, const char *name, void *arg)
{
	struct tp_ctx *c = arg;
	uint64_t nr = 0;
	const struct probe_family *f = probes_syscall_family(c->p, cat, name, &nr);
	struct probe_def *d = probes_add_def(c->p, c->probe, c->attach, f ? f : &probe_tracepoint);
	if (!d)
		return -ENOMEM;
	d->value = nr;
	d->target = arena_strdup(&c->p->arena, cat);
	d->func = arena_strdup(&c->p->arena, name);
	d->name = arena_printf(&c->p->arena, "tracepoint:%s:%s", cat, name);
	return 0;
}

/* tracepoint:CATEGORY:NAME, globs in both, expanded over tracefs. */
static bool tracepoint_expand(const struct probe_family *f, struct program *p,
			      const struct node *probe, const struct node *at, char **parts, int n)
{
	struct diags *d = &p->diags;
	(void)f;
	if (n != 3 || !*parts[1] || !*parts[2]) {
		struct diag *dg = diag_error(d, at->loc, "Invalid tracepoint: %s", at->attach.text);
		diag_hint(d, dg, "the form is tracepoint:category:name, e.g. tracepoint:syscalls:sys_enter_openat");
		return false;
	}
	if (!tracefs_path()) {
		int err = errno;
		struct diag *dg = diag_error(d, at->loc, "%s: tracefs is not available: %s",
					     at->attach.text, strerror(err));
		diag_hint(d, dg, "%s", tracefs_hint(-err));
		return false;
	}
	struct tp_ctx c = {p, probe, at};
	int r = tracefs_expand(parts[1], parts[2], add_tracepoint, &c);
	if (r == 0) {
		return probes_missing_hint(p, at,
			arena_printf(&p->arena, "tracepoint %s:%s", parts[1], parts[2]),
			arena_printf(&p->arena, "bpfline -l 'tracepoint:%s:*' lists the tracepoints "
				     "of that category", parts[1]));
	}
	if (r < 0) {
		diag_error(d, at->loc, "%s: cannot list tracepoints: %s", at->attach.text, strerror(-r));
		return false;
	}
	return true;
}

static const char *tracepoint_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "tracepoint/%s/%s", pd->target, pd->func);
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The integer a pointer field points to, from its base type's words: "char" and
 * unknown names (structs) are bytes; short, int, long and the kernel's uN/sN/__uN
 * have their widths. */
static struct type *pointee_int(struct arena *a, const char *ty)
{
	static const struct { const char *word; int bits; } ints[] = {
		{"long", 64}, {"int", 32}, {"short", 16}, {"u64", 64}, {"s64", 64}, {"u32", 32},
		{"s32", 32}, {"u16", 16}, {"s16", 16}, {"size_t", 64}, {"pid_t", 32},
	};
	bool is_unsigned = strstr(ty, "unsigned") || strstr(ty, "u64") || strstr(ty, "u32") ||
			   strstr(ty, "u16") || strstr(ty, "size_t");
	if (strstr(ty, "struct") || strstr(ty, "union") || strstr(ty, "void"))
		return type_int(a, 8, true);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (strstr(ty, ints[i].word))
			return type_int(a, ints[i].bits, !is_unsigned);
	return type_int(a, 8, !is_unsigned);
}

/* What a pointer field points to: "struct x"/"union x" a record known by name
 * only (no fields, no BTF id), which sema resolves on the first field access
 * as a cast resolves the name, so BTF is loaded only when a program follows
 * the pointer; "void" nothing (a void *); anything else an integer. */
static struct type *pointee(struct arena *a, const char *ty)
{
	const char *w = ty;
	while (!strncmp(w, "const ", 6) || !strncmp(w, "volatile ", 9))
		w = strchr(w, ' ') + 1;
	if (!strncmp(w, "void", 4) && !is_ident_char(w[4]))
		return NULL;
	if (!strncmp(w, "struct ", 7) || !strncmp(w, "union ", 6)) {
		size_t kw = w[0] == 's' ? 7 : 6, n = kw;
		while (is_ident_char(w[n]))
			n++;
		struct type *r = type_new(a, TY_RECORD);
		r->name = arena_strndup(a, w, n);
		return r;
	}
	return pointee_int(a, ty);
}

/* A pointer field: one TY_PTR per '*' of its type ("const char *const *argv" is
 * a pointer to pointers to chars), each into user memory when the field is. */
static struct type *pointer_type(struct arena *a, const struct tracefs_field *f)
{
	struct type *t = pointee(a, f->type);
	for (const char *c = strchr(f->type, '*'); c; c = strchr(c + 1, '*')) {
		struct type *p = type_new(a, TY_PTR);
		p->elem = t;
		p->is_user = f->is_user;
		t = p;
	}
	return t;
}

/* The type of one tracepoint field, from its format-file description. */
/* A field of enum type prints its enumerators' names, which kernel BTF has (its
 * first use in the run loads it); without BTF the field stays a number. */
static void enum_names(struct arena *a, struct type *t, const char *cname)
{
	const struct type *e = kbtf_named(a, cname);
	if (e && e->kind == TY_INT) {
		t->enumerators = e->enumerators;
		t->nenumerators = e->nenumerators;
	}
}

static struct type *field_type(struct arena *a, const struct tracefs_field *f)
{
	if (f->array_len && strstr(f->type, "char"))
		return type_str(a, f->array_len);
	if (f->array_len) {
		struct type *t = type_new(a, TY_ARRAY);
		t->elem = type_int(a, (int)(f->size / f->array_len) * 8, f->is_signed);
		t->count = f->array_len;
		t->size = f->size;
		return t;
	}
	if (f->is_pointer)
		return pointer_type(a, f);
	if (f->is_data_loc) {
		struct type *t = type_int(a, 32, false);
		if (t)
			t->is_data_loc = true;
		return t;
	}
	int bits = f->size >= 8 ? 64 : (int)f->size * 8;
	/* A syscall argument declared `int` is an 8-byte slot (signed:0): signed
	 * 64 bits, as bpftrace takes it (`int dfd` of AT_FDCWD is -100) */
	bool is_signed = f->is_signed || (f->size == 8 && !strcmp(f->type, "int"));
	struct type *t = type_int(a, bits ? bits : 64, is_signed);
	if (t && !strncmp(f->type, "enum ", 5))
		enum_names(a, t, f->type);
	return t;
}

struct type *probes_tracepoint_args(struct arena *a, struct probe_def *d)
{
	struct tracefs_field *f;
	int n;
	if (d->args)
		return d->args;
	if (tracefs_format(a, d->target, d->func, &f, &n) < 0)
		return NULL;
	struct type *t = type_new(a, TY_RECORD);
	t->name = arena_printf(a, "struct _tracepoint_%s_%s", d->target, d->func);
	t->fields = arena_alloc(a, sizeof(*t->fields) * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		if (f[i].is_common)
			continue;
		struct field *fl = &t->fields[t->nfields++];
		fl->name = f[i].name;
		fl->offset = f[i].offset;
		fl->type = field_type(a, &f[i]);
		if (fl->offset + fl->type->size > t->size)
			t->size = fl->offset + (fl->type->kind == TY_INT ? f[i].size : fl->type->size);
	}
	d->args = t;
	return t;
}

static int tracepoint_attach(const struct probe_def *pd, struct bpf_program *prog,
			     struct bpf_link **link, const char **hint)
{
	LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = attach_cookie(pd));
	int err;

	/* libbpf reads the event id from tracefs: make sure there is one. */
	if (!tracefs_path()) {
		err = -errno;
		*hint = tracefs_hint(err);
		return err;
	}
	*link = bpf_program__attach_tracepoint_opts(prog, pd->target, pd->func,
						    pd->shared ? &opts : NULL);
	if (*link)
		return 0;
	err = -errno;
	if (err == -ENOENT && !tracefs_exists(pd->target, pd->func))
		*hint = "no such tracepoint; the list is in <tracefs>/available_events";
	return err;
}

struct tp_list {
	bool verbose;
	FILE *out;
	struct arena a;
};

/* One field line of -lv, as bpftrace prints it: "    const char * filename". */
static void print_field(FILE *out, const struct tracefs_field *f)
{
	const char *t = f->type;
	size_t n = strlen(t);
	bool ptr = n && t[n - 1] == '*';

	if (ptr && n >= 2 && t[n - 2] != ' ' && t[n - 2] != '*')	/* "char*" → "char *" */
		fprintf(out, "    %.*s %s %s", (int)(n - 1), t, "*", f->name);
	else
		fprintf(out, "    %s %s", t, f->name);
	if (f->array_len)
		fprintf(out, "[%u]", f->array_len);
	fputc('\n', out);
}

static int list_one(const char *cat, const char *name, void *arg)
{
	struct tp_list *l = arg;
	struct tracefs_field *f;
	int n;

	fprintf(l->out, "tracepoint:%s:%s\n", cat, name);
	if (!l->verbose || tracefs_format(&l->a, cat, name, &f, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (!f[i].is_common)
			print_field(l->out, &f[i]);
	return 0;
}

/* pattern: "cat:name" globs; a missing part matches everything. */
static int tracepoint_list(const char *pattern, bool verbose, FILE *out)
{
	struct tp_list l = { verbose, out, {0} };
	char cat[256] = "*";
	const char *name = "*", *colon = strchr(pattern, ':');
	int r;

	if (*pattern && colon) {
		snprintf(cat, sizeof(cat), "%.*s", (int)(colon - pattern), pattern);
		name = colon[1] ? colon + 1 : "*";
	} else if (*pattern) {
		snprintf(cat, sizeof(cat), "%s", pattern);
	}
	if (!tracefs_path())
		return -errno;
	arena_init(&l.a);
	r = tracefs_expand(cat, name, list_one, &l);
	arena_fini(&l.a);
	return r;
}

/* The raw tracepoint of the same name, for bodies that read neither args,
 * ctx nor kstack (probes.c, tracepoint_raw_ok): BPF runs on the tracepoint's
 * arguments, without the perf record a perf event builds first. */
static const char *tracepoint_raw_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "raw_tp/%s", pd->func);
}

static int tracepoint_raw_attach(const struct probe_def *pd, struct bpf_program *prog,
				 struct bpf_link **link, const char **hint)
{
	rt_log(1, "probe '%s': the raw tracepoint %s (the block reads no args)\n", pd->name,
	       pd->func);
	*link = bpf_program__attach_raw_tracepoint(prog, pd->func);
	if (*link)
		return 0;
	*hint = "the tracepoint ran as the raw tracepoint of its name; BPFL_PERF_TRACEPOINTS=1 "
		"attaches a perf event instead";
	return -errno;
}

const struct probe_family probe_tracepoint_raw = {
	.name = "tracepoint",
	.pid_predicate = true,
	.section = tracepoint_raw_section,
	.args_type = probes_tracepoint_args,
	.shares = true,
	.tail_calls = true,
	.attach = tracepoint_raw_attach,
};

static const char *const tracepoint_aliases[] = {"t", NULL};

const struct probe_family probe_tracepoint = {
	.name = "tracepoint",
	.pid_predicate = true,
	.aliases = tracepoint_aliases,
	.expand = tracepoint_expand,
	.section = tracepoint_section,
	.list = tracepoint_list,
	.list_bare = "*:",
	.args_type = probes_tracepoint_args,
	.shares = true,
	.tail_calls = true,
	.attach = tracepoint_attach,
};
