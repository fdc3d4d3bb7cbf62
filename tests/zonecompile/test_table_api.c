/* The lookup API (zonecompile/table.h, the calls zwd makes) at its edges:
 * the longest names, the root, meta types and classes, EDNS sizes, small
 * output buffers, case and high-bit label bytes, names outside every
 * zone, several zones (a parent and its child) in one table, DS on both
 * sides of a cut, a wildcard at the apex, empty non-terminals, NSEC3
 * proofs at the ends of the hash index, and the burst call against the
 * single one.
 *
 * Tables: T_MULTI holds the RFC 4035 example zone (NSEC), its child
 * a.example. and z. (tests/zonecompile/data/api: NSEC and NSEC3, made by
 * make.sh there); T_ROOT the RFC 5155 example zone (NSEC3) and a root
 * zone; T_NSEC3 the RFC 5155 zone alone. Where the right answer is a
 * server's choice, the expected one is what knotd 3.2 answers for the
 * same zones (checked on loopback as tests/integration/compile_diff.sh
 * runs it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/nsec3.h"
#include "dns/err.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"
#include "zonecompile/compile.h"
#include "zonecompile/table.h"

enum { T_MULTI, T_ROOT, T_NSEC3, T_COUNT };
#define NOEDNS (-1)
#define CAP 65536

static struct {
	void *mem[T_COUNT];
	struct zw_table *t[T_COUNT];
} fx;

/* The last response, parsed. */
static struct {
	int len;
	uint8_t buf[CAP];
	struct zw_msg m;
} R;

static const struct zw_answer_opts KNOT = {1232, false};

/* ---- fixtures -------------------------------------------------------- */

static const char *api_data(const char *rel)
{
	static char path[4096];
	const char *root = getenv("ZW_ROOT");
	snprintf(path, sizeof path, "%s/tests/zonecompile/data/api/%s",
		 root && *root ? root : ".", rel);
	return path;
}

/* Table slot from n (path, origin) pairs. */
static void make_table(int slot, const char *const spec[][2], size_t n)
{
	struct zw_compiled *c[4];
	char err[ZW_TABLE_ERRMAX];
	size_t len;
	for (size_t i = 0; i < n; i++)
		c[i] = tt_compile(spec[i][0], spec[i][1]);
	fx.mem[slot] = zw_compile_to_mem(c, n, &len);
	assert_non_null(fx.mem[slot]);
	for (size_t i = 0; i < n; i++)
		zw_compiled_free(c[i]);
	fx.t[slot] = zw_table_from_mem(fx.mem[slot], len, err);
	if (!fx.t[slot])
		print_error("%s\n", err);
	assert_non_null(fx.t[slot]);
}

static int setup(void **state)
{
	(void)state;
	char p4035[4096], p5155[4096], pa[4096], pz[4096], proot[4096];
	snprintf(p4035, sizeof p4035, "%s",
		 zw_test_vector("rfc/rfc4035-appendix-a.zone"));
	snprintf(p5155, sizeof p5155, "%s",
		 zw_test_vector("rfc/rfc5155-appendix-a.zone"));
	snprintf(pa, sizeof pa, "%s", api_data("a.example.signed"));
	snprintf(pz, sizeof pz, "%s", api_data("z.signed"));
	snprintf(proot, sizeof proot, "%s", api_data("root.zone"));
	const char *multi[][2] = {{p4035, "example."}, {pa, "a.example."},
				  {pz, "z."}};
	const char *root[][2] = {{p5155, "example."}, {proot, "."}};
	const char *nsec3[][2] = {{p5155, "example."}};
	make_table(T_MULTI, multi, 3);
	make_table(T_ROOT, root, 2);
	make_table(T_NSEC3, nsec3, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < T_COUNT; i++) {
		zw_table_close(fx.t[i]);
		free(fx.mem[i]);
	}
	return 0;
}

/* ---- queries ----------------------------------------------------------- */

/* A query as dig sends it without RD: wire name, type, class; edns is
 * the advertised buffer size or NOEDNS. */
static size_t mkq_wire(uint8_t *q, const uint8_t *name, size_t nlen,
		       uint16_t qtype, uint16_t qclass, int edns, bool dnssec)
{
	uint8_t hdr[12] = {0x4a, 0x17, 0, 0, 0, 1, 0, 0, 0, 0, 0,
			   edns == NOEDNS ? 0 : 1};
	memcpy(q, hdr, 12);
	memcpy(q + 12, name, nlen);
	size_t o = 12 + nlen;
	uint8_t tail[4] = {(uint8_t)(qtype >> 8), (uint8_t)qtype,
			   (uint8_t)(qclass >> 8), (uint8_t)qclass};
	memcpy(q + o, tail, 4);
	o += 4;
	if (edns != NOEDNS) {
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(edns >> 8),
				   (uint8_t)edns, 0, 0, dnssec ? 0x80 : 0,
				   0, 0, 0};
		memcpy(q + o, opt, 11);
		o += 11;
	}
	return o;
}

static const uint8_t *wname(const char *s, uint8_t *buf)
{
	if (zw_name_from_str(buf, s, strlen(s), (const uint8_t *)"") <= 0)
		fail_msg("bad test name %s", s);
	return buf;
}

static size_t mkq(uint8_t *q, const char *name, uint16_t qtype, int edns,
		  bool dnssec)
{
	uint8_t n[ZW_NAME_MAX];
	wname(name, n);
	return mkq_wire(q, n, zw_name_len(n), qtype, ZW_CLASS_IN, edns,
			dnssec);
}

/* Answer pkt into R and parse it; the response must be well formed and
 * echo the question octet for octet. */
static const struct zw_msg *answer_pkt(int table, const uint8_t *pkt,
				       size_t len,
				       const struct zw_answer_opts *o)
{
	R.len = zw_table_answer(fx.t[table], pkt, len, R.buf, CAP, o);
	assert_true(R.len > 12);
	assert_int_equal(zw_msg_parse(&R.m, R.buf, (size_t)R.len), 0);
	assert_true(R.m.hdr.flags & ZW_MSG_QR);
	assert_int_equal(R.buf[0], pkt[0]);
	assert_int_equal(R.buf[1], pkt[1]);
	if (R.m.hdr.count[0]) {
		size_t qn = zw_name_len(pkt + 12) + 4;
		assert_memory_equal(R.buf + 12, pkt + 12, qn);
	}
	return &R.m;
}

static const struct zw_msg *ask(int table, const char *name, uint16_t qtype,
				int edns, bool dnssec)
{
	static uint8_t q[512];
	size_t n = mkq(q, name, qtype, edns, dnssec);
	return answer_pkt(table, q, n, &KNOT);
}

/* ---- looking at responses --------------------------------------------- */

