/* Frame classification and in-place replies. Everything the fast path
 * does not own (other UDP ports, TCP, fragments, IP options, extension
 * headers, ARP replies, ND for other targets, multicast) goes to the
 * kernel when an exception port exists, so the kernel's own stack keeps
 * working behind zwd. */
#include <string.h>

#include "dataplane/csum.h"
#include "dataplane/pkt.h"
#include "dns/load.h"

#define ETH_HLEN 14
#define ET_IP4 0x0800
#define ET_ARP 0x0806
#define ET_IP6 0x86dd
#define ET_VLAN 0x8100
#define ET_QINQ 0x88a8
#define VLAN_MAX 2
#define PROTO_ICMP 1
#define PROTO_UDP 17
#define PROTO_ICMP6 58
#define ICMP6_ECHO 128
#define ICMP6_ECHOREPLY 129
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ND_NA_LEN 32
#define DNS_PORT 53
#define OPCODE_NOTIFY 4
#define OPCODE_UPDATE 5
#define TTL_OUT 64

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline int drop(struct zw_pkt *p, enum zw_pkt_drop why)
{
	p->why = (uint8_t)why;
	return ZW_PKT_DROP;
}

static inline int except(const struct zw_pkt_cfg *c, struct zw_pkt *p)
{
	return c->exception ? ZW_PKT_EXCEPT : drop(p, ZW_DROP_NOEXCEPT);
}

static inline int reply(struct zw_pkt *p, enum zw_pkt_reply kind,
			size_t len)
{
	p->why = (uint8_t)kind;
	p->len = (uint16_t)len;
	return ZW_PKT_REPLY;
}

static void swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[16];
	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

/* Back to the sender: destination = its source, source = us. */
static void eth_back(const struct zw_pkt_cfg *c, uint8_t *f)
{
	memcpy(f, f + 6, 6);
	memcpy(f + 6, c->mac, 6);
}

void zw_pkt_snm(const uint8_t ip6[16], uint8_t out[16])
{
	static const uint8_t pre[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
					0,    0,    0, 1, 0xff};
	memcpy(out, pre, 13);
	memcpy(out + 13, ip6 + 13, 3);
}

/* Sources we never answer: unspecified, loopback, multicast, reserved,
 * broadcast, and ourselves (a reply would loop). */
static bool bad_src4(const struct zw_pkt_cfg *c, const uint8_t *a)
{
	return a[0] == 0 || a[0] == 127 || a[0] >= 224 ||
	       !memcmp(a, c->ip4, 4);
}

static bool bad_src6(const struct zw_pkt_cfg *c, const uint8_t *a)
{
	static const uint8_t zero[16], one[16] = {[15] = 1};
	return a[0] == 0xff || !memcmp(a, zero, 16) || !memcmp(a, one, 16) ||
	       !memcmp(a, c->ip6, 16);
}

static int arp(const struct zw_pkt_cfg *c, uint8_t *f, size_t len,
	       size_t l3, struct zw_pkt *p)
{
	uint8_t *a = f + l3;

	if (len < l3 + 28)
		return drop(p, ZW_DROP_MALFORMED);
	if (rd16(a) != 1 || rd16(a + 2) != ET_IP4 || a[4] != 6 || a[5] != 4)
		return except(c, p);
	if (rd16(a + 6) != 1) /* replies and others: the kernel's */
		return except(c, p);
	if (!c->has4 || memcmp(a + 24, c->ip4, 4))
		return drop(p, ZW_DROP_NOTOURS);
	memcpy(a + 18, a + 8, 10); /* target := sender (MAC + address) */
	memcpy(a + 8, c->mac, 6);
	memcpy(a + 14, c->ip4, 4);
	wr16(a + 6, 2);
	eth_back(c, f);
	return reply(p, ZW_REPLY_ARP, len);
}

