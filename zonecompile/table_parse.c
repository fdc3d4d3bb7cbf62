/* The query parse out of the burst's line. It takes the header, the
 * question and the OPT record: records in the answer and authority
 * sections are checked and skipped, anything else in the additional
 * section is refused. Here: names of any length (parse_qname, also for
 * zw_table_find_zone), the zone of a name in tables of several zones,
 * and every check in the order that picks the error to answer
 * (parse_full), with its bare reply; parse_fast for short names
 * whose labels are walked at once; and the walk parse_lazy (the usual
 * query, table_parse_int.h) put off. */
#include <string.h>

#include "dns/err.h"
#include "zonecompile/table_parse_int.h"

/* Lower-case the n octets of a name at src into dst (room for 256);
 * `avail` octets are readable at src. Whole 16-octet blocks: the last
 * one reads on into the rest of the packet (qtype, qclass, OPT) when
 * it can, else overlaps the block before, so short names cost one. */
static void lower_copy(uint8_t *dst, const uint8_t *src, size_t n,
		       size_t avail)
{
	size_t i = 0;
#ifdef __SSE2__
	if (n <= 32 && avail >= 32) { /* most names: two blocks, no loop */
		lower16(dst, src);
		lower16(dst + 16, src + 16);
		return;
	}
	for (; i + 16 <= n; i += 16)
		lower16(dst + i, src + i);
	if (i == n)
		return;
	if (i + 16 <= avail) {
		lower16(dst + i, src + i); /* i <= 240: inside dst */
		return;
	}
	if (n >= 16) {
		lower16(dst + n - 16, src + n - 16);
		return;
	}
#else
	(void)avail;
#endif
	for (; i < n; i++) {
		uint8_t c = src[i];
		dst[i] = (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
	}
}

/* Question name: labels only (a pointer cannot point backwards here).
 * Walk the length octets first, then lower-case the whole name at once. */
static int parse_qname(const uint8_t *pkt, size_t len, struct query *q)
{
	const uint8_t *name = pkt + 12;
	struct tl_name *nm = &q->name;
	size_t o = 0; /* from the name's start */
	unsigned labels = 0;
	if (len <= 12)
		return -1;
	/* past the packet or 255 octets: so the name's length n <= 255 */
	const size_t lim = len - 12 < 255 ? len - 12 : 255;

	for (;;) {
		if (o >= lim)
			return -1;
		unsigned l = name[o];
		nm->loff[labels] = (uint8_t)o;
		if (l - 1u > 62u) { /* the root label, or not a label length */
			if (l)
				return -1;
			break;
		}
		o += 1u + l;
		labels++;
	}
	size_t n = o + 1;
	if (12 + n + 4 > len)
		return -1;
	lower_copy(nm->lname, name, n, len - 12);
	name_fresh(nm, n, labels);
	q->qwlen = (uint8_t)n;
	q->qend = 12 + n + 4;
	uint32_t tc = zw_load32(name + n); /* qtype, qclass */
	q->qtype = __builtin_bswap16((uint16_t)tc);
	q->qclass = __builtin_bswap16((uint16_t)(tc >> 16));
	return 0;
}

/* The additional section of a query from o: at most an OPT (root
 * owner). */
static int parse_opt(const uint8_t *pkt, size_t len, struct query *q,
		     size_t o, unsigned arcount)
{
	if (arcount == 0)
		return o == len ? 0 : -1;
	if (arcount > 1 || o + 11 > len || pkt[o] != 0)
		return -1;
	uint16_t type = (uint16_t)(pkt[o + 1] << 8 | pkt[o + 2]);
	uint16_t rdlen = (uint16_t)(pkt[o + 9] << 8 | pkt[o + 10]);
	if (type != ZW_TYPE_OPT || o + 11 + rdlen != len)
		return -1;
	q->edns = true;
	memcpy(&q->udp_wire, pkt + o + 3, 2);
	q->ednsver = pkt[o + 6];
	q->dnssec = (pkt[o + 7] & 0x80) != 0;
	return 0;
}

/* After the question: answer and authority records (an IXFR query's
 * SOA, RFC 1995 3; knotd and BIND ignore any others too) that must be
 * well formed, then the additional section, at most an OPT. */
static int parse_rest(const uint8_t *pkt, size_t len, struct query *q,
		      unsigned an, unsigned ns, unsigned ar)
{
	size_t o = q->qend;
	for (unsigned i = 0; i < an + ns; i++)
		if (!(o = zwt_rr_skip(pkt, o, len, NULL)))
			return -1;
	return parse_opt(pkt, len, q, o, ar);
}

/* Does zone z hold name n (its origin a suffix of n)? */
static inline __attribute__((always_inline))
bool zone_holds(const struct zwt_zone *z, const struct tl_name *n)
{
	if (z->origin_labels > n->nlabels)
		return false;
	size_t off = n->loff[n->nlabels - z->origin_labels];
	return n->len - off == z->origin_len &&
	       tl_name_eq(n->lname + off, z->origin, z->origin_len);
}

/* The zone of the longest origin that is a suffix of n and has at most
 * maxl labels. */
static const struct zwt_zone *find_zone_max(const struct zw_table *t,
					    const struct tl_name *n,
					    unsigned maxl)
{
	const struct zwt_zone *best = NULL;
	for (uint32_t i = 0; i < t->nzones; i++) {
		const struct zwt_zone *z = t->zones[i];
		if (z->origin_labels <= maxl && zone_holds(z, n) &&
		    (!best || z->origin_labels > best->origin_labels))
			best = z;
	}
	return best;
}

static const struct zwt_zone *find_zone(const struct zw_table *t,
					const struct tl_name *n)
{
	if (t->nzones == 1)
		return zone_holds(t->zones[0], n) ? t->zones[0] : NULL;
	return find_zone_max(t, n, n->nlabels);
}

/* The zone that answers qtype at n. DS lives on the parent side of a
 * cut (RFC 4035 3.1.4.1): knotd and BIND look for the zone of the
 * name's parent first, so with parent and child in one table the DS at
 * the child's apex comes from the parent; the child answers only when
 * the table has no zone above it. */
static inline const struct zwt_zone *query_zone(const struct zw_table *t,
						const struct tl_name *n,
						uint16_t qtype)
{
	if (t->nzones == 1) /* the usual table: one zone, no DS question */
		return zone_holds(t->zones[0], n) ? t->zones[0] : NULL;
	if (qtype == ZW_TYPE_DS && n->nlabels > 0) {
		const struct zwt_zone *z = find_zone_max(t, n, n->nlabels - 1u);
		if (z)
			return z;
	}
	return find_zone(t, n);
}

/* query_zone for the fast path, which takes one-zone tables inline. */
const struct zwt_zone *tl_query_zone(const struct zw_table *t,
				     const struct tl_name *n, uint16_t qtype)
{
	return query_zone(t, n, qtype);
}

const struct zwt_zone *zw_table_find_zone(const struct zw_table *t,
					  const uint8_t *qname, size_t len)
{
	struct query q;
	uint8_t pkt[12 + 256 + 4] = {0};
	if (len > 255)
		return NULL;
	memcpy(pkt + 12, qname, len);
	if (parse_qname(pkt, 12 + len + 4, &q) < 0)
		return NULL;
	return find_zone(t, &q.name);
}

/* A response with only header, question (when parsed) and OPT. */
static int reply_bare(const uint8_t *pkt, uint8_t *out, size_t cap,
		      struct query *q, size_t qend, uint16_t rcode, bool ede,
		      uint16_t max_udp)
{
	uint16_t counts[4] = {qend > 12 ? 1 : 0, 0, 0, 0};
	size_t pos = qend;
	if (cap < qend + 17)
		return ZW_ENOSPC;
	if (out != pkt)
		memcpy(out + 12, pkt + 12, qend - 12);
	uint16_t flags = answer_flags(q, false, rcode);
	if (q->edns) {
		pos = put_opt(out, pos, q, max_udp, rcode, ede);
		counts[3] = 1;
	}
	put_header(out, q, flags, counts);
	return (int)pos;
}

/* The RCODE of a well-formed query that the zones do not answer (0: they
 * do, c->zh is the zone), in knotd's order of checks. */
static uint16_t query_rcode(const struct zw_table *t, struct actx *c,
			    bool *ede)
{
	const struct query *q = &c->q;
	if (ZW_MSG_OPCODE(q->flags) != ZW_OPCODE_QUERY)
		return ZW_RCODE_NOTIMP;
	if (q->edns && q->ednsver != 0)
		return ZW_RCODE_BADVERS;
	/* QCLASS ANY: answered as IN, as knotd does */
	if (q->qclass != ZW_CLASS_IN && q->qclass != ZW_CLASS_ANY)
		return ZW_RCODE_REFUSED;
	/* QTYPE 0 as knotd (BIND: NODATA); QTYPE OPT is no error (knotd:
	 * NODATA; BIND: FORMERR) and is looked up. Transfers are not
	 * served from tables (zwd hands TCP to the kernel): AXFR over UDP
	 * NOTIMP, IXFR NOTAUTH, as knotd answers them */
	if (q->qtype == 0 || q->qtype == ZW_TYPE_AXFR)
		return ZW_RCODE_NOTIMP;
	if (q->qtype == ZW_TYPE_IXFR)
		return ZW_RCODE_NOTAUTH;
	if (!(c->zh = query_zone(t, &q->name, q->qtype))) {
		*ede = true;
		return ZW_RCODE_REFUSED;
	}
	return 0;
}

/* All the checks, in the order that picks the error to answer: false
 * when the query got a bare reply (errors, REFUSED) or deserves none. */
static bool parse_full(const struct zw_table *t, struct actx *c,
		       uint16_t max_udp)
{
	struct query *q = &c->q;
	const uint8_t *pkt = c->pkt;
	size_t len = c->len;

	if (len < 12 || (pkt[2] & 0x80))
		return false;
	memset(q, 0, offsetof(struct query, name));
	q->id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	q->flags = (uint16_t)(pkt[2] << 8 | pkt[3]);
	unsigned qd = (unsigned)(pkt[4] << 8 | pkt[5]);
	unsigned an = (unsigned)(pkt[6] << 8 | pkt[7]);
	unsigned ns = (unsigned)(pkt[8] << 8 | pkt[9]);
	unsigned ar = (unsigned)(pkt[10] << 8 | pkt[11]);
	uint16_t rc = 0;
	bool ede = false;
	size_t qend = 12;

	if (qd != 1 || parse_qname(pkt, len, q) < 0)
		rc = ZW_RCODE_FORMERR;
	else if ((qend = q->qend), parse_rest(pkt, len, q, an, ns, ar) < 0)
		rc = ZW_RCODE_FORMERR;
	else
		rc = query_rcode(t, c, &ede);
	if (rc)
		c->result = reply_bare(pkt, c->out, c->cap, q, qend, rc, ede,
				       max_udp);
	return !rc;
}

/* The usual query in few steps: QR clear, opcode QUERY, one question,
 * no answer or authority records, at most an OPT of version 0, class
 * IN, a qtype answered from the table, a name in one of the zones. Any
 * other goes through parse_full, which picks the error to answer. This
 * one takes names of any length; parse_fast below the usual short ones. */
static bool parse_any(const struct zw_table *t, struct actx *c)
{
	const uint8_t *pkt = c->pkt;
	struct query *q = &c->q;
	uint64_t cnt;

	if (c->len < 12)
		return false;
	memcpy(&cnt, pkt + 4, 8); /* qd, an, ns, ar: 1, 0, 0, 0 or 1 */
	if ((cnt & ~(1ULL << 56)) != 1ULL << 8 || (pkt[2] & 0xf8))
		return false;
	if (parse_qname(pkt, c->len, q) < 0 || q->qclass != ZW_CLASS_IN ||
	    q->qtype == ZW_TYPE_AXFR || q->qtype == ZW_TYPE_IXFR ||
	    q->qtype == 0)
		return false;
	const uint8_t *r = pkt + q->qend; /* OPT: root, type, class=size,
					   * ext. rcode, version, DO, rdlength */
	q->ednsver = 0;
	if (!pkt[11]) {
		if (q->qend != c->len)
			return false;
		q->edns = q->dnssec = false;
		q->udp_wire = 0;
	} else {
		/* octets 0-7 as one word: root, type OPT, version 0 */
		const uint64_t must = 0x00ff000000ffffffULL;
		const uint64_t opt = (uint64_t)ZW_TYPE_OPT << 16;
		if (q->qend + 11 > c->len || (zw_load64(r) & must) != opt ||
		    q->qend + 11 + (size_t)(r[9] << 8 | r[10]) != c->len)
			return false;

		q->edns = true;
		memcpy(&q->udp_wire, r + 3, 2);
		q->dnssec = (r[7] & 0x80) != 0;
	}
	q->id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	q->flags = (uint16_t)(pkt[2] << 8 | pkt[3]);
	c->zh = query_zone(t, &q->name, q->qtype);
	return c->zh != NULL;
}

/* The labels of a name of labels only from name[0] on, their offsets
 * into nm->loff: the offset of its root octet, or > lim when a label
 * runs past lim. One check per label besides the root: a length octet
 * of 64 or more (a pointer or a bad label) jumps past any lim under 64,
 * so the bound catches it too. *k: the labels before the root. */
static inline __attribute__((always_inline))
size_t qname_walk(const uint8_t *name, size_t lim, struct tl_name *nm,
		   unsigned *k)
{
	size_t o = 0;
	unsigned n = 0;
	for (;;) {
		unsigned l = name[o];
		nm->loff[n] = (uint8_t)o;
		if (!l)
			break;
		o += (size_t)l + 1;
		n++;
		if (o > lim)
			break;
	}
	*k = n;
	return o;
}

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
	unsigned k;
	size_t o = qname_walk(name, lim, nm, &k);
	if (o > lim)
		return 0;
	size_t b = avail < 32 ? avail - 16 : 16;
	lower16(nm->lname, name);
	lower16(nm->lname + b, name + b);
	/* len, nlabels, hashed (tl_parse_slow hashes it), probed and
	 * pprobed false, as one word */
	uint64_t w = (o + 1) | (uint64_t)k << 8 | 1u << 16;
	memcpy(&nm->len, &w, 8);
	nm->cover = 0;
	return o + 1;
}

