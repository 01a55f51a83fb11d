/* The harnesses' fixed kernel and the front end of one input (fuzz_common.h). */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kbtf.h"
#include "kernel/kfunc.h"
#include "kernel/tracefs.h"
#include "lang/config.h"
#include "parser/cdecl.h"
#include "parser/parse.h"
#include "sema/sema.h"

static struct config fuzz_config;	/* every program starts from these settings */
static FILE *fuzz_null;			/* diagnostics are printed here */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	config_defaults(&fuzz_config);
	fuzz_config.btf_path = FUZZ_BTF;
	fuzz_config.kfeat = CONFIG_KFEAT_KPROBE | CONFIG_KFEAT_FENTRY;
	kbtf_configure(&fuzz_config);
	kfunc_configure(&fuzz_config);
	tracefs_set_path(FUZZ_KERNEL_DIR "/tracing");
	kfunc_set_traceable_file(FUZZ_KERNEL_DIR "/tracing/available_filter_functions");
	fuzz_null = fopen("/dev/null", "w");
	if (!fuzz_null)
		abort();
	return 0;
}

/* Types a script's C definitions name but do not define: the fake BTF's. */
static struct type *fuzz_btf_lookup(struct arena *a, const char *name, void *arg)
{
	(void)arg;
	return kbtf_named(a, name);
}

int fuzz_front(struct program *p, const uint8_t *data, size_t size)
{
	int ok;

	if (program_init_text(p, "stdin", (const char *)data, size))
		return 0;
	p->config = fuzz_config;
	ok = parse_program(p) && cdecl_parse(p, fuzz_btf_lookup, NULL) && sema_check(p);
	diag_print(&p->diags, fuzz_null, false);
	return ok;
}
