/* The error sink: every user-facing error and warning of a run (command line,
 * loading, attaching, the event loop, the end of a run) is printed here, as
 * bpftool prints through p_err. Text is bpftrace's ("ERROR: ...", then
 * "HINT: ..."); under -f json each message is one JSON line instead:
 *
 *   {"type": "error", "msg": "Unable to attach probe: x. ...", "hint": "..."}
 *
 * with "filename", "line" and "col" when the message is located in the script
 * (as bpftrace's runtime_error records) and "log" for a verifier log. Messages
 * go to stderr in both forms; -o redirects only the program's output.
 *
 * Diagnostics of the front end are not printed here: bpftrace prints them as
 * text whatever -f says, and so does the driver (diag_print). -v debugging
 * (util/log.h) is text too. */
#ifndef BPFL_MSG_H
#define BPFL_MSG_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/diag.h"
#include "runtime/print.h"

enum msg_level { MSG_ERROR, MSG_WARNING };

/* Print messages as `format` on `stream` from now on (the driver calls this
 * once the command line is read; until then: text on stderr). */
void msg_init(enum out_format format, FILE *stream);

/* Print warnings (the default) or drop them (--no-warnings). */
void msg_set_warnings(bool on);

/* "ERROR: <fmt...>" or {"type": "error", "msg": ...}. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ERROR: out of memory", at most once per process: after an allocation
 * failed, whichever stage notices says it, and only the first does. */
void msg_oom(void);

/* "WARNING: <fmt...>" or {"type": "warning", "msg": ...}. */
void msg_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A message with an optional hint ("HINT: ..." line, "hint" field) and an
 * optional detail block (text after the message, verbatim; "log" field); each
 * may be NULL. */
void msg_report(enum msg_level level, const char *hint, const char *detail,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One message located in the script (errorf/warnf at run time): text as
 * diag_print prints it, with the source line of `src` and its marker, or one
 * record; a warning is dropped under --no-warnings. */
void msg_located(enum msg_level level, const struct loc *loc, const char *src,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same, followed by an "expanded from" entry at each of the nfrom macro
 * calls `from` (innermost first) that the site was expanded from. */
void msg_located_from(enum msg_level level, const struct loc *loc, const struct loc *from,
		      int nfrom, const char *src, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Located diagnostics found at run time (a verifier rejection mapped to the
 * script): text as diag_print prints them, or one record per diagnostic;
 * `detail` (may be NULL) follows the last one as above. */
void msg_diags(const struct diags *d, const char *detail);

#endif
