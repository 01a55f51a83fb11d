/* Code generator internals shared by the codegen files and the builtins' emit
 * hooks. Values: integers and pointers are i64; every other value (strings,
 * tuples, records) is written into memory by cg_expr_into. */
#ifndef BPFL_CG_H
#define BPFL_CG_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "lang/program.h"

/* Ring buffer sizes: a program that streams records from traced probes gets
 * the large one; BEGIN/END output and exit records fit in the small one. User
 * space is woken once an eighth of the buffer is pending (else it polls). */
#define RB_STREAM_BYTES (8u << 20)	/* absorbs ~100 ms of a 1M records/s stream */
#define RB_SMALL_BYTES (1u << 20)
#define RB_WAKEUP_DIVISOR 8
/* The control ring buffer (ABI_CTLBUF_NAME): exit, print, clear, zero, time and
 * error records, a few dozen bytes each, so a printf flood can never crowd
 * them out of the output ring. */
#define RB_CONTROL_BYTES (64u << 10)

/* A pooled stack slot of the function being emitted (slots.c). */
struct cg_slot {
	LLVMValueRef ptr;		/* its alloca, in the entry block */
	uint32_t size;			/* bytes, a multiple of 8 */
	bool busy;			/* taken by a statement still being emitted */
	struct cg_slot *next;		/* the next slot of the pool */
	struct cg_slot *next_busy;	/* the slot taken before this one */
};

/* The slots of the function being emitted (slots.c); a for loop's callback
 * gets its own while it is emitted. */
struct cg_frame {
	LLVMValueRef scratch_base;	/* this CPU's scratch area, looked up in entry */
	LLVMValueRef var_base;		/* start of the $variables' scratch region: an
					 * offset patched once the probe is emitted */
	struct cg_slot *pool;		/* every pooled stack temporary */
	struct cg_slot *busy;		/* the taken ones, newest first */
	LLVMValueRef *temp_at;		/* address of the scratch temporary at each
					 * offset / 8, computed once in init */
	uint32_t ntemp_at;		/* entries of temp_at */
	uint32_t stack_bytes;		/* bytes of stack slots the function has */
};

/* What a statement gives back when it ends (cg_mark, cg_release). */
struct cg_mark {
	struct cg_slot *busy;		/* the stack slots taken then */
	uint32_t temp_top;		/* the top of the scratch temporaries then */
};

/* A function emitted for a probe (slots.c): for its $variables' region and
 * for the error when the BPF stack limit refuses it. */
struct cg_fn {
	const char *name;		/* its LLVM name */
	const struct node *probe;	/* the probe it is or belongs to */
	int index;			/* the probe_def.index of the program it is in */
	const struct node *over;	/* the statement that took its stack past the
					 * limit by our count; NULL if none did */
	LLVMValueRef var_base;		/* its frame's var_base, patched at the end */
	struct cg_fn *next;		/* the function emitted before */
};

/* A map's update subprogram in a big probe (outline.c), and the call it was
 * made from. */
struct cg_agg_fn {
	LLVMValueRef fn;
	const struct node *call;
};

/* An output subprogram of a big probe (outline.c), by record size. */
struct cg_out_fn {
	uint32_t size;
	LLVMValueRef fn;
	struct cg_out_fn *next;
};

struct cg_var {
	const char *name;	/* "$x" */
	LLVMValueRef ptr;	/* its stack slot */
	struct type *type;
	struct cg_var *next;
};

