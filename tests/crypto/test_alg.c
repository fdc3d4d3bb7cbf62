/* crypto/alg.c, crypto/sign.c: algorithm facts, sign/verify round trips for
 * every algorithm, signature wire forms checked with OpenSSL directly,
 * rejection of bad signatures, concurrent use of one key, and that the hot
 * path adds no OpenSSL setup (allocation count against raw EVP calls). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/key.h"
#include "dns/err.h"
#include "dns/name.h"

static const uint8_t sign_algs[] = { 8, 10, 13, 14, 15, 16 };
static const uint8_t owner[] = "\007example\000";

/* ---- OpenSSL allocation counter (installed before OpenSSL runs) ---- */

static _Atomic long n_alloc;

static void *count_malloc(size_t n, const char *f, int l)
{
	(void)f;
	(void)l;
	n_alloc++;
	return malloc(n);
}

static void *count_realloc(void *p, size_t n, const char *f, int l)
{
	(void)f;
	(void)l;
	n_alloc++;
	return realloc(p, n);
}

static void count_free(void *p, const char *f, int l)
{
	(void)f;
	(void)l;
	free(p);
}

/* ---- algorithm facts ---- */

static void test_alg_facts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sign_algs); i++) {
		assert_true(zw_alg_supported(sign_algs[i]));
		assert_true(zw_alg_verify_supported(sign_algs[i]));
	}
	assert_false(zw_alg_supported(5));
	assert_false(zw_alg_supported(7));
	assert_true(zw_alg_verify_supported(5));
	assert_true(zw_alg_verify_supported(7));
	assert_false(zw_alg_verify_supported(1));
	assert_false(zw_alg_verify_supported(3));
	assert_false(zw_alg_verify_supported(12));
	assert_false(zw_alg_supported(0));

	assert_string_equal(zw_alg_name(13), "ECDSAP256SHA256");
	assert_string_equal(zw_alg_name(7), "NSEC3RSASHA1");
	assert_string_equal(zw_alg_name(16), "ED448");
	assert_string_equal(zw_alg_name(1), "RSAMD5");
	assert_null(zw_alg_name(42));

	assert_int_equal(zw_alg_from_name("ECDSAP384SHA384"), 14);
	assert_int_equal(zw_alg_from_name("ed25519"), 15);
	assert_int_equal(zw_alg_from_name("RSASHA1-NSEC3-SHA1"), 7);
	assert_int_equal(zw_alg_from_name("nsec3rsasha1"), 7);
	assert_int_equal(zw_alg_from_name("8"), 8);
	assert_int_equal(zw_alg_from_name("256"), ZW_EALG);
	assert_int_equal(zw_alg_from_name("8x"), ZW_EALG);
	assert_int_equal(zw_alg_from_name("ECDSA"), ZW_EALG);
	assert_int_equal(zw_alg_from_name(""), ZW_EALG);

	assert_int_equal(zw_alg_default_bits(8), 2048);
	assert_int_equal(zw_alg_default_bits(13), 256);
	assert_int_equal(zw_alg_default_bits(14), 384);
	assert_int_equal(zw_alg_default_bits(99), 0);
}

/* ---- round trips ---- */

static struct zw_key *gen(uint8_t alg)
{
	int err = 0;
	struct zw_key *k = zw_key_generate(owner, alg, alg == 10 ? 1024 : 0,
					   ZW_DNSKEY_ZONE, &err);

	assert_non_null(k);
	return k;
}

/* A public-only copy, as a validator would hold it. */
static struct zw_key *public_of(const struct zw_key *k)
{
	uint8_t rd[4 + ZW_KEY_PUB_MAX];
	int err = 0, len = zw_key_dnskey_rdata(k, rd, sizeof(rd));
	struct zw_key *p = zw_key_from_dnskey(owner, rd, (size_t)len, &err);

	assert_non_null(p);
	return p;
}

static void test_roundtrip(void **state)
{
	uint8_t msg[300], sig[ZW_SIG_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	for (size_t a = 0; a < sizeof(sign_algs); a++) {
		struct zw_key *k = gen(sign_algs[a]), *p = public_of(k);
		int len = zw_key_sign(k, msg, sizeof(msg), sig, sizeof(sig));

		assert_int_equal(len, (int)zw_key_sig_size(k));
		assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig,
					       (size_t)len), 0);
		/* A changed message, a changed signature, a short or long
		 * signature, an empty one: all rejected. */
		msg[5] ^= 0x20;
		assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig,
					       (size_t)len), ZW_EBADSIG);
		msg[5] ^= 0x20;
		for (int bit = 0; bit < len * 8; bit += 37) {
			sig[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig,
						       (size_t)len), ZW_EBADSIG);
			sig[bit / 8] ^= (uint8_t)(1 << (bit % 8));
		}
		assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig,
					       (size_t)len - 1), ZW_EBADSIG);
		sig[len] = 0;
		assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig,
					       (size_t)len + 1), ZW_EBADSIG);
		assert_int_equal(zw_key_verify(p, msg, sizeof(msg), sig, 0),
				 ZW_EBADSIG);
		assert_int_equal(zw_key_verify(p, msg, 0, sig, (size_t)len),
				 ZW_EBADSIG);
		/* Public keys do not sign; small buffers are refused. */
		assert_int_equal(zw_key_sign(p, msg, sizeof(msg), sig,
					     sizeof(sig)), ZW_EKEY);
		assert_int_equal(zw_key_sign(k, msg, sizeof(msg), sig,
					     (size_t)len - 1), ZW_ENOSPC);
		/* Empty messages sign too. */
		len = zw_key_sign(k, msg, 0, sig, sizeof(sig));
		assert_int_equal(zw_key_verify(p, msg, 0, sig, (size_t)len), 0);
		zw_key_free(p);
		zw_key_free(k);
	}
}

