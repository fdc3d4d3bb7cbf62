/* Table internals shared by the reader, the lookup code and the writer.
 * Not a public header. */
#ifndef ZW_ZONECOMPILE_TABLE_INT_H
#define ZW_ZONECOMPILE_TABLE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/load.h"
#include "zonecompile/table.h"
#include "zonecompile/table_fmt.h"

struct zwt_accel;

struct zw_table {
	const uint8_t *base;
	size_t size;
	void *map;        /* munmap on close (NULL: caller's memory) */
	size_t maplen;
	struct zwt_accel *accel; /* per zone (table_accel.c), or NULL */
	uint32_t nzones;
	const struct zwt_zone *zones[];
};

/* A prefetch the compiler keeps: GCC 12 drops __builtin_prefetch from a
 * loop that does nothing else, taking the whole prefetch stage with it.
 * Into L1: for the line a stage reads first (a slot, a node's first
 * line, a piece's header). */
static inline void zwt_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p);
#endif
}

/* The same into L2 (prefetcht1), for the other lines a burst fetches:
 * a node's second line, the lines of the DO=1 answer after it, a
 * piece's later lines, the NSEC index's groups and runs. A burst of 32
 * DO=1 lookups fetches ~250 lines; as prefetcht0 each holds one of the
 * core's few L1 miss buffers (22 on Zen 2) until it arrives, and the
 * loads behind them wait for one, while prefetcht1 waits in L2's larger
 * queue and leaves them free; the read later hits L2 (~12 cycles, the
 * reads of a copy overlapping). On this AMD EPYC VM, 1M table, 7 runs
 * A/B interleaved (perf/ab_lookup.sh): DO=1 mix 129.8 -> 93.3 ns a
 * query, DO=1 exist 116.4 -> 82.3, DO=0 mix 86.6 -> 80.6; zwd DO=1
 * pcap 4.72 -> 5.82 M answered per CPU-second (perf/compare_zwd.sh, 3
 * runs, 1 lcore).
 * Prefetching every line into L2, the first ones too, measured the
 * same within noise. */
static inline void zwt_prefetch_l2(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht1 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 0, 2);
#endif
}

/* Start of a zone's data block. */
static inline const uint8_t *zwt_data(const struct zwt_zone *z)
{
	return (const uint8_t *)z + z->data;
}

/* A ref (4-octet units from the data block start) as a pointer. */
static inline const void *zwt_at(const uint8_t *data, uint32_t ref)
{
	return data + (size_t)ref * 4;
}

static inline uint64_t zwt_load_be64(const uint8_t *p)
{
	return __builtin_bswap64(zw_load64(p));
}

/* The name hash of the table format: over the lower-cased wire name,
 * seeded per zone. Changing it changes the format version. */
uint64_t zwt_hash(uint64_t seed, const uint8_t *name, size_t len);

#define ZWT_HK1 0x9e3779b97f4a7c15ULL
#define ZWT_HK2 0xd6e8feb86659fd93ULL
#define ZWT_HK3 0xa0761d6478bd642fULL

