/* A worker's run-to-completion loop: for each of its RX queues, one burst
 * in, the packet path over it, replies out on the same queue pair, frames
 * for the kernel out the exception port; then a quiescent-state report
 * for RCU (the table set read at the top of the iteration is no longer
 * used). No locks, no allocation: mbufs are reused in place. */
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dataplane/dp.h"

#define IDLE_SPINS 1024
#define CPU_EVERY_HZ 100 /* CPU time readings per second */

struct zw_dp *zw_dp_global;

static void tx_send(struct zw_worker *w, uint16_t port, uint16_t q,
		 struct rte_mbuf **m, uint16_t n)
{
	if (!n)
		return;
	uint16_t sent = rte_eth_tx_burst(port, q, m, n);
	if (sent < n) {
		ZW_STAT_ADD(w->eng.st, drops[ZW_DROP_TXFULL], n - sent);
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
}

/* The kernel's frames go out unchanged. */
static void from_kernel(struct zw_worker *w, const struct zw_rxq *r,
			struct rte_mbuf **m, uint16_t n)
{
	ZW_STAT_ADD(w->eng.st, except_in, n);
	tx_send(w, r->txport, r->txq, m, n);
}

static void set_tx(struct rte_mbuf *m, const struct zw_frame *f,
		   uint64_t ol)
{
	m->data_len = f->len;
	m->pkt_len = f->len;
	if (ol) {
		/* no header checksum in IPv6: that flag is for IPv4 only */
		m->ol_flags = f->v6 ? (ol & ~RTE_MBUF_F_TX_IP_CKSUM) |
					      RTE_MBUF_F_TX_IPV6
				    : ol | RTE_MBUF_F_TX_IPV4;
		m->l2_len = f->l3;
		m->l3_len = f->v6 ? 40 : 20;
	}
}

static void dispatch(struct zw_worker *w, const struct zw_rxq *r,
		     struct rte_mbuf **m, struct zw_frame *f, uint16_t n)
{
	struct rte_mbuf *tx[ZW_BURST_MAX], *exc[ZW_BURST_MAX],
		*drop[ZW_BURST_MAX];
	uint16_t ntx = 0, nexc = 0, ndrop = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (f[i].verdict == ZW_PKT_REPLY) {
			set_tx(m[i], &f[i], f[i].udp ? r->tx_ol : 0);
			tx[ntx++] = m[i];
		} else if (f[i].verdict == ZW_PKT_EXCEPT && r->has_exc) {
			exc[nexc++] = m[i];
		} else {
			drop[ndrop++] = m[i];
		}
	}
	tx_send(w, r->txport, r->txq, tx, ntx);
	tx_send(w, r->exc_port, r->exc_q, exc, nexc);
	if (ndrop)
		rte_pktmbuf_free_bulk(drop, ndrop);
}

static uint16_t poll_one(struct zw_worker *w, const struct zw_rxq *r)
{
	struct rte_mbuf *m[ZW_BURST_MAX];
	struct zw_frame f[ZW_BURST_MAX];
	uint16_t n = rte_eth_rx_burst(r->port, r->queue, m, ZW_BURST_MAX);

	if (!n)
		return 0;
	if (r->from_kernel) {
		from_kernel(w, r, m, n);
		return n;
	}
	/* a query's name and OPT run on into the frame's second line
	 * (the DNS message starts at octet 42) */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *b = m[i];
		uint8_t *d = rte_pktmbuf_mtod(b, uint8_t *);
		rte_prefetch0(d);
		rte_prefetch0(d + RTE_CACHE_LINE_SIZE);
		f[i].data = d;
		/* chained mbufs (jumbo frames) are not ours: length 0 drops */
		f[i].len = b->nb_segs == 1 ? b->data_len : 0;
		f[i].cap = (uint16_t)(b->buf_len - b->data_off);
	}
	w->eng.cfg = &r->cfg;
	w->eng.mtu = r->mtu;
	zw_engine_burst(&w->eng, f, n);
	dispatch(w, r, m, f, n);
	return n;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The worker's CPU time since its loop started (the main lcore's thread
 * spent start-up time before). */
static void cpu_time(struct zw_worker *w, uint64_t start)
{
	ZW_STAT_ADD(w->eng.st, cpu_ns,
		    thread_cpu_ns() - start - w->eng.st->cpu_ns);
}

int zw_dp_worker_main(void *arg)
{
	struct zw_worker *w = arg;
	struct zw_dp *dp = zw_dp_global;
	uint64_t hz = rte_get_tsc_hz(), gen = 0, next_cpu = 0;
	uint64_t cpu0 = thread_cpu_ns();
	unsigned idle = 0;

	rte_rcu_qsbr_thread_register(dp->qs, w->id);
	rte_rcu_qsbr_thread_online(dp->qs, w->id);
	while (!__atomic_load_n(&dp->stop, __ATOMIC_RELAXED)) {
		const struct zw_tset *ts =
			__atomic_load_n(&dp->ts, __ATOMIC_ACQUIRE);
		if (ts->gen != gen) {
			gen = ts->gen;
			ZW_STAT_ADD(w->eng.st, swaps, 1);
		}
		w->eng.ts = ts;
		uint64_t tsc = rte_get_tsc_cycles();
		w->eng.now = (uint32_t)(tsc / hz);
		if (tsc >= next_cpu) {
			cpu_time(w, cpu0);
			next_cpu = tsc + hz / CPU_EVERY_HZ;
		}
		uint32_t got = 0;
		for (unsigned i = 0; i < w->nrxq; i++)
			got += poll_one(w, &w->rxq[i]);
		rte_rcu_qsbr_quiescent(dp->qs, w->id);
		if (got || !dp->o.idle_us) {
			idle = 0;
		} else if (++idle >= IDLE_SPINS) {
			/* a shared machine: do not burn a core while idle; a
			 * packet costs at most one sleep of extra latency */
			rte_rcu_qsbr_thread_offline(dp->qs, w->id);
			usleep(dp->o.idle_us);
			rte_rcu_qsbr_thread_online(dp->qs, w->id);
		}
	}
	cpu_time(w, cpu0);
	rte_rcu_qsbr_thread_offline(dp->qs, w->id);
	rte_rcu_qsbr_thread_unregister(dp->qs, w->id);
	return 0;
}
