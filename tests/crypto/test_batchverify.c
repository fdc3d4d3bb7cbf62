/* Batched verification against OpenSSL: every Wycheproof ECDSA P-256
 * (IEEE P1363) and Ed25519 vector through the batch API in several cache
 * configurations, edge cases, the incremental API's limits, and a
 * randomized differential test against EVP verify: ZW_BV_DIFF_N signatures
 * (default 20000; perf/compare_batchverify.sh runs 1000000), valid ones and
 * ones with one bit flipped in r, s, the digest or the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "crypto/batchverify.h"
#include "crypto/key.h"
#include "crypto/p256_cache.h"
#include "crypto/p256_ifma.h"

/* The AVX-512 IFMA routine's portable instruction model, so the batch
 * API's eight-lane path runs here too (zw_p256_mb8_set). */
#define ZW_P256_IFMA_EMULATE 1
#include "crypto/p256_ifma.c"
#undef ZW_P256_IFMA_EMULATE
#include "dns/err.h"
#include "tests/util/testutil.h"

/* ---- OpenSSL reference ------------------------------------------- */

static EVP_PKEY *p256_pkey(const uint8_t xy[64])
{
	uint8_t pub[65];
	EVP_PKEY *pk = NULL;
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);

	pub[0] = 4;
	memcpy(pub + 1, xy, 64);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
						     (char *)"prime256v1", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
						      pub, sizeof(pub));
	params[2] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

/* OpenSSL's verdict on raw r||s over a digest with key pk (NULL: the
 * key did not import, so nothing verifies). */
static int ossl_verify(EVP_PKEY *pk, const uint8_t *dg, size_t dlen,
		       const uint8_t sig[64])
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	uint8_t *der = NULL;
	int derlen, ok = 0;

	if (pk == NULL)
		goto out;
	assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
	r = s = NULL;
	derlen = i2d_ECDSA_SIG(es, &der);
	assert_true(derlen > 0);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
	if (ctx != NULL && EVP_PKEY_verify_init(ctx) == 1)
		ok = EVP_PKEY_verify(ctx, der, (size_t)derlen, dg, dlen) == 1;
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return ok;
}

static int ossl_verify_raw(const uint8_t xy[64], const uint8_t *dg,
			   size_t dlen, const uint8_t sig[64])
{
	EVP_PKEY *pk = p256_pkey(xy);
	int ok = ossl_verify(pk, dg, dlen, sig);
	EVP_PKEY_free(pk);
	return ok;
}

static void sha256(uint8_t out[32], const uint8_t *m, size_t len)
{
	unsigned olen = 32;
	assert_int_equal(EVP_Digest(m, len, out, &olen, EVP_sha256(), NULL), 1);
}

/* ---- caches and batches ------------------------------------------ */

struct rig {
	void *cmem, *bmem;
	struct zw_bv_cache *cache;
	struct zw_bv_batch *batch;
};

static void rig_open(struct rig *r, unsigned nkeys, unsigned ntables,
		     unsigned build_after)
{
	size_t clen = zw_bv_cache_size(nkeys, ntables);
	size_t blen = zw_bv_batch_size();
	r->cmem = aligned_alloc(64, (clen + 63) & ~(size_t)63);
	r->bmem = aligned_alloc(64, (blen + 63) & ~(size_t)63);
	assert_non_null(r->cmem);
	assert_non_null(r->bmem);
	r->cache = zw_bv_cache_init(r->cmem, clen, nkeys, ntables, build_after);
	assert_non_null(r->cache);
	r->batch = zw_bv_batch_init(r->bmem, blen, r->cache);
	assert_non_null(r->batch);
}

static void rig_close(struct rig *r)
{
	free(r->cmem);
	free(r->bmem);
}

/* Key cache internals after heavy churn: every live key is found at its
 * own index entry and every index entry names a live key, so backward-
 * shift deletion kept the probe runs whole; a table owner owns it. */
