/* User-space ELF files for uprobes and usdt: function symbols (.symtab and
 * .dynsym), virtual address → file offset (what the kernel's uprobe takes),
 * and the binary or library a name refers to. libelf. */
#ifndef BPFL_UELF_H
#define BPFL_UELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct uelf_sym {
	const char *name;
	uint64_t addr;		/* st_value: virtual address in the file's layout */
	uint64_t size;
};

/* The defined function symbols of the ELF file at path (STT_FUNC and
 * STT_GNU_IFUNC, from .symtab and .dynsym), sorted by name, one per name
 * (the first found). 0 or -errno (-ENOEXEC: not an ELF file). */
int uelf_functions(const char *path, struct arena *a, struct uelf_sym **syms, int *n);

/* Where a function lies in its file: the file offset of its address (inside an
 * executable segment) and the first bytes of its code there. */
#define UELF_HEAD 16
struct uelf_code {
	uint64_t off;			/* file offset */
	bool found;			/* in an executable segment */
	uint8_t head[UELF_HEAD];	/* the code at off (zeros past the end) */
};

/* uelf_offset for n addresses at once, with their first bytes: one open of the
 * file for a wildcard over thousands of functions. 0 or -errno. */
int uelf_locate(const char *path, const uint64_t *vaddrs, int n, struct uelf_code *out);

/* The file offset of virtual address vaddr (through the executable PT_LOAD
 * segment that contains it). 0 or -errno (-ENOENT: no code segment maps it). */
int uelf_offset(const char *path, uint64_t vaddr, uint64_t *off);

/* The file a uprobe/usdt target names: a path (has '/') as is, or else (with
 * pid > 0) as pid sees it, through /proc/PID/root; otherwise, in
 * order, a library mapped by pid (if pid > 0) named <name>.so* or
 * lib<name>.so*, an executable in $PATH, a library <name>.so* (then
 * lib<name>.so*) in ld.so.cache, then in the standard library directories
 * ("libc" finds libc.so.6, as with bpftrace). Arena-allocated; NULL (errno
 * ENOENT when none, EACCES when the path exists but this process may not
 * read it). */
const char *uelf_resolve(struct arena *a, const char *name, int pid);

/* The ELF files BIN names, for attach points and -l: without glob characters
 * the one uelf_resolve finds (-ENOENT when none, -EACCES when unreadable);
 * with them every ELF file that matches, none being no error: with pid > 0
 * and a pattern without '/' (`*`, `libc*`), among the files pid maps (by path
 * or file name), else on the file system (glob(3): `./bin/prog*`).
 * Arena-allocated array of *n paths; 0 or -errno. */
int uelf_expand(struct arena *a, const char *bin, int pid, const char ***paths, int *n);

/* The files pid maps executable (its program, then its libraries), once each,
 * in /proc/PID/maps order: paths bpfline can open (through /proc/PID/root
 * when pid lives in another mount namespace). 0 or -errno. */
int uelf_mapped(struct arena *a, int pid, const char ***paths, int *n);

/* Search /etc/ld.so.cache (glibc's new format) for the library whose file name
 * starts with prefix (e.g. "libc.so"); the cache may be given as text for
 * tests (cache, size), else NULL to read the system's. Arena-allocated path. */
const char *uelf_ldcache_find(struct arena *a, const char *prefix, const void *cache, size_t size);

/* The executable path of name: itself (made absolute) when it has a '/', else
 * the first executable regular file named so in $PATH. Allocated; NULL when none. */
char *uelf_which(const char *name);

#endif
