/* Query parsing of the answer path (zonecompile/table_parse_int.h's
 * parse_lazy for names of up to 32 octets, table_parse.c: parse_fast,
 * parse_any for the rest, parse_full for the errors, the late walk of
 * parse_lazy's names) and the query path's name hash (table_int.h
 * zwt_hash_padded) at their edges, every query answered alone and as a
 * burst (the same octets):
 * - zwt_hash_padded equals zwt_hash (the table format's hash) for every
 *   length 1..255 and odd buffer offsets;
 * - on a one-zone table (the RFC 4035 example zone) every query is
 *   answered the same (apart from the echoed question) in any letter
 *   case, with and without EDNS, for names of 9 to 70 octets (both sides
 *   of the fast path's 32-octet bound; 17-32 octets lower-cased as one
 *   block in the burst's AVX2 copy, as two alone), and in a heap buffer
 *   of exactly its length (ASan builds catch any read past it);
 * - bad label octets inside the fast path's 32 octets, a suffix equal to
 *   the origin that does not start at a label, the OPT's version, RDLENGTH
 *   and trailing octets, class, meta types and every truncation of a
 *   query get the RCODE parse_full picks (FORMERR, BADVERS, REFUSED,
 *   NOTIMP) or no reply;
 * - an OPT with options whose last octets make parse_lazy misread the
 *   name's length is answered as the query it is;
 * - parse_lazy itself (white box), both ways it lower-cases (one
 *   32-octet step, the burst's AVX2 copy; two 16-octet ones, alone and
 *   in the other copy): for every name length it takes, with and
 *   without an OPT, any octets in any case come out lower-cased (A-Z
 *   only) and hashed as the table hashes, their home slot picked. A
 *   break there used to pass the answer tests above: a name lower-cased
 *   wrong misses its node, and the slower paths it then takes still
 *   answer right. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"
#include "zonecompile/table.h"
#include "zonecompile/table_int.h"
#include "zonecompile/table_parse_int.h"

#define CAP 65536
#define NOEDNS (-1)

static struct {
	void *mem;
	struct zw_table *t;
} fx;

static const struct zw_answer_opts KNOT = {1232, false};

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int setup(void **state)
{
	(void)state;
	char err[ZW_TABLE_ERRMAX];
	size_t len;
	struct zw_compiled *c =
		tt_compile(zw_test_vector("rfc/rfc4035-appendix-a.zone"),
			   "example.");
	fx.mem = zw_compile_to_mem(&c, 1, &len);
	assert_non_null(fx.mem);
	zw_compiled_free(c);
	fx.t = zw_table_from_mem(fx.mem, len, err);
	assert_non_null(fx.t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	zw_table_close(fx.t);
	free(fx.mem);
	return 0;
}

static void test_hash_padded(void **state)
{
	(void)state;
	uint64_t s = 0x5eed;
	uint8_t buf[256 + 8 + 8];
	for (size_t len = 1; len <= 255; len++)
		for (size_t at = 0; at < 8; at += 3) {
			for (size_t i = 0; i < sizeof buf; i++)
				buf[i] = (uint8_t)rng(&s);
			uint64_t seed = rng(&s);
			assert_true(zwt_hash_padded(seed, buf + at, len) ==
				    zwt_hash(seed, buf + at, len));
		}
}

/* A query: wire name, type, class; edns the buffer size or NOEDNS. */
static size_t mkq(uint8_t *q, const uint8_t *name, size_t nlen,
		  uint16_t qtype, uint16_t qclass, int edns, bool dnssec)
{
	uint8_t hdr[12] = {0x4a, 0x17, 0, 0, 0, 1, 0, 0, 0, 0, 0,
			   edns == NOEDNS ? 0 : 1};
	memcpy(q, hdr, 12);
	memcpy(q + 12, name, nlen);
	size_t o = 12 + nlen;
	q[o++] = (uint8_t)(qtype >> 8);
	q[o++] = (uint8_t)qtype;
	q[o++] = (uint8_t)(qclass >> 8);
	q[o++] = (uint8_t)qclass;
	if (edns != NOEDNS) {
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(edns >> 8),
				   (uint8_t)edns, 0, 0, dnssec ? 0x80 : 0,
				   0, 0, 0};
		memcpy(q + o, opt, 11);
		o += 11;
	}
	return o;
}

/* The answer to len octets of q, from a heap copy of exactly that many
 * octets, into out (CAP); the burst's (its stages, where parse_lazy's
 * names are walked late) must be the same. */
