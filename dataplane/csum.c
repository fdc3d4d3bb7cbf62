/* Internet checksum over a run of octets. On x86-64: 64-bit words in one
 * add-with-carry chain, 64 octets per step (memory operands, so about
 * 0.2 instructions per octet against 0.6 for 32-bit words added into
 * 64-bit sums; the chain runs at 8 octets a cycle, as fast as the four
 * chains of 32-bit adds were). Elsewhere: 32-bit words added into 64-bit
 * sums in four independent chains. Either way the end-around carry is
 * folded at the end (2^32 = 1 mod 2^16 - 1). The tail (under 8 octets)
 * is added with 4-, 2- and 1-octet loads: copying it into a zeroed word
 * first stalls on store forwarding. Runs of 128 octets and more go to
 * the AVX2 sum (csum_avx2.c) where the CPU has it: the chain is a cycle
 * of latency per 8 octets that a DO=1 response (~280 octets) waits for;
 * below 128 the vector set-up and reduction cost as much as they save. */
#include "dataplane/csum.h"
#include "dns/load.h"

/* The last len & 7 octets at p, as 4-, 2- and 1-octet loads (under 2^33). */
static inline uint64_t tail_sum(const uint8_t *p, size_t len)
{
	uint64_t t = 0;
	if (len & 4) {
		t += zw_load32(p);
		p += 4;
	}
	if (len & 2) {
		t += zw_load16(p);
		p += 2;
	}
	if (len & 1) /* the first octet of a 16-bit word: its low half */
		t += *p;
	return t;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define ADC8(o) "adcq " #o "(%[p]), %[s]\n\t"

/* s + the 64-bit words of p[0..len & ~7), with end-around carries
 * (a sum of 64-bit words modulo 2^64 - 1, which 2^16 - 1 divides). */
static uint64_t sum64(uint64_t s, const uint8_t *p, size_t len)
{
	for (; len >= 64; p += 64, len -= 64)
		__asm__("addq (%[p]), %[s]\n\t" ADC8(8) ADC8(16) ADC8(24)
			ADC8(32) ADC8(40) ADC8(48) ADC8(56)
			"adcq $0, %[s]"
			: [s] "+r"(s)
			: [p] "r"(p), "m"(*(const uint8_t(*)[64])p)
			: "cc");
	if (len & 32) {
		__asm__("addq (%[p]), %[s]\n\t" ADC8(8) ADC8(16) ADC8(24)
			"adcq $0, %[s]"
			: [s] "+r"(s)
			: [p] "r"(p), "m"(*(const uint8_t(*)[32])p)
			: "cc");
		p += 32;
	}
	if (len & 16) {
		__asm__("addq (%[p]), %[s]\n\t" ADC8(8) "adcq $0, %[s]"
			: [s] "+r"(s)
			: [p] "r"(p), "m"(*(const uint8_t(*)[16])p)
			: "cc");
		p += 16;
	}
	if (len & 8)
		__asm__("addq (%[p]), %[s]\n\tadcq $0, %[s]"
			: [s] "+r"(s)
			: [p] "r"(p), "m"(*(const uint8_t(*)[8])p)
			: "cc");
	return s;
}

uint64_t zw_csum_add_scalar(uint64_t sum, const void *ptr, size_t len)
{
	const uint8_t *p = ptr;
	uint64_t s = sum64(sum, p, len);
	uint64_t t = tail_sum(p + (len & ~(size_t)7), len);

	/* fold s to 33 bits before adding the tail (under 2^33) */
	return (s & 0xffffffffu) + (s >> 32) + t;
}

uint64_t zw_csum_add(uint64_t sum, const void *p, size_t len)
{
	if (len >= 128 && len <= 65536 && __builtin_cpu_supports("avx2"))
		return zw_csum_add_avx2(sum, p, len);
	return zw_csum_add_scalar(sum, p, len);
}
#else
uint64_t zw_csum_add(uint64_t sum, const void *p, size_t len)
{
	return zw_csum_add_scalar(sum, p, len);
}

uint64_t zw_csum_add_scalar(uint64_t sum, const void *ptr, size_t len)
{
	const uint8_t *p = ptr;
	uint64_t a = (sum & 0xffffffffu) + (sum >> 32), b = 0, c = 0, d = 0;

	for (; len >= 32; p += 32, len -= 32) {
		a += (uint64_t)zw_load32(p) + zw_load32(p + 16);
		b += (uint64_t)zw_load32(p + 4) + zw_load32(p + 20);
		c += (uint64_t)zw_load32(p + 8) + zw_load32(p + 24);
		d += (uint64_t)zw_load32(p + 12) + zw_load32(p + 28);
	}
	for (; len >= 8; p += 8, len -= 8) {
		a += zw_load32(p);
		b += zw_load32(p + 4);
	}
	return a + b + c + d + tail_sum(p, len);
}
#endif
