/* Writing responses within a size limit (table_emit.c) and the answers
 * behind them (compile_answer.c, compile_wire.c), on a zone made for
 * truncation: long CNAME chains ending in NXDOMAIN / NODATA / a wildcard,
 * a DNAME, delegations with in-domain, sibling and mixed glue.
 *
 * The main check sweeps every UDP limit from 512 to 1232 octets (and no
 * EDNS) for DO=0 and DO=1 and holds each response against the full
 * answer (TCP): a response without TC carries every answer and
 * authority record of the full answer, byte for byte the same records
 * (compression pointers patched right), additional records only
 * possibly fewer (RFC 4035 3.1.1, RFC 2308 3, RFC 9471); TC only when the
 * full answer exceeds the limit. Then RFC 9471 glue at 512 octets, the
 * CNAME chain limit Knot applies, and compiling many wildcard-synthesised
 * owners. Signatures are placeholders: the compiler does not check
 * them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

/* The writers themselves, tl_emit renamed: every response the tests
 * here ask for is written twice, by tl_emit (with its fast paths,
 * table_emit.c) and by tl_emit_general (which handles every case alone,
 * table_emit_general.c), and the two must agree octet for octet (the
 * test binary's tl_emit below replaces the library's, and with both
 * files compiled in here the linker leaves both objects out). */
#define tl_emit tl_emit_under_test
#include "zonecompile/table_emit_general.c"
#include "zonecompile/table_emit.c"
#undef tl_emit

/* Responses with a name cut (owner_cut, rdata_cut) that emit_fast wrote
 * and that tl_emit_general wrote alone; those of them that emit_auth
 * wrote (negative answers with DO: the NSEC owned by the query name),
 * and those emit_ref wrote (referrals for the name of one of their
 * servers or a name below it). */
static unsigned cut_fast, cut_general, cut_auth, cut_ref;

/* Did emit_fast write this plan, and had it a name cut? */
static void count_cut(const struct tl_plan *p, size_t pos, size_t limit,
		      const uint8_t *qwire)
{
	static struct em m;
	static uint8_t scratch[70000];
	uint16_t c[4] = {0};
	const size_t pos0 = pos;
	bool cut = false;
	if (p->nsynth || p->cut)
		return;
	setup(&m, p, scratch, pos, limit, qwire);
	for (int i = 0; i < p->nseg; i++)
		cut |= p->seg[i].pc && m.cut[i][TL_CUTP];
	if (!cut)
		return;
	if (emit_fast(p, scratch, &pos, limit, qwire, c) != FAST_NO)
		cut_fast++;
	else
		cut_general++;
	memset(c, 0, sizeof c);
	if (p->nseg > 1 && p->sigs &&
	    emit_auth(p, scratch, &pos, limit, qwire, c) == FAST_OK)
		cut_auth++;
	memset(c, 0, sizeof c);
	if (p->nseg == 1 && tl_emit_ref(p->seg[0].pc, p->sigs, scratch, pos0,
					limit, qwire, p->names[0].len, c))
		cut_ref++;
}

size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qwire, uint16_t counts[4],
	       bool *tc)
{
	static uint8_t gen[70000];
	uint16_t gc[4];
	bool gtc;
	assert_true(limit <= sizeof gen);
	memcpy(gc, counts, sizeof gc);
	memcpy(gen, out, pos);
	size_t g = tl_emit_general(p, gen, pos, limit, qwire, gc, &gtc);
	count_cut(p, pos, limit, qwire);
	size_t n = tl_emit_under_test(p, out, pos, limit, qwire, counts, tc);
	assert_int_equal(n, g);
	assert_memory_equal(out, gen, n);
	assert_memory_equal(counts, gc, sizeof gc);
	assert_int_equal(*tc, gtc);
	return n;
}

#define ORIGIN "tc.test."
#define SIG "13 2 3600 20300101000000 20200101000000 4711 tc.test. " \
	"c2lnbmF0dXJlIHBsYWNlaG9sZGVyIHNpZ25hdHVyZSBwbGFjZWhvbGRlciBzaWdu" \
	"YXR1cmUgcGxhY2Vob2xkZXIgc2lnbmF0dXJlIHBs"

static char *xs(char *buf, const char *prefix, int n)
{
	int k = snprintf(buf, 80, "%s", prefix);
	memset(buf + k, 'x', (size_t)n);
	buf[k + n] = '\0';
	return buf;
}