static int answer(const uint8_t *q, size_t len, uint8_t *out)
{
	static uint8_t bout[CAP];
	uint8_t *p = malloc(len ? len : 1);
	assert_non_null(p);
	memcpy(p, q, len);
	int r = zw_table_answer(fx.t, p, len, out, CAP, &KNOT);
	const uint8_t *pp[1] = {p};
	uint8_t *op[1] = {bout};
	size_t cap[1] = {CAP};
	int rb = -1;
	zw_table_answer_burst(fx.t, pp, &len, op, cap, &rb, 1, &KNOT);
	assert_int_equal(rb, r);
	if (r > 0)
		assert_memory_equal(bout, out, (size_t)r);
	free(p);
	return r;
}

/* The full RCODE of a response (-1: none, or not a DNS message). */
static int rcode_of(const uint8_t *out, int len)
{
	struct zw_msg m;
	if (len < 12 || zw_msg_parse(&m, out, (size_t)len) != 0)
		return -1;
	return zw_msg_rcode(&m);
}

static int ask_rcode(const uint8_t *q, size_t len)
{
	static uint8_t out[CAP];
	return rcode_of(out, answer(q, len, out));
}

/* The name `prefix` (dotted, relative) below example., lower case. */
static size_t name_of(uint8_t *w, const char *prefix)
{
	char s[300];
	snprintf(s, sizeof s, "%s%sexample.", prefix, *prefix ? "." : "");
	int n = zw_name_from_str(w, s, strlen(s), (const uint8_t *)"");
	assert_true(n > 0);
	return (size_t)n;
}

static void flip_case(uint8_t *w, size_t n, uint64_t *s)
{
	for (size_t i = 0, o = 0; o < n && w[o]; o += 1u + w[o])
		for (i = o + 1; i <= o + w[o]; i++)
			if ((rng(s) & 1) && w[i] >= 'a' && w[i] <= 'z')
				w[i] ^= 0x20;
}

static void test_case_and_length(void **state)
{
	(void)state;
	static const char *const names[] = {
		"", "a", "ns1", "ai", "x.w", "y.w", "b", "nonexistent",
		"a.b.c.d.e.nonexistent", "xx", "mc.c.example.a.b.cd.ef",
		"very-long-label-of-thirty-chars.x.w", "z.w",
		/* 26 and 28 octets (with an OPT: one 32-octet step in the
		 * burst, two 16-octet ones alone), below a cut and a
		 * wildcard, whose answers read the name's octets */
		"glue-below-cut.a", "wildcard-expands.w",
		"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwx"};
	static const int edns[] = {NOEDNS, 512, 1232, 4096};
	static const uint16_t types[] = {ZW_TYPE_A, ZW_TYPE_MX, ZW_TYPE_NS,
					 ZW_TYPE_DS, ZW_TYPE_SOA, ZW_TYPE_OPT};
	static uint8_t a[CAP], b[CAP];
	uint64_t s = 77;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t e = 0; e < 4; e++)
			for (size_t t = 0; t < 6; t++) {
				uint8_t w[256], q[600], qu[600];
				size_t n = name_of(w, names[i]);
				bool dnssec = (t + e) & 1;
				size_t ql = mkq(q, w, n, types[t], ZW_CLASS_IN,
						edns[e], dnssec);
				int ra = answer(q, ql, a);
				assert_true(ra > 12);
				assert_true(rcode_of(a, ra) >= 0);
				flip_case(w, n, &s);
				mkq(qu, w, n, types[t], ZW_CLASS_IN, edns[e],
				    dnssec);
				int rb = answer(qu, ql, b);
				assert_int_equal(ra, rb);
				/* the question echoed as asked, the rest equal */
				assert_memory_equal(b + 12, qu + 12, n + 4);
				assert_memory_equal(a, b, 12);
				assert_memory_equal(a + 12 + n, b + 12 + n,
						    (size_t)ra - 12 - n);
			}
}

/* One octet of a name for test_lazy_lowercase: letters of both cases
 * and the octets next to them ('@', '[', '`', '{'), digits, '-', and
 * octets above 127, which lower-casing must leave alone. */
static uint8_t lazy_octet(uint64_t *s)
{
	static const uint8_t odd[] = {'@', '[', '`', '{', '0', '9', '-', 0x80,
				      0xc1, 0xda, 0xfa, 0xff, 1, 0x3f};
	uint64_t r = rng(s);
	if (r % 4 == 0)
		return odd[(r >> 8) % sizeof odd];
	return (uint8_t)((r >> 8) % 26 + (r % 4 == 1 ? 'A' : 'a'));
}

