/* Integer constants of included headers (see cinclude.h): a line scanner over
 * the preprocessor's `#define` and `#include` lines of system headers. */
#include "parser/cinclude.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/arena.h"

#define CINCLUDE_DEPTH 12	/* nested includes followed */
#define CINCLUDE_FILES 256	/* files read per program at most */

/* Where `<name>` is looked for, in order (the compiler's default for C). */
static const char *const system_dirs[] = {
	"/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include",
};

struct cinc {
	struct program *p;
	const char *seen[CINCLUDE_FILES];	/* paths read, so each is read once */
	int nseen;
};

static bool already_read(struct cinc *ci, const char *path)
{
	for (int i = 0; i < ci->nseen; i++)
		if (!strcmp(ci->seen[i], path))
			return true;
	return false;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *grown = xrealloc(buf, cap = len + 8192);
			if (!grown)
				break;
			buf = grown;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

/* The value of `#define`'s body at s: an integer literal (in parentheses, with a
 * sign and U/L suffixes) or the name of a known constant. */
static bool define_value(struct program *p, const char *s, int64_t *v)
{
	int parens = 0;
	while (*s == ' ' || *s == '\t' || *s == '(')
		parens += *s++ == '(';
	if (isalpha((unsigned char)*s) || *s == '_') {
		char name[128];
		size_t n = 0;
		while ((isalnum((unsigned char)*s) || *s == '_') && n < sizeof(name) - 1)
			name[n++] = *s++;
		name[n] = '\0';
		const struct cconst_def *d = program_cconst_def(p, name);
		if (!d)
			return false;
		*v = d->value;
	} else {
		char *end;
		bool neg = *s == '-';
		unsigned long long u = strtoull(s + neg, &end, 0);
		if (end == s + neg || !isdigit((unsigned char)s[neg]))
			return false;
		*v = neg ? -(int64_t)u : (int64_t)u;
		s = end;
		while (*s && strchr("uUlL", *s))
			s++;
	}
	while (*s == ' ' || *s == '\t' || *s == ')')
		parens -= *s++ == ')';
	return parens == 0 && (!*s || *s == '\n' || (s[0] == '/' && (s[1] == '*' || s[1] == '/')));
}

static void add_const(struct program *p, const char *name, size_t len, int64_t v)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
	if (program_cconst_def(p, buf))
		return;	/* the first definition wins */
	struct cconst_def *d = arena_alloc(&p->arena, sizeof(*d));
	if (!d || vec_push(&p->cconsts, d))
		return;
	d->name = arena_strdup(&p->arena, buf);
	d->value = v;
}

static void scan_file(struct cinc *ci, const char *path, int depth);

static bool readable(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f)
		fclose(f);
	return f != NULL;
}

/* `#include <name>` / `"name"` from a file in directory dir (NULL: the script's);
 * a quoted name is looked for there first, then as a system header. */
static void include(struct cinc *ci, const char *name, bool quoted, const char *dir, int depth)
{
	char path[PATH_MAX];
	if (depth > CINCLUDE_DEPTH || name[0] == '\0')
		return;
	if (name[0] == '/') {
		scan_file(ci, name, depth);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
	if (quoted && readable(path)) {
		scan_file(ci, path, depth);
		return;
	}
	for (size_t i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", system_dirs[i], name);
		if (readable(path)) {
			scan_file(ci, path, depth);
			return;
		}
	}
}

/* One preprocessor line at s (after '#' and blanks) of the file in dir. */
static void directive(struct cinc *ci, const char *s, const char *dir, int depth)
{
	if (!strncmp(s, "include", 7)) {
		s += 7;
		while (*s == ' ' || *s == '\t')
			s++;
		char close = *s == '<' ? '>' : *s == '"' ? '"' : 0;
		const char *end = close ? strchr(s + 1, close) : NULL;
		char name[PATH_MAX];
		if (!end || (size_t)(end - s) >= sizeof(name))
			return;
		snprintf(name, sizeof(name), "%.*s", (int)(end - s - 1), s + 1);
		include(ci, name, close == '"', dir, depth + 1);
		return;
	}
	if (strncmp(s, "define", 6) || (s[6] != ' ' && s[6] != '\t'))
		return;
	s += 6;
	while (*s == ' ' || *s == '\t')
		s++;
	const char *name = s;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	int64_t v;
	if (s > name && *s != '(' && define_value(ci->p, s, &v))	/* not function-like */
		add_const(ci->p, name, (size_t)(s - name), v);
}

static void scan_file(struct cinc *ci, const char *path, int depth)
{
	if (already_read(ci, path) || ci->nseen >= CINCLUDE_FILES)
		return;
	ci->seen[ci->nseen++] = arena_strdup(&ci->p->arena, path);
	char *text = read_text(path);
	if (!text)
		return;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	for (char *line = text; line; ) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '#') {
			line++;
			while (*line == ' ' || *line == '\t')
				line++;
			directive(ci, line, slash ? dir : ".", depth);
		}
		line = nl ? nl + 1 : NULL;
	}
	xfree(text);
}

void cinclude_header(struct program *p, const char *name, bool quoted)
{
	struct cinc ci = {.p = p};
	include(&ci, name, quoted, NULL, 0);
}
