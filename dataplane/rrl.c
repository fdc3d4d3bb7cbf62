/* RRL buckets: 32-bit key tag | 16-bit second | 16-bit count. */
#include <stdlib.h>
#include <string.h>

#include "dataplane/rrl.h"

#define CAS_TRIES 4

struct zw_rrl {
	uint64_t *b;
	uint64_t mask;
	uint64_t seed;
	unsigned rate, slip;
};

struct zw_rrl *zw_rrl_new(unsigned rate, unsigned slip, unsigned log2,
			  uint64_t seed)
{
	if (rate == 0 || rate > 65535 || log2 < 4 || log2 > 28)
		return NULL;
	struct zw_rrl *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->b = calloc((size_t)1 << log2, sizeof(uint64_t));
	if (!r->b) {
		free(r);
		return NULL;
	}
	r->mask = ((uint64_t)1 << log2) - 1;
	r->seed = seed | 1;
	r->rate = rate;
	r->slip = slip;
	return r;
}

void zw_rrl_free(struct zw_rrl *r)
{
	if (r) {
		free(r->b);
		free(r);
	}
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static uint64_t key(const struct zw_rrl *r, const uint8_t *addr, bool v6,
		    enum zw_rrl_class cls, const uint8_t *qname, size_t qlen)
{
	uint64_t a = 0, h = mix(r->seed, (uint64_t)cls << 1 | v6);
	memcpy(&a, addr, v6 ? 7 : 3); /* /56 or /24 */
	h = mix(h, a);
	if (cls == ZW_RRL_ANSWER || cls == ZW_RRL_NODATA)
		for (size_t i = 0; i < qlen; i++) {
			uint8_t c = qname[i];
			c = (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
			h = (h ^ c) * 0x100000001b3ull;
		}
	h = mix(h, qlen);
	return h ^ (h >> 32);
}

static int limited(const struct zw_rrl *r, unsigned *slipctr)
{
	if (!r->slip)
		return ZW_RRL_DROP;
	return ++*slipctr % r->slip == 0 ? ZW_RRL_SLIP : ZW_RRL_DROP;
}

int zw_rrl_check(struct zw_rrl *r, const uint8_t *addr, bool v6,
		 enum zw_rrl_class cls, const uint8_t *qname, size_t qlen,
		 uint32_t now, unsigned *slipctr)
{
	uint64_t h = key(r, addr, v6, cls, qname, qlen);
	uint64_t *b = &r->b[h & r->mask];
	uint64_t tag = (h >> 32) << 32, sec = (uint64_t)(now & 0xffff) << 16;

	for (int i = 0; i < CAS_TRIES; i++) {
		uint64_t old = __atomic_load_n(b, __ATOMIC_RELAXED), nw;
		if ((old & ~0xffffull) == (tag | sec)) {
			if ((old & 0xffff) >= r->rate)
				return limited(r, slipctr);
			nw = old + 1;
		} else {
			nw = tag | sec | 1;
		}
		if (__atomic_compare_exchange_n(b, &old, nw, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return ZW_RRL_PASS;
	}
	return ZW_RRL_PASS;
}

enum zw_rrl_class zw_rrl_classify(const uint8_t *msg, size_t n)
{
	if (n < 12)
		return ZW_RRL_ERROR;
	unsigned rcode = msg[3] & 0xf;
	if (rcode == 3)
		return ZW_RRL_NXDOMAIN;
	if (rcode != 0)
		return ZW_RRL_ERROR;
	return (msg[6] | msg[7]) ? ZW_RRL_ANSWER : ZW_RRL_NODATA;
}

size_t zw_rrl_slip(uint8_t *msg, size_t n)
{
	size_t o = 12;
	if (n < 12 || msg[4] != 0 || msg[5] != 1)
		return n;
	while (o < n && msg[o] != 0 && !(msg[o] & 0xc0))
		o += 1u + msg[o];
	if (o >= n || msg[o] != 0 || o + 5 > n)
		return n;
	msg[2] |= 0x02; /* TC */
	memset(msg + 6, 0, 6);
	return o + 5;
}
