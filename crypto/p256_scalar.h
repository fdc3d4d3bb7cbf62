/* Arithmetic modulo the P-256 group order n, in Montgomery form, for the
 * ECDSA verification scalars (s^-1, u1 = e/s, u2 = r/s). Public data only:
 * not constant-time. Values are four little-endian 64-bit limbs, < n. */
#ifndef ZW_CRYPTO_P256_SCALAR_H
#define ZW_CRYPTO_P256_SCALAR_H

#include <stddef.h>
#include <stdint.h>

extern const uint64_t zw_p256_n[4];

/* r = a*b/2^256 mod n */
void zw_p256_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
void zw_p256_sc_to_mont(uint64_t r[4], const uint64_t a[4]);
void zw_p256_sc_from_mont(uint64_t r[4], const uint64_t a[4]);

/* r = a mod n for any 256-bit a (2^256 < 2n, so one subtraction). */
void zw_p256_sc_reduce(uint64_t r[4], const uint64_t a[4]);

/* r = a^-1 (Montgomery in and out); 0 for a == 0. */
void zw_p256_sc_inv(uint64_t r[4], const uint64_t a[4]);

/* Invert cnt non-zero Montgomery values in place with one inversion
 * (Montgomery's trick); tmp holds cnt values of scratch. */
void zw_p256_sc_inv_batch(uint64_t (*a)[4], uint64_t (*tmp)[4], size_t cnt);

#endif
