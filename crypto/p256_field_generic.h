/* Portable P-256 field operations (C with unsigned __int128), the
 * reference for the CPU-specific forms and the fallback where there are
 * none. Included by p256_field.h only. */
#ifndef ZW_CRYPTO_P256_FIELD_GENERIC_H
#define ZW_CRYPTO_P256_FIELD_GENERIC_H

/* Straight-line code throughout: GCC keeps limbs in registers only when
 * the loops are written out (at -O2 it neither unrolls nor promotes the
 * loop forms to registers, which cost a factor of three here). */

/* Add with carry and subtract with borrow on 64-bit limbs. */
#define ZW_ADC(r, a, b, c) do {                                         \
		zw_u128 t_ = (zw_u128)(a) + (b) + (c);                   \
		(r) = (uint64_t)t_;                                      \
		(c) = (uint64_t)(t_ >> 64);                              \
	} while (0)
#define ZW_SBB(r, a, b, br) do {                                        \
		zw_u128 t_ = (zw_u128)(a) - (b) - (br);                  \
		(r) = (uint64_t)t_;                                      \
		(br) = (uint64_t)(t_ >> 64) & 1;                         \
	} while (0)

/* r = (hi:t) - m if that does not go negative, else t. Branch-free:
 * whether the subtraction applies is data-dependent and unpredictable. */
static inline void zw_p256_csub5(uint64_t r[4], uint64_t t0, uint64_t t1,
				 uint64_t t2, uint64_t t3, uint64_t hi,
				 const uint64_t m[4])
{
	uint64_t d0, d1, d2, d3, br = 0;
	ZW_SBB(d0, t0, m[0], br);
	ZW_SBB(d1, t1, m[1], br);
	ZW_SBB(d2, t2, m[2], br);
	ZW_SBB(d3, t3, m[3], br);
	uint64_t keep = 0 - (uint64_t)(br > hi);
	r[0] = (t0 & keep) | (d0 & ~keep);
	r[1] = (t1 & keep) | (d1 & ~keep);
	r[2] = (t2 & keep) | (d2 & ~keep);
	r[3] = (t3 & keep) | (d3 & ~keep);
}

static inline void zw_p256_csub(uint64_t r[4], const uint64_t t[4],
				uint64_t hi, const uint64_t m[4])
{
	zw_p256_csub5(r, t[0], t[1], t[2], t[3], hi, m);
}

static inline void zw_p256_fe_add_generic(uint64_t r[4],
					  const uint64_t a[4],
					  const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, c = 0;
	ZW_ADC(t0, a[0], b[0], c);
	ZW_ADC(t1, a[1], b[1], c);
	ZW_ADC(t2, a[2], b[2], c);
	ZW_ADC(t3, a[3], b[3], c);
	zw_p256_csub5(r, t0, t1, t2, t3, c, zw_p256_p);
}

static inline void zw_p256_fe_sub_generic(uint64_t r[4],
					  const uint64_t a[4],
					  const uint64_t b[4])
{
	uint64_t t0, t1, t2, t3, br = 0, c = 0;
	ZW_SBB(t0, a[0], b[0], br);
	ZW_SBB(t1, a[1], b[1], br);
	ZW_SBB(t2, a[2], b[2], br);
	ZW_SBB(t3, a[3], b[3], br);
	/* add p back when it borrowed: p = (-1, 2^32-1, 0, 2^64-2^32+1) */
	uint64_t m = 0 - br;
	ZW_ADC(r[0], t0, m, c);
	ZW_ADC(r[1], t1, m & 0x00000000ffffffffULL, c);
	ZW_ADC(r[2], t2, 0, c);
	ZW_ADC(r[3], t3, m & 0xffffffff00000001ULL, c);
}

/* c:lo += a*b + lo, the inner step of the schoolbook rows. */
#define ZW_MAC(t, a, b, c) do {                                         \
		zw_u128 m_ = (zw_u128)(a) * (b) + (t) + (c);             \
		(t) = (uint64_t)m_;                                      \
		(c) = (uint64_t)(m_ >> 64);                              \
	} while (0)

/* One Montgomery round on t[i..i+4] with q = t[i]: p = -1 mod 2^64, so
 * q*p = q*2^256 - q*2^224 + q*2^192 + q*2^96 - q is shifts plus one
 * multiplication by p's top limb 0xffffffff00000001; t[i] becomes 0. */
