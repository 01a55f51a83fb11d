/* USDT (SystemTap SDT) probes of an ELF file: the .note.stapsdt notes, each a
 * site (address, semaphore, provider, name, argument specs), grouped into
 * probes by provider:name. Argument specs are parsed into reads of the
 * x86-64 pt_regs context so that codegen emits them directly (no BPF-side
 * spec interpreter, as libbpf's usdt.bpf.h has). */
#ifndef BPFL_USDT_H
#define BPFL_USDT_H

#include <stdbool.h>
#include <stdint.h>

struct arena;

#define USDT_MAX_ARGS 12

#define USDT_REG_MAX 8

enum usdt_arg_kind {
	USDT_ARG_CONST,		/* $imm: val */
	USDT_ARG_REG,		/* %reg: the register's value */
	USDT_ARG_MEM,		/* off(%reg): user memory at reg + val */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	int size;		/* bytes: 1, 2, 4 or 8 */
	bool is_signed;		/* a negative size in the spec */
	char reg[USDT_REG_MAX];	/* the register, AT&T without '%' ("edi") */
	int reg_off;		/* its offset in struct pt_regs, set by the
				 * usdt family from src/arch/; -1 unknown */
	int64_t val;		/* the constant, or the memory offset */
};

struct usdt_site {
	uint64_t offset;	/* file offset of the probe instruction (uprobe) */
	uint64_t sema_offset;	/* file offset of the semaphore, 0 when none */
	int nargs;
	struct usdt_arg args[USDT_MAX_ARGS];
};

struct usdt_probe {
	const char *path;	/* the ELF file */
	const char *provider, *name;
	struct usdt_site *sites;
	int nsites;
};

/* Every probe of the ELF file at path, sorted by provider then name. 0 (none
 * is fine) or -errno. Sites with argument specs we cannot read are kept with
 * nargs = -1, so that using their arguments is an error, not garbage. */
int usdt_read(struct arena *a, const char *path, struct usdt_probe **probes, int *n);

/* Parse one argument spec ("-4@-20(%rbp)", "8@%rax", "4@$5"). 0 or -EINVAL. */
int usdt_parse_arg(const char *spec, struct usdt_arg *arg);

/* Parse a whole space-separated argument string; the number of arguments, or
 * -EINVAL when one cannot be parsed. */
int usdt_parse_args(const char *text, struct usdt_arg *args, int max);

#endif
