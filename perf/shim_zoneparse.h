/* Zone-file parsing benchmark shim (perf/shim_zoneparse.c), callable from
 * C++: drives dns/zonefile.h and dns/zone.h through their C API. */
#ifndef ZW_PERF_SHIM_ZONEPARSE_H
#define ZW_PERF_SHIM_ZONEPARSE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Read a whole file into memory (caller frees); NULL on error. */
char *zw_perf_zoneparse_read(const char *path, size_t *len);

/* Parse text[0..len) with the given origin (presentation form), records
 * only, nothing kept. Returns the record count or a negative zw_err. */
long zw_perf_zoneparse_scan(const char *text, size_t len, const char *origin);

/* Parse text[0..len) into the zone model and finish it (sort, merge,
 * checks, zone cuts). Returns the node count or a negative zw_err. */
long zw_perf_zoneparse_load(const char *text, size_t len, const char *origin);

/* Same, reading the file through the streaming file adapter. */
long zw_perf_zoneparse_load_file(const char *path, const char *origin);

#ifdef __cplusplus
}
#endif

#endif
