/* zw_table_answer and its burst: one query packet in, one response
 * out, in stages: parse and pick the zone (table_parse_int.h, the rest
 * in table_parse.c), the name's home slot, its node, the parent and
 * NSEC searches of absent names (table_plan.c), the answer. Here: the
 * burst and its stages, and the exact path, the usual answer written
 * from one piece compiled for exactly the query's name; the general
 * path, which plans the response (table_lookup.c) and writes it
 * (table_emit.c), is table_plan.c's. */
#include <string.h>

#include "dns/err.h"
#include "zonecompile/table_emit_int.h" /* tl_answer_ref */
#include "zonecompile/table_parse_int.h"

/* The slot holding tag h's name among the 4 from home on (the lines
 * stage_parse prefetched), not past the last slot: NULL when one of them
 * is empty (the name is absent: tl_slot_walk starts its searches) or
 * none holds the tag. */
static inline const uint64_t *slot_near(const struct actx *c,
					const uint64_t *home, uint64_t h)
{
	const uint64_t *last = c->acc->slots + c->acc->mask;
	for (unsigned j = 1; j < 4 && home + j <= last; j++) {
		uint64_t s = home[j];
		if (!(uint32_t)s)
			return NULL;
		if (!ZWT_SLOT_TAG(s ^ h))
			return home + j;
	}
	return NULL;
}

/* Stage 2: the name's home slot (prefetched by stage_parse). Usually it
 * holds the name's tag: prefetch that node (and the recipes the
 * compiler put right after it); else one of the next slots may (about
 * 1 name in 6 at 1M), else walk on (tl_slot_walk). */
static inline __attribute__((always_inline)) void stage_slot(struct actx *c)
{
	uint64_t h = c->q.name.hash;
	const uint64_t *home = c->home;
	uint64_t s = home[0];
	if (!(uint32_t)s || ZWT_SLOT_TAG(s ^ h)) {
		const uint64_t *at = (uint32_t)s ? slot_near(c, home, h) : NULL;
		if (!at) {
			tl_slot_walk(c);
			return;
		}
		s = *at;
	}
	const uint8_t *n = zwt_at(c->data, (uint32_t)s);
	c->cand = (const struct zwt_node *)n;
	prefetch_node(n, s, c->sigs);
}

/* A tag match with another name (1 in 2^29): probe on. */
static __attribute__((noinline))
const struct zwt_node *node_collision(struct actx *c)
{
	struct tl_zone z = zone_of(c);
	const struct tl_name *nm = &c->q.name;
	return tl_probe_h(&z, nm->lname, nm->len, nm->hash);
}

/* tl_name_eq of node n's name for lengths out of 16..32 (short names),
 * out of line: it keeps the usual compare's result a branch of its own
 * (GCC merged their results into one value and tested that: 3 more
 * instructions a query). */
static __attribute__((noinline))
bool node_eq_other(const struct zwt_node *n, const struct tl_name *nm)
{
	return tl_name_eq(zwt_node_name(n), nm->lname, nm->len);
}

/* Is n the node of name nm? */
static inline __attribute__((always_inline))
bool node_is(const struct zwt_node *n, const struct tl_name *nm)
{
	size_t len = nm->len;
	if (n->namelen != len)
		return false;
#ifdef __SSE2__
	if (len - 16 <= 16)
		return tl_name_eq16_32(zwt_node_name(n), nm->lname, len);
#endif
	return node_eq_other(n, nm);
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
	if (!n) { /* no tag match near the home slot */
		c->rec = NULL;
		if (c->pstate == PARENT_SLOT)
			tl_parent_slot(c);
		if (c->nstate == NSEC_BLOCK)
			tl_nsec_group(c);
		return;
	}
	if (__builtin_expect(!node_is(n, &q->name), 0)) {
		c->rec = NULL;
		n = node_collision(c);
		c->cand = n;
		q->name.node = n;
		q->name.probed = true;
		if (!n)
			return;
	}
	const uint8_t *data = c->data;
	const struct zwt_recipe *r = zwt_at(data, tl_select(n, q->qtype,
							    c->sigs));
	c->rec = r;
	if (r->npieces) {
		c->pc = zwt_at(data, zwt_recipe_pieces(r)[0]);
		prefetch_first_piece((const uint8_t *)c->pc, r, c->sigs);
	}
}

