/* Precomputed multiples of a P-256 point and the two scalar
 * multiplications ECDSA verification needs:
 *
 *  - fixed-base tables (a "comb" of signed windows): window i holds
 *    j * 2^(W*i) * P for j = 1..2^(W-1), so k*P is one mixed addition per
 *    window and no doubling at all. Built for G once per cache and for each
 *    public key that is used often enough to pay for it;
 *  - odd multiples P, 3P, ..., for a width-ZW_P256_OW wNAF, cheap to build,
 *    used by the joint (Straus) double-and-add for keys without a table.
 *
 * Public data only; not constant-time. */
#ifndef ZW_CRYPTO_P256_TABLE_H
#define ZW_CRYPTO_P256_TABLE_H

#include <stdint.h>

#include "crypto/p256_point.h"

#ifndef ZW_P256_TW
#define ZW_P256_TW 6                            /* fixed-base window bits */
#endif
#define ZW_P256_TNWIN ((257 + ZW_P256_TW - 1) / ZW_P256_TW)
#define ZW_P256_THALF (1 << (ZW_P256_TW - 1))

#ifndef ZW_P256_OW
#define ZW_P256_OW 5                            /* wNAF width for keys */
#endif
#define ZW_P256_ONUM (1 << (ZW_P256_OW - 2))

#define ZW_P256_NAF_LEN 257

struct zw_p256_table {
	struct zw_p256_aff t[ZW_P256_TNWIN][ZW_P256_THALF];
};

struct zw_p256_odd {
	struct zw_p256_aff p[ZW_P256_ONUM];       /* (2j+1) * P */
};

/* Fill t for the (valid, affine) point p. */
void zw_p256_table_build(struct zw_p256_table *t, const struct zw_p256_aff *p);

/* Odd multiples of p. */
void zw_p256_odd_build(struct zw_p256_odd *o, const struct zw_p256_aff *p);

/* Signed fixed windows of k (< 2^256): digits in [-2^(W-1)+1, 2^(W-1)]
 * with k = sum d[i] 2^(W*i). */
void zw_p256_recode_fixed(int8_t d[ZW_P256_TNWIN], const uint64_t k[4]);

/* Width-w NAF of k (< 2^256): odd digits below 2^(w-1) in magnitude, or 0.
 * Returns the number of digits up to the highest non-zero one. */
int zw_p256_wnaf(int8_t naf[ZW_P256_NAF_LEN], const uint64_t k[4], int w);

/* r = u1*G + u2*Q with fixed-base tables for both (no doublings). */
void zw_p256_mul2_fixed(struct zw_p256_jac *r, const struct zw_p256_table *gt,
			const uint64_t u1[4], const struct zw_p256_table *qt,
			const uint64_t u2[4]);

/* r = u1*G + u2*Q, one shared doubling chain (Straus) over the wNAFs of
 * u1 (multiples of G taken from window 0 of gt) and u2 (odd multiples). */
void zw_p256_mul2_straus(struct zw_p256_jac *r, const struct zw_p256_table *gt,
			 const uint64_t u1[4], const struct zw_p256_odd *qo,
			 const uint64_t u2[4]);

#endif
