/* tracefs: where it is mounted, the events it lists, and the record layout of a
 * tracepoint (events/<cat>/<name>/format).
 *
 * For sema (tracepoint `args`, wildcard expansion) and the runtime (attach, -l).
 * Nothing here is touched until a program names a tracepoint: the mount point
 * is looked up once, on first use, and cached.
 *
 *   struct tracefs_field *f; int n;
 *   if (tracefs_format(&p->arena, "syscalls", "sys_enter_openat", &f, &n) < 0) ...
 *   tracefs_expand("syscalls", "sys_enter_open*", cb, ctx);   // sorted, cb per match */
#ifndef BPFL_TRACEFS_H
#define BPFL_TRACEFS_H

#include <stdbool.h>
#include <stdint.h>

struct arena;

/* One field of a tracepoint's record, as the format file describes it:
 *   field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 * gives name "prev_comm", type "char", array_len 16, offset 8, size 16. */
struct tracefs_field {
	const char *name;	/* "prev_comm", "filename" */
	const char *type;	/* C type text without name and array suffix:
				 * "char", "const char *", "const char *const *",
				 * "pid_t", "unsigned long" (`__user` removed) */
	uint32_t offset;	/* byte offset in the record (the `args` pointer) */
	uint32_t size;		/* bytes; for arrays the whole array */
	uint32_t array_len;	/* `char comm[16]` → 16; 0 when not an array */
	bool is_signed;		/* signed:1 */
	bool is_user;		/* pointer into user memory: the type had `__user`,
				 * or a pointer argument of a syscalls:sys_enter_* event */
	bool is_data_loc;	/* `__data_loc char[] name`: the u32 at offset holds
				 * (len << 16 | offset of the data in the record) */
	bool is_common;		/* common_type, common_pid, ...: not shown in args */
	bool is_pointer;	/* type ends in '*' */
};

/* How to get a tracefs when tracefs_path failed with err (-errno): mount it,
 * or, when it is mounted but readable by root alone (-EACCES), which
 * capability reads it. Callers add it as a HINT. */
const char *tracefs_hint(int err);

/* The tracefs mount point ("/sys/kernel/tracing" or "/sys/kernel/debug/tracing"),
 * mounting tracefs at /sys/kernel/tracing when neither is mounted and we hold
 * CAP_SYS_ADMIN (said under -v). NULL with errno set when there is none
 * (ENODEV, EACCES when this process may not read it, or the mount's error);
 * prints nothing, so the caller reports it with tracefs_hint(-errno). Cached after the first successful call. */
const char *tracefs_path(void);

/* Use dir as the tracefs root instead of looking for one (tests; NULL resets). */
void tracefs_set_path(const char *dir);

/* Parse the text of a format file into *fields (arena-allocated, *nfields of
 * them, common_* fields included and flagged). 0, or -EINVAL on a malformed
 * file, -ENOMEM. `cat` may be NULL; it enables the syscalls user-pointer rule. */
int tracefs_parse_format(struct arena *a, const char *cat, const char *text,
			 struct tracefs_field **fields, int *nfields);

/* Read and parse events/<cat>/<name>/format. 0 or -errno: -ENOENT when the
 * tracepoint does not exist, or when there is no tracefs (see tracefs_path). */
int tracefs_format(struct arena *a, const char *cat, const char *name,
		   struct tracefs_field **fields, int *nfields);

/* The text of events/<cat>/<name>/format (NUL-terminated, free with xfree), or
 * NULL with errno set. */
char *tracefs_format_text(const char *cat, const char *name);

/* Called once per matching tracepoint, in sorted order (category, then name).
 * Return 0 to go on, non-zero to stop the walk (returned by tracefs_expand). */
typedef int (*tracefs_expand_cb)(const char *cat, const char *name, void *ctx);

/* Match every events/<cat>/<name> against the shell globs cat_glob and
 * name_glob (fnmatch: `*`, `?`, `[...]`; a plain word matches itself only).
 * Returns the number of matches (0 when none), cb's non-zero value when it
 * stopped the walk, or -errno (no tracefs, unreadable events directory). */
int tracefs_expand(const char *cat_glob, const char *name_glob,
		   tracefs_expand_cb cb, void *ctx);

/* True when events/<cat>/<name> exists. */
bool tracefs_exists(const char *cat, const char *name);

/* True when <cat>:<name> is a dynamic event (kprobe, uprobe, synthetic,
 * eprobe, fprobe, user event: listed in dynamic_events, or in a user_events
 * group), which has no raw tracepoint of its name; dynamic_events is read
 * once. */
bool tracefs_is_dynamic(const char *cat, const char *name);

#endif