/* Stage 4, absent names only: the NSEC search's index group (its cover
 * piece prefetched) and the parent's node, both read by then. */
static void stage_parent(struct actx *c)
{
	if (c->nstate == NSEC_GROUP) /* before parent_node starts one */
		tl_nsec_leaf(c);
	if (c->pstate == PARENT_NODE)
		tl_parent_node(c);
}

/* Octets the response may take: the client's EDNS size (512 at least)
 * capped by the server's (>= 512), over TCP 65535; never more than the
 * buffer. */
static inline size_t answer_limit(const struct actx *c, bool tcp,
				  uint16_t max_udp)
{
	size_t l;
	if (tcp)
		l = 65535;
	else if (c->q.edns)
	{
		uint16_t udp = __builtin_bswap16(c->q.udp_wire);
		l = udp < 512 ? 512 : udp < max_udp ? udp : max_udp;
	}
	else
		l = 512;
	return l < c->cap ? l : c->cap;
}

/* Lane of the section of part p (answer 1, authority 2, additional 3). */
#define LANE(p) (1ULL << (16 * (1 + (p) / 2)))
/* A count below 256 as lane p's big-endian octets (its low octet in
 * the lane's second). */
#define LANE_BE(p) (LANE(p) << 8)
/* Pieces of one or two parts (all of the usual answers but DO=1
 * referrals with glue): counts_mul[0][parts] the big-endian lane of the
 * first part's count, counts_mul[1][parts] the second's (0 without
 * one); 0, 0 for the others. Two rows, not pairs: parts indexes both
 * as it is (no shift). */
#define NPARTS(m) __builtin_popcount(m)
#define DROP1(m) ((m) & ((m) - 1)) /* the lowest bit cleared */
#define NTH(m, k) __builtin_ctz((k) == 2 ? DROP1(DROP1(m)) :		\
				(k) == 1 ? DROP1(m) : (m))
#define CMUL0(m) (NPARTS(m) - 1u < 2u ? LANE_BE(NTH(m, 0)) : 0)
#define CMUL1(m) (NPARTS(m) == 2 ? LANE_BE(NTH(m, 1)) : 0)
#define CM4(f, m) f(m), f((m) + 1), f((m) + 2), f((m) + 3)
#define CM16(f, m) CM4(f, m), CM4(f, (m) + 4), CM4(f, (m) + 8), CM4(f, (m) + 12)
#define CM64(f) CM16(f, 0), CM16(f, 16), CM16(f, 32), CM16(f, 48)
static const uint64_t counts_mul[2][1 << ZWT_PARTS] = {
	{CM64(CMUL0)}, {CM64(CMUL1)}};
/* The same for pieces of three parts (DO=1 referrals with glue); 0 for
 * the others. */
#define CMUL3(m) {							\
	NPARTS(m) == 3 ? LANE_BE(NTH(m, 0)) : 0,			\
	NPARTS(m) == 3 ? LANE_BE(NTH(m, 1)) : 0,			\
	NPARTS(m) == 3 ? LANE_BE(NTH(m, 2)) : 0}
#define CMUL3_4(m) CMUL3(m), CMUL3((m) + 1), CMUL3((m) + 2), CMUL3((m) + 3)
#define CMUL3_16(m) CMUL3_4(m), CMUL3_4((m) + 4), CMUL3_4((m) + 8),	\
	CMUL3_4((m) + 12)
static const uint64_t counts_mul3[1 << ZWT_PARTS][3] = {
	CMUL3_16(0), CMUL3_16(16), CMUL3_16(32), CMUL3_16(48)};

/* An exact answer's piece is at most this long: its counts (each RR
 * >= 11 octets) then stay below 255, the OPT's included, so every
 * lane's sum is its big-endian value. */
#define EXACT_MAX (254 * 11)

/* The counts of a piece of three or more parts in lanes: three parts
 * (DO=1 referrals with glue) by multiplies, more one part at a time. */
static __attribute__((noinline)) uint64_t counts_more(const struct zwt_piece *pc)
{
	const uint64_t *mul = counts_mul3[pc->parts];
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	if (mul[0])
		return pd[0].count * mul[0] + pd[1].count * mul[1] +
		       pd[2].count * mul[2];
	uint64_t counts = 0; /* part p counts in lane 1 + p / 2 */
	for (unsigned bits = pc->parts; bits; bits &= bits - 1, pd++)
		counts += (uint64_t)pd->count
			  << (24 + 16 * (__builtin_ctz(bits) >> 1));
	return counts;
}

