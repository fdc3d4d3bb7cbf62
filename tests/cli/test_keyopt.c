/* cli/cli.c and cli/keyopt.c: the messages and exit statuses programs
 * print through them (checked in a forked child, since they exit), and
 * the key option parsers of zw-keygen, zw-keyfromlabel and zw-settime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/keyopt.h"
#include "dns/name.h"

#define NOW 1795927733LL        /* Sun Nov 29 04:48:53 2026 UTC */

/* Runs fn(arg) in a child with stderr into a pipe; checks what it printed
 * and its exit status (-1: must return, exit 0 after it). */
static void expect_stderr(void (*fn)(const char *), const char *arg,
			  const char *want, int want_status)
{
	char buf[512];
	size_t n = 0;
	ssize_t r;
	int fds[2], st;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		zw_cli_init("zw-test");
		fn(arg);
		fflush(stderr);
		_exit(want_status == -1 ? 0 : 99);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), want_status == -1 ? 0 : want_status);
	assert_string_equal(buf, want);
}

static void call_die(const char *a) { zw_cli_die("bad %s (%d)", a, 7); }
static void call_warn(const char *a) { zw_cli_warn("odd %s", a); }
static void call_error(const char *a) { zw_cli_error("%s: gone", a); }
static void call_usage(const char *a) { zw_cli_usage("usage: %s x\n", a); }
static void call_ttl(const char *a) { zw_cli_ttl(a); }
static void call_alg(const char *a) { zw_cli_key_alg(a, false); }

static void call_owner(const char *a)
{
	uint8_t owner[ZW_NAME_MAX];

	zw_cli_key_owner(owner, a);
}

static void call_flag(const char *a)
{
	uint16_t f = 0;

	zw_cli_key_flag(&f, a);
}

static void call_ntype(const char *a)
{
	uint16_t f = 0;

	zw_cli_name_type(&f, a, "ZONE or OTHER");
}

static void call_interval(const char *a)
{
	struct zw_cli_keytimes kt = { .now = NOW };

	zw_cli_interval_opt(&kt, a);
}

/* -P <a> with nothing after it, as keygen (sync only) and settime (ds). */
static void call_sync_last(const char *a)
{
	struct zw_cli_keytimes kt = { .now = NOW };
	char *argv[] = { "prog", "-P", (char *)a, NULL };

	optind = 3;
	zw_cli_keytime_opt(&kt, 'P', a, 3, argv, !strcmp(a, "DS"));
}

static void test_messages(void **state)
{
	(void)state;
	expect_stderr(call_die, "x", "zw-test: fatal: bad x (7)\n", 1);
	expect_stderr(call_warn, "y", "zw-test: warning: odd y\n", -1);
	expect_stderr(call_error, "f", "zw-test: f: gone\n", -1);
	expect_stderr(call_usage, "p", "usage: p x\n", 1);
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_stderr(call_ttl, "99999999999",
		      "zw-test: fatal: bad TTL 99999999999\n", 1);
	expect_stderr(call_ttl, "x", "zw-test: fatal: bad TTL x\n", 1);
	expect_stderr(call_owner, "bad..name", "zw-test: fatal: invalid key "
		      "name bad..name: malformed input\n", 1);
	expect_stderr(call_owner, "example.com", "", -1);
	expect_stderr(call_alg, "FOO",
		      "zw-test: fatal: unknown algorithm FOO\n", 1);
	expect_stderr(call_flag, "ZSK", "zw-test: fatal: unknown flag 'ZSK' "
		      "(KSK or REVOKE)\n", 1);
	expect_stderr(call_ntype, "HOST", "zw-test: fatal: unsupported name "
		      "type 'HOST' (ZONE or OTHER)\n", 1);
	expect_stderr(call_interval, "1x", "zw-test: fatal: bad interval 1x: "
		      "unknown unit (use y, mo, w, d, h, mi or s)\n", 1);
	/* keygen says "sync" whatever the case; settime echoes its word */
	expect_stderr(call_sync_last, "SYNC",
		      "zw-test: fatal: -P sync needs a date\n", 1);
	expect_stderr(call_sync_last, "DS",
		      "zw-test: fatal: -P DS needs a date\n", 1);
	expect_stderr(call_sync_last, "tomorrow",
		      "zw-test: fatal: time value tomorrow is invalid: "
		      "expected YYYYMMDD[HHMMSS], epoch seconds, now, "
		      "'Day Mon DD HH:MM:SS YYYY', [+-]offset or none\n", 1);
}

