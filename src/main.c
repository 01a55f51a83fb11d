/* bpfline: the command line. Reads options (a table, the same one that prints
 * the usage), reads the program, and runs the pipeline:
 *   parse → sema → codegen → rt_run
 * The environment is read here, once, into a struct config (lang/config.h).
 * Diagnostics of the front end are printed once it has finished; any error in
 * the program exits with status 1. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <regex.h>
#include <string.h>
#include <unistd.h>

#include "codegen/codegen.h"
#include "parser/cdecl.h"
#include "parser/cinclude.h"
#include "parser/parse.h"
#include "probes/probes.h"
#include "kernel/udwarf.h"
#include "kernel/kbtf.h"
#include "kernel/kfunc.h"
#include "kernel/caps.h"
#include "kernel/tracefs.h"
#include "lang/config.h"
#include "lang/program.h"
#include "sema/sema.h"
#include "probes/attach.h"
#include "runtime/loader.h"
#include "runtime/info.h"
#include "runtime/msg.h"
#include "util/log.h"
#include "kernel/uelf.h"
#include "runtime/proc.h"
#include "runtime/runtime.h"
#include "util/alloc.h"
#include "util/sb.h"

/* What the command line asked for. */
struct cmdline {
	const char *expr;	/* -e program text */
	const char *file;	/* program file, "-" for stdin */
	char **params;		/* positional parameters $1..$n */
	int nparams;
	int verbose;		/* -v */
	bool quiet;		/* -q */
	enum out_format format;	/* -f */
	const char *out_path;	/* -o */
	int bufmode;		/* -B: _IOFBF/_IOLBF/_IONBF, -1 unset */
	bool unsafe;		/* --unsafe */
	bool usdt_file_activation;	/* --usdt-file-activation */
	int helper_checks;	/* -k, -kk */
	bool dump_ast, dump_sema, dump_ir, dump_obj;	/* -d: dry run with dumps */
	bool list;		/* -l [search] */
	int pid;		/* -p PID */
	const char *cmd;	/* -c 'CMD' */
	bool help, version;
	bool info;		/* --info */
	bool dry_run;		/* --dry-run: load and attach, then stop */
	bool no_warnings;	/* --no-warnings */
	const char *probe_filter;	/* --probe-filter REGEX */
	bool bench;		/* --mode bench */
	const char *includes[32];	/* --include FILE: headers read for their constants */
	int nincludes;
};

typedef int (*opt_fn)(struct cmdline *cl, const char *arg);

/* One command-line option: adding a flag adds a row here and its setter. */
struct opt {
	const char *lng;	/* long name or NULL */
	int shrt;		/* short letter, or a value > 255 when long only */
	bool has_arg;
	const char *usage;	/* "-e 'program'"; NULL: not listed */
	const char *help;
	opt_fn set;
};

static int set_expr(struct cmdline *cl, const char *a) { cl->expr = a; return 0; }
static int set_help(struct cmdline *cl, const char *a) { (void)a; cl->help = true; return 0; }
static int set_version(struct cmdline *cl, const char *a) { (void)a; cl->version = true; return 0; }
static int set_verbose(struct cmdline *cl, const char *a) { (void)a; cl->verbose++; return 0; }
static int set_quiet(struct cmdline *cl, const char *a) { (void)a; cl->quiet = true; return 0; }
static int set_out(struct cmdline *cl, const char *a) { cl->out_path = a; return 0; }
static int set_unsafe(struct cmdline *cl, const char *a) { (void)a; cl->unsafe = true; return 0; }
/* --probe-filter REGEX: checked here, before anything is compiled. */
static int set_probe_filter(struct cmdline *cl, const char *a)
{
	regex_t re;
	int rc = regcomp(&re, a, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		char why[128];
		regerror(rc, &re, why, sizeof(why));
		return msg_error("Invalid --probe-filter regex '%s': %s", a, why), -EINVAL;
	}
	regfree(&re);
	cl->probe_filter = a;
	return 0;
}

