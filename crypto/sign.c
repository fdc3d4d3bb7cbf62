/* Signing and verification on the hot path.
 *
 * OpenSSL 3 makes setting up a signature operation expensive (provider
 * lookups, context duplication), while one EVP_PKEY_CTX cannot be used by
 * two threads at once. So each key carries a pool of slots; a thread takes
 * a slot (an atomic flag, starting at a per-thread index so a thread keeps
 * finding its own warm slot), uses the contexts made there on its first
 * call, and gives the slot back. After warm-up a signature costs what
 * OpenSSL's own sign call costs, plus the message digest (which `openssl
 * speed` leaves out) and, for ECDSA, a DER <-> r||s rewrite on the stack.
 * When every slot is busy (more threads than slots) the call makes one-off
 * contexts: slower, still correct. */
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/alg.h"
#include "crypto/key.h"
#include "crypto/sign.h"
#include "dns/err.h"

#define ZW_KEY_SLOTS 16
#define EC_DER_MAX (2 + 2 * (3 + 66))

struct zw_sigctx {
	_Alignas(64) atomic_bool busy;  /* own cache line: no false sharing */
	EVP_PKEY *pkey;                 /* the contexts below were made for it */
	EVP_PKEY_CTX *sign;             /* RSA/ECDSA: signs a digest */
	EVP_PKEY_CTX *verify;
	EVP_MD_CTX *md;                 /* RSA/ECDSA: the digest */
	EVP_MD_CTX *edsign;             /* EdDSA: one-shot over the message */
	EVP_MD_CTX *edverify;
};

struct zw_key_pool {
	struct zw_sigctx slot[ZW_KEY_SLOTS];
};

static atomic_uint next_thread;
static _Thread_local unsigned my_slot = UINT_MAX;

struct zw_key_pool *zw_key_pool_new(void)
{
	struct zw_key_pool *p = aligned_alloc(64, sizeof(*p));

	if (p)
		memset(p, 0, sizeof(*p));
	return p;
}

static void ctx_reset(struct zw_sigctx *s)
{
	EVP_PKEY_CTX_free(s->sign);
	EVP_PKEY_CTX_free(s->verify);
	EVP_MD_CTX_free(s->md);
	EVP_MD_CTX_free(s->edsign);
	EVP_MD_CTX_free(s->edverify);
	s->sign = s->verify = NULL;
	s->md = s->edsign = s->edverify = NULL;
	s->pkey = NULL;
}

void zw_key_pool_free(struct zw_key_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < ZW_KEY_SLOTS; i++)
		ctx_reset(&pool->slot[i]);
	free(pool);
}

static struct zw_sigctx *slot_get(struct zw_key_pool *pool)
{
	if (!pool)
		return NULL;
	if (my_slot == UINT_MAX)
		my_slot = atomic_fetch_add_explicit(&next_thread, 1,
						    memory_order_relaxed) %
			  ZW_KEY_SLOTS;
	for (unsigned i = 0; i < ZW_KEY_SLOTS; i++) {
		struct zw_sigctx *s = &pool->slot[(my_slot + i) % ZW_KEY_SLOTS];

		if (!atomic_load_explicit(&s->busy, memory_order_relaxed) &&
		    !atomic_exchange_explicit(&s->busy, true,
					      memory_order_acquire))
			return s;
	}
	return NULL;
}

/* The slot's contexts, rebuilt if the key's EVP_PKEY was replaced. */
static struct zw_sigctx *slot_take(const struct zw_key *key,
				   struct zw_sigctx *tmp)
{
	struct zw_sigctx *s = slot_get(key->pool);

	if (!s) {
		memset(tmp, 0, sizeof(*tmp));
		s = tmp;
	}
	if (s->pkey != key->pkey) {
		ctx_reset(s);
		s->pkey = key->pkey;
	}
	return s;
}

static void slot_give(struct zw_sigctx *s, struct zw_sigctx *tmp)
{
	if (s == tmp)
		ctx_reset(tmp);
	else
		atomic_store_explicit(&s->busy, false, memory_order_release);
}

/* ---- contexts, made once per slot ---- */

static EVP_PKEY_CTX *pctx_make(const struct zw_alg_desc *d, EVP_PKEY *pk,
			       bool sign)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	int ok = c && (sign ? EVP_PKEY_sign_init(c) : EVP_PKEY_verify_init(c)) == 1;

	if (ok && d->kind == ZW_KIND_RSA)
		ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
	if (ok)
		ok = EVP_PKEY_CTX_set_signature_md(c, zw_alg_md(d)) == 1;
	if (!ok) {
		EVP_PKEY_CTX_free(c);
		c = NULL;
	}
	return c;
}

