#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/err.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"

/* Wire messages captured from knotd 3.2 (responses) and kdig/dig (queries)
 * on loopback by tests/dns/data/capture.py. */
static const char *const fixtures[] = {
	"resp_soa_do",	    "resp_mx_do",	 "resp_cname_do",
	"resp_referral",    "resp_wildcard_do",	 "resp_dnskey_do",
	"resp_nodata_do",   "resp_refused",	 "resp_many_noedns",
	"resp_big_tc",	    "resp_nsid",	 "resp_badcookie",
	"resp_srv_do",	    "resp_caa",		 "resp_escaped",
	"resp_mixcase",	    "resp_axfr_tcp",	 "resp_dnskey_tcp_do",
	"resp_tc_noedns",   "resp_tc_edns512",	 "resp_huge_tcp",
	"query_kdig_opts",  "query_dig",	 "query_dig_noedns",
	"query_kdig_tsig",
};
#define NFIX (sizeof(fixtures) / sizeof(fixtures[0]))

/* Load a fixture into an exactly-sized heap block, so ASan flags any read
 * past its end. */
static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	const char *root = getenv("ZW_ROOT");
	char *data;
	uint8_t *exact;

	snprintf(path, sizeof(path), "%s/tests/dns/data/%s.bin",
		 root ? root : ".", name);
	data = zw_test_read_file(path, len);
	if (!data)
		fail_msg("cannot read %s", path);
	exact = malloc(*len ? *len : 1);
	memcpy(exact, data, *len);
	free(data);
	return exact;
}

static int parse_fixture(const char *name, struct zw_msg *m, uint8_t **buf,
			 size_t *len)
{
	*buf = load(name, len);
	return zw_msg_parse(m, *buf, *len);
}

/* Every RR of a parsed message, decompressed; returns the count. */
static int walk_all(const struct zw_msg *m)
{
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	static uint8_t rd[ZW_RDATA_MAX];
	int n = 0, rc;

	zw_msg_iter_init(&it, m);
	while ((rc = zw_msg_iter_next(&it, &rr, rd, sizeof(rd))) == 1)
		n++;
	assert_int_equal(rc, 0);
	return n;
}

static void test_fixtures_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIX; i++) {
		struct zw_msg m;
		uint8_t *buf;
		size_t len;
		int rc = parse_fixture(fixtures[i], &m, &buf, &len);

		if (rc)
			fail_msg("%s: %s", fixtures[i], zw_strerror(rc));
		assert_true(m.has_question);
		assert_int_equal(walk_all(&m), m.hdr.count[1] + m.hdr.count[2] +
						       m.hdr.count[3]);
		free(buf);
	}
}

static void test_fixture_fields(void **state)
{
	struct zw_msg m;
	uint8_t *buf, qn[ZW_NAME_MAX];
	size_t len;

	(void)state;
	assert_int_equal(parse_fixture("resp_soa_do", &m, &buf, &len), 0);
	assert_int_equal(m.hdr.id, 1);
	assert_true(m.hdr.flags & ZW_MSG_QR);
	assert_true(m.hdr.flags & ZW_MSG_AA);
	assert_int_equal(zw_msg_rcode(&m), ZW_RCODE_NOERROR);
	zw_name_from_str(qn, "example.com.", 12, NULL);
	assert_true(zw_name_equal(m.qname, qn));
	assert_int_equal(m.qtype, ZW_TYPE_SOA);
	assert_int_equal(m.qclass, ZW_CLASS_IN);
	assert_int_equal(m.hdr.count[ZW_SEC_ANSWER], 2); /* SOA + RRSIG */
	assert_true(m.edns.present);
	assert_true(m.edns.flags & ZW_EDNS_DO);
	assert_int_equal(m.edns.version, 0);
	assert_null(m.tsig);
	free(buf);

	assert_int_equal(parse_fixture("resp_refused", &m, &buf, &len), 0);
	assert_int_equal(zw_msg_rcode(&m), ZW_RCODE_REFUSED);
	free(buf);

	assert_int_equal(parse_fixture("resp_tc_noedns", &m, &buf, &len), 0);
	assert_true(m.hdr.flags & ZW_MSG_TC);
	assert_false(m.edns.present);
	free(buf);

	/* The question keeps the case the client sent. */
	assert_int_equal(parse_fixture("resp_mixcase", &m, &buf, &len), 0);
	assert_memory_equal(m.qname, "\003WwW\007ExAmPlE\003CoM", 17);
	free(buf);

	assert_int_equal(parse_fixture("resp_escaped", &m, &buf, &len), 0);
	assert_memory_equal(m.qname, "\010Odd.Name\007example\003com", 22);
	free(buf);

	assert_int_equal(parse_fixture("query_kdig_tsig", &m, &buf, &len), 0);
	assert_non_null(m.tsig);
	assert_false(m.edns.present);
	free(buf);
}

