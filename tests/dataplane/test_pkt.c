/* dataplane/pkt: classification and in-place replies on hand-built frames
 * (ARP, ICMP echo, ND, ICMPv6 echo, UDP DNS over IPv4/IPv6/VLAN), every
 * checksum checked with the naive sum of frames.h; truncated and mutated
 * frames never read out of bounds (run under ASan with make SANITIZE=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/pkt.h"
#include "tests/dataplane/frames.h"

static const uint8_t us_mac[6] = T_MAC_US, cli_mac[6] = T_MAC_CLI;
static const uint8_t us4[4] = T_IP4_US, cli4[4] = T_IP4_CLI;
static const uint8_t us6[16] = T_IP6_US, cli6[16] = T_IP6_CLI;

static struct zw_pkt_cfg cfg(bool exc)
{
	struct zw_pkt_cfg c = {.has4 = true, .has6 = true, .exception = exc};
	memcpy(c.mac, us_mac, 6);
	memcpy(c.ip4, us4, 4);
	memcpy(c.ip6, us6, 16);
	return c;
}

static int classify(bool exc, uint8_t *f, size_t len, struct zw_pkt *p)
{
	struct zw_pkt_cfg c = cfg(exc);
	return zw_pkt_classify(&c, f, len, 2048, p);
}

static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t *tpa)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t o = t_eth(f, bcast, cli_mac, 0x0806, -1);
	uint8_t *a = f + o;
	t_wr16(a, 1);
	t_wr16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	t_wr16(a + 6, op);
	memcpy(a + 8, cli_mac, 6);
	memcpy(a + 14, cli4, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, tpa, 4);
	memset(a + 28, 0, 18); /* Ethernet padding to 60 */
	return o + 46;
}

static void test_arp(void **state)
{
	(void)state;
	uint8_t f[2048];
	struct zw_pkt p;
	size_t n = arp_frame(f, 1, us4);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_REPLY);
	assert_int_equal(p.why, ZW_REPLY_ARP);
	assert_int_equal(p.len, n);
	assert_memory_equal(f, cli_mac, 6);
	assert_memory_equal(f + 6, us_mac, 6);
	const uint8_t *a = f + 14;
	assert_int_equal(t_rd16(a + 6), 2);
	assert_memory_equal(a + 8, us_mac, 6);
	assert_memory_equal(a + 14, us4, 4);
	assert_memory_equal(a + 18, cli_mac, 6);
	assert_memory_equal(a + 24, cli4, 4);

	static const uint8_t other[4] = {10, 53, 0, 9};
	n = arp_frame(f, 1, other);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOTOURS);
	n = arp_frame(f, 2, us4); /* a reply: the kernel asked */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOEXCEPT);
}

static size_t echo4_frame(uint8_t *f, const uint8_t *dst)
{
	uint8_t icmp[64];
	icmp[0] = 8;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	t_wr16(icmp + 4, 0x4242);
	t_wr16(icmp + 6, 7);
	for (int i = 8; i < 64; i++)
		icmp[i] = (uint8_t)i;
	t_wr16(icmp + 2, (uint16_t)~t_fold(t_sum(icmp, 64, 0)));
	size_t o = t_eth(f, us_mac, cli_mac, 0x0800, -1);
	return o + t_ip4(f + o, cli4, dst, 1, icmp, 64);
}

static void test_echo4(void **state)
{
	(void)state;
	uint8_t f[2048];
	struct zw_pkt p;
	size_t n = echo4_frame(f, us4);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_REPLY);
	assert_int_equal(p.why, ZW_REPLY_ECHO4);
	assert_int_equal(p.len, n);
	const uint8_t *ip = f + 14, *i = ip + 20;
	assert_true(t_ip4_hdr_ok(ip));
	assert_memory_equal(ip + 12, us4, 4);
	assert_memory_equal(ip + 16, cli4, 4);
	assert_int_equal(i[0], 0);
	assert_int_equal(t_fold(t_sum(i, 64, 0)), 0xffff);
	assert_int_equal(t_rd16(i + 4), 0x4242);
	assert_int_equal(i[63], 63);
	assert_memory_equal(f, cli_mac, 6);

	n = echo4_frame(f, us4);
	f[14 + 20 + 10] ^= 1; /* ICMP payload: checksum now wrong */
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_CSUM);
	n = echo4_frame(f, us4);
	f[14 + 8] ^= 1; /* IP header: checksum now wrong */
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_CSUM);
	static const uint8_t bc[4] = {255, 255, 255, 255};
	n = echo4_frame(f, bc);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
}

