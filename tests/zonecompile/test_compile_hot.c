/* The hash slots' prefetch hints (compile_hot.c cc_slot_hints,
 * table_fmt.h ZWT_SLOT_HINT): in the signed RFC 4035 and RFC 5155
 * zones, each slot's hint covers, from its node's cache line (file
 * offsets: the table is mapped page aligned), exactly the lines of the
 * DO=1 pieces a lookup there usually takes that follow the node (the
 * referral at a delegation, any DO=1 answer elsewhere), no further; 0
 * where none does, and at the names below a cut (their pieces are the
 * cut's). The reader takes any hint (prefetches only follow it) and
 * still refuses a wrong tag. Every node's recipes count the lines
 * their first piece spans (struct zwt_recipe lines). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/rrtype.h"
#include "zonecompile/compile.h"
#include "zonecompile/table.h"
#include "zonecompile/table_fmt.h"
#include "zonecompile/table_int.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

struct tab {
	uint8_t *buf;
	size_t len;
	const struct zwt_zone *z;
	const uint8_t *d;
	const uint64_t *slots;
	uint64_t nslots;
};

static void tab_open(struct tab *t, const char *zone)
{
	struct zw_compiled *c = tt_compile(zw_test_vector(zone), "example.");
	t->buf = zw_compile_to_mem(&c, 1, &t->len);
	zw_compiled_free(c);
	assert_non_null(t->buf);
	const struct zwt_file *f = (const void *)t->buf;
	uint64_t off;
	memcpy(&off, t->buf + f->zonedir, 8);
	t->z = (const void *)(t->buf + off);
	t->d = zwt_data(t->z);
	t->slots = (const uint64_t *)(t->d + t->z->hash_off);
	t->nslots = (uint64_t)1 << t->z->hash_bits;
}

static size_t foff(const struct tab *t, const void *p)
{
	return (size_t)((const uint8_t *)p - t->buf);
}

/* The farthest end (file offset) of recipe rec's pieces that start
 * after the node at `at` and end within a hint's reach of `line`. */
static size_t far_end(const struct tab *t, uint32_t rec, size_t at,
		      size_t line, size_t end)
{
	if (!rec)
		return end;
	const struct zwt_recipe *r = zwt_at(t->d, rec);
	for (unsigned j = 0; j < r->npieces; j++) {
		const struct zwt_piece *pc =
			zwt_at(t->d, zwt_recipe_pieces(r)[j]);
		size_t p = foff(t, pc), e = p + pc->wire + pc->size;
		if (p > at && e <= line + 64 * ZWT_HINT_SPAN_MAX && e > end)
			end = e;
	}
	return end;
}

/* Recipe rec's line count (struct zwt_recipe lines): the lines its
 * first piece spans from the one it starts in. 1: checked, 0: none. */
static unsigned check_lines(const struct tab *t, uint32_t rec)
{
	if (!rec)
		return 0;
	const struct zwt_recipe *r = zwt_at(t->d, rec);
	if (!r->npieces)
		return 0;
	const struct zwt_piece *pc = zwt_at(t->d, zwt_recipe_pieces(r)[0]);
	size_t p = foff(t, pc), e = p + pc->wire + pc->size;
	size_t lines = (e - (p & ~(size_t)63) + 63) / 64;
	if (r->lines != (lines < 255 ? lines : 255))
		print_error("recipe %u: lines %u for a piece of %zu\n", rec,
			    r->lines, lines);
	assert_int_equal(r->lines, lines < 255 ? lines : 255);
	return 1;
}

/* Checks node n's recipes' line counts; how many it checked. */
static unsigned check_node_lines(const struct tab *t,
				 const struct zwt_node *n)
{
	const struct zwt_entry *e = zwt_entries(n);
	unsigned k = check_lines(t, n->dflt[0]) + check_lines(t, n->dflt[1]);
	for (unsigned j = 0; j < n->ntypes; j++)
		k += check_lines(t, e[j].rec[0]) + check_lines(t, e[j].rec[1]);
	return k;
}

/* Checks every slot's hint and its node's recipes' line counts; the
 * number of delegations with a hint, and in *recipes of the recipes
 * with a piece. */
