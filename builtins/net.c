/* Network builtins: ntop(addr), ntop(af, addr). The value is the TY_INET layout
 * { uint64 af; uint8 addr[16] }: an integer is an IPv4 address as it lies in
 * memory (network order, as in struct in_addr), a 4-byte array IPv4, a 16-byte
 * array IPv6; the printer formats it with inet_ntop. */
#include <linux/bpf.h>
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

const struct builtin builtins_net[] = {
	{.name = "ntop", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "ntop([af, ]address)", .check = check_ntop, .emit_into = emit_ntop},
	{0},
};