/* Signatures checked by OpenSSL directly with the standard encodings, so
 * our wire forms are right independently of our own verifier: ECDSA r||s
 * re-encoded as an ASN.1 ECDSA_SIG, RSA PKCS#1 v1.5, raw EdDSA. */
static void openssl_verify(const struct zw_key *k, const char *md,
			   const uint8_t *msg, size_t len, const uint8_t *sig,
			   size_t siglen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t der[200], *dp = der;
	int dlen = (int)siglen;

	if (k->alg == 13 || k->alg == 14) {
		ECDSA_SIG *es = ECDSA_SIG_new();
		BIGNUM *r = BN_bin2bn(sig, (int)siglen / 2, NULL);
		BIGNUM *s = BN_bin2bn(sig + siglen / 2, (int)siglen / 2, NULL);

		assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
		dlen = i2d_ECDSA_SIG(es, &dp);
		ECDSA_SIG_free(es);
		sig = der;
	}
	assert_int_equal(EVP_DigestVerifyInit_ex(c, NULL, md, NULL, NULL,
						 k->pkey, NULL), 1);
	assert_int_equal(EVP_DigestVerify(c, sig, (size_t)dlen, msg, len), 1);
	EVP_MD_CTX_free(c);
}

static void test_wire_forms(void **state)
{
	static const char *const mds[] = { "SHA256", "SHA512", "SHA256",
					   "SHA384", NULL, NULL };
	const uint8_t msg[] = "wire form";
	uint8_t sig[ZW_SIG_MAX];

	(void)state;
	for (size_t a = 0; a < sizeof(sign_algs); a++) {
		struct zw_key *k = gen(sign_algs[a]);

		/* Several signatures, so ECDSA r or s with a high bit or a
		 * leading zero octet come up. */
		for (int i = 0; i < 16; i++) {
			int len = zw_key_sign(k, msg, sizeof(msg), sig,
					      sizeof(sig));

			assert_true(len > 0);
			openssl_verify(k, mds[a], msg, sizeof(msg), sig,
				       (size_t)len);
		}
		zw_key_free(k);
	}
}

/* Verify-only algorithms: RSA/SHA-1 signatures made by OpenSSL verify;
 * the key refuses to sign. */
static void test_verify_only(void **state)
{
	uint8_t store[4096], sig[ZW_SIG_MAX];
	const uint8_t msg[] = "legacy";
	struct zw_key_field f[ZW_KEY_FIELDS_MAX];
	struct zw_key *g = gen(8);
	int n = zw_key_to_fields(g, f, store, sizeof(store)), err = 0;

	(void)state;
	for (uint8_t alg = 5; alg <= 7; alg += 2) {
		struct zw_key *k = zw_key_from_fields(owner, alg, 256, f,
						      (size_t)n, &err);
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		size_t slen = sizeof(sig);

		assert_non_null(k);
		assert_int_equal(zw_key_sign(k, msg, sizeof(msg), sig,
					     sizeof(sig)), ZW_EALG);
		assert_int_equal(EVP_DigestSignInit_ex(c, NULL, "SHA1", NULL,
						       NULL, k->pkey, NULL), 1);
		assert_int_equal(EVP_DigestSign(c, sig, &slen, msg,
						sizeof(msg)), 1);
		assert_int_equal(zw_key_verify(k, msg, sizeof(msg), sig, slen),
				 0);
		sig[10] ^= 1;
		assert_int_equal(zw_key_verify(k, msg, sizeof(msg), sig, slen),
				 ZW_EBADSIG);
		EVP_MD_CTX_free(c);
		zw_key_free(k);
	}
	zw_key_free(g);
}

/* A hand-built key (no context pool) still signs, with one-off contexts. */
static void test_key_without_pool(void **state)
{
	struct zw_key *k = gen(13);
	struct zw_key copy = *k;
	uint8_t sig[ZW_SIG_MAX];
	int len;

	(void)state;
	copy.pool = NULL;
	len = zw_key_sign(&copy, owner, sizeof(owner), sig, sizeof(sig));
	assert_int_equal(len, 64);
	assert_int_equal(zw_key_verify(&copy, owner, sizeof(owner), sig, 64),
			 0);
	assert_int_equal(zw_key_verify(k, owner, sizeof(owner), sig, 64), 0);
	zw_key_free(k);
}

