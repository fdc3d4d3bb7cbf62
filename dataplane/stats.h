/* Per-lcore counters. Each worker owns one cache-aligned block and is its
 * only writer (relaxed atomic stores compile to plain moves); the control
 * thread reads them with relaxed loads and sums. */
#ifndef ZW_DATAPLANE_STATS_H
#define ZW_DATAPLANE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/pkt.h"

#define ZW_STATS_RCODES 17 /* header rcodes 0..15, then BADVERS */

struct zw_stats {
	uint64_t rx;         /* frames received on data ports */
	uint64_t queries;    /* DNS queries given to the answerer */
	uint64_t answered;   /* DNS responses sent */
	uint64_t rcode[ZW_STATS_RCODES];
	uint64_t truncated;  /* responses with TC=1 (RRL slips included) */
	uint64_t replies[ZW_REPLY_MAX];
	uint64_t drops[ZW_DROP_MAX];
	uint64_t except_out; /* frames passed to the kernel */
	uint64_t except_in;  /* frames from the kernel sent out */
	uint64_t rrl_slipped;
	uint64_t swaps;      /* table sets this lcore has seen */
	uint64_t cpu_ns;     /* the worker thread's CPU time (on a shared
				machine the wall clock overstates its cost) */
} __attribute__((aligned(64)));

#define ZW_STAT_ADD(st, field, n)                                              \
	__atomic_store_n(&(st)->field,                                         \
			 __atomic_load_n(&(st)->field, __ATOMIC_RELAXED) + (n),   \
			 __ATOMIC_RELAXED)

/* dst += src, field by field (src read with relaxed loads). */
void zw_stats_sum(struct zw_stats *dst, const struct zw_stats *src);

/* Names of the drop reasons, replies and rcodes as printed. */
const char *zw_stats_drop_name(unsigned i);
const char *zw_stats_reply_name(unsigned i);
const char *zw_stats_rcode_name(unsigned i);

/* JSON object: totals plus one object per lcore. Returns the length
 * written (snprintf semantics: >= cap means truncated). */
size_t zw_stats_json(char *buf, size_t cap, const struct zw_stats *per,
		     const unsigned *lcore, unsigned n, double uptime);

/* One human line with totals and rates since `prev` over `dt` seconds. */
size_t zw_stats_line(char *buf, size_t cap, const struct zw_stats *now,
		     const struct zw_stats *prev, double dt);

#endif
