/* Internet checksum: 64-bit accumulation of 32-bit halves, so a packet of
 * up to 2^32 octets cannot overflow the accumulator; four words per loop
 * step keep the adds independent. */
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
	uint64_t a = 0, b = 0;

	for (; len >= 32; p += 32, len -= 32) {
		uint64_t w0 = load64(p), w1 = load64(p + 8);
		uint64_t w2 = load64(p + 16), w3 = load64(p + 24);
		a += (w0 & 0xffffffffu) + (w0 >> 32) + (w1 & 0xffffffffu) +
		     (w1 >> 32);
		b += (w2 & 0xffffffffu) + (w2 >> 32) + (w3 & 0xffffffffu) +
		     (w3 >> 32);
	}
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w = load64(p);
		a += (w & 0xffffffffu) + (w >> 32);
	}
	if (len) {
		uint8_t tail[8] = {0};
		memcpy(tail, p, len);
		uint64_t w = load64(tail);
		b += (w & 0xffffffffu) + (w >> 32);
	}
	return sum + a + b;
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
