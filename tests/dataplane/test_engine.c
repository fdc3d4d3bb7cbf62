/* dataplane/engine: bursts of frames through the whole packet path with
 * real compiled tables (the RFC 4035 Appendix A zone and a small zone of
 * our own): each DNS response's payload equals what zw_table_answer says
 * for the same query, headers and checksums are right, counters add up;
 * multi-table choice, truncation, MTU, reflect mode, RRL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/engine.h"
#include "dns/rrtype.h"
#include "tests/dataplane/frames.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

#define FRAME_CAP 2048

static const uint8_t us_mac[6] = T_MAC_US, cli_mac[6] = T_MAC_CLI;
static const uint8_t us4[4] = T_IP4_US, us6[16] = T_IP6_US;

struct fixture {
	void *mem[2];
	struct zw_tset ts;
	struct zw_pkt_cfg cfg;
	struct zw_stats st;
	struct zw_engine e;
	uint8_t buf[ZW_BURST_MAX][FRAME_CAP];
	struct zw_frame f[ZW_BURST_MAX];
	unsigned n;
};

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));
	char path[512];
	x->ts.n = 2;
	x->ts.t[0] = tt_table(zw_test_vector("rfc/rfc4035-appendix-a.zone"),
				"example.", &x->mem[0]);
	snprintf(path, sizeof(path), "%s/other.zone", zw_test_tmpdir());
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("$ORIGIN other.test.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n"
	      "@ NS ns\nns A 192.0.2.53\nwww A 192.0.2.80\n", fp);
	fclose(fp);
	x->ts.t[1] = tt_table(path, "other.test.", &x->mem[1]);
	x->cfg = (struct zw_pkt_cfg){.has4 = true, .has6 = true,
				     .exception = true};
	memcpy(x->cfg.mac, us_mac, 6);
	memcpy(x->cfg.ip4, us4, 4);
	memcpy(x->cfg.ip6, us6, 16);
	x->e.cfg = &x->cfg;
	x->e.mtu = 1500;
	x->e.opts.max_udp = 1232;
	x->e.ts = &x->ts;
	x->e.st = &x->st;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	zw_table_close(x->ts.t[0]);
	zw_table_close(x->ts.t[1]);
	free(x->mem[0]);
	free(x->mem[1]);
	free(x);
	return 0;
}

static void reset(struct fixture *x)
{
	memset(&x->st, 0, sizeof(x->st));
	x->n = 0;
}

static unsigned add(struct fixture *x, const uint8_t *frame, size_t len)
{
	unsigned i = x->n++;
	memcpy(x->buf[i], frame, len);
	x->f[i] = (struct zw_frame){.data = x->buf[i], .len = (uint16_t)len,
				    .cap = FRAME_CAP};
	return i;
}

static unsigned add_query(struct fixture *x, bool v6, const char *qname,
			  uint16_t qtype, int edns, bool dnssec)
{
	uint8_t q[512], f[FRAME_CAP];
	size_t ql = t_dns_query(q, (uint16_t)(0x100 + x->n), 0x0100, qname,
				qtype, edns, dnssec);
	return add(x, f, t_query_frame(f, v6, -1, (uint16_t)(1024 + x->n), q,
				      ql));
}

/* The response frame i carries exactly what the table says for the query
 * that frame held. */
static size_t check_reply(struct fixture *x, unsigned i,
			  const struct zw_table *t, bool v6, const char *qname,
			  uint16_t qtype, int edns, bool dnssec)
{
	uint8_t q[512], want[4096];
	size_t ql = t_dns_query(q, (uint16_t)(0x100 + i), 0x0100, qname, qtype,
				edns, dnssec);
	int wl = zw_table_answer(t, q, ql, want, 1500 - (v6 ? 48 : 28),
				 &x->e.opts);
	assert_true(wl > 0);
	const struct zw_frame *f = &x->f[i];
	assert_int_equal(f->verdict, ZW_PKT_REPLY);
	assert_int_equal(f->udp, 1);
	size_t dns = 14 + (v6 ? 48 : 28);
	assert_int_equal(f->len, dns + (size_t)wl);
	assert_memory_equal(f->data + dns, want, (size_t)wl);
	assert_memory_equal(f->data, cli_mac, 6);
	assert_true(t_l4_ok(f->data + 14, v6, 17));
	if (!v6)
		assert_true(t_ip4_hdr_ok(f->data + 14));
	assert_int_equal(t_rd16(f->data + dns - 6), 1024 + i);
	return (size_t)wl;
}

