/* tracefs: find (or mount) it, list its events with globs, and parse the format
 * files that describe tracepoint records. Used by sema for `args` and wildcard
 * expansion and by the runtime; looked up lazily so programs without
 * tracepoints never touch it. */
#include "kernel/tracefs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel/caps.h"
#include "util/log.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/vec.h"

#define TRACEFS_MAGIC_NUM 0x74726163
#define FORMAT_MAX (64 * 1024)

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static const char *tracefs_cached;

void tracefs_set_path(const char *path)
{
	tracefs_cached = path;
}

/* Whether dir is a tracefs mount with an events dir this process may read:
 * 0, -ENODEV (no tracefs there) or -EACCES (root's alone, as it is by default).
 * AT_EACCESS: access(2) would check the real uid and drop the capabilities of
 * a user granted CAP_DAC_READ_SEARCH. */
static int tracefs_usable(const char *dir)
{
	char events[PATH_MAX];
	struct statfs sfs;

	if (statfs(dir, &sfs) || sfs.f_type != TRACEFS_MAGIC_NUM)
		return -ENODEV;
	snprintf(events, sizeof(events), "%s/events", dir);
	if (faccessat(AT_FDCWD, events, R_OK | X_OK, AT_EACCESS) == 0)
		return 0;
	return errno == EACCES || errno == EPERM ? -EACCES : -ENODEV;
}

const char *tracefs_path(void)
{
	int err = -ENODEV;

	if (tracefs_cached)
		return tracefs_cached;
	for (size_t i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		int e = tracefs_usable(tracefs_dirs[i]);
		if (!e)
			return tracefs_cached = tracefs_dirs[i];
		if (e == -EACCES)
			err = e;
	}
	if (err == -EACCES || !caps_have(CAP_SYS_ADMIN)) {
		errno = -err;
		return NULL;
	}
	if (mount("tracefs", tracefs_dirs[0], "tracefs", 0, NULL))
		return NULL;
	rt_log(1, "tracefs: mounted tracefs at %s\n", tracefs_dirs[0]);
	return tracefs_cached = tracefs_dirs[0];
}

const char *tracefs_hint(int err)
{
	static char hint[PATH_MAX + 300];

	if (err == -EACCES || err == -EPERM) {
		snprintf(hint, sizeof(hint), "tracefs, which names each tracepoint's id and "
			 "format, is readable by root alone; reading it needs "
			 "CAP_DAC_READ_SEARCH: %s",
			 caps_grant_hint("cap_bpf,cap_perfmon,cap_dac_read_search"));
		return hint;
	}
	return "mount tracefs with: mount -t tracefs tracefs /sys/kernel/tracing";
}