static unsigned check_hints(const struct tab *t, unsigned *recipes)
{
	unsigned cuts = 0;
	*recipes = 0;
	for (uint64_t i = 0; i < t->nslots; i++) {
		uint32_t ref = (uint32_t)t->slots[i];
		if (!ref)
			continue;
		const struct zwt_node *n = zwt_at(t->d, ref);
		*recipes += check_node_lines(t, n);
		unsigned k = ZWT_SLOT_HINT(t->slots[i]);
		size_t at = foff(t, n), line = at & ~(size_t)63;
		size_t end = far_end(t, n->dflt[1], at, line, 0);
		const struct zwt_entry *e = zwt_entries(n);
		for (unsigned j = 0; !(n->flags & ZWT_N_CUT) &&
				     j < n->ntypes; j++)
			end = far_end(t, e[j].rec[1], at, line, end);
		if (!end || (n->flags & ZWT_N_BELOW)) {
			if (k)
				print_error("slot %llu: hint %u, no piece\n",
					    (unsigned long long)i, k);
			assert_int_equal(k, 0);
			continue;
		}
		size_t lines = (end - line + 63) / 64;
		bool covers = k && lines <= ZWT_HINT_SPAN(k),
		     least = k == 1 || (k && lines > ZWT_HINT_SPAN(k - 1));
		if (!covers || !least)
			print_error("slot %llu: hint %u for %zu lines\n",
				    (unsigned long long)i, k, lines);
		assert_true(covers); /* the lines it names hold it */
		assert_true(least);  /* and no smaller hint would */
		cuts += !!(n->flags & ZWT_N_CUT);
	}
	return cuts;
}

/* The hints of a zone's table, which has at least one delegation. */
static void hints_of(const char *zone)
{
	struct tab t;
	unsigned recipes;
	tab_open(&t, zone);
	assert_true(check_hints(&t, &recipes) > 0);
	assert_true(recipes > 0);
	free(t.buf);
}

static void test_hints_nsec(void **state)
{
	(void)state;
	hints_of("rfc/rfc4035-appendix-a.zone");
}

static void test_hints_nsec3(void **state)
{
	(void)state;
	hints_of("rfc/rfc5155-appendix-a.zone");
}

static struct zw_table *reopen(uint8_t *buf, size_t len, char *err)
{
	struct zwt_file *f = (struct zwt_file *)buf;
	f->checksum = zw_table_checksum(buf, len);
	return zw_table_from_mem(buf, len, err);
}

/* Every hint flipped: the table opens and answers as before (the
 * reader and the lookups take the tag without the hint's bits); a tag
 * bit flipped: refused. */
static void test_hint_not_tag(void **state)
{
	(void)state;
	char err[ZW_TABLE_ERRMAX];
	struct tab t;
	tab_open(&t, "rfc/rfc4035-appendix-a.zone");
	uint8_t *orig = malloc(t.len);
	assert_non_null(orig);
	memcpy(orig, t.buf, t.len);
	uint64_t *s = (uint64_t *)(uintptr_t)t.slots, first = 0;
	for (uint64_t i = 0; i < t.nslots; i++)
		if ((uint32_t)s[i]) {
			s[i] ^= (uint64_t)ZWT_SLOT_HINT_MAX << 32;
			first = first ? first : i + 1;
		}
	struct zw_table *a = zw_table_from_mem(orig, t.len, err);
	struct zw_table *b = reopen(t.buf, t.len, err);
	assert_non_null(a);
	assert_non_null(b);
	static const char *const names[] = {
		"example.", "a.example.", "ns1.a.example.", "ai.example.",
		"x.w.example.", "b.example.", "nx.example.", "x.y.w.example."};
	static const uint16_t types[] = {ZW_TYPE_SOA, ZW_TYPE_NS, ZW_TYPE_A,
					 ZW_TYPE_AAAA, ZW_TYPE_MX, ZW_TYPE_DS};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t j = 0; j < sizeof types / sizeof types[0]; j++)
			for (int dnssec = 0; dnssec < 2; dnssec++) {
				uint8_t nm[ZW_NAME_MAX], q[512], ra[4096],
					rb[4096];
				assert_true(zw_name_from_str(
					nm, names[i], strlen(names[i]),
					(const uint8_t *)"") > 0);
				size_t ql = tt_query(q, nm, types[j], 1232,
						     dnssec);
				int la = zw_table_answer(a, q, ql, ra,
							 sizeof ra, NULL);
				int lb = zw_table_answer(b, q, ql, rb,
							 sizeof rb, NULL);
				assert_true(la > 0);
				assert_int_equal(la, lb);
				assert_memory_equal(ra, rb, (size_t)la);
			}
	zw_table_close(a);
	zw_table_close(b);
	s[first - 1] ^= 1ULL << 40; /* a tag bit */
	assert_null(reopen(t.buf, t.len, err));
	assert_non_null(strstr(err, "wrong tag"));
	free(orig);
	free(t.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hints_nsec),
		cmocka_unit_test(test_hints_nsec3),
		cmocka_unit_test(test_hint_not_tag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
