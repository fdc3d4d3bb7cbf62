/* Queries the exact path does not answer: the absent name's stages of
 * the burst (its parent's slot and node, the search for the NSEC that
 * covers it), run between the other queries' work so their misses
 * overlap, and the general path: plan the response (table_lookup.c,
 * plus the DNAME steps here) and write it (table_emit.c). */
#include <string.h>

#include "zonecompile/table_answer_int.h"
#include "zonecompile/table_emit_int.h" /* tl_answer_ref */

#define RCODE_YXDOMAIN 6

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
	name_fresh(out, n, labels);
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

/* The usual referral for a name below a cut (a glue name): the burst
 * probed the name absent and found its parent, the cut, as tl_resolve
 * takes it; with a one-piece recipe tl_emit_ref writes it without a
 * plan, as tl_emit writes that plan. -1: not that case, or tl_emit
 * would write it another way (the plan then). */
static int answer_referral(struct actx *c, size_t limit, uint16_t max_udp)
{
	const struct tl_name *nm = &c->q.name;
	const struct zwt_node *e;
	if (!nm->probed || nm->node || !nm->pprobed || !(e = nm->parent) ||
	    !(e->flags & ZWT_N_CUT) ||
	    nm->nlabels - c->zh->origin_labels <= 1)
		return -1;
	const uint8_t *data = c->acc->data;
	const struct zwt_recipe *r = zwt_at(data, e->dflt[c->sigs]);
	if (r->npieces != 1)
		return -1;
	return tl_answer_ref(c, zwt_at(data, zwt_recipe_pieces(r)[0]),
			     r->flags, r->rcode, limit, max_udp);
}

/* Add piece ref to seg[0..*n) unless there (as tl_resolve's add_piece,
 * all for the query name). */
static void neg_add(struct tl_seg *seg, int *n, const uint8_t *data,
		    uint32_t ref)
{
	const uint8_t *pc = zwt_at(data, ref);
	for (int i = 0; i < *n; i++)
		if (seg[i].pc == pc)
			return;
	seg[*n].pc = pc;
	seg[*n].name = 0;
	(*n)++;
}

/* The pieces of recipe r to seg (each once, as add_recipe plans them)
 * written by tl_emit_neg (tl_emit_neg1 for one), with the cover and
 * the wildcard's NSEC (nx1, 0: none) after them when cover is not 0.
 * 0: tl_emit would write them another way. */
static inline __attribute__((always_inline)) size_t neg_write(
	struct actx *c, const struct zwt_recipe *r,
			uint32_t cover, uint32_t nx1, size_t limit,
			uint16_t counts[4])
{
	const struct query *q = &c->q;
	const uint8_t *data = c->acc->data;
	const uint32_t *pcs = zwt_recipe_pieces(r);
	bool sigs = (r->flags & ZWT_R_SIGS) != 0;
	if (r->npieces == 1 && !cover) { /* DO=0: the SOA; NODATA */
		const struct zwt_nxprep *x = c->acc->nxp;
		size_t e = !sigs && x && pcs[0] == x->soa_ref
			? tl_emit_soa0(x, c->out, q->qend, limit, c->pkt + 12,
				       q->qwlen, counts) : 0;
		return e ? e : tl_emit_neg1(zwt_at(data, pcs[0]), sigs, c->out,
					    q->qend, limit, c->pkt + 12,
					    q->qwlen, counts);
	}
	struct tl_seg seg[8];
	int n = 0;
	if (r->npieces == 1 && cover) { /* DO=1: SOA, cover, nx1: no loops */
		seg[0].pc = zwt_at(data, pcs[0]);
		seg[0].name = 0;
		n = 1;
		if (cover != pcs[0]) {
			seg[n].pc = zwt_at(data, cover);
			seg[n++].name = 0;
		}
		if (nx1 && nx1 != pcs[0] && nx1 != cover) {
			seg[n].pc = zwt_at(data, nx1);
			seg[n++].name = 0;
		}
	} else {
		for (unsigned i = 0; i < r->npieces; i++)
			neg_add(seg, &n, data, pcs[i]);
		if (cover) {
			neg_add(seg, &n, data, cover);
			if (nx1)
				neg_add(seg, &n, data, nx1);
		}
	}
	return n ? tl_emit_neg(seg, n, sigs, c->out, q->qend, limit,
			       c->pkt + 12, q->qwlen, counts) : 0;
}

/* A name that exists, answered with authority parts only (NODATA):
 * tl_resolve plans its recipe's pieces, each once, and tl_emit writes
 * them by auth_one or auth_segs, as tl_emit_neg does without the plan.
 * -1: not that case, or tl_emit would write it another way. */
static int answer_nodata(struct actx *c, size_t limit, uint16_t max_udp)
{
	const struct query *q = &c->q;
	const struct zwt_recipe *r = c->rec ? c->rec
		: zwt_at(c->acc->data, tl_select(q->name.node, q->qtype,
						 c->sigs));
	uint16_t counts[4] = {1, 0, 0, 0};
	if (!r->npieces || r->npieces > 6 || !(r->flags & ZWT_R_AA))
		return -1;
	size_t pos = neg_write(c, r, 0, 0, limit, counts);
	if (!pos)
		return -1;
	return finish(c, pos, answer_flags(q, true, r->rcode), counts,
		      max_udp);
}

