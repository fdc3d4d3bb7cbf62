/* zwd [EAL options] -- --table FILE [--table FILE ...] --ip4 ADDR[/LEN]
 *     [--ip6 ADDR[/LEN]] [--exception-iface NAME] [--control SOCKET]
 *     [--stats-interval SEC] [--rrl RATE [--rrl-slip N]] [--max-udp N]
 *     [--duration SEC] [--idle-sleep USEC (100; 0 polls always)] [--mbufs N]
 *     [--reflect] [-q]
 *
 * The authoritative data plane: every DPDK port (except the exception
 * tap zwd creates for --exception-iface) answers DNS over UDP from the
 * compiled tables, ARP/ICMP/ND itself, and passes the rest to the kernel.
 * One worker per EAL lcore (-l). SIGHUP or `zwctl reload` re-opens the
 * table files and swaps them in; SIGINT/SIGTERM or `zwctl stop` stop it.
 * --reflect (benchmarks) sends queries back with addresses swapped and no
 * DNS work. Without NICs or hugepages:
 *   zwd --no-huge --no-pci -m 256 -l 0 --vdev=net_af_packet0,iface=veth0 \
 *       -- --table example.zwt --ip4 10.53.0.1/24 */
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_random.h>

#include "dataplane/dp.h"
#include "dns/hugemem.h"

#define ERRLEN 512

static struct zw_dp dp;

static void usage(void)
{
	fprintf(stderr,
		"usage: zwd [EAL options] -- --table FILE [--table FILE ...] "
		"--ip4 ADDR[/LEN] [--ip6 ADDR[/LEN]]\n"
		"           [--exception-iface NAME] [--control SOCKET] "
		"[--stats-interval SEC]\n"
		"           [--rrl RATE [--rrl-slip N]] [--max-udp N] "
		"[--duration SEC] [--idle-sleep USEC]\n"
		"           [--mbufs N] [--reflect] [-q]\n");
	exit(1);
}

static bool eal_up;

/* EAL leaves its runtime directory (config, memory maps; megabytes
 * without hugepages) behind; a primary that is done removes it. */
static void remove_runtime_dir(void)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_type == DT_REG || e->d_type == DT_SOCK)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	rmdir(dir);
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "zwd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	if (eal_up)
		remove_runtime_dir();
	exit(1);
}

static unsigned num(const char *opt, const char *s, unsigned lo, unsigned hi)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi) {
		fprintf(stderr, "zwd: %s: '%s' is not a number in %u..%u\n",
			opt, s, lo, hi);
		exit(1);
	}
	return (unsigned)v;
}

static void addr(const char *opt, const char *s, int af, uint8_t *out,
		 unsigned *plen)
{
	char buf[64];
	unsigned max = af == AF_INET ? 32 : 128;
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	*plen = af == AF_INET ? 24 : 64;
	if (slash) {
		*slash = 0;
		*plen = num(opt, slash + 1, 1, max);
	}
	if (inet_pton(af, buf, out) != 1) {
		fprintf(stderr, "zwd: bad address for %s: '%s'\n", opt, s);
		exit(1);
	}
}

static const char *arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		die("%s needs a value", argv[*i]);
	return argv[++*i];
}

static void parse_one(int argc, char **argv, int *i, struct zw_opts *o)
{
	const char *s = argv[*i];
	if (!strcmp(s, "--table")) {
		if (o->ntables >= ZW_TSET_MAX)
			die("too many tables (at most %s)", "64");
		o->tables[o->ntables++] = arg(argc, argv, i);
	} else if (!strcmp(s, "--ip4")) {
		addr(s, arg(argc, argv, i), AF_INET, o->ip4, &o->plen4);
		o->has4 = true;
	} else if (!strcmp(s, "--ip6")) {
		addr(s, arg(argc, argv, i), AF_INET6, o->ip6, &o->plen6);
		o->has6 = true;
	} else if (!strcmp(s, "--exception-iface")) {
		o->exc_iface = arg(argc, argv, i);
	} else if (!strcmp(s, "--control")) {
		o->control = arg(argc, argv, i);
	} else if (!strcmp(s, "--stats-interval")) {
		o->stats_interval = num(s, arg(argc, argv, i), 0, 86400);
	} else if (!strcmp(s, "--rrl")) {
		o->rrl_rate = num(s, arg(argc, argv, i), 1, 65535);
	} else if (!strcmp(s, "--rrl-slip")) {
		o->rrl_slip = num(s, arg(argc, argv, i), 0, 10);
	} else if (!strcmp(s, "--max-udp")) {
		o->max_udp = num(s, arg(argc, argv, i), 512, 65535);
	} else if (!strcmp(s, "--duration")) {
		o->duration = num(s, arg(argc, argv, i), 1, 86400 * 365);
	} else if (!strcmp(s, "--idle-sleep")) {
		o->idle_us = num(s, arg(argc, argv, i), 0, 1000000);
	} else if (!strcmp(s, "--mbufs")) {
		o->mbufs = num(s, arg(argc, argv, i), 1024, 1u << 24);
	} else if (!strcmp(s, "--reflect")) {
		o->reflect = true;
	} else if (!strcmp(s, "-q")) {
		o->quiet = true;
	} else {
		fprintf(stderr, "zwd: unknown option '%s'\n", s);
		usage();
	}
}

