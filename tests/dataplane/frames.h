/* Test helpers: build Ethernet frames byte by byte and check checksums
 * with a deliberately naive RFC 1071 sum (16-bit big-endian words), so
 * the fast checksum code is checked against an independent one. */
#ifndef ZW_TEST_FRAMES_H
#define ZW_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define T_MAC_US {0x02, 0x00, 0x00, 0x00, 0x53, 0x01}
#define T_MAC_CLI {0x02, 0x00, 0x00, 0x00, 0x53, 0x02}
#define T_IP4_US {10, 53, 0, 1}
#define T_IP4_CLI {10, 53, 0, 2}
#define T_IP6_US {0xfd, 0x53, [15] = 1}
#define T_IP6_CLI {0xfd, 0x53, [15] = 2}

static inline uint32_t t_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static inline uint16_t t_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline uint16_t t_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void t_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Checksum over an IPv4/IPv6 L4 segment including the pseudo header:
 * true when the stored checksum is right. */
static inline bool t_l4_ok(const uint8_t *ip, bool v6, uint8_t proto)
{
	uint32_t s;
	size_t len;
	const uint8_t *l4;
	if (v6) {
		len = t_rd16(ip + 4);
		l4 = ip + 40;
		s = t_sum(ip + 8, 32, 0) + proto + (uint32_t)len;
	} else {
		len = t_rd16(ip + 2) - 20u;
		l4 = ip + 20;
		s = t_sum(ip + 12, 8, 0) + proto + (uint32_t)len;
	}
	return t_fold(t_sum(l4, len, s)) == 0xffff;
}

static inline bool t_ip4_hdr_ok(const uint8_t *ip)
{
	return t_fold(t_sum(ip, 20, 0)) == 0xffff;
}

static inline void t_ip4_csum(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	t_wr16(ip + 10, (uint16_t)~t_fold(t_sum(ip, 20, 0)));
}

static inline void t_l4_csum(uint8_t *ip, bool v6, uint8_t proto,
			     size_t csum_off)
{
	uint8_t *l4 = ip + (v6 ? 40 : 20);
	l4[csum_off] = l4[csum_off + 1] = 0;
	size_t len = v6 ? t_rd16(ip + 4) : t_rd16(ip + 2) - 20u;
	uint32_t s = v6 ? t_sum(ip + 8, 32, 0) : t_sum(ip + 12, 8, 0);
	s = t_sum(l4, len, s + proto + (uint32_t)len);
	t_wr16(l4 + csum_off, (uint16_t)~t_fold(s));
}

/* Ethernet header (optionally one VLAN tag); returns its length. */
static inline size_t t_eth(uint8_t *f, const uint8_t *dst,
			   const uint8_t *src, uint16_t type, int vlan)
{
	size_t o = 12;
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan >= 0) {
		t_wr16(f + 12, 0x8100);
		t_wr16(f + 14, (uint16_t)vlan);
		o = 16;
	}
	t_wr16(f + o, type);
	return o + 2;
}

/* IPv4 header + L4 payload pl[0..n) for protocol proto. */
static inline size_t t_ip4(uint8_t *ip, const uint8_t *src,
			   const uint8_t *dst, uint8_t proto,
			   const uint8_t *pl, size_t n)
{
	ip[0] = 0x45;
	ip[1] = 0;
	t_wr16(ip + 2, (uint16_t)(20 + n));
	t_wr16(ip + 4, 0x1234);
	t_wr16(ip + 6, 0);
	ip[8] = 63;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	memcpy(ip + 20, pl, n);
	t_ip4_csum(ip);
	return 20 + n;
}

static inline size_t t_ip6(uint8_t *ip, const uint8_t *src,
			   const uint8_t *dst, uint8_t proto, uint8_t hops,
			   const uint8_t *pl, size_t n)
{
	memset(ip, 0, 4);
	ip[0] = 0x60;
	t_wr16(ip + 4, (uint16_t)n);
	ip[6] = proto;
	ip[7] = hops;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(ip + 40, pl, n);
	return 40 + n;
}

/* UDP datagram sport -> dport with payload pl[0..n), into u. */
static inline size_t t_udp(uint8_t *u, uint16_t sport, uint16_t dport,
			   const uint8_t *pl, size_t n)
{
	t_wr16(u, sport);
	t_wr16(u + 2, dport);
	t_wr16(u + 4, (uint16_t)(8 + n));
	u[6] = u[7] = 0;
	memcpy(u + 8, pl, n);
	return 8 + n;
}

/* A whole UDP query frame from the client to us; returns its length. */
static inline size_t t_query_frame(uint8_t *f, bool v6, int vlan,
				   uint16_t sport, const uint8_t *dns,
				   size_t n)
{
	static const uint8_t us[6] = T_MAC_US, cli[6] = T_MAC_CLI;
	static const uint8_t a4[4] = T_IP4_US, c4[4] = T_IP4_CLI;
	static const uint8_t a6[16] = T_IP6_US, c6[16] = T_IP6_CLI;
	uint8_t u[2048];
	size_t ul = t_udp(u, sport, 53, dns, n);
	size_t o = t_eth(f, us, cli, v6 ? 0x86dd : 0x0800, vlan);
	if (v6) {
		o += t_ip6(f + o, c6, a6, 17, 64, u, ul);
		t_l4_csum(f + o - ul - 40, true, 17, 6);
	} else {
		o += t_ip4(f + o, c4, a4, 17, u, ul);
		t_l4_csum(f + o - ul - 20, false, 17, 6);
	}
	return o;
}

/* A DNS query message: id, flags, qname (presentation, e.g. "a.example"),
 * qtype, optional OPT (edns >= 0: its UDP size; do_bit). */
static inline size_t t_dns_query(uint8_t *m, uint16_t id, uint16_t flags,
				 const char *qname, uint16_t qtype, int edns,
				 bool do_bit)
{
	size_t o = 12;
	memset(m, 0, 12);
	t_wr16(m, id);
	t_wr16(m + 2, flags);
	t_wr16(m + 4, 1);
	t_wr16(m + 10, edns >= 0 ? 1 : 0);
	const char *s = qname;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		m[o++] = (uint8_t)l;
		memcpy(m + o, s, l);
		o += l;
		s += l + (dot ? 1 : 0);
	}
	m[o++] = 0;
	t_wr16(m + o, qtype);
	t_wr16(m + o + 2, 1);
	o += 4;
	if (edns >= 0) {
		memset(m + o, 0, 11);
		t_wr16(m + o + 1, 41);
		t_wr16(m + o + 3, (uint16_t)edns);
		m[o + 7] = do_bit ? 0x80 : 0;
		o += 11;
	}
	return o;
}

#endif
