/* Zone model: canonical order, merging, TTL rules, zone cuts, glue,
 * occlusion, empty non-terminals, apex rules, CNAME rules, lookups, and
 * adding records after finish. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zone.h"
#include "dns/zone_int.h"
#include "dns/zonefile.h"
#include "tests/util/testutil.h"

static uint8_t example[ZW_NAME_MAX];

static const uint8_t *name(const char *s, uint8_t *buf)
{
	assert_true(zw_name_from_str(buf, s, strlen(s), example) > 0);
	return buf;
}

static const char *head = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n NS ns\n";

/* Load text into a new zone; returns the status of add/finish. */
static int load(const char *text, const uint8_t *origin, struct zw_zone **zp)
{
	struct zw_zonefile_opts o = {example, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, strlen(text), "z",
						     &o);
	struct zw_zone *z = zw_zone_new(origin);
	struct zw_rec r;
	int rc;
	assert_non_null(zf);
	assert_non_null(z);
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		if ((rc = zw_zone_add(z, &r)) < 0)
			break;
	if (rc < 0 && !*zw_zone_error(z))
		print_error("parse: %s\n", zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	if (rc == 0)
		rc = zw_zone_finish(z);
	*zp = z;
	return rc;
}

static struct zw_zone *load_ok(const char *text)
{
	struct zw_zone *z;
	int rc = load(text, example, &z);
	if (rc)
		print_error("%s\n", zw_zone_error(z));
	assert_int_equal(rc, 0);
	return z;
}

static void expect_fail(const char *text, int code, const char *msg)
{
	struct zw_zone *z;
	int rc = load(text, example, &z);
	if (rc != code)
		print_error("got %d: %s\n", rc, zw_zone_error(z));
	assert_int_equal(rc, code);
	assert_string_equal(zw_zone_error(z), msg);
	zw_zone_free(z);
}

/* The zone in canonical order, one RR a line: "owner ttl TYPE rdata";
 * empty non-terminals as "owner (ENT)". */
static char *dump(const struct zw_zone *z)
{
	size_t max = 1 << 20, n = 0;
	char *out = malloc(max), *rd = malloc(5 * ZW_RDATA_MAX);
	out[0] = '\0';
	for (size_t i = 0; i < zw_zone_count(z); i++) {
		const struct zw_node *nd = zw_zone_node(z, i);
		char o[ZW_NAME_STR_MAX], t[32];
		struct zw_rrset rs;
		zw_name_to_str(zw_node_name(nd), o, sizeof o);
		if (nd->flags & ZW_NODE_ENT)
			n += (size_t)snprintf(out + n, max - n, "%s (ENT)\n", o);
		for (bool ok = zw_rrset_first(nd, &rs); ok;
		     ok = zw_rrset_next(nd, &rs)) {
			const uint8_t *p = rs.rdata;
			zw_rrtype_to_str(rs.type, t, sizeof t);
			for (uint32_t k = 0; k < rs.count; k++) {
				uint16_t len;
				const uint8_t *d = zw_rr_next(&p, &len);
				zw_rdata_to_str(rs.type, d, len, rd,
						5 * ZW_RDATA_MAX);
				n += (size_t)snprintf(out + n, max - n,
						      "%s %u %s %s\n", o, rs.ttl,
						      t, rd);
			}
			assert_ptr_equal(p, rs.rdata + rs.size);
		}
	}
	free(rd);
	return out;
}

static void expect_dump(const char *text, const char *want)
{
	struct zw_zone *z = load_ok(text);
	char *d = dump(z);
	assert_string_equal(d, want);
	free(d);
	zw_zone_free(z);
}

static char *cat(const char *a, const char *b)
{
	static char buf[1 << 16];
	snprintf(buf, sizeof buf, "%s%s", a, b);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	assert_true(zw_name_from_str(example, "example.", 8, NULL) > 0);
	return 0;
}

/* ---- order and merging ---- */

static void test_canonical_order(void **state)
{
	(void)state;
	/* Names in RFC 4034 §6.1 order, RRsets by type, RRs by rdata;
	 * owners given in several runs are merged; duplicates (also in
	 * another case) dropped. */
	expect_dump(cat(head,
		"z.a TXT z\n"
		"ns A 192.0.2.1\n"
		"yljkjljk.a TXT y\n"
		"Z.a TXT z2\n"
		"*.z TXT w\n"
		"\\001.z TXT o\n"
		"a TXT a\n"
		"z.a A 192.0.2.9\n"
		"zABC.a NS b\n"
		"zABC.a NS A\n"
		"zabc.a NS a\n"
		"zabc.a NS B.example.\n"
		"z A 192.0.2.3\n"
		"z A 192.0.2.2\n"
		"z A 192.0.2.3\n"
		"\\200.z TXT e\n"),
		"example. 300 NS ns.example.\n"
		"example. 300 SOA ns.example. h.example. 1 2 3 4 5\n"
		"a.example. 300 TXT \"a\"\n"
		"yljkjljk.a.example. 300 TXT \"y\"\n"
		"z.a.example. 300 A 192.0.2.9\n"
		"z.a.example. 300 TXT \"z\"\n"
		"z.a.example. 300 TXT \"z2\"\n"
		"zABC.a.example. 300 NS A.example.\n"
		"zABC.a.example. 300 NS b.example.\n"
		"ns.example. 300 A 192.0.2.1\n"
		"z.example. 300 A 192.0.2.2\n"
		"z.example. 300 A 192.0.2.3\n"
		"\\001.z.example. 300 TXT \"o\"\n"
		"*.z.example. 300 TXT \"w\"\n"
		"\\200.z.example. 300 TXT \"e\"\n");
}

static void test_ttl_merge(void **state)
{
	(void)state;
	/* BIND: the later run's TTL wins for the merged RRset, silently. */
	expect_dump(cat(head,
		"b 50 A 192.0.2.2\n"
		"c 10 A 192.0.2.1\n"
		"b 10 A 192.0.2.1\n"
		"d 10 A 192.0.2.1\n"
		"b 30 A 192.0.2.2\n"
		"b 30 A 192.0.2.5\n"
		"b 7 TXT t\n"
		"ns A 192.0.2.1\n"),
		"example. 300 NS ns.example.\n"
		"example. 300 SOA ns.example. h.example. 1 2 3 4 5\n"
		"b.example. 30 A 192.0.2.1\n"
		"b.example. 30 A 192.0.2.2\n"
		"b.example. 30 A 192.0.2.5\n"
		"b.example. 7 TXT \"t\"\n"
		"c.example. 10 A 192.0.2.1\n"
		"d.example. 10 A 192.0.2.1\n"
		"ns.example. 300 A 192.0.2.1\n");
}

static void test_rrsig_per_covered_type(void **state)
{
	(void)state;
	struct zw_zone *z = load_ok(cat(head,
		"a 100 RRSIG TXT 8 2 300 20200101000000 20190101000000 1 "
		"example. AAAA\n"
		"a 200 RRSIG A 8 2 300 20200101000000 20190101000000 1 "
		"example. AAAA\n"
		"a 100 A 192.0.2.1\n"
		"a 200 RRSIG A 8 2 300 20200101000000 20190101000000 2 "
		"example. AAAA\n"));
	uint8_t b[ZW_NAME_MAX];
	long i = zw_zone_find(z, name("a", b));
	assert_true(i > 0);
	const struct zw_node *n = zw_zone_node(z, (size_t)i);
	struct zw_rrset rs;
	assert_true(zw_rrset_first(n, &rs));
	assert_int_equal(rs.type, ZW_TYPE_A);
	assert_true(zw_rrset_next(n, &rs));
	assert_int_equal(rs.type, ZW_TYPE_RRSIG);
	assert_int_equal(rs.covers, ZW_TYPE_A);
	assert_int_equal(rs.count, 2);
	assert_int_equal(rs.ttl, 200);
	assert_true(zw_rrset_next(n, &rs));
	assert_int_equal(rs.covers, ZW_TYPE_TXT);
	assert_int_equal(rs.ttl, 100);
	assert_false(zw_rrset_next(n, &rs));
	assert_true(zw_node_rrset(n, ZW_TYPE_RRSIG, ZW_TYPE_TXT, &rs));
	assert_false(zw_node_rrset(n, ZW_TYPE_RRSIG, ZW_TYPE_NS, &rs));
	zw_zone_free(z);
}

/* ---- cuts, glue, occlusion, ENTs ---- */

static const struct zw_node *node(const struct zw_zone *z, const char *s)
{
	uint8_t b[ZW_NAME_MAX];
	long i = zw_zone_find(z, name(s, b));
	assert_true(i >= 0);
	return zw_zone_node(z, (size_t)i);
}

static void test_cuts(void **state)
{
	(void)state;
	struct zw_zone *z = load_ok(cat(head,
		"ns A 192.0.2.1\n"
		"sub NS ns.sub\n"
		"sub DS 1 8 2 "
		"AABBCCDDAABBCCDDAABBCCDDAABBCCDDAABBCCDDAABBCCDDAABBCCDDAABBCCDD\n"
		"sub A 192.0.2.7\n"
		"sub MX 1 m\n"
		"ns.sub A 192.0.2.2\n"
		"x.y.sub MX 1 m\n"
		"deep.x.y.sub NS z\n"
		"d DNAME other.\n"
		"x.d A 192.0.2.3\n"
		"e.f.g TXT ent-above\n"));
	const struct zw_node *n = zw_zone_node(z, 0);
	assert_int_equal(n->flags & 0xff, ZW_NODE_APEX);
	n = node(z, "sub");
	assert_true(n->flags & ZW_NODE_DELEG);
	assert_false(n->flags & ZW_NODE_BELOW_CUT);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_NS, 0), ZW_ROLE_DELEG);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_DS, 0), ZW_ROLE_AUTH);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_RRSIG, ZW_TYPE_DS),
			 ZW_ROLE_AUTH);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_A, 0), ZW_ROLE_GLUE);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_MX, 0), ZW_ROLE_OCCLUDED);
	n = node(z, "ns.sub");
	assert_true(n->flags & ZW_NODE_BELOW_CUT);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_A, 0), ZW_ROLE_GLUE);
	n = node(z, "y.sub");
	assert_int_equal(n->flags & 0xff, ZW_NODE_ENT | ZW_NODE_BELOW_CUT);
	n = node(z, "x.y.sub");
	assert_int_equal(zw_zone_role(n, ZW_TYPE_MX, 0), ZW_ROLE_OCCLUDED);
	n = node(z, "deep.x.y.sub"); /* NS below a cut: no second cut */
	assert_false(n->flags & ZW_NODE_DELEG);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_NS, 0), ZW_ROLE_OCCLUDED);
	n = node(z, "d");
	assert_int_equal(n->flags & 0xff, 0);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_DNAME, 0), ZW_ROLE_AUTH);
	n = node(z, "x.d");
	assert_true(n->flags & ZW_NODE_BELOW_DNAME);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_A, 0), ZW_ROLE_OCCLUDED);
	n = node(z, "g");
	assert_int_equal(n->flags & 0xff, ZW_NODE_ENT);
	assert_null(n->data);
	n = node(z, "f.g");
	assert_int_equal(n->flags & 0xff, ZW_NODE_ENT);
	n = node(z, "e.f.g");
	assert_int_equal(n->flags & 0xff, 0);
	assert_int_equal(zw_zone_role(n, ZW_TYPE_TXT, 0), ZW_ROLE_AUTH);
	/* Every ancestor of every node exists, in canonical order. */
	for (size_t i = 1; i < zw_zone_count(z); i++) {
		const uint8_t *a = zw_node_name(zw_zone_node(z, i - 1));
		const uint8_t *b = zw_node_name(zw_zone_node(z, i));
		assert_true(zw_name_cmp(a, b) < 0);
		const uint8_t *parent = zw_name_skip(b, 1);
		assert_true(zw_zone_find(z, parent) >= 0);
	}
	assert_int_equal(zw_zone_count(z), 12);
	zw_zone_free(z);
}

