/* dataplane/csum: the word-at-a-time sum against a naive 16-bit one, for
 * every length and alignment and for sums built from pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/csum.h"
#include "tests/dataplane/frames.h"

static uint16_t fast(const uint8_t *p, size_t n)
{
	/* memory-order result back to a big-endian number */
	uint16_t f = zw_csum_fold(zw_csum_add(0, p, n));
	uint8_t b[2];
	memcpy(b, &f, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void test_lengths_alignments(void **state)
{
	(void)state;
	uint8_t buf[2100];
	srand(1);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(buf); n += (n < 80 ? 1 : 37))
			assert_int_equal(fast(buf + off, n),
					 t_fold(t_sum(buf + off, n, 0)));
}

/* Each variant on its own (zw_csum_add picks one by length and CPU). */
static void test_variants(void **state)
{
	(void)state;
	uint8_t buf[2100];
	srand(2);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(buf); n += (n < 200 ? 1 : 29)) {
			uint16_t want = t_fold(t_sum(buf + off, n, 0));
			uint64_t seed = 0xfedcba9876543210u;
			uint16_t s = zw_csum_fold(zw_csum_add_scalar(seed, buf + off, n));
			assert_int_equal(s, zw_csum_fold(zw_csum_add(seed, buf + off, n)));
			assert_int_equal(fast(buf + off, n), want);
#if defined(__x86_64__) && defined(__GNUC__)
			if (n >= 32 && __builtin_cpu_supports("avx2"))
				assert_int_equal(zw_csum_fold(zw_csum_add_avx2(seed, buf + off, n)), s);
#endif
		}
}

/* The largest run: every word 0xffff (AVX2 lanes at their extreme) or
 * 0x8000 / 0x7fff (either side of the sign flip). */
static void test_extremes(void **state)
{
	(void)state;
	static uint8_t buf[65536];
	static const uint8_t fill[][2] = {{0xff, 0xff}, {0x80, 0}, {0x7f, 0xff}, {0, 0}};
	for (size_t f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = fill[f][i & 1];
		for (size_t n = sizeof(buf) - 3; n <= sizeof(buf); n++) {
			uint16_t s = zw_csum_fold(zw_csum_add_scalar(0, buf, n));
			assert_int_equal(zw_csum_fold(zw_csum_add(0, buf, n)), s);
#if defined(__x86_64__) && defined(__GNUC__)
			if (__builtin_cpu_supports("avx2"))
				assert_int_equal(zw_csum_fold(zw_csum_add_avx2(0, buf, n)), s);
#endif
		}
	}
}

static void test_all_ones(void **state)
{
	(void)state;
	uint8_t buf[1500];
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(fast(buf, sizeof(buf)), 0xffff);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(fast(buf, sizeof(buf)), 0);
}

static void test_pieces(void **state)
{
	(void)state;
	uint8_t buf[600];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	for (size_t cut = 0; cut <= 598; cut += 2) {
		uint64_t s = zw_csum_add(0, buf, cut);
		s = zw_csum_add(s, buf + cut, 599 - cut);
		assert_int_equal(zw_csum_fold(s),
				 zw_csum_fold(zw_csum_add(0, buf, 599)));
	}
}

static void test_pseudo(void **state)
{
	(void)state;
	uint8_t a[16], b[16];
	for (int i = 0; i < 16; i++) {
		a[i] = (uint8_t)(0x11 * i);
		b[i] = (uint8_t)(0xf0 - i);
	}
	uint64_t s4 = zw_csum_pseudo4(a, b, 17, 1234);
	uint32_t n4 = t_sum(a, 4, 0) + t_sum(b, 4, 0) + 17 + 1234;
	uint16_t f4 = zw_csum_fold(s4);
	uint8_t x[2];
	memcpy(x, &f4, 2);
	assert_int_equal(x[0] << 8 | x[1], t_fold(n4));
	uint64_t s6 = zw_csum_pseudo6(a, b, 58, 70000);
	uint32_t n6 = t_sum(a, 16, 0) + t_sum(b, 16, 0) + 58 + 1 + 4464;
	uint16_t f6 = zw_csum_fold(s6);
	memcpy(x, &f6, 2);
	assert_int_equal(x[0] << 8 | x[1], t_fold(n6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lengths_alignments),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_all_ones),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_pseudo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