static int rcode(const struct zw_msg *m)
{
	return zw_msg_rcode(m);
}

static bool flag(const struct zw_msg *m, uint16_t f)
{
	return (m->hdr.flags & f) != 0;
}

/* RRs in section sec (1..3) of type `type` (0: any but OPT) whose owner
 * is `owner` (NULL: any) and, when rd is given, whose RDATA is rd. */
static int count_rr(const struct zw_msg *m, int sec, uint16_t type,
		    const char *owner, const void *rd, size_t rdlen)
{
	uint8_t on[ZW_NAME_MAX], rdata[65536];
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	int n = 0, rc;
	if (owner)
		wname(owner, on);
	zw_msg_iter_init(&it, m);
	while ((rc = zw_msg_iter_next(&it, &rr, rdata, sizeof rdata)) > 0) {
		if ((int)rr.section != sec || rr.type == ZW_TYPE_OPT ||
		    (type && rr.type != type) ||
		    (owner && !zw_name_equal(rr.owner, on)) ||
		    (rd && (rr.rdlen != rdlen || memcmp(rdata, rd, rdlen))))
			continue;
		n++;
	}
	assert_int_equal(rc, 0);
	return n;
}

static int count(const struct zw_msg *m, int sec, uint16_t type)
{
	return count_rr(m, sec, type, NULL, NULL, 0);
}

static bool has(const struct zw_msg *m, int sec, const char *owner,
		uint16_t type)
{
	return count_rr(m, sec, type, owner, NULL, 0) > 0;
}

static bool has_a(const struct zw_msg *m, const char *owner, uint8_t last)
{
	uint8_t a[4] = {192, 0, 2, last};
	return count_rr(m, ZW_SEC_ANSWER, ZW_TYPE_A, owner, a, 4) == 1;
}

/* The RFC 8914 EDE info code, or -1 when there is none. */
static int ede(const struct zw_msg *m)
{
	const uint8_t *d;
	uint16_t len;
	if (!m->edns.present ||
	    zw_edns_opt_find(&m->edns, ZW_EDNS_EDE, &d, &len) != 1 || len < 2)
		return -1;
	return d[0] << 8 | d[1];
}

static void expect(const struct zw_msg *m, int rc, bool aa, int an, int ns)
{
	assert_int_equal(rcode(m), rc);
	assert_int_equal(flag(m, ZW_MSG_AA), aa);
	assert_false(flag(m, ZW_MSG_TC));
	if (an >= 0)
		assert_int_equal(m->hdr.count[1], an);
	if (ns >= 0)
		assert_int_equal(m->hdr.count[2], ns);
}

/* RDATA of the first RR of `type` in section sec (its length in *len). */
static const uint8_t *first_rdata(const struct zw_msg *m, int sec,
				  uint16_t type, uint16_t *len)
{
	static uint8_t rdata[65536];
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	zw_msg_iter_init(&it, m);
	while (zw_msg_iter_next(&it, &rr, rdata, sizeof rdata) > 0)
		if ((int)rr.section == sec && rr.type == type) {
			*len = rr.rdlen;
			return rdata;
		}
	fail_msg("no RR of type %u in section %d", type, sec);
	return NULL;
}

/* RFC 8482: an ANY answer is one RRset (and its RRSIGs). */
static void one_rrset(const struct zw_msg *m)
{
	uint8_t rdata[65536];
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	uint16_t type = 0;
	zw_msg_iter_init(&it, m);
	while (zw_msg_iter_next(&it, &rr, rdata, sizeof rdata) > 0) {
		if (rr.section != ZW_SEC_ANSWER)
			continue;
		uint16_t t = rr.type == ZW_TYPE_RRSIG
				     ? (uint16_t)(rdata[0] << 8 | rdata[1])
				     : rr.type;
		if (!type)
			type = t;
		assert_int_equal(t, type);
	}
	assert_int_not_equal(type, 0);
}

/* ---- long names -------------------------------------------------------- */

/* A wire name of exactly `total` octets: labels of `fill` (63 at most)
 * ending in `suffix`. Returns its length. */
static size_t long_name(uint8_t *w, const char *suffix, size_t total,
			int fill)
{
	uint8_t suf[ZW_NAME_MAX];
	size_t sl = zw_name_len(wname(suffix, suf)), rem = total - sl, o = 0;
	while (rem) {
		size_t l = rem - 1 > 63 ? 63 : rem - 1;
		if (rem - (l + 1) == 1)
			l--;    /* no room would be left for a label */
		w[o] = (uint8_t)l;
		memset(w + o + 1, fill, l);
		o += l + 1;
		rem -= l + 1;
	}
	memcpy(w + o, suf, sl);
	return total;
}

static void test_name_255_octets(void **state)
{
	(void)state;
	uint8_t n[300], q[600];
	size_t ql = mkq_wire(q, n, long_name(n, "example.", 255, 'b'),
			     ZW_TYPE_A, ZW_CLASS_IN, 4096, true);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, -1);
	assert_true(has(m, ZW_SEC_AUTHORITY, "example.", ZW_TYPE_SOA));
	int nsec = count(m, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC);
	assert_true(nsec >= 1);
	assert_int_equal(count(m, ZW_SEC_AUTHORITY, ZW_TYPE_RRSIG), nsec + 1);

	/* 256 octets (labels of 63, 63, 63, 62 and the root): malformed */
	size_t o = 0;
	for (int i = 0; i < 4; i++, o += 64) {
		n[o] = i < 3 ? 63 : 62;
		memset(n + o + 1, 'b', 63);
	}
	n[255] = 0;
	ql = mkq_wire(q, n, 256, ZW_TYPE_A, ZW_CLASS_IN, NOEDNS, false);
	R.len = zw_table_answer(fx.t[T_MULTI], q, ql, R.buf, CAP, &KNOT);
	assert_true(R.len >= 12);
	assert_int_equal(R.buf[3] & 0xf, ZW_RCODE_FORMERR);
	assert_false(R.buf[2] & 0x04);
}

/* RFC 4035 3.1.1: RRSIGs of the authority section that do not fit need
 * TC (knotd sets it for this NXDOMAIN at 512 octets with DO). */
static void test_name_255_octets_512_tc(void **state)
{
	(void)state;
	uint8_t n[300], q[600];
	size_t ql = mkq_wire(q, n, long_name(n, "example.", 255, 'b'),
			     ZW_TYPE_A, ZW_CLASS_IN, 512, true);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	assert_int_equal(rcode(m), ZW_RCODE_NXDOMAIN);
	assert_true(flag(m, ZW_MSG_TC));
	assert_true(R.len <= 512);
}

