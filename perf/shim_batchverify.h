/* C side of perf/bench_batchverify.cc: signature pools made with OpenSSL,
 * verified by OpenSSL EVP one at a time or by the zw_bv_* batch API. */
#ifndef ZW_PERF_SHIM_BATCHVERIFY_H
#define ZW_PERF_SHIM_BATCHVERIFY_H

#ifdef __cplusplus
extern "C" {
#endif

struct zw_bvb;

/* nkeys distinct P-256 keys, nsig signatures spread round-robin over
 * them (item i uses key i % nkeys). ntables 0: the engine never builds
 * per-key tables (Straus for every item). NULL on failure. */
struct zw_bvb *zw_bvb_new(unsigned nkeys, unsigned nsig, unsigned ntables);
void zw_bvb_free(struct zw_bvb *b);

/* OpenSSL EVP_PKEY_verify of item i (key context and DER signature
 * prepared beforehand: OpenSSL's best case). 1 when valid. */
int zw_bvb_openssl(struct zw_bvb *b, unsigned i);

/* zw_bv_verify of items [i, i+n) (wrapping); returns the valid count. */
unsigned zw_bvb_batch(struct zw_bvb *b, unsigned i, unsigned n);

/* Ed25519: OpenSSL directly, and through zw_bv_verify (same path). */
int zw_bvb_ed25519_openssl(struct zw_bvb *b, unsigned i);
unsigned zw_bvb_ed25519_batch(struct zw_bvb *b, unsigned i, unsigned n);

/* One fixed-base table for a key (the per-new-key precomputation). */
void zw_bvb_precompute(struct zw_bvb *b, unsigned k);

/* Verify one signature by a key the cache has never seen (decode, odd
 * multiples, Straus): seq picks a fresh key each call. 1 when valid. */
int zw_bvb_new_key_verify(struct zw_bvb *b, unsigned seq);

/* OpenSSL with a key it has not seen: the public key imported from its
 * raw form (EVP_PKEY_fromdata), then one verify. 1 when valid. */
int zw_bvb_openssl_new_key(struct zw_bvb *b, unsigned seq);

/* Which field and multi-buffer code the engine runs on this CPU. */
const char *zw_bvb_engine(void);

#ifdef __cplusplus
}
#endif

#endif
