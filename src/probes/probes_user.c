/* Attach points of the user-space families:
 *   uprobe:BIN:FUNC  uprobe:BIN:FUNC+OFF  uprobe:BIN:0xADDR  (uretprobe alike)
 *   usdt:BIN:PROVIDER:NAME  usdt:BIN:NAME  usdt:PROVIDER:NAME (with -p/-c)
 * BIN is a path, or a name resolved like bpftrace does (uelf_resolve: the
 * -p/-c process's libraries, $PATH, ld.so.cache, the library directories).
 * FUNC, PROVIDER and NAME may be globs; FUNC matches the function symbols
 * of .symtab and .dynsym. Offsets given to the kernel are file offsets. */
#include "probes/probes_internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/uelf.h"
#include "kernel/usdt.h"

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The binary of an attach point, or NULL after an error. */
static const char *binary_of(struct program *p, const struct node *at, const char *bin)
{
	const char *path;

	if (!bin || !*bin) {
		if (p->target_path)
			return p->target_path;
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: no binary given", at->attach.text);
		diag_hint(&p->diags, dg, "name the binary or library (uprobe:/bin/bash:readline, "
			  "uprobe:libc:malloc) or give -p PID / -c CMD");
		return NULL;
	}
	path = uelf_resolve(&p->arena, bin, p->target_pid);
	if (!path) {
		struct diag *dg = diag_error(&p->diags, at->loc, "%s: cannot find binary or library '%s'",
					     at->attach.text, bin);
		diag_hint(&p->diags, dg, "give its path; names are looked up in $PATH, "
			  "/etc/ld.so.cache and the library directories%s",
			  p->target_pid ? " and among the libraries the process maps" : "");
	}
	return path;
}

static struct probe_def *add_uprobe(struct program *p, const struct node *probe,
				    const struct node *at, enum probe_kind kind,
				    const char *family, const char *path, const char *func,
				    uint64_t offset)
{
	struct probe_def *d = probes_add_def(p, probe, at, kind);
	if (!d)
		return NULL;
	d->target = path;
	d->func = func;
	d->value = offset;
	d->name = arena_printf(&p->arena, "%s:%s:%s", family, path, func);
	return d;
}

/* FUNC, FUNC+OFF or an address (0x..., or decimal). */
static bool expand_func(struct program *p, const struct node *probe, const struct node *at,
			enum probe_kind kind, const char *family, const char *path,
			const char *spec)
{
	struct uelf_sym *syms;
	int n, err, matched = 0;
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
		if (*end || (err = uelf_offset(path, addr + add, &off))) {
			diag_error(&p->diags, at->loc, "%s: address %s is not in a code segment of %s",
				   at->attach.text, name, path);
			return false;
		}
		return add_uprobe(p, probe, at, kind, family, path, spec, off) != NULL;
	}
	err = uelf_functions(path, &p->arena, &syms, &n);
	if (err) {
		diag_error(&p->diags, at->loc, "%s: cannot read the symbols of %s: %s", at->attach.text,
			   path, err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (is_glob(name) ? fnmatch(name, syms[i].name, 0) : strcmp(name, syms[i].name))
			continue;
		if (uelf_offset(path, syms[i].addr + add, &off))
			continue;
		if (!add_uprobe(p, probe, at, kind, family, path,
				plus ? arena_printf(&p->arena, "%s+%llu", syms[i].name,
						    (unsigned long long)add) : syms[i].name, off))
			return false;
		matched++;
	}
	if (matched)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, "%s: no function %s in %s",
				     at->attach.text, name, path);
	diag_hint(&p->diags, dg, "bpfline -l '%s:%s:*' lists its functions", family, path);
	return false;
bad:
	diag_error(&p->diags, at->loc, "Invalid %s: %s", family, at->attach.text);
	return false;
}

bool probes_expand_uprobe(struct program *p, const struct node *probe,
			  const struct node *at, enum probe_kind kind, const char *family)
{
	const char *rest = strchr(at->attach.text, ':');
	const char *colon = rest ? strrchr(rest + 1, ':') : NULL;
	const char *bin = NULL, *func, *path;

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
	path = binary_of(p, at, bin);
	return path && expand_func(p, probe, at, kind, family, path, func);
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
		*prov = parts[1];
	} else if (n == 2 && p->target_path && !strchr(parts[0], '/')) {
		*prov = parts[0];	/* -p/-c: usdt:provider:name */
	} else if (n == 2) {
		*bin = parts[0];
	}
}

bool probes_expand_usdt(struct program *p, const struct node *probe, const struct node *at)
{
	const char *rest = strchr(at->attach.text, ':'), *bin, *prov, *name, *path;
	struct usdt_probe *up;
	int n, err, matched = 0;

	if (!rest || !rest[1]) {
		struct diag *dg = diag_error(&p->diags, at->loc, "Invalid usdt: %s", at->attach.text);
		diag_hint(&p->diags, dg, "the form is usdt:BINARY:PROVIDER:NAME");
		return false;
	}
	usdt_parts(p, rest + 1, &bin, &prov, &name);
	path = binary_of(p, at, bin);
	if (!path)
		return false;
	err = usdt_read(&p->arena, path, &up, &n);
	if (err) {
		diag_error(&p->diags, at->loc, "%s: cannot read the usdt notes of %s: %s",
			   at->attach.text, path, err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (fnmatch(prov, up[i].provider, 0) || fnmatch(name, up[i].name, 0))
			continue;
		struct probe_def *d = probes_add_def(p, probe, at, PK_USDT);
		if (!d)
			return false;
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
	if (matched)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, "%s: no usdt probe %s:%s in %s",
				     at->attach.text, prov, name, path);
	diag_hint(&p->diags, dg, "bpfline -l 'usdt:%s:*' lists its probes", path);
	return false;
}
