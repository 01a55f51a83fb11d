/* uprobe, uretprobe and usdt: uprobes on a file offset, through libbpf
 * (perf_event_open of the uprobe PMU). With -p/-c only that process is probed.
 * A usdt probe attaches one uprobe per site; a site with a semaphore passes
 * its file offset as ref_ctr_offset, so the kernel increments the semaphore
 * in every process mapping the file while we are attached (and decrements it
 * when the link goes). The site index is the BPF cookie: the program reads
 * the arguments of the site that fired. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "kernel/uelf.h"
#include "kernel/usdt.h"
#include "util/arena.h"

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

static int attach_at(const struct probe_def *pd, struct bpf_program *prog, bool ret,
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

static int uprobe_attach(const struct probe_def *pd, struct bpf_program *prog,
			 struct bpf_link **link, const char **hint)
{
	return attach_at(pd, prog, pd->kind == PK_URETPROBE, pd->value, 0,
			 pd->shared ? attach_cookie(pd) : 0, link, hint);
}

static int usdt_attach(const struct probe_def *pd, struct bpf_program *prog,
		       struct attach_set *set, const char **hint)
{
	const struct usdt_probe *up = pd->usdt;

	for (int i = 0; i < up->nsites; i++) {
		struct bpf_link *link;
		int err = attach_at(pd, prog, false, up->sites[i].offset, up->sites[i].sema_offset,
				    (uint64_t)i, &link, hint);
		err = err ?: attach_set_add(set, link);
		if (err)
			return err;
	}
	return 0;
}

/* pattern "BIN:GLOB" (or "GLOB" with -p): the binary's file name and glob. */
static const char *split_target(struct arena *a, const char *pattern, const char **glob)
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

static int list_uprobes(const char *family, const char *pattern, FILE *out)
{
	struct arena a;
	struct uelf_sym *syms;
	const char *glob, *path;
	int n, k = 0;

	arena_init(&a);
	path = split_target(&a, pattern, &glob);
	int err = path ? uelf_functions(path, &a, &syms, &n) : -ENOENT;
	for (int i = 0; !err && i < n; i++)
		if (!fnmatch(glob, syms[i].name, 0)) {
			fprintf(out, "%s:%s:%s\n", family, path, syms[i].name);
			k++;
		}
	arena_fini(&a);
	return err ? err : k;
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

/* usdt -l: "usdt:PATH:PROVIDER:NAME"; pattern "BIN:PROV:NAME", "BIN:NAME" or,
 * with -p, "PROV:NAME" / "NAME" / "". */
static int usdt_list(const char *pattern, bool verbose, FILE *out)
{
	struct arena a;
	struct usdt_probe *up;
	const char *path = NULL, *prov = "*", *name = "*";
	char *parts[3];
	int n = 0, k = 0, err;

	(void)verbose;
	arena_init(&a);
	for (const char *s = pattern; n < 3 && *s;) {
		size_t len = strcspn(s, ":");
		parts[n++] = arena_strndup(&a, s, len);
		s += len + (s[len] == ':');
	}
	if (n >= 1 && (strchr(parts[0], '/') || n == 3 || (!attach_list_pid && n >= 1))) {
		path = uelf_resolve(&a, parts[0], attach_list_pid);
		prov = n == 3 ? parts[1] : "*";
		name = n >= 2 ? parts[n - 1] : "*";
	} else if (attach_list_pid) {
		path = arena_printf(&a, "/proc/%d/exe", attach_list_pid);
		prov = n == 2 ? parts[0] : "*";
		name = n >= 1 ? parts[n - 1] : "*";
	}
	err = path ? usdt_read(&a, path, &up, &n) : -ENOENT;
	for (int i = 0; !err && i < n; i++)
		if (!fnmatch(prov, up[i].provider, 0) && !fnmatch(name, up[i].name, 0)) {
			fprintf(out, "usdt:%s:%s:%s\n", path, up[i].provider, up[i].name);
			k++;
		}
	arena_fini(&a);
	return err ? err : k;
}

const struct attach_ops attach_uprobe_ops = {
	.kind = PK_UPROBE,
	.attach = uprobe_attach,
	.list = uprobe_list,
};

const struct attach_ops attach_uretprobe_ops = {
	.kind = PK_URETPROBE,
	.attach = uprobe_attach,
	.list = uretprobe_list,
};

const struct attach_ops attach_usdt_ops = {
	.kind = PK_USDT,
	.attach_many = usdt_attach,
	.list = usdt_list,
};