/* --mode run|bench: trace (the default), or run the bench probes and time them. */
static int set_mode(struct cmdline *cl, const char *a)
{
	if (strcmp(a, "run") && strcmp(a, "bench"))
		return msg_report(MSG_ERROR, NULL, "Valid modes: 'run', 'bench'",
				  "Invalid mode \"%s\"", a), -EINVAL;
	cl->bench = !strcmp(a, "bench");
	return 0;
}

/* --include FILE: as `#include <FILE>` before the program (bpftrace's option). */
static int set_include(struct cmdline *cl, const char *a)
{
	if (cl->nincludes == (int)(sizeof(cl->includes) / sizeof(cl->includes[0])))
		return msg_error("too many --include options"), -EINVAL;
	cl->includes[cl->nincludes++] = a;
	return 0;
}
static int set_usdt_file(struct cmdline *cl, const char *a)
{
	(void)a;
	cl->usdt_file_activation = true;
	return 0;
}
static int set_info(struct cmdline *cl, const char *a) { (void)a; cl->info = true; return 0; }
static int set_dry_run(struct cmdline *cl, const char *a) { (void)a; cl->dry_run = true; return 0; }
static int set_no_warn(struct cmdline *cl, const char *a) { (void)a; cl->no_warnings = true; return 0; }
/* --verify-llvm-ir: the LLVM verifier checks every module before it is
 * optimised (codegen/object.c) whether or not this is given. */
static int set_verify(struct cmdline *cl, const char *a) { (void)cl; (void)a; return 0; }
static int set_k(struct cmdline *cl, const char *a) { (void)a; cl->helper_checks++; return 0; }

static int set_format(struct cmdline *cl, const char *a)
{
	if (!strcmp(a, "text"))
		cl->format = OUT_TEXT;
	else if (!strcmp(a, "json"))
		cl->format = OUT_JSON;
	else
		return msg_report(MSG_ERROR, NULL, "Valid formats: 'text', 'json'",
				  "Invalid output format \"%s\"", a), -EINVAL;
	return 0;
}

static int set_buffering(struct cmdline *cl, const char *a)
{
	if (!strcmp(a, "line"))
		cl->bufmode = _IOLBF;
	else if (!strcmp(a, "full"))
		cl->bufmode = _IOFBF;
	else if (!strcmp(a, "none"))
		cl->bufmode = _IONBF;
	else
		return msg_report(MSG_ERROR, NULL, "Valid modes: 'line', 'full', 'none'",
				  "Invalid buffering mode \"%s\"", a), -EINVAL;
	return 0;
}

/* -d STAGE[,STAGE...]: ast, sema, ir, obj or all. */
static int set_dump(struct cmdline *cl, const char *a)
{
	const char *s = a;
	size_t n;

	for (; *s; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		if (n == 3 && !strncmp(s, "all", 3))
			cl->dump_ast = cl->dump_sema = cl->dump_ir = cl->dump_obj = true;
		else if (n == 3 && !strncmp(s, "ast", 3))
			cl->dump_ast = true;
		else if (n == 4 && !strncmp(s, "sema", 4))
			cl->dump_sema = true;
		else if (n == 2 && !strncmp(s, "ir", 2))
			cl->dump_ir = true;
		else if (n == 3 && !strncmp(s, "obj", 3))
			cl->dump_obj = true;
		else
			return msg_error("unknown -d stage '%.*s' (ast, sema, ir, obj, all)",
					 (int)n, s), -EINVAL;
	}
	return 0;
}

static int set_list(struct cmdline *cl, const char *a) { (void)a; cl->list = true; return 0; }
static int set_cmd(struct cmdline *cl, const char *a) { cl->cmd = a; return 0; }

/* The largest pid Linux allows (PID_MAX_LIMIT on 64-bit); bpftrace checks the
 * same bound before looking for the process. */
#define PID_LIMIT 4194304

/* -p PID, with bpftrace's messages for a value that is not a pid. */
static int set_pid(struct cmdline *cl, const char *a)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(a, &end, 10);
	if (end == a)
		return msg_error("Failed to parse pid: invalid integer: %s", a), -EINVAL;
	if (*end)
		return msg_error("Failed to parse pid: invalid trailing bytes: %s", a), -EINVAL;
	if (errno == ERANGE || v <= 0 || v > PID_LIMIT)
		return msg_error("Pid out of range: %s", a), -EINVAL;
	cl->pid = (int)v;
	return 0;
}