static void test_name_127_labels(void **state)
{
	(void)state;
	uint8_t n[300], q[600];
	size_t o = 0;
	for (int i = 0; i < 126; i++, o += 2)
		memcpy(n + o, "\1a", 2);
	memcpy(n + o, "\1z\0", 3);
	assert_int_equal(zw_name_len(n), 255);
	assert_int_equal(zw_name_labels(n), 127);
	size_t ql = mkq_wire(q, n, 255, ZW_TYPE_A, ZW_CLASS_IN, 4096, true);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	/* below z.'s apex wildcard: synthesised for the full name */
	expect(m, ZW_RCODE_NOERROR, true, 2, -1);
	uint16_t len;
	const uint8_t *sig = first_rdata(m, ZW_SEC_ANSWER, ZW_TYPE_RRSIG, &len);
	assert_int_equal(sig[3], 1); /* the labels of *.z. */
	assert_true(count(m, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC3) >= 1);
	/* the answer's owner is the question (compressed to it) */
	assert_int_equal(R.buf[12 + 255 + 4], 0xc0);
	assert_int_equal(R.buf[12 + 255 + 5], 12);

	ql = mkq_wire(q, n, 255, ZW_TYPE_TXT, ZW_CLASS_IN, NOEDNS, false);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
}

static void test_bad_labels(void **state)
{
	(void)state;
	/* a 64-octet label and a compression pointer in the question */
	static const uint8_t bad[][8] = {{0x40, 'a', 0}, {0xc0, 12, 0},
					 {0x80, 'a', 0}, {1, 'a', 0xc0, 12}};
	uint8_t q[600];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t ql = mkq_wire(q, bad[i], 4, ZW_TYPE_A, ZW_CLASS_IN,
				     NOEDNS, false);
		R.len = zw_table_answer(fx.t[T_MULTI], q, ql, R.buf, CAP,
					&KNOT);
		assert_true(R.len >= 12);
		assert_int_equal(R.buf[3] & 0xf, ZW_RCODE_FORMERR);
	}
}

/* ---- root, outside every zone ------------------------------------------- */

static void test_root(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, ".", ZW_TYPE_SOA, 1232, false);
	expect(m, ZW_RCODE_REFUSED, false, 0, 0);
	assert_int_equal(ede(m), 20);

	m = ask(T_ROOT, ".", ZW_TYPE_SOA, 1232, true);  /* unsigned */
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has(m, ZW_SEC_ANSWER, ".", ZW_TYPE_SOA));
	m = ask(T_ROOT, ".", ZW_TYPE_NS, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has(m, ZW_SEC_ADDITIONAL, "a.root.", ZW_TYPE_A));
	static const char *const refer[] = {"com.", "x.com.", "A.b.COM."};
	for (int i = 0; i < 3; i++) {
		m = ask(T_ROOT, refer[i], i ? ZW_TYPE_A : ZW_TYPE_NS, NOEDNS,
			false);
		expect(m, ZW_RCODE_NOERROR, false, 0, 1);
		assert_true(has(m, ZW_SEC_AUTHORITY, "com.", ZW_TYPE_NS));
		assert_true(has(m, ZW_SEC_ADDITIONAL, "a.gtld.com.",
				ZW_TYPE_A));
	}
	m = ask(T_ROOT, "net.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, 1);
	assert_true(has(m, ZW_SEC_AUTHORITY, ".", ZW_TYPE_SOA));
	/* a zone below the root still wins */
	m = ask(T_ROOT, "example.", ZW_TYPE_SOA, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has(m, ZW_SEC_ANSWER, "example.", ZW_TYPE_SOA));
}

static void test_outside_zones(void **state)
{
	(void)state;
	static const char *const out[] = {"example.com.", "zz.", "ez.",
					  "xample.", "aexample.", "com.",
					  "a.example.net."};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
		const struct zw_msg *m = ask(T_MULTI, out[i], ZW_TYPE_A, 1232,
					     true);
		expect(m, ZW_RCODE_REFUSED, false, 0, 0);
		assert_int_equal(m->hdr.count[3], 1);
		assert_int_equal(ede(m), 20); /* Not Authoritative */
		assert_true(m->edns.flags & ZW_EDNS_DO);
		m = ask(T_MULTI, out[i], ZW_TYPE_A, NOEDNS, false);
		expect(m, ZW_RCODE_REFUSED, false, 0, 0);
		assert_int_equal(m->hdr.count[3], 0);
		assert_false(m->edns.present);
	}
	assert_null(zw_table_find_zone(fx.t[T_MULTI],
				       (const uint8_t *)"\2ez", 4));
}

/* ---- meta types and classes ------------------------------------------- */

static void test_meta_types(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "ai.example.", ZW_TYPE_ANY,
				     NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	m = ask(T_MULTI, "ai.example.", ZW_TYPE_ANY, 1232, true);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	one_rrset(m);
	static const char *const any[] = {"example.", "z.", "foo.z.",
					  "a.example.", "xx.example."};
	for (size_t i = 0; i < sizeof any / sizeof any[0]; i++) {
		m = ask(T_MULTI, any[i], ZW_TYPE_ANY, 1232, true);
		assert_int_equal(rcode(m), ZW_RCODE_NOERROR);
		one_rrset(m);
	}
	m = ask(T_MULTI, "ai.example.", ZW_TYPE_RRSIG, 1232, false);
	expect(m, ZW_RCODE_NOERROR, true, -1, 0);
	assert_true(m->hdr.count[1] >= 1);
	assert_int_equal(count(m, ZW_SEC_ANSWER, ZW_TYPE_RRSIG),
			 m->hdr.count[1]);
	/* zone transfers are not answered over the data plane: AXFR over
	 * UDP NOTIMP, IXFR NOTAUTH, as knotd (test_ixfr) */
	m = ask(T_MULTI, "example.", ZW_TYPE_AXFR, NOEDNS, false);
	expect(m, ZW_RCODE_NOTIMP, false, 0, 0);
	/* other meta and unknown types: NODATA, as knotd */
	static const uint16_t nodata[] = {249, 250, 253, 254, 128, 65280,
					  65535};
	for (size_t i = 0; i < sizeof nodata / sizeof nodata[0]; i++) {
		m = ask(T_MULTI, "ai.example.", nodata[i], NOEDNS, false);
		expect(m, ZW_RCODE_NOERROR, true, 0, 1);
		assert_true(has(m, ZW_SEC_AUTHORITY, "example.",
				ZW_TYPE_SOA));
	}
}

/* QTYPE 0 and OPT as knotd answers them, where BIND 9.18 does otherwise:
 * QTYPE 0 NOTIMP without AA (BIND: NODATA), also outside every zone and
 * for class ANY; QTYPE OPT an ordinary type (BIND: FORMERR), so NODATA,
 * NXDOMAIN or a referral. */