static void test_fixture_edns_options(void **state)
{
	struct zw_msg m;
	uint8_t *buf;
	size_t len;
	const uint8_t *d;
	uint16_t dl;

	(void)state;
	assert_int_equal(parse_fixture("resp_nsid", &m, &buf, &len), 0);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_NSID, &d, &dl), 1);
	assert_int_equal(dl, 7);
	assert_memory_equal(d, "zw-nsid", 7);
	free(buf);

	/* knotd's mod-cookies answers a client-only cookie with BADCOOKIE
	 * (23: extended RCODE 1, header 7), echoing the client cookie and
	 * adding a 16-octet server cookie. */
	assert_int_equal(parse_fixture("resp_badcookie", &m, &buf, &len), 0);
	assert_int_equal(zw_msg_rcode(&m), 23);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_COOKIE, &d, &dl), 1);
	assert_int_equal(dl, 24);
	assert_memory_equal(d, "\0\1\2\3\4\5\6\7", 8);
	free(buf);

	/* kdig +nsid +cookie +subnet +padding +ednsopt=65001:abcd */
	assert_int_equal(parse_fixture("query_kdig_opts", &m, &buf, &len), 0);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_true(m.edns.flags & ZW_EDNS_DO);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_NSID, &d, &dl), 1);
	assert_int_equal(dl, 0);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_COOKIE, &d, &dl), 1);
	assert_int_equal(dl, 8);
	assert_int_equal(
		zw_edns_opt_find(&m.edns, ZW_EDNS_CLIENT_SUBNET, &d, &dl), 1);
	assert_int_equal(dl, 7); /* family 1, /24, scope 0, 3 address octets */
	assert_memory_equal(d, "\0\1\30\0\300\0\2", 7);
	assert_int_equal(zw_edns_opt_find(&m.edns, 65001, &d, &dl), 1);
	assert_int_equal(dl, 2);
	assert_memory_equal(d, "\xab\xcd", 2);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_PADDING, &d, &dl), 1);
	assert_int_equal(dl, 64);
	for (int i = 0; i < dl; i++)
		assert_int_equal(d[i], 0);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_EDE, &d, &dl), 0);
	free(buf);
}

/* Re-write a parsed message with the writer: question, every RR with its
 * RDATA decompressed, the OPT with its options. */
static int rewrite(const struct zw_msg *m, uint8_t *out, size_t cap)
{
	static uint8_t rd[ZW_RDATA_MAX];
	struct zw_msg_writer w;
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	int rc;

	zw_msg_writer_init(&w, out, cap, m->hdr.id, m->hdr.flags);
	if (m->has_question)
		zw_msg_put_question(&w, m->qname, m->qtype, m->qclass);
	zw_msg_iter_init(&it, m);
	while ((rc = zw_msg_iter_next(&it, &rr, rd, sizeof(rd))) == 1) {
		if (rr.type == ZW_TYPE_OPT) {
			const uint8_t *p = rr.wire, *d;
			uint16_t code, len;

			zw_msg_put_opt(&w, rr.rclass, (uint8_t)(rr.ttl >> 16),
				       (uint16_t)rr.ttl);
			zw_msg_set_rcode(&w, zw_msg_rcode(m));
			while (zw_edns_opt_next(&p, rr.wire + rr.wire_len, &code,
						&len, &d) == 1)
				zw_msg_put_opt_option(&w, code, d, len);
			continue;
		}
		rc = zw_msg_put_rr(&w, rr.section, rr.owner, rr.type, rr.rclass,
				   rr.ttl, rd, rr.rdlen);
		if (rc < 0)
			return rc;
	}
	return rc < 0 ? rc : zw_msg_finish(&w);
}