static void parse(int argc, char **argv, struct zw_opts *o)
{
	o->rrl_slip = 2;
	o->max_udp = 1232;
	o->idle_us = 100;
	o->mbufs = 16383;
	for (int i = 0; i < argc; i++)
		parse_one(argc, argv, &i, o);
	if (!o->ntables && !o->reflect)
		die("%s", "no table: give at least one --table FILE (compile "
			  "zones with zw-compile)");
	if (!o->has4 && !o->has6)
		die("%s", "no address: give --ip4 ADDR[/LEN] and/or --ip6 "
			  "ADDR[/LEN]");
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		dp.reload = 1;
	else
		dp.stop = 1;
}

static void signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void init_workers(struct zw_dp *d)
{
	unsigned lc, n = 0;
	d->nworkers = rte_lcore_count();
	d->w = rte_zmalloc("zw_workers", d->nworkers * sizeof(*d->w),
			   RTE_CACHE_LINE_SIZE);
	d->stats = rte_zmalloc("zw_stats", d->nworkers * sizeof(*d->stats),
			       RTE_CACHE_LINE_SIZE);
	d->lcores = calloc(d->nworkers, sizeof(unsigned));
	if (!d->w || !d->stats || !d->lcores)
		die("%s", "out of memory (workers)");
	RTE_LCORE_FOREACH(lc)
	{
		struct zw_worker *w = &d->w[n];
		w->lcore = lc;
		w->id = n;
		w->eng.st = &d->stats[n];
		w->eng.opts.max_udp = (uint16_t)d->o.max_udp;
		w->eng.reflect = d->o.reflect;
		d->lcores[n++] = lc;
	}
}

static void init_rcu(struct zw_dp *d)
{
	size_t sz = rte_rcu_qsbr_get_memsize(d->nworkers);
	d->qs = rte_zmalloc("zw_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (!d->qs || rte_rcu_qsbr_init(d->qs, d->nworkers) != 0)
		die("%s", "RCU init failed");
}

static void init_rrl(struct zw_dp *d)
{
	if (!d->o.rrl_rate)
		return;
	d->rrl = zw_rrl_new(d->o.rrl_rate, d->o.rrl_slip, 20, rte_rand());
	if (!d->rrl)
		die("%s", "RRL init failed");
	for (unsigned i = 0; i < d->nworkers; i++)
		d->w[i].eng.rrl = d->rrl;
}

#define THP_HEAP "zw_thp"

/* Without hugepages EAL's memory is 4 KiB pages (a memfd the kernel
 * does not back with huge pages), so the mbufs of a ring of tens of
 * thousands of frames take as many TLB entries as they span pages, and
 * the walks evict the table's entries too. thp_heap makes room for them
 * on transparent huge pages instead (zw_huge_map, as the tables are),
 * added to DPDK as an external heap (no IOVAs: for IOVA-as-VA virtual
 * ports only). net_pcap benchmark, 1 lcore, interleaved runs: DO=0
 * 6.74 -> 7.21 M answered per CPU-second and DO=1 5.92 -> 6.31 M (7
 * runs), 7.08 -> 7.53 M and 6.30 -> 6.55 M (5 runs, later); reflect
 * from no change (19.5 -> 19.3 M, 7 runs) to +10% (5 runs). */
struct thp {
	uint8_t *m;
	size_t len;
	int socket;  /* the heap's */
};

/* Does the kernel give madvised memory huge pages (THP not "never")? */
static bool thp_enabled(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof(buf), f) && !strstr(buf, "[never]");
	fclose(f);
	return ok;
}

