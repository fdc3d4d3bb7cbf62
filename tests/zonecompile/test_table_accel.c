/* The denial index accelerator (zonecompile/table_accel.c, struct
 * zwt_accel): its search agrees with a plain scan of the index for every
 * key in the index, its neighbours and random keys, on empty, one-entry,
 * block-edge and large indexes, with duplicate keys and keys equal to
 * the padding (~0); the stepwise search the burst uses gives the same
 * entry; an opened table carries one accelerator per zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "zonecompile/table_int.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* An index of n entries (24 octets, key first, the rest a marker) with
 * sorted keys drawn by `draw`. */
static uint8_t *make_index(size_t n, uint64_t (*draw)(uint64_t *),
			   uint64_t seed)
{
	uint64_t *keys = malloc((n ? n : 1) * sizeof(*keys));
	uint8_t *idx = aligned_alloc(8, (n ? n : 1) * ZWT_IDX_ENT);
	assert_non_null(keys);
	assert_non_null(idx);
	for (size_t i = 0; i < n; i++)
		keys[i] = draw(&seed);
	qsort(keys, n, sizeof(*keys), cmp);
	for (size_t i = 0; i < n; i++) {
		memset(idx + i * ZWT_IDX_ENT, 0xa5, ZWT_IDX_ENT);
		memcpy(idx + i * ZWT_IDX_ENT, &keys[i], 8);
	}
	free(keys);
	return idx;
}

/* The reference: the last entry whose key is <= key, by a scan. */
static long scan(const uint8_t *idx, size_t n, uint64_t key)
{
	long r = -1;
	for (size_t i = 0; i < n && zwt_idx_key(idx, i) <= key; i++)
		r = (long)i;
	return r;
}

/* Binary reference for large indexes (same answer as scan). */
static long bsearch_le(const uint8_t *idx, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (zwt_idx_key(idx, mid) <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

/* The burst's steps, as table_answer.c runs them. */
static long stepwise(const struct zwt_accel *a, uint64_t key)
{
	size_t blk = zwt_accel_upper(a, key);
	if (blk == SIZE_MAX)
		return -1;
	size_t g = zwt_accel_group(a, key, blk);
	return (long)zwt_accel_leaf(a, key, g);
}

/* The guide's steps, as tl_nsec_group and tl_nsec_leaf take them: the
 * bucket's run, or the accelerator for a long one. */
static long guide_stepwise(const struct zwt_accel *a, uint64_t key)
{
	size_t b = zwt_guide_bucket(a, key);
	size_t lo = a->gfirst[b], m = a->gfirst[b + 1] - lo;
	assert_true(a->gfirst[b] <= a->gfirst[b + 1]);
	if (m > ZWT_GUIDE_RUN)
		return stepwise(a, key);
	return zwt_guide_leaf(a, key, lo, m);
}

static void check_key(const struct zwt_accel *a, const uint8_t *idx,
		      size_t n, uint64_t key)
{
	long want = n <= 4096 ? scan(idx, n, key) : bsearch_le(idx, n, key);
	long got = zwt_accel_find(a, key);
	if (got != want)
		print_error("n=%zu key=%016llx: got %ld want %ld\n", n,
			    (unsigned long long)key, got, want);
	assert_int_equal(got, want);
	assert_int_equal(stepwise(a, key), want);
	if (a->gpos)
		assert_int_equal(guide_stepwise(a, key), want);
}

static void check_index(const uint8_t *idx, size_t n, uint64_t seed,
			uint64_t (*draw)(uint64_t *))
{
	struct zwt_accel a;
	assert_true(zwt_accel_init(&a, idx, n));
	assert_int_equal(a.n, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = zwt_idx_key(idx, i);
		check_key(&a, idx, n, k);
		check_key(&a, idx, n, k - 1);
		check_key(&a, idx, n, k + 1);
	}
	check_key(&a, idx, n, 0);
	check_key(&a, idx, n, ~(uint64_t)0);
	for (size_t i = 0; i < 2 * n + 64; i++) {
		check_key(&a, idx, n, rng(&seed));
		check_key(&a, idx, n, draw(&seed));
	}
	zwt_accel_fini(&a);
}

static uint64_t draw_any(uint64_t *s)
{
	return rng(s);
}

/* Few distinct keys: long runs of equal keys across group and block
 * edges, as names sharing their first 8 octets give. */
static uint64_t draw_dup(uint64_t *s)
{
	return (rng(s) % 7) << 40;
}

/* Keys as names give them: lower-case letters, digits and '-', a 0
 * after the label (and the padding), few first letters. */
static uint64_t draw_name(uint64_t *s)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	uint64_t r = rng(s), k = 0;
	unsigned len = 1 + r % 12;
	r >>= 4;
	for (unsigned i = 0; i < 8; i++) {
		uint8_t c = 0;
		if (i < len)
			c = (uint8_t)(i ? al[rng(s) % 37] : al[r % 5]);
		k = k << 8 | c;
	}
	return k;
}

/* A common prefix, then names: octets the index never holds at a
 * position lie next to those it does. */
static uint64_t draw_prefix(uint64_t *s)
{
	return 0x686f737400000000ULL | draw_name(s) >> 32;
}

/* Keys at both ends of the range, ~0 (the padding's value) among them. */
static uint64_t draw_ends(uint64_t *s)
{
	uint64_t r = rng(s);
	return r & 1 ? ~(uint64_t)0 - (r >> 1) % 3 : (r >> 1) % 3;
}

static void test_sizes(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 31, 32, 33,
				       255, 256, 257, 4095, 4096, 4097, 4111};
	uint64_t (*draws[])(uint64_t *) = {draw_any, draw_dup, draw_ends,
					   draw_name, draw_prefix};
	for (size_t d = 0; d < 5; d++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint8_t *idx = make_index(sizes[k], draws[d], 7 + k);
			check_index(idx, sizes[k], 99 + k, draws[d]);
			free(idx);
		}
}