/* An RRset and (signed) its RRSIG and an NSEC at the owner. */
static void rr(FILE *f, bool sign, const char *owner, const char *type,
	       const char *rdata)
{
	fprintf(f, "%s 3600 IN %s %s\n", owner, type, rdata);
	if (sign)
		fprintf(f, "%s 3600 IN RRSIG %s " SIG "\n", owner, type);
}

static void node(FILE *f, const char *owner)
{
	rr(f, true, owner, "NSEC", ORIGIN " A NS SOA CNAME TXT RRSIG NSEC");
}

/* c<n>-nx: n CNAMEs to a name that does not exist; -nd: to a name
 * without TXT; -wc: to a name under a wildcard. */
static void chains(FILE *f)
{
	static const char *const ends[3] = {"nx", "nd", "wc"};
	char a[96], o[200], t[200];
	for (int e = 0; e < 3; e++)
		for (int n = 1; n <= 7; n++) {
			snprintf(o, sizeof o, "c%d-%s", n, ends[e]);
			for (int k = 1; k <= n; k++) {
				if (k < n)
					snprintf(t, sizeof t, "%s.c%d%s",
						 xs(a, "h", 50 - k), n,
						 ends[e]);
				else if (e == 0)
					snprintf(t, sizeof t, "%s",
						 xs(a, "gone", 40));
				else if (e == 1)
					snprintf(t, sizeof t, "target");
				else
					snprintf(t, sizeof t, "%s.wild",
						 xs(a, "w", 30));
				node(f, o);
				rr(f, true, o, "CNAME", t);
				snprintf(o, sizeof o, "%s", t);
			}
		}
}

static void delegations(FILE *f)
{
	char a[96], o[200], t[200];
	for (int i = 1; i <= 10; i++) {
		snprintf(t, sizeof t, "ns%d.big", i);
		rr(f, false, "big", "NS", t);
		snprintf(o, sizeof o, "192.0.2.%d", 100 + i);
		rr(f, false, t, "A", o);
		snprintf(o, sizeof o, "2001:db8:1::%d", i);
		rr(f, false, t, "AAAA", o);
	}
	node(f, "big");
	for (int i = 1; i <= 6; i++) { /* sibling glue only */
		snprintf(t, sizeof t, "%s.big", xs(a, "s", 40 - i));
		rr(f, false, "sib", "NS", t);
		rr(f, false, t, "A", "192.0.2.120");
		rr(f, false, t, "AAAA", "2001:db8:3::1");
	}
	node(f, "sib");
	for (int i = 1; i <= 3; i++) { /* sibling, then in-domain */
		snprintf(t, sizeof t, "ns%d.big", i);
		rr(f, false, "mixed", "NS", t);
	}
	for (int i = 1; i <= 4; i++) {
		snprintf(t, sizeof t, "%s.mixed", xs(a, "in", 30 - i));
		rr(f, false, "mixed", "NS", t);
		rr(f, false, t, "A", "192.0.2.130");
		rr(f, false, t, "AAAA", "2001:db8:2::1");
	}
	node(f, "mixed");
}