/* Two parsed messages hold the same records, octet for octet. */
static void assert_same(const struct zw_msg *a, const struct zw_msg *b)
{
	static uint8_t ra[ZW_RDATA_MAX], rb[ZW_RDATA_MAX];
	struct zw_msg_iter ia, ib;
	struct zw_msg_rr xa, xb;
	int ca, cb;

	assert_memory_equal(&a->hdr, &b->hdr, sizeof(a->hdr));
	assert_memory_equal(a->qname, b->qname, zw_name_len(a->qname));
	assert_int_equal(a->qtype, b->qtype);
	assert_int_equal(a->edns.present, b->edns.present);
	assert_int_equal(a->edns.optlen, b->edns.optlen);
	if (a->edns.optlen)
		assert_memory_equal(a->edns.opts, b->edns.opts, a->edns.optlen);
	zw_msg_iter_init(&ia, a);
	zw_msg_iter_init(&ib, b);
	do {
		ca = zw_msg_iter_next(&ia, &xa, ra, sizeof(ra));
		cb = zw_msg_iter_next(&ib, &xb, rb, sizeof(rb));
		assert_int_equal(ca, cb);
		if (ca != 1)
			break;
		assert_int_equal(xa.section, xb.section);
		assert_memory_equal(xa.owner, xb.owner, zw_name_len(xa.owner));
		assert_int_equal(xa.type, xb.type);
		assert_int_equal(xa.rclass, xb.rclass);
		assert_int_equal(xa.ttl, xb.ttl);
		assert_int_equal(xa.rdlen, xb.rdlen);
		assert_memory_equal(ra, rb, xa.rdlen);
	} while (1);
}

static void test_fixtures_round_trip(void **state)
{
	static uint8_t out[ZW_MSG_MAX];

	(void)state;
	for (size_t i = 0; i < NFIX; i++) {
		struct zw_msg m, m2;
		uint8_t *buf;
		size_t len;
		int n;

		assert_int_equal(parse_fixture(fixtures[i], &m, &buf, &len), 0);
		n = rewrite(&m, out, sizeof(out));
		if (n < 0)
			fail_msg("%s: rewrite: %s", fixtures[i], zw_strerror(n));
		assert_int_equal(zw_msg_parse(&m2, out, (size_t)n), 0);
		assert_same(&m, &m2);
		/* Our compression is at least as tight as knotd's here. */
		if ((size_t)n > len)
			fail_msg("%s: %d octets, knotd %zu", fixtures[i], n, len);
		print_message("%-20s knotd/peer %5zu  zonewire %5d\n",
			      fixtures[i], len, n);
		free(buf);
	}
}

/* Every proper prefix of a valid message is rejected cleanly (ASan checks
 * that no byte past the prefix is read: each prefix is its own block). */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	for (size_t i = 0; i < NFIX; i++) {
		struct zw_msg m;
		size_t len;
		uint8_t *full = load(fixtures[i], &len);

		for (size_t l = 0; l < len; l++) {
			uint8_t *p = malloc(l ? l : 1);
			int rc;

			memcpy(p, full, l);
			rc = zw_msg_parse(&m, p, l);
			if (rc != ZW_ETRUNC)
				fail_msg("%s cut at %zu: %d", fixtures[i], l, rc);
			free(p);
		}
		free(full);
	}
}

/* Header for a hand-made message: id 0, flags 0, the four counts. */
static size_t hdr(uint8_t *b, int qd, int an, int ns, int ar)
{
	memset(b, 0, 12);
	b[5] = (uint8_t)qd;
	b[7] = (uint8_t)an;
	b[9] = (uint8_t)ns;
	b[11] = (uint8_t)ar;
	return 12;
}

static int parse_bytes(const uint8_t *b, size_t len)
{
	struct zw_msg m;
	uint8_t *p = malloc(len);
	int rc;

	memcpy(p, b, len);
	rc = zw_msg_parse(&m, p, len);
	free(p);
	return rc;
}

