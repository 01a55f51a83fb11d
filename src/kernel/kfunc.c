/* Kernel functions: feature detection for kprobes and fentry, and the list of
 * functions that can be traced. See kfunc.h. */
#include "kernel/kfunc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>

#include "kernel/kbtf.h"
#include "lang/config.h"
#include "util/log.h"
#include "kernel/tracefs.h"
#include "util/alloc.h"

static int kfeat = -1;	/* config.kfeat: -1 detect, else the features claimed */

void kfunc_configure(const struct config *c)
{
	kfeat = c->kfeat;
}

/* BPFL_KFEAT: -1 not set, else whether `feature` (CONFIG_KFEAT_*) is claimed. */
static int override(int feature)
{
	return kfeat < 0 ? -1 : (kfeat & feature) != 0;
}

bool kfunc_has_kprobes(void)
{
	static int cached = -1;
	int o = override(CONFIG_KFEAT_KPROBE);
	if (o >= 0)
		return o;
	if (cached < 0) {
		const char *tfs;
		char path[512];
		cached = access("/sys/bus/event_source/devices/kprobe/type", R_OK) == 0;
		if (!cached && (tfs = tracefs_path())) {
			snprintf(path, sizeof(path), "%s/kprobe_events", tfs);
			cached = faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
		}
		rt_log(1, "kernel: kprobes %savailable\n", cached ? "" : "not ");
	}
	return cached;
}

/* Load `r0 = 0; exit` as fentry on BTF function id, attach it, detach. */
static int try_fentry(int btf_id, const char **why)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = (__u32)btf_id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bpfl_probe", "GPL", insns, 2, &opts);
	if (fd < 0) {
		*why = "a fentry program does not load";
		return -errno;
	}
	int link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	int err = link < 0 ? -errno : 0;
	if (link < 0)
		*why = "a fentry program loads but does not attach";
	else
		close(link);
	close(fd);
	return err;
}

bool kfunc_has_fentry(const char *func, const char **why)
{
	static int cached = -1;
	static const char *cached_why;
	int o = override(CONFIG_KFEAT_FENTRY);
	if (o >= 0) {
		if (!o && why)
			*why = "BPFL_KFEAT says so";
		return o;
	}
	if (cached < 0) {
		/* The answer is the kernel's, cached once: ask with the function the
		 * kernel keeps for fentry tests, so that a function of the user's that
		 * cannot be traced (notrace, a module's) does not decide for all. */
		const struct btf *btf = kbtf_vmlinux();
		int id = btf ? btf__find_by_name_kind(btf, "bpf_fentry_test1", BTF_KIND_FUNC) : -1;
		if (btf && id <= 0)
			id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
		if (!btf) {
			cached = 0;
			cached_why = "the kernel has no BTF (/sys/kernel/btf/vmlinux)";
		} else if (id <= 0) {
			return false;	/* not this function's fault: don't cache */
		} else {
			int err = try_fentry(id, &cached_why);
			cached = err == 0;
			rt_log(1, "kernel: fentry %savailable%s%s\n", cached ? "" : "not ",
			       cached ? "" : ": ", cached ? "" : strerror(-err));
		}
	}
	if (!cached && why)
		*why = cached_why;
	return cached;
}

/* The byte offset of member `name` in BTF struct or union `id`, looking into
 * anonymous members (struct file's f_path is in one on recent kernels), or -1. */
static int member_offset(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, (unsigned)id);
	const struct btf_member *m = t && (btf_is_struct(t) || btf_is_union(t)) ? btf_members(t) : NULL;

	for (unsigned i = 0; m && i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		int inner = n && *n ? -1 : member_offset(btf, btf__resolve_type(btf, m->type), name);
		if (inner >= 0)
			return (int)(btf_member_bit_offset(t, i) / 8) + inner;
		if (n && !strcmp(n, name))
			return (int)(btf_member_bit_offset(t, i) / 8);
	}
	return -1;
}

/* Load (not attach) a tracing program of attach type `type` on BTF function
 * `func` that passes &file->f_path to bpf_d_path, the struct file * being the
 * context's u64 slot `slot`; 0 when the verifier accepts it, else -errno. */
