/* Fixed-base tables, odd multiples, scalar recodings and the two
 * u1*G + u2*Q multiplications used by ECDSA verification. */
#include "crypto/p256_table.h"

#include <stdbool.h>
#include <string.h>

#include "crypto/p256_field.h"

/* One window's multiples plus the next window's base, normalised together
 * so each window costs one field inversion. */
void zw_p256_table_build(struct zw_p256_aff *t, int w,
			 const struct zw_p256_aff *p)
{
	enum { MAXH = ZW_P256_HALF(8) };
	struct zw_p256_jac pts[MAXH + 1];
	struct zw_p256_aff aff[MAXH + 1];
	uint64_t tmp[MAXH + 1][4];
	struct zw_p256_aff base = *p;
	int half = ZW_P256_HALF(w), nwin = ZW_P256_NWIN(w);

	for (int i = 0; i < nwin; i++) {
		zw_p256_jac_from_aff(&pts[0], &base);
		zw_p256_jac_dbl(&pts[1], &pts[0]);
		for (int j = 2; j < half; j++)
			zw_p256_jac_add_aff(&pts[j], &pts[j - 1], &base, false);
		zw_p256_jac_dbl(&pts[half], &pts[half - 1]);
		zw_p256_to_aff_batch(aff, pts, tmp, (size_t)half + 1);
		memcpy(t + (size_t)i * half, aff, sizeof(aff[0]) * half);
		base = aff[half];
	}
}

/* pts[j] = (2j+1) * pts[0], Jacobian. */
static void odd_chain(struct zw_p256_jac *pts)
{
	struct zw_p256_jac p2;

	zw_p256_jac_dbl(&p2, &pts[0]);
	for (int j = 1; j < ZW_P256_ONUM; j++)
		zw_p256_jac_add(&pts[j], &pts[j - 1], &p2);
}

void zw_p256_odd_build(struct zw_p256_odd *o, const struct zw_p256_aff *p)
{
	struct zw_p256_jac pts[ZW_P256_ONUM];
	uint64_t tmp[ZW_P256_ONUM][4];

	zw_p256_jac_from_aff(&pts[0], p);
	odd_chain(pts);
	zw_p256_to_aff_batch(o->p, pts, tmp, ZW_P256_ONUM);
	o->has_hi = 0;
}

void zw_p256_odd_build_hi(struct zw_p256_odd *o)
{
	struct zw_p256_jac pts[ZW_P256_ONUM];
	uint64_t tmp[ZW_P256_ONUM][4];

	zw_p256_jac_from_aff(&pts[0], &o->p[0]);
	for (int i = 0; i < 128; i++)
		zw_p256_jac_dbl(&pts[0], &pts[0]);
	odd_chain(pts);
	zw_p256_to_aff_batch(o->hi, pts, tmp, ZW_P256_ONUM);
	o->has_hi = 1;
}

/* n (<= 8) bits of k from bit pos; zero beyond bit 255. */
static unsigned bits_at(const uint64_t k[4], unsigned pos, unsigned n)
{
	if (pos >= 256)
		return 0;
	unsigned limb = pos / 64, off = pos % 64;
	uint64_t v = k[limb] >> off;
	if (off + n > 64 && limb < 3)
		v |= k[limb + 1] << (64 - off);
	return (unsigned)v & ((1u << n) - 1);
}

void zw_p256_recode_fixed(int8_t *d, const uint64_t k[4], int w)
{
	unsigned carry = 0;
	int half = ZW_P256_HALF(w);
	for (int i = 0; i < ZW_P256_NWIN(w); i++) {
		int v = (int)(bits_at(k, (unsigned)(i * w), (unsigned)w) + carry);
		carry = v >= half;
		if (carry)
			v -= 1 << w;
		d[i] = (int8_t)v;
	}
}

int zw_p256_wnaf(int8_t naf[ZW_P256_NAF_LEN], const uint64_t k[4], int w)
{
	unsigned carry = 0;
	int i = 0, len = 0;

	memset(naf, 0, ZW_P256_NAF_LEN);
	while (i < ZW_P256_NAF_LEN) {
		if (bits_at(k, (unsigned)i, 1) == carry) {
			i++;
			continue;
		}
		int v = (int)(bits_at(k, (unsigned)i, (unsigned)w) + carry);
		carry = (unsigned)(v >> (w - 1)) & 1;
		v -= (int)(carry << w);
		naf[i] = (int8_t)v;
		len = i + 1;
		i += w;
	}
	return len;
}

static inline void add_digit(struct zw_p256_jac *r,
			     const struct zw_p256_aff *row, int d)
{
	if (d > 0)
		zw_p256_jac_add_aff(r, r, &row[d - 1], false);
	else if (d < 0)
		zw_p256_jac_add_aff(r, r, &row[-d - 1], true);
}

