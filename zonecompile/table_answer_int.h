/* Internal to the query answer path: the query parse (table_parse.c,
 * its inline fast path in table_parse_int.h), the absent-name and
 * planned-answer work (table_plan.c) and the burst with its exact path
 * (table_answer.c). The per-query state and the copy helpers live here,
 * static inline, so that the burst keeps them inlined; the functions
 * each file leaves out of line are declared at the end. Not a public
 * header. */
#ifndef ZW_ZONECOMPILE_TABLE_ANSWER_INT_H
#define ZW_ZONECOMPILE_TABLE_ANSWER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dns/msg.h"
#include "dns/rrtype.h"
#include "zonecompile/table.h"
#include "zonecompile/table_lookup.h"

#define EDE_NOT_AUTH 20

struct query {
	uint16_t id, flags;
	uint16_t qtype, qclass;
	size_t qend;          /* end of the question */
	uint8_t qwlen;        /* wire length of the query name */
	bool edns;
	bool dnssec;
	uint8_t ednsver;
	uint16_t udp_wire;    /* the OPT's size as its two octets (a
			       * big-endian value: answer_limit swaps it
			       * and takes < 512 as 512; the usual
			       * answers fit 512 and never look) */
	struct tl_name name;
};

#ifdef __SSE2__
/* lower16's constants. Read through a pointer GCC cannot see into, so
 * they stay in memory as operands: it would build each one again in
 * the burst's loop (3 instructions each: no register is free there). */
static const uint8_t lower_k[3][16] __attribute__((aligned(16))) = {
	{[0 ... 15] = 0x7f - 'Z'}, {[0 ... 15] = 0x7f - 26}, {[0 ... 15] = 0x20}};

/* Lower-case 16 octets (label lengths are < 64, never letters): 'A'..'Z'
 * moved to 102..127 (signed), the only octets above 101 then. */
static inline void lower16(uint8_t *dst, const uint8_t *src)
{
	const __m128i *k = (const __m128i *)lower_k;
	__asm__("" : "+r"(k));
	__m128i v = _mm_loadu_si128((const __m128i *)src);
	__m128i up = _mm_cmpgt_epi8(_mm_add_epi8(v, k[0]), k[1]);
	v = _mm_or_si128(v, _mm_and_si128(up, k[2]));
	_mm_storeu_si128((__m128i *)dst, v);
}

/* lower16 of 32 octets, as vectors of 32: one step where they are
 * native (AVX2: the burst's answer_burst_avx2 only; elsewhere GCC takes
 * their compare octet by octet). */
typedef uint8_t zw_u8x32 __attribute__((vector_size(32), aligned(1)));
typedef int8_t zw_s8x32 __attribute__((vector_size(32), aligned(1)));
static const uint8_t lower_k32[3][32] __attribute__((aligned(32))) = {
	{[0 ... 31] = 0x7f - 'Z'}, {[0 ... 31] = 0x7f - 26}, {[0 ... 31] = 0x20}};
static inline void lower32(uint8_t *dst, const uint8_t *src)
{
	const zw_s8x32 *k = (const zw_s8x32 *)lower_k32;
	__asm__("" : "+r"(k));
	zw_u8x32 v = *(const zw_u8x32 *)src;
	zw_s8x32 up = (zw_s8x32)(v + (zw_u8x32)k[0]) > k[1];
	*(zw_u8x32 *)dst = v | ((zw_u8x32)up & (zw_u8x32)k[2]);
}
#endif

/* 32 octets: two 16-octet moves, one in the AVX2 copy of the burst
 * (GCC vectors: any target). */
typedef uint8_t zw_v32
	__attribute__((vector_size(32), aligned(1), may_alias));
