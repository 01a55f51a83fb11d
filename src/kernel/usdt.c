/* .note.stapsdt parsing and argument specs (see usdt.h).
 *
 * A note (owner "stapsdt", type 3) holds three address-size words — the probe
 * address, the link-time address of .stapsdt.base, the semaphore address —
 * then provider, name and argument strings. When the file has a .stapsdt.base
 * section, addresses are adjusted by (its address - the recorded base), as
 * prelink may have moved things. Addresses become file offsets through the
 * PT_LOAD segments. */
#include "kernel/usdt.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/vec.h"

/* "%reg" at s into name (what the register is, in pt_regs, is src/arch/'s
 * business); the length consumed, or -1. */
static int parse_reg(const char *s, char name[USDT_REG_MAX])
{
	int n = 0;

	if (*s++ != '%')
		return -1;
	while (isalnum((unsigned char)s[n]) && n < USDT_REG_MAX - 1) {
		name[n] = s[n];
		n++;
	}
	name[n] = '\0';
	return n && !isalnum((unsigned char)s[n]) ? n + 1 : -1;
}

int usdt_parse_arg(const char *spec, struct usdt_arg *arg)
{
	char *end;
	long size = strtol(spec, &end, 10);
	const char *s = end + 1;

	memset(arg, 0, sizeof(*arg));
	if (end == spec || *end != '@' || !size || labs(size) > 8 || (labs(size) & (labs(size) - 1)))
		return -EINVAL;
	arg->size = (int)labs(size);
	arg->is_signed = size < 0;
	if (*s == '$') {			/* $imm */
		arg->kind = USDT_ARG_CONST;
		arg->val = strtoll(s + 1, &end, 0);
		return *end || end == s + 1 ? -EINVAL : 0;
	}
	if (*s == '%') {			/* %reg */
		int n = parse_reg(s, arg->reg);
		arg->kind = USDT_ARG_REG;
		return n < 0 || s[n] ? -EINVAL : 0;
	}
	arg->kind = USDT_ARG_MEM;		/* [off](%reg) */
	arg->val = *s == '(' ? 0 : strtoll(s, &end, 0);
	if (*s != '(')
		s = end;
	if (*s != '(')
		return -EINVAL;
	int n = parse_reg(s + 1, arg->reg);
	return n < 0 || strcmp(s + 1 + n, ")") ? -EINVAL : 0;
}

int usdt_parse_args(const char *text, struct usdt_arg *args, int max)
{
	int n = 0;

	while (*text) {
		char buf[128];
		size_t len;
		while (*text == ' ')
			text++;
		len = strcspn(text, " ");
		if (!len)
			break;
		if (n == max || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, text, len);
		buf[len] = '\0';
		if (usdt_parse_arg(buf, &args[n++]))
			return -EINVAL;
		text += len;
	}
	return n;
}

/* One parsed note, before grouping. */
struct note {
	const char *provider, *name;
	struct usdt_site site;
};

static uint64_t to_offset(Elf *e, uint64_t vaddr)
{
	size_t nph;

	if (elf_getphdrnum(e, &nph))
		return 0;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
		    vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz)
			return vaddr - ph.p_vaddr + ph.p_offset;
	}
	return 0;
}

/* Parse the notes of one .note.stapsdt section into out. */
static int read_notes(Elf *e, Elf_Scn *scn, uint64_t base_addr, bool has_base,
		      struct arena *a, struct vec *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *owner = (const char *)data->d_buf + name_off;
		const char *desc = (const char *)data->d_buf + desc_off;
		if (nh.n_type != 3 || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8) ||
		    nh.n_descsz < 3 * 8 + 3)
			continue;
		uint64_t w[3];
		memcpy(w, desc, sizeof(w));
		const char *prov = desc + 24, *end = desc + nh.n_descsz;
		const char *name = prov + strnlen(prov, (size_t)(end - prov)) + 1;
		const char *args = name < end ? name + strnlen(name, (size_t)(end - name)) + 1 : end;
		if (args > end)
			continue;
		struct note *n = arena_alloc(a, sizeof(*n));
		if (!n)
			return -ENOMEM;
		if (has_base) {
			w[0] += base_addr - w[1];
			if (w[2])
				w[2] += base_addr - w[1];
		}
		n->provider = arena_strdup(a, prov);
		n->name = arena_strdup(a, name);
		n->site.offset = to_offset(e, w[0]);
		n->site.sema_offset = w[2] ? to_offset(e, w[2]) : 0;
		n->site.nargs = args < end ? usdt_parse_args(args, n->site.args, USDT_MAX_ARGS) : 0;
		if (n->site.nargs < 0)
			n->site.nargs = -1;
		if (vec_push(out, n))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_note(const void *a, const void *b)
{
	const struct note *x = *(struct note *const *)a, *y = *(struct note *const *)b;
	int c = strcmp(x->provider, y->provider);
	return c ? c : strcmp(x->name, y->name);
}

/* Group sorted notes into probes. */
static int group(struct arena *a, const char *path, struct vec *notes,
		 struct usdt_probe **probes, int *n)
{
	struct usdt_probe *p = arena_alloc(a, sizeof(*p) * (notes->len ? notes->len : 1));
	int k = 0;

	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < notes->len;) {
		struct note *first = notes->items[i];
		size_t j = i;
		while (j < notes->len && !cmp_note(&notes->items[i], &notes->items[j]))
			j++;
		p[k].path = path;
		p[k].provider = first->provider;
		p[k].name = first->name;
		p[k].nsites = (int)(j - i);
		p[k].sites = arena_alloc(a, sizeof(struct usdt_site) * (j - i));
		if (!p[k].sites)
			return -ENOMEM;
		for (size_t s = i; s < j; s++)
			p[k].sites[s - i] = ((struct note *)notes->items[s])->site;
		k++;
		i = j;
	}
	*probes = p;
	*n = k;
	return 0;
}

int usdt_read(struct arena *a, const char *path, struct usdt_probe **probes, int *n)
{
	struct vec notes = {0};
	Elf_Scn *scn = NULL, *base = NULL;
	uint64_t base_addr = 0;
	size_t shstrndx;
	int fd, err = 0;
	Elf *e;

	*probes = NULL;
	*n = 0;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *nm = gelf_getshdr(scn, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		if (nm && !strcmp(nm, ".stapsdt.base")) {
			base = scn;
			base_addr = sh.sh_addr;
		}
	}
	while (!err && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *nm = gelf_getshdr(scn, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;
		if (nm && sh.sh_type == SHT_NOTE && !strcmp(nm, ".note.stapsdt"))
			err = read_notes(e, scn, base_addr, base != NULL, a, &notes);
	}
	if (!err && notes.len) {
		qsort(notes.items, notes.len, sizeof(void *), cmp_note);
		err = group(a, arena_strdup(a, path), &notes, probes, n);
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	vec_fini(&notes);
	return err;
}
