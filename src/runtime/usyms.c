/* User-space symbolizer (see usyms.h). Each binary is a struct ufile, found by
 * path or by build id: its PT_LOAD segments (file offset -> virtual address) and
 * build id are read with a few preads, its symbols through a Dwfl opened only
 * when the first address in it is resolved. Processes are snapshots of their
 * /proc/PID/maps, parsed once. Lookups are linear over a handful of files and
 * remember the last hit, which is what consecutive frames mostly need. */
#include "runtime/usyms.h"

#include <dirent.h>
#include <elf.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/vec.h"

#define UFILE_LOADS_MAX 16
#define BUILD_ID_MAX 20

struct usymbol {
	uint64_t addr, size;
	const char *name;	/* owned by the file's Dwfl */
	int bind;		/* STB_GLOBAL before STB_WEAK before STB_LOCAL at one address */
};

struct ufile {
	char *path;
	dev_t dev;			/* identity, so two paths of one file share it */
	ino_t ino;
	uint8_t id[BUILD_ID_MAX];	/* GNU build id */
	uint8_t idlen;
	struct { uint64_t off, filesz, vaddr; } load[UFILE_LOADS_MAX];
	int nload;
	int fd;				/* kept open for files of processes (-1: none),
					 * so a binary deleted after its process ran
					 * still resolves */
	Dwfl *dwfl;			/* opened on first lookup */
	Dwfl_Module *mod;
	bool tried;			/* Dwfl open attempted */
	struct usymbol *syms;		/* sorted by addr: libdwfl's own lookup is linear */
	size_t nsyms;
};

struct umap {
	uint64_t start, end, off;
	struct ufile *f;
};

struct upid {
	int pid;
	struct umap *maps;
	size_t n;
};

struct usyms {
	struct vec files;		/* struct ufile * */
	struct vec pids;		/* struct upid * */
	struct ufile *last;		/* last file a lookup hit */
	bool scanned;			/* system directories indexed */
	unsigned kept;			/* ufile.fd held open */
	struct usyms_stats st;
};

/* ---- ELF headers: segments and build id, without libelf ---- */

static bool pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	return pread(fd, buf, n, (off_t)off) == (ssize_t)n;
}

/* The GNU build id from a note segment's bytes; its length or 0. */
static int note_build_id(const uint8_t *p, size_t len, uint8_t *id, size_t size)
{
	size_t pos = 0;
	while (pos + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		memcpy(&nh, p + pos, sizeof(nh));
		size_t name = pos + sizeof(nh), desc = name + ((nh.n_namesz + 3) & ~3u);
		size_t next = desc + ((nh.n_descsz + 3) & ~3u);
		if (next > len || desc + nh.n_descsz > len)
			break;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && !memcmp(p + name, "GNU", 4)) {
			size_t n = nh.n_descsz < size ? nh.n_descsz : size;
			memcpy(id, p + desc, n);
			return (int)n;
		}
		pos = next;
	}
	return 0;
}

/* Fill f->load and f->id from the file's headers; 0 or -errno. */
static int read_headers(struct ufile *f, int fd)
{
	Elf64_Ehdr eh;
	if (!pread_all(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 128)
		return -ENOEXEC;
	Elf64_Phdr ph[128];
	if (!pread_all(fd, ph, eh.e_phnum * sizeof(Elf64_Phdr), eh.e_phoff))
		return -EIO;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && f->nload < UFILE_LOADS_MAX) {
			f->load[f->nload].off = ph[i].p_offset;
			f->load[f->nload].filesz = ph[i].p_filesz;
			f->load[f->nload++].vaddr = ph[i].p_vaddr;
		} else if (ph[i].p_type == PT_NOTE && !f->idlen && ph[i].p_filesz <= 65536) {
			uint8_t notes[65536];
			if (pread_all(fd, notes, ph[i].p_filesz, ph[i].p_offset))
				f->idlen = (uint8_t)note_build_id(notes, ph[i].p_filesz, f->id, sizeof(f->id));
		}
	}
	return 0;
}

int usyms_build_id(const char *path, uint8_t *id, size_t size)
{
	struct ufile f = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = read_headers(&f, fd);
	close(fd);
	if (err)
		return err;
	memcpy(id, f.id, f.idlen < size ? f.idlen : size);
	return f.idlen;
}

/* ---- the file cache ---- */

static struct ufile *file_find(struct usyms *u, const char *path, const struct stat *st)
{
	for (size_t i = 0; i < u->files.len; i++) {
		struct ufile *f = u->files.items[i];
		if (!strcmp(f->path, path) || (st && f->dev == st->st_dev && f->ino == st->st_ino))
			return f;
	}
	return NULL;
}

