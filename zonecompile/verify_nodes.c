/* Verifier: the pass over every node, cut into chunks that worker threads
 * take in turn. Per chunk: queue every RRSIG of every RRset (P-256 ones in
 * the batch engine, the rest verified at once), flush, then walk the
 * chunk's nodes again to judge each RRset and its NSEC in zone order. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "crypto/batchverify.h"
#include "crypto/rrsig.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/verify_int.h"

#define CAND_MAX 4          /* keys sharing one algorithm and tag */

enum sig_state {
	S_PENDING, S_GOOD, S_BAD, S_EXPIRED, S_NOTYET, S_NOKEY, S_MALF,
	S_SIGNER, S_LABELS, S_REVOKED, S_SKIP,
};

/* One RRSIG being judged. */
struct vsig {
	uint32_t exp, inc;
	uint16_t tag;
	uint8_t alg;
	int8_t ai;               /* algorithm index, -1 unknown */
	uint8_t state;
	uint8_t labels;
};

enum set_kind { K_AUTH, K_UNEXPECTED, K_ORPHAN };

/* One RRset and its signatures sigs[first .. first+nsig). */
struct vset {
	uint32_t node, first, nsig;
	uint16_t type;
	uint8_t kind;
};

struct vthr {
	struct zw_verify *v;
	struct vset *sets;
	size_t nsets, capsets;
	struct vsig *sigs;
	size_t nsigs, capsigs;
	uint32_t slot[ZW_BV_BATCH_MAX];   /* batch position -> sig index */
	void *cmem, *bmem;
	struct zw_bv_batch *batch;
	uint8_t *in;
	size_t incap;
	EVP_MD *sha256;
	EVP_MD_CTX *md;
	struct zw_rdata_ref *refs;
	size_t refcap;
	struct zw_nsec3_batch *hb;
	uint64_t checked, batched, bad, expired, rrsets;
	int fail;
};

/* ---- per-thread state ---- */

static int thr_init(struct vthr *t, struct zw_verify *v)
{
	*t = (struct vthr){.v = v};
	size_t clen = zw_bv_cache_size(8, 4), blen = zw_bv_batch_size();
	t->cmem = aligned_alloc(64, (clen + 63) & ~(size_t)63);
	t->bmem = aligned_alloc(64, (blen + 63) & ~(size_t)63);
	t->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	t->md = EVP_MD_CTX_new();
	if (!t->cmem || !t->bmem || !t->sha256 || !t->md)
		return ZW_ENOMEM;
	/* Keys get their own fixed-base table after a few uses: a zone's
	 * signatures come from one or two keys. */
	struct zw_bv_cache *c = zw_bv_cache_init(t->cmem, clen, 8, 4, 16);
	t->batch = c ? zw_bv_batch_init(t->bmem, blen, c) : NULL;
	if (!t->batch)
		return ZW_ENOMEM;
	if (v->nsec3 && !(t->hb = zw_nsec3_batch_new(ZW_NSEC3_IMPL_AUTO)))
		return ZW_ENOMEM;
	return 0;
}

static void thr_free(struct vthr *t)
{
	free(t->sets);
	free(t->sigs);
	free(t->cmem);
	free(t->bmem);
	free(t->in);
	free(t->refs);
	EVP_MD_free(t->sha256);
	EVP_MD_CTX_free(t->md);
	zw_nsec3_batch_free(t->hb);
}

static bool grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 1024;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static struct vset *new_set(struct vthr *t, size_t node, uint16_t type,
			    enum set_kind kind)
{
	if (!grow((void **)&t->sets, &t->capsets, t->nsets, sizeof *t->sets))
		return NULL;
	struct vset *s = &t->sets[t->nsets++];
	*s = (struct vset){(uint32_t)node, (uint32_t)t->nsigs, 0, type,
			   (uint8_t)kind};
	return s;
}

/* ---- signatures ---- */

static void flush_batch(struct vthr *t)
{
	int verdicts[ZW_BV_BATCH_MAX];
	unsigned n = zw_bv_flush(t->batch, verdicts);
	for (unsigned i = 0; i < n; i++)
		t->sigs[t->slot[i]].state = verdicts[i] == 0 ? S_GOOD : S_BAD;
}

