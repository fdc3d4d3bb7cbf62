/* dataplane/pkt: the one-pass classification of plain IPv4 DNS queries
 * (dns4_fast) against the general way alone (pkt.c compiled in again with
 * ZW_PKT_GENERAL_ONLY, its functions renamed): query frames with every
 * one of their first 64 octets changed (header checksum left or made
 * right again), cut short, padded, and under other port settings must
 * get the same verdict, the same offsets and reasons and the same frame
 * octets both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dataplane/pkt.h"
#include "tests/dataplane/frames.h"

#define ZW_PKT_GENERAL_ONLY
#define zw_pkt_classify general_classify
#define zw_pkt_udp_reply general_udp_reply
#define zw_pkt_snm general_snm
#include "dataplane/pkt.c"
#undef zw_pkt_classify
#undef zw_pkt_udp_reply
#undef zw_pkt_snm

#define CAP 2048

static unsigned n_dns;

static struct zw_pkt_cfg cfg(int variant)
{
	static const uint8_t mac[6] = T_MAC_US, a4[4] = T_IP4_US,
			     a6[16] = T_IP6_US;
	struct zw_pkt_cfg c = {.has4 = variant != 2, .has6 = true,
			       .exception = variant != 1};
	memcpy(c.mac, mac, 6);
	memcpy(c.ip4, a4, 4);
	memcpy(c.ip6, a6, 16);
	return c;
}

/* Both ways over copies of f[0..len); everything they give must agree. */
static void same(const uint8_t *f, size_t len, int variant)
{
	struct zw_pkt_cfg c = cfg(variant);
	static uint8_t a[CAP], b[CAP];
	struct zw_pkt pa, pb;
	memcpy(a, f, len);
	memcpy(b, f, len);
	memset(&pa, 0xa5, sizeof(pa));
	memset(&pb, 0xa5, sizeof(pb));
	int va = zw_pkt_classify(&c, a, len, CAP, &pa);
	int vb = general_classify(&c, b, len, CAP, &pb);
	assert_int_equal(va, vb);
	assert_memory_equal(&pa, &pb, sizeof(pa));
	assert_memory_equal(a, b, len);
	n_dns += va == ZW_PKT_DNS;
}

static size_t query(uint8_t *f, int edns, uint16_t flags, const char *name)
{
	uint8_t m[512];
	size_t n = t_dns_query(m, 0x1234, flags, name, 1, edns, edns > 0);
	return t_query_frame(f, false, -1, 40000, m, n);
}

static void mutate_all(const uint8_t *f, size_t len)
{
	static const uint8_t xs[] = {0x01, 0x80, 0x10, 0x45, 0x11};
	uint8_t g[CAP];
	for (int variant = 0; variant < 3; variant++) {
		same(f, len, variant);
		for (size_t i = 0; i < len && i < 64; i++)
			for (size_t k = 0; k < sizeof(xs) + 2; k++)
				for (int fix = 0; fix < 2; fix++) {
					memcpy(g, f, len);
					g[i] = k < sizeof(xs) ? g[i] ^ xs[k]
							      : k == sizeof(xs) ? 0 : 0xff;
					if (fix && i != 24 && i != 25)
						t_ip4_csum(g + 14);
					same(g, len, variant);
				}
		for (size_t cut = 1; cut <= 30 && cut < len; cut++)
			same(f, len - cut, variant);
	}
}

static void test_mutated_queries(void **state)
{
	(void)state;
	static const uint16_t flags[] = {0x0100, 0x0000, 0x2000, 0x2800,
					 0x1000, 0x8100, 0x0110};
	uint8_t f[CAP];
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		mutate_all(f, query(f, 1232, flags[i], "www.example"));
		mutate_all(f, query(f, -1, flags[i], "a.b"));
	}
	assert_true(n_dns > 100); /* the mutations also reach answers */
}

/* Ethernet padding and octets past the IP packet (length from IP). */
static void test_padded_frames(void **state)
{
	(void)state;
	uint8_t f[CAP];
	size_t n = query(f, -1, 0x0100, "a");
	memset(f + n, 0, 64);
	for (size_t extra = 0; extra < 64; extra++)
		for (int variant = 0; variant < 3; variant++)
			same(f, n + extra, variant);
	/* the UDP length shorter than the IP payload (UDP padding) */
	t_wr16(f + 14 + 20 + 4, (uint16_t)(t_rd16(f + 14 + 20 + 4) - 3));
	for (int variant = 0; variant < 3; variant++)
		same(f, n, variant);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutated_queries),
		cmocka_unit_test(test_padded_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