#define KEEP_FDS_MAX 256	/* files of processes kept open, at most */

/* The cached file for path, read on first sight; NULL + errno. keep: hold an fd
 * on it (files mapped by processes, which may be deleted before we print). */
static struct ufile *file_get_keep(struct usyms *u, const char *path, bool keep);

static struct ufile *file_get(struct usyms *u, const char *path)
{
	return file_get_keep(u, path, false);
}

static struct ufile *file_get_keep(struct usyms *u, const char *path, bool keep)
{
	struct stat st;
	struct ufile *f = file_find(u, path, NULL);
	if (f)
		return f;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = ENOEXEC;
		return NULL;
	}
	if ((f = file_find(u, path, &st))) {
		if (keep && f->fd < 0 && u->kept < KEEP_FDS_MAX) {
			f->fd = fd;
			u->kept++;
		} else {
			close(fd);
		}
		return f;
	}
	f = xcalloc(1, sizeof(*f));
	int err = f ? read_headers(f, fd) : -ENOMEM;
	if (!err && keep && u->kept < KEEP_FDS_MAX) {
		f->fd = fd;
		u->kept++;
	} else {
		if (f)
			f->fd = -1;
		close(fd);
	}
	if (!err && !(f->path = xstrdup(path)))
		err = -ENOMEM;
	if (!err && vec_push(&u->files, f))
		err = -ENOMEM;
	if (err) {
		if (f && f->fd >= 0)
			close(f->fd);
		if (f)
			xfree(f->path);
		xfree(f);
		errno = -err;
		return NULL;
	}
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	u->st.files_indexed++;
	return f;
}

static void file_index_symbols(struct ufile *f);

static char *debuginfo_path;
static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* Open f's Dwfl module at bias 0, so module addresses are ELF virtual addresses. */
static bool file_open_dwfl(struct usyms *u, struct ufile *f)
{
	if (f->tried)
		return f->mod != NULL;
	f->tried = true;
	f->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!f->dwfl)
		return false;
	dwfl_report_begin(f->dwfl);
	/* Dwfl takes the fd it is given; give it a copy of ours */
	int fd = f->fd >= 0 ? dup(f->fd) : -1;
	f->mod = dwfl_report_elf(f->dwfl, f->path, f->path, fd, 0, false);
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (!f->mod) {
		dwfl_end(f->dwfl);
		f->dwfl = NULL;
		return false;
	}
	u->st.files_opened++;
	file_index_symbols(f);
	return true;
}

static int bind_rank(int bind)
{
	return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

static int usymbol_cmp(const void *a, const void *b)
{
	const struct usymbol *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return bind_rank(x->bind) - bind_rank(y->bind);
}

/* Copy the module's symbol table (whichever Dwfl found: .symtab, .dynsym,
 * MiniDebugInfo or a debug file) into a sorted array, once. */
static void file_index_symbols(struct ufile *f)
{
	int n = dwfl_module_getsymtab(f->mod);
	if (n <= 0 || !(f->syms = xcalloc((size_t)n, sizeof(*f->syms))))
		return;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(f->mod, i, &sym, &addr, NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || sym.st_shndx == SHN_UNDEF || !addr ||
		    (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT && type != STT_NOTYPE))
			continue;
		f->syms[f->nsyms++] = (struct usymbol){addr, sym.st_size, name, GELF_ST_BIND(sym.st_info)};
	}
	if (f->nsyms)
		qsort(f->syms, f->nsyms, sizeof(*f->syms), usymbol_cmp);
}

/* The symbol containing vaddr: the nearest start at or below it whose size
 * covers it (or that has no size), looking back past a few nested ones. */
static const struct usymbol *file_symbol(const struct ufile *f, uint64_t vaddr)
{
	if (!f->nsyms || vaddr < f->syms[0].addr)
		return NULL;
	size_t lo = 0, hi = f->nsyms;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->syms[mid].addr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && f->syms[lo - 1].addr == f->syms[lo].addr)
		lo--;	/* the preferred binding among aliases */
	for (size_t i = lo + 1, k = 0; i-- > 0 && k < 16; k++) {
		const struct usymbol *s = &f->syms[i];
		if (vaddr < s->addr + s->size)
			return s;
		if (!s->size && i == lo)
			return s;
	}
	return NULL;
}

/* The name of the DWARF subprogram containing vaddr (for symbols missing from
 * every symbol table); NULL when there is none. */