static void test_large(void **state)
{
	(void)state;
	/* 5 levels over 1M-ish: 1,048,577 entries, one past a power of 16 */
	size_t n = 1048577;
	uint8_t *idx = make_index(n, draw_any, 12345);
	struct zwt_accel a;
	assert_true(zwt_accel_init(&a, idx, n));
	assert_int_equal(a.nlev, 5);
	assert_int_equal(a.len[0], 65537);
	uint64_t seed = 4242;
	for (size_t i = 0; i < n; i += 1 + rng(&seed) % 7) {
		uint64_t k = zwt_idx_key(idx, i);
		check_key(&a, idx, n, k);
		check_key(&a, idx, n, k - 1);
	}
	for (size_t i = 0; i < 200000; i++)
		check_key(&a, idx, n, rng(&seed));
	zwt_accel_fini(&a);
	free(idx);
}

/* Names, 1M: the guide's buckets a few entries each, names drawn the
 * same way and keys next to the index's (another octet at a position). */
static void test_large_names(void **state)
{
	(void)state;
	size_t n = 1000000;
	uint8_t *idx = make_index(n, draw_name, 777);
	struct zwt_accel a;
	assert_true(zwt_accel_init(&a, idx, n));
	assert_true(a.gpos >= 3);
	assert_true(a.gfirst[0] == 0);
	uint64_t seed = 99;
	for (size_t i = 0; i < n; i += 1 + rng(&seed) % 5) {
		uint64_t k = zwt_idx_key(idx, i);
		unsigned sh = 8 * (unsigned)(rng(&seed) % 8);
		check_key(&a, idx, n, k);
		check_key(&a, idx, n, k + 1);
		check_key(&a, idx, n, k ^ (uint64_t)(1 + rng(&seed) % 255) << sh);
	}
	for (size_t i = 0; i < 200000; i++)
		check_key(&a, idx, n, draw_name(&seed));
	zwt_accel_fini(&a);
	free(idx);
}

static void test_all_equal(void **state)
{
	(void)state;
	size_t n = 1000;
	uint8_t *idx = aligned_alloc(8, n * ZWT_IDX_ENT);
	assert_non_null(idx);
	uint64_t k = 0x6162636465666768ULL;
	for (size_t i = 0; i < n; i++)
		memcpy(idx + i * ZWT_IDX_ENT, &k, 8);
	struct zwt_accel a;
	assert_true(zwt_accel_init(&a, idx, n));
	assert_int_equal(zwt_accel_find(&a, k), (long)n - 1);
	assert_int_equal(zwt_accel_find(&a, k + 1), (long)n - 1);
	assert_int_equal(zwt_accel_find(&a, k - 1), -1);
	zwt_accel_fini(&a);
	free(idx);
}

/* A table opened from memory has one accelerator per zone over its
 * index (none for an unsigned zone), freed with the table. */
static void test_table(void **state)
{
	(void)state;
	char err[ZW_TABLE_ERRMAX];
	struct zw_compiled *c[2];
	c[0] = tt_compile(zw_test_vector("rfc/rfc4035-appendix-a.zone"),
			  "example.");
	c[1] = tt_compile(zw_test_vector("rfc/rfc5155-appendix-a.zone"),
			  "example.");
	size_t len;
	void *buf = zw_compile_to_mem(c, 2, &len);
	assert_non_null(buf);
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	assert_non_null(t);
	assert_non_null(t->accel);
	for (uint32_t i = 0; i < 2; i++) {
		const struct zwt_zone *z = t->zones[i];
		const struct zwt_accel *a = zwt_accel_of(t, z);
		assert_ptr_equal(a, &t->accel[i]);
		assert_int_equal(a->n, z->idx_count);
		assert_ptr_equal(a->idx, zwt_data(z) + z->idx_off);
		for (size_t k = 0; k < a->n; k++)
			assert_int_equal(zwt_accel_find(a, zwt_idx_key(a->idx, k)),
					 (long)bsearch_le(a->idx, a->n,
							  zwt_idx_key(a->idx, k)));
	}
	zw_table_close(t);
	free(buf);
	zw_compiled_free(c[0]);
	zw_compiled_free(c[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_large_names),
		cmocka_unit_test(test_all_equal),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
