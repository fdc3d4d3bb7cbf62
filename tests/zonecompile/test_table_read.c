/* The table reader's piece checks (zonecompile/table_read.c): a compiled
 * table with one compression-pointer fixup corrupted (a pointer forwards,
 * an anchor of 0 octets, a target outside the anchor or the part its kind
 * names) is refused with a message naming the zone, the piece and what is
 * wrong; the same table untouched opens. The writers trust these checks
 * (tl_emit's fast paths patch pointers without bounds checks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "zonecompile/compile.h"
#include "zonecompile/table.h"
#include "zonecompile/table_fmt.h"
#include "zonecompile/table_int.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

/* A fixup in a compiled table: its piece (ref, view), part and index. */
struct fx {
	uint32_t ref;
	struct zwt_pview v;
	int k;
	unsigned f;
};

static uint8_t *table_buf(size_t *len)
{
	struct zw_compiled *c = tt_compile(
		zw_test_vector("rfc/rfc4035-appendix-a.zone"), "example.");
	uint8_t *buf = zw_compile_to_mem(&c, 1, len);
	zw_compiled_free(c);
	assert_non_null(buf);
	return buf;
}

static const struct zwt_zone *zone0(const uint8_t *buf)
{
	const struct zwt_file *f = (const void *)buf;
	uint64_t off;
	memcpy(&off, buf + f->zonedir, 8);
	return (const void *)(buf + off);
}

/* The first fixup of a piece of recipe rec whose kind is `kind`. */
static bool find_in_recipe(const uint8_t *d, uint32_t rec, unsigned kind,
			   struct fx *x)
{
	const struct zwt_recipe *r = zwt_at(d, rec);
	const uint32_t *pcs = zwt_recipe_pieces(r);
	for (unsigned i = 0; i < r->npieces; i++) {
		x->ref = pcs[i];
		assert_true(zwt_piece_view(zwt_at(d, x->ref), 65536, &x->v));
		for (x->k = 0; x->k < ZWT_PARTS; x->k++)
			for (x->f = 0; x->v.part[x->k] &&
				       x->f < x->v.part[x->k]->nfix; x->f++)
				if (ZWT_FIX_KIND(zw_load16(x->v.fix[x->k] +
							   2 * x->f)) == kind)
					return true;
	}
	return false;
}

/* The first fixup of that kind in a piece of any node's recipes. */
static bool try_find(const uint8_t *buf, unsigned kind, struct fx *x)
{
	const struct zwt_zone *z = zone0(buf);
	const uint8_t *d = zwt_data(z);
	const uint64_t *s = (const uint64_t *)(d + z->hash_off);
	for (uint64_t i = 0; i < (1ULL << z->hash_bits); i++) {
		if (!(uint32_t)s[i])
			continue;
		const struct zwt_node *n = zwt_at(d, (uint32_t)s[i]);
		const struct zwt_entry *e = zwt_entries(n);
		for (unsigned t = 0; t < n->ntypes; t++)
			if (find_in_recipe(d, e[t].rec[1], kind, x))
				return true;
	}
	return false;
}

static void find_fix(const uint8_t *buf, unsigned kind, struct fx *x)
{
	if (!try_find(buf, kind, x))
		fail_msg("no fixup of kind %u in the table", kind);
}

/* The first fixup into a part (any). */
static void find_part_fix(const uint8_t *buf, struct fx *x)
{
	for (int k = 0; k < ZWT_PARTS; k++)
		if (try_find(buf, ZWT_FIX_PART0 + (unsigned)k, x))
			return;
	fail_msg("no fixup into a part in the table");
}

static uint8_t *fix_at(const struct fx *x)
{
	return (uint8_t *)x->v.fix[x->k] + 2 * x->f;
}

static uint8_t *ptr_at(const struct fx *x)
{
	uint16_t fx = zw_load16(fix_at(x));
	return (uint8_t *)x->v.wire + x->v.off[x->k] + ZWT_FIX_POS(fx);
}

static void reseal(uint8_t *buf, size_t len)
{
	struct zwt_file *f = (struct zwt_file *)buf;
	f->checksum = zw_table_checksum(buf, len);
}

