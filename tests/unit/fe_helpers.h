/* Shared by the front-end tests: run the parser over a source text and capture
 * what a user would see (the `-d ast` dump and the diagnostics) as one string. */
#ifndef BPFL_FE_HELPERS_H
#define BPFL_FE_HELPERS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"

/* Parse `src` as file `file`. The result (malloc'd, caller frees) holds the AST
 * dump when `dump` and the parse succeeded, then every diagnostic printed without
 * colour. *ok receives parse_program's result. */
static inline char *fe_run(const char *file, const char *src, bool dump, bool *ok)
{
	struct program p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out || program_init(&p, file, src) < 0)
		abort();
	*ok = parse_program(&p);
	if (dump && *ok)
		ast_dump(out, p.ast);
	diag_print(&p.diags, out, false);
	fclose(out);
	program_fini(&p);
	return buf;
}

/* Compare with a message that shows both texts in full: cmocka's string
 * assertion prints them, but on one line each, which hides the tree shape. */
static inline void fe_expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "--- case:\n%s\n--- expected:\n%s--- got:\n%s---\n", what, want,
			got);
	}
}

#endif
