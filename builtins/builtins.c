/* The registry of builtin families. Adding a family: one line here. */
#include "builtins/builtins.h"

#include <string.h>

static const struct builtin *const families[] = {
	builtins_proc,
	builtins_output,
	builtins_aggregations,
	builtins_tseries,
	builtins_str,
	builtins_maps,
	builtins_time,
	builtins_lang,
	builtins_args,
	builtins_stack,
	builtins_sym,
	builtins_net,
	builtins_libctext,
	builtins_cgroup,
	builtins_getopt,
	builtins_int,
	builtins_addrspace,
	builtins_path,
};

static const struct builtin *builtin_find_printer(enum type_kind k)
{
	for (size_t f = 0; k != TY_NONE && f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct builtin *b = families[f]; b->name; b++)
			if (b->owns == k && (b->print || b->print_map))
				return b;
	return NULL;
}

/* Asked once per printed value: the answers are kept (a map of a million counts
 * would otherwise search the whole table a million times). */
const struct builtin *builtin_printer(enum type_kind k)
{
	static const struct builtin *printers[TY_KIND_COUNT];
	static bool known[TY_KIND_COUNT];
	if ((unsigned)k >= TY_KIND_COUNT)
		return NULL;
	if (!known[k]) {
		printers[k] = builtin_find_printer(k);
		known[k] = true;
	}
	return printers[k];
}

const struct builtin *builtin_find(const char *name, bool is_call)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (const struct builtin *b = families[f]; b->name; b++) {
			if ((b->kind == BI_VAR) == is_call)
				continue;
			if (!strcmp(b->name, name))
				return b;
		}
	}
	return NULL;
}
