/* Compiled answer tables (.zwt): open, validate, look up, answer.
 *
 * A table file holds one or more compiled zones (zonecompile/compile.h
 * writes them; the format is in zonecompile/table_fmt.h). zw_table_open()
 * maps the file read-only and validates it completely (checksum, every
 * offset, every piece and fixup), so a table that opened is safe to
 * serve: lookups do no bounds checks beyond the caller's buffer.
 *
 * Answering (the data plane's fast path): zw_table_answer() takes a query
 * packet and writes the whole response into a caller buffer, which may be
 * the query's own buffer (the question stays where it is). It does not
 * allocate, takes no locks and keeps no state: any number of threads may
 * answer from one table. An existing (qname, qtype) costs one hash probe
 * and, when the response fits, a few memcpys of precomputed wire octets. */
#ifndef ZW_ZONECOMPILE_TABLE_H
#define ZW_ZONECOMPILE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zw_table;
struct zwt_zone;

#define ZW_TABLE_ERRMAX 256

/* Map and validate a table file. NULL on failure with a message in
 * err[0..ZW_TABLE_ERRMAX) naming the file and what is wrong (truncated,
 * bad magic, unsupported version, checksum mismatch, bad offset ...). */
struct zw_table *zw_table_open(const char *path, char *err);

/* Validate a table held in memory (len octets at buf, 8-aligned); the
 * memory must outlive the table. For tests and fuzzing. */
struct zw_table *zw_table_from_mem(const void *buf, size_t len, char *err);

void zw_table_close(struct zw_table *t);

/* Whole-file checksum (the header's checksum field counts as zero). */
uint64_t zw_table_checksum(const void *buf, size_t len);

/* Zones in the table. */
size_t zw_table_nzones(const struct zw_table *t);
const struct zwt_zone *zw_table_zone(const struct zw_table *t, size_t i);

struct zw_table_zone_info {
	const uint8_t *origin;  /* wire, lower case */
	uint32_t serial;
	uint32_t min_expire;    /* earliest RRSIG expiration (0: none) */
	int denial;             /* enum zwt_denial */
	uint32_t nodes;
	uint64_t records;
	uint64_t bytes;         /* zone header + data */
};
void zw_table_zone_info(const struct zwt_zone *z,
			struct zw_table_zone_info *info);

/* The zone whose origin is the longest suffix of `qname` (wire form, any
 * case), or NULL. */
const struct zwt_zone *zw_table_find_zone(const struct zw_table *t,
					  const uint8_t *qname, size_t len);

struct zw_answer_opts {
	uint16_t max_udp;  /* server's EDNS UDP payload limit (Knot: 1232) */
	bool tcp;          /* no size limit but 65535 */
};

/* Answer one query. pkt[0..len) is the query; the response goes to
 * out[0..cap) (out may equal pkt). Returns the response length, 0 when
 * the packet deserves no answer (a response, shorter than a header), or
 * a negative zw_err when out is too small for even a header and question.
 * Queries for names outside every zone get REFUSED (with an RFC 8914
 * "Not Authoritative" option under EDNS, as Knot does); malformed ones
 * FORMERR, other opcodes NOTIMP, unknown EDNS versions BADVERS. */
int zw_table_answer(const struct zw_table *t, const uint8_t *pkt,
		    size_t len, uint8_t *out, size_t cap,
		    const struct zw_answer_opts *opts);

/* Answer a burst of queries (the data plane's loop): the same as calling
 * zw_table_answer n times, with the memory accesses of all queries
 * overlapped (prefetched stage by stage). outlen[i] gets each result. */
void zw_table_answer_burst(const struct zw_table *t, const uint8_t *const pkt[],
			   const size_t len[], uint8_t *const out[],
			   const size_t cap[], int outlen[], unsigned n,
			   const struct zw_answer_opts *opts);

#endif
