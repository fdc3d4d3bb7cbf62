/* Token keys as struct zw_key: the DNSKEY read from the token's key, the
 * engine's EVP_PKEY as the private half, a test signature before a key is
 * trusted, and a probe that says why a token stopped signing. */
#define OPENSSL_SUPPRESS_DEPRECATED     /* RSA/EC_KEY accessors of engine keys */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include "dns/err.h"
#include "hsm/hsm_int.h"

#define DNSKEY_HDR 4

/* What each algorithm needs of the token's key. Only algorithms
 * zonewire signs with (crypto/alg.c: no RSASHA1, NSEC3RSASHA1). */
static int want_type(uint8_t alg, int *nid, size_t *field)
{
	switch (alg) {
	case ZW_ALG_RSASHA256: case ZW_ALG_RSASHA512:
		return EVP_PKEY_RSA;
	case ZW_ALG_ECDSAP256:
		*nid = NID_X9_62_prime256v1;
		*field = 32;
		return EVP_PKEY_EC;
	case ZW_ALG_ECDSAP384:
		*nid = NID_secp384r1;
		*field = 48;
		return EVP_PKEY_EC;
	default:
		return 0;
	}
}

static const EVP_MD *alg_md(uint8_t alg)
{
	switch (alg) {
	case ZW_ALG_RSASHA512: return EVP_sha512();
	case ZW_ALG_ECDSAP384: return EVP_sha384();
	default: return EVP_sha256();
	}
}

/* RFC 3110: exponent length (1 or 3 octets), exponent, modulus. */
static int rsa_pub(EVP_PKEY *pk, uint8_t *out, size_t max)
{
	const RSA *rsa = EVP_PKEY_get0_RSA(pk);
	const BIGNUM *n = NULL, *e = NULL;
	size_t nl, el, off;

	if (rsa)
		RSA_get0_key(rsa, &n, &e, NULL);
	if (!n || !e)
		return ZW_EKEY;
	nl = (size_t)BN_num_bytes(n);
	el = (size_t)BN_num_bytes(e);
	off = el < 256 ? 1 : 3;
	if (el == 0 || el > 0xffff || off + el + nl > max)
		return ZW_EKEY;
	if (off == 1) {
		out[0] = (uint8_t)el;
	} else {
		out[0] = 0;
		out[1] = (uint8_t)(el >> 8);
		out[2] = (uint8_t)el;
	}
	BN_bn2bin(e, out + off);
	BN_bn2bin(n, out + off + el);
	return (int)(off + el + nl);
}

/* RFC 6605: x || y of the public point. */
static int ec_pub(EVP_PKEY *pk, int nid, size_t field, uint8_t *out,
		  const char *stored, char *msg, size_t msglen)
{
	const EC_KEY *ec = EVP_PKEY_get0_EC_KEY(pk);
	const EC_GROUP *g = ec ? EC_KEY_get0_group(ec) : NULL;
	const EC_POINT *q = ec ? EC_KEY_get0_public_key(ec) : NULL;
	uint8_t buf[1 + 2 * 66];

	if (!g || EC_GROUP_get_curve_name(g) != nid)
		return zw_hsm_say(msg, msglen, ZW_EALG, "%s: the token's EC "
				  "key is not on the algorithm's curve", stored);
	if (!q)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "%s: the token holds "
				  "no public key for this private key (libp11 "
				  "pairs them by CKA_ID: give both objects the "
				  "same, unique ID)", stored);
	if (EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, buf,
			       sizeof(buf), NULL) != 1 + 2 * field)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "%s: bad public point",
				  stored);
	memcpy(out, buf + 1, 2 * field);
	return (int)(2 * field);
}