static void test_meta_types_as_knot(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "ai.example.", 0, NOEDNS,
				     false);
	expect(m, ZW_RCODE_NOTIMP, false, 0, 0);
	m = ask(T_MULTI, "www.example.com.", 0, 1232, true);
	expect(m, ZW_RCODE_NOTIMP, false, 0, 0);
	uint8_t q[600], n[ZW_NAME_MAX];
	wname("ai.example.", n);
	size_t ql = mkq_wire(q, n, zw_name_len(n), 0, ZW_CLASS_ANY, NOEDNS,
			     false);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOTIMP, false, 0, 0);
	m = ask(T_MULTI, "ai.example.", ZW_TYPE_OPT, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 0, 1);
	assert_true(has(m, ZW_SEC_AUTHORITY, "example.", ZW_TYPE_SOA));
	m = ask(T_MULTI, "ai.example.", ZW_TYPE_OPT, 1232, true);
	expect(m, ZW_RCODE_NOERROR, true, 0, 4);
	assert_true(has(m, ZW_SEC_AUTHORITY, "ai.example.", ZW_TYPE_NSEC));
	m = ask(T_MULTI, "nx.example.", ZW_TYPE_OPT, 1232, false);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, 1);
	m = ask(T_MULTI, "b.example.", ZW_TYPE_OPT, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, false, 0, 2);
	assert_true(has(m, ZW_SEC_AUTHORITY, "b.example.", ZW_TYPE_NS));
}

/* An IXFR query (knotd answers NOTAUTH with or without the client's SOA
 * in the authority section, in or out of its zones): `soa` appends that
 * record (cut short by `cut` octets), `edns` an OPT after it. */
static size_t mk_ixfr(uint8_t *q, const char *name, bool soa, size_t cut,
		      bool edns)
{
	static const uint8_t rr[] = {0xc0, 12, 0, 6, 0, 1, 0, 0, 0, 0, 0, 22,
				     0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t opt[] = {0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0};
	size_t ql = mkq(q, name, ZW_TYPE_IXFR, NOEDNS, false);
	if (soa) {
		memcpy(q + ql, rr, sizeof rr - cut);
		ql += sizeof rr - cut;
		q[9] = 1;
	}
	if (edns) {
		memcpy(q + ql, opt, sizeof opt);
		ql += sizeof opt;
		q[11] = 1;
	}
	return ql;
}

static void test_ixfr(void **state)
{
	(void)state;
	uint8_t q[600];
	const struct zw_msg *m;
	static const char *const names[] = {"example.", "nx.example.",
					    "www.example.com."};
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < 4; k++) {
			size_t ql = mk_ixfr(q, names[i], k & 1, 0, k & 2);
			m = answer_pkt(T_MULTI, q, ql, &KNOT);
			expect(m, ZW_RCODE_NOTAUTH, false, 0, 0);
			assert_int_equal(m->edns.present, (k & 2) != 0);
		}
	}
	/* a cut-short SOA, or a count of two with one there: malformed */
	size_t ql = mk_ixfr(q, "example.", true, 1, false);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	assert_int_equal(rcode(m), ZW_RCODE_FORMERR);
	ql = mk_ixfr(q, "example.", true, 0, true);
	q[9] = 2;
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	assert_int_equal(rcode(m), ZW_RCODE_FORMERR);
	/* well-formed records in the answer and authority sections of
	 * another query are ignored (knotd and BIND) */
	ql = mk_ixfr(q, "ns1.example.", true, 0, true);
	q[ql - 11 - 34 - 4 + 1] = ZW_TYPE_A; /* the question's qtype */
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	q[8] = 0;
	q[9] = 0;
	q[7] = 1;
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(m->edns.present);
}

static void test_classes(void **state)
{
	(void)state;
	static const uint16_t cls[] = {ZW_CLASS_CH, ZW_CLASS_HS,
				       ZW_CLASS_NONE, 2, 0, 65535};
	uint8_t q[600], n[ZW_NAME_MAX];
	wname("ai.example.", n);
	for (size_t i = 0; i < sizeof cls / sizeof cls[0]; i++) {
		size_t ql = mkq_wire(q, n, zw_name_len(n), ZW_TYPE_A, cls[i],
				     1232, false);
		const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
		expect(m, ZW_RCODE_REFUSED, false, 0, 0);
		assert_int_equal(m->qclass, cls[i]);
		assert_int_equal(ede(m), -1);
	}
}

/* QCLASS ANY is answered from the IN zone as knotd answers it (NOERROR,
 * AA, the A record; BIND 9.18 says FORMERR), names outside every zone
 * REFUSED as for IN. */
static void test_class_any(void **state)
{
	(void)state;
	uint8_t q[600], n[ZW_NAME_MAX];
	wname("ai.example.", n);
	size_t ql = mkq_wire(q, n, zw_name_len(n), ZW_TYPE_A, ZW_CLASS_ANY,
			     NOEDNS, false);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_int_equal(m->qclass, ZW_CLASS_ANY);
	assert_true(has_a(m, "ai.example.", 9));
	ql = mkq_wire(q, n, zw_name_len(n), ZW_TYPE_A, ZW_CLASS_ANY, 1232,
		      true);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	wname("www.example.com.", n);
	ql = mkq_wire(q, n, zw_name_len(n), ZW_TYPE_A, ZW_CLASS_ANY, NOEDNS,
		      false);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_REFUSED, false, 0, 0);
}

/* ---- sizes --------------------------------------------------------------- */

static int answer_copy(int table, const uint8_t *q, size_t ql,
		       const struct zw_answer_opts *o, uint8_t *out)
{
	int n = zw_table_answer(fx.t[table], q, ql, out, CAP, o);
	assert_true(n > 12);
	return n;
}

/* RFC 6891 6.2.5: a buffer size below 512 counts as 512. */
static void test_edns_below_512(void **state)
{
	(void)state;
	static uint8_t want[CAP], got[CAP];
	static const char *const names[] = {"ai.example.", "big.z.",
					    "nothing.example.", "foo.z."};
	static const int sizes[] = {0, 1, 100, 511};
	uint8_t q[600];
	for (size_t i = 0; i < 4; i++) {
		uint16_t t = i == 1 ? ZW_TYPE_TXT : ZW_TYPE_A;
		size_t ql = mkq(q, names[i], t, 512, true);
		int wl = answer_copy(T_MULTI, q, ql, &KNOT, want);
		for (size_t k = 0; k < 4; k++) {
			ql = mkq(q, names[i], t, sizes[k], true);
			int gl = answer_copy(T_MULTI, q, ql, &KNOT, got);
			assert_int_equal(gl, wl);
			assert_memory_equal(got, want, (size_t)wl);
		}
	}
	/* big.z. TXT does not fit 512 */
	size_t ql = mkq(q, "big.z.", ZW_TYPE_TXT, 100, false);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	assert_true(flag(m, ZW_MSG_TC));
	assert_true(R.len <= 512);
}

