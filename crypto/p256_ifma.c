/* AVX-512 IFMA multi-buffer u1*G + u2*Q (see p256_ifma.h).
 *
 * Field elements: five 52-bit limbs per lane, Montgomery form with
 * R = 2^260 (five rounds of 52 bits); values kept fully reduced (< p) so
 * zero tests are exact. p = -1 mod 2^52, so each Montgomery round's
 * multiplier is the low limb itself. Table points arrive in the scalar
 * engine's form (x * 2^256 mod p on 64-bit limbs); one Montgomery product
 * with 2^264 moves them to x * 2^260, one with 2^256 moves results back. */
#include "crypto/p256_ifma.h"

#include <string.h>

#include "crypto/p256_field.h"
#include "crypto/p256_table.h"

#if defined(ZW_P256_IFMA_EMULATE) || \
	(defined(__x86_64__) && !defined(ZW_P256_GENERIC) && defined(__GNUC__))
#define IFMA_BUILD 1
#endif

#ifdef IFMA_BUILD

#ifdef ZW_P256_IFMA_EMULATE
/* Portable model of the eight-lane instructions used below. */
typedef struct {
	uint64_t l[8];
} vec;
typedef uint8_t vmask;
#define IFMA_FN static inline __attribute__((unused))
#define LANEWISE(expr) do {                                             \
		for (int i_ = 0; i_ < 8; i_++)                           \
			r.l[i_] = (expr);                                \
	} while (0)

IFMA_FN vec v_set1(uint64_t x) { vec r; LANEWISE(x); return r; }
IFMA_FN vec v_zero(void) { return v_set1(0); }
IFMA_FN vec v_add(vec a, vec b) { vec r; LANEWISE(a.l[i_] + b.l[i_]); return r; }
IFMA_FN vec v_sub(vec a, vec b) { vec r; LANEWISE(a.l[i_] - b.l[i_]); return r; }
IFMA_FN vec v_and(vec a, vec b) { vec r; LANEWISE(a.l[i_] & b.l[i_]); return r; }
IFMA_FN vec v_or(vec a, vec b) { vec r; LANEWISE(a.l[i_] | b.l[i_]); return r; }
#define v_srli(a, n) v_srli_(a, n)
IFMA_FN vec v_srli_(vec a, int n) { vec r; LANEWISE(a.l[i_] >> n); return r; }
#define v_slli(a, n) v_slli_(a, n)
IFMA_FN vec v_slli_(vec a, int n) { vec r; LANEWISE(a.l[i_] << n); return r; }
#define v_srai(a, n) v_srai_(a, n)
IFMA_FN vec v_srai_(vec a, int n)
{
	vec r;
	/* arithmetic shift without relying on signed >> */
	LANEWISE((a.l[i_] >> n) |
		 ((a.l[i_] >> 63) ? ~(~0ULL >> n) : 0));
	return r;
}
/* acc + low / high 52 bits of the 104-bit product of the low 52 bits */
IFMA_FN vec v_madd52lo(vec acc, vec b, vec c)
{
	vec r;
	LANEWISE(acc.l[i_] + (uint64_t)(((zw_u128)(b.l[i_] & 0xfffffffffffffULL) *
					 (c.l[i_] & 0xfffffffffffffULL)) &
					0xfffffffffffffULL));
	return r;
}
IFMA_FN vec v_madd52hi(vec acc, vec b, vec c)
{
	vec r;
	LANEWISE(acc.l[i_] + (uint64_t)(((zw_u128)(b.l[i_] & 0xfffffffffffffULL) *
					 (c.l[i_] & 0xfffffffffffffULL)) >> 52));
	return r;
}
/* lanes with the mask bit take b, the others a */
IFMA_FN vec v_blend(vmask m, vec a, vec b)
{
	vec r;
	LANEWISE((m >> i_ & 1) ? b.l[i_] : a.l[i_]);
	return r;
}
IFMA_FN vmask v_eqz(vec a)
{
	vmask m = 0;
	for (int i = 0; i < 8; i++)
		m |= (vmask)((a.l[i] == 0) << i);
	return m;
}
IFMA_FN vmask v_ltz(vec a)
{
	vmask m = 0;
	for (int i = 0; i < 8; i++)
		m |= (vmask)((a.l[i] >> 63) << i);
	return m;
}
/* each lane loads the 64 bits at its own address */
IFMA_FN vec v_gather(vec addr)
{
	vec r;
	LANEWISE(*(const uint64_t *)(uintptr_t)addr.l[i_]);
	return r;
}
IFMA_FN vec v_load(const uint64_t *p) { vec r; LANEWISE(p[i_]); return r; }
IFMA_FN void v_store(uint64_t *p, vec a) { memcpy(p, a.l, 64); }

