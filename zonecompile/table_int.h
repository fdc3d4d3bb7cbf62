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

struct zw_table {
	const uint8_t *base;
	size_t size;
	void *map;        /* munmap on close (NULL: caller's memory) */
	size_t maplen;
	uint32_t nzones;
	const struct zwt_zone *zones[];
};

/* A prefetch the compiler keeps: GCC 12 drops __builtin_prefetch from a
 * loop that does nothing else, taking the whole prefetch stage with it. */
static inline void zwt_prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p);
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

/* zwt_hash for a name in a buffer readable up to len rounded up to 8
 * (a query's 256-octet name buffer): the tail is one load, masked, so
 * the query path hashes without a call or a byte loop. Same value. */
static inline uint64_t zwt_hash_padded(uint64_t seed, const uint8_t *name,
				       size_t len)
{
	uint64_t h = seed ^ (len * ZWT_HK1);
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		h = zwt_mix(h ^ zw_load64(name + i), ZWT_HK2);
	if (i < len) {
		uint64_t w = zw_load64(name + i);
		w &= ~0ULL >> (64 - 8 * (len - i));
		h = zwt_mix(h ^ w, ZWT_HK3);
	}
	return zwt_mix(h, ZWT_HK1);
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

/* Parse one RR at wire[off..end): returns the offset after it or 0 when
 * malformed. Owner may be labels, a pointer, or labels + pointer. */
size_t zwt_rr_skip(const uint8_t *wire, size_t off, size_t end,
		   uint16_t *type);

#endif
