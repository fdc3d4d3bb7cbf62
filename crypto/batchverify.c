/* Batched verification: items are parsed and their keys pinned in the
 * cache at add time; a flush inverts every s with one inversion, computes
 * R = u1*G + u2*Q per item (fixed-base tables when the key has one, eight
 * at a time on the AVX-512 IFMA path where the CPU has it; Straus
 * otherwise) and compares x(R) with r projectively. */
#include "crypto/batchverify.h"

#include <string.h>

#include <openssl/evp.h>

#include "crypto/key.h"
#include "crypto/p256_cache.h"
#include "crypto/p256_field.h"
#include "crypto/p256_ifma.h"
#include "crypto/p256_scalar.h"
#include "dns/err.h"

#define PENDING 1   /* verdict placeholder: P-256 work still to do */

struct pend {
	uint64_t r[4];          /* plain, 0 < r < n */
	uint64_t e[4];          /* digest mod n, plain */
	int key;                /* cache index */
	int verdict;
};

struct zw_bv_batch {
	struct zw_bv_cache *cache;
	unsigned n;
	struct pend p[ZW_BV_BATCH_MAX];
	uint64_t s[ZW_BV_BATCH_MAX][4];     /* Montgomery s, then s^-1 */
	uint64_t tmp[ZW_BV_BATCH_MAX][4];
	int at[ZW_BV_BATCH_MAX];            /* item of each s */
	uint64_t u1[ZW_BV_BATCH_MAX][4], u2[ZW_BV_BATCH_MAX][4];
	uint8_t done[ZW_BV_BATCH_MAX];
} __attribute__((aligned(64)));

size_t zw_bv_batch_size(void)
{
	return sizeof(struct zw_bv_batch);
}

struct zw_bv_batch *zw_bv_batch_init(void *mem, size_t len,
				     struct zw_bv_cache *cache)
{
	struct zw_bv_batch *b = mem;

	if (mem == NULL || ((uintptr_t)mem & 63) != 0 || cache == NULL ||
	    len < sizeof(*b))
		return NULL;
	b->cache = cache;
	b->n = 0;
	return b;
}

unsigned zw_bv_pending(const struct zw_bv_batch *b)
{
	return b->n;
}

/* The digest as ECDSA uses it: its leftmost 256 bits as an integer,
 * reduced mod n (OpenSSL truncates longer digests the same way). */
static void digest_scalar(uint64_t e[4], const uint8_t *msg, size_t len)
{
	uint8_t buf[32] = { 0 };
	if (len > 32)
		len = 32;
	memcpy(buf + 32 - len, msg, len);
	zw_p256_from_be(e, buf);
	zw_p256_sc_reduce(e, e);
}

static bool in_range(const uint64_t v[4])
{
	return !zw_p256_fe_is_zero(v) && zw_p256_lt(v, zw_p256_n);
}

/* Parse a P-256 item into p (and s); the verdict is PENDING when there is
 * arithmetic left to do, else final. ZW_ENOSPC when the cache is full. */
static int add_p256(struct zw_bv_batch *b, struct pend *p, uint64_t s[4],
		    const struct zw_bv_item *it)
{
	p->key = -1;
	if (it->keylen != 64) {
		p->verdict = ZW_EKEY;
		return 0;
	}
	if (it->siglen != 64) {
		p->verdict = ZW_EBADSIG;
		return 0;
	}
	zw_p256_from_be(p->r, it->sig);
	zw_p256_from_be(s, it->sig + 32);
	int k = zw_p256_cache_get(b->cache, it->key);
	if (k == ZW_ENOSPC)
		return k;
	if (k < 0) {
		p->verdict = k;
		return 0;
	}
	if (!in_range(p->r) || !in_range(s)) {
		zw_p256_cache_unpin(b->cache, k);
		p->verdict = ZW_EBADSIG;
		return 0;
	}
	p->key = k;
	digest_scalar(p->e, it->msg, it->msglen);
	zw_p256_sc_to_mont(s, s);
	p->verdict = PENDING;
	return 0;
}

/* Ed25519 through OpenSSL, at once. */
static int verify_ed25519(const struct zw_bv_item *it)
{
	EVP_PKEY *pk;
	EVP_MD_CTX *md;
	int ok = 0;

	if (it->keylen != 32)
		return ZW_EKEY;
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, it->key, 32);
	if (pk == NULL)
		return ZW_EKEY;
	md = EVP_MD_CTX_new();
	if (md != NULL && EVP_DigestVerifyInit(md, NULL, NULL, NULL, pk) == 1)
		ok = EVP_DigestVerify(md, it->sig, it->siglen, it->msg,
				      it->msglen) == 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	return ok ? 0 : ZW_EBADSIG;
}

int zw_bv_add(struct zw_bv_batch *b, const struct zw_bv_item *it)
{
	if (b->n >= ZW_BV_BATCH_MAX)
		return ZW_ENOSPC;
	struct pend *p = &b->p[b->n];
	if (it->alg == ZW_ALG_ECDSAP256) {
		int err = add_p256(b, p, b->s[b->n], it);
		if (err < 0)
			return err;
	} else if (it->alg == ZW_ALG_ED25519) {
		p->key = -1;
		p->verdict = verify_ed25519(it);
	} else {
		p->key = -1;
		p->verdict = ZW_EALG;
	}
	return (int)b->n++;
}

/* x(R) mod n == r, with x(R) = X/Z^2: r*Z^2 == X, or (r+n)*Z^2 == X when
 * r+n is still a field element. */