#else /* the instructions */
#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>

typedef __m512i vec;
typedef __mmask8 vmask;
#define IFMA_FN static inline \
	__attribute__((target("avx512f,avx512ifma"), unused))

IFMA_FN vec v_set1(uint64_t x) { return _mm512_set1_epi64((long long)x); }
IFMA_FN vec v_zero(void) { return _mm512_setzero_si512(); }
IFMA_FN vec v_add(vec a, vec b) { return _mm512_add_epi64(a, b); }
IFMA_FN vec v_sub(vec a, vec b) { return _mm512_sub_epi64(a, b); }
IFMA_FN vec v_and(vec a, vec b) { return _mm512_and_si512(a, b); }
IFMA_FN vec v_or(vec a, vec b) { return _mm512_or_si512(a, b); }
#define v_srli(a, n) _mm512_srli_epi64((a), (n))
#define v_slli(a, n) _mm512_slli_epi64((a), (n))
#define v_srai(a, n) _mm512_srai_epi64((a), (n))
IFMA_FN vec v_madd52lo(vec acc, vec b, vec c)
{
	return _mm512_madd52lo_epu64(acc, b, c);
}
IFMA_FN vec v_madd52hi(vec acc, vec b, vec c)
{
	return _mm512_madd52hi_epu64(acc, b, c);
}
IFMA_FN vec v_blend(vmask m, vec a, vec b)
{
	return _mm512_mask_blend_epi64(m, a, b);
}
IFMA_FN vmask v_eqz(vec a)
{
	return _mm512_cmpeq_epi64_mask(a, _mm512_setzero_si512());
}
IFMA_FN vmask v_ltz(vec a)
{
	return _mm512_cmplt_epi64_mask(a, _mm512_setzero_si512());
}
IFMA_FN vec v_gather(vec addr)
{
	return _mm512_i64gather_epi64(addr, (const void *)0, 1);
}
IFMA_FN vec v_load(const uint64_t *p) { return _mm512_loadu_si512(p); }
IFMA_FN void v_store(uint64_t *p, vec a) { _mm512_storeu_si512(p, a); }
#endif

#define M52 0xfffffffffffffULL

/* p in 52-bit limbs: bits 0-95 set, 192 set, 224-255 set. */
static const uint64_t P52[5] = {
	0xfffffffffffffULL, 0x00000fffffffffffULL, 0,
	0x0000001000000000ULL, 0x0000ffffffff0000ULL
};

typedef struct {
	vec v[5];
} fe8;

/* Carry-propagate limbs (signed carries), top limb left as it is. */
IFMA_FN void fe8_carry(fe8 *a)
{
#pragma GCC unroll 4
	for (int j = 0; j < 4; j++) {
		a->v[j + 1] = v_add(a->v[j + 1], v_srai(a->v[j], 52));
		a->v[j] = v_and(a->v[j], v_set1(M52));
	}
}

/* a - p where that is not negative, else a (a normalised, < 2p). */
IFMA_FN void fe8_csub(fe8 *r, const fe8 *a)
{
	fe8 d;
	for (int j = 0; j < 5; j++)
		d.v[j] = v_sub(a->v[j], v_set1(P52[j]));
	fe8_carry(&d);
	vmask neg = v_ltz(d.v[4]);
	for (int j = 0; j < 5; j++)
		r->v[j] = v_blend(neg, d.v[j], a->v[j]);
}

