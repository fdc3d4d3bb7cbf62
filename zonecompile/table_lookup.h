/* Lookup internals: the query name, the plan of a response and the
 * functions that fill it (table_lookup.c) and write it (table_emit.c).
 * Not a public header. */
#ifndef ZW_ZONECOMPILE_TABLE_LOOKUP_H
#define ZW_ZONECOMPILE_TABLE_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "crypto/nsec3.h"
#include "zonecompile/table_int.h"

/* A lower-cased query name with its label offsets (loff[k]: k labels
 * skipped). */
struct tl_name {
	uint8_t lname[256 + 8]; /* + the padded hash's last word of a suffix */
	uint8_t loff[128];
	uint8_t len;
	uint8_t nlabels;
	bool hashed;    /* hash below is zwt_hash of lname (zone's seed) */
	bool probed;    /* node below is the exact match (or NULL) */
	bool pprobed;   /* parent below is the node of the name one label
			 * up (or NULL: no such node) */
	uint64_t hash;
	const struct zwt_node *node;
	const struct zwt_node *parent;
	uint32_t cover; /* tl_nsec_cover's piece when known (0: not yet), or
			 * tl_nsec3_nc's for an encloser of cover_cpe labels */
	uint8_t cover_cpe;
};

#ifdef __SSE2__
/* Equality of two names of 16 <= len <= 32 octets: two 16-octet blocks,
 * from the start and from the end, equal octet by octet. */
static inline bool tl_name_eq16_32(const uint8_t *a, const uint8_t *b,
				   size_t len)
{
	__m128i x = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)a),
				   _mm_loadu_si128((const __m128i *)b));
	__m128i y = _mm_cmpeq_epi8(
		_mm_loadu_si128((const __m128i *)(a + len - 16)),
		_mm_loadu_si128((const __m128i *)(b + len - 16)));
	return _mm_movemask_epi8(_mm_and_si128(x, y)) == 0xffff;
}
#endif

/* Equality of two names of len octets (no case folding): names are
 * short, so whole words, the last one overlapping the one before; the
 * usual 16-32 octets as two 16-octet blocks, without a loop. */
static inline bool tl_name_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
#ifdef __SSE2__
	if (len - 16 <= 16)
		return tl_name_eq16_32(a, b, len);
#endif
	if (len - 8 <= 8) /* two words, the second overlapping */
		return !((zw_load64(a) ^ zw_load64(b)) |
			 (zw_load64(a + len - 8) ^ zw_load64(b + len - 8)));
	if (len >= 8) {
		size_t i = 0;
		for (; i + 8 < len; i += 8)
			if (zw_load64(a + i) != zw_load64(b + i))
				return false;
		return zw_load64(a + len - 8) == zw_load64(b + len - 8);
	}
	if (len >= 4)
		return zw_load32(a) == zw_load32(b) &&
		       zw_load32(a + len - 4) == zw_load32(b + len - 4);
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

struct tl_zone {
	const struct zwt_zone *hdr;
	const uint8_t *data;
	const struct zwt_accel *acc;  /* the zone's accelerator */
};

#define TL_MAXSEG 24
#define TL_MAXNAMES 18

/* One piece of a response, compressed against plan name `name`. A piece
 * pointer NULL marks a synthesised CNAME (DNAME) held in the plan. */
struct tl_seg {
	const uint8_t *pc;
	uint8_t name;
};

/* Names the pieces are compressed against: index 0 is the question; a
 * DNAME chain adds the synthesised CNAME targets. pos is known only once
 * written (emission). */
struct tl_pname {
	uint16_t pos;
	uint8_t len;
	uint8_t synth;  /* index into synth[] that carries it (names > 0) */
};

struct tl_synth {
	uint8_t name;    /* owner: this plan name */
	uint8_t target;  /* the plan name it introduces */
	uint8_t prefix;  /* octets of the owner kept before the new suffix */
	uint8_t seg;     /* written after this many segments' answer parts */
	uint32_t ttl;
	const uint8_t *suffix;  /* DNAME target (wire) */
	uint8_t suffixlen;
};