static const char *write_zone(bool syn)
{
	static char path[512];
	char a[96], o[200];
	snprintf(path, sizeof path, "%s/tc.zone", zw_test_tmpdir());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN " ORIGIN "\n");
	rr(f, true, "@", "SOA", "ns1 host 1 7200 1800 1209600 300");
	rr(f, true, "@", "NS", "ns1");
	rr(f, true, "@", "NS", "ns2");
	node(f, "@");
	rr(f, true, "ns1", "A", "192.0.2.1");
	node(f, "ns1");
	rr(f, true, "ns2", "A", "192.0.2.2");
	node(f, "ns2");
	rr(f, true, "target", "A", "192.0.2.9");
	node(f, "target");
	rr(f, true, "*.wild", "A", "192.0.2.10");
	node(f, "*.wild");
	rr(f, true, "*.wcn", "CNAME", "target");
	node(f, "*.wcn");
	snprintf(o, sizeof o, "%s.dntarget", xs(a, "t", 55));
	rr(f, true, "dn", "DNAME", o);
	node(f, "dn");
	rr(f, true, "dntarget", "TXT", "\"t\"");
	node(f, "dntarget");
	chains(f);
	delegations(f);
	/* many CNAMEs into one wildcard: a synthesised owner each */
	for (int i = 0; syn && i < 24; i++) {
		char w[32], t[32];
		snprintf(w, sizeof w, "syn%d", i);
		snprintf(t, sizeof t, "x%d.wild", i);
		rr(f, true, w, "CNAME", t);
		node(f, w);
	}
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Without the nodes of names below cuts (zw-compile -G): their
 * referrals then take the plan, so tl_emit's fast writers (emit_ref)
 * meet them here against tl_emit_general; with the nodes they are
 * written by tl_answer_ref alone, the same octets
 * (test_compile_below.c compares the two tables). */
static struct zw_table *table(void **buf, bool syn)
{
	struct zw_compile_opts o = {.minimal = true, .no_below = true};
	return tt_table_opts(write_zone(syn), ORIGIN, &o, buf);
}

struct q {
	const char *name;
	const char *type;
};

/* A query for name.ORIGIN: bufsize 0 means no EDNS. */
static size_t query(uint8_t *q, const char *name, const char *type,
		    uint16_t bufsize, bool dnssec)
{
	char full[300];
	uint8_t wn[ZW_NAME_MAX];
	size_t nl0 = strlen(name);
	if (nl0 && name[nl0 - 1] == '@') /* the origin itself */
		snprintf(full, sizeof full, "%.*s" ORIGIN, (int)nl0 - 1, name);
	else
		snprintf(full, sizeof full, "%s.%s", name, ORIGIN);
	int nl = zw_name_from_str(wn, full, strlen(full), (const uint8_t *)"");
	int qt = zw_rrtype_from_str(type, strlen(type));
	assert_true(nl > 0 && qt > 0);
	return tt_query(q, wn, (uint16_t)qt, bufsize, dnssec);
}

struct resp {
	uint8_t wire[65536];
	int len;
	struct zw_msg m;
};

static void ask(const struct zw_table *t, const struct q *x, uint16_t bufsize,
		bool dnssec, bool tcp, struct resp *r)
{
	uint8_t q[600];
	size_t ql = query(q, x->name, x->type, tcp ? 65535 : bufsize, dnssec);
	struct zw_answer_opts ao = {1232, tcp};
	r->len = zw_table_answer(t, q, ql, r->wire, sizeof r->wire, &ao);
	assert_true(r->len > 12);
	int rc = zw_msg_parse(&r->m, r->wire, (size_t)r->len);
	if (rc)
		print_error("%s %s bufsize %u: unparsable (%d)\n", x->name,
			    x->type, bufsize, rc);
	assert_int_equal(rc, 0);
}

/* Does record x (rdata rx) equal y (ry)? */
static bool same_rr(const struct zw_msg_rr *x, const uint8_t *rx,
		    const struct zw_msg_rr *y, const uint8_t *ry)
{
	return x->section == y->section && x->type == y->type &&
	       zw_name_equal(x->owner, y->owner) && x->rdlen == y->rdlen &&
	       !memcmp(rx, ry, x->rdlen);
}

/* Each record of `part` must be the same as the full answer's record at
 * that place (the part is a prefix of the full answer, section by
 * section), except that optional additional records that did not fit
 * may be left out before others that did (knotd tries the next). */
static void same_records(const struct resp *part, const struct resp *full,
			 const char *what)
{
	struct zw_msg_iter a, b;
	struct zw_msg_rr x, y;
	static uint8_t rx[65536], ry[65536];
	zw_msg_iter_init(&a, &part->m);
	zw_msg_iter_init(&b, &full->m);
	while (zw_msg_iter_next(&a, &x, rx, sizeof rx) > 0) {
		if (x.type == ZW_TYPE_OPT)
			continue;
		int rc;
		while ((rc = zw_msg_iter_next(&b, &y, ry, sizeof ry)) > 0 &&
		       (y.section < x.section ||
			(x.section == ZW_SEC_ADDITIONAL &&
			 !same_rr(&x, rx, &y, ry))))
			;
		if (rc <= 0 || !same_rr(&x, rx, &y, ry))
			print_error("%s: record differs from the full answer's\n",
				    what);
		assert_true(rc > 0 && x.section == y.section &&
			    x.type == y.type && x.rdlen == y.rdlen);
		assert_true(zw_name_equal(x.owner, y.owner));
		assert_memory_equal(rx, ry, x.rdlen);
	}
}

/* Complete or TC, and TC only when needed. Returns TC. */
static bool check_limit(const struct zw_table *t, const struct q *x,
			uint16_t bufsize, bool dnssec, const struct resp *full)
{
	static struct resp r;
	char what[400];
	ask(t, x, bufsize, dnssec, false, &r);
	size_t lim = bufsize ? bufsize : 512;
	snprintf(what, sizeof what, "%s %s DO=%d limit %zu", x->name, x->type,
		 dnssec, lim);
	const uint16_t *c = r.m.hdr.count, *fc = full->m.hdr.count;
	assert_true((size_t)r.len <= lim);
	if (r.m.hdr.flags & ZW_MSG_TC) {
		size_t need = (size_t)full->len - (bufsize ? 0 : 11);
		if (need <= lim)
			print_error("%s: TC, the full answer (%zu) fits\n",
				    what, need);
		assert_true(need > lim);
		return true;
	}
	if (c[1] != fc[1] || c[2] != fc[2] || c[3] > fc[3])
		print_error("%s: no TC but %u/%u/%u records of %u/%u/%u\n",
			    what, c[1], c[2], c[3], fc[1], fc[2], fc[3]);
	assert_int_equal(c[1], fc[1]);
	assert_int_equal(c[2], fc[2]);
	assert_true(c[3] <= fc[3]);
	assert_int_equal(zw_msg_rcode(&r.m), zw_msg_rcode(&full->m));
	same_records(&r, full, what);
	return false;
}

static const struct q sweep_q[] = {
	{"c1-nx", "A"}, {"c2-nx", "A"}, {"c3-nx", "A"}, {"c4-nx", "A"},
	{"c5-nx", "A"}, {"c1-nd", "TXT"}, {"c3-nd", "TXT"}, {"c5-nd", "TXT"},
	{"c2-wc", "TXT"}, {"c4-wc", "TXT"}, {"a.wcn", "TXT"},
	{"a.dn", "A"}, {"abcdefghijklmnopqrstuvwxyz.x.dn", "TXT"},
	{"x.big", "A"}, {"x.sib", "A"}, {"x.mixed", "A"}, {"big", "DS"},
	{"target", "TXT"}, {"nothing", "A"}, {"abc.target", "A"},
	{"sib", "DS"}, {"ns1.big", "A"}, {"NS7.big", "AAAA"}, {"ns2.big", "DS"},
	{"ns1", "TXT"}, {"x.Ns1", "A"},
};

static void test_complete_or_tc(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp full;
	for (size_t i = 0; i < sizeof sweep_q / sizeof sweep_q[0]; i++)
		for (int d = 0; d < 2; d++) {
			ask(t, &sweep_q[i], 0, d, true, &full);
			assert_false(full.m.hdr.flags & ZW_MSG_TC);
			for (unsigned b = 512; b <= 1232; b++)
				check_limit(t, &sweep_q[i], (uint16_t)b, d,
					    &full);
			if (!d)
				check_limit(t, &sweep_q[i], 0, false, &full);
		}
	zw_table_close(t);
	free(buf);
}

/* Random names around the zone's (a prefix label or two, any case),
 * random types, limits and DO: every answer complete or TC. */
static void test_random_queries(void **state)
{
	(void)state;
	static const char *const base[] = {
		"", "target", "c3-nx", "c2-wc", "x.wcn", "dn", "x.dn",
		"big", "ns1.big", "sib", "mixed", "ns1", "wild", "c5-nd",
		"*.wild", "nothing", "c2nd", "dntarget",
	};
	static const char *const types[] = {
		"A", "AAAA", "TXT", "NS", "DS", "NSEC", "RRSIG", "ANY",
		"CNAME", "SOA", "MX", "DNAME",
	};
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp full;
	uint32_t rnd = 12345;
	unsigned tc = 0, nx = 0;
	for (int n = 0; n < 4000; n++) {
		char name[300];
		rnd = rnd * 1103515245u + 12345u;
		const char *b = base[(rnd >> 8) % (sizeof base / sizeof *base)];
		int pre = (int)(rnd >> 20) % 3;
		snprintf(name, sizeof name, "%s%s%s", pre > 0 ? "Ab." : "",
			 pre > 1 ? "c." : "", *b ? b : "@");
		for (size_t j = 0; name[j]; j++)
			if ((rnd >> (j % 24)) & 1 && name[j] >= 'a' &&
			    name[j] <= 'z')
				name[j] = (char)(name[j] - 32);
		rnd = rnd * 1103515245u + 12345u;
		struct q x = {name, types[(rnd >> 8) %
					 (sizeof types / sizeof *types)]};
		bool d = (rnd >> 20) & 1;
		ask(t, &x, 0, d, true, &full);
		uint16_t lim = (uint16_t)(512 + (rnd >> 12) % 721);
		tc += check_limit(t, &x, lim, d, &full);
		if (!d)
			tc += check_limit(t, &x, 0, false, &full);
		nx += zw_msg_rcode(&full.m) == ZW_RCODE_NXDOMAIN;
	}
	/* the mix is wide: truncated and NXDOMAIN answers among them */
	if (tc < 100 || nx < 500)
		print_error("%u truncated, %u NXDOMAIN\n", tc, nx);
	assert_true(tc >= 100 && nx >= 500);
	zw_table_close(t);
	free(buf);
}

static unsigned count_type(const struct resp *r, int section, uint16_t type)
{
	struct zw_msg_iter it;
	struct zw_msg_rr x;
	unsigned n = 0;
	zw_msg_iter_init(&it, &r->m);
	while (zw_msg_iter_next(&it, &x, NULL, 0) > 0)
		n += (int)x.section == section && x.type == type;
	return n;
}

/* RFC 9471 at 512 octets without EDNS: in-domain glue is required (TC
 * when it does not fit), sibling glue is not; required glue goes first
 * so optional addresses are what a short response drops. */
static void test_glue_rfc9471(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp r, full;
	struct q big = {"x.big", "A"}, sib = {"x.sib", "A"},
		 mixed = {"x.mixed", "A"};

	ask(t, &big, 0, false, false, &r);
	assert_true(r.m.hdr.flags & ZW_MSG_TC);

	ask(t, &sib, 0, false, true, &full);
	ask(t, &sib, 0, false, false, &r);
	assert_false(r.m.hdr.flags & ZW_MSG_TC);
	assert_int_equal(r.m.hdr.count[2], 6);
	assert_true(r.m.hdr.count[3] < full.m.hdr.count[3]);

	ask(t, &mixed, 0, false, true, &full);
	assert_int_equal(full.m.hdr.count[3], 15); /* with the OPT */
	ask(t, &mixed, 0, false, false, &r);
	assert_false(r.m.hdr.flags & ZW_MSG_TC);
	assert_int_equal(r.m.hdr.count[2], 7);
	/* all four in-domain servers' A and AAAA, not all sibling ones */
	assert_true(r.m.hdr.count[3] >= 8 && r.m.hdr.count[3] < 14);
	struct zw_msg_iter it;
	struct zw_msg_rr x;
	unsigned indomain = 0;
	zw_msg_iter_init(&it, &r.m);
	while (zw_msg_iter_next(&it, &x, NULL, 0) > 0)
		if (x.section == ZW_SEC_ADDITIONAL && x.owner[0] > 20)
			indomain++;
	assert_int_equal(indomain, 8);
	zw_table_close(t);
	free(buf);
}

/* Knot 3.2 follows five CNAMEs and answers NOERROR with them alone. */
static void test_cname_chain_limit(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp r;
	struct q c5 = {"c5-nx", "A"}, c6 = {"c6-nx", "A"}, c7 = {"c7-nd", "A"};

	ask(t, &c5, 4096, true, false, &r);
	assert_int_equal(zw_msg_rcode(&r.m), ZW_RCODE_NXDOMAIN);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_CNAME), 5);
	assert_int_equal(count_type(&r, ZW_SEC_AUTHORITY, ZW_TYPE_SOA), 1);
	ask(t, &c6, 4096, true, false, &r);
	assert_int_equal(zw_msg_rcode(&r.m), ZW_RCODE_NOERROR);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_CNAME), 5);
	assert_int_equal(r.m.hdr.count[2], 0);
	ask(t, &c7, 4096, false, false, &r);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_CNAME), 5);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_A), 0);
	zw_table_close(t);
	free(buf);
}