IFMA_FN void fe8_add(fe8 *r, const fe8 *a, const fe8 *b)
{
	fe8 t;
	for (int j = 0; j < 5; j++)
		t.v[j] = v_add(a->v[j], b->v[j]);
	fe8_carry(&t);
	fe8_csub(r, &t);
}

IFMA_FN void fe8_sub(fe8 *r, const fe8 *a, const fe8 *b)
{
	fe8 t, u;
	for (int j = 0; j < 5; j++)
		t.v[j] = v_sub(a->v[j], b->v[j]);
	fe8_carry(&t);
	vmask neg = v_ltz(t.v[4]);
	for (int j = 0; j < 5; j++)
		u.v[j] = v_add(t.v[j], v_set1(P52[j]));
	fe8_carry(&u);
	for (int j = 0; j < 5; j++)
		r->v[j] = v_blend(neg, t.v[j], u.v[j]);
}

/* r = a*b / 2^260 mod p, operand scanning: each round adds a*b_i and
 * q*p with q the low 52 bits of the running low limb (p = -1 mod 2^52),
 * then drops that limb. Limbs stay below 2^58 between rounds. */
IFMA_FN void fe8_mul(fe8 *r, const fe8 *a, const fe8 *b)
{
	vec t[6];
	for (int j = 0; j < 6; j++)
		t[j] = v_zero();
	/* unrolled so the six accumulators live in registers */
#pragma GCC unroll 5
	for (int i = 0; i < 5; i++) {
		vec bi = b->v[i];
#pragma GCC unroll 5
		for (int j = 0; j < 5; j++) {
			t[j] = v_madd52lo(t[j], a->v[j], bi);
			t[j + 1] = v_madd52hi(t[j + 1], a->v[j], bi);
		}
		vec q = v_and(t[0], v_set1(M52));
#pragma GCC unroll 5
		for (int j = 0; j < 5; j++) {
			if (P52[j] == 0)
				continue;
			t[j] = v_madd52lo(t[j], q, v_set1(P52[j]));
			t[j + 1] = v_madd52hi(t[j + 1], q, v_set1(P52[j]));
		}
		t[1] = v_add(t[1], v_srli(t[0], 52));
#pragma GCC unroll 5
		for (int j = 0; j < 5; j++)
			t[j] = t[j + 1];
		t[5] = v_zero();
	}
	fe8 s;
	for (int j = 0; j < 5; j++)
		s.v[j] = t[j];
	fe8_carry(&s);
	fe8_csub(r, &s);
}

IFMA_FN bool fe8_any(vmask m)
{
	return m != 0;
}

/* Lanes where a is zero. */
IFMA_FN vmask fe8_eqz(const fe8 *a)
{
	vmask m = v_eqz(a->v[0]);
	for (int j = 1; j < 5; j++)
		m &= v_eqz(a->v[j]);
	return m;
}

IFMA_FN void fe8_blend(fe8 *r, vmask m, const fe8 *a, const fe8 *b)
{
	for (int j = 0; j < 5; j++)
		r->v[j] = v_blend(m, a->v[j], b->v[j]);
}

IFMA_FN void fe8_const(fe8 *r, const uint64_t c[5])
{
	for (int j = 0; j < 5; j++)
		r->v[j] = v_set1(c[j]);
}

/* 64-bit limbs (lane-major vectors w[0..3]) to 52-bit limbs. */
IFMA_FN void fe8_from64(fe8 *r, const vec w[4])
{
	vec m = v_set1(M52);
	r->v[0] = v_and(w[0], m);
	r->v[1] = v_and(v_or(v_srli(w[0], 52), v_slli(w[1], 12)), m);
	r->v[2] = v_and(v_or(v_srli(w[1], 40), v_slli(w[2], 24)), m);
	r->v[3] = v_and(v_or(v_srli(w[2], 28), v_slli(w[3], 36)), m);
	r->v[4] = v_srli(w[3], 16);
}