/* The header's octets 4..11 for piece pc (no more than EXACT_MAX
 * octets) and the question, without the OPT: with one or two parts
 * two multiplies into big-endian lanes, not a loop. */
static inline uint64_t exact_counts(const struct zwt_piece *pc)
{
	unsigned m = pc->parts;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	uint64_t v = 1 << 8; /* QDCOUNT */
	if (counts_mul[0][m]) /* validated: a part holds >= 1 RR, so pd[1]
			       * is inside */
		v += pd[0].count * counts_mul[0][m] +
		     pd[1].count * counts_mul[1][m];
	else
		v += counts_more(pc);
	return v;
}

/* answer_flags of recipe r (an exact answer's: opcode QUERY) as
 * octets 2 and 3 of the header (a 16-bit store): QR and AA and the
 * rcode's low bits by recipe rcode and flags (one load, masked), the
 * query's RD (and opcode) added. */
#define XF(i) (uint16_t)(0x80 | ((i) >> 8 & 1) << 2 | ((i) & 0xf) << 8)
#define XF4(i) XF(i), XF((i) + 1), XF((i) + 2), XF((i) + 3)
#define XF16(i) XF4(i), XF4((i) + 4), XF4((i) + 8), XF4((i) + 12)
static const uint16_t exact_fl[0x110] = {XF16(0), [0x100] = XF16(0x100)};
static inline uint16_t exact_flags(const struct query *q,
				   const struct zwt_recipe *r)
{
	_Static_assert(offsetof(struct zwt_recipe, flags) == 1 &&
		       ZWT_R_AA == 1 && ZW_MSG_QR == 0x8000 && ZW_MSG_AA == 0x400,
		       "exact_flags' bits");
	uint16_t rr; /* rcode, flags */
	memcpy(&rr, r, 2);
	return (uint16_t)(exact_fl[rr & 0x10f] | (q->flags >> 8 & 0x79));
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
	/* every limit is at least 512 or the buffer: most answers fit so */
	return (long)pc->size <= c->room ||
	       (pc->size <= EXACT_MAX &&
		q->qend + pc->size + (q->edns ? 11 : 0) <=
		answer_limit(c, tcp, max_udp));
}

/* ... and the writing: returns the response's length. The header's
 * flags and counts (the ID is the query's, already in place: out is
 * the query or a copy of its header) and the OPT (11 octets: the
 * burst's template with DO clear, then DO and the 3 zero octets after
 * it as one 4-octet store) when the query has one.
 * (Reading the piece's and recipe's fields before the copies costs
 * more: they stay live across them.) */
static inline __attribute__((always_inline))
int answer_exact(struct actx *c, const struct zwt_recipe *r,
		 const struct zwt_piece *pc, const uint8_t opt[2][16])
{
	const struct query *q = &c->q;
	size_t qend = q->qend;
	uint8_t *o = c->out;
	size_t size = pc->size;
	if (o != c->pkt) /* header (ID) and question */
		copy_head(o, c->pkt, qend);
	copy_bytes(o + qend, (const uint8_t *)pc + pc->wire, size);
	size_t pos = qend + size;
	uint16_t wflags = exact_flags(q, r);
	uint64_t counts = exact_counts(pc);
	if (q->edns) {
		uint64_t t = zw_load64(opt[0]);
		uint32_t d = (uint32_t)q->dnssec << 7; /* DO, then 0, 0, 0 */
		memcpy(o + pos, &t, 8);
		memcpy(o + pos + 7, &d, 4);
		pos += 11;
		counts += 1ULL << 56; /* ARCOUNT (< 255: EXACT_MAX) */
	}
	memcpy(o + 2, &wflags, 2);
	memcpy(o + 4, &counts, 8);
	return (int)pos;
}