/* More CNAMEs into a wildcard than one response holds synthesised names:
 * each response starts afresh (it used to carry the count over and fail
 * the compile as "response too complex"). */
static void test_many_synthesised_owners(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, true);
	static struct resp r;
	struct q s = {"syn23", "A"};
	ask(t, &s, 4096, false, false, &r);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_CNAME), 1);
	assert_int_equal(count_type(&r, ZW_SEC_ANSWER, ZW_TYPE_A), 1);
	zw_table_close(t);
	free(buf);
}

static size_t wire_skip_name(const uint8_t *w, size_t o)
{
	while (w[o] && (w[o] & 0xc0) != 0xc0)
		o += 1u + w[o];
	return o + (w[o] ? 2 : 1);
}

/* Wire offset of the owner of the first RR of `type` in `section`. */
static size_t owner_at(const struct resp *r, int section, uint16_t type)
{
	const uint16_t *c = r->m.hdr.count;
	size_t o = wire_skip_name(r->wire, 12) + 4;
	int sec = 1;
	unsigned left = c[1];
	for (;;) {
		while (!left && sec < 3)
			left = c[++sec];
		assert_true(left > 0);
		size_t at = o;
		o = wire_skip_name(r->wire, o);
		uint16_t t = (uint16_t)(r->wire[o] << 8 | r->wire[o + 1]);
		if (sec == section && t == type)
			return at;
		o += 10 + (size_t)(r->wire[o + 8] << 8 | r->wire[o + 9]);
		left--;
	}
}

