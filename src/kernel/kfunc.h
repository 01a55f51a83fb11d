/* Kernel functions: what the running kernel can do to trace them (kprobes,
 * fentry/fexit trampolines) and which functions there are (for wildcards and
 * -l). Every probe of the kernel is made lazily, once, and only when a program
 * or a listing needs it.
 *
 * BPFL_KFEAT (config.kfeat, given by kfunc_configure) overrides the detection
 * (tests, and reproducing another kernel's behaviour): a comma-separated list
 * of the features to claim, from "kprobe" and "fentry"; "none" or "" claims
 * neither. */
#ifndef BPFL_KFUNC_H
#define BPFL_KFUNC_H

#include <stdbool.h>

struct config;

/* Take the kernel-feature override of c (config.kfeat); the driver calls this
 * once, before anything asks the kernel. Without it, the kernel is asked. */
void kfunc_configure(const struct config *c);

/* --traceable-functions FILE: read the traceable functions from FILE (the
 * format of available_filter_functions) instead of tracefs; an empty FILE
 * makes every function untraceable. Before anything asks for the list. */
void kfunc_set_traceable_file(const char *path);

/* Whether the kernel can attach kprobes: the perf "kprobe" PMU
 * (/sys/bus/event_source/devices/kprobe/type) or tracefs kprobe_events. */
bool kfunc_has_kprobes(void);

/* Whether the kernel runs fentry/fexit programs: a no-op fentry program on
 * bpf_fentry_test1 (or `func`, a BTF function, on a kernel without it) is
 * loaded and attached once per process, then detached. On
 * failure *why (if not NULL) says what failed ("load: Invalid argument"). */
bool kfunc_has_fentry(const char *func, const char **why);

/* Whether path() works: the kernel gives tracing programs its bpf_d_path
 * helper (a program using it on security_file_open, or on the task_file
 * iterator where fentry does not load, is loaded once, not attached). */
bool kfunc_has_dpath(void);

/* Call fn for every kernel function kprobes can attach to whose name matches
 * the glob, each name once: available_filter_functions (tracefs) without the
 * kprobe blacklist, else the text symbols of /proc/kallsyms. Returns the
 * number of matches, fn's non-zero value when it stopped, or -errno. */
int kfunc_each(const char *glob, int (*fn)(const char *name, void *arg), void *arg);

/* kfunc_each over the functions of the modules matching mod_glob only
 * ("vmlinux" is the kernel itself); NULL for every module. */
int kfunc_each_in(const char *mod_glob, const char *glob,
		  int (*fn)(const char *name, void *arg), void *arg);

/* Whether name appears in available_filter_functions (true when that file
 * can't be read: the attach will tell). */
bool kfunc_traceable(const char *name);

/* kfunc_traceable of the function name in module mod (NULL: any module). */
bool kfunc_traceable_in(const char *mod, const char *name);

/* The module of kernel function name (the first matching mod_glob, NULL for
 * any), "vmlinux" for the kernel itself; NULL when there is none. */
const char *kfunc_module_of(const char *name, const char *mod_glob);

/* Whether mod is "vmlinux" or a loaded kernel module (/sys/module/MOD). */
bool kfunc_module_loaded(const char *mod);

/* Call fn for "vmlinux" and each loaded module whose name matches the glob;
 * the number of matches, or fn's non-zero value when it stopped. */
int kfunc_each_module(const char *glob, int (*fn)(const char *mod, void *arg), void *arg);

#endif
