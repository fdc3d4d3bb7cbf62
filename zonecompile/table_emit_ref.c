/* Referrals for names below a zone cut (a glue name such as
 * ns1.child.example. A answered with child.example.'s referral), written
 * from the cut's referral piece without a plan: tl_emit_ref (the
 * sections; tl_emit's callers) and tl_answer_ref (the whole response;
 * table_plan.c answer_referral). The query name is longer than the
 * piece's anchor, so the NS targets below the cut are cut into the
 * question (Knot's compression) and every pointer after the cut moves
 * by one delta per region (fix_span). Equal octet for octet to the
 * general writer: tests/zonecompile/test_table_emit.c and fuzz_table
 * compare the two. Split out of table_emit.c. */
#include <stddef.h>
#include <string.h>

#include "zonecompile/table_answer_int.h" /* tl_answer_ref's query */
#include "zonecompile/table_emit_int.h"

/* Is the label chain of the query name qw (from its start) through k
 * and then through e (k <= e)? */
static inline bool q_labels_at(const uint8_t *qw, size_t k, size_t e)
{
	size_t p = 0;
	while (p < k)
		p += 1u + qw[p];
	if (p != k)
		return false;
	while (p < e)
		p += 1u + qw[p];
	return p == e;
}

/* rdata_name_cut for an NS RDATA w[r..o), o - r <= room (the query
 * name's octets in front of the anchor, alen octets, plus 2), without
 * its label walk in the usual cases. When the RDATA ends in a pointer
 * to the anchor's start (lit octets before it), the walk ends there if
 * those octets are the query name's labels in front of the anchor (they
 * then lead it there: the cut); else it can only end at an earlier
 * pointer to the anchor, and with no octet 0xc0 before that pointer
 * there is none (no cut). Otherwise rdata_name_cut itself. */
static inline __attribute__((always_inline)) size_t ref_name_cut(
	const uint8_t *qw, size_t qlen, size_t alen, size_t room,
	const uint8_t *w, size_t r, size_t o, size_t *kq)
{
	const uint64_t ones = 0x0101010101010101ull;
	size_t lit = o - r - 2, k = qlen - alen - lit;
	if (o - r < 3 || zw_load16(w + o - 2) != 0x0cc0)
		return rdata_name_cut(qw, room, w, r, o, kq);
	if (q_equal(qw, k, w + r, lit) && q_labels_at(qw, k, qlen - alen)) {
		*kq = k;
		return lit;
	}
	if (lit > 6 || o < 8)
		return rdata_name_cut(qw, room, w, r, o, kq);
	/* octets w[o-8..o) in a word: w[r..o-2) are its octets 6-lit..5 */
	uint64_t y = zw_load64(w + o - 8) ^ 0xc0c0c0c0c0c0c0c0ull;
	uint64_t m = ((1ull << 48) - 1) & ~((1ull << (8 * (6 - lit))) - 1);
	if (((y - ones) & ~y & (ones << 7)) & m)
		return rdata_name_cut(qw, room, w, r, o, kq);
	return 0;
}

/* rdata_cut for a referral's NS RRset (w[0..end), is_ref's piece): its
 * RRs owned by the anchor, each NS target checked as rdata_cut checks
 * it; at an RR of another form rdata_cut itself, from the start (the
 * RRs before it did not match there either). */
static inline __attribute__((always_inline)) uint16_t ref_cut(
	const uint8_t *qw, size_t qlen, const uint8_t *w, size_t end,
	size_t alen, struct cutinfo *ci)
{
	size_t o = 0, kq = 0, room = qlen - alen + 2;
	while (o + 12 <= end && zw_load32(w + o) == 0x02000cc0u) {
		size_t r = o + 12,
		       rdlen = __builtin_bswap16(zw_load16(w + o + 10));
		o = r + rdlen;
		if (rdlen > room || o > end || r - 2 > ZWT_FIX_POSMAX)
			continue;
		size_t lit = ref_name_cut(qw, qlen, alen, room, w, r, o, &kq);
		if (lit) {
			ci->keep = (uint16_t)r;
			ci->rdl = (uint16_t)(r - 2);
			ci->qoff = (uint16_t)(12 + kq);
			return (uint16_t)lit;
		}
	}
	return o + 10 < end ? rdata_cut(qw, qlen, w, end, alen, ci) : 0;
}

