/* Key cache for batched P-256 verification.
 *
 * Keys: an open-addressing hash table (linear probing, deletion by
 * backward shift) over an index array at most half full, pointing into a
 * fixed array of key entries; CLOCK picks the key to evict, skipping keys
 * that pending batch items use.
 *
 * Tables are costly (about 600 us to build), so admission is by use
 * frequency: a key reaching build_after uses takes a free table, or the
 * least recently used one if it has been used more than that table's
 * owner. Use counts halve every 8 * nkeys uses, so old popularity fades.
 * A round robin over more hot keys than tables therefore settles with
 * some keys on tables and the rest on the Straus path, instead of
 * rebuilding tables over and over. */
#include "crypto/p256_cache.h"

#include <string.h>

#include "dns/err.h"
#include "dns/load.h"
#include "crypto/p256_point.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

static uint32_t index_size(unsigned nkeys)
{
	uint32_t s = 8;
	while (s < 2u * nkeys)
		s <<= 1;
	return s;
}

size_t zw_bv_cache_size(unsigned nkeys, unsigned ntables)
{
	return ALIGN64(sizeof(struct zw_bv_cache)) +
	       ALIGN64((size_t)index_size(nkeys) * sizeof(uint32_t)) +
	       ALIGN64((size_t)nkeys * sizeof(struct zw_p256_key)) +
	       (size_t)ntables * sizeof(struct zw_p256_tslot);
}

struct zw_bv_cache *zw_bv_cache_init(void *mem, size_t len, unsigned nkeys,
				     unsigned ntables, unsigned build_after)
{
	struct zw_bv_cache *c = mem;

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || nkeys == 0 ||
	    nkeys > (1u << 24) || len < zw_bv_cache_size(nkeys, ntables))
		return NULL;
	c->nkeys = nkeys;
	c->ntables = ntables;
	c->build_after = build_after ? build_after : 1;
	c->hand = 0;
	c->mask = index_size(nkeys) - 1;
	c->clock = 0;
	c->next_age = 8ull * nkeys;
	c->index = (void *)((char *)mem + ALIGN64(sizeof(*c)));
	c->keys = (void *)((char *)c->index +
			   ALIGN64((size_t)(c->mask + 1) * sizeof(uint32_t)));
	c->tables = (void *)((char *)c->keys +
			     ALIGN64((size_t)nkeys * sizeof(struct zw_p256_key)));
	memset(c->index, 0, (size_t)(c->mask + 1) * sizeof(uint32_t));
	for (unsigned i = 0; i < nkeys; i++) {
		c->keys[i].live = 0;
		c->keys[i].pins = 0;
		c->keys[i].table = -1;
	}
	for (unsigned i = 0; i < ntables; i++)
		c->tables[i].owner = -1;
	zw_p256_table_build(c->g.t, ZW_P256_GW, &zw_p256_g);
	return c;
}

