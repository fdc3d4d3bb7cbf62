/* P-256 point formulas (a = -3): Jacobian doubling dbl-2001-b (3M+5S),
 * mixed addition (8M+3S), full addition (12M+4S), and batched conversion
 * to affine. */
#include "crypto/p256_point.h"

#include <string.h>

#include "crypto/p256_field.h"

/* G in Montgomery form. */
const struct zw_p256_aff zw_p256_g = {
	.x = { 0x79e730d418a9143cULL, 0x75ba95fc5fedb601ULL,
	       0x79fb732b77622510ULL, 0x18905f76a53755c6ULL },
	.y = { 0xddf25357ce95560aULL, 0x8b4ab8e4ba19e45cULL,
	       0xd2e88688dd21f325ULL, 0x8571ff1825885d85ULL },
};

bool zw_p256_aff_on_curve(const struct zw_p256_aff *a)
{
	uint64_t y2[4], x3[4], t[4];

	zw_p256_fe_sqr(y2, a->y);
	zw_p256_fe_sqr(t, a->x);
	zw_p256_fe_mul(x3, t, a->x);             /* x^3 */
	zw_p256_fe_add(t, a->x, a->x);
	zw_p256_fe_add(t, t, a->x);              /* 3x */
	zw_p256_fe_sub(x3, x3, t);
	zw_p256_fe_add(x3, x3, zw_p256_b);       /* x^3 - 3x + b */
	return zw_p256_fe_eq(y2, x3);
}

bool zw_p256_aff_decode(struct zw_p256_aff *r, const uint8_t in[64])
{
	uint64_t x[4], y[4];

	zw_p256_from_be(x, in);
	zw_p256_from_be(y, in + 32);
	if (!zw_p256_lt(x, zw_p256_p) || !zw_p256_lt(y, zw_p256_p))
		return false;
	zw_p256_fe_to_mont(r->x, x);
	zw_p256_fe_to_mont(r->y, y);
	return zw_p256_aff_on_curve(r);
}

void zw_p256_jac_set_inf(struct zw_p256_jac *r)
{
	memcpy(r->x, zw_p256_one, 32);
	memcpy(r->y, zw_p256_one, 32);
	memset(r->z, 0, 32);
}

void zw_p256_jac_from_aff(struct zw_p256_jac *r, const struct zw_p256_aff *a)
{
	memcpy(r->x, a->x, 32);
	memcpy(r->y, a->y, 32);
	memcpy(r->z, zw_p256_one, 32);
}

void zw_p256_jac_dbl(struct zw_p256_jac *r, const struct zw_p256_jac *a)
{
	uint64_t delta[4], gamma[4], beta[4], alpha[4], t[4], u[4];

	zw_p256_fe_sqr(delta, a->z);
	zw_p256_fe_sqr(gamma, a->y);
	zw_p256_fe_mul(beta, a->x, gamma);
	zw_p256_fe_sub(t, a->x, delta);
	zw_p256_fe_add(u, a->x, delta);
	zw_p256_fe_mul(alpha, t, u);
	zw_p256_fe_add(t, alpha, alpha);
	zw_p256_fe_add(alpha, t, alpha);         /* 3(X-delta)(X+delta) */
	/* Z3 = (Y+Z)^2 - gamma - delta, before X and Y are overwritten */
	zw_p256_fe_add(t, a->y, a->z);
	zw_p256_fe_sqr(t, t);
	zw_p256_fe_sub(t, t, gamma);
	zw_p256_fe_sub(r->z, t, delta);
	zw_p256_fe_add(beta, beta, beta);
	zw_p256_fe_add(beta, beta, beta);        /* 4 beta */
	zw_p256_fe_sqr(t, alpha);
	zw_p256_fe_add(u, beta, beta);
	zw_p256_fe_sub(r->x, t, u);              /* alpha^2 - 8 beta */
	zw_p256_fe_sub(t, beta, r->x);
	zw_p256_fe_mul(t, alpha, t);
	zw_p256_fe_sqr(gamma, gamma);
	zw_p256_fe_add(gamma, gamma, gamma);
	zw_p256_fe_add(gamma, gamma, gamma);
	zw_p256_fe_add(gamma, gamma, gamma);     /* 8 gamma^2 */
	zw_p256_fe_sub(r->y, t, gamma);
}

/* The common tail of both additions: given U1 = X1 (scaled), S1, H and R,
 * X3 = R^2 - H^3 - 2 U1 H^2, Y3 = R (U1 H^2 - X3) - S1 H^3. */
