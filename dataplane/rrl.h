/* Response Rate Limiting (as BIND's and Knot's RRL): responses per second
 * per client prefix (IPv4 /24, IPv6 /56) and response class. Positive
 * answers and NODATA/referrals are counted per query name as well;
 * NXDOMAIN and errors are counted per prefix alone, each class in its own
 * bucket, so random names cannot dodge the limit. Over the rate, every
 * slip-th response is sent truncated (TC=1, so a real client retries over
 * TCP) and the others are dropped.
 *
 * One shared table of 64-bit buckets updated with compare-and-swap: no
 * locks, any number of lcores. Counting is per whole second (a client can
 * get up to twice the rate across a second boundary). */
#ifndef ZW_DATAPLANE_RRL_H
#define ZW_DATAPLANE_RRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum zw_rrl_class {
	ZW_RRL_ANSWER,   /* NOERROR with answers */
	ZW_RRL_NODATA,   /* NOERROR without answers (NODATA, referral) */
	ZW_RRL_NXDOMAIN,
	ZW_RRL_ERROR,    /* every other rcode */
};

enum zw_rrl_action { ZW_RRL_PASS, ZW_RRL_DROP, ZW_RRL_SLIP };

struct zw_rrl;

/* rate: responses/s per bucket (1..65535); slip: 0 never slip, 1 slip
 * all, N every Nth; 2^log2 buckets; seed keys the hash. NULL on bad
 * arguments or no memory. */
struct zw_rrl *zw_rrl_new(unsigned rate, unsigned slip, unsigned log2,
			  uint64_t seed);
void zw_rrl_free(struct zw_rrl *r);

/* Count one response to addr (4 or 16 octets) of class cls for query
 * name qname[0..qlen) (wire, any case), at time `now` in seconds.
 * *slipctr is the caller's (per-lcore) count of limited responses. */
int zw_rrl_check(struct zw_rrl *r, const uint8_t *addr, bool v6,
		 enum zw_rrl_class cls, const uint8_t *qname, size_t qlen,
		 uint32_t now, unsigned *slipctr);

/* The class of an n-octet response msg (header rcode and counts). */
enum zw_rrl_class zw_rrl_classify(const uint8_t *msg, size_t n);

/* Turn response msg[0..n) into its slip form: header and question only,
 * TC set. Returns the new length (n when the question cannot be found). */
size_t zw_rrl_slip(uint8_t *msg, size_t n);

#endif
