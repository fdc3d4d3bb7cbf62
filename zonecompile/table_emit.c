/* tl_emit: a plan's sections written after the question. The usual
 * plans take a fast path here: one whole-response piece copied as it is
 * (emit_whole), or every piece written in one go at a position known
 * from the part lengths, its pointers patched right after the copy:
 * one piece (emit_piece: negative answers' SOA, referrals; those for a
 * name below the cut are table_emit_ref.c's, also without a plan),
 * negative answers with DO (emit_auth: authority parts and their
 * RRSIGs, a name cut in any piece) and the other plans (emit_fast, at
 * most one name cut). Everything else (responses over the limit, synthesised CNAMEs,
 * cut chains, pointers beyond 14 bits) goes to the general writer,
 * table_emit_general.c, which the fast paths equal octet for octet
 * (tests/zonecompile/test_table_emit.c and the fuzz_table target compare
 * the two). */
#include <string.h>

#include "zonecompile/table_emit_int.h"

/* The usual case: one whole-response piece for exactly the name it was
 * compiled for, fitting: its wire is the response, in one memcpy. */
static bool emit_whole(const struct tl_plan *p, uint8_t *out, size_t *pos,
		       size_t limit, uint16_t counts[4])
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p->seg[0].pc;
	if (p->seg[0].name != 0 || p->names[0].len != pc->alen ||
	    (!p->sigs && (pc->parts & 0x2a)) || *pos + pc->size > limit)
		return false;
	memcpy(out + *pos, (const uint8_t *)pc + pc->wire, pc->size);
	*pos += pc->size;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	for (unsigned bits = pc->parts; bits; bits &= bits - 1, pd++)
		counts[ZWT_PART_SEC(__builtin_ctz(bits))] += pd->count;
	return true;
}


/* The query name for the fast path's checks, and where its label right
 * before its last palen octets starts (kprev, -1: none; palen 0: not
 * looked for yet): the pieces of one response mostly share an anchor,
 * so the query name is walked once. */
struct qlabels {
	const uint8_t *w;
	size_t len, palen;
	long kprev;
};

static long q_prev_label(struct qlabels *q, size_t alen)
{
	if (q->palen != alen) {
		size_t o = 0, end = q->len - alen;
		q->palen = alen;
		q->kprev = -1;
		while (alen < q->len && o < end) {
			size_t next = o + 1u + q->w[o];
			if (next == end)
				q->kprev = (long)o;
			o = next;
		}
	}
	return q->kprev;
}

/* Is the label lab (its length octet first) the query name's, any case,
 * right before its last alen octets? A name cut needs that of the last
 * label it cuts. (A label of that length at k that equals it ends there,
 * so q_label_at(k) comes to k being kprev.) */
static inline __attribute__((always_inline)) bool q_label_before(
	struct qlabels *q, size_t alen, const uint8_t *lab)
{
	size_t n = 1u + lab[0];
	if (n + alen > q->len)
		return false;
	size_t k = q->len - alen - n;
	return q->w[k] == lab[0] && (long)k == q_prev_label(q, alen) &&
	       q_equal(q->w, k, lab, n);
}

/* Labels (no pointer, not the root) from w[o] on within len: returns
 * where they end and sets *last to the start of the last one (o when
 * none). */
static size_t walk_labels(const uint8_t *w, size_t o, size_t len,
			  size_t *last)
{
	*last = o;
	while (o < len && w[o] && !(w[o] & 0xc0)) {
		*last = o;
		o += 1u + w[o];
	}
	return o;
}

/* May owner_cut or rdata_cut find a cut in part w[0..len)? False only
 * when they do not: owner_cut needs labels and a pointer to the anchor's
 * start as the first owner, rdata_cut a first RR of type NS or SOA, and
 * for a SOA an MNAME of that form; both need the last label cut to be
 * the query name's right before the anchor. */
static inline __attribute__((always_inline)) bool may_cut(
	struct qlabels *q, const uint8_t *w, size_t len, size_t alen,
	bool sigs)
{
	size_t last, l, o, m;
	if (q->len <= alen) /* no label in front of the anchor to cut */
		return false;
	l = walk_labels(w, 0, len, &last);
	if (sigs && l && l + 2 <= len && w[l] == 0xc0 && w[l + 1] == 12 &&
	    q_label_before(q, alen, w + last))
		return true;
	o = l >= len ? len : !w[l] ? l + 1
		: (w[l] & 0xc0) == 0xc0 ? l + 2 : skip_name(w, 0, len);
	if (o + 10 > len || w[o] != 0)
		return false;
	if (w[o + 1] == ZW_TYPE_NS)
		return true;
	if (w[o + 1] != ZW_TYPE_SOA)
		return false;
	m = walk_labels(w, o + 10, len, &last);
	return m > o + 10 && m + 2 <= len && w[m] == 0xc0 && w[m + 1] == 12 &&
	       q_label_before(q, alen, w + last);
}

/* A name cut the fast paths write: where it is (cutinfo), the octets
 * it leaves out (n, 0: none) and where part TL_CUTP starts in the piece's
 * octets (cs). */
struct fcut {
	struct cutinfo ci;
	uint16_t n, cs;
};

/* The cut seg_cut finds in this piece (may_cut said it may): its
 * length, ci set when not 0. c is its part TL_CUTP (w its octets), fix the
 * start of its fixups (after the descriptors). */
static uint16_t fast_cut(const struct zwt_piece *pc, const struct zwt_part *c,
			 const uint8_t *w, const uint8_t *fix,
			 const struct qlabels *q, bool sigs,
			 struct cutinfo *ci)
{
	size_t end0 = c->len;
	if (c->nunit > 1) {
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const uint8_t *unit = fix;
		for (const struct zwt_part *x = pd;
		     (const uint8_t *)x < fix; x++)
			unit += 2u * x->nfix;
		for (const struct zwt_part *x = pd; x < c; x++)
			if (x->nunit > 1)
				unit += (size_t)ZWT_UNIT_SIZE * x->nunit;
		end0 = zw_load16(unit);
	}
	return part_cut(q->w, q->len, sigs, w, c->len, end0, pc->alen, ci);
}

/* The name cut seg_cut would find in this piece: its length (0: none),
 * *fc filled when there is one; w is the piece's octets, cw those of
 * part c (TL_CUTP). */
static inline __attribute__((always_inline)) uint16_t seg_find_cut(
	const struct zwt_piece *pc, const struct zwt_part *c,
	const uint8_t *w, const uint8_t *cw, const uint8_t *fix,
	struct qlabels *q, bool sigs, struct fcut *fc)
{
	if (!c || q->len <= pc->alen || /* may_cut's answer then */
	    !may_cut(q, cw, c->len, pc->alen, sigs))
		return 0;
	fc->n = fast_cut(pc, c, cw, fix, q, sigs, &fc->ci);
	fc->cs = (uint16_t)(cw - w);
	return fc->n;
}