/* An NSEC owner that is the query name or a suffix of it goes out as a
 * pointer into the question, as Knot writes it (NODATA, DS at an
 * unsigned cut, NXDOMAIN below an existing name). */
static void test_nsec_owner_compressed(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp r;
	struct q nodata = {"target", "TXT"}, ds = {"sib", "DS"},
		 below = {"abc.target", "A"};
	const uint8_t *w;

	ask(t, &nodata, 4096, true, false, &r);
	w = r.wire + owner_at(&r, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC);
	assert_int_equal(w[0], 0xc0);
	assert_int_equal(w[1], 12);
	ask(t, &ds, 4096, true, false, &r);
	w = r.wire + owner_at(&r, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC);
	assert_int_equal(w[0], 0xc0);
	assert_int_equal(w[1], 12);
	ask(t, &below, 4096, true, false, &r);
	assert_int_equal(zw_msg_rcode(&r.m), ZW_RCODE_NXDOMAIN);
	w = r.wire + owner_at(&r, ZW_SEC_AUTHORITY, ZW_TYPE_NSEC);
	assert_int_equal(w[0], 0xc0);
	assert_int_equal(w[1], 12 + 4); /* past "abc" */
	zw_table_close(t);
	free(buf);
}

/* A referral for the name of one of its servers: that NS target is a
 * pointer to the question, and so are the owners of its addresses; the
 * same for the SOA MNAME in a negative answer below the primary. */