static void expect_opens(uint8_t *buf, size_t len)
{
	char err[ZW_TABLE_ERRMAX];
	reseal(buf, len);
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	if (!t)
		print_error("untouched table refused: %s\n", err);
	assert_non_null(t);
	zw_table_close(t);
}

/* Refused, naming the zone, the piece's offset and `what`. */
static void expect_refused(uint8_t *buf, size_t len, const struct fx *x,
			   const char *what)
{
	char err[ZW_TABLE_ERRMAX], where[64];
	reseal(buf, len);
	memset(err, 0, sizeof err);
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	if (t)
		print_error("accepted a table with %s\n", what);
	assert_null(t);
	snprintf(where, sizeof where, "zone 0: piece at data offset %llu",
		 (unsigned long long)x->ref * 4);
	if (!strstr(err, what) || !strstr(err, where))
		print_error("message '%s' lacks '%s' or '%s'\n", err, what,
			    where);
	assert_non_null(strstr(err, what));
	assert_non_null(strstr(err, where));
}

/* A fixup (u16, unaligned) set to v. */
static void set16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void test_forward_pointer(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = table_buf(&len);
	struct fx x;
	find_fix(buf, ZWT_FIX_QSUF, &x);
	expect_opens(buf, len);

	/* the pointer aimed at its own canonical position */
	uint8_t *p = ptr_at(&x), old[2] = {p[0], p[1]};
	long self = 12 + x.v.pc->alen + 4 + x.v.off[x.k] +
		    ZWT_FIX_POS(zw_load16(fix_at(&x)));
	p[0] = (uint8_t)(0xc0 | self >> 8);
	p[1] = (uint8_t)self;
	expect_refused(buf, len, &x, "points forwards");
	/* past it */
	p[1] = (uint8_t)(self + 7);
	p[0] = (uint8_t)(0xc0 | (self + 7) >> 8);
	expect_refused(buf, len, &x, "points forwards");
	memcpy(p, old, 2);
	expect_opens(buf, len);
	free(buf);
}

static void test_zero_anchor(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = table_buf(&len);
	struct fx x;
	find_fix(buf, ZWT_FIX_QSUF, &x);
	struct zwt_piece *pc = (struct zwt_piece *)x.v.pc;
	uint8_t alen = pc->alen;
	pc->alen = 0;
	expect_refused(buf, len, &x, "anchor of 0 octets");
	pc->alen = alen;
	expect_opens(buf, len);
	free(buf);
}

static void test_target_outside(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = table_buf(&len);
	struct fx x, y;

	/* a pointer into the anchor claimed to point into its own part */
	find_fix(buf, ZWT_FIX_QSUF, &x);
	uint16_t fx = zw_load16(fix_at(&x));
	set16(fix_at(&x), ZWT_FIX_MAKE(ZWT_FIX_POS(fx), ZWT_FIX_PART0 + x.k));
	expect_refused(buf, len, &x, "target outside the part its kind names");
	/* ... into a part the piece does not have */
	int absent = 0;
	while (x.v.part[absent])
		absent++;
	set16(fix_at(&x), ZWT_FIX_MAKE(ZWT_FIX_POS(fx),
				       ZWT_FIX_PART0 + absent));
	expect_refused(buf, len, &x, "target part absent");
	/* ... at the name's start (QSTART) while it is not 12 */
	uint8_t *p = ptr_at(&x), old[2] = {p[0], p[1]};
	p[0] = 0xc0;
	p[1] = 13;
	set16(fix_at(&x), ZWT_FIX_MAKE(ZWT_FIX_POS(fx), ZWT_FIX_QSTART));
	expect_refused(buf, len, &x, "QSTART target is not the name's start");
	memcpy(p, old, 2);
	set16(fix_at(&x), fx);
	expect_opens(buf, len);

	/* a pointer into a part claimed to point into the anchor */
	find_part_fix(buf, &y);
	uint16_t fy = zw_load16(fix_at(&y));
	set16(fix_at(&y), ZWT_FIX_MAKE(ZWT_FIX_POS(fy), ZWT_FIX_QSUF));
	expect_refused(buf, len, &y, "QSUF target outside the anchor");
	set16(fix_at(&y), fy);
	expect_opens(buf, len);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_pointer),
		cmocka_unit_test(test_zero_anchor),
		cmocka_unit_test(test_target_outside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
