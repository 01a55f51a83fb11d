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

/* The record type of `args` of raw tracepoint name: one 8-byte slot per
 * argument of its prototype (the program's context is u64 args[]), fields
 * named and typed from BTF (integers, enums, pointers with btf_id). NULL with
 * errno set when there is no such raw tracepoint. */
struct type *rawtp_args_type(struct arena *a, const char *name);

/* -l/-lv: "rawtracepoint:<name>" lines, with -lv each argument's declaration. */
int rawtp_list(const char *pattern, bool verbose, FILE *out);

#endif
