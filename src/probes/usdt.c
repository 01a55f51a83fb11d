/* usdt: the static probes of a binary's .note.stapsdt, one uprobe per site.
 *   usdt:BIN:PROVIDER:NAME  usdt:BIN:NAME  usdt:PROVIDER:NAME (with -p/-c)
 * PROVIDER and NAME may be globs. A site with a semaphore passes its file
 * offset as ref_ctr_offset, so the kernel increments the semaphore in every
 * process mapping the file while we are attached (and decrements it when the
 * link goes). The site index is the BPF cookie: the program reads the
 * arguments of the site that fired. Argument registers are named in the notes
 * (%rdi, %edi, ...) and found in pt_regs through src/arch/. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "arch/arch.h"
#include "kernel/uelf.h"
#include "kernel/usdt.h"
#include "probes/probes_internal.h"
#include "util/arena.h"

/* The pt_regs offset of every register operand; a site naming a register
 * the architecture does not have gets nargs = -1 (its arguments are an error). */
static void resolve_regs(struct usdt_probe *up, int n)
{
	for (int i = 0; i < n; i++)
		for (int s = 0; s < up[i].nsites; s++) {
			struct usdt_site *site = &up[i].sites[s];
			for (int k = 0; k < site->nargs; k++) {
				struct usdt_arg *a = &site->args[k];
				if (a->kind == USDT_ARG_CONST)
					continue;
				a->reg_off = arch_usdt_reg_offset(a->reg);
				if (a->reg_off < 0)
					site->nargs = -1;
			}
		}
}

/* usdt: split into binary, provider and name globs. */
static void usdt_parts(struct program *p, const char *rest, const char **bin,
		       const char **prov, const char **name)
{
	char *parts[3];
	int n = 0;
	const char *s = rest;

	while (n < 2 && strchr(s, ':')) {
		const char *c = strchr(s, ':');
		parts[n++] = arena_strndup(&p->arena, s, (size_t)(c - s));
		s = c + 1;
	}
	parts[n++] = arena_strdup(&p->arena, s);
	*bin = NULL;
	*prov = "*";
	*name = parts[n - 1];
	if (n == 3) {
		*bin = parts[0];
		*prov = *parts[1] ? parts[1] : "*";	/* usdt:BIN::NAME: any provider */
	} else if (n == 2 && p->target_path && !strchr(parts[0], '/')) {
		*prov = parts[0];	/* -p/-c: usdt:provider:name */
	} else if (n == 2) {
		*bin = parts[0];
	}
}

/* The probes of path matching prov:name: how many were added, or -1 after
 * an error. */
static int expand_file(const struct probe_family *f, struct program *p, const struct node *probe,
		       const struct node *at, const char *path, const char *prov, const char *name)
{
	struct usdt_probe *up;
	int n, err, matched = 0;

	err = usdt_read(&p->arena, path, &up, &n);
	if (err) {
		diag_error(&p->diags, at->loc, "%s: cannot read the usdt notes of %s: %s",
			   at->attach.text, path, err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		return -1;
	}
	resolve_regs(up, n);
	for (int i = 0; i < n; i++) {
		if (fnmatch(prov, up[i].provider, 0) || fnmatch(name, up[i].name, 0))
			continue;
		struct probe_def *d = probes_add_def(p, probe, at, f);
		if (!d)
			return -1;
		d->target = path;
		d->func = arena_printf(&p->arena, "%s:%s", up[i].provider, up[i].name);
		d->usdt = &up[i];
		d->name = arena_printf(&p->arena, "usdt:%s:%s:%s", path, up[i].provider, up[i].name);
		if (p->usdt_file_activation) {	/* every process's semaphores, -p's events */
			d->filter_pid = d->pid;
			d->pid = 0;
		}
		matched++;
	}
	return matched;
}

/* expand_file over each binary of a glob (probes_each_binary). */
struct file_ctx {
	const struct probe_family *f;
	struct program *p;
	const struct node *probe, *at;
	const char *prov, *name;
};

static int expand_file_in(void *ctx, const char *path)
{
	struct file_ctx *c = ctx;
	return expand_file(c->f, c->p, c->probe, c->at, path, c->prov, c->name);
}

/* usdt:[BIN:][PROVIDER:]NAME, globs in each part (BIN: see probes_binaries_of). */
static bool usdt_expand(const struct probe_family *f, struct program *p,
			const struct node *probe, const struct node *at, char **parts, int nparts)
{
	const char *rest = strchr(at->attach.text, ':'), *bin, *prov, *name, *where;

	if (!rest || !rest[1]) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid usdt: %s", at->attach.text);
		diag_hint(&p->diags, dg, "the form is usdt:BINARY:PROVIDER:NAME");
		return false;
	}
	usdt_parts(p, rest + 1, &bin, &prov, &name);
	(void)parts;
	(void)nparts;
	struct file_ctx ctx = {f, p, probe, at, prov, name};
	int added = probes_each_binary(p, at, bin, expand_file_in, &ctx, &where);
	if (added != 0)
		return added > 0;
	struct diag *dg = diag_error(&p->diags, at->loc, "%s: no usdt probe %s:%s in %s",
				     at->attach.text, prov, name, where);
	diag_hint(&p->diags, dg, "bpfline -l 'usdt:%s:*' lists its probes", where);
	return false;
}