static void check_cache(const struct zw_bv_cache *c)
{
	unsigned live = 0, used = 0;
	for (unsigned i = 0; i < c->nkeys; i++) {
		const struct zw_p256_key *k = &c->keys[i];
		if (!k->live)
			continue;
		live++;
		uint32_t pos = zw_p256_cache_hash(k->raw) & c->mask;
		while (c->index[pos] != i + 1) {
			assert_int_not_equal(c->index[pos], 0);
			pos = (pos + 1) & c->mask;
		}
		if (k->table >= 0)
			assert_int_equal(c->tables[k->table].owner, (int)i);
		assert_int_equal(k->pins, 0);
	}
	for (uint32_t p = 0; p <= c->mask; p++) {
		if (c->index[p] == 0)
			continue;
		used++;
		assert_true(c->keys[c->index[p] - 1].live);
	}
	assert_int_equal(live, used);
	for (unsigned t = 0; t < c->ntables; t++)
		if (c->tables[t].owner >= 0)
			assert_int_equal(c->keys[c->tables[t].owner].table, (int)t);
}

/* ---- Wycheproof -------------------------------------------------- */

struct vec {
	uint8_t key[64];
	size_t keylen;
	uint8_t *msg;
	size_t msglen;
	uint8_t sig[128];
	size_t siglen;
	uint8_t digest[32];
	int valid;
	int tcid;
};

/* Next JSON string token in [p, end): sets *s, *len (raw, escapes kept)
 * and returns the position after it, or NULL when there is none. */