/* P-256 with one candidate key: digest now, verify with the batch. */
static bool queue_p256(struct vthr *t, const struct zw_key *k,
		       const struct zw_rrsig *s, size_t inlen, uint32_t idx)
{
	uint8_t dg[32];
	unsigned dlen = 0;
	if (!EVP_DigestInit_ex2(t->md, t->sha256, NULL) ||
	    !EVP_DigestUpdate(t->md, t->in, inlen) ||
	    !EVP_DigestFinal_ex(t->md, dg, &dlen))
		return false;
	struct zw_bv_item it = {ZW_ALG_ECDSAP256, k->pub, k->publen, dg, 32,
				s->sig, s->siglen};
	int pos = zw_bv_add(t->batch, &it);
	if (pos == ZW_ENOSPC) {
		flush_batch(t);
		pos = zw_bv_add(t->batch, &it);
	}
	if (pos < 0)
		return false;
	t->slot[pos] = idx;
	t->batched++;
	return true;
}

/* Cryptographic check of sig idx over ref by the candidate keys. */
static int crypto_check(struct vthr *t, const struct zw_rrset_ref *ref,
			const struct zw_rrsig *s, const unsigned *cand,
			unsigned nc, uint32_t idx)
{
	size_t need = zw_rrsig_input_size(ref, s->signer);
	if (need > t->incap) {
		uint8_t *b = realloc(t->in, need);
		if (!b)
			return ZW_ENOMEM;
		t->in = b;
		t->incap = need;
	}
	int len = zw_rrsig_input(s, ref, t->in, t->incap);
	if (len == ZW_ENOMEM)
		return len;
	if (len < 0) {
		t->sigs[idx].state = S_MALF;
		return 0;
	}
	t->checked++;
	const struct zw_key *k0 = t->v->keys[cand[0]].key;
	if (nc == 1 && s->alg == ZW_ALG_ECDSAP256 &&
	    queue_p256(t, k0, s, (size_t)len, idx))
		return 0;
	t->sigs[idx].state = S_BAD;
	for (unsigned i = 0; i < nc; i++)
		if (zw_key_verify(t->v->keys[cand[i]].key, t->in, (size_t)len,
				  s->sig, s->siglen) == 0)
			t->sigs[idx].state = S_GOOD;
	return 0;
}

/* Everything about one RRSIG but the cryptography; S_PENDING when the
 * signature itself must be checked. */
static enum sig_state precheck(struct vthr *t, const struct zw_rrset_ref *ref,
			       const struct zw_rrsig *s, unsigned *cand,
			       unsigned *nc, int8_t *ai)
{
	struct zw_verify *v = t->v;
	if (!zw_name_equal(s->signer, v->apex))
		return S_SIGNER;
	if (s->labels != zw_name_rrsig_labels(ref->owner))
		return S_LABELS;
	*nc = zw_vkeys_find(v, s->alg, s->key_tag, cand, CAND_MAX);
	if (*nc == 0)
		return S_NOKEY;
	*ai = (int8_t)v->keys[cand[0]].alg;
	if (!(v->active & (1u << *ai)))
		return S_SKIP;
	if (!zw_rrsig_time_ok(s->inception, s->expiration, v->o->now))
		return (int32_t)(s->expiration - (uint32_t)v->o->now) < 0
			       ? S_EXPIRED : S_NOTYET;
	unsigned w = 0;
	for (unsigned i = 0; i < *nc; i++)
		if (!v->keys[cand[i]].revoked || ref->type == ZW_TYPE_DNSKEY)
			cand[w++] = cand[i];
	*nc = w;
	return w ? S_PENDING : S_REVOKED;
}

static int add_sig(struct vthr *t, const struct zw_rrset_ref *ref,
		   const uint8_t *rd, uint16_t len)
{
	if (!grow((void **)&t->sigs, &t->capsigs, t->nsigs, sizeof *t->sigs))
		return ZW_ENOMEM;
	uint32_t idx = (uint32_t)t->nsigs++;
	struct vsig *g = &t->sigs[idx];
	struct zw_rrsig s;
	unsigned cand[CAND_MAX], nc = 0;
	*g = (struct vsig){.ai = -1, .state = S_MALF};
	if (zw_rrsig_parse(rd, len, &s) < 0)
		return 0;
	*g = (struct vsig){s.expiration, s.inception, s.key_tag, s.alg, -1,
			   S_PENDING, s.labels};
	g->state = (uint8_t)precheck(t, ref, &s, cand, &nc, &g->ai);
	t->expired += g->state == S_EXPIRED;
	if (g->state != S_PENDING)
		return 0;
	return crypto_check(t, ref, &s, cand, nc, idx);
}