static void test_lazy_lowercase(void **state)
{
	(void)state;
	struct bconst k;
	tl_bconst_init(&k, fx.t, &KNOT);
	uint64_t s = 0x1a2e;
	for (int wide = 0; wide < 2; wide++)
		for (int opt = 0; opt < 2; opt++)
			for (size_t n = 1; n <= 32; n++)
				for (int round = 0; round < 16; round++) {
					uint8_t w[32], low[32], q[64];
					for (size_t i = 0; i < n; i++)
						w[i] = lazy_octet(&s);
					w[n - 1] = 0;
					for (size_t i = 0; i < n; i++)
						low[i] = w[i] >= 'A' && w[i] <= 'Z'
							 ? (uint8_t)(w[i] | 0x20)
							 : w[i];
					size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN,
							opt ? 1232 : NOEDNS, round & 1);
					/* exactly ql octets on the heap: ASan
					 * builds catch a read past them */
					uint8_t *p = malloc(ql);
					assert_non_null(p);
					memcpy(p, q, ql);
					struct actx c = {.pkt = p, .len = ql,
							 .cap = CAP};
					bool took = parse_lazy(&k, &c, wide);
					free(p);
					/* it takes every packet of at least
					 * lazy_min octets */
					assert_int_equal(took, ql >= k.lazy_min);
					if (!took)
						continue;
					const struct tl_name *nm = &c.q.name;
					assert_int_equal(nm->len, n);
					assert_memory_equal(nm->lname, low, n);
					assert_true(nm->hash ==
						    zwt_hash(k.seed, low, n));
					assert_ptr_equal(c.home,
							 &k.slots[nm->hash & k.mask]);
					assert_int_equal(c.q.edns, opt);
					assert_int_equal(c.q.dnssec,
							 opt && (round & 1));
				}
}

static void test_bad_labels_in_32(void **state)
{
	(void)state;
	/* bad length octets at each label position of a short name, and a
	 * label running past the end of the packet */
	static const uint8_t bad[] = {0x40, 0x41, 0x7f, 0x80, 0xbf, 0xc0,
				      0xff};
	for (size_t pos = 0; pos < 3; pos++)
		for (size_t i = 0; i < sizeof bad; i++)
			for (int e = 0; e < 2; e++) {
				uint8_t w[256], q[600];
				size_t n = name_of(w, "ns1.x");
				size_t o = 0;
				for (size_t k = 0; k < pos; k++)
					o += 1u + w[o];
				w[o] = bad[i];
				size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN,
						e ? 1232 : NOEDNS, false);
				assert_int_equal(ask_rcode(q, ql),
						 ZW_RCODE_FORMERR);
			}
	uint8_t q[600], w[256];
	size_t n = name_of(w, "ns1");
	w[0] = 30; /* past the question's end */
	size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, NOEDNS, false);
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_FORMERR);
}

static void test_origin_not_at_label(void **state)
{
	(void)state;
	/* "\x0axx\x07exampl" "e" ...: a name whose last 9 octets are
	 * \x07example\x00 without a label starting there */
	static const uint8_t w[] = {9, 'x', 7, 'e', 'x', 'a', 'm', 'p', 'l',
				    'e', 0};
	static const uint8_t w2[] = {12, 'a', 'b', 'c', 'd', 7, 'e', 'x', 'a',
				     'm', 'p', 'l', 'e', 0};
	uint8_t q[600];
	for (int e = 0; e < 2; e++) {
		size_t ql = mkq(q, w, sizeof w, ZW_TYPE_A, ZW_CLASS_IN,
				e ? 1232 : NOEDNS, false);
		assert_int_equal(ask_rcode(q, ql), ZW_RCODE_REFUSED);
		ql = mkq(q, w2, sizeof w2, ZW_TYPE_A, ZW_CLASS_IN,
			 e ? 1232 : NOEDNS, false);
		assert_int_equal(ask_rcode(q, ql), ZW_RCODE_REFUSED);
	}
}

