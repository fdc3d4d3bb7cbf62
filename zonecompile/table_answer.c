/* zw_table_answer: one query packet in, one response out. Parses the
 * header, the question and the OPT record (records in the answer and
 * authority sections are checked and skipped, anything else in the
 * additional section is refused), picks the zone,
 * plans the response (table_lookup.c) and writes it (table_emit.c). */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dns/err.h"
#include "dns/msg.h"
#include "dns/rrtype.h"
#include "zonecompile/table_lookup.h"

#define RCODE_YXDOMAIN 6
#define EDE_NOT_AUTH 20

struct query {
	uint16_t id, flags;
	uint16_t qtype, qclass;
	size_t qend;          /* end of the question */
	uint8_t qwlen;        /* wire length of the query name */
	bool edns;
	bool dnssec;
	uint8_t ednsver;
	uint16_t udp;
	struct tl_name name;
};

#ifdef __SSE2__
/* Lower-case 16 octets (label lengths are < 64, never letters): 'A'..'Z'
 * moved to -128..-103 (signed), the only octets below -102 then. */
static inline void lower16(uint8_t *dst, const uint8_t *src)
{
	const __m128i shift = _mm_set1_epi8((char)(0x80 - 'A'));
	const __m128i lim = _mm_set1_epi8((char)(-128 + 26));
	__m128i v = _mm_loadu_si128((const __m128i *)src);
	__m128i up = _mm_cmplt_epi8(_mm_add_epi8(v, shift), lim);
	v = _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
	_mm_storeu_si128((__m128i *)dst, v);
}
#endif

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

#ifdef __SSE2__
/* The 16-octet block at offset o. */
static inline void copy16(uint8_t *d, const uint8_t *s, size_t o)
{
	_mm_storeu_si128((__m128i *)(d + o),
			 _mm_loadu_si128((const __m128i *)(s + o)));
}

/* 16 <= n <= 32 octets: a block from the start, one from the end. */
static inline void copy_16_32(uint8_t *d, const uint8_t *s, size_t n)
{
	copy16(d, s, 0);
	copy16(d + n - 16, s + n - 16, 0);
}

/* 32 octets: two 16-octet moves, one in the AVX2 clone of the burst. */
typedef uint8_t zw_v32 __attribute__((vector_size(32), aligned(1)));
static inline void copy32(uint8_t *d, const uint8_t *s)
{
	*(zw_v32 *)d = *(const zw_v32 *)s;
}

/* 32 <= n <= 64 octets. */
static inline void copy_32_64(uint8_t *d, const uint8_t *s, size_t n)
{
	copy32(d, s);
	copy32(d + n - 32, s + n - 32);
}

/* 64 <= n <= 128 octets. */
static inline void copy_64_128(uint8_t *d, const uint8_t *s, size_t n)
{
	copy_32_64(d, s, 64);
	copy_32_64(d + n - 64, s + n - 64, 64);
}
#endif

/* Copy n octets between buffers that do not overlap: up to 256 octets
 * as 16-octet blocks from the start and from the end (overlapping in
 * the middle), no loop and no call: a piece's wire (~40-120 octets
 * DO=0, ~200-260 DO=1) of the usual answers; the sizes tested in that
 * order. Longer ones: libc's wide copy pays for its call. */
