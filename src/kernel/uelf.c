/* User ELF files (see uelf.h). */
#include "kernel/uelf.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/vec.h"

char *uelf_which(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	struct stat st;

	if (strchr(name, '/'))
		return realpath(name, NULL);
	for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", name);
		if (!stat(buf, &st) && S_ISREG(st.st_mode) && !faccessat(AT_FDCWD, buf, X_OK, AT_EACCESS))
			return realpath(buf, NULL);
		p = p[n] ? p + n + 1 : NULL;
	}
	return NULL;
}

/* Open path with libelf; NULL with *err set. */
static Elf *elf_open_path(const char *path, int *fd, int *err)
{
	Elf *e;

	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		*err = -errno;
		return NULL;
	}
	e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(*fd);
		*err = -ENOEXEC;
		return NULL;
	}
	return e;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct uelf_sym *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->addr > y->addr) - (x->addr < y->addr);
}

/* Append the function symbols of one symbol table section. */
static int add_syms(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, struct arena *a, struct vec *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 0; data && i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(data, (int)i, &s))
			continue;
		int type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF || !s.st_value)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, s.st_name);
		struct uelf_sym *u = arena_alloc(a, sizeof(*u));
		if (!name || !*name || !u)
			continue;
		u->name = arena_strdup(a, name);
		if (!u->name)
			return -ENOMEM;
		u->addr = s.st_value;
		u->size = s.st_size;
		if (vec_push(out, u))
			return -ENOMEM;
	}
	return 0;
}

int uelf_functions(const char *path, struct arena *a, struct uelf_sym **syms, int *n)
{
	struct vec all = {0};
	Elf_Scn *scn = NULL;
	int fd, err = 0;
	Elf *e = elf_open_path(path, &fd, &err);

	if (!e)
		return err;
	while (!err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			err = add_syms(e, scn, &sh, a, &all);
	}
	elf_end(e);
	close(fd);
	struct uelf_sym *out = arena_alloc(a, sizeof(*out) * (all.len ? all.len : 1));
	int k = 0;
	for (size_t i = 0; out && i < all.len; i++)
		out[i] = *(struct uelf_sym *)all.items[i];
	if (out && all.len)
		qsort(out, all.len, sizeof(*out), cmp_sym);
	for (size_t i = 0; out && i < all.len; i++)	/* one per name */
		if (!k || strcmp(out[k - 1].name, out[i].name))
			out[k++] = out[i];
	vec_fini(&all);
	*syms = out;
	*n = k;
	return err ? err : (out ? 0 : -ENOMEM);
}

int uelf_offset(const char *path, uint64_t vaddr, uint64_t *off)
{
	struct uelf_code c;
	int err = uelf_locate(path, &vaddr, 1, &c);

	if (err)
		return err;
	*off = c.off;
	return c.found ? 0 : -ENOENT;
}

int uelf_locate(const char *path, const uint64_t *vaddrs, int n, struct uelf_code *out)
{
	size_t nph;
	int fd, err = 0;
	Elf *e = elf_open_path(path, &fd, &err);

	if (!e)
		return err;
	memset(out, 0, sizeof(*out) * (size_t)(n > 0 ? n : 0));
	if (elf_getphdrnum(e, &nph))
		nph = 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		for (int k = 0; k < n; k++) {
			if (out[k].found || vaddrs[k] < ph.p_vaddr ||
			    vaddrs[k] >= ph.p_vaddr + ph.p_memsz)
				continue;
			out[k].off = vaddrs[k] - ph.p_vaddr + ph.p_offset;
			out[k].found = true;
			if (pread(fd, out[k].head, UELF_HEAD, (off_t)out[k].off) < 0)
				memset(out[k].head, 0, UELF_HEAD);
		}
	}
	elf_end(e);
	close(fd);
	return 0;
}

/* glibc ld.so.cache, new format: "glibc-ld.so.cache1.1", nlibs, len_strings,
 * flags, padding, then nlibs entries of { int32 flags; uint32 key, value;
 * uint32 osversion; uint64 hwcap } with string offsets from the file start. */
struct cache_head {
	char magic[17];		/* "glibc-ld.so.cache" */
	char version[3];	/* "1.1" */
	uint32_t nlibs;
	uint32_t len_strings;
	uint8_t flags;
	uint8_t pad[3];
	uint32_t extension_offset;
	uint32_t unused[3];
};