_Static_assert(offsetof(struct query, edns) == offsetof(struct query, qwlen) + 1 &&
	       offsetof(struct query, dnssec) == offsetof(struct query, qwlen) + 2 &&
	       offsetof(struct query, ednsver) == offsetof(struct query, qwlen) + 3 &&
	       offsetof(struct query, udp_wire) == offsetof(struct query, qwlen) + 4 &&
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
		w |= 1u << 8 | ((b >> 39) & 1) << 16 |
		     (uint64_t)(uint16_t)b << 32;
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

/* Everything but parse_lazy's queries: parse_fast's (tables of several
 * zones, an OPT with options), parse_any's, then the errors. */
bool tl_parse_slow(const struct zw_table *t, struct actx *c, uint16_t max_udp)
{
	c->lazy = false;
	c->result = 0; /* no reply, unless parse_full writes one */
	if (!parse_fast(t, c) && !parse_any(t, c) && !parse_full(t, c, max_udp))
		return false;
	struct tl_name *nm = &c->q.name;
	c->acc = zwt_accel_of(t, c->zh);
	c->data = c->acc->data;
	/* lname is a 256-octet buffer: the padded hash may read past len */
	nm->hash = zwt_hash_padded(c->acc->seed, nm->lname, nm->len);
	nm->hashed = true;
	c->sigs = c->q.dnssec && c->zh->denial != ZWT_DENIAL_NONE;
	exact_room(c);
	return true;
}

bool tl_parse_walk(struct actx *c)
{
	const uint8_t *name = c->pkt + 12; /* n < the packet's length - 12 */
	struct tl_name *nm = &c->q.name;
	size_t n = nm->len; /* n <= 32 */
	unsigned k;
	size_t o = qname_walk(name, n - 1, nm, &k);
	nm->nlabels = (uint8_t)k;
	if (o != n - 1 || !zone_holds(c->zh, nm))
		return false;
	c->lazy = false;
	return true;
}

bool tl_parse_settle(const struct zw_table *t, struct actx *c,
		     uint16_t max_udp)
{
	if (tl_parse_walk(c))
		return true;
	/* the packet holds some other query (a shorter name, an OPT with
	 * options) or an error: parse it as stage_parse does without
	 * parse_lazy (tl_parse_slow hashes the name it finds) */
	c->pstate = PARENT_NONE;
	c->nstate = NSEC_NONE;
	c->rec = NULL; /* no node of that name found yet */
	c->cand = NULL;
	return tl_parse_slow(t, c, max_udp);
}