static void add_tail(struct zw_p256_jac *r, const uint64_t u1[4],
		     const uint64_t s1[4], const uint64_t h[4],
		     const uint64_t rr[4])
{
	uint64_t hh[4], hhh[4], v[4], t[4];

	zw_p256_fe_sqr(hh, h);
	zw_p256_fe_mul(hhh, h, hh);
	zw_p256_fe_mul(v, u1, hh);
	zw_p256_fe_sqr(t, rr);
	zw_p256_fe_sub(t, t, hhh);
	zw_p256_fe_sub(t, t, v);
	zw_p256_fe_sub(r->x, t, v);
	zw_p256_fe_sub(t, v, r->x);
	zw_p256_fe_mul(t, rr, t);
	zw_p256_fe_mul(hhh, s1, hhh);
	zw_p256_fe_sub(r->y, t, hhh);
}

void zw_p256_jac_add_aff(struct zw_p256_jac *r, const struct zw_p256_jac *a,
			 const struct zw_p256_aff *b, bool neg)
{
	uint64_t z1z1[4], u2[4], s2[4], h[4], rr[4], y2[4], x1[4], y1[4];

	if (neg)
		zw_p256_fe_neg(y2, b->y);
	else
		memcpy(y2, b->y, 32);
	if (zw_p256_jac_is_inf(a)) {
		memcpy(r->x, b->x, 32);
		memcpy(r->y, y2, 32);
		memcpy(r->z, zw_p256_one, 32);
		return;
	}
	zw_p256_fe_sqr(z1z1, a->z);
	zw_p256_fe_mul(u2, b->x, z1z1);
	zw_p256_fe_mul(s2, a->z, z1z1);
	zw_p256_fe_mul(s2, s2, y2);
	zw_p256_fe_sub(h, u2, a->x);
	zw_p256_fe_sub(rr, s2, a->y);
	if (zw_p256_fe_is_zero(h)) {
		if (zw_p256_fe_is_zero(rr))
			zw_p256_jac_dbl(r, a);
		else
			zw_p256_jac_set_inf(r);
		return;
	}
	memcpy(x1, a->x, 32);
	memcpy(y1, a->y, 32);
	zw_p256_fe_mul(r->z, a->z, h);
	add_tail(r, x1, y1, h, rr);
}

void zw_p256_jac_add(struct zw_p256_jac *r, const struct zw_p256_jac *a,
		     const struct zw_p256_jac *b)
{
	uint64_t z1z1[4], z2z2[4], u1[4], u2[4], s1[4], s2[4], h[4], rr[4];

	if (zw_p256_jac_is_inf(a)) {
		*r = *b;
		return;
	}
	if (zw_p256_jac_is_inf(b)) {
		*r = *a;
		return;
	}
	zw_p256_fe_sqr(z1z1, a->z);
	zw_p256_fe_sqr(z2z2, b->z);
	zw_p256_fe_mul(u1, a->x, z2z2);
	zw_p256_fe_mul(u2, b->x, z1z1);
	zw_p256_fe_mul(s1, b->z, z2z2);
	zw_p256_fe_mul(s1, a->y, s1);
	zw_p256_fe_mul(s2, a->z, z1z1);
	zw_p256_fe_mul(s2, b->y, s2);
	zw_p256_fe_sub(h, u2, u1);
	zw_p256_fe_sub(rr, s2, s1);
	if (zw_p256_fe_is_zero(h)) {
		if (zw_p256_fe_is_zero(rr))
			zw_p256_jac_dbl(r, a);
		else
			zw_p256_jac_set_inf(r);
		return;
	}
	zw_p256_fe_mul(u2, a->z, b->z);
	zw_p256_fe_mul(r->z, u2, h);
	add_tail(r, u1, s1, h, rr);
}

void zw_p256_to_aff_batch(struct zw_p256_aff *r, const struct zw_p256_jac *a,
			  uint64_t (*tmp)[4], size_t cnt)
{
	uint64_t inv[4], zi[4], zi2[4];

	if (cnt == 0)
		return;
	memcpy(tmp[0], a[0].z, 32);
	for (size_t i = 1; i < cnt; i++)
		zw_p256_fe_mul(tmp[i], tmp[i - 1], a[i].z);
	zw_p256_fe_inv(inv, tmp[cnt - 1]);
	for (size_t i = cnt; i-- > 0;) {
		if (i > 0) {
			zw_p256_fe_mul(zi, inv, tmp[i - 1]);
			zw_p256_fe_mul(inv, inv, a[i].z);
		} else {
			memcpy(zi, inv, 32);
		}
		zw_p256_fe_sqr(zi2, zi);
		zw_p256_fe_mul(r[i].x, a[i].x, zi2);
		zw_p256_fe_mul(zi2, zi2, zi);
		zw_p256_fe_mul(r[i].y, a[i].y, zi2);
	}
}