static inline void prefetch_digit(const struct zw_p256_aff *row, int d)
{
	if (d != 0)
		__builtin_prefetch(&row[(d > 0 ? d : -d) - 1]);
}

void zw_p256_mul2_fixed(struct zw_p256_jac *r, const struct zw_p256_aff *gt,
			int gw, const uint64_t u1[4],
			const struct zw_p256_aff *qt, int qw,
			const uint64_t u2[4])
{
	int8_t d1[ZW_P256_MAXWIN + 1] = { 0 }, d2[ZW_P256_MAXWIN + 1] = { 0 };
	int n1 = ZW_P256_NWIN(gw), n2 = ZW_P256_NWIN(qw);
	int h1 = ZW_P256_HALF(gw), h2 = ZW_P256_HALF(qw);
	int n = n1 > n2 ? n1 : n2;

	zw_p256_recode_fixed(d1, u1, gw);
	zw_p256_recode_fixed(d2, u2, qw);
	zw_p256_jac_set_inf(r);
	prefetch_digit(gt, d1[0]);
	prefetch_digit(qt, d2[0]);
	for (int i = 0; i < n; i++) {
		/* fetch the next window's points while this one adds */
		if (i + 1 < n1)
			prefetch_digit(gt + (size_t)(i + 1) * h1, d1[i + 1]);
		if (i + 1 < n2)
			prefetch_digit(qt + (size_t)(i + 1) * h2, d2[i + 1]);
		if (i < n1)
			add_digit(r, gt + (size_t)i * h1, d1[i]);
		if (i < n2)
			add_digit(r, qt + (size_t)i * h2, d2[i]);
	}
}

/* Odd wNAF digit d indexes (|d|-1)/2 among odd multiples. */
static inline void add_odd(struct zw_p256_jac *r, const struct zw_p256_aff *o,
			   int d)
{
	if (d > 0)
		zw_p256_jac_add_aff(r, r, &o[(d - 1) >> 1], false);
	else if (d < 0)
		zw_p256_jac_add_aff(r, r, &o[(-d - 1) >> 1], true);
}

/* wNAF of the low or high 128 bits of k. */
static int wnaf_half(int8_t naf[ZW_P256_NAF_LEN], const uint64_t k[4],
		     int hi, int w)
{
	uint64_t h[4] = { k[2 * hi], k[2 * hi + 1], 0, 0 };
	return zw_p256_wnaf(naf, h, w);
}

/* The full-length form for keys without the 2^128 multiples yet: 256
 * doublings, G's wNAF from window 0 of its table. */
static void straus256(struct zw_p256_jac *r, const struct zw_p256_aff *gt,
		      int gw, const uint64_t u1[4],
		      const struct zw_p256_odd *qo, const uint64_t u2[4])
{
	int8_t n1[ZW_P256_NAF_LEN], n2[ZW_P256_NAF_LEN];
	int l1 = zw_p256_wnaf(n1, u1, gw);
	int l2 = zw_p256_wnaf(n2, u2, ZW_P256_OW);
	int len = l1 > l2 ? l1 : l2;

	zw_p256_jac_set_inf(r);
	for (int i = len - 1; i >= 0; i--) {
		if (!zw_p256_jac_is_inf(r))
			zw_p256_jac_dbl(r, r);
		add_digit(r, gt, n1[i]);
		add_odd(r, qo->p, n2[i]);
	}
}

void zw_p256_mul2_straus(struct zw_p256_jac *r, const struct zw_p256_aff *gt,
			 int gw, const uint64_t u1[4],
			 const struct zw_p256_odd *qo, const uint64_t u2[4])
{
	int8_t n[4][ZW_P256_NAF_LEN];
	const struct zw_p256_aff *g_hi = gt + (size_t)(128 / gw) * ZW_P256_HALF(gw);
	int len = 0;

	if (!qo->has_hi) {
		straus256(r, gt, gw, u1, qo, u2);
		return;
	}

	for (int h = 0; h < 2; h++) {
		int l1 = wnaf_half(n[h], u1, h, gw);
		int l2 = wnaf_half(n[2 + h], u2, h, ZW_P256_OW);
		len = l1 > len ? l1 : len;
		len = l2 > len ? l2 : len;
	}
	zw_p256_jac_set_inf(r);
	for (int i = len - 1; i >= 0; i--) {
		if (!zw_p256_jac_is_inf(r))
			zw_p256_jac_dbl(r, r);
		add_digit(r, gt, n[0][i]);
		add_digit(r, g_hi, n[1][i]);
		add_odd(r, qo->p, n[2][i]);
		add_odd(r, qo->hi, n[3][i]);
	}
}
