/* uprobe and uretprobe: uprobes on a file offset, through libbpf
 * (perf_event_open of the uprobe PMU). With -p/-c only that process is probed.
 *   uprobe:BIN:FUNC  uprobe:BIN:FUNC+OFF  uprobe:BIN:0xADDR  (uretprobe alike)
 * BIN is a path, or a name resolved like bpftrace does (uelf_resolve: the
 * -p/-c process's libraries, $PATH, ld.so.cache, the library directories).
 * FUNC may be a glob over the function symbols of .symtab and .dynsym. Offsets
 * given to the kernel are file offsets. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "arch/arch.h"
#include "kernel/caps.h"
#include "kernel/kfeat.h"
#include "kernel/udwarf.h"
#include "kernel/uelf.h"
#include "probes/probes_internal.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/sb.h"

/* The -c command's executable as the match of glob bin (`*`, `prog*`), in
 * *paths; 1, or 0 when it does not match. */
static int child_binary(struct program *p, const char *bin, const char ***paths)
{
	const char *exe = p->target_path, *base = exe ? strrchr(exe, '/') : NULL;

	if (!exe || (fnmatch(bin, exe, 0) && fnmatch(bin, base ? base + 1 : exe, 0)))
		return 0;
	*paths = arena_alloc(&p->arena, sizeof(const char *));
	(*paths)[0] = exe;
	return 1;
}

/* The binaries of an attach point (one, or every match of a glob), or -1
 * after an error. */
int probes_binaries_of(struct program *p, const struct node *at, const char *bin,
		       const char ***paths)
{
	int n = 0, err = 0;

	if (!bin || !*bin) {
		if (p->target_path) {
			*paths = arena_alloc(&p->arena, sizeof(const char *));
			(*paths)[0] = p->target_path;
			return 1;
		}
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: no binary given", at->attach.text);
		diag_hint(&p->diags, dg, "name the binary or library (uprobe:/bin/bash:readline, "
			  "uprobe:libc:malloc) or give -p PID / -c CMD");
		return -1;
	}
	if (p->child && probes_is_glob(bin) && !strchr(bin, '/'))
		n = child_binary(p, bin, paths);	/* it has not run yet: no maps */
	else
		err = uelf_expand(&p->arena, bin, p->target_pid, paths, &n);
	if (!err && n > 0)
		return n;
	if (err == -EACCES) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: cannot read '%s': %s",
					     at->attach.text, bin, strerror(EACCES));
		diag_hint(&p->diags, dg, "%s", caps_denied_hint(bin));
		return -1;
	}
	struct diag *dg = diag_error(&p->diags, at->loc, "%s: cannot find binary or library '%s'",
				     at->attach.text, bin);
	diag_hint(&p->diags, dg, "give its path; names are looked up in $PATH, "
		  "/etc/ld.so.cache and the library directories%s",
		  p->target_pid ? " and among the libraries the process maps" : "");
	return -1;
}

int probes_each_binary(struct program *p, const struct node *at, const char *bin,
		       int (*each)(void *ctx, const char *path), void *ctx, const char **where)
{
	const char **paths;
	int npaths = probes_binaries_of(p, at, bin, &paths), added = 0;

	if (npaths <= 0)
		return -1;
	for (int i = 0; i < npaths; i++) {
		int k = each(ctx, paths[i]);
		if (k < 0)
			return -1;
		added += k;
	}
	*where = npaths == 1 ? paths[0] : bin;
	return added;
}

static const char *uprobe_hint(int err)
{
	if (err == -ENOENT)
		return "the kernel has no uprobe event type (CONFIG_UPROBE_EVENTS)";
	if (err == -EACCES || err == -EPERM)
		return caps_have(CAP_SYS_ADMIN)
			? NULL
			: "a uprobe perf event needs CAP_SYS_ADMIN; with CAP_BPF and CAP_PERFMON "
			  "alone, uprobes attach through uprobe_multi links (Linux 6.6 and later)";
	if (err == -EINVAL)
		return "the offset is not at an instruction the kernel can probe";
	if (err == -KERNEL_ENOTSUPP)
		return "uprobes cannot step over the instruction there";
	return NULL;
}

