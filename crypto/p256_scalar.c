/* P-256 group order arithmetic: generic 4-limb Montgomery multiplication
 * (n has no convenient special form), Fermat inversion, batched inversion. */
#include "crypto/p256_scalar.h"

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

/* n - 2, the Fermat exponent */
static const uint64_t n_minus_2[4] = {
	0xf3b9cac2fc63254fULL, 0xbce6faada7179e84ULL,
	0xffffffffffffffffULL, 0xffffffff00000000ULL
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

/* Fixed 4-bit windows over n-2: 256 squarings and 64 multiplications. */
void zw_p256_sc_inv(uint64_t r[4], const uint64_t a[4])
{
	uint64_t pw[16][4], t[4];

	zw_p256_sc_to_mont(pw[0], (const uint64_t[4]){ 1, 0, 0, 0 });
	for (int i = 1; i < 16; i++)
		zw_p256_sc_mul(pw[i], pw[i - 1], a);
	memcpy(t, pw[0], sizeof(t));
	for (int i = 63; i >= 0; i--) {
		for (int k = 0; k < 4; k++)
			zw_p256_sc_mul(t, t, t);
		unsigned d = (unsigned)(n_minus_2[i / 16] >> (4 * (i % 16))) & 15;
		zw_p256_sc_mul(t, t, pw[d]);
	}
	memcpy(r, t, sizeof(t));
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