/* --debuginfo DIR: also look for separate debug information there (a relative
 * DIR is relative to the binary's directory, as libdwfl takes it). */
static int set_debuginfo(struct cmdline *cl, const char *a)
{
	(void)cl;
	udwarf_add_debug_dir(a);
	return 0;
}

/* --traceable-functions FILE: the kernel functions kprobes may attach to, read
 * from FILE instead of available_filter_functions (bpftrace's option). */
static int set_traceable(struct cmdline *cl, const char *a)
{
	(void)cl;
	kfunc_set_traceable_file(a);
	return 0;
}

enum { OPT_UNSAFE = 256, OPT_USDT_FILE, OPT_INFO, OPT_DRY_RUN, OPT_NO_WARNINGS, OPT_VERIFY_IR,
       OPT_DEBUGINFO, OPT_PROBE_FILTER, OPT_MODE, OPT_INCLUDE, OPT_TRACEABLE };

static const struct opt opts[] = {
	{ NULL, 'B', true, "-B MODE", "output buffering mode ('line', 'full', 'none')", set_buffering },
	{ NULL, 'f', true, "-f FORMAT", "output format ('text', 'json')", set_format },
	{ "output", 'o', true, "-o, --output FILE", "redirect program output to file", set_out },
	{ NULL, 'e', true, "-e 'program'", "execute this program", set_expr },
	{ "help", 'h', false, "-h, --help", "show this help message", set_help },
	{ "list", 'l', false, "-l, --list [search]", "list probes", set_list },
	{ "pid", 'p', true, "-p, --pid PID", "enable USDT probes on PID", set_pid },
	{ "cmd", 'c', true, "-c, --cmd 'CMD'", "run CMD and enable USDT probes on resulting process", set_cmd },
	{ "usdt-file-activation", OPT_USDT_FILE, false, "--usdt-file-activation",
	  "activate usdt semaphores based on file path", set_usdt_file },
	{ "unsafe", OPT_UNSAFE, false, "--unsafe", "allow unsafe builtin functions", set_unsafe },
	{ "mode", OPT_MODE, true, "--mode MODE",
	  "'run' (trace, the default) or 'bench' (time the bench probes)", set_mode },
	{ "probe-filter", OPT_PROBE_FILTER, true, "--probe-filter REGEX",
	  "only load the probes whose name matches REGEX (BEGIN and END always)", set_probe_filter },
	{ "include", OPT_INCLUDE, true, "--include FILE",
	  "read the constants (#define NAME number) of header FILE", set_include },
	{ NULL, 'q', false, "-q", "keep messages quiet", set_quiet },
	{ NULL, 'k', false, "-k", "warn when a bpf helper returns an error (-kk: every helper)",
	  set_k },
	{ "version", 'V', false, "-V, --version", "bpfline version", set_version },
	{ NULL, 'v', false, "-v", "verbose messages (-vv: libbpf debug messages)", set_verbose },
	{ "dry-run", OPT_DRY_RUN, false, "--dry-run",
	  "load and attach the probes, then exit without running", set_dry_run },
	{ "info", OPT_INFO, false, "--info", "print what this build and kernel support", set_info },
	{ "no-warnings", OPT_NO_WARNINGS, false, "--no-warnings", "disable warnings", set_no_warn },
	{ "verify-llvm-ir", OPT_VERIFY_IR, false, "--verify-llvm-ir",
	  "check the LLVM IR with LLVM's verifier (always done)", set_verify },
	{ "debuginfo", OPT_DEBUGINFO, true, "--debuginfo DIR",
	  "look for separate DWARF debug information in DIR too (may repeat)", set_debuginfo },
	{ "traceable-functions", OPT_TRACEABLE, true, "--traceable-functions FILE",
	  "read the traceable kernel functions from FILE (default: available_filter_functions)",
	  set_traceable },
	{ NULL, 'd', true, "-d STAGE", "dry run: dump ast, sema, ir, obj or all (may repeat)", set_dump },
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("USAGE:\n"
	      "    bpfline [options] filename [params...]\n"
	      "    bpfline [options] - <stdin input>\n"
	      "    bpfline [options] -e 'program' [params...]\n\n"
	      "OPTIONS:\n", f);
	for (i = 0; i < NOPTS; i++) {
		if (strlen(opts[i].usage) > 14)
			fprintf(f, "    %s\n    %-14s %s\n", opts[i].usage, "", opts[i].help);
		else
			fprintf(f, "    %-14s %s\n", opts[i].usage, opts[i].help);
	}
	fputs("\nENVIRONMENT:\n"
	      "    BPFTRACE_STRLEN             [default: 64] bytes of a string (1-200)\n"
	      "    BPFTRACE_MAP_KEYS_MAX       [default: 4096] keys of a map\n"
	      "    BPFTRACE_MAX_BPF_PROGS      [default: 1024] BPF programs a program may generate\n"
	      "\nEXAMPLES:\n"
	      "bpfline -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%s %s\\n\", comm, str(args->filename)); }'\n"
	      "    trace files opened, with the process name\n"
	      "bpfline -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'\n"
	      "    count syscalls by process name\n", f);
}