int probes_uprobe_attach_at(const struct probe_def *pd, struct bpf_program *prog, bool ret,
		     uint64_t off, uint64_t ref_ctr, uint64_t cookie,
		     struct bpf_link **link, const char **hint)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = ret, .ref_ctr_offset = (size_t)ref_ctr,
		    .bpf_cookie = cookie);

	*link = bpf_program__attach_uprobe_opts(prog, pd->pid ? pd->pid : -1, pd->target,
						(size_t)off, &opts);
	if (*link)
		return 0;
	int err = -errno;
	*hint = uprobe_hint(err);
	return err;
}

static struct probe_def *add_uprobe(struct program *p, const struct node *probe,
				    const struct node *at, const struct probe_family *f, const char *path, const char *func,
				    uint64_t offset)
{
	struct probe_def *d = probes_add_def(p, probe, at, f);
	if (!d)
		return NULL;
	d->target = path;
	d->func = func;
	d->value = offset;
	d->name = arena_printf(&p->arena, "%s:%s:%s", f->name, path, func);
	return d;
}

/* A wildcard skips the functions uprobes cannot probe at their first
 * instruction: one of them would fail the uprobe_multi link of all the others.
 * One warning names them. */
static void warn_unprobeable(struct program *p, const struct node *at, const char **names,
			     int n)
{
	struct sb list;
	if (!n)
		return;
	sb_init(&list);
	for (int i = 0; i < n && i < 8; i++)
		sb_printf(&list, "%s%s", i ? ", " : "", names[i]);
	if (n > 8)
		sb_printf(&list, " and %d more", n - 8);
	struct diag *dg = diag_warning(&p->diags, at->loc, "%d function%s of %s cannot be probed "
				       "and %s skipped: %s", n, n == 1 ? "" : "s",
				       at->attach.text, n == 1 ? "is" : "are", sb_str(&list));
	diag_hint(&p->diags, dg, "uprobes refuse a function whose first instruction has a "
		  "segment or lock prefix (e.g. pthread_self's %%fs access)");
	sb_fini(&list);
}

/* The matching functions of syms (name: a glob or a name; add: FUNC+OFF's offset
 * or NULL), located in the file with one open: how many probes were added, or
 * -1 after an error. */
static int add_functions(struct program *p, const struct node *probe, const struct node *at,
			 const struct probe_family *f, const char *path, const char *name,
			 const uint64_t *add, const struct uelf_sym *syms, int n)
{
	bool glob = probes_is_glob(name);
	int *hit = arena_alloc(&p->arena, sizeof(*hit) * (size_t)(n ? n : 1)), nhit = 0, matched = 0;
	uint64_t *vaddrs = arena_alloc(&p->arena, sizeof(*vaddrs) * (size_t)(n ? n : 1));
	for (int i = 0; hit && vaddrs && i < n; i++) {
		if (glob ? fnmatch(name, syms[i].name, 0) : strcmp(name, syms[i].name))
			continue;
		if (add && syms[i].size && *add >= syms[i].size) {
			diag_error(&p->diags, at->loc, "Offset outside the function bounds ('%s' size is %llu)",
				   syms[i].name, (unsigned long long)syms[i].size);
			return -1;
		}
		vaddrs[nhit] = syms[i].addr + (add ? *add : 0);
		hit[nhit++] = i;
	}
	struct uelf_code *code = arena_alloc(&p->arena, sizeof(*code) * (size_t)(nhit ? nhit : 1));
	const char **skipped = arena_alloc(&p->arena, sizeof(*skipped) * (size_t)(nhit ? nhit : 1));
	int nskipped = 0, err = hit && vaddrs && code && skipped ? 0 : -ENOMEM;
	if (!err && nhit)
		err = uelf_locate(path, vaddrs, nhit, code);
	if (err) {
		diag_error(&p->diags, at->loc, "%s: cannot read %s: %s", at->attach.text, path,
			   strerror(-err));
		return -1;
	}
	for (int k = 0; k < nhit; k++) {
		const char *fname = syms[hit[k]].name;
		if (!code[k].found)
			continue;
		if (glob && !arch_uprobe_insn_ok(code[k].head, UELF_HEAD)) {
			skipped[nskipped++] = fname;
			continue;
		}
		if (!add_uprobe(p, probe, at, f, path,
				add ? arena_printf(&p->arena, "%s+%llu", fname, (unsigned long long)*add)
				    : fname, code[k].off))
			return -1;
		matched++;
	}
	warn_unprobeable(p, at, skipped, nskipped);
	return matched;
}