/* Keys are attacker-chosen, but a collision only costs probe length. */
uint32_t zw_p256_cache_hash(const uint8_t raw[64])
{
	uint64_t h = zw_load64(raw + 24) ^ (zw_load64(raw + 56) * 0x9e3779b97f4a7c15ULL);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* Index position holding key i, or of the first empty slot for raw. */
static uint32_t probe(const struct zw_bv_cache *c, const uint8_t raw[64])
{
	uint32_t pos = zw_p256_cache_hash(raw) & c->mask;
	while (c->index[pos] != 0 &&
	       memcmp(c->keys[c->index[pos] - 1].raw, raw, 64) != 0)
		pos = (pos + 1) & c->mask;
	return pos;
}

/* Remove the entry at pos, shifting later members of its probe run back
 * so lookups never stop early at a hole. */
static void index_delete(struct zw_bv_cache *c, uint32_t pos)
{
	uint32_t hole = pos, next = (pos + 1) & c->mask;

	while (c->index[next] != 0) {
		uint32_t home = zw_p256_cache_hash(c->keys[c->index[next] - 1].raw) & c->mask;
		/* may the entry at next move back to hole? only if its home
		 * is not cyclically in (hole, next] */
		if (((next - home) & c->mask) >= ((next - hole) & c->mask)) {
			c->index[hole] = c->index[next];
			hole = next;
		}
		next = (next + 1) & c->mask;
	}
	c->index[hole] = 0;
}

static void drop_table(struct zw_bv_cache *c, struct zw_p256_key *k)
{
	if (k->table >= 0)
		c->tables[k->table].owner = -1;
	k->table = -1;
}

/* CLOCK: the first unpinned key without its reference bit; -1 when all
 * are pinned. Two sweeps clear every bit, so that bounds the search. */
static int victim(struct zw_bv_cache *c)
{
	for (unsigned n = 0; n < 2 * c->nkeys + 1; n++) {
		struct zw_p256_key *k = &c->keys[c->hand];
		int i = (int)c->hand;
		c->hand = (c->hand + 1) % c->nkeys;
		if (!k->live)
			return i;
		if (k->pins != 0)
			continue;
		if (k->ref) {
			k->ref = 0;
			continue;
		}
		return i;
	}
	return -1;
}

static int insert(struct zw_bv_cache *c, uint32_t pos, const uint8_t raw[64])
{
	struct zw_p256_aff q;

	if (!zw_p256_aff_decode(&q, raw))
		return ZW_EKEY;
	int i = victim(c);
	if (i < 0)
		return ZW_ENOSPC;
	struct zw_p256_key *k = &c->keys[i];
	if (k->live) {
		index_delete(c, probe(c, k->raw));
		drop_table(c, k);
		pos = probe(c, raw);            /* the run may have moved */
	}
	memcpy(k->raw, raw, 64);
	zw_p256_odd_build(&k->odd, &q);
	k->live = 1;
	k->pins = 0;
	k->uses = 0;
	c->index[pos] = (uint32_t)i + 1;
	return i;
}

static void age(struct zw_bv_cache *c)
{
	for (unsigned i = 0; i < c->nkeys; i++)
		c->keys[i].uses >>= 1;
	c->next_age = c->clock + 8ull * c->nkeys;
}

/* A free table, or the least recently used one when key idx has been
 * used more than its owner; -1 otherwise. */
static int take_table(struct zw_bv_cache *c, int idx)
{
	int best = -1;
	for (unsigned i = 0; i < c->ntables; i++) {
		if (c->tables[i].owner < 0)
			return (int)i;
		if (best < 0 || c->tables[i].stamp < c->tables[best].stamp)
			best = (int)i;
	}
	if (best < 0)
		return -1;
	struct zw_p256_key *owner = &c->keys[c->tables[best].owner];
	if (c->keys[idx].uses <= owner->uses)
		return -1;
	drop_table(c, owner);
	return best;
}

static void maybe_build(struct zw_bv_cache *c, int idx)
{
	struct zw_p256_key *k = &c->keys[idx];

	if (!k->odd.has_hi && k->uses >= 2)
		zw_p256_odd_build_hi(&k->odd);
	if (k->table >= 0) {
		c->tables[k->table].stamp = c->clock;
		return;
	}
	if (k->uses < c->build_after)
		return;
	int t = take_table(c, idx);
	if (t < 0)
		return;
	c->tables[t].owner = idx;
	c->tables[t].stamp = c->clock;
	k->table = t;
	zw_p256_table_build(c->tables[t].t.t, ZW_P256_KW, &k->odd.p[0]);
}

int zw_p256_cache_get(struct zw_bv_cache *c, const uint8_t raw[64])
{
	uint32_t pos = probe(c, raw);
	int idx;

	if (c->index[pos] != 0) {
		idx = (int)c->index[pos] - 1;
	} else {
		idx = insert(c, pos, raw);
		if (idx < 0)
			return idx;
	}
	struct zw_p256_key *k = &c->keys[idx];
	if (++c->clock >= c->next_age)
		age(c);
	k->ref = 1;
	k->pins++;
	if (k->uses < UINT32_MAX)
		k->uses++;
	maybe_build(c, idx);
	return idx;
}

void zw_p256_cache_unpin(struct zw_bv_cache *c, int idx)
{
	if (c->keys[idx].pins > 0)
		c->keys[idx].pins--;
}