static void test_bad_pointers(void **state)
{
	uint8_t b[64];
	size_t n;

	(void)state;
	/* Question name pointing at itself. */
	n = hdr(b, 1, 0, 0, 0);
	memcpy(b + n, "\xc0\x0c\0\1\0\1", 6);
	assert_int_equal(parse_bytes(b, n + 6), ZW_ECOMPRESS);
	/* Forward pointer (to the root label after it). */
	memcpy(b + n, "\xc0\x0e\0\0\1\0\1", 7);
	assert_int_equal(parse_bytes(b, n + 7), ZW_ECOMPRESS);
	/* Loop: label, then a pointer back to the label. */
	memcpy(b + n, "\1a\xc0\x0c\0\1\0\1", 8);
	assert_int_equal(parse_bytes(b, n + 8), ZW_ECOMPRESS);
	/* Answer owner -> qname is fine; qname -> answer owner is forward. */
	memcpy(b, "\0\0\0\0\0\1\0\1\0\0\0\0", 12);
	memcpy(b + 12, "\1a\0\0\1\0\1", 7);
	memcpy(b + 19, "\xc0\x0c\0\1\0\1\0\0\0\0\0\0", 12);
	assert_int_equal(parse_bytes(b, 31), 0);
	b[19] = 0xc0, b[20] = 19; /* owner pointing at itself */
	assert_int_equal(parse_bytes(b, 31), ZW_ECOMPRESS);
	b[12] = 0xc0, b[13] = 19; /* qname pointing forward */
	assert_int_equal(parse_bytes(b, 31), ZW_ECOMPRESS);
	/* Pointer past the end. */
	n = hdr(b, 1, 0, 0, 0);
	memcpy(b + n, "\xff\xff\0\1\0\1", 6);
	assert_int_equal(parse_bytes(b, n + 6), ZW_ECOMPRESS);
	/* Bad name in RDATA of a compressible type: MX target loops. */
	n = hdr(b, 0, 1, 0, 0);
	memcpy(b + n, "\0\0\x0f\0\1\0\0\0\0\0\4\0\1\xc0\x19", 15);
	{
		struct zw_msg m;
		struct zw_msg_iter it;
		struct zw_msg_rr rr;
		uint8_t rd[300];

		assert_int_equal(zw_msg_parse(&m, b, n + 15), 0);
		zw_msg_iter_init(&it, &m);
		assert_true(zw_msg_iter_next(&it, &rr, rd, sizeof(rd)) < 0);
		zw_msg_iter_init(&it, &m); /* without RDATA it is framing only */
		assert_int_equal(zw_msg_iter_next(&it, &rr, NULL, 0), 1);
		assert_int_equal(rr.wire_len, 4);
	}
}

/* OPT record bytes: root owner, type 41, class udp, ttl, rdlen, options. */
static size_t opt_rr(uint8_t *b, const char *opts, size_t optlen)
{
	memcpy(b, "\0\0\x29\x04\xd0\0\0\x80\0", 9);
	b[9] = (uint8_t)(optlen >> 8);
	b[10] = (uint8_t)optlen;
	memcpy(b + 11, opts, optlen);
	return 11 + optlen;
}

static void test_opt_rules(void **state)
{
	uint8_t b[128];
	size_t n;
	struct zw_msg m;

	(void)state;
	n = hdr(b, 0, 0, 0, 1);
	n += opt_rr(b + n, "\0\3\0\0", 4);
	assert_int_equal(zw_msg_parse(&m, b, n), 0);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.flags, ZW_EDNS_DO);
	/* Two OPTs. */
	n = hdr(b, 0, 0, 0, 2);
	n += opt_rr(b + n, "", 0);
	n += opt_rr(b + n, "", 0);
	assert_int_equal(parse_bytes(b, n), ZW_EDUP);
	/* OPT in the answer section. */
	n = hdr(b, 0, 1, 0, 0);
	n += opt_rr(b + n, "", 0);
	assert_int_equal(parse_bytes(b, n), ZW_EMALF);
	/* OPT with a non-root owner. */
	n = hdr(b, 0, 0, 0, 1);
	b[n++] = 1, b[n++] = 'a';
	n += opt_rr(b + n, "", 0);
	assert_int_equal(parse_bytes(b, n), ZW_EMALF);
	/* A compressed owner that decompresses to the root is the root; one
	 * that decompresses to "a." is not. */
	n = hdr(b, 1, 0, 0, 1);
	memcpy(b + n, "\0\0\1\0\1\xc0\x0c\0\x29\4\xd0\0\0\0\0\0\0", 17);
	assert_int_equal(zw_msg_parse(&m, b, n + 17), 0);
	assert_true(m.edns.present);
	memcpy(b + n, "\1a\0\0\1\0\1\xc0\x0c\0\x29\4\xd0\0\0\0\0\0\0", 19);
	assert_int_equal(parse_bytes(b, n + 19), ZW_EMALF);
	/* Option longer than the RDATA, and a short option header. */
	n = hdr(b, 0, 0, 0, 1);
	n += opt_rr(b + n, "\0\3\0\5abcd", 8);
	assert_int_equal(parse_bytes(b, n), ZW_EMALF);
	n = hdr(b, 0, 0, 0, 1);
	n += opt_rr(b + n, "\0\3\0", 3);
	assert_int_equal(parse_bytes(b, n), ZW_EMALF);
	/* Extended RCODE: BADVERS = 16 -> ext 1, header 0. */
	n = hdr(b, 0, 0, 0, 1);
	n += opt_rr(b + n, "", 0);
	b[12 + 5] = 1;
	assert_int_equal(zw_msg_parse(&m, b, n), 0);
	assert_int_equal(zw_msg_rcode(&m), ZW_RCODE_BADVERS);
}

