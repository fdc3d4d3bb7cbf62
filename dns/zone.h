/* Zone model: the records of one zone grouped into nodes (owner names) and
 * RRsets, in canonical order (RFC 4034 §6.1 for names, RRsets by type; RRs
 * in canonical RDATA order, §6.3, duplicates merged).
 *
 * Loading is two-phase: zw_zone_add() appends records to an arena (no
 * per-record malloc; consecutive records of one owner share the stored
 * name), zw_zone_finish() sorts once on the lookup form, merges, applies the
 * zone rules and finds zone cuts. More records may be added after finish
 * (the signer adds NSEC/NSEC3/RRSIG); finish again before reading.
 *
 * Rules applied (as BIND's loader does, differences noted):
 * - records must be at or below the apex (BIND ignores them with a
 *   warning; here they are refused);
 * - an SOA only at the apex, exactly one; the apex needs SOA and NS;
 * - CNAME and other data at one name is refused (RRSIG, NSEC, NSEC3 and KEY
 *   may sit beside a CNAME); CNAME, DNAME and SOA hold one RR each;
 * - duplicate RRs merge silently (rdata compared in canonical form);
 * - the same RRset given in two separate runs of records for its owner
 *   takes the later run's TTL (BIND's database merge); within one run the
 *   parser already kept the first TTL (dns/zonefile.h);
 * - RRSIGs form one RRset per covered type.
 *
 * After finish, nodes are numbered 0..count-1 in canonical order, apex
 * first. Empty non-terminals (names with no data but with descendants) are
 * nodes too, flagged ZW_NODE_ENT. */
#ifndef ZW_DNS_ZONE_H
#define ZW_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zonefile.h"

enum zw_node_flags {
	ZW_NODE_APEX = 1 << 0,
	ZW_NODE_DELEG = 1 << 1,     /* zone cut: NS below the apex */
	ZW_NODE_BELOW_CUT = 1 << 2, /* strictly below a zone cut */
	ZW_NODE_BELOW_DNAME = 1 << 3, /* strictly below a DNAME */
	ZW_NODE_ENT = 1 << 4,       /* empty non-terminal */
	ZW_NODE_WILDCARD = 1 << 5,  /* first label is "*" */
};

/* A node. Read-only for users. The name is stored once: its lookup form
 * (dns/name.h) at lf[0..lflen) and the wire name right after it. */
struct zw_node {
	const uint8_t *lf;
	const uint8_t *data; /* RRsets (see zw_rrset_first), NULL for an ENT */
	uint32_t datalen;
	uint16_t lflen;
	uint16_t flags;
	uint64_t key; /* internal */
};

/* One RRset of a node. rdata holds `count` RRs, each a 2-octet big-endian
 * length followed by that many octets (the layout an RRSIG input or a
 * message needs), in canonical RDATA order. */
struct zw_rrset {
	uint16_t type;
	uint16_t covers; /* RRSIG: the covered type; else 0 */
	uint32_t ttl;
	uint32_t count;
	const uint8_t *rdata;
	size_t size; /* octets at rdata */
	const uint8_t *next_; /* internal: iteration cursor */
};

/* What an RRset is to the zone (for the signer and the compiler). */
enum zw_rrset_role {
	ZW_ROLE_AUTH,     /* authoritative data (signed) */
	ZW_ROLE_DELEG,    /* NS at a zone cut (not signed) */
	ZW_ROLE_GLUE,     /* A/AAAA at or below a cut (not signed) */
	ZW_ROLE_OCCLUDED, /* other data at/below a cut or below a DNAME */
};

struct zw_zone;

/* A new empty zone. origin NULL: the apex is the owner of the first record
 * added, which must then be an SOA. NULL when out of memory. */
struct zw_zone *zw_zone_new(const uint8_t *origin);
void zw_zone_free(struct zw_zone *z);

/* Add one record (class IN implied). Returns 0 or a negative zw_err with
 * the message in zw_zone_error(): ZW_EOUTZONE, ZW_EMULTISOA, ZW_ECNAME,
 * ZW_EDUP (more than one RR in a CNAME/DNAME/SOA RRset), ZW_ENOMEM. */
int zw_zone_add(struct zw_zone *z, const struct zw_rec *rec);

/* Sort, merge and check; 0 or ZW_ENOSOA, ZW_ENONS, ZW_ECNAME, ZW_EDUP,
 * ZW_ENOMEM. On error the zone is unusable. */
int zw_zone_finish(struct zw_zone *z);

/* "file:line: message" of the last error. */
const char *zw_zone_error(const struct zw_zone *z);

/* Apex name (wire), NULL before the first record when no origin was given. */
const uint8_t *zw_zone_apex(const struct zw_zone *z);

/* Number of records added (duplicates included) and nodes after finish. */
size_t zw_zone_records(const struct zw_zone *z);
size_t zw_zone_count(const struct zw_zone *z);

/* Node i (0 <= i < count) in canonical order. */
const struct zw_node *zw_zone_node(const struct zw_zone *z, size_t i);

/* Exact lookup: node index or -1. */
long zw_zone_find(const struct zw_zone *z, const uint8_t *name);

/* Index of the last node <= name in canonical order (-1 if name sorts
 * before the apex); *exact tells whether it is name itself. For NSEC
 * proofs and closest-encloser searches. */
long zw_zone_find_le(const struct zw_zone *z, const uint8_t *name,
		     bool *exact);

/* The node's wire name. */
static inline const uint8_t *zw_node_name(const struct zw_node *n)
{
	return n->lf + n->lflen;
}

/* RRset iteration in canonical (type) order:
 *   for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs))
 */
bool zw_rrset_first(const struct zw_node *n, struct zw_rrset *rs);
bool zw_rrset_next(const struct zw_node *n, struct zw_rrset *rs);

/* RRset of `type` (RRSIG: covering `covers`) at the node. */
bool zw_node_rrset(const struct zw_node *n, uint16_t type, uint16_t covers,
		   struct zw_rrset *rs);

/* Walk the RRs of an RRset: start with *p = rs->rdata, call count times. */
static inline const uint8_t *zw_rr_next(const uint8_t **p, uint16_t *len)
{
	const uint8_t *rd = *p + 2;
	*len = (uint16_t)((*p)[0] << 8 | (*p)[1]);
	*p = rd + *len;
	return rd;
}

enum zw_rrset_role zw_zone_role(const struct zw_node *n, uint16_t type,
				uint16_t covers);

/* Serial of the apex SOA (after finish). */
uint32_t zw_zone_serial(const struct zw_zone *z);

#endif
