/* Pieces of print.c that the printers of kinds with their own map layout
 * (print_tseries.c) share. */
#ifndef BPFL_PRINT_INTERNAL_H
#define BPFL_PRINT_INTERNAL_H

#include "runtime/print.h"

/* "@name[k1, k2]" of the key bytes (the user key, without a bucket). */
void print_key_name(struct sb *out, const struct map_def *m, const uint8_t *key);
/* "@name[k1, k2]: " in text; "\"k1,k2\": " in JSON (nothing without keys). */
void print_key(struct sb *out, const struct map_def *m, const uint8_t *key, enum out_format f);
/* {"type": TYPE, "data": {"@name": ... and its closing braces. */
void print_json_open(struct sb *out, const struct map_def *m, const char *type);
void print_json_close(struct sb *out, const struct map_def *m);

#endif