/* NXDOMAIN for a name the burst probed absent whose closest encloser it
 * knows (the apex one label up, or the parent it found) and is none of
 * a cut, a DNAME or a wildcard's parent, in a zone without NSEC3: the
 * pieces tl_resolve's nxdomain plans (the zone's NXDOMAIN recipe and,
 * with DO, the NSEC covering the name and the one covering the
 * wildcard, each once) written by tl_emit_neg without the plan. -1: not
 * that case, or tl_emit would write it another way (the plan then). */
static int answer_nxdomain(struct actx *c, size_t limit, uint16_t max_udp)
{
	const struct query *q = &c->q;
	const struct tl_name *nm = &q->name;
	const struct zwt_zone *zh = c->zh;
	const uint8_t *data = c->acc->data;
	int below = nm->nlabels - zh->origin_labels;
	if (nm->probed && nm->node)
		return answer_nodata(c, limit, max_udp);
	if (zh->denial == ZWT_DENIAL_NSEC3 || !nm->probed ||
	    below < 1 || (below > 1 && (!nm->pprobed || !nm->parent)))
		return -1;
	const struct zwt_node *e = below > 1 ? nm->parent
					     : zwt_at(data, zh->apex);
	if (e->flags & (ZWT_N_CUT | ZWT_N_DNAME | ZWT_N_WILDCHILD))
		return -1;
	const struct zwt_recipe *r = zwt_at(data, zh->nx[c->sigs]);
	bool sigs = (r->flags & ZWT_R_SIGS) != 0;
	bool nsec = c->sigs && sigs && zh->denial == ZWT_DENIAL_NSEC;
	uint16_t counts[4] = {1, 0, 0, 0};
	if (r->npieces > 6 || !(r->flags & ZWT_R_AA))
		return -1;
	/* with NSEC, the burst's cover (what tl_nsec_cover returns); single
	 * answers plan it (test_table_answer holds bursts against them) */
	if (nsec && !nm->cover)
		return -1;
	const struct zwt_nxprep *x = c->acc->nxp;
	if (nsec && below == 1 && x && nm->cover != x->soa_ref) {
		size_t pos = tl_emit_nx(x, nm->cover == x->wild_ref ? NULL
					: zwt_at(data, nm->cover), c->out,
					q->qend, limit, c->pkt + 12, q->qwlen,
					counts);
		if (pos)
			return finish(c, pos, answer_flags(q, true, x->rcode),
				      counts, max_udp);
	}
	size_t pos = neg_write(c, r, nsec ? nm->cover : 0, e->nx1, limit,
			       counts);
	if (!pos)
		return -1;
	return finish(c, pos, answer_flags(q, true, r->rcode), counts,
		      max_udp);
}

/* The general path: plan the response (table_lookup.c) and write it
 * (table_emit.c). Out of line, so the exact path and answer_referral do
 * not set up its frame (the plan is 2 KB). */
static __attribute__((noinline)) int answer_plan(struct actx *c,
						 size_t limit,
						 uint16_t max_udp)
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
	uint16_t flags = (uint16_t)(answer_flags(q, p.aa, p.rcode) |
				    (tc ? ZW_MSG_TC : 0));
	return finish(c, pos, flags, counts, max_udp);
}

/* tl_answer_planned but for the referral: out of line, so that one
 * does not set up answer_nxdomain's frame. */
static __attribute__((noinline)) int answer_other(struct actx *c,
						  size_t limit,
						  uint16_t max_udp)
{
	int n = answer_nxdomain(c, limit, max_udp);
	return n >= 0 ? n : answer_plan(c, limit, max_udp);
}

int tl_answer_planned(struct actx *c, size_t limit, uint16_t max_udp)
{
	int n = answer_referral(c, limit, max_udp);
	return n >= 0 ? n : answer_other(c, limit, max_udp);
}

/* Would a denial of this name carry an NSEC covering it? */
static inline bool nsec_wanted(const struct actx *c)
{
	return c->sigs && c->zh->denial == ZWT_DENIAL_NSEC;
}

/* The search for nkey's entry: its guide bucket (or the accelerator's
 * level-0 block) prefetched. */
static void nsec_search(struct actx *c)
{
	const struct zwt_accel *a = c->acc;
	if (a->gpos) {
		c->nblk = zwt_guide_bucket(a, c->nkey);
		zwt_guide_fetch(a, c->nblk);
		c->nstate = NSEC_BLOCK;
		return;
	}
	c->nblk = zwt_accel_upper(a, c->nkey);
	if (c->nblk != SIZE_MAX) /* else below every key: left to answer */
		c->nstate = NSEC_BLOCK;
}

/* tl_nsec_key of a name one label below the apex: its label's first
 * 8 octets, those past it 0 (the separator, the padding), unless one
 * of them is 0 or 1 (escaped: tl_nsec_key then). */