static void test_find(void **state)
{
	(void)state;
	uint8_t b[ZW_NAME_MAX];
	bool exact;
	struct zw_zone *z = load_ok(cat(head, "b TXT b\nd TXT d\nc.d TXT c\n"));
	assert_int_equal(zw_zone_find(z, example), 0);
	assert_int_equal(zw_zone_find(z, name("B", b)), 1);
	assert_int_equal(zw_zone_find(z, name("c", b)), -1);
	assert_int_equal(zw_zone_find_le(z, name("c", b), &exact), 1);
	assert_false(exact);
	assert_int_equal(zw_zone_find_le(z, name("a.c.d", b), &exact), 3);
	assert_int_equal(zw_zone_find_le(z, name("zzz", b), &exact), 3);
	assert_int_equal(zw_zone_find_le(z, name("a", b), &exact), 0);
	assert_int_equal(zw_zone_find_le(z, name("d", b), &exact), 2);
	assert_true(exact);
	assert_int_equal(zw_zone_find_le(z, name("a.", b), &exact), -1);
	assert_int_equal(zw_zone_find_le(z, name("zz.", b), &exact), 3);
	assert_int_equal(zw_zone_serial(z), 1);
	assert_int_equal(zw_zone_records(z), 5);
	zw_zone_free(z);
}