struct cg {
	struct program *p;
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_file, di_cu;
	LLVMMetadataRef di_func_type;	/* long (void *ctx), shared by every probe */
	LLVMMetadataRef di_ctx_type;	/* void * */
	LLVMValueRef count_fn;		/* len()'s callback, once defined */
	unsigned nloops;		/* for loop callbacks so far (their names) */
	LLVMMetadataRef di_sp;		/* the current function's DISubprogram */
	LLVMTypeRef i8, i16, i32, i64, ptr, voidt;
	LLVMValueRef *maps;		/* map globals by map_def.id */
	LLVMValueRef ringbuf, lost;	/* output ring buffer, lost-record counter */
	LLVMValueRef ctlbuf;		/* control ring buffer, when the program has
					 * control actions (cg_action_is_control) */
	LLVMValueRef exited;		/* ABI_EXITED_NAME, when the program calls exit() */
	LLVMValueRef scratch;		/* the per-CPU scratch map (a placeholder until
					 * cg_scratch_define knows its size) */
	uint32_t scratch_max;		/* largest scratch area of any probe */
	/* per probe: its functions share the scratch area as two regions,
	 * temporaries from 0 (a stack: statements give theirs back) and
	 * $variables after the temporaries' high-water mark */
	uint32_t temp_top, temp_max;	/* temporaries: the current top, the highest */
	uint32_t var_used;		/* $variables: bytes so far */
	const struct node *stmt;	/* the statement being emitted (or NULL) */
	struct cg_fn *fns;		/* every function emitted, newest first */
	const char *llvm_error;		/* LLVM's first error diagnostic, or NULL */
	const char *stack_fn;		/* the function LLVM found over the BPF stack
					 * limit, or NULL */
	/* per function */
	LLVMValueRef fn;
	LLVMValueRef ctxarg;		/* the program's context pointer */
	LLVMBasicBlockRef entry;	/* allocas (and the scratch lookup) go here */
	LLVMBasicBlockRef init;		/* after entry: zeroing of $variable slots */
	const struct probe_def *pdef;
	struct cg_var *vars;
	LLVMBasicBlockRef brk, cont;	/* innermost while loop's exits; NULL at the top
					 * of a for loop's callback (break returns 1) */
	LLVMValueRef loop_ret;		/* in a for loop's callback: the i64 that `return`
					 * sets so the caller returns too; else NULL */
	struct cg_frame frame;		/* its slots */
	struct cg_fn *fn_info;		/* its entry in `fns` */
	LLVMValueRef sys_nr;		/* syscall tracepoints: the number, as the
					 * dispatch read it (codegen/syscall.c) */
	LLVMValueRef probe_index;	/* syscall tracepoints: `probe`'s index as the
					 * dispatch found it; NULL elsewhere */
	LLVMValueRef agg_now;		/* tseries: the clock its emit_bucket read, for
					 * its emit_update (one reading for both) */
	/* big probes (outline.c) */
	bool outline;			/* this probe calls the shared subprograms */
	struct cg_agg_fn *agg_fns;	/* by map id: its update subprogram, once made */
	LLVMValueRef agg_arg;		/* in an update subprogram: the caller's argument */
	struct cg_out_fn *out_fns;	/* the output subprograms made so far */
};

/* ---- expressions (expr.c) ---- */
/* The value of an integer or pointer expression, as an i64. */
LLVMValueRef cg_expr(struct cg *c, struct node *n);
/* Write the value of n (any type) into dst in its storage layout. */
void cg_expr_into(struct cg *c, struct node *n, LLVMValueRef dst);
/* Write the len bytes of s and a NUL at dst. */
void cg_store_bytes(struct cg *c, const char *s, size_t len, LLVMValueRef dst);
/* Write the value of n into dst laid out as type `to`, which sema unified
 * with n's type: strings may be larger there, a record's fields in another
 * order (a variable's or map's type after every assignment widened it). */
void cg_expr_into_as(struct cg *c, struct node *n, LLVMValueRef dst, const struct type *to);
/* l op r on i64 values of types lt and rt: + and - move a pointer by whole
 * elements and the difference of two pointers counts elements, as in C; the rest
 * is cg_arith. */
LLVMValueRef cg_binop(struct cg *c, enum binop op, LLVMValueRef l, const struct type *lt,
		      LLVMValueRef r, const struct type *rt, bool is_signed);
/* 1 when strings l and r are equal over at most limit bytes, else 0 (i64). */
LLVMValueRef cg_str_equal(struct cg *c, struct node *l, struct node *r, uint32_t limit);

/* ---- memory behind pointers (deref.c) ---- */
/* The value of a field or index expression whose base is a pointer or a BTF
 * struct: integers and pointers are read with probe_read; a struct or array
 * value is its address (so `a->b.c` and `a->arr[i]` chain). */
LLVMValueRef cg_deref(struct cg *c, struct node *n);
/* Read a field or index expression of another type (a char array: string)
 * into dst. */
void cg_deref_into(struct cg *c, struct node *n, LLVMValueRef dst);
/* The value of pointer expression n as a helper that takes a BTF-typed kernel
 * pointer (bpf_d_path) needs it: the verifier types as such only what is
 * loaded from the context, so a pointer field of the probe's typed context
 * (an iterator's ctx.file) is loaded from there, not read with probe_read
 * (fentry's args are loaded so anyway); any other pointer is its value. May
 * be NULL (an iterator's fields are): check it before use. */
