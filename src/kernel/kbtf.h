/* Kernel BTF (/sys/kernel/btf/vmlinux, and a module's when a function or type
 * is not in vmlinux): the process's one cache of parsed BTF,
 * which every user of kernel types goes through, and BTF as the language's
 * types: struct casts, field chains and the typed arguments of fentry/fexit.
 * The BTF is loaded the first time something asks for it, once per process. */
#ifndef BPFL_KBTF_H
#define BPFL_KBTF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/types.h"

struct arena;
struct btf;
struct config;

/* Take the BTF settings of c (config.btf_path, from BPFL_BTF); the driver calls
 * this once, before anything asks for BTF. */
void kbtf_configure(const struct config *c);

/* The vmlinux BTF, loaded on first use; NULL (errno set) when the kernel has
 * none. With config.btf_path set, that file is loaded instead (tests). */
const struct btf *kbtf_vmlinux(void);

/* How many BTF objects this process has parsed (vmlinux: at most one), for
 * tests and -v; each load also logs a "kbtf: loaded ..." line under -v. */
unsigned int kbtf_loads(void);

/* The string section of vmlinux BTF after one NUL byte (each name stands as
 * "\0name\0" in it), *len bytes; read once, without parsing BTF (~1 ms
 * against ~9 here), and kept. NULL when there is no kernel BTF. */
const char *kbtf_strings(size_t *len);

/* The record for "struct NAME" or "union NAME" (a C type name as written in a
 * cast); NULL when BTF has no such type. Its fields are filled by kbtf_complete. */
struct type *kbtf_record(struct arena *a, const char *cname);

/* The type a C type name denotes in kernel BTF: "struct NAME", "union NAME",
 * "enum NAME" or a typedef name ("u32", "size_t"); NULL when BTF has none. */
struct type *kbtf_named(struct arena *a, const char *cname);

/* The type of kernel variable `name` (a BTF VAR: global and per-CPU variables);
 * NULL when BTF has none. */
struct type *kbtf_var(struct arena *a, const char *name);

/* The enum type (an integer whose enumerators print by name) of kernel
 * enumerator `name`, with its value in *value; NULL when BTF has no such
 * enumerator. Scans every enum: for names nothing else defines. */
struct type *kbtf_enumerator(struct arena *a, const char *name, int64_t *value);

/* Fill the fields of a BTF record (rec->btf_id != 0) on first use: members with
 * byte offsets, anonymous struct/union members flattened into their parent,
 * bitfields left out. Returns false when rec is not from BTF. */
bool kbtf_complete(struct arena *a, struct type *rec);

/* The language type of BTF type `id`: integers and enums are TY_INT, pointers
 * TY_PTR (pointee converted, structs as records completed lazily), char arrays
 * TY_STR, other arrays TY_ARRAY, structs/unions TY_RECORD. */
struct type *kbtf_type(struct arena *a, unsigned int id);

/* Kernel function `func` as fentry/fexit see it: *args a record of its
 * parameters in 8-byte slots (the BPF_PROG context; a struct of 9..16 bytes,
 * passed in two registers, takes two), and *ret its return type (NULL for
 * void). Returns the number of slots (fexit's return value follows them), or
 * -ENOENT when BTF has no such function (-errno when there is no BTF). */
int kbtf_func(struct arena *a, const char *func, struct type **args, struct type **ret);

/* kbtf_func for the BTF objects mod_glob selects ("vmlinux", a module name, a
 * glob; NULL: vmlinux, then every module with BTF, /sys/kernel/btf/<module>). */
int kbtf_func_in(struct arena *a, const char *mod_glob, const char *func, struct type **args,
		 struct type **ret);

/* Whether BTF describes function `func` (vmlinux's or a module's). */
bool kbtf_has_func(const char *func);

/* The BTF object ("vmlinux" or the module's name) that describes `func`, among
 * those mod_glob selects (NULL: any, vmlinux first); NULL when none does. */
const char *kbtf_func_module(const char *mod_glob, const char *func);

/* kbtf_each_func over the BTF objects mod_glob selects (NULL: vmlinux only). */
int kbtf_each_func_in(const char *mod_glob, const char *glob,
		      int (*fn)(const char *name, void *arg), void *arg);

/* Call fn for every BTF function whose name matches the glob, in BTF order;
 * stops at the first non-zero return and returns it. */
int kbtf_each_func(const char *glob, int (*fn)(const char *name, void *arg), void *arg);

/* Print the parameters of `func` as bpftrace -lv does ("    struct file * file"),
 * then "    <type> retval" when with_retval. 0 or -errno. */
int kbtf_print_params(const char *func, bool with_retval, FILE *out);

/* Print the kernel's definition of cname ("struct file", "union X", "enum Y")
 * as bpftrace -l does: "struct file {", a member a line, "};". 0, -ENOENT
 * when BTF has no such type, -EINVAL when cname names no struct/union/enum. */
int kbtf_print_decl(const char *cname, FILE *out);

#endif