static inline uint64_t nsec_key1(const struct tl_zone *z,
				 const struct tl_name *q)
{
	const uint64_t ones = 0x0101010101010101ull;
	unsigned n = q->lname[0] < 8 ? q->lname[0] : 8;
	uint64_t w = zw_load64(q->lname + 1);
	uint64_t m = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
	_Static_assert(sizeof(q->lname) >= 9, "one load");
	if ((w - 2 * ones) & ~w & (ones << 7) & m)
		return tl_nsec_key(z, q);
	return __builtin_bswap64(w & m);
}

static void nsec_begin(struct actx *c)
{
	struct tl_zone z = zone_of(c);
	c->n3 = false;
	c->nkey = c->q.name.nlabels == c->zh->origin_labels + 1u
		? nsec_key1(&z, &c->q.name) : tl_nsec_key(&z, &c->q.name);
	nsec_search(c);
}

/* The bucket's run of entries prefetched (nblk: its start, its length
 * above 32 bits), or, for a long run, the accelerator's index group
 * (nblk | ZWT_GUIDE_ACCEL). */
void tl_nsec_group(struct actx *c)
{
	const struct zwt_accel *a = c->acc;
	c->nstate = NSEC_GROUP;
	if (a->gpos) {
		size_t lo = a->gfirst[c->nblk], m = a->gfirst[c->nblk + 1] - lo;
		if (m <= ZWT_GUIDE_RUN) {
			zwt_guide_fetch_run(a, lo, m);
			c->nblk = lo | m << 32;
			return;
		}
		c->nblk = zwt_accel_upper(a, c->nkey);
		if (c->nblk == SIZE_MAX) {
			c->nstate = NSEC_NONE; /* left to answer */
			return;
		}
		c->nblk = zwt_accel_group(a, c->nkey, c->nblk) |
			  ZWT_GUIDE_ACCEL;
		return;
	}
	c->nblk = zwt_accel_group(a, c->nkey, c->nblk);
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
	nsec_search(c);
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
void tl_nsec_leaf(struct actx *c)
{
	const struct zwt_accel *a = c->acc;
	const struct zwt_nsec_ent *e = (const void *)a->idx;
	size_t i;
	c->nstate = NSEC_NONE;
	if (a->gpos && !(c->nblk & ZWT_GUIDE_ACCEL)) {
		long r = zwt_guide_leaf(a, c->nkey, (uint32_t)c->nblk,
					c->nblk >> 32);
		if (r < 0) /* below every key: left to answer */
			return;
		i = (size_t)r;
	} else {
		i = zwt_accel_leaf(a, c->nkey, c->nblk & ~ZWT_GUIDE_ACCEL);
	}
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
void tl_parent_slot(struct actx *c)
{
	const uint8_t *data = c->acc->data;
	const uint64_t *slots = c->acc->slots;
	uint64_t mask = c->acc->mask;
	uint64_t i = c->phash & mask;

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
		if (!ZWT_SLOT_TAG(s ^ c->phash)) {
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
void tl_parent_node(struct actx *c)
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
				tl_nsec_group(c);
		}
		return;
	}
	const uint8_t *data = c->acc->data;
	const struct zwt_recipe *r = zwt_at(data, n->dflt[c->sigs]);
	if (r->npieces)
		prefetch_first_piece(zwt_at(data, zwt_recipe_pieces(r)[0]), r,
				     c->sigs);
}

/* Slots stage_slot reads before it leaves the probe to tl_probe_h. */
#define SLOT_WALK 8

/* The slot walk of stage_slot when the home slot does not hold the
 * name's tag: to the first tag match or an empty slot (the name does not
 * exist: no probe later). An absent name's labels are needed from here
 * on: walked now when parse_lazy put that off. */
void tl_slot_walk(struct actx *c)
{
	const uint64_t *slots = c->acc->slots;
	uint64_t mask = c->acc->mask;
	uint64_t i = c->q.name.hash & mask;

	for (unsigned k = 0; k < SLOT_WALK; k++, i = (i + 1) & mask) {
		uint64_t s = slots[i];
		if (!(uint32_t)s) {
			c->cand = NULL;
			c->q.name.node = NULL;
			c->q.name.probed = true;
			if (c->lazy && !tl_parse_walk(c))
				return; /* answer_rest parses it again */
			/* one of them at most: a parent below the apex, or
			 * a name one label below it */
			if (c->q.name.nlabels >= c->zh->origin_labels + 2u)
				parent_start(c);
			else
				nsec_start(c);
			return;
		}
		if (!ZWT_SLOT_TAG(s ^ c->q.name.hash)) {
			const uint8_t *n = zwt_at(c->acc->data, (uint32_t)s);
			c->cand = (const struct zwt_node *)n;
			prefetch_node(n, s, c->sigs);
			return;
		}
	}
	/* SLOT_WALK slots taken, none with its tag: the name is most
	 * likely absent (tl_resolve probes on), so its search may start */
	c->cand = NULL;
	if (c->lazy && !tl_parse_walk(c))
		return;
	nsec_start(c);
}
