/* Compiler internals: the zone view (visibility, parents, NSEC3 links),
 * the answer engine's output and the builders of the output sections.
 * Not a public header. */
#ifndef ZW_ZONECOMPILE_COMPILE_INT_H
#define ZW_ZONECOMPILE_COMPILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"
#include "dns/zone.h"
#include "zonecompile/compile.h"
#include "zonecompile/table_fmt.h"

/* A growable byte buffer (one per output section). A fixed one lives
 * in memory reserved up front (never moved nor freed here; it fails
 * rather than grow past cap), its pages made ready a few MB ahead of
 * len in one call each instead of a fault per page. */
struct cz_buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;
	bool fixed;
	size_t ready;   /* fixed: pages before p + ready are populated */
};

void *cz_buf_append(struct cz_buf *b, const void *data, size_t len);
void cz_buf_align(struct cz_buf *b, size_t a);
void cz_buf_free(struct cz_buf *b);

/* Per-node facts the engine needs (index = zone node index). */
enum cz_nflags {
	CZ_VISIBLE = 1 << 0,  /* in the name tree Knot answers from */
	CZ_NONAUTH = 1 << 1,  /* strictly below a zone cut */
	CZ_CUT = 1 << 2,
	CZ_ENT = 1 << 3,      /* no RRsets (Knot's empty non-terminal) */
	CZ_WILD = 1 << 4,
	CZ_CNAME = 1 << 5,
	CZ_DNAME = 1 << 6,
	CZ_N3 = 1 << 7,       /* an NSEC3 chain owner (outside the tree) */
	CZ_HASNSEC = 1 << 8,
	CZ_INHASH = 1 << 9,   /* gets a table node */
	CZ_APEX = 1 << 10,
};

/* A hash map from 32-bit-keyed items to 32-bit values (open
 * addressing); the key hash is given by the caller. */
struct cz_map {
	uint64_t *slot; /* hash tag high, value+1 low; 0 empty */
	uint64_t mask;
	size_t n;
};

/* Group (= piece) kinds. */
enum cz_gkind {
	G_SPEC = 0,  /* the response's own piece */
	G_SOA,       /* negative-answer SOA */
	G_NSEC,      /* NSEC of node */
	G_NSEC3,     /* NSEC3 of (chain) node */
	G_REF,       /* referral NS + glue of a cut */
	G_DS,        /* DS of a cut in a referral */
	G_DNAME,     /* DNAME RRset at node (for query-time synthesis) */
	G_APEXNS,    /* apex NS in authority (non-minimal mode) */
};

enum cz_anchor {
	A_QNAME = 0, /* the resolved name (G_SPEC) or its closest suffix */
	A_APEX,
	A_NODE,      /* the group node's own name */
};

struct cz_group {
	uint8_t kind;
	uint8_t anchor;
	bool dnssec;     /* only in DO=1 responses */
	uint32_t node;
};

/* One RRset (or the RRSIGs covering one) placed in a response. */
struct cz_rr {
	uint8_t sec;     /* 1..3 */
	uint8_t sig;     /* RRSIG part */
	uint8_t mode;    /* enum zwt_mode */
	uint8_t qowner;  /* owner written as the query name */
	uint8_t group;
	uint8_t synth;   /* rdata points into cz_resp.synth */
	uint16_t type;
	uint16_t covers;
	uint32_t ttl;
	uint32_t count;
	const uint8_t *owner;
	const uint8_t *rdata; /* count x (u16 big-endian length, octets) */
	size_t size;
};

#define CZ_MAXRR 96
#define CZ_MAXG 24
#define CZ_MAXHITS 8

struct cz_resp {
	uint8_t rcode;
	bool aa;
	bool nodata_at_wild; /* NODATA at the expanded wildcard itself */
	int nrr, ngroup;
	struct cz_rr rr[CZ_MAXRR];
	struct cz_group g[CZ_MAXG];
	long terminal;   /* node whose types decide the answer (CNAME chase) */
	bool overflow;
	/* synthesised names and rdata (DNAME CNAMEs) */
	uint8_t synth[16][2 + ZW_NAME_MAX];
	uint8_t synth_owner[16][ZW_NAME_MAX];
	int nsynth;
};