/* Patch the nfix pointers of a part of a piece with a cut, written from
 * base, as fix_part_cut: targets in part TL_CUTP (canonical start tbase)
 * through cut_pos, the others by d per kind; in part TL_CUTP itself
 * (incut) the positions too, and the pointer after the cut labels is
 * the one replaced. True when one would not be valid (as fast_fix). */
static inline __attribute__((always_inline)) bool fast_fix_cut(
	uint8_t *out, long base, const uint8_t *fix, unsigned nfix,
	const long *d, const struct cutmap *cm, long tbase, bool incut)
{
	const struct cutmap m = *cm; /* the stores to out could alias it */
	const uint8_t *end = fix + 2u * nfix;
	unsigned skip = incut ? (unsigned)(m.kp + m.c) : ~0u;
	bool bad = false;
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), pos = ZWT_FIX_POS(fx);
		unsigned kind = ZWT_FIX_KIND(fx);
		if (pos == skip)
			continue;
		long at = incut ? cut_pos(&m, pos) : base + (long)pos;
		uint16_t raw;
		memcpy(&raw, out + at, 2);
		long val = __builtin_bswap16(raw) & 0x3fff;
		val = kind == ZWT_FIX_PART0 + TL_CUTP ? cut_pos(&m, val - tbase)
						   : val + d[kind];
		bad |= (unsigned long)(val - 12) >= (unsigned long)(at - 12);
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(out + at, &raw, 2);
	}
	return bad;
}

/* Patch the nfix pointers of a part just written at `at` (deltas d per
 * fixup kind); true when one would not be valid (set_ptr: the response
 * ends below 0x4000 here, so a pointer before its own position fits
 * 14 bits), then the octets do not matter. */
static inline bool fast_fix(uint8_t *out, size_t at, const uint8_t *fix,
			    unsigned nfix, const long *d)
{
	uint8_t *base = out + at;
	const uint8_t *end = fix + 2u * nfix;
	bool bad = false;
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), pos = ZWT_FIX_POS(fx);
		uint16_t raw;
		memcpy(&raw, base + pos, 2);
		size_t val = (size_t)((long)(__builtin_bswap16(raw) & 0x3fff) +
				      d[ZWT_FIX_KIND(fx)]);
		bad |= val - 12 >= at - 12 + pos;
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(base + pos, &raw, 2);
	}
	return bad;
}

/* Write the parts in mask of one piece (fixups from fix on), each at
 * off[k] (moved on), its pointers patched right after the copy: they
 * point backwards, into the question or this part or an earlier one of
 * the piece, all placed by then; no patches while nothing they point at
 * moved. True when a pointer would not be valid. */
static bool fast_seg(const uint8_t *p, const uint8_t *fix, uint8_t *out,
		     size_t off[ZWT_PARTS], size_t qlen, unsigned mask)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = p + pc->wire;
	long cpos = 12 + pc->alen + 4, d[2 + ZWT_PARTS] = {0};
	bool moved = qlen != pc->alen, bad = false;

	d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
	for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
		int k = __builtin_ctz(b);
		if (mask >> k & 1) {
			size_t at = off[k];
			off[k] += pd->len;
			d[ZWT_FIX_PART0 + k] = (long)at - cpos;
			moved |= (long)at != cpos;
			memcpy(out + at, w, pd->len);
			if (moved)
				bad |= fast_fix(out, at, fix, pd->nfix, d);
		}
		cpos += pd->len;
		w += pd->len;
		fix += 2u * pd->nfix;
	}
	return bad;
}

/* fast_seg for a piece with a name cut: part TL_CUTP goes out as put_cut
 * writes it (fc->n octets shorter) and every part's pointers are
 * patched as fix_part_cut patches them. */
static bool fast_seg_cut(const uint8_t *p, const uint8_t *fix, uint8_t *out,
			 size_t off[ZWT_PARTS], size_t qlen, unsigned mask,
			 const struct fcut *fc)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = p + pc->wire;
	long cpos = 12 + pc->alen + 4, d[2 + ZWT_PARTS] = {0};
	const struct cutmap cm = {(long)off[TL_CUTP], fc->ci.keep, fc->n,
				  fc->ci.qoff};
	bool bad = false;

	d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
	for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
		int k = __builtin_ctz(b);
		if (mask >> k & 1) {
			size_t at = off[k];
			off[k] += pd->len;
			d[ZWT_FIX_PART0 + k] = (long)at - cpos;
			if (k == TL_CUTP) {
				cut_copy(out + at, w, pd->len, fc->ci.keep,
					 fc->ci.rdl, fc->ci.qoff, fc->n);
				off[k] -= fc->n;
			} else {
				memcpy(out + at, w, pd->len);
			}
			bad |= k == TL_CUTP
				? fast_fix_cut(out, (long)at, fix, pd->nfix, d,
					       &cm, 12 + pc->alen + 4 + fc->cs,
					       true)
				: fast_fix_cut(out, (long)at, fix, pd->nfix, d,
					       &cm, 12 + pc->alen + 4 + fc->cs,
					       false);
		}
		cpos += pd->len;
		w += pd->len;
		fix += 2u * pd->nfix;
	}
	return bad;
}

/* Where the pointers of one piece's parts go when its parts written
 * are its first ones, copied as one run to out + at, right after the
 * question (table_read.c's check_fixups makes sure of what they point
 * at: QSTART the question's start, QSUF inside the anchor, PART kinds
 * into that part of the same piece, at or before the pointer's own part,
 * so into a part written): a pointer of kind QSUF moves by the query
 * name's extra length dq, QSTART stays, and a pointer into the parts
 * moves with them. Each lands before itself when the query name is at
 * least as long as the anchor (dq >= 0), so none needs the general
 * writer's check. */
static void piece_fix(uint8_t *out, size_t at, const struct zwt_part *pd,
		      unsigned nw, const uint8_t *fix, long dq, long canon)
{
	const long dr[3] = {(long)at - canon, 0, 0};
	uint8_t *o = out + at;
	for (unsigned j = 0; j < nw; o += pd[j].len, j++)
		fix = fix_span(o, fix, fix + 2u * pd[j].nfix, ~0u, dq, dr,
			       0x10000u, 0x10000u);
}