static const char *usdt_section(struct arena *a, const struct probe_def *pd)
{
	(void)a;
	(void)pd;
	return "uprobe";
}

static int usdt_attach(const struct probe_def *pd, struct bpf_program *prog,
		       struct attach_set *set, const char **hint)
{
	const struct usdt_probe *up = pd->usdt;

	for (int i = 0; i < up->nsites; i++) {
		struct bpf_link *link;
		int err = probes_uprobe_attach_at(pd, prog, false, up->sites[i].offset, up->sites[i].sema_offset,
				    (uint64_t)i, &link, hint);
		err = err ?: attach_set_add(set, link);
		if (err)
			return err;
	}
	return 0;
}

/* Print usdt:PATH:PROVIDER:NAME for the probes of path matching prov:name;
 * how many or -errno. */
static int list_file(const char *path, const char *prov, const char *name, FILE *out)
{
	struct arena a;
	struct usdt_probe *up;
	int n, k = 0, err;

	arena_init(&a);
	err = usdt_read(&a, path, &up, &n);
	for (int i = 0; !err && i < n; i++)
		if (!fnmatch(prov, up[i].provider, 0) && !fnmatch(name, up[i].name, 0)) {
			fprintf(out, "usdt:%s:%s:%s\n", path, up[i].provider, up[i].name);
			k++;
		}
	arena_fini(&a);
	return err ? err : k;
}

/* usdt -l: "usdt:PATH:PROVIDER:NAME"; pattern "BIN:PROV:NAME", "BIN:NAME" or,
 * with -p, "PROV:NAME" / "NAME" / "" (BIN may be a glob: `*` is every file the
 * process maps). */
static int usdt_list(const char *pattern, bool verbose, FILE *out)
{
	struct arena a;
	const char *bin = NULL, *prov = "*", *name = "*", **paths;
	char *parts[3];
	int n = 0, k = 0;

	(void)verbose;
	arena_init(&a);
	for (const char *s = pattern; n < 3 && *s;) {
		size_t len = strcspn(s, ":");
		parts[n++] = arena_strndup(&a, s, len);
		s += len + (s[len] == ':');
	}
	if (n >= 1 && (strchr(parts[0], '/') || n == 3 || !attach_list_pid)) {
		bin = parts[0];
		prov = n == 3 && *parts[1] ? parts[1] : "*";
		name = n >= 2 && *parts[n - 1] ? parts[n - 1] : "*";
	} else if (n >= 1) {
		prov = n == 2 && *parts[0] ? parts[0] : "*";
		name = *parts[n - 1] ? parts[n - 1] : "*";
	}
	int np = probes_list_binaries(&a, bin, &paths);
	for (int i = 0; i < np; i++) {
		int r = list_file(paths[i], prov, name, out);
		k += r > 0 ? r : 0;
		if (r < 0 && np == 1)
			k = r;
	}
	arena_fini(&a);
	return np < 0 ? np : k;
}

static const char *const usdt_aliases[] = {"U", NULL};

const struct probe_family probe_usdt = {
	.name = "usdt",
	.aliases = usdt_aliases,
	.expand = usdt_expand,
	.section = usdt_section,
	.list = usdt_list,
	.list_needs_binary = true,
	.argn = ARGN_USDT,
	.regs = true,
	.user = true,
	.attach_many = usdt_attach,
};
