/* BIND-style key dates (crypto/keytime.c). Expected values were checked
 * against dnssec-settime 9.18 (-P ARG then -up P) with TZ=UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crypto/keytime.h"
#include "dns/err.h"

#define NOW 1795927733LL        /* Sun Nov 29 04:48:53 2026 UTC */

static int64_t parse_ok(const char *s)
{
	int64_t t = -1;
	const char *why = NULL;

	if (zw_keytime_parse(s, NOW, &t, &why) != 0)
		fail_msg("'%s' rejected: %s", s, why ? why : "?");
	return t;
}

static void parse_bad(const char *s, int code)
{
	int64_t t = 0;
	const char *why = NULL;

	assert_int_equal(zw_keytime_parse(s, NOW, &t, &why), code);
	assert_non_null(why);
}

static void test_parse_offsets(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("now"), NOW);
	assert_int_equal(parse_ok("NOW"), NOW);
	assert_int_equal(parse_ok("+1s"), NOW + 1);
	assert_int_equal(parse_ok("+1S"), NOW + 1);
	assert_int_equal(parse_ok("+1"), NOW + 1);
	assert_int_equal(parse_ok("+01"), NOW + 1);
	assert_int_equal(parse_ok("-0"), NOW);
	assert_int_equal(parse_ok("+1mi"), NOW + 60);
	assert_int_equal(parse_ok("+1h"), NOW + 3600);
	assert_int_equal(parse_ok("now+1d"), NOW + 86400);
	assert_int_equal(parse_ok("-1d"), NOW - 86400);
	assert_int_equal(parse_ok("now-1d"), NOW - 86400);
	assert_int_equal(parse_ok("+1w"), NOW + 604800);
	assert_int_equal(parse_ok("+1MO"), NOW + 2592000);
	assert_int_equal(parse_ok("+1Y"), NOW + 31536000);
	assert_int_equal(parse_ok("none"), 0);
	assert_int_equal(parse_ok("NEVER"), 0);
	assert_int_equal(parse_ok("unset"), 0);
}

static void test_parse_dates(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(parse_ok("20270101"), 1798761600);
	assert_int_equal(parse_ok("20270101+1d"), 1798848000);
	assert_int_equal(parse_ok("20270101120000+1"), 1798804801);
	assert_int_equal(parse_ok("1800000000"), 1800000000);
	assert_int_equal(parse_ok("2027010112"), 2027010112);
	assert_int_equal(parse_ok("Mon Nov 30 04:46:40 2026"), 1796014000);
	assert_int_equal(parse_ok("MON NOV 30 04:46:40 2026"), 1796014000);
	assert_int_equal(parse_ok("Mon Nov  3 04:46:40 2026"), 1793681200);
	assert_int_equal(parse_ok("21060207062815"), 4294967295LL);
	setenv("TZ", "America/New_York", 1);
	tzset();
	/* ctime form is local time, as dnssec-settime -p prints it */
	assert_int_equal(parse_ok("Mon Nov 30 04:46:40 2026"), 1796032000);
	assert_int_equal(parse_ok("20261130044640"), 1796014000);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_parse_bad(void **state)
{
	(void)state;
	parse_bad("+1m", ZW_ESYNTAX);   /* BIND: ambiguous */
	parse_bad("+1M", ZW_ESYNTAX);
	parse_bad("+1x", ZW_ESYNTAX);
	parse_bad("now+", ZW_ESYNTAX);
	parse_bad("+1y1d", ZW_ESYNTAX);
	parse_bad(" +1", ZW_ESYNTAX);
	parse_bad("+1 ", ZW_ESYNTAX);
	parse_bad("2027-01-01", ZW_ESYNTAX);
	parse_bad("202701", ZW_ESYNTAX);
	parse_bad("1", ZW_ESYNTAX);
	parse_bad("", ZW_ESYNTAX);
	parse_bad("nowhere", ZW_ESYNTAX);
	parse_bad("20260230", ZW_ERANGE);
	parse_bad("20261301", ZW_ERANGE);
	parse_bad("20260101240000", ZW_ERANGE);
	parse_bad("21060207062816", ZW_ERANGE);
	parse_bad("19700101", ZW_ERANGE);
	parse_bad("99999999999", ZW_ESYNTAX);
	parse_bad("+99999999999", ZW_ERANGE);
	parse_bad("+18446744073709551616", ZW_ERANGE);
	parse_bad("-100y", ZW_ERANGE);
	parse_bad("Foo Bar 30 04:46:40 2026", ZW_ERANGE);
	parse_bad("Mon Nov 31 04:46:40 2026", ZW_ERANGE);
}

static void test_interval(void **state)
{
	int64_t v;
	const char *why;

	(void)state;
	assert_int_equal(zw_keytime_interval("30d", &v, &why), 0);
	assert_int_equal(v, 30 * 86400);
	assert_int_equal(zw_keytime_interval("3600", &v, &why), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(zw_keytime_interval("2mi", &v, &why), 0);
	assert_int_equal(v, 120);
	assert_int_equal(zw_keytime_interval("2m", &v, &why), ZW_ESYNTAX);
	assert_non_null(strstr(why, "ambiguous"));
	assert_int_equal(zw_keytime_interval("d", &v, &why), ZW_ESYNTAX);
	assert_int_equal(zw_keytime_interval("-1d", &v, &why), ZW_ESYNTAX);
}

static void test_fmt_scan(void **state)
{
	char buf[ZW_KEYTIME_STR], ct[ZW_KEYTIME_CTIME];
	int64_t t;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(zw_keytime_fmt(1795927600, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "20261129044640");
	assert_int_equal(zw_keytime_scan(buf, 14, &t), 0);
	assert_int_equal(t, 1795927600);
	assert_int_equal(zw_keytime_fmt(1795927600, buf, 14), ZW_ENOSPC);
	assert_int_equal(zw_keytime_fmt(-1, buf, sizeof(buf)), ZW_ERANGE);
	assert_int_equal(zw_keytime_ctime(1796532403, ct, sizeof(ct)), 24);
	assert_string_equal(ct, "Sun Dec  6 04:46:43 2026");
	assert_int_equal(zw_keytime_scan("2026112904464", 13, &t),
			 ZW_ESYNTAX);
	assert_int_equal(zw_keytime_scan("2026112904464x", 14, &t),
			 ZW_ESYNTAX);
	assert_int_equal(zw_keytime_scan("20261129046040", 14, &t),
			 ZW_ERANGE);
	/* leap days */
	assert_int_equal(zw_keytime_scan("20280229000000", 14, &t), 0);
	assert_int_equal(zw_keytime_fmt(t, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "20280229000000");
	assert_int_equal(zw_keytime_scan("21000229000000", 14, &t),
			 ZW_ERANGE);
	assert_int_equal(zw_keytime_scan("20000229000000", 14, &t), 0);
	assert_int_equal(t, 951782400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_offsets),
		cmocka_unit_test(test_parse_dates),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_fmt_scan),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