static int try_d_path(const struct btf *btf, const char *func, int type, int slot, int f_path)
{
	int id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -ENOENT;
	struct bpf_insn insns[] = {
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1,
		  .off = (__s16)(slot * 8) },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_1, .off = 5, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_1, .imm = f_path },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -16 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 16 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_d_path },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = (enum bpf_attach_type)type,
		    .attach_btf_id = (__u32)id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bpfl_dpath", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

bool kfunc_has_dpath(void)
{
	static int cached = -1;
	if (cached < 0) {
		const struct btf *btf = kbtf_vmlinux();
		int file = btf ? btf__find_by_name_kind(btf, "file", BTF_KIND_STRUCT) : -1;
		int f_path = file > 0 ? member_offset(btf, file, "f_path") : -1;
		/* fentry on a function the kernel allows it in, else an iterator */
		cached = f_path >= 0 &&
			 (!try_d_path(btf, "security_file_open", BPF_TRACE_FENTRY, 0, f_path) ||
			  !try_d_path(btf, "bpf_iter_task_file", BPF_TRACE_ITER, 3, f_path));
		rt_log(1, "kernel: bpf_d_path %savailable\n", cached ? "" : "not ");
	}
	return cached;
}

/* ---- the function list ------------------------------------------------- */

struct names {
	char **v;
	size_t n, cap;
};

/* An entry is the name, a NUL, then its module: "vmlinux" for the kernel itself. */
static int names_add(struct names *s, const char *name, size_t len, const char *mod, size_t mlen)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4096;
		char **v = xrealloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (!mod || !mlen) {
		mod = "vmlinux";
		mlen = strlen(mod);
	}
	char *c = xrealloc(NULL, len + mlen + 2);
	if (!c)
		return -ENOMEM;
	memcpy(c, name, len);
	c[len] = '\0';
	memcpy(c + len + 1, mod, mlen);
	c[len + 1 + mlen] = '\0';
	s->v[s->n++] = c;
	return 0;
}

static const char *entry_module(const char *e)
{
	return e + strlen(e) + 1;
}

/* By name, then module: the entries of one name are adjacent. */
static int cmp_names(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strcmp(x, y);
	return c ? c : strcmp(entry_module(x), entry_module(y));
}

/* By name only: bsearch for a name whatever its module. */
static int cmp_name_only(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates (static functions of the same name in several
 * files appear once each). */
static void names_unique(struct names *s)
{
	size_t k = 0;
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_names);
	for (size_t i = 0; i < s->n; i++) {
		if (k && !cmp_names(&s->v[k - 1], &s->v[i]))
			xfree(s->v[i]);
		else
			s->v[k++] = s->v[i];
	}
	s->n = k;
}

static bool names_has(const struct names *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_name_only);
}

static const char *traceable_file;	/* --traceable-functions, or NULL */

void kfunc_set_traceable_file(const char *path)
{
	traceable_file = path;
}

/* Names of available_filter_functions ("name" or "name [module]" lines), or
 * of the --traceable-functions file. */
static int read_filter_functions(struct names *out)
{
	const char *tfs = tracefs_path();
	char path[512], line[512];
	if (traceable_file)
		snprintf(path, sizeof(path), "%s", traceable_file);
	else if (!tfs)
		return -errno;
	else
		snprintf(path, sizeof(path), "%s/available_filter_functions", tfs);
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	int err = 0;
	while (!err && fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, " \t\n");
		const char *mod = strchr(line + len, '[');
		err = names_add(out, line, len, mod ? mod + 1 : NULL, mod ? strcspn(mod + 1, "]") : 0);
	}
	fclose(f);
	return err;
}

/* The kprobe blacklist (debugfs), "0xstart-0xend\tname" lines; may be absent. */
static void read_blacklist(struct names *out)
{
	char line[512];
	FILE *f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t');
		if (name && names_add(out, name + 1, strcspn(name + 1, " \t\n"), NULL, 0))
			break;
	}
	fclose(f);
}

/* Text symbols of /proc/kallsyms, the fallback when tracefs has no list. */
static int read_kallsyms(struct names *out)
{
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	int err = 0;
	while (!err && fgets(line, sizeof(line), f)) {
		char type, name[256], mod[256] = "";
		if (sscanf(line, "%*s %c %255s [%255[^]]]", &type, name, mod) >= 2 &&
		    (type == 't' || type == 'T'))
			err = names_add(out, name, strlen(name), mod, strlen(mod));
	}
	fclose(f);
	return err;
}