/* The smaller of the client's buffer and the server's limit, exactly. */
static void test_edns_limits(void **state)
{
	(void)state;
	uint8_t q[600];
	struct zw_answer_opts tcp = {1232, true}, big = {65535, false};
	size_t ql = mkq(q, "big.z.", ZW_TYPE_TXT, 65535, true);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &tcp);
	expect(m, ZW_RCODE_NOERROR, true, 13, 0);
	int full = R.len;
	assert_true(full > 1232);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);  /* server limit 1232 */
	assert_true(flag(m, ZW_MSG_TC));
	assert_true(R.len <= 1232);
	assert_int_equal(m->edns.udp_size, 1232);
	m = answer_pkt(T_MULTI, q, ql, &big);   /* client asks 65535 */
	expect(m, ZW_RCODE_NOERROR, true, 13, 0);
	assert_int_equal(R.len, full);
	ql = mkq(q, "big.z.", ZW_TYPE_TXT, full, true);
	m = answer_pkt(T_MULTI, q, ql, &big);   /* exactly the size */
	expect(m, ZW_RCODE_NOERROR, true, 13, 0);
	ql = mkq(q, "big.z.", ZW_TYPE_TXT, full - 1, true);
	m = answer_pkt(T_MULTI, q, ql, &big);   /* one octet short */
	assert_true(flag(m, ZW_MSG_TC));
	assert_true(R.len <= full - 1);
	ql = mkq(q, "big.z.", ZW_TYPE_TXT, NOEDNS, false);
	m = answer_pkt(T_MULTI, q, ql, &big);   /* no EDNS: 512 */
	assert_true(flag(m, ZW_MSG_TC));
	assert_true(R.len <= 512);
	assert_false(m->edns.present);
}

/* Every output capacity from 0 up: an error only when not even the
 * header, question and OPT fit; otherwise a well-formed response within
 * the capacity, nothing written past the capacity, and without TC the
 * whole answer and authority sections (RFC 2181 9, RFC 2308 3, RFC 4035
 * 3.1.1): only additional records may be left out silently. */
static void check_caps(int table, const uint8_t *q, size_t ql, size_t qend)
{
	static uint8_t full[CAP], out[CAP + 64];
	struct zw_answer_opts tcp = {1232, true};
	struct zw_msg m, fm;
	int fl = zw_table_answer(fx.t[table], q, ql, full, CAP, &tcp);
	assert_true(fl > 12);
	assert_int_equal(zw_msg_parse(&fm, full, (size_t)fl), 0);
	for (size_t cap = 0; cap <= (size_t)fl + 8; cap++) {
		memset(out, 0xa5, cap + 64);
		int n = zw_table_answer(fx.t[table], q, ql, out, cap, &tcp);
		for (size_t i = cap; i < cap + 64; i++)
			assert_int_equal(out[i], 0xa5);
		if (n < 0) {
			assert_int_equal(n, ZW_ENOSPC);
			assert_true(cap < qend + 17);
			continue;
		}
		assert_true((size_t)n <= cap);
		assert_int_equal(zw_msg_parse(&m, out, (size_t)n), 0);
		if (cap >= (size_t)fl) {
			assert_int_equal(n, fl);
			assert_memory_equal(out, full, (size_t)fl);
		} else if (!(m.hdr.flags & ZW_MSG_TC) &&
			   (m.hdr.count[1] != fm.hdr.count[1] ||
			    m.hdr.count[2] != fm.hdr.count[2])) {
			fail_msg("capacity %zu: %d octets, answer %u of %u, "
				 "authority %u of %u, no TC", cap, n,
				 m.hdr.count[1], fm.hdr.count[1],
				 m.hdr.count[2], fm.hdr.count[2]);
		}
	}
}

static const struct {
	const char *name;
	uint16_t type;
	int edns;
} small_qs[] = {{"big.z.", ZW_TYPE_TXT, 4096},
		{"nothing.example.", ZW_TYPE_A, 4096},
		{"a.example.", ZW_TYPE_NS, NOEDNS},
		{"b.example.", ZW_TYPE_A, 4096},
		{"foo.z.", ZW_TYPE_A, 4096},
		{"example.com.", ZW_TYPE_A, 4096},
		{"example.com.", ZW_TYPE_A, NOEDNS}};

static void test_small_output_buffer(void **state)
{
	(void)state;
	uint8_t q[600];
	for (size_t i = 0; i < sizeof small_qs / sizeof small_qs[0]; i++) {
		size_t ql = mkq(q, small_qs[i].name, small_qs[i].type,
				small_qs[i].edns, true);
		check_caps(T_MULTI, q, ql,
			   ql - (small_qs[i].edns == NOEDNS ? 0 : 11));
	}
}

/* ---- case and label bytes --------------------------------------------- */

/* ASCII letters fold (RFC 4343), nothing else does: not the bytes next
 * to the letters ('@' '[' '`' '{') and not those with the high bit set.
 * Names longer than 16 octets take the vector path of the folding. */
static void test_case_and_high_bit(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "Ai.ExAmPlE.", ZW_TYPE_A,
				     NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has_a(m, "ai.example.", 9));
	size_t an = 12 + 12 + 4;    /* the answer's owner: the question */
	assert_int_equal(R.buf[an], 0xc0);
	assert_int_equal(R.buf[an + 1], 12);
	static const struct {
		const char *name;
		uint8_t a;      /* 61: the apex wildcard answered */
	} t[] = {
		{"\\195x.z.", 62}, {"\\195X.z.", 62}, {"\\227x.z.", 61},
		{"\\227X.z.", 61}, {"MiXeD.Z.", 65},
		{"abcdefghijklmnopqrst\\195\\064\\091\\096\\123\\218.z.", 66},
		{"ABCDEFGHIJKLMNOPQRST\\195\\064\\091\\096\\123\\218.Z.", 66},
		{"aBcDeFgHiJkLmNoPqRsT\\195\\064\\091\\096\\123\\218.z.", 66},
		{"abcdefghijklmnopqrst\\227\\064\\091\\096\\123\\218.z.", 61},
		{"abcdefghijklmnopqrst\\195\\096\\091\\096\\123\\218.z.", 61},
		{"abcdefghijklmnopqrst\\195\\064\\123\\096\\123\\218.z.", 61},
		{"abcdefghijklmnopqrst\\195\\064\\091\\064\\123\\218.z.", 61},
		{"abcdefghijklmnopqrst\\195\\064\\091\\096\\091\\218.z.", 61},
		{"abcdefghijklmnopqrst\\195\\064\\091\\096\\123\\250.z.", 61},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		m = ask(T_MULTI, t[i].name, ZW_TYPE_A, NOEDNS, false);
		expect(m, ZW_RCODE_NOERROR, true, 1, 0);
		if (!has_a(m, t[i].name, t[i].a))
			fail_msg("%s: not 192.0.2.%u", t[i].name, t[i].a);
	}
}