static bool thp_heap(unsigned n, size_t elt, struct thp *h)
{
	if (!thp_enabled()) /* 4 KiB pages either way: EAL's memory */
		return false;
	/* the objects with their headers, the ring and the per-lcore
	 * caches of the pool (zw_huge_map rounds to whole huge pages) */
	size_t len;
	uint8_t *m = zw_huge_map((size_t)n * (elt + 2 * RTE_CACHE_LINE_SIZE) +
				 (16u << 20), &len);
	if (!m)
		return false;
	if (rte_malloc_heap_create(THP_HEAP) < 0) {
		munmap(m, len);
		return false;
	}
	if (rte_malloc_heap_memory_add(THP_HEAP, m, len, NULL, 0,
				       ZW_HUGE_PAGE) < 0) {
		rte_malloc_heap_destroy(THP_HEAP);
		munmap(m, len);
		return false;
	}
	*h = (struct thp){m, len, rte_malloc_heap_get_socket(THP_HEAP)};
	return true;
}

/* Is pool mp on thp_heap's heap? */
static bool pool_on_thp(const struct rte_mempool *mp)
{
	int socket = rte_malloc_heap_get_socket(THP_HEAP);
	return socket >= 0 && mp->socket_id == socket;
}

/* The heap gone again (the pool did not fit in it). */
static void thp_heap_drop(const struct thp *h)
{
	rte_malloc_heap_memory_remove(THP_HEAP, h->m, h->len);
	rte_malloc_heap_destroy(THP_HEAP);
	munmap(h->m, h->len);
}

/* n mbufs back to back (see mbuf_pool) on socket (or heap) `socket`. */
static struct rte_mempool *packed_pool(unsigned n, int socket)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE};
	struct rte_mempool *mp = rte_mempool_create_empty(
		"zw_mbufs", n, sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE,
		256, sizeof(priv), socket, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (!mp)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL)) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

/* The mbuf pool. Without hugepages DPDK keeps each object inside one
 * 4 KiB page, so every mbuf starts at the same offset of its own page:
 * the same line of every frame falls in the same L1 set (8 ways for a
 * burst of 64 frames) and frames evict each other between parsing,
 * answering and checksumming. When IOVA is VA an object across pages is
 * as contiguous for a device as for us, so there the objects are packed
 * back to back as hugepages would place them, on transparent huge pages
 * where the kernel gives them, else in EAL's memory. */
static struct rte_mempool *mbuf_pool(unsigned n)
{
	if (rte_eal_has_hugepages() || rte_eal_iova_mode() != RTE_IOVA_VA)
		return rte_pktmbuf_pool_create("zw_mbufs", n, 256, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       (int)rte_socket_id());
	struct thp h;
	if (thp_heap(n, sizeof(struct rte_mbuf) + RTE_MBUF_DEFAULT_BUF_SIZE,
		     &h)) {
		struct rte_mempool *mp = packed_pool(n, h.socket);
		if (mp)
			return mp;
		thp_heap_drop(&h);
	}
	return packed_pool(n, (int)rte_socket_id());
}

