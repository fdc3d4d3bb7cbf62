/* libFuzzer target for zwd's packet path from Ethernet up, without DPDK:
 * dataplane/pkt.c (classification, ARP/ICMP/ND replies, UDP response
 * framing), csum.c, engine.c (bursts, rcode counting, truncation, RRL)
 * and rrl.c, compiled in.
 *
 * Input: one octet of switches (bit 0 exception port, bit 1 reflect mode,
 * bit 2 RRL, bit 3 checksum offload, bits 4-7 MTU step), then frames,
 * each a u16 (big-endian) length and that many octets, up to a burst of
 * ZW_BURST_MAX. The tables are replaced by a stub answerer that turns the
 * query into a response of a length and rcode taken from the query's own
 * octets (up to the capacity it is given), so the framing code sees every
 * size. Checks, abort on failure: nothing is written past a frame's
 * capacity (ASan, the frames are exact-size heap buffers); every frame
 * sent back as a DNS response has consistent Ethernet/IP/UDP lengths and
 * correct checksums (a naive RFC 1071 sum); counters add up. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane/csum.c"
#include "dataplane/csum_avx2.c"
#include "dataplane/engine.c"
#include "dataplane/pkt.c"
#include "dataplane/rrl.c"
#include "dataplane/stats.c"
#include "dns/err.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define CAP_SLACK 64

/* --- stub table API (zonecompile/table.h) --- */
int zw_table_answer(const struct zw_table *t, const uint8_t *pkt, size_t len,
		    uint8_t *out, size_t cap, const struct zw_answer_opts *opts)
{
	(void)t;
	(void)opts;
	if (len < 12 || (pkt[2] & 0x80))
		return 0;
	if (cap < len)
		return ZW_ENOSPC;
	size_t n = len + (size_t)pkt[len - 1] * 5;
	if (n > cap)
		n = cap;
	if (out != pkt)
		memmove(out, pkt, len);
	for (size_t i = len; i < n; i++)
		out[i] = (uint8_t)(i * 31);
	out[2] |= 0x80;
	out[3] = (uint8_t)((out[3] & 0xf0) | (pkt[1] % 6));
	return (int)n;
}

void zw_table_answer_burst(const struct zw_table *t, const uint8_t *const pkt[],
			   const size_t len[], uint8_t *const out[],
			   const size_t cap[], int outlen[], unsigned n,
			   const struct zw_answer_opts *opts)
{
	for (unsigned i = 0; i < n; i++)
		outlen[i] = zw_table_answer(t, pkt[i], len[i], out[i], cap[i],
					    opts);
}

const struct zwt_zone *zw_table_find_zone(const struct zw_table *t,
					  const uint8_t *qname, size_t len)
{
	(void)qname;
	return (len & 1) ? (const struct zwt_zone *)t : NULL;
}

void zw_table_zone_info(const struct zwt_zone *z,
			struct zw_table_zone_info *info)
{
	static const uint8_t origin[] = "\7example\0";
	memset(info, 0, sizeof(*info));
	info->origin = ((uintptr_t)z & 16) ? origin : origin + 8;
}

/* --- naive checks --- */
static uint32_t nsum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t nfold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void check_dns_reply(const struct zw_frame *f, bool offload)
{
	const uint8_t *ip = f->data + f->l3;
	CHECK(f->len >= f->l3 + (f->v6 ? 48u : 28u) + 12u);
	CHECK(f->len <= f->cap);
	const uint8_t *u = ip + (f->v6 ? 40 : 20);
	size_t ulen = (size_t)(u[4] << 8 | u[5]);
	CHECK(ulen == (size_t)(f->data + f->len - u));
	CHECK((u[0] << 8 | u[1]) == 53);
	uint32_t ps;
	if (f->v6) {
		CHECK((size_t)(ip[4] << 8 | ip[5]) == ulen);
		ps = nsum(ip + 8, 32, 0);
	} else {
		CHECK((size_t)(ip[2] << 8 | ip[3]) == ulen + 20);
		if (!offload)
			CHECK(nfold(nsum(ip, 20, 0)) == 0xffff);
		ps = nsum(ip + 12, 8, 0);
	}
	ps += 17 + (uint32_t)ulen;
	if (offload)
		CHECK((u[6] << 8 | u[7]) == nfold(ps));
	else
		CHECK(nfold(nsum(u, ulen, ps)) == 0xffff);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zw_rrl *rrl;
	static const uint8_t stub_table[64] __attribute__((aligned(32)));
	struct zw_pkt_cfg cfg = {
		.mac = {2, 0, 0, 0, 0x53, 1}, .has4 = true, .has6 = true,
		.ip4 = {10, 53, 0, 1}, .ip6 = {0xfd, 0x53, [15] = 1}};
	struct zw_tset ts = {.n = 2};
	struct zw_stats st = {0};
	struct zw_engine e = {0};
	struct zw_frame f[ZW_BURST_MAX];
	unsigned n = 0;

	if (size < 1)
		return 0;
	if (!rrl)
		rrl = zw_rrl_new(3, 2, 8, 1);
	uint8_t sw = data[0];
	cfg.exception = sw & 1;
	cfg.tx_ip_csum = cfg.tx_udp_csum = (sw & 8) != 0;
	ts.t[0] = (struct zw_table *)stub_table;
	ts.t[1] = (struct zw_table *)(stub_table + 16);
	e.cfg = &cfg;
	e.mtu = (uint16_t)(576 + (sw >> 4) * 64);
	e.opts.max_udp = 1232;
	e.reflect = (sw & 2) != 0;
	e.rrl = (sw & 4) ? rrl : NULL;
	e.ts = &ts;
	e.st = &st;
	for (size_t o = 1; o + 2 <= size && n < ZW_BURST_MAX;) {
		size_t len = (size_t)(data[o] << 8 | data[o + 1]);
		o += 2;
		if (len > size - o)
			len = size - o;
		size_t cap = len + (len ? data[o + len - 1] % CAP_SLACK : 0);
		uint8_t *b = malloc(cap ? cap : 1);
		memcpy(b, data + o, len);
		f[n] = (struct zw_frame){.data = b, .len = (uint16_t)len,
					 .cap = (uint16_t)cap};
		n++;
		o += len;
	}
	zw_engine_burst(&e, f, n);
	uint64_t out = 0;
	for (unsigned i = 0; i < n; i++) {
		CHECK(f[i].verdict <= ZW_PKT_EXCEPT);
		if (f[i].verdict == ZW_PKT_REPLY) {
			CHECK(f[i].len <= f[i].cap);
			if (f[i].udp)
				check_dns_reply(&f[i], cfg.tx_udp_csum);
		}
		out += f[i].verdict != ZW_PKT_DROP;
		free(f[i].data);
	}
	uint64_t drops = 0;
	for (int i = 0; i < ZW_DROP_MAX; i++)
		drops += st.drops[i];
	CHECK(st.rx == n);
	CHECK(out + drops == n);
	CHECK(st.answered <= st.queries);
	return 0;
}
