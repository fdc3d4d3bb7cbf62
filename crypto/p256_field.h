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

#include "crypto/p256_field_generic.h"

/* The forms the engine uses: inline assembly on x86-64 (baseline
 * instructions only, so no run-time dispatch), C elsewhere. Define
 * ZW_P256_GENERIC to build the C forms everywhere. */
#if defined(__x86_64__) && !defined(ZW_P256_GENERIC)
#include "crypto/p256_field_x86_64.h"
#define ZW_P256_FE(op) zw_p256_fe_##op##_x86_64
#define ZW_P256_FIELD_IMPL "x86_64"
#else
#define ZW_P256_FE(op) zw_p256_fe_##op##_generic
#define ZW_P256_FIELD_IMPL "generic"
#endif

static inline void zw_p256_fe_add(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	ZW_P256_FE(add)(r, a, b);
}

static inline void zw_p256_fe_sub(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	ZW_P256_FE(sub)(r, a, b);
}

static inline void zw_p256_fe_mul(uint64_t r[4], const uint64_t a[4],
				  const uint64_t b[4])
{
	ZW_P256_FE(mul)(r, a, b);
}

static inline void zw_p256_fe_sqr(uint64_t r[4], const uint64_t a[4])
{
	ZW_P256_FE(sqr)(r, a);
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