static const char *next_string(const char *p, const char *end,
			       const char **s, size_t *len)
{
	while (p < end && *p != '"')
		p++;
	if (p >= end)
		return NULL;
	const char *q = ++p;
	while (q < end && *q != '"')
		q += (*q == '\\' && q + 1 < end) ? 2 : 1;
	if (q >= end)
		return NULL;
	*s = p;
	*len = (size_t)(q - p);
	return q + 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex string into out (at most max octets); returns the length. */
static size_t unhex(uint8_t *out, size_t max, const char *s, size_t len)
{
	assert_true(len % 2 == 0 && len / 2 <= max);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		assert_true(hi >= 0 && lo >= 0);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return len / 2;
}

static bool key_is(const char *s, size_t len, const char *name)
{
	return len == strlen(name) && memcmp(s, name, len) == 0;
}

/* Walk the vector file's string tokens: the group key ("uncompressed" for
 * ECDSA, "pk" for EdDSA), then per test "tcId" (a number, read directly),
 * "msg", "sig", "result". */
static size_t load_vectors(const char *file, const char *keyname,
			   struct vec **out)
{
	size_t flen, n = 0, cap = 512;
	char *text = zw_test_read_file(zw_test_vector(file), &flen);
	assert_non_null(text);
	const char *p = text, *end = text + flen, *s, *v;
	size_t len, vlen;
	uint8_t key[65];
	size_t keylen = 0;
	struct vec *vs = calloc(cap, sizeof(*vs)), cur = { 0 };

	while ((p = next_string(p, end, &s, &len)) != NULL) {
		if (key_is(s, len, "tcId")) {
			cur.tcid = atoi(p + strspn(p, " :"));
			continue;
		}
		bool want = key_is(s, len, keyname) || key_is(s, len, "msg") ||
			    key_is(s, len, "sig") || key_is(s, len, "result");
		if (!want)
			continue;
		p = next_string(p, end, &v, &vlen);
		assert_non_null(p);
		if (key_is(s, len, keyname)) {
			keylen = unhex(key, sizeof(key), v, vlen);
		} else if (key_is(s, len, "msg")) {
			cur.msg = malloc(vlen / 2 + 1);
			cur.msglen = unhex(cur.msg, vlen / 2, v, vlen);
		} else if (key_is(s, len, "sig")) {
			cur.siglen = unhex(cur.sig, sizeof(cur.sig), v, vlen);
		} else {
			assert_true(key_is(v, vlen, "valid") ||
				    key_is(v, vlen, "invalid"));
			cur.valid = key_is(v, vlen, "valid");
			/* ECDSA keys are 04||x||y: the DNSKEY form drops 04 */
			size_t off = (keylen == 65 && key[0] == 4) ? 1 : 0;
			cur.keylen = keylen - off;
			memcpy(cur.key, key + off, cur.keylen);
			sha256(cur.digest, cur.msg, cur.msglen);
			if (n == cap)
				vs = realloc(vs, (cap *= 2) * sizeof(*vs));
			vs[n++] = cur;
			memset(&cur, 0, sizeof(cur));
		}
	}
	free(text);
	*out = vs;
	return n;
}

static void free_vectors(struct vec *vs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(vs[i].msg);
	free(vs);
}

static void item_of(struct zw_bv_item *it, const struct vec *v, uint8_t alg)
{
	it->alg = alg;
	it->key = v->key;
	it->keylen = v->keylen;
	it->sig = v->sig;
	it->siglen = v->siglen;
	if (alg == ZW_ALG_ECDSAP256) {
		it->msg = v->digest;
		it->msglen = 32;
	} else {
		it->msg = v->msg;
		it->msglen = v->msglen;
	}
}

/* Run all vectors through one rig, per_flush items at a time (0: the
 * whole set in one zw_bv_verify call). */
static void run_vectors(const struct vec *vs, size_t n, uint8_t alg,
			struct rig *rig, size_t per_flush)
{
	struct zw_bv_item *items = calloc(n, sizeof(*items));
	int *verdicts = calloc(n, sizeof(int));

	for (size_t i = 0; i < n; i++)
		item_of(&items[i], &vs[i], alg);
	if (per_flush == 0) {
		zw_bv_verify(rig->batch, items, n, verdicts);
	} else {
		for (size_t i = 0; i < n; i += per_flush) {
			size_t m = n - i < per_flush ? n - i : per_flush;
			zw_bv_verify(rig->batch, items + i, m, verdicts + i);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if ((verdicts[i] == 0) != vs[i].valid) {
			fprintf(stderr, "tcId %d: verdict %d, expected %s\n",
				vs[i].tcid, verdicts[i],
				vs[i].valid ? "valid" : "invalid");
			fail();
		}
	}
	free(items);
	free(verdicts);
}

static void test_wycheproof_p256(void **state)
{
	(void)state;
	struct vec *vs;
	size_t n = load_vectors("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json",
				"uncompressed", &vs);
	struct rig r;

	assert_int_equal(n, 262);
	/* the reference agrees with the file, so agreeing with the file is
	 * agreeing with OpenSSL */
	for (size_t i = 0; i < n; i++) {
		int ok = vs[i].siglen == 64 &&
			 ossl_verify_raw(vs[i].key, vs[i].digest, 32, vs[i].sig);
		assert_int_equal(ok, vs[i].valid);
	}
	rig_open(&r, 64, 8, 1);         /* tables from the first use */
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 0);
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 1);
	rig_close(&r);
	rig_open(&r, 64, 0, 1);         /* Straus only */
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 0);
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 7);
	rig_close(&r);
	rig_open(&r, 4, 1, 2);          /* four keys: constant eviction */
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 0);
	check_cache(r.cache);
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 3);
	check_cache(r.cache);
	rig_close(&r);
	free_vectors(vs, n);
}

/* The same vectors through the eight-lane multi-buffer path (its
 * instruction model): every key gets a table at first use. */
static void test_wycheproof_p256_mb8(void **state)
{
	(void)state;
	struct vec *vs;
	size_t n = load_vectors("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json",
				"uncompressed", &vs);
	struct rig r;

	zw_p256_mb8_set(zw_p256_ifma_emu_mul2_fixed8);
	rig_open(&r, 128, 128, 1);
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 0);
	run_vectors(vs, n, ZW_ALG_ECDSAP256, &r, 9);
	rig_close(&r);
	zw_p256_mb8_set(NULL);
	free_vectors(vs, n);
}