struct tl_plan {
	const uint8_t *data;  /* zone data block */
	uint8_t rcode;
	uint8_t rflags;
	bool aa;
	bool sigs;
	bool overflow;
	/* tl_chain_limit: segment cut-1 writes only its first cutunits[k]
	 * RR groups (cutlen[k] octets, cutcnt[k] RRs) of parts 0 and 1 */
	uint8_t cut;
	uint8_t cutunits[2];
	uint16_t cutlen[2], cutcnt[2];
	int nseg;
	struct tl_seg seg[TL_MAXSEG];
	int nnames;
	struct tl_pname names[TL_MAXNAMES];
	int nsynth;
	struct tl_synth synth[TL_MAXNAMES];
	/* lower-cased chased names (for resolving them) */
	struct tl_name chase;
};

const struct zwt_node *tl_probe(const struct tl_zone *z, const uint8_t *name,
				size_t len);
const struct zwt_node *tl_probe_h(const struct tl_zone *z,
				  const uint8_t *name, size_t len, uint64_t h);
/* The recipe of node n for qtype: its entry's, else the default. Inline:
 * every answer takes it, and a node usually has one or two entries. */
static inline uint32_t tl_select(const struct zwt_node *n, uint16_t qtype,
				 int dnssec)
{
	const struct zwt_entry *e = zwt_entries(n);
	unsigned nt = n->ntypes;
	if (nt <= 1) /* a delegation (NS), a host (A) ...: one compare */
		return (nt && e->qtype == qtype ? e->rec : n->dflt)[dnssec];
	for (unsigned i = 0; i < nt; i++)
		if (e[i].qtype == qtype)
			return e[i].rec[dnssec];
	return n->dflt[dnssec];
}
void tl_add_recipe(struct tl_plan *p, uint32_t ref, uint8_t name);
/* The NSEC index key of q (a name in zone z); the piece of the NSEC
 * that covers q (q->cover when set). */
uint64_t tl_nsec_key(const struct tl_zone *z, const struct tl_name *q);
uint32_t tl_nsec_cover(const struct tl_zone *z, const struct tl_name *q);
uint32_t tl_nsec3_nc(const struct tl_zone *z, const struct tl_name *q,
		     int cpe_labels);
/* The pieces of tl_nsec3_nc: the next closer name's hash (false: the
 * hash failed) and the NSEC3 covering hash h given lo, the first index
 * entry whose key is >= h's (the burst searches for it in steps). */
bool tl_nsec3_nc_hash(const struct tl_zone *z, const struct tl_name *q,
		      int cpe_labels, uint8_t h[ZW_NSEC3_HASH_LEN]);
uint32_t tl_nsec3_pick(const struct tl_zone *z, const uint8_t *h, long lo);
const struct zwt_node *tl_resolve(const struct tl_zone *z,
				  const struct tl_name *q, uint16_t qtype,
				  int dnssec, struct tl_plan *p, uint8_t name);

/* CNAME and DNAME records knotd 3.2 follows for one query. */
#define TL_FOLLOW_MAX 5

/* The recipe resolve added from segment s0 on, reached after query-time
 * DNAME steps, may follow `allowed` more records: cut its chain there
 * (table_chain.c). */
void tl_chain_limit(struct tl_plan *p, int s0, uint16_t qtype, int allowed);

/* Type (and for an RRSIG the type covered, else 0) of the RR at
 * w[o..end); false when it is malformed. */
bool tl_rr_types(const uint8_t *w, size_t o, size_t end, uint16_t *type,
		 uint16_t *covered);

/* Write the plan's sections after the question (which ends at `pos`),
 * within `limit` octets (room for the OPT record already taken off).
 * Returns the end position and fills counts[1..3]; sets *tc when a
 * mandatory RR group did not fit. */