static inline uint64_t zwt_mix(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* zwt_mix by a constant of the hash, for the query path: GCC 12 moves
 * the 128-bit product through three registers and reloads the constant
 * for every word (7 instructions); mulq from memory keeps it in rax (3).
 * Same value. */
static inline uint64_t zwt_mix_k(uint64_t a, const uint64_t *k)
{
#if defined(__x86_64__)
	uint64_t hi;
	__asm__("mulq %2" : "+a"(a), "=d"(hi) : "m"(*k) : "cc");
	return a ^ hi;
#else
	return zwt_mix(a, *k);
#endif
}

/* zwt_hash for a name in a buffer readable up to len rounded up to 8
 * (a query's 256-octet name buffer): the tail is one load, masked by a
 * table, so the query path hashes without a call or a byte loop, and the
 * usual names (< 40 octets) take straight code at fixed offsets instead
 * of a loop (and two compares instead of a jump table: the 1M mix's
 * names take 4 instructions fewer). Same value. */
static inline uint64_t zwt_hash_padded(uint64_t seed, const uint8_t *name,
				       size_t len)
{
	static const uint64_t tail_mask[8] = {
		0, 0xff, 0xffff, 0xffffff, 0xffffffffULL, 0xffffffffffULL,
		0xffffffffffffULL, 0xffffffffffffffULL};
	static const uint64_t k[3] = {ZWT_HK1, ZWT_HK2, ZWT_HK3};
	const uint8_t *p = name + (len & ~(size_t)7); /* the tail */
	uint64_t h = seed ^ (len * ZWT_HK1);

	if (len < 40) {
		if (len >= 16) {
			h = zwt_mix_k(h ^ zw_load64(name), &k[1]);
			h = zwt_mix_k(h ^ zw_load64(name + 8), &k[1]);
			if (len >= 24) {
				h = zwt_mix_k(h ^ zw_load64(name + 16), &k[1]);
				if (len >= 32)
					h = zwt_mix_k(h ^ zw_load64(name + 24),
						      &k[1]);
			}
		} else if (len >= 8) {
			h = zwt_mix_k(h ^ zw_load64(name), &k[1]);
		}
	} else {
		for (const uint8_t *w = name; w < p; w += 8)
			h = zwt_mix_k(h ^ zw_load64(w), &k[1]);
	}
	if (len & 7)
		h = zwt_mix_k(h ^ (zw_load64(p) & tail_mask[len & 7]), &k[2]);
	return zwt_mix_k(h, &k[0]);
}

/* Node name (after the entries). */
static inline const struct zwt_entry *zwt_entries(const struct zwt_node *n)
{
	return (const struct zwt_entry *)(n + 1);
}

static inline const uint8_t *zwt_node_name(const struct zwt_node *n)
{
	return (const uint8_t *)(zwt_entries(n) + n->ntypes);
}

static inline size_t zwt_node_size(const struct zwt_node *n)
{
	return (sizeof(*n) + n->ntypes * sizeof(struct zwt_entry) +
		n->namelen + 3) & ~(size_t)3;
}

static inline const uint32_t *zwt_recipe_pieces(const struct zwt_recipe *r)
{
	return (const uint32_t *)(r + 1);
}

/* A piece taken apart: part descriptors by part index (NULL when the
 * part is empty), the fixups and unit ends of each part, the wire octets
 * and each part's offset inside them (fix, units and off are set for the
 * parts present only). */
struct zwt_pview {
	const struct zwt_piece *pc;
	const struct zwt_part *part[ZWT_PARTS];
	const uint8_t *fix[ZWT_PARTS];   /* u16 array, unaligned */
	const uint8_t *units[ZWT_PARTS]; /* 6-octet unit records */
	const uint8_t *wire;
	uint16_t off[ZWT_PARTS];
	size_t total;                    /* octets of the whole piece */
};

/* Unit record: u16 end (part-relative), u16 RR count, u16 mode. */
#define ZWT_UNIT_SIZE 6

/* Take a piece apart. `avail` bounds the read (validation); returns false
 * when the piece does not fit or is inconsistent. */
bool zwt_piece_view(const uint8_t *p, size_t avail, struct zwt_pview *v);

/* Present parts of a piece (parts < 64): a nibble table beats libgcc's
 * popcount (no -mpopcnt). */
static inline unsigned zwt_nparts(unsigned parts)
{
	static const uint8_t bits4[16] = {0, 1, 1, 2, 1, 2, 2, 3,
					  1, 2, 2, 3, 2, 3, 3, 4};
	return bits4[parts & 15] + bits4[parts >> 4 & 3];
}

/* The core of zwt_piece_view, without checks: one pass over the present
 * parts (descriptors packed in part order; the fixups of all parts come
 * first, then the unit records). Sets everything but wire and total;
 * *unit_end is where the unit records end, *wire_len the parts' octets.
 * The caller has made sure the descriptors are readable. */
static inline void zwt_piece_fill(const uint8_t *p, struct zwt_pview *v,
				  size_t *unit_end, size_t *wire_len)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	unsigned np = zwt_nparts(pc->parts);
	size_t fix = sizeof(*pc) + np * sizeof(*pd), unit = fix, w = 0;
	for (unsigned j = 0; j < np; j++)
		unit += 2u * pd[j].nfix;
	v->pc = pc;
	memset(v->part, 0, sizeof(v->part));
	for (unsigned bits = pc->parts; bits; bits &= bits - 1, pd++) {
		int k = __builtin_ctz(bits);
		v->fix[k] = p + fix;
		v->units[k] = p + unit;
		v->off[k] = (uint16_t)w;
		v->part[k] = pd;
		fix += 2u * pd->nfix;
		if (pd->nunit > 1)
			unit += (size_t)ZWT_UNIT_SIZE * pd->nunit;
		w += pd->len;
	}
	*unit_end = unit;
	*wire_len = w;
}

