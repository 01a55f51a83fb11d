/* Types of the language and the layouts they have in maps and output records.
 *
 * Storage rules, shared by codegen (which writes) and the runtime (which reads):
 * - TY_INT and TY_BOOL are stored as 8 bytes (little-endian, sign- or zero-extended) in map keys,
 *   map values and output records; `bits` is its logical width.
 * - TY_STR is `size` bytes, NUL-padded. TY_TUPLE packs its fields at 8-byte aligned
 *   offsets (field.offset), size rounded up to 8.
 * - Aggregation values (per CPU, summed by the runtime):
 *     TY_COUNT, TY_SUM: one int64;  TY_MIN, TY_MAX: { int64 value; uint64 seen; }
 *     TY_AVG, TY_STATS: { int64 total; uint64 count; }
 *     TY_HIST, TY_LHIST: uint64 count; the bucket index is the last 8 bytes of the key.
 *     TY_TSERIES: { int64 value; uint64 meta; uint64 epoch }; the bucket (epoch %
 *     intervals) is the last 8 bytes of the key (builtins/tseries.c).
 * - TY_KSTACK: { int64 stack id } into the map "kstack_<count>";
 *   TY_USTACK: { int64 stack id; uint64 pid } into the build-id stack map
 *   "ustack_<count>" (see runtime/stacks.h). A negative id is the helper's error.
 * - TY_USYM: { uint64 addr; uint64 pid; struct bpf_stack_build_id of addr }
 *   (48 bytes), so the symbol resolves after the process has exited.
 * - TY_INET: { uint64 af; uint8 addr[16] } (24 bytes).
 * - TY_KSYM / TY_USERNAME / TY_PROBE / TY_TIMESTAMP carry an 8-byte raw value
 *   that the printer converts. */
#ifndef BPFL_TYPES_H
#define BPFL_TYPES_H

struct loc;

#include <stdbool.h>
#include <stdint.h>

enum type_kind {
	TY_NONE,	/* statements, untyped */
	TY_VOID,	/* calls with no value */
	TY_INT,
	TY_BOOL,	/* true/false: comparisons, !, && and ||; stored as 8 bytes 0 or 1 */
	TY_STR,
	TY_BUF,		/* { uint32 len; uint8 data[size-8] } printed escaped */
	TY_TUPLE,
	TY_PTR,		/* pointer into kernel or user memory; elem = pointee */
	TY_RECORD,	/* a struct: tracepoint args, BTF struct; fields */
	TY_ARRAY,	/* elem[count] inside a record */
	TY_CTX,		/* the probe's context pointer */
	TY_KSTACK, TY_USTACK,
	TY_KSYM, TY_USYM,
	TY_INET,
	TY_USERNAME,
	TY_PROBE,	/* probe name, stored as an index into the probe table */
	TY_TIMESTAMP,
	TY_STRERROR,	/* strerror(errno): the number; printed as its message */
	TY_SIGNAL_NAME,	/* signal_name(signum): the number; printed as its name */
	TY_CGROUP_PATH,	/* cgroup_path(id[, filter]): the id; name: the filter */
	TY_MACADDR,	/* macaddr(mac): the 6 bytes, padded to 8 */
	/* aggregations: only as map values */
	TY_COUNT, TY_SUM, TY_MIN, TY_MAX, TY_AVG, TY_STATS, TY_HIST, TY_LHIST,
	TY_TSERIES,	/* tseries(): min = interval ns, max = intervals, step = enum tseries_agg */
	TY_KIND_COUNT
};

/* What a type kind does, one row per kind in type_kinds[] (types.c). Every stage asks
 * the row instead of switching on kinds; adding a kind is its enum entry and its row. */
enum type_flag {
	TF_AGG = 1 << 0,	/* aggregation: a per-CPU map value written only by its builtin */
	TF_NO_KEY = 1 << 1,	/* cannot be (part of) a map key */
	TF_NO_STORE = 1 << 2,	/* cannot be stored as a map value */
	TF_NO_PRINT = 1 << 3,	/* cannot be an argument of printf() and friends */
	TF_QUOTED = 1 << 4,	/* printed as text; quoted in JSON */
	TF_BUCKETS = 1 << 5,	/* histogram: the bucket index is the last 8 bytes of the key */
	TF_ENDS_NL = 1 << 6,	/* its text ends in a newline (stacks): no separator after it */
	TF_NO_TOP = 1 << 7,	/* print(@m, top) prints every entry anyway (stats) */
};

/* How a tseries combines the values of one interval (type.step). */
enum tseries_agg { TSERIES_LAST, TSERIES_AVG, TSERIES_MAX, TSERIES_MIN, TSERIES_SUM };