/* DNSKEY rdata (flags, protocol 3, alg, public key) of the token's key. */
static int token_dnskey(EVP_PKEY *pk, uint8_t alg, uint16_t flags,
			uint8_t *rd, size_t max, const char *stored,
			char *msg, size_t msglen)
{
	int nid = 0, type;
	size_t field = 0;
	int n;

	type = want_type(alg, &nid, &field);
	if (!type)
		return zw_hsm_say(msg, msglen, ZW_EALG, "algorithm %u cannot "
				  "use token keys (RSASHA256, RSASHA512, "
				  "ECDSAP256SHA256 and ECDSAP384SHA384 can)",
				  alg);
	if (EVP_PKEY_get_base_id(pk) != type)
		return zw_hsm_say(msg, msglen, ZW_EALG, "%s: the token's key is "
				  "%s, algorithm %s needs %s", stored,
				  EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC ?
				  "EC" : "not EC", zw_alg_name(alg),
				  type == EVP_PKEY_EC ? "EC" : "RSA");
	rd[0] = (uint8_t)(flags >> 8);
	rd[1] = (uint8_t)flags;
	rd[2] = 3;
	rd[3] = alg;
	n = type == EVP_PKEY_RSA ? rsa_pub(pk, rd + 4, max - 4) :
		ec_pub(pk, nid, field, rd + 4, stored, msg, msglen);
	if (n == ZW_EKEY && type == EVP_PKEY_RSA)
		zw_hsm_say(msg, msglen, n, "%s: no RSA public key", stored);
	return n < 0 ? n : n + DNSKEY_HDR;
}

int zw_hsm_key_check(const struct zw_key *key, char *msg, size_t msglen)
{
	const EVP_MD *md = alg_md(key->alg);
	uint8_t h[EVP_MAX_MD_SIZE] = { 0 }, sig[ZW_SIG_MAX];
	size_t slen = sizeof(sig);
	EVP_PKEY_CTX *c;
	struct zw_hsm_why w;
	int ok;

	if (!key->pkey || !key->has_private)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "no private key");
	ERR_clear_error();
	c = EVP_PKEY_CTX_new(key->pkey, NULL);
	ok = c && EVP_PKEY_sign_init(c) == 1 &&
	     (EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_RSA ||
	      EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1) &&
	     EVP_PKEY_CTX_set_signature_md(c, md) == 1 &&
	     EVP_PKEY_sign(c, sig, &slen, h, (size_t)EVP_MD_get_size(md)) == 1;
	EVP_PKEY_CTX_free(c);
	if (ok) {
		ERR_clear_error();
		return 0;
	}
	zw_hsm_reasons(&w);
	return zw_hsm_say(msg, msglen, ZW_ECRYPTO, "%s: the token does not "
			  "sign: %s", key->label ? key->label : "key", w.text);
}

/* A signature made in the token must verify with `pub` (the DNSKEY we
 * publish): catches a public key that is not the private key's. `stored`
 * names the key in messages (key->label is not set yet for a new key). */
static int self_test(const struct zw_key *key, const struct zw_key *pub,
		     const char *stored, char *msg, size_t msglen)
{
	uint8_t data[48], sig[ZW_SIG_MAX];
	int n;

	if (RAND_bytes(data, sizeof(data)) != 1)
		return zw_hsm_say(msg, msglen, ZW_ECRYPTO, "no random data");
	n = zw_key_sign(key, data, sizeof(data), sig, sizeof(sig));
	if (n < 0)
		return zw_hsm_key_check(key, msg, msglen) < 0 ? n :
			zw_hsm_say(msg, msglen, n, "%s: test signature "
				   "failed: %s", stored, zw_strerror(n));
	if (zw_key_verify(pub, data, sizeof(data), sig, (size_t)n) != 0)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "%s: a signature made "
				  "in the token does not verify with its public "
				  "key (do two objects share one CKA_ID?)",
				  stored);
	return 0;
}

/* Put the engine key into `key` (taking pk) once it passes the test
 * against `pub`; on failure the key is left as it was. */
static int install(struct zw_key *key, EVP_PKEY *pk, const struct zw_key *pub,
		   const char *stored, char *msg, size_t msglen)
{
	EVP_PKEY *old = key->pkey;
	bool had = key->has_private;
	int r;

	key->pkey = pk;
	key->has_private = true;
	r = self_test(key, pub, stored, msg, msglen);
	if (r < 0) {
		key->pkey = old;
		key->has_private = had;
		EVP_PKEY_free(pk);
		return r;
	}
	EVP_PKEY_free(old);
	return 0;
}

