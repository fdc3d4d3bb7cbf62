/* xorshift64 for the benchmark shims' shuffles and picks: fixed seeds,
 * so that every run measures the same inputs. Not for anything that
 * must be unpredictable. */
#ifndef ZW_PERF_SHIM_RAND_H
#define ZW_PERF_SHIM_RAND_H

#include <stdint.h>

static inline uint64_t zw_perf_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
