/* Internet checksum: 64-bit words added into 128-bit accumulators (an
 * add and an add-with-carry each), two chains so the adds overlap; the
 * end-around carry is folded back at the end (2^64 = 1 mod 2^16 - 1). */
#include "dataplane/csum.h"

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

uint64_t zw_csum_add(uint64_t sum, const void *ptr, size_t len)
{
	const uint8_t *p = ptr;
	unsigned __int128 a = sum, b = 0; /* two add-with-carry chains */

	for (; len >= 32; p += 32, len -= 32) {
		a += load64(p);
		b += load64(p + 8);
		a += load64(p + 16);
		b += load64(p + 24);
	}
	for (; len >= 8; p += 8, len -= 8)
		a += load64(p);
	if (len) {
		uint8_t tail[8] = {0};
		memcpy(tail, p, len);
		b += load64(tail);
	}
	a += b;
	/* 128 -> 64 -> 33 bits: the caller folds to 16 */
	uint64_t lo = (uint64_t)a, hi = (uint64_t)(a >> 64);
	lo += hi;
	lo += lo < hi;
	return (lo & 0xffffffffu) + (lo >> 32);
}

uint64_t zw_csum_pseudo4(const uint8_t *src, const uint8_t *dst,
			 uint8_t proto, uint32_t len)
{
	uint64_t s = zw_csum_add(0, src, 4);
	s = zw_csum_add(s, dst, 4);
	return s + zw_csum_be16(proto) + zw_csum_be16((uint16_t)len);
}

uint64_t zw_csum_pseudo6(const uint8_t *src, const uint8_t *dst,
			 uint8_t proto, uint32_t len)
{
	uint64_t s = zw_csum_add(0, src, 16);
	s = zw_csum_add(s, dst, 16);
	return s + zw_csum_be16((uint16_t)(len >> 16)) +
	       zw_csum_be16((uint16_t)len) + zw_csum_be16(proto);
}