/* An authoritative RRset: every RRSIG over it queued. */
static int add_auth(struct vthr *t, size_t i, const struct zw_node *n,
		    const struct zw_rrset *rs)
{
	struct zw_rrset sigs;
	struct zw_rrset_ref ref;
	if (!new_set(t, i, rs->type, K_AUTH))
		return ZW_ENOMEM;
	t->rrsets++;
	if (!zw_node_rrset(n, ZW_TYPE_RRSIG, rs->type, &sigs))
		return 0;
	int rc = zw_vref(n, rs, &t->refs, &t->refcap, &ref);
	const uint8_t *p = sigs.rdata;
	for (uint32_t k = 0; rc == 0 && k < sigs.count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		rc = add_sig(t, &ref, rd, len);
		t->sets[t->nsets - 1].nsig++;
	}
	return rc;
}

static bool has_type(const struct zw_node *n, uint16_t type)
{
	struct zw_rrset rs;
	return zw_node_rrset(n, type, 0, &rs);
}

static int queue_node(struct vthr *t, size_t i)
{
	const struct zw_node *n = zw_zone_node(t->v->z, i);
	struct zw_rrset rs, sg;
	int rc = 0;
	for (bool ok = zw_rrset_first(n, &rs); ok && rc == 0;
	     ok = zw_rrset_next(n, &rs)) {
		if (rs.type == ZW_TYPE_RRSIG) {
			if (!has_type(n, rs.covers) &&
			    !new_set(t, i, rs.covers, K_ORPHAN))
				rc = ZW_ENOMEM;
		} else if (zw_zone_role(n, rs.type, 0) == ZW_ROLE_AUTH) {
			rc = add_auth(t, i, n, &rs);
		} else if (zw_node_rrset(n, ZW_TYPE_RRSIG, rs.type, &sg) &&
			   !new_set(t, i, rs.type, K_UNEXPECTED)) {
			rc = ZW_ENOMEM;
		}
	}
	return rc;
}

/* ---- judging, in zone order ---- */

static const char *why(const struct vsig *g, char *buf, size_t size)
{
	static const char *const text[] = {
		[S_BAD] = "signature does not verify",
		[S_NOKEY] = "no such key in the DNSKEY RRset",
		[S_MALF] = "malformed RRSIG",
		[S_SIGNER] = "signer is not the zone",
		[S_REVOKED] = "key is revoked",
	};
	char t[32];
	int64_t when = g->state == S_EXPIRED ? g->exp : g->inc;
	struct tm tm;
	time_t tt = (time_t)when;
	if (g->state == S_EXPIRED || g->state == S_NOTYET) {
		gmtime_r(&tt, &tm);
		strftime(t, sizeof t, "%Y%m%d%H%M%S", &tm);
		snprintf(buf, size, "signature %s %s",
			 g->state == S_EXPIRED ? "has expired" : "not valid before",
			 t);
	} else if (g->state == S_LABELS) {
		snprintf(buf, size, "labels field %u is wrong", g->labels);
	} else {
		snprintf(buf, size, "%s", g->state < sizeof text / sizeof *text
				  && text[g->state] ? text[g->state] : "?");
	}
	return buf;
}

/* Reasons of the failed signatures of algorithm index ai, "; "-joined. */
static void reasons(const struct vsig *g, uint32_t n, int ai, uint8_t alg,
		    char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (uint32_t k = 0; k < n && len + 2 < size; k++) {
		char b[96];
		if (g[k].alg != alg || (g[k].ai != ai && g[k].ai != -1) ||
		    g[k].state == S_GOOD || g[k].state == S_SKIP)
			continue;
		int w = snprintf(out + len, size - len, "%skey %u: %s",
				 len ? "; " : " (", g[k].tag, why(&g[k], b, sizeof b));
		len += w > 0 ? (size_t)w : 0;
	}
	if (len && len + 2 < size)
		strcat(out, ")");
}

static void judge_auth(struct vthr *t, struct vmsg *m, const struct vset *s,
		       const uint8_t *owner)
{
	struct zw_verify *v = t->v;
	const struct vsig *g = &t->sigs[s->first];
	uint32_t good = 0;
	for (uint32_t k = 0; k < s->nsig; k++) {
		if (g[k].state == S_GOOD)
			good |= 1u << g[k].ai;
		t->bad += g[k].state == S_BAD;
	}
	if (s->nsig == 0) {
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "No signatures for %s/%s",
			    VNAME(owner), VTYPE(s->type));
		__atomic_fetch_or(&v->bad_algs, v->active, __ATOMIC_RELAXED);
		return;
	}
	for (unsigned ai = 0; ai < v->r->nalgs; ai++) {
		char rs[512];
		uint8_t alg = v->r->algs[ai].alg;
		if (!(v->active & (1u << ai)))
			continue;
		reasons(g, s->nsig, (int)ai, alg, rs, sizeof rs);
		if (good & (1u << ai)) {
			if (rs[0])
				zw_vmsg_add(m, ZW_VERIFY_WARN,
					    "Bad %s signature for %s %s besides a "
					    "good one%s", VALG(alg), VNAME(owner),
					    VTYPE(s->type), rs);
			continue;
		}
		zw_vmsg_add(m, ZW_VERIFY_ERROR,
			    "No correct %s signature for %s %s%s", VALG(alg),
			    VNAME(owner), VTYPE(s->type), rs);
		__atomic_fetch_or(&v->bad_algs, 1u << ai, __ATOMIC_RELAXED);
	}
}

