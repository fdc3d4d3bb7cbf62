/* Internal to crypto/nsec3*.c: building the padded msg0 (lower-cased
 * wire name || salt || SHA-1 padding). Inline, because every
 * implementation does this once per name and a call per name, or a libc
 * memcpy/memset call per piece, costs a measurable share of a one-block
 * hash (~37 ns for the whole hash on the SHA-NI path). */
#ifndef ZW_CRYPTO_NSEC3_MSG_H
#define ZW_CRYPTO_NSEC3_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dns/err.h"
#include "dns/name.h"

#define ZW_SHA1_BLOCK 64

/* Length of a well-formed wire name (labels <= 63, total <= 255), or
 * ZW_ENAMELEN. */
static inline int zw_nsec3_name_len(const uint8_t *name)
{
	size_t off = 0;

	while (name[off] != 0) {
		if (name[off] > ZW_LABEL_MAX)
			return ZW_ENAMELEN;
		off += name[off] + 1u;
		if (off >= ZW_NAME_MAX)
			return ZW_ENAMELEN;
	}
	return (int)off + 1;
}

#ifdef __SSE2__
/* Lower-case ASCII letters in 16 octets. Signed compares: octets >= 0x80
 * are negative, never upper-case. Length octets of a wire name are <= 63,
 * below 'A', so whole wire names can go through this. */
static inline __m128i zw_nsec3_lc16(__m128i v)
{
	__m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
				   _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));

	return _mm_add_epi8(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
}

static inline __m128i zw_nsec3_id16(__m128i v)
{
	return v;
}

/* Copy len octets in pieces of 16 or 8 that overlap rather than step
 * outside [0, len) (single octets below 8), mapping each piece through
 * f (idempotent). Inlined
 * so short names and salts cost no library call. */
#define ZW_NSEC3_COPY_MAPPED(dst, src, len, f) do {				\
	size_t i_ = 0;							\
	if ((len) >= 16) {						\
		for (; i_ + 16 <= (len); i_ += 16)			\
			_mm_storeu_si128((__m128i *)((dst) + i_),	\
			    f(_mm_loadu_si128((const __m128i *)((src) + i_)))); \
		if (i_ < (len))						\
			_mm_storeu_si128((__m128i *)((dst) + (len) - 16), \
			    f(_mm_loadu_si128((const __m128i *)		\
					      ((src) + (len) - 16))));	\
	} else if ((len) >= 8) {					\
		_mm_storel_epi64((__m128i *)(dst), f(_mm_loadl_epi64(	\
			(const __m128i *)(src))));			\
		_mm_storel_epi64((__m128i *)((dst) + (len) - 8),	\
			f(_mm_loadl_epi64((const __m128i *)		\
					  ((src) + (len) - 8))));	\
	} else {							\
		for (; i_ < (len); i_++)				\
			(dst)[i_] = (uint8_t)_mm_cvtsi128_si32(f(	\
				_mm_cvtsi32_si128((src)[i_])));		\
	}								\
} while (0)

static inline void zw_nsec3_copy_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	ZW_NSEC3_COPY_MAPPED(dst, src, len, zw_nsec3_lc16);
}

static inline void zw_nsec3_copy_plain(uint8_t *dst, const uint8_t *src, size_t len)
{
	ZW_NSEC3_COPY_MAPPED(dst, src, len, zw_nsec3_id16);
}

/* Zero [from rounded down to 16, end). */
static inline void zw_nsec3_zero_tail(uint8_t *buf, size_t from, size_t end)
{
	for (size_t i = from & ~(size_t)15; i < end; i += 16)
		_mm_storeu_si128((__m128i *)(buf + i), _mm_setzero_si128());
}
#else
static inline void zw_nsec3_copy_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (uint8_t)((unsigned)(src[i] - 'A') < 26u ? src[i] + 32
								  : src[i]);
}

static inline void zw_nsec3_copy_plain(uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(dst, src, len);
}

static inline void zw_nsec3_zero_tail(uint8_t *buf, size_t from, size_t end)
{
	memset(buf + from, 0, end - from);
}
#endif

/* Build the padded msg0 for a name of known-valid length into buf
 * (ZW_NSEC3_MSG0_MAX octets); returns its number of blocks. One pass of
 * stores: zeros under the padding first, then name,
 * salt, the 0x80 marker and the bit length. */
static inline size_t zw_nsec3_msg0(uint8_t *buf, const uint8_t *name, size_t namelen,
		     const uint8_t *salt, size_t saltlen)
{
	size_t len = namelen + saltlen;
	size_t nblk = (len + 8) / ZW_SHA1_BLOCK + 1;
	size_t end = nblk * ZW_SHA1_BLOCK;
	uint64_t bits = (uint64_t)len * 8;

	zw_nsec3_zero_tail(buf, len, end);
	zw_nsec3_copy_lower(buf, name, namelen);
	zw_nsec3_copy_plain(buf + namelen, salt, saltlen);
	buf[len] = 0x80;
	for (int i = 0; i < 8; i++)
		buf[end - 1 - i] = (uint8_t)(bits >> (8 * i));
	return nblk;
}

#endif
