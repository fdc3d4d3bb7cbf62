/* Ports: every ethdev port except the exception tap is a data port. Each
 * gets min(workers, what the driver allows) RX/TX queue pairs (RSS on
 * addresses and ports when more than one); queue pairs are dealt to
 * workers round robin, and a reply always leaves on the queue pair its
 * query came in on, so no TX queue is shared. The exception tap mirrors
 * the first data port's queues: tap queue q belongs to the worker that
 * owns port queue q, which sends the kernel's frames out on that queue. */
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dataplane/dp.h"

/* RX descriptors: 4096 where the pool has mbufs for them (at most half
 * of it on RX rings), else down to 1024. On a shared machine a worker may
 * be off its core for milliseconds; at 300k packets/s a 1024-slot af_xdp
 * ring then overflows (kxdpgun over a veth: 20% lost before zwd saw them,
 * 12% with 4096). */
#define NB_RXD_MAX 4096
#define NB_RXD_MIN 1024
#define NB_TXD 1024
#define EXC_VDEV "net_tap_zwexc"

struct qinfo {
	uint16_t nq;
	uint64_t tx_ol;     /* mbuf offload flags for replies */
	bool ip_csum, udp_csum;
};

static void port_conf(uint16_t nq, const struct rte_eth_dev_info *di,
		      struct rte_eth_conf *conf, struct qinfo *qi)
{
	memset(conf, 0, sizeof(*conf));
	uint64_t rss = di->flow_type_rss_offloads &
		       (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	if (nq > 1 && rss) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = rss;
	}
	uint64_t want = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if ((di->tx_offload_capa & want) == want) {
		conf->txmode.offloads |= want;
		qi->ip_csum = qi->udp_csum = true;
	}
	if (di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
}

static int port_start(struct zw_dp *dp, uint16_t port, uint16_t want,
		      struct qinfo *qi, char *err, size_t errlen)
{
	struct rte_eth_dev_info di;
	struct rte_eth_conf conf;
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	int rc;

	rte_eth_dev_get_name_by_port(port, name);
	if ((rc = rte_eth_dev_info_get(port, &di)) != 0)
		goto fail;
	qi->nq = want;
	if (qi->nq > di.max_rx_queues)
		qi->nq = di.max_rx_queues;
	if (qi->nq > di.max_tx_queues)
		qi->nq = di.max_tx_queues;
	if (qi->nq == 0)
		qi->nq = 1;
	port_conf(qi->nq, &di, &conf, qi);
	if ((rc = rte_eth_dev_configure(port, qi->nq, qi->nq, &conf)) != 0)
		goto fail;
	uint16_t nrxd = NB_RXD_MAX, ntxd = NB_TXD;
	unsigned rings = (dp->nports + (dp->has_exc ? 1u : 0u)) * qi->nq;
	while (nrxd > NB_RXD_MIN && (unsigned)nrxd * rings > dp->o.mbufs / 2)
		nrxd /= 2;
	if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrxd, &ntxd)) != 0)
		goto fail;
	struct rte_eth_txconf txc = di.default_txconf;
	txc.offloads = conf.txmode.offloads;
	int sock = rte_eth_dev_socket_id(port);
	for (uint16_t q = 0; q < qi->nq; q++) {
		if ((rc = rte_eth_rx_queue_setup(port, q, nrxd,
						 (unsigned)sock, NULL,
						 dp->mp)) != 0 ||
		    (rc = rte_eth_tx_queue_setup(port, q, ntxd,
						 (unsigned)sock, &txc)) != 0)
			goto fail;
	}
	if ((rc = rte_eth_dev_start(port)) != 0)
		goto fail;
	rte_eth_allmulticast_enable(port); /* solicited-node multicast (ND) */
	return 0;
fail:
	snprintf(err, errlen, "port %u (%s) will not start: %s", port, name,
		 rte_strerror(rc < 0 ? -rc : rc));
	return -1;
}

static void pkt_cfg(struct zw_dp *dp, uint16_t port, const struct qinfo *qi,
		    struct zw_pkt_cfg *c)
{
	struct rte_ether_addr mac;
	rte_eth_macaddr_get(port, &mac);
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac.addr_bytes, 6);
	c->has4 = dp->o.has4;
	c->has6 = dp->o.has6;
	memcpy(c->ip4, dp->o.ip4, 4);
	memcpy(c->ip6, dp->o.ip6, 16);
	c->tx_ip_csum = qi->ip_csum;
	c->tx_udp_csum = qi->udp_csum;
}

/* Queue q of a data port: the next worker round robin. */
static struct zw_rxq *add_rxq(struct zw_dp *dp, unsigned *rr, char *err,
			      size_t errlen, struct zw_worker **wp)
{
	struct zw_worker *w = &dp->w[(*rr)++ % dp->nworkers];
	if (w->nrxq >= ZW_MAX_RXQ) {
		snprintf(err, errlen, "too many queues for lcore %u", w->lcore);
		return NULL;
	}
	*wp = w;
	return &w->rxq[w->nrxq++];
}

