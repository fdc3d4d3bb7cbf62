/* Arithmetic modulo the P-256 field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1
 * on four little-endian 64-bit limbs, in Montgomery form (a*2^256 mod p).
 *
 * Every function takes and returns fully reduced values (< p), so equality
 * and zero tests are plain limb comparisons. The code handles public data
 * only (signature verification): it branches freely and is not constant-time.
 * The hot operations are inline so point formulas compile to straight code. */
#ifndef ZW_CRYPTO_P256_FIELD_H
#define ZW_CRYPTO_P256_FIELD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 zw_u128;

extern const uint64_t zw_p256_p[4];
extern const uint64_t zw_p256_one[4];   /* 1 in Montgomery form */
extern const uint64_t zw_p256_b[4];     /* curve b in Montgomery form */

/* r = t - m if that does not borrow (or hi is set), else t. Branch-free:
 * whether the subtraction applies is data-dependent and unpredictable. */
static inline void zw_p256_csub(uint64_t r[4], const uint64_t t[4],
				uint64_t hi, const uint64_t m[4])
{
	uint64_t d[4], borrow = 0;
	for (int i = 0; i < 4; i++) {
		zw_u128 x = (zw_u128)t[i] - m[i] - borrow;
		d[i] = (uint64_t)x;
		borrow = (uint64_t)(x >> 64) & 1;
	}
	/* keep t when the subtraction borrowed out of hi */
	uint64_t keep = 0 - (uint64_t)(borrow > hi);
	for (int i = 0; i < 4; i++)
		r[i] = (t[i] & keep) | (d[i] & ~keep);
}

static inline void zw_p256_fe_add(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	uint64_t t[4];
	zw_u128 c = 0;
	for (int i = 0; i < 4; i++) {
		c += (zw_u128)a[i] + b[i];
		t[i] = (uint64_t)c;
		c >>= 64;
	}
	zw_p256_csub(r, t, (uint64_t)c, zw_p256_p);
}

static inline void zw_p256_fe_sub(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	uint64_t t[4], borrow = 0;
	for (int i = 0; i < 4; i++) {
		zw_u128 x = (zw_u128)a[i] - b[i] - borrow;
		t[i] = (uint64_t)x;
		borrow = (uint64_t)(x >> 64) & 1;
	}
	/* add p back when it borrowed: p's limbs masked */
	uint64_t m = 0 - borrow;
	zw_u128 c = 0;
	for (int i = 0; i < 4; i++) {
		c += (zw_u128)t[i] + (zw_p256_p[i] & m);
		r[i] = (uint64_t)c;
		c >>= 64;
	}
}

/* Montgomery reduction of an 8-limb t (< p * 2^256) into r = t / 2^256.
 * p = -1 mod 2^64, so each round's multiplier is the low limb itself, and
 * q*p = q*2^256 - q*2^224 + q*2^192 + q*2^96 - q reduces to shifts plus one
 * multiplication by the top limb 0xffffffff00000001. */
static inline void zw_p256_redc(uint64_t r[4], uint64_t t[8])
{
	uint64_t hi = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t q = t[i];
		zw_u128 c = (zw_u128)t[i + 1] + (q << 32);
		t[i + 1] = (uint64_t)c;
		c = (c >> 64) + t[i + 2] + (q >> 32);
		t[i + 2] = (uint64_t)c;
		c = (c >> 64) + t[i + 3] + (zw_u128)q * zw_p256_p[3];
		t[i + 3] = (uint64_t)c;
		c = (c >> 64) + t[i + 4] + hi;
		t[i + 4] = (uint64_t)c;
		hi = (uint64_t)(c >> 64);
	}
	zw_p256_csub(r, t + 4, hi, zw_p256_p);
}

/* 4x4 limb schoolbook product into t[8]. */
static inline void zw_p256_mul512(uint64_t t[8], const uint64_t a[4],
				  const uint64_t b[4])
{
	for (int i = 0; i < 8; i++)
		t[i] = 0;
	for (int i = 0; i < 4; i++) {
		zw_u128 c = 0;
		for (int j = 0; j < 4; j++) {
			c += (zw_u128)a[j] * b[i] + t[i + j];
			t[i + j] = (uint64_t)c;
			c >>= 64;
		}
		t[i + 4] = (uint64_t)c;
	}
}

/* Square: the six cross products once, doubled, plus the diagonal. */
static inline void zw_p256_sqr512(uint64_t t[8], const uint64_t a[4])
{
	zw_u128 c;
	uint64_t x[8] = { 0 };
	for (int i = 0; i < 3; i++) {
		c = 0;
		for (int j = i + 1; j < 4; j++) {
			c += (zw_u128)a[i] * a[j] + x[i + j];
			x[i + j] = (uint64_t)c;
			c >>= 64;
		}
		x[i + 4] = (uint64_t)c;
	}
	uint64_t top = 0;
	for (int i = 0; i < 8; i++) {
		uint64_t v = x[i];
		x[i] = (v << 1) | top;
		top = v >> 63;
	}
	c = 0;
	for (int i = 0; i < 4; i++) {
		zw_u128 sq = (zw_u128)a[i] * a[i];
		c += (zw_u128)x[2 * i] + (uint64_t)sq;
		t[2 * i] = (uint64_t)c;
		c >>= 64;
		c += (zw_u128)x[2 * i + 1] + (uint64_t)(sq >> 64);
		t[2 * i + 1] = (uint64_t)c;
		c >>= 64;
	}
}

static inline void zw_p256_fe_mul(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	uint64_t t[8];
	zw_p256_mul512(t, a, b);
	zw_p256_redc(r, t);
}

static inline void zw_p256_fe_sqr(uint64_t r[4], const uint64_t a[4])
{
	uint64_t t[8];
	zw_p256_sqr512(t, a);
	zw_p256_redc(r, t);
}

static inline bool zw_p256_fe_is_zero(const uint64_t a[4])
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

static inline bool zw_p256_fe_eq(const uint64_t a[4], const uint64_t b[4])
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
		(a[3] ^ b[3])) == 0;
}

static inline void zw_p256_fe_copy(uint64_t r[4], const uint64_t a[4])
{
	memcpy(r, a, 32);
}

/* r = -a mod p */
static inline void zw_p256_fe_neg(uint64_t r[4], const uint64_t a[4])
{
	static const uint64_t zero[4];
	zw_p256_fe_sub(r, zero, a);
}

/* Plain integer (< p) to and from Montgomery form. */
void zw_p256_fe_to_mont(uint64_t r[4], const uint64_t a[4]);
void zw_p256_fe_from_mont(uint64_t r[4], const uint64_t a[4]);

/* r = a^-1 (Montgomery in, Montgomery out); a == 0 gives 0. */
void zw_p256_fe_inv(uint64_t r[4], const uint64_t a[4]);

/* Big-endian 32 octets <-> plain limbs. from_bytes does not reduce. */
void zw_p256_from_be(uint64_t r[4], const uint8_t in[32]);
void zw_p256_to_be(uint8_t out[32], const uint64_t a[4]);

/* a < m as plain integers */
bool zw_p256_lt(const uint64_t a[4], const uint64_t m[4]);

#endif
