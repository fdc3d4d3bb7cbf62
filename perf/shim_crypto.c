/* C side of the DNSSEC signature benchmark (perf/bench_crypto.cc): one key
 * per algorithm, signed and verified either through our API or the way
 * `openssl speed` drives OpenSSL, so the two run in one process. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/key.h"
#include "perf/shim_crypto.h"

struct zw_perf_sig {
	int mode;
	struct zw_key *key;
	uint8_t msg[ZW_PERF_SIG_MSG];
	uint8_t sig[ZW_SIG_MAX];        /* a good signature, for verify */
	size_t siglen;
	/* RAW: contexts made once, digest computed once */
	EVP_PKEY_CTX *sctx, *vctx;
	EVP_MD_CTX *edsign, *edverify;
	uint8_t dgst[EVP_MAX_MD_SIZE];
	size_t dlen;
};

static const char *md_of(uint8_t alg)
{
	switch (alg) {
	case ZW_ALG_RSASHA512:
		return "SHA512";
	case ZW_ALG_ECDSAP384:
		return "SHA384";
	case ZW_ALG_ED25519:
	case ZW_ALG_ED448:
		return NULL;
	default:
		return "SHA256";
	}
}

static EVP_PKEY_CTX *pctx(EVP_PKEY *pk, const EVP_MD *md, int sign)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);

	if (!c || (sign ? EVP_PKEY_sign_init(c) : EVP_PKEY_verify_init(c)) != 1 ||
	    (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) != 1) ||
	    EVP_PKEY_CTX_set_signature_md(c, md) != 1) {
		EVP_PKEY_CTX_free(c);
		return NULL;
	}
	return c;
}

static int raw_setup(struct zw_perf_sig *b)
{
	const char *mdname = md_of(b->key->alg);
	EVP_PKEY *pk = b->key->pkey;

	if (!mdname) {
		b->edsign = EVP_MD_CTX_new();
		b->edverify = EVP_MD_CTX_new();
		return b->edsign && b->edverify &&
		       EVP_DigestSignInit_ex(b->edsign, NULL, NULL, NULL, NULL,
					     pk, NULL) == 1 &&
		       EVP_DigestVerifyInit_ex(b->edverify, NULL, NULL, NULL,
					       NULL, pk, NULL) == 1 ? 0 : -1;
	}
	EVP_MD *md = EVP_MD_fetch(NULL, mdname, NULL);
	unsigned dlen = 0;
	int ok = md && EVP_Digest(b->msg, sizeof(b->msg), b->dgst, &dlen, md,
				  NULL) == 1;

	b->dlen = dlen;
	if (ok) {
		b->sctx = pctx(pk, md, 1);
		b->vctx = pctx(pk, md, 0);
	}
	EVP_MD_free(md);
	return ok && b->sctx && b->vctx ? 0 : -1;
}

struct zw_perf_sig *zw_perf_sig_new(uint8_t alg, int mode)
{
	static const uint8_t owner[] = "\007example";
	struct zw_perf_sig *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return NULL;
	b->mode = mode;
	memset(b->msg, 0x5a, sizeof(b->msg));
	b->key = zw_key_generate(owner, alg, 2048, ZW_DNSKEY_ZONE, &err);
	if (!b->key || (mode == ZW_PERF_SIG_RAW && raw_setup(b) < 0)) {
		zw_perf_sig_free(b);
		return NULL;
	}
	/* A signature in this mode's own form, for the verify runs. */
	b->siglen = sizeof(b->sig);
	if (mode == ZW_PERF_SIG_ZW) {
		int n = zw_key_sign(b->key, b->msg, sizeof(b->msg), b->sig,
				    sizeof(b->sig));
		b->siglen = n > 0 ? (size_t)n : 0;
	} else if (b->edsign) {
		EVP_DigestSign(b->edsign, b->sig, &b->siglen, b->msg,
			       sizeof(b->msg));
	} else {
		EVP_PKEY_sign(b->sctx, b->sig, &b->siglen, b->dgst, b->dlen);
	}
	if (zw_perf_sig_verify(b) != 0) {
		zw_perf_sig_free(b);
		return NULL;
	}
	return b;
}

void zw_perf_sig_free(struct zw_perf_sig *b)
{
	if (!b)
		return;
	EVP_PKEY_CTX_free(b->sctx);
	EVP_PKEY_CTX_free(b->vctx);
	EVP_MD_CTX_free(b->edsign);
	EVP_MD_CTX_free(b->edverify);
	zw_key_free(b->key);
	free(b);
}

int zw_perf_sig_sign(struct zw_perf_sig *b)
{
	uint8_t sig[ZW_SIG_MAX];
	size_t len = sizeof(sig);

	if (b->mode == ZW_PERF_SIG_ZW)
		return zw_key_sign(b->key, b->msg, sizeof(b->msg), sig,
				   sizeof(sig)) > 0 ? 0 : -1;
	if (b->edsign)
		return EVP_DigestSign(b->edsign, sig, &len, b->msg,
				      sizeof(b->msg)) == 1 ? 0 : -1;
	return EVP_PKEY_sign(b->sctx, sig, &len, b->dgst, b->dlen) == 1 ? 0 : -1;
}

int zw_perf_sig_verify(struct zw_perf_sig *b)
{
	if (b->mode == ZW_PERF_SIG_ZW)
		return zw_key_verify(b->key, b->msg, sizeof(b->msg), b->sig,
				     b->siglen);
	if (b->edverify)
		return EVP_DigestVerify(b->edverify, b->sig, b->siglen, b->msg,
					sizeof(b->msg)) == 1 ? 0 : -1;
	return EVP_PKEY_verify(b->vctx, b->sig, b->siglen, b->dgst,
			       b->dlen) == 1 ? 0 : -1;
}

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int run_batch(struct zw_perf_sig *b, int sign, int n, double *t)
{
	double t0 = cpu_now();

	for (int i = 0; i < n; i++)
		if ((sign ? zw_perf_sig_sign(b) : zw_perf_sig_verify(b)) != 0)
			return -1;
	*t += cpu_now() - t0;
	return 0;
}

int zw_perf_sig_batch(struct zw_perf_sig *b, int sign)
{
	double t = 0;
	int n = 4;

	if (run_batch(b, sign, n, &t) < 0)
		return -1;
	n = (int)(1e-3 / (t / n)) + 1;
	return n > 1000 ? 1000 : n;
}

int zw_perf_sig_ab(struct zw_perf_sig *a, struct zw_perf_sig *b, int sign,
		   int batch, double *ta, double *tb)
{
	return run_batch(a, sign, batch, ta) | run_batch(b, sign, batch, tb) |
	       run_batch(b, sign, batch, tb) | run_batch(a, sign, batch, ta);
}
