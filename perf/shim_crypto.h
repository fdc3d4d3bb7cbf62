/* DNSSEC signature benchmark shim (perf/shim_crypto.c), callable from C++. */
#ifndef ZW_PERF_SHIM_CRYPTO_H
#define ZW_PERF_SHIM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a signature is made/checked:
 *   ZW   through zw_key_sign / zw_key_verify (the message is hashed, ECDSA
 *        signatures converted to r||s);
 *   RAW  raw OpenSSL as `openssl speed` does it: one EVP context made up
 *        front, EVP_PKEY_sign/verify over a ready digest (RSA, ECDSA) or
 *        EVP_DigestSign/Verify over the message (EdDSA), DER for ECDSA. */
#define ZW_PERF_SIG_ZW 0
#define ZW_PERF_SIG_RAW 1

#define ZW_PERF_SIG_MSG 20      /* octets signed, as openssl speed */

struct zw_perf_sig;

/* A fresh key of DNSSEC algorithm alg (RSA: 2048 bits). NULL on failure. */
struct zw_perf_sig *zw_perf_sig_new(uint8_t alg, int mode);
void zw_perf_sig_free(struct zw_perf_sig *b);
/* One signature / one verification; 0 on success. Thread-safe for ZW. */
int zw_perf_sig_sign(struct zw_perf_sig *b);
int zw_perf_sig_verify(struct zw_perf_sig *b);

/* Operations per batch so one batch takes about 1 ms of CPU. */
int zw_perf_sig_batch(struct zw_perf_sig *b, int sign);

/* One A-B-B-A round of `batch` operations per leg, alternating ours (a)
 * and raw (b) on this thread, adding each side's thread CPU seconds to
 * *ta / *tb. Alternating in short legs makes the ratio immune to load that
 * comes and goes on a shared machine. 0 on success. */
int zw_perf_sig_ab(struct zw_perf_sig *a, struct zw_perf_sig *b, int sign,
		   int batch, double *ta, double *tb);

#ifdef __cplusplus
}
#endif

#endif