/* UDP to one of our addresses: DNS on port 53, the rest is the kernel's. */
static int udp(const struct zw_pkt_cfg *c, uint8_t *f, size_t l4,
	       size_t plen, bool badsrc, struct zw_pkt *p)
{
	const uint8_t *u = f + l4;

	if (plen < 8)
		return drop(p, ZW_DROP_MALFORMED);
	uint16_t ulen = rd16(u + 4);
	if (ulen < 8 || ulen > plen)
		return drop(p, ZW_DROP_MALFORMED);
	if (rd16(u + 2) != DNS_PORT)
		return except(c, p);
	if (badsrc || rd16(u) == 0)
		return drop(p, ZW_DROP_SOURCE);
	const uint8_t *d = u + 8;
	if (ulen < 8 + 12 || (d[2] & 0x80))
		return drop(p, ZW_DROP_NOTQUERY);
	unsigned opcode = d[2] >> 3 & 0xf;
	if ((opcode == OPCODE_NOTIFY || opcode == OPCODE_UPDATE) && c->exception)
		return ZW_PKT_EXCEPT; /* the control plane's */
	p->l4 = (uint16_t)l4;
	p->dns = (uint16_t)(l4 + 8);
	p->dnslen = (uint16_t)(ulen - 8);
	return ZW_PKT_DNS;
}

static int echo4(const struct zw_pkt_cfg *c, uint8_t *f, size_t l3,
		 size_t tot, struct zw_pkt *p)
{
	uint8_t *h = f + l3, *i = h + 20;
	size_t ilen = tot - 20;

	if (ilen < 8)
		return drop(p, ZW_DROP_MALFORMED);
	if (i[0] != 8)
		return except(c, p);
	if (bad_src4(c, h + 12))
		return drop(p, ZW_DROP_SOURCE);
	if (zw_csum_fold(zw_csum_add(0, i, ilen)) != 0xffff)
		return drop(p, ZW_DROP_CSUM);
	i[0] = 0;
	i[2] = i[3] = 0;
	zw_csum_store(i + 2, zw_csum_add(0, i, ilen));
	swap(h + 12, h + 16, 4);
	h[8] = TTL_OUT;
	h[10] = h[11] = 0;
	zw_csum_store(h + 10, zw_csum_words(h, 5));
	eth_back(c, f);
	return reply(p, ZW_REPLY_ECHO4, l3 + tot);
}

static int ip4(const struct zw_pkt_cfg *c, uint8_t *f, size_t len,
	       size_t l3, struct zw_pkt *p)
{
	uint8_t *h = f + l3;

	if (len < l3 + 20 || h[0] >> 4 != 4)
		return drop(p, ZW_DROP_MALFORMED);
	size_t ihl = (size_t)(h[0] & 0xf) * 4, tot = rd16(h + 2);
	if (ihl < 20 || tot < ihl || l3 + tot > len)
		return drop(p, ZW_DROP_MALFORMED);
	uint64_t hs = ihl == 20 ? zw_csum_words(h, 5) : zw_csum_add(0, h, ihl);
	if (zw_csum_fold(hs) != 0xffff)
		return drop(p, ZW_DROP_CSUM);
	p->l3 = (uint16_t)l3;
	p->v6 = 0;
	if (!c->has4 || memcmp(h + 16, c->ip4, 4)) {
		if (h[16] >= 224) /* multicast and broadcast: the kernel's */
			return except(c, p);
		return drop(p, ZW_DROP_NOTOURS);
	}
	if (ihl != 20 || (rd16(h + 6) & 0x3fff)) /* options, fragments */
		return except(c, p);
	if (h[9] == PROTO_UDP)
		return udp(c, f, l3 + 20, tot - 20, bad_src4(c, h + 12), p);
	if (h[9] == PROTO_ICMP)
		return echo4(c, f, l3, tot, p);
	return except(c, p);
}

static bool icmp6_ok(const uint8_t *h, size_t plen)
{
	uint64_t s = zw_csum_pseudo6(h + 8, h + 24, PROTO_ICMP6,
				     (uint32_t)plen);
	return zw_csum_fold(zw_csum_add(s, h + 40, plen)) == 0xffff;
}