/* The first piece of recipe r. */
static inline const struct zwt_piece *first_piece(const struct actx *c,
						  const struct zwt_recipe *r)
{
	return zwt_at(c->data, zwt_recipe_pieces(r)[0]);
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

/* A name below a zone cut that has a node of its own (ZWT_N_BELOW: glue
 * and other occluded names), its one-piece recipe stage_node's (c->rec,
 * c->pc): the cut's referral, written by tl_answer_below as
 * answer_referral writes it for the names without one, but without the
 * search for the cut. A node matched, so the name parse_lazy took is
 * well formed and in the zone: no walk. -1: not that case, or the
 * referral does not fit that way (the plan then, as for the names
 * without a node). Inline: tl_answer_below is the one call. */
static inline int answer_below(struct actx *c, bool tcp, uint16_t max_udp,
				const uint8_t opt[2][16])
{
	/* the piece within c->room: its sections (no longer) fit */
	if ((long)c->pc->size <= c->room)
		return tl_answer_below(c, c->q.qend + (size_t)c->room,
				       max_udp, opt);
	size_t limit = answer_limit(c, tcp, max_udp);
	size_t optlen = c->q.edns ? 11 : 0;
	if (limit < c->q.qend + optlen)
		return -1;
	return tl_answer_below(c, limit - optlen, max_udp, opt);
}

/* The rest of stage 5: the checks the exact path skipped, the probe
 * stage_node left (a tag match with another name, or none near the home
 * slot), and the general path. Out of line: the exact path keeps a
 * small frame. */
static __attribute__((noinline))
int answer_rest(const struct zw_table *t, struct actx *c, bool tcp,
		uint16_t max_udp, const uint8_t opt[2][16])
{
	struct query *q = &c->q;
	/* the plan reads the labels of a name parse_lazy took: walk them
	 * (when no node matched, the query may be another one) */
	if (c->lazy && !tl_parse_settle(t, c, max_udp))
		return c->result;
	size_t limit = answer_limit(c, tcp, max_udp);
	size_t optlen = q->edns ? 11 : 0;
	if (limit < q->qend + optlen)
		return ZW_ENOSPC;
	if (c->nstate == NSEC_GROUP) /* started late (parent_node) */
		tl_nsec_leaf(c);
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
				zwt_at(c->data,
				       tl_select(n, q->qtype, c->sigs));
			if (r->npieces == 1 &&
			    exact_fits(c, r, first_piece(c, r), tcp, max_udp))
				return answer_exact(c, r, first_piece(c, r),
						    opt);
			if (r->npieces == 1 && (n->flags & ZWT_N_BELOW)) {
				c->cand = n;
				c->rec = r;
				c->pc = first_piece(c, r);
				int b = answer_below(c, tcp, max_udp, opt);
				if (b >= 0)
					return b;
			}
		}
	}
	return tl_answer_planned(c, limit - optlen, max_udp);
}

/* Stage 5: write the response; the exact path inline, the rest out of
 * line. A query stage_parse finished (c->rec NULL) has its result. */
static inline __attribute__((always_inline))
int stage_answer(const struct zw_table *t, struct actx *c, bool tcp,
		 uint16_t max_udp, const uint8_t opt[2][16])
{
	const struct zwt_recipe *r = c->rec;
	if (r && r->npieces == 1) {
		if (exact_fits(c, r, c->pc, tcp, max_udp))
			return answer_exact(c, r, c->pc, opt);
		if (c->cand->flags & ZWT_N_BELOW) { /* a glue name */
			int n = answer_below(c, tcp, max_udp, opt);
			if (n >= 0)
				return n;
		}
	}
	if (c->done)
		return c->result;
	return answer_rest(t, c, tcp, max_udp, opt);
}

static uint16_t server_udp(const struct zw_answer_opts *opts)
{
	return opts && opts->max_udp >= 512 ? opts->max_udp : 1232;
}

/* The call's constants (struct bconst). */
void tl_bconst_init(struct bconst *k, const struct zw_table *t,
		    const struct zw_answer_opts *opts)
{
	bool one = t->nzones == 1;
	k->lazy_min = one ? 12 + 16 : SIZE_MAX;
	k->z1 = one ? t->zones[0] : NULL;
	k->a1 = one ? t->accel : NULL;
	k->data1 = one ? t->accel->data : NULL;
	k->room0 = 0;
	k->seed = one ? t->accel->seed : 0;
	k->slots = one ? t->accel->slots : NULL;
	k->mask = one ? t->accel->mask : 0;
	k->signed1 = one && t->zones[0]->denial != ZWT_DENIAL_NONE;
	k->max_udp = server_udp(opts);
}