struct cz {
	const struct zw_zone *zone;
	struct zw_compile_opts opts;
	size_t n;               /* zone nodes */
	uint16_t *nf;           /* enum cz_nflags per node */
	int32_t *parent;        /* node index of the parent, -1 for apex */
	int32_t *wild;          /* node index of "*.<node>" or -1 */
	int32_t *n3;            /* NSEC3 chain node of a tree node, -1 */
	/* the chain node covering (or matching) the hash of a tree node's
	 * name, -1 for an empty chain, -2 when not hashed */
	int32_t *n3cover;
	uint64_t *lname_off;    /* offsets into lnames */
	struct cz_buf lnames;
	struct cz_map names;    /* lower-cased name -> node index */
	uint64_t seed;
	int denial;             /* enum zwt_denial */
	uint8_t salt[256];
	uint8_t saltlen;
	uint16_t iter;
	bool optout;
	/* NSEC3 chain sorted by hash */
	uint32_t *n3sorted;     /* node indices */
	uint8_t (*n3hash)[20];  /* hash per sorted entry */
	/* the first sorted entry whose hash starts with at least each
	 * 16-bit prefix (hashes are uniform: a prefix holds about one) */
	uint32_t *n3bucket;     /* 65537 entries */
	size_t nn3;
	size_t apex_lflen;
	uint32_t min_expire, max_inception;
	char *err;
	size_t errlen;
};

/* Does node i get a table node of its own below a zone cut (ZWT_N_BELOW):
 * a name strictly below a cut that Knot answers from (not below a
 * DNAME), unless the options leave them out. */
static inline bool cz_below_node(const struct cz *c, size_t i)
{
	return !c->opts.no_below &&
	       (c->nf[i] & (CZ_VISIBLE | CZ_NONAUTH)) ==
		       (CZ_VISIBLE | CZ_NONAUTH);
}

/* compile_view.c */
void cz_lower_copy(uint8_t *dst, const uint8_t *src, size_t len);
int cz_view_init(struct cz *c, const struct zw_zone *z,
		 const struct zw_compile_opts *o);
void cz_view_free(struct cz *c);
long cz_find(const struct cz *c, const uint8_t *name);
void cz_find_prefetch(const struct cz *c, const uint8_t *name);
const uint8_t *cz_lname(const struct cz *c, size_t i);
long cz_nsec3_cover(const struct cz *c, const uint8_t *hash);
long cz_nsec3_cover_name(const struct cz *c, const uint8_t *name);
long cz_nsec3_lookup(const struct cz *c, const uint8_t *hash, bool *exact);
/* cz_nsec3_cover_name(name) when name is node's own name (exactly as
 * stored, lower-cased), from the view without hashing it again. */
long cz_nsec3_cover_node(const struct cz *c, const uint8_t *name, long node);
long cz_nsec3_encloser(const struct cz *c, long node);
long cz_nsec_previous(const struct cz *c, long node);
bool cz_is_n3_rrset(const struct zw_rrset *rs);

/* compile_scan.c: the view's passes over every node, each cut into
 * `threads` ranges run side by side (cz_scan_threads: how many are worth
 * it for n nodes when `want` were asked for, 0: online CPUs). The result
 * is the same for any count. nodes: flags, RRSIG times, lower-cased
 * names and the name map, parents and wildcard children; nsec3: each
 * node's own NSEC3 (after the chain is sorted). */
unsigned cz_scan_threads(size_t n, unsigned want);
int cz_scan_nodes(struct cz *c, unsigned threads);
int cz_scan_nsec3(struct cz *c, unsigned threads);

/* compile_answer.c: resolve (qname, qtype) against the zone as Knot
 * answers it. qnode: the node named qname when the caller knows it (it
 * need not be looked up), else -1. flags: CZ_Q_SYNTH resolves a wildcard
 * node as expanded (owners become the query name, no expansion proof). */
#define CZ_Q_SYNTH 1
#define CZ_QTYPE_NONE 0 /* a type no node has */
void cz_resolve(const struct cz *c, const uint8_t *qname, long qnode,
		uint16_t qtype, unsigned flags, struct cz_resp *r);
/* The referral of cut node `cut` alone, the pieces a table node keeps. */
int cz_group_for(struct cz_resp *r, uint8_t kind, uint8_t anchor,
		 uint32_t node, bool dnssec);
void cz_put_nsec(const struct cz *c, struct cz_resp *r, long node,
		 int sec, bool sigs);
void cz_put_nsec3(const struct cz *c, struct cz_resp *r, long node);
void cz_put_nsec_wildcover(const struct cz *c, struct cz_resp *r, long enc);
void cz_put_nsec3_wildcover(const struct cz *c, struct cz_resp *r, long cpe);
void cz_put_dname(const struct cz *c, struct cz_resp *r, long node);
void cz_nxdomain_base(const struct cz *c, struct cz_resp *r);

/* compile_wire.c: encode the RRs of the groups in gmask (bit g: group g)
 * of r as one piece, RRSIGs only when sigs, anchored at `anchor` (wire
 * name). Appends to b; returns the piece's offset in b or -1 (error text
 * in c->err). */
long cz_encode_piece(const struct cz *c, const struct cz_resp *r,
		     uint32_t gmask, bool sigs, const uint8_t *anchor,
		     struct cz_buf *b);

#endif