static void test_values(void **state)
{
	uint16_t f = ZW_DNSKEY_ZONE;

	(void)state;
	assert_int_equal(zw_cli_ttl("none"), 0);
	assert_int_equal(zw_cli_ttl("1h"), 3600);
	assert_int_equal(zw_cli_ttl("300"), 300);
	assert_int_equal(zw_cli_key_alg("ECDSA256", false), ZW_ALG_ECDSAP256);
	assert_int_equal(zw_cli_key_alg("ecdsa384", false), ZW_ALG_ECDSAP384);
	assert_int_equal(zw_cli_key_alg("ED25519", true), 15);
	assert_int_equal(zw_cli_key_alg("RSASHA1", false), ZW_ALG_RSASHA1);
	assert_int_equal(zw_cli_key_alg("RSASHA1", true),
			 ZW_ALG_RSASHA1_NSEC3);
	zw_cli_key_flag(&f, "ksk");
	zw_cli_key_flag(&f, "REVOKE");
	assert_int_equal(f, ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP | ZW_DNSKEY_REVOKE);
	zw_cli_name_type(&f, "other", "");
	assert_int_equal(f, ZW_DNSKEY_SEP | ZW_DNSKEY_REVOKE);
	zw_cli_name_type(&f, "ZONE", "");
	assert_int_equal(f, ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP | ZW_DNSKEY_REVOKE);
}

/* -P sync DATE takes the next argument; -D ds DATE only where allowed;
 * plain -I/-R/-A set their own times. */
static void test_keytime_opt(void **state)
{
	struct zw_cli_keytimes kt = { .now = NOW };
	char *argv[] = { "p", "-P", "sync", "+1d", "-D", "ds", "now", NULL };

	(void)state;
	optind = 3;
	zw_cli_keytime_opt(&kt, 'P', "sync", 7, argv, false);
	assert_int_equal(optind, 4);
	assert_true(kt.set[ZW_KT_SYNCPUBLISH]);
	assert_int_equal(kt.when[ZW_KT_SYNCPUBLISH], NOW + 86400);
	assert_false(kt.set[ZW_KT_PUBLISH]);
	optind = 6;
	zw_cli_keytime_opt(&kt, 'D', "ds", 7, argv, true);
	assert_int_equal(optind, 7);
	assert_true(kt.set[ZW_KFT_DSDELETE]);
	assert_int_equal(kt.when[ZW_KFT_DSDELETE], NOW);
	zw_cli_keytime_opt(&kt, 'I', "none", 7, argv, false);
	assert_true(kt.set[ZW_KT_INACTIVE]);
	assert_int_equal(kt.when[ZW_KT_INACTIVE], 0);
	zw_cli_keytime_opt(&kt, 'R', "+1h", 7, argv, false);
	assert_int_equal(kt.when[ZW_KT_REVOKE], NOW + 3600);
	zw_cli_keytime_opt(&kt, 'A', "20270101000000", 7, argv, false);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], 1798761600);
	assert_int_equal(optind, 7);
}

static void defaults(struct zw_cli_keytimes *kt, const char *p,
		     const char *a, const char *i, bool nodates)
{
	char *argv[] = { "p", NULL };

	memset(kt, 0, sizeof(*kt));
	kt->now = NOW;
	if (p)
		zw_cli_keytime_opt(kt, 'P', p, 1, argv, false);
	if (a)
		zw_cli_keytime_opt(kt, 'A', a, 1, argv, false);
	if (i)
		zw_cli_interval_opt(kt, i);
	zw_cli_keytimes_defaults(kt, nodates);
	assert_true(kt->set[ZW_KT_CREATED]);
	assert_int_equal(kt->when[ZW_KT_CREATED], NOW);
}

