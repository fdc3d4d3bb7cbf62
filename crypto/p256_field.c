/* P-256 field: constants, conversions and inversion (the inline operations
 * live in p256_field.h). */
#include "crypto/p256_field.h"

#if defined(__x86_64__) && !defined(ZW_P256_GENERIC)
#include <cpuid.h>

int zw_p256_have_mulx;

/* Read once before main: CPUID leaf 7 EBX bit 8 (BMI2), bit 19 (ADX). */
__attribute__((constructor)) static void detect_mulx(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		zw_p256_have_mulx = (b >> 8 & 1) && (b >> 19 & 1);
}
#endif

const uint64_t zw_p256_p[4] = {
	0xffffffffffffffffULL, 0x00000000ffffffffULL,
	0x0000000000000000ULL, 0xffffffff00000001ULL
};

/* 2^256 mod p */
const uint64_t zw_p256_one[4] = {
	0x0000000000000001ULL, 0xffffffff00000000ULL,
	0xffffffffffffffffULL, 0x00000000fffffffeULL
};

/* b * 2^256 mod p */
const uint64_t zw_p256_b[4] = {
	0xd89cdf6229c4bddfULL, 0xacf005cd78843090ULL,
	0xe5a220abf7212ed6ULL, 0xdc30061d04874834ULL
};

/* 2^512 mod p */
static const uint64_t rr_p[4] = {
	0x0000000000000003ULL, 0xfffffffbffffffffULL,
	0xfffffffffffffffeULL, 0x00000004fffffffdULL
};

void zw_p256_fe_to_mont(uint64_t r[4], const uint64_t a[4])
{
	zw_p256_fe_mul(r, a, rr_p);
}

void zw_p256_fe_from_mont(uint64_t r[4], const uint64_t a[4])
{
	static const uint64_t one[4] = { 1, 0, 0, 0 };
	zw_p256_fe_mul(r, a, one);
}

static void sqr_n(uint64_t r[4], const uint64_t a[4], int n)
{
	zw_p256_fe_sqr(r, a);
	while (--n > 0)
		zw_p256_fe_sqr(r, r);
}

/* a^(p-2) by a fixed addition chain: 255 squarings, 12 multiplications.
 * p-2 in bits, top down: 32 ones, 31 zeros, 1, 96 zeros, 64 ones,
 * 30 ones, 0, 1. */
void zw_p256_fe_inv(uint64_t r[4], const uint64_t a[4])
{
	uint64_t x2[4], x3[4], x6[4], x12[4], x15[4], x30[4], x32[4], t[4];

	zw_p256_fe_sqr(t, a);
	zw_p256_fe_mul(x2, t, a);
	zw_p256_fe_sqr(t, x2);
	zw_p256_fe_mul(x3, t, a);
	sqr_n(t, x3, 3);
	zw_p256_fe_mul(x6, t, x3);
	sqr_n(t, x6, 6);
	zw_p256_fe_mul(x12, t, x6);
	sqr_n(t, x12, 3);
	zw_p256_fe_mul(x15, t, x3);
	sqr_n(t, x15, 15);
	zw_p256_fe_mul(x30, t, x15);
	sqr_n(t, x30, 2);
	zw_p256_fe_mul(x32, t, x2);

	sqr_n(t, x32, 32);
	zw_p256_fe_mul(t, t, a);
	sqr_n(t, t, 128);
	zw_p256_fe_mul(t, t, x32);
	sqr_n(t, t, 32);
	zw_p256_fe_mul(t, t, x32);
	sqr_n(t, t, 30);
	zw_p256_fe_mul(t, t, x30);
	sqr_n(t, t, 2);
	zw_p256_fe_mul(r, t, a);
}

void zw_p256_from_be(uint64_t r[4], const uint8_t in[32])
{
	for (int i = 0; i < 4; i++) {
		const uint8_t *b = in + 32 - 8 * (i + 1);
		uint64_t v = 0;
		for (int j = 0; j < 8; j++)
			v = (v << 8) | b[j];
		r[i] = v;
	}
}

void zw_p256_to_be(uint8_t out[32], const uint64_t a[4])
{
	for (int i = 0; i < 4; i++) {
		uint8_t *b = out + 32 - 8 * (i + 1);
		for (int j = 0; j < 8; j++)
			b[j] = (uint8_t)(a[i] >> (56 - 8 * j));
	}
}

bool zw_p256_lt(const uint64_t a[4], const uint64_t m[4])
{
	for (int i = 3; i >= 0; i--) {
		if (a[i] != m[i])
			return a[i] < m[i];
	}
	return false;
}
