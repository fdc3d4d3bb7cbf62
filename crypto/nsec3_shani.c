/* NSEC3 batch hashing with the x86 SHA extensions, four names at a time.
 *
 * One SHA-1 block is a chain of 20 dependent sha1rnds4 instructions, so a
 * single stream waits on the instruction's latency (~55 ns per block
 * here, the same as OpenSSL's SHA-NI code). Compressing four independent
 * blocks with their instructions interleaved keeps the SHA unit busy and
 * costs ~20 ns per block. Each lane walks one name through its msg0 and
 * its iterations; a lane that finishes picks up the next name.
 *
 * An iteration's first block is digest || salt || ...: its first five
 * message words are the previous state words themselves, so it is built
 * in registers from the state and the salt template, never stored. */
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define ZW_HAVE_X86 1
#endif

#include "crypto/nsec3_impl.h"
#include "dns/err.h"

#define LANES 4

struct lane {
	const uint8_t *blk;       /* next block; NULL: iteration head */
	size_t nblk;              /* blocks left in the current message */
	unsigned iters;           /* iterations left after this message */
	size_t idx;               /* name being hashed */
	bool busy;
	uint8_t msg0[ZW_NSEC3_MSG0_MAX];
};

struct shani_ctx {
	uint32_t st[LANES][5];
	struct lane lane[LANES];
	uint8_t idle_blk[ZW_SHA1_BLOCK]; /* what idle lanes compress */
	int err;                         /* a malformed name was skipped */
};

#ifdef ZW_HAVE_X86

#define SHANI_FN __attribute__((target("sha,sse4.1,ssse3")))
#define EACH_LANE _Pragma("GCC unroll 4") for (int l = 0; l < LANES; l++)

/* Four rounds (group g, round function f) on every lane. From group 4 on,
 * the message words W[g] = msg2(msg1(W[g-4], W[g-3]) ^ W[g-2], W[g-1])
 * replace W[g-4] in the ring m[l][0..3]. sv holds ABCD from before the
 * previous group, from which sha1nexte derives E for this one. */
#define GROUP(g, f) do {						\
	if ((g) >= 4)							\
		EACH_LANE m[l][(g) & 3] = _mm_sha1msg2_epu32(		\
			_mm_xor_si128(_mm_sha1msg1_epu32(m[l][(g) & 3],	\
				m[l][((g) + 1) & 3]), m[l][((g) + 2) & 3]),	\
			m[l][((g) + 3) & 3]);				\
	EACH_LANE {							\
		__m128i ein = (g) == 0 ? _mm_add_epi32(e[l], m[l][0])	\
			: _mm_sha1nexte_epu32(sv[l], m[l][(g) & 3]);	\
		sv[l] = abcd[l];					\
		abcd[l] = _mm_sha1rnds4_epu32(abcd[l], ein, f);		\
	}								\
} while (0)

/* Message and chaining value for lane l: a block from memory on top of
 * the state, or an iteration head (state words || template) on top of
 * the SHA-1 initial value. */
#define LOAD_LANE(l) do {						\
	__m128i s = _mm_loadu_si128((const __m128i *)st[l]);		\
	__m128i s4 = _mm_set_epi32((int)st[l][4], 0, 0, 0);		\
	if (blk[l]) {							\
		abcd[l] = _mm_shuffle_epi32(s, 0x1b);			\
		e[l] = s4;						\
		for (int k = 0; k < 4; k++)				\
			m[l][k] = _mm_shuffle_epi8(_mm_loadu_si128(	\
				(const __m128i *)(blk[l] + 16 * k)), bswap); \
	} else {							\
		abcd[l] = iv;						\
		e[l] = iv4;						\
		m[l][0] = _mm_shuffle_epi32(s, 0x1b);			\
		m[l][1] = _mm_or_si128(t[1], s4);			\
		m[l][2] = t[2];						\
		m[l][3] = t[3];						\
	}								\
	a0[l] = abcd[l];						\
	e0[l] = e[l];							\
} while (0)

/* Compress one block per lane; tmpl is the iteration template, whose
 * first 20 octets are zero. */
