/* --info: what this build and this kernel can do, in bpftrace's format. */
#ifndef BPFL_INFO_H
#define BPFL_INFO_H

#include <stdio.h>

/* Print the report to out. Every "yes" means the kernel has the feature *and*
 * bpfline uses it: bpftrace's test engine skips a test whose REQUIRES_FEATURE
 * line says no, so a feature bpfline lacks is reported absent. */
void rt_info_print(FILE *out);

#endif