int zw_table_answer(const struct zw_table *t, const uint8_t *pkt,
		    size_t len, uint8_t *out, size_t cap,
		    const struct zw_answer_opts *opts)
{
	struct actx c = {.pkt = pkt, .len = len, .out = out, .cap = cap};
	struct bconst k;
	tl_bconst_init(&k, t, opts);
	uint16_t max_udp = k.max_udp;
	uint8_t opt[2][16];
	stage_parse(t, &k, &c, false);
	if (c.done)
		return c.result;
	opt_templates(opt, max_udp);
	return stage_answer(t, &c, opts && opts->tcp, max_udp, opt);
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
 * DO=0). `wide`: compiled for AVX2 (answer_burst). */
static inline __attribute__((always_inline))
void burst_run(const struct zw_table *t, const uint8_t *const pkt[],
	       const size_t len[], uint8_t *const out[], const size_t cap[],
	       int outlen[], unsigned n, const struct zw_answer_opts *opts,
	       bool wide)
{
	struct actx c[BURST_MAX];
	struct bconst k;
	tl_bconst_init(&k, t, opts);
	uint16_t max_udp = k.max_udp;
	bool tcp = opts && opts->tcp;
	uint8_t opt[2][16];
	opt_templates(opt, max_udp);

	/* size_t indexes: no zero-extension before each array access */
	for (size_t base = 0; base < n; base += BURST_MAX) {
		size_t m = n - base < BURST_MAX ? n - base : BURST_MAX;
		struct actx *live[BURST_MAX], *absent[BURST_MAX];
		size_t nl = 0, na = 0;
		for (size_t i = 0; i < m; i++) {
			c[i].pkt = pkt[base + i];
			c[i].len = len[base + i];
			c[i].out = out[base + i];
			c[i].cap = cap[base + i];
			live[nl] = &c[i];
			nl += stage_parse(t, &k, &c[i], wide);
		}
		for (size_t i = 0; i < nl; i++)
			stage_slot(live[i]);
		for (size_t i = 0; i < nl; i++) {
			stage_node(live[i]);
			absent[na] = live[i];
			na += !live[i]->cand;
		}
		for (size_t i = 0; i < na; i++)
			stage_parent(absent[i]);
		for (size_t i = 0; i < m; i++)
			outlen[base + i] = stage_answer(t, &c[i], tcp, max_udp,
							opt);
	}
}

/* The burst compiled twice on x86-64 (GCC), the AVX2 copy picked per
 * call: the piece and question copies move 32 octets an instruction
 * (1M mix 498 -> 490 instructions a query DO=0, 630 -> 612 DO=1), the
 * name is lower-cased in one step (lower32: GCC takes its 32-octet
 * vectors apart where they are not native, so the other copy keeps
 * lower16). Two functions rather than target_clones: each knows which
 * one it is. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define BURST_AVX2 1
static __attribute__((target("avx2"), noinline))
void answer_burst_avx2(const struct zw_table *t, const uint8_t *const pkt[],
		       const size_t len[], uint8_t *const out[],
		       const size_t cap[], int outlen[], unsigned n,
		       const struct zw_answer_opts *opts)
{
	burst_run(t, pkt, len, out, cap, outlen, n, opts, true);
}
#endif

static __attribute__((noinline))
void answer_burst(const struct zw_table *t, const uint8_t *const pkt[],
		  const size_t len[], uint8_t *const out[], const size_t cap[],
		  int outlen[], unsigned n, const struct zw_answer_opts *opts)
{
	burst_run(t, pkt, len, out, cap, outlen, n, opts, false);
}

/* The burst's entry (one symbol for profilers, whichever copy runs). */
void zw_table_answer_burst(const struct zw_table *t,
			   const uint8_t *const pkt[], const size_t len[],
			   uint8_t *const out[], const size_t cap[],
			   int outlen[], unsigned n,
			   const struct zw_answer_opts *opts)
{
#ifdef BURST_AVX2
	if (__builtin_cpu_supports("avx2")) {
		answer_burst_avx2(t, pkt, len, out, cap, outlen, n, opts);
		return;
	}
#endif
	answer_burst(t, pkt, len, out, cap, outlen, n, opts);
}
