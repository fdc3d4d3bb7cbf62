/* P-256 points: affine (x, y) and Jacobian (X:Y:Z) meaning
 * (X/Z^2, Y/Z^3), coordinates in Montgomery form. Z == 0 is the point at
 * infinity. Public data only: the formulas branch on exceptional cases
 * (doubling inside an addition, infinity) so adversarial inputs that reach
 * them still give the right answer. */
#ifndef ZW_CRYPTO_P256_POINT_H
#define ZW_CRYPTO_P256_POINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zw_p256_aff {
	uint64_t x[4], y[4];
};

struct zw_p256_jac {
	uint64_t x[4], y[4], z[4];
};

extern const struct zw_p256_aff zw_p256_g;    /* the generator */

/* Decode 64 octets x||y (big-endian) into a validated point: both
 * coordinates below p and on the curve. false when not. */
bool zw_p256_aff_decode(struct zw_p256_aff *r, const uint8_t in[64]);

bool zw_p256_aff_on_curve(const struct zw_p256_aff *a);

void zw_p256_jac_set_inf(struct zw_p256_jac *r);
void zw_p256_jac_from_aff(struct zw_p256_jac *r, const struct zw_p256_aff *a);
static inline bool zw_p256_jac_is_inf(const struct zw_p256_jac *a)
{
	return (a->z[0] | a->z[1] | a->z[2] | a->z[3]) == 0;
}

/* r = 2a (r may alias a) */
void zw_p256_jac_dbl(struct zw_p256_jac *r, const struct zw_p256_jac *a);

/* r = a + b, or a - b when neg (r may alias a) */
void zw_p256_jac_add_aff(struct zw_p256_jac *r, const struct zw_p256_jac *a,
			 const struct zw_p256_aff *b, bool neg);

/* r = a + b (r may alias a) */
void zw_p256_jac_add(struct zw_p256_jac *r, const struct zw_p256_jac *a,
		     const struct zw_p256_jac *b);

/* Affine forms of cnt points that are not infinity, with one field
 * inversion; tmp holds cnt field elements of scratch. */
void zw_p256_to_aff_batch(struct zw_p256_aff *r, const struct zw_p256_jac *a,
			  uint64_t (*tmp)[4], size_t cnt);

#endif
