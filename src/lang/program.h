/* A compilation: the source, the arena everything lives in, the AST, and what sema
 * derived from it (maps, output actions, expanded probes). Codegen and the runtime
 * read it; nothing in it is freed before program_fini. */
#ifndef BPFL_PROGRAM_H
#define BPFL_PROGRAM_H

#include "util/arena.h"
#include "util/vec.h"
#include "lang/ast.h"
#include "lang/config.h"
#include "lang/diag.h"

/* A probe family (src/probes/family.h): its hooks and its context layout. */
struct probe_family;

/* One concrete attach point after wildcard expansion. */
struct probe_def {
	const struct probe_family *family;	/* what runs it (src/probes/) */
	const char *name;	/* canonical full name: "tracepoint:syscalls:sys_enter_openat" */
	const char *target;	/* tracepoint category / binary path / unit ("s", "hz") */
	const char *func;	/* tracepoint name / function / event name */
	uint64_t value;		/* interval/profile period or frequency; offset for probes;
				 * fentry/fexit: the function's number of parameters;
				 * iter: the offset of the object pointer in ctx;
				 * a syscall tracepoint: the syscall's number */
	const char *fallback;	/* set when the kernel made this probe run as another
				 * family (kprobe as fentry): why, for -v */
	const struct node *probe;	/* the N_PROBE block it runs */
	const struct node *attach;	/* the N_ATTACH it came from (for errors) */
	struct type *args;	/* tracepoint: the record type of `args` (sema);
				 * fentry/fexit: the parameters, 8-byte slots (probes/fentry.c) */
	const char *prog_name;	/* ELF program (function) name, set by codegen */
	int nchunks;		/* codegen: > 1 when the body runs as a chain of that
				 * many programs (lang/abi.h), else 0 */
	int index;		/* in program.probes */
	/* issue 4 (probes): */
	int pid;		/* uprobe/usdt/perf events: only this process (-p/-c), 0 all */
	int filter_pid;		/* attached for every process, but the program drops
				 * the events of any process but this one; 0 none
				 * (usdt with --usdt-file-activation and -p/-c) */
	void *usdt;		/* usdt: struct usdt_probe * (runtime/usdt.h), its sites */
	bool own_layout;	/* the body reads this attach point's own context layout
				 * (tracepoint args, usdt args, func): no program sharing */
	int owner;		/* index of the probe_def whose program runs this one
				 * (itself unless shared, see probes_share) */
	bool shared;		/* its program runs several probe_defs: `probe` comes
				 * from the BPF cookie, which holds probe_def.index */
	bool multi;		/* the program of its owner attaches at the whole group
				 * with one link (probe_family.attach_group) */
};

/* A program option given after `--` on the command line: --name[=value]. */
struct named_param {
	const char *name;	/* without the dashes */
	const char *value;	/* after '='; NULL for a bare --name (a boolean) */
	bool used;		/* a getopt() of the program reads it */
};

/* An option the program reads with getopt(name[, default[, description]]). */
struct getopt_decl {
	const char *name;
	const char *desc;	/* NULL when none was given */
};

/* A piece of C at the top level of a script, as the lexer found it: a struct,
 * union, enum or typedef definition, or a preprocessor line (`#define`,
 * `#include`). The declaration parser (parser/cdecl.c) reads them in order. */
struct cdef_text {
	const char *text;
	struct loc loc;		/* where it starts */
};

/* What the script's C declarations define, for sema's lookups. */
struct ctype_def {
	const char *name;	/* "struct A", "union U", "enum E", or a typedef name */
	struct type *type;	/* TY_RECORD, TY_INT (enums), ...; a record without
				 * fields and of size 0 is only declared */
};

struct cconst_def {
	const char *name;	/* an enumerator or a `#define NAME integer` */
	int64_t value;
	struct type *type;	/* the enum's type (TY_INT named "enum E"), or int64 */
};

struct cmacro_def {
	const char *name;	/* `#define NAME body` whose body is not an integer */
	const char *body;
};

struct program {
	struct arena arena;
	const char *file;	/* "stdin" or the script path */
	const char *src;	/* program text, NUL-terminated (in the arena) */
	size_t src_len;		/* bytes of the text as read; more than strlen(src)
				 * when it holds a NUL byte (parse_program rejects it) */
	struct diags diags;
	struct node *ast;	/* N_PROGRAM, after parse */
	struct vec maps;	/* struct map_def *, by id */
	struct vec actions;	/* struct action *, by id */
	struct vec probes;	/* struct probe_def *, by index */
	struct vec cdefs;	/* struct cdef_text *: the script's C, in order (lexer) */
	struct vec ctypes;	/* struct ctype_def *: C types the script defines */
	struct vec cconsts;	/* struct cconst_def *: enumerators and #define constants */
	struct vec cmacros;	/* struct cmacro_def *: other #define macros */
	const char **params;	/* positional parameters $1..$n */
	int nparams;
	struct config config;	/* settings from the environment (program_init:
				 * the defaults; the driver copies its own) */
	bool unsafe;		/* --unsafe given */
	bool usdt_file_activation;	/* --usdt-file-activation: usdt probes attach to
					 * their file even with -p/-c, so every process
					 * mapping it has its semaphores set */
	bool streams_output;	/* sema: a traced probe (not BEGIN/END) writes
				 * output records, so the ring buffer is sized
				 * for a stream */
	bool stack_frames;	/* sema: the program takes len() of a stack, so
				 * every capture records its number of frames
				 * (builtins/stack.c; a second stack walk) */
	int target_pid;		/* -p PID or the -c child's pid; 0 when neither */
	bool child;		/* target_pid is the -c child (the `cpid` builtin) */
	bool no_probes;		/* sema: every attach point matched nothing and
				 * missing_probes let each be, or --probe-filter
				 * matched none: the driver says "No probes to
				 * attach" (bpftrace's bare line) */
	const char *target_path;	/* its executable (usdt/uprobe without a path) */
	const char *probe_filter;	/* --probe-filter: an ERE a traced probe's name must
				 * match to be loaded (BEGIN/END always are); NULL: all */
	struct named_param *named;	/* program options given after `--` */
	int nnamed;
	struct vec getopts;	/* struct getopt_decl *: what getopt() reads, in order */
};

/* Start a compilation of `src` (copied) named `file`; 0 or -ENOMEM. */
int program_init(struct program *p, const char *file, const char *src);
/* The same for a text of len bytes as read from a file, which may hold NUL
 * bytes: they are kept for parse_program to report, not silently cut at. */
int program_init_text(struct program *p, const char *file, const char *src, size_t len);
void program_fini(struct program *p);

/* The script's C definition of type `name` ("struct A", "enum E", a typedef
 * name), the latest one; NULL when the script defines none. */
struct type *program_ctype(const struct program *p, const char *name);
/* The value of the script's enumerator or #define constant `name`; false when
 * there is none. */
bool program_cconst(const struct program *p, const char *name, int64_t *value);
/* The script's enumerator or #define constant `name` (the latest), or NULL. */
const struct cconst_def *program_cconst_def(const struct program *p, const char *name);

#endif