static size_t ns_frame(uint8_t *f, const uint8_t *src, const uint8_t *target,
		       uint8_t hops)
{
	static const uint8_t mc[6] = {0x33, 0x33, 0xff, 0, 0, 1};
	uint8_t icmp[32] = {135, 0};
	uint8_t snm[16];
	memcpy(icmp + 8, target, 16);
	icmp[24] = 1; /* source link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, cli_mac, 6);
	zw_pkt_snm(target, snm);
	size_t o = t_eth(f, mc, cli_mac, 0x86dd, -1);
	bool dad = src[0] == 0;
	size_t n = t_ip6(f + o, src, snm, 58, hops, icmp, dad ? 24 : 32);
	t_l4_csum(f + o, true, 58, 2);
	return o + n;
}

static void test_nd(void **state)
{
	(void)state;
	uint8_t f[2048];
	struct zw_pkt p;
	size_t n = ns_frame(f, cli6, us6, 255);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_REPLY);
	assert_int_equal(p.why, ZW_REPLY_ND);
	assert_int_equal(p.len, 14 + 40 + 32);
	const uint8_t *ip = f + 14, *i = ip + 40;
	assert_int_equal(ip[7], 255);
	assert_int_equal(t_rd16(ip + 4), 32);
	assert_memory_equal(ip + 8, us6, 16);
	assert_memory_equal(ip + 24, cli6, 16);
	assert_true(t_l4_ok(ip, true, 58));
	assert_int_equal(i[0], 136);
	assert_int_equal(i[4], 0x60);
	assert_memory_equal(i + 8, us6, 16);
	assert_int_equal(i[24], 2);
	assert_memory_equal(i + 26, us_mac, 6);
	assert_memory_equal(f, cli_mac, 6);
	assert_memory_equal(f + 6, us_mac, 6);

	static const uint8_t zero[16];
	static const uint8_t all[16] = {0xff, 2, [15] = 1};
	static const uint8_t mc1[6] = {0x33, 0x33, 0, 0, 0, 1};
	n = ns_frame(f, zero, us6, 255); /* duplicate address detection */
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_REPLY);
	assert_memory_equal(f + 14 + 24, all, 16);
	assert_memory_equal(f, mc1, 6);
	assert_int_equal(f[14 + 40 + 4], 0x20);
	assert_true(t_l4_ok(f + 14, true, 58));

	n = ns_frame(f, cli6, us6, 64); /* not from the link */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_MALFORMED);
	static const uint8_t ll[16] = {0xfe, 0x80, [15] = 7};
	n = ns_frame(f, cli6, ll, 255); /* the kernel's link-local */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	n = ns_frame(f, cli6, us6, 255);
	f[14 + 40 + 28] ^= 1; /* in the source link-layer option */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_CSUM);
}

static void test_echo6(void **state)
{
	(void)state;
	uint8_t f[2048], icmp[40] = {128, 0, 0, 0, 0x12, 0x34, 0, 1};
	struct zw_pkt p;
	for (int i = 8; i < 40; i++)
		icmp[i] = (uint8_t)(i * 3);
	size_t o = t_eth(f, us_mac, cli_mac, 0x86dd, -1);
	size_t n = o + t_ip6(f + o, cli6, us6, 58, 64, icmp, 40);
	t_l4_csum(f + o, true, 58, 2);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_REPLY);
	assert_int_equal(p.why, ZW_REPLY_ECHO6);
	assert_int_equal(f[o + 40], 129);
	assert_memory_equal(f + o + 8, us6, 16);
	assert_memory_equal(f + o + 24, cli6, 16);
	assert_true(t_l4_ok(f + o, true, 58));
	assert_int_equal(f[o + 40 + 39], (uint8_t)(39 * 3));
}

/* A query frame classified as DNS, then "answered" with a response of
 * rlen octets written over the query, then finished. */
