/* P-256 group order arithmetic: generic 4-limb Montgomery multiplication
 * (n has no convenient special form), Fermat inversion, batched inversion. */
#include "crypto/p256_scalar.h"

#include <stdbool.h>
#include <string.h>

#include "crypto/p256_field.h"

const uint64_t zw_p256_n[4] = {
	0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL,
	0xffffffffffffffffULL, 0xffffffff00000000ULL
};

/* -n^-1 mod 2^64 */
#define N0INV 0xccd1c8aaee00bc4fULL

/* 2^512 mod n */
static const uint64_t rr_n[4] = {
	0x83244c95be79eea2ULL, 0x4699799c49bd6fa6ULL,
	0x2845b2392b6bec59ULL, 0x66e12d94f3d95620ULL
};


/* Coarsely integrated operand scanning, written out (see p256_field.h):
 * one row t += a*b_i, then one reduction row t = (t + q*n) / 2^64. */
#define ROW(bi) do {                                                    \
		uint64_t c = 0, b_ = (bi);                               \
		ZW_MAC(t0, a0, b_, c); ZW_MAC(t1, a1, b_, c);            \
		ZW_MAC(t2, a2, b_, c); ZW_MAC(t3, a3, b_, c);            \
		ZW_ADC(t4, t4, 0, c);                                    \
		t5 = c;                                                  \
		uint64_t q = t0 * N0INV;                                 \
		c = (uint64_t)(((zw_u128)q * N0 + t0) >> 64);            \
		ZW_MAC(t1, q, N1, c); ZW_MAC(t2, q, N2, c);              \
		ZW_MAC(t3, q, N3, c);                                    \
		t0 = t1; t1 = t2; t2 = t3;                               \
		ZW_ADC(t3, t4, 0, c);                                    \
		t4 = t5 + c;                                             \
	} while (0)

#define N0 0xf3b9cac2fc632551ULL
#define N1 0xbce6faada7179e84ULL
#define N2 0xffffffffffffffffULL
#define N3 0xffffffff00000000ULL

void zw_p256_sc_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4])
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
	uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5;

	ROW(b[0]);
	ROW(b[1]);
	ROW(b[2]);
	ROW(b[3]);
	zw_p256_csub5(r, t0, t1, t2, t3, t4, zw_p256_n);
}

void zw_p256_sc_to_mont(uint64_t r[4], const uint64_t a[4])
{
	zw_p256_sc_mul(r, a, rr_n);
}

void zw_p256_sc_from_mont(uint64_t r[4], const uint64_t a[4])
{
	static const uint64_t one[4] = { 1, 0, 0, 0 };
	zw_p256_sc_mul(r, a, one);
}

void zw_p256_sc_reduce(uint64_t r[4], const uint64_t a[4])
{
	zw_p256_csub(r, a, 0, zw_p256_n);
}

/* 2^768 mod n: turns a plain inverse of a Montgomery value into the
 * Montgomery form of the inverse (see zw_p256_sc_inv). */
static const uint64_t rrr_n[4] = {
	0xac8ebec90b65a624ULL, 0x111f28ae0c0555c9ULL,
	0x2543b9246ba5e93fULL, 0x503a54e76407be65ULL
};

static bool is_one(const uint64_t a[4])
{
	return a[0] == 1 && (a[1] | a[2] | a[3]) == 0;
}

static void shr1(uint64_t a[4], unsigned k)
{
	a[0] = (a[0] >> k) | (a[1] << (64 - k));
	a[1] = (a[1] >> k) | (a[2] << (64 - k));
	a[2] = (a[2] >> k) | (a[3] << (64 - k));
	a[3] >>= k;
}

/* a -= b, returning the borrow. */
static uint64_t sub4(uint64_t a[4], const uint64_t b[4])
{
	uint64_t br = 0;
	ZW_SBB(a[0], a[0], b[0], br);
	ZW_SBB(a[1], a[1], b[1], br);
	ZW_SBB(a[2], a[2], b[2], br);
	ZW_SBB(a[3], a[3], b[3], br);
	return br;
}

static void add_n(uint64_t a[4], uint64_t *top)
{
	uint64_t c = 0;
	ZW_ADC(a[0], a[0], N0, c);
	ZW_ADC(a[1], a[1], N1, c);
	ZW_ADC(a[2], a[2], N2, c);
	ZW_ADC(a[3], a[3], N3, c);
	*top = c;
}

/* x = x/2^k mod n, one bit at a time: add n when odd, then shift. */
static void halve_mod(uint64_t x[4], unsigned k)
{
	while (k-- > 0) {
		uint64_t top = 0;
		if (x[0] & 1)
			add_n(x, &top);
		shr1(x, 1);
		x[3] |= top << 63;
	}
}

static void sub_mod(uint64_t x[4], const uint64_t y[4])
{
	uint64_t top;
	if (sub4(x, y))
		add_n(x, &top);
}

static unsigned ctz_nonzero(const uint64_t a[4])
{
	for (int i = 0; i < 4; i++)
		if (a[i])
			return (unsigned)__builtin_ctzll(a[i]) + 64u * (unsigned)i;
	return 256;
}

/* Shift an even, non-zero value right past its trailing zeros (at most
 * 63 at a time), halving x alongside. */
static void strip(uint64_t u[4], uint64_t x[4])
{
	while ((u[0] & 1) == 0) {
		unsigned k = ctz_nonzero(u);
		if (k > 63)
			k = 63;
		shr1(u, k);
		halve_mod(x, k);
	}
}

/* Binary extended Euclid on plain values (variable time: public data
 * only), invariants x1*a = u and x2*a = v (mod n). Several times faster
 * than a Fermat power with the generic Montgomery multiplication. The
 * input is Montgomery (aR), the plain inverse is 1/(aR), and a Montgomery
 * product with R^3 gives R/a, the Montgomery form of 1/a. */
void zw_p256_sc_inv(uint64_t r[4], const uint64_t a[4])
{
	uint64_t u[4], v[4], x1[4] = { 1, 0, 0, 0 }, x2[4] = { 0 };

	if (zw_p256_fe_is_zero(a)) {
		memset(r, 0, 32);
		return;
	}
	memcpy(u, a, sizeof(u));
	memcpy(v, zw_p256_n, sizeof(v));
	while (!is_one(u) && !is_one(v)) {
		strip(u, x1);
		strip(v, x2);
		if (zw_p256_lt(u, v)) {
			sub4(v, u);
			sub_mod(x2, x1);
		} else {
			sub4(u, v);
			sub_mod(x1, x2);
		}
	}
	zw_p256_sc_mul(r, is_one(u) ? x1 : x2, rrr_n);
}

void zw_p256_sc_inv_batch(uint64_t (*a)[4], uint64_t (*tmp)[4], size_t cnt)
{
	uint64_t acc[4], inv[4];

	if (cnt == 0)
		return;
	/* tmp[i] = a[0] * ... * a[i] */
	memcpy(tmp[0], a[0], sizeof(acc));
	for (size_t i = 1; i < cnt; i++)
		zw_p256_sc_mul(tmp[i], tmp[i - 1], a[i]);
	zw_p256_sc_inv(inv, tmp[cnt - 1]);
	for (size_t i = cnt - 1; i > 0; i--) {
		zw_p256_sc_mul(acc, inv, tmp[i - 1]);   /* a[i]^-1 */
		zw_p256_sc_mul(inv, inv, a[i]);         /* (a[0..i-1])^-1 */
		memcpy(a[i], acc, sizeof(acc));
	}
	memcpy(a[0], inv, sizeof(acc));
}
