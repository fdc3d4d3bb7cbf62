/* Threads and ordered output. Nodes are cut into chunks taken in order by
 * the worker threads; a worker signs its chunk into its own buffer, then
 * trades that buffer for the empty one waiting in the chunk's slot of a
 * small ring. The calling thread writes the slots in chunk order and hands
 * each slot back. Memory stays bounded by the ring, buffers are reused, and
 * output streams while signing goes on. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "zonecompile/sign_int.h"

#define CHUNK_NODES 256
#define SLOTS_PER_THREAD 4

struct slot {
	char *buf;
	size_t len, cap;
	size_t ready;           /* chunk whose text is here, or SIZE_MAX */
	size_t free_for;        /* chunk that may fill this slot next */
};

struct run {
	struct zw_signer *s;
	size_t nchunks;
	atomic_size_t next;
	struct slot *slot;
	size_t nslots;
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* any change of a slot or of err */
	_Atomic int err;
	struct sign_worker *w;
};

/* ---- parallel helper ---- */

struct par {
	void (*fn)(void *arg, unsigned t, unsigned nt);
	void *arg;
	unsigned t, nt;
};

static void *par_main(void *p)
{
	struct par *a = p;

	a->fn(a->arg, a->t, a->nt);
	return NULL;
}

void sign_parallel(struct zw_signer *s,
		   void (*fn)(void *arg, unsigned t, unsigned nt), void *arg)
{
	unsigned nt = s->threads;
	pthread_t tid[256];
	struct par a[256];
	unsigned started = 1;

	for (unsigned t = 1; t < nt; t++) {
		a[t] = (struct par){ fn, arg, t, nt };
		if (pthread_create(&tid[t], NULL, par_main, &a[t]) != 0)
			break;
		started++;
	}
	if (started < nt) {     /* could not start them all: do the rest */
		for (unsigned t = started; t < nt; t++)
			fn(arg, t, nt);
	}
	fn(arg, 0, nt);
	for (unsigned t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
}

/* ---- nonce makers (while the zone is parsed) ---- */

struct makers {
	pthread_t tid[256];
	unsigned n;
	struct sign_p256 *eng[SIGN_MAX_KEYS];
	size_t neng;
};

static void *maker_main(void *p)
{
	sign_p256_produce(p);
	return NULL;
}

/* One thread per core beyond the parser's, spread over the keys that will
 * sign the data. Their engines become the signer's (s->eng). */
void sign_makers_start(struct zw_signer *s, size_t pool)
{
	const struct zw_key *k[SIGN_MAX_KEYS];
	size_t nk = sign_keys_likely_data(s, k);
	struct makers *m;

	if (s->threads < 2 || !nk || !(m = calloc(1, sizeof *m)))
		return;
	for (size_t i = 0; i < nk && s->neng < SIGN_MAX_KEYS; i++)
		if ((s->eng[s->neng] = sign_p256_new(k[i], pool)))
			m->eng[m->neng++] = s->eng[s->neng++];
	for (unsigned t = 0; m->neng && t + 1 < s->threads; t++)
		if (pthread_create(&m->tid[m->n], NULL, maker_main,
				   m->eng[t % m->neng]) == 0)
			m->n++;
	s->makers = m;
}

void sign_makers_stop(struct zw_signer *s)
{
	struct makers *m = s->makers;

	if (!m)
		return;
	for (size_t i = 0; i < m->neng; i++)
		sign_p256_stop(m->eng[i]);
	for (unsigned t = 0; t < m->n; t++)
		pthread_join(m->tid[t], NULL);
	for (size_t i = 0; i < m->neng; i++)
		s->st.nonces_ahead += sign_p256_made(m->eng[i]);
	free(m);
	s->makers = NULL;
}

/* ---- one chunk ---- */

static int render_chunk(struct sign_worker *w, size_t c)
{
	const struct zw_signer *s = w->s;
	size_t a = c * CHUNK_NODES, b = a + CHUNK_NODES, k = 0;
	bool n3 = s->o.nsec3;

	if (b > s->nnodes)
		b = s->nnodes;
	if (n3)
		k = sign_nsec3_first_at(s, a);
	for (size_t i = a; i < b; i++) {
		while (n3 && k < s->nn3 && s->n3[k].pos <= i)
			if (sign_nsec3_record(w, k++) < 0)
				return w->err;
		if (sign_node(w, i) < 0)
			return w->err;
	}
	while (n3 && b == s->nnodes && k < s->nn3)
		if (sign_nsec3_record(w, k++) < 0)
			return w->err;
	return 0;
}

static void fail_run(struct run *r, struct sign_worker *w)
{
	pthread_mutex_lock(&r->mu);
	if (!r->err) {
		r->err = w->err;
		memcpy(r->s->err, w->msg, sizeof w->msg);
	}
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* Trade the worker's filled buffer for the slot's empty one. */
static bool hand_over(struct run *r, struct sign_worker *w, size_t c)
{
	struct slot *sl = &r->slot[c % r->nslots];
	char *b;
	size_t cap;

	pthread_mutex_lock(&r->mu);
	while (sl->free_for != c && !r->err)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->err) {
		pthread_mutex_unlock(&r->mu);
		return false;
	}
	b = sl->buf;
	cap = sl->cap;
	sl->buf = w->out;
	sl->cap = w->cap;
	sl->len = w->len;
	sl->ready = c;
	w->out = b;
	w->cap = cap;
	w->len = 0;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return true;
}

static void work(void *arg, unsigned t, unsigned nt)
{
	struct run *r = arg;
	struct sign_worker *w = &r->w[t];
	size_t c;

	(void)nt;
	while (!r->err && (c = atomic_fetch_add(&r->next, 1)) < r->nchunks) {
		w->len = 0;
		if (render_chunk(w, c) < 0) {
			fail_run(r, w);
			return;
		}
		if (!hand_over(r, w, c))
			return;
	}
}

/* ---- the writer (calling thread) ---- */

struct writer {
	struct run *r;
	zw_sign_write_fn *write;
	void *ctx;
};

static int write_chunks(struct writer *wr)
{
	struct run *r = wr->r;

	for (size_t c = 0; c < r->nchunks; c++) {
		struct slot *sl = &r->slot[c % r->nslots];
		int rc;

		pthread_mutex_lock(&r->mu);
		while (sl->ready != c && !r->err)
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		if (r->err)
			return r->err;
		rc = sl->len ? wr->write(wr->ctx, sl->buf, sl->len) : 0;
		r->s->st.bytes += sl->len;
		pthread_mutex_lock(&r->mu);
		if (rc < 0 && !r->err) {
			r->err = rc;
			sign_fail(r->s, rc, "writing the signed zone: %s",
				  zw_strerror(rc));
		}
		sl->ready = SIZE_MAX;
		sl->free_for = c + r->nslots;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void *writer_main(void *p)
{
	struct writer *wr = p;

	write_chunks(wr);
	return NULL;
}

/* ---- setup ---- */

static int run_init(struct run *r, struct zw_signer *s)
{
	memset(r, 0, sizeof *r);
	r->s = s;
	r->nchunks = (s->nnodes + CHUNK_NODES - 1) / CHUNK_NODES;
	r->nslots = (size_t)s->threads * SLOTS_PER_THREAD;
	r->slot = calloc(r->nslots, sizeof *r->slot);
	r->w = calloc(s->threads, sizeof *r->w);
	if (!r->slot || !r->w)
		return ZW_ENOMEM;
	for (size_t i = 0; i < r->nslots; i++) {
		r->slot[i].ready = SIZE_MAX;
		r->slot[i].free_for = i;
	}
	for (unsigned t = 0; t < s->threads; t++)
		sign_worker_init(&r->w[t], s);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return 0;
}

static void run_done(struct run *r)
{
	struct zw_sign_stats *st = &r->s->st;

	for (unsigned t = 0; r->w && t < r->s->threads; t++) {
		struct sign_worker *w = &r->w[t];

		st->nodes += w->nodes;
		st->rrsets_signed += w->rrsets;
		st->sigs_new += w->sigs_new;
		st->sigs_kept += w->sigs_kept;
		st->sigs_dropped += w->sigs_dropped;
		st->nsec += w->nsec;
		sign_worker_free(w);
	}
	for (size_t i = 0; r->slot && i < r->nslots; i++)
		free(r->slot[i].buf);
	free(r->slot);
	free(r->w);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

/* Workers on every thread of sign_parallel; the writer on one more thread
 * so the caller's thread signs too (write() is mostly a memcpy into the
 * page cache and sleeps otherwise). */
int sign_run(struct zw_signer *s, zw_sign_write_fn *write, void *ctx)
{
	struct run r;
	struct writer wr = { &r, write, ctx };
	pthread_t wt;
	int rc = run_init(&r, s);

	if (rc < 0) {
		run_done(&r);
		return sign_fail(s, rc, "out of memory");
	}
	if (pthread_create(&wt, NULL, writer_main, &wr) != 0) {
		run_done(&r);
		return sign_fail(s, ZW_ENOMEM, "cannot start a thread");
	}
	sign_parallel(s, work, &r);
	pthread_join(wt, NULL);
	rc = r.err;
	run_done(&r);
	return rc;
}