#define ZW_P256_ROUND(q, t1, t2, t3, t4, hi) do {                       \
		zw_u128 c_ = (zw_u128)(t1) + ((q) << 32);                \
		(t1) = (uint64_t)c_;                                     \
		c_ = (c_ >> 64) + (t2) + ((q) >> 32);                    \
		(t2) = (uint64_t)c_;                                     \
		c_ = (c_ >> 64) + (t3) +                                 \
		     (zw_u128)(q) * 0xffffffff00000001ULL;               \
		(t3) = (uint64_t)c_;                                     \
		c_ = (c_ >> 64) + (t4) + (hi);                           \
		(t4) = (uint64_t)c_;                                     \
		(hi) = (uint64_t)(c_ >> 64);                             \
	} while (0)

/* r = t / 2^256 mod p for the 512-bit t0..t7 (< p * 2^256). */
static inline void zw_p256_redc8(uint64_t r[4], uint64_t t0, uint64_t t1,
				 uint64_t t2, uint64_t t3, uint64_t t4,
				 uint64_t t5, uint64_t t6, uint64_t t7)
{
	uint64_t hi = 0;
	ZW_P256_ROUND(t0, t1, t2, t3, t4, hi);
	ZW_P256_ROUND(t1, t2, t3, t4, t5, hi);
	ZW_P256_ROUND(t2, t3, t4, t5, t6, hi);
	ZW_P256_ROUND(t3, t4, t5, t6, t7, hi);
	zw_p256_csub5(r, t4, t5, t6, t7, hi, zw_p256_p);
}

static inline void zw_p256_fe_mul_generic(uint64_t r[4], const uint64_t a[4],
				    const uint64_t b[4])
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], bi, c;
	uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4, t5, t6, t7;

	bi = b[0]; c = 0;
	ZW_MAC(t0, a0, bi, c); ZW_MAC(t1, a1, bi, c);
	ZW_MAC(t2, a2, bi, c); ZW_MAC(t3, a3, bi, c);
	t4 = c;
	bi = b[1]; c = 0;
	ZW_MAC(t1, a0, bi, c); ZW_MAC(t2, a1, bi, c);
	ZW_MAC(t3, a2, bi, c); ZW_MAC(t4, a3, bi, c);
	t5 = c;
	bi = b[2]; c = 0;
	ZW_MAC(t2, a0, bi, c); ZW_MAC(t3, a1, bi, c);
	ZW_MAC(t4, a2, bi, c); ZW_MAC(t5, a3, bi, c);
	t6 = c;
	bi = b[3]; c = 0;
	ZW_MAC(t3, a0, bi, c); ZW_MAC(t4, a1, bi, c);
	ZW_MAC(t5, a2, bi, c); ZW_MAC(t6, a3, bi, c);
	t7 = c;
	zw_p256_redc8(r, t0, t1, t2, t3, t4, t5, t6, t7);
}

/* Square: the six cross products once, doubled, plus the diagonal. */
static inline void zw_p256_fe_sqr_generic(uint64_t r[4], const uint64_t a[4])
{
	uint64_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], c;
	uint64_t t1 = 0, t2 = 0, t3 = 0, t4, t5 = 0, t6, t7;
	zw_u128 d;

	c = 0;
	ZW_MAC(t1, a0, a1, c); ZW_MAC(t2, a0, a2, c); ZW_MAC(t3, a0, a3, c);
	t4 = c;
	c = 0;
	ZW_MAC(t3, a1, a2, c); ZW_MAC(t4, a1, a3, c);
	t5 = c;
	c = 0;
	ZW_MAC(t5, a2, a3, c);
	t6 = c;
	t7 = t6 >> 63;
	t6 = (t6 << 1) | (t5 >> 63);
	t5 = (t5 << 1) | (t4 >> 63);
	t4 = (t4 << 1) | (t3 >> 63);
	t3 = (t3 << 1) | (t2 >> 63);
	t2 = (t2 << 1) | (t1 >> 63);
	t1 <<= 1;
	uint64_t t0;
	d = (zw_u128)a0 * a0;
	t0 = (uint64_t)d; c = 0;
	ZW_ADC(t1, t1, (uint64_t)(d >> 64), c);
	d = (zw_u128)a1 * a1;
	ZW_ADC(t2, t2, (uint64_t)d, c);
	ZW_ADC(t3, t3, (uint64_t)(d >> 64), c);
	d = (zw_u128)a2 * a2;
	ZW_ADC(t4, t4, (uint64_t)d, c);
	ZW_ADC(t5, t5, (uint64_t)(d >> 64), c);
	d = (zw_u128)a3 * a3;
	ZW_ADC(t6, t6, (uint64_t)d, c);
	ZW_ADC(t7, t7, (uint64_t)(d >> 64), c);
	zw_p256_redc8(r, t0, t1, t2, t3, t4, t5, t6, t7);
}

#endif
