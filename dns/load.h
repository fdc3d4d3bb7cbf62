/* Unaligned loads of 2, 4 and 8 octets in host order (memcpy, which the
 * compiler turns into one move): for hashing, comparing fields with
 * constants and checksums. Shared by every module that reads packed
 * bytes; byte order conversions are the caller's. */
#ifndef ZW_DNS_LOAD_H
#define ZW_DNS_LOAD_H

#include <stdint.h>
#include <string.h>

static inline uint16_t zw_load16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t zw_load32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t zw_load64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

#endif
