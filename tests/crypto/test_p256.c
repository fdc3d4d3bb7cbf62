/* P-256 engine arithmetic against OpenSSL: field and scalar operations
 * against BIGNUM on random and edge inputs, point operations and the two
 * multi-scalar multiplications against EC_POINT_mul. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "crypto/p256_field.h"
#include "crypto/p256_point.h"
#include "crypto/p256_scalar.h"
#include "crypto/p256_table.h"

/* The AVX-512 IFMA path cannot run on every machine (not on the one it was
 * written on), so its arithmetic is tested here through the portable model
 * of its instructions: the file is compiled into this test once more. */
#define ZW_P256_IFMA_EMULATE 1
#include "crypto/p256_ifma.c"

#define ROUNDS 20000

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd64(void)
{
	/* splitmix64: deterministic, so a failure reproduces */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static BN_CTX *bctx;
static BIGNUM *bn_p, *bn_n, *bn_r;      /* p, n, 2^256 */

static BIGNUM *to_bn(const uint64_t a[4])
{
	uint8_t be[32];
	zw_p256_to_be(be, a);
	return BN_bin2bn(be, 32, NULL);
}

static void from_bn(uint64_t a[4], const BIGNUM *b)
{
	uint8_t be[32];
	assert_int_equal(BN_bn2binpad(b, be, 32), 32);
	zw_p256_from_be(a, be);
}

/* Random value below m with a bias towards edge shapes (all-ones limbs,
 * zero limbs, m-1, small values) where carries go wrong. */
static void rnd_below(uint64_t a[4], const uint64_t m[4])
{
	unsigned kind = (unsigned)(rnd64() % 8);
	for (int i = 0; i < 4; i++) {
		uint64_t v = rnd64();
		if (kind == 1)
			v = (v & 1) ? ~0ULL : 0;
		a[i] = v;
	}
	if (kind == 2) {
		memcpy(a, m, 32);
		a[0] -= 1 + (rnd64() % 4);
	} else if (kind == 3) {
		a[1] = a[2] = a[3] = 0;
		a[0] %= 4;
	}
	while (!zw_p256_lt(a, m))
		a[3] >>= 1;
}

static void assert_limbs_eq_bn(const uint64_t a[4], const BIGNUM *b)
{
	uint64_t want[4];
	from_bn(want, b);
	assert_memory_equal(a, want, 32);
}

static int setup(void **state)
{
	(void)state;
	bctx = BN_CTX_new();
	bn_p = to_bn(zw_p256_p);
	bn_n = to_bn(zw_p256_n);
	bn_r = BN_new();
	BN_set_bit(bn_r, 256);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	BN_free(bn_p);
	BN_free(bn_n);
	BN_free(bn_r);
	BN_CTX_free(bctx);
	return 0;
}

/* x * 2^256 mod m as a BIGNUM, i.e. Montgomery form. */
static BIGNUM *mont_bn(const uint64_t x[4], const BIGNUM *m)
{
	BIGNUM *b = to_bn(x);
	BN_mod_mul(b, b, bn_r, m, bctx);
	return b;
}

static void test_constants(void **state)
{
	(void)state;
	uint64_t one[4] = { 1, 0, 0, 0 }, t[4];
	BIGNUM *b = BN_new();

	zw_p256_fe_to_mont(t, one);
	assert_memory_equal(t, zw_p256_one, 32);
	BN_hex2bn(&b, "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B");
	BIGNUM *bm = BN_new();
	BN_mod_mul(bm, b, bn_r, bn_p, bctx);
	assert_limbs_eq_bn(zw_p256_b, bm);
	assert_true(zw_p256_aff_on_curve(&zw_p256_g));
	zw_p256_fe_from_mont(t, zw_p256_g.x);
	BN_hex2bn(&b, "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296");
	assert_limbs_eq_bn(t, b);
	BN_free(b);
	BN_free(bm);
}

/* Every field implementation compiled on this machine: the portable C
 * one always, the assembly one where it exists. */
struct fe_impl {
	const char *name;
	void (*add)(uint64_t *, const uint64_t *, const uint64_t *);
	void (*sub)(uint64_t *, const uint64_t *, const uint64_t *);
	void (*mul)(uint64_t *, const uint64_t *, const uint64_t *);
	void (*sqr)(uint64_t *, const uint64_t *);
};

static const struct fe_impl impls[] = {
	{ "generic", zw_p256_fe_add_generic, zw_p256_fe_sub_generic,
	  zw_p256_fe_mul_generic, zw_p256_fe_sqr_generic },
#ifdef ZW_CRYPTO_P256_FIELD_X86_64_H
	{ "x86_64 mulq", zw_p256_fe_add_x86_64, zw_p256_fe_sub_x86_64,
	  zw_p256_fe_mul_mulq, zw_p256_fe_sqr_mulq },
	{ "x86_64 mulx", zw_p256_fe_add_x86_64, zw_p256_fe_sub_x86_64,
	  zw_p256_fe_mul_mulx, zw_p256_fe_sqr_mulx },
#endif
	/* what the engine calls */
	{ "selected", zw_p256_fe_add, zw_p256_fe_sub, zw_p256_fe_mul,
	  zw_p256_fe_sqr },
};

/* Montgomery values a, b: check a*b, a^2, a+b, a-b against BIGNUM
 * (Montgomery multiplication: a*b / 2^256), and r aliasing an input. */
static void check_field_impl(const struct fe_impl *im, BIGNUM *rinv,
			     BIGNUM *w)
{
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t a[4], b[4], r[4], c[4];
		rnd_below(a, zw_p256_p);
		rnd_below(b, zw_p256_p);
		BIGNUM *ba = to_bn(a), *bb = to_bn(b);

		im->mul(r, a, b);
		BN_mod_mul(w, ba, bb, bn_p, bctx);
		BN_mod_mul(w, w, rinv, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		memcpy(c, a, 32);
		im->mul(c, c, b);
		assert_memory_equal(c, r, 32);
		im->sqr(r, a);
		BN_mod_mul(w, ba, ba, bn_p, bctx);
		BN_mod_mul(w, w, rinv, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		memcpy(c, a, 32);
		im->sqr(c, c);
		assert_memory_equal(c, r, 32);
		im->add(r, a, b);
		BN_mod_add(w, ba, bb, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		memcpy(c, b, 32);
		im->add(c, a, c);
		assert_memory_equal(c, r, 32);
		im->sub(r, a, b);
		BN_mod_sub(w, ba, bb, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		memcpy(c, a, 32);
		im->sub(c, c, b);
		assert_memory_equal(c, r, 32);
		BN_free(ba);
		BN_free(bb);
	}
}

static void test_field_ops(void **state)
{
	(void)state;
	BIGNUM *rinv = BN_mod_inverse(NULL, bn_r, bn_p, bctx);
	BIGNUM *w = BN_new();

	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
#ifdef ZW_CRYPTO_P256_FIELD_X86_64_H
		if (strstr(impls[i].name, "mulx") && !zw_p256_have_mulx) {
			print_message("field implementation %s: no BMI2/ADX, "
				      "skipped\n", impls[i].name);
			continue;
		}
#endif
		print_message("field implementation %s\n", impls[i].name);
		check_field_impl(&impls[i], rinv, w);
	}
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t a[4], r[4];
		rnd_below(a, zw_p256_p);
		BIGNUM *ba = to_bn(a);
		zw_p256_fe_neg(r, a);
		BN_mod_sub(w, bn_p, ba, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		BN_free(ba);
	}
	BN_free(w);
	BN_free(rinv);
}

static void test_field_inv_conv(void **state)
{
	(void)state;
	BIGNUM *w = BN_new();

	for (int i = 0; i < ROUNDS / 20; i++) {
		uint64_t a[4], am[4], r[4], back[4];
		rnd_below(a, zw_p256_p);
		if (zw_p256_fe_is_zero(a))
			a[0] = 1;
		zw_p256_fe_to_mont(am, a);
		BIGNUM *ba = to_bn(a), *bm = mont_bn(a, bn_p);
		assert_limbs_eq_bn(am, bm);
		zw_p256_fe_from_mont(back, am);
		assert_memory_equal(back, a, 32);
		zw_p256_fe_inv(r, am);
		zw_p256_fe_from_mont(r, r);
		BN_mod_inverse(w, ba, bn_p, bctx);
		assert_limbs_eq_bn(r, w);
		BN_free(ba);
		BN_free(bm);
	}
	BN_free(w);
}

static void test_scalar_ops(void **state)
{
	(void)state;
	BIGNUM *w = BN_new();

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t a[4], b[4], am[4], r[4];
		rnd_below(a, zw_p256_n);
		rnd_below(b, zw_p256_n);
		BIGNUM *ba = to_bn(a), *bb = to_bn(b);

		/* Montgomery a times plain b is the plain product */
		zw_p256_sc_to_mont(am, a);
		zw_p256_sc_mul(r, am, b);
		BN_mod_mul(w, ba, bb, bn_n, bctx);
		assert_limbs_eq_bn(r, w);
		zw_p256_sc_from_mont(r, am);
		assert_memory_equal(r, a, 32);
		BN_free(ba);
		BN_free(bb);
	}
	BN_free(w);
}

static void test_scalar_reduce_inv(void **state)
{
	(void)state;
	BIGNUM *w = BN_new();
	uint64_t v[8][4], tmp[8][4], orig[8][4];

	for (int i = 0; i < ROUNDS / 20; i++) {
		uint64_t a[4], r[4];
		for (int j = 0; j < 4; j++)
			a[j] = rnd64();
		if (i % 7 == 0)
			a[2] = a[3] = ~0ULL;            /* above n */
		zw_p256_sc_reduce(r, a);
		BIGNUM *ba = to_bn(a);
		BN_nnmod(w, ba, bn_n, bctx);
		assert_limbs_eq_bn(r, w);
		BN_free(ba);
	}
	for (int round = 0; round < 50; round++) {
		for (int j = 0; j < 8; j++) {
			rnd_below(orig[j], zw_p256_n);
			if (zw_p256_fe_is_zero(orig[j]))
				orig[j][0] = 1;
			zw_p256_sc_to_mont(v[j], orig[j]);
		}
		size_t cnt = 1 + (size_t)round % 8;
		zw_p256_sc_inv_batch(v, tmp, cnt);
		for (size_t j = 0; j < cnt; j++) {
			uint64_t r[4];
			zw_p256_sc_from_mont(r, v[j]);
			BIGNUM *ba = to_bn(orig[j]);
			BN_mod_inverse(w, ba, bn_n, bctx);
			assert_limbs_eq_bn(r, w);
			BN_free(ba);
		}
	}
	BN_free(w);
}

/* --- points ------------------------------------------------------- */

static EC_GROUP *grp;

static void aff_to_ec(EC_POINT *e, const struct zw_p256_aff *a)
{
	uint64_t x[4], y[4];
	zw_p256_fe_from_mont(x, a->x);
	zw_p256_fe_from_mont(y, a->y);
	BIGNUM *bx = to_bn(x), *by = to_bn(y);
	assert_int_equal(EC_POINT_set_affine_coordinates(grp, e, bx, by, bctx), 1);
	BN_free(bx);
	BN_free(by);
}

/* Jacobian point equals OpenSSL's (both may be infinity). */
static void assert_jac_eq_ec(const struct zw_p256_jac *j, const EC_POINT *e)
{
	if (zw_p256_jac_is_inf(j)) {
		assert_true(EC_POINT_is_at_infinity(grp, e));
		return;
	}
	assert_false(EC_POINT_is_at_infinity(grp, e));
	struct zw_p256_aff a;
	uint64_t tmp[1][4];
	zw_p256_to_aff_batch(&a, j, tmp, 1);
	EC_POINT *mine = EC_POINT_new(grp);
	aff_to_ec(mine, &a);
	assert_int_equal(EC_POINT_cmp(grp, mine, e, bctx), 0);
	EC_POINT_free(mine);
}

static void random_point(struct zw_p256_aff *q, EC_POINT *eq, BIGNUM *k)
{
	uint64_t kk[4], x[4], y[4];
	rnd_below(kk, zw_p256_n);
	if (zw_p256_fe_is_zero(kk))
		kk[0] = 1;
	BIGNUM *bk = to_bn(kk);
	BN_copy(k, bk);
	BN_free(bk);
	assert_int_equal(EC_POINT_mul(grp, eq, k, NULL, NULL, bctx), 1);
	BIGNUM *bx = BN_new(), *by = BN_new();
	EC_POINT_get_affine_coordinates(grp, eq, bx, by, bctx);
	from_bn(x, bx);
	from_bn(y, by);
	zw_p256_fe_to_mont(q->x, x);
	zw_p256_fe_to_mont(q->y, y);
	BN_free(bx);
	BN_free(by);
}

static int setup_ec(void **state)
{
	setup(state);
	grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	return grp ? 0 : -1;
}

static int teardown_ec(void **state)
{
	EC_GROUP_free(grp);
	return teardown(state);
}

static void test_point_add_dbl(void **state)
{
	(void)state;
	EC_POINT *ep = EC_POINT_new(grp), *eq = EC_POINT_new(grp);
	EC_POINT *er = EC_POINT_new(grp);
	BIGNUM *k = BN_new();

	for (int i = 0; i < 300; i++) {
		struct zw_p256_aff p, q;
		struct zw_p256_jac jp, jq, r;
		random_point(&p, ep, k);
		random_point(&q, eq, k);
		assert_true(zw_p256_aff_on_curve(&p));
		zw_p256_jac_from_aff(&jp, &p);
		zw_p256_jac_dbl(&jq, &jp);              /* non-trivial Z */
		zw_p256_jac_add_aff(&r, &jq, &q, false);
		EC_POINT_dbl(grp, er, ep, bctx);
		EC_POINT_add(grp, er, er, eq, bctx);
		assert_jac_eq_ec(&r, er);
		zw_p256_jac_add_aff(&r, &jq, &q, true);
		EC_POINT_dbl(grp, er, ep, bctx);
		EC_POINT_invert(grp, eq, bctx);
		EC_POINT_add(grp, er, er, eq, bctx);
		assert_jac_eq_ec(&r, er);
		/* full addition of two Jacobian points, both orders */
		zw_p256_jac_from_aff(&jp, &q);
		zw_p256_jac_dbl(&jp, &jp);
		zw_p256_jac_add(&r, &jq, &jp);
		struct zw_p256_jac r2;
		zw_p256_jac_add(&r2, &jp, &jq);
		struct zw_p256_aff a1, a2;
		uint64_t tmp[1][4];
		zw_p256_to_aff_batch(&a1, &r, tmp, 1);
		zw_p256_to_aff_batch(&a2, &r2, tmp, 1);
		assert_memory_equal(&a1, &a2, sizeof(a1));
	}
	EC_POINT_free(ep);
	EC_POINT_free(eq);
	EC_POINT_free(er);
	BN_free(k);
}

/* Exceptional cases: P + P inside an addition, P + (-P), inf + P. */
static void test_point_exceptions(void **state)
{
	(void)state;
	struct zw_p256_jac j, r, d, inf;
	struct zw_p256_aff a, b;
	uint64_t tmp[1][4];

	zw_p256_jac_from_aff(&j, &zw_p256_g);
	zw_p256_jac_dbl(&j, &j);                        /* 2G, Z != 1 */
	zw_p256_to_aff_batch(&a, &j, tmp, 1);
	zw_p256_jac_add_aff(&r, &j, &a, false);         /* 2G + 2G */
	zw_p256_jac_dbl(&d, &j);
	zw_p256_to_aff_batch(&a, &r, tmp, 1);
	zw_p256_to_aff_batch(&b, &d, tmp, 1);
	assert_memory_equal(&a, &b, sizeof(a));
	zw_p256_to_aff_batch(&a, &j, tmp, 1);
	zw_p256_jac_add_aff(&r, &j, &a, true);          /* 2G - 2G */
	assert_true(zw_p256_jac_is_inf(&r));
	zw_p256_jac_add(&r, &j, &j);
	zw_p256_to_aff_batch(&a, &r, tmp, 1);
	assert_memory_equal(&a, &b, sizeof(a));
	zw_p256_jac_set_inf(&inf);
	zw_p256_jac_add_aff(&r, &inf, &zw_p256_g, false);
	zw_p256_to_aff_batch(&a, &r, tmp, 1);
	assert_memory_equal(&a, &zw_p256_g, sizeof(a));
	zw_p256_jac_add(&r, &inf, &j);
	assert_memory_equal(&r, &j, sizeof(r));
	zw_p256_jac_dbl(&r, &inf);
	assert_true(zw_p256_jac_is_inf(&r));
}

static void test_decode(void **state)
{
	(void)state;
	uint8_t raw[64];
	uint64_t x[4], y[4];
	struct zw_p256_aff a;

	zw_p256_fe_from_mont(x, zw_p256_g.x);
	zw_p256_fe_from_mont(y, zw_p256_g.y);
	zw_p256_to_be(raw, x);
	zw_p256_to_be(raw + 32, y);
	assert_true(zw_p256_aff_decode(&a, raw));
	assert_memory_equal(&a, &zw_p256_g, sizeof(a));
	raw[63] ^= 1;
	assert_false(zw_p256_aff_decode(&a, raw));
	raw[63] ^= 1;
	/* x + p encodes the same residue but is not a valid coordinate;
	 * here simply x = p must fail the range check */
	zw_p256_to_be(raw, zw_p256_p);
	assert_false(zw_p256_aff_decode(&a, raw));
	memset(raw, 0, 64);
	assert_false(zw_p256_aff_decode(&a, raw));
}

static void check_recodings(const uint64_t k[4])
{
	int8_t d[ZW_P256_MAXWIN], naf[ZW_P256_NAF_LEN];
	BIGNUM *want = to_bn(k), *sum = BN_new(), *t = BN_new();

	for (int w = 2; w <= 8; w++) {
		zw_p256_recode_fixed(d, k, w);
		BN_zero(sum);
		for (int i = ZW_P256_NWIN(w) - 1; i >= 0; i--) {
			assert_true(d[i] < ZW_P256_HALF(w) &&
				    d[i] >= -ZW_P256_HALF(w));
			BN_lshift(sum, sum, w);
			BN_set_word(t, (BN_ULONG)(d[i] < 0 ? -d[i] : d[i]));
			if (d[i] < 0)
				BN_sub(sum, sum, t);
			else
				BN_add(sum, sum, t);
		}
		assert_int_equal(BN_cmp(sum, want), 0);
	}
	for (int w = 4; w <= 8; w++) {
		int len = zw_p256_wnaf(naf, k, w);
		BN_zero(sum);
		for (int i = ZW_P256_NAF_LEN - 1; i >= 0; i--) {
			assert_true(i < len || naf[i] == 0);
			assert_true(naf[i] == 0 || (naf[i] & 1));
			assert_true(naf[i] < (1 << (w - 1)) &&
				    naf[i] > -(1 << (w - 1)));
			BN_lshift1(sum, sum);
			BN_set_word(t, (BN_ULONG)(naf[i] < 0 ? -naf[i] : naf[i]));
			if (naf[i] < 0)
				BN_sub(sum, sum, t);
			else
				BN_add(sum, sum, t);
		}
		assert_int_equal(BN_cmp(sum, want), 0);
	}
	BN_free(want);
	BN_free(sum);
	BN_free(t);
}

static void test_recode(void **state)
{
	(void)state;
	uint64_t k[4];
	for (int i = 0; i < 2000; i++) {
		for (int j = 0; j < 4; j++)
			k[j] = rnd64();
		if (i % 5 == 1)
			k[0] = k[1] = k[2] = k[3] = ~0ULL;
		if (i % 5 == 2)
			k[i % 4] = 0;
		check_recodings(k);
	}
	memset(k, 0, sizeof(k));
	check_recodings(k);
}

/* Window widths tried: the configured ones first, then others, so every
 * table shape the engine could be built with is checked. */
static const int widths[][2] = {
	{ ZW_P256_GW, ZW_P256_KW }, { 4, 5 }, { 8, 8 }, { 2, 7 },
};

static struct zw_p256_aff *new_table(int w, const struct zw_p256_aff *p)
{
	struct zw_p256_aff *t = malloc(sizeof(*t) * ZW_P256_TABLE_LEN(w));
	assert_non_null(t);
	zw_p256_table_build(t, w, p);
	return t;
}

/* qodd[0] without the 2^128 multiples, qodd[1] with: both Straus forms. */
static void check_mul2(const uint64_t u1[4], const uint64_t u2[4],
		       const EC_POINT *q, struct zw_p256_aff **gt,
		       struct zw_p256_aff **qt, const struct zw_p256_odd *qodd)
{
	struct zw_p256_jac r;
	EC_POINT *er = EC_POINT_new(grp);
	BIGNUM *b1 = to_bn(u1), *b2 = to_bn(u2);

	EC_POINT_mul(grp, er, b1, q, b2, bctx);
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		zw_p256_mul2_fixed(&r, gt[i], widths[i][0], u1, qt[i],
				   widths[i][1], u2);
		assert_jac_eq_ec(&r, er);
		for (int h = 0; h < 2; h++) {
			assert_int_equal(qodd[h].has_hi, h);
			zw_p256_mul2_straus(&r, gt[i], widths[i][0], u1,
					    &qodd[h], u2);
			assert_jac_eq_ec(&r, er);
		}
	}
	BN_free(b1);
	BN_free(b2);
	EC_POINT_free(er);
}

#define NW (sizeof(widths) / sizeof(widths[0]))

/* u1*G + u2*Q both ways against OpenSSL, including u = 0 and u2*Q =
 * -u1*G (result at infinity). */
static void test_mul2(void **state)
{
	(void)state;
	EC_POINT *eq = EC_POINT_new(grp);
	BIGNUM *k = BN_new();
	struct zw_p256_odd qodd[2];
	struct zw_p256_aff q, *gt[NW], *qt[NW];

	for (size_t i = 0; i < NW; i++)
		gt[i] = new_table(widths[i][0], &zw_p256_g);
	for (int i = 0; i < 20; i++) {
		random_point(&q, eq, k);
		for (size_t w = 0; w < NW; w++)
			qt[w] = new_table(widths[w][1], &q);
		zw_p256_odd_build(&qodd[0], &q);
		qodd[1] = qodd[0];
		zw_p256_odd_build_hi(&qodd[1]);
		for (int j = 0; j < 20; j++) {
			uint64_t u1[4], u2[4];
			rnd_below(u1, zw_p256_n);
			rnd_below(u2, zw_p256_n);
			if (j == 1)
				memset(u1, 0, 32);
			if (j == 2)
				memset(u2, 0, 32);
			if (j == 3) {
				/* u1 = -u2*k mod n: R = u1 G + u2 k G = inf */
				BIGNUM *b2 = to_bn(u2), *t = BN_new();
				BN_mod_mul(t, b2, k, bn_n, bctx);
				BN_mod_sub(t, bn_n, t, bn_n, bctx);
				from_bn(u1, t);
				BN_free(b2);
				BN_free(t);
			}
			if (j == 4)
				memcpy(u2, u1, 32);
			check_mul2(u1, u2, eq, gt, qt, qodd);
		}
		for (size_t w = 0; w < NW; w++)
			free(qt[w]);
	}
	for (size_t i = 0; i < NW; i++)
		free(gt[i]);
	EC_POINT_free(eq);
	BN_free(k);
}

/* Q = G: every table addition can meet an equal or opposite point. */
static void test_mul2_same_point(void **state)
{
	(void)state;
	struct zw_p256_odd godd[2];
	struct zw_p256_aff *gt[NW], *qt[NW];

	for (size_t i = 0; i < NW; i++) {
		gt[i] = new_table(widths[i][0], &zw_p256_g);
		qt[i] = new_table(widths[i][1], &zw_p256_g);
	}
	zw_p256_odd_build(&godd[0], &zw_p256_g);
	godd[1] = godd[0];
	zw_p256_odd_build_hi(&godd[1]);
	for (int j = 0; j < 150; j++) {
		uint64_t u1[4], u2[4];
		rnd_below(u1, zw_p256_n);
		if (j % 3 == 0) {
			memcpy(u2, u1, 32);
		} else if (j % 3 == 1) {
			BIGNUM *b = to_bn(u1);
			BN_mod_sub(b, bn_n, b, bn_n, bctx);
			from_bn(u2, b);
			BN_free(b);
		} else {
			rnd_below(u2, zw_p256_n);
		}
		check_mul2(u1, u2, EC_GROUP_get0_generator(grp), gt, qt, godd);
	}
	for (size_t i = 0; i < NW; i++) {
		free(gt[i]);
		free(qt[i]);
	}
}

/* --- IFMA multi-buffer path, through the instruction model --------- */

static void lane_vec(vec *v, const uint64_t x[8])
{
	*v = v_load(x);
}

/* fe8 multiplication, addition, subtraction lane by lane against the
 * scalar field code, through the domain conversions. */
static void test_ifma_field(void **state)
{
	(void)state;
	for (int round = 0; round < 500; round++) {
		uint64_t a[8][4], b[8][4], w[4][8];
		vec wv[4];
		fe8 fa, fb, fr, c, back;
		for (int l = 0; l < 8; l++) {
			rnd_below(a[l], zw_p256_p);
			rnd_below(b[l], zw_p256_p);
		}
		fe8_const(&c, TO_IFMA);
		fe8_const(&back, FROM_IFMA);
		for (int which = 0; which < 2; which++) {
			for (int j = 0; j < 4; j++) {
				for (int l = 0; l < 8; l++)
					w[j][l] = which ? b[l][j] : a[l][j];
				lane_vec(&wv[j], w[j]);
			}
			fe8 *dst = which ? &fb : &fa;
			fe8_from64(dst, wv);
			fe8_mul(dst, dst, &c);
		}
		for (int op = 0; op < 4; op++) {
			if (op == 0)
				fe8_mul(&fr, &fa, &fb);
			else if (op == 1)
				fe8_add(&fr, &fa, &fb);
			else if (op == 2)
				fe8_sub(&fr, &fa, &fb);
			else
				fe8_mul(&fr, &fa, &fa);
			fe8_mul(&fr, &fr, &back);
			fe8_to64(wv, &fr);
			for (int j = 0; j < 4; j++)
				v_store(w[j], wv[j]);
			for (int l = 0; l < 8; l++) {
				uint64_t want[4], got[4] = { w[0][l], w[1][l],
							     w[2][l], w[3][l] };
				if (op == 0)
					zw_p256_fe_mul(want, a[l], b[l]);
				else if (op == 1)
					zw_p256_fe_add(want, a[l], b[l]);
				else if (op == 2)
					zw_p256_fe_sub(want, a[l], b[l]);
				else
					zw_p256_fe_sqr(want, a[l]);
				assert_memory_equal(got, want, 32);
			}
		}
	}
}

static bool jac_same(const struct zw_p256_jac *a, const struct zw_p256_jac *b)
{
	struct zw_p256_aff x, y;
	uint64_t tmp[1][4];
	if (zw_p256_jac_is_inf(a) || zw_p256_jac_is_inf(b))
		return zw_p256_jac_is_inf(a) && zw_p256_jac_is_inf(b);
	zw_p256_to_aff_batch(&x, a, tmp, 1);
	zw_p256_to_aff_batch(&y, b, tmp, 1);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* Eight lanes with their own keys (and G as a key, equal scalars, zero
 * scalars): every lane not flagged exceptional equals the scalar engine,
 * and lanes built to meet equal points are flagged. */
static void test_ifma_mul2(void **state)
{
	(void)state;
	EC_POINT *eq = EC_POINT_new(grp);
	BIGNUM *k = BN_new();
	struct zw_p256_aff *gt = new_table(ZW_P256_GW, &zw_p256_g), q;
	struct zw_p256_aff *kt[8];
	uint64_t u1[8][4], u2[8][4];
	struct zw_p256_jac r[8], s;

	for (int l = 0; l < 8; l++) {
		if (l == 5) {
			kt[l] = new_table(ZW_P256_KW, &zw_p256_g);
			continue;
		}
		random_point(&q, eq, k);
		kt[l] = new_table(ZW_P256_KW, &q);
	}
	for (int round = 0; round < 30; round++) {
		for (int l = 0; l < 8; l++) {
			rnd_below(u1[l], zw_p256_n);
			rnd_below(u2[l], zw_p256_n);
		}
		memset(u1[3], 0, 32);                   /* u1 = 0 */
		memset(u1[4], 0, 32);                   /* both 0: infinity */
		memset(u2[4], 0, 32);
		memcpy(u2[5], u1[5], 32);               /* Q = G, u2 = u1 */
		unsigned exc = zw_p256_ifma_emu_mul2_fixed8(
			r, gt, ZW_P256_GW, (const uint64_t (*)[4])u1,
			(const struct zw_p256_aff *const *)kt, ZW_P256_KW,
			(const uint64_t (*)[4])u2);
		if (ZW_P256_GW == ZW_P256_KW)
			assert_true(exc >> 5 & 1);
		for (int l = 0; l < 8; l++) {
			if (exc >> l & 1)
				continue;
			zw_p256_mul2_fixed(&s, gt, ZW_P256_GW, u1[l], kt[l],
					   ZW_P256_KW, u2[l]);
			assert_true(jac_same(&r[l], &s));
		}
		assert_true(zw_p256_jac_is_inf(&r[4]));
	}
	for (int l = 0; l < 8; l++)
		free(kt[l]);
	free(gt);
	EC_POINT_free(eq);
	BN_free(k);
}

/* G table as both tables and u2 = u1: the first non-zero window adds
 * equal points in every lane, which must be flagged, not mis-added. */
static void test_ifma_exceptional(void **state)
{
	(void)state;
	struct zw_p256_aff *gt = new_table(ZW_P256_GW, &zw_p256_g);
	const struct zw_p256_aff *kt[8];
	uint64_t u[8][4];
	struct zw_p256_jac r[8];

	for (int l = 0; l < 8; l++) {
		kt[l] = gt;
		rnd_below(u[l], zw_p256_n);
		u[l][0] |= 1;                           /* digit 0 non-zero */
	}
	unsigned exc = zw_p256_ifma_emu_mul2_fixed8(
		r, gt, ZW_P256_GW, (const uint64_t (*)[4])u, kt, ZW_P256_GW,
		(const uint64_t (*)[4])u);
	assert_int_equal(exc, 0xff);
	free(gt);
}

int main(void)
{
	const struct CMUnitTest field[] = {
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_field_ops),
		cmocka_unit_test(test_field_inv_conv),
		cmocka_unit_test(test_scalar_ops),
		cmocka_unit_test(test_scalar_reduce_inv),
	};
	const struct CMUnitTest points[] = {
		cmocka_unit_test(test_point_add_dbl),
		cmocka_unit_test(test_point_exceptions),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_recode),
		cmocka_unit_test(test_mul2),
		cmocka_unit_test(test_mul2_same_point),
		cmocka_unit_test(test_ifma_field),
		cmocka_unit_test(test_ifma_mul2),
		cmocka_unit_test(test_ifma_exceptional),
	};
	int fails = cmocka_run_group_tests_name("p256_field", field, setup,
						teardown);
	fails += cmocka_run_group_tests_name("p256_point", points, setup_ec,
					     teardown_ec);
	return fails ? 1 : 0;
}