/* A referral for a name below the cut: emit_piece (piece_cut) for the
 * one piece of that plan, whose first part is the authority's NS RRset
 * owned by the anchor (no answer parts), in fewer steps. Its parts
 * written (wr) are its first ones; the NS target that the query name
 * ends with (rdata_cut), if any, is in the first of them, so every
 * octet after it moves back by the same n. Through tl_emit_ref, for
 * emit_piece and for table_plan.c's answer_referral (no plan). */
/* The end of the NS RRset of a referral piece (is_ref's): the part's
 * end, or its first unit's when it has several. */
static inline size_t ref_end0(const struct zwt_piece *pc)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	unsigned np = zwt_nparts(pc->parts);
	if (pd[0].nunit <= 1)
		return pd[0].len;
	const uint8_t *u = (const uint8_t *)(pd + np);
	for (unsigned j = 0; j < np; j++)
		u += 2u * pd[j].nfix;
	return zw_load16(u);
}

static inline __attribute__((always_inline)) int emit_ref(
	const struct zwt_piece *pc, unsigned wr, uint8_t *out, size_t *ppos,
	size_t limit, const uint8_t *qw, size_t qlen, uint16_t counts[4],
	const struct tl_refcut *hint)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	unsigned np = zwt_nparts(pc->parts), nw = 0;
	const uint8_t *fix = (const uint8_t *)(pd + np);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	size_t alen = pc->alen, size, n;
	struct cutinfo ci;

	/* the cut first: the fewer values live across its loop; a below
	 * node's own name has it precomputed (tl_ref_cut) */
	if (hint) {
		ci.keep = hint->keep;
		ci.rdl = hint->rdl;
		ci.qoff = hint->qoff;
		n = hint->n;
	} else {
		n = ref_cut(qw, qlen, w, ref_end0(pc), alen, &ci);
	}
	/* the parts written: 2 (is_ref), then 3 to 5 as present: the
	 * authority's RRs and the additional's */
	unsigned auth = pd[0].count, add = 0;
	size = pd[0].len;
	nw = 1;
	if (wr & 8) {
		auth += pd[1].count;
		size += pd[1].len;
		nw = 2;
	}
	for (unsigned b = wr & 0x30; b; b &= b - 1, nw++) {
		add += pd[nw].count;
		size += pd[nw].len;
	}
	size_t at = *ppos, end = at + size - n;
	long dq = (long)(qlen - alen), canon = 12 + (long)alen + 4;
	if (end > limit || end > 0x4000)
		return FAST_NO;
	uint8_t *o = out + at;
	const uint8_t *fe = fix + 2u * pd[0].nfix;
	size_t kp = ci.keep;
	/* no cut: every region moves as the parts do */
	const long dr[3] = {(long)at - canon,
			    n ? (long)ci.qoff - (long)kp - canon : 0,
			    (long)(at - n) - canon};
	const unsigned c1 = n ? (unsigned)(0xc000 + canon + (long)kp) : ~0u,
		       c2 = c1 + (unsigned)n;
	if (!n) {
		copy_run(o, w, size);
		fix = fix_span(o, fix, fe, ~0u, dq, dr, c1, c2);
	} else {
		cut_copy(o, w, size, kp, ci.rdl, ci.qoff, (unsigned)n);
		fix = fix_span(o, fix, fe, (unsigned)kp, dq, dr, c1, c2);
		if (fix < fe && ZWT_FIX_POS(zw_load16(fix)) == kp + n)
			fix += 2; /* the pointer the cut replaced */
		if (fix < fe && ZWT_FIX_POS(zw_load16(fix)) < kp + n)
			return FAST_NO; /* inside the cut labels */
		o -= n;
		fix = fix_span(o, fix, fe, ~0u, dq, dr, c1, c2);
	}
	for (unsigned j = 1; j < nw; j++) {
		o += pd[j - 1].len;
		fix = fix_span(o, fix, fix + 2u * pd[j].nfix, ~0u, dq, dr, c1,
			       c2);
	}
	counts[2] += (uint16_t)auth;
	counts[3] += (uint16_t)add;
	*ppos = end;
	return FAST_OK;
}