static inline void copy32(uint8_t *d, const uint8_t *s)
{
	*(zw_v32 *)d = *(const zw_v32 *)s;
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
 * order. Up to 1024 (DO=1 answers with larger RRsets): 128 octets a
 * step, the last 128 from the end (libc's copy took ~70 instructions
 * with its call). Longer ones: libc's wide copy pays for its call. */
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
		} else if (n <= 1024) {
			for (size_t i = 0; i < n - 128; i += 128)
				copy_64_128(d + i, s + i, 128);
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
 * (names of up to 48 octets without a call). */
static inline void copy_head(uint8_t *d, const uint8_t *s, size_t n)
{
#ifdef __SSE2__
	if (n - 32 <= 32) { /* names of 16 octets and more: one compare */
		copy_32_64(d, s, n);
		return;
	}
	if (n <= 32) {
		copy_16_32(d, s, n);
		return;
	}
#endif
	memcpy(d, s, n);
}

/* The response's OPT at pos (bare replies, planned answers and the
 * burst's templates); returns the position after it. */
static inline size_t put_opt(uint8_t *out, size_t pos, const struct query *q,
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

/* The response's 12-octet header: the query's ID, flags, counts. */
static inline void put_header(uint8_t *out, const struct query *q,
			      uint16_t flags, const uint16_t counts[4])
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

/* One query on its way through the stages. */
struct actx {
	struct query q;
	const uint8_t *pkt;
	size_t len;
	uint8_t *out;
	size_t cap;
	/* zh, acc, data, room: parse_lazy fills them with one 32-octet
	 * copy from struct bconst (z1, a1, data1, room0), then sets room */
	const struct zwt_zone *zh;
	const struct zwt_accel *acc;  /* zh's accelerator (its fields) */
	const uint8_t *data;          /* acc->data */
	long room;                    /* octets an answer may add after the
				       * question (and the OPT) within 512
				       * and cap (exact_room) */
	const uint64_t *home;         /* the name's home slot */
	bool sigs;                    /* DO set and the zone signed */
	const struct zwt_node *cand;  /* node whose slot tag matched */
	const struct zwt_recipe *rec; /* its recipe (stage_node), or NULL */
	const struct zwt_piece *pc;   /* rec's first piece (when it has one) */
	uint64_t phash;               /* hash of the parent of an absent name */
	const struct zwt_node *pcand; /* the parent's node (tag match) */
	size_t nblk;                  /* accelerator block or index group */
	uint64_t nkey;                /* the absent name's NSEC index key */
	bool n3;                      /* NSEC3: nkey from nh, cover for ncpe */
	uint8_t ncpe;
	uint8_t nh[ZW_NSEC3_HASH_LEN]; /* the next closer name's hash */
	int result;
	/* four octets together: stage_parse sets them with one store */
	uint8_t pstate;               /* enum parent_state */
	uint8_t nstate;               /* enum nsec_state */
	bool done;
	bool lazy; /* the name taken by its length, not walked (parse_lazy) */
};

/* What every query of a call shares, looked up once: the table's only
 * zone and its accelerator (NULL: several zones, parse_lazy does not
 * take them), the accelerator's hash seed, whether the zone is signed;
 * the server's UDP size. */
struct bconst {
	/* as actx's zh, acc, data, room (0 here: parse_lazy sets it) */
	const struct zwt_zone *z1;
	const struct zwt_accel *a1;
	const uint8_t *data1;   /* a1's */
	long room0;
	size_t lazy_min;        /* shortest packet parse_lazy takes
				 * (SIZE_MAX: none, several zones) */
	const uint64_t *slots;  /* a1's */
	uint64_t mask;
	uint64_t seed;
	bool signed1;
	uint16_t max_udp;
};

_Static_assert(offsetof(struct actx, acc) == offsetof(struct actx, zh) + 8 &&
	       offsetof(struct actx, data) == offsetof(struct actx, zh) + 16 &&
	       offsetof(struct actx, room) == offsetof(struct actx, zh) + 24 &&
	       offsetof(struct bconst, a1) == offsetof(struct bconst, z1) + 8 &&
	       offsetof(struct bconst, data1) == offsetof(struct bconst, z1) + 16 &&
	       offsetof(struct bconst, room0) == offsetof(struct bconst, z1) + 24,
	       "parse_lazy's block");

/* c->room: what fits after the question and the OPT within both 512
 * octets (every limit is at least 512 or the buffer) and the buffer;
 * negative when not even they do. */
static inline void exact_room(struct actx *c)
{
	long lim = c->cap < 512 ? (long)c->cap : 512;
	c->room = lim - (long)c->q.qend - (c->q.edns ? 11 : 0);
}

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

/* A name's lookup state once its octets, length and labels are set:
 * not hashed, probed or covered yet (parse_qname, make_name). */
static inline void name_fresh(struct tl_name *nm, size_t len,
			      unsigned labels)
{
	nm->len = (uint8_t)len;
	nm->nlabels = (uint8_t)labels;
	nm->hashed = false;
	nm->probed = false;
	nm->pprobed = false;
	nm->cover = 0;
}

/* The header flags of a response to q: QR, q's opcode and RD, AA and
 * the rcode's low bits. */
static inline uint16_t answer_flags(const struct query *q, bool aa,
				    unsigned rcode)
{
	return (uint16_t)(ZW_MSG_QR | (q->flags & 0x7900) |
			  (aa ? ZW_MSG_AA : 0) | (rcode & 0xf));
}

/* The zone view tl_* take, from the burst's zone and its accelerator. */
static inline struct tl_zone zone_of(const struct actx *c)
{
	return (struct tl_zone){c->zh, c->data, c->acc};
}

/* Lines prefetched per piece when its recipe does not count them
 * (prefetch_piece: tables compiled before recipes did, NSEC pieces). */
#define PIECE_LINES_DO0 2
#define PIECE_LINES_DO1 5

/* The lines of the node at n, found in slot s, and with DO the lines
 * after them that the slot's hint says hold the answer a lookup there
 * usually takes (ZWT_SLOT_HINT): ahead of stage_node's piece prefetch
 * by a stage (the 1M table's DO=1 referrals are per delegation, read
 * from memory), and only where that piece follows the node (3 lines
 * after every node, a guess, cost the zwd table's DO=1 queries, mostly
 * in L3, 87.6 -> 94.3 ns). Not at DO=0: 82% of the 1M table's DO=0
 * referrals are shared pieces, in cache; a DO=0 hint (2 more bits)
 * cost 6 instructions a query and showed no gain beyond noise. Nor
 * does stage_node skip the prefetch of a piece the hint covered: the
 * test cost more instructions (+2 DO=1, +6 DO=0) than it saved. The
 * node's first line goes to L1, the rest to L2 (zwt_prefetch_l2). */
static inline void prefetch_node(const uint8_t *n, uint64_t s, bool sigs)
{
	zwt_prefetch(n);
	zwt_prefetch_l2(n + 64);
	if (!sigs)
		return;
	_Static_assert(ZWT_SLOT_HINT_MAX == 7 &&
		       ZWT_HINT_SPAN(7) == 14 && ZWT_HINT_SPAN(6) == 8,
		       "prefetch_node's lines");
	switch (ZWT_SLOT_HINT(s)) { /* one jump, not a loop */
	case 7:
		zwt_prefetch_l2(n + 64 * 13);
		zwt_prefetch_l2(n + 64 * 12);
		zwt_prefetch_l2(n + 64 * 11);
		zwt_prefetch_l2(n + 64 * 10);
		zwt_prefetch_l2(n + 64 * 9);
		zwt_prefetch_l2(n + 64 * 8); /* fall through */
	case 6: zwt_prefetch_l2(n + 64 * 7); /* fall through */
	case 5: zwt_prefetch_l2(n + 64 * 6); /* fall through */
	case 4: zwt_prefetch_l2(n + 64 * 5); /* fall through */
	case 3: zwt_prefetch_l2(n + 64 * 4); /* fall through */
	case 2: zwt_prefetch_l2(n + 64 * 3); /* fall through */
	case 1: zwt_prefetch_l2(n + 64 * 2); /* fall through */
	default: break;
	}
}

/* The lines of a piece its recipe counts (lines > 0: struct zwt_recipe),
 * ZWT_PIECE_LINES_MAX at most: the first two to L1, the rest to L2,
 * every line the piece spans and none past it. A fixed 2 (DO=0) or 5
 * (DO=1) lines (prefetch_piece's guess, all there was before recipes
 * counted) left the last lines of longer pieces to a demand miss in
 * stage_answer (a referral with glue; the cut's referral that a glue
 * name's answer copies) and fetched lines past shorter ones: the 1M
 * table's below rows 234.7 -> 153.8 ns (DO=0) and 257.2 -> 176.9
 * (DO=1), zwd's DO=0 mix +15-20%, for ~12 instructions a query (the
 * count's jump). */
static inline void prefetch_piece_lines(const uint8_t *pc, unsigned lines)
{
	const uint8_t *l = (const uint8_t *)((uintptr_t)pc & ~(uintptr_t)63);
	_Static_assert(ZWT_PIECE_LINES_MAX == 8, "prefetch_piece_lines");
	zwt_prefetch(pc);
	switch (lines < ZWT_PIECE_LINES_MAX ? lines : ZWT_PIECE_LINES_MAX) {
	case 8: zwt_prefetch_l2(l + 64 * 7); /* fall through */
	case 7: zwt_prefetch_l2(l + 64 * 6); /* fall through */
	case 6: zwt_prefetch_l2(l + 64 * 5); /* fall through */
	case 5: zwt_prefetch_l2(l + 64 * 4); /* fall through */
	case 4: zwt_prefetch_l2(l + 64 * 3); /* fall through */
	case 3: zwt_prefetch_l2(l + 64 * 2); /* fall through */
	case 2: zwt_prefetch(l + 64); /* fall through */
	default: break;
	}
}

/* The lines of a piece nothing counts, guessed. */
static inline unsigned piece_guess(bool sigs)
{
	return sigs ? PIECE_LINES_DO1 : PIECE_LINES_DO0;
}

/* A piece whose lines nothing counts (an NSEC piece): the guess. */
static inline void prefetch_piece(const uint8_t *pc, bool sigs)
{
	prefetch_piece_lines(pc, piece_guess(sigs));
}

/* Recipe r's first piece, at pc: the lines the recipe counts, or the
 * guess in a table compiled before recipes counted them. */
static inline void prefetch_first_piece(const uint8_t *pc,
					const struct zwt_recipe *r, bool sigs)
{
	prefetch_piece_lines(pc, r->lines ? r->lines : piece_guess(sigs));
}

/* table_parse.c: everything but parse_lazy's queries (short names
 * walked at once, names of any length, then the errors, which get their
 * bare reply here); true when the query is to be answered, c->zh its
 * zone, c->acc that zone's accelerator, the name hashed, c->sigs and
 * c->room set. */
bool tl_parse_slow(const struct zw_table *t, struct actx *c, uint16_t max_udp);
/* The labels of the name parse_lazy took, walked: false when they do
 * not end at its last octet or the name is outside the zone (the query
 * is not what parse_lazy took it for). */
bool tl_parse_walk(struct actx *c);
/* For a name parse_lazy took, before a plan reads its labels: walk it
 * (tl_parse_walk; a name a node matched always walks), or else parse
 * the query again from the start, as stage_parse would have without
 * parse_lazy; false when it gets a bare reply (c->result) or none. */
bool tl_parse_settle(const struct zw_table *t, struct actx *c,
		     uint16_t max_udp);
/* The zone that answers qtype at n, or NULL. */
const struct zwt_zone *tl_query_zone(const struct zw_table *t,
				     const struct tl_name *n, uint16_t qtype);

/* table_plan.c: the stages of an absent name (no tag match near its
 * home slot): its parent's and NSEC searches, one step a stage. Out of
 * line: about one query in ten takes them. tl_slot_walk is stage_slot's
 * walk past a home slot without the name's tag. */
void tl_slot_walk(struct actx *c);
void tl_parent_slot(struct actx *c);
void tl_parent_node(struct actx *c);
void tl_nsec_group(struct actx *c);
void tl_nsec_leaf(struct actx *c);
/* The general path: plan the response and write it; its length. */
int tl_answer_planned(struct actx *c, size_t limit, uint16_t max_udp);

#endif