/* piece_fix with a name cut (cutmap cm: the run written at cm->x, its
 * cut labels at offset cm->kp of the run, in part c of the nw written,
 * now a pointer to cm->q): octets before the cut stay at x + t, those
 * after it move back by the cut's length, and a pointer into the parts
 * (canonical start canon) follows its target the same way, into the
 * question when that is in the cut labels; the pointer after the cut
 * labels is the one replaced. Each pointer stays valid: its target
 * comes before it in the run, and every target a table's check lets
 * through (table_read.c fix_target) lands before where the pointer
 * goes, so no check as the general writer's set_ptr. False when a
 * fixup lies inside the cut labels (a table the compiler does not
 * write): the general writer then. */
static inline __attribute__((always_inline)) bool piece_fix_cut(
	uint8_t *out, const struct zwt_part *pd, unsigned nw, unsigned c,
	const uint8_t *fix, long dq, const struct cutmap *cm, long canon,
	long cs)
{
	const long x = cm->x, kp = cm->kp, n = cm->c;
	const long dr[3] = {x - canon, cm->q - kp - canon, x - n - canon};
	const unsigned c1 = (unsigned)(0xc000 + canon + kp),
		       c2 = c1 + (unsigned)n;
	uint8_t *o = out + x;
	for (unsigned j = 0; j < nw; o += pd[j].len, j++) {
		const uint8_t *end = fix + 2u * pd[j].nfix;
		if (j != c) {
			fix = fix_span(o - (j > c ? n : 0), fix, end, ~0u, dq,
				       dr, c1, c2);
			continue;
		}
		unsigned keep = (unsigned)(kp - cs), skip = keep + (unsigned)n;
		fix = fix_span(o, fix, end, keep, dq, dr, c1, c2);
		if (fix < end && ZWT_FIX_POS(zw_load16(fix)) == skip)
			fix += 2;
		if (fix < end && ZWT_FIX_POS(zw_load16(fix)) < skip)
			return false;
		fix = fix_span(o - n, fix, end, ~0u, dq, dr, c1, c2);
	}
	return true;
}

/* The end of the first RR group of descriptor ci (of np, fixups from
 * fix on): the unit records follow all fixups, those of the earlier
 * parts with several groups first. */
static size_t unit0_end(const struct zwt_part *pd, unsigned np, unsigned ci,
			const uint8_t *fix)
{
	if (pd[ci].nunit <= 1)
		return pd[ci].len;
	const uint8_t *u = fix;
	for (unsigned j = 0; j < np; j++)
		u += 2u * pd[j].nfix;
	for (unsigned j = 0; j < ci; j++)
		if (pd[j].nunit > 1)
			u += (size_t)ZWT_UNIT_SIZE * pd[j].nunit;
	return zw_load16(u);
}

/* emit_piece's name cut: when the piece of plan p (its first nw parts,
 * size octets, written) has one, they are written to out + at as
 * put_cut writes them and patched (cut_copy, piece_fix_cut). Returns
 * the octets the cut leaves out, 0 when there is none (nothing
 * written), -1 when the general writer must write it (it does not fit
 * within limit, or a fixup lies inside the cut labels). */
static inline __attribute__((always_inline)) long piece_cut(
	const struct tl_plan *p, uint8_t *out, size_t at, size_t limit,
	const uint8_t *qw, unsigned nw, size_t size)
{
	const struct zwt_piece *pc = (const void *)p->seg[0].pc;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	unsigned np = zwt_nparts(pc->parts);
	unsigned c = zwt_nparts(pc->parts & ((1u << TL_CUTP) - 1));
	const uint8_t *fix = (const uint8_t *)(pd + np);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	size_t qlen = p->names[0].len, alen = pc->alen, cs = 0;
	long canon = 12 + (long)alen + 4;
	struct cutinfo ci;
	uint16_t n;

	for (unsigned j = 0; j < c; j++)
		cs += pd[j].len;
	const uint8_t *cw = w + cs;
	if (pd[c].len > 4 && zw_load32(cw) == 0x02000cc0u) {
		/* a referral (NS owned by the anchor): owner_cut finds
		 * nothing in front of that pointer, the NS targets are what
		 * rdata_cut checks */
		n = rdata_cut(qw, qlen, cw, unit0_end(pd, np, c, fix), alen,
			      &ci);
	} else {
		struct qlabels q = {qw, qlen, 0, -1};
		if (!may_cut(&q, cw, pd[c].len, alen, p->sigs))
			return 0;
		n = part_cut(qw, qlen, p->sigs, cw, pd[c].len,
			     unit0_end(pd, np, c, fix), alen, &ci);
	}
	if (!n)
		return 0;
	if (at + size - n > limit || at + size - n > 0x4000)
		return -1;
	const struct cutmap cm = {(long)at, (long)(cs + ci.keep), n, ci.qoff};
	cut_copy(out + at, w, size, cs + ci.keep, ci.rdl ? cs + ci.rdl : 0u,
		 ci.qoff, n);
	if (!piece_fix_cut(out, pd, nw, c, fix, (long)(qlen - alen), &cm,
			   canon, (long)cs))
		return -1;
	return n;
}

/* One piece whose parts written (mask) come first: every part written
 * moves by the same delta (a negative answer's SOA for a name below the
 * apex, with DO or without and its RRSIG part last; a referral for a
 * name below the cut), so one copy, then the pointers; with a name cut
 * (a resolver asking for the glue of a referral: the NS target is the
 * query name) one copy around it (piece_cut). The parts are taken from
 * their descriptors, packed in part order: the first nw are the ones
 * written. FAST_GEN: the parts written are not the first ones. */
static inline __attribute__((always_inline)) int emit_piece(
	const struct tl_plan *p, uint8_t *out, size_t *ppos, size_t limit,
	const uint8_t *qw, uint16_t counts[4], unsigned mask)
{
	const struct zwt_piece *pc = (const void *)p->seg[0].pc;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	unsigned parts = pc->parts, wr = parts & mask, un = parts & ~mask;
	if (un && wr >> __builtin_ctz(un))
		return FAST_GEN;
	size_t qlen = p->names[0].len, alen = pc->alen, at = *ppos, size = 0;
	if (is_ref(pc, qlen)) {
		size_t e = tl_emit_ref((const uint8_t *)pc, p->sigs, out, *ppos,
				       limit, qw, qlen, counts);
		if (!e)
			return FAST_NO;
		*ppos = e;
		return FAST_OK;
	}
	unsigned np = zwt_nparts(parts), nw = zwt_nparts(wr);
	uint64_t cnt = 0; /* RRs per section, 16-bit lanes from lane 0 */
	long n = 0;

	for (unsigned b = wr, j = 0; b; b &= b - 1, j++) {
		size += pd[j].len;
		cnt += (uint64_t)pd[j].count << (16 * (__builtin_ctz(b) >> 1));
	}
	if ((parts & (1u << TL_CUTP)) && qlen > alen) {
		n = piece_cut(p, out, at, limit, qw, nw, size);
		if (n < 0)
			return FAST_NO;
	}
	size_t end = at + size - (size_t)n;
	if (!n) {
		long dq = (long)(qlen - alen), canon = 12 + (long)alen + 4;
		/* an anchor longer than the query name (not a table the
		 * compiler writes) would move a pointer before the question:
		 * the general writer's check then */
		if (end > limit || end > 0x4000 || dq < 0)
			return FAST_NO;
		memcpy(out + at, (const uint8_t *)pc + pc->wire, size);
		if (dq || (long)at != canon)
			piece_fix(out, at, pd, nw,
				  (const uint8_t *)(pd + np), dq, canon);
	}
	counts[1] += (uint16_t)cnt;
	counts[2] += (uint16_t)(cnt >> 16);
	counts[3] += (uint16_t)(cnt >> 32);
	*ppos = end;
	return FAST_OK;
}