size_t tl_emit_ref(const uint8_t *piece, bool sigs, uint8_t *out,
		   size_t pos, size_t limit, const uint8_t *qwire,
		   size_t qlen, uint16_t counts[4])
{
	const struct zwt_piece *pc = (const void *)piece;
	unsigned mask = sigs ? 0x3fu : 0x15u;
	unsigned wr = pc->parts & mask, un = pc->parts & ~mask;
	/* emit_whole wants qlen == alen, is_ref qlen > alen; emit_piece
	 * takes the parts written only when they are the first ones */
	if (!is_ref(pc, qlen) || (un && wr >> __builtin_ctz(un)))
		return 0;
	return emit_ref(pc, wr, out, &pos, limit, qwire, qlen, counts,
			NULL) == FAST_OK ? pos : 0;
}

bool tl_ref_cut(const uint8_t *piece, const uint8_t *qwire, size_t qlen,
		struct tl_refcut *cut)
{
	const struct zwt_piece *pc = (const void *)piece;
	struct cutinfo ci = {0, 0, 0};
	memset(cut, 0, sizeof(*cut));
	if (!is_ref(pc, qlen))
		return false;
	cut->n = ref_cut(qwire, qlen, piece + pc->wire, ref_end0(pc),
			 pc->alen, &ci);
	if (cut->n) {
		cut->keep = ci.keep;
		cut->rdl = ci.rdl;
		cut->qoff = ci.qoff;
	}
	return true;
}

/* The header (with the ID) and question of a referral answered apart
 * from the query (out != pkt): 17..272 octets, the usual up to 64 in
 * 16-octet moves (the exact path's copy_head tests in the other order,
 * which costs these answers ~12 instructions). */
static inline void ref_head(uint8_t *o, const uint8_t *s, size_t n)
{
	if (n <= 32) {
		copy16(o, s, 0);
		copy16(o + n - 16, s + n - 16, 0);
	} else if (n <= 64) {
		copy16(o, s, 0);
		copy16(o, s, 16);
		copy16(o + n - 32, s + n - 32, 0);
		copy16(o + n - 32, s + n - 32, 16);
	} else {
		memcpy(o, s, n);
	}
}

/* tl_answer_ref and tl_answer_below: the cut found or given (hint). */
static inline __attribute__((always_inline)) int answer_ref(
	struct actx *c, const uint8_t *piece, unsigned rflags, unsigned rcode,
	size_t limit, uint16_t max_udp, const struct tl_refcut *hint)
{
	const struct query *q = &c->q;
	const struct zwt_piece *pc = (const void *)piece;
	unsigned mask = rflags & ZWT_R_SIGS ? 0x3fu : 0x15u;
	unsigned wr = pc->parts & mask, un = pc->parts & ~mask;
	uint16_t counts[4] = {1, 0, 0, 0};
	size_t pos = q->qend;
	uint8_t *o = c->out;
	/* tl_emit_ref's checks */
	if (!is_ref(pc, q->qwlen) || (un && wr >> __builtin_ctz(un)) ||
	    emit_ref(pc, wr, o, &pos, limit, c->pkt + 12, q->qwlen,
		     counts, hint) != FAST_OK)
		return -1;
	/* the header and question copied with the ID (as the exact path),
	 * then the flags and the counts as one big-endian word */
	if (o != c->pkt)
		ref_head(o, c->pkt, q->qend);
	uint64_t lanes;
	memcpy(&lanes, counts, 8);
	if (q->edns) {
		pos = put_opt(o, pos, q, max_udp, 0, false);
		lanes += 1ull << 48;
	}
	uint16_t f = __builtin_bswap16(answer_flags(q, rflags & ZWT_R_AA,
						    rcode));
	lanes = (lanes & 0x00ff00ff00ff00ffull) << 8 |
		(lanes >> 8 & 0x00ff00ff00ff00ffull);
	memcpy(o + 2, &f, 2);
	memcpy(o + 4, &lanes, 8);
	return (int)pos;
}

int tl_answer_ref(struct actx *c, const uint8_t *piece, unsigned rflags,
		  unsigned rcode, size_t limit, uint16_t max_udp)
{
	return answer_ref(c, piece, rflags, rcode, limit, max_udp, NULL);
}

