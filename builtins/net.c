/* Network builtins: ntop(addr), ntop(af, addr), pton("address"). The value of ntop is the TY_INET layout
 * { uint64 af; uint8 addr[16] }: an integer is an IPv4 address as it lies in
 * memory (network order, as in struct in_addr), a 4-byte array IPv4, a 16-byte
 * array IPv6; the printer formats it with inet_ntop. pton is its inverse, done at
 * compile time: the address bytes as a uint8[4] or uint8[16] array. */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/socket.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "sema/sema.h"

#define INET_SIZE 24

/* The address family an address argument of type t implies (0: not one). */
static int addr_family(const struct type *t)
{
	if (t->kind == TY_INT)
		return AF_INET;
	if (t->kind == TY_ARRAY && t->size == 4)
		return AF_INET;
	if (t->kind == TY_ARRAY && t->size == 16)
		return AF_INET6;
	return 0;
}

static bool check_ntop(struct sema *s, struct node *n)
{
	struct node *af = n->call.args->next ? n->call.args : NULL;
	struct node *addr = af ? af->next : n->call.args;
	if (af && !sema_want_int(s, n, af, 0))
		return false;
	struct type *t = sema_expr(s, addr);
	if (t->kind == TY_NONE)
		return false;
	if (!addr_family(t)) {
		char b[128];
		diag_error(s->d, addr->loc,
			   "ntop() expects an integer or an array of 4 or 16 bytes (%s supplied)",
			   type_name(t, b, sizeof b));
		return false;
	}
	n->type = type_new(s->a, TY_INET);
	n->type->size = INET_SIZE;
	return true;
}

static void emit_ntop(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *af = n->call.args->next ? n->call.args : NULL;
	struct node *addr = af ? af->next : n->call.args;
	cg_zero(c, dst, INET_SIZE);
	cg_store64(c, af ? cg_expr(c, af) : cg_const(c, (uint64_t)addr_family(addr->type)), dst);
	LLVMValueRef at = cg_gep(c, dst, 8);
	if (addr->type->kind == TY_INT) {
		LLVMValueRef v = LLVMBuildTrunc(c->b, cg_expr(c, addr), c->i32, "");
		LLVMBuildStore(c->b, v, at);
	} else {
		cg_expr_into(c, addr, at);
	}
}

/* pton("addr"): a literal; IPv6 when it has a ':', else IPv4 (bpftrace's rule). */
static bool check_pton(struct sema *s, struct node *n)
{
	struct node *a = n->call.args;
	if (!sema_want_literal(s, n, a))
		return false;
	bool v6 = strchr(a->str.value, ':') != NULL;
	uint8_t bytes[16];
	if (inet_pton(v6 ? AF_INET6 : AF_INET, a->str.value, bytes) != 1) {
		struct diag *dg = diag_error(s->d, a->loc, "pton() expects a valid %s address",
					     v6 ? "IPv6" : "IPv4");
		diag_hint(s->d, dg, "e.g. pton(\"127.0.0.1\") or pton(\"::1\")");
		return false;
	}
	n->type = type_new(s->a, TY_ARRAY);
	n->type->elem = type_int(s->a, 8, false);
	n->type->count = n->type->size = v6 ? 16 : 4;
	return true;
}

/* The address's bytes, stored one by one (they are known at compile time). */
static void emit_pton(struct cg *c, struct node *n, LLVMValueRef dst)
{
	uint8_t bytes[16];
	uint32_t len = n->type->size;
	inet_pton(len == 16 ? AF_INET6 : AF_INET, n->call.args->str.value, bytes);
	for (uint32_t i = 0; i < len; i++)
		LLVMBuildStore(c->b, LLVMConstInt(c->i8, bytes[i], 0), cg_gep(c, dst, i));
}

const struct builtin builtins_net[] = {
	{.name = "pton", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "pton(\"address\")", .check = check_pton, .emit_into = emit_pton},
	{.name = "ntop", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "ntop([af, ]address)", .check = check_ntop, .emit_into = emit_ntop},
	{0},
};