/* Copy n octets between buffers that do not overlap: a part of a
 * negative answer (~40-260 octets) as 16-octet blocks from the start
 * and from the end, overlapping in the middle, without a call. */
static inline __attribute__((always_inline)) void copy_part(
	uint8_t *d, const uint8_t *s, size_t n)
{
#ifdef __SSE2__
#define CP16(o) _mm_storeu_si128((__m128i *)(d + (o)), \
				 _mm_loadu_si128((const __m128i *)(s + (o))))
	if (n - 16 <= 240) {
		if (n > 128) {
			for (size_t i = 0; i < 128; i += 16) {
				CP16(i);
				CP16(n - 128 + i);
			}
			return;
		}
		if (n > 64) {
			CP16(0); CP16(16); CP16(32); CP16(48);
			CP16(n - 64); CP16(n - 48); CP16(n - 32);
		} else if (n > 32) {
			CP16(0); CP16(16); CP16(n - 32);
		}
		CP16(n - 16);
		if (n <= 32)
			CP16(0);
		return;
	}
#undef CP16
#endif
	memcpy(d, s, n);
}

/* Patch the nfix pointers of a part copied to `at` by a table of
 * deltas per fixup kind (kinds validated by check_fixups), the delta
 * added to the pointer as it is (0xc000 and its 14 bits): the response
 * ends below 0x4000 and each pointer moves as its target does (a suffix
 * of the anchor with the question name's extra length, a name in a part
 * with that part), so it stays a backward pointer of 14 bits
 * (check_fixups: every target lies before its pointer); nothing to
 * check. */
static inline __attribute__((always_inline)) void auth_fix(
	uint8_t *out, size_t at, const uint8_t *fix, unsigned nfix,
	const long d[8])
{
	uint8_t *base = out + at;
	const uint8_t *end = fix + 2u * nfix;
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix);
		uint8_t *o = base + ZWT_FIX_POS(fx);
		uint16_t raw;
		memcpy(&raw, o, 2);
		raw = __builtin_bswap16((uint16_t)(__builtin_bswap16(raw) +
						   d[ZWT_FIX_KIND(fx)]));
		memcpy(o, &raw, 2);
	}
}

/* A piece without a name cut: its authority part written at p2 and,
 * with DO (sig3), its RRSIGs at p3, the pointers patched by d (the
 * caller's QSUF delta; the parts' deltas set here). auth_segs' and
 * neg_segs' plain piece; the callers move p2 and p3 on. */
static inline __attribute__((always_inline)) void seg_plain(
	uint8_t *out, const struct zwt_piece *pc, size_t p2, size_t p3,
	long d[8], unsigned sig3)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	const uint8_t *fix = (const uint8_t *)(pd + 1 + (pc->parts >> 3));
	unsigned l2 = pd[0].len;
	long canon = 12 + pc->alen + 4;
	d[ZWT_FIX_PART0 + 2] = (long)p2 - canon;
	copy_part(out + p2, w, l2);
	auth_fix(out, p2, fix, pd->nfix, d);
	if (pc->parts & sig3) {
		d[ZWT_FIX_PART0 + 3] = (long)p3 - canon - l2;
		copy_part(out + p3, w + l2, pd[1].len);
		auth_fix(out, p3, fix + 2u * pd->nfix, pd[1].nfix, d);
	}
}

/* The pointers of a part copied to o (fixups fix..end) of a piece whose
 * parts moved as one run by dp, the question's anchor suffix by dq:
 * QSTART stays, QSUF moves by dq, a pointer into the parts by dp (as
 * auth_fix, nothing to check). */
static inline __attribute__((always_inline)) void one_fix(
	uint8_t *o, const uint8_t *fix, const uint8_t *end, long dq, long dp)
{
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), k = ZWT_FIX_KIND(fx);
		uint8_t *x = o + ZWT_FIX_POS(fx);
		long dk = k > ZWT_FIX_QSUF ? dp : dq;
		uint16_t raw = __builtin_bswap16((uint16_t)(
			__builtin_bswap16(zw_load16(x)) + (k ? dk : 0)));
		memcpy(x, &raw, 2);
	}
}

/* may_cut's answer for a part whose first owner is one label and a
 * pointer (an NSEC's) or a pointer (a SOA's at the apex), without
 * walk_labels' loop; other owners go to may_cut. */
static inline __attribute__((always_inline)) bool neg_may_cut(
	struct qlabels *q, const uint8_t *w, size_t len, size_t alen,
	bool sigs)
{
	unsigned a = w[0];
	size_t o, l = 1u + a, m, last;
	if (q->len <= alen)
		return false;
	if (len < 12)
		return may_cut(q, w, len, alen, sigs);
	if (a - 1u < 63u) { /* one label: walk_labels stops at a pointer */
		if (l + 2 > len || (w[l] & 0xc0) != 0xc0)
			return may_cut(q, w, len, alen, sigs);
		if (sigs && w[l] == 0xc0 && w[l + 1] == 12 &&
		    q_label_before(q, alen, w))
			return true;
		o = l + 2;
	} else if ((a & 0xc0) == 0xc0) {
		o = 2;
	} else {
		return may_cut(q, w, len, alen, sigs);
	}
	/* may_cut's tail: the first RR's type, a SOA's MNAME (one label
	 * and a pointer, the usual one, without walk_labels' loop) */
	if (o + 10 > len || w[o] != 0)
		return false;
	if (w[o + 1] == ZW_TYPE_NS)
		return true;
	if (w[o + 1] != ZW_TYPE_SOA)
		return false;
	a = o + 10 < len ? w[o + 10] : 0;
	if (a - 1u < 63u && o + 11 + a < len &&
	    (w[o + 11 + a] & 0xc0) == 0xc0) {
		m = o + 11 + a;
		last = o + 10;
	} else {
		m = walk_labels(w, o + 10, len, &last);
	}
	return m > o + 10 && m + 2 <= len && w[m] == 0xc0 && w[m + 1] == 12 &&
	       q_label_before(q, alen, w + last);
}