static int create_exc(struct zw_dp *dp, char *err, size_t errlen)
{
	char args[128];
	snprintf(args, sizeof(args), "iface=%s", dp->o.exc_iface);
	int rc = rte_vdev_init(EXC_VDEV, args);
	if (rc == 0)
		rc = rte_eth_dev_get_port_by_name(EXC_VDEV, &dp->exc_port);
	if (rc != 0) {
		snprintf(err, errlen, "exception port %s (%s): %s", EXC_VDEV,
			 args, rte_strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	dp->has_exc = true;
	return 0;
}

/* The tap gets the first data port's MAC, so frames pass both ways
 * unchanged, and our addresses on the kernel side. */
static int exc_start(struct zw_dp *dp, const struct qinfo *q0, char *err,
		     size_t errlen)
{
	struct qinfo qi = {0};
	struct rte_ether_addr mac;
	uint16_t mtu = 1500;

	if (port_start(dp, dp->exc_port, q0->nq, &qi, err, errlen) < 0)
		return -1;
	if (qi.nq != q0->nq) {
		snprintf(err, errlen, "exception port: %u queues, need %u",
			 qi.nq, q0->nq);
		return -1;
	}
	rte_eth_macaddr_get(dp->ports[0], &mac);
	int rc = rte_eth_dev_default_mac_addr_set(dp->exc_port, &mac);
	if (rc != 0) {
		snprintf(err, errlen, "exception port: set MAC: %s",
			 rte_strerror(-rc));
		return -1;
	}
	rte_eth_dev_get_mtu(dp->ports[0], &mtu);
	return zw_dp_netif_config(dp->o.exc_iface, &dp->o, mtu, err, errlen);
}

static void assign_port(struct zw_dp *dp, unsigned pi, const struct qinfo *qi,
			unsigned *rr, char *err, size_t errlen, int *rc)
{
	uint16_t port = dp->ports[pi];
	struct zw_pkt_cfg c;
	uint16_t mtu = 1500;

	pkt_cfg(dp, port, qi, &c);
	c.exception = dp->has_exc && pi == 0;
	rte_eth_dev_get_mtu(port, &mtu);
	for (uint16_t q = 0; q < qi->nq && *rc == 0; q++) {
		struct zw_worker *w;
		struct zw_rxq *r = add_rxq(dp, rr, err, errlen, &w);
		if (!r) {
			*rc = -1;
			return;
		}
		*r = (struct zw_rxq){.port = port, .queue = q, .txport = port,
				     .txq = q, .has_exc = c.exception,
				     .exc_port = dp->exc_port, .exc_q = q,
				     .tx_ol = qi->tx_ol, .mtu = mtu, .cfg = c};
		if (c.exception) {
			if (w->nrxq >= ZW_MAX_RXQ) {
				snprintf(err, errlen, "too many queues");
				*rc = -1;
				return;
			}
			struct zw_rxq *k = &w->rxq[w->nrxq++];
			*k = (struct zw_rxq){.port = dp->exc_port, .queue = q,
					     .from_kernel = true,
					     .txport = port, .txq = q};
		}
	}
}

int zw_dp_ports_init(struct zw_dp *dp, char *err, size_t errlen)
{
	uint16_t pid;
	struct qinfo qi[ZW_MAX_PORTS];
	unsigned rr = 0;
	int rc = 0;

	RTE_ETH_FOREACH_DEV(pid)
	{
		if (dp->nports < ZW_MAX_PORTS)
			dp->ports[dp->nports++] = pid;
	}
	if (dp->nports == 0) {
		snprintf(err, errlen, "no DPDK port (none given, or none could "
				      "be probed): give one, e.g. "
				      "--vdev=net_af_packet0,iface=IFACE");
		return -1;
	}
	if (dp->o.exc_iface && create_exc(dp, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < dp->nports; i++) {
		memset(&qi[i], 0, sizeof(qi[i]));
		if (port_start(dp, dp->ports[i], (uint16_t)dp->nworkers, &qi[i],
			       err, errlen) < 0)
			return -1;
		if (qi[i].ip_csum)
			qi[i].tx_ol = RTE_MBUF_F_TX_IP_CKSUM |
				      RTE_MBUF_F_TX_UDP_CKSUM;
	}
	if (dp->has_exc && exc_start(dp, &qi[0], err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < dp->nports && rc == 0; i++)
		assign_port(dp, i, &qi[i], &rr, err, errlen, &rc);
	return rc;
}

void zw_dp_ports_close(struct zw_dp *dp)
{
	for (unsigned i = 0; i < dp->nports; i++) {
		rte_eth_dev_stop(dp->ports[i]);
		rte_eth_dev_close(dp->ports[i]);
	}
	if (dp->has_exc) {
		rte_eth_dev_stop(dp->exc_port);
		rte_eth_dev_close(dp->exc_port);
		rte_vdev_uninit(EXC_VDEV);
	}
}
