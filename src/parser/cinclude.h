/* `#include` of system headers for their integer constants.
 *
 * bpfline has no C compiler: kernel types come from BTF, so an included
 * header's declarations are not needed. What BTF lacks are macros — `EPERM`
 * in errno.h, `O_RDONLY` in fcntl.h — which scripts use as constants. So an
 * include is scanned, not compiled: every `#define NAME INTEGER` (or `#define
 * NAME OTHER` of a constant already known) becomes a constant of the program,
 * nested includes are followed, and everything else (declarations, function
 * macros, conditionals) is ignored; the first definition of a name wins. A
 * header that is not found is no error (its types come from BTF). */
#ifndef BPFL_CINCLUDE_H
#define BPFL_CINCLUDE_H

#include <stdbool.h>

#include "lang/program.h"

/* Read the constants of header `name` (`<name>` when !quoted, `"name"` when
 * quoted: looked up in the script's directory first) into p->cconsts. */
void cinclude_header(struct program *p, const char *name, bool quoted);

#endif
