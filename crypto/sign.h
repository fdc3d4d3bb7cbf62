/* Crypto-internal: the per-key pool of per-thread OpenSSL contexts behind
 * zw_key_sign / zw_key_verify (see the thread rule in crypto/key.h). */
#ifndef ZW_CRYPTO_SIGN_H
#define ZW_CRYPTO_SIGN_H

struct zw_key_pool;

/* An empty pool; contexts are made lazily by the first sign/verify of each
 * thread. NULL on allocation failure. */
struct zw_key_pool *zw_key_pool_new(void);

/* Frees every context; no thread may be using the key. */
void zw_key_pool_free(struct zw_key_pool *pool);

#endif
