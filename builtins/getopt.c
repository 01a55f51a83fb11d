/* getopt(name[, default[, description]]): a program option given after `--`
 * on the command line (`-- --name=value`, `-- --flag`), as bpftrace reads
 * them. The value is known when the program is compiled, so the call becomes
 * a literal: an integer, a string or a boolean like the default, a boolean
 * when there is no default. The
 * driver reports options that no getopt() reads, and lists them for --help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "builtins/builtins.h"
#include "sema/sema.h"

/* The option given as --name, or NULL; marked used. */
static struct named_param *given(struct program *p, const char *name)
{
	for (int i = 0; i < p->nnamed; i++)
		if (!strcmp(p->named[i].name, name)) {
			p->named[i].used = true;
			return &p->named[i];
		}
	return NULL;
}

/* Remember the option for the driver's checks (once per name). */
static void declare(struct sema *s, const char *name, const struct node *desc)
{
	for (size_t i = 0; i < s->p->getopts.len; i++)
		if (!strcmp(((struct getopt_decl *)s->p->getopts.items[i])->name, name))
			return;
	struct getopt_decl *d = arena_alloc(s->a, sizeof(*d));
	if (!d)
		return;
	d->name = name;
	d->desc = desc ? desc->str.value : NULL;
	vec_push(&s->p->getopts, d);
}

/* A bool option: no default, or a `true`/`false` default. */
static bool is_bool_opt(const struct node *def)
{
	return !def || (def->kind == N_INT && def->num.is_bool);
}

static void become_str(struct node *n, const char *v)
{
	n->kind = N_STR;
	n->str.value = v;
	n->str.len = strlen(v);
}

/* A boolean option: no value or true/false/1/0 (any case). */
static bool parse_bool(const char *v, bool *out)
{
	if (!v || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return false;
	return true;
}

/* An integer option: decimal, 0x hex or octal, negative or up to UINT64_MAX. */
static bool parse_int(const char *v, uint64_t *out, bool *is_unsigned)
{
	char *end;
	if (!v || !*v)
		return false;
	errno = 0;
	*is_unsigned = v[0] != '-';
	*out = *is_unsigned ? strtoull(v, &end, 0) : (uint64_t)strtoll(v, &end, 0);
	*is_unsigned = *is_unsigned && *out > INT64_MAX;
	return !*end && !errno;
}

static bool bad_value(struct sema *s, const char *name, const char *what, const char *v)
{
	diag_error(s->d, (struct loc){ 0 }, "program command line option --%s invalid %s (value: %s)",
		   name, what, v ? v : "");
	return false;
}

/* The option's value as a literal of the default's kind. */
static bool resolve(struct sema *s, struct node *n, const char *name, const struct node *def,
		    const struct named_param *np)
{
	if (def && def->kind == N_STR) {
		become_str(n, np && np->value ? np->value : def->str.value);
		return true;
	}
	if (!is_bool_opt(def)) {
		uint64_t v = def->num.value;
		bool u = def->num.is_unsigned;
		if (np && !parse_int(np->value, &v, &u))
			return bad_value(s, name, "integer", np->value);
		ast_fold_int(n, v, u);
		return true;
	}
	bool b = def ? def->num.value != 0 : false;
	if (np && !parse_bool(np->value, &b))
		return bad_value(s, name, "boolean", np->value);
	ast_fold_int(n, b, false);
	n->num.is_bool = true;	/* a bool literal: prints true/false */
	return true;
}

/* The default after folding: a string literal or an integer constant. */
static bool check_default(struct sema *s, struct node *n, struct node *def)
{
	int64_t v;
	if (def->kind == N_STR || def->kind == N_INT)
		return true;
	if (!sema_want_const(s, n, def, &v))
		return false;
	ast_fold_int(def, (uint64_t)v, false);
	return true;
}

static bool check_getopt(struct sema *s, struct node *n)
{
	struct node *name = n->call.args, *def = name ? name->next : NULL;
	struct node *desc = def ? def->next : NULL;
	if (!sema_want_literal(s, n, name) || (def && !check_default(s, n, def)) ||
	    (desc && !sema_want_literal(s, n, desc)))
		return false;
	const char *opt = name->str.value;
	if (!s->final) {	/* the type only; the value in the final pass */
		n->type = def && def->kind == N_STR ? type_str(s->a, s->strlen)
			: is_bool_opt(def) ? type_new(s->a, TY_BOOL) : type_int(s->a, 64, true);
		return true;
	}
	declare(s, opt, desc);
	if (!resolve(s, n, opt, def, given(s->p, opt)))
		return false;
	n->type = n->kind == N_STR ? type_str(s->a, (uint32_t)n->str.len + 1)
		: n->num.is_bool ? type_new(s->a, TY_BOOL) : type_int(s->a, 64, !n->num.is_unsigned);
	return true;
}

const struct builtin builtins_getopt[] = {
	{.name = "getopt", .kind = BI_CALL, .min_args = 1, .max_args = 3,
	 .usage = "getopt(\"name\"[, default[, \"description\"]])", .check = check_getopt},
	{0},
};