static void test_mixed_burst(void **state)
{
	struct fixture *x = *state;
	uint8_t f[FRAME_CAP], pl[20] = {0};
	reset(x);
	add_query(x, false, "ai.example", 1, 1232, true);
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t o = t_eth(f, bc, cli_mac, 0x0806, -1);
	uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0, 1};
	memcpy(arp + 8, cli_mac, 6);
	memcpy(arp + 24, us4, 4);
	memcpy(f + o, arp, 28);
	add(x, f, o + 28);
	o = t_eth(f, us_mac, cli_mac, 0x0800, -1);
	static const uint8_t c4[4] = T_IP4_CLI;
	add(x, f, o + t_ip4(f + o, c4, us4, 6, pl, 20)); /* TCP */
	add_query(x, true, "x.w.example", 15, 4096, false);
	add(x, (const uint8_t *)"garbage", 7);
	add_query(x, false, "www.other.test", 1, -1, false);
	add_query(x, false, "nonexistent.example", 1, 1232, true);
	zw_engine_burst(&x->e, x->f, x->n);

	check_reply(x, 0, x->ts.t[0], false, "ai.example", 1, 1232, true);
	assert_int_equal(x->f[1].verdict, ZW_PKT_REPLY);
	assert_int_equal(x->f[1].udp, 0);
	assert_int_equal(x->f[2].verdict, ZW_PKT_EXCEPT);
	check_reply(x, 3, x->ts.t[0], true, "x.w.example", 15, 4096, false);
	assert_int_equal(x->f[4].verdict, ZW_PKT_DROP);
	check_reply(x, 5, x->ts.t[1], false, "www.other.test", 1, -1, false);
	check_reply(x, 6, x->ts.t[0], false, "nonexistent.example", 1, 1232,
		    true);
	assert_int_equal(x->st.rx, 7);
	assert_int_equal(x->st.queries, 4);
	assert_int_equal(x->st.answered, 4);
	assert_int_equal(x->st.rcode[0], 3);
	assert_int_equal(x->st.rcode[3], 1);
	assert_int_equal(x->st.replies[ZW_REPLY_ARP], 1);
	assert_int_equal(x->st.except_out, 1);
	assert_int_equal(x->st.drops[ZW_DROP_MALFORMED], 1);
}

static void test_rcodes(void **state)
{
	struct fixture *x = *state;
	uint8_t q[512], f[FRAME_CAP];
	reset(x);
	add_query(x, false, "foo.invalid", 1, 1232, false); /* REFUSED */
	size_t ql = t_dns_query(q, 1, 0, "ai.example", 1, 1232, false);
	q[ql - 11 + 6] = 1; /* EDNS version 1 */
	add(x, f, t_query_frame(f, false, -1, 9, q, ql));
	ql = t_dns_query(q, 2, 0, "ai.example", 1, -1, false);
	q[5] = 2; /* two questions */
	add(x, f, t_query_frame(f, false, -1, 9, q, ql));
	ql = t_dns_query(q, 4, 0, "ai.example", 252, -1, false); /* AXFR */
	add(x, f, t_query_frame(f, false, -1, 9, q, ql));
	zw_engine_burst(&x->e, x->f, x->n);
	for (unsigned i = 0; i < x->n; i++)
		assert_int_equal(x->f[i].verdict, ZW_PKT_REPLY);
	assert_int_equal(x->st.rcode[5], 1);
	assert_int_equal(x->st.rcode[16], 1);
	assert_int_equal(x->st.rcode[1], 1);
	assert_int_equal(x->st.rcode[4], 1);
	assert_int_equal(x->st.answered, 4);
}