static void check_dns(bool v6, int vlan, bool offload)
{
	uint8_t f[2048], q[512], r[1400];
	struct zw_pkt p;
	struct zw_pkt_cfg c = cfg(false);
	c.tx_ip_csum = c.tx_udp_csum = offload;
	size_t ql = t_dns_query(q, 0xbeef, 0x0100, "www.example", 1, 1232,
				true);
	size_t n = t_query_frame(f, v6, vlan, 40000, q, ql);
	f[n] = f[n + 1] = 0; /* link padding must not count */
	assert_int_equal(zw_pkt_classify(&c, f, n + 2, sizeof(f), &p),
			 ZW_PKT_DNS);
	size_t l3 = vlan >= 0 ? 18 : 14;
	assert_int_equal(p.l3, l3);
	assert_int_equal(p.v6, v6);
	assert_int_equal(p.l4, l3 + (v6 ? 40 : 20));
	assert_int_equal(p.dns, p.l4 + 8);
	assert_int_equal(p.dnslen, ql);
	assert_memory_equal(f + p.dns, q, ql);
	for (size_t i = 0; i < sizeof(r); i++)
		r[i] = (uint8_t)(i * 13 + 1);
	size_t rlen = 1001; /* odd: the checksum pads */
	memcpy(f + p.dns, r, rlen);
	size_t fl = zw_pkt_udp_reply(&c, f, &p, rlen);
	assert_int_equal(fl, p.dns + rlen);
	assert_memory_equal(f, cli_mac, 6);
	assert_memory_equal(f + 6, us_mac, 6);
	if (vlan >= 0)
		assert_int_equal(t_rd16(f + 14), vlan);
	const uint8_t *ip = f + l3, *u = f + p.l4;
	assert_int_equal(t_rd16(u), 53);
	assert_int_equal(t_rd16(u + 2), 40000);
	assert_int_equal(t_rd16(u + 4), 8 + rlen);
	if (v6) {
		assert_int_equal(t_rd16(ip + 4), 8 + rlen);
		assert_memory_equal(ip + 8, us6, 16);
		assert_memory_equal(ip + 24, cli6, 16);
		assert_int_equal(ip[6], 17);
	} else {
		assert_int_equal(t_rd16(ip + 2), 20 + 8 + rlen);
		assert_memory_equal(ip + 12, us4, 4);
		assert_memory_equal(ip + 16, cli4, 4);
		assert_int_equal(ip[8], 64);
		assert_int_equal(t_rd16(ip + 6), 0x4000);
	}
	if (!offload) {
		assert_true(v6 || t_ip4_hdr_ok(ip));
		assert_true(t_l4_ok(ip, v6, 17));
		return;
	}
	/* offload: IP checksum left to the port, UDP field = pseudo sum */
	assert_int_equal(t_rd16(ip + 10) * !v6, 0);
	uint32_t s = v6 ? t_sum(ip + 8, 32, 0) : t_sum(ip + 12, 8, 0);
	assert_int_equal(t_rd16(u + 6), t_fold(s + 17 + 8 + (uint32_t)rlen));
}

static void test_dns_frames(void **state)
{
	(void)state;
	for (int v6 = 0; v6 < 2; v6++) {
		check_dns(v6, -1, false);
		check_dns(v6, 100, false);
		check_dns(v6, -1, true);
	}
}

static size_t dns_frame(uint8_t *f, uint16_t flags)
{
	uint8_t q[64];
	size_t ql = t_dns_query(q, 1, flags, "example", 6, -1, false);
	return t_query_frame(f, false, -1, 1234, q, ql);
}

static void test_dns_special(void **state)
{
	(void)state;
	uint8_t f[2048];
	struct zw_pkt p;
	size_t n = dns_frame(f, 0x8000); /* a response */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOTQUERY);
	n = dns_frame(f, 4 << 11); /* NOTIFY: the kernel's when it can */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_DNS);
	n = dns_frame(f, 5 << 11); /* UPDATE too */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	n = dns_frame(f, 2 << 11); /* other opcodes: NOTIMP from the table */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DNS);
	uint8_t short_msg[11] = {0};
	n = t_query_frame(f, true, -1, 5, short_msg, sizeof(short_msg));
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOTQUERY);
	n = dns_frame(f, 0);
	t_wr16(f + 34, 0); /* source port 0 */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_SOURCE);
	static const uint8_t bad_src[][4] = {
		{255, 255, 255, 255}, {224, 0, 0, 1}, {127, 0, 0, 1},
		{0, 0, 0, 0}, T_IP4_US};
	for (size_t i = 0; i < sizeof(bad_src) / 4; i++) {
		n = dns_frame(f, 0);
		memcpy(f + 26, bad_src[i], 4);
		t_ip4_csum(f + 14);
		assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
		assert_int_equal(p.why, ZW_DROP_SOURCE);
	}
	n = dns_frame(f, 0);
	f[6] |= 1; /* multicast source MAC */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_SOURCE);
	n = dns_frame(f, 0);
	f[5] ^= 0x10; /* another host's MAC */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOTOURS);
	n = dns_frame(f, 0);
	f[33] ^= 0x10; /* another host's address */
	t_ip4_csum(f + 14);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
	assert_int_equal(p.why, ZW_DROP_NOTOURS);
}