static const char *dwarf_function(struct ufile *f, uint64_t vaddr, uint64_t *offset)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(f->mod, vaddr, &bias);
	Dwarf_Die *scopes = NULL;
	const char *name = NULL;
	if (!cu)
		return NULL;
	int n = dwarf_getscopes(cu, vaddr - bias, &scopes);
	for (int i = 0; i < n && !name; i++) {
		Dwarf_Addr low;
		if (dwarf_tag(&scopes[i]) != DW_TAG_subprogram || dwarf_lowpc(&scopes[i], &low))
			continue;
		name = dwarf_diename(&scopes[i]);
		*offset = vaddr - bias - low;
	}
	free(scopes);
	return name;
}

static bool file_resolve(struct usyms *u, struct ufile *f, uint64_t vaddr, struct usym *out)
{
	out->path = f->path;
	out->vaddr = vaddr;
	out->name = NULL;
	out->offset = 0;
	if (!file_open_dwfl(u, f))
		return false;
	uint64_t off = 0;
	const struct usymbol *sym = file_symbol(f, vaddr);
	const char *name = sym ? sym->name : NULL;
	if (sym)
		off = vaddr - sym->addr;
	else
		name = dwarf_function(f, vaddr, &off);
	out->name = name;
	out->offset = name ? off : 0;
	u->last = f;
	return true;
}

/* File offset -> virtual address through the PT_LOAD segments. */
static bool file_off_to_vaddr(const struct ufile *f, uint64_t off, uint64_t *vaddr)
{
	for (int i = 0; i < f->nload; i++) {
		if (off >= f->load[i].off && off < f->load[i].off + f->load[i].filesz) {
			*vaddr = off - f->load[i].off + f->load[i].vaddr;
			return true;
		}
	}
	return false;
}

bool usyms_by_vaddr(struct usyms *u, const char *path, uint64_t vaddr, struct usym *out)
{
	struct ufile *f = file_get(u, path);
	memset(out, 0, sizeof(*out));
	return f && file_resolve(u, f, vaddr, out);
}

bool usyms_by_file_offset(struct usyms *u, const char *path, uint64_t off, struct usym *out)
{
	struct ufile *f = file_get(u, path);
	uint64_t vaddr;
	memset(out, 0, sizeof(*out));
	if (!f)
		return false;
	if (!file_off_to_vaddr(f, off, &vaddr)) {
		out->path = f->path;
		return false;
	}
	return file_resolve(u, f, vaddr, out);
}

/* ---- build ids ---- */

static struct ufile *file_by_id(struct usyms *u, const uint8_t *id, size_t idlen)
{
	if (u->last && u->last->idlen == idlen && !memcmp(u->last->id, id, idlen))
		return u->last;
	for (size_t i = 0; i < u->files.len; i++) {
		struct ufile *f = u->files.items[i];
		if (f->idlen == idlen && !memcmp(f->id, id, idlen))
			return f;
	}
	return NULL;
}

/* Index the regular files of one directory (not recursive). */
static void scan_dir(struct usyms *u, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		file_get(u, path);
	}
	closedir(d);
}

/* Where installed binaries and libraries live; scanned once, only when a build
 * id is not found otherwise (a process that exited before we ever saw it). */
static const char *const scan_dirs[] = {
	"/usr/lib/x86_64-linux-gnu", "/usr/bin", "/usr/sbin", "/usr/local/bin",
	"/usr/local/sbin", "/usr/local/lib", "/usr/lib", "/usr/libexec",
};

static struct ufile *file_by_id_slow(struct usyms *u, const uint8_t *id, size_t idlen)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (size_t i = 1; i < idlen; i++)
		n += snprintf(path + n, sizeof(path) - (size_t)n, "%02x", id[i]);
	snprintf(path + n, sizeof(path) - (size_t)n, ".debug");
	struct ufile *f = NULL;
	if (!faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) && (f = file_get(u, path)) && f->idlen == idlen &&
	    !memcmp(f->id, id, idlen))
		return f;
	if (u->scanned)
		return NULL;
	u->scanned = true;
	u->st.dir_scans++;
	for (size_t i = 0; i < sizeof(scan_dirs) / sizeof(scan_dirs[0]); i++)
		scan_dir(u, scan_dirs[i]);
	return file_by_id(u, id, idlen);
}

bool usyms_by_build_id(struct usyms *u, const uint8_t *id, size_t idlen, uint64_t off,
		       struct usym *out)
{
	memset(out, 0, sizeof(*out));
	if (!idlen)
		return false;
	struct ufile *f = file_by_id(u, id, idlen);
	if (!f)
		f = file_by_id_slow(u, id, idlen);
	uint64_t vaddr;
	if (!f)
		return false;
	if (!file_off_to_vaddr(f, off, &vaddr)) {
		out->path = f->path;
		return false;
	}
	return file_resolve(u, f, vaddr, out);
}