static void test_framing_errors(void **state)
{
	uint8_t b[128];
	size_t n;

	(void)state;
	assert_int_equal(parse_bytes(b, 11), ZW_ETRUNC);
	n = hdr(b, 0, 0, 0, 0);
	assert_int_equal(parse_bytes(b, n), 0);
	b[n] = 0;
	assert_int_equal(parse_bytes(b, n + 1), ZW_ETRAILING);
	/* RDLENGTH past the end. */
	n = hdr(b, 0, 1, 0, 0);
	memcpy(b + n, "\0\0\1\0\1\0\0\0\0\0\5\1\2\3\4", 15);
	assert_int_equal(parse_bytes(b, n + 15), ZW_ETRUNC);
	b[n + 10] = 4;
	assert_int_equal(parse_bytes(b, n + 15), 0);
	/* Counts larger than the records present. */
	b[7] = 2;
	assert_int_equal(parse_bytes(b, n + 15), ZW_ETRUNC);
	/* TSIG not last. */
	n = hdr(b, 0, 0, 0, 2);
	memcpy(b + n, "\0\0\xfa\0\xff\0\0\0\0\0\0", 11);
	memcpy(b + n + 11, "\0\0\1\0\1\0\0\0\0\0\0", 11);
	assert_int_equal(parse_bytes(b, n + 22), ZW_EMALF);
	memcpy(b + n, "\0\0\1\0\1\0\0\0\0\0\0", 11);
	memcpy(b + n + 11, "\0\0\xfa\0\xff\0\0\0\0\0\0", 11);
	assert_int_equal(parse_bytes(b, n + 22), 0);
	/* TSIG in the answer section. */
	n = hdr(b, 0, 1, 0, 0);
	memcpy(b + n, "\0\0\xfa\0\xff\0\0\0\0\0\0", 11);
	assert_int_equal(parse_bytes(b, n + 11), ZW_EMALF);
	/* Obsolete label type in the question. */
	n = hdr(b, 1, 0, 0, 0);
	memcpy(b + n, "\x41\0\0\1\0\1", 6);
	assert_int_equal(parse_bytes(b, n + 6), ZW_ELABEL);
}

static void name(uint8_t *out, const char *s)
{
	assert_true(zw_name_from_str(out, s, strlen(s), NULL) > 0);
}

/* Append an MX record; returns put_rr's result. */
static int put_mx(struct zw_msg_writer *w, const uint8_t *owner,
		  uint16_t pref, const uint8_t *target)
{
	uint8_t rd[2 + ZW_NAME_MAX];
	size_t n = zw_name_len(target);

	rd[0] = (uint8_t)(pref >> 8), rd[1] = (uint8_t)pref;
	memcpy(rd + 2, target, n);
	return zw_msg_put_rr(w, ZW_SEC_ANSWER, owner, ZW_TYPE_MX, 1, 300, rd,
			     (uint16_t)(2 + n));
}