/* Build getopt_long's tables from opts[]. */
static void build_getopt(char *shorts, struct option *longs)
{
	size_t i, k = 0;

	*shorts++ = ':';	/* report a missing argument as ':' */
	for (i = 0; i < NOPTS; i++) {
		if (opts[i].shrt < 256) {
			*shorts++ = (char)opts[i].shrt;
			if (opts[i].has_arg)
				*shorts++ = ':';
		}
		if (opts[i].lng)
			longs[k++] = (struct option){ opts[i].lng,
				opts[i].has_arg ? required_argument : no_argument, NULL, opts[i].shrt };
	}
	*shorts = '\0';
	longs[k] = (struct option){ 0 };
}

static const struct opt *find_opt(int c)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].shrt == c)
			return &opts[i];
	return NULL;
}

/* Parse argv into *cl; 0, -EINVAL for a malformed command line (the caller
 * shows the usage), -ECANCELED for a bad option value (already reported). */
static int cmdline_parse(int argc, char **argv, struct cmdline *cl)
{
	char shorts[2 * NOPTS + 2];
	struct option longs[NOPTS + 1];
	const struct opt *o;
	int c;

	memset(cl, 0, sizeof(*cl));
	cl->bufmode = -1;
	build_getopt(shorts, longs);
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == ':' || (c == '?' && optopt)) {
			fprintf(stderr, c == '?' ? "bpfline: invalid option -- '%c'\n"
				: "bpfline: option requires an argument -- '%c'\n", optopt);
			return -EINVAL;
		}
		if (c == '?') {
			fprintf(stderr, "bpfline: unrecognized option '%s'\n", argv[optind - 1]);
			return -EINVAL;
		}
		o = find_opt(c);
		if (o && o->set && o->set(cl, optarg))
			return -ECANCELED;	/* reported; no usage after it */
	}
	if (!cl->expr && optind < argc)
		cl->file = argv[optind++];
	cl->params = argv + optind;
	cl->nparams = argc - optind;
	return 0;
}

/* Read all of f into sb; 0 or -errno. */
static int read_all(FILE *f, struct sb *sb)
{
	char buf[8192];
	size_t n;

	errno = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(sb, buf, n);
	return ferror(f) ? -(errno ? errno : EIO) : sb->err;
}

/* The program text into sb and its name ("stdin" or the path); 0 or -errno. */
static int read_program(const struct cmdline *cl, struct sb *sb, const char **name)
{
	FILE *f;
	int err;

	*name = "stdin";
	if (cl->expr) {
		sb_puts(sb, cl->expr);
		return sb->err;
	}
	if (!strcmp(cl->file, "-"))
		return read_all(stdin, sb);
	*name = cl->file;
	f = fopen(cl->file, "r");
	if (!f) {
		err = -errno;
		msg_error("failed to open file '%s': %s", cl->file, strerror(-err));
		return err;
	}
	err = read_all(f, sb);
	if (err)	/* a directory opens, but does not read */
		msg_error("failed to read file '%s': %s", cl->file, strerror(-err));
	fclose(f);
	return err;
}

