/* Internet checksum (RFC 1071) over memory-order words: the sum is
 * byte-order independent, so words are loaded natively and the folded
 * result is stored back with memcpy (zw_csum_store). Sums are kept in
 * 64 bits and only folded at the end; the fixed-size pieces of a header
 * (addresses, an IPv4 header) are summed inline as 32-bit words. */
#ifndef ZW_DATAPLANE_CSUM_H
#define ZW_DATAPLANE_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add len octets at p to a running sum (any 64-bit value). Pieces must
 * start at even offsets of the checksummed stream; only the last may be
 * odd. The result is below 2^48 for len up to 64 KiB. */
uint64_t zw_csum_add(uint64_t sum, const void *p, size_t len);

/* Its variants, for tests: the scalar sum (any CPU) and, on x86-64, the
 * AVX2 one (len from 32 to 64 KiB; the caller checks the CPU). */
uint64_t zw_csum_add_scalar(uint64_t sum, const void *p, size_t len);
uint64_t zw_csum_add_avx2(uint64_t sum, const void *p, size_t len);

/* Fold to 16 bits (not complemented), in memory order: the halves
 * added with the end-around carry, then the 16-bit halves of that the
 * same way (in the high half of s + s rotated by 16, the carry out of
 * the low halves' sum comes in by itself). 0 only for a zero sum. */
static inline uint16_t zw_csum_fold(uint64_t sum)
{
	uint32_t lo = (uint32_t)sum, s = lo + (uint32_t)(sum >> 32);
	s += s < lo;
	s += s >> 16 | s << 16;
	return (uint16_t)(s >> 16);
}

/* A 16-bit big-endian value as the sum sees it in memory order. */
static inline uint64_t zw_csum_be16(uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	uint16_t w;
	memcpy(&w, b, 2);
	return w;
}

/* Store the complemented checksum at p (a header's checksum field). */
static inline void zw_csum_store(void *p, uint64_t sum)
{
	uint16_t c = (uint16_t)~zw_csum_fold(sum);
	memcpy(p, &c, 2);
}

/* Sum of n 32-bit words at p (n small and constant: addresses, an IPv4
 * header without options), without a call. */
static inline uint64_t zw_csum_words(const uint8_t *p, unsigned n)
{
	uint64_t s = 0;
#pragma GCC unroll 16
	for (unsigned i = 0; i < n; i++) {
		uint32_t w;
		memcpy(&w, p + 4 * i, 4);
		s += w;
	}
	return s;
}

/* Sum of the IPv4 / IPv6 pseudo header (RFC 768, RFC 8200 8.1). */
static inline uint64_t zw_csum_pseudo4(const uint8_t *src,
				       const uint8_t *dst, uint8_t proto,
				       uint32_t len)
{
	return zw_csum_words(src, 1) + zw_csum_words(dst, 1) +
	       zw_csum_be16(proto) + zw_csum_be16((uint16_t)len);
}

static inline uint64_t zw_csum_pseudo6(const uint8_t *src,
				       const uint8_t *dst, uint8_t proto,
				       uint32_t len)
{
	return zw_csum_words(src, 4) + zw_csum_words(dst, 4) +
	       zw_csum_be16((uint16_t)(len >> 16)) +
	       zw_csum_be16((uint16_t)len) + zw_csum_be16(proto);
}

#endif