static void test_write_compression(void **state)
{
	uint8_t buf[512], qn[ZW_NAME_MAX], own[ZW_NAME_MAX], ns[ZW_NAME_MAX];
	uint8_t mx1[ZW_NAME_MAX], mx2[ZW_NAME_MAX], rd[300];
	struct zw_msg_writer w;
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	struct zw_msg m;
	int len;

	(void)state;
	name(qn, "www.example.com.");
	name(own, "WWW.Example.COM.");
	name(mx1, "mail.example.com.");
	name(mx2, "mail.EXAMPLE.com.");
	name(ns, "ns.example.net.");
	zw_msg_writer_init(&w, buf, sizeof(buf), 0x1234,
			   ZW_MSG_QR | ZW_MSG_AA);
	assert_int_equal(zw_msg_put_question(&w, qn, ZW_TYPE_MX, 1), 0);
	/* Owner equal to the qname: a bare pointer to offset 12. */
	assert_int_equal(put_mx(&w, qn, 10, mx1), 0);
	assert_memory_equal(buf + 33, "\xc0\x0c\0\x0f\0\1\0\0\1\x2c", 10);
	/* MX target: "mail" + pointer to "example.com" at 16. */
	assert_memory_equal(buf + 43, "\0\x09\0\x0a\4mail\xc0\x10", 11);
	/* An owner in another case still points at the question (answers
	 * take the query's case); an RDATA name keeps its own case and only
	 * shares the exactly equal "com". */
	assert_int_equal(put_mx(&w, own, 20, mx2), 0);
	assert_memory_equal(buf + 54, "\xc0\x0c", 2);
	assert_memory_equal(buf + 64, "\0\x11\0\x14\4mail\7EXAMPLE\xc0\x18", 19);
	/* NS target of a compressible type: only ".net" differs from the
	 * question, so the owner is literal and the target points at it. */
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_AUTHORITY, ns + 3,
				       ZW_TYPE_NS, 1, 60, ns,
				       (uint16_t)zw_name_len(ns)),
			 0);
	assert_memory_equal(buf + 104, "\0\5\2ns\xc0\x53", 7);
	len = zw_msg_finish(&w);
	assert_int_equal(len, 111);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_int_equal(m.hdr.id, 0x1234);
	assert_int_equal(m.hdr.count[ZW_SEC_ANSWER], 2);
	assert_int_equal(m.hdr.count[ZW_SEC_AUTHORITY], 1);
	zw_msg_iter_init(&it, &m);
	assert_int_equal(zw_msg_iter_next(&it, &rr, rd, sizeof(rd)), 1);
	assert_memory_equal(rr.owner, qn, 17);
	assert_memory_equal(rd + 2, mx1, 18);
	assert_int_equal(zw_msg_iter_next(&it, &rr, rd, sizeof(rd)), 1);
	assert_memory_equal(rr.owner, qn, 17);
	assert_memory_equal(rd + 2, mx2, 18);
	assert_int_equal(zw_msg_iter_next(&it, &rr, rd, sizeof(rd)), 1);
	assert_int_equal(rr.section, ZW_SEC_AUTHORITY);
	assert_memory_equal(rd, ns, 16);
	assert_int_equal(zw_msg_iter_next(&it, &rr, rd, sizeof(rd)), 0);
}

/* Types outside RFC 1035 keep their names uncompressed (RFC 3597 §4). */
static void test_write_no_compress_new_types(void **state)
{
	uint8_t buf[512], qn[ZW_NAME_MAX], rd[64];
	struct zw_msg_writer w;
	size_t nl;
	int len;

	(void)state;
	name(qn, "example.com.");
	nl = zw_name_len(qn);
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	zw_msg_put_question(&w, qn, ZW_TYPE_SRV, 1);
	memcpy(rd, "\0\0\0\5\x13\xc4", 6);
	memcpy(rd + 6, qn, nl);
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ANSWER, qn, ZW_TYPE_SRV, 1,
				       1, rd, (uint16_t)(6 + nl)),
			 0);
	len = zw_msg_finish(&w);
	assert_int_equal(len, 29 + 2 + 10 + 6 + (int)nl);
	assert_memory_equal(buf + len - nl, qn, nl);
}

/* Fill a small buffer until a record does not fit. */
static void test_write_truncation(void **state)
{
	uint8_t buf[108], qn[ZW_NAME_MAX], a[4] = { 192, 0, 2, 1 };
	struct zw_msg_writer w;
	struct zw_msg m;
	int rc, i, len;

	(void)state;
	name(qn, "example.com.");
	zw_msg_writer_init(&w, buf, sizeof(buf), 7, ZW_MSG_QR);
	zw_msg_put_question(&w, qn, ZW_TYPE_A, 1);
	/* 29 + 16 per A record: four fit in 108, the fifth does not. */
	for (i = 0; (rc = zw_msg_put_rr(&w, ZW_SEC_ANSWER, qn, ZW_TYPE_A, 1,
					60, a, 4)) == 0;
	     i++)
		;
	assert_int_equal(rc, ZW_ENOSPC);
	assert_int_equal(i, 4);
	/* Refused from now on, even a 12-octet record that would fit. */
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ADDITIONAL, qn, ZW_TYPE_A,
				       1, 60, a, 0),
			 ZW_ENOSPC);
	len = zw_msg_finish(&w);
	assert_int_equal(len, 29 + 4 * 16);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_true(m.hdr.flags & ZW_MSG_TC);
	assert_int_equal(m.hdr.count[ZW_SEC_ANSWER], 4);
}