static int dump_stage(bool on, const struct program *p)
{
	if (on) {
		ast_dump(stdout, p->ast);
		fflush(stdout);
	}
	return 0;
}

/* Types a script's C definitions name but do not define come from kernel BTF. */
static struct type *btf_lookup(struct arena *a, const char *name, void *arg)
{
	(void)arg;
	return kbtf_named(a, name);
}

/* parse → sema → codegen, with the requested dumps. 0, or non-zero when the
 * program has errors (already in p->diags). */
static int compile(struct program *p, const struct cmdline *cl, void **obj, size_t *size)
{
	struct cg_opts cgo = { .dump_ir = cl->dump_ir, .dump_obj = cl->dump_obj,
			       .dump_out = stdout };
	int err = 0;
	double t0 = log_now_ms();

	err = err ?: !parse_program(p);
	for (int i = 0; !err && i < cl->nincludes; i++)
		cinclude_header(p, cl->includes[i], false);
	err = err ?: !cdecl_parse(p, btf_lookup, NULL);
	err = err ?: dump_stage(cl->dump_ast, p);
	err = err ?: !sema_check(p);
	err = err ?: dump_stage(cl->dump_sema, p);
	if (!err)
		rt_log(1, "front end (parse, types): %.1f ms\n", log_now_ms() - t0);
	err = err ?: cg_compile(p, obj, size, &cgo);
	return err;
}

/* The output stream: -o FILE or stdout, buffered as -B says. NULL on error. */
static FILE *open_output(const struct cmdline *cl)
{
	FILE *out = stdout;

	if (cl->out_path) {
		out = fopen(cl->out_path, "w");
		if (!out) {
			msg_error("failed to open output file '%s': %s", cl->out_path,
				  strerror(errno));
			return NULL;
		}
	}
	if (cl->bufmode >= 0)
		setvbuf(out, NULL, cl->bufmode, 0);
	return out;
}

/* --no-warnings: unlink the front end's warnings from d. */
static void drop_warnings(struct diags *d)
{
	struct diag **at = &d->head;

	d->tail = NULL;
	while (*at) {
		if ((*at)->level == DIAG_WARNING) {
			*at = (*at)->next;
			continue;
		}
		d->tail = *at;
		at = &(*at)->next;
	}
	d->nwarnings = 0;
}

/* Split the arguments after the program into positional parameters and the
 * program options (`--name[=value]`, which getopt() reads; getopt_long has
 * already stopped at `--`, so an argument starting with "--" came after it). */
static int split_params(const struct cmdline *cl, struct program *p)
{
	const char **pos = arena_alloc(&p->arena, sizeof(*pos) * (size_t)(cl->nparams + 1));
	struct named_param *named = arena_alloc(&p->arena, sizeof(*named) * (size_t)(cl->nparams + 1));

	if (!pos || !named)
		return -ENOMEM;
	for (int i = 0; i < cl->nparams; i++) {
		const char *a = cl->params[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			pos[p->nparams++] = a;
			continue;
		}
		struct named_param *np = &named[p->nnamed++];
		const char *eq = strchr(a, '=');
		np->name = eq ? arena_strndup(&p->arena, a + 2, (size_t)(eq - a - 2)) : a + 2;
		np->value = eq ? eq + 1 : NULL;
		np->used = false;
	}
	p->params = pos;
	p->named = named;
	return 0;
}

/* The options the program reads, for the hints: "--aa, --bb". */
static void getopt_names(const struct program *p, struct sb *out)
{
	for (size_t i = 0; i < p->getopts.len; i++) {
		const struct getopt_decl *d = p->getopts.items[i];
		sb_printf(out, "%s--%s", i ? ", " : "", d->name);
	}
}

/* After sema: `-- --help` lists the program's options (and ends the run, as
 * bpftrace); an option that no getopt() reads is an error. 0 or 1. */