/* ---- several zones in one table ------------------------------------------ */

static void test_several_zones(void **state)
{
	(void)state;
	struct zw_table_zone_info info;
	uint8_t n[ZW_NAME_MAX];
	assert_int_equal(zw_table_nzones(fx.t[T_MULTI]), 3);
	static const struct { const char *q, *zone; } fz[] = {
		{"b.a.example.", "a.example."}, {"A.EXAMPLE.", "a.example."},
		{"ai.example.", "example."}, {"b.example.", "example."},
		{"x.Z.", "z."}, {"a.z.example.", "example."}};
	for (size_t i = 0; i < sizeof fz / sizeof fz[0]; i++) {
		wname(fz[i].q, n);
		const struct zwt_zone *z = zw_table_find_zone(
			fx.t[T_MULTI], n, zw_name_len(n));
		assert_non_null(z);
		zw_table_zone_info(z, &info);
		assert_true(zw_name_equal(info.origin, wname(fz[i].zone, n)));
	}
	const struct zw_msg *m = ask(T_MULTI, "b.a.example.", ZW_TYPE_A, 1232,
				     true);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	assert_true(has_a(m, "b.a.example.", 50));
	uint16_t len;
	const uint8_t *sig = first_rdata(m, ZW_SEC_ANSWER, ZW_TYPE_RRSIG, &len);
	assert_true(zw_name_equal(sig + 18, wname("a.example.", n)));
	/* the child's own data, not the parent's glue or referral */
	m = ask(T_MULTI, "ns1.a.example.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	m = ask(T_MULTI, "a.example.", ZW_TYPE_NS, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	m = ask(T_MULTI, "x.a.example.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, 1);
	assert_true(has(m, ZW_SEC_AUTHORITY, "a.example.", ZW_TYPE_SOA));
	/* the same name without the child zone: a referral */
	m = ask(T_NSEC3, "b.a.example.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, false, 0, 2);
	assert_true(has(m, ZW_SEC_AUTHORITY, "a.example.", ZW_TYPE_NS));
}

/* DS at the apex of a zone whose parent is in the same table comes
 * from the parent (RFC 4035 3.1.4.1), as knotd and BIND answer it: the
 * parent's DS RRset (a.example. 57855), and for example. DS under a
 * root zone without that delegation the root's NXDOMAIN. */
static void test_ds_at_child_apex(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "a.example.", ZW_TYPE_DS, 1232,
				     true);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	uint16_t len;
	const uint8_t *ds = first_rdata(m, ZW_SEC_ANSWER, ZW_TYPE_DS, &len);
	assert_int_equal(ds[0] << 8 | ds[1], 57855);
	m = ask(T_ROOT, "example.", ZW_TYPE_DS, NOEDNS, false);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, 1);
	assert_true(has(m, ZW_SEC_AUTHORITY, ".", ZW_TYPE_SOA));
}

/* ---- DS --------------------------------------------------------------------- */

static void nodata(const struct zw_msg *m, const char *origin,
		   uint16_t denial)
{
	expect(m, ZW_RCODE_NOERROR, true, 0, -1);
	assert_true(has(m, ZW_SEC_AUTHORITY, origin, ZW_TYPE_SOA));
	assert_true(count(m, ZW_SEC_AUTHORITY, denial) >= 1);
	assert_int_equal(count(m, ZW_SEC_AUTHORITY, ZW_TYPE_RRSIG),
			 count(m, ZW_SEC_AUTHORITY, 0) / 2);
}

static void test_ds(void **state)
{
	(void)state;
	/* at the apex, no parent in the table: NODATA from the zone */
	const struct zw_msg *m = ask(T_MULTI, "z.", ZW_TYPE_DS, 1232, true);
	nodata(m, "z.", ZW_TYPE_NSEC3);
	m = ask(T_NSEC3, "example.", ZW_TYPE_DS, 1232, true);
	nodata(m, "example.", ZW_TYPE_NSEC3);
	assert_true(has(m, ZW_SEC_AUTHORITY,
			"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.",
			ZW_TYPE_NSEC3));
	/* at a signed delegation: the parent's DS, authoritatively */
	static const struct { int t; const char *name; } sec[] = {
		{T_MULTI, "d.z."}, {T_NSEC3, "a.example."}};
	for (int i = 0; i < 2; i++) {
		m = ask(sec[i].t, sec[i].name, ZW_TYPE_DS, 1232, true);
		expect(m, ZW_RCODE_NOERROR, true, 2, 0);
		assert_true(has(m, ZW_SEC_ANSWER, sec[i].name, ZW_TYPE_DS));
	}
	/* at an unsigned delegation: the proof that there is no DS */
	m = ask(T_MULTI, "b.example.", ZW_TYPE_DS, 1232, true);
	nodata(m, "example.", ZW_TYPE_NSEC);
	assert_true(has(m, ZW_SEC_AUTHORITY, "b.example.", ZW_TYPE_NSEC));
	m = ask(T_MULTI, "u.z.", ZW_TYPE_DS, 1232, true);
	nodata(m, "z.", ZW_TYPE_NSEC3);
	/* opt-out (RFC 5155 7.2.4): closest encloser and next closer */
	m = ask(T_NSEC3, "c.example.", ZW_TYPE_DS, 1232, true);
	nodata(m, "example.", ZW_TYPE_NSEC3);
	assert_true(has(m, ZW_SEC_AUTHORITY,
			"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.",
			ZW_TYPE_NSEC3));
	assert_true(has(m, ZW_SEC_AUTHORITY,
			"35mthgpgcu1qg68fab165klnsnk3dpvl.example.",
			ZW_TYPE_NSEC3));
}

/* ---- wildcards, empty non-terminals, NSEC3 ------------------------------ */

