#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rdata.h"
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

/* ---- differential tests against a dense reference ---- */

/* The obvious construction (RFC 4034 §4.1.2): a 64 Kbit set, every window
 * cut after its last non-zero octet. Returns the length or ZW_ENOSPC. */
static int ref_build(const uint16_t *types, size_t n, uint8_t *out,
		     size_t outmax)
{
	static uint8_t bits[8192];
	size_t len = 0;

	memset(bits, 0, sizeof(bits));
	for (size_t i = 0; i < n; i++)
		bits[types[i] / 8] |= (uint8_t)(0x80 >> (types[i] % 8));
	for (unsigned w = 0; w < 256; w++) {
		size_t wl = 32;

		while (wl > 0 && bits[w * 32 + wl - 1] == 0)
			wl--;
		if (wl == 0)
			continue;
		if (len + 2 + wl > outmax)
			return ZW_ENOSPC;
		out[len] = (uint8_t)w;
		out[len + 1] = (uint8_t)wl;
		memcpy(out + len + 2, bits + w * 32, wl);
		len += 2 + wl;
	}
	return (int)len;
}

static uint32_t rng_next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Types that sit on window and octet edges, where off-by-ones live. */
static const uint16_t edge_types[] = {
	0, 1, 7, 8, 46, 47, 248, 255, 256, 257, 263, 511, 512, 1234,
	32767, 32768, 65279, 65280, 65528, 65534, 65535,
};

/* A random type set of n entries: mostly common types, some edges, some
 * anywhere; unsorted, with duplicates now and then. */
static void random_types(uint32_t *x, uint16_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t r = rng_next(x);

		switch (r % 5) {
		case 0: t[i] = (uint16_t)(r >> 8 & 63); break;
		case 1:
			t[i] = edge_types[(r >> 8) % (sizeof(edge_types) /
						     sizeof(edge_types[0]))];
			break;
		case 2: t[i] = (uint16_t)(r >> 16); break;
		case 3: t[i] = i ? t[(r >> 8) % i] : 0; break; /* duplicate */
		default: t[i] = (uint16_t)((r >> 8) % 1024); break;
		}
	}
}

/* Build equals the reference at every size, and at every too-small
 * buffer both say ENOSPC; the exact-size buffer is a heap block so the
 * sanitizer sees any write past it. */
static void check_build(const uint16_t *t, size_t n)
{
	static uint8_t want[ZW_BITMAP_MAX], got[ZW_BITMAP_MAX];
	int wl = ref_build(t, n, want, sizeof(want));
	uint8_t *exact = malloc(wl > 0 ? (size_t)wl : 1);

	assert_true(wl >= 0);
	assert_non_null(exact);
	assert_int_equal(zw_bitmap_build(t, n, got, sizeof(got)), wl);
	assert_memory_equal(got, want, (size_t)wl);
	assert_int_equal(zw_bitmap_build(t, n, exact, (size_t)wl), wl);
	assert_memory_equal(exact, want, (size_t)wl);
	free(exact);
	if (wl > 0) {
		assert_int_equal(zw_bitmap_build(t, n, got, (size_t)wl - 1),
				 ZW_ENOSPC);
		assert_int_equal(zw_bitmap_build(t, n, got, 0), ZW_ENOSPC);
	}
}

static void test_build_vs_reference(void **state)
{
	static uint16_t t[4096];
	uint32_t x = 0x9e3779b9;

	(void)state;
	check_build(t, 0);
	for (size_t i = 0; i < sizeof(edge_types) / sizeof(edge_types[0]);
	     i++) {
		check_build(&edge_types[i], 1);
		t[0] = t[1] = t[2] = edge_types[i];
		check_build(t, 3);
	}
	check_build(edge_types, sizeof(edge_types) / sizeof(edge_types[0]));
	for (int round = 0; round < 3000; round++) {
		size_t n = rng_next(&x) % (round % 100 == 0 ? 4096 : 24);

		random_types(&x, t, n);
		check_build(t, n);
	}
}

/* Every window full, then every single type: the dense extremes. */
static void test_build_dense_vs_reference(void **state)
{
	static uint16_t t[65536];

	(void)state;
	for (unsigned i = 0; i < 65536; i++)
		t[i] = (uint16_t)(i * 40503u); /* odd multiplier: a permutation */
	check_build(t, 65536);
	for (unsigned i = 0; i < 65536; i += 97)
		check_build(t + i, 1);
}

/* Type list as zone-file text, mnemonics and TYPEnnn mixed; tokens point
 * into buf. Returns the token count. */