/* A negative answer of one piece (DO=0: the SOA of NXDOMAIN and NODATA;
 * with its RRSIGs when DO=1) and no name cut: its parts written are its
 * first ones, one run in the piece and in the response, so one copy,
 * then the pointers, every one into the parts moved by the same delta.
 * FAST_GEN: a cut may be there (emit_piece then). */
static inline __attribute__((always_inline)) int auth_one(
	const struct zwt_piece *pc, size_t qlen, bool sigs, uint8_t *out,
	size_t *ppos, size_t limit, const uint8_t *qw, uint16_t counts[4])
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	unsigned parts = pc->parts;
	bool two = sigs && (parts & 8);
	size_t alen = pc->alen, at = *ppos;
	size_t n = pd[0].len + (two ? pd[1].len : 0u), end = at + n;
	if (qlen > alen) {
		struct qlabels q = {qw, qlen, 0, -1};
		if (neg_may_cut(&q, w, pd[0].len, alen, sigs))
			return FAST_GEN;
	}
	/* an anchor longer than the query name (a table the compiler does
	 * not write) would move a pointer before the question: the general
	 * writer's check then */
	if (end > limit || end > 0x4000 || qlen < alen)
		return FAST_NO;
	copy_part(out + at, w, n);
	long dq = (long)(qlen - alen), dp = (long)at - (long)(12 + alen + 4);
	const uint8_t *fix = (const uint8_t *)(pd + 1 + (parts >> 3));
	const uint8_t *f3 = fix + 2u * pd[0].nfix;
	one_fix(out + at, fix, f3, dq, dp);
	if (two)
		one_fix(out + at + pd[0].len, f3, f3 + 2u * pd[1].nfix, dq, dp);
	counts[ZWT_PART_SEC(2)] += (uint16_t)(pd[0].count +
					      (two ? pd[1].count : 0u));
	*ppos = end;
	return FAST_OK;
}

/* Part 2 of an authority-only piece (descriptors pd, fixups fix, octets
 * w) with a name cut, written at cm->x, its pointers through cut_pos
 * (cm), the pointer after the cut labels the one replaced. Out of line:
 * emit_auth's usual pieces have no cut. */
static __attribute__((noinline)) bool auth_cut2(
	uint8_t *out, const struct zwt_part *pd, const uint8_t *fix,
	const uint8_t *w, const struct cutmap *cm, const struct cutinfo *ci,
	long dq, long canon)
{
	const struct cutmap m = *cm;
	const uint8_t *end = fix + 2u * pd->nfix;
	bool bad = false;
	cut_copy(out + m.x, w, pd->len, ci->keep, ci->rdl, ci->qoff,
		 (unsigned)m.c);
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), kind = ZWT_FIX_KIND(fx);
		long t = ZWT_FIX_POS(fx);
		if (t == m.kp + m.c)
			continue;
		long at = cut_pos(&m, t);
		uint16_t raw;
		memcpy(&raw, out + at, 2);
		long val = __builtin_bswap16(raw) & 0x3fff;
		val = kind >= ZWT_FIX_PART0 ? cut_pos(&m, val - canon)
		      : kind == ZWT_FIX_QSUF ? val + dq : val;
		bad |= (unsigned long)(val - 12) >= (unsigned long)(at - 12);
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(out + at, &raw, 2);
	}
	return bad;
}

/* Part 3 (the RRSIGs of part 2) of an authority-only piece with a cut
 * (auth_cut2), at pos: its pointers into part 2 go where part 2's octets
 * went (cut_pos). */
static __attribute__((noinline)) bool auth_sig3(
	uint8_t *out, size_t pos, const struct zwt_part *pd, const uint8_t *fix,
	const uint8_t *w, const struct cutmap *cm, long dq, long canon)
{
	const struct cutmap m = *cm;
	const uint8_t *end = fix + 2u * pd[1].nfix;
	long d3 = (long)pos - (canon + pd[0].len);
	bool bad = false;
	memcpy(out + pos, w + pd[0].len, pd[1].len);
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), kind = ZWT_FIX_KIND(fx);
		long at = (long)pos + (long)ZWT_FIX_POS(fx);
		uint16_t raw;
		memcpy(&raw, out + at, 2);
		long val = __builtin_bswap16(raw) & 0x3fff;
		val = kind == ZWT_FIX_PART0 + 2 ? cut_pos(&m, val - canon)
		      : kind == ZWT_FIX_PART0 + 3 ? val + d3
		      : kind == ZWT_FIX_QSUF ? val + dq : val;
		bad |= (unsigned long)(val - 12) >= (unsigned long)(at - 12);
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(out + at, &raw, 2);
	}
	return bad;
}

/* The pass over the pieces auth_segs and neg_segs share: the octets
 * of all parts 2 (len[0]) and of all parts 3 written (len[1], with DO:
 * sig3) and their RRs (*cnt). With fc (auth_segs) the name cuts are
 * found (seg_find_cut: fc[i] and bit i of *cuts, len[0] less their
 * octets); without (neg_segs) a piece that may have one (neg_may_cut)
 * ends it. False: not that shape (FAST_GEN). */
static inline __attribute__((always_inline)) bool seg_sums(
	const struct tl_seg *seg, int nseg, struct qlabels *q, bool sigs,
	size_t len[2], unsigned *cnt, struct fcut *fc, uint32_t *cuts)
{
	unsigned sig3 = sigs ? 8u : 0u;
	for (int i = 0; i < nseg; i++) {
		const struct zwt_piece *pc = (const void *)seg[i].pc;
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const uint8_t *w = (const uint8_t *)pc + pc->wire;
		unsigned parts = pc->parts;
		/* an anchor longer than the query name: emit_fast's checks */
		if ((parts | 8u) != 0x0cu || q->len < pc->alen ||
		    (!fc && neg_may_cut(q, w, pd[0].len, pc->alen, sigs)))
			return false;
		len[0] += pd[0].len;
		*cnt += pd[0].count;
		if (parts & sig3) {
			len[1] += pd[1].len;
			*cnt += pd[1].count;
		}
		if (fc && seg_find_cut(pc, pd, w, w,
				       (const uint8_t *)(pd + 1 + (parts >> 3)),
				       q, sigs, &fc[i])) {
			*cuts |= 1u << i;
			len[0] -= fc[i].n;
		}
	}
	return true;
}

