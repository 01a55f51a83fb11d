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

const struct builtin *builtin_printer(enum type_kind k)
{
	for (size_t f = 0; k != TY_NONE && f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct builtin *b = families[f]; b->name; b++)
			if (b->owns == k && (b->print || b->print_map))
				return b;
	return NULL;
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