/* The pointers of one part of a below node's referral written at b
 * (its fixups fix..fe, those at or past position lim left): QSTART
 * stays; every other moves by dq, as the question grew by dq (QSUF,
 * into the anchor) and so did the parts before the cut (the sections
 * start at the question's end, 16 + the query name's length); one into
 * the cut labels [c1, c2) by d1, one after them by d2 (v the pointer's
 * value with its 0xc000 bits, no QSUF target reaches c1). fix_span with
 * the delta picked by one compare in the usual case. Returns the first
 * fixup left. */
static inline __attribute__((always_inline)) const uint8_t *below_fix(
	uint8_t *b, const uint8_t *fix, const uint8_t *fe, unsigned lim,
	unsigned dq, unsigned c1, unsigned c2, unsigned d1, unsigned d2)
{
	for (; fix < fe; fix += 2) {
		unsigned fx = zw_load16(fix);
		if (ZWT_FIX_POS(fx) >= lim)
			break;
		uint8_t *p = b + ZWT_FIX_POS(fx);
		unsigned v = __builtin_bswap16(zw_load16(p));
		unsigned d = fx < ZWT_FIX_QSUF << 13 ? 0 : dq;
		d = v >= c1 ? d1 : d;
		d = v >= c2 ? d2 : d;
		uint16_t raw = __builtin_bswap16((uint16_t)(v + d));
		memcpy(p, &raw, 2);
	}
	return fix;
}

/* 64 <= n <= 128 octets as 16-octet blocks (copy_bytes' 32-octet
 * vectors cost a trip through the stack outside the AVX2 clone). */
static inline __attribute__((always_inline)) void ref_64_128(
	uint8_t *d, const uint8_t *s, size_t n)
{
	copy16(d, s, 0);
	copy16(d, s, 16);
	copy16(d, s, 32);
	copy16(d, s, 48);
	copy16(d + n - 64, s + n - 64, 0);
	copy16(d + n - 64, s + n - 64, 16);
	copy16(d + n - 64, s + n - 64, 32);
	copy16(d + n - 64, s + n - 64, 48);
}

/* copy_bytes without its 32-octet vectors: up to 256 octets no call. */
static inline __attribute__((always_inline)) void ref_bytes(
	uint8_t *d, const uint8_t *s, size_t n)
{
	if (n > 128 && n <= 256) {
		ref_64_128(d, s, 128);
		ref_64_128(d + n - 128, s + n - 128, 128);
	} else if (n > 64 && n <= 128) {
		ref_64_128(d, s, n);
	} else {
		copy_run(d, s, n);
	}
}

/* w[0..len) to o with the cut (n octets of labels at kp and the
 * pointer after them) a pointer to qoff and the RDLENGTH at rdl
 * shortened: cut_copy without a call up to 256 octets. */
static inline __attribute__((always_inline)) void below_copy(
	uint8_t *o, const uint8_t *w, size_t len, size_t kp, size_t rdl,
	unsigned qoff, unsigned n)
{
	/* the octets before the cut: an RR or two of the NS RRset (12 at
	 * least: its first RDATA) as 32 when they are at most that and
	 * the octets written end past 32: the pointer and the tail then
	 * write over what went past kp */
	if (kp <= 32 && 32 + n <= len) {
		copy16(o, w, 0);
		copy16(o, w, 16);
	} else {
		ref_bytes(o, w, kp);
	}
	uint16_t ptr = __builtin_bswap16((uint16_t)(0xc000 | qoff));
	memcpy(o + kp, &ptr, 2);
	ref_bytes(o + kp + 2, w + kp + n + 2, len - kp - n - 2);
	uint16_t l = __builtin_bswap16(
		(uint16_t)(__builtin_bswap16(zw_load16(o + rdl)) - n));
	memcpy(o + rdl, &l, 2);
}

/* The sections of a below node's referral (piece pc, its parts wr, the
 * first ones) at o = out + at, at the question's end, with the cut
 * (n > 0) of the node's name: emit_ref with the hint, in fewer steps.
 * Returns the sections' end, 0 when emit_ref would not write them. */
