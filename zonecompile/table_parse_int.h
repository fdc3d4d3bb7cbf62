/* The query parse of the burst's first stage, inline: the usual query
 * (short name, labels only, class IN, no records but an OPT) checked in
 * few steps, then the name hashed and its home slot prefetched. The
 * rest (long names, errors) is table_parse.c's. Only table_answer.c
 * includes it. Not a public header. */
#ifndef ZW_ZONECOMPILE_TABLE_PARSE_INT_H
#define ZW_ZONECOMPILE_TABLE_PARSE_INT_H

#include "zonecompile/table_answer_int.h"

/* Two 16-bit big-endian fields at the low half of v as host values, in
 * their order (id and flags, qtype and qclass). */
_Static_assert(offsetof(struct query, flags) == 2 &&
	       offsetof(struct query, qclass) == 6, "be16x2's pairs");
static inline uint32_t be16x2(uint32_t v)
{
	v = __builtin_bswap32(v);
	return v >> 16 | v << 16;
}

_Static_assert(offsetof(struct tl_name, nlabels) == offsetof(struct tl_name, len) + 1 &&
	       offsetof(struct tl_name, hashed) == offsetof(struct tl_name, len) + 2 &&
	       offsetof(struct tl_name, probed) == offsetof(struct tl_name, len) + 3 &&
	       offsetof(struct tl_name, pprobed) == offsetof(struct tl_name, len) + 4 &&
	       offsetof(struct tl_name, hash) >= offsetof(struct tl_name, len) + 8,
	       "qname32's word");
/* The question name of the fast path: at most 32 octets, labels only.
 * Returns its length, or 0 when parse_any must decide. The walk checks
 * one thing per label besides the root: a length octet of 64 or more (a
 * pointer or a bad label) jumps past the 32 octets, so the bound catches
 * it too. Then 2 blocks lower-cased: 32 octets from the name, or the
 * last 16 of the packet's readable rest (which ends >= 4 past the name)
 * overlapping the first. */
static inline __attribute__((always_inline))
size_t qname32(const uint8_t *name, size_t avail, struct tl_name *nm)
{
	/* o <= lim: the name's root octet and qtype, qclass are inside */
	size_t lim = avail - 5 < 31 ? avail - 5 : 31;
	size_t o = 0;
	unsigned k = 0;
	for (;;) {
		unsigned l = name[o];
		nm->loff[k] = (uint8_t)o;
		if (!l)
			break;
		o += (size_t)l + 1;
		k++;
		if (o > lim)
			return 0;
	}
	size_t b = avail < 32 ? avail - 16 : 16;
	lower16(nm->lname, name);
	lower16(nm->lname + b, name + b);
	/* len, nlabels, hashed (stage_parse hashes it next), probed and
	 * pprobed false, as one word */
	uint64_t w = (o + 1) | (uint64_t)k << 8 | 1u << 16;
	memcpy(&nm->len, &w, 8);
	nm->cover = 0;
	return o + 1;
}

_Static_assert(offsetof(struct query, edns) == offsetof(struct query, qwlen) + 1 &&
	       offsetof(struct query, dnssec) == offsetof(struct query, qwlen) + 2 &&
	       offsetof(struct query, ednsver) == offsetof(struct query, qwlen) + 3 &&
	       offsetof(struct query, udp) == offsetof(struct query, qwlen) + 4 &&
	       offsetof(struct query, name) >= offsetof(struct query, qwlen) + 8,
	       "qtail's word");
/* The rest of the fast path's query after its name of n octets at
 * pkt + 12: qtype, qclass IN and no OPT or the OPT of parse_any, which
 * ends the packet. */
