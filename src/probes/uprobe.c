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

#include "kernel/uelf.h"
#include "probes/probes_internal.h"
#include "util/arena.h"

/* The binary of an attach point, or NULL after an error. */
const char *probes_binary_of(struct program *p, const struct node *at, const char *bin)
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

static const char *uprobe_hint(int err)
{
	if (err == -ENOENT)
		return "the kernel has no uprobe event type (CONFIG_UPROBE_EVENTS)";
	if (err == -EACCES || err == -EPERM)
		return "uprobes need root (CAP_PERFMON and CAP_BPF)";
	if (err == -EINVAL)
		return "the offset is not at an instruction the kernel can probe";
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

/* FUNC, FUNC+OFF or an address (0x..., or decimal). */
static bool expand_func(struct program *p, const struct node *probe, const struct node *at,
			const struct probe_family *f, const char *path,
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
		return add_uprobe(p, probe, at, f, path, spec, off) != NULL;
	}
	err = uelf_functions(path, &p->arena, &syms, &n);
	if (err) {
		diag_error(&p->diags, at->loc, "%s: cannot read the symbols of %s: %s", at->attach.text,
			   path, err == -ENOEXEC ? "not an ELF file" : strerror(-err));
		return false;
	}
	for (int i = 0; i < n; i++) {
		if (probes_is_glob(name) ? fnmatch(name, syms[i].name, 0) : strcmp(name, syms[i].name))
			continue;
		if (uelf_offset(path, syms[i].addr + add, &off))
			continue;
		if (!add_uprobe(p, probe, at, f, path,
				plus ? arena_printf(&p->arena, "%s+%llu", syms[i].name,
						    (unsigned long long)add) : syms[i].name, off))
			return false;
		matched++;
	}
	if (matched)
		return true;
	struct diag *dg = diag_error(&p->diags, at->loc, "%s: no function %s in %s",
				     at->attach.text, name, path);
	diag_hint(&p->diags, dg, "bpfline -l '%s:%s:*' lists its functions", f->name, path);
	return false;
bad:
	diag_error(&p->diags, at->loc, "Invalid %s: %s", f->name, at->attach.text);
	return false;
}

/* uprobe:BIN:FUNC[+OFF] | uprobe:BIN:ADDR, and uretprobe. */
static bool uprobe_expand(const struct probe_family *f, struct program *p,
			  const struct node *probe, const struct node *at, char **parts, int n)
{
	const char *family = f->name;
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
	path = probes_binary_of(p, at, bin);
	(void)parts;
	(void)n;
	return path && expand_func(p, probe, at, f, path, func);
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

/* pattern "BIN:GLOB" (or "GLOB" with -p): the binary's file name and glob. */
const char *probes_list_target(struct arena *a, const char *pattern, const char **glob)
{
	const char *colon = strchr(pattern, ':'), *bin;
	char exe[64];

	*glob = colon ? colon + 1 : pattern;
	if (!**glob)
		*glob = "*";
	if (colon)
		return uelf_resolve(a, arena_strndup(a, pattern, (size_t)(colon - pattern)),
				    attach_list_pid);
	snprintf(exe, sizeof(exe), "/proc/%d/exe", attach_list_pid);
	bin = attach_list_pid ? arena_strdup(a, exe) : NULL;
	return bin;
}

/* The functions of binary `path` that match glob, as "FAMILY:PATH:NAME"
 * lines; their number or -errno. */
static int list_binary(const char *family, const char *path, const char *glob, FILE *out)
{
	struct arena a;
	struct uelf_sym *syms;
	int n, k = 0;

	arena_init(&a);
	int err = uelf_functions(path, &a, &syms, &n);
	for (int i = 0; !err && i < n; i++)
		if (!fnmatch(glob, syms[i].name, 0)) {
			fprintf(out, "%s:%s:%s\n", family, path, syms[i].name);
			k++;
		}
	arena_fini(&a);
	return err ? err : k;
}

/* "*:GLOB" with -p: every executable file the process maps (its binary and
 * its libraries, each once), as bpftrace searches the address space. */
static int list_process(const char *family, const char *glob, FILE *out)
{
	char maps[64], line[4096], last[4096] = "";
	int k = 0;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", attach_list_pid);
	FILE *f = fopen(maps, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char perms[8], *path = strchr(line, '/');
		if (!path || sscanf(line, "%*s %7s", perms) != 1 || perms[2] != 'x')
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (!strcmp(path, last))
			continue;
		snprintf(last, sizeof(last), "%s", path);
		int n = list_binary(family, path, glob, out);
		k += n > 0 ? n : 0;
	}
	fclose(f);
	return k;
}

static int list_uprobes(const char *family, const char *pattern, FILE *out)
{
	struct arena a;
	const char *glob, *path;
	char *real = NULL;
	int r;

	if (attach_list_pid && !strncmp(pattern, "*:", 2))
		return list_process(family, *(pattern + 2) ? pattern + 2 : "*", out);
	arena_init(&a);
	path = probes_list_target(&a, pattern, &glob);
	if (path && !strncmp(path, "/proc/", 6))
		real = realpath(path, NULL);	/* /proc/PID/exe: the file's own name */
	r = path ? list_binary(family, real ? real : path, glob, out) : -ENOENT;
	free(real);
	arena_fini(&a);
	return r;
}

static int uprobe_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return list_uprobes("uprobe", pattern, out);
}

static int uretprobe_list(const char *pattern, bool verbose, FILE *out)
{
	(void)verbose;
	return list_uprobes("uretprobe", pattern, out);
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
	.shares = true,
	.attach = uprobe_attach,
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
	.attach = uprobe_attach,
};
