/* Table lookup benchmark shim (perf/shim_lookup.c), callable from C++:
 * a compiled table, prebuilt sets of query packets over its names (a
 * share of them for names that do not exist) and the answer loop. */
#ifndef ZW_PERF_SHIM_LOOKUP_H
#define ZW_PERF_SHIM_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct zw_perf_table;
struct zw_perf_lookup;

/* Open the table at `table` (a .zwt file) or, when NULL, compile the zone
 * file `zone` (origin example.) in memory. NULL with a message in
 * err[256] on failure. */
struct zw_perf_table *zw_perf_table_open(const char *table, const char *zone,
					 char *err);
void zw_perf_table_close(struct zw_perf_table *t);

/* Table octets of zone 0 and the names zw_perf_lookup_new asks for (the
 * hash table's but those below a cut). */
uint64_t zw_perf_table_bytes(const struct zw_perf_table *t);
uint64_t zw_perf_table_names(const struct zw_perf_table *t);

/* nq queries over t's names (not those below a cut) in random order, nx_percent of them for
 * names that do not exist, qtype A, EDNS (DO when dnssec). t must
 * outlive the set. */
struct zw_perf_lookup *zw_perf_lookup_new(struct zw_perf_table *t,
					  unsigned nq, unsigned nx_percent,
					  int dnssec, char *err);
/* nq NODATA queries: names of zone 0 that are neither delegations nor
 * CNAME or DNAME owners (hosts, the apex, empty non-terminals), in
 * random order, qtype SRV (which the generated zones never hold), EDNS
 * (DO when dnssec). NULL with a message in err[256] when there are none
 * or out of memory. */
struct zw_perf_lookup *zw_perf_lookup_nodata(struct zw_perf_table *t,
					     unsigned nq, int dnssec,
					     char *err);
/* nq queries for the names below a zone cut the table has nodes for
 * (glue: zw-compile without -G), in random order, qtype A, EDNS (DO when
 * dnssec): each answered with its cut's referral. NULL with a message in
 * err[256] when there are none or out of memory. */
struct zw_perf_lookup *zw_perf_lookup_below(struct zw_perf_table *t,
					    unsigned nq, int dnssec,
					    char *err);
/* Queries from a file of "name TYPE" lines (what perf/gen_querypcap.py
 * writes next to its captures; further fields ignored), in file order,
 * EDNS (DO when dnssec). NULL with a message in err[256] on failure. */
struct zw_perf_lookup *zw_perf_lookup_file(struct zw_perf_table *t,
					   const char *path, int dnssec,
					   char *err);
void zw_perf_lookup_free(struct zw_perf_lookup *p);

/* Answer n queries (continuing round the set), `burst` at a time through
 * zw_table_answer_burst (burst 1: zw_table_answer). Returns octets
 * written (to keep the work observable). */
uint64_t zw_perf_lookup_run(struct zw_perf_lookup *p, unsigned n,
			    unsigned burst);

/* Responses per RCODE over the whole query set. */
void zw_perf_lookup_rcodes(struct zw_perf_lookup *p, unsigned counts[16]);

#ifdef __cplusplus
}
#endif

#endif
