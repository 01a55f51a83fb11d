/* iter:task, iter:task_file, iter:task_vma: BPF iterators (BPF_PROG_TYPE_TRACING,
 * expected attach type BPF_TRACE_ITER, section "iter/NAME"; libbpf finds the
 * kernel's bpf_iter_NAME from the section). The program runs once per kernel
 * object, with `ctx` a struct bpf_iter__NAME * (ctx->task, ctx->file, ctx->fd,
 * ctx->vma, ctx->meta); the final call, whose object pointer is NULL, returns
 * at once (bpftrace does the same). Attaching creates the iterator and reads it
 * to its end, so every call has run when attach returns; the run then ends by
 * itself (ends_run) after printing the output and the maps. An iterator cannot
 * be mixed with any other probe (alone), as in bpftrace. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/kbtf.h"
#include "lang/types.h"
#include "probes/probes_internal.h"

/* The iterators, and the member of their context that is NULL at the end. */
static const struct {
	const char *name;
	const char *object;
} iters[] = {
	{"task", "task"},
	{"task_file", "file"},
	{"task_vma", "vma"},
};

#define NITERS (sizeof(iters) / sizeof(iters[0]))

/* struct bpf_iter__NAME from kernel BTF, fields filled; NULL without it. */
static struct type *ctx_record(struct arena *a, const char *name)
{
	struct type *rec = kbtf_record(a, arena_printf(a, "struct bpf_iter__%s", name));
	return rec && kbtf_complete(a, rec) ? rec : NULL;
}

static const struct field *record_field(const struct type *rec, const char *name)
{
	for (int i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].name, name))
			return &rec->fields[i];
	return NULL;
}

/* iter:NAME. probe_def.func is NAME, probe_def.value the offset of the object
 * pointer in the context (the NULL test of the last call). */
static bool iter_expand(const struct probe_family *f, struct program *p,
			const struct node *probe, const struct node *at, char **parts, int n)
{
	size_t i = 0;
	while (n >= 2 && i < NITERS && strcmp(iters[i].name, parts[1]))
		i++;
	if (n < 2 || i == NITERS) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid iterator: %s", at->attach.text);
		diag_hint(&p->diags, dg, "the iterators are iter:task, iter:task_file and iter:task_vma");
		return false;
	}
	if (n > 2) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: pinning an iterator "
					     "(iter:NAME:PIN) is not supported yet", at->attach.text);
		diag_hint(&p->diags, dg, "run it without the pin path: iter:%s", iters[i].name);
		return false;
	}
	const struct type *rec = ctx_record(&p->arena, iters[i].name);
	const struct field *obj = rec ? record_field(rec, iters[i].object) : NULL;
	if (!obj) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: the kernel's BTF has no "
					     "struct bpf_iter__%s", at->attach.text, iters[i].name);
		diag_hint(&p->diags, dg, "iterators need kernel BTF (/sys/kernel/btf/vmlinux)");
		return false;
	}
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (!d)
		return false;
	d->func = iters[i].name;
	d->value = obj->offset;
	d->name = arena_printf(&p->arena, "iter:%s", iters[i].name);
	return true;
}

static const char *iter_section(struct arena *a, const struct probe_def *pd)
{
	return arena_printf(a, "iter/%s", pd->func);
}

static struct type *iter_ctx_type(struct arena *a, const struct probe_def *pd)
{
	struct type *rec = ctx_record(a, pd->func);
	if (!rec)
		return NULL;
	struct type *t = type_new(a, TY_PTR);
	t->elem = rec;
	return t;
}

/* Read the iterator of link to its end (its seq_file output, if the program
 * wrote any, goes to stdout); 0 or -errno. */
static int iter_read(struct bpf_link *link)
{
	char buf[4096];
	ssize_t r;
	int fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)r, stdout);
	int err = r < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int iter_attach(const struct probe_def *pd, struct bpf_program *prog,
		       struct bpf_link **link, const char **hint)
{
	(void)pd;
	*link = bpf_program__attach_iter(prog, NULL);
	if (!*link) {
		*hint = "the kernel could not create the iterator";
		return -errno;
	}
	int err = iter_read(*link);
	if (err) {
		bpf_link__destroy(*link);
		*link = NULL;
	}
	return err;
}

/* -l: iter:task, iter:task_file, iter:task_vma; -lv adds the fields of ctx
 * (meta left out), as bpftrace -lv shows them. */
static int iter_list(const char *pattern, bool verbose, FILE *out)
{
	struct arena a;
	int k = 0;
	arena_init(&a);
	for (size_t i = 0; i < NITERS; i++) {
		if (*pattern && fnmatch(pattern, iters[i].name, 0))
			continue;
		fprintf(out, "iter:%s\n", iters[i].name);
		k++;
		const struct type *rec = verbose ? ctx_record(&a, iters[i].name) : NULL;
		for (int f = 0; rec && f < rec->nfields; f++) {
			char buf[128];
			if (strcmp(rec->fields[f].name, "meta"))
				fprintf(out, "    %s %s\n", type_name(rec->fields[f].type, buf,
								(int)sizeof(buf)), rec->fields[f].name);
		}
	}
	arena_fini(&a);
	return k;
}

static const char *const iter_aliases[] = {"it", NULL};

const struct probe_family probe_iter = {
	.tracing = true,
	.name = "iter",
	.aliases = iter_aliases,
	.expand = iter_expand,
	.section = iter_section,
	.list = iter_list,
	.ctx_type = iter_ctx_type,
	.ctx_null_ends = true,
	.ends_run = true,
	.alone = true,
	.attach = iter_attach,
};