static bool x_matches(const struct zw_p256_jac *R, const uint64_t r[4])
{
	uint64_t z2[4], t[4], rn[4];
	zw_u128 c = 0;

	if (zw_p256_jac_is_inf(R))
		return false;
	zw_p256_fe_sqr(z2, R->z);
	zw_p256_fe_to_mont(t, r);
	zw_p256_fe_mul(t, t, z2);
	if (zw_p256_fe_eq(t, R->x))
		return true;
	for (int i = 0; i < 4; i++) {
		c += (zw_u128)r[i] + zw_p256_n[i];
		rn[i] = (uint64_t)c;
		c >>= 64;
	}
	if (c != 0 || !zw_p256_lt(rn, zw_p256_p))
		return false;
	zw_p256_fe_to_mont(t, rn);
	zw_p256_fe_mul(t, t, z2);
	return zw_p256_fe_eq(t, R->x);
}

/* Item j's scalars: w = s^-1 is Montgomery, so a Montgomery product with
 * a plain value gives the plain product: u1 = e/s, u2 = r/s. */
static void scalars(struct zw_bv_batch *b, unsigned j)
{
	const struct pend *p = &b->p[b->at[j]];
	zw_p256_sc_mul(b->u1[j], b->s[j], p->e);
	zw_p256_sc_mul(b->u2[j], b->s[j], p->r);
}

static const struct zw_p256_aff *key_table(const struct zw_bv_batch *b,
					   unsigned j)
{
	const struct zw_bv_cache *c = b->cache;
	int t = c->keys[b->p[b->at[j]].key].table;
	return t >= 0 ? c->tables[t].t.t : NULL;
}

static int verdict(const struct zw_p256_jac *R, const struct pend *p)
{
	return x_matches(R, p->r) ? 0 : ZW_EBADSIG;
}

static void finish_scalar(struct zw_bv_batch *b, unsigned j)
{
	const struct zw_bv_cache *c = b->cache;
	struct pend *p = &b->p[b->at[j]];
	const struct zw_p256_aff *qt = key_table(b, j);
	struct zw_p256_jac R;

	if (qt != NULL)
		zw_p256_mul2_fixed(&R, c->g.t, ZW_P256_GW, b->u1[j], qt,
				   ZW_P256_KW, b->u2[j]);
	else
		zw_p256_mul2_straus(&R, c->g.t, ZW_P256_GW, b->u1[j],
				    &c->keys[p->key].odd, b->u2[j]);
	p->verdict = verdict(&R, p);
}

/* Eight items with tables through the multi-buffer routine; lanes it
 * flags (an exceptional addition) are redone by the scalar engine. */
static void finish_lanes(struct zw_bv_batch *b, const unsigned *js,
			 zw_p256_mb8_fn mb8)
{
	const struct zw_p256_aff *qt[ZW_P256_LANES];
	uint64_t u1[ZW_P256_LANES][4], u2[ZW_P256_LANES][4];
	struct zw_p256_jac R[ZW_P256_LANES];

	for (int l = 0; l < ZW_P256_LANES; l++) {
		qt[l] = key_table(b, js[l]);
		memcpy(u1[l], b->u1[js[l]], 32);
		memcpy(u2[l], b->u2[js[l]], 32);
	}
	unsigned exc = mb8(R, b->cache->g.t, ZW_P256_GW,
			   (const uint64_t (*)[4])u1, qt, ZW_P256_KW,
			   (const uint64_t (*)[4])u2);
	for (int l = 0; l < ZW_P256_LANES; l++) {
		if (exc >> l & 1)
			finish_scalar(b, js[l]);
		else
			b->p[b->at[js[l]]].verdict = verdict(&R[l],
						&b->p[b->at[js[l]]]);
		b->done[js[l]] = 1;
	}
}

/* R = u1*G + u2*Q and the comparison for the m pending items: groups of
 * eight table items on the multi-buffer path when there is one, the rest
 * one by one. */
static void finish_all(struct zw_bv_batch *b, unsigned m)
{
	zw_p256_mb8_fn mb8 = zw_p256_mb8();
	unsigned js[ZW_P256_LANES], nl = 0;

	for (unsigned j = 0; j < m; j++) {
		scalars(b, j);
		b->done[j] = 0;
		if (mb8 == NULL || key_table(b, j) == NULL)
			continue;
		js[nl++] = j;
		if (nl == ZW_P256_LANES) {
			finish_lanes(b, js, mb8);
			nl = 0;
		}
	}
	for (unsigned j = 0; j < m; j++)
		if (!b->done[j])
			finish_scalar(b, j);
}

unsigned zw_bv_flush(struct zw_bv_batch *b, int *verdicts)
{
	unsigned m = 0, n = b->n;

	for (unsigned i = 0; i < n; i++) {
		if (b->p[i].verdict != PENDING)
			continue;
		if (m != i)
			memcpy(b->s[m], b->s[i], 32);
		b->at[m++] = (int)i;
	}
	zw_p256_sc_inv_batch(b->s, b->tmp, m);
	finish_all(b, m);
	for (unsigned i = 0; i < n; i++) {
		verdicts[i] = b->p[i].verdict;
		if (b->p[i].key >= 0)
			zw_p256_cache_unpin(b->cache, b->p[i].key);
	}
	b->n = 0;
	return n;
}

void zw_bv_verify(struct zw_bv_batch *b, const struct zw_bv_item *items,
		  size_t n, int *verdicts)
{
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		if (zw_bv_add(b, &items[i]) < 0) {
			done += zw_bv_flush(b, verdicts + done);
			if (zw_bv_add(b, &items[i]) < 0) {
				/* cannot happen with an empty batch; be safe */
				verdicts[done++] = ZW_ENOSPC;
			}
		}
	}
	zw_bv_flush(b, verdicts + done);
}
