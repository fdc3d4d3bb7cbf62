/* The in-memory search accelerators of the zones' denial indexes (see
 * struct zwt_accel in table_int.h), built when a table is opened. */
#include <stdlib.h>
#include <string.h>

#include "zonecompile/table_int.h"

#define FAN ZWT_ACCEL_FAN

static size_t blocks(size_t keys)
{
	return (keys + FAN - 1) / FAN;
}

/* Levels and the keys of each for an index of n entries. */
static unsigned plan_levels(size_t n, size_t len[ZWT_ACCEL_LEVELS])
{
	unsigned nlev = 0;
	if (n <= FAN)
		return 0;
	for (size_t k = blocks(n); nlev < ZWT_ACCEL_LEVELS; k = blocks(k)) {
		len[nlev++] = k;
		if (k <= FAN)
			break;
	}
	return nlev;
}

/* Level j's keys: every FAN-th of the level below (of the index for
 * level 0), then ~0 up to a whole block. */
static void fill_level(struct zwt_accel *a, unsigned j, uint64_t *out)
{
	size_t k = 0;
	for (; k < a->len[j]; k++)
		out[k] = j ? a->lev[j - 1][k * FAN]
			   : zwt_idx_key(a->idx, k * FAN);
	for (; k % FAN; k++)
		out[k] = ~(uint64_t)0;
}

bool zwt_accel_init(struct zwt_accel *a, const uint8_t *idx, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->idx = idx;
	a->n = n;
	a->nlev = plan_levels(n, a->len);
	size_t words = 0;
	for (unsigned j = 0; j < a->nlev; j++)
		words += blocks(a->len[j]) * FAN;
	if (!words)
		return true;
	/* blocks of 128 octets, each on its two lines */
	uint64_t *m = aligned_alloc(128, words * 8);
	if (!m)
		return false;
	a->mem = m;
	for (unsigned j = 0; j < a->nlev; j++) {
		fill_level(a, j, m);
		a->lev[j] = m;
		m += blocks(a->len[j]) * FAN;
	}
	return true;
}

void zwt_accel_fini(struct zwt_accel *a)
{
	free(a->mem);
	a->mem = NULL;
}

static bool build_one(struct zwt_accel *a, const struct zwt_zone *z)
{
	size_t n = z->denial == ZWT_DENIAL_NONE ? 0 : (size_t)z->idx_count;
	if (!zwt_accel_init(a, zwt_data(z) + z->idx_off, n))
		return false;
	a->zone = z;
	a->data = zwt_data(z);
	a->slots = (const uint64_t *)(a->data + z->hash_off);
	a->mask = ((uint64_t)1 << z->hash_bits) - 1;
	a->seed = z->hash_seed;
	return true;
}

bool zwt_accel_build(struct zw_table *t)
{
	struct zwt_accel *a = calloc(t->nzones, sizeof(*a));
	if (!a)
		return false;
	t->accel = a;
	for (uint32_t i = 0; i < t->nzones; i++) {
		if (!build_one(&a[i], t->zones[i])) {
			zwt_accel_free(t);
			return false;
		}
	}
	return true;
}

void zwt_accel_free(struct zw_table *t)
{
	if (!t->accel)
		return;
	for (uint32_t i = 0; i < t->nzones; i++)
		zwt_accel_fini(&t->accel[i]);
	free(t->accel);
	t->accel = NULL;
}
