/* NSEC3 benchmark shim (perf/shim_nsec3.c), callable from C++. */
#ifndef ZW_PERF_SHIM_NSEC3_H
#define ZW_PERF_SHIM_NSEC3_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* impl: the enum zw_nsec3_impl values (crypto/nsec3.h), or EVP. */
#define ZW_PERF_NSEC3_AUTO 0
#define ZW_PERF_NSEC3_OPENSSL 1
#define ZW_PERF_NSEC3_IPSECMB 2
#define ZW_PERF_NSEC3_SHANI 3
#define ZW_PERF_NSEC3_EVP 100

struct zw_perf_nsec3;

const char *zw_perf_nsec3_name(int impl);
int zw_perf_nsec3_available(int impl);
/* Name of the implementation AUTO picked on this CPU. */
const char *zw_perf_nsec3_selected(void);
/* n names, hashed by impl; NULL if unavailable. */
struct zw_perf_nsec3 *zw_perf_nsec3_new(int impl, size_t n);
void zw_perf_nsec3_free(struct zw_perf_nsec3 *b);
/* Hash all n names once (4-octet salt); 0 on success. */
int zw_perf_nsec3_run(struct zw_perf_nsec3 *b, unsigned iterations);
const uint8_t *zw_perf_nsec3_out(const struct zw_perf_nsec3 *b, size_t i);

#ifdef __cplusplus
}
#endif

#endif