static void test_ns_target_compressed(void **state)
{
	(void)state;
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp r;
	struct q ns7 = {"NS7.big", "A"};
	ask(t, &ns7, 4096, false, false, &r);
	assert_false(r.m.hdr.flags & ZW_MSG_AA);
	size_t o = owner_at(&r, ZW_SEC_AUTHORITY, ZW_TYPE_NS), ptrs = 0;
	for (unsigned n = 0; n < r.m.hdr.count[2]; n++) {
		o = wire_skip_name(r.wire, o);
		size_t rdlen = (size_t)(r.wire[o + 8] << 8 | r.wire[o + 9]);
		ptrs += rdlen == 2 && r.wire[o + 10] == 0xc0 &&
			r.wire[o + 11] == 12;
		o += 10 + rdlen;
	}
	assert_int_equal(ptrs, 1);
	/* the addresses of NS7 (A, AAAA) have the question as owner */
	unsigned at_q = 0;
	for (unsigned n = 0; n < r.m.hdr.count[3]; n++) {
		at_q += r.wire[o] == 0xc0 && r.wire[o + 1] == 12;
		o = wire_skip_name(r.wire, o);
		o += 10 + (size_t)(r.wire[o + 8] << 8 | r.wire[o + 9]);
	}
	assert_int_equal(at_q, 2);

	/* the SOA MNAME (ns1.tc.test.) of a negative answer below it */
	struct q below = {"x.ns1", "TXT"};
	ask(t, &below, 4096, true, false, &r);
	assert_int_equal(zw_msg_rcode(&r.m), ZW_RCODE_NXDOMAIN);
	o = wire_skip_name(r.wire, owner_at(&r, ZW_SEC_AUTHORITY, ZW_TYPE_SOA));
	assert_int_equal(r.wire[o + 10], 0xc0);
	assert_int_equal(r.wire[o + 11], 12 + 2);
	zw_table_close(t);
	free(buf);
}