static inline __attribute__((always_inline))
void copy_bytes(uint8_t *d, const uint8_t *s, size_t n)
{
#ifdef __SSE2__
	if (n > 64) {
		if (n <= 128) {
			copy_64_128(d, s, n);
		} else if (n <= 256) {
			copy_64_128(d, s, 128);
			copy_64_128(d + n - 128, s + n - 128, 128);
		} else {
			memcpy(d, s, n);
		}
		return;
	}
	if (n > 32) {
		copy_32_64(d, s, n);
		return;
	}
	if (n >= 16) {
		copy_16_32(d, s, n);
		return;
	}
#endif
	if (n >= 8) {
		uint64_t a = zw_load64(s), b = zw_load64(s + n - 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
		return;
	}
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* The header and question of a query, n = 12 + name + 4 >= 17 octets
 * (names of up to 48 octets: two compares). */
static inline void copy_head(uint8_t *d, const uint8_t *s, size_t n)
{
#ifdef __SSE2__
	if (n <= 32) {
		copy_16_32(d, s, n);
		return;
	}
	if (n <= 64) {
		copy_32_64(d, s, n);
		return;
	}
#endif
	memcpy(d, s, n);
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
	nm->len = (uint8_t)n;
	nm->nlabels = (uint8_t)labels;
	nm->hashed = false;
	nm->probed = false;
	nm->pprobed = false;
	nm->cover = 0;
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
	q->udp = (uint16_t)(pkt[o + 3] << 8 | pkt[o + 4]);
	if (q->udp < 512)
		q->udp = 512;
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

/* The DNAME step: the DNAME RRset piece, then a CNAME from the current
 * name to <prefix>.<dname target>, whose target is resolved next (when in
 * the zone). Returns the new name's plan index or -1 to stop. */
static int dname_step(const struct tl_zone *z, const struct zwt_node *e,
		      struct tl_plan *p, const struct tl_name *cur, int idx)
{
	struct zwt_pview v;
	const uint8_t *dp = zwt_at(p->data, e->nx1);

	for (int i = 0; i < p->nseg; i++)
		if (p->seg[i].pc == dp)
			return -1; /* DNAME loop: Knot stops at a repeat */
	p->rcode = ZW_RCODE_NOERROR;
	p->aa = true;
	p->sigs = p->sigs || false;
	if (p->nseg >= TL_MAXSEG || p->nsynth >= TL_MAXNAMES - 1 ||
	    p->nnames >= TL_MAXNAMES)
		return -1;
	p->seg[p->nseg].pc = dp;
	p->seg[p->nseg].name = (uint8_t)idx;
	p->nseg++;
	zwt_piece_view(dp, SIZE_MAX, &v);
	/* the DNAME RR: owner, 10 octets of fixed fields, target */
	const uint8_t *w = v.wire;
	size_t o = zwt_rr_skip(w, 0, v.part[0]->len, NULL);
	size_t rd = 0;
	while (rd < o && !((w[rd] & 0xc0) == 0xc0 || w[rd] == 0))
		rd += 1u + w[rd];
	rd += (w[rd] & 0xc0) ? 2 : 1;
	uint32_t ttl = zw_load32(w + rd + 4);
	ttl = __builtin_bswap32(ttl);
	const uint8_t *target = w + rd + 10;
	size_t tlen = o - (rd + 10);
	size_t prefix = cur->loff[cur->nlabels - e->labels];
	if (prefix + tlen > 255) {
		p->rcode = RCODE_YXDOMAIN;
		return -1;
	}
	struct tl_synth *s = &p->synth[p->nsynth++];
	s->name = (uint8_t)idx;
	s->target = (uint8_t)p->nnames;
	s->prefix = (uint8_t)prefix;
	s->seg = (uint8_t)p->nseg;
	s->ttl = ttl;
	s->suffix = target;
	s->suffixlen = (uint8_t)tlen;
	p->names[p->nnames].pos = 0;
	p->names[p->nnames].len = (uint8_t)(prefix + tlen);
	p->nnames++;
	(void)z;
	return s->target;
}

/* Lower-case name = cur's first `prefix` octets + target, with labels. */
static bool make_name(struct tl_name *out, const struct tl_name *cur,
		      size_t prefix, const uint8_t *target, size_t tlen)
{
	uint8_t tmp[256];
	memcpy(tmp, cur->lname, prefix);
	for (size_t i = 0; i < tlen; i++) {
		uint8_t c = target[i];
		tmp[prefix + i] = (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
	}
	size_t n = prefix + tlen, o = 0;
	int labels = 0;
	while (o < n && tmp[o]) {
		out->loff[labels++] = (uint8_t)o;
		o += 1u + tmp[o];
	}
	if (o >= n)
		return false;
	out->loff[labels] = (uint8_t)o;
	memcpy(out->lname, tmp, n);
	out->len = (uint8_t)n;
	out->nlabels = (uint8_t)labels;
	out->hashed = false;
	out->probed = false;
	out->pprobed = false;
	out->cover = 0;
	return true;
}

static bool in_zone(const struct tl_zone *z, const struct tl_name *n)
{
	if (n->nlabels < z->hdr->origin_labels)
		return false;
	size_t off = n->loff[n->nlabels - z->hdr->origin_labels];
	return n->len - off == z->hdr->origin_len &&
	       !memcmp(n->lname + off, z->hdr->origin, z->hdr->origin_len);
}

static void plan_query(const struct tl_zone *z, struct query *q,
		       struct tl_plan *p)
{
	int dnssec = q->dnssec && z->hdr->denial != ZWT_DENIAL_NONE;
	const struct tl_name *cur = &q->name;
	int idx = 0;

	memset(p, 0, offsetof(struct tl_plan, seg));
	p->data = z->data;
	p->nnames = 1;
	p->nsynth = 0;
	p->names[0].pos = 12;
	p->names[0].len = q->qwlen;
	/* each DNAME step is one follow of knotd's limit, and the chain
	 * compiled for the name reached counts on (tl_chain_limit) */
	for (int step = 0;; step++) {
		int s0 = p->nseg;
		const struct zwt_node *e = tl_resolve(z, cur, q->qtype,
						      dnssec, p, (uint8_t)idx);
		if (!e) {
			if (step)
				tl_chain_limit(p, s0, q->qtype,
					       TL_FOLLOW_MAX - step);
			return;
		}
		if (step == TL_FOLLOW_MAX)
			return;
		p->sigs = dnssec;
		int t = dname_step(z, e, p, cur, idx);
		if (t < 0)
			return;
		const struct tl_synth *s = &p->synth[p->nsynth - 1];
		struct tl_name next;
		if (!make_name(&next, cur, s->prefix, s->suffix, s->suffixlen))
			return;
		p->chase = next;
		cur = &p->chase;
		idx = t;
		/* QTYPE CNAME: the synthesised CNAME is the answer (RFC
		 * 6672 3.2, as knotd and BIND), not followed */
		if (q->qtype == ZW_TYPE_CNAME || !in_zone(z, cur))
			return;
	}
}

static size_t put_opt(uint8_t *out, size_t pos, const struct query *q,
		      uint16_t max_udp, uint16_t ext_rcode, bool ede)
{
	/* root owner, type OPT, class = our UDP size, TTL = extended rcode,
	 * version 0, DO echoed; RDLENGTH; the optional EDE option */
	static const uint8_t ede_opt[6] = {0, 15, 0, 2, 0, EDE_NOT_AUTH};
	uint64_t a = (uint64_t)ZW_TYPE_OPT << 16 |
		     (uint64_t)(max_udp >> 8) << 24 |
		     (uint64_t)(max_udp & 0xff) << 32 |
		     (uint64_t)((ext_rcode >> 4) & 0xff) << 40 |
		     (uint64_t)(q->dnssec ? 0x80 : 0) << 56;
	uint8_t *w = out + pos;
	memcpy(w, &a, 8);
	w[8] = 0;
	w[9] = 0;
	w[10] = ede ? 6 : 0;
	if (!ede)
		return pos + 11;
	memcpy(w + 11, ede_opt, 6);
	return pos + 17;
}

static void put_header(uint8_t *out, const struct query *q, uint16_t flags,
		       const uint16_t counts[4])
{
	uint64_t a = (uint64_t)__builtin_bswap16(q->id) |
		     (uint64_t)__builtin_bswap16(flags) << 16 |
		     (uint64_t)__builtin_bswap16(counts[0]) << 32 |
		     (uint64_t)__builtin_bswap16(counts[1]) << 48;
	uint32_t b = (uint32_t)__builtin_bswap16(counts[2]) |
		     (uint32_t)__builtin_bswap16(counts[3]) << 16;
	memcpy(out, &a, 8);
	memcpy(out + 8, &b, 4);
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
	uint16_t flags = (uint16_t)(ZW_MSG_QR | (q->flags & 0x7900) |
				    (rcode & 0xf));
	if (q->edns) {
		pos = put_opt(out, pos, q, max_udp, rcode, ede);
		counts[3] = 1;
	}
	put_header(out, q, flags, counts);
	return (int)pos;
}

/* One query on its way through the stages. */
struct actx {
	struct query q;
	const uint8_t *pkt;
	size_t len;
	uint8_t *out;
	size_t cap;
	const struct zwt_zone *zh;
	const struct zwt_accel *acc;  /* zh's accelerator (its fields) */
	bool sigs;                    /* DO set and the zone signed */
	const struct zwt_node *cand;  /* node whose slot tag matched */
	const struct zwt_recipe *rec; /* its recipe (stage_node), or NULL */
	const struct zwt_piece *pc;   /* rec's first piece (when it has one) */
	uint64_t phash;               /* hash of the parent of an absent name */
	const struct zwt_node *pcand; /* the parent's node (tag match) */
	uint8_t pstate;               /* enum parent_state */
	uint8_t nstate;               /* enum nsec_state */
	size_t nblk;                  /* accelerator block or index group */
	uint64_t nkey;                /* the absent name's NSEC index key */
	bool n3;                      /* NSEC3: nkey from nh, cover for ncpe */
	uint8_t ncpe;
	uint8_t nh[ZW_NSEC3_HASH_LEN]; /* the next closer name's hash */
	int result;
	bool done;
};

/* Where the prefetching of an absent name's parent stands: its closest
 * encloser is usually the parent (a delegation, for a query below a
 * cut such as a glue name), which tl_resolve probes at answer time. */
enum parent_state {
	PARENT_NONE = 0,
	PARENT_SLOT = 1,  /* phash set, its home slot prefetched */
	PARENT_NODE = 2,  /* pcand set, its lines prefetched */
};

/* Where the search for the NSEC covering an absent name stands (DO=1,
 * NSEC zones): it runs in the burst's stages (zwt_accel_upper, _group,
 * _leaf), so its two misses, the index group and then the NSEC piece,
 * overlap the other queries' work instead of stalling the answer. */
enum nsec_state {
	NSEC_NONE = 0,
	NSEC_BLOCK = 1,  /* nkey set, nblk: the level-0 block, prefetched */
	NSEC_GROUP = 2,  /* nblk: the index group, prefetched */
};

/* The zone view tl_* take, from the burst's zone and its accelerator. */
static inline struct tl_zone zone_of(const struct actx *c)
{
	return (struct tl_zone){c->zh, c->acc->data, c->acc};
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
		q->udp = 0;
	} else {
		/* octets 0-7 as one word: root, type OPT, version 0 */
		const uint64_t must = 0x00ff000000ffffffULL;
		const uint64_t opt = (uint64_t)ZW_TYPE_OPT << 16;
		if (q->qend + 11 > c->len || (zw_load64(r) & must) != opt ||
		    q->qend + 11 + (size_t)(r[9] << 8 | r[10]) != c->len)
			return false;
		uint16_t udp = (uint16_t)(r[3] << 8 | r[4]);
		q->edns = true;
		q->udp = udp < 512 ? 512 : udp;
		q->dnssec = (r[7] & 0x80) != 0;
	}
	q->id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	q->flags = (uint16_t)(pkt[2] << 8 | pkt[3]);
	c->zh = query_zone(t, &q->name, q->qtype);
	return c->zh != NULL;
}

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
		return (c->zh = query_zone(t, nm, q->qtype)) != NULL;
	const struct zwt_zone *z = t->zones[0];
	unsigned ol = z->origin_labels;
	c->zh = z;
	return ol <= nm->nlabels && n - nm->loff[nm->nlabels - ol] ==
	       z->origin_len && tl_name_eq(nm->lname + nm->loff[nm->nlabels - ol],
					   z->origin, z->origin_len);
}

/* Everything but the fast path's queries: parse_any's, then the errors. */
static __attribute__((noinline))
bool parse_slow(const struct zw_table *t, struct actx *c, uint16_t max_udp)
{
	if (!parse_any(t, c) && !parse_full(t, c, max_udp))
		return false;
	c->q.name.hashed = true; /* stage_parse hashes it next */
	return true;
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
	c->done = !parse_fast(t, c) && !parse_slow(t, c, max_udp);
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

/* Lines prefetched per node and per piece. */
#define NODE_LINES 2
#define PIECE_LINES_DO0 2
#define PIECE_LINES_DO1 5

/* The lines of a piece that the answer will read first. */
static inline void prefetch_piece(const uint8_t *pc, bool sigs)
{
	zwt_prefetch(pc);
	zwt_prefetch(pc + 64);
	if (!sigs)
		return;
	_Static_assert(PIECE_LINES_DO0 == 2 && PIECE_LINES_DO1 == 5,
		       "prefetch_piece's lines");
	zwt_prefetch(pc + 128);
	zwt_prefetch(pc + 192);
	zwt_prefetch(pc + 256);
}

/* Would a denial of this name carry an NSEC covering it? */
static inline bool nsec_wanted(const struct actx *c)
{
	return c->sigs && c->zh->denial == ZWT_DENIAL_NSEC;
}

static void nsec_begin(struct actx *c)
{
	struct tl_zone z = zone_of(c);
	c->n3 = false;
	c->nkey = tl_nsec_key(&z, &c->q.name);
	c->nblk = zwt_accel_upper(c->acc, c->nkey);
	if (c->nblk != SIZE_MAX) /* else below every key: left to answer */
		c->nstate = NSEC_BLOCK;
}

static void nsec_group(struct actx *c)
{
	c->nblk = zwt_accel_group(c->acc, c->nkey, c->nblk);
	c->nstate = NSEC_GROUP;
}

/* NSEC3: hash the next closer name now (the work tl_nsec3_nc would do
 * at answer time) and search for the first entry >= its hash. */
static void nsec3_begin(struct actx *c)
{
	struct tl_zone z = zone_of(c);
	const struct zwt_node *apex = zwt_at(c->acc->data, c->zh->apex);
	if (!tl_nsec3_nc_hash(&z, &c->q.name, apex->cpe_labels, c->nh))
		return;
	uint64_t key = zwt_load_be64(c->nh);
	if (!key) /* the first entry >= it is the first: left to answer */
		return;
	c->n3 = true;
	c->ncpe = apex->cpe_labels;
	c->nkey = key - 1;
	c->nblk = zwt_accel_upper(c->acc, c->nkey);
	if (c->nblk != SIZE_MAX)
		c->nstate = NSEC_BLOCK;
}

/* The name does not exist: when its closest encloser is the apex (one
 * label below it) and the answer will carry the covering NSEC (NSEC3:
 * covering the next closer name), start its search. Deeper names may
 * be below a cut, which needs none: in NSEC zones theirs starts once
 * the parent is known (parent_slot, parent_node). */
static void nsec_start(struct actx *c)
{
	if (!c->sigs || c->q.name.nlabels != c->zh->origin_labels + 1u)
		return;
	if (c->zh->denial == ZWT_DENIAL_NSEC)
		nsec_begin(c);
	else if (c->zh->denial == ZWT_DENIAL_NSEC3)
		nsec3_begin(c);
}

/* The entry found: its NSEC piece is the cover (prefetch it), unless
 * the key ties, which tl_nsec_cover settles on the full names. */
static void nsec_leaf(struct actx *c)
{
	size_t i = zwt_accel_leaf(c->acc, c->nkey, c->nblk);
	const struct zwt_nsec_ent *e = (const void *)c->acc->idx;
	c->nstate = NSEC_NONE;
	if (c->n3) { /* i: the last entry below the hash's key */
		struct tl_zone z = zone_of(c);
		uint32_t pc = tl_nsec3_pick(&z, c->nh, (long)i + 1);
		c->q.name.cover = pc;
		c->q.name.cover_cpe = c->ncpe;
		prefetch_piece(zwt_at(c->acc->data, pc), true);
		return;
	}
	if (e[i].key == c->nkey)
		return;
	c->q.name.cover = e[i].piece;
	prefetch_piece(zwt_at(c->acc->data, e[i].piece), true);
}

/* The name does not exist: hash its parent and prefetch that slot, when
 * the parent is not the apex (tl_resolve never probes the apex). */
static void parent_start(struct actx *c)
{
	const struct tl_name *nm = &c->q.name;
	if (nm->nlabels < c->zh->origin_labels + 2u)
		return;
	size_t off = nm->loff[1];
	c->phash = zwt_hash_padded(c->acc->seed, nm->lname + off,
				   nm->len - off);
	zwt_prefetch(&c->acc->slots[c->phash & c->acc->mask]);
	c->pstate = PARENT_SLOT;
}

/* The parent's slots (prefetched by parent_start): on a tag match
 * prefetch its node, and its recipes that follow it. */
static void parent_slot(struct actx *c)
{
	const uint8_t *data = c->acc->data;
	const uint64_t *slots = c->acc->slots;
	uint64_t mask = c->acc->mask;
	uint64_t i = c->phash & mask;
	uint32_t tag = (uint32_t)(c->phash >> 32);

	c->pstate = PARENT_NONE;
	for (unsigned k = 0; k < 8; k++, i = (i + 1) & mask) {
		uint64_t s = slots[i];
		if (!(uint32_t)s) { /* no such name: tl_resolve looks higher */
			c->q.name.parent = NULL;
			c->q.name.pprobed = true;
			if (nsec_wanted(c))
				nsec_begin(c);
			return;
		}
		if ((uint32_t)(s >> 32) == tag) {
			const uint8_t *n = zwt_at(data, (uint32_t)s);
			c->pcand = (const struct zwt_node *)n;
			zwt_prefetch(n);
			zwt_prefetch(n + 64);
			c->pstate = PARENT_NODE;
			return;
		}
	}
}

/* The parent's node is in: when it is the parent (not another name
 * with the same tag), tl_resolve takes it from the name; a delegation's
 * referral recipe sits in its lines, its first piece elsewhere, so
 * prefetch that. */
static void parent_node(struct actx *c)
{
	const struct zwt_node *n = c->pcand;
	struct tl_name *nm = &c->q.name;
	size_t off = nm->loff[1], len = nm->len - off;
	c->pstate = PARENT_NONE;
	if (n->namelen != len ||
	    !tl_name_eq(zwt_node_name(n), nm->lname + off, len))
		return;
	nm->parent = n;
	nm->pprobed = true;
	if (!(n->flags & ZWT_N_CUT)) { /* the leaf is left to stage_answer */
		if (nsec_wanted(c)) {
			nsec_begin(c);
			if (c->nstate == NSEC_BLOCK)
				nsec_group(c);
		}
		return;
	}
	const uint8_t *data = c->acc->data;
	const struct zwt_recipe *r = zwt_at(data, n->dflt[c->sigs]);
	if (r->npieces)
		prefetch_piece(zwt_at(data, zwt_recipe_pieces(r)[0]), c->sigs);
}

/* Slots stage_slot reads before it leaves the probe to tl_probe_h. */
#define SLOT_WALK 8

/* The slot walk of stage_slot when the home slot does not hold the
 * name's tag: to the first tag match or an empty slot (the name does not
 * exist: no probe later). */
static __attribute__((noinline)) void slot_walk(struct actx *c)
{
	const uint64_t *slots = c->acc->slots;
	uint64_t mask = c->acc->mask;
	uint64_t i = c->q.name.hash & mask;
	uint32_t tag = (uint32_t)(c->q.name.hash >> 32);

	for (unsigned k = 0; k < SLOT_WALK; k++, i = (i + 1) & mask) {
		uint64_t s = slots[i];
		if (!(uint32_t)s) {
			c->cand = NULL;
			c->q.name.node = NULL;
			c->q.name.probed = true;
			parent_start(c);
			nsec_start(c);
			return;
		}
		if ((uint32_t)(s >> 32) == tag) {
			const uint8_t *n = zwt_at(c->acc->data, (uint32_t)s);
			c->cand = (const struct zwt_node *)n;
			for (unsigned l = 0; l < NODE_LINES; l++)
				zwt_prefetch(n + 64 * l);
			return;
		}
	}
	/* SLOT_WALK slots taken, none with its tag: the name is most
	 * likely absent (tl_resolve probes on), so its search may start */
	c->cand = NULL;
	nsec_start(c);
}

/* Stage 2: the name's home slot (prefetched by stage_parse). Usually it
 * holds the name's tag: prefetch that node (and the recipes the
 * compiler put right after it); else walk on (slot_walk). */
static inline void stage_slot(struct actx *c)
{
	uint64_t h = c->q.name.hash;
	uint64_t s = c->acc->slots[h & c->acc->mask];
	if (!(uint32_t)s || (s ^ h) >> 32) {
		slot_walk(c);
		return;
	}
	const uint8_t *n = zwt_at(c->acc->data, (uint32_t)s);
	c->cand = (const struct zwt_node *)n;
	for (unsigned l = 0; l < NODE_LINES; l++)
		zwt_prefetch(n + 64 * l);
}

/* A tag match with another name (1 in 2^32): probe on. */
static __attribute__((noinline))
const struct zwt_node *node_collision(struct actx *c)
{
	struct tl_zone z = zone_of(c);
	const struct tl_name *nm = &c->q.name;
	return tl_probe_h(&z, nm->lname, nm->len, nm->hash);
}

/* Stage 3: the probe proper (the node's lines should be in by now),
 * the node's recipe for the query and its first piece: prefetch that.
 * c->cand and c->rec are the name's node and its recipe then (or
 * c->rec NULL: no node, or not probed yet); answer_rest records the
 * node in the name when a plan needs it. Absent names (no tag match):
 * the next steps of their parent's and NSEC searches. */
static inline __attribute__((always_inline))
void stage_node(struct actx *c)
{
	struct query *q = &c->q;
	const struct zwt_node *n = c->cand;
	c->rec = NULL;
	if (!n) { /* no tag match near the home slot */
		if (c->pstate == PARENT_SLOT)
			parent_slot(c);
		if (c->nstate == NSEC_BLOCK)
			nsec_group(c);
		return;
	}
	if (n->namelen != q->name.len ||
	    !tl_name_eq(zwt_node_name(n), q->name.lname, q->name.len)) {
		n = node_collision(c);
		c->cand = n;
		q->name.node = n;
		q->name.probed = true;
		if (!n)
			return;
	}
	const uint8_t *data = c->acc->data;
	const struct zwt_recipe *r = zwt_at(data, tl_select(n, q->qtype,
							    c->sigs));
	c->rec = r;
	if (r->npieces) {
		c->pc = zwt_at(data, zwt_recipe_pieces(r)[0]);
		prefetch_piece((const uint8_t *)c->pc, c->sigs);
	}
}

/* Stage 4, absent names only: the NSEC search's index group (its cover
 * piece prefetched) and the parent's node, both read by then. */
static void stage_parent(struct actx *c)
{
	if (c->nstate == NSEC_GROUP) /* before parent_node starts one */
		nsec_leaf(c);
	if (c->pstate == PARENT_NODE)
		parent_node(c);
}

/* Octets the response may take: the client's EDNS size (or 512) capped
 * by the server's, over TCP 65535; never more than the buffer. */
static inline size_t answer_limit(const struct actx *c, bool tcp,
				  uint16_t max_udp)
{
	size_t l;
	if (tcp)
		l = 65535;
	else if (c->q.edns)
		l = c->q.udp < max_udp ? c->q.udp : max_udp;
	else
		l = 512;
	return l < c->cap ? l : c->cap;
}

/* Header, OPT and the question (when out is not the query itself). */
static int finish(struct actx *c, size_t pos, uint16_t flags,
		  uint16_t counts[4], uint16_t max_udp)
{
	if (c->out != c->pkt)
		copy_bytes(c->out + 12, c->pkt + 12, c->q.qend - 12);
	if (c->q.edns) {
		pos = put_opt(c->out, pos, &c->q, max_udp, 0, false);
		counts[3]++;
	}
	put_header(c->out, &c->q, flags, counts);
	return (int)pos;
}

/* The four section counts as 16-bit lanes of one word (QDCOUNT lowest)
 * turned into the header's octets 4..11 (each lane big-endian). */
static inline uint64_t lanes_be16(uint64_t v)
{
	return (v & 0x00ff00ff00ff00ffULL) << 8 | (v >> 8 & 0x00ff00ff00ff00ffULL);
}

/* Lane of the section of part p (answer 1, authority 2, additional 3). */
#define LANE(p) (1ULL << (16 * (1 + (p) / 2)))
/* Pieces of one or two parts (all of the usual answers but DO=1
 * referrals with glue): the lanes of the first and the second part's
 * count; 0, 0 for the others, whose counts take the loop. */
#define CMUL(m) {							\
	__builtin_popcount(m) - 1u < 2u ? LANE(__builtin_ctz(m)) : 0,	\
	__builtin_popcount(m) == 2 ? LANE(__builtin_ctz((m) & ((m) - 1))) : 0}
#define CMUL4(m) CMUL(m), CMUL((m) + 1), CMUL((m) + 2), CMUL((m) + 3)
#define CMUL16(m) CMUL4(m), CMUL4((m) + 4), CMUL4((m) + 8), CMUL4((m) + 12)
static const uint64_t counts_mul[1 << ZWT_PARTS][2] = {
	CMUL16(0), CMUL16(16), CMUL16(32), CMUL16(48)};

/* The counts of a piece in lanes, one part at a time. */
static __attribute__((noinline)) uint64_t counts_loop(const struct zwt_piece *pc)
{
	uint64_t counts = 0; /* part p counts in lane 1 + p / 2 */
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	for (unsigned bits = pc->parts; bits; bits &= bits - 1, pd++)
		counts += (uint64_t)pd->count
			  << (16 + 16 * (__builtin_ctz(bits) >> 1));
	return counts;
}

/* The header's octets 4..11 for piece pc (plus the question, plus the
 * OPT when `opt`): with one or two parts two multiplies, not a loop;
 * when every count is below 256 (the usual answer) the big-endian lanes
 * are the word shifted by 8. */
static inline uint64_t exact_counts(const struct zwt_piece *pc, bool opt)
{
	const uint64_t *mul = counts_mul[pc->parts];
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	uint64_t v = 1 + ((uint64_t)opt << 48);
	if (mul[0]) /* validated: a part holds >= 1 RR, so pd[1] is inside */
		v += pd[0].count * mul[0] + pd[1].count * mul[1];
	else
		v += counts_loop(pc);
	return v & 0xff00ff00ff00ff00ULL ? lanes_be16(v) : v << 8;
}

/* The header's flags and counts for the exact path (the ID is the
 * query's, already in place: out is the query or a copy of its header),
 * and the OPT (11 octets, two overlapping stores of the burst's
 * template) at pos when the query has one. */
static inline size_t finish_exact(struct actx *c, size_t pos, uint16_t flags,
				  uint64_t counts_be, const uint8_t opt[2][16])
{
	uint8_t *o = c->out;
	if (c->q.edns) {
		const uint8_t *t = opt[c->q.dnssec];
		memcpy(o + pos, t, 8);
		memcpy(o + pos + 3, t + 3, 8);
		pos += 11;
	}
	uint16_t f = __builtin_bswap16(flags);
	memcpy(o + 2, &f, 2);
	memcpy(o + 4, &counts_be, 8);
	return pos;
}

/* The common case, without a plan: the name exists, its recipe r is one
 * whole-response piece compiled for exactly this name, and it fits, so
 * the response is the query's header and question, that piece's wire
 * (what tl_emit's emit_whole would write) and the OPT. The checks
 * (false: not this case, take the general path) ... */
static inline __attribute__((always_inline))
bool exact_fits(const struct actx *c, const struct zwt_recipe *r,
		const struct zwt_piece *pc, bool tcp, uint16_t max_udp)
{
	const struct query *q = &c->q;
	if (pc->alen != q->qwlen ||
	    (!(r->flags & ZWT_R_SIGS) && (pc->parts & 0x2a)))
		return false;
	size_t need = q->qend + pc->size + (q->edns ? 11 : 0);
	/* every limit is at least 512 or the buffer: most answers fit so */
	return (need <= 512 && need <= c->cap) ||
	       need <= answer_limit(c, tcp, max_udp);
}

/* ... and the writing: returns the response's length. */
static inline __attribute__((always_inline))
int answer_exact(struct actx *c, const struct zwt_recipe *r,
		 const struct zwt_piece *pc, const uint8_t opt[2][16])
{
	const struct query *q = &c->q;
	size_t qend = q->qend;
	uint8_t *o = c->out;
	if (o != c->pkt) /* header (ID) and question */
		copy_head(o, c->pkt, qend);
	copy_bytes(o + qend, (const uint8_t *)pc + pc->wire, pc->size);
	uint16_t flags = (uint16_t)(ZW_MSG_QR | (q->flags & 0x7900) |
				    ((r->flags & ZWT_R_AA) ? ZW_MSG_AA : 0) |
				    (r->rcode & 0xf));
	return (int)finish_exact(c, qend + pc->size, flags,
				 exact_counts(pc, q->edns), opt);
}

/* The first piece of recipe r. */
static inline const struct zwt_piece *first_piece(const struct actx *c,
						  const struct zwt_recipe *r)
{
	return zwt_at(c->acc->data, zwt_recipe_pieces(r)[0]);
}

/* The OPT record of a successful answer (no extended rcode, no EDE),
 * DO clear and set: built once per call. */
static void opt_templates(uint8_t opt[2][16], uint16_t max_udp)
{
	struct query q = {.dnssec = false};
	memset(opt, 0, 32);
	put_opt(opt[0], 0, &q, max_udp, 0, false);
	q.dnssec = true;
	put_opt(opt[1], 0, &q, max_udp, 0, false);
}

/* The general path: plan the response (table_lookup.c) and write it
 * (table_emit.c). Out of line, so the exact path does not set up its
 * frame (the plan is 2 KB). */
static __attribute__((noinline))
int answer_planned(struct actx *c, size_t limit, uint16_t max_udp)
{
	struct query *q = &c->q;
	struct tl_plan p;
	struct tl_zone z = zone_of(c);
	plan_query(&z, q, &p);
	/* the question: finish() copies it (tl_emit reads it at qwire) */
	uint16_t counts[4] = {1, 0, 0, 0};
	bool tc = false;
	size_t pos = tl_emit(&p, c->out, q->qend, limit, c->pkt + 12, counts,
			     &tc);
	uint16_t flags = (uint16_t)(ZW_MSG_QR | (q->flags & 0x7900) |
				    (p.aa ? ZW_MSG_AA : 0) |
				    (tc ? ZW_MSG_TC : 0) | (p.rcode & 0xf));
	return finish(c, pos, flags, counts, max_udp);
}

/* The rest of stage 5: the checks the exact path skipped, the probe
 * stage_node left (a tag match with another name, or none near the home
 * slot), and the general path. Out of line: the exact path keeps a
 * small frame. */
static __attribute__((noinline))
int answer_rest(struct actx *c, bool tcp, uint16_t max_udp,
		const uint8_t opt[2][16])
{
	struct query *q = &c->q;
	size_t limit = answer_limit(c, tcp, max_udp);
	size_t optlen = q->edns ? 11 : 0;
	if (limit < q->qend + optlen)
		return ZW_ENOSPC;
	if (c->nstate == NSEC_GROUP) /* started late (parent_node) */
		nsec_leaf(c);
	if (c->rec) { /* stage_node's node: answer_exact had it */
		q->name.node = c->cand;
		q->name.probed = true;
	} else {
		struct tl_zone z = zone_of(c);
		const struct zwt_node *n = q->name.probed ? q->name.node :
			tl_probe_h(&z, q->name.lname, q->name.len,
				   q->name.hash);
		q->name.node = n;
		q->name.probed = true;
		if (n) {
			const struct zwt_recipe *r =
				zwt_at(c->acc->data,
				       tl_select(n, q->qtype, c->sigs));
			if (r->npieces == 1 &&
			    exact_fits(c, r, first_piece(c, r), tcp, max_udp))
				return answer_exact(c, r, first_piece(c, r),
						    opt);
		}
	}
	return answer_planned(c, limit - optlen, max_udp);
}

/* Stage 5: write the response; the exact path inline, the rest out of
 * line. */
static inline __attribute__((always_inline))
int stage_answer(struct actx *c, bool tcp, uint16_t max_udp,
			       const uint8_t opt[2][16])
{
	const struct zwt_recipe *r = c->rec;
	if (r && r->npieces == 1 && exact_fits(c, r, c->pc, tcp, max_udp))
		return answer_exact(c, r, c->pc, opt);
	return answer_rest(c, tcp, max_udp, opt);
}

static uint16_t server_udp(const struct zw_answer_opts *opts)
{
	return opts && opts->max_udp >= 512 ? opts->max_udp : 1232;
}

int zw_table_answer(const struct zw_table *t, const uint8_t *pkt,
		    size_t len, uint8_t *out, size_t cap,
		    const struct zw_answer_opts *opts)
{
	struct actx c = {.pkt = pkt, .len = len, .out = out, .cap = cap};
	uint16_t max_udp = server_udp(opts);
	uint8_t opt[2][16];
	stage_parse(t, &c, max_udp);
	if (c.done)
		return c.result;
	opt_templates(opt, max_udp);
	return stage_answer(&c, opts && opts->tcp, max_udp, opt);
}

#define BURST_MAX 32

/* One burst, stage by stage: every query is parsed (its home slot
 * prefetched), then every query's slots are read (its node prefetched),
 * then every node (its piece prefetched), then the parents and NSEC
 * searches of absent names, then every query is answered. Between a
 * query's prefetch and its read lies a whole stage of the other queries'
 * work, long enough to cover a miss to memory even for the first query
 * of the burst (a pipeline a few queries deep left the first and last
 * queries of each burst waiting: 175 -> 151 ns a query on the 1M table,
 * DO=0). Compiled twice on x86-64 (GCC), the AVX2 copy picked at load
 * time: the piece and question copies move 32 octets an instruction
 * (1M mix 498 -> 490 instructions a query DO=0, 630 -> 612 DO=1). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void answer_burst(const struct zw_table *t,
			 const uint8_t *const pkt[], const size_t len[],
			 uint8_t *const out[], const size_t cap[],
			 int outlen[], unsigned n,
			 const struct zw_answer_opts *opts)
{
	struct actx c[BURST_MAX];
	uint16_t max_udp = server_udp(opts);
	bool tcp = opts && opts->tcp;
	uint8_t opt[2][16];
	opt_templates(opt, max_udp);

	for (unsigned base = 0; base < n; base += BURST_MAX) {
		unsigned m = n - base < BURST_MAX ? n - base : BURST_MAX;
		struct actx *live[BURST_MAX], *absent[BURST_MAX];
		unsigned nl = 0, na = 0;
		for (unsigned i = 0; i < m; i++) {
			c[i].pkt = pkt[base + i];
			c[i].len = len[base + i];
			c[i].out = out[base + i];
			c[i].cap = cap[base + i];
			stage_parse(t, &c[i], max_udp);
			live[nl] = &c[i];
			nl += !c[i].done;
		}
		for (unsigned i = 0; i < nl; i++)
			stage_slot(live[i]);
		for (unsigned i = 0; i < nl; i++) {
			stage_node(live[i]);
			absent[na] = live[i];
			na += !live[i]->cand;
		}
		for (unsigned i = 0; i < na; i++)
			stage_parent(absent[i]);
		for (unsigned i = 0; i < m; i++)
			outlen[base + i] = c[i].done ? c[i].result
				: stage_answer(&c[i], tcp, max_udp, opt);
	}
}

/* The burst's entry (one symbol for profilers, whichever clone runs). */
void zw_table_answer_burst(const struct zw_table *t,
			   const uint8_t *const pkt[], const size_t len[],
			   uint8_t *const out[], const size_t cap[],
			   int outlen[], unsigned n,
			   const struct zw_answer_opts *opts)
{
	answer_burst(t, pkt, len, out, cap, outlen, n, opts);
}