static void icmp6_csum(uint8_t *h, size_t plen)
{
	uint8_t *i = h + 40;
	i[2] = i[3] = 0;
	uint64_t s = zw_csum_pseudo6(h + 8, h + 24, PROTO_ICMP6,
				     (uint32_t)plen);
	zw_csum_store(i + 2, zw_csum_add(s, i, plen));
}

/* Neighbour solicitation for our address (RFC 4861 7.1.1 checks), answered
 * with a solicited, override advertisement carrying our MAC. */
static int nd(const struct zw_pkt_cfg *c, uint8_t *f, size_t cap,
	      size_t l3, size_t plen, struct zw_pkt *p)
{
	static const uint8_t zero[16];
	static const uint8_t all_nodes[16] = {0xff, 2, [15] = 1};
	uint8_t *h = f + l3, *i = h + 40;

	if (plen < 24 || h[7] != 255 || i[1] != 0)
		return drop(p, ZW_DROP_MALFORMED);
	if (!c->has6 || memcmp(i + 8, c->ip6, 16))
		return except(c, p); /* e.g. the kernel's link-local */
	if (!icmp6_ok(h, plen))
		return drop(p, ZW_DROP_CSUM);
	if (cap < l3 + 40 + ND_NA_LEN)
		return drop(p, ZW_DROP_MALFORMED);
	bool dad = !memcmp(h + 8, zero, 16);
	i[0] = ICMP6_NA;
	i[4] = dad ? 0x20 : 0x60; /* O, or S|O */
	i[5] = i[6] = i[7] = 0;
	i[24] = 2; /* target link-layer address option */
	i[25] = 1;
	memcpy(i + 26, c->mac, 6);
	memcpy(h + 24, dad ? all_nodes : h + 8, 16);
	memcpy(h + 8, c->ip6, 16);
	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	wr16(h + 4, ND_NA_LEN);
	icmp6_csum(h, ND_NA_LEN);
	eth_back(c, f);
	if (dad) {
		static const uint8_t mc[6] = {0x33, 0x33, 0, 0, 0, 1};
		memcpy(f, mc, 6);
	}
	return reply(p, ZW_REPLY_ND, l3 + 40 + ND_NA_LEN);
}

static int echo6(const struct zw_pkt_cfg *c, uint8_t *f, size_t l3,
		 size_t plen, struct zw_pkt *p)
{
	uint8_t *h = f + l3;

	if (bad_src6(c, h + 8))
		return drop(p, ZW_DROP_SOURCE);
	if (!icmp6_ok(h, plen))
		return drop(p, ZW_DROP_CSUM);
	h[40] = ICMP6_ECHOREPLY;
	swap(h + 8, h + 24, 16);
	h[7] = TTL_OUT;
	icmp6_csum(h, plen);
	eth_back(c, f);
	return reply(p, ZW_REPLY_ECHO6, l3 + 40 + plen);
}

static int ip6(const struct zw_pkt_cfg *c, uint8_t *f, size_t len,
	       size_t cap, size_t l3, struct zw_pkt *p)
{
	uint8_t *h = f + l3;

	if (len < l3 + 40 || h[0] >> 4 != 6)
		return drop(p, ZW_DROP_MALFORMED);
	size_t plen = rd16(h + 4);
	if (l3 + 40 + plen > len)
		return drop(p, ZW_DROP_MALFORMED);
	p->l3 = (uint16_t)l3;
	p->v6 = 1;
	bool ours = c->has6 && !memcmp(h + 24, c->ip6, 16);
	if (!ours && h[24] != 0xff)
		return drop(p, ZW_DROP_NOTOURS);
	if (h[8] == 0xff)
		return drop(p, ZW_DROP_SOURCE);
	if (h[6] == PROTO_UDP && ours)
		return udp(c, f, l3 + 40, plen, bad_src6(c, h + 8), p);
	if (h[6] != PROTO_ICMP6 || plen < 8)
		return h[6] == PROTO_ICMP6 ? drop(p, ZW_DROP_MALFORMED)
					   : except(c, p);
	if (h[40] == ICMP6_NS)
		return nd(c, f, cap, l3, plen, p);
	if (h[40] == ICMP6_ECHO && ours)
		return echo6(c, f, l3, plen, p);
	return except(c, p);
}

