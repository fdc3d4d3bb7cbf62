/* Key cache for batched P-256 verification. Keys live in a 4-way
 * set-associative array (a hostile key can only evict keys of its own
 * set); fixed-base tables are lent to keys that reach build_after uses.
 * A key that loses its table starts counting again, so table builds are
 * bounded by one per build_after verifications whatever the key mix. */
#include "crypto/p256_cache.h"

#include <string.h>

#include "dns/err.h"
#include "crypto/p256_point.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

static unsigned sets_for(unsigned nkeys)
{
	return (nkeys + ZW_P256_WAYS - 1) / ZW_P256_WAYS;
}

size_t zw_bv_cache_size(unsigned nkeys, unsigned ntables)
{
	size_t nk = (size_t)sets_for(nkeys) * ZW_P256_WAYS;
	return ALIGN64(sizeof(struct zw_bv_cache)) +
	       ALIGN64(nk * sizeof(struct zw_p256_key)) +
	       (size_t)ntables * sizeof(struct zw_p256_tslot);
}

struct zw_bv_cache *zw_bv_cache_init(void *mem, size_t len, unsigned nkeys,
				     unsigned ntables, unsigned build_after)
{
	struct zw_bv_cache *c = mem;
	unsigned nsets = sets_for(nkeys);

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || nkeys == 0 ||
	    len < zw_bv_cache_size(nkeys, ntables))
		return NULL;
	c->nsets = nsets;
	c->ntables = ntables;
	c->build_after = build_after ? build_after : 1;
	c->clock = 0;
	c->keys = (void *)((char *)mem + ALIGN64(sizeof(*c)));
	c->tables = (void *)((char *)c->keys +
			     ALIGN64((size_t)nsets * ZW_P256_WAYS *
				     sizeof(struct zw_p256_key)));
	for (unsigned i = 0; i < nsets * ZW_P256_WAYS; i++) {
		c->keys[i].live = 0;
		c->keys[i].pins = 0;
		c->keys[i].table = -1;
	}
	for (unsigned i = 0; i < ntables; i++)
		c->tables[i].owner = -1;
	zw_p256_table_build(c->g.t, ZW_P256_GW, &zw_p256_g);
	return c;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static unsigned set_of(const struct zw_bv_cache *c, const uint8_t raw[64])
{
	uint64_t h = load64(raw + 24) ^ (load64(raw + 56) * 0x9e3779b97f4a7c15ULL);
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (unsigned)(h % c->nsets);
}

static void drop_table(struct zw_bv_cache *c, struct zw_p256_key *k)
{
	if (k->table >= 0)
		c->tables[k->table].owner = -1;
	k->table = -1;
	k->uses = 0;
}

/* A free table, else the least recently used one (taken from its key). */
static int take_table(struct zw_bv_cache *c)
{
	int best = -1;
	for (unsigned i = 0; i < c->ntables; i++) {
		if (c->tables[i].owner < 0)
			return (int)i;
		if (best < 0 || c->tables[i].stamp < c->tables[best].stamp)
			best = (int)i;
	}
	if (best >= 0)
		drop_table(c, &c->keys[c->tables[best].owner]);
	return best;
}

static void maybe_build(struct zw_bv_cache *c, int idx)
{
	struct zw_p256_key *k = &c->keys[idx];

	if (k->table >= 0) {
		c->tables[k->table].stamp = c->clock;
		return;
	}
	if (c->ntables == 0 || k->uses < c->build_after)
		return;
	int t = take_table(c);
	c->tables[t].owner = idx;
	c->tables[t].stamp = c->clock;
	k->table = t;
	zw_p256_table_build(c->tables[t].t.t, ZW_P256_KW, &k->odd.p[0]);
}

/* A way of the set for a new key: a free one, else the least recently
 * used unpinned one; -1 when all are pinned. */
static int victim(struct zw_bv_cache *c, unsigned set)
{
	int best = -1;
	for (unsigned w = 0; w < ZW_P256_WAYS; w++) {
		int i = (int)(set * ZW_P256_WAYS + w);
		struct zw_p256_key *k = &c->keys[i];
		if (!k->live)
			return i;
		if (k->pins == 0 && (best < 0 || k->stamp < c->keys[best].stamp))
			best = i;
	}
	return best;
}

static int insert(struct zw_bv_cache *c, unsigned set, const uint8_t raw[64])
{
	struct zw_p256_aff q;

	if (!zw_p256_aff_decode(&q, raw))
		return ZW_EKEY;
	int i = victim(c, set);
	if (i < 0)
		return ZW_ENOSPC;
	struct zw_p256_key *k = &c->keys[i];
	drop_table(c, k);
	memcpy(k->raw, raw, 64);
	zw_p256_odd_build(&k->odd, &q);
	k->live = 1;
	k->pins = 0;
	return i;
}

int zw_p256_cache_get(struct zw_bv_cache *c, const uint8_t raw[64])
{
	unsigned set = set_of(c, raw);
	int idx = -1;

	for (unsigned w = 0; w < ZW_P256_WAYS && idx < 0; w++) {
		struct zw_p256_key *k = &c->keys[set * ZW_P256_WAYS + w];
		if (k->live && memcmp(k->raw, raw, 64) == 0)
			idx = (int)(set * ZW_P256_WAYS + w);
	}
	if (idx < 0) {
		idx = insert(c, set, raw);
		if (idx < 0)
			return idx;
	}
	struct zw_p256_key *k = &c->keys[idx];
	k->stamp = ++c->clock;
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