static void test_truncation_and_mtu(void **state)
{
	struct fixture *x = *state;
	reset(x);
	add_query(x, false, "example", 48, 512, true); /* DNSKEY + RRSIGs */
	zw_engine_burst(&x->e, x->f, x->n);
	size_t dns = 14 + 28;
	assert_true(x->f[0].len - dns <= 512);
	assert_int_equal(x->f[0].data[dns + 2] & 0x02, 0x02);
	assert_int_equal(x->st.truncated, 1);
	assert_true(t_l4_ok(x->f[0].data + 14, false, 17));

	/* the port's MTU caps responses below what the client offers */
	reset(x);
	x->e.opts.max_udp = 4096;
	x->e.mtu = 400;
	add_query(x, true, "example", 48, 4096, true);
	zw_engine_burst(&x->e, x->f, x->n);
	assert_true(x->f[0].len - 14 <= 400);
	assert_int_equal(x->f[0].data[14 + 48 + 2] & 0x02, 0x02);
	x->e.opts.max_udp = 1232;
	x->e.mtu = 1500;
}

static void test_reflect(void **state)
{
	struct fixture *x = *state;
	uint8_t q[512];
	reset(x);
	x->e.reflect = true;
	size_t ql = t_dns_query(q, 0x100, 0x0100, "ai.example", 1, 1232, true);
	add_query(x, false, "ai.example", 1, 1232, true);
	zw_engine_burst(&x->e, x->f, x->n);
	x->e.reflect = false;
	assert_int_equal(x->f[0].verdict, ZW_PKT_REPLY);
	assert_int_equal(x->f[0].len, 14 + 28 + ql);
	assert_memory_equal(x->f[0].data + 42, q, ql);
	assert_true(t_l4_ok(x->f[0].data + 14, false, 17));
	assert_int_equal(x->st.answered, 1);
	assert_int_equal(x->st.rcode[0], 0); /* no DNS work, no rcode */
}

static void test_rrl(void **state)
{
	struct fixture *x = *state;
	reset(x);
	x->e.rrl = zw_rrl_new(2, 2, 10, 5);
	x->e.slipctr = 0;
	for (int i = 0; i < 10; i++)
		add_query(x, false, "ai.example", 1, 1232, false);
	zw_engine_burst(&x->e, x->f, x->n);
	unsigned sent = 0, tc = 0;
	for (unsigned i = 0; i < x->n; i++) {
		if (x->f[i].verdict != ZW_PKT_REPLY)
			continue;
		sent++;
		const uint8_t *m = x->f[i].data + 42;
		if (m[2] & 0x02) {
			tc++;
			assert_int_equal(m[7] | m[9] | m[11], 0);
			assert_true(t_l4_ok(x->f[i].data + 14, false, 17));
		}
	}
	assert_int_equal(sent, 2 + 4);
	assert_int_equal(tc, 4);
	assert_int_equal(x->st.drops[ZW_DROP_RRL], 4);
	assert_int_equal(x->st.rrl_slipped, 4);
	zw_rrl_free(x->e.rrl);
	x->e.rrl = NULL;
}

static void test_no_tables(void **state)
{
	struct fixture *x = *state;
	struct zw_tset empty = {0};
	reset(x);
	x->e.ts = &empty;
	add_query(x, false, "ai.example", 1, -1, false);
	zw_engine_burst(&x->e, x->f, x->n);
	x->e.ts = &x->ts;
	assert_int_equal(x->f[0].verdict, ZW_PKT_DROP);
	assert_int_equal(x->st.drops[ZW_DROP_ANSWER], 1);
}

