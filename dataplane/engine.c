/* The packet path for one burst. Classification and finishing are per
 * frame; the table lookups of all queries in the burst go through
 * zw_table_answer_burst together so their memory accesses overlap. */
#include <string.h>

#include "dataplane/engine.h"
#include "dns/rrtype.h"

static unsigned name_labels(const uint8_t *n)
{
	unsigned l = 0;
	while (*n) {
		n += 1u + *n;
		l++;
	}
	return l;
}

/* The table with the longest zone origin that name (wire, len octets)
 * is in, or NULL. */
static const struct zw_table *longest_zone(const struct zw_tset *ts,
					   const uint8_t *name, size_t len)
{
	const struct zw_table *best = NULL;
	unsigned best_labels = 0;
	for (unsigned i = 0; i < ts->n; i++) {
		const struct zwt_zone *z = zw_table_find_zone(ts->t[i], name,
							      len);
		if (!z)
			continue;
		struct zw_table_zone_info zi;
		zw_table_zone_info(z, &zi);
		unsigned l = name_labels(zi.origin) + 1;
		if (l > best_labels) {
			best = ts->t[i];
			best_labels = l;
		}
	}
	return best;
}

const struct zw_table *zw_engine_pick(const struct zw_tset *ts,
				      const uint8_t *msg, size_t len)
{
	const struct zw_table *best = NULL;
	size_t o = 12;

	if (ts->n == 1)
		return ts->t[0];
	while (o < len && msg[o] && !(msg[o] & 0xc0))
		o += 1u + msg[o];
	if (o >= len || msg[o] != 0)
		return ts->t[0]; /* malformed: any table says FORMERR */
	/* DS lives on the parent side of a cut (RFC 4035 3.1.4.1): the zone
	 * of the name's parent answers it, as zw_table_answer does when
	 * both zones are in one table */
	if (o + 3 <= len && msg[o + 1] == 0 && msg[o + 2] == ZW_TYPE_DS &&
	    o > 12)
		best = longest_zone(ts, msg + 13 + msg[12], o - 12 - msg[12]);
	if (!best)
		best = longest_zone(ts, msg + 12, o + 1 - 12);
	return best ? best : ts->t[0];
}

static inline unsigned rcode_of(const uint8_t *m, size_t n)
{
	unsigned rc = m[3] & 0xf;
	/* BADVERS: header rcode 0, nothing but the OPT, extended rcode 1 */
	if (rc == 0 && n >= 12 + 11 && !(m[6] | m[7] | m[8] | m[9]) &&
	    m[11] == 1 && m[n - 11] == 0 && m[n - 10] == 0 &&
	    m[n - 9] == 41 && m[n - 6] != 0)
		rc = (unsigned)m[n - 6] << 4;
	return rc < ZW_STATS_RCODES ? rc : ZW_STATS_RCODES - 1;
}

unsigned zw_engine_rcode(const uint8_t *m, size_t n)
{
	return rcode_of(m, n);
}

/* Room for the response: the frame's buffer and the MTU. */
static size_t dns_cap(const struct zw_engine *e, const struct zw_frame *f,
		      const struct zw_pkt *p)
{
	size_t cap = (size_t)f->cap - p->dns, hdr = (size_t)(p->dns - p->l3);
	size_t mtu = e->mtu > hdr ? e->mtu - hdr : 0;
	return cap < mtu ? cap : mtu;
}

/* A frame that is not a DNS query: counted and its verdict set. */
static void not_dns(struct zw_engine *e, struct zw_frame *f,
		    const struct zw_pkt *p, int v)
{
	switch (v) {
	case ZW_PKT_DROP:
		ZW_STAT_ADD(e->st, drops[p->why], 1);
		f->verdict = ZW_PKT_DROP;
		break;
	case ZW_PKT_REPLY:
		ZW_STAT_ADD(e->st, replies[p->why], 1);
		f->len = p->len;
		f->verdict = ZW_PKT_REPLY;
		break;
	case ZW_PKT_EXCEPT:
		ZW_STAT_ADD(e->st, except_out, 1);
		f->verdict = ZW_PKT_EXCEPT;
		break;
	default:
		f->verdict = ZW_PKT_DROP;
		break;
	}
}

/* Rate limiting of one response; returns its (possibly slipped) length
 * or 0 to drop it. */
static int rrl(struct zw_engine *e, const struct zw_frame *f,
	       const struct zw_pkt *p, uint8_t *msg, int n)
{
	const uint8_t *src = f->data + p->l3 + (p->v6 ? 8 : 12);
	if (n < 12)
		return n;
	size_t qlen = 0, max = (size_t)n - 12;
	while (qlen < max && msg[12 + qlen] && !(msg[12 + qlen] & 0xc0))
		qlen += 1u + msg[12 + qlen];
	if (qlen > max) /* a label running past the end: hash what is there */
		qlen = max;
	int a = zw_rrl_check(e->rrl, src, p->v6,
			     zw_rrl_classify(msg, (size_t)n), msg + 12, qlen,
			     e->now, &e->slipctr);
	if (a == ZW_RRL_DROP) {
		ZW_STAT_ADD(e->st, drops[ZW_DROP_RRL], 1);
		return 0;
	}
	if (a == ZW_RRL_SLIP) {
		ZW_STAT_ADD(e->st, rrl_slipped, 1);
		return (int)zw_rrl_slip(msg, (size_t)n);
	}
	return n;
}

/* Per-burst tallies of the common counters, added to the lcore's block
 * once per burst. */
struct tally {
	uint32_t answered, truncated;
	uint32_t rcode[ZW_STATS_RCODES];
};

