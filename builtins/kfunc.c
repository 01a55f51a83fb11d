/* `args` of fentry/fexit: the BTF-typed parameters (`args` is checked in
 * proc.c through the family's args_type; families with u64 slots come here). arg0..N, retval
 * and func of every probe family are in args.c: for fentry/fexit the context
 * is an array of u64, one per parameter, and fexit has the return value after
 * them (ctx[nparams]); a kprobe that runs as fentry (probes/kprobe.c) reads its
 * argN from there too. */
#include "builtins/kfunc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/cg.h"
#include "kernel/kbtf.h"
#include "sema/sema.h"

bool kfunc_check_args(struct sema *s, struct node *n)
{
	if (!s->pdef->args) {
		diag_error(s->d, n->loc, "%s: the parameters of %s are not known (no BTF)",
			   s->pdef->name, s->pdef->func);
		return false;
	}
	n->type = s->pdef->args;
	return true;
}