/* The probes of FUNC, FUNC+OFF or an address (0x..., or decimal) in path:
 * how many were added, or -1 after an error. A glob or name that matches
 * nothing adds none. */
static int expand_func(struct program *p, const struct node *probe, const struct node *at,
		       const struct probe_family *f, const char *path, const char *spec)
{
	struct uelf_sym *syms;
	int n, err;
	uint64_t off = 0, add = 0;
	char *plus = strchr(spec, '+'), *end;
	char *name = plus ? arena_strndup(&p->arena, spec, (size_t)(plus - spec))
			  : arena_strdup(&p->arena, spec);

	if (plus) {
		add = strtoull(plus + 1, &end, 0);
		if (*end || !plus[1])
			goto bad;
	}
	if (*name >= '0' && *name <= '9') {	/* an address */
		uint64_t addr = strtoull(name, &end, 0);
		if (*end)
			goto bad;
		err = uelf_offset(path, addr + add, &off);
		if (err == -ENOEXEC && p->unsafe)
			off = addr + add;	/* a flat binary: the address is the offset */
		else if (err) {
			struct diag *dg = diag_error(&p->diags, at->loc, "Could not resolve address: %s:0x%llx",
						     path, (unsigned long long)(addr + add));
			diag_hint(&p->diags, dg, err == -ENOEXEC
				  ? "not an ELF file; with --unsafe an address in a flat binary is its file offset"
				  : "the address is in no executable segment of the file");
			return -1;
		}
		return add_uprobe(p, probe, at, f, path, spec, off) ? 1 : -1;
	}
	err = uelf_functions(path, &p->arena, &syms, &n);
	if (err) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: cannot read the symbols of %s: %s",
					     at->attach.text, path,
					     err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		if (err == -EACCES)
			diag_hint(&p->diags, dg, "%s", caps_denied_hint(path));
		return -1;
	}
	return add_functions(p, probe, at, f, path, name, plus ? &add : NULL, syms, n);
bad:
	diag_error(&p->diags, at->loc, "Invalid %s: %s", f->name, at->attach.text);
	return -1;
}

/* uprobe:BIN@FILE:LINE: the lowest address of source line LINE of FILE in
 * BIN's DWARF line table. */
static bool expand_line(const struct probe_family *f, struct program *p, const struct node *probe,
			const struct node *at, const char *binfile, const char *line)
{
	const char *at_sign = strchr(binfile, '@'), **paths;
	const char *file = at_sign + 1;
	char *bin = arena_strndup(&p->arena, binfile, (size_t)(at_sign - binfile)), *end;
	long ln = strtol(line, &end, 10);
	uint64_t addr, off;

	if (!*file || *end || ln <= 0) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid %s: %s", f->name, at->attach.text);
		diag_hint(&p->diags, dg, "the form is %s:BINARY@FILE.c:LINE", f->name);
		return false;
	}
	if (probes_binaries_of(p, at, bin, &paths) != 1)
		return false;
	if (udwarf_line_addr(paths[0], file, (int)ln, &addr) || uelf_offset(paths[0], addr, &off)) {
		struct diag *dg = diag_error(&p->diags, at->loc, "No code for %s:%ld in %s",
					     file, ln, paths[0]);
		diag_hint(&p->diags, dg, "the line must have code, and the binary DWARF line information");
		return false;
	}
	return add_uprobe(p, probe, at, f, paths[0], arena_printf(&p->arena, "%s:%ld", file, ln),
			  off) != NULL;
}

