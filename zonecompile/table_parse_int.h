/* The query parse of the burst's first stage, inline: the usual query
 * (short name, class IN, no records but an OPT without options, a
 * one-zone table) checked in few steps, then the name hashed and its
 * home slot prefetched. The rest (other queries, errors, the labels of
 * names the table does not hold) is table_parse.c's. Only
 * table_answer.c includes it. Not a public header. */
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

/* The question's type and class, and the OPT when `opt`, as the last
 * 4 (+ 11) octets of the packet after the name of n octets: class IN,
 * the OPT's owner the root, version 0 and no options; qtype not 0, AXFR
 * or IXFR. (q->qclass is left alone: only parse_full and parse_any,
 * which set it, read it.) */
static inline __attribute__((always_inline))
bool qtail_end(const uint8_t *pkt, size_t n, bool opt, struct query *q)
{
	const uint8_t *r = pkt + 12 + n; /* qtype, qclass, OPT */
	uint64_t w = n; /* qwlen; edns, dnssec, ednsver, udp 0 */
	uint16_t qt = __builtin_bswap16(zw_load16(r));
	q->qend = 12 + n + 4;
	q->qtype = qt;
	if (!opt) {
		if (zw_load16(r + 2) != __builtin_bswap16(ZW_CLASS_IN))
			return false;
	} else {
		/* a: qtype, qclass IN, root, OPT; b: size, ext. rcode,
		 * version 0, DO, rdlength 0 */
		uint64_t a = zw_load64(r), b = zw_load64(r + 7);
		const uint64_t must = 0x0029000001000000ULL;
		if ((a & 0x00ffffffffff0000ULL) != must ||
		    (b & 0xffff0000ff000000ULL))
			return false;
		/* edns, dnssec (DO: bit 7 of b's octet 4); udp_wire after
		 * the word's store, from the packet as it is */
		w |= 1u << 8 | ((b >> 23) & 0x10000);
	}
	memcpy(&q->qwlen, &w, 8);
	if (opt)
		memcpy(&q->udp_wire, r + 7, 2);
	/* not 0, IXFR (251) or AXFR (252); the usual ones in one compare */
	return (uint16_t)(qt - 1u) < ZW_TYPE_IXFR - 1u || qt > ZW_TYPE_AXFR;
}

_Static_assert(offsetof(struct tl_name, nlabels) == offsetof(struct tl_name, len) + 1 &&
	       offsetof(struct tl_name, hashed) == offsetof(struct tl_name, len) + 2 &&
	       offsetof(struct tl_name, probed) == offsetof(struct tl_name, len) + 3 &&
	       offsetof(struct tl_name, pprobed) == offsetof(struct tl_name, len) + 4 &&
	       offsetof(struct tl_name, hash) >= offsetof(struct tl_name, len) + 8,
	       "parse_lazy's and qname32's word");
/* The lines of a name's home slot and the 3 after it (the probe may
 * run on into the next line; prefetch never faults, so past the last
 * slot is harmless). In parse_lazy right after the hash, which is then
 * still in a register. */
static inline void home_prefetch(const uint64_t *home)
{
	zwt_prefetch(home);
	zwt_prefetch((const uint8_t *)home + 24);
}

/* The call's constants (struct bconst) for table t and options opts
 * (table_answer.c; out of line: inlined into the burst it cost the
 * 1M DO=0 mix 41 more instructions a query). */
void tl_bconst_init(struct bconst *k, const struct zw_table *t,
		    const struct zw_answer_opts *opts);

/* The usual query in the fewest steps: QR clear, opcode QUERY, one
 * question, no answer or authority records, no OPT or one without
 * options, in a one-zone table. The name's length is then what the
 * packet leaves for it, and its labels are not walked here (a walk and
 * the zone's origin compare took ~50 instructions a query): a name the
 * table holds is well formed and in the zone (table_read.c checks every
 * node's name), so the exact path answers it as it is; every name is
 * walked before its labels are read (tl_parse_walk: in tl_slot_walk for
 * absent names, in answer_rest before a plan), and the query parsed
 * again from the start when the walk does not end at the name's last
 * octet or leaves the zone.
 * Names of up to 32 octets, lower-cased as 2 blocks: 32 octets from the
 * name, or the last 16 of the packet overlapping the first. */