/* Octets in memory order, for comparing fields with constants. */
/* A field's octets in memory order as zw_load16/zw_load32 see them. */
#define MO16(a, b) ((uint16_t)(zw_csum_be16((uint16_t)((a) << 8 | (b)))))
#define MO32(a, b, c, d) ((uint32_t)MO16(a, b) | (uint32_t)MO16(c, d) << 16)

/* The common frame in one pass: untagged IPv4 without options or
 * fragments, UDP to port 53 at our MAC and address, a query with any
 * opcode but NOTIFY and UPDATE, header checksum right. For these frames
 * the general way below comes to the same verdict and offsets, so this
 * only saves its steps; anything else, or any check failing here, goes
 * the general way. len >= 54 covers every octet read. (Tests build the
 * general way alone with ZW_PKT_GENERAL_ONLY to compare.) */
#ifndef ZW_PKT_GENERAL_ONLY
static bool dns4_fast(const struct zw_pkt_cfg *c, const uint8_t *f,
		      size_t len, struct zw_pkt *p)
{
	const uint8_t *h = f + ETH_HLEN, *u = h + 20, *d = u + 8;
	if (len < ETH_HLEN + 20 + 8 + 12 || !c->has4)
		return false;
	/* destination MAC ours; source MAC not multicast; type IPv4 with
	 * a 20-octet header; no fragment; UDP; to our address, port 53 */
	if (zw_load32(f) != zw_load32(c->mac) || zw_load16(f + 4) != zw_load16(c->mac + 4) ||
	    (f[6] & 1) ||
	    (zw_load32(f + 12) & MO32(0xff, 0xff, 0xff, 0)) != MO32(8, 0, 0x45, 0) ||
	    (zw_load32(h + 6) & MO32(0x3f, 0xff, 0, 0xff)) != MO32(0, 0, 0, 17) ||
	    zw_load32(h + 16) != zw_load32(c->ip4) || zw_load16(u + 2) != MO16(0, DNS_PORT))
		return false;
	/* source: a port, an address we may answer (bad_src4) */
	if (zw_load16(u) == 0 || h[12] == 0 || h[12] == 127 || h[12] >= 224 ||
	    zw_load32(h + 12) == zw_load32(c->ip4))
		return false;
	size_t tot = rd16(h + 2), ulen = rd16(u + 4);
	unsigned opcode = d[2] >> 3 & 0xf;
	if (ETH_HLEN + tot > len || ulen < 8 + 12 || 20 + ulen > tot ||
	    (d[2] & 0x80) || opcode == OPCODE_NOTIFY ||
	    opcode == OPCODE_UPDATE ||
	    zw_csum_fold(zw_csum_words(h, 5)) != 0xffff)
		return false;
	p->l3 = ETH_HLEN;
	p->l4 = ETH_HLEN + 20;
	p->dns = ETH_HLEN + 20 + 8;
	p->dnslen = (uint16_t)(ulen - 8);
	return true;
}
#endif

/* Every frame the one-pass check does not take (kept out of line so
 * that check runs without this one's register saves). */
static __attribute__((noinline)) int classify(const struct zw_pkt_cfg *c,
					      uint8_t *f, size_t len,
					      size_t cap, struct zw_pkt *p)
{
	if (f[6] & 1) /* multicast source MAC: nobody to answer */
		return drop(p, ZW_DROP_SOURCE);
	if (!(f[0] & 1) && memcmp(f, c->mac, 6))
		return drop(p, ZW_DROP_NOTOURS);
	size_t off = 12;
	uint16_t et = rd16(f + off);
	for (int tags = 0; (et == ET_VLAN || et == ET_QINQ) && tags < VLAN_MAX;
	     tags++) {
		if (off + 6 > len)
			return drop(p, ZW_DROP_MALFORMED);
		off += 4;
		et = rd16(f + off);
	}
	off += 2;
	if (et == ET_IP4)
		return ip4(c, f, len, off, p);
	if (et == ET_IP6)
		return ip6(c, f, len, cap, off, p);
	if (et == ET_ARP)
		return arp(c, f, len, off, p);
	return except(c, p);
}