static void test_wycheproof_ed25519(void **state)
{
	(void)state;
	struct vec *vs;
	size_t n = load_vectors("wycheproof/ed25519_test.json", "pk", &vs);
	struct rig r;

	assert_int_equal(n, 151);
	rig_open(&r, 8, 0, 1);
	run_vectors(vs, n, ZW_ALG_ED25519, &r, 0);
	run_vectors(vs, n, ZW_ALG_ED25519, &r, 1);
	rig_close(&r);
	free_vectors(vs, n);
}

/* ---- keys and signatures made with OpenSSL ------------------------ */

struct signer {
	EVP_PKEY *pk;
	EVP_PKEY_CTX *sctx;
	uint8_t xy[64];
};

static void signer_new(struct signer *s)
{
	uint8_t pub[65];
	size_t len;

	s->pk = EVP_EC_gen("P-256");
	assert_non_null(s->pk);
	assert_int_equal(EVP_PKEY_get_octet_string_param(
				 s->pk, OSSL_PKEY_PARAM_PUB_KEY, pub,
				 sizeof(pub), &len), 1);
	assert_int_equal(len, 65);
	memcpy(s->xy, pub + 1, 64);
	s->sctx = EVP_PKEY_CTX_new(s->pk, NULL);
	assert_int_equal(EVP_PKEY_sign_init(s->sctx), 1);
}

static void signer_free(struct signer *s)
{
	EVP_PKEY_CTX_free(s->sctx);
	EVP_PKEY_free(s->pk);
}

static void sign_digest(struct signer *s, const uint8_t *dg, size_t dlen,
			uint8_t sig[64])
{
	uint8_t der[80];
	size_t derlen = sizeof(der);
	const unsigned char *p = der;

	assert_int_equal(EVP_PKEY_sign(s->sctx, der, &derlen, dg, dlen), 1);
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	assert_non_null(es);
	BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
	BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
	ECDSA_SIG_free(es);
}

static uint64_t rng = 0x853c49e6748fea9bULL;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rnd_bytes(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rnd64();
}

static const uint8_t order_be[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

/* Edge cases where our verdict must be OpenSSL's: r or s of 0, n, n-1,
 * all ones; keys off the curve or with a coordinate >= p; odd digest
 * lengths; wrong lengths and algorithms. */
static void test_edges(void **state)
{
	(void)state;
	struct signer s;
	struct rig r;
	uint8_t dg[64], sig[64], bad[64], key[64];
	struct zw_bv_item it = { ZW_ALG_ECDSAP256, NULL, 64, dg, 32, bad, 64 };
	int v;

	signer_new(&s);
	rig_open(&r, 8, 2, 1);
	rnd_bytes(dg, sizeof(dg));
	sign_digest(&s, dg, 32, sig);
	it.key = s.xy;
	for (int field = 0; field < 2; field++) {
		for (int kind = 0; kind < 5; kind++) {
			memcpy(bad, sig, 64);
			uint8_t *f = bad + 32 * field;
			if (kind == 0)
				memset(f, 0, 32);
			else if (kind == 1)
				memcpy(f, order_be, 32);
			else if (kind == 2)
				memset(f, 0xff, 32);
			else if (kind == 3) {
				memcpy(f, order_be, 32);
				f[31] -= 1;
			} else {
				memset(f, 0, 32);
				f[31] = 1;
			}
			zw_bv_verify(r.batch, &it, 1, &v);
			assert_int_equal(v == 0, ossl_verify_raw(s.xy, dg, 32, bad));
			assert_int_not_equal(v, 0);
		}
	}
	/* digest lengths: OpenSSL uses the leftmost 256 bits */
	memcpy(bad, sig, 64);
	const size_t lens[] = { 0, 1, 20, 31, 33, 48, 64 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		sign_digest(&s, dg, lens[i], bad);
		it.msglen = lens[i];
		zw_bv_verify(r.batch, &it, 1, &v);
		assert_int_equal(v, 0);
		assert_true(ossl_verify_raw(s.xy, dg, lens[i], bad));
	}
	it.msglen = 32;
	memcpy(bad, sig, 64);
	/* key coordinate >= p, and a key off the curve */
	memcpy(key, s.xy, 64);
	memset(key, 0xff, 32);
	it.key = key;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EKEY);
	assert_false(ossl_verify_raw(key, dg, 32, bad));
	memcpy(key, s.xy, 64);
	key[40] ^= 4;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EKEY);
	memset(key, 0, 64);
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EKEY);
	/* lengths and algorithms */
	it.key = s.xy;
	it.keylen = 65;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EKEY);
	it.keylen = 64;
	it.siglen = 63;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EBADSIG);
	it.siglen = 64;
	it.alg = ZW_ALG_RSASHA256;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, ZW_EALG);
	it.alg = ZW_ALG_ECDSAP256;
	zw_bv_verify(r.batch, &it, 1, &v);
	assert_int_equal(v, 0);
	rig_close(&r);
	signer_free(&s);
}