/* Negative answers, the usual plans: every piece has parts 2 and 3
 * (authority and its RRSIGs, e.g. SOA, NSEC, NSEC; DO=1) or part 2 only
 * (DO=0, one SOA), so all parts 2 in piece order and then all parts 3,
 * each patched right after its copy, without emit_fast's general loops
 * over parts. Pass 1 (seg_sums) sums the lengths and finds the name
 * cuts, pass 2 writes each piece's two parts, the position of the parts
 * 3 known. A name cut in a piece's part 2 (an NSEC owned by the query
 * name in NODATA, or by a suffix of it; a SOA MNAME the query name ends
 * with) goes out as put_cut writes it, and its pointers and those of
 * its RRSIGs follow it (cut_pos). FAST_GEN: not that shape or too long
 * (emit_fast's loops then). */
static inline __attribute__((always_inline)) int auth_segs(
	const struct tl_seg *seg, int nseg, size_t qlen, bool sigs,
	uint8_t *out, size_t *ppos, size_t limit, const uint8_t *qw,
	uint16_t counts[4])
{
	struct qlabels q = {qw, qlen, 0, -1};
	unsigned sig3 = sigs ? 8u : 0u, cnt = 0;
	size_t len[2] = {0, 0};
	struct fcut fc[TL_MAXSEG];
	uint32_t cuts = 0; /* bit i: segment i has a cut (fc[i]) */
	bool bad = false;

	if (!seg_sums(seg, nseg, &q, sigs, len, &cnt, fc, &cuts))
		return FAST_GEN;
	size_t p2 = *ppos, p3 = p2 + len[0], end = p3 + len[1];
	if (end > limit || end > 0x4000)
		return FAST_GEN;
	long d[8] = {0}; /* QSTART 0; PART0 + 0, 1 do not occur here */
	for (int i = 0; i < nseg; i++) {
		const struct zwt_piece *pc = (const void *)seg[i].pc;
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const uint8_t *w = (const uint8_t *)pc + pc->wire;
		unsigned parts = pc->parts, l2 = pd[0].len;
		const uint8_t *fix = (const uint8_t *)(pd + 1 + (parts >> 3));
		long canon = 12 + pc->alen + 4;
		d[ZWT_FIX_QSUF] = (long)(q.len - pc->alen);
		if (__builtin_expect(cuts >> i & 1, 0)) {
			const struct cutmap cm = {(long)p2, fc[i].ci.keep,
						  fc[i].n, fc[i].ci.qoff};
			bad |= auth_cut2(out, pd, fix, w, &cm, &fc[i].ci,
					 d[ZWT_FIX_QSUF], canon);
			if (parts & sig3)
				bad |= auth_sig3(out, p3, pd, fix + 2u * pd->nfix,
						 w, &cm, d[ZWT_FIX_QSUF], canon);
			p2 += l2 - fc[i].n;
		} else {
			seg_plain(out, pc, p2, p3, d, sig3);
			p2 += l2;
		}
		if (parts & sig3)
			p3 += pd[1].len;
	}
	if (bad)
		return FAST_BAD;
	counts[ZWT_PART_SEC(2)] += (uint16_t)cnt;
	*ppos = end;
	return FAST_OK;
}

/* Inline: emit_fast's frame holds auth_segs' (a call costs the
 * planned negative answers, NSEC3's, ~30 instructions). */
static inline __attribute__((always_inline)) int emit_auth(
	const struct tl_plan *p, uint8_t *out, size_t *ppos, size_t limit,
	const uint8_t *qw, uint16_t counts[4])
{
	return auth_segs(p->seg, p->nseg, p->names[0].len, p->sigs, out, ppos,
			 limit, qw, counts);
}

/* The usual general case: every piece compressed against the question
 * (no synthesised CNAME, no cut chain), everything fits (and ends below
 * 0x4000). Where each part goes is known from the part lengths (less
 * the cut names), so each piece is written in one go (fast_seg). The
 * same octets as setup, put_all and fix_seg write. */
static int emit_fast(const struct tl_plan *p, uint8_t *out, size_t *ppos,
		     size_t limit, const uint8_t *qw, uint16_t counts[4])
{
	unsigned mask = p->sigs ? 0x3fu : 0x15u, cnt[4] = {0};
	size_t at = *ppos, off[ZWT_PARTS] = {0};
	const uint8_t *fix[TL_MAXSEG];
	struct fcut fc;
	struct qlabels q = {qw, p->names[0].len, 0, -1};
	int cseg = -1; /* the segment with a name cut */
	bool bad = false;

	if (p->nsynth || p->cut)
		return FAST_NO;
	if (p->nseg == 1) {
		int f = emit_piece(p, out, ppos, limit, qw, counts, mask);
		if (f != FAST_GEN)
			return f;
	} else {
		int f = emit_auth(p, out, ppos, limit, qw, counts);
		if (f != FAST_GEN)
			return f;
	}
	for (int i = 0; i < p->nseg; i++) {
		const struct zwt_piece *pc = (const void *)p->seg[i].pc;
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const struct zwt_part *c = NULL;
		const uint8_t *w0 = (const uint8_t *)pc + pc->wire;
		const uint8_t *w = w0, *cw = w;
		for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
			int k = __builtin_ctz(b);
			if (k == TL_CUTP) {
				c = pd;
				cw = w;
			}
			w += pd->len;
			if (mask >> k & 1) {
				off[k] += pd->len;
				cnt[ZWT_PART_SEC(k)] += pd->count;
			}
		}
		fix[i] = (const uint8_t *)pd;
		if (seg_find_cut(pc, c, w0, cw, fix[i], &q, p->sigs, &fc)) {
			if (cseg >= 0)
				return FAST_NO; /* several cuts */
			cseg = i;
			off[TL_CUTP] -= fc.n;
		}
	}
#pragma GCC unroll 6
	for (int k = 0; k < ZWT_PARTS; k++) {
		size_t n = off[k];
		off[k] = at;
		at += n;
	}
	if (at > limit || at > 0x4000)
		return FAST_NO;
	for (int i = 0; i < p->nseg; i++)
		bad |= i == cseg ? fast_seg_cut(p->seg[i].pc, fix[i], out,
						off, q.len, mask, &fc)
				 : fast_seg(p->seg[i].pc, fix[i], out, off,
					    q.len, mask);
	if (bad)
		return FAST_BAD;
	for (int s = 1; s < 4; s++)
		counts[s] += (uint16_t)cnt[s];
	*ppos = at;
	return FAST_OK;
}