static struct names funcs, filter;
static int funcs_err = 1;	/* 1: not loaded yet */

static int funcs_load(void)
{
	struct names black = {0};
	if (funcs_err <= 0)
		return funcs_err;
	funcs_err = read_filter_functions(&filter);
	names_unique(&filter);
	if (funcs_err == 0) {
		read_blacklist(&black);
		names_unique(&black);
		for (size_t i = 0; i < filter.n; i++)
			if (!names_has(&black, filter.v[i]))
				names_add(&funcs, filter.v[i], strlen(filter.v[i]),
					  entry_module(filter.v[i]), strlen(entry_module(filter.v[i])));
	} else {
		funcs_err = read_kallsyms(&funcs);
		names_unique(&funcs);
	}
	for (size_t i = 0; i < black.n; i++)
		xfree(black.v[i]);
	xfree(black.v);
	return funcs_err;
}

int kfunc_each_in(const char *mod_glob, const char *glob,
		  int (*fn)(const char *name, void *arg), void *arg)
{
	int err = funcs_load(), n = 0;
	const char *last = NULL;
	if (err)
		return err;
	for (size_t i = 0; i < funcs.n; i++) {
		if (fnmatch(glob, funcs.v[i], 0) ||
		    (mod_glob && fnmatch(mod_glob, entry_module(funcs.v[i]), 0)))
			continue;
		/* a name in several modules counts once (the attach is by name) */
		if (last && !strcmp(last, funcs.v[i]))
			continue;
		last = funcs.v[i];
		int r = fn(funcs.v[i], arg);
		if (r)
			return r;
		n++;
	}
	return n;
}

int kfunc_each(const char *glob, int (*fn)(const char *name, void *arg), void *arg)
{
	return kfunc_each_in(NULL, glob, fn, arg);
}

/* Whether the filter list says what is traceable: read, and not empty (an
 * empty tracefs list means tracing is off, not that nothing is traceable),
 * or given with --traceable-functions. */
static bool filter_known(void)
{
	return !funcs_load() && (filter.n || traceable_file);
}

bool kfunc_traceable(const char *name)
{
	if (!filter_known())
		return true;
	return names_has(&filter, name);
}

bool kfunc_traceable_in(const char *mod, const char *name)
{
	if (!mod)
		return kfunc_traceable(name);
	if (!filter_known())
		return true;
	char **e = bsearch(&name, filter.v, filter.n, sizeof(*filter.v), cmp_name_only);
	if (!e)
		return false;
	while (e > filter.v && !strcmp(e[-1], name))
		e--;
	for (; e < filter.v + filter.n && !strcmp(*e, name); e++)
		if (!strcmp(entry_module(*e), mod))
			return true;
	return false;
}

const char *kfunc_module_of(const char *name, const char *mod_glob)
{
	if (funcs_load())
		return NULL;
	char **e = bsearch(&name, funcs.v, funcs.n, sizeof(*funcs.v), cmp_name_only);
	if (!e)
		return NULL;
	while (e > funcs.v && !strcmp(e[-1], name))
		e--;
	for (; e < funcs.v + funcs.n && !strcmp(*e, name); e++)
		if (!mod_glob || !fnmatch(mod_glob, entry_module(*e), 0))
			return entry_module(*e);
	return NULL;
}

bool kfunc_module_loaded(const char *mod)
{
	char path[512];
	if (!strcmp(mod, "vmlinux"))
		return true;
	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	return access(path, F_OK) == 0;
}

int kfunc_each_module(const char *glob, int (*fn)(const char *mod, void *arg), void *arg)
{
	int n = 0, r;
	if (!fnmatch(glob, "vmlinux", 0)) {
		if ((r = fn("vmlinux", arg)))
			return r;
		n++;
	}
	DIR *d = opendir("/sys/module");
	if (!d)
		return n;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || fnmatch(glob, e->d_name, 0))
			continue;
		if ((r = fn(e->d_name, arg))) {
			closedir(d);
			return r;
		}
		n++;
	}
	closedir(d);
	return n;
}