int zw_pkt_classify(const struct zw_pkt_cfg *c, uint8_t *f, size_t len,
		    size_t cap, struct zw_pkt *p)
{
	p->l3 = 0;
	p->v6 = 0;
	if (len < ETH_HLEN || len > 65535 || cap < len)
		return drop(p, ZW_DROP_MALFORMED);
#ifndef ZW_PKT_GENERAL_ONLY
	if (dns4_fast(c, f, len, p))
		return ZW_PKT_DNS;
#endif
	return classify(c, f, len, cap, p);
}

/* The reply's IPv4 header: swapped addresses, fixed fields; its checksum
 * from the values rather than by re-reading the octets just stored
 * (loads over several narrow stores wait for them to retire). as is the
 * sum of the two addresses. */
static void ip4_reply(const struct zw_pkt_cfg *c, uint8_t *h, uint16_t ulen,
		      uint64_t *as)
{
	uint32_t src, dst;
	uint16_t tot = (uint16_t)(20 + ulen);

	memcpy(&src, h + 12, 4);
	memcpy(&dst, h + 16, 4);
	memcpy(h + 12, &dst, 4);
	memcpy(h + 16, &src, 4);
	*as = (uint64_t)src + dst;
	h[0] = 0x45;
	h[1] = 0;
	wr16(h + 2, tot);
	wr16(h + 4, 0);
	wr16(h + 6, 0x4000); /* DF: responses are never fragmented */
	h[8] = TTL_OUT;
	h[10] = h[11] = 0;
	if (!c->tx_ip_csum)
		zw_csum_store(h + 10, *as + zw_csum_be16(0x4500) +
					      zw_csum_be16(tot) +
					      zw_csum_be16(0x4000) +
					      zw_csum_be16(TTL_OUT << 8 | PROTO_UDP));
}

static void ip6_reply(uint8_t *h, uint16_t ulen, uint64_t *as)
{
	*as = zw_csum_words(h + 8, 8);
	swap(h + 8, h + 24, 16);
	h[0] = 0x60;
	h[1] = h[2] = h[3] = 0;
	wr16(h + 4, ulen);
	h[7] = TTL_OUT;
}

size_t zw_pkt_udp_reply(const struct zw_pkt_cfg *c, uint8_t *f,
			const struct zw_pkt *p, size_t n)
{
	uint8_t *h = f + p->l3, *u = f + p->l4;
	uint16_t ulen = (uint16_t)(n + 8), cport, sum;
	uint64_t as;

	memcpy(&cport, u, 2);
	eth_back(c, f);
	if (!p->v6)
		ip4_reply(c, h, ulen, &as);
	else
		ip6_reply(h, ulen, &as);
	memcpy(u + 2, &cport, 2);
	wr16(u, DNS_PORT);
	wr16(u + 4, ulen);
	/* pseudo header: addresses, protocol, length */
	uint64_t ps = as + zw_csum_be16(PROTO_UDP) + zw_csum_be16(ulen);
	if (c->tx_udp_csum) {
		sum = zw_csum_fold(ps);
	} else {
		/* + the UDP header (its checksum field 0) and the message */
		ps += zw_csum_be16(DNS_PORT) + cport + zw_csum_be16(ulen);
		sum = (uint16_t)~zw_csum_fold(zw_csum_add(ps, u + 8, n));
		if (sum == 0)
			sum = 0xffff; /* 0 means "no checksum" */
	}
	memcpy(u + 6, &sum, 2);
	return (size_t)p->dns + n;
}