static int check_program_options(const struct program *p)
{
	struct sb names;
	int bad = 0;

	for (int i = 0; i < p->nnamed; i++) {
		if (!strcmp(p->named[i].name, "help")) {
			fputs("HINT: expected program options:\n", stderr);
			for (size_t k = 0; k < p->getopts.len; k++) {
				const struct getopt_decl *d = p->getopts.items[k];
				fprintf(stderr, "  --%s%s%s\n", d->name, d->desc ? ": " : "",
					d->desc ? d->desc : "");
			}
			return 1;
		}
	}
	sb_init(&names);
	for (int i = 0; i < p->nnamed; i++)
		if (!p->named[i].used)
			sb_printf(&names, "%s--%s", bad++ ? ", " : "", p->named[i].name);
	if (bad) {
		struct sb hint;
		sb_init(&hint);
		sb_puts(&hint, p->getopts.len ? "expected program options: "
					       : "the program reads no options");
		getopt_names(p, &hint);
		msg_report(MSG_ERROR, sb_str(&hint), NULL,
			   "unexpected program command line options: %s", sb_str(&names));
		sb_fini(&hint);
	}
	sb_fini(&names);
	return bad ? 1 : 0;
}

/* Compile and run the program of cl (its text in src, which may hold NUL bytes
 * for the parser to report) with the settings cfg; returns the exit
 * status. */
static int run(const struct cmdline *cl, const struct config *cfg, const char *name,
	       const struct sb *src)
{
	struct rt_opts ro = { .format = cl->format, .quiet = cl->quiet, .verbose = cl->verbose,
			      .dry_run = cl->dry_run, .bench = cl->bench, .notify_attached = cfg->notify_attached };
	bool dry = cl->dump_ast || cl->dump_sema || cl->dump_ir || cl->dump_obj;
	struct proc_target target = { .pidfd = -1, .go_fd = -1 };
	struct program p;
	void *obj = NULL;
	size_t size = 0;
	int err, status = 1;

	if (program_init_text(&p, name, sb_str(src), src->len)) {
		msg_oom();
		return 1;
	}
	p.config = *cfg;
	if (split_params(cl, &p)) {
		msg_oom();
		program_fini(&p);
		return 1;
	}
	p.unsafe = cl->unsafe;
	p.probe_filter = cl->probe_filter;
	p.usdt_file_activation = cl->usdt_file_activation;
	if ((cl->cmd && !dry && !cl->dry_run && proc_spawn(cl->cmd, &target)) ||
	    (cl->pid && proc_open(cl->pid, &target))) {
		program_fini(&p);
		proc_close(&target);
		return 1;
	}
	if (target.pid) {
		ro.target = &target;
		p.target_pid = target.pid;
		p.child = target.child;
		p.target_path = target.path;
	} else if (cl->cmd) {	/* dry run: resolve the path only, for usdt/uprobes */
		char *word = strndup(cl->cmd, strcspn(cl->cmd, " \t"));
		p.target_path = target.path = word ? uelf_which(word) : NULL;
		free(word);
	}
	err = compile(&p, cl, &obj, &size);
	/* compile-time diagnostics are text under -f json too, as bpftrace's */
	if (cl->no_warnings)
		drop_warnings(&p.diags);
	if (xalloc_oom()) {	/* the diagnostics may follow from it: it alone */
		msg_oom();
		err = -ENOMEM;
	} else {
		diag_print(&p.diags, stderr, isatty(STDERR_FILENO));
	}
	if (p.no_probes)	/* bpftrace's line, unlocated: no attach point is at fault */
		fputs("No probes to attach\n", stderr);
	if (p.no_probes && p.probe_filter)
		fprintf(stderr, "HINT: no probe's name matches --probe-filter '%s'\n", p.probe_filter);
	err = err ?: check_program_options(&p);
	if (!err && dry)
		status = 0;
	else if (!err && (ro.out = open_output(cl)))
		status = rt_run(&p, obj, size, &ro);
	if (ro.out && ro.out != stdout)
		fclose(ro.out);
	free(obj);
	program_fini(&p);
	proc_close(&target);
	return status;
}