/* expand_func over each binary of a glob (probes_each_binary). */
struct func_ctx {
	struct program *p;
	const struct node *probe, *at;
	const struct probe_family *f;
	const char *func;
};

static int expand_func_in(void *ctx, const char *path)
{
	struct func_ctx *c = ctx;
	return expand_func(c->p, c->probe, c->at, c->f, path, c->func);
}

/* uprobe:BIN:FUNC[+OFF] | uprobe:BIN:ADDR, and uretprobe. */
static bool uprobe_expand(const struct probe_family *f, struct program *p,
			  const struct node *probe, const struct node *at, char **parts, int n)
{
	const char *family = f->name;
	const char *rest = strchr(at->attach.text, ':');
	const char *colon = rest ? strrchr(rest + 1, ':') : NULL;
	const char *bin = NULL, *func;

	if (!rest || !rest[1]) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid %s: %s", family, at->attach.text);
		diag_hint(&p->diags, dg, "the form is %s:BINARY:FUNCTION, e.g. %s:/bin/bash:readline",
			  family, family);
		return false;
	}
	rest++;
	if (colon) {
		bin = arena_strndup(&p->arena, rest, (size_t)(colon - rest));
		func = colon + 1;
	} else {
		func = rest;
	}
	(void)parts;
	(void)n;
	if (bin && strchr(bin, '@'))	/* uprobe:BIN@FILE:LINE */
		return expand_line(f, p, probe, at, bin, func);
	struct func_ctx ctx = {p, probe, at, f, func};
	const char *where;
	int added = probes_each_binary(p, at, bin, expand_func_in, &ctx, &where);
	if (added != 0)
		return added > 0;
	return probes_missing_hint(p, at, arena_printf(&p->arena, "%s %s:%s", f->name, where, func),
				   arena_printf(&p->arena, "bpfline -l '%s:%s:*' lists its functions",
						f->name, where));
}

static const char *uprobe_section(struct arena *a, const struct probe_def *pd)
{
	(void)a;
	return pd->family == &probe_uretprobe ? "uretprobe" : "uprobe";
}

static int uprobe_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	return probes_uprobe_attach_at(pd, prog, pd->family == &probe_uretprobe, pd->value, 0,
				     pd->shared ? attach_cookie(pd) : 0, link, hint);
}

/* A group being attached, and where a function the kernel refuses goes. */
struct group {
	struct bpf_program *prog;
	const struct probe_def *owner;
	struct attach_set *set;
	attach_skip_fn *skip;
	void *ctx;
};

/* Errors that concern the whole link, not one of its functions: no use
 * splitting it. */
static bool whole_link_error(int err)
{
	return err == -EPERM || err == -EACCES || err == -ENOMEM || err == -EBADF ||
	       err == -E2BIG || err == -ENOENT || err == -ENOSYS;
}

/* Attach defs[0..n) with one uprobe_multi link. The kernel refuses the whole
 * link when it cannot probe one of the offsets (expansion leaves out what
 * arch_uprobe_insn_ok knows of, but the kernel has the last word): then split
 * it in halves until the functions it refuses are found, each reported through
 * g->skip (which skips a function of a wildcard, as bpftrace does), and the
 * others attach with a few links. 0 or -errno. */
