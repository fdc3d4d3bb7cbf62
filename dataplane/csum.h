/* Internet checksum (RFC 1071) over memory-order words: the sum is
 * byte-order independent, so words are loaded natively and the folded
 * result is stored back with memcpy (zw_csum_store). */
#ifndef ZW_DATAPLANE_CSUM_H
#define ZW_DATAPLANE_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Add len octets at p to a running sum. Pieces must start at even
 * offsets of the checksummed stream; only the last may be odd. */
uint64_t zw_csum_add(uint64_t sum, const void *p, size_t len);

/* Fold to 16 bits (not complemented), in memory order. */
static inline uint16_t zw_csum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
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

/* Sum of the IPv4 / IPv6 pseudo header (RFC 768, RFC 8200 8.1). */
uint64_t zw_csum_pseudo4(const uint8_t *src, const uint8_t *dst,
			 uint8_t proto, uint32_t len);
uint64_t zw_csum_pseudo6(const uint8_t *src, const uint8_t *dst,
			 uint8_t proto, uint32_t len);

#endif
