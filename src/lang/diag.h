/* Diagnostics: collected by every pass, printed by the driver in bpftrace's format:
 *
 *   stdin:1:9-17: ERROR: Unknown function: nosuchfn
 *   BEGIN { nosuchfn(); }
 *           ~~~~~~~~
 *   HINT: ...
 *
 * Passes never exit or longjmp; they append here and return false. */
#ifndef BPFL_DIAG_H
#define BPFL_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/ast.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING };

/* Entries kept (and printed) per compilation; later ones are only counted, so a
 * hostile input of a million bad characters costs neither memory nor screens. */
#define DIAG_MAX_KEPT 50

struct diag {
	enum diag_level level;
	struct loc loc;		/* loc.line == 0: no location (message only) */
	const char *msg;
	const char *hint;	/* printed as "HINT: ..." after the marker, or NULL */
	struct diag *note;	/* a second site ("first use here"), printed after */
	struct diag *next;
};

/* Another text diagnostics may point into (the standard library), by file name. */
struct diag_source {
	const char *file;
	const char *src;
	struct diag_source *next;
};

struct diags {
	struct arena *arena;	/* where messages are allocated */
	const char *src;	/* the whole program text, to print source lines */
	struct diag_source *sources;	/* other texts, for locations in them */
	struct diag *head, *tail;
	int nerrors, nwarnings;
};

void diag_init(struct diags *d, struct arena *a, const char *src);
/* Register the text of `file` so that a location in it prints its own source
 * line, not the program's line of the same number. Both must outlive d. */
void diag_add_source(struct diags *d, const char *file, const char *src);
/* Record an error at loc; returns it so a hint or note can be attached. */
struct diag *diag_error(struct diags *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct diag *diag_warning(struct diags *d, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Attach a "HINT: ..." line to dg (no-op when dg is NULL). */
void diag_hint(struct diags *d, struct diag *dg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Attach a second located entry to dg, printed after it in the same format with
 * level text "NOTE" (e.g. where a conflicting map use was first seen). */
void diag_note(struct diags *d, struct diag *dg, struct loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Print every diagnostic in order. Colour only when `color` (the driver passes
 * isatty(fileno(out))). */
void diag_print(const struct diags *d, FILE *out, bool color);

#endif