static void test_opt_and_question(void **state)
{
	(void)state;
	uint8_t q[600], w[256];
	size_t n = name_of(w, "ns1");
	size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, true);
	size_t opt = ql - 11;
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NOERROR);

	q[opt + 6] = 1; /* version 1 */
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_BADVERS);
	q[opt + 6] = 0;
	q[opt + 5] = 0x55; /* extended RCODE bits in a query: ignored */
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NOERROR);
	q[opt + 5] = 0;
	q[opt] = 1; /* owner not the root */
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_FORMERR);
	q[opt] = 0;
	q[opt + 2] = 40; /* not an OPT */
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_FORMERR);
	q[opt + 2] = 41;
	/* an option (cookie-sized) in the RDATA: answered */
	memset(q + ql, 0, 12);
	q[ql + 1] = 10;
	q[ql + 3] = 8;
	q[opt + 10] = 12;
	assert_int_equal(ask_rcode(q, ql + 12), ZW_RCODE_NOERROR);
	/* RDLENGTH longer or shorter than what follows */
	assert_int_equal(ask_rcode(q, ql + 11), ZW_RCODE_FORMERR);
	assert_int_equal(ask_rcode(q, ql + 13), ZW_RCODE_FORMERR);
	q[opt + 10] = 0;
	assert_int_equal(ask_rcode(q, ql + 1), ZW_RCODE_FORMERR);
	/* ARCOUNT 1 without an OPT; ARCOUNT 2 */
	size_t qn = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, NOEDNS, false);
	q[11] = 1;
	assert_int_equal(ask_rcode(q, qn), ZW_RCODE_FORMERR);
	ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, false);
	q[11] = 2;
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_FORMERR);
	/* trailing octets without EDNS */
	qn = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, NOEDNS, false);
	assert_int_equal(ask_rcode(q, qn + 1), ZW_RCODE_FORMERR);
	/* class, meta types, opcode */
	ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_CH, 1232, false);
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_REFUSED);
	ql = mkq(q, w, n, 0, ZW_CLASS_IN, 1232, false);
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NOTIMP);
	ql = mkq(q, w, n, ZW_TYPE_AXFR, ZW_CLASS_IN, 1232, false);
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NOTIMP);
	ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, false);
	q[2] = 0x10; /* opcode 2 */
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NOTIMP);
}

/* parse_lazy takes the name's length from the packet's end (an OPT
 * without options): a query whose OPT has options ending in octets
 * that look like a question and an option-less OPT, with a 0 where that
 * name would end, is parsed again from the start once the name the
 * length gives is not found (its walk ends early) and answered as the
 * query it is. */
static void test_lazy_misread(void **state)
{
	(void)state;
	static uint8_t a[CAP], b[CAP];
	static const uint8_t data[16] = {0, 0, ZW_TYPE_A, 0, 1, 0, 0, 41,
					 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
	uint8_t q[600], w[256];
	size_t n = name_of(w, "ns1");
	size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, false);
	int ra = answer(q, ql, a);
	assert_int_equal(rcode_of(a, ra), ZW_RCODE_NOERROR);
	memcpy(q + ql, data, sizeof data);
	q[ql - 1] = sizeof data; /* RDLENGTH */
	int rb = answer(q, ql + sizeof data, b);
	assert_int_equal(rb, ra);
	assert_memory_equal(a, b, (size_t)ra);
	/* the same octets from a name that is not there (NXDOMAIN) and as
	 * the name of a FORMERR (a bad label) */
	n = name_of(w, "nx1");
	ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, false);
	memcpy(q + ql, data, sizeof data);
	q[ql - 1] = sizeof data;
	assert_int_equal(ask_rcode(q, ql + sizeof data), ZW_RCODE_NXDOMAIN);
	q[12] = 0x41;
	assert_int_equal(ask_rcode(q, ql + sizeof data), ZW_RCODE_FORMERR);
	/* a name the length gives that is in the zone and well formed, but
	 * absent: answered as that name (NXDOMAIN), as the walk agrees */
	n = name_of(w, "abcdefghijklmno");
	ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN, 1232, false);
	assert_int_equal(ask_rcode(q, ql), ZW_RCODE_NXDOMAIN);
}

static void test_truncations(void **state)
{
	(void)state;
	static uint8_t out[CAP];
	uint8_t q[600], w[256];
	for (int e = 0; e < 2; e++) {
		size_t n = name_of(w, "ns1");
		size_t ql = mkq(q, w, n, ZW_TYPE_A, ZW_CLASS_IN,
				e ? 1232 : NOEDNS, false);
		for (size_t l = 0; l < ql; l++) {
			int r = answer(q, l, out);
			if (l < 12)
				assert_int_equal(r, 0); /* no reply */
			else
				assert_int_equal(rcode_of(out, r),
						 ZW_RCODE_FORMERR);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_padded),
		cmocka_unit_test(test_case_and_length),
		cmocka_unit_test(test_lazy_lowercase),
		cmocka_unit_test(test_bad_labels_in_32),
		cmocka_unit_test(test_origin_not_at_label),
		cmocka_unit_test(test_opt_and_question),
		cmocka_unit_test(test_lazy_misread),
		cmocka_unit_test(test_truncations),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