LLVMValueRef cg_kernel_ptr(struct cg *c, struct node *n);

/* ---- big probes (outline.c) ---- */
/* In a big probe (c->outline), update aggregation `call` of map m at key
 * (built by the caller) by calling m's shared update subprogram; false when
 * the probe is small or the update stays inline. */
bool cg_outline_agg(struct cg *c, struct map_def *m, struct node *call, LLVMValueRef key);
/* The value an aggregation's update applies (sum(x): x): the caller's, in an
 * update subprogram, else evaluated here. */
LLVMValueRef cg_agg_arg(struct cg *c, struct node *call);
/* The shared subprogram that copies a record of size bytes into the output
 * ring (cg_output_copy), or NULL; and a call of it on rec. */
LLVMValueRef cg_outline_out(struct cg *c, uint32_t size);
void cg_outline_call_out(struct cg *c, LLVMValueRef fn, LLVMValueRef rec);

/* Copy the record of size bytes at rec into the output ring buffer, or count
 * it lost (maps.c). */
void cg_output_copy(struct cg *c, LLVMValueRef rec, uint32_t size);

/* ---- IR primitives (ir.c) ---- */
/* What struct cg holds for the function being emitted; saved while another
 * function (a loop's callback, a syscall's case) is emitted, then restored. */
struct cg_fn_state {
	LLVMValueRef fn, ctxarg, loop_ret, sys_nr, probe_index;
	LLVMBasicBlockRef entry, init, brk, cont, at;
	LLVMMetadataRef di_sp, loc;
	struct cg_var *vars;
	struct cg_frame frame;
	struct cg_fn *fn_info;
	const struct probe_def *pdef;
};
void cg_fn_save(struct cg *c, struct cg_fn_state *st);
void cg_fn_restore(struct cg *c, const struct cg_fn_state *st);
/* A new static BPF subprogram `name` of type fty in .text, never inlined (the
 * kernel verifies it once per call site, with its caller's context types). */
LLVMValueRef cg_subprog_add(struct cg *c, const char *name, LLVMTypeRef fty);
/* Attribute the instructions built from now on to n's line and column, so the
 * object's BTF line info maps each BPF instruction back to the script. */
void cg_set_loc(struct cg *c, const struct node *n);
LLVMValueRef cg_const(struct cg *c, uint64_t v);
/* Call BPF helper `id` with i64/pointer arguments; returns its i64 result. */
LLVMValueRef cg_helper(struct cg *c, int id, LLVMValueRef *args, int n);
/* Call the overloaded LLVM intrinsic `name` (e.g. "llvm.bswap") of type ty on v. */
LLVMValueRef cg_intrinsic1(struct cg *c, const char *name, LLVMTypeRef ty, LLVMValueRef v);
/* ---- slots (slots.c) ---- */
/* A temporary of size bytes (not initialised), held until the statement being
 * emitted ends (cg_release), then reused by the next one: on the stack, or,
 * when larger than CG_STACK_SLOT_MAX, in the per-CPU scratch map, so big
 * strings, keys and tuples never overflow the 512-byte BPF stack. */
#define CG_STACK_SLOT_MAX 16
LLVMValueRef cg_alloca(struct cg *c, uint32_t size);
/* A temporary in this CPU's scratch area (a map value: the verifier does not
 * track what is stored there). */
LLVMValueRef cg_scratch_alloca(struct cg *c, uint32_t size);
/* A temporary that is always on the stack, whatever its size: what a helper
 * takes as a pointer to the stack (the context of a loop callback). */
LLVMValueRef cg_stack_alloca(struct cg *c, uint32_t size);
/* A slot for the whole function (a $variable's), never reused; on the stack
 * or in scratch as cg_alloca chooses. */
LLVMValueRef cg_var_alloca(struct cg *c, uint32_t size);
/* The temporaries held now; cg_release gives back every one taken since. */
struct cg_mark cg_mark(const struct cg *c);
void cg_release(struct cg *c, struct cg_mark m);
/* Start the slots of a new function `name` of the probe being emitted (the
 * frame is empty; a caller saves the previous one), and finish them: chain
 * entry → init → body, returning `ret` when the scratch lookup failed. */
