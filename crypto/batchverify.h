/* Batched signature verification for the validating data plane: many
 * RRSIGs made by the same few keys, checked in bursts.
 *
 * ECDSA P-256 (algorithm 13) runs on zonewire's own engine (crypto/p256_*):
 * one batched inversion of the s values per flush, x(R) compared with r in
 * projective coordinates (no per-item inversion), and u1*G + u2*Q either
 * from fixed-base tables (the generator's and, for keys used often enough,
 * the key's own: no doublings; eight items at a time on AVX-512 IFMA CPUs)
 * or by a joint Straus double-and-add over wNAFs of the scalars' 128-bit
 * halves (odd multiples of each key and of 2^128 times it are cached per
 * key at first sight). Ed25519 (algorithm 15) goes to OpenSSL one item at a
 * time through the same calls. Verdicts equal OpenSSL's EVP verify for
 * every input (Wycheproof, and a 1,000,000-signature differential run:
 * perf/compare_batchverify.sh).
 *
 * Measured on a 2-core AMD EPYC (no AVX-512), OpenSSL 3.0 about 12.5k
 * verifies/s per core: same-key batches of 16 about 3.9x that, batch size
 * 1 with a cached key 2.7x, keys without a table 1.5-2x, a key never seen
 * before 1.2x OpenSSL importing that key; a key's table costs ~0.65 ms.
 *
 * Memory is the caller's (crypto code does not allocate): a key cache of
 * zw_bv_cache_size() octets and a batch of zw_bv_batch_size() octets, both
 * 64-octet aligned. A cache and the batches using it belong to one thread.
 * Verification sees public data only; nothing here is constant-time. */
#ifndef ZW_CRYPTO_BATCHVERIFY_H
#define ZW_CRYPTO_BATCHVERIFY_H

#include <stddef.h>
#include <stdint.h>

#define ZW_BV_BATCH_MAX 64      /* items per flush */

/* One signature to check. Nothing is referenced after zw_bv_add returns. */
struct zw_bv_item {
	uint8_t alg;            /* ZW_ALG_ECDSAP256 or ZW_ALG_ED25519 */
	const uint8_t *key;     /* DNSKEY public key field: x||y (64) or 32 */
	size_t keylen;
	const uint8_t *msg;     /* P-256: the SHA-256 digest; Ed25519: message */
	size_t msglen;
	const uint8_t *sig;     /* DNSSEC form: r||s (64) or R||S (64) */
	size_t siglen;
};

struct zw_bv_cache;
struct zw_bv_batch;

/* Key cache: nkeys decoded keys (about 2.2 KB each) and ntables
 * fixed-base tables (about 86 KB each) for keys used at least build_after
 * times (1: at first use; ntables 0: never). When tables run short, the
 * keys used most keep them (see crypto/p256_cache.c). */
size_t zw_bv_cache_size(unsigned nkeys, unsigned ntables);

/* Lay out a cache in mem (len >= zw_bv_cache_size(), 64-aligned) and build
 * the generator's table (a fraction of a millisecond). NULL if mem is too
 * small or misaligned, or nkeys is 0. */
struct zw_bv_cache *zw_bv_cache_init(void *mem, size_t len, unsigned nkeys,
				     unsigned ntables, unsigned build_after);

size_t zw_bv_batch_size(void);

/* An empty batch over cache in mem (len >= zw_bv_batch_size(), 64-aligned). */
struct zw_bv_batch *zw_bv_batch_init(void *mem, size_t len,
				     struct zw_bv_cache *cache);

/* Queue one item. Returns its index in the pending batch (>= 0), or
 * ZW_ENOSPC when the batch is full, or its key is new and every cached
 * key is held by pending items: flush, then add again. */
int zw_bv_add(struct zw_bv_batch *b, const struct zw_bv_item *it);

/* Number of queued items. */
unsigned zw_bv_pending(const struct zw_bv_batch *b);

/* Verify everything queued; verdicts[i] for the i-th queued item: 0 valid,
 * ZW_EBADSIG not valid, ZW_EKEY unusable key, ZW_EALG other algorithm.
 * Returns the number of verdicts written; the batch is empty afterwards. */
unsigned zw_bv_flush(struct zw_bv_batch *b, int *verdicts);

/* The whole of items[0..n) through b (which must be empty), flushing as
 * needed; verdicts as above. */
void zw_bv_verify(struct zw_bv_batch *b, const struct zw_bv_item *items,
		  size_t n, int *verdicts);

#endif