static inline __attribute__((always_inline))
bool parse_lazy(const struct bconst *k, struct actx *c, bool wide)
{
	const uint8_t *pkt = c->pkt;
	size_t len = c->len;
	struct query *q = &c->q;
	struct tl_name *nm = &q->name;

	if (len < k->lazy_min) /* a one-zone table, 2 blocks of the name */
		return false;
	uint64_t cnt = zw_load64(pkt + 4); /* qd, an, ns, ar: 1, 0, 0, 0/1 */
	uint32_t hd = zw_load32(pkt);      /* id, flags */
	bool opt = cnt >> 56;
	size_t n = len - 12 - 4 - (opt ? 11 : 0);
	/* (the name's last octet is not checked: a node's name matches
	 * only when it is the root, and the walk checks it too) */
	if ((cnt & ~(1ULL << 56)) != 1ULL << 8 || (hd & 0x00f80000) ||
	    n - 1 > 31)
		return false;
	if (wide && len >= 12 + 32) { /* the usual name with an OPT */
		lower32(nm->lname, pkt + 12);
	} else {
		size_t b = (len - 12 < 32 ? len - 12 : 32) - 16;
		lower16(nm->lname, pkt + 12);
		lower16(nm->lname + b, pkt + 12 + b);
	}
	/* len, nlabels (0 until walked), hashed (below, once the rest
	 * is checked), probed and pprobed false, as one word */
	uint64_t w = n | 1u << 16;
	memcpy(&nm->len, &w, 8);
	nm->cover = 0;
	if (!qtail_end(pkt, n, opt, q))
		return false;
	uint32_t idf = be16x2(hd);
	memcpy(&q->id, &idf, 4); /* id, flags */
	/* zh, acc, data (room below): one move in the AVX2 burst */
	copy32((uint8_t *)&c->zh, (const uint8_t *)&k->z1);
	c->sigs = q->dnssec & k->signed1;
	/* hashed here, where n <= 32 is known: GCC drops the hash's longer
	 * cases (lname is a 256-octet buffer: the hash may read past n) */
	uint64_t h = zwt_hash_padded(k->seed, nm->lname, n);
	nm->hash = h;
	const uint64_t *home = &k->slots[h & k->mask];
	c->home = home;
	home_prefetch(home);
	/* exact_room: the question and the OPT end the packet */
	c->room = (long)(c->cap < 512 ? c->cap : 512) - (long)len;
	return true;
}

/* Stage 1: parse, pick the zone, hash the name (the parsers do), prefetch
 * its slot.
 * Queries that get a bare reply (errors, REFUSED) are finished here
 * (false: c->done).
 * (c->rec, c->cand and c->result are set by the stages that read them:
 * stage_node, stage_slot, tl_parse_slow; here c->rec for a finished
 * query; zw_table_answer's context starts zeroed.) */
static inline __attribute__((always_inline))
bool stage_parse(const struct zw_table *t, const struct bconst *k,
		 struct actx *c, bool wide)
{
	if (parse_lazy(k, c, wide)) {
		_Static_assert(offsetof(struct actx, nstate) ==
			       offsetof(struct actx, pstate) + 1 &&
			       offsetof(struct actx, done) ==
			       offsetof(struct actx, pstate) + 2 &&
			       offsetof(struct actx, lazy) ==
			       offsetof(struct actx, pstate) + 3 &&
			       PARENT_NONE == 0 && NSEC_NONE == 0,
			       "stage_parse's word");
		/* pstate, nstate none, done false, lazy true: one store */
		uint32_t st = 1u << 24;
		memcpy(&c->pstate, &st, 4);
	} else {
		c->pstate = PARENT_NONE;
		c->nstate = NSEC_NONE;
		c->done = !tl_parse_slow(t, c, k->max_udp);
		if (c->done) {
			c->rec = NULL; /* stage_answer: not the exact path */
			return false;
		}
		const struct zwt_accel *a = c->acc;
		c->home = &a->slots[c->q.name.hash & a->mask];
		home_prefetch(c->home);
	}
	return true;
}

#endif