static void test_apex_wildcard(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "foo.z.", ZW_TYPE_A, 1232,
				     true);
	expect(m, ZW_RCODE_NOERROR, true, 2, 2);
	assert_true(has_a(m, "foo.z.", 61));
	uint16_t len;
	assert_int_equal(first_rdata(m, ZW_SEC_ANSWER, ZW_TYPE_RRSIG,
				     &len)[3], 1);
	assert_int_equal(count(m, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC3), 1);
	m = ask(T_MULTI, "a.b.foo.z.", ZW_TYPE_TXT, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has(m, ZW_SEC_ANSWER, "a.b.foo.z.", ZW_TYPE_TXT));
	m = ask(T_MULTI, "*.z.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 1, 0);
	assert_true(has_a(m, "*.z.", 61));
	/* the wildcard does not cover the apex itself, nor types it lacks */
	m = ask(T_MULTI, "z.", ZW_TYPE_A, 1232, true);
	nodata(m, "z.", ZW_TYPE_NSEC3);
	m = ask(T_MULTI, "foo.z.", ZW_TYPE_AAAA, 1232, true);
	expect(m, ZW_RCODE_NOERROR, true, 0, -1);
	/* nor names at or below an empty non-terminal, nor below a cut */
	m = ask(T_MULTI, "ent.z.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 0, 1);
	m = ask(T_MULTI, "q.y.ent.z.", ZW_TYPE_A, 1232, true);
	expect(m, ZW_RCODE_NXDOMAIN, true, 0, -1);
	m = ask(T_MULTI, "x.d.z.", ZW_TYPE_A, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, false, 0, 1);
	assert_true(has(m, ZW_SEC_AUTHORITY, "d.z.", ZW_TYPE_NS));
}

static void test_empty_non_terminals(void **state)
{
	(void)state;
	static const struct { int t; const char *name; uint16_t type,
			       denial; } ent[] = {
		{T_MULTI, "w.example.", ZW_TYPE_A, ZW_TYPE_NSEC},
		{T_MULTI, "y.w.example.", ZW_TYPE_MX, ZW_TYPE_NSEC},
		{T_MULTI, "ent.z.", ZW_TYPE_TXT, ZW_TYPE_NSEC3},
		{T_MULTI, "y.ent.z.", ZW_TYPE_A, ZW_TYPE_NSEC3},
		{T_NSEC3, "y.w.example.", ZW_TYPE_A, ZW_TYPE_NSEC3},
		{T_NSEC3, "w.example.", ZW_TYPE_MX, ZW_TYPE_NSEC3}};
	for (size_t i = 0; i < sizeof ent / sizeof ent[0]; i++) {
		const struct zw_msg *m = ask(ent[i].t, ent[i].name,
					     ent[i].type, 1232, true);
		nodata(m, ent[i].t == T_MULTI && ent[i].denial == ZW_TYPE_NSEC3
				  ? "z." : "example.", ent[i].denial);
	}
	/* RFC 5155 B.2.1: the NSEC3 of y.w.example. itself */
	const struct zw_msg *m = ask(T_NSEC3, "y.w.example.", ZW_TYPE_A, 1232,
				     true);
	assert_true(has(m, ZW_SEC_AUTHORITY,
			"ji6neoaepv8b5o6k4ev33abha8ht9fgc.example.",
			ZW_TYPE_NSEC3));
}

/* Hash of a name with the RFC 5155 example's parameters. */
static void h5155(const char *name, uint8_t out[ZW_NSEC3_HASH_LEN])
{
	uint8_t n[ZW_NAME_MAX];
	static const uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
	assert_int_equal(zw_nsec3_hash(wname(name, n), salt, 4, 12, out), 0);
}

/* The RFC 5155 zone's hash index runs from example. (0p9m...) to
 * xx.example. (t644...): names matching its ends exactly, and names
 * whose next closer hashes before the first or after the last, which
 * the last NSEC3 covers by wrapping around. */
static void test_nsec3_hash_ends(void **state)
{
	(void)state;
	static const char first[] = "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.",
			  last[] = "t644ebqk9bibcna874givr6joj62mlhv.example.";
	uint8_t hf[20], hl[20], lo[20], hi[20];
	h5155("example.", hf);
	h5155("xx.example.", hl);
	h5155("n13.example.", lo);
	h5155("n34.example.", hi);
	assert_true(memcmp(lo, hf, 20) < 0);
	assert_true(memcmp(hi, hl, 20) > 0);

	const struct zw_msg *m = ask(T_NSEC3, "example.", ZW_TYPE_TXT, 1232,
				     true);
	nodata(m, "example.", ZW_TYPE_NSEC3);
	assert_true(has(m, ZW_SEC_AUTHORITY, first, ZW_TYPE_NSEC3));
	m = ask(T_NSEC3, "xx.example.", ZW_TYPE_TXT, 1232, true);
	nodata(m, "example.", ZW_TYPE_NSEC3);
	assert_true(has(m, ZW_SEC_AUTHORITY, last, ZW_TYPE_NSEC3));
	static const char *const nx[] = {"n13.example.", "n34.example.",
					 "a.n13.example.", "N34.EXAMPLE."};
	for (int i = 0; i < 4; i++) {
		m = ask(T_NSEC3, nx[i], ZW_TYPE_A, 1232, true);
		expect(m, ZW_RCODE_NXDOMAIN, true, 0, -1);
		assert_true(has(m, ZW_SEC_AUTHORITY, first, ZW_TYPE_NSEC3));
		assert_true(has(m, ZW_SEC_AUTHORITY, last, ZW_TYPE_NSEC3));
		m = ask(T_NSEC3, nx[i], ZW_TYPE_A, NOEDNS, false);
		expect(m, ZW_RCODE_NXDOMAIN, true, 0, 1);
	}
}

/* For QTYPE CNAME at a name below a DNAME the synthesised CNAME is the
 * answer (RFC 6672 3.2, as for any CNAME asked for by type), not followed
 * to its target (which does not exist here). knotd and BIND: NOERROR,
 * DNAME and CNAME. */
static void test_dname_qtype_cname(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "t.dn.a.example.", ZW_TYPE_CNAME,
				     NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 2, 0);
	assert_true(has(m, ZW_SEC_ANSWER, "dn.a.example.", ZW_TYPE_DNAME));
	assert_true(has(m, ZW_SEC_ANSWER, "t.dn.a.example.", ZW_TYPE_CNAME));
}

/* RFC 6672 2.2: a substitution longer than 255 octets is YXDOMAIN with
 * the DNAME alone (BIND 9.18; knotd adds the records of the DNAME target
 * itself). One octet shorter, the synthesised CNAME ends exactly at the
 * limit and is followed (to NXDOMAIN here). dn.a.example. ->
 * dn-target.a.example. makes names 7 octets longer. */
static void test_dname_length_limit(void **state)
{
	(void)state;
	uint8_t n[300], q[600];
	size_t ql = mkq_wire(q, n, long_name(n, "dn.a.example.", 249, 'l'),
			     ZW_TYPE_A, ZW_CLASS_IN, NOEDNS, false);
	const struct zw_msg *m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, 6 /* YXDOMAIN */, true, 1, 0);
	assert_true(has(m, ZW_SEC_ANSWER, "dn.a.example.", ZW_TYPE_DNAME));
	ql = mkq_wire(q, n, long_name(n, "dn.a.example.", 248, 'l'),
		      ZW_TYPE_A, ZW_CLASS_IN, 4096, false);
	m = answer_pkt(T_MULTI, q, ql, &KNOT);
	expect(m, ZW_RCODE_NXDOMAIN, true, 2, 1);
	uint16_t len;
	first_rdata(m, ZW_SEC_ANSWER, ZW_TYPE_CNAME, &len);
	assert_int_equal(len, 255);
}