/* Whether family f is selected by the family part of a search (`fam`, n
 * bytes): its name or an alias, or a glob over its name ("*ware"). */
static bool list_family_selected(const struct probe_family *f, const char *fam, size_t n)
{
	char glob[64];

	if (n >= sizeof(glob))
		return false;
	memcpy(glob, fam, n);
	glob[n] = '\0';
	if (strpbrk(glob, "*?["))
		return !fnmatch(glob, f->name, 0);
	return probe_family_find(fam, n) == f;
}

/* Why a listing of family f was refused: the families of user binaries
 * read a file this user may not read; the others read tracefs, readable by
 * root alone. */
static const char *list_denied_hint(const struct probe_family *f)
{
	if (f->user)
		return caps_denied_hint(NULL);
	return !tracefs_path() && errno == EACCES ? tracefs_hint(-EACCES) : NULL;
}

/* One -l search: "struct X" (union, enum) prints the kernel's definition;
 * "family:pattern" lists in the families it selects; a bare glob lists in
 * every family. 0, or 1 after an error. */
static int list_search(const char *search, bool verbose)
{
	const char *colon = strchr(search, ':');

	if (!colon && strchr(search, ' ')) {
		int err = kbtf_print_decl(search, stdout);
		if (err && err != -ENOENT)
			return msg_error("cannot list '%s': %s", search, strerror(-err)), 1;
		return 0;
	}
	for (const struct probe_family *const *fp = probe_families; *fp; fp++) {
		const struct probe_family *f = *fp;
		const char *pattern = search;
		char buf[512];
		if (!f->list || (colon && !list_family_selected(f, search, (size_t)(colon - search))))
			continue;
		if (colon)
			pattern = colon + 1;
		else if (f->list_bare && *search)
			pattern = (snprintf(buf, sizeof(buf), "%s%s", f->list_bare, search), buf);
		else if (f->list_needs_binary && !attach_list_pid)
			continue;	/* no binary named: nothing to list */
		else if (f->list_skip_bare)
			continue;	/* the same functions as kprobe and fentry */
		int n = f->list(pattern, verbose, stdout);
		if (n == -EACCES || n == -EPERM) {	/* even under a glob: not "none" */
			msg_report(MSG_ERROR, list_denied_hint(f), NULL, "cannot list %s probes: %s",
				   f->name, strerror(-n));
			return 1;
		}
		if (n < 0 && colon && !strpbrk(search, "*?[")) {
			msg_error("cannot list %s probes: %s", f->name, strerror(-n));
			return 1;
		}
	}
	return 0;
}

/* -l SEARCH[,SEARCH...]: each search in turn. */
static int list_probes(const char *searches, bool verbose)
{
	char *copy = strdup(searches), *save = NULL;
	int status = 0;

	if (!copy)
		return 1;
	if (!*copy)
		status = list_search("", verbose);
	for (char *s = strtok_r(copy, ",", &save); s && !status; s = strtok_r(NULL, ",", &save)) {
		while (*s == ' ')
			s++;
		status = list_search(s, verbose);
	}
	free(copy);
	fflush(stdout);
	return status;
}

/* -l with a program (-e or a file): the probes its attach points name, each
 * attach point listed as a search. 0, or 1 when the program does not parse. */
static int list_program(const char *name, const struct sb *src, bool verbose)
{
	struct program p;
	int status = 0;

	if (program_init_text(&p, name, sb_str(src), src->len))
		return msg_oom(), 1;
	if (!parse_program(&p)) {
		diag_print(&p.diags, stderr, isatty(STDERR_FILENO));
		program_fini(&p);
		return 1;
	}
	for (const struct node *pr = p.ast->program.probes; pr && !status; pr = pr->next)
		for (const struct node *at = pr->probe.attach; at && !status; at = at->next)
			status = list_probes(at->attach.text, verbose);
	program_fini(&p);
	return status;
}

/* -l: a search, the probes of a program (-e, or a file argument that exists),
 * or everything. A file argument that does not exist but looks like a script
 * is taken as a search, with bpftrace's warning. */
