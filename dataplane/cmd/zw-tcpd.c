/* zw-tcpd --table FILE [--table FILE ...] --listen ADDR[@PORT] [--listen ...]
 *         [--max-clients N] [--idle-timeout SEC] [--pidfile FILE]
 *
 * The kernel-side TCP/53 responder behind zwd's exception port: serves
 * the same compiled tables over TCP (RFC 7766: length-prefixed messages,
 * several queries per connection, answered in order) so that `dig +tcp`
 * and the fallback after a truncated UDP answer work. One thread, epoll,
 * non-blocking sockets. Binds with IP_FREEBIND, so it may start before
 * zwd has put the address on its exception interface. SIGHUP re-opens
 * the tables; SIGINT/SIGTERM stop it. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dataplane/engine.h"

#define MSG_MAX 65535
#define MAX_LISTEN 8
#define EV_MAX 64

struct conn {
	int fd;
	time_t last;
	size_t inlen;           /* octets in in[] */
	size_t outlen, outoff;  /* pending response */
	uint8_t in[2 + MSG_MAX];
	uint8_t out[2 + MSG_MAX];
};

static struct {
	const char *tables[ZW_TSET_MAX];
	unsigned ntables;
	const char *listen[MAX_LISTEN];
	unsigned nlisten;
	unsigned max_clients;
	unsigned idle;
	const char *pidfile;
} o = {.max_clients = 256, .idle = 10};

static struct zw_tset *ts;
static struct conn **conns;
static volatile sig_atomic_t stop, reload;
static int ep;
static unsigned nconns;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: zw-tcpd --table FILE [--table FILE ...] "
			"--listen ADDR[@PORT] [--listen ...]\n"
			"               [--max-clients N] [--idle-timeout SEC] "
			"[--pidfile FILE]\n");
	exit(1);
}

static struct zw_tset *load(void)
{
	char err[ZW_TABLE_ERRMAX];
	struct zw_tset *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	for (unsigned i = 0; i < o.ntables; i++) {
		if (!(t->t[i] = zw_table_open(o.tables[i], err))) {
			fprintf(stderr, "zw-tcpd: %s\n", err);
			for (unsigned j = 0; j < i; j++)
				zw_table_close(t->t[j]);
			free(t);
			return NULL;
		}
		t->n++;
	}
	return t;
}

static void free_tset(struct zw_tset *t)
{
	for (unsigned i = 0; t && i < t->n; i++)
		zw_table_close(t->t[i]);
	free(t);
}

static int parse_listen(const char *s, struct sockaddr_storage *ss,
			socklen_t *sl)
{
	char buf[128];
	unsigned port = 53;
	snprintf(buf, sizeof(buf), "%s", s);
	char *at = strrchr(buf, '@');
	if (at) {
		*at = 0;
		port = (unsigned)atoi(at + 1);
		if (port == 0 || port > 65535)
			return -1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, buf, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*a4);
	} else if (inet_pton(AF_INET6, buf, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a6);
	} else {
		return -1;
	}
	return 0;
}

static int open_listener(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1;
	if (parse_listen(spec, &ss, &sl) < 0) {
		fprintf(stderr, "zw-tcpd: bad --listen '%s'\n", spec);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 128) < 0) {
		fprintf(stderr, "zw-tcpd: listen %s: %s\n", spec,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (i + 1 >= argc)
			usage();
		if (!strcmp(s, "--table") && o.ntables < ZW_TSET_MAX)
			o.tables[o.ntables++] = argv[++i];
		else if (!strcmp(s, "--listen") && o.nlisten < MAX_LISTEN)
			o.listen[o.nlisten++] = argv[++i];
		else if (!strcmp(s, "--max-clients"))
			o.max_clients = (unsigned)atoi(argv[++i]);
		else if (!strcmp(s, "--idle-timeout"))
			o.idle = (unsigned)atoi(argv[++i]);
		else if (!strcmp(s, "--pidfile"))
			o.pidfile = argv[++i];
		else
			usage();
	}
	if (!o.ntables || !o.nlisten || !o.max_clients || !o.idle)
		usage();
}

static void drop_conn(unsigned i)
{
	close(conns[i]->fd);
	free(conns[i]);
	conns[i] = NULL;
	nconns--;
}