size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qwire, uint16_t counts[4],
	       bool *tc)
{
	int f = FAST_GEN;
	if (p->nseg == 1 && !p->nsynth) {
		if (emit_whole(p, out, &pos, limit, counts)) {
			*tc = false;
			return pos;
		}
		/* negative answers (authoritative, authority parts only)
		 * by auth_one, referrals and cuts by emit_piece */
		const struct zwt_piece *pc = (const void *)p->seg[0].pc;
		if (p->aa && !p->cut && (pc->parts | 8u) == 0x0cu)
			f = auth_one(pc, p->names[0].len, p->sigs, out, &pos,
				     limit, qwire, counts);
		if (f == FAST_GEN && !p->cut)
			f = emit_piece(p, out, &pos, limit, qwire, counts,
				       p->sigs ? 0x3fu : 0x15u);
	}
	if (f == FAST_GEN)
		f = emit_fast(p, out, &pos, limit, qwire, counts);
	if (f == FAST_NO)
		return tl_emit_general(p, out, pos, limit, qwire, counts,
				       tc);
	/* FAST_BAD: a pointer would not fit 14 bits: the sections are
	 * given up, as tl_emit_general does */
	if (f == FAST_BAD)
		memset(counts + 1, 0, 3 * sizeof(counts[0]));
	*tc = f == FAST_BAD;
	return pos;
}

size_t tl_emit_neg1(const uint8_t *piece, bool sigs, uint8_t *out,
		    size_t pos, size_t limit, const uint8_t *qwire,
		    size_t qlen, uint16_t counts[4])
{
	const struct zwt_piece *pc = (const void *)piece;
	/* emit_whole's, or not authority parts (tl_emit's checks) */
	if (pc->alen == qlen || (pc->parts | 8u) != 0x0cu)
		return 0;
	return auth_one(pc, qlen, sigs, out, &pos, limit, qwire, counts) ==
	       FAST_OK ? pos : 0;
}

/* auth_segs without a name cut, in one pass over the pieces once their
 * lengths are summed (and none may have a cut): each piece's part 2 and
 * then its part 3 (at the position after all parts 2) copied and
 * patched as auth_segs does. FAST_GEN: not that shape, too long, or a
 * piece may have a cut (auth_segs then). */
static inline __attribute__((always_inline)) int neg_segs(
	const struct tl_seg *seg, int nseg, size_t qlen, bool sigs,
	uint8_t *out, size_t *ppos, size_t limit, const uint8_t *qw,
	uint16_t counts[4])
{
	struct qlabels q = {qw, qlen, 0, -1};
	unsigned sig3 = sigs ? 8u : 0u, cnt = 0;
	size_t len[2] = {0, 0};

	if (!seg_sums(seg, nseg, &q, sigs, len, &cnt, NULL, NULL))
		return FAST_GEN;
	size_t p2 = *ppos, p3 = p2 + len[0], end = p3 + len[1];
	if (end > limit || end > 0x4000)
		return FAST_GEN;
	long d[8] = {0}; /* QSTART 0; PART0 + 0, 1 do not occur here */
	for (int i = 0; i < nseg; i++) {
		const struct zwt_piece *pc = (const void *)seg[i].pc;
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
		seg_plain(out, pc, p2, p3, d, sig3);
		p2 += pd[0].len;
		if (pc->parts & sig3)
			p3 += pd[1].len;
	}
	counts[ZWT_PART_SEC(2)] += (uint16_t)cnt;
	*ppos = end;
	return FAST_OK;
}

/* NODATA with DO, the usual plan: the SOA without a cut, then the NSEC
 * owned by the query name, its owner labels and a pointer to its
 * anchor, those labels the query name's in front of the anchor (any
 * case). auth_segs finds that owner's cut at once (may_cut, then
 * owner_cut's first try: all the labels, out as a pointer to the
 * question) and writes it by auth_cut2 and auth_sig3: so does this,
 * without its passes over the pieces. FAST_GEN: not that shape, or too
 * long (neg_segs and auth_segs then). */
static int nodata_own(const struct tl_seg *seg, size_t qlen, uint8_t *out,
		      size_t *ppos, size_t limit, const uint8_t *qw,
		      uint16_t counts[4])
{
	const struct zwt_piece *s = (const void *)seg[0].pc;
	const struct zwt_piece *n = (const void *)seg[1].pc;
	const struct zwt_part *sd = (const struct zwt_part *)(s + 1);
	const struct zwt_part *nd = (const struct zwt_part *)(n + 1);
	const uint8_t *nw = (const uint8_t *)n + n->wire;
	size_t l = qlen - n->alen, o = 0;
	if (s->parts != 0x0cu || n->parts != 0x0cu || qlen <= n->alen ||
	    qlen < s->alen || l + 12 > nd[0].len || nw[l] != 0xc0 ||
	    nw[l + 1] != 12)
		return FAST_GEN;
	while (o < l) /* whole labels of the query name */
		o += 1u + qw[o];
	struct qlabels q = {qw, qlen, 0, -1};
	if (o != l || !eq_nocase(qw, nw, l) ||
	    neg_may_cut(&q, (const uint8_t *)s + s->wire, sd[0].len, s->alen,
			true))
		return FAST_GEN;
	size_t p2 = *ppos, n2 = p2 + sd[0].len, p3 = n2 + nd[0].len - l,
	       n3 = p3 + sd[1].len, end = n3 + nd[1].len;
	if (end > limit || end > 0x4000)
		return FAST_GEN;
	long d[8] = {0};
	d[ZWT_FIX_QSUF] = (long)(qlen - s->alen);
	seg_plain(out, s, p2, p3, d, 8u);
	const struct cutmap cm = {(long)n2, 0, (long)l, 12};
	const struct cutinfo ci = {0, 0, 12};
	const uint8_t *fix = (const uint8_t *)(nd + 2);
	long canon = 12 + n->alen + 4;
	bool bad = auth_cut2(out, nd, fix, nw, &cm, &ci, (long)l, canon);
	bad |= auth_sig3(out, n3, nd, fix + 2u * nd->nfix, nw, &cm, (long)l,
			 canon);
	if (bad)
		return FAST_BAD;
	counts[ZWT_PART_SEC(2)] += (uint16_t)(sd[0].count + sd[1].count +
					      nd[0].count + nd[1].count);
	*ppos = end;
	return FAST_OK;
}

size_t tl_emit_neg(const struct tl_seg *seg, int nseg, bool sigs,
		   uint8_t *out, size_t pos, size_t limit,
		   const uint8_t *qwire, size_t qlen, uint16_t counts[4])
{
	if (nseg == 1)
		return tl_emit_neg1(seg[0].pc, sigs, out, pos, limit, qwire,
				    qlen, counts);
	if (nseg == 2 && sigs) {
		int f = nodata_own(seg, qlen, out, &pos, limit, qwire, counts);
		if (f != FAST_GEN)
			return f == FAST_OK ? pos : 0;
	}
	int f = neg_segs(seg, nseg, qlen, sigs, out, &pos, limit, qwire,
			 counts);
	if (f == FAST_GEN)
		f = auth_segs(seg, nseg, qlen, sigs, out, &pos, limit, qwire,
			      counts);
	return f == FAST_OK ? pos : 0;
}

