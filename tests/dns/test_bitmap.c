#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rrtype.h"

/* RFC 4034 §4.3: alfa.example.com. NSEC host.example.com.
 * (A MX RRSIG NSEC TYPE1234). */
static const uint8_t rfc_bm[] = {
	0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20,
};

static void test_rfc4034_build(void **state)
{
	const uint16_t types[] = { 1234, ZW_TYPE_NSEC, ZW_TYPE_A,
				   ZW_TYPE_RRSIG, ZW_TYPE_MX, ZW_TYPE_A };
	uint8_t bm[ZW_BITMAP_MAX];

	(void)state;
	assert_int_equal(zw_bitmap_build(types, 6, bm, sizeof(bm)),
			 (int)sizeof(rfc_bm));
	assert_memory_equal(bm, rfc_bm, sizeof(rfc_bm));
	assert_int_equal(zw_bitmap_build(types, 6, bm, sizeof(rfc_bm)),
			 (int)sizeof(rfc_bm));
	assert_int_equal(zw_bitmap_build(types, 6, bm, sizeof(rfc_bm) - 1),
			 ZW_ENOSPC);
	assert_int_equal(zw_bitmap_build(types, 0, bm, 0), 0);
}

static void test_rfc4034_read(void **state)
{
	uint16_t t[8];
	const uint16_t want[] = { 1, 15, 46, 47, 1234 };

	(void)state;
	assert_int_equal(zw_bitmap_check(rfc_bm, rfc_bm + sizeof(rfc_bm)), 0);
	assert_int_equal(zw_bitmap_types(rfc_bm, sizeof(rfc_bm), t, 8), 5);
	assert_memory_equal(t, want, sizeof(want));
	assert_int_equal(zw_bitmap_types(rfc_bm, sizeof(rfc_bm), t, 2), 5);
	for (unsigned ty = 0; ty < 65536; ty++) {
		bool set = ty == 1 || ty == 15 || ty == 46 || ty == 47 ||
			   ty == 1234;
		assert_int_equal(zw_bitmap_has(rfc_bm, sizeof(rfc_bm),
					       (uint16_t)ty),
				 set);
	}
}

static void test_check_malformed(void **state)
{
	(void)state;
	const uint8_t empty[1] = { 0 };
	assert_int_equal(zw_bitmap_check(empty, empty), 0);
	const uint8_t zero_len[] = { 0, 0 };
	assert_int_equal(zw_bitmap_check(zero_len, zero_len + 2), ZW_EMALF);
	const uint8_t too_long[35] = { 0, 33, [34] = 1 };
	assert_int_equal(zw_bitmap_check(too_long, too_long + 35), ZW_EMALF);
	const uint8_t trunc[] = { 0, 2, 0x40 };
	assert_int_equal(zw_bitmap_check(trunc, trunc + 3), ZW_EMALF);
	const uint8_t half[] = { 0, 1, 0x40, 1 };
	assert_int_equal(zw_bitmap_check(half, half + 4), ZW_EMALF);
	const uint8_t trailing0[] = { 0, 2, 0x40, 0 };
	assert_int_equal(zw_bitmap_check(trailing0, trailing0 + 4), ZW_EMALF);
	const uint8_t desc[] = { 1, 1, 0x40, 0, 1, 0x40 };
	assert_int_equal(zw_bitmap_check(desc, desc + 6), ZW_EMALF);
	const uint8_t dup[] = { 1, 1, 0x40, 1, 1, 0x20 };
	assert_int_equal(zw_bitmap_check(dup, dup + 6), ZW_EMALF);
	const uint8_t ok[] = { 0, 1, 0x40, 1, 1, 0x20 };
	assert_int_equal(zw_bitmap_check(ok, ok + 6), 0);
	assert_true(zw_bitmap_has(ok, 6, 1));
	assert_true(zw_bitmap_has(ok, 6, 258));
	assert_false(zw_bitmap_has(ok, 6, 257));
	assert_false(zw_bitmap_has(ok, 6, 513));
}

static void test_all_types(void **state)
{
	static uint16_t types[65536], out[65536];
	static uint8_t bm[ZW_BITMAP_MAX];

	(void)state;
	for (unsigned i = 0; i < 65536; i++)
		types[i] = (uint16_t)(65535 - i);
	assert_int_equal(zw_bitmap_build(types, 65536, bm, sizeof(bm)),
			 ZW_BITMAP_MAX);
	assert_int_equal(zw_bitmap_check(bm, bm + ZW_BITMAP_MAX), 0);
	assert_int_equal(zw_bitmap_types(bm, ZW_BITMAP_MAX, out, 65536), 65536);
	for (unsigned i = 0; i < 65536; i++)
		assert_int_equal(out[i], i);
}

static void test_round_trip(void **state)
{
	uint16_t types[64], out[64];
	uint8_t bm[ZW_BITMAP_MAX];
	uint32_t x = 12345;

	(void)state;
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)round % 20 + 1;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			types[i] = (uint16_t)(round & 1 ? x >> 16 : x >> 23);
		}
		int len = zw_bitmap_build(types, n, bm, sizeof(bm));
		assert_true(len > 0);
		assert_int_equal(zw_bitmap_check(bm, bm + len), 0);
		int k = zw_bitmap_types(bm, (size_t)len, out, 64);
		assert_true(k >= 1 && (size_t)k <= n);
		for (int i = 1; i < k; i++)
			assert_true(out[i - 1] < out[i]);
		for (size_t i = 0; i < n; i++)
			assert_true(zw_bitmap_has(bm, (size_t)len, types[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4034_build),
		cmocka_unit_test(test_rfc4034_read),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