IFMA_FN void fe8_to64(vec w[4], const fe8 *a)
{
	w[0] = v_or(a->v[0], v_slli(a->v[1], 52));
	w[1] = v_or(v_srli(a->v[1], 12), v_slli(a->v[2], 40));
	w[2] = v_or(v_srli(a->v[2], 24), v_slli(a->v[3], 28));
	w[3] = v_or(v_srli(a->v[3], 36), v_slli(a->v[4], 16));
}

/* 2^264 mod p (scalar Montgomery form in, IFMA form out), 2^256 mod p
 * (back), and 1 in IFMA form (2^260 mod p), all in 52-bit limbs. */
static const uint64_t TO_IFMA[5] = {
	0x0000000000100ULL, 0x0000000000000ULL, 0xfffffffffffffULL,
	0xfefffffffffffULL, 0x0000000ffffffULL
};
static const uint64_t FROM_IFMA[5] = {
	0x0000000000001ULL, 0xff00000000000ULL, 0xfffffffffffffULL,
	0xfffefffffffffULL, 0x000000000ffffULL
};
static const uint64_t ONE_IFMA[5] = {
	0x0000000000010ULL, 0xf000000000000ULL, 0xfffffffffffffULL,
	0xffeffffffffffULL, 0x00000000fffffULL
};

struct jac8 {
	fe8 x, y, z;
	vmask inf;      /* lanes at infinity */
};

/* Gather lane l's point at addr[l] (scalar affine form) into the IFMA
 * domain; neg lanes get -y. */
IFMA_FN void gather_point(fe8 *x, fe8 *y, const uint64_t addr[8], vmask neg)
{
	vec base = v_load(addr), w[4];
	fe8 t, c;

	fe8_const(&c, TO_IFMA);
	for (int k = 0; k < 4; k++)
		w[k] = v_gather(v_add(base, v_set1(8u * (unsigned)k)));
	fe8_from64(&t, w);
	fe8_mul(x, &t, &c);
	for (int k = 0; k < 4; k++)
		w[k] = v_gather(v_add(base, v_set1(32u + 8u * (unsigned)k)));
	fe8_from64(&t, w);
	fe8_mul(y, &t, &c);
	fe8 p, ny;
	fe8_const(&p, P52);
	fe8_sub(&ny, &p, y);
	fe8_blend(y, neg, y, &ny);
}

/* acc += (x2, y2) in the active lanes (8M+3S, as the scalar mixed
 * addition); lanes where the points are equal or opposite are added to
 * *exc and left for the scalar engine. */
IFMA_FN void madd8(struct jac8 *a, const fe8 *x2, const fe8 *y2,
		   vmask active, vmask *exc)
{
	fe8 z1z1, u2, s2, h, rr, hh, hhh, v, t, x3, y3, z3, one;

	fe8_mul(&z1z1, &a->z, &a->z);
	fe8_mul(&u2, x2, &z1z1);
	fe8_mul(&s2, &a->z, &z1z1);
	fe8_mul(&s2, &s2, y2);
	fe8_sub(&h, &u2, &a->x);
	fe8_sub(&rr, &s2, &a->y);
	*exc |= (vmask)(fe8_eqz(&h) & active & (vmask)~a->inf);
	fe8_mul(&hh, &h, &h);
	fe8_mul(&hhh, &h, &hh);
	fe8_mul(&v, &a->x, &hh);
	fe8_mul(&t, &rr, &rr);
	fe8_sub(&t, &t, &hhh);
	fe8_sub(&t, &t, &v);
	fe8_sub(&x3, &t, &v);
	fe8_sub(&t, &v, &x3);
	fe8_mul(&t, &rr, &t);
	fe8_mul(&hhh, &a->y, &hhh);
	fe8_sub(&y3, &t, &hhh);
	fe8_mul(&z3, &a->z, &h);
	/* lanes at infinity take the point itself */
	fe8_const(&one, ONE_IFMA);
	vmask from_inf = active & a->inf;
	fe8_blend(&x3, from_inf, &x3, x2);
	fe8_blend(&y3, from_inf, &y3, y2);
	fe8_blend(&z3, from_inf, &z3, &one);
	fe8_blend(&a->x, active, &a->x, &x3);
	fe8_blend(&a->y, active, &a->y, &y3);
	fe8_blend(&a->z, active, &a->z, &z3);
	a->inf &= (vmask)~active;
}

