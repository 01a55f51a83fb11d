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
	BAD("strlen_not_a_number", ENV("BPFTRACE_STRLEN=abc"),
	    "BPFTRACE_STRLEN: 'abc' is not a number from 1 to 200"),
	BAD("strlen_too_large", ENV("BPFTRACE_STRLEN=201"),
	    "BPFTRACE_STRLEN: '201' is not a number from 1 to 200"),
	BAD("strlen_zero", ENV("BPFTRACE_STRLEN=0"),
	    "BPFTRACE_STRLEN: '0' is not a number from 1 to 200"),
	BAD("strlen_trailing", ENV("BPFTRACE_STRLEN=64k"),
	    "BPFTRACE_STRLEN: '64k' is not a number from 1 to 200"),
	BAD("map_keys_negative", ENV("BPFTRACE_MAP_KEYS_MAX=-1"),
	    "BPFTRACE_MAP_KEYS_MAX: '-1' is not a number from 1 to 4294967295"),
	BAD("map_keys_too_large", ENV("BPFTRACE_MAP_KEYS_MAX=4294967296"),
	    "BPFTRACE_MAP_KEYS_MAX: '4294967296' is not a number from 1 to 4294967295"),
	BAD("map_keys_empty", ENV("BPFTRACE_MAP_KEYS_MAX="),
	    "BPFTRACE_MAP_KEYS_MAX: '' is not a number from 1 to 4294967295"),
	BAD("kfeat_unknown", ENV("BPFL_KFEAT=kprobe,uprobe"),
	    "BPFL_KFEAT: unknown feature 'uprobe' (a comma-separated list of kprobe and fentry, "
	    "or none)"),
	BAD("btf_empty", ENV("BPFL_BTF="), "BPFL_BTF: empty (the path of a BTF file)"),
	BAD("no_share_yes", ENV("BPFL_NO_SHARE=yes"), "BPFL_NO_SHARE: 'yes' is not 0 or 1"),
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
	    !got.btf_path != !c->want.btf_path ||
	    (got.btf_path && strcmp(got.btf_path, c->want.btf_path)))
		fail_msg("%s: strlen %u keys %u kfeat %d share %d notify %d btf %s", c->name,
			 got.strlen, got.map_keys_max, got.kfeat, got.no_share, got.notify_attached,
			 got.btf_path ? got.btf_path : "(null)");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_cases),
		cmocka_unit_test(test_defaults_match_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
