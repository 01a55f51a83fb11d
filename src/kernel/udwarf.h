/* DWARF of user binaries (libdw): the parameters of a function, with their
 * types, for uprobe `args` and -lv, and struct types by name. The debug
 * information may be in the binary, in split DWARF (.dwo/.dwp) or in a
 * separate file found by build id or .gnu_debuglink (.debug/, /usr/lib/debug),
 * as libdwfl's standard search finds it. Each file is opened once per run. */
#ifndef BPFL_UDWARF_H
#define BPFL_UDWARF_H

#include <stdbool.h>
#include <stdint.h>

struct arena;
struct type;

struct udwarf_param {
	const char *name;	/* "argc" */
	const char *type_name;	/* as bpftrace -lv prints it: "char**", "struct Foo*" */
	struct type *type;	/* bpfline's type; NULL when it has none (float,
				 * a struct passed by value) */
};

/* Whether the file at path has DWARF debug information bpfline can read. */
bool udwarf_has(const char *path);

/* The parameters of function func of the ELF file at path in *out (arena a):
 * their number, or -ENOENT when there is no DWARF or no such function. */
int udwarf_params(struct arena *a, const char *path, const char *func,
		  struct udwarf_param **out);

/* The type "struct NAME" / "union NAME" (cname) from path's DWARF, with its
 * fields; NULL when path's DWARF does not define it. */
struct type *udwarf_record(struct arena *a, const char *path, const char *cname);

/* The address (in the file's layout, as symbols) of source line `line` of
 * file `file` (a base name matches any directory) in path's line table: the
 * lowest address the line has. 0 or -ENOENT. */
int udwarf_line_addr(const char *path, const char *file, int line, uint64_t *addr);

/* Where separate debug information is also looked for (--debuginfo DIR, as
 * often as given): directories, before the standard places. */
void udwarf_add_debug_dir(const char *dir);

#endif
