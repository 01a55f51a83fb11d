/* Raw tracepoints from kernel BTF: each `btf_trace_<name>` typedef is a pointer
 * to the function prototype `void (void *__data, <args>)` of the raw tracepoint
 * <name>. Used by attach-point expansion, the `args` builtin of rawtracepoint
 * probes and -l/-lv. Kernel BTF comes from kbtf_vmlinux: loaded lazily, once. */
#ifndef BPFL_RAWTP_H
#define BPFL_RAWTP_H

#include <stdbool.h>
#include <stdio.h>

struct arena;
struct type;

/* Call cb for every raw tracepoint whose name matches glob, in name order.
 * The count of matches, cb's non-zero result, or -errno (no kernel BTF). */
int rawtp_expand(const char *glob, int (*cb)(const char *name, void *ctx), void *ctx);

/* Whether kernel BTF describes raw tracepoint name (its btf_trace_<name>
 * typedef), so a tp_btf program may attach to it: libbpf finds the attach BTF
 * id by that name, and the program's arguments are BTF-typed (a pointer
 * argument is a trusted kernel pointer). False when the kernel has no BTF. */
bool rawtp_has_btf(const char *name);

/* The record type of `args` of raw tracepoint name: one 8-byte slot per
 * argument of its prototype (the program's context is u64 args[]), fields
 * named and typed from BTF (integers, enums, pointers with btf_id). NULL with
 * errno set when there is no such raw tracepoint. */
struct type *rawtp_args_type(struct arena *a, const char *name);

/* -l/-lv: "rawtracepoint:<name>" lines, with -lv each argument's declaration. */
int rawtp_list(const char *pattern, bool verbose, FILE *out);

#endif
