/* User-space symbols with libdw: ELF symbol tables (.symtab, .dynsym, MiniDebugInfo,
 * separate debug files found by build id) and DWARF as a fallback, one Dwfl per
 * binary, opened on first use and cached for the life of the struct usyms.
 *
 * Addresses come in three forms, each resolved to a (file, ELF virtual address):
 * - build id + file offset: what a BPF_F_STACK_BUILD_ID stack map records at event
 *   time, so frames of a process that has exited are still named. The build id is
 *   mapped to a file through an index of files seen (added explicitly, mapped by
 *   processes we looked at, bpfline's own mappings), then the debug directory
 *   (/usr/lib/debug/.build-id), then, once, the system's binary and library dirs.
 * - pid + address: through a snapshot of /proc/PID/maps, taken on first use.
 * - path + virtual address (or file offset): directly.
 * Only 64-bit little-endian ELF is handled (x86-64). */
#ifndef BPFL_USYMS_H
#define BPFL_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct usyms;

/* A resolved address. Strings live as long as the struct usyms. */
struct usym {
	const char *name;	/* symbol, or NULL when the file is known but has none */
	uint64_t offset;	/* from the start of the symbol */
	const char *path;	/* the binary */
	uint64_t vaddr;		/* the address as an ELF virtual address of path */
};

struct usyms *usyms_new(void);
void usyms_free(struct usyms *u);

/* Register a binary for the build-id index (read its build id now); 0 or -errno. */
int usyms_add_file(struct usyms *u, const char *path);
/* Snapshot the file mappings of a live process and register their files; 0 or
 * -errno (-ESRCH: gone). A second call for the same pid does nothing. */
int usyms_add_pid(struct usyms *u, int pid);

/* Resolve; false when the binary cannot be found (out->path NULL) or opened.
 * A true result may still have out->name NULL (no symbol covers the address). */
bool usyms_by_vaddr(struct usyms *u, const char *path, uint64_t vaddr, struct usym *out);
bool usyms_by_file_offset(struct usyms *u, const char *path, uint64_t off, struct usym *out);
bool usyms_by_build_id(struct usyms *u, const uint8_t *id, size_t idlen, uint64_t off,
		       struct usym *out);
/* Whether a file with this build id is already known (no search). */
bool usyms_has_build_id(struct usyms *u, const uint8_t *id, size_t idlen);
bool usyms_by_pid(struct usyms *u, int pid, uint64_t addr, struct usym *out);

/* The ELF virtual address of the function or object `name` in `path`; 0 or
 * -ENOENT / -errno. */
int usyms_symbol_vaddr(const char *path, const char *name, uint64_t *vaddr);
/* The GNU build id of path into id (up to 20 bytes); its length or -errno. */
int usyms_build_id(const char *path, uint8_t *id, size_t size);

/* Counters for -v and the benchmark. */
struct usyms_stats {
	unsigned files_opened;	/* Dwfl modules opened */
	unsigned files_indexed;	/* build ids read */
	unsigned dir_scans;	/* system-directory scans (0 or 1) */
};
void usyms_get_stats(const struct usyms *u, struct usyms_stats *st);

#endif