/* How printf's conversions take a value of the kind (%d, %s, %r). */
enum type_printf { TP_OTHER, TP_INTEGER, TP_STRING, TP_BUFFER, TP_TUPLE };

/* How the runtime combines the per-CPU values of one map entry. */
enum type_merge {
	TM_FIRST,	/* not per-CPU: CPU 0's value stands */
	TM_ADD,		/* add the first 8 bytes */
	TM_ADD2,	/* add both 8-byte words: { total, count } */
	TM_MIN,		/* { value, seen }: the smallest seen value */
	TM_MAX,		/* { value, seen }: the largest seen value */
	TM_TSERIES,	/* { value, meta, epoch }: the latest epoch's values, reduced */
};

/* The order of a map's entries when printed (bpftrace's). */
enum type_sort {
	TS_KEY,		/* by key */
	TS_UINT,	/* by the value as uint64, then key */
	TS_INT,		/* by the value in the type's sign, then key */
	TS_AVG,		/* by total / count, then raw key bytes */
};

/* What reading a map of this value kind gives in an expression. */
enum type_read {
	TR_SELF,	/* the value, of its own type */
	TR_INT,		/* the first 8 bytes as int64 */
	TR_UINT,	/* the first 8 bytes as an int64 of the type's sign */
	TR_AVG,		/* total / count, int64 */
	TR_NONE,	/* cannot be read: error naming read_name */
};

/* How a whole map of this value kind is printed. */
enum type_map_style {
	TMS_PLAIN,	/* "@m[k]: v" lines, then "\n" */
	TMS_STATS,	/* the same, then "\n\n"; JSON type "stats" */
	/* kinds with their own map layout (histograms) have a print_map hook instead */
};

struct type_ops {
	const char *name;		/* bpftrace's name in errors: "count_t", "kstack" */
	const char *printf_name;	/* name in printf errors: "integer", "count" */
	unsigned flags;			/* enum type_flag */
	uint32_t value_size;		/* bytes of one CPU's map value; 0: size rounded to 8 */
	enum type_printf printf_class;
	enum type_merge merge;
	enum type_sort sort;
	enum type_read read;
	const char *read_name;		/* TR_NONE: "stats()", "histogram" */
	enum type_map_style map_style;
};

struct type;

/* Indexed by enum type_kind; one row per kind. */
extern const struct type_ops type_kinds[];
/* The row of t's kind; the TY_NONE row for NULL. */
const struct type_ops *type_ops(const struct type *t);
/* Whether t's kind has every flag in `flags`. */
bool type_has(const struct type *t, unsigned flags);

/* One named value of a C enum. */
struct enumerator {
	const char *name;
	int64_t value;
};

struct field {
	const char *name;
	struct type *type;
	uint32_t offset;	/* byte offset in the record / tuple */
};

struct type {
	enum type_kind kind;
	uint32_t size;		/* storage size in bytes (see the rules above) */
	uint8_t bits;		/* TY_INT: logical width 8/16/32/64 */
	uint8_t stack_mode;	/* TY_KSTACK/TY_USTACK: enum stack_mode (runtime/stacks.h) */
	bool is_signed;		/* TY_INT; TY_SUM/TY_MIN/TY_MAX/TY_AVG/TY_STATS of signed */
	bool is_user;		/* TY_PTR: points into user memory */
	bool is_kaddr;		/* TY_INT: a kernel address (curtask): a cast of it
				 * is a kernel pointer, in user-space probes too */
	struct type *elem;	/* TY_PTR pointee, TY_ARRAY element */
	uint32_t count;		/* TY_ARRAY element count; TY_KSTACK/TY_USTACK depth */
	struct field *fields;	/* TY_TUPLE, TY_RECORD */
	int nfields;
	const char *name;	/* TY_RECORD: struct name */
	int64_t min, max, step;	/* aggregation parameters, compared by type_equal: TY_LHIST
				 * range; TY_HIST: step = bits (0..5) */
	uint32_t btf_id;	/* TY_RECORD/TY_PTR from kernel BTF, else 0 */
	uint32_t align;		/* TY_RECORD from a C definition: its alignment (bytes) */
	bool is_char;		/* TY_INT: C's `char` (a char array is a string) */
	bool is_data_loc;	/* TY_INT: a tracepoint's `__data_loc` word (len << 16 |
				 * offset of the data in the record): str() reads there */
	bool may_cut;		/* TY_STR read by str() without a length: when it fills
				 * its size, str() cut it (printed with the trailer) */
	const struct enumerator *enumerators;	/* TY_INT of an enum type: its values,
						 * so text output prints the name */
	int nenumerators;
};

struct arena;

