/* User ELF files (see uelf.h). */
#include "kernel/uelf.h"

#include <errno.h>
#include <fcntl.h>
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
		if (!stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
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
	size_t nph;
	int fd, err = -ENOENT;
	Elf *e = elf_open_path(path, &fd, &err);

	if (!e)
		return err;
	err = -ENOENT;
	if (!elf_getphdrnum(e, &nph)) {
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    !(ph.p_flags & PF_X))
				continue;
			if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_memsz) {
				*off = vaddr - ph.p_vaddr + ph.p_offset;
				err = 0;
				break;
			}
		}
	}
	elf_end(e);
	close(fd);
	return err;
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
		if (access(name, R_OK))
			return NULL;
		return name;
	}
	if (pid > 0)
		res = from_maps(a, name, pid);
	if (!res && (exe = uelf_which(name))) {
		res = arena_strdup(a, exe);
		free(exe);
	}
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