/* One window of one table for all lanes: digit d[l] picks row[|d|-1]. */
IFMA_FN void add_window(struct jac8 *acc, const struct zw_p256_aff *const *row,
			const int8_t *d, vmask *exc)
{
	uint64_t addr[8];
	vmask active = 0, neg = 0;
	fe8 x, y;

	for (int l = 0; l < 8; l++) {
		int v = d[l];
		const struct zw_p256_aff *pt = row[l];
		if (v != 0) {
			pt += (v > 0 ? v : -v) - 1;
			active |= (vmask)(1u << l);
			if (v < 0)
				neg |= (vmask)(1u << l);
		}
		addr[l] = (uint64_t)(uintptr_t)pt;
	}
	if (!fe8_any(active))
		return;
	gather_point(&x, &y, addr, neg);
	madd8(acc, &x, &y, active, exc);
}

IFMA_FN void store_jac(struct zw_p256_jac r[8], const struct jac8 *a)
{
	fe8 c, t;
	const fe8 *src[3] = { &a->x, &a->y, &a->z };
	uint64_t buf[4][8];
	vec w[4];

	fe8_const(&c, FROM_IFMA);
	for (int k = 0; k < 3; k++) {
		fe8_mul(&t, src[k], &c);
		fe8_to64(w, &t);
		for (int j = 0; j < 4; j++)
			v_store(buf[j], w[j]);
		for (int l = 0; l < 8; l++) {
			uint64_t *dst = k == 0 ? r[l].x : k == 1 ? r[l].y : r[l].z;
			for (int j = 0; j < 4; j++)
				dst[j] = buf[j][l];
		}
	}
	for (int l = 0; l < 8; l++)
		if (a->inf >> l & 1)
			zw_p256_jac_set_inf(&r[l]);
}

IFMA_FN unsigned mul2_fixed8(struct zw_p256_jac r[8],
			     const struct zw_p256_aff *gt, int gw,
			     const uint64_t (*u1)[4],
			     const struct zw_p256_aff *const *qt, int qw,
			     const uint64_t (*u2)[4])
{
	int8_t d1[8][ZW_P256_MAXWIN + 1], d2[8][ZW_P256_MAXWIN + 1];
	int n1 = ZW_P256_NWIN(gw), n2 = ZW_P256_NWIN(qw);
	int n = n1 > n2 ? n1 : n2;
	struct jac8 acc;
	vmask exc = 0;

	for (int l = 0; l < 8; l++) {
		zw_p256_recode_fixed(d1[l], u1[l], gw);
		zw_p256_recode_fixed(d2[l], u2[l], qw);
	}
	memset(&acc, 0, sizeof(acc));
	acc.inf = 0xff;
	for (int i = 0; i < n; i++) {
		const struct zw_p256_aff *row[8];
		int8_t dg[8];
		if (i < n1) {
			for (int l = 0; l < 8; l++) {
				row[l] = gt + (size_t)i * ZW_P256_HALF(gw);
				dg[l] = d1[l][i];
			}
			add_window(&acc, row, dg, &exc);
		}
		if (i < n2) {
			for (int l = 0; l < 8; l++) {
				row[l] = qt[l] + (size_t)i * ZW_P256_HALF(qw);
				dg[l] = d2[l][i];
			}
			add_window(&acc, row, dg, &exc);
		}
	}
	store_jac(r, &acc);
	return exc;
}

unsigned ZW_P256_IFMA(mul2_fixed8)(struct zw_p256_jac r[ZW_P256_LANES],
				   const struct zw_p256_aff *gt, int gw,
				   const uint64_t (*u1)[4],
				   const struct zw_p256_aff *const *qt, int qw,
				   const uint64_t (*u2)[4])
{
	return mul2_fixed8(r, gt, gw, u1, qt, qw, u2);
}

#ifdef ZW_P256_IFMA_EMULATE
bool ZW_P256_IFMA(cpu_has)(void)
{
	return true;
}