/* Names at and below the servers of a referral with in-domain glue (the
 * NS target equal to the query name goes out as a pointer into the
 * question), the SOA MNAME and NSEC owners cut the same way, at every
 * limit: emit_fast writes the cut responses that fit (checked against
 * tl_emit_general by tl_emit above) and leaves the others to it. */
static void test_cut_fast_same_as_general(void **state)
{
	(void)state;
	static const struct q cq[] = {
		{"ns1.big", "A"}, {"NS7.big", "AAAA"}, {"ns10.BIG", "A"},
		{"ns2.big", "NS"}, {"ns3.big", "DS"}, {"ns4.big", "TXT"},
		{"x.ns1.big", "A"}, {"Ab.c.ns9.big", "AAAA"},
		/* table()'s in-domain servers of "mixed" are "in" and
		 * 30 - i x's (xs(a, "in", 30 - i), i = 1..4): the third
		 * (27 x's), a glue name, and a name below the fourth */
		{"inxxxxxxxxxxxxxxxxxxxxxxxxxxx.mixed", "A"},
		{"x.inxxxxxxxxxxxxxxxxxxxxxxxxxx.mixed", "AAAA"},
		{"ns1.mixed", "A"}, {"ns1.sib", "A"}, {"x.ns1", "TXT"},
		{"X.Y.ns2", "A"}, {"target", "TXT"}, {"abc.target", "A"},
		{"a.b.target", "MX"}, {"sib", "DS"}, {"c1-nd", "A"},
	};
	void *buf;
	struct zw_table *t = table(&buf, false);
	static struct resp r;
	cut_fast = cut_general = cut_auth = cut_ref = 0;
	for (size_t i = 0; i < sizeof cq / sizeof cq[0]; i++)
		for (int d = 0; d < 2; d++) {
			ask(t, &cq[i], 0, d, true, &r);
			ask(t, &cq[i], 0, d, false, &r);
			for (unsigned b = 512; b <= 1232; b += 3)
				ask(t, &cq[i], (uint16_t)b, d, false, &r);
		}
	/* both ways taken, the fast one for most, emit_auth's among them
	 * (NODATA at "target", "c1-nd" and DS at "sib" with DO) */
	if (cut_fast < 3000 || cut_general < 100 || cut_auth < 300 ||
	    cut_ref < 3000)
		print_error("%u cut responses fast (%u by emit_auth, %u by "
			    "emit_ref), %u general\n", cut_fast, cut_auth,
			    cut_ref, cut_general);
	assert_true(cut_fast >= 3000 && cut_general >= 100);
	assert_true(cut_auth >= 300 && cut_ref >= 3000);
	zw_table_close(t);
	free(buf);
}

/* q_equal's eight-at-a-time compare (eq_nocase, fold8) against the
 * octet-by-octet rule, lower() on both sides: every pair of octet
 * values at every place of every length up to 20, the rest of both
 * strings equal in mixed case. */
static void test_eq_nocase(void **state)
{
	(void)state;
	uint8_t a[20], b[20];
	for (size_t n = 1; n <= sizeof a; n++)
		for (unsigned x = 0; x < 256; x++)
			for (unsigned y = 0; y < 256; y++) {
				size_t at = (x * 7 + y) % n;
				for (size_t i = 0; i < n; i++) {
					a[i] = (uint8_t)('a' + i);
					b[i] = (uint8_t)('A' + i);
				}
				a[at] = (uint8_t)x;
				b[at] = (uint8_t)y;
				bool want = lower((uint8_t)x) == lower((uint8_t)y);
				if (eq_nocase(a, b, n) != want)
					fail_msg("n %zu at %zu: %#x %#x", n, at,
						 x, y);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_or_tc),
		cmocka_unit_test(test_glue_rfc9471),
		cmocka_unit_test(test_cname_chain_limit),
		cmocka_unit_test(test_many_synthesised_owners),
		cmocka_unit_test(test_nsec_owner_compressed),
		cmocka_unit_test(test_random_queries),
		cmocka_unit_test(test_ns_target_compressed),
		cmocka_unit_test(test_cut_fast_same_as_general),
		cmocka_unit_test(test_eq_nocase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