static int attach_range(struct group *g, const struct probe_def **defs, uint64_t *offs,
			uint64_t *cookies, size_t n, const char **hint)
{
	int fd = kfeat_uprobe_multi_link(bpf_program__fd(g->prog), g->owner->target, offs,
					 cookies, (uint32_t)n,
					 g->owner->family == &probe_uretprobe, g->owner->pid);
	if (fd >= 0)
		return attach_set_add_fd(g->set, fd);
	if (whole_link_error(fd)) {
		*hint = uprobe_hint(fd);
		return fd;
	}
	if (n == 1)
		return g->skip(g->ctx, defs[0], fd, uprobe_hint(fd));
	size_t h = n / 2;
	int err = attach_range(g, defs, offs, cookies, h, hint);
	return err ?: attach_range(g, defs + h, offs + h, cookies + h, n - h, hint);
}

/* A wildcard's functions in one binary: one uprobe_multi link for all of
 * them, each offset with its probe_def's cookie, instead of one perf event and
 * link per function (thousands of functions attach in one system call). */
static int uprobe_attach_group(const struct program *p, const struct probe_def *owner,
			       struct bpf_program *prog, struct attach_set *set,
			       const char **hint, attach_skip_fn *skip, void *ctx)
{
	size_t n = 0;
	uint64_t *offs = xcalloc(p->probes.len, sizeof(*offs));
	uint64_t *cookies = xcalloc(p->probes.len, sizeof(*cookies));
	const struct probe_def **defs = xcalloc(p->probes.len, sizeof(*defs));
	struct group g = {prog, owner, set, skip, ctx};
	int err = -ENOMEM;

	if (offs && cookies && defs) {
		for (size_t i = 0; i < p->probes.len; i++) {
			const struct probe_def *d = p->probes.items[i];
			if (d->owner != owner->index || !d->multi)
				continue;
			defs[n] = d;
			offs[n] = d->value;
			cookies[n++] = attach_cookie(d);
		}
		err = attach_range(&g, defs, offs, cookies, n, hint);
	}
	xfree(offs);
	xfree(cookies);
	xfree(defs);
	return err;
}

/* -l: the binaries named by bin (a glob, see uelf_expand), or every file the
 * -p process maps when bin is NULL; how many or -errno. */
int probes_list_binaries(struct arena *a, const char *bin, const char ***paths)
{
	int n, err;

	if (bin)
		err = uelf_expand(a, bin, attach_list_pid, paths, &n);
	else if (attach_list_pid)
		err = uelf_mapped(a, attach_list_pid, paths, &n);
	else
		err = -ENOENT;
	return err ? err : n;
}

/* -lv: the parameters of func from path's DWARF, as bpftrace prints them. */
static void list_params(const char *path, const char *func, FILE *out)
{
	struct arena a;
	struct udwarf_param *params;

	arena_init(&a);
	int n = udwarf_params(&a, path, func, &params);
	for (int i = 0; i < n; i++)
		fprintf(out, "    %s %s\n", params[i].type_name, params[i].name);
	arena_fini(&a);
}

/* Print FAMILY:PATH:FUNC for the functions of path matching glob (verbose:
 * each with its parameters); how many or -errno. */
static int list_file(const char *family, const char *path, const char *glob, bool verbose,
		     FILE *out)
{
	struct arena a;
	struct uelf_sym *syms;
	int n, k = 0;

	arena_init(&a);
	int err = uelf_functions(path, &a, &syms, &n);
	for (int i = 0; !err && i < n; i++)
		if (!fnmatch(glob, syms[i].name, 0)) {
			fprintf(out, "%s:%s:%s\n", family, path, syms[i].name);
			if (verbose && !strcmp(family, "uprobe"))
				list_params(path, syms[i].name, out);
			k++;
		}
	arena_fini(&a);
	return err ? err : k;
}

/* pattern "BIN:GLOB" (BIN may be a glob), or "GLOB" with -p (every file the
 * process maps). */