static void judge(struct vthr *t, struct vmsg *m, const struct vset *s)
{
	const uint8_t *owner = zw_node_name(zw_zone_node(t->v->z, s->node));
	if (s->kind == K_AUTH)
		judge_auth(t, m, s, owner);
	else if (s->kind == K_UNEXPECTED)
		zw_vmsg_add(m, ZW_VERIFY_ERROR,
			    "Found unexpected signatures for %s/%s",
			    VNAME(owner), VTYPE(s->type));
	else
		zw_vmsg_add(m, ZW_VERIFY_ERROR,
			    "RRSIG at %s covers %s, which has no RRset there",
			    VNAME(owner), VTYPE(s->type));
}

/* ---- chunks and threads ---- */

static int run_chunk(struct vthr *t, size_t c)
{
	struct zw_verify *v = t->v;
	size_t from = c * v->chunk_nodes, to = from + v->chunk_nodes;
	struct vchunk *ck = &v->chunks[c];
	int rc = 0;
	if (to > v->nnodes)
		to = v->nnodes;
	t->nsets = t->nsigs = 0;
	for (size_t i = from; i < to && rc == 0; i++)
		rc = queue_node(t, i);
	flush_batch(t);
	if (rc == 0 && v->nsec3)
		rc = zw_vnsec3_collect(v, ck, t->hb, from, to);
	size_t si = 0;
	for (size_t i = from; i < to; i++) {
		while (si < t->nsets && t->sets[si].node == i)
			judge(t, &ck->msg, &t->sets[si++]);
		zw_vnsec_check(v, &ck->msg, i);
	}
	return rc;
}

static void *worker(void *arg)
{
	struct vthr *t = arg;
	struct zw_verify *v = t->v;
	for (;;) {
		size_t c = __atomic_fetch_add(&v->next_chunk, 1,
					      __ATOMIC_RELAXED);
		if (c >= v->nchunks || t->fail)
			break;
		t->fail = run_chunk(t, c);
	}
	return NULL;
}

static unsigned thread_count(const struct zw_verify *v)
{
	unsigned n = v->o->threads;
	if (n == 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (unsigned)c : 1;
	}
	if (n > v->nchunks)
		n = v->nchunks ? (unsigned)v->nchunks : 1;
	return n > 256 ? 256 : n;
}

static void sum(struct zw_verify *v, struct vthr *t)
{
	v->sigs += t->checked;
	v->sigs_bad += t->bad;
	v->sigs_batched += t->batched;
	v->sigs_expired += t->expired;
	v->rrsets += t->rrsets;
	if (t->fail && !v->fail)
		v->fail = t->fail;
}

static int run_threads(struct zw_verify *v, struct vthr *th, unsigned n)
{
	pthread_t tid[256];
	unsigned started = 0;
	for (unsigned i = 0; i < n; i++)
		if ((th[i].fail = thr_init(&th[i], v)) < 0)
			return th[i].fail;
	for (unsigned i = 1; i < n; i++, started++)
		if (pthread_create(&tid[i], NULL, worker, &th[i]) != 0)
			break;
	worker(&th[0]);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

int zw_vnodes_run(struct zw_verify *v)
{
	v->chunk_nodes = v->o->chunk_nodes ? v->o->chunk_nodes : VCHUNK_NODES;
	v->nchunks = (v->nnodes + v->chunk_nodes - 1) / v->chunk_nodes;
	v->chunks = calloc(v->nchunks ? v->nchunks : 1, sizeof *v->chunks);
	unsigned n = thread_count(v);
	struct vthr *th = calloc(n, sizeof *th);
	if (!v->chunks || !th) {
		free(th);
		return ZW_ENOMEM;
	}
	v->r->threads = n;
	int rc = run_threads(v, th, n);
	for (unsigned i = 0; i < n; i++) {
		sum(v, &th[i]);
		thr_free(&th[i]);
	}
	free(th);
	for (size_t c = 0; c < v->nchunks; c++)
		zw_vmsg_flush(v, &v->chunks[c].msg);
	return rc < 0 ? rc : v->fail;
}