static int set_names(struct zw_key *key, const char *engine,
		     const char *stored)
{
	char *e = strdup(engine), *l = strdup(stored);

	if (!e || !l) {
		free(e);
		free(l);
		return ZW_ENOMEM;
	}
	free(key->engine);
	free(key->label);
	key->engine = e;
	key->label = l;
	return 0;
}

static struct zw_key *fail_key(struct zw_key *k, int code, int *err)
{
	zw_key_free(k);
	if (err)
		*err = code;
	return NULL;
}

struct zw_key *zw_hsm_key_from_label(const uint8_t *owner, uint8_t alg,
				     uint16_t flags, const char *engine,
				     const char *label, int *err, char *msg,
				     size_t msglen)
{
	struct zw_hsm_label l;
	uint8_t rd[DNSKEY_HDR + ZW_KEY_PUB_MAX];
	struct zw_key *key = NULL, *pub = NULL;
	EVP_PKEY *pk;
	int r, n;

	engine = engine ? engine : ZW_HSM_ENGINE;
	if ((r = zw_hsm_label_parse(label, &l, msg, msglen)) < 0)
		return fail_key(NULL, r, err);
	pk = zw_hsm_load_private(engine, &l, &r, msg, msglen);
	if (!pk) {
		zw_hsm_label_wipe(&l);
		return fail_key(NULL, r, err);
	}
	n = token_dnskey(pk, alg, flags, rd, sizeof(rd), l.stored, msg,
			 msglen);
	if (n > 0 && (!(key = zw_key_from_dnskey(owner, rd, (size_t)n, &r)) ||
		      !(pub = zw_key_from_dnskey(owner, rd, (size_t)n, &r))))
		n = zw_hsm_say(msg, msglen, r, "%s: unusable public key: %s",
			       l.stored, zw_strerror(r));
	if (n < 0 || !key || !pub) {
		EVP_PKEY_free(pk);
		r = n < 0 ? n : r;
	} else if ((r = install(key, pk, pub, l.stored, msg, msglen)) == 0) {
		r = set_names(key, engine, l.stored);
	}
	zw_key_free(pub);
	zw_hsm_label_wipe(&l);
	return r < 0 ? fail_key(key, r, err) : key;
}

/* The engine a key file's key uses: -E's, else its own, else pkcs11. */
static int pick_engine(const struct zw_key *key, const char *opt,
		       const char **out, char *msg, size_t msglen)
{
	if (opt && key->engine && strcmp(opt, key->engine) != 0)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "key names engine %s, "
				  "not %s (-E)", key->engine, opt);
	*out = opt ? opt : key->engine ? key->engine : ZW_HSM_ENGINE;
	return 0;
}

int zw_hsm_key_attach(struct zw_key *key, const char *engine, char *msg,
		      size_t msglen)
{
	uint8_t rd[DNSKEY_HDR + ZW_KEY_PUB_MAX];
	struct zw_key *pub;
	struct zw_hsm_label l;
	EVP_PKEY *pk;
	int r, n;

	if (!key->label)
		return zw_hsm_say(msg, msglen, ZW_EKEY, "no token label");
	if ((r = pick_engine(key, engine, &engine, msg, msglen)) < 0 ||
	    (r = zw_hsm_label_parse(key->label, &l, msg, msglen)) < 0)
		return r;
	pk = zw_hsm_load_private(engine, &l, &r, msg, msglen);
	zw_hsm_label_wipe(&l);
	if (!pk)
		return r;
	n = token_dnskey(pk, key->alg, key->flags, rd, sizeof(rd),
			 key->label, msg, msglen);
	if (n >= 0 && ((size_t)n != DNSKEY_HDR + (size_t)key->publen ||
		       memcmp(rd + DNSKEY_HDR, key->pub, key->publen) != 0))
		n = zw_hsm_say(msg, msglen, ZW_EKEY, "%s: the token's key is "
			       "not the one in the .key file", key->label);
	pub = n >= 0 ? zw_key_from_dnskey(key->owner, rd, (size_t)n, &r) :
		       NULL;
	if (!pub) {
		EVP_PKEY_free(pk);
		return n < 0 ? n : r;
	}
	r = install(key, pk, pub, key->label, msg, msglen);
	zw_key_free(pub);
	return r;
}
