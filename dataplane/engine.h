/* One burst of frames through the packet path, without DPDK: classify,
 * answer DNS queries from the current table set (in place), rate-limit,
 * finish the frames and count. The DPDK loop (loop.c) wraps mbufs in
 * zw_frame and sends each frame where its verdict says; tests and the
 * fuzz target call zw_engine_burst on plain buffers. */
#ifndef ZW_DATAPLANE_ENGINE_H
#define ZW_DATAPLANE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/pkt.h"
#include "dataplane/rrl.h"
#include "dataplane/stats.h"
#include "zonecompile/table.h"

#define ZW_BURST_MAX 64
#define ZW_TSET_MAX 64

/* The tables zwd serves; replaced as a whole on reload (RCU). */
struct zw_tset {
	unsigned n;
	uint64_t gen;
	struct zw_table *t[ZW_TSET_MAX];
};

struct zw_frame {
	uint8_t *data;
	uint16_t len;    /* in: received length; out: length to send */
	uint16_t cap;    /* room from data on */
	uint8_t verdict; /* out: ZW_PKT_REPLY (send back), _EXCEPT, _DROP */
	uint8_t v6;      /* out, for TX offload flags */
	uint8_t udp;     /* out: a DNS response (UDP checksum offload) */
	uint16_t l3;     /* out: L2 header length (IP header offset) */
};

struct zw_engine {
	const struct zw_pkt_cfg *cfg; /* the port the burst came from */
	uint16_t mtu;              /* its largest IP packet */
	struct zw_answer_opts opts;
	bool reflect;              /* benchmark: echo queries, no DNS work */
	const struct zw_tset *ts;  /* read under RCU by the caller */
	struct zw_rrl *rrl;        /* NULL: no rate limiting */
	uint32_t now;              /* seconds, for RRL */
	unsigned slipctr;
	struct zw_stats *st;
};

void zw_engine_burst(struct zw_engine *e, struct zw_frame *f, unsigned n);

/* The answering table for a query (several tables: the one holding the
 * closest enclosing zone of the query name; else the first). */
const struct zw_table *zw_engine_pick(const struct zw_tset *ts,
				      const uint8_t *msg, size_t len);

/* Response code of an n-octet response, BADVERS folded in (16). */
unsigned zw_engine_rcode(const uint8_t *msg, size_t n);

#endif
