/* Internal to the response writers: tl_emit and its fast paths
 * (table_emit.c) and the general writer (table_emit_general.c). Both
 * write the same name cuts: a name at the start of the first RR group
 * of part TL_CUTP (authority) whose last labels are the query name's
 * goes out as a pointer into the question, as Knot compresses it. The
 * code that finds them is here, static inline, so that each writer
 * keeps it inlined. Not a public header. */
#ifndef ZW_ZONECOMPILE_TABLE_EMIT_INT_H
#define ZW_ZONECOMPILE_TABLE_EMIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/load.h"
#include "dns/rrtype.h"
#include "zonecompile/table_lookup.h"

#define TL_CUTP 2 /* the part where names are cut (owner_cut, rdata_cut) */

static inline uint8_t lower(uint8_t c)
{
	return (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

/* Is octet k of the query name qw the start of a label? */
static inline bool q_label_at(const uint8_t *qw, size_t k)
{
	size_t o = 0;
	while (o < k)
		o += 1u + qw[o];
	return o == k;
}

/* Eight octets lower-cased (A-Z only, as lower()): an octet at or
 * above 'A' and below '[' gains 0x20. No carry crosses octets: each
 * sum stays below 0x100. */
static inline uint64_t fold8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t h = x & 0x7f7f7f7f7f7f7f7full;
	uint64_t up = (h + (0x80 - 'A') * ones) & ~(h + (0x80 - '[') * ones) &
		      ~x & 0x8080808080808080ull;
	return x | up >> 2;
}

/* Do x and y agree as eight octets, any case? Only a difference in
 * 0x20 bits asks for the folding. */
static inline bool eq8_nocase(uint64_t x, uint64_t y)
{
	uint64_t d = x ^ y;
	return !d || (!(d & ~0x2020202020202020ull) && fold8(x) == fold8(y));
}

/* Do a[0..n) and b[0..n) agree, any case? Eight octets at a time, the
 * last eight overlapping (no load leaves either); below eight, four
 * and four, or three octets gathered. */
static inline __attribute__((always_inline)) bool eq_nocase(
	const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	if (n >= 8) {
		for (size_t j = 0; j + 8 < n; j += 8)
			if (!eq8_nocase(zw_load64(a + j), zw_load64(b + j)))
				return false;
		x = zw_load64(a + n - 8);
		y = zw_load64(b + n - 8);
	} else if (n >= 4) {
		x = zw_load32(a) | (uint64_t)zw_load32(a + n - 4) << 32;
		y = zw_load32(b) | (uint64_t)zw_load32(b + n - 4) << 32;
	} else if (n) {
		x = a[0] | (uint64_t)a[n / 2] << 8 | (uint64_t)a[n - 1] << 16;
		y = b[0] | (uint64_t)b[n / 2] << 8 | (uint64_t)b[n - 1] << 16;
	} else {
		return true;
	}
	return eq8_nocase(x, y);
}

/* Do n octets of the query name qw from k equal name[0..n), any case? */
static inline __attribute__((always_inline)) bool q_equal(
	const uint8_t *qw, size_t k, const uint8_t *name, size_t n)
{
	return eq_nocase(qw + k, name, n);
}

/* Where octet t of a cut part went (x: its output start, cut kp..kp+c
 * now a pointer to q). */
struct cutmap {
	long x, kp, c, q;
};

static inline long cut_pos(const struct cutmap *cm, long t)
{
	if (t < cm->kp)
		return cm->x + t;
	return t < cm->kp + cm->c ? cm->q + t - cm->kp : cm->x + t - cm->c;
}

/* A name cut (owner_cut, rdata_cut): the octets kept before it, the
 * RDLENGTH to shorten (0: none) and the pointer's target in the
 * question. */
struct cutinfo {
	uint16_t keep, rdl, qoff;
};

/* The owner of a part's first RR (its octets w[0..len)) written as labels
 * and a pointer to the whole anchor (alen octets): when its last labels
 * are the query name's (qw, qlen octets) own in front of the anchor,
 * that suffix of the owner goes out as a pointer into the question, as
 * Knot compresses it (NSEC owners: the query name itself in NODATA, an
 * ancestor in NXDOMAIN, "*." and an ancestor in wildcard proofs).
 * Returns the octets left out (0: no cut). */
static inline uint16_t owner_cut(const uint8_t *qw, size_t qlen,
				 const uint8_t *w, size_t len, size_t alen,
				 struct cutinfo *ci)
{
	size_t l = 0;
	while (l < len && w[l] && !(w[l] & 0xc0))
		l += 1u + w[l];
	if (!l || l + 2 > len || w[l] != 0xc0 || w[l + 1] != 12 ||
	    l > ZWT_FIX_POSMAX)
		return 0; /* not labels + a pointer to the anchor's start */
	for (size_t j = 0; j < l; j += 1u + w[j]) {
		size_t n = l - j;
		if (n + alen > qlen || !q_label_at(qw, qlen - alen - n) ||
		    !q_equal(qw, qlen - alen - n, w + j, n))
			continue;
		ci->keep = (uint16_t)j;
		ci->rdl = 0;
		ci->qoff = (uint16_t)(12 + qlen - alen - n);
		return (uint16_t)n;
	}
	return 0;
}

static inline size_t skip_name(const uint8_t *w, size_t o, size_t end)
{
	while (o < end && w[o] && (w[o] & 0xc0) != 0xc0)
		o += 1u + w[o];
	return o >= end ? end : o + (w[o] ? 2 : 1);
}

/* The first name in the RDATA at w[r..end): when it is labels and a
 * pointer to the whole anchor, those labels the query name's in front
 * of the anchor (room: the query name's octets in front of it, plus 2),
 * returns their length and sets *kq to where they start in the query
 * name; else 0. */
static inline __attribute__((always_inline)) size_t rdata_name_cut(
	const uint8_t *qw, size_t room, const uint8_t *w, size_t r,
	size_t end, size_t *kq)
{
	size_t l = r;
	while (l < end && w[l] - 1u < 63u) /* a label, not the root */
		l += 1u + w[l];
	size_t lit = l - r;
	if (!lit || l + 2 > end || zw_load16(w + l) != 0x0cc0 ||
	    lit + 2 > room)
		return 0;
	*kq = room - 2 - lit;
	return q_label_at(qw, *kq) && q_equal(qw, *kq, w + r, lit) ? lit : 0;
}

/* A name in the first RR group (w[0..end)) of the authority section that
 * the query name ends with goes out as a pointer into the question, as
 * Knot compresses it: the NS target of a referral asked for by a
 * resolver after that server's address (and the glue owners pointing at
 * it), the SOA MNAME of a negative answer at or below the primary's
 * name. Only when the query name is longer than the anchor. Returns the
 * octets left out. A referral's owners are pointers to the anchor (two
 * octets, no walk). */
static inline __attribute__((always_inline)) uint16_t rdata_cut(
	const uint8_t *qw, size_t qlen, const uint8_t *w, size_t end,
	size_t alen, struct cutinfo *ci)
{
	size_t o = 0, kq = 0, room = qlen - alen + 2;
	while (o + 10 < end) {
		unsigned type = ZW_TYPE_NS;
		if (o + 12 <= end && zw_load32(w + o) == 0x02000cc0u) {
			o += 2; /* an NS RR owned by the anchor */
		} else {
			o = w[o] >= 0xc0 ? o + 2 : skip_name(w, o, end);
			if (o + 10 > end || w[o] != 0)
				return 0;
			type = w[o + 1];
			if (type != ZW_TYPE_NS && type != ZW_TYPE_SOA)
				return 0;
		}
		size_t r = o + 10,
		       rdlen = __builtin_bswap16(zw_load16(w + o + 8));
		o = r + rdlen;
		if (type == ZW_TYPE_NS && rdlen > room)
			continue; /* longer than the query name allows */
		if (o <= end && r - 2 <= ZWT_FIX_POSMAX) {
			size_t lit = rdata_name_cut(qw, room, w, r, o, &kq);
			if (lit) {
				ci->keep = (uint16_t)r;
				ci->rdl = (uint16_t)(r - 2);
				ci->qoff = (uint16_t)(12 + kq);
				return (uint16_t)lit;
			}
		}
		if (type == ZW_TYPE_SOA)
			return 0;
	}
	return 0;
}

/* The cut in part TL_CUTP (its octets w, len, the first RR group ending
 * at end0) of a segment compressed against the question. The names
 * worth it are in the authority section: NSEC owners (DO=1; the RRSIG parts
 * start with a pointer to them), NS targets of referrals, the SOA
 * MNAME. */
static inline uint16_t part_cut(const uint8_t *qw, size_t qlen, bool sigs,
				const uint8_t *w, size_t len, size_t end0,
				size_t alen, struct cutinfo *ci)
{
	uint16_t n = 0;
	if (sigs)
		n = owner_cut(qw, qlen, w, len, alen, ci);
	if (!n && qlen > alen)
		n = rdata_cut(qw, qlen, w, end0, alen, ci);
	return n;
}

/* The whole response to query c for a name below a cut whose referral
 * recipe (flags rflags, rcode) has one piece, as answer_plan writes it
 * (tl_emit_ref's sections, then the header, the question and the OPT),
 * within limit octets before the OPT: its length, or -1 when tl_emit
 * would write it some other way (nothing of use written then). For
 * table_plan.c's answer_referral. */
struct actx;
int tl_answer_ref(struct actx *c, const uint8_t *piece, unsigned rflags,
		  unsigned rcode, size_t limit, uint16_t max_udp);
/* tl_answer_ref for the name of a below node (ZWT_N_BELOW, c->cand) and
 * the one piece (c->pc) of its recipe (c->rec), with the cut of its
 * name the node keeps (zwt_below_cut; table_read.c checked it against
 * tl_ref_cut, which finds the same for the query name in any case);
 * the OPT from the burst's templates (opt[DO], put_opt's for max_udp). */
int tl_answer_below(struct actx *c, size_t limit, uint16_t max_udp,
		    const uint8_t opt[2][16]);

/* The general writer: every plan, every limit (RR group by RR group
 * when not everything fits). tl_emit's fast paths write the usual plans
 * the same way, octet for octet. */
size_t tl_emit_general(const struct tl_plan *p, uint8_t *out, size_t pos,
		       size_t limit, const uint8_t *qwire, uint16_t counts[4],
		       bool *tc);


/* What a fast writer did: nothing (the caller falls back), the
 * sections written, a pointer that would not fit 14 bits (the
 * sections given up), or the general writer wanted. */
enum { FAST_NO, FAST_OK, FAST_BAD, FAST_GEN };

/* Copy helpers the fast writers share (table_emit.c,
 * table_emit_ref.c). */
/* 16 <= n <= 32 octets: a 16-octet block from the start, one ending at
 * the end. */
static inline void run_16_32(uint8_t *d, const uint8_t *s, size_t n)
{
	uint8_t a[16], b[16];
	memcpy(a, s, 16);
	memcpy(b, s + n - 16, 16);
	memcpy(d, a, 16);
	memcpy(d + n - 16, b, 16);
}

/* Copy n octets between buffers that do not overlap, without a call
 * up to 128 (blocks from the start and from the end, overlapping in the
 * middle): the two runs around a cut name are mostly that short. */
static inline __attribute__((always_inline)) void copy_run(
	uint8_t *d, const uint8_t *s, size_t n)
{
	if (n > 128) {
		memcpy(d, s, n);
	} else if (n > 64) {
		run_16_32(d, s, 32);
		run_16_32(d + 32, s + 32, 32);
		run_16_32(d + n - 64, s + n - 64, 32);
		run_16_32(d + n - 32, s + n - 32, 32);
	} else if (n > 32) {
		run_16_32(d, s, 32);
		run_16_32(d + n - 32, s + n - 32, 32);
	} else if (n >= 16) {
		run_16_32(d, s, n);
	} else if (n >= 8) {
		uint64_t x = zw_load64(s), y = zw_load64(s + n - 8);
		memcpy(d, &x, 8);
		memcpy(d + n - 8, &y, 8);
	} else if (n >= 4) {
		uint32_t x = zw_load32(s), y = zw_load32(s + n - 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

/* Octets w[0..len) to o with the cut name at kp (n octets of labels and
 * the pointer after them) a pointer to qoff instead and the RDLENGTH at
 * rdl (0: none) shortened, as put_cut writes it. */
static inline __attribute__((always_inline)) void cut_copy(
	uint8_t *o, const uint8_t *w, size_t len, size_t kp, size_t rdl,
	unsigned qoff, unsigned n)
{
	copy_run(o, w, kp);
	o[kp] = (uint8_t)(0xc0 | qoff >> 8);
	o[kp + 1] = (uint8_t)qoff;
	copy_run(o + kp + 2, w + kp + n + 2, len - kp - n - 2);
	if (rdl) {
		unsigned l = (unsigned)(o[rdl] << 8 | o[rdl + 1]) - n;
		o[rdl] = (uint8_t)(l >> 8);
		o[rdl + 1] = (uint8_t)l;
	}
}

/* The pointers of one part written at o (fixups fix..fe, those whose
 * positions are at or past lim left), as 16-bit values with the pointer
 * bits (0xc000) in: QSTART stays, QSUF moves by dq (both point into the
 * question, table_read.c fix_target, below c1), a pointer into the
 * parts by the region of its target v: dr[0] before c1, dr[1] from c1
 * on (cut labels), dr[2] from c2 on (after them). The kinds told apart
 * by their first bits. No validity check: see piece_fix_cut. Returns
 * the first fixup left. */
static inline __attribute__((always_inline)) const uint8_t *fix_span(
	uint8_t *o, const uint8_t *fix, const uint8_t *fe, unsigned lim,
	long dq, const long dr[3], unsigned c1, unsigned c2)
{
	for (; fix < fe; fix += 2) {
		unsigned fx = zw_load16(fix);
		if (ZWT_FIX_POS(fx) >= lim)
			break;
		uint8_t *p = o + ZWT_FIX_POS(fx);
		unsigned v = __builtin_bswap16(zw_load16(p));
		long d = fx >= ZWT_FIX_PART0 << 13 ? dr[(v >= c1) + (v >= c2)]
			 : fx >= ZWT_FIX_QSUF << 13 ? dq : 0;
		uint16_t raw = __builtin_bswap16((uint16_t)(v + (unsigned)d));
		memcpy(p, &raw, 2);
	}
	return fix;
}

/* Is the piece a referral (its first part the authority's NS RRset
 * owned by the anchor, no answer parts) for a name below the cut (qlen
 * octets, longer than the anchor)? emit_ref writes those. */
static inline bool is_ref(const struct zwt_piece *pc, size_t qlen)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	return (pc->parts & 7) == 1u << TL_CUTP && qlen > pc->alen &&
	       pd->len > 4 &&
	       zw_load32((const uint8_t *)pc + pc->wire) == 0x02000cc0u;
}

#endif
