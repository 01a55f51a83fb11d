/* Verifier rejections back to script locations. The ELF's .BTF.ext holds, per
 * section, records { insn_off (bytes in the section), file, line text,
 * line << 10 | col }; a program is an ELF function at some offset of its
 * section, so its instruction i is at that offset + 8 * i. */
#include "runtime/linemap.h"

#include <errno.h>
#include <stdbool.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct btf_ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
};

struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t type_off, type_len, str_off, str_len;
};

struct elf_view {
	Elf *elf;
	Elf_Data *btf, *ext;		/* .BTF and .BTF.ext contents */
	const char *sec_name;		/* the program's section */
	uint64_t func_off;		/* the program's byte offset in it */
};

static Elf_Data *section_data(Elf *elf, size_t shstrndx, const char *name, Elf_Scn **out)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;
		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (!strcmp(n, name)) {
			if (out)
				*out = scn;
			return elf_getdata(scn, NULL);
		}
	}
	return NULL;
}

/* Find the function symbol `prog`: its section's name and its offset. */
static int find_func(struct elf_view *v, size_t shstrndx, const char *prog)
{
	Elf_Scn *symscn = NULL;
	Elf_Data *syms = section_data(v->elf, shstrndx, ".symtab", &symscn);
	GElf_Shdr sh;
	if (!syms || !gelf_getshdr(symscn, &sh))
		return -ENOENT;
	size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		GElf_Shdr fsh;
		const char *name;
		if (!gelf_getsym(syms, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		name = elf_strptr(v->elf, sh.sh_link, sym.st_name);
		if (!name || strcmp(name, prog))
			continue;
		Elf_Scn *fscn = elf_getscn(v->elf, sym.st_shndx);
		if (!fscn || !gelf_getshdr(fscn, &fsh))
			return -EINVAL;
		v->sec_name = elf_strptr(v->elf, shstrndx, fsh.sh_name);
		v->func_off = sym.st_value;
		return v->sec_name ? 0 : -EINVAL;
	}
	return -ENOENT;
}

static const char *btf_str(const Elf_Data *btf, uint32_t off)
{
	const struct btf_hdr *h = btf->d_buf;
	if (btf->d_size < sizeof(*h) || off >= h->str_len ||
	    (size_t)h->hdr_len + h->str_off + h->str_len > btf->d_size)
		return NULL;
	return (const char *)btf->d_buf + h->hdr_len + h->str_off + off;
}

/* Walk the line-info blocks for the program's section; the last record at or
 * before the instruction's byte offset is the one that covers it. */
static int search_lines(const struct elf_view *v, uint64_t want, int *line, int *col)
{
	const struct btf_ext_hdr *h = v->ext->d_buf;
	if (v->ext->d_size < sizeof(*h) || h->magic != 0xeB9F ||
	    (size_t)h->hdr_len + h->line_info_off + h->line_info_len > v->ext->d_size)
		return -EINVAL;
	const uint8_t *p = (const uint8_t *)v->ext->d_buf + h->hdr_len + h->line_info_off;
	const uint8_t *end = p + h->line_info_len;
	if (h->line_info_len < 4)
		return -ENOENT;
	uint32_t rec_size = *(const uint32_t *)p;
	p += 4;
	int found = -ENOENT;
	while (rec_size >= 16 && end - p >= 8) {
		uint32_t sec_off = ((const uint32_t *)p)[0], num = ((const uint32_t *)p)[1];
		const char *sec = btf_str(v->btf, sec_off);
		p += 8;
		if ((size_t)(end - p) < (size_t)num * rec_size)
			return -EINVAL;
		for (uint32_t i = 0; sec && !strcmp(sec, v->sec_name) && i < num; i++) {
			const uint32_t *r = (const uint32_t *)(p + (size_t)i * rec_size);
			if (r[0] < v->func_off || r[0] > want || !(r[3] >> 10))
				continue;
			*line = (int)(r[3] >> 10);
			*col = (int)(r[3] & 0x3ff);
			found = 0;
		}
		p += (size_t)num * rec_size;
	}
	return found;
}

int linemap_lookup(const void *obj, size_t size, const char *prog, unsigned insn,
		   int *line, int *col)
{
	struct elf_view v = {0};
	size_t shstrndx;
	int err = -EINVAL;
	elf_version(EV_CURRENT);
	v.elf = elf_memory((char *)obj, size);
	if (!v.elf || elf_getshdrstrndx(v.elf, &shstrndx))
		goto out;
	v.btf = section_data(v.elf, shstrndx, ".BTF", NULL);
	v.ext = section_data(v.elf, shstrndx, ".BTF.ext", NULL);
	err = -ENOENT;
	if (!v.btf || !v.ext)
		goto out;
	err = find_func(&v, shstrndx, prog);
	if (!err)
		err = search_lines(&v, v.func_off + 8ull * insn, line, col);
out:
	if (v.elf)
		elf_end(v.elf);
	return err;
}

/* The instruction index at the start of a log line ("12: (85) call ..."), or -1. */
static int insn_line(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	return end != s && end[0] == ':' && end[1] == ' ' && end[2] == '(' ? (int)n : -1;
}

int linemap_failing_insn(const char *log)
{
	int insn = -1;
	for (const char *s = log; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		const char *at = strstr(s, "at insn ");
		const char *nl = strchr(s, '\n');
		if (at && (!nl || at < nl))
			insn = atoi(at + 8);
		else if (insn_line(s) >= 0)
			insn = insn_line(s);
	}
	return insn;
}

/* A register state dump ("R1=ctx() R10=fp0", "R0_w=..."), not a reason
 * ("R1 invalid mem access 'scalar'"). */
static bool is_state(const char *s)
{
	if (s[0] != 'R' || s[1] < '0' || s[1] > '9')
		return false;
	s += 1 + strspn(s + 1, "0123456789");
	return *s == '=' || *s == '_';
}

/* Lines of the log that are not the verifier's reason. */
static bool is_noise(const char *s, size_t len)
{
	static const char *const prefixes[] = {"cur state", "old state", "processed ", "from ",
					       "last_idx", "regs=", "mark_precise", "; ",
					       "verification time", "stack depth"};
	if (len == 0 || insn_line(s) >= 0 || is_state(s))
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

void linemap_reason(const char *log, char *buf, size_t size)
{
	const char *last = NULL, *s;
	buf[0] = '\0';
	for (s = log; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (insn_line(s) >= 0)
			last = s;
	for (s = last ? strchr(last, '\n') : log; s && *s; s = strchr(s, '\n')) {
		if (*s == '\n')
			s++;
		size_t len = strcspn(s, "\n");
		if (!is_noise(s, len)) {
			snprintf(buf, size, "%.*s", (int)len, s);
			return;
		}
		s += len;
	}
}

int linemap_helper(const char *log, int insn, char *buf, size_t size)
{
	for (const char *s = log; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		if (insn_line(s) != insn)
			continue;
		const char *call = strstr(s, ": (85) call ");
		const char *nl = strchr(s, '\n');
		if (!call || (nl && call > nl))
			continue;
		call += strlen(": (85) call ");
		size_t len = strcspn(call, "#\n ");
		if (!len || len >= size)
			continue;
		snprintf(buf, size, "%.*s", (int)len, call);
		return 0;
	}
	return -ENOENT;
}