static inline __attribute__((always_inline))
bool qtail(const uint8_t *pkt, size_t len, size_t n, bool opt,
	   struct query *q)
{
	const uint8_t *r = pkt + 12 + n; /* qtype, qclass, OPT */
	size_t qend = 12 + n + 4;
	uint32_t tc = zw_load32(r);
	uint64_t w = n; /* qwlen; edns, dnssec, ednsver, udp 0 */
	uint32_t tq = be16x2(tc);
	q->qend = qend;
	memcpy(&q->qtype, &tq, 4); /* qtype, qclass */
	if (!opt) {
		if (qend != len || (tq >> 16) != ZW_CLASS_IN)
			return false;
	} else {
		/* a: qtype, qclass IN, root, OPT; b: size, ext. rcode,
		 * version 0, DO, rdlength */
		if (qend + 11 > len)
			return false;
		uint64_t a = zw_load64(r), b = zw_load64(r + 7);
		const uint64_t must = 0x0029000001000000ULL;
		if ((a & 0x00ffffffffff0000ULL) != must || (b & 0xff000000) ||
		    qend + 11 + __builtin_bswap16((uint16_t)(b >> 48)) != len)
			return false;
		uint16_t udp = __builtin_bswap16((uint16_t)b);
		w |= 1u << 8 | ((b >> 39) & 1) << 16 |
		     (uint64_t)(udp < 512 ? 512 : udp) << 32;
	}
	memcpy(&q->qwlen, &w, 8);
	uint16_t qt = (uint16_t)tq;
	return qt != 0 && (uint16_t)(qt - ZW_TYPE_IXFR) > 1u;
}

/* parse_any for the usual short names, fewer steps: the name walked
 * and lower-cased in one go (qname32), the question and OPT checked as
 * words, the zone's origin compared at the label where it must start. */
static inline __attribute__((always_inline))
bool parse_fast(const struct zw_table *t, struct actx *c)
{
	const uint8_t *pkt = c->pkt;
	size_t len = c->len;
	struct query *q = &c->q;
	struct tl_name *nm = &q->name;

	if (len < 12 + 16) /* two blocks of the name readable */
		return false;
	uint64_t cnt = zw_load64(pkt + 4); /* qd, an, ns, ar: 1, 0, 0, 0/1 */
	uint32_t hd = zw_load32(pkt);      /* id, flags */
	size_t n;
	if ((cnt & ~(1ULL << 56)) != 1ULL << 8 || (hd & 0x00f80000) ||
	    !(n = qname32(pkt + 12, len - 12, nm)) ||
	    !qtail(pkt, len, n, cnt >> 56, q))
		return false;
	uint32_t idf = be16x2(hd);
	memcpy(&q->id, &idf, 4); /* id, flags */
	if (t->nzones != 1)
		return (c->zh = tl_query_zone(t, nm, q->qtype)) != NULL;
	const struct zwt_zone *z = t->zones[0];
	unsigned ol = z->origin_labels;
	c->zh = z;
	return ol <= nm->nlabels && n - nm->loff[nm->nlabels - ol] ==
	       z->origin_len && tl_name_eq(nm->lname + nm->loff[nm->nlabels - ol],
					   z->origin, z->origin_len);
}

/* Stage 1: parse, pick the zone, hash the name, prefetch its slot.
 * Queries that get a bare reply (errors, REFUSED) are finished here. */
static inline __attribute__((always_inline))
void stage_parse(const struct zw_table *t, struct actx *c,
			uint16_t max_udp)
{
	c->result = 0;
	c->cand = NULL;
	c->rec = NULL;
	c->pstate = PARENT_NONE;
	c->nstate = NSEC_NONE;
	c->done = !parse_fast(t, c) && !tl_parse_slow(t, c, max_udp);
	if (c->done)
		return;
	const struct zwt_accel *a = zwt_accel_of(t, c->zh);
	struct tl_name *nm = &c->q.name;
	c->acc = a;
	c->sigs = c->q.dnssec && c->zh->denial != ZWT_DENIAL_NONE;
	/* lname is a 256-octet buffer: the padded hash may read past len */
	nm->hash = zwt_hash_padded(a->seed, nm->lname, nm->len);
	const uint64_t *home = &a->slots[nm->hash & a->mask];
	/* the probe may run on into the next line (prefetch never faults,
	 * so past the last slot is harmless) */
	zwt_prefetch(home);
	zwt_prefetch((const uint8_t *)home + 24);
}

#endif
