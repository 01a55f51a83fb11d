/* Settings from the environment (lang/config.c): defaults, every variable's
 * accepted values, and the exact error for a bad one, naming the variable. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lang/config.h"

/* The environment of one case: NAME=VALUE strings, NULL-terminated. */
static const char *const *env;

static char *lookup(const char *name)
{
	size_t n = strlen(name);

	for (const char *const *e = env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return (char *)*e + n + 1;
	return NULL;
}

struct config_case {
	const char *name;
	const char *env[4];
	const char *err;	/* the message, or NULL when the values are good */
	struct config want;	/* when good; .btf_path compared as a string */
};

/* A good case: the settings expected. */
#define GOOD(n, e, len, keys, kf, btf, share) \
	{ .name = n, .env = e, .want = { .strlen = len, .map_keys_max = keys, .kfeat = kf, \
					 .btf_path = btf, .no_share = share } }
/* A bad case: the message expected. */
#define BAD(n, e, msg) { .name = n, .env = e, .err = msg }
#define ENV(...) { __VA_ARGS__ }

static const struct config_case cases[] = {
	GOOD("defaults", ENV(NULL), 64, 4096, -1, NULL, false),
	GOOD("strlen", ENV("BPFTRACE_STRLEN=200"), 200, 4096, -1, NULL, false),
	GOOD("map_keys_max", ENV("BPFTRACE_MAP_KEYS_MAX=10"), 64, 10, -1, NULL, false),
	GOOD("kfeat_both", ENV("BPFL_KFEAT=kprobe,fentry"), 64, 4096,
	     CONFIG_KFEAT_KPROBE | CONFIG_KFEAT_FENTRY, NULL, false),
	GOOD("kfeat_fentry", ENV("BPFL_KFEAT=fentry"), 64, 4096, CONFIG_KFEAT_FENTRY, NULL, false),
	GOOD("kfeat_none", ENV("BPFL_KFEAT=none"), 64, 4096, 0, NULL, false),
	GOOD("kfeat_empty", ENV("BPFL_KFEAT="), 64, 4096, 0, NULL, false),
	GOOD("btf_and_no_share", ENV("BPFL_BTF=/tmp/x.btf", "BPFL_NO_SHARE=1"), 64, 4096, -1,
	     "/tmp/x.btf", true),
	GOOD("no_share_0", ENV("BPFL_NO_SHARE=0"), 64, 4096, -1, NULL, false),
	/* bpftrace's test protocol: set (any value, even empty) means on */
	{ .name = "notify_attached", .env = ENV("__BPFTRACE_NOTIFY_PROBES_ATTACHED=1"),
	  .want = { .strlen = 64, .map_keys_max = 4096, .kfeat = -1, .notify_attached = true } },
	{ .name = "notify_attached_empty", .env = ENV("__BPFTRACE_NOTIFY_PROBES_ATTACHED="),
	  .want = { .strlen = 64, .map_keys_max = 4096, .kfeat = -1, .notify_attached = true } },
	{ .name = "no_tp_btf", .env = ENV("BPFL_NO_TP_BTF=1"),
	  .want = { .strlen = 64, .map_keys_max = 4096, .kfeat = -1, .no_tp_btf = true } },
	GOOD("no_tp_btf_0", ENV("BPFL_NO_TP_BTF=0"), 64, 4096, -1, NULL, false),
	BAD("strlen_not_a_number", ENV("BPFTRACE_STRLEN=abc"),
	    "BPFTRACE_STRLEN: expecting a number, got abc"),
	BAD("strlen_too_large", ENV("BPFTRACE_STRLEN=201"),
	    "BPFTRACE_STRLEN: '201' is not a number from 1 to 200"),
	BAD("strlen_zero", ENV("BPFTRACE_STRLEN=0"),
	    "BPFTRACE_STRLEN: '0' is not a number from 1 to 200"),
	BAD("strlen_trailing", ENV("BPFTRACE_STRLEN=64k"),
	    "BPFTRACE_STRLEN: expecting a number, got 64k"),
	BAD("map_keys_negative", ENV("BPFTRACE_MAP_KEYS_MAX=-1"),
	    "BPFTRACE_MAP_KEYS_MAX: expecting a number, got -1"),
	BAD("map_keys_too_large", ENV("BPFTRACE_MAP_KEYS_MAX=4294967296"),
	    "BPFTRACE_MAP_KEYS_MAX: '4294967296' is not a number from 1 to 4294967295"),
	BAD("map_keys_empty", ENV("BPFTRACE_MAP_KEYS_MAX="),
	    "BPFTRACE_MAP_KEYS_MAX: expecting a number, got "),
	BAD("kfeat_unknown", ENV("BPFL_KFEAT=kprobe,uprobe"),
	    "BPFL_KFEAT: unknown feature 'uprobe' (a comma-separated list of kprobe and fentry, "
	    "or none)"),
	BAD("btf_empty", ENV("BPFL_BTF="), "BPFL_BTF: empty (the path of a BTF file)"),
	BAD("no_share_yes", ENV("BPFL_NO_SHARE=yes"), "BPFL_NO_SHARE: 'yes' is not 0 or 1"),
	BAD("no_tp_btf_yes", ENV("BPFL_NO_TP_BTF=yes"), "BPFL_NO_TP_BTF: 'yes' is not 0 or 1"),
};

static void check_case(const struct config_case *c)
{
	struct config got;
	char err[256] = "";
	int r;

	env = c->env;
	r = config_read(&got, lookup, err, sizeof(err));
	if (c->err) {
		if (r != -EINVAL || strcmp(err, c->err))
			fail_msg("%s: returned %d with '%s', want '%s'", c->name, r, err, c->err);
		return;
	}
	if (r)
		fail_msg("%s: returned %d: %s", c->name, r, err);
	if (got.strlen != c->want.strlen || got.map_keys_max != c->want.map_keys_max ||
	    got.kfeat != c->want.kfeat || got.no_share != c->want.no_share ||
	    got.notify_attached != c->want.notify_attached ||
	    got.no_tp_btf != c->want.no_tp_btf ||
	    !got.btf_path != !c->want.btf_path ||
	    (got.btf_path && strcmp(got.btf_path, c->want.btf_path)))
		fail_msg("%s: strlen %u keys %u kfeat %d share %d notify %d no_tp_btf %d btf %s",
			 c->name, got.strlen, got.map_keys_max, got.kfeat, got.no_share,
			 got.notify_attached, got.no_tp_btf, got.btf_path ? got.btf_path : "(null)");
}

static void test_config_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_defaults_match_read(void **state)
{
	struct config a, b;
	char err[64];

	(void)state;
	env = NULL;
	config_defaults(&a);
	assert_int_equal(config_read(&b, lookup, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

/* A config block line: key = value over the environment env; err is the
 * message expected, or NULL when it is accepted. */
struct set_case {
	const char *env[2];
	const char *key, *value;
	const char *err;
};

static const struct set_case set_cases[] = {
	{ ENV(NULL), "stack_mode", "raw", NULL },
	{ ENV(NULL), "STACK_MODE", "perf", NULL },
	{ ENV(NULL), "BPFTRACE_STACK_MODE", "raw", NULL },
	{ ENV(NULL), "print_maps_on_exit", "0", NULL },
	{ ENV(NULL), "missing_probes", "warn", NULL },
	{ ENV(NULL), "license", "Dual BSD/GPL", NULL },
	{ ENV(NULL), "cache_user_symbols", "PER_PROGRAM", NULL },
	{ ENV(NULL), "bad_config", "raw", "bad_config: not a known configuration option" },
	{ ENV(NULL), "BAD_CONFIG", "1", "BAD_CONFIG: not a known configuration option" },
	{ ENV(NULL), "kernel_build", "1",
	  "kernel_build: can only be set as an environment variable" },
	{ ENV(NULL), "BPFTRACE_MAX_PROBES", "hello",
	  "BPFTRACE_MAX_PROBES: expecting a number, got hello" },
	{ ENV(NULL), "stack_mode", "fancy",
	  "stack_mode: expecting bpftrace, perf, raw or build_id, got fancy" },
	{ ENV(NULL), "print_maps_on_exit", "maybe",
	  "print_maps_on_exit: expecting false, true, 0 or 1, got maybe" },
	{ ENV(NULL), "max_strlen", "0", "max_strlen: '0' is not a number from 1 to 4294967295" },
	/* the environment wins over the block, even with a bad value there */
	{ ENV("BPFTRACE_STACK_MODE=raw"), "stack_mode", "fancy", NULL },
};

static void test_config_set(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(set_cases) / sizeof(set_cases[0]); i++) {
		const struct set_case *c = &set_cases[i];
		struct config cfg;
		char err[256] = "";
		env = c->env;
		assert_int_equal(config_read(&cfg, lookup, err, sizeof(err)), 0);
		int r = config_set(&cfg, c->key, c->value, err, sizeof(err));
		if (c->err ? (r == 0 || strcmp(err, c->err)) : r != 0)
			fail_msg("%s = %s: returned %d with '%s', want '%s'", c->key, c->value, r,
				 err, c->err ? c->err : "");
	}
}

/* The settings a block and the environment change, read back. */
static void test_config_values(void **state)
{
	static const char *const e[] = { "BPFTRACE_MAX_MAP_KEYS=9", "BPFTRACE_STRLEN=100",
					 NULL };
	struct config cfg;
	char err[128];

	(void)state;
	env = e;
	assert_int_equal(config_read(&cfg, lookup, err, sizeof(err)), 0);
	assert_int_equal(cfg.map_keys_max, 9);
	assert_int_equal(cfg.strlen, 100);
	assert_true(cfg.print_maps_on_exit);
	assert_int_equal(config_set(&cfg, "max_strlen", "20", err, sizeof(err)), 0);
	assert_int_equal(cfg.strlen, 100);	/* BPFTRACE_STRLEN set it: the old name */
	env = (const char *const[]){ "BPFTRACE_MAX_STRLEN=9999", NULL };
	assert_int_equal(config_read(&cfg, lookup, err, sizeof(err)), 0);
	assert_int_equal(cfg.strlen, 200);	/* bpfline's longest string */
	assert_int_equal(config_set(&cfg, "print_maps_on_exit", "false", err, sizeof(err)), 0);
	assert_false(cfg.print_maps_on_exit);
	assert_int_equal(config_set(&cfg, "stack_mode", "raw", err, sizeof(err)), 0);
	assert_int_equal(cfg.stack_mode, CONFIG_STACK_RAW);
	assert_int_equal(config_set(&cfg, "missing_probes", "ignore", err, sizeof(err)), 0);
	assert_int_equal(cfg.missing_probes, CONFIG_MISSING_IGNORE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_cases),
		cmocka_unit_test(test_defaults_match_read),
		cmocka_unit_test(test_config_set),
		cmocka_unit_test(test_config_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
