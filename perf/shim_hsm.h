/* Token-key signing benchmark shim (perf/shim_hsm.c), callable from C++. */
#ifndef ZW_PERF_SHIM_HSM_H
#define ZW_PERF_SHIM_HSM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zw_perf_hsm;

/* A signing key of DNSSEC algorithm alg (13 or 8, RSA 2048 bits): in a
 * throwaway SoftHSMv2 token (token != 0; the token is made once per
 * process by scripts/softhsm-init.sh under a temporary directory, removed
 * at exit) or an ordinary in-memory key, as file keys are (token == 0).
 * NULL when SoftHSM, the pkcs11 engine or the script is missing. */
struct zw_perf_hsm *zw_perf_hsm_new(uint8_t alg, int token);

/* One DNSSEC signature over a 100-octet message (about an RRset's
 * signing input) through zw_key_sign. 0 on success. Thread-safe. */
int zw_perf_hsm_sign(struct zw_perf_hsm *b);

#ifdef __cplusplus
}
#endif

#endif
