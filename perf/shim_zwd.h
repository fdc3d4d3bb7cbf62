/* zwd packet-path benchmark shim (perf/shim_zwd.c), callable from C++. */
#ifndef ZW_PERF_SHIM_ZWD_H
#define ZW_PERF_SHIM_ZWD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zw_perf_zwd;

/* The frames of a query capture (gen_querypcap.py) and a table; NULL with
 * a message in err when a file is missing or bad. */
struct zw_perf_zwd *zw_perf_zwd_new(const char *table, const char *pcap,
				    int reflect, char *err, size_t errlen);
void zw_perf_zwd_free(struct zw_perf_zwd *b);
/* One burst of zw_perf_zwd_burst_size() frames (zwd's burst, 64) through
 * zw_engine_burst, each frame copied in first as a PMD would; returns
 * the frames answered. */
unsigned zw_perf_zwd_burst(struct zw_perf_zwd *b);
unsigned zw_perf_zwd_burst_size(void);
size_t zw_perf_zwd_frames(const struct zw_perf_zwd *b);

#ifdef __cplusplus
}
#endif

#endif
