/* dataplane/rrl: rate per prefix and class, slip pattern, windows,
 * response classes and the slipped (truncated) form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane/rrl.h"

static const uint8_t qa[] = "\3www\7example\0", qb[] = "\3ftp\7example\0";

static unsigned passes(struct zw_rrl *r, const uint8_t *addr, bool v6,
		       enum zw_rrl_class c, const uint8_t *q, unsigned n,
		       uint32_t now, unsigned *slips)
{
	unsigned pass = 0, ctr = 0;
	*slips = 0;
	for (unsigned i = 0; i < n; i++) {
		int a = zw_rrl_check(r, addr, v6, c, q, sizeof(qa) - 1, now,
				     &ctr);
		pass += a == ZW_RRL_PASS;
		*slips += a == ZW_RRL_SLIP;
	}
	return pass;
}

static void test_rate_and_slip(void **state)
{
	(void)state;
	struct zw_rrl *r = zw_rrl_new(10, 2, 12, 42);
	uint8_t a[4] = {192, 0, 2, 1};
	unsigned slips;
	assert_non_null(r);
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qa, 30, 100,
				&slips), 10);
	assert_int_equal(slips, 10); /* every 2nd of the 20 limited */
	/* the same /24, another host: the same bucket */
	a[3] = 200;
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qa, 5, 100,
				&slips), 0);
	/* another name: another bucket for answers */
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qb, 5, 100,
				&slips), 5);
	/* another /24 */
	a[2] = 3;
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qa, 12, 100,
				&slips), 10);
	/* the next second starts afresh */
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qa, 12, 101,
				&slips), 10);
	zw_rrl_free(r);
}

static void test_classes(void **state)
{
	(void)state;
	struct zw_rrl *r = zw_rrl_new(5, 0, 12, 7);
	uint8_t a[4] = {198, 51, 100, 9};
	unsigned slips;
	assert_int_equal(passes(r, a, false, ZW_RRL_ANSWER, qa, 8, 5, &slips),
			 5);
	assert_int_equal(slips, 0); /* slip 0: all dropped */
	/* NXDOMAIN and errors have their own buckets, keyed on the prefix
	 * alone: random names share one */
	assert_int_equal(passes(r, a, false, ZW_RRL_NXDOMAIN, qa, 3, 5,
				&slips), 3);
	assert_int_equal(passes(r, a, false, ZW_RRL_NXDOMAIN, qb, 3, 5,
				&slips), 2);
	assert_int_equal(passes(r, a, false, ZW_RRL_ERROR, qb, 8, 5, &slips),
			 5);
	zw_rrl_free(r);
}

static void test_v6_prefix(void **state)
{
	(void)state;
	struct zw_rrl *r = zw_rrl_new(4, 1, 12, 9);
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x01, 0, [15] = 1};
	unsigned slips;
	assert_int_equal(passes(r, a, true, ZW_RRL_ANSWER, qa, 6, 1, &slips),
			 4);
	assert_int_equal(slips, 2); /* slip 1: every limited one */
	a[7] = 0xff; /* same /56 */
	assert_int_equal(passes(r, a, true, ZW_RRL_ANSWER, qa, 2, 1, &slips),
			 0);
	a[6] = 2; /* another /56 */
	assert_int_equal(passes(r, a, true, ZW_RRL_ANSWER, qa, 2, 1, &slips),
			 2);
	zw_rrl_free(r);
}

static void test_bad_args(void **state)
{
	(void)state;
	assert_null(zw_rrl_new(0, 2, 12, 1));
	assert_null(zw_rrl_new(70000, 2, 12, 1));
	assert_null(zw_rrl_new(10, 2, 2, 1));
}

static void test_classify_and_slip(void **state)
{
	(void)state;
	uint8_t m[64] = {0x12, 0x34, 0x84, 0x00, 0, 1, 0, 2, 0, 1, 0, 1};
	memcpy(m + 12, qa, sizeof(qa) - 1);
	size_t qend = 12 + sizeof(qa) - 1 + 4;
	assert_int_equal(zw_rrl_classify(m, 60), ZW_RRL_ANSWER);
	m[7] = 0;
	assert_int_equal(zw_rrl_classify(m, 60), ZW_RRL_NODATA);
	m[3] = 3;
	assert_int_equal(zw_rrl_classify(m, 60), ZW_RRL_NXDOMAIN);
	m[3] = 5;
	assert_int_equal(zw_rrl_classify(m, 60), ZW_RRL_ERROR);
	assert_int_equal(zw_rrl_classify(m, 5), ZW_RRL_ERROR);
	m[7] = 2;
	assert_int_equal(zw_rrl_slip(m, 60), qend);
	assert_int_equal(m[2] & 0x02, 0x02);
	assert_int_equal(m[7] | m[9] | m[11], 0);
	assert_int_equal(m[5], 1);
	/* no question: left as it is */
	uint8_t e[12] = {0, 0, 0x81, 1};
	assert_int_equal(zw_rrl_slip(e, 12), 12);
	uint8_t loop[20] = {0, 0, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12};
	assert_int_equal(zw_rrl_slip(loop, 20), 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_and_slip),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_v6_prefix),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_classify_and_slip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
