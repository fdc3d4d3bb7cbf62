/* Building every table node on several threads (compile_out.h): the
 * zone's nodes are cut into fixed chunks; threads record chunks in any
 * order (claiming the next free one), the calling thread assembles them
 * strictly in node order and records chunks itself while the next one to
 * assemble is not ready. At most `nring` chunks are in flight, so memory
 * stays bounded and their buffers are reused. With one thread this is
 * record, assemble, record, ... on the caller: the same table. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/err.h"
#include "zonecompile/compile_out.h"

#define CHUNK_NODES 8192
#define MAX_THREADS 64

struct pool {
	struct cc *cc;
	struct cz_chunk *ring;
	size_t nring, nchunks;
	size_t claim;     /* next chunk to record */
	size_t assembled; /* chunks assembled so far */
	double record_cpu; /* thread CPU seconds spent recording */
	bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* any chunk recorded or assembled, or stop */
};

struct worker {
	struct pool *p;
	struct crec *w;
	pthread_t t;
	bool started;
};

static struct cz_chunk *ring_slot(struct pool *p, size_t c)
{
	return &p->ring[c % p->nring];
}

/* Under the lock: the chunk to record next, or SIZE_MAX for none now. */
static size_t take(struct pool *p)
{
	if (p->stop || p->claim >= p->nchunks ||
	    p->claim >= p->assembled + p->nring)
		return SIZE_MAX;
	return p->claim++;
}

static void record(struct pool *p, struct crec *w, size_t c)
{
	struct cz_chunk *ch = ring_slot(p, c);
	size_t from = c * CHUNK_NODES, to = from + CHUNK_NODES;
	cr_chunk_reset(ch, from, to < p->cc->cz.n ? to : p->cc->cz.n);
	double t0 = cc_clock(CLOCK_THREAD_CPUTIME_ID);
	cr_record_chunk(w, ch);
	double t = cc_clock(CLOCK_THREAD_CPUTIME_ID) - t0;
	pthread_mutex_lock(&p->mu);
	p->record_cpu += t;
	ch->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		size_t c = take(p);
		if (c != SIZE_MAX) {
			pthread_mutex_unlock(&p->mu);
			record(p, wk->w, c);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		if (p->stop || p->claim >= p->nchunks)
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Wait until chunk a is recorded, recording others meanwhile. */
static void wait_chunk(struct pool *p, size_t a)
{
	struct cz_chunk *ch = ring_slot(p, a);
	pthread_mutex_lock(&p->mu);
	while (!ch->done || p->claim <= a) {
		size_t c = take(p);
		if (c != SIZE_MAX) {
			pthread_mutex_unlock(&p->mu);
			record(p, p->cc->main, c);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

static int assemble_all(struct pool *p)
{
	struct cc *cc = p->cc;
	for (size_t a = 0; a < p->nchunks; a++) {
		wait_chunk(p, a);
		struct cz_chunk *ch = ring_slot(p, a);
		if (ch->rc < 0) {
			snprintf(cc->err, cc->errlen, "%s", ch->err);
			return ch->rc;
		}
		double t0 = cc_clock(CLOCK_THREAD_CPUTIME_ID);
		int rc = cc_assemble_nodes(cc, ch);
		cc->stats.assemble_cpu += cc_clock(CLOCK_THREAD_CPUTIME_ID) - t0;
		if (rc < 0)
			return rc;
		pthread_mutex_lock(&p->mu);
		ch->done = false;
		p->assembled = a + 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return 0;
}

static unsigned thread_count(unsigned want, size_t nchunks)
{
	if (!want) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		want = n > 0 ? (unsigned)n : 1;
	}
	if (want > MAX_THREADS)
		want = MAX_THREADS;
	if (want > nchunks)
		want = nchunks ? (unsigned)nchunks : 1;
	return want;
}

static struct crec *recorder_new(const struct cc *cc)
{
	struct crec *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cc = cc;
	w->cz = cc->cz;
	w->cz.err = w->errbuf;
	w->cz.errlen = sizeof(w->errbuf);
	return w;
}

static void stop_workers(struct pool *p, struct worker *wk, unsigned n)
{
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < n; i++) {
		if (wk[i].started)
			pthread_join(wk[i].t, NULL);
		free(wk[i].w);
	}
}

static int start_workers(struct pool *p, struct worker *wk, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		wk[i].p = p;
		if (!(wk[i].w = recorder_new(p->cc)))
			return ZW_ENOMEM;
		if (pthread_create(&wk[i].t, NULL, work, &wk[i]))
			return 0; /* fewer helpers: the caller records more */
		wk[i].started = true;
	}
	return 0;
}

int cc_build_nodes(struct cc *cc, unsigned threads)
{
	struct pool p = {.cc = cc};
	struct worker wk[MAX_THREADS];
	p.nchunks = (cc->cz.n + CHUNK_NODES - 1) / CHUNK_NODES;
	unsigned nt = thread_count(threads, p.nchunks);
	p.nring = nt > 1 ? 4u * nt : 1;
	p.ring = calloc(p.nring, sizeof(*p.ring));
	memset(wk, 0, sizeof(wk));
	if (!p.ring)
		return ZW_ENOMEM;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	int rc = start_workers(&p, wk, nt - 1);
	if (rc >= 0)
		rc = assemble_all(&p);
	stop_workers(&p, wk, nt - 1);
	cc->stats.threads = nt;
	cc->stats.record_cpu = p.record_cpu;
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	for (size_t i = 0; i < p.nring; i++)
		cr_chunk_free(&p.ring[i]);
	free(p.ring);
	return rc;
}
