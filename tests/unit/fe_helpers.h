/* Shared by the front-end tests: run the parser over a source text and capture
 * what a user would see (the `-d ast` dump and the diagnostics) as one string. */
#ifndef BPFL_FE_HELPERS_H
#define BPFL_FE_HELPERS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/parse.h"
#include "sema/sema.h"

/* Parse `src` as file `file`. The result (malloc'd, caller frees) holds the AST
 * dump when `dump` and the parse succeeded, then every diagnostic printed without
 * colour. *ok receives parse_program's result. */
static inline char *fe_run_stage(const char *file, const char *src, bool dump, bool sema,
				 bool unsafe, bool *ok)
{
	struct program p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out || program_init(&p, file, src) < 0)
		abort();
	p.unsafe = unsafe;
	*ok = parse_program(&p) && (!sema || sema_check(&p));
	if (dump && *ok)
		ast_dump(out, p.ast);
	diag_print(&p.diags, out, false);
	fclose(out);
	program_fini(&p);
	return buf;
}

static inline char *fe_run(const char *file, const char *src, bool dump, bool *ok)
{
	return fe_run_stage(file, src, dump, false, false, ok);
}

/* Parse and check (sema) src as "stdin": the diagnostics as printed (malloc'd). */
static inline char *fe_run_sema(const char *src, bool unsafe, bool *ok)
{
	return fe_run_stage("stdin", src, false, true, unsafe, ok);
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

/* A table-driven front-end case: parse src as `file` and compare. */
struct fe_case {
	const char *name;
	const char *file;	/* NULL: "stdin" */
	const char *src;
	bool ok;		/* parse_program's expected result */
	const char *want;	/* dump (when ok) followed by diagnostics */
	bool sema;		/* also run sema; no dump (the diagnostics only) */
};

/* Run every case, print each mismatch in full; returns how many failed. */
static inline int fe_run_cases(const struct fe_case *cases, size_t n)
{
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		const struct fe_case *c = &cases[i];
		bool ok;
		char *got = fe_run_stage(c->file ? c->file : "stdin", c->src, !c->sema, c->sema,
					 false, &ok);
		if (ok != c->ok || strcmp(got, c->want) != 0) {
			fprintf(stderr, "case %s: ok=%d, want %d\n", c->name, ok, c->ok);
			fe_expect(c->src, got, c->want);
			failed++;
		}
		free(got);
	}
	return failed;
}

#endif