struct cache_entry {
	int32_t flags;
	uint32_t key, value;
	uint32_t osversion;
	uint64_t hwcap;
};

#define CACHE_NEW_MAGIC "glibc-ld.so.cache1.1"

/* Where the new-format header starts: at 0, or after an old-format table. */
static const char *cache_new_start(const char *c, size_t size)
{
	return memmem(c, size, CACHE_NEW_MAGIC, strlen(CACHE_NEW_MAGIC));
}

const char *uelf_ldcache_find(struct arena *a, const char *prefix, const void *cache, size_t size)
{
	const char *c = cache, *res = NULL;
	void *map = NULL;
	struct stat st;

	if (!c) {
		int fd = open("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return NULL;
		if (!fstat(fd, &st) && st.st_size > 0)
			map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (!map || map == MAP_FAILED)
			return NULL;
		c = map;
		size = (size_t)st.st_size;
	}
	const char *h = cache_new_start(c, size);
	if (h && (size_t)(h - c) + sizeof(struct cache_head) <= size) {
		struct cache_head hd;
		memcpy(&hd, h, sizeof(hd));
		const char *ents = h + sizeof(struct cache_head);
		size_t plen = strlen(prefix);
		const char *any = NULL;
		for (uint32_t i = 0; i < hd.nlibs && !res; i++) {
			struct cache_entry en;
			if ((size_t)(ents - c) + (i + 1) * sizeof(en) > size)
				break;
			memcpy(&en, ents + i * sizeof(en), sizeof(en));
			/* string offsets count from the new-format header */
			if ((size_t)(h - c) + en.key >= size || (size_t)(h - c) + en.value >= size)
				continue;
			if (strncmp(h + en.key, prefix, plen))
				continue;
			if ((en.flags & 0xff00) == 0x0300)	/* FLAG_X8664_LIB64 */
				res = h + en.value;
			else if (!any)
				any = h + en.value;
		}
		res = res ? res : any;
		if (res)
			res = arena_strndup(a, res, strnlen(res, size - (size_t)(res - c)));
	}
	if (map)
		munmap(map, size);
	return res;
}

/* A library mapped by pid whose file name starts with one of the prefixes. */
static const char *from_maps(struct arena *a, const char *name, int pid)
{
	char path[64], line[4096];
	char *p1 = arena_printf(a, "%s.so", name), *p2 = arena_printf(a, "lib%s.so", name);
	const char *res = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && !res && fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/'), *base;
		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		base = strrchr(file, '/') + 1;
		if (!strncmp(base, p1, strlen(p1)) || !strncmp(base, p2, strlen(p2)) ||
		    !strcmp(base, name))
			res = arena_printf(a, "/proc/%d/root%s", pid, file);
	}
	if (f)
		fclose(f);
	return res;
}

/* path as the process pid sees it, opened through its root: NULL when it is
 * not there either. */
static const char *in_root(struct arena *a, const char *path, int pid)
{
	const char *res = arena_printf(a, "/proc/%d/root%s%s", pid, *path == '/' ? "" : "/", path);
	return faccessat(AT_FDCWD, res, R_OK, AT_EACCESS) ? NULL : res;
}

/* Whether pid shares bpfline's mount namespace (its paths are ours). */
static bool same_mountns(int pid)
{
	char path[64];
	struct stat self, other;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (stat("/proc/self/ns/mnt", &self) || stat(path, &other))
		return true;
	return self.st_ino == other.st_ino && self.st_dev == other.st_dev;
}

/* Whether the file at path is an ELF file (its magic). */
static bool is_elf(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);

	if (fd >= 0)
		close(fd);
	return yes;
}

/* Append s to v unless it is there already. */
static void add_unique(struct vec *v, char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (!strcmp(v->items[i], s))
			return;
	vec_push(v, s);
}

/* v's strings as an arena array in *paths, *n of them; v is emptied. */
static void take_list(struct arena *a, struct vec *v, const char ***paths, int *n)
{
	*paths = arena_alloc(a, (v->len ? v->len : 1) * sizeof(const char *));
	for (size_t i = 0; i < v->len; i++)
		(*paths)[i] = v->items[i];
	*n = (int)v->len;
	vec_fini(v);
}