/* Constructors; all allocate from the arena (NULL on exhaustion). */
struct type *type_new(struct arena *a, enum type_kind kind);
struct type *type_int(struct arena *a, int bits, bool is_signed);
struct type *type_str(struct arena *a, uint32_t size);
/* A tuple of n element types, laid out by the storage rules. */
struct type *type_tuple(struct arena *a, struct type **elems, int n);

/* The name of t's enumerator of value v (t an enum-typed TY_INT), or NULL. */
const char *type_enum_name(const struct type *t, int64_t v);
/* Whether t is a record, (a=1, b="x"): a tuple whose fields have names. */
bool type_is_record(const struct type *t);
/* The index of t's field called name, or -1. */
int type_field_index(const struct type *t, const char *name);

/* Same type for map unification: kinds, sizes, signs, fields and hist parameters. */
bool type_equal(const struct type *a, const struct type *b);
bool type_is_aggregation(const struct type *t);
bool type_is_integer(const struct type *t);	/* TY_INT (and ints from pointers) */
/* Whether codegen holds t in an i64 (TY_INT, TY_BOOL, TY_PTR), not in memory. */
bool type_is_scalar(const struct type *t);
/* Bytes a value of t takes in C memory (a struct member, an array element, what a
 * pointer points at): integers their width, pointers 8, records and arrays their
 * size; 1 for void (NULL), so `void *` arithmetic counts bytes as in GNU C. */
uint32_t type_c_size(const struct type *t);
/* Whether t is signed after C's promotion to 64 bits: every integer narrower
 * than 64 bits becomes int64; only uint64 (and pointers) stay unsigned. */
bool type_promotes_signed(const struct type *t);

/* Name as bpftrace prints it in errors: "int64", "uint32", "string[4]",
 * "(int64,string[16])", "count_t", "hist_t", "struct path *". Writes into buf. */
const char *type_name(const struct type *t, char *buf, int size);

/* A map as sema knows it after unifying all its uses. */
struct map_def {
	const char *name;	/* "@" or "@name" */
	struct type *key;	/* NULL for a map without keys; a tuple for several keys;
				 * hist/lhist: the user key, without the bucket */
	struct type *value;
	uint32_t key_size;	/* bytes of the BPF map key (incl. hist bucket; 8 if no key) */
	uint32_t value_size;	/* bytes of one CPU's value */
	bool percpu;		/* aggregations live in per-CPU maps */
	int id;			/* index in program.maps */
	uint32_t max_entries;
	const struct node *first_use;	/* for "other use here" diagnostics */
	bool assigned;		/* sema: target of an assignment, even a failed one */
	int8_t keyed;		/* sema: -1 not yet seen, 0 scalar, 1 with keys */
	const char *sym;	/* BPF map name in the object (set by codegen) */
	uint32_t bpf_type;	/* enum bpf_map_type (set by codegen) */
	const struct node *decl;	/* `let @m = hash(N);` (N_MAPDECL) or NULL */
	uint32_t decl_type;	/* its enum bpf_map_type; 0 without a declaration */
	uint32_t decl_max;	/* its max entries */
	bool decl_percpu;	/* its kind is per-CPU */
};

enum action_kind {
	ACT_PRINTF,	/* fmt, args */
	ACT_EXIT,	/* args[0]: exit code (int) */
	ACT_TIME,	/* fmt: strftime format */
	ACT_SYSTEM,	/* fmt, args; run through the shell */
	ACT_CAT,	/* fmt, args: file name */
	ACT_PRINT_MAP,	/* map; top, div in record */
	ACT_PRINT_VALUE,/* args[0] */
	ACT_CLEAR,	/* map */
	ACT_ZERO,	/* map */
	ACT_JOIN,	/* fmt: the delimiter; JOIN_MAX_ARGS strings of JOIN_ARG_SIZE at 8 */
	ACT_ERRORF,	/* fmt, args: a located error message (the site's) */
	ACT_WARNF,	/* fmt, args: a located warning message */
	ACT_KIND_COUNT
};

/* join(argv): at most this many strings of this size each, as bpftrace. */
#define JOIN_MAX_ARGS 16
#define JOIN_ARG_SIZE 64

/* One output action of the program: the record that the BPF side writes to the
 * ring buffer is { uint64 id; args at offsets }, `size` bytes in all. */
struct action {
	enum action_kind kind;
	int id;				/* index in program.actions, written first */
	const char *fmt;		/* printf/system/cat/time format, decoded */
	struct type **args;		/* nargs argument types */
	uint32_t *offsets;		/* byte offset of each argument in the record */
	int nargs;
	uint32_t size;			/* record size in bytes, multiple of 8 */
	struct map_def *map;		/* ACT_PRINT_MAP/CLEAR/ZERO */
	const struct node *site;	/* the call, for runtime diagnostics */
	const struct loc *expanded;	/* the macro calls the site was expanded
					 * from, innermost first */
	int nexpanded;
};

#endif