/* ---- rules ---- */

static void test_apex_rules(void **state)
{
	(void)state;
	expect_fail("$TTL 1\na A 192.0.2.1\n", ZW_ENOSOA,
		    "zone has no SOA record at the apex");
	expect_fail("$TTL 1\n@ SOA ns h 1 2 3 4 5\n", ZW_ENONS,
		    "zone has no NS records at the apex");
	expect_fail("$TTL 1\n@ SOA ns h 1 2 3 4 5\n NS ns\nx SOA ns h 1 2 3 4 5\n",
		    ZW_EMULTISOA, "z:4: x.example.: SOA record not at top of "
				  "zone");
	expect_fail("$TTL 1\n@ SOA ns h 1 2 3 4 5\n SOA ns h 2 2 3 4 5\n",
		    ZW_EMULTISOA, "z:3: example.: multiple RRs of singleton "
				  "type");
	expect_fail("$TTL 1\n@ SOA ns h 1 2 3 4 5\n NS ns\nx A 192.0.2.1\n"
		    "@ SOA ns h 2 2 3 4 5\n",
		    ZW_EMULTISOA, "z:5: example.: multiple RRs of singleton "
				  "type");
	expect_fail(cat(head, "x.other. A 192.0.2.1\n"), ZW_EOUTZONE,
		    "z:4: x.other.: out of zone (not at or below example.)");
	expect_fail(cat(head, "example2. A 192.0.2.1\n"), ZW_EOUTZONE,
		    "z:4: example2.: out of zone (not at or below example.)");
	/* The same SOA twice is a duplicate, merged. */
	struct zw_zone *z = load_ok("$TTL 1\n@ SOA ns h 1 2 3 4 5\n NS ns\n"
				    "@ SOA ns h 1 2 3 4 5\n");
	zw_zone_free(z);
}