/* ---- threads ---- */

struct worker {
	struct zw_key *key, *pub;
	int rounds, failures;
	pthread_t tid;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	uint8_t msg[64], sig[ZW_SIG_MAX];

	for (int i = 0; i < w->rounds; i++) {
		int len;

		memset(msg, i, sizeof(msg));
		len = zw_key_sign(w->key, msg, sizeof(msg), sig, sizeof(sig));
		if (len <= 0 ||
		    zw_key_verify(w->pub, msg, sizeof(msg), sig,
				  (size_t)len) != 0 ||
		    zw_key_verify(w->key, msg, sizeof(msg), sig,
				  (size_t)len) != 0)
			w->failures++;
		msg[0] ^= 1;
		if (len > 0 && zw_key_verify(w->pub, msg, sizeof(msg), sig,
					     (size_t)len) != ZW_EBADSIG)
			w->failures++;
	}
	return NULL;
}

/* 24 threads on one key: more than the pool's slots, so both the warm
 * slots and the one-off fallback run concurrently. */
static void test_threads(void **state)
{
	static const uint8_t algs[] = { 13, 15 };
	struct worker w[24];

	(void)state;
	for (size_t a = 0; a < sizeof(algs); a++) {
		struct zw_key *k = gen(algs[a]), *p = public_of(k);

		for (int i = 0; i < 24; i++) {
			w[i] = (struct worker){ k, p, 40, 0, 0 };
			assert_int_equal(pthread_create(&w[i].tid, NULL, work,
							&w[i]), 0);
		}
		for (int i = 0; i < 24; i++) {
			pthread_join(w[i].tid, NULL);
			assert_int_equal(w[i].failures, 0);
		}
		zw_key_free(p);
		zw_key_free(k);
	}
}

/* ---- no setup on the hot path ---- */

/* Allocations of `rounds` raw OpenSSL signatures on a context made once,
 * the way `openssl speed` measures. */
static long raw_allocs(struct zw_key *k, int rounds)
{
	uint8_t h[32] = { 1 }, sig[ZW_SIG_MAX];
	long before;
	size_t slen;

	if (k->alg == 15) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();

		EVP_DigestSignInit_ex(c, NULL, NULL, NULL, NULL, k->pkey, NULL);
		slen = sizeof(sig);
		EVP_DigestSign(c, sig, &slen, h, sizeof(h));
		before = n_alloc;
		for (int i = 0; i < rounds; i++) {
			slen = sizeof(sig);
			assert_int_equal(EVP_DigestSign(c, sig, &slen, h,
							sizeof(h)), 1);
		}
		before = n_alloc - before;
		EVP_MD_CTX_free(c);
		return before;
	}
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->pkey, NULL);

	EVP_PKEY_sign_init(c);
	EVP_PKEY_CTX_set_signature_md(c, EVP_sha256());
	slen = sizeof(sig);
	EVP_PKEY_sign(c, sig, &slen, h, sizeof(h));
	before = n_alloc;
	for (int i = 0; i < rounds; i++) {
		slen = sizeof(sig);
		assert_int_equal(EVP_PKEY_sign(c, sig, &slen, h, sizeof(h)), 1);
	}
	before = n_alloc - before;
	EVP_PKEY_CTX_free(c);
	return before;
}

static void test_hot_path_allocations(void **state)
{
	static const uint8_t algs[] = { 8, 13, 15 };
	uint8_t msg[32] = { 1 }, sig[ZW_SIG_MAX];
	const int rounds = 50;

	(void)state;
	for (size_t a = 0; a < sizeof(algs); a++) {
		struct zw_key *k = gen(algs[a]);
		long ours, raw;

		zw_key_sign(k, msg, sizeof(msg), sig, sizeof(sig));
		ours = n_alloc;
		for (int i = 0; i < rounds; i++)
			zw_key_sign(k, msg, sizeof(msg), sig, sizeof(sig));
		ours = n_alloc - ours;
		raw = raw_allocs(k, rounds);
		/* OpenSSL allocates inside its own sign call; we add at most
		 * the digest context's state (one per call) and no context
		 * setup (which would be dozens per call). ECDSA nonces make
		 * counts vary a little. */
		print_message("alg %u: %ld allocations per signature, raw "
			      "OpenSSL %ld\n", algs[a], ours / rounds,
			      raw / rounds);
		assert_true(ours <= raw + rounds + rounds / 5);
		zw_key_free(k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alg_facts),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wire_forms),
		cmocka_unit_test(test_verify_only),
		cmocka_unit_test(test_key_without_pool),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_hot_path_allocations),
	};

	/* Must precede any OpenSSL call to take effect. */
	if (!CRYPTO_set_mem_functions(count_malloc, count_realloc, count_free))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
