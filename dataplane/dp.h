/* zwd's runtime: ports, workers, the published table set and the control
 * thread. Only zwd (dataplane/cmd/zwd.c) builds one. */
#ifndef ZW_DATAPLANE_DP_H
#define ZW_DATAPLANE_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/engine.h"

#define ZW_MAX_PORTS 8
#define ZW_MAX_RXQ 16

/* One RX queue a worker polls and where its frames go. */
struct zw_rxq {
	uint16_t port, queue;
	bool from_kernel;     /* exception port: forward to txport/txq */
	bool has_exc;         /* frames for the kernel go to exc_port/exc_q */
	uint16_t txport, txq; /* where replies (or kernel frames) go */
	uint16_t exc_port, exc_q;
	uint64_t tx_ol;       /* mbuf TX offload flags for replies */
	uint16_t mtu;
	struct zw_pkt_cfg cfg; /* the port's MAC and addresses */
};

struct zw_worker {
	unsigned lcore;
	unsigned id;          /* RCU thread id and stats index */
	unsigned nrxq;
	struct zw_rxq rxq[ZW_MAX_RXQ];
	struct zw_engine eng;
} __rte_cache_aligned;

struct zw_opts {
	const char *tables[ZW_TSET_MAX];
	unsigned ntables;
	bool has4, has6;
	uint8_t ip4[4], ip6[16];
	unsigned plen4, plen6;
	const char *exc_iface;
	const char *control;
	unsigned stats_interval; /* seconds, 0: none */
	unsigned rrl_rate, rrl_slip;
	unsigned max_udp;
	bool reflect;
	double duration;         /* seconds, 0: until stopped */
	unsigned idle_us;        /* sleep when idle (0: always poll) */
	unsigned mbufs;
	bool quiet;
};

struct zw_dp {
	struct zw_opts o;
	struct rte_mempool *mp;
	unsigned nworkers;
	struct zw_worker *w;      /* nworkers */
	struct zw_stats *stats;   /* nworkers */
	unsigned *lcores;         /* nworkers */
	struct rte_rcu_qsbr *qs;
	struct zw_tset *ts;       /* published; atomic pointer */
	struct zw_rrl *rrl;
	uint16_t ports[ZW_MAX_PORTS];
	unsigned nports;
	uint16_t exc_port;
	bool has_exc;
	uint64_t gen;
	double t0;                /* start (monotonic seconds) */
	volatile int stop;
	volatile int reload;      /* SIGHUP */
};

/* tables.c: load every file of o->tables into a new set (NULL and a
 * message in err on failure); swap publishes a set and frees the old one
 * after an RCU grace period. */
struct zw_tset *zw_dp_tables_load(const struct zw_opts *o, uint64_t gen,
				  char *err, size_t errlen);
void zw_dp_tables_free(struct zw_tset *ts);
int zw_dp_tables_swap(struct zw_dp *dp, char *msg, size_t msglen);

/* port.c: configure and start data ports and the exception port, assign
 * queues to workers. Returns 0 or -1 with a message in err. */
int zw_dp_ports_init(struct zw_dp *dp, char *err, size_t errlen);
void zw_dp_ports_close(struct zw_dp *dp);

/* netif.c: give the kernel's side of the exception port our addresses. */
int zw_dp_netif_config(const char *ifname, const struct zw_opts *o,
		       uint16_t mtu, char *err, size_t errlen);

/* loop.c: a worker's run-to-completion loop (rte_eal_remote_launch). */
int zw_dp_worker_main(void *arg);
extern struct zw_dp *zw_dp_global;

/* ctl.c: the control thread (control socket, SIGHUP, stats printing). */
int zw_dp_ctl_start(struct zw_dp *dp, char *err, size_t errlen);
void zw_dp_ctl_join(struct zw_dp *dp);
double zw_dp_now(void);
size_t zw_dp_stats_json(struct zw_dp *dp, char *buf, size_t cap);

#endif
