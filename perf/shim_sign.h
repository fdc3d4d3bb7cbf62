/* Signer benchmark shim (perf/shim_sign.c), callable from C++: one P-256
 * signature three ways, and the whole signer over a zone file. */
#ifndef ZW_PERF_SHIM_SIGN_H
#define ZW_PERF_SHIM_SIGN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zw_perf_sign;

/* A P-256 key pair and the signer's fast engine for it; NULL on error. */
struct zw_perf_sign *zw_perf_sign_new(void);
void zw_perf_sign_free(struct zw_perf_sign *p);

/* One signature over a 100-octet message, by path:
 *   0  zw_key_sign (EVP_PKEY_sign, the crypto module's path)
 *   1  the signer's engine, nonce made inline
 *   2  the signer's engine, nonce from the pool (see _fill)
 * Returns the signature length or a negative zw_err. */
int zw_perf_sign_one(struct zw_perf_sign *p, int path);

/* Make n pooled nonces (not timed by the caller). */
void zw_perf_sign_fill(struct zw_perf_sign *p, size_t n);

/* RRSIG rdata as text through the signer's printer; returns the length. */
int zw_perf_sign_fmt(struct zw_perf_sign *p);

/* Sign the zone file with a fresh KSK and ZSK (P-256) on `threads`
 * threads, output discarded; nsec3: 0 NSEC, 1 NSEC3 opt-out. Returns the
 * signatures made or a negative zw_err; *bytes gets the output size. */
long zw_perf_sign_zone(struct zw_perf_sign *p, const char *path,
		       const char *origin, int nsec3, unsigned threads,
		       size_t *bytes);

#ifdef __cplusplus
}
#endif

#endif