/* Read a whole small file into a malloc'ed NUL-terminated buffer. */
static char *read_small_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (!f)
		return NULL;
	buf = xrealloc(NULL, FORMAT_MAX + 1);
	if (buf) {
		n = fread(buf, 1, FORMAT_MAX, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/* Copy decl[0..n) with `__user` words removed and spaces collapsed. */
static char *clean_type(struct arena *a, const char *s, size_t n, bool *is_user)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	size_t i = 0, w;

	if (!out)
		return NULL;
	while (i < n) {
		if (isspace((unsigned char)s[i])) {
			i++;
			continue;
		}
		w = 0;
		while (i + w < n && !isspace((unsigned char)s[i + w]))
			w++;
		if (w == 6 && !strncmp(s + i, "__user", 6)) {
			*is_user = true;
		} else {
			if (o != out)
				*o++ = ' ';
			memcpy(o, s + i, w);
			o += w;
		}
		i += w;
	}
	*o = '\0';
	return out;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Split a declaration ("char prev_comm[16]", "__data_loc char[] name") into
 * the field's name, type text and array length. */
static int parse_decl(struct arena *a, const char *decl, size_t len, struct tracefs_field *f)
{
	size_t end = len, name_end, name_start;
	const char *br;

	while (end && isspace((unsigned char)decl[end - 1]))
		end--;
	if (end && decl[end - 1] == ']') {	/* name[N] */
		br = memrchr(decl, '[', end);
		if (!br)
			return -EINVAL;
		f->array_len = strtoul(br + 1, NULL, 10);
		end = br - decl;
	}
	name_end = end;
	name_start = name_end;
	while (name_start && is_ident_char(decl[name_start - 1]))
		name_start--;
	if (name_start == name_end)
		return -EINVAL;
	f->name = arena_strndup(a, decl + name_start, name_end - name_start);
	if (len >= 11 && !strncmp(decl, "__data_loc ", 11)) {
		f->is_data_loc = true;
		decl += 11;
		name_start -= 11;
	} else if (len >= 10 && !strncmp(decl, "__rel_loc ", 10)) {
		f->is_data_loc = true;
		decl += 10;
		name_start -= 10;
	}
	f->type = clean_type(a, decl, name_start, &f->is_user);
	if (!f->name || !f->type)
		return -ENOMEM;
	if (!f->type[0])	/* "field:int;": a type without a name */
		return -EINVAL;
	if (f->is_data_loc) {	/* "char[]" → "char" */
		char *t = (char *)f->type, *b = strchr(t, '[');
		if (b)
			*b = '\0';
		while (b && b > t && b[-1] == ' ')
			*--b = '\0';
	}
	f->is_pointer = f->type[0] && f->type[strlen(f->type) - 1] == '*';
	f->is_common = !strncmp(f->name, "common_", 7);
	return 0;
}

/* Parse the number after `key:` in a field line, e.g. "offset:24;". */
static int field_num(const char *line, const char *key, long *out)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p)
		return -EINVAL;
	*out = strtol(p + strlen(key), &end, 10);
	return end == p + strlen(key) ? -EINVAL : 0;
}

/* Parse one "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line. */
static int parse_field_line(struct arena *a, const char *line, struct tracefs_field *f)
{
	const char *decl = strstr(line, "field:"), *semi;
	long off, size, sign;
	int err;

	if (!decl)
		return -EINVAL;
	decl += 6;
	semi = strchr(decl, ';');
	if (!semi)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	err = parse_decl(a, decl, semi - decl, f);
	err = err ?: field_num(semi, "offset:", &off);
	err = err ?: field_num(semi, "size:", &size);
	if (err)
		return err;
	if (field_num(semi, "signed:", &sign))
		sign = 0;
	f->offset = off;
	f->size = size;
	f->is_signed = sign != 0;
	return 0;
}

int tracefs_parse_format(struct arena *a, const char *cat, const char *text,
			 struct tracefs_field **fields, int *nfields)
{
	struct tracefs_field *out;
	const char *line, *nl;
	char buf[512];
	int n = 0, cap = 0, err;

	for (line = text; *line; line = nl + 1) {	/* count field lines */
		nl = strchrnul(line, '\n');
		cap += strncmp(line + strspn(line, " \t"), "field:", 6) == 0;
		if (!*nl)
			break;
	}
	out = arena_alloc(a, (cap ? cap : 1) * sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (line = text; *line && n < cap; line = nl + 1) {
		nl = strchrnul(line, '\n');
		line += strspn(line, " \t");
		if (!strncmp(line, "field:", 6)) {
			if ((size_t)(nl - line) >= sizeof(buf))
				return -EINVAL;
			memcpy(buf, line, nl - line);
			buf[nl - line] = '\0';
			err = parse_field_line(a, buf, &out[n]);
			if (err)
				return err;
			/* Pointer arguments of a syscall entry are user addresses. */
			if (cat && !strcmp(cat, "syscalls") && out[n].is_pointer &&
			    !out[n].is_common)
				out[n].is_user = true;
			n++;
		}
		if (!*nl)
			break;
	}
	if (!n)
		return -EINVAL;
	*fields = out;
	*nfields = n;
	return 0;
}

int tracefs_format(struct arena *a, const char *cat, const char *name,
		   struct tracefs_field **fields, int *nfields)
{
	const char *root = tracefs_path();
	char path[PATH_MAX];
	char *text;
	int err;