int uelf_mapped(struct arena *a, int pid, const char ***paths, int *n)
{
	char path[64], line[4096], perms[8];
	bool same = same_mountns(pid);
	struct vec v = {0};
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/');
		if (!file || sscanf(line, "%*s %7s", perms) != 1 || !strchr(perms, 'x'))
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (strstr(file, " (deleted)"))
			continue;
		add_unique(&v, same ? arena_strdup(a, file)
				    : arena_printf(a, "/proc/%d/root%s", pid, file));
	}
	fclose(f);
	take_list(a, &v, paths, n);
	return 0;
}

/* The ELF files that glob pattern bin matches on the file system. */
static void glob_files(struct arena *a, const char *bin, struct vec *v)
{
	glob_t g;
	struct stat st;

	if (glob(bin, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (!stat(g.gl_pathv[i], &st) && S_ISREG(st.st_mode) && is_elf(g.gl_pathv[i]))
			add_unique(v, arena_strdup(a, g.gl_pathv[i]));
	globfree(&g);
}

int uelf_expand(struct arena *a, const char *bin, int pid, const char ***paths, int *n)
{
	const char **mapped = NULL;
	int nmapped = 0;
	struct vec v = {0};

	if (!strpbrk(bin, "*?[")) {
		const char *res = uelf_resolve(a, bin, pid);
		if (!res)
			return -errno;
		*paths = arena_alloc(a, sizeof(const char *));
		(*paths)[0] = res;
		*n = 1;
		return 0;
	}
	/* a pattern with a directory names files; others (`*`, `libc*`) the
	 * files the process maps, by path or file name */
	if (pid > 0 && !strchr(bin, '/') && !uelf_mapped(a, pid, &mapped, &nmapped))
		for (int i = 0; i < nmapped; i++) {
			const char *base = strrchr(mapped[i], '/') + 1;
			if ((!fnmatch(bin, mapped[i], 0) || !fnmatch(bin, base, 0)) && is_elf(mapped[i]))
				add_unique(&v, (char *)mapped[i]);
		}
	else
		glob_files(a, bin, &v);
	take_list(a, &v, paths, n);
	return 0;
}

/* <prefix><name>.so* in the standard library directories. */
static const char *from_dirs(struct arena *a, const char *name, const char *prefix)
{
	static const char *const dirs[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
		"/lib", "/usr/lib", "/usr/local/lib",
	};
	const char *res = NULL;

	for (size_t i = 0; !res && i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		glob_t g;
		char *pat = arena_printf(a, "%s/%s%s.so*", dirs[i], prefix, name);
		if (!glob(pat, 0, NULL, &g) && g.gl_pathc)
			res = arena_strdup(a, g.gl_pathv[0]);
		globfree(&g);
	}
	return res;
}

const char *uelf_resolve(struct arena *a, const char *name, int pid)
{
	const char *res = NULL;
	char *exe;

	if (strchr(name, '/')) {
		/* AT_EACCESS: the effective ids and capabilities (access(2) would
		 * drop a CAP_DAC_READ_SEARCH granted to a non-root user) */
		if (!faccessat(AT_FDCWD, name, R_OK, AT_EACCESS))
			return name;
		int err = errno == EACCES ? EACCES : ENOENT;
		/* a path of the -p process's mount namespace (a container) */
		res = pid > 0 ? in_root(a, name, pid) : NULL;
		if (!res)
			errno = err;
		return res;
	}
	if (pid > 0)
		res = from_maps(a, name, pid);
	if (!res && (exe = uelf_which(name))) {
		res = arena_strdup(a, exe);
		free(exe);
	}
	if (!res && strstr(name, ".so"))	/* a soname: libc.so.6 */
		res = uelf_ldcache_find(a, name, NULL, 0);
	if (!res)
		res = uelf_ldcache_find(a, arena_printf(a, "%s.so", name), NULL, 0);
	if (!res)
		res = uelf_ldcache_find(a, arena_printf(a, "lib%s.so", name), NULL, 0);
	if (!res)
		res = from_dirs(a, name, "");
	if (!res)
		res = from_dirs(a, name, "lib");
	if (!res)
		errno = ENOENT;
	return res;
}