void cg_frame_begin(struct cg *c, const char *name);
void cg_frame_end(struct cg *c, LLVMBasicBlockRef body, LLVMValueRef ret);
/* The probe's functions are all emitted: place their $variables' region
 * after the temporaries' and size the scratch area for it. */
void cg_probe_slots_end(struct cg *c);
/* The BPF stack limit the kernel applies to each program. */
#define CG_STACK_LIMIT 512

void cg_zero(struct cg *c, LLVMValueRef dst, uint32_t size);
/* Store len constant bytes and a NUL at dst (a string literal's value). */
void cg_store_bytes(struct cg *c, const char *s, size_t len, LLVMValueRef dst);
void cg_copy(struct cg *c, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
/* dst + off bytes. */
LLVMValueRef cg_gep(struct cg *c, LLVMValueRef ptr, uint32_t off);
LLVMValueRef cg_load64(struct cg *c, LLVMValueRef ptr);
void cg_store64(struct cg *c, LLVMValueRef v, LLVMValueRef ptr);
/* A phi at the builder's position: a when coming from block ba, b from bb. */
LLVMValueRef cg_phi2(struct cg *c, LLVMTypeRef ty, LLVMValueRef a, LLVMBasicBlockRef ba,
		     LLVMValueRef b, LLVMBasicBlockRef bb);
/* A new basic block in the current function. */
LLVMBasicBlockRef cg_block(struct cg *c, const char *name);
/* `return 0` from the current function. */
void cg_return(struct cg *c);
/* l op r on i64 values with C's rules: signed / and % truncate (computed from
 * unsigned division, as BPF before cpu v4 has no signed division). */
LLVMValueRef cg_arith(struct cg *c, enum binop op, LLVMValueRef l, LLVMValueRef r,
		      bool is_signed);

/* ---- chains of programs (chunks.c) ---- */
/* How many programs probe_def d's body runs as (*nchunks), and the first
 * statement of each, NULL-terminated (NULL when it is one program); *nchunks
 * is below 1 after a located error (a limit no split avoids). */
struct node **cg_chunks(struct cg *c, struct probe_def *d, int *nchunks);

/* ---- the kernel's limits (limits.c) ---- */
/* Catch LLVM's diagnostics for this compilation (its default ends the process). */
void cg_limits_init(struct cg *c);
/* After emission of obj (NULL if it failed): report a limit LLVM met (the BPF
 * stack) at the statement that hit it, in our words. 0 or -errno. */
int cg_limits_check(struct cg *c, const void *obj, size_t size);

/* ---- syscall tracepoints on raw_syscalls (syscall.c) ---- */
/* Emits the body of the probe d (everything after the dispatch); arg is the
 * caller's, passed through. */
typedef void (*cg_body_fn)(struct cg *c, const struct probe_def *d, const void *arg);
/* The program of owner's group: test the syscall number, then run body for
 * the probe_def it selects: one body, or, when the bodies read their own
 * layout, one subprogram per def, called from a switch. */
void cg_syscall_emit(struct cg *c, const struct probe_def *owner, cg_body_fn body,
		     const void *arg);
/* The syscall's number (i64). */
LLVMValueRef cg_syscall_nr(struct cg *c);
/* `probe`'s index in a program shared by several syscalls. */
LLVMValueRef cg_syscall_probe_index(struct cg *c);
/* The value of field f of `args` (i64, not yet narrowed to its type). */
LLVMValueRef cg_syscall_field(struct cg *c, const struct field *f);
/* `args` as a record value, written at dst. */
void cg_syscall_args_into(struct cg *c, const struct type *rec, LLVMValueRef dst);

/* ---- statements (stmt.c) ---- */
/* Emit the statements of a block; its $variables get slots of their own and
 * end with it (sema scopes them the same way). */
void cg_emit_block(struct cg *c, struct node *list);
/* The statements of list, in the current scope (a block expression's, whose
 * value still reads its variables). */
void cg_emit_stmts(struct cg *c, struct node *list);
/* The statements of a list from first up to (not including) stop, in a
 * block of their own (a chunk of a probe's body, see chunks.c). */
void cg_emit_range(struct cg *c, struct node *first, struct node *stop);
/* A condition (if, while, predicate) as an i1: its value is not zero. */
LLVMValueRef cg_truth(struct cg *c, struct node *cond);
/* The slot of $variable var (created, zeroed in the init block, on first use). */
LLVMValueRef cg_var_ptr(struct cg *c, struct node *var);
/* `return` from the probe: from a for loop's callback, set the flag its caller
 * checks and stop the iteration. */
void cg_emit_return(struct cg *c);

/* ---- for loops (loop.c) ---- */
/* for ($kv : @map) and for ($i : a..b): the body is a callback subprogram of
 * bpf_for_each_map_elem / bpf_loop that reaches the probe's variables through
 * a context of pointers. */
void cg_emit_for(struct cg *c, struct node *n);

/* ---- maps and output (maps.c) ---- */
/* Build the key of a use of map m (N_MAP node `use`, may be NULL for keyless
 * access) on the stack; bucket (i64 or NULL) goes into the last 8 bytes. */
LLVMValueRef cg_map_key(struct cg *c, struct map_def *m, struct node *use, LLVMValueRef bucket);
/* Pointer to the value at key, created zeroed when missing; it is NULL only
 * when the map is full, so callers branch with cg_if_nonnull. */
LLVMValueRef cg_map_lookup_or_init(struct cg *c, struct map_def *m, LLVMValueRef key);
/* Branch on ptr != NULL: the builder continues in the non-NULL block; returns
 * the join block, which the caller branches to and then positions at. */
LLVMBasicBlockRef cg_if_nonnull(struct cg *c, LLVMValueRef ptr);
/* Pointer to the value at key or NULL (i64 0 compare needed by caller). */
LLVMValueRef cg_map_lookup(struct cg *c, struct map_def *m, LLVMValueRef key);
/* The value of an aggregation at key, merged over every CPU as the printer
 * merges it (type_ops.merge), read with bpf_map_lookup_percpu_elem: counts and
 * sums add up, avg divides the totals, min/max compare the CPUs that saw a
 * value; 0 when no CPU has the key. */
LLVMValueRef cg_map_read_percpu(struct cg *c, struct map_def *m, LLVMValueRef key);
void cg_map_update(struct cg *c, struct map_def *m, LLVMValueRef key, LLVMValueRef val);
void cg_map_delete(struct cg *c, struct map_def *m, LLVMValueRef key);
/* Emit output action `id`: reserve its record in the ring buffer, write the id,
 * `extra` i64 values after it, then each argument of `args`; submit. */
void cg_emit_action(struct cg *c, int id, struct node *args, LLVMValueRef *extra, int nextra);
/* Emit output action `id` whose payload (at offset 8 of the reserved record)
 * `fill` writes in place, from node n. */
typedef void (*cg_fill_fn)(struct cg *c, struct node *n, LLVMValueRef payload);
void cg_emit_action_with(struct cg *c, int id, cg_fill_fn fill, struct node *n);
/* Slot `slot` of this CPU's counters (ABI_COUNTERS_NAME, runtime.h), as an i64. */
LLVMValueRef cg_counter_load(struct cg *c, uint32_t slot);
/* exit(code): set the flag (1 << 32 | code) that ends every later run of the
 * traced probes at once and that the runtime polls (programs that call exit()
 * only; see ABI_EXITED_NAME). */
void cg_mark_exited(struct cg *c, LLVMValueRef code);
/* Whether records of this kind go to the control ring buffer (src/lang/abi.h). */
bool cg_action_is_control(enum action_kind kind);
/* A probe's first check in a program that calls exit(): return when it was called. */
void cg_emit_exit_guard(struct cg *c);
/* Define the scratch map, sized for the largest function, in place of the
 * placeholder (btf.c); after every function is emitted. */
void cg_scratch_define(struct cg *c);
/* The map global `sym` described by these numbers (0: field absent), defined
 * on first call, the same global afterwards (btf.c). For maps that builtins
 * need besides the program's own, such as stack trace maps. */
LLVMValueRef cg_map_define_raw(struct cg *c, const char *sym, uint32_t type, uint32_t key_size,
			       uint32_t value_size, uint32_t max_entries, uint32_t map_flags);
/* The ring buffer's size for this program: RB_STREAM_BYTES or RB_SMALL_BYTES. */
uint32_t cg_ringbuf_size(const struct cg *c);
/* The callback for bpf_for_each_map_elem that adds one to the u64 its context
 * points at: a static BPF subprogram, defined on first use (maps.c). */
LLVMValueRef cg_map_count_fn(struct cg *c);
/* Create the map globals and the ring buffer with BTF descriptions (btf.c). */
int cg_maps_define(struct cg *c);

#endif