static inline __attribute__((always_inline)) size_t below_sections(
	const struct zwt_piece *pc, unsigned wr, uint8_t *o, size_t at,
	size_t limit, size_t qlen, const struct tl_refcut *cut,
	uint64_t *lanes)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *fix = (const uint8_t *)(pd + zwt_nparts(pc->parts));
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	size_t n = cut->n, kp = cut->keep;
	/* each part's length and count as one word (len | count << 16; the
	 * lengths add up to at most the piece's size, below 1 << 16): the
	 * authority's parts 2 and 3, then the additional's 4 and 5 */
	_Static_assert(offsetof(struct zwt_part, len) == 0 &&
		       offsetof(struct zwt_part, count) == 2,
		       "a part's length and count as one word");
	uint32_t au = zw_load32(pd), ad = 0;
	unsigned nw = 1;
	if (wr & 8)
		au += zw_load32(pd + nw++);
	if (wr & 16)
		ad += zw_load32(pd + nw++);
	if (wr & 32)
		ad += zw_load32(pd + nw++);
	size_t size = (uint16_t)(au + ad);
	*lanes += (uint64_t)(au >> 16) << 32 | (uint64_t)(ad >> 16) << 48;
	size_t end = at + size - n;
	if (end > limit || end > 0x4000)
		return 0;
	unsigned dq = (unsigned)(qlen - pc->alen), canon = 16u + pc->alen;
	unsigned c1 = 0xc000u + canon + (unsigned)kp, c2 = c1 + (unsigned)n;
	unsigned d1 = cut->qoff - (unsigned)kp - canon, d2 = dq - (unsigned)n;
	const uint8_t *fe = fix + 2u * pd[0].nfix;
	below_copy(o, w, size, kp, cut->rdl, cut->qoff, (unsigned)n);
	fix = below_fix(o, fix, fe, (unsigned)kp, dq, c1, c2, d1, d2);
	if (fix < fe && ZWT_FIX_POS(zw_load16(fix)) == kp + n)
		fix += 2; /* the pointer the cut replaced */
	if (fix < fe && ZWT_FIX_POS(zw_load16(fix)) < kp + n)
		return 0; /* inside the cut labels */
	o -= n;
	fix = below_fix(o, fix, fe, ~0u, dq, c1, c2, d1, d2);
	for (unsigned j = 1; j < nw; j++) {
		o += pd[j - 1].len;
		fix = below_fix(o, fix, fix + 2u * pd[j].nfix, ~0u, dq, c1, c2,
				d1, d2);
	}
	return end;
}

int tl_answer_below(struct actx *c, size_t limit, uint16_t max_udp,
		    const uint8_t opt[2][16])
{
	const struct zwt_recipe *r = c->rec;
	const struct zwt_piece *pc = c->pc;
	const struct query *q = &c->q;
	/* the cut of its name, precomputed (table_read.c checked it) */
	struct tl_refcut cut;
	if (!zwt_below_cut(c->cand, &cut) || !cut.n)
		return tl_answer_ref(c, (const uint8_t *)pc, r->flags,
				     r->rcode, limit, max_udp);
	unsigned mask = r->flags & ZWT_R_SIGS ? 0x3fu : 0x15u;
	unsigned wr = pc->parts & mask, un = pc->parts & ~mask;
	uint8_t *o = c->out;
	size_t qend = q->qend;
	/* qd 1, ar 1 with the OPT */
	uint64_t lanes = 1 | (uint64_t)q->edns << 48;
	if (!is_ref(pc, q->qwlen) || (un && wr >> __builtin_ctz(un)))
		return -1;
	size_t pos = below_sections(pc, wr, o + qend, qend, limit, q->qwlen,
				    &cut, &lanes);
	if (!pos)
		return -1;
	if (o != c->pkt)
		ref_head(o, c->pkt, qend);
	if (q->edns) {
		const uint8_t *t = opt[q->dnssec];
		memcpy(o + pos, t, 8);
		memcpy(o + pos + 3, t + 3, 8);
		pos += 11;
	}
	uint16_t f = __builtin_bswap16(answer_flags(q, r->flags & ZWT_R_AA,
						    r->rcode));
	lanes = (lanes & 0x00ff00ff00ff00ffull) << 8 |
		(lanes >> 8 & 0x00ff00ff00ff00ffull);
	memcpy(o + 2, &f, 2);
	memcpy(o + 4, &lanes, 8);
	return (int)pos;
}
