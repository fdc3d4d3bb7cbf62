/* Zone model internals shared by zone.c (queries), zone_add.c (loading)
 * and zone_finish.c (sort, merge, rules, cuts). Not a public header.
 *
 * Storage: records go into an arena of large chunks as "runs", one per
 * stretch of consecutive records with the same owner:
 *   run header (struct zone_run) | lookup form | wire name | RRsets...
 * and each RRset is a 12-octet header (type, covers, ttl, count; host
 * order, unaligned) followed by count x (2-octet big-endian length, rdata).
 * A node (struct zw_node, 32 octets, in one array) points at its run. A run
 * whose RRsets arrive in canonical order with no duplicates, the usual
 * case, is already in final form; the others are rewritten at finish. */
#ifndef ZW_DNS_ZONE_INT_H
#define ZW_DNS_ZONE_INT_H

#include <stdint.h>
#include <string.h>

#include "dns/load.h"
#include "dns/name.h"
#include "dns/zone.h"

struct zone_run {
	uint32_t seq;  /* creation order: ties between runs of one owner */
	uint32_t line; /* first record, for messages */
	uint32_t file; /* index into zw_zone.files */
};
#define RUN_HDR sizeof(struct zone_run)
#define RS_HDR 12

/* Internal node flags (the public ones are in dns/zone.h). */
enum {
	NF_NS = 1 << 8,
	NF_DNAME = 1 << 9,
	NF_CNAME = 1 << 10,
	NF_OTHER = 1 << 11, /* a type that may not sit beside a CNAME */
	NF_SOA = 1 << 12,
	NF_UNSORTED = 1 << 13, /* run not in canonical form */
	NF_PUBLIC = 0xff,
};

struct zone_chunk {
	struct zone_chunk *next;
	size_t size;
	uint8_t mem[];
};

struct zw_zone {
	uint8_t apex[ZW_NAME_MAX];
	uint8_t apex_lf[ZW_NAME_LF_MAX + 8];
	uint16_t apex_lflen;
	bool have_apex;

	struct zone_chunk *chunks;
	size_t chunk_size; /* of the next chunk */
	uint8_t *cur, *lim;

	struct zw_node *nodes;
	size_t n, cap;
	size_t nrecords;
	uint32_t seq;

	/* the run being appended to */
	bool in_run;
	uint8_t *run;            /* its header */
	uint8_t *rs;             /* its last RRset header, NULL before one */
	uint16_t rs_type, rs_covers;
	uint32_t rs_count;
	const uint8_t *last_rd;  /* last RR of that RRset */
	uint16_t last_len;

	char **files;
	size_t nfiles;

	int failed;
	bool finished;
	char err[1200];
};

/* Run headers sit unaligned in the arena: read them by copy. */
static inline struct zone_run zone_run_of(const struct zw_node *n)
{
	struct zone_run r;
	memcpy(&r, n->lf - RUN_HDR, RUN_HDR);
	return r;
}

/* zone_add.c */
int zone_fail(struct zw_zone *z, int err, const char *file,
	      unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* zone_fail at a node, naming the file and line of its (last) run. */
int zone_fail_at(struct zw_zone *z, int err, const struct zw_node *n,
		 const char *what);
uint8_t *zone_alloc(struct zw_zone *z, size_t size);
uint64_t zone_key(const struct zw_zone *z, const uint8_t *lf, size_t lflen);
size_t zone_lookup_form(const uint8_t *name, uint8_t *out, size_t *namelen);
int zone_rd_cmp(uint16_t type, const uint8_t *a, size_t alen,
		const uint8_t *b, size_t blen);
uint16_t zone_type_flag(uint16_t type);

/* zone.c */
int zone_node_cmp(const struct zw_node *a, const struct zw_node *b);

#endif