static EVP_MD_CTX *edctx_make(EVP_PKEY *pk, bool sign)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && (sign ? EVP_DigestSignInit_ex(c, NULL, NULL, NULL, NULL,
						    pk, NULL)
			    : EVP_DigestVerifyInit_ex(c, NULL, NULL, NULL, NULL,
						      pk, NULL)) == 1;

	if (!ok) {
		EVP_MD_CTX_free(c);
		c = NULL;
	}
	return c;
}

static int digest(struct zw_sigctx *s, const struct zw_alg_desc *d,
		  const uint8_t *data, size_t len, uint8_t *h, unsigned *hlen)
{
	if (!s->md && !(s->md = EVP_MD_CTX_new()))
		return ZW_ENOMEM;
	if (EVP_DigestInit_ex2(s->md, zw_alg_md(d), NULL) != 1 ||
	    EVP_DigestUpdate(s->md, data, len) != 1 ||
	    EVP_DigestFinal_ex(s->md, h, hlen) != 1)
		return ZW_ECRYPTO;
	return 0;
}

/* ---- ECDSA: DER <-> raw r||s (RFC 6605) ---- */

static int der_int(const uint8_t **p, const uint8_t *end, uint8_t *out,
		   size_t w)
{
	const uint8_t *q = *p;
	size_t len;

	if (end - q < 2 || q[0] != 0x02 || (q[1] & 0x80) || q[1] == 0 ||
	    (size_t)(end - q - 2) < q[1])
		return ZW_ECRYPTO;
	len = q[1];
	q += 2;
	*p = q + len;
	while (len > 0 && *q == 0) {
		q++;
		len--;
	}
	if (len > w)
		return ZW_ECRYPTO;
	memset(out, 0, w - len);
	memcpy(out + w - len, q, len);
	return 0;
}

/* OpenSSL's DER output for P-256/P-384 always uses short-form lengths. */
static int der_to_raw(const uint8_t *der, size_t dlen, uint8_t *out, size_t w)
{
	const uint8_t *p = der + 2, *end = der + dlen;

	if (dlen < 2 || der[0] != 0x30 || der[1] != dlen - 2 ||
	    der_int(&p, end, out, w) < 0 || der_int(&p, end, out + w, w) < 0 ||
	    p != end)
		return ZW_ECRYPTO;
	return 0;
}

static size_t int_to_der(const uint8_t *v, size_t w, uint8_t *out)
{
	size_t pad;

	while (w > 1 && *v == 0) {
		v++;
		w--;
	}
	pad = (*v & 0x80) ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(w + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, v, w);
	return 2 + pad + w;
}

static size_t raw_to_der(const uint8_t *sig, size_t w, uint8_t *out)
{
	size_t n = 2;

	n += int_to_der(sig, w, out + n);
	n += int_to_der(sig + w, w, out + n);
	out[0] = 0x30;
	out[1] = (uint8_t)(n - 2);
	return n;
}

/* ---- sign ---- */

static int sign_digest(struct zw_sigctx *s, const struct zw_alg_desc *d,
		       const uint8_t *data, size_t len, uint8_t *sig,
		       size_t sigmax)
{
	uint8_t h[EVP_MAX_MD_SIZE], der[EC_DER_MAX];
	unsigned hlen;
	size_t slen = d->kind == ZW_KIND_EC ? sizeof(der) : sigmax;
	int rc = digest(s, d, data, len, h, &hlen);

	if (rc < 0)
		return rc;
	if (!s->sign && !(s->sign = pctx_make(d, s->pkey, true)))
		return ZW_ECRYPTO;
	if (EVP_PKEY_sign(s->sign, d->kind == ZW_KIND_EC ? der : sig, &slen,
			  h, hlen) != 1)
		return ZW_ECRYPTO;
	if (d->kind != ZW_KIND_EC)
		return (int)slen;
	rc = der_to_raw(der, slen, sig, d->field);
	return rc < 0 ? rc : d->sigsize;
}