static void test_cname_rules(void **state)
{
	(void)state;
	expect_fail(cat(head, "www CNAME foo\nwww A 192.0.2.1\n"), ZW_ECNAME,
		    "z:5: www.example.: CNAME and other data");
	expect_fail(cat(head, "www CNAME foo\nx A 192.0.2.1\nwww A 192.0.2.1\n"),
		    ZW_ECNAME, "z:6: www.example.: CNAME and other data");
	expect_fail(cat(head, "www CNAME foo\nwww CNAME bar\n"), ZW_EDUP,
		    "z:5: www.example.: multiple RRs of singleton type");
	expect_fail(cat(head, "www CNAME foo\nx A 192.0.2.1\nwww CNAME bar\n"),
		    ZW_EDUP, "z:6: www.example.: multiple RRs of singleton "
			     "type");
	expect_fail(cat(head, "d DNAME foo\nd DNAME bar\n"), ZW_EDUP,
		    "z:5: d.example.: multiple RRs of singleton type");
	/* RRSIG, NSEC, KEY may sit beside a CNAME; a duplicate CNAME is
	 * merged. */
	struct zw_zone *z = load_ok(cat(head,
		"www CNAME foo\n"
		"www RRSIG CNAME 8 2 300 20200101000000 20190101000000 1 "
		"example. AAAA\n"
		"www NSEC x CNAME RRSIG NSEC\n"
		"www KEY \\# 4 01000308\n"
		"www CNAME Foo\n"));
	struct zw_rrset rs;
	assert_true(zw_node_rrset(node(z, "www"), ZW_TYPE_CNAME, 0, &rs));
	assert_int_equal(rs.count, 1);
	zw_zone_free(z);
}

static void test_origin_from_soa(void **state)
{
	(void)state;
	struct zw_zone *z;
	assert_int_equal(load("$TTL 1\nexample. SOA ns h 7 2 3 4 5\n NS ns\n",
			      NULL, &z), 0);
	assert_true(zw_name_equal(zw_zone_apex(z), example));
	assert_int_equal(zw_zone_serial(z), 7);
	zw_zone_free(z);
	assert_int_equal(load("$TTL 1\na.example. A 192.0.2.1\n", NULL, &z),
			 ZW_ENOSOA);
	assert_string_equal(zw_zone_error(z),
			    "z:2: a.example.: first record is not an SOA and no "
			    "origin was given");
	zw_zone_free(z);
}