/* What a zone's lookups use, built in memory when the table is opened
 * (table_accel.c; not in the file): the header's fields the queries
 * need, ready to use, and an accelerator for the zone's denial index
 * (NSEC or NSEC3 entries: 24 octets, the 8-octet key first, sorted by
 * key), which searches it through samples of its keys: level 0 holds
 * every 16th entry's key, level j every 16th key of level j-1, up to a
 * top level of at most 16. Each level is padded with ~0 to whole blocks
 * of 16 keys (128 octets, aligned), so a search reads one block per
 * level (the upper ones stay in cache: ~n/30 octets for n entries) and
 * then one group of 16 entries of the index, instead of ~log2(n)
 * scattered entries. */
#define ZWT_ACCEL_FAN 16
#define ZWT_ACCEL_LEVELS 16

/* A DO=1 NXDOMAIN for a name one label below the apex (the usual miss)
 * is the NXDOMAIN recipe's SOA piece, the NSEC covering the name and
 * the apex's nx1 (the NSEC covering "*.<apex>"): authority parts SOA,
 * cover, wildcard NSEC, then their RRSIGs in that order. Only the cover
 * depends on the name; the other two pieces' parts are prepared when
 * the table is opened (table_accel.c), for each length the query name
 * may exceed the apex by (dq, one label: 2..64), their pointers as they
 * go out then: a query copies them. Built only when every pointer of
 * those parts moves by dq alone (into the question's apex, or into the
 * SOA, the first part written) and when the SOA and the wildcard NSEC
 * can have no name cut but the MNAME's (mname: the query name's one
 * label cuts it when equal; the general path then). The SOA's part 2
 * alone is the DO=0 NXDOMAIN and NODATA (tl_emit_soa0). */
#define ZWT_NX_DQMIN 2
#define ZWT_NX_DQMAX 64

struct zwt_nxprep {
	const uint8_t *soa, *wild;  /* the two pieces */
	uint32_t soa_ref, wild_ref; /* and their refs */
	uint16_t ls2, lw2, ls3, lw3; /* SOA, wildcard NSEC: parts 2, 3 */
	uint16_t count;             /* RRs of the four parts */
	uint16_t count2;            /* RRs of the SOA's part 2 (DO=0) */
	uint8_t alen;               /* the apex's length (both anchors) */
	uint8_t rcode;              /* the NXDOMAIN recipe's */
	uint8_t mname[64];          /* the MNAME's label before the apex,
				     * lower-cased, length first (0: none) */
	size_t stride;              /* ls2 + lw2 + ls3 + lw3 */
	uint8_t var[];              /* per dq from ZWT_NX_DQMIN: SOA part 2,
				     * NSEC part 2, SOA part 3, NSEC part 3 */
};

struct zwt_accel {
	const struct zwt_zone *zone;
	/* the zone's fields every query needs, ready to use */
	const uint8_t *data;      /* data block */
	const uint64_t *slots;    /* hash slots */
	uint64_t mask;            /* slots - 1 */
	uint64_t seed;            /* hash seed */
	const uint8_t *idx;       /* the index's entries */
	size_t n;                 /* entries */
	unsigned nlev;            /* levels (0: n <= 16, no samples) */
	const uint64_t *lev[ZWT_ACCEL_LEVELS];
	size_t len[ZWT_ACCEL_LEVELS]; /* keys per level, without padding */
	void *mem;
	struct zwt_nxprep *nxp;   /* prepared NXDOMAIN parts, or NULL */
	/* the guide (below; gpos 0: none) */
	const uint64_t *gtab;     /* gpos tables of 256 bucket steps */
	const uint32_t *gfirst;   /* per bucket, its first entry; one more */
	unsigned gpos;            /* key octets the bucket is made of */
	void *gmem;
};

#define ZWT_IDX_ENT 24

static inline uint64_t zwt_idx_key(const uint8_t *idx, size_t i)
{
	return *(const uint64_t *)(idx + i * ZWT_IDX_ENT);
}

/* The guide: a bucket number for every key, never smaller for a
 * greater key (monotone), so the entries of a bucket are a run of the
 * index, gfirst[b] .. gfirst[b + 1], those before it smaller than any
 * key of the bucket and those after it greater: the last entry <= key
 * is in that run or right before it, found by a search of the run
 * (a few entries: about ZWT_GUIDE_DENS per bucket) instead of the
 * accelerator's levels. The bucket is a mixed-radix number of the key's
 * first gpos octets, each octet by its rank among those the index holds
 * at that position (the last position's ranks divided, so that there
 * are about n / ZWT_GUIDE_DENS buckets): one table read per octet,
 * built when the table is opened (table_accel.c). An octet the index
 * does not hold at that position ends the number: the key lies between
 * two runs of ranks, so the lower positions take their largest codes
 * (after a rank held) or their smallest (before the first), which keeps
 * the bucket monotone. A step: the low 32 bits add to the bucket, the
 * high ones end it when not 0 (adding them less 1). */
