/* cgroup_path(cgroup_id[, "filter"]): the path of a cgroup, found at print time
 * as bpftrace does. The BPF side stores the id (8 bytes, type TY_CGROUP_PATH, the
 * filter in type.name); the runtime looks for a directory with that inode number
 * in every cgroup hierarchy mounted (cgroup2 is called "unified", wherever it is
 * mounted; a v1 hierarchy by its mount directory's name), keeps the hierarchies
 * whose name matches the filter (a wildcard), and prints
 * "hierarchy:/path/in/it" for each, joined with ",". */
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

static bool check_cgroup_path(struct sema *s, struct node *n)
{
	struct node *id = n->call.args;
	if (!sema_want_int(s, n, id, 0))
		return false;
	if (id->next && id->next->kind != N_STR) {
		diag_hint(s->d, diag_error(s->d, id->next->loc,
					   "cgroup_path() expects a string literal as its second argument"),
			  "usage: cgroup_path(cgroup_id[, \"hierarchy filter\"])");
		return false;
	}
	n->type = type_new(s->a, TY_CGROUP_PATH);
	n->type->name = id->next ? id->next->str.value : NULL;
	return true;
}

static LLVMValueRef emit_cgroup_path(struct cg *c, struct node *n)
{
	return cg_expr(c, n->call.args);
}

/* Depth-first search under dir (a path of `len` bytes in buf) for inode id;
 * true with buf holding the path when found. Does not cross mounts. */
static bool find_inode(char *buf, size_t len, size_t size, uint64_t id, dev_t dev)
{
	DIR *d = opendir(buf);
	struct dirent *e;
	bool found = false;
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		struct stat st;
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		int n = snprintf(buf + len, size - len, "/%s", e->d_name);
		if (n < 0 || (size_t)n >= size - len || lstat(buf, &st) || st.st_dev != dev)
			continue;
		found = st.st_ino == id || find_inode(buf, len + (size_t)n, size, id, dev);
	}
	closedir(d);
	if (!found)
		buf[len] = '\0';
	return found;
}

/* Print "hierarchy:/path" for mount m when it holds cgroup id; *sep between entries. */
static void print_in_mount(struct sb *out, const struct mntent *m, const char *filter,
			   uint64_t id, const char **sep)
{
	const char *slash = strrchr(m->mnt_dir, '/');
	const char *hier = !strcmp(m->mnt_type, "cgroup2") ? "unified" : slash ? slash + 1 : m->mnt_dir;
	char path[PATH_MAX];
	struct stat st;
	size_t len = strlen(m->mnt_dir);
	if ((filter && fnmatch(filter, hier, 0)) || len >= sizeof(path) || stat(m->mnt_dir, &st))
		return;
	memcpy(path, m->mnt_dir, len + 1);
	if (st.st_ino != id && !find_inode(path, len, sizeof(path), id, st.st_dev))
		return;
	sb_printf(out, "%s%s:%s", *sep, hier, path[len] ? path + len : "/");
	*sep = ",";
}

static void print_cgroup_path(struct sb *out, const struct type *t, const void *data, bool json,
			      uint32_t div)
{
	uint64_t id;
	const char *sep = "";
	(void)json, (void)div;
	memcpy(&id, data, sizeof(id));
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	while (f && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2") || !strcmp(m->mnt_type, "cgroup"))
			print_in_mount(out, m, t->name, id, &sep);
	if (f)
		endmntent(f);
}

const struct builtin builtins_cgroup[] = {
	{.name = "cgroup_path", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "cgroup_path(cgroup_id[, \"hierarchy filter\"])", .check = check_cgroup_path,
	 .emit = emit_cgroup_path, .owns = TY_CGROUP_PATH, .print = print_cgroup_path},
	{0},
};
