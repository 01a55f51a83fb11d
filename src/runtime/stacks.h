/* Stacks and symbols at print time: kstack/ustack frames from the stack trace
 * maps, ksym/usym values. The printers of print.c call these for TY_KSTACK,
 * TY_USTACK, TY_KSYM and TY_USYM; the runtime gives them the loaded object.
 *
 * Contract with codegen (builtins/stack.c, builtins/sym.c):
 * - kstack(N) is bpf_get_stackid(ctx, kstack_N, 0) into BPF_MAP_TYPE_STACK_TRACE
 *   "kstack_<N>" (value N * 8 bytes of instruction pointers).
 * - ustack(N) is bpf_get_stackid(ctx, ustack_N, BPF_F_USER_STACK) into a stack map
 *   "ustack_<N>" with BPF_F_STACK_BUILD_ID: each frame is a struct
 *   bpf_stack_build_id { status, build id, file offset (or the ip when the kernel
 *   could not read the build id) }, captured at event time.
 * - The stored word of either (ustack: its first 8 bytes) is the stack id,
 *   sign-extended (negative: the capture failed); when the program takes len()
 *   of a stack (program.stack_frames), the id is in the low 32 bits only and
 *   the number of frames above them (STACK_FRAMES_SHIFT). stack_word_id
 *   reads the id of either form. */
#ifndef BPFL_STACKS_H
#define BPFL_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/config.h"
#include "lang/types.h"
#include "util/sb.h"

/* The values of the stack_mode setting, so its default is a mode as it is. */
enum stack_mode {
	STACK_MODE_BPFTRACE = CONFIG_STACK_BPFTRACE,	/* "symbol+offset" indented */
	STACK_MODE_PERF = CONFIG_STACK_PERF,	/* "\t<hex addr> symbol+offset (module)" */
	STACK_MODE_RAW = CONFIG_STACK_RAW,	/* "<hex addr>" */
	STACK_MODE_BUILD_ID = CONFIG_STACK_BUILD_ID,	/* ustack: "<build id> 0x<file offset>" */
};

/* New pids with user stacks: an LRU set in BPF and a ring buffer of their pids
 * (force-woken), so user space reads /proc/PID/maps while the process runs. */
#define STACK_PIDS_SEEN "pids_seen"
#define STACK_PIDS_SEEN_ENTRIES 8192
#define STACK_PIDS_RB "pids_rb"
#define STACK_PIDS_RB_BYTES (256u << 10)

#define STACK_FRAMES_SHIFT 32
#define STACK_FRAMES_MASK 0xffff

/* The stack id in a stored stack word (see above). */
static inline int64_t stack_word_id(int64_t word)
{
	return (int32_t)(uint32_t)word;
}

#define STACK_DEPTH_DEFAULT 127	/* the kernel's perf_event_max_stack default */
#define STACK_MAP_ENTRIES 4096

/* "kstack_<depth>" or "ustack_<depth>" into buf. */
void stack_map_name(char *buf, size_t size, bool user, uint32_t depth);

struct bpf_object;
/* The object whose stack maps the printers read (NULL: none); the binaries a
 * program probes (uprobe targets) are indexed for build ids right away. */
void stack_set_object(struct bpf_object *obj);
void stack_add_binary(const char *path);
struct ring_buffer;
/* Poll STACK_PIDS_RB, when the object has it, with the output ring buffers;
 * each new pid's maps are read when it arrives. 0 or -errno. */
int stack_watch_pids(struct ring_buffer *rb);
/* Free the user-symbol cache (at the end of a run). */
void stack_fini(void);

/* Print a TY_KSTACK/TY_USTACK value: "\n" then one line per frame, indented by
 * 4 spaces in a map key and 8 elsewhere (bpftrace mode), as bpftrace does. */
void stack_print(struct sb *out, const struct type *t, const void *data, bool is_key);
/* Print a TY_KSYM/TY_USYM value: the symbol without offset, else the address. */
void stack_print_sym(struct sb *out, const struct type *t, const void *data);

/* Counters for -v and tests. */
unsigned stack_lookup_failures(void);

#endif