static int list_uprobes(const char *family, const char *pattern, bool verbose, FILE *out)
{
	struct arena a;
	const char *colon = strchr(pattern, ':'), *glob = colon ? colon + 1 : pattern, **paths;
	int n, k = 0;

	arena_init(&a);
	n = probes_list_binaries(&a, colon ? arena_strndup(&a, pattern, (size_t)(colon - pattern))
					   : NULL, &paths);
	for (int i = 0; i < n; i++) {
		int r = list_file(family, paths[i], *glob ? glob : "*", verbose, out);
		k += r > 0 ? r : 0;
		if (r < 0 && n == 1)
			k = r;	/* the one binary named cannot be read */
	}
	arena_fini(&a);
	return n < 0 ? n : k;
}

static int uprobe_list(const char *pattern, bool verbose, FILE *out)
{
	return list_uprobes("uprobe", pattern, verbose, out);
}

static int uretprobe_list(const char *pattern, bool verbose, FILE *out)
{
	return list_uprobes("uretprobe", pattern, verbose, out);
}

/* `args` of a uprobe: the function's parameters from the binary's DWARF, as
 * a record over pt_regs whose fields sit at the argument registers (the
 * first six integer or pointer parameters; a load of the field reads the
 * register's low bytes). NULL without DWARF for the function. */
static struct type *uprobe_args(struct arena *a, struct probe_def *pd)
{
	struct udwarf_param *params;
	struct type *rec;
	int n;

	if (pd->args)
		return pd->args;
	if (!pd->func || strchr(pd->func, '+') || (*pd->func >= '0' && *pd->func <= '9'))
		return NULL;	/* an offset or address: no parameters there */
	n = udwarf_params(a, pd->target, pd->func, &params);
	rec = n >= 0 ? type_new(a, TY_RECORD) : NULL;
	if (!rec)
		return NULL;
	rec->name = "args";
	rec->size = (uint32_t)arch_regs_size();
	rec->fields = arena_alloc(a, sizeof(struct field) * (size_t)(n ? n : 1));
	for (int i = 0; rec->fields && i < n && i < ARCH_NARG_REGS; i++) {
		struct type *t = params[i].type;
		if (!t || (t->kind != TY_INT && t->kind != TY_PTR) || !*params[i].name)
			continue;	/* floats, structs by value: not in the registers */
		rec->fields[rec->nfields++] = (struct field){.name = params[i].name, .type = t,
							     .offset = (uint32_t)arch_arg_offset(i)};
	}
	pd->args = rec;
	return rec;
}

static const char *const uprobe_aliases[] = {"u", NULL};
static const char *const uretprobe_aliases[] = {"ur", NULL};

const struct probe_family probe_uprobe = {
	.name = "uprobe",
	.aliases = uprobe_aliases,
	.expand = uprobe_expand,
	.section = uprobe_section,
	.list = uprobe_list,
	.list_needs_binary = true,
	.argn = ARGN_REGS,
	.regs = true,
	.func = true,
	.user = true,
	.args_type = uprobe_args,
	.shares = true,
	.tail_calls = true,
	.attach = uprobe_attach,
	.attach_group = uprobe_attach_group,
	.can_group = kfeat_uprobe_multi,
	.group_attach_type = kfeat_uprobe_multi_attach_type,
};

const struct probe_family probe_uretprobe = {
	.name = "uretprobe",
	.aliases = uretprobe_aliases,
	.expand = uprobe_expand,
	.section = uprobe_section,
	.list = uretprobe_list,
	.list_needs_binary = true,
	.retval = RETVAL_REGS,
	.regs = true,
	.func = true,
	.user = true,
	.shares = true,
	.tail_calls = true,
	.attach = uprobe_attach,
	.attach_group = uprobe_attach_group,
	.can_group = kfeat_uprobe_multi,
	.group_attach_type = kfeat_uprobe_multi_attach_type,
};
