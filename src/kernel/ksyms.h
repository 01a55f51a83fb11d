/* Kernel symbols from /proc/kallsyms: parsed once, lazily, into an array sorted
 * by address, for ksym(), kstack frames and kaddr(). A program that never needs
 * a kernel symbol never reads kallsyms (ksym_load_count() stays 0). */
#ifndef BPFL_KSYMS_H
#define BPFL_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* Parse a kallsyms-format file ("addr type name [module]" lines); NULL + errno. */
struct ksyms *ksyms_open(const char *path);
void ksyms_free(struct ksyms *k);
/* The symbol containing addr (the nearest one at or below it) and the offset
 * into it; NULL when addr is below every symbol or far past the last one. */
const char *ksyms_resolve(const struct ksyms *k, uint64_t addr, uint64_t *offset);
/* The address of the symbol `name`; 0 or -ENOENT. */
int ksyms_addr(const struct ksyms *k, const char *name, uint64_t *addr);
/* Number of symbols. */
size_t ksyms_count(const struct ksyms *k);
/* Whether the file listed symbols but hid every address (0): the kernel
 * shows them only to CAP_SYSLOG unless kernel.kptr_restrict is 0 and
 * kernel.perf_event_paranoid at most 1. */
bool ksyms_hidden(const struct ksyms *k);
/* The HINT for hidden addresses: which capability shows them, and how to
 * grant it (a static buffer). */
const char *ksyms_hidden_hint(void);


/* The process-wide table from /proc/kallsyms, loaded on first call (and logged
 * under -v with its cost); NULL when it cannot be read. */
const struct ksyms *ksym_get(void);
/* How many times /proc/kallsyms has been read by this process (0 or 1). */
unsigned ksym_load_count(void);

#endif