static void test_write_additional_no_tc(void **state)
{
	uint8_t buf[60], qn[ZW_NAME_MAX], a[4] = { 192, 0, 2, 1 };
	struct zw_msg_writer w;
	struct zw_msg m;
	int len;

	(void)state;
	name(qn, "example.com.");
	zw_msg_writer_init(&w, buf, sizeof(buf), 7, ZW_MSG_QR);
	zw_msg_put_question(&w, qn, ZW_TYPE_NS, 1);
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ADDITIONAL, qn, ZW_TYPE_A,
				       1, 60, a, 4),
			 0);
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ADDITIONAL, qn, ZW_TYPE_A,
				       1, 60, a, 4),
			 ZW_ENOSPC);
	len = zw_msg_finish(&w);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_false(m.hdr.flags & ZW_MSG_TC);
	assert_int_equal(m.hdr.count[ZW_SEC_ADDITIONAL], 1);
}

/* Space reserved for the OPT survives a full answer section, and an RRset
 * dropped as a whole leaves a consistent message. */
static void test_write_reserve_and_rollback(void **state)
{
	uint8_t buf[120], qn[ZW_NAME_MAX], a[4] = { 192, 0, 2, 1 };
	struct zw_msg_writer w;
	struct zw_msg_mark mk;
	struct zw_msg m;
	const uint8_t *d;
	uint16_t dl;
	int len, i;

	(void)state;
	name(qn, "example.com.");
	zw_msg_writer_init(&w, buf, sizeof(buf), 9, ZW_MSG_QR);
	zw_msg_reserve(&w, 11 + 4 + 3);
	zw_msg_put_question(&w, qn, ZW_TYPE_A, 1);
	zw_msg_put_rr(&w, ZW_SEC_ANSWER, qn, ZW_TYPE_A, 1, 60, a, 4);
	zw_msg_mark(&w, &mk);
	for (i = 0; i < 10; i++)
		if (zw_msg_put_rr(&w, ZW_SEC_AUTHORITY, qn, ZW_TYPE_A, 1, 60, a,
				  4) < 0)
			break;
	assert_int_equal(i, 3); /* 120 - 18 - 45 = 57 = 3 x 16 + 9 */
	zw_msg_rollback(&w, &mk); /* drop the partial RRset */
	assert_int_equal(zw_msg_put_opt(&w, 1232, 0, ZW_EDNS_DO), 0);
	assert_int_equal(zw_msg_put_opt_option(&w, ZW_EDNS_NSID,
					       (const uint8_t *)"zw!", 3),
			 0);
	len = zw_msg_finish(&w);
	assert_int_equal(len, 45 + 18);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_true(m.hdr.flags & ZW_MSG_TC);
	assert_int_equal(m.hdr.count[ZW_SEC_AUTHORITY], 0);
	assert_int_equal(m.hdr.count[ZW_SEC_ADDITIONAL], 1);
	assert_true(m.edns.present);
	assert_int_equal(zw_edns_opt_find(&m.edns, ZW_EDNS_NSID, &d, &dl), 1);
	assert_memory_equal(d, "zw!", 3);
}