/* dnssec-keygen's rules for Publish and Activate. */
static void test_defaults(void **state)
{
	struct zw_cli_keytimes kt;

	(void)state;
	defaults(&kt, NULL, NULL, NULL, false);
	assert_int_equal(kt.when[ZW_KT_PUBLISH], NOW);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], NOW);
	defaults(&kt, NULL, NULL, NULL, true);
	assert_false(kt.set[ZW_KT_PUBLISH] || kt.set[ZW_KT_ACTIVATE]);
	defaults(&kt, NULL, "+2d", "1d", false);
	assert_int_equal(kt.when[ZW_KT_PUBLISH], NOW + 86400);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], NOW + 2 * 86400);
	defaults(&kt, NULL, "none", "1d", false);
	assert_true(kt.set[ZW_KT_PUBLISH]);
	assert_int_equal(kt.when[ZW_KT_PUBLISH], 0);
	defaults(&kt, "+1d", NULL, "1h", false);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], NOW + 86400 + 3600);
	defaults(&kt, "+1d", NULL, NULL, false);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], NOW);
	defaults(&kt, "+1d", "+3d", "1h", false);
	assert_int_equal(kt.when[ZW_KT_PUBLISH], NOW + 86400);
	assert_int_equal(kt.when[ZW_KT_ACTIVATE], NOW + 3 * 86400);
}

/* What zw-keygen and zw-keyfromlabel leave to zw_cli_newkey_opt. */
static void test_newkey_opt(void **state)
{
	struct zw_cli_newkey nk = { .flags = ZW_DNSKEY_ZONE, .kt.now = NOW };
	char *argv[] = { "p", "-D", "sync", "+2d", NULL };
	const char *nt = "ZONE or OTHER";

	(void)state;
	assert_true(zw_cli_newkey_opt(&nk, 'n', "OTHER", 4, argv, nt));
	assert_true(zw_cli_newkey_opt(&nk, 'f', "KSK", 4, argv, nt));
	assert_int_equal(nk.flags, ZW_DNSKEY_SEP);
	assert_true(zw_cli_newkey_opt(&nk, 'K', "dir", 4, argv, nt));
	assert_string_equal(nk.dir, "dir");
	assert_true(zw_cli_newkey_opt(&nk, 'L', "1d", 4, argv, nt));
	assert_int_equal(nk.ttl, 86400);
	assert_true(zw_cli_newkey_opt(&nk, 'G', NULL, 4, argv, nt));
	assert_true(zw_cli_newkey_opt(&nk, '3', NULL, 4, argv, nt));
	assert_true(nk.nodates && nk.nsec3);
	assert_true(zw_cli_newkey_opt(&nk, 'i', "1h", 4, argv, nt));
	assert_true(nk.kt.has_interval);
	assert_int_equal(nk.kt.interval, 3600);
	optind = 3;
	assert_true(zw_cli_newkey_opt(&nk, 'D', "sync", 4, argv, nt));
	assert_int_equal(optind, 4);
	assert_int_equal(nk.kt.when[ZW_KT_SYNCDELETE], NOW + 2 * 86400);
	assert_false(nk.kt.set[ZW_KT_DELETE]);
	assert_true(zw_cli_newkey_opt(&nk, 'q', NULL, 4, argv, nt));
	assert_false(zw_cli_newkey_opt(&nk, 'a', "13", 4, argv, nt));
	assert_false(zw_cli_newkey_opt(&nk, 'b', "2048", 4, argv, nt));
	assert_false(zw_cli_newkey_opt(&nk, '?', NULL, 4, argv, nt));
}

static void test_key_label(void **state)
{
	struct zw_key k;
	char buf[ZW_NAME_STR_MAX + 32];

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_true(zw_name_from_str(k.owner, "Example.COM.", 12,
				     (const uint8_t *)"") > 0);
	k.alg = ZW_ALG_ECDSAP256;
	k.tag = 4711;
	zw_cli_key_label(&k, buf, sizeof(buf));
	assert_string_equal(buf, "Example.COM/ECDSAP256SHA256/4711");
	k.owner[0] = 0;         /* the root keeps its dot */
	k.alg = 200;
	zw_cli_key_label(&k, buf, sizeof(buf));
	assert_string_equal(buf, "./?/4711");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_keytime_opt),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_newkey_opt),
		cmocka_unit_test(test_key_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
