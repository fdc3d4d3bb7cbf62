/* Signature pools for the batch verification benchmark. Keys and
 * signatures come from OpenSSL so both verifiers check the same data. */
#include "perf/shim_batchverify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/batchverify.h"
#include "crypto/key.h"
#include "crypto/p256_field.h"
#include "crypto/p256_ifma.h"
#include "crypto/p256_point.h"
#include "crypto/p256_table.h"

#define NEWKEYS 2048    /* pool for the never-seen-key case */

struct sigitem {
	uint8_t dg[32], sig[64], der[80];
	size_t derlen;
};

struct pool {
	unsigned nkeys, nsig;
	EVP_PKEY **pk;
	EVP_PKEY_CTX **vctx;
	uint8_t (*xy)[64];
	struct sigitem *s;
	struct zw_bv_item *items;
};

struct zw_bvb {
	struct pool p256, fresh, ed;
	void *cmem, *bmem, *fcmem, *fbmem;
	struct zw_bv_cache *cache, *fcache;
	struct zw_bv_batch *batch, *fbatch;
	struct zw_p256_ktable *tab;
	int verdicts[ZW_BV_BATCH_MAX];
};

static int sign_one(EVP_PKEY *pk, struct sigitem *s)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	const unsigned char *q = s->der;
	ECDSA_SIG *es;
	int ok = 0;

	s->derlen = sizeof(s->der);
	if (c && RAND_bytes(s->dg, 32) == 1 && EVP_PKEY_sign_init(c) == 1 &&
	    EVP_PKEY_sign(c, s->der, &s->derlen, s->dg, 32) == 1 &&
	    (es = d2i_ECDSA_SIG(NULL, &q, (long)s->derlen)) != NULL) {
		BN_bn2binpad(ECDSA_SIG_get0_r(es), s->sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), s->sig + 32, 32);
		ECDSA_SIG_free(es);
		ok = 1;
	}
	EVP_PKEY_CTX_free(c);
	return ok;
}

static int pool_p256(struct pool *p, unsigned nkeys, unsigned nsig)
{
	uint8_t pub[65];
	size_t len;

	p->nkeys = nkeys;
	p->nsig = nsig;
	p->pk = calloc(nkeys, sizeof(*p->pk));
	p->vctx = calloc(nkeys, sizeof(*p->vctx));
	p->xy = calloc(nkeys, sizeof(*p->xy));
	p->s = calloc(nsig, sizeof(*p->s));
	p->items = calloc(nsig, sizeof(*p->items));
	if (!p->pk || !p->vctx || !p->xy || !p->s || !p->items)
		return 0;
	for (unsigned k = 0; k < nkeys; k++) {
		p->pk[k] = EVP_EC_gen("P-256");
		if (p->pk[k] == NULL ||
		    EVP_PKEY_get_octet_string_param(p->pk[k],
			    OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &len) != 1)
			return 0;
		memcpy(p->xy[k], pub + 1, 64);
		p->vctx[k] = EVP_PKEY_CTX_new(p->pk[k], NULL);
		if (!p->vctx[k] || EVP_PKEY_verify_init(p->vctx[k]) != 1)
			return 0;
	}
	for (unsigned i = 0; i < nsig; i++) {
		unsigned k = i % nkeys;
		if (!sign_one(p->pk[k], &p->s[i]))
			return 0;
		p->items[i] = (struct zw_bv_item){ ZW_ALG_ECDSAP256, p->xy[k],
			64, p->s[i].dg, 32, p->s[i].sig, 64 };
	}
	return 1;
}

/* Ed25519: 100-octet messages (about an RRset's signed data). */
static int pool_ed25519(struct pool *p, unsigned nkeys, unsigned nsig)
{
	p->nkeys = nkeys;
	p->nsig = nsig;
	p->pk = calloc(nkeys, sizeof(*p->pk));
	p->xy = calloc(nkeys, sizeof(*p->xy));
	p->s = calloc(nsig, sizeof(*p->s));
	p->items = calloc(nsig, sizeof(*p->items));
	if (!p->pk || !p->xy || !p->s || !p->items)
		return 0;
	for (unsigned k = 0; k < nkeys; k++) {
		size_t len = 32;
		p->pk[k] = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		if (!p->pk[k] ||
		    EVP_PKEY_get_raw_public_key(p->pk[k], p->xy[k], &len) != 1)
			return 0;
	}
	for (unsigned i = 0; i < nsig; i++) {
		struct sigitem *s = &p->s[i];
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		size_t slen = 64;
		/* message: dg (32) + der (68 of 80) = 100 octets, random */
		if (!md || RAND_bytes(s->der, sizeof(s->der)) != 1 ||
		    EVP_DigestSignInit(md, NULL, NULL, NULL, p->pk[i % nkeys]) != 1 ||
		    EVP_DigestSign(md, s->sig, &slen, s->der, 100 - 32 + 32) != 1)
			return 0;
		EVP_MD_CTX_free(md);
		p->items[i] = (struct zw_bv_item){ ZW_ALG_ED25519,
			p->xy[i % nkeys], 32, s->der, 100 - 32 + 32, s->sig, 64 };
	}
	return 1;
}

static void pool_free(struct pool *p)
{
	for (unsigned k = 0; k < p->nkeys; k++) {
		if (p->vctx)
			EVP_PKEY_CTX_free(p->vctx[k]);
		if (p->pk)
			EVP_PKEY_free(p->pk[k]);
	}
	free(p->pk);
	free(p->vctx);
	free(p->xy);
	free(p->s);
	free(p->items);
}