#define ZWT_GUIDE_DENS 4
#define ZWT_GUIDE_RUN 32       /* runs longer: the accelerator's search */
#define ZWT_GUIDE_ACCEL ((size_t)1 << 63) /* tl_nsec_group: it took that */

/* Unrolled for the usual four positions or fewer (a loop's counters
 * cost as much as the steps). */
static inline size_t zwt_guide_bucket(const struct zwt_accel *a, uint64_t key)
{
	const uint64_t *t = a->gtab;
	uint64_t b = 0, e;
	unsigned n = a->gpos;
#define ZWT_GSTEP(j)                                          \
	do {                                                  \
		e = t[256 * (j) + (key >> (56 - 8 * (j)) & 0xff)]; \
		b += (uint32_t)e;                             \
		if (e >> 32)                                  \
			return b + (e >> 32) - 1;             \
		if (n == (j) + 1)                             \
			return b;                             \
	} while (0)
	ZWT_GSTEP(0);
	ZWT_GSTEP(1);
	ZWT_GSTEP(2);
	ZWT_GSTEP(3);
#undef ZWT_GSTEP
	for (unsigned j = 4, sh = 24; j < n; j++, sh -= 8) {
		e = t[256 * j + (key >> sh & 0xff)];
		b += (uint32_t)e;
		if (e >> 32)
			return b + (e >> 32) - 1;
	}
	return b;
}

static inline void zwt_guide_fetch(const struct zwt_accel *a, size_t b)
{
	zwt_prefetch(a->gfirst + b);
	zwt_prefetch(a->gfirst + b + 1);
}

/* The entries lo-1 .. lo+m-1 (the run and the one before it). */
static inline void zwt_guide_fetch_run(const struct zwt_accel *a, size_t lo,
				       size_t m)
{
	const uint8_t *p = a->idx + (lo ? lo - 1 : 0) * ZWT_IDX_ENT;
	const uint8_t *e = a->idx + (lo + m) * ZWT_IDX_ENT - 1;
	p -= (uintptr_t)p & 63;
	for (; p <= e; p += 64)
		zwt_prefetch_l2(p);
}

/* The last entry <= key (-1: none), the run lo .. lo+m-1 holding the
 * first one > key or ending before it: halving without branches. */
static inline long zwt_guide_leaf(const struct zwt_accel *a, uint64_t key,
				  size_t lo, size_t m)
{
	while (m > 1) {
		size_t h = m / 2;
		lo = zwt_idx_key(a->idx, lo + h - 1) <= key ? lo + h : lo;
		m -= h;
	}
	if (m)
		lo += zwt_idx_key(a->idx, lo) <= key;
	return (long)lo - 1;
}

/* The accelerator of the n entries at idx (false: out of memory);
 * its memory freed. */
bool zwt_accel_init(struct zwt_accel *a, const uint8_t *idx, size_t n);
void zwt_accel_fini(struct zwt_accel *a);

/* Build every zone's accelerator (false: out of memory; the table is
 * not usable then); free them. */
bool zwt_accel_build(struct zw_table *t);
void zwt_accel_free(struct zw_table *t);

/* The accelerator of zone z of table t. */
static inline const struct zwt_accel *zwt_accel_of(const struct zw_table *t,
						   const struct zwt_zone *z)
{
	if (t->nzones == 1)
		return t->accel;
	for (uint32_t i = 0; i < t->nzones; i++)
		if (t->zones[i] == z)
			return &t->accel[i];
	return NULL;
}

/* The last of 16 sorted keys <= key, the first one <= key known: four
 * steps without branches. The keys are 8 octets at p, stride apart (an
 * accelerator block: 8; a group of index entries: ZWT_IDX_ENT). */
static inline size_t zwt_last_le16(const uint8_t *p, size_t stride,
				   uint64_t key)
{
	size_t i = 0;
	i += *(const uint64_t *)(p + (i + 8) * stride) <= key ? 8 : 0;
	i += *(const uint64_t *)(p + (i + 4) * stride) <= key ? 4 : 0;
	i += *(const uint64_t *)(p + (i + 2) * stride) <= key ? 2 : 0;
	i += *(const uint64_t *)(p + (i + 1) * stride) <= key ? 1 : 0;
	return i;
}

static inline size_t zwt_accel_blk(const uint64_t *b, uint64_t key)
{
	return zwt_last_le16((const uint8_t *)b, sizeof(*b), key);
}

static inline void zwt_accel_fetch_blk(const uint64_t *b)
{
	zwt_prefetch(b);
	zwt_prefetch(b + 8);
}

