/* ECDSA P-256 signing for the signer's hot path, with per-signature
 * nonces made ahead of time.
 *
 * An ECDSA signature splits into a message-independent part (random k,
 * r = (kG).x, k^-1: nearly all the work) and a cheap one (s = k^-1 (h +
 * r d)). OpenSSL offers exactly that split (ECDSA_sign_setup,
 * ECDSA_do_sign_ex), so while the zone file is being parsed on one core
 * the other cores fill a pool of (k^-1, r) pairs, and signing later takes
 * one pair per signature: work moves off the critical path. Going through
 * the EC_KEY layer also skips the provider dispatch and the DER round trip
 * of EVP_PKEY_sign (about 15% of a signature here).
 *
 * Each pair is used once: a slot is claimed with an atomic counter and its
 * secret bytes are wiped when taken and when the pool goes. A slot not yet
 * filled when claimed is skipped (its signer makes a nonce inline). Only
 * software P-256 keys use this; everything else goes through zw_key_sign. */
#define OPENSSL_SUPPRESS_DEPRECATED     /* EC_KEY, ECDSA_do_sign_ex */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "dns/err.h"
#include "zonecompile/sign_int.h"

#define POOL_MAX (4u << 20)     /* slots reserved (touched only when used) */
#define POOL_MIN 4096
#define W 32                    /* octets of a P-256 scalar */

struct pair {
	uint8_t kinv[W], r[W];
	atomic_uchar ready;
};

struct sign_p256 {
	const struct zw_key *key;
	EC_KEY *ec;
	struct pair *pool;
	size_t cap;
	atomic_size_t fill;     /* next slot a producer fills */
	atomic_size_t take;     /* next slot a signer takes */
	atomic_bool stop;
};

/* Per-thread state: digest context and scratch numbers, reused. */
struct sign_p256_ctx {
	EVP_MD_CTX *md;
	EVP_MD *sha256;
	BIGNUM *kinv, *r;
};

bool sign_p256_usable(const struct zw_key *key)
{
	return key->alg == ZW_ALG_ECDSAP256 && key->has_private &&
	       key->pkey && !key->engine;
}

/* pool: how many nonces may be made ahead (0: none). */
struct sign_p256 *sign_p256_new(const struct zw_key *key, size_t pool)
{
	struct sign_p256 *e;

	if (!sign_p256_usable(key) || !(e = calloc(1, sizeof *e)))
		return NULL;
	e->key = key;
	e->ec = EVP_PKEY_get1_EC_KEY(key->pkey);
	e->cap = pool < POOL_MIN ? POOL_MIN : pool > POOL_MAX ? POOL_MAX : pool;
	e->pool = calloc(e->cap, sizeof *e->pool);
	if (!e->ec || !e->pool) {
		sign_p256_free(e);
		return NULL;
	}
	return e;
}

void sign_p256_free(struct sign_p256 *e)
{
	size_t used;

	if (!e)
		return;
	used = atomic_load(&e->fill);
	if (e->pool)
		OPENSSL_cleanse(e->pool, (used < e->cap ? used : e->cap) *
						 sizeof *e->pool);
	free(e->pool);
	EC_KEY_free(e->ec);
	free(e);
}

const struct zw_key *sign_p256_key(const struct sign_p256 *e)
{
	return e->key;
}

/* One (k^-1, r) into *p. */
static bool make_pair(struct sign_p256 *e, struct pair *p)
{
	BIGNUM *kinv = NULL, *r = NULL;
	bool ok = ECDSA_sign_setup(e->ec, NULL, &kinv, &r) == 1 &&
		  BN_bn2binpad(kinv, p->kinv, W) == W &&
		  BN_bn2binpad(r, p->r, W) == W;

	BN_clear_free(kinv);
	BN_clear_free(r);
	return ok;
}

/* Fill one slot; false when full, overtaken by signing, or failed. */
bool sign_p256_produce_one(struct sign_p256 *e)
{
	size_t i = atomic_fetch_add(&e->fill, 1);

	if (i >= e->cap || i < atomic_load(&e->take) ||
	    !make_pair(e, &e->pool[i]))
		return false;
	atomic_store_explicit(&e->pool[i].ready, 1, memory_order_release);
	return true;
}

/* Fill slots until stopped or full (run by producer threads). */
void sign_p256_produce(struct sign_p256 *e)
{
	while (!atomic_load_explicit(&e->stop, memory_order_relaxed))
		if (!sign_p256_produce_one(e))
			return;
}

void sign_p256_stop(struct sign_p256 *e)
{
	atomic_store(&e->stop, true);
}

size_t sign_p256_made(const struct sign_p256 *e)
{
	size_t n = atomic_load(&e->fill);

	return n < e->cap ? n : e->cap;
}

/* ---- signing ---- */

int sign_p256_ctx_init(struct sign_p256_ctx **cp)
{
	struct sign_p256_ctx *c = calloc(1, sizeof *c);

	if (!c)
		return ZW_ENOMEM;
	c->md = EVP_MD_CTX_new();
	c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->kinv = BN_secure_new();
	c->r = BN_new();
	*cp = c;
	if (!c->md || !c->sha256 || !c->kinv || !c->r)
		return ZW_ENOMEM;
	return 0;
}

void sign_p256_ctx_free(struct sign_p256_ctx *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md);
	EVP_MD_free(c->sha256);
	BN_clear_free(c->kinv);
	BN_free(c->r);
	free(c);
}

/* A ready pooled pair as BIGNUMs in the context, wiped from the pool. */
static bool take_pair(struct sign_p256 *e, struct sign_p256_ctx *c)
{
	size_t i = atomic_fetch_add(&e->take, 1);
	struct pair *p;
	bool ok;

	if (i >= e->cap)
		return false;
	p = &e->pool[i];
	if (!atomic_load_explicit(&p->ready, memory_order_acquire))
		return false;
	ok = BN_bin2bn(p->kinv, W, c->kinv) && BN_bin2bn(p->r, W, c->r);
	OPENSSL_cleanse(p->kinv, W);
	return ok;
}

static ECDSA_SIG *sign_digest(struct sign_p256 *e, struct sign_p256_ctx *c,
			      const uint8_t *h)
{
	ECDSA_SIG *sig = NULL;

	if (take_pair(e, c))
		sig = ECDSA_do_sign_ex(h, W, c->kinv, c->r, e->ec);
	/* no pair, or the rare s = 0 that asks for a fresh nonce */
	return sig ? sig : ECDSA_do_sign(h, W, e->ec);
}

/* RFC 6605 signature (r || s, 64 octets) over data. */
int sign_p256_sign(struct sign_p256 *e, struct sign_p256_ctx *c,
		   const uint8_t *data, size_t len, uint8_t *out)
{
	uint8_t h[EVP_MAX_MD_SIZE];
	unsigned hl = 0;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig;
	int rc = ZW_ECRYPTO;

	if (EVP_DigestInit_ex2(c->md, c->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(c->md, data, len) != 1 ||
	    EVP_DigestFinal_ex(c->md, h, &hl) != 1 || hl != W)
		return ZW_ECRYPTO;
	if (!(sig = sign_digest(e, c, h)))
		return ZW_ECRYPTO;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, out, W) == W && BN_bn2binpad(s, out + W, W) == W)
		rc = 2 * W;
	ECDSA_SIG_free(sig);
	return rc;
}