static const char *write_zone(const char *file, const char *text)
{
	static char path[2][512];
	static int k;
	char *p = path[k++ & 1];
	snprintf(p, sizeof(path[0]), "%s/%s", zw_test_tmpdir(), file);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* Parent and child zones in two table files: DS at the child's apex is
 * the parent's (RFC 4035 3.1.4.1), in either order of the files;
 * everything else at or below the apex, DS below it included, is the
 * child's. */
static void test_ds_parent_table(void **state)
{
	struct fixture *x = *state;
	void *mem[2];
	struct zw_table *par = tt_table(write_zone("par.zone",
		"$ORIGIN par.test.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n"
		"@ NS ns\nns A 192.0.2.53\nsub NS ns.sub\n"
		"ns.sub A 192.0.2.54\nsub DS 12345 13 2 "
		"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
		"0123456789ABCDEF\n"), "par.test.", &mem[0]);
	struct zw_table *chi = tt_table(write_zone("chi.zone",
		"$ORIGIN sub.par.test.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n"
		"@ NS ns\nns A 192.0.2.54\n"), "sub.par.test.", &mem[1]);
	struct zw_tset ts = {.n = 2};
	x->e.ts = &ts;
	for (int order = 0; order < 2; order++) {
		ts.t[0] = order ? par : chi;
		ts.t[1] = order ? chi : par;
		reset(x);
		add_query(x, false, "sub.par.test", ZW_TYPE_DS, 1232, false);
		add_query(x, false, "SUB.par.test", ZW_TYPE_DS, -1, false);
		add_query(x, false, "x.sub.par.test", ZW_TYPE_DS, 1232, false);
		add_query(x, false, "sub.par.test", ZW_TYPE_SOA, 1232, false);
		add_query(x, false, "par.test", ZW_TYPE_DS, 1232, false);
		zw_engine_burst(&x->e, x->f, x->n);
		size_t dns = 14 + 28;
		check_reply(x, 0, par, false, "sub.par.test", ZW_TYPE_DS,
			    1232, false);
		assert_int_equal(t_rd16(x->f[0].data + dns + 6), 1); /* DS */
		check_reply(x, 1, par, false, "SUB.par.test", ZW_TYPE_DS, -1,
			    false);
		check_reply(x, 2, chi, false, "x.sub.par.test", ZW_TYPE_DS,
			    1232, false);
		check_reply(x, 3, chi, false, "sub.par.test", ZW_TYPE_SOA,
			    1232, false);
		check_reply(x, 4, par, false, "par.test", ZW_TYPE_DS, 1232,
			    false);
	}
	x->e.ts = &x->ts;
	zw_table_close(par);
	zw_table_close(chi);
	free(mem[0]);
	free(mem[1]);
}

static void test_stats_json(void **state)
{
	(void)state;
	struct zw_stats s[2] = {{0}};
	unsigned lc[2] = {0, 3};
	char buf[8192];
	s[0].rx = 5;
	s[1].rx = 7;
	s[1].rcode[16] = 2;
	s[0].drops[ZW_DROP_RRL] = 1;
	size_t n = zw_stats_json(buf, sizeof(buf), s, lc, 2, 1.5);
	assert_true(n < sizeof(buf));
	assert_non_null(strstr(buf, "\"total\":{\"rx\":12,"));
	assert_non_null(strstr(buf, "\"BADVERS\":2"));
	assert_non_null(strstr(buf, "\"rrl\":1"));
	assert_non_null(strstr(buf, "{\"lcore\":3,\"rx\":7,"));
	/* truncated output still reports the full length */
	assert_int_equal(zw_stats_json(buf, 10, s, lc, 2, 1.5), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_burst),
		cmocka_unit_test(test_rcodes),
		cmocka_unit_test(test_truncation_and_mtu),
		cmocka_unit_test(test_reflect),
		cmocka_unit_test(test_rrl),
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_ds_parent_table),
		cmocka_unit_test(test_stats_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