/* The incremental form: a full batch and a fully pinned key cache say
 * ZW_ENOSPC; verdicts come back in add order. */
static void test_incremental(void **state)
{
	(void)state;
	struct signer s[5];
	struct rig r;
	uint8_t dg[32], sig[5][64];
	int verdicts[ZW_BV_BATCH_MAX];

	rnd_bytes(dg, sizeof(dg));
	for (int i = 0; i < 5; i++) {
		signer_new(&s[i]);
		sign_digest(&s[i], dg, 32, sig[i]);
	}
	rig_open(&r, 4, 1, 1);          /* room for four keys */
	for (int i = 0; i < 4; i++) {
		struct zw_bv_item it = { ZW_ALG_ECDSAP256, s[i].xy, 64, dg, 32,
					 sig[(i + 1) % 4], 64 };
		if (i % 2 == 0)
			it.sig = sig[i];
		assert_int_equal(zw_bv_add(r.batch, &it), i);
	}
	struct zw_bv_item fifth = { ZW_ALG_ECDSAP256, s[4].xy, 64, dg, 32,
				    sig[4], 64 };
	assert_int_equal(zw_bv_add(r.batch, &fifth), ZW_ENOSPC);
	assert_int_equal(zw_bv_pending(r.batch), 4);
	assert_int_equal(zw_bv_flush(r.batch, verdicts), 4);
	assert_int_equal(verdicts[0], 0);
	assert_int_equal(verdicts[1], ZW_EBADSIG);
	assert_int_equal(verdicts[2], 0);
	assert_int_equal(verdicts[3], ZW_EBADSIG);
	assert_int_equal(zw_bv_add(r.batch, &fifth), 0);
	for (int i = 1; i < ZW_BV_BATCH_MAX; i++)
		assert_int_equal(zw_bv_add(r.batch, &fifth), i);
	assert_int_equal(zw_bv_add(r.batch, &fifth), ZW_ENOSPC);
	assert_int_equal(zw_bv_flush(r.batch, verdicts), ZW_BV_BATCH_MAX);
	for (int i = 0; i < ZW_BV_BATCH_MAX; i++)
		assert_int_equal(verdicts[i], 0);
	assert_int_equal(zw_bv_flush(r.batch, verdicts), 0);
	rig_close(&r);
	for (int i = 0; i < 5; i++)
		signer_free(&s[i]);
}

/* ---- randomized differential ------------------------------------- */

#define DIFF_KEYS 48

struct ditem {
	uint8_t key[64], dg[32], sig[64];
	int kidx;                       /* signer, or -1 when key modified */
	int kind;
};