static void *amem(size_t len)
{
	return aligned_alloc(64, (len + 63) & ~(size_t)63);
}

struct zw_bvb *zw_bvb_new(unsigned nkeys, unsigned nsig, unsigned ntables)
{
	struct zw_bvb *b = calloc(1, sizeof(*b));
	size_t clen = zw_bv_cache_size(64, ntables);
	size_t flen = zw_bv_cache_size(4, 0);

	if (b == NULL)
		return NULL;
	b->cmem = amem(clen);
	b->fcmem = amem(flen);
	b->bmem = amem(zw_bv_batch_size());
	b->fbmem = amem(zw_bv_batch_size());
	b->tab = amem(sizeof(*b->tab));
	if (!b->cmem || !b->fcmem || !b->bmem || !b->fbmem || !b->tab ||
	    !pool_p256(&b->p256, nkeys, nsig) ||
	    !pool_p256(&b->fresh, NEWKEYS, NEWKEYS) ||
	    !pool_ed25519(&b->ed, nkeys, nsig))
		goto fail;
	b->cache = zw_bv_cache_init(b->cmem, clen, 64, ntables, 1);
	b->fcache = zw_bv_cache_init(b->fcmem, flen, 4, 0, 1);
	b->batch = zw_bv_batch_init(b->bmem, zw_bv_batch_size(), b->cache);
	b->fbatch = zw_bv_batch_init(b->fbmem, zw_bv_batch_size(), b->fcache);
	if (!b->cache || !b->fcache || !b->batch || !b->fbatch)
		goto fail;
	/* warm the cache: every key decoded, tables built */
	for (unsigned i = 0; i < nsig; i += 64)
		zw_bvb_batch(b, i, 64);
	return b;
fail:
	zw_bvb_free(b);
	return NULL;
}

void zw_bvb_free(struct zw_bvb *b)
{
	if (b == NULL)
		return;
	pool_free(&b->p256);
	pool_free(&b->fresh);
	pool_free(&b->ed);
	free(b->cmem);
	free(b->fcmem);
	free(b->bmem);
	free(b->fbmem);
	free(b->tab);
	free(b);
}

int zw_bvb_openssl(struct zw_bvb *b, unsigned i)
{
	struct pool *p = &b->p256;
	struct sigitem *s = &p->s[i % p->nsig];
	return EVP_PKEY_verify(p->vctx[(i % p->nsig) % p->nkeys], s->der,
			       s->derlen, s->dg, 32) == 1;
}

static unsigned run_batch(struct zw_bvb *b, struct pool *p, unsigned i,
			  unsigned n)
{
	unsigned valid = 0, start = i % p->nsig;

	if (start + n > p->nsig)
		start = 0;
	zw_bv_verify(b->batch, p->items + start, n, b->verdicts);
	for (unsigned j = 0; j < n; j++)
		valid += b->verdicts[j] == 0;
	return valid;
}

unsigned zw_bvb_batch(struct zw_bvb *b, unsigned i, unsigned n)
{
	return run_batch(b, &b->p256, i, n);
}

int zw_bvb_ed25519_openssl(struct zw_bvb *b, unsigned i)
{
	struct pool *p = &b->ed;
	struct zw_bv_item *it = &p->items[i % p->nsig];
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
						   it->key, 32);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = pk && md &&
		 EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1 &&
		 EVP_DigestVerify(md, it->sig, 64, it->msg, it->msglen) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	return ok;
}

unsigned zw_bvb_ed25519_batch(struct zw_bvb *b, unsigned i, unsigned n)
{
	return run_batch(b, &b->ed, i, n);
}

void zw_bvb_precompute(struct zw_bvb *b, unsigned k)
{
	struct zw_p256_aff q;
	zw_p256_aff_decode(&q, b->p256.xy[k % b->p256.nkeys]);
	zw_p256_table_build(b->tab->t, ZW_P256_KW, &q);
}

int zw_bvb_new_key_verify(struct zw_bvb *b, unsigned seq)
{
	/* the 4-way cache holds 4 keys; the pool cycles through 2048 */
	int v;
	zw_bv_verify(b->fbatch, &b->fresh.items[seq % NEWKEYS], 1, &v);
	return v == 0;
}

const char *zw_bvb_engine(void)
{
	int ifma = zw_p256_mb8() != NULL;
#if defined(__x86_64__) && !defined(ZW_P256_GENERIC)
	if (zw_p256_have_mulx)
		return ifma ? "x86_64 mulx/adx + avx512 ifma x8" : "x86_64 mulx/adx";
	return ifma ? "x86_64 mul + avx512 ifma x8" : "x86_64 mul";
#else
	return ifma ? "generic + avx512 ifma x8" : "generic";
#endif
}

int zw_bvb_openssl_new_key(struct zw_bvb *b, unsigned seq)
{
	struct pool *p = &b->fresh;
	unsigned i = seq % NEWKEYS;
	uint8_t pub[65];
	OSSL_PARAM params[3];
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	int ok = 0;

	pub[0] = 4;
	memcpy(pub + 1, p->xy[i], 64);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	if (c && EVP_PKEY_fromdata_init(c) == 1 &&
	    EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) == 1) {
		EVP_PKEY_CTX *v = EVP_PKEY_CTX_new(pk, NULL);
		ok = v && EVP_PKEY_verify_init(v) == 1 &&
		     EVP_PKEY_verify(v, p->s[i].der, p->s[i].derlen,
				     p->s[i].dg, 32) == 1;
		EVP_PKEY_CTX_free(v);
	}
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(c);
	return ok;
}