/* May the prepared SOA of x go out for this query name (one label in
 * front of the apex, not the MNAME's: may_cut would find that cut)?
 * Its offset in x->var then, else SIZE_MAX. */
static inline size_t nx_variant(const struct zwt_nxprep *x,
				const uint8_t *qw, size_t qlen)
{
	size_t dq = qlen - x->alen;
	if (dq - ZWT_NX_DQMIN > ZWT_NX_DQMAX - ZWT_NX_DQMIN ||
	    qw[0] + 1u != dq ||
	    (x->mname[0] == qw[0] && eq_nocase(qw + 1, x->mname + 1, qw[0])))
		return SIZE_MAX;
	return (dq - ZWT_NX_DQMIN) * x->stride;
}

size_t tl_emit_soa0(const struct zwt_nxprep *x, uint8_t *out, size_t pos,
		    size_t limit, const uint8_t *qw, size_t qlen,
		    uint16_t counts[4])
{
	size_t v = nx_variant(x, qw, qlen), end = pos + x->ls2;
	if (v == SIZE_MAX || end > limit || end > 0x4000)
		return 0;
	copy_part(out + pos, x->var + v, x->ls2);
	counts[ZWT_PART_SEC(2)] += x->count2;
	return end;
}

/* The usual cover of a name one label below the apex x's (its label
 * at qw, dq octets with its length): an NSEC piece of parts 2 and 3
 * anchored there, owned by one label and a pointer to the apex. For it
 * neg_may_cut's answer is the owner's cut, which needs that label to
 * be the query name's (q_label_before: it is the label right before the
 * anchor, at 0): -1 then, else 1; 0: not that shape (seg_sums then). */
static inline __attribute__((always_inline)) int nx_cover_plain(
	const struct zwt_nxprep *x, const struct zwt_piece *pc,
	const uint8_t *qw)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	unsigned a = w[0], l = 1u + a;
	if (pc->parts != 0x0c || pc->alen != x->alen || a - 1u >= 63u ||
	    l + 12u > pd[0].len || w[l] != 0xc0 || w[l + 1] != 12 ||
	    w[l + 2] != 0 || w[l + 3] != ZW_TYPE_NSEC)
		return 0;
	return a == qw[0] && eq_nocase(qw + 1, w + 1, a) ? -1 : 1;
}

/* copy_part for tl_emit_nx: 32 to 128 octets as 32-octet blocks from
 * the start and from the end, one instruction each in the AVX2 clone
 * (two in the other); other lengths copy_part's way. */
typedef uint8_t nx_v32 __attribute__((vector_size(32), aligned(1)));

static inline __attribute__((always_inline)) void nx_copy(
	uint8_t *d, const uint8_t *s, size_t n)
{
#define NX32(o) (*(nx_v32 *)(d + (o)) = *(const nx_v32 *)(s + (o)))
	if (n - 32 <= 96) {
		if (n > 64) {
			NX32(0);
			NX32(32);
			NX32(n - 64);
		}
		NX32(n - 32);
		if (n <= 64)
			NX32(0);
		return;
	}
#undef NX32
	copy_part(d, s, n);
}

/* seg_plain for the cover: parts 2 and 3 copied by nx_copy, then
 * patched as seg_plain patches them. */
static inline __attribute__((always_inline)) void nx_plain(
	uint8_t *out, const struct zwt_piece *pc, size_t p2, size_t p3,
	long dq)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	const uint8_t *fix = (const uint8_t *)(pd + 2);
	unsigned l2 = pd[0].len;
	long canon = 12 + pc->alen + 4, d[8] = {0};
	d[ZWT_FIX_QSUF] = dq;
	d[ZWT_FIX_PART0 + 2] = (long)p2 - canon;
	d[ZWT_FIX_PART0 + 3] = (long)p3 - canon - l2;
	nx_copy(out + p2, w, l2);
	nx_copy(out + p3, w + l2, pd[1].len);
	auth_fix(out, p2, fix, pd[0].nfix, d);
	auth_fix(out, p3, fix + 2u * pd[0].nfix, pd[1].nfix, d);
}

/* Compiled twice on x86-64 (GCC), as answer_burst: the AVX2 copy moves
 * the parts 32 octets an instruction. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
size_t tl_emit_nx(const struct zwt_nxprep *x, const uint8_t *cover,
		  uint8_t *out, size_t pos, size_t limit, const uint8_t *qw,
		  size_t qlen, uint16_t counts[4])
{
	size_t vo = nx_variant(x, qw, qlen), lc[2] = {0, 0};
	unsigned cnt = x->count;
	if (vo == SIZE_MAX)
		return 0;
	const struct zwt_piece *pc = (const void *)cover;
	if (pc) {
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		int f = nx_cover_plain(x, pc, qw);
		struct qlabels q = {qw, qlen, 0, -1};
		const struct tl_seg one = {cover, 0};
		if (f < 0)
			return 0;
		if (f > 0) {
			lc[0] = pd[0].len;
			lc[1] = pd[1].len;
			cnt += pd[0].count + pd[1].count;
		} else if (!seg_sums(&one, 1, &q, true, lc, &cnt, NULL,
				     NULL)) {
			/* the cover as neg_segs takes it: its lengths, RRs
			 * and checks */
			return 0;
		}
	}
	size_t c2 = pos + x->ls2, w2 = c2 + lc[0], p3 = w2 + x->lw2,
	       c3 = p3 + x->ls3, w3 = c3 + lc[1], end = w3 + x->lw3;
	if (end > limit || end > 0x4000)
		return 0;
	const uint8_t *v = x->var + vo;
	nx_copy(out + pos, v, x->ls2);
	nx_copy(out + w2, v + x->ls2, x->lw2);
	nx_copy(out + p3, v + x->ls2 + x->lw2, x->ls3);
	nx_copy(out + w3, v + x->ls2 + x->lw2 + x->ls3, x->lw3);
	if (pc && pc->parts == 0x0c) {
		nx_plain(out, pc, c2, c3, (long)(qlen - pc->alen));
	} else if (pc) {
		long d[8] = {0};
		d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
		seg_plain(out, pc, c2, c3, d, 8u);
	}
	counts[ZWT_PART_SEC(2)] += (uint16_t)cnt;
	return end;
}