static void flip(uint8_t *b, size_t len)
{
	size_t bit = (size_t)(rnd64() % (len * 8));
	b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* kind 0 valid; 1-4 one bit flipped in r, s, digest, key; 5 r or s
 * replaced by an out-of-range or boundary value. */
static void make_item(struct ditem *d, struct signer *s, int ks)
{
	d->kind = (int)(rnd64() % 21) / 4;      /* 0..5, kind 5 rarer */
	d->kidx = ks;
	memcpy(d->key, s[ks].xy, 64);
	rnd_bytes(d->dg, 32);
	sign_digest(&s[ks], d->dg, 32, d->sig);
	switch (d->kind) {
	case 1: flip(d->sig, 32); break;
	case 2: flip(d->sig + 32, 32); break;
	case 3: flip(d->dg, 32); break;
	case 4: flip(d->key, 64); d->kidx = -1; break;
	case 5: {
		uint8_t *f = d->sig + 32 * (int)(rnd64() & 1);
		if (rnd64() & 1)
			memcpy(f, order_be, 32);
		else
			memset(f, 0, 32);
		break;
	}
	default: break;
	}
}

static int reference(const struct ditem *d, struct signer *s)
{
	if (d->kidx >= 0)
		return ossl_verify(s[d->kidx].pk, d->dg, 32, d->sig);
	return ossl_verify_raw(d->key, d->dg, 32, d->sig);
}

static void differential(long total);

static void test_differential(void **state)
{
	(void)state;
	const char *env = getenv("ZW_BV_DIFF_N");
	differential(env ? atol(env) : 20000);
}

/* A shorter run with the eight-lane path's instruction model. */
static void test_differential_mb8(void **state)
{
	(void)state;
	zw_p256_mb8_set(zw_p256_ifma_emu_mul2_fixed8);
	differential(3000);
	zw_p256_mb8_set(NULL);
}

static void differential(long total)
{
	struct signer s[DIFF_KEYS];
	struct ditem d[ZW_BV_BATCH_MAX];
	struct zw_bv_item items[ZW_BV_BATCH_MAX];
	int verdicts[ZW_BV_BATCH_MAX];
	long done = 0, valid = 0, mismatches = 0;
	struct rig r;
	clock_t t0 = clock();

	for (int i = 0; i < DIFF_KEYS; i++)
		signer_new(&s[i]);
	/* fewer key ways and tables than keys: evictions, table theft,
	 * ENOSPC flushes inside zw_bv_verify all happen */
	rig_open(&r, 32, 6, 3);
	while (done < total) {
		int n = 1 + (int)(rnd64() % ZW_BV_BATCH_MAX);
		if (n > total - done)
			n = (int)(total - done);
		/* mostly a few hot keys, as a zone's ZSK signs most RRsets */
		for (int i = 0; i < n; i++) {
			int ks = (rnd64() & 3) ? (int)(rnd64() % 4) :
						(int)(rnd64() % DIFF_KEYS);
			make_item(&d[i], s, ks);
			items[i] = (struct zw_bv_item){ ZW_ALG_ECDSAP256,
				d[i].key, 64, d[i].dg, 32, d[i].sig, 64 };
		}
		zw_bv_verify(r.batch, items, (size_t)n, verdicts);
		if (done % 1024 < (long)n)
			check_cache(r.cache);
		for (int i = 0; i < n; i++) {
			int want = reference(&d[i], s);
			valid += want;
			if ((verdicts[i] == 0) != want) {
				fprintf(stderr, "mismatch: kind %d ours %d "
					"openssl %d\n", d[i].kind, verdicts[i],
					want);
				mismatches++;
			}
		}
		done += n;
	}
	fprintf(stderr, "differential: %ld signatures (%ld valid), %ld "
		"mismatches, %.1f s\n", done, valid, mismatches,
		(double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_int_equal(mismatches, 0);
	assert_true(valid > total / 8);
	rig_close(&r);
	for (int i = 0; i < DIFF_KEYS; i++)
		signer_free(&s[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wycheproof_p256),
		cmocka_unit_test(test_wycheproof_p256_mb8),
		cmocka_unit_test(test_wycheproof_ed25519),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_differential_mb8),
	};
	const struct CMUnitTest diff_only[] = {
		cmocka_unit_test(test_differential),
	};
	/* the long differential run (perf/compare_batchverify.sh) */
	if (getenv("ZW_BV_DIFF_N") != NULL)
		return cmocka_run_group_tests_name("batchverify differential",
						   diff_only, NULL, NULL);
	return cmocka_run_group_tests_name("batchverify", tests, NULL, NULL);
}