static void describe(struct zw_dp *d)
{
	char a4[INET_ADDRSTRLEN] = "-", a6[INET6_ADDRSTRLEN] = "-";
	size_t zones = 0;
	if (d->o.quiet)
		return;
	if (d->o.has4)
		inet_ntop(AF_INET, d->o.ip4, a4, sizeof(a4));
	if (d->o.has6)
		inet_ntop(AF_INET6, d->o.ip6, a6, sizeof(a6));
	for (unsigned i = 0; i < d->ts->n; i++)
		zones += zw_table_nzones(d->ts->t[i]);
	fprintf(stderr, "zwd: %s%zu zone(s) from %u table(s) as %s %s; %u "
			"port(s), %u worker lcore(s)%s%s%s\n",
		d->o.reflect ? "REFLECT mode (no DNS work); " : "", zones,
		d->ts->n, a4, a6, d->nports, d->nworkers,
		d->has_exc ? ", exception port " : "",
		d->has_exc ? d->o.exc_iface : "", d->rrl ? ", RRL on" : "");
	for (unsigned i = 0; i < d->nports; i++) {
		struct rte_ether_addr mac;
		char name[RTE_ETH_NAME_MAX_LEN] = "?", m[RTE_ETHER_ADDR_FMT_SIZE];
		rte_eth_dev_get_name_by_port(d->ports[i], name);
		rte_eth_macaddr_get(d->ports[i], &mac);
		rte_ether_format_addr(m, sizeof(m), &mac);
		fprintf(stderr, "zwd:   port %u: %s, MAC %s\n", d->ports[i], name,
			m);
	}
	for (unsigned i = 0; i < d->nworkers; i++)
		for (unsigned q = 0; q < d->w[i].nrxq; q++)
			fprintf(stderr, "zwd:   lcore %u polls port %u queue "
					"%u%s%s\n",
				d->w[i].lcore, d->w[i].rxq[q].port,
				d->w[i].rxq[q].queue,
				d->w[i].rxq[q].from_kernel ? " (kernel)" : "",
				d->w[i].rxq[q].cfg.tx_udp_csum
					? " (TX checksum offload)"
					: "");
	fprintf(stderr, "zwd:   %u mbufs %s\n", d->mp->size,
		pool_on_thp(d->mp) ? "on transparent huge pages (external heap)"
			  : rte_eal_has_hugepages() ? "on hugepages"
						    : "in EAL memory");
}

static void run(struct zw_dp *d)
{
	for (unsigned i = 1; i < d->nworkers; i++)
		rte_eal_remote_launch(zw_dp_worker_main, &d->w[i],
				      d->w[i].lcore);
	zw_dp_worker_main(&d->w[0]);
	rte_eal_mp_wait_lcore();
}

static void final_stats(struct zw_dp *d)
{
	struct zw_stats t = {0};
	double up = zw_dp_now() - d->t0;
	for (unsigned i = 0; i < d->nworkers; i++)
		zw_stats_sum(&t, &d->stats[i]);
	printf("zwd: stopped after %.1f s: rx %llu, answered %llu, worker CPU "
	       "%.2f s, exception %llu/%llu\n",
	       up, (unsigned long long)t.rx, (unsigned long long)t.answered,
	       (double)t.cpu_ns / 1e9,
	       (unsigned long long)t.except_out,
	       (unsigned long long)t.except_in);
	fflush(stdout);
}

static struct zw_tset *first_tables(struct zw_dp *d)
{
	char err[ERRLEN];
	if (!d->o.ntables) {
		struct zw_tset *ts = calloc(1, sizeof(*ts));
		if (!ts)
			die("%s", "out of memory");
		return ts;
	}
	struct zw_tset *ts = zw_dp_tables_load(&d->o, 1, err, sizeof(err));
	if (!ts)
		die("%s", err);
	d->gen = 1;
	return ts;
}

int main(int argc, char **argv)
{
	char err[ERRLEN];
	int sep = 1;

	while (sep < argc && strcmp(argv[sep], "--"))
		sep++;
	if (sep >= argc)
		usage();
	parse(argc - sep - 1, argv + sep + 1, &dp.o);
	dp.ts = first_tables(&dp);
	if (rte_eal_init(sep, argv) < 0)
		die("EAL init failed: %s", rte_strerror(rte_errno));
	eal_up = true;
	zw_dp_global = &dp;
	init_workers(&dp);
	init_rcu(&dp);
	init_rrl(&dp);
	dp.mp = mbuf_pool(dp.o.mbufs);
	if (!dp.mp)
		die("mbuf pool: %s (try a larger -m)", rte_strerror(rte_errno));
	if (zw_dp_ports_init(&dp, err, sizeof(err)) < 0) {
		zw_dp_ports_close(&dp);
		die("%s", err);
	}
	describe(&dp);
	signals();
	dp.t0 = zw_dp_now();
	if (zw_dp_ctl_start(&dp, err, sizeof(err)) < 0) {
		zw_dp_ports_close(&dp);
		die("%s", err);
	}
	run(&dp);
	zw_dp_ctl_join(&dp);
	final_stats(&dp);
	zw_dp_ports_close(&dp);
	zw_dp_tables_free(dp.ts);
	zw_rrl_free(dp.rrl);
	rte_eal_cleanup();
	remove_runtime_dir();
	return 0;
}
