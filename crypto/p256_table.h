/* Precomputed multiples of a P-256 point and the two scalar
 * multiplications ECDSA verification needs:
 *
 *  - fixed-base tables (a comb of signed windows): with window width w,
 *    window i holds j * 2^(w*i) * P for j = 1..2^(w-1), so k*P is one mixed
 *    addition per window and no doubling at all. The generator's table is
 *    wider (it is shared); each public key used often enough gets its own;
 *  - odd multiples P, 3P, ... for a width-ZW_P256_OW wNAF, and later those
 *    of 2^128 P, for the two 128-bit halves of a scalar: a tenth of a
 *    table's cost, used by the joint (Straus) double-and-add, which then
 *    needs only 128 doublings, for keys without a table.
 *
 * Tables are flat arrays of affine points, window after window. Public data
 * only; not constant-time. */
#ifndef ZW_CRYPTO_P256_TABLE_H
#define ZW_CRYPTO_P256_TABLE_H

#include <stdint.h>

#include "crypto/p256_point.h"

/* Windows needed for width w: digits are recoded signed, and the top one
 * must absorb a carry, hence 257 bits. */
#define ZW_P256_NWIN(w) ((257 + (w) - 1) / (w))
#define ZW_P256_HALF(w) (1 << ((w) - 1))
#define ZW_P256_TABLE_LEN(w) (ZW_P256_NWIN(w) * ZW_P256_HALF(w))

#ifndef ZW_P256_GW
#define ZW_P256_GW 8                            /* generator: 270 KB */
#endif
#ifndef ZW_P256_KW
#define ZW_P256_KW 6                            /* per key: 86 KB */
#endif
#ifndef ZW_P256_OW
#define ZW_P256_OW 6                            /* wNAF width for keys */
#endif
#define ZW_P256_ONUM (1 << (ZW_P256_OW - 2))

#define ZW_P256_NAF_LEN 257
#define ZW_P256_MAXWIN ZW_P256_NWIN(2)

struct zw_p256_gtable {
	struct zw_p256_aff t[ZW_P256_TABLE_LEN(ZW_P256_GW)];
};

struct zw_p256_ktable {
	struct zw_p256_aff t[ZW_P256_TABLE_LEN(ZW_P256_KW)];
};

struct zw_p256_odd {
	struct zw_p256_aff p[ZW_P256_ONUM];       /* (2j+1) * P */
	struct zw_p256_aff hi[ZW_P256_ONUM];      /* (2j+1) * 2^128 * P */
	int has_hi;                               /* hi is filled in */
};

/* Straus takes G's multiples from the windows of its table that start at
 * bit 0 and bit 128. */
_Static_assert(128 % ZW_P256_GW == 0, "generator window must divide 128");

/* Fill t (ZW_P256_TABLE_LEN(w) points, 2 <= w <= 8) for the valid affine
 * point p. */
void zw_p256_table_build(struct zw_p256_aff *t, int w,
			 const struct zw_p256_aff *p);

/* Odd multiples of p (hi left empty). */
void zw_p256_odd_build(struct zw_p256_odd *o, const struct zw_p256_aff *p);

/* Odd multiples of 2^128 p: 128 doublings, so left until a key's second
 * use (a key seen once is verified faster without). */
void zw_p256_odd_build_hi(struct zw_p256_odd *o);

/* Signed width-w windows of k (< 2^256): ZW_P256_NWIN(w) digits in
 * [-2^(w-1), 2^(w-1)-1] (so w = 8 fits int8_t) with k = sum d[i] 2^(w*i). */
void zw_p256_recode_fixed(int8_t *d, const uint64_t k[4], int w);

/* Width-w NAF of k (< 2^256): odd digits below 2^(w-1) in magnitude, or 0.
 * Returns the number of digits up to the highest non-zero one. */
int zw_p256_wnaf(int8_t naf[ZW_P256_NAF_LEN], const uint64_t k[4], int w);

/* r = u1*G + u2*Q from the fixed-base tables of G (width gw) and Q
 * (width qw): no doublings. */
void zw_p256_mul2_fixed(struct zw_p256_jac *r, const struct zw_p256_aff *gt,
			int gw, const uint64_t u1[4],
			const struct zw_p256_aff *qt, int qw,
			const uint64_t u2[4]);

/* r = u1*G + u2*Q, one shared chain of 128 doublings (Straus) over the
 * wNAFs of the 128-bit halves of u1 (multiples of G and 2^128 G from the
 * windows of gt at bits 0 and 128; gw must divide 128) and of u2 (odd
 * multiples of Q and 2^128 Q); 256 doublings over whole wNAFs while qo
 * has no hi part. */
void zw_p256_mul2_straus(struct zw_p256_jac *r, const struct zw_p256_aff *gt,
			 int gw, const uint64_t u1[4],
			 const struct zw_p256_odd *qo, const uint64_t u2[4]);

#endif