static int sign_eddsa(struct zw_sigctx *s, const uint8_t *data, size_t len,
		      uint8_t *sig, size_t sigmax)
{
	size_t slen = sigmax;

	if (!s->edsign && !(s->edsign = edctx_make(s->pkey, true)))
		return ZW_ECRYPTO;
	if (EVP_DigestSign(s->edsign, sig, &slen, data, len) == 1)
		return (int)slen;
	/* Some OpenSSL releases refuse a second one-shot on one context:
	 * start it afresh once and retry. */
	EVP_MD_CTX_free(s->edsign);
	s->edsign = edctx_make(s->pkey, true);
	slen = sigmax;
	if (s->edsign && EVP_DigestSign(s->edsign, sig, &slen, data, len) == 1)
		return (int)slen;
	return ZW_ECRYPTO;
}

size_t zw_key_sig_size(const struct zw_key *key)
{
	const struct zw_alg_desc *d = zw_alg_desc(key->alg);

	if (!d || !key->pkey)
		return 0;
	if (d->kind == ZW_KIND_RSA)
		return (size_t)EVP_PKEY_get_size(key->pkey);
	return d->sigsize;
}

int zw_key_sign(const struct zw_key *key, const uint8_t *data, size_t len,
		uint8_t *sig, size_t sigmax)
{
	const struct zw_alg_desc *d = zw_alg_desc(key->alg);
	struct zw_sigctx tmp, *s;
	int rc;

	if (!d || !d->can_sign)
		return ZW_EALG;
	if (!key->has_private || !key->pkey)
		return ZW_EKEY;
	if (sigmax < zw_key_sig_size(key))
		return ZW_ENOSPC;
	s = slot_take(key, &tmp);
	if (d->kind == ZW_KIND_EDDSA)
		rc = sign_eddsa(s, data, len, sig, sigmax);
	else
		rc = sign_digest(s, d, data, len, sig, sigmax);
	slot_give(s, &tmp);
	if (rc < 0)
		ERR_clear_error();
	return rc;
}

/* ---- verify ---- */

static int verify_digest(struct zw_sigctx *s, const struct zw_alg_desc *d,
			 const uint8_t *data, size_t len, const uint8_t *sig,
			 size_t siglen)
{
	uint8_t h[EVP_MAX_MD_SIZE], der[EC_DER_MAX];
	unsigned hlen;
	int rc;

	if (d->kind == ZW_KIND_EC) {
		if (siglen != d->sigsize)
			return ZW_EBADSIG;
		siglen = raw_to_der(sig, d->field, der);
		sig = der;
	}
	rc = digest(s, d, data, len, h, &hlen);
	if (rc < 0)
		return rc;
	if (!s->verify && !(s->verify = pctx_make(d, s->pkey, false)))
		return ZW_ECRYPTO;
	return EVP_PKEY_verify(s->verify, sig, siglen, h, hlen) == 1
		       ? 0 : ZW_EBADSIG;
}

static int verify_eddsa(struct zw_sigctx *s, const struct zw_alg_desc *d,
			const uint8_t *data, size_t len, const uint8_t *sig,
			size_t siglen)
{
	int r;

	if (siglen != d->sigsize)
		return ZW_EBADSIG;
	if (!s->edverify && !(s->edverify = edctx_make(s->pkey, false)))
		return ZW_ECRYPTO;
	r = EVP_DigestVerify(s->edverify, sig, siglen, data, len);
	if (r == 1)
		return 0;
	if (r == 0)
		return ZW_EBADSIG;
	/* An error (not a mismatch): maybe a refused reuse, so retry once on
	 * a fresh context, as in sign_eddsa. */
	EVP_MD_CTX_free(s->edverify);
	s->edverify = edctx_make(s->pkey, false);
	if (!s->edverify)
		return ZW_ECRYPTO;
	return EVP_DigestVerify(s->edverify, sig, siglen, data, len) == 1
		       ? 0 : ZW_EBADSIG;
}

int zw_key_verify(const struct zw_key *key, const uint8_t *data, size_t len,
		  const uint8_t *sig, size_t siglen)
{
	const struct zw_alg_desc *d = zw_alg_desc(key->alg);
	struct zw_sigctx tmp, *s;
	int rc;

	if (!d)
		return ZW_EALG;
	if (!key->pkey)
		return ZW_EKEY;
	if (siglen == 0 || siglen > ZW_SIG_MAX)
		return ZW_EBADSIG;
	s = slot_take(key, &tmp);
	if (d->kind == ZW_KIND_EDDSA)
		rc = verify_eddsa(s, d, data, len, sig, siglen);
	else
		rc = verify_digest(s, d, data, len, sig, siglen);
	slot_give(s, &tmp);
	if (rc < 0)
		ERR_clear_error();
	return rc;
}