bool usyms_has_build_id(struct usyms *u, const uint8_t *id, size_t idlen)
{
	return idlen && file_by_id(u, id, idlen) != NULL;
}

int usyms_add_file(struct usyms *u, const char *path)
{
	return file_get(u, path) ? 0 : -errno;
}

/* ---- processes ---- */

static struct upid *pid_find(struct usyms *u, int pid)
{
	for (size_t i = 0; i < u->pids.len; i++) {
		struct upid *p = u->pids.items[i];
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

/* Parse one /proc/PID/maps line of a file mapping into m; false for others. */
static bool parse_map_line(struct usyms *u, int pid, char *line, struct umap *m)
{
	unsigned long long start, end, off;
	int path_at = 0;
	char perms[8];
	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &path_at) < 4 ||
	    !path_at || line[path_at] != '/')
		return false;
	char *path = line + path_at, *nl = strchr(path, '\n');
	if (nl)
		*nl = '\0';
	char root[4200];	/* through the process's root: right inside containers too */
	snprintf(root, sizeof(root), "/proc/%d/root%s", pid, path);
	m->f = file_get_keep(u, path, true);
	if (!m->f)	/* another mount namespace's path */
		m->f = file_get_keep(u, root, true);
	m->start = start;
	m->end = end;
	m->off = off;
	return m->f != NULL;
}

int usyms_add_pid(struct usyms *u, int pid)
{
	char path[64], line[4400];
	if (pid_find(u, pid))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	struct upid *p = xcalloc(1, sizeof(*p));
	size_t cap = 0;
	int err = p ? 0 : -ENOMEM;
	while (!err && fgets(line, sizeof(line), fp)) {
		struct umap m;
		if (!parse_map_line(u, pid, line, &m))
			continue;
		if (p->n == cap) {
			struct umap *nm = xrealloc(p->maps, (cap = cap ? cap * 2 : 32) * sizeof(*nm));
			if (!nm) {
				err = -ENOMEM;
				break;
			}
			p->maps = nm;
		}
		p->maps[p->n++] = m;
	}
	fclose(fp);
	if (!err && !p->n)
		err = -ESRCH;	/* a zombie: its mappings are gone already */
	if (!err) {
		p->pid = pid;
		err = vec_push(&u->pids, p) ? -ENOMEM : 0;
	}
	if (err && p) {
		xfree(p->maps);
		xfree(p);
	}
	return err;
}

bool usyms_by_pid(struct usyms *u, int pid, uint64_t addr, struct usym *out)
{
	memset(out, 0, sizeof(*out));
	if (usyms_add_pid(u, pid))
		return false;
	struct upid *p = pid_find(u, pid);
	for (size_t i = 0; i < p->n; i++) {
		struct umap *m = &p->maps[i];
		uint64_t vaddr;
		if (addr < m->start || addr >= m->end)
			continue;
		if (!file_off_to_vaddr(m->f, addr - m->start + m->off, &vaddr))
			return false;
		return file_resolve(u, m->f, vaddr, out);
	}
	return false;
}

/* ---- symbol addresses (uaddr) ---- */

int usyms_symbol_vaddr(const char *path, const char *name, uint64_t *vaddr)
{
	struct usyms *u = usyms_new();
	struct ufile *f = u ? file_get(u, path) : NULL;
	int err = -ENOENT;
	if (!f) {
		err = u ? -errno : -ENOMEM;
		goto out;
	}
	if (!file_open_dwfl(u, f))
		goto out;
	int n = dwfl_module_getsymtab(f->mod);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *s = dwfl_module_getsym_info(f->mod, i, &sym, &addr, NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (s && sym.st_shndx != SHN_UNDEF && (type == STT_FUNC || type == STT_OBJECT ||
		    type == STT_GNU_IFUNC) && !strcmp(s, name)) {
			*vaddr = addr;
			err = 0;
			break;
		}
	}
out:
	usyms_free(u);
	return err;
}

/* ---- life ---- */

struct usyms *usyms_new(void)
{
	return xcalloc(1, sizeof(struct usyms));
}

void usyms_free(struct usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->files.len; i++) {
		struct ufile *f = u->files.items[i];
		if (f->dwfl)
			dwfl_end(f->dwfl);
		xfree(f->syms);
		if (f->fd >= 0)
			close(f->fd);
		xfree(f->path);
		xfree(f);
	}
	for (size_t i = 0; i < u->pids.len; i++) {
		struct upid *p = u->pids.items[i];
		xfree(p->maps);
		xfree(p);
	}
	vec_fini(&u->files);
	vec_fini(&u->pids);
	xfree(u);
}

void usyms_get_stats(const struct usyms *u, struct usyms_stats *st)
{
	*st = u->st;
}
