/* The Internet checksum's running sum with AVX2, for runs of 32 octets
 * and more on CPUs that have it (zw_csum_add decides). The add-with-carry
 * chain of the scalar sum is one long dependency (a cycle per 8 octets,
 * and the responses it reads were just written); here 16-bit words are
 * summed in vector lanes that do not depend on each other: each word
 * with its sign bit flipped is w - 32768 as a signed number, vpmaddwd by
 * ones adds pairs of them into 32-bit lanes, and 32768 per word is added
 * back at the end, which makes the total exactly the unsigned sum. The
 * last partial vector is the 32 octets ending at the end with the ones
 * already counted masked to zero (a zero word flipped is -32768, given
 * back like the others), so no octet outside [p, p + len) is read. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#include "dataplane/csum.h"

#define AVX2 __attribute__((target("avx2,tune=znver3")))

/* 32 zero octets, then 32 ones: the 32 at mask + n keep a vector's last n */
static const uint8_t mask[64] __attribute__((aligned(64))) = {
	[32] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static inline AVX2 __m256i words(const uint8_t *p, __m256i flip, __m256i one)
{
	__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
	return _mm256_madd_epi16(_mm256_xor_si256(v, flip), one);
}

AVX2 uint64_t zw_csum_add_avx2(uint64_t sum, const void *ptr, size_t len)
{
	__m256i flip = _mm256_set1_epi16((short)0x8000),
		one = _mm256_set1_epi16(1);
	/* made once, not again in every block that uses them */
	__asm__("" : "+x"(flip), "+x"(one));
	const uint8_t *p = ptr;
	__m256i a = _mm256_setzero_si256();
	size_t n = len;
	uint64_t odd = 0;

	for (; n >= 64; p += 64, n -= 64)
		a = _mm256_add_epi32(a, _mm256_add_epi32(words(p, flip, one),
							  words(p + 32, flip, one)));
	if (n >= 32) {
		a = _mm256_add_epi32(a, words(p, flip, one));
		p += 32, n -= 32;
	}
	if (n & 1) /* the first octet of a 16-bit word: its low half */
		odd = p[--n];
	if (n) { /* len >= 32: the 32 octets before p + n are ours */
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + n - 32));
		v = _mm256_and_si256(v, _mm256_loadu_si256((const __m256i *)(const void *)(mask + n)));
		a = _mm256_add_epi32(a, _mm256_madd_epi16(_mm256_xor_si256(v, flip), one));
	}
	/* each lane: at most 2^11 vectors' pairs in [-2^16, 2^16), and the
	 * total of the 8 lanes within 2^30 */
	__m128i x = _mm_add_epi32(_mm256_castsi256_si128(a),
				  _mm256_extracti128_si256(a, 1));
	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0x4e));
	x = _mm_add_epi32(x, _mm_shuffle_epi32(x, 0xb1));
	/* 32768 back for every word of every vector summed */
	uint64_t vecs = len / 32 + ((len & 31) >= 2);
	int64_t t = (int64_t)_mm_cvtsi128_si32(x) + (int64_t)(vecs << 19);
	return (sum & 0xffffffffu) + (sum >> 32) + odd + (uint64_t)t;
}
#endif
