/* C side of the memory benchmark (perf/bench_mem.cc): dependent loads
 * along a random cycle of cache lines, so that neither the caches (the
 * buffer is much larger than the last level) nor the hardware
 * prefetchers (the next line is random) help; with k walks interleaved,
 * the core keeps up to k misses in flight, the way zwd's burst stages
 * prefetch a line for each of their 32 queries. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dns/hugemem.h"
#include "perf/shim_mem.h"
#include "perf/shim_rand.h"

#define LINE 64

struct zw_perf_mem {
	char *base;         /* zw_huge_map's */
	size_t maplen;
	size_t lines;
	void *at[ZW_PERF_MEM_CHAINS_MAX];  /* where each walk is */
	unsigned chains;    /* walks spread */
};

/* Links every line to the next one of a random order (Fisher-Yates over
 * the line numbers), the last back to the first. */
static int link_cycle(struct zw_perf_mem *m)
{
	uint32_t *order = malloc(m->lines * sizeof *order);
	if (!order)
		return -1;
	for (size_t i = 0; i < m->lines; i++)
		order[i] = (uint32_t)i;
	uint64_t seed = 0x9e3779b97f4a7c15u; /* the same cycle each run */
	for (size_t i = m->lines - 1; i > 0; i--) {
		size_t j = zw_perf_rand(&seed) % (i + 1);
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < m->lines; i++) {
		char *from = m->base + (size_t)order[i] * LINE;
		char *to = m->base + (size_t)order[(i + 1) % m->lines] * LINE;
		memcpy(from, &to, sizeof to);
	}
	free(order);
	return 0;
}

struct zw_perf_mem *zw_perf_mem_new(size_t mib)
{
	size_t len = mib << 20;
	if (len < ZW_HUGE_PAGE || len / LINE > UINT32_MAX)
		return NULL;
	struct zw_perf_mem *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->base = zw_huge_map(len, &m->maplen);
	if (!m->base) {
		free(m);
		return NULL;
	}
	m->lines = len / LINE;
	if (link_cycle(m) != 0 || zw_perf_mem_spread(m, 1) != 0) {
		zw_perf_mem_free(m);
		return NULL;
	}
	return m;
}

void zw_perf_mem_free(struct zw_perf_mem *m)
{
	if (!m)
		return;
	munmap(m->base, m->maplen);
	free(m);
}

size_t zw_perf_mem_lines(const struct zw_perf_mem *m)
{
	return m->lines;
}

int zw_perf_mem_spread(struct zw_perf_mem *m, unsigned chains)
{
	if (chains < 1 || chains > ZW_PERF_MEM_CHAINS_MAX)
		return -1;
	char *p = m->base;
	size_t gap = m->lines / chains, k = 0;
	for (size_t i = 0; k < chains; i++) {
		if (i % gap == 0)
			m->at[k++] = p;
		memcpy(&p, p, sizeof p);
	}
	m->chains = chains;
	return 0;
}

uintptr_t zw_perf_mem_chase(struct zw_perf_mem *m, size_t steps)
{
	unsigned chains = m->chains;
	void **at = m->at;
	for (size_t s = 0; s < steps; s++)
		for (unsigned k = 0; k < chains; k++)
			at[k] = *(void **)at[k];
	uintptr_t v = 0;
	for (unsigned k = 0; k < chains; k++)
		v ^= (uintptr_t)at[k];
	return v;
}