size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qname_wire, uint16_t counts[4],
	       bool *tc);

/* tl_emit for the plan tl_resolve makes of a name below a cut whose
 * referral recipe has one piece (with DO: sigs): that piece after the
 * question (qname_wire, qlen octets, ending at pos). Returns the end
 * position (counts[1..3] filled, no TC), or 0 when tl_emit would write
 * it some other way (the caller plans it then). */
size_t tl_emit_ref(const uint8_t *piece, bool sigs, uint8_t *out,
		   size_t pos, size_t limit, const uint8_t *qname_wire,
		   size_t qlen, uint16_t counts[4]);

/* The name cut of a referral for a name below its cut (table_emit_ref.c
 * ref_cut): the NS target equal to the query name's last labels before
 * the anchor goes out as a pointer into the question; n octets left out
 * (0: none) at keep, the RDLENGTH at rdl shortened, the pointer to
 * qoff. A below node (ZWT_N_BELOW) keeps the one of its own name, with
 * cpe_labels 1, in fields older readers leave alone (zwt_below_cut). */
struct tl_refcut {
	uint16_t keep, rdl, qoff, n;
};

/* A below node's cut: false when it keeps none. */
static inline bool zwt_below_cut(const struct zwt_node *n,
				 struct tl_refcut *cut)
{
	cut->keep = (uint16_t)n->wild;
	cut->rdl = (uint16_t)(n->wild >> 16);
	cut->qoff = (uint16_t)(n->pad[0] | n->pad[1] << 8);
	cut->n = n->pad[2];
	return n->cpe_labels == 1;
}

static inline void zwt_below_cut_set(struct zwt_node *n,
				     const struct tl_refcut *cut)
{
	n->wild = cut->keep | (uint32_t)cut->rdl << 16;
	n->pad[0] = (uint8_t)cut->qoff;
	n->pad[1] = (uint8_t)(cut->qoff >> 8);
	n->pad[2] = (uint8_t)cut->n;
	n->cpe_labels = 1;
}
/* The cut tl_answer_ref finds in referral piece for a query name
 * (qwire, qlen octets, any case); false when tl_answer_ref does not
 * write that piece for such a name (is_ref). */
bool tl_ref_cut(const uint8_t *piece, const uint8_t *qwire, size_t qlen,
		struct tl_refcut *cut);

/* tl_emit for the plan of a negative answer tl_resolve makes (its
 * segments seg[0..nseg), every one for the query name, authority parts
 * only): as tl_emit_ref, 0 when tl_emit would write it some other
 * way. */
size_t tl_emit_neg(const struct tl_seg *seg, int nseg, bool sigs,
		   uint8_t *out, size_t pos, size_t limit,
		   const uint8_t *qname_wire, size_t qlen, uint16_t counts[4]);
/* tl_emit_neg of a DO=1 NXDOMAIN for a name one label below the apex:
 * the zone's prepared SOA and wildcard NSEC (x, table_int.h) and the
 * NSEC covering the name (cover; NULL when that is the wildcard's).
 * 0 when tl_emit_neg would write it some other way. */
size_t tl_emit_nx(const struct zwt_nxprep *x, const uint8_t *cover,
		  uint8_t *out, size_t pos, size_t limit,
		  const uint8_t *qname_wire, size_t qlen, uint16_t counts[4]);
/* tl_emit_neg1 of the zone's prepared SOA (x) without its RRSIGs: the
 * DO=0 NXDOMAIN and NODATA of a name one label below the apex. */
size_t tl_emit_soa0(const struct zwt_nxprep *x, uint8_t *out, size_t pos,
		    size_t limit, const uint8_t *qname_wire, size_t qlen,
		    uint16_t counts[4]);
/* tl_emit_neg of one piece. */
size_t tl_emit_neg1(const uint8_t *piece, bool sigs, uint8_t *out,
		    size_t pos, size_t limit, const uint8_t *qname_wire,
		    size_t qlen, uint16_t counts[4]);

#endif