SHANI_FN static void compress4(uint32_t st[LANES][5],
			       const uint8_t *const blk[LANES],
			       const uint8_t *tmpl)
{
	const __m128i bswap = _mm_set_epi64x(0x0001020304050607ULL,
					     0x08090a0b0c0d0e0fULL);
	const __m128i iv = _mm_set_epi32((int)zw_sha1_iv[0],
		(int)zw_sha1_iv[1], (int)zw_sha1_iv[2], (int)zw_sha1_iv[3]);
	const __m128i iv4 = _mm_set_epi32((int)zw_sha1_iv[4], 0, 0, 0);
	__m128i abcd[LANES], e[LANES], sv[LANES], a0[LANES], e0[LANES];
	__m128i m[LANES][4], t[4];

	for (int k = 1; k < 4; k++)
		t[k] = _mm_shuffle_epi8(_mm_loadu_si128(
			(const __m128i *)(tmpl + 16 * k)), bswap);
	EACH_LANE LOAD_LANE(l);
	GROUP(0, 0); GROUP(1, 0); GROUP(2, 0); GROUP(3, 0); GROUP(4, 0);
	GROUP(5, 1); GROUP(6, 1); GROUP(7, 1); GROUP(8, 1); GROUP(9, 1);
	GROUP(10, 2); GROUP(11, 2); GROUP(12, 2); GROUP(13, 2); GROUP(14, 2);
	GROUP(15, 3); GROUP(16, 3); GROUP(17, 3); GROUP(18, 3); GROUP(19, 3);
	EACH_LANE {
		e[l] = _mm_sha1nexte_epu32(sv[l], e0[l]);
		abcd[l] = _mm_add_epi32(abcd[l], a0[l]);
		_mm_storeu_si128((__m128i *)st[l],
				 _mm_shuffle_epi32(abcd[l], 0x1b));
		st[l][4] = (uint32_t)_mm_extract_epi32(e[l], 3);
	}
}

static bool shani_available(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & bit_SHA) != 0;
}

#else /* not x86 */

static void compress4(uint32_t st[LANES][5], const uint8_t *const blk[LANES],
		      const uint8_t *tmpl)
{
	(void)st;
	(void)blk;
	(void)tmpl;
}

static bool shani_available(void)
{
	return false;
}

#endif

static void lane_load(struct shani_ctx *c, int l, const uint8_t *name,
		      size_t len, size_t idx, const struct zw_nsec3_param *p)
{
	struct lane *ln = &c->lane[l];

	ln->nblk = zw_nsec3_msg0(ln->msg0, name, len, p->salt, p->saltlen);
	ln->blk = ln->msg0;
	ln->iters = p->iterations;
	ln->idx = idx;
	ln->busy = true;
	memcpy(c->st[l], zw_sha1_iv, sizeof(c->st[l]));
}

/* Advance lane l past the block just compressed. True when its name is
 * done (digest written to out). */
static bool lane_step(struct shani_ctx *c, int l,
		      const struct zw_nsec3_param *p,
		      uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	struct lane *ln = &c->lane[l];

	if (--ln->nblk) {
		ln->blk = ln->blk ? ln->blk + ZW_SHA1_BLOCK
				  : p->iter_tmpl + ZW_SHA1_BLOCK;
		return false;
	}
	if (ln->iters == 0) {
		zw_sha1_put(out[ln->idx], c->st[l]);
		return true;
	}
	ln->iters--;
	ln->blk = NULL;
	ln->nblk = p->iter_blocks;
	return false;
}

/* Give lane l the next name, or retire it. Returns 1 if it stays busy. */
static int lane_refill(struct shani_ctx *c, int l,
		       const uint8_t *const names[], size_t n, size_t *next,
		       const struct zw_nsec3_param *p)
{
	for (; *next < n; (*next)++) {
		int len = zw_nsec3_name_len(names[*next]);

		if (len < 0) {
			c->err = len;
			continue;
		}
		lane_load(c, l, names[*next], (size_t)len, *next, p);
		(*next)++;
		return 1;
	}
	c->lane[l].busy = false;
	return 0;
}

static int shani_run(void *ctx, const uint8_t *const names[], size_t n,
		     const struct zw_nsec3_param *p,
		     uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	struct shani_ctx *c = ctx;
	const uint8_t *blk[LANES];
	size_t next = 0;
	int busy = 0;

	c->err = ZW_OK;
	for (int l = 0; l < LANES; l++)
		busy += lane_refill(c, l, names, n, &next, p);
	while (busy) {
		for (int l = 0; l < LANES; l++)
			blk[l] = c->lane[l].busy ? c->lane[l].blk : c->idle_blk;
		compress4(c->st, blk, p->iter_tmpl);
		for (int l = 0; l < LANES; l++)
			if (c->lane[l].busy && lane_step(c, l, p, out))
				busy += lane_refill(c, l, names, n, &next,
						    p) - 1;
	}
	return c->err;
}

static void *shani_new(void)
{
	return calloc(1, sizeof(struct shani_ctx));
}

const struct zw_nsec3_ops zw_nsec3_ops_shani = {
	.name = "sha-ni",
	.available = shani_available,
	.ctx_new = shani_new,
	.ctx_free = free,
	.run = shani_run,
};