bool ZW_P256_IFMA(usable)(void)
{
	return true;
}
#else
/* CPUID leaf 7: EBX bit 16 AVX512F, bit 21 AVX512IFMA; the OS must save
 * opmask and ZMM state (XCR0 bits 1, 2, 5, 6, 7). */
bool ZW_P256_IFMA(cpu_has)(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1))
		return false;                   /* no OSXSAVE */
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) ||
	    !(b >> 16 & 1) || !(b >> 21 & 1))
		return false;
	unsigned lo, hi;
	__asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 0xe6) == 0xe6;
}

/* Eight lanes against the scalar engine on the small-window G table
 * (also standing in for key tables), including a lane whose digits are
 * all zero (0*G + 0*G). */
static bool self_test(void)
{
	static struct zw_p256_aff t[ZW_P256_TABLE_LEN(4)];
	const struct zw_p256_aff *qt[8];
	uint64_t u1[8][4], u2[8][4], x = 0x9e3779b97f4a7c15ULL;
	struct zw_p256_jac r[8], s;

	zw_p256_table_build(t, 4, &zw_p256_g);
	for (int l = 0; l < 8; l++) {
		qt[l] = t;
		for (int j = 0; j < 4; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			u1[l][j] = l == 7 ? 0 : x;
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			u2[l][j] = l == 7 ? 0 : x;
		}
		u1[l][3] >>= 1;                 /* below n */
		u2[l][3] >>= 1;
	}
	unsigned exc = mul2_fixed8(r, t, 4, (const uint64_t (*)[4])u1, qt, 4,
				   (const uint64_t (*)[4])u2);
	for (int l = 0; l < 8; l++) {
		if (exc >> l & 1)
			return false;
		zw_p256_mul2_fixed(&s, t, 4, u1[l], t, 4, u2[l]);
		if (zw_p256_jac_is_inf(&s) != zw_p256_jac_is_inf(&r[l]))
			return false;
		if (zw_p256_jac_is_inf(&s))
			continue;
		/* same point: X1 Z2^2 == X2 Z1^2 and Y1 Z2^3 == Y2 Z1^3 */
		uint64_t a[4], b[4], z1[4], z2[4];
		zw_p256_fe_sqr(z1, r[l].z);
		zw_p256_fe_sqr(z2, s.z);
		zw_p256_fe_mul(a, r[l].x, z2);
		zw_p256_fe_mul(b, s.x, z1);
		if (!zw_p256_fe_eq(a, b))
			return false;
		zw_p256_fe_mul(z1, z1, r[l].z);
		zw_p256_fe_mul(z2, z2, s.z);
		zw_p256_fe_mul(a, r[l].y, z2);
		zw_p256_fe_mul(b, s.y, z1);
		if (!zw_p256_fe_eq(a, b))
			return false;
	}
	return true;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool usable;

static void check(void)
{
	usable = ZW_P256_IFMA(cpu_has)() && self_test();
}

bool ZW_P256_IFMA(usable)(void)
{
	pthread_once(&once, check);
	return usable;
}
#endif

#else /* no IFMA build on this target */

bool ZW_P256_IFMA(cpu_has)(void)
{
	return false;
}

bool ZW_P256_IFMA(usable)(void)
{
	return false;
}

unsigned ZW_P256_IFMA(mul2_fixed8)(struct zw_p256_jac r[ZW_P256_LANES],
				   const struct zw_p256_aff *gt, int gw,
				   const uint64_t (*u1)[4],
				   const struct zw_p256_aff *const *qt, int qw,
				   const uint64_t (*u2)[4])
{
	(void)r, (void)gt, (void)gw, (void)u1, (void)qt, (void)qw, (void)u2;
	return 0xff;
}
#endif

#ifndef ZW_P256_IFMA_EMULATE
static zw_p256_mb8_fn forced;

zw_p256_mb8_fn zw_p256_mb8(void)
{
	if (forced != NULL)
		return forced;
	return ZW_P256_IFMA(usable)() ? ZW_P256_IFMA(mul2_fixed8) : NULL;
}

void zw_p256_mb8_set(zw_p256_mb8_fn fn)
{
	forced = fn;
}
#endif