static void finish(struct zw_engine *e, struct zw_frame *f,
		   const struct zw_pkt *p, int n, struct tally *t)
{
	uint8_t *msg = f->data + p->dns;

	if (n <= 0) {
		ZW_STAT_ADD(e->st, drops[ZW_DROP_ANSWER], 1);
		return;
	}
	if (!e->reflect) {
		if (e->rrl && (n = rrl(e, f, p, msg, n)) == 0)
			return;
		t->rcode[rcode_of(msg, (size_t)n)]++;
		t->truncated += (msg[2] >> 1) & 1;
	}
	t->answered++;
	f->len = (uint16_t)zw_pkt_udp_reply(e->cfg, f->data, p, (size_t)n);
	f->verdict = ZW_PKT_REPLY;
	f->udp = 1;
}

static void tally_add(struct zw_stats *st, const struct tally *t)
{
	ZW_STAT_ADD(st, answered, t->answered);
	if (t->truncated)
		ZW_STAT_ADD(st, truncated, t->truncated);
	for (unsigned i = 0; i < ZW_STATS_RCODES; i++)
		if (t->rcode[i])
			ZW_STAT_ADD(st, rcode[i], t->rcode[i]);
}

/* Several tables: each query goes to its own (zw_engine_pick); the
 * queries of one table are answered as one burst. */
static void answer_multi(struct zw_engine *e, const uint8_t *const q[],
			 const size_t ql[], uint8_t *const out[],
			 const size_t cap[], int ol[], unsigned nq)
{
	const struct zw_table *pick[ZW_BURST_MAX];
	const uint8_t *gq[ZW_BURST_MAX];
	uint8_t *gout[ZW_BURST_MAX];
	size_t gql[ZW_BURST_MAX], gcap[ZW_BURST_MAX];
	int gol[ZW_BURST_MAX];
	uint8_t gidx[ZW_BURST_MAX];
	uint64_t done[(ZW_BURST_MAX + 63) / 64] = {0};

	for (unsigned k = 0; k < nq; k++)
		pick[k] = zw_engine_pick(e->ts, q[k], ql[k]);
	for (unsigned k = 0; k < nq; k++) {
		if (done[k / 64] >> (k % 64) & 1)
			continue;
		unsigned g = 0;
		for (unsigned j = k; j < nq; j++) {
			if (pick[j] != pick[k])
				continue;
			done[j / 64] |= (uint64_t)1 << (j % 64);
			gq[g] = q[j], gql[g] = ql[j], gout[g] = out[j];
			gcap[g] = cap[j], gidx[g++] = (uint8_t)j;
		}
		zw_table_answer_burst(pick[k], gq, gql, gout, gcap, gol, g,
				      &e->opts);
		for (unsigned j = 0; j < g; j++)
			ol[gidx[j]] = gol[j];
	}
}

static void answer(struct zw_engine *e, const uint8_t *const q[],
		   const size_t ql[], uint8_t *const out[],
		   const size_t cap[], int ol[], unsigned nq)
{
	const struct zw_tset *ts = e->ts;

	if (e->reflect) {
		for (unsigned k = 0; k < nq; k++)
			ol[k] = (int)ql[k];
	} else if (!ts || ts->n == 0) {
		for (unsigned k = 0; k < nq; k++)
			ol[k] = 0;
	} else if (ts->n == 1) {
		zw_table_answer_burst(ts->t[0], q, ql, out, cap, ol, nq,
				      &e->opts);
	} else {
		answer_multi(e, q, ql, out, cap, ol, nq);
	}
}

/* Queries are answered CHUNK at a time (the table's own burst) and
 * finished right after, so the checksum reads responses still in L1. */
#define CHUNK 32

void zw_engine_burst(struct zw_engine *e, struct zw_frame *f, unsigned n)
{
	struct zw_pkt p[ZW_BURST_MAX]; /* by query */
	const uint8_t *q[ZW_BURST_MAX];
	uint8_t *out[ZW_BURST_MAX];
	size_t ql[ZW_BURST_MAX], cap[ZW_BURST_MAX];
	int ol[ZW_BURST_MAX];
	uint8_t idx[ZW_BURST_MAX];
	unsigned nq = 0;

	if (n > ZW_BURST_MAX)
		n = ZW_BURST_MAX;
	ZW_STAT_ADD(e->st, rx, n);
	for (unsigned i = 0; i < n; i++) {
		struct zw_pkt *pk = &p[nq];
		int v = zw_pkt_classify(e->cfg, f[i].data, f[i].len, f[i].cap,
					pk);
		f[i].l3 = pk->l3;
		f[i].v6 = pk->v6;
		f[i].udp = 0;
		if (v != ZW_PKT_DNS) {
			not_dns(e, &f[i], pk, v);
			continue;
		}
		f[i].verdict = ZW_PKT_DROP; /* until finished */
		q[nq] = out[nq] = f[i].data + pk->dns;
		ql[nq] = pk->dnslen;
		cap[nq] = dns_cap(e, &f[i], pk);
		idx[nq++] = (uint8_t)i;
	}
	if (!nq)
		return;
	ZW_STAT_ADD(e->st, queries, nq);
	struct tally t = {0};
	for (unsigned b = 0; b < nq; b += CHUNK) {
		unsigned m = nq - b < CHUNK ? nq - b : CHUNK;
		answer(e, q + b, ql + b, out + b, cap + b, ol + b, m);
		for (unsigned k = b; k < b + m; k++)
			finish(e, &f[idx[k]], &p[k], ol[k], &t);
	}
	tally_add(e->st, &t);
}
