/* The key cache behind zw_bv_*: decoded P-256 public keys with their odd
 * multiples in a hash table (open addressing over an index array, so key
 * entries never move while pending batch items refer to them), evicted by
 * CLOCK, and a smaller pool of fixed-base tables lent to the keys used
 * most. Internal to crypto/. */
#ifndef ZW_CRYPTO_P256_CACHE_H
#define ZW_CRYPTO_P256_CACHE_H

#include <stdint.h>

#include "crypto/batchverify.h"
#include "crypto/p256_table.h"

struct zw_p256_key {
	struct zw_p256_odd odd;         /* odd.p[0] is the key itself */
	uint8_t raw[64];                /* x||y as received */
	uint32_t uses;                  /* since insertion, halved as it ages */
	uint32_t pins;                  /* pending batch items using it */
	int32_t table;                  /* index into tables, or -1 */
	uint8_t live, ref;              /* in use; CLOCK reference bit */
};

struct zw_p256_tslot {
	struct zw_p256_ktable t;
	int32_t owner;                  /* key index, or -1 when free */
	uint64_t stamp;                 /* last use, for LRU */
} __attribute__((aligned(64)));

struct zw_bv_cache {
	struct zw_p256_gtable g;        /* the generator's table */
	unsigned nkeys, ntables, build_after, hand;
	uint32_t mask;                  /* index size - 1 (a power of 2) */
	uint64_t clock, next_age;
	uint32_t *index;                /* key index + 1, or 0 when empty */
	struct zw_p256_key *keys;
	struct zw_p256_tslot *tables;
};

/* Find or insert the key x||y, pin it and count the use (building its
 * table when due). Returns the key index, ZW_EKEY for a point that is not
 * on the curve, or ZW_ENOSPC when every key is pinned. */
int zw_p256_cache_get(struct zw_bv_cache *c, const uint8_t raw[64]);

void zw_p256_cache_unpin(struct zw_bv_cache *c, int idx);

/* The hash placing a key in the index (exposed for tests). */
uint32_t zw_p256_cache_hash(const uint8_t raw[64]);

#endif