	if (!root)
		return -errno;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, cat, name);
	text = read_small_file(path);
	if (!text)
		return -errno;
	err = tracefs_parse_format(a, cat, text, fields, nfields);
	xfree(text);
	return err;
}

char *tracefs_format_text(const char *cat, const char *name)
{
	const char *root = tracefs_path();
	char path[PATH_MAX];

	if (!root)
		return NULL;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, cat, name);
	return read_small_file(path);
}

bool tracefs_exists(const char *cat, const char *name)
{
	const char *root = tracefs_path();
	char path[PATH_MAX];

	if (!root)
		return false;
	snprintf(path, sizeof(path), "%s/events/%s/%s", root, cat, name);
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;	/* as tracefs_usable */
}

/* Whether `word` ("grp/ev" or "ev") stands in text as an event's name: after
 * a ':' or a '/', and followed by a space or the end of the line. */
static bool has_event_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *at = strstr(text, word); at; at = strstr(at + 1, word)) {
		char before = at == text ? '\n' : at[-1], after = at[n];
		if ((before == ':' || before == '/') && (after == ' ' || after == '\n' || !after))
			return true;
	}
	return false;
}

bool tracefs_is_dynamic(const char *cat, const char *name)
{
	static char *dyn;
	static bool loaded;
	char word[512];

	if (!strncmp(cat, "user_events", 11))
		return true;
	if (!loaded) {
		const char *root = tracefs_path();
		char path[PATH_MAX];
		loaded = true;
		if (root) {
			snprintf(path, sizeof(path), "%s/dynamic_events", root);
			dyn = read_small_file(path);
		}
	}
	if (!dyn)
		return false;
	snprintf(word, sizeof(word), "%s/%s", cat, name);
	return has_event_word(dyn, word);
}

static bool is_dir_entry(const char *dir, const struct dirent *d)
{
	char path[PATH_MAX];
	struct stat st;

	if (d->d_name[0] == '.')
		return false;
	if (d->d_type != DT_UNKNOWN)
		return d->d_type == DT_DIR;
	snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Sorted names of the sub-directories of dir matching glob; 0 or -errno. */
static int list_dirs(const char *dir, const char *glob, struct vec *names)
{
	struct dirent **ents;
	int n, i, err = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		if (!err && is_dir_entry(dir, ents[i]) &&
		    fnmatch(glob, ents[i]->d_name, 0) == 0) {
			char *s = xstrdup(ents[i]->d_name);
			err = s ? vec_push(names, s) : -ENOMEM;
			if (err)
				xfree(s);
		}
		free(ents[i]);
	}
	free(ents);
	return err;
}

static void free_names(struct vec *names)
{
	size_t i;

	for (i = 0; i < names->len; i++)
		xfree(names->items[i]);
	vec_fini(names);
}

/* Walk the events of one category, calling cb for each name matching glob. */
static int expand_cat(const char *events, const char *cat, const char *name_glob,
		      tracefs_expand_cb cb, void *ctx, int *count)
{
	struct vec names = {0};
	char dir[PATH_MAX];
	size_t i;
	int err;

	if (snprintf(dir, sizeof(dir), "%s/%s", events, cat) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	err = list_dirs(dir, name_glob, &names);
	for (i = 0; !err && i < names.len; i++) {
		err = cb(cat, names.items[i], ctx);
		(*count)++;
	}
	free_names(&names);
	return err;
}

int tracefs_expand(const char *cat_glob, const char *name_glob,
		   tracefs_expand_cb cb, void *ctx)
{
	const char *root = tracefs_path();
	struct vec cats = {0};
	char events[PATH_MAX];
	int err, count = 0;
	size_t i;

	if (!root)
		return -errno;
	snprintf(events, sizeof(events), "%s/events", root);
	err = list_dirs(events, cat_glob, &cats);
	for (i = 0; !err && i < cats.len; i++)
		err = expand_cat(events, cats.items[i], name_glob, cb, ctx, &count);
	free_names(&cats);
	return err ?: count;
}