static void test_write_rcode_and_errors(void **state)
{
	uint8_t buf[512], qn[ZW_NAME_MAX], a[4] = { 0 };
	struct zw_msg_writer w;
	struct zw_msg m;
	int len;

	(void)state;
	name(qn, "example.com.");
	/* BADVERS needs the OPT's extended RCODE bits. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, ZW_MSG_QR);
	zw_msg_set_rcode(&w, ZW_RCODE_BADVERS);
	zw_msg_put_opt(&w, 1232, 0, 0);
	len = zw_msg_finish(&w);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_int_equal(zw_msg_rcode(&m), ZW_RCODE_BADVERS);
	/* ... also when set after the OPT is written. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, ZW_MSG_QR);
	zw_msg_put_opt(&w, 1232, 0, 0);
	zw_msg_set_rcode(&w, 0x123);
	len = zw_msg_finish(&w);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_int_equal(zw_msg_rcode(&m), 0x123);
	/* Without an OPT it cannot be expressed. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, ZW_MSG_QR);
	zw_msg_set_rcode(&w, ZW_RCODE_BADVERS);
	assert_int_equal(zw_msg_finish(&w), ZW_ERANGE);
	/* Sticky errors: question after a record, then everything fails. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	zw_msg_put_rr(&w, ZW_SEC_AUTHORITY, qn, ZW_TYPE_A, 1, 0, a, 4);
	assert_int_equal(zw_msg_put_question(&w, qn, 1, 1), ZW_EMALF);
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ADDITIONAL, qn, 1, 1, 0, a,
				       4),
			 ZW_EMALF);
	assert_int_equal(zw_msg_finish(&w), ZW_EMALF);
	/* Sections out of order. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	zw_msg_put_rr(&w, ZW_SEC_AUTHORITY, qn, ZW_TYPE_A, 1, 0, a, 4);
	assert_int_equal(zw_msg_put_rr(&w, ZW_SEC_ANSWER, qn, 1, 1, 0, a, 4),
			 ZW_EMALF);
	/* Two OPTs; an option when the OPT is no longer last. */
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	assert_int_equal(zw_msg_put_opt_option(&w, 3, NULL, 0), ZW_ENOTFOUND);
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	zw_msg_put_opt(&w, 512, 0, 0);
	assert_int_equal(zw_msg_put_opt(&w, 512, 0, 0), ZW_EDUP);
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, 0);
	zw_msg_put_opt(&w, 512, 0, 0);
	zw_msg_put_rr(&w, ZW_SEC_ADDITIONAL, qn, ZW_TYPE_A, 1, 0, a, 4);
	assert_int_equal(zw_msg_put_opt_option(&w, 3, NULL, 0), ZW_EMALF);
	/* A buffer smaller than a header. */
	zw_msg_writer_init(&w, buf, 11, 1, 0);
	assert_int_equal(zw_msg_put_question(&w, qn, 1, 1), ZW_ENOSPC);
	assert_int_equal(zw_msg_finish(&w), ZW_ENOSPC);
	/* A question that does not fit is a hard error. */
	zw_msg_writer_init(&w, buf, 20, 1, 0);
	assert_int_equal(zw_msg_put_question(&w, qn, 1, 1), ZW_ENOSPC);
	assert_int_equal(zw_msg_finish(&w), ZW_ENOSPC);
}

/* Names first written beyond offset 0x3fff cannot be pointer targets; the
 * writer must still produce a valid message, compressing against the
 * early names only. */
static void test_write_large(void **state)
{
	static uint8_t buf[ZW_MSG_MAX];
	uint8_t qn[ZW_NAME_MAX], own[ZW_NAME_MAX], txt[256];
	struct zw_msg_writer w;
	struct zw_msg m;
	int len;

	(void)state;
	name(qn, "example.com.");
	memset(txt, 'x', sizeof(txt));
	txt[0] = 255;
	zw_msg_writer_init(&w, buf, sizeof(buf), 1, ZW_MSG_QR);
	zw_msg_put_question(&w, qn, ZW_TYPE_TXT, 1);
	for (int i = 0; i < 300; i++) {
		char s[64];

		snprintf(s, sizeof(s), "n%d.sub%d.example.com.", i, i % 3);
		name(own, s);
		if (zw_msg_put_rr(&w, ZW_SEC_ANSWER, own, ZW_TYPE_TXT, 1, 60,
				  txt, 256) < 0)
			break;
	}
	len = zw_msg_finish(&w);
	assert_true(len > 0x4000);
	assert_int_equal(zw_msg_parse(&m, buf, (size_t)len), 0);
	assert_int_equal(walk_all(&m), m.hdr.count[ZW_SEC_ANSWER]);
	assert_true(m.hdr.flags & ZW_MSG_TC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_parse),
		cmocka_unit_test(test_fixture_fields),
		cmocka_unit_test(test_fixture_edns_options),
		cmocka_unit_test(test_fixtures_round_trip),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_opt_rules),
		cmocka_unit_test(test_framing_errors),
		cmocka_unit_test(test_write_compression),
		cmocka_unit_test(test_write_no_compress_new_types),
		cmocka_unit_test(test_write_truncation),
		cmocka_unit_test(test_write_additional_no_tc),
		cmocka_unit_test(test_write_reserve_and_rollback),
		cmocka_unit_test(test_write_rcode_and_errors),
		cmocka_unit_test(test_write_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
