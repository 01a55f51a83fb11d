/* tracepoint:<category>:<name>: a perf event on the tracepoint, through libbpf,
 * with the probe's index as BPF cookie (read by `probe` when the program is
 * shared by several tracepoints of a wildcard). -l/-lv walk tracefs. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "probes/attach.h"
#include "kernel/tracefs.h"
#include "util/arena.h"

static int tracepoint_attach(const struct probe_def *pd, struct bpf_program *prog,
			     struct bpf_link **link, const char **hint)
{
	LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = attach_cookie(pd));
	int err;

	/* libbpf reads the event id from tracefs: make sure there is one. */
	if (!tracefs_path()) {
		err = -errno;
		*hint = TRACEFS_MOUNT_HINT;
		return err;
	}
	*link = bpf_program__attach_tracepoint_opts(prog, pd->target, pd->func,
						    pd->shared ? &opts : NULL);
	if (*link)
		return 0;
	err = -errno;
	if (err == -ENOENT && !tracefs_exists(pd->target, pd->func))
		*hint = "no such tracepoint; the list is in <tracefs>/available_events";
	return err;
}

struct tp_list {
	bool verbose;
	FILE *out;
	struct arena a;
};

/* One field line of -lv, as bpftrace prints it: "    const char * filename". */
static void print_field(FILE *out, const struct tracefs_field *f)
{
	const char *t = f->type;
	size_t n = strlen(t);
	bool ptr = n && t[n - 1] == '*';

	if (ptr && n >= 2 && t[n - 2] != ' ' && t[n - 2] != '*')	/* "char*" → "char *" */
		fprintf(out, "    %.*s %s %s", (int)(n - 1), t, "*", f->name);
	else
		fprintf(out, "    %s %s", t, f->name);
	if (f->array_len)
		fprintf(out, "[%u]", f->array_len);
	fputc('\n', out);
}

static int list_one(const char *cat, const char *name, void *arg)
{
	struct tp_list *l = arg;
	struct tracefs_field *f;
	int n;

	fprintf(l->out, "tracepoint:%s:%s\n", cat, name);
	if (!l->verbose || tracefs_format(&l->a, cat, name, &f, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (!f[i].is_common)
			print_field(l->out, &f[i]);
	return 0;
}

/* pattern: "cat:name" globs; a missing part matches everything. */
static int tracepoint_list(const char *pattern, bool verbose, FILE *out)
{
	struct tp_list l = { verbose, out, {0} };
	char cat[256] = "*";
	const char *name = "*", *colon = strchr(pattern, ':');
	int r;

	if (*pattern && colon) {
		snprintf(cat, sizeof(cat), "%.*s", (int)(colon - pattern), pattern);
		name = colon[1] ? colon + 1 : "*";
	} else if (*pattern) {
		snprintf(cat, sizeof(cat), "%s", pattern);
	}
	if (!tracefs_path())
		return -errno;
	arena_init(&l.a);
	r = tracefs_expand(cat, name, list_one, &l);
	arena_fini(&l.a);
	return r;
}

const struct attach_ops attach_tracepoint_ops = {
	.kind = PK_TRACEPOINT,
	.attach = tracepoint_attach,
	.list = tracepoint_list,
};
