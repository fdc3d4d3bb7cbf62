/* Memory benchmark shim (perf/shim_mem.c), callable from C++: what one
 * cache line from memory costs on this machine, alone and with many
 * misses in flight, the yardstick for the table's misses in zwd's
 * benchmark (perf/compare_zwd.sh). */
#ifndef ZW_PERF_SHIM_MEM_H
#define ZW_PERF_SHIM_MEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZW_PERF_MEM_CHAINS_MAX 64

struct zw_perf_mem;

/* mib MiB of memory on transparent huge pages where the kernel has them
 * (as zwd's table and mbufs are), its 64-octet lines linked into one
 * random cycle; NULL when it cannot be mapped. */
struct zw_perf_mem *zw_perf_mem_new(size_t mib);
void zw_perf_mem_free(struct zw_perf_mem *m);
/* Lines in the cycle. */
size_t zw_perf_mem_lines(const struct zw_perf_mem *m);
/* Places `chains` walks (1..ZW_PERF_MEM_CHAINS_MAX) evenly apart along
 * the cycle, so that they do not meet for lines / chains steps: a walk
 * of the whole cycle, to be done before timing. -1: bad count. */
int zw_perf_mem_spread(struct zw_perf_mem *m, unsigned chains);
/* The spread walks, `steps` lines each, interleaved so that up to
 * `chains` misses can be in flight; each goes on from where the last
 * call left it. Returns a value that depends on every line read. */
uintptr_t zw_perf_mem_chase(struct zw_perf_mem *m, size_t steps);

#ifdef __cplusplus
}
#endif

#endif