static void test_exceptions(void **state)
{
	(void)state;
	uint8_t f[2048], pl[40] = {0};
	struct zw_pkt p;
	size_t o = t_eth(f, us_mac, cli_mac, 0x0800, -1);
	t_wr16(pl + 2, 53); /* TCP to port 53 */
	size_t n = o + t_ip4(f + o, cli4, us4, 6, pl, 40);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	assert_int_equal(classify(false, f, n, &p), ZW_PKT_DROP);
	t_udp(pl, 1000, 123, pl, 0); /* UDP to another port */
	n = o + t_ip4(f + o, cli4, us4, 17, pl, 8);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	n = dns_frame(f, 0);
	t_wr16(f + 14 + 6, 0x2000); /* first fragment */
	t_ip4_csum(f + 14);
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	o = t_eth(f, us_mac, cli_mac, 0x86dd, -1);
	n = o + t_ip6(f + o, cli6, us6, 0, 64, pl, 8); /* hop-by-hop */
	assert_int_equal(classify(true, f, n, &p), ZW_PKT_EXCEPT);
	o = t_eth(f, us_mac, cli_mac, 0x88cc, -1); /* LLDP */
	assert_int_equal(classify(true, f, o + 40, &p), ZW_PKT_EXCEPT);
	/* IPv4 with options (IHL 6) */
	n = dns_frame(f, 0);
	memmove(f + 14 + 24, f + 14 + 20, n - 34);
	memset(f + 14 + 20, 1, 4); /* NOP options */
	f[14] = 0x46;
	t_wr16(f + 16, (uint16_t)(t_rd16(f + 16) + 4));
	f[24] = f[25] = 0;
	t_wr16(f + 24, (uint16_t)~t_fold(t_sum(f + 14, 24, 0)));
	assert_int_equal(classify(true, f, n + 4, &p), ZW_PKT_EXCEPT);
}

/* Every proper prefix of a valid frame is malformed; random mutations
 * never crash. */
static void test_truncated_and_mutated(void **state)
{
	(void)state;
	uint8_t good[6][2048], f[2048];
	size_t len[6];
	struct zw_pkt p;
	uint8_t q[64];
	size_t ql = t_dns_query(q, 1, 0, "a.example", 1, 512, false);
	len[0] = arp_frame(good[0], 1, us4) - 18; /* without padding */
	len[1] = echo4_frame(good[1], us4);
	len[2] = ns_frame(good[2], cli6, us6, 255);
	len[3] = t_query_frame(good[3], false, 7, 9, q, ql);
	len[4] = t_query_frame(good[4], true, -1, 9, q, ql);
	len[5] = t_query_frame(good[5], false, -1, 9, q, ql);
	for (int k = 0; k < 6; k++)
		for (size_t n = 0; n < len[k]; n++) {
			memcpy(f, good[k], len[k]);
			assert_int_equal(classify(true, f, n, &p), ZW_PKT_DROP);
			assert_int_equal(p.why, ZW_DROP_MALFORMED);
		}
	srand(7);
	for (int it = 0; it < 200000; it++) {
		int k = rand() % 6;
		size_t n = (size_t)rand() % (len[k] + 8);
		memcpy(f, good[k], len[k]);
		for (int m = rand() % 4; m >= 0; m--)
			f[rand() % (int)(len[k] + 8)] = (uint8_t)rand();
		uint8_t *exact = malloc(n ? n : 1);
		memcpy(exact, f, n);
		struct zw_pkt_cfg c = cfg(rand() & 1);
		int v = zw_pkt_classify(&c, exact, n, n, &p);
		assert_true(v >= ZW_PKT_DROP && v <= ZW_PKT_EXCEPT);
		if (v == ZW_PKT_REPLY)
			assert_true(p.len <= n);
		if (v == ZW_PKT_DNS)
			assert_true((size_t)p.dns + p.dnslen <= n);
		free(exact);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_echo4),
		cmocka_unit_test(test_nd),
		cmocka_unit_test(test_echo6),
		cmocka_unit_test(test_dns_frames),
		cmocka_unit_test(test_dns_special),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_truncated_and_mutated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