static void test_dname(void **state)
{
	(void)state;
	const struct zw_msg *m = ask(T_MULTI, "t.dn.a.example.", ZW_TYPE_A,
				     NOEDNS, false);
	expect(m, ZW_RCODE_NXDOMAIN, true, 2, 1);
	assert_true(has(m, ZW_SEC_ANSWER, "t.dn.a.example.", ZW_TYPE_CNAME));
	m = ask(T_MULTI, "dn.a.example.", ZW_TYPE_CNAME, NOEDNS, false);
	expect(m, ZW_RCODE_NOERROR, true, 0, 1);
}

/* ---- burst --------------------------------------------------------------- */

#define NBURST 75

/* A mixed burst: every kind of answer above, malformed packets, sizes
 * and options, more queries than one internal burst round holds; DO on
 * every third query, or on all (the burst's NSEC search runs for the
 * absent names then). */
static size_t burst_queries(uint8_t q[][600], size_t len[], bool all_do)
{
	static const char *const names[] = {
		"ai.example.", "Ai.ExAmPlE.", "nothing.example.", "b.a.example.",
		"x.a.example.", "a.example.", "b.example.", "x.b.example.",
		"foo.z.", "*.z.", "z.", "ent.z.", "q.y.ent.z.", "x.d.z.",
		"big.z.", "\\227x.z.", "\\195x.z.", "example.com.", ".",
		"t.dn.a.example.", "w.example.", "y.w.example.", "a.z.w.example.",
		"x.w.example.", "mixed.z."};
	static const uint16_t types[] = {ZW_TYPE_A, ZW_TYPE_TXT, ZW_TYPE_DS,
					 ZW_TYPE_ANY, ZW_TYPE_NS, ZW_TYPE_MX,
					 ZW_TYPE_RRSIG, ZW_TYPE_AXFR, 0};
	static const int edns[] = {NOEDNS, 512, 1232, 4096, 100};
	size_t n = 0;
	for (; n < NBURST - 5; n++)
		len[n] = mkq(q[n], names[n % 25], types[n % 9], edns[n % 5],
			     all_do || n % 3 == 0);
	memcpy(q[n], q[0], len[0]);
	len[n++] = 11;                          /* shorter than a header */
	memcpy(q[n], q[1], len[1]);
	q[n][2] |= 0x80;                        /* a response */
	len[n] = len[1];
	n++;
	uint8_t nm[300];
	len[n] = mkq_wire(q[n], nm, long_name(nm, "z.", 255, 'Q'), ZW_TYPE_A,
			  ZW_CLASS_IN, 1232, true);
	n++;
	len[n] = mkq_wire(q[n], wname("ai.example.", nm), 12, ZW_TYPE_A,
			  ZW_CLASS_CH, 1232, false);
	n++;
	memcpy(q[n], q[2], len[2]);
	q[n][2] |= 0x28;                        /* opcode 5 (UPDATE) */
	len[n] = len[2];
	n++;
	return n;
}

static void burst_vs_single(const struct zw_table *t,
			    const struct zw_answer_opts *o, bool all_do)
{
	static uint8_t q[NBURST][600], single[NBURST][4096], out[NBURST][4096];
	static uint8_t inplace[NBURST][4096];
	size_t len[NBURST], cap[NBURST];
	const uint8_t *pkt[NBURST];
	uint8_t *outp[NBURST], *inp[NBURST];
	int want[NBURST], got[NBURST], got2[NBURST];
	size_t n = burst_queries(q, len, all_do);
	assert_int_equal(n, NBURST);
	for (size_t i = 0; i < n; i++) {
		want[i] = zw_table_answer(t, q[i], len[i], single[i], 4096, o);
		pkt[i] = q[i];
		outp[i] = out[i];
		cap[i] = 4096;
		memcpy(inplace[i], q[i], len[i]);
		inp[i] = inplace[i];
	}
	zw_table_answer_burst(t, pkt, len, outp, cap, got, (unsigned)n, o);
	/* in place: each answer overwrites its own query */
	zw_table_answer_burst(t, (const uint8_t *const *)inp, len, inp, cap,
			      got2, (unsigned)n, o);
	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i] || got2[i] != want[i])
			fail_msg("query %zu: burst %d, in place %d, single %d",
				 i, got[i], got2[i], want[i]);
		if (want[i] > 0) {
			assert_memory_equal(out[i], single[i], (size_t)want[i]);
			assert_memory_equal(inplace[i], single[i],
					    (size_t)want[i]);
		}
	}
}

static void test_burst_equals_single(void **state)
{
	(void)state;
	struct zw_answer_opts tcp = {1232, true}, big = {4096, false};
	burst_vs_single(fx.t[T_MULTI], &KNOT, false);
	burst_vs_single(fx.t[T_MULTI], &tcp, false);
	burst_vs_single(fx.t[T_MULTI], &big, false);
	burst_vs_single(fx.t[T_MULTI], NULL, false);
	for (int k = 0; k < T_COUNT; k++) {
		burst_vs_single(fx.t[k], &KNOT, true);
		burst_vs_single(fx.t[k], &big, true);
	}
	int r = 7;
	zw_table_answer_burst(fx.t[T_MULTI], NULL, NULL, NULL, NULL, &r, 0,
			      &KNOT);
	assert_int_equal(r, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_255_octets),
		cmocka_unit_test(test_name_255_octets_512_tc),
		cmocka_unit_test(test_name_127_labels),
		cmocka_unit_test(test_bad_labels),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_outside_zones),
		cmocka_unit_test(test_meta_types),
		cmocka_unit_test(test_meta_types_as_knot),
		cmocka_unit_test(test_ixfr),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_class_any),
		cmocka_unit_test(test_edns_below_512),
		cmocka_unit_test(test_edns_limits),
		cmocka_unit_test(test_small_output_buffer),
		cmocka_unit_test(test_case_and_high_bit),
		cmocka_unit_test(test_several_zones),
		cmocka_unit_test(test_ds_at_child_apex),
		cmocka_unit_test(test_ds),
		cmocka_unit_test(test_apex_wildcard),
		cmocka_unit_test(test_empty_non_terminals),
		cmocka_unit_test(test_nsec3_hash_ends),
		cmocka_unit_test(test_dname),
		cmocka_unit_test(test_dname_length_limit),
		cmocka_unit_test(test_dname_qtype_cname),
		cmocka_unit_test(test_burst_equals_single),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
