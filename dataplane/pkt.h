/* The packet path without DPDK: classify an Ethernet frame (VLAN, IPv4,
 * IPv6, UDP, ARP, ICMP, ICMPv6), answer ARP, ICMP echo and IPv6 neighbour
 * discovery and echo in place, and turn a DNS query frame into its
 * response frame in place once the DNS payload has been rewritten.
 *
 * Frames are (pointer, length, capacity); every length is checked before
 * use, so any octets at all are safe input. */
#ifndef ZW_DATAPLANE_PKT_H
#define ZW_DATAPLANE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The interface zwd answers as. */
struct zw_pkt_cfg {
	uint8_t mac[6];
	bool has4, has6;
	uint8_t ip4[4];
	uint8_t ip6[16];
	bool exception;   /* an exception port to the kernel exists */
	bool tx_ip_csum;  /* the port computes IPv4 header checksums */
	bool tx_udp_csum; /* the port computes UDP checksums (given the
			     pseudo-header sum in the field) */
};

enum zw_pkt_verdict {
	ZW_PKT_DROP,   /* free it (reason in why) */
	ZW_PKT_DNS,    /* a DNS query: answer it, then zw_pkt_udp_reply */
	ZW_PKT_REPLY,  /* answered in place (kind in why): send it back */
	ZW_PKT_EXCEPT  /* not ours: to the kernel through the exception port */
};

/* Why a frame was dropped (per-lcore counters are indexed by these). */
enum zw_pkt_drop {
	ZW_DROP_NOTOURS,   /* another host's MAC or address */
	ZW_DROP_MALFORMED, /* truncated or inconsistent L2/L3/L4 */
	ZW_DROP_CSUM,      /* bad IPv4 header or ICMP checksum */
	ZW_DROP_SOURCE,    /* source we must not answer (bcast, mcast, 0) */
	ZW_DROP_NOTQUERY,  /* DNS response or shorter than a header */
	ZW_DROP_NOEXCEPT,  /* needs the kernel but there is no exception port */
	ZW_DROP_ANSWER,    /* the answerer produced nothing */
	ZW_DROP_RRL,       /* response rate limiting */
	ZW_DROP_TXFULL,    /* the TX queue did not take it */
	ZW_DROP_MAX
};

enum zw_pkt_reply {
	ZW_REPLY_ARP,
	ZW_REPLY_ECHO4,
	ZW_REPLY_ND,
	ZW_REPLY_ECHO6,
	ZW_REPLY_MAX
};

/* Offsets found by zw_pkt_classify. */
struct zw_pkt {
	uint16_t l3;     /* IP header */
	uint16_t l4;     /* UDP header */
	uint16_t dns;    /* DNS message */
	uint16_t dnslen; /* DNS message length (without link padding) */
	uint16_t len;    /* frame length of a REPLY */
	uint8_t v6;      /* IPv6 (else IPv4) */
	uint8_t why;     /* enum zw_pkt_drop or zw_pkt_reply */
};

/* Classify frame f[0..len) (capacity cap >= len) and, for ARP/ICMP/ND,
 * write the reply in place. Returns an enum zw_pkt_verdict. */
int zw_pkt_classify(const struct zw_pkt_cfg *c, uint8_t *f, size_t len,
		    size_t cap, struct zw_pkt *p);

/* After the DNS message at f + p->dns has been replaced by an n-octet
 * response: swap MACs, addresses and ports, set lengths, TTL/hop limit
 * and checksums (or their pseudo-header seeds when the port offloads).
 * Returns the frame length. */
size_t zw_pkt_udp_reply(const struct zw_pkt_cfg *c, uint8_t *f,
			const struct zw_pkt *p, size_t n);

/* The solicited-node multicast address of ip6 (RFC 4291 2.7.1). */
void zw_pkt_snm(const uint8_t ip6[16], uint8_t out[16]);

#endif