static size_t types_to_tokens(uint32_t *x, const uint16_t *t, size_t n,
			      char *buf, size_t bufmax, struct zw_tok *tok)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		char *p = buf + used;
		int len = rng_next(x) & 1
				  ? snprintf(p, bufmax - used, "TYPE%u", t[i])
				  : zw_rrtype_to_str(t[i], p, bufmax - used);

		assert_true(len > 0 && (size_t)len < bufmax - used);
		tok[i] = (struct zw_tok){ p, (uint32_t)len, false };
		used += (size_t)len + 1;
	}
	return n;
}

/* NSEC3 and NSEC rdata parsed from text carry exactly the reference
 * bitmap after their fixed fields; a short buffer gives ENOSPC. */
static void check_parse(uint32_t *x, const uint16_t *t, size_t n)
{
	static char buf[64 * 1024];
	static struct zw_tok tok[4096 + 6];
	static uint8_t want[ZW_BITMAP_MAX], rd[ZW_RDATA_MAX];
	static const uint8_t nsec_head[] = { 1, 'a', 0 };
	/* NSEC3 1 0 0 - <20-octet hash> */
	static const uint8_t nsec3_head[] = { 1, 0, 0, 0, 0, 20 };
	const char *fixed[] = { "1", "0", "0", "-",
				"0123456789abcdefghij0123456789ab" };
	int wl = ref_build(t, n, want, sizeof(want));
	int r;

	for (int i = 0; i < 5; i++)
		tok[i] = (struct zw_tok){ fixed[i], (uint32_t)strlen(fixed[i]),
					  false };
	types_to_tokens(x, t, n, buf, sizeof(buf), tok + 5);
	r = zw_rdata_from_str(ZW_TYPE_NSEC3, tok, n + 5, NULL, rd, sizeof(rd),
			      NULL);
	assert_int_equal(r, (int)sizeof(nsec3_head) + 20 + wl);
	assert_memory_equal(rd, nsec3_head, sizeof(nsec3_head));
	assert_memory_equal(rd + sizeof(nsec3_head) + 20, want, (size_t)wl);
	assert_int_equal(zw_rdata_from_str(ZW_TYPE_NSEC3, tok, n + 5, NULL, rd,
					   (size_t)r - 1, NULL),
			 ZW_ENOSPC);

	tok[4] = (struct zw_tok){ "a.", 2, false };
	r = zw_rdata_from_str(ZW_TYPE_NSEC, tok + 4, n + 1, NULL, rd,
			      sizeof(rd), NULL);
	if (n == 0) { /* NSEC needs at least one type */
		assert_true(r < 0);
		return;
	}
	assert_int_equal(r, (int)sizeof(nsec_head) + wl);
	assert_memory_equal(rd, nsec_head, sizeof(nsec_head));
	assert_memory_equal(rd + sizeof(nsec_head), want, (size_t)wl);
}

static void test_parse_vs_reference(void **state)
{
	static uint16_t t[4096];
	uint32_t x = 20240601;

	(void)state;
	check_parse(&x, t, 0);
	for (size_t i = 0; i < sizeof(edge_types) / sizeof(edge_types[0]);
	     i++)
		check_parse(&x, &edge_types[i], 1);
	check_parse(&x, edge_types, sizeof(edge_types) / sizeof(edge_types[0]));
	for (int round = 0; round < 2000; round++) {
		size_t n = rng_next(&x) % (round % 100 == 0 ? 4096 : 24);

		random_types(&x, t, n);
		check_parse(&x, t, n);
	}
}

/* The incremental set starts empty after init even when reused. */
static void test_set_reuse(void **state)
{
	struct zw_bitmap_set s;
	uint8_t bm[64];
	const uint8_t want[] = { 0xff, 1, 0x01 };

	(void)state;
	zw_bitmap_set_init(&s);
	zw_bitmap_set_add(&s, 1234);
	zw_bitmap_set_add(&s, 1);
	assert_int_equal(zw_bitmap_set_emit(&s, bm, sizeof(bm)), 3 + 2 + 27);
	zw_bitmap_set_init(&s);
	assert_int_equal(zw_bitmap_set_emit(&s, bm, 0), 0);
	zw_bitmap_set_add(&s, 65535);
	zw_bitmap_set_add(&s, 65535);
	assert_int_equal(zw_bitmap_set_emit(&s, bm, sizeof(bm)), 34);
	zw_bitmap_set_init(&s);
	zw_bitmap_set_add(&s, 65287);
	assert_int_equal(zw_bitmap_set_emit(&s, bm, sizeof(bm)), 3);
	assert_memory_equal(bm, want, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4034_build),
		cmocka_unit_test(test_rfc4034_read),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_all_types),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_build_vs_reference),
		cmocka_unit_test(test_build_dense_vs_reference),
		cmocka_unit_test(test_parse_vs_reference),
		cmocka_unit_test(test_set_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