/* The searches in steps, so a burst can overlap the misses of different
 * queries: upper() walks every level but 0 and returns the block of
 * level 0 to read (SIZE_MAX: key is below every entry), prefetched;
 * group() reads that block and returns the group of the index to read,
 * prefetched; leaf() returns the last entry <= key of that group. */
static inline size_t zwt_accel_upper(const struct zwt_accel *a, uint64_t key)
{
	if (a->nlev == 0)
		return a->n && zwt_idx_key(a->idx, 0) <= key ? 0 : SIZE_MAX;
	size_t g = 0;
	const uint64_t *top = a->lev[a->nlev - 1];
	if (top[0] > key)
		return SIZE_MAX;
	if (key != ~(uint64_t)0) {
		/* a level's padding (~0) lies above every other key, so the
		 * last key <= it in a block is a real one: no clamp */
		for (unsigned j = a->nlev - 1; j > 0; j--)
			g = ZWT_ACCEL_FAN * g +
			    zwt_accel_blk(a->lev[j] + ZWT_ACCEL_FAN * g, key);
	} else {
		for (unsigned j = a->nlev - 1; j > 0; j--) {
			size_t k = ZWT_ACCEL_FAN * g +
				   zwt_accel_blk(a->lev[j] + ZWT_ACCEL_FAN * g,
						 key);
			g = k < a->len[j] ? k : a->len[j] - 1;
		}
	}
	zwt_accel_fetch_blk(a->lev[0] + ZWT_ACCEL_FAN * g);
	return g;
}

/* A group's 384 octets span at most 7 lines: all 7, without a loop. */
static inline void zwt_accel_fetch_group(const struct zwt_accel *a, size_t g)
{
	_Static_assert(ZWT_ACCEL_FAN * ZWT_IDX_ENT <= 6 * 64, "7 lines");
	const uint8_t *p = a->idx + g * ZWT_ACCEL_FAN * ZWT_IDX_ENT;
	p -= (uintptr_t)p & 63;
	zwt_prefetch_l2(p);
	zwt_prefetch_l2(p + 64);
	zwt_prefetch_l2(p + 128);
	zwt_prefetch_l2(p + 192);
	zwt_prefetch_l2(p + 256);
	zwt_prefetch_l2(p + 320);
	zwt_prefetch_l2(p + 384);
}

static inline size_t zwt_accel_group(const struct zwt_accel *a, uint64_t key,
				     size_t blk)
{
	if (a->nlev == 0)
		return 0;
	size_t k = ZWT_ACCEL_FAN * blk + zwt_accel_blk(a->lev[0] +
						       ZWT_ACCEL_FAN * blk, key);
	size_t g = k < a->len[0] ? k : a->len[0] - 1;
	zwt_accel_fetch_group(a, g);
	return g;
}

static inline size_t zwt_accel_leaf(const struct zwt_accel *a, uint64_t key,
				    size_t g)
{
	size_t b = g * ZWT_ACCEL_FAN, m = a->n - b;
	if (m >= ZWT_ACCEL_FAN) /* a whole group: four fixed steps */
		return b + zwt_last_le16(a->idx + b * ZWT_IDX_ENT,
					 ZWT_IDX_ENT, key);
	while (m > 1) {
		size_t half = m / 2;
		b = zwt_idx_key(a->idx, b + half) <= key ? b + half : b;
		m -= half;
	}
	return b;
}

/* zwt_accel_find by the guide, the accelerator for a long run. */
static inline long zwt_guide_find(const struct zwt_accel *a, uint64_t key)
{
	size_t b = zwt_guide_bucket(a, key);
	size_t lo = a->gfirst[b], m = a->gfirst[b + 1] - lo;
	if (m <= ZWT_GUIDE_RUN)
		return zwt_guide_leaf(a, key, lo, m);
	size_t blk = zwt_accel_upper(a, key);
	if (blk == SIZE_MAX)
		return -1;
	return (long)zwt_accel_leaf(a, key, zwt_accel_group(a, key, blk));
}

/* Index of the last entry whose key is <= key (-1: none). */
static inline long zwt_accel_find(const struct zwt_accel *a, uint64_t key)
{
	if (a->gpos)
		return zwt_guide_find(a, key);
	size_t blk = zwt_accel_upper(a, key);
	if (blk == SIZE_MAX)
		return -1;
	return (long)zwt_accel_leaf(a, key, zwt_accel_group(a, key, blk));
}

/* Parse one RR at wire[off..end): returns the offset after it or 0 when
 * malformed. Owner may be labels, a pointer, or labels + pointer. */
size_t zwt_rr_skip(const uint8_t *wire, size_t off, size_t end,
		   uint16_t *type);

#endif
