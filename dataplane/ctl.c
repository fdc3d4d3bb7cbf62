/* The control thread: a unix stream socket taking one command per
 * connection ("reload", "stats", "stop"; zwctl speaks it), SIGHUP
 * reloads, periodic stats lines, the --duration timer. Runs beside the
 * workers and never touches their queues; table swaps wait for them
 * through RCU. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/dp.h"

#define CMD_MAX 256
#define JSON_MAX (64 * 1024)

static pthread_t ctl_thread;
static int ctl_fd = -1;

double zw_dp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t zw_dp_stats_json(struct zw_dp *dp, char *buf, size_t cap)
{
	return zw_stats_json(buf, cap, dp->stats, dp->lcores, dp->nworkers,
			     zw_dp_now() - dp->t0);
}

static int listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	unlink(path); /* a stale socket of an earlier run */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static size_t read_cmd(int fd, char *buf)
{
	struct timeval tv = {1, 0};
	size_t n = 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n < CMD_MAX - 1) {
		ssize_t r = recv(fd, buf + n, CMD_MAX - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = 0;
	buf[strcspn(buf, "\r\n")] = 0;
	return n;
}

static void serve(struct zw_dp *dp, int fd)
{
	char cmd[CMD_MAX], msg[512];
	read_cmd(fd, cmd);
	if (!strcmp(cmd, "reload")) {
		zw_dp_tables_swap(dp, msg, sizeof(msg));
		fprintf(stderr, "zwd: reload: %s\n", msg);
		strcat(msg, "\n");
		write_all(fd, msg, strlen(msg));
	} else if (!strcmp(cmd, "stats")) {
		char *j = malloc(JSON_MAX);
		if (j) {
			size_t n = zw_dp_stats_json(dp, j, JSON_MAX);
			write_all(fd, j, n < JSON_MAX ? n : JSON_MAX - 1);
			free(j);
		}
	} else if (!strcmp(cmd, "stop")) {
		__atomic_store_n(&dp->stop, 1, __ATOMIC_RELAXED);
		write_all(fd, "ok: stopping\n", 13);
	} else {
		snprintf(msg, sizeof(msg), "error: unknown command '%.64s' "
					   "(reload, stats, stop)\n", cmd);
		write_all(fd, msg, strlen(msg));
	}
}

static void total(struct zw_dp *dp, struct zw_stats *t)
{
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < dp->nworkers; i++)
		zw_stats_sum(t, &dp->stats[i]);
}

static void print_stats(struct zw_dp *dp, struct zw_stats *prev,
			double *tprev)
{
	struct zw_stats now;
	char line[512];
	double t = zw_dp_now();
	total(dp, &now);
	zw_stats_line(line, sizeof(line), &now, prev, t - *tprev);
	printf("zwd: %.1fs %s\n", t - dp->t0, line);
	fflush(stdout);
	*prev = now;
	*tprev = t;
}

static void *ctl_main(void *arg)
{
	struct zw_dp *dp = arg;
	struct zw_stats prev = {0};
	double tprev = zw_dp_now(), tnext = tprev + dp->o.stats_interval;
	char msg[512];

	while (!__atomic_load_n(&dp->stop, __ATOMIC_RELAXED)) {
		struct pollfd p = {ctl_fd, POLLIN, 0};
		if (poll(&p, ctl_fd >= 0 ? 1 : 0, 100) > 0) {
			int c = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				serve(dp, c);
				close(c);
			}
		}
		if (__atomic_exchange_n(&dp->reload, 0, __ATOMIC_RELAXED)) {
			zw_dp_tables_swap(dp, msg, sizeof(msg));
			fprintf(stderr, "zwd: SIGHUP reload: %s\n", msg);
		}
		double t = zw_dp_now();
		if (dp->o.stats_interval && t >= tnext) {
			print_stats(dp, &prev, &tprev);
			tnext += dp->o.stats_interval;
		}
		if (dp->o.duration > 0 && t - dp->t0 >= dp->o.duration)
			__atomic_store_n(&dp->stop, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Off the workers' cores when there are others (the thread inherited
 * the main lcore's affinity). */
static void ctl_affinity(struct zw_dp *dp)
{
	cpu_set_t set;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	CPU_ZERO(&set);
	for (long c = 0; c < ncpu && c < CPU_SETSIZE; c++)
		CPU_SET((int)c, &set);
	cpu_set_t all = set;
	for (unsigned i = 0; i < dp->nworkers; i++)
		CPU_CLR((int)rte_lcore_to_cpu_id((int)dp->lcores[i]), &set);
	pthread_setaffinity_np(ctl_thread, sizeof(set),
			       CPU_COUNT(&set) ? &set : &all);
}

int zw_dp_ctl_start(struct zw_dp *dp, char *err, size_t errlen)
{
	if (dp->o.control &&
	    (ctl_fd = listen_unix(dp->o.control, err, errlen)) < 0)
		return -1;
	int rc = pthread_create(&ctl_thread, NULL, ctl_main, dp);
	if (rc) {
		snprintf(err, errlen, "control thread: %s", strerror(rc));
		return -1;
	}
	ctl_affinity(dp);
	return 0;
}

void zw_dp_ctl_join(struct zw_dp *dp)
{
	pthread_join(ctl_thread, NULL);
	if (ctl_fd >= 0) {
		close(ctl_fd);
		unlink(dp->o.control);
	}
}