/* The signer adds records after finish and finishes again. */
static void test_add_after_finish(void **state)
{
	(void)state;
	struct zw_zone *z = load_ok(cat(head, "ns A 192.0.2.1\nb.c TXT x\n"));
	assert_int_equal(zw_zone_count(z), 4); /* apex, c (ENT), b.c, ns */
	uint8_t owner[ZW_NAME_MAX], rd[ZW_RDATA_MAX];
	const char *txt = "\003new";
	struct zw_rec r = {name("b.c", owner), (const uint8_t *)txt, 60,
			   ZW_TYPE_TXT, 4, NULL, 0};
	assert_int_equal(zw_zone_add(z, &r), 0);
	r.owner = name("c", owner);
	assert_int_equal(zw_zone_add(z, &r), 0);
	r.owner = name("a", owner);
	r.type = ZW_TYPE_NSEC;
	int n = zw_name_from_str(rd, "c.example.", 10, NULL);
	rd[n] = 0, rd[n + 1] = 1, rd[n + 2] = 0x40;
	r.rdata = rd;
	r.rdlen = (uint16_t)(n + 3);
	assert_int_equal(zw_zone_add(z, &r), 0);
	assert_int_equal(zw_zone_finish(z), 0);
	char *d = dump(z);
	assert_string_equal(d,
		"example. 300 NS ns.example.\n"
		"example. 300 SOA ns.example. h.example. 1 2 3 4 5\n"
		"a.example. 60 NSEC c.example. A\n"
		"c.example. 60 TXT \"new\"\n"
		"b.c.example. 60 TXT \"x\"\n" /* shorter rdata first */
		"b.c.example. 60 TXT \"new\"\n"
		"ns.example. 300 A 192.0.2.1\n");
	free(d);
	zw_zone_free(z);
}

/* Many names in scrambled order end up sorted, each exactly once. */
static void test_many_names(void **state)
{
	(void)state;
	size_t max = 4 << 20, n = 0;
	char *text = malloc(max);
	n += (size_t)sprintf(text, "%s", head);
	for (unsigned i = 0; i < 60000; i++) {
		unsigned k = (i * 7919u) % 60000u; /* a permutation */
		n += (size_t)sprintf(text + n, "h%u.s%u TXT %u\n", k, k % 7, i);
		if (k % 5 == 0) /* a second run for some owners */
			n += (size_t)sprintf(text + n, "h%u.s%u A 192.0.2.1\n",
					     (k * 3) % 60000, (k * 3) % 60000 % 7);
	}
	struct zw_zone *z = load_ok(text);
	size_t names = 0;
	for (size_t i = 0; i < zw_zone_count(z); i++) {
		const struct zw_node *nd = zw_zone_node(z, i);
		if (i)
			assert_true(zw_name_cmp(zw_node_name(zw_zone_node(z, i - 1)),
						zw_node_name(nd)) < 0);
		names += !(nd->flags & ZW_NODE_ENT);
	}
	assert_int_equal(names, 60000 + 1);
	assert_int_equal(zw_zone_count(z), 60000 + 1 + 7);
	zw_zone_free(z);
	free(text);
}

/* The zone's fast lookup form is exactly zw_name_lookup_form's. */
static void test_lookup_form(void **state)
{
	(void)state;
	uint8_t name[ZW_NAME_MAX], a[ZW_NAME_LF_MAX + 8], b[ZW_NAME_LF_MAX + 8];
	uint32_t x = 12345;
	for (int k = 0; k < 20000; k++) {
		size_t n = 0;
		int labels = 1 + k % 6;
		for (int l = 0; l < labels && n < 200; l++) {
			int len = 1 + (int)((x = x * 1103515245u + 12345u) >> 16) % 30;
			name[n++] = (uint8_t)len;
			for (int i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				uint8_t c = (uint8_t)(x >> 16);
				/* mostly letters of both cases, some 0x00/0x01 */
				name[n++] = k % 3 ? (uint8_t)("aZ\001q-_\377A\000"[c % 9])
						  : c;
			}
		}
		name[n] = 0;
		size_t la = zw_name_lookup_form(name, a);
		size_t nlen;
		size_t lb = zone_lookup_form(name, b, &nlen);
		assert_int_equal(nlen, zw_name_len(name));
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_order),
		cmocka_unit_test(test_ttl_merge),
		cmocka_unit_test(test_rrsig_per_covered_type),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_apex_rules),
		cmocka_unit_test(test_cname_rules),
		cmocka_unit_test(test_origin_from_soa),
		cmocka_unit_test(test_add_after_finish),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_lookup_form),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