static int list_main(const struct cmdline *cl)
{
	const char *name;
	struct sb src;
	int status;

	if (!cl->expr && !(cl->file && access(cl->file, F_OK) == 0)) {
		size_t n = cl->file ? strlen(cl->file) : 0;
		if (n > 3 && !strcmp(cl->file + n - 3, ".bt"))
			msg_warning("It appears that '%s' is a filename but the file does not "
				    "exist. Treating '%s' as a search pattern.", cl->file, cl->file);
		return list_probes(cl->file ? cl->file : "", cl->verbose > 0);
	}
	sb_init(&src);
	status = read_program(cl, &src, &name) ? 1 : list_program(name, &src,
								  cl->verbose > 0);
	sb_fini(&src);
	return status;
}

#ifdef BPFL_FAULT_INJECTION
static unsigned long fault_nth;

/* At exit: how many allocations the run made, and whether the injected
 * failure happened (tests/alloc/sweep.py reads these lines). */
static void fault_report(void)
{
	fflush(stdout);	/* a line of its own, not inside buffered output */
	if (!fault_nth) {
		const unsigned long *first;
		size_t n = xalloc_sites(&first);
		fprintf(stderr, "BPFL_FAIL_ALLOC: %lu allocations, %zu sites:", xalloc_count(), n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %lu", first[i]);
		fputc('\n', stderr);
	} else if (xalloc_failed())
		fprintf(stderr, "BPFL_FAIL_ALLOC: allocation %lu of %lu failed\n", fault_nth,
			xalloc_count());
}

/* BPFL_FAIL_ALLOC=N (a test build's only): fail the N-th allocation of
 * ours, or with 0 count them; read once, before anything allocates. */
static int fault_setup(void)
{
	const char *v = getenv("BPFL_FAIL_ALLOC");
	char *end;

	if (!v)
		return 0;
	errno = 0;
	fault_nth = strtoul(v, &end, 10);
	if (!*v || *end || errno || *v == '-') {
		msg_error("BPFL_FAIL_ALLOC: '%s' is not a count of allocations", v);
		return -EINVAL;
	}
	xalloc_fail_nth(fault_nth);
	atexit(fault_report);
	return 0;
}
#else
static int fault_setup(void)
{
	return 0;	/* a release build ignores BPFL_FAIL_ALLOC */
}
#endif

/* The exit status of a run that ended with status: 1 with "out of memory"
 * when an allocation failed on the way (said once, whichever stage noticed
 * it first), whatever the stage made of it. */
static int oom_status(int status)
{
	if (!xalloc_oom())
		return status;
	msg_oom();
	return status ?: 1;
}

int main(int argc, char **argv)
{
	struct cmdline cl;
	struct config cfg;
	char why[256];
	const char *name;
	struct sb src;
	int status;

	if (fault_setup())
		return 1;
	status = cmdline_parse(argc, argv, &cl);
	if (status) {
		if (status == -EINVAL)
			usage(stderr);
		return 1;
	}
	msg_init(cl.format, stderr);
	msg_set_warnings(!cl.no_warnings);
	if (cl.help || cl.version) {
		if (cl.help)
			usage(stdout);
		else
			printf("bpfline v%s\n", BPFL_VERSION);
		return 0;
	}
	if (config_read(&cfg, getenv, why, sizeof(why))) {
		msg_error("%s", why);
		return 1;
	}
	kbtf_configure(&cfg);
	kfunc_configure(&cfg);
	if (cl.info) {
		rt_info_print(stdout);
		return 0;
	}
	if (cl.pid && cl.cmd) {
		msg_error("-p and -c cannot be used together");
		return 1;
	}
	if (cl.list) {
		rt_verbose = 0;
		rt_loader_log_init();
		attach_list_pid = cl.pid;
		return oom_status(list_main(&cl));
	}
	if (!cl.expr && !cl.file) {
		usage(stderr);
		return 1;
	}
	rt_verbose = cl.verbose;
	rt_loader_log_init();
	sb_init(&src);
	status = read_program(&cl, &src, &name) ? 1 : run(&cl, &cfg, name, &src);
	sb_fini(&src);
	return oom_status(status);
}
