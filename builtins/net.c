/* Network builtins: ntop(addr), ntop(af, addr), pton("address"), macaddr(mac),
 * socket_cookie(sk). The value of ntop is the TY_INET layout
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

/* The address family an address argument of type t implies (0: not one). A
 * byte array that BTF types as chars (struct in6_addr's u6_addr8, a string to
 * us) is an address too, but a string literal is not. */
static int addr_family(const struct node *addr, const struct type *t)
{
	bool bytes = t->kind == TY_ARRAY || (t->kind == TY_STR && addr->kind != N_STR);
	if (t->kind == TY_INT)
		return AF_INET;
	if (bytes && t->size == 4)
		return AF_INET;
	if (bytes && t->size == 16)
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
	if (!addr_family(addr, t)) {
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
	cg_store64(c, af ? cg_expr(c, af) : cg_const(c, (uint64_t)addr_family(addr, addr->type)), dst);
	LLVMValueRef at = cg_gep(c, dst, 8);
	if (addr->type->kind == TY_INT) {
		LLVMValueRef v = LLVMBuildTrunc(c->b, cg_expr(c, addr), c->i32, "");
		LLVMBuildStore(c->b, v, at);
	} else {
		cg_expr_into(c, addr, at);
	}
}

/* macaddr(mac): six bytes — a char[6] (or longer) array or string held in
 * memory, or the address of one — printed as XX:XX:XX:XX:XX:XX. */
static bool check_macaddr(struct sema *s, struct node *n)
{
	struct node *m = n->call.args;
	struct type *t = sema_expr(s, m);
	if (t->kind == TY_NONE)
		return false;
	bool inline_bytes = (t->kind == TY_STR || t->kind == TY_ARRAY) && t->size >= 6;
	if (!inline_bytes && t->kind != TY_PTR && t->kind != TY_INT) {
		char b[128];
		struct diag *dg = diag_error(s->d, m->loc,
			"macaddr() expects an array of at least 6 bytes or a pointer to one (%s supplied)",
			type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: macaddr(char[6] mac)");
		return false;
	}
	n->type = type_new(s->a, TY_MACADDR);
	return true;
}

static void emit_macaddr(struct cg *c, struct node *n, LLVMValueRef dst)
{
	struct node *m = n->call.args;
	cg_zero(c, dst, 8);
	if (m->type->kind == TY_STR || m->type->kind == TY_ARRAY) {
		LLVMValueRef tmp = cg_alloca(c, (m->type->size + 7) & ~7u);
		cg_expr_into(c, m, tmp);
		cg_copy(c, dst, tmp, 6);
		return;
	}
	/* an address: user memory in user-space probes, as str() reads it */
	int helper = m->type->kind == TY_PTR ? (m->type->is_user ? BPF_FUNC_probe_read_user
								 : BPF_FUNC_probe_read_kernel)
					     : BPF_FUNC_probe_read;
	LLVMValueRef args[] = {dst, cg_const(c, 6), cg_expr(c, m)};
	cg_helper(c, helper, args, 3);
}

static void print_macaddr(struct sb *out, const struct type *t, const void *data, bool json,
			  uint32_t div)
{
	const uint8_t *b = data;
	(void)t, (void)json, (void)div;
	sb_printf(out, "%02X:%02X:%02X:%02X:%02X:%02X", b[0], b[1], b[2], b[3], b[4], b[5]);
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

/* socket_cookie(struct sock *sk): the kernel's cookie of the socket (made on
 * first use, stable for its life), 0 for NULL. bpf_get_socket_cookie takes a
 * BTF-typed socket in tracing programs only, so the pointer is loaded as
 * path() loads its own (cg_kernel_ptr). */
static bool check_socket_cookie(struct sema *s, struct node *n)
{
	struct node *sk = n->call.args;
	struct type *t = sema_expr(s, sk);
	if (t->kind == TY_NONE)
		return false;
	if (t->kind != TY_PTR || !t->elem || t->elem->kind != TY_RECORD || !t->elem->name ||
	    strcmp(t->elem->name, "struct sock")) {
		char b[128];
		struct diag *dg = diag_error(s->d, sk->loc, "socket_cookie() expects a struct sock * "
					     "(%s supplied)", type_name(t, b, sizeof b));
		diag_hint(s->d, dg, "usage: socket_cookie(struct sock *sk), e.g. socket_cookie(args.sk)");
		return false;
	}
	if (!builtin_want_tracing(s, n, "bpf_get_socket_cookie"))
		return false;
	n->type = type_int(s->a, 64, false);
	return true;
}

static LLVMValueRef emit_socket_cookie(struct cg *c, struct node *n)
{
	LLVMValueRef sk = cg_kernel_ptr(c, n->call.args);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(c->b), call = cg_block(c, "cookie"),
			  done = cg_block(c, "cookie_done");
	LLVMBuildCondBr(c->b, LLVMBuildICmp(c->b, LLVMIntEQ, sk, cg_const(c, 0), ""), done, call);
	LLVMPositionBuilderAtEnd(c->b, call);
	LLVMValueRef cookie = cg_helper(c, BPF_FUNC_get_socket_cookie, &sk, 1);
	LLVMBuildBr(c->b, done);
	LLVMPositionBuilderAtEnd(c->b, done);
	return cg_phi2(c, c->i64, cg_const(c, 0), from, cookie, call);
}

const struct builtin builtins_net[] = {
	{.name = "socket_cookie", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "socket_cookie(struct sock *sk)", .check = check_socket_cookie,
	 .emit = emit_socket_cookie},
	{.name = "pton", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "pton(\"address\")", .check = check_pton, .emit_into = emit_pton},
	{.name = "ntop", .kind = BI_CALL, .min_args = 1, .max_args = 2,
	 .usage = "ntop([af, ]address)", .check = check_ntop, .emit_into = emit_ntop},
	{.name = "macaddr", .kind = BI_CALL, .min_args = 1, .max_args = 1,
	 .usage = "macaddr(char[6] mac)", .check = check_macaddr, .emit_into = emit_macaddr,
	 .owns = TY_MACADDR, .print = print_macaddr},
	{0},
};