static void accept_all(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		unsigned i = 0;
		while (i < o.max_clients && conns[i])
			i++;
		struct conn *c = i < o.max_clients ? malloc(sizeof(*c)) : NULL;
		if (!c) {
			close(fd); /* full: the client retries */
			continue;
		}
		c->fd = fd;
		c->last = time(NULL);
		c->inlen = c->outlen = c->outoff = 0;
		conns[i] = c;
		nconns++;
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.u64 = (uint64_t)i + MAX_LISTEN};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
}

/* Write what is pending; 1 all written, 0 would block, -1 error. */
static int flush(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(c->fd, c->out + c->outoff,
				 c->outlen - c->outoff, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->outoff += (size_t)w;
	}
	c->outlen = c->outoff = 0;
	return 1;
}

/* Answer the complete query at the head of in[], if there is one. */
static int answer_one(struct conn *c)
{
	static const struct zw_answer_opts tcp = {.tcp = true};
	if (c->inlen < 2)
		return 0;
	size_t qlen = (size_t)c->in[0] << 8 | c->in[1];
	if (c->inlen < 2 + qlen)
		return 0;
	const struct zw_table *t = zw_engine_pick(ts, c->in + 2, qlen);
	int n = zw_table_answer(t, c->in + 2, qlen, c->out + 2, MSG_MAX, &tcp);
	memmove(c->in, c->in + 2 + qlen, c->inlen - 2 - qlen);
	c->inlen -= 2 + qlen;
	if (n <= 0)
		return n < 0 ? -1 : 1; /* a response: nothing to say */
	c->out[0] = (uint8_t)(n >> 8);
	c->out[1] = (uint8_t)n;
	c->outlen = 2 + (size_t)n;
	c->outoff = 0;
	return 1;
}

static int serve(struct conn *c)
{
	for (;;) {
		int f = flush(c);
		if (f <= 0)
			return f;
		int a = answer_one(c);
		if (a < 0)
			return -1;
		if (a > 0)
			continue;
		ssize_t r = recv(c->fd, c->in + c->inlen,
				 sizeof(c->in) - c->inlen, 0);
		if (r == 0)
			return -1;
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		c->inlen += (size_t)r;
		c->last = time(NULL);
	}
}

static void on_conn(unsigned i)
{
	struct conn *c = conns[i];
	if (!c)
		return;
	int rc = serve(c);
	if (rc < 0) {
		drop_conn(i);
		return;
	}
	struct epoll_event ev = {.events = c->outlen ? EPOLLOUT : EPOLLIN,
				 .data.u64 = (uint64_t)i + MAX_LISTEN};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void expire(void)
{
	time_t now = time(NULL);
	for (unsigned i = 0; i < o.max_clients; i++)
		if (conns[i] && now - conns[i]->last >= (time_t)o.idle)
			drop_conn(i);
}

static void do_reload(void)
{
	struct zw_tset *n = load();
	if (!n) {
		fprintf(stderr, "zw-tcpd: reload failed, keeping the old "
				"tables\n");
		return;
	}
	free_tset(ts);
	ts = n;
	fprintf(stderr, "zw-tcpd: reloaded %u table(s)\n", n->n);
}

static void setup_signals(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void write_pidfile(void)
{
	FILE *f = o.pidfile ? fopen(o.pidfile, "w") : NULL;
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	int lfd[MAX_LISTEN];

	parse(argc, argv);
	if (!(ts = load()))
		return 1;
	conns = calloc(o.max_clients, sizeof(*conns));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || ep < 0)
		return 1;
	for (unsigned i = 0; i < o.nlisten; i++) {
		if ((lfd[i] = open_listener(o.listen[i])) < 0)
			return 1;
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = i};
		epoll_ctl(ep, EPOLL_CTL_ADD, lfd[i], &ev);
	}
	setup_signals();
	write_pidfile();
	fprintf(stderr, "zw-tcpd: serving %u table(s) on %u address(es)\n",
		ts->n, o.nlisten);
	while (!stop) {
		struct epoll_event ev[EV_MAX];
		int n = epoll_wait(ep, ev, EV_MAX, 1000);
		for (int i = 0; i < n; i++) {
			uint64_t id = ev[i].data.u64;
			if (id < MAX_LISTEN)
				accept_all(lfd[id]);
			else
				on_conn((unsigned)(id - MAX_LISTEN));
		}
		if (reload) {
			reload = 0;
			do_reload();
		}
		expire();
	}
	for (unsigned i = 0; i < o.max_clients; i++)
		if (conns[i])
			drop_conn(i);
	free_tset(ts);
	if (o.pidfile)
		unlink(o.pidfile);
	return 0;
}
