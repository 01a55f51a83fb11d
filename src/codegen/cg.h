/* Code generator internals shared by the codegen files and the builtins' emit
 * hooks. Values: integers and pointers are i64; every other value (strings,
 * tuples, records) is written into memory by cg_expr_into. */
#ifndef BPFL_CG_H
#define BPFL_CG_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>

#include "parser/program.h"

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
	LLVMTypeRef i8, i16, i32, i64, ptr, voidt;
	LLVMValueRef *maps;		/* map globals by map_def.id */
	LLVMValueRef ringbuf, lost;	/* output ring buffer, lost-record counter */
	/* per function */
	LLVMValueRef fn;
	LLVMValueRef ctxarg;		/* the program's context pointer */
	LLVMBasicBlockRef entry;	/* allocas go here */
	const struct probe_def *pdef;
	struct cg_var *vars;
	LLVMBasicBlockRef brk, cont;	/* innermost while loop's exits */
};

/* ---- expressions (expr.c) ---- */
/* The value of an integer or pointer expression, as an i64. */
LLVMValueRef cg_expr(struct cg *c, struct node *n);
/* Write the value of n (any type) into dst in its storage layout. */
void cg_expr_into(struct cg *c, struct node *n, LLVMValueRef dst);

/* ---- memory behind pointers (deref.c) ---- */
/* The value of a field or index expression whose base is a pointer or a BTF
 * struct: integers and pointers are read with probe_read; a struct or array
 * value is its address (so `a->b.c` and `a->arr[i]` chain). */
LLVMValueRef cg_deref(struct cg *c, struct node *n);
/* Read a field or index expression of another type (a char array: string)
 * into dst. */
void cg_deref_into(struct cg *c, struct node *n, LLVMValueRef dst);

/* ---- helpers (codegen.c) ---- */
LLVMValueRef cg_const(struct cg *c, uint64_t v);
/* Call BPF helper `id` with i64/pointer arguments; returns its i64 result. */
LLVMValueRef cg_helper(struct cg *c, int id, LLVMValueRef *args, int n);
/* A stack slot of size bytes in the function's entry block (not initialised). */
LLVMValueRef cg_alloca(struct cg *c, uint32_t size);
void cg_zero(struct cg *c, LLVMValueRef dst, uint32_t size);
void cg_copy(struct cg *c, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
/* dst + off bytes. */
LLVMValueRef cg_gep(struct cg *c, LLVMValueRef ptr, uint32_t off);
LLVMValueRef cg_load64(struct cg *c, LLVMValueRef ptr);
void cg_store64(struct cg *c, LLVMValueRef v, LLVMValueRef ptr);
/* A new basic block in the current function. */
LLVMBasicBlockRef cg_block(struct cg *c, const char *name);

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
void cg_map_update(struct cg *c, struct map_def *m, LLVMValueRef key, LLVMValueRef val);
void cg_map_delete(struct cg *c, struct map_def *m, LLVMValueRef key);
/* Emit output action `id`: reserve its record in the ring buffer, write the id,
 * `extra` i64 values after it, then each argument of `args`; submit. */
void cg_emit_action(struct cg *c, int id, struct node *args, LLVMValueRef *extra, int nextra);
/* Create the map globals and the ring buffer with BTF descriptions (btf.c). */
int cg_maps_define(struct cg *c);

#endif
