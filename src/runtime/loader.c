/* Loading the compiled object: libbpf opens the ELF image from memory, creates
 * the maps it declares and loads every program. Programs load with verifier log
 * level 0; on a rejection libbpf retries the failing program at level 1 into
 * our buffer, so the log costs nothing unless something fails. libbpf's own
 * messages go to rt_log (shown under -v); we watch them for the name of the
 * program that failed, since libbpf closes every fd before returning. */
#include "runtime/loader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "lang/abi.h"
#include "lang/diag.h"
#include "probes/family.h"
#include "runtime/linemap.h"
#include "runtime/msg.h"
#include "util/log.h"
#include "util/alloc.h"
#include "util/sb.h"

#define LOG_BUF_SIZE (1u << 20)
#define LOG_TAIL_LINES 40

static char failed_prog[128];	/* program named by libbpf's load failure message */

/* Remember the program a "prog 'x': BPF program load failed" message names. */
static void note_failed_prog(const char *fmt, va_list ap)
{
	static const char prefix[] = "libbpf: prog '%s': BPF program load failed";
	va_list aq;

	if (strncmp(fmt, prefix, sizeof(prefix) - 1))
		return;
	va_copy(aq, ap);
	snprintf(failed_prog, sizeof(failed_prog), "%s", va_arg(aq, const char *));
	va_end(aq);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	note_failed_prog(fmt, ap);
	if (rt_verbose < (level == LIBBPF_DEBUG ? 2 : 1))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void rt_loader_log_init(void)
{
	libbpf_set_print(libbpf_print);
}

/* The probe a program runs for, for messages; NULL when none. */
static const struct probe_def *probe_of_prog(const struct program *p, const char *prog)
{
	size_t i;

	for (i = 0; i < p->probes.len; i++) {
		const struct probe_def *pd = p->probes.items[i];
		size_t len = pd->prog_name ? strlen(pd->prog_name) : 0;
		/* its program, or one of its chain (prog_name_K) */
		if (len && !strncmp(pd->prog_name, prog, len) &&
		    (!prog[len] || (prog[len] == '_' && pd->nchunks > 1)))
			return pd;
	}
	return NULL;
}

/* The verifier log to show, into sb: all of it under -v, else its last lines,
 * where the reason for a rejection is, after a line saying how many were left
 * out. */
static void verifier_log_tail(const char *log, struct sb *sb)
{
	const char *start = log + strlen(log);
	int lines = 0;

	if (start > log && start[-1] == '\n')
		start--;
	while (start > log && (rt_verbose || lines < LOG_TAIL_LINES))
		lines += *--start == '\n';
	if (start > log) {	/* start is at the newline before the tail */
		int skipped = 1;
		const char *s;

		for (s = log; s < start; s++)
			skipped += *s == '\n';
		sb_printf(sb, "(%d earlier lines of the verifier log omitted; -v shows them)\n",
			  skipped);
		start++;
	}
	sb_puts(sb, start);
}

/* The statement (or predicate) of `list` that starts at line:col, searched
 * through nested blocks; NULL when none does. */
static const struct node *stmt_at(const struct node *list, int line, int col)
{
	for (const struct node *n = list; n; n = n->next) {
		const struct node *found = NULL;
		if (n->loc.line == line && n->loc.col == col)
			return n;
		if (n->kind == N_IF || n->kind == N_WHILE)
			found = stmt_at(n->cond.cond, line, col) ?: stmt_at(n->cond.then, line, col) ?:
				(n->kind == N_IF ? stmt_at(n->cond.els, line, col) : NULL);
		else if (n->kind == N_UNROLL)
			found = stmt_at(n->unroll.body, line, col);
		else if (n->kind == N_FOR)
			found = stmt_at(n->forl.body, line, col);
		if (found)
			return found;
	}
	return NULL;
}

struct call_at {
	int line, col;
	const struct node *found;
};

/* ast_each_child callback: the builtin call that starts at line:col. */
static void find_call(struct node **slot, void *ctx)
{
	struct call_at *at = ctx;
	struct node *n = *slot;

	if (!n || at->found)
		return;
	if (n->kind == N_CALL && n->loc.line == at->line && n->loc.col == at->col) {
		at->found = n;
		return;
	}
	ast_each_child(n, find_call, ctx);
}

/* The verifier's reason when the program type or attach point may not call a
 * helper it knows (bpf_d_path outside the functions the kernel allows it in). */
#define HELPER_REFUSED "helper call is not allowed in probe"

/* A helper the kernel refuses in this probe: an error at the builtin call
 * that uses it (builtins that use such helpers give the call instruction the
 * call's own column), naming the helper as bpftrace does. NULL when the
 * rejection is another one or no call starts there. */
static struct diag *helper_refused(struct diags *d, const struct probe_def *pd, const char *log,
				   const char *reason, int line, int col)
{
	struct call_at at = {line, col, NULL};
	char helper[64];

	if (strncmp(reason, HELPER_REFUSED, strlen(HELPER_REFUSED)) || !pd || !pd->probe ||
	    linemap_helper(log, linemap_failing_insn(log), helper, sizeof(helper)))
		return NULL;
	ast_each_child((struct node *)pd->probe, find_call, &at);
	if (!at.found)
		return NULL;
	struct diag *dg = diag_error(d, at.found->loc, "helper %s not allowed in probe", helper);
	diag_hint(d, dg, "the kernel allows %s() only in some probes; the verifier's full "
		  "log is shown with -v", at.found->call.name);
	return dg;
}

/* Place a verifier rejection in the script: the statement the failing
 * instruction came from (BTF line info), with the verifier's reason. false
 * when the object's line info does not cover that instruction. */
static bool report_located(const struct program *p, const struct probe_def *pd,
			   const void *obj, size_t size, const char *log)
{
	int insn = linemap_failing_insn(log), line, col;
	char reason[256];
	struct arena a;
	struct diags d;

	if (insn < 0 || linemap_lookup(obj, size, failed_prog, (unsigned)insn, &line, &col))
		return false;
	linemap_reason(log, reason, sizeof(reason));
	const struct node *probe = pd ? pd->probe : NULL;
	const struct node *n = probe ? (stmt_at(probe->probe.pred, line, col) ?:
					stmt_at(probe->probe.body, line, col)) : NULL;
	struct loc loc = n ? n->loc : (struct loc){p->file, line, col, line, col + 1};
	arena_init(&a);
	diag_init(&d, &a, p->src);
	if (!helper_refused(&d, pd, log, reason, line, col)) {
		struct diag *dg = diag_error(&d, loc, "the kernel's BPF verifier rejected probe '%s' "
					     "here: %s", pd ? pd->name : failed_prog,
					     reason[0] ? reason : "no reason given");
		diag_hint(&d, dg, "the verifier's full log is shown with -v");
	}
	struct sb full;
	sb_init(&full);
	if (rt_verbose)
		verifier_log_tail(log, &full);
	msg_diags(&d, rt_verbose ? sb_str(&full) : NULL);
	sb_fini(&full);
	arena_fini(&a);
	return true;
}

/* Report a failed bpf_object__load: where in the script and why when the line
 * info tells, else which program and probe and the log. */
static void report_load_failure(const struct program *p, int err, const char *log,
				const void *obj, size_t size)
{
	const struct probe_def *pd = failed_prog[0] ? probe_of_prog(p, failed_prog) : NULL;
	struct sb tail;

	if (failed_prog[0] && log && log[0] && report_located(p, pd, obj, size, log))
		return;
	sb_init(&tail);
	if (log && log[0])
		verifier_log_tail(log, &tail);
	const char *detail = tail.len ? sb_str(&tail) : NULL;
	if (!failed_prog[0])
		msg_report(MSG_ERROR, NULL, detail, "failed to load BPF object: %s", strerror(-err));
	else if (pd)
		msg_report(MSG_ERROR, NULL, detail, "failed to load program '%s' (probe %s): %s",
			   failed_prog, pd->name, strerror(-err));
	else
		msg_report(MSG_ERROR, NULL, detail, "failed to load program '%s': %s",
			   failed_prog, strerror(-err));
	sb_fini(&tail);
}

/* The program of a group that attaches with one link (probe_def.multi) is
 * loaded for that kind of link (uprobe_multi). */
static void set_group_attach_types(const struct program *p, struct bpf_object *o)
{
	for (size_t i = 0; i < p->probes.len; i++) {
		const struct probe_def *pd = p->probes.items[i];
		struct bpf_program *prog;
		if (!pd->multi || pd->owner != pd->index || !pd->prog_name ||
		    !pd->family->group_attach_type)
			continue;
		prog = bpf_object__find_program_by_name(o, pd->prog_name);
		if (prog)
			bpf_program__set_expected_attach_type(prog,
				(enum bpf_attach_type)pd->family->group_attach_type());
	}
}

/* Link the programs of each probe codegen split into a chain (lang/abi.h):
 * chunk k's fd at key k of the probe's program array. 0 or -errno. */
static int fill_chains(const struct program *p, struct bpf_object *o)
{
	char name[64];
	for (size_t i = 0; i < p->probes.len; i++) {
		const struct probe_def *pd = p->probes.items[i];
		if (pd->nchunks < 2 || pd->owner != pd->index)
			continue;
		snprintf(name, sizeof(name), ABI_CHAIN_FMT, pd->index);
		struct bpf_map *chain = bpf_object__find_map_by_name(o, name);
		for (int k = 1; k < pd->nchunks; k++) {
			snprintf(name, sizeof(name), ABI_CHUNK_FMT, pd->prog_name, k);
			struct bpf_program *prog = bpf_object__find_program_by_name(o, name);
			uint32_t key = (uint32_t)k;
			int fd = prog ? bpf_program__fd(prog) : -1;
			if (!chain || fd < 0 ||
			    bpf_map__update_elem(chain, &key, sizeof(key), &fd, sizeof(fd), 0)) {
				msg_error("probe '%s': cannot chain its program '%s'", pd->name, name);
				return -ENOENT;
			}
		}
	}
	return 0;
}

int rt_load(const struct program *p, const void *obj, size_t obj_size,
	    struct bpf_object **objp)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bpfline");
	struct bpf_object *o = NULL;
	char *log = xcalloc(1, LOG_BUF_SIZE);
	int err;

	if (!log)
		return -ENOMEM;
	opts.kernel_log_buf = log;
	opts.kernel_log_size = LOG_BUF_SIZE;
	opts.kernel_log_level = 0;	/* libbpf raises it on a failure */
	o = bpf_object__open_mem(obj, obj_size, &opts);
	if (!o) {
		err = -errno;
		msg_error("failed to open BPF object: %s", strerror(-err));
		goto out;
	}
	failed_prog[0] = '\0';
	set_group_attach_types(p, o);
	double t0 = log_now_ms();
	err = bpf_object__load(o);
	rt_log(1, "loaded the BPF object in %.1f ms (maps created, programs verified)\n",
	       log_now_ms() - t0);
	if (err) {
		report_load_failure(p, err, log, obj, obj_size);
		bpf_object__close(o);
		goto out;
	}
	err = fill_chains(p, o);
	if (err) {
		bpf_object__close(o);
		goto out;
	}
	*objp = o;
out:
	xfree(log);
	return err;
}
