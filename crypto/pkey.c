/* EVP_PKEY <-> DNSKEY public key field (RFC 3110 RSA, RFC 6605 ECDSA x||y,
 * RFC 8080 raw EdDSA) and BIND private fields; key generation. */
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include "crypto/pkey.h"
#include "dns/err.h"

#define RSA_MIN_BITS 512        /* RFC 3110; old keys must still verify */
#define RSA_MAX_BITS 4096
#define RSA_GEN_MIN_BITS 1024   /* as BIND's dnssec-keygen */

static int fail(int *err, int code)
{
	if (err)
		*err = code;
	return code;
}

/* ---- building keys from OSSL_PARAMs ---- */

static EVP_PKEY *fromdata(const char *type, int selection, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = bld ? OSSL_PARAM_BLD_to_param(bld) : NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pk = NULL;

	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
	    EVP_PKEY_fromdata(ctx, &pk, selection, params) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	/* OpenSSL 3.0 has no OSSL_PARAM_clear_free: wipe private values. */
	for (OSSL_PARAM *p = params; p && p->key; p++)
		OPENSSL_cleanse(p->data, p->data_size);
	OSSL_PARAM_free(params);
	return pk;
}

/* Push big-endian octets as a BIGNUM; the builder keeps a reference to the
 * BIGNUM until to_param, so it goes on a list freed by the caller. */
static bool push_bn(OSSL_PARAM_BLD *bld, const char *key, const uint8_t *p,
		    size_t len, BIGNUM **keep)
{
	*keep = BN_bin2bn(p, (int)len, NULL);
	return *keep && OSSL_PARAM_BLD_push_BN(bld, key, *keep) == 1;
}

/* ---- RSA (RFC 3110) ---- */

static int rsa_split(const uint8_t *pub, size_t len, const uint8_t **e,
		     size_t *elen, const uint8_t **n, size_t *nlen)
{
	size_t off = 1;

	if (len < 1)
		return ZW_EKEY;
	*elen = pub[0];
	if (*elen == 0) {
		if (len < 3)
			return ZW_EKEY;
		*elen = (size_t)pub[1] << 8 | pub[2];
		off = 3;
	}
	if (*elen == 0 || *elen >= len - off)
		return ZW_EKEY;
	*e = pub + off;
	*n = pub + off + *elen;
	*nlen = len - off - *elen;
	return 0;
}

static unsigned bits_of(const uint8_t *p, size_t len)
{
	while (len && !*p) {
		p++;
		len--;
	}
	if (!len)
		return 0;
	unsigned bits = (unsigned)(len - 1) * 8;
	for (uint8_t top = *p; top; top >>= 1)
		bits++;
	return bits;
}

unsigned zw_pkey_rsa_bits(const uint8_t *pub, size_t len)
{
	const uint8_t *e, *n;
	size_t elen, nlen;

	if (rsa_split(pub, len, &e, &elen, &n, &nlen) < 0)
		return 0;
	return bits_of(n, nlen);
}

static EVP_PKEY *rsa_from_pub(const uint8_t *pub, size_t len, int *err)
{
	const uint8_t *e, *n;
	size_t elen, nlen;
	BIGNUM *bn[2] = { NULL, NULL };
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *pk = NULL;
	unsigned bits;

	if (rsa_split(pub, len, &e, &elen, &n, &nlen) < 0 ||
	    (bits = bits_of(n, nlen)) < RSA_MIN_BITS || bits > RSA_MAX_BITS ||
	    elen > 16) {
		fail(err, ZW_EKEY);
		return NULL;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld && push_bn(bld, OSSL_PKEY_PARAM_RSA_N, n, nlen, &bn[0]) &&
	    push_bn(bld, OSSL_PKEY_PARAM_RSA_E, e, elen, &bn[1]))
		pk = fromdata("RSA", EVP_PKEY_PUBLIC_KEY, bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn[0]);
	BN_free(bn[1]);
	if (!pk)
		fail(err, ZW_EKEY);
	return pk;
}

static int get_bn(const EVP_PKEY *pk, const char *key, BIGNUM **bn)
{
	*bn = NULL;
	return EVP_PKEY_get_bn_param(pk, key, bn) == 1 ? 0 : ZW_ECRYPTO;
}

static int rsa_to_pub(const EVP_PKEY *pk, uint8_t *out, size_t outmax)
{
	BIGNUM *n, *e;
	int rc = get_bn(pk, OSSL_PKEY_PARAM_RSA_N, &n);
	size_t nlen, elen, off;

	if (rc == 0)
		rc = get_bn(pk, OSSL_PKEY_PARAM_RSA_E, &e);
	if (rc < 0) {
		BN_free(n);
		return rc;
	}
	nlen = (size_t)BN_num_bytes(n);
	elen = (size_t)BN_num_bytes(e);
	off = elen > 255 ? 3 : 1;
	if (off + elen + nlen > outmax) {
		rc = ZW_ENOSPC;
	} else {
		if (off == 1) {
			out[0] = (uint8_t)elen;
		} else {
			out[0] = 0;
			out[1] = (uint8_t)(elen >> 8);
			out[2] = (uint8_t)elen;
		}
		BN_bn2bin(e, out + off);
		BN_bn2bin(n, out + off + elen);
		rc = (int)(off + elen + nlen);
	}
	BN_free(n);
	BN_free(e);
	return rc;
}

/* ---- ECDSA (RFC 6605: public key is x || y) ---- */

static EVP_PKEY *ec_build(const struct zw_alg_desc *d, const uint8_t *point,
			  size_t plen, const BIGNUM *priv)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pk = NULL;
	int ok = bld &&
		 OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
						 d->curve, 0) == 1 &&
		 OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
						  point, plen) == 1;

	if (ok && priv)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
					    priv) == 1;
	if (ok)
		pk = fromdata("EC", priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			      bld);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

static EVP_PKEY *ec_from_pub(const struct zw_alg_desc *d, const uint8_t *pub,
			     size_t len, int *err)
{
	uint8_t point[1 + 2 * 66];
	EVP_PKEY *pk;

	if (len != 2u * d->field) {
		fail(err, ZW_EKEY);
		return NULL;
	}
	point[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(point + 1, pub, len);
	/* OpenSSL rejects points not on the curve here. */
	pk = ec_build(d, point, len + 1, NULL);
	if (!pk)
		fail(err, ZW_EKEY);
	return pk;
}

static int ec_to_pub(const struct zw_alg_desc *d, const EVP_PKEY *pk,
		     uint8_t *out, size_t outmax)
{
	BIGNUM *x, *y = NULL;
	int rc;

	if (outmax < 2u * d->field)
		return ZW_ENOSPC;
	rc = get_bn(pk, OSSL_PKEY_PARAM_EC_PUB_X, &x);
	if (rc == 0)
		rc = get_bn(pk, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
	if (rc == 0 && (BN_bn2binpad(x, out, d->field) != d->field ||
			BN_bn2binpad(y, out + d->field, d->field) != d->field))
		rc = ZW_ECRYPTO;
	BN_free(x);
	BN_free(y);
	return rc < 0 ? rc : 2 * d->field;
}

/* ---- EdDSA (RFC 8080: raw public key) ---- */

static EVP_PKEY *ed_from_pub(const struct zw_alg_desc *d, const uint8_t *pub,
			     size_t len, int *err)
{
	EVP_PKEY *pk = NULL;

	if (len == d->field)
		pk = EVP_PKEY_new_raw_public_key_ex(NULL, d->curve, NULL, pub,
						    len);
	if (!pk)
		fail(err, ZW_EKEY);
	return pk;
}

static int ed_to_pub(const struct zw_alg_desc *d, const EVP_PKEY *pk,
		     uint8_t *out, size_t outmax)
{
	size_t len = outmax;

	if (outmax < d->field)
		return ZW_ENOSPC;
	if (EVP_PKEY_get_raw_public_key(pk, out, &len) != 1 || len != d->field)
		return ZW_ECRYPTO;
	return (int)len;
}

EVP_PKEY *zw_pkey_from_pub(const struct zw_alg_desc *d, const uint8_t *pub,
			   size_t len, int *err)
{
	switch (d->kind) {
	case ZW_KIND_RSA:
		return rsa_from_pub(pub, len, err);
	case ZW_KIND_EC:
		return ec_from_pub(d, pub, len, err);
	case ZW_KIND_EDDSA:
		return ed_from_pub(d, pub, len, err);
	}
	return NULL;
}

int zw_pkey_to_pub(const struct zw_alg_desc *d, const EVP_PKEY *pk,
		   uint8_t *out, size_t outmax)
{
	switch (d->kind) {
	case ZW_KIND_RSA:
		return rsa_to_pub(pk, out, outmax);
	case ZW_KIND_EC:
		return ec_to_pub(d, pk, out, outmax);
	case ZW_KIND_EDDSA:
		return ed_to_pub(d, pk, out, outmax);
	}
	return ZW_EALG;
}

/* ---- generation ---- */

EVP_PKEY *zw_pkey_generate(const struct zw_alg_desc *d, unsigned bits,
			   int *err)
{
	const char *type = d->kind == ZW_KIND_EC ? "EC" : d->curve;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pk = NULL;
	int ok;

	if (d->kind == ZW_KIND_RSA && bits == 0)
		bits = d->default_bits;
	if (d->kind == ZW_KIND_RSA &&
	    (bits < RSA_GEN_MIN_BITS || bits > RSA_MAX_BITS)) {
		fail(err, ZW_ERANGE);
		return NULL;
	}
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	ok = ctx && EVP_PKEY_keygen_init(ctx) == 1;
	if (ok && d->kind == ZW_KIND_RSA)
		ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) == 1;
	if (ok && d->kind == ZW_KIND_EC)
		ok = EVP_PKEY_CTX_set_group_name(ctx, d->curve) == 1;
	if (ok && EVP_PKEY_generate(ctx, &pk) != 1)
		pk = NULL;
	EVP_PKEY_CTX_free(ctx);
	if (!pk)
		fail(err, ZW_ECRYPTO);
	return pk;
}

/* ---- BIND private fields ---- */

static const struct {
	const char *field;
	const char *param;
} rsa_fields[8] = {
	{ "Modulus", OSSL_PKEY_PARAM_RSA_N },
	{ "PublicExponent", OSSL_PKEY_PARAM_RSA_E },
	{ "PrivateExponent", OSSL_PKEY_PARAM_RSA_D },
	{ "Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1 },
	{ "Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2 },
	{ "Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1 },
	{ "Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2 },
	{ "Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1 },
};

static const struct zw_key_field *find_field(const struct zw_key_field *f,
					     size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].name && strcasecmp(f[i].name, name) == 0)
			return f[i].len && f[i].data ? &f[i] : NULL;
	return NULL;
}

/* n == p * q when the primes are given: catches swapped or damaged fields
 * before they produce wrong signatures. */
static bool rsa_primes_match(BIGNUM *const bn[8])
{
	BN_CTX *ctx;
	BIGNUM *pq;
	bool ok;

	if (!bn[3])
		return true;
	ctx = BN_CTX_new();
	pq = BN_new();
	ok = ctx && pq && BN_mul(pq, bn[3], bn[4], ctx) == 1 &&
	     BN_cmp(pq, bn[0]) == 0;
	BN_free(pq);
	BN_CTX_free(ctx);
	return ok;
}

static int rsa_collect(const struct zw_key_field *f, size_t n, BIGNUM *bn[8])
{
	int have = 0;

	for (int i = 0; i < 8; i++) {
		const struct zw_key_field *v = find_field(f, n, rsa_fields[i].field);

		if (!v)
			continue;
		bn[i] = BN_bin2bn(v->data, (int)v->len, NULL);
		if (!bn[i])
			return ZW_ENOMEM;
		have |= 1 << i;
	}
	/* n, e, d required; the CRT values all or none. */
	if ((have & 7) != 7 || ((have & 0xf8) != 0 && (have & 0xf8) != 0xf8))
		return ZW_EKEY;
	if (BN_num_bits(bn[0]) < RSA_MIN_BITS ||
	    BN_num_bits(bn[0]) > RSA_MAX_BITS || !rsa_primes_match(bn))
		return ZW_EKEY;
	return 0;
}

static EVP_PKEY *rsa_from_fields(const struct zw_key_field *f, size_t n,
				 int *err)
{
	BIGNUM *bn[8] = { NULL };
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *pk = NULL;
	int rc = rsa_collect(f, n, bn);

	if (rc == 0 && !(bld = OSSL_PARAM_BLD_new()))
		rc = ZW_ENOMEM;
	for (int i = 0; rc == 0 && i < 8; i++)
		if (bn[i] && OSSL_PARAM_BLD_push_BN(bld, rsa_fields[i].param,
						    bn[i]) != 1)
			rc = ZW_ECRYPTO;
	if (rc == 0 && !(pk = fromdata("RSA", EVP_PKEY_KEYPAIR, bld)))
		rc = ZW_EKEY;
	OSSL_PARAM_BLD_free(bld);
	for (int i = 0; i < 8; i++)
		BN_clear_free(bn[i]);
	if (rc < 0)
		fail(err, rc);
	return pk;
}

/* The public point is not stored in BIND's ECDSA private file: derive it
 * as priv * G. */
static int ec_derive_point(const struct zw_alg_desc *d, const BIGNUM *priv,
			   uint8_t *out, size_t outmax)
{
	int nid = d->field == 32 ? NID_X9_62_prime256v1 : NID_secp384r1;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
	EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
	BN_CTX *ctx = BN_CTX_new();
	size_t len = 0;
	int rc = ZW_EKEY;

	if (pt && ctx && !BN_is_zero(priv) && !BN_is_negative(priv) &&
	    BN_cmp(priv, EC_GROUP_get0_order(g)) < 0 &&
	    EC_POINT_mul(g, pt, priv, NULL, NULL, ctx) == 1)
		len = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED,
					 out, outmax, ctx);
	if (len == 1u + 2u * d->field)
		rc = (int)len;
	BN_CTX_free(ctx);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return rc;
}

static EVP_PKEY *ec_from_fields(const struct zw_alg_desc *d,
				const struct zw_key_field *f, size_t n, int *err)
{
	const struct zw_key_field *v = find_field(f, n, "PrivateKey");
	uint8_t point[1 + 2 * 66];
	BIGNUM *priv = NULL;
	EVP_PKEY *pk = NULL;
	int plen = ZW_EKEY;

	if (v && v->len <= d->field &&
	    (priv = BN_bin2bn(v->data, (int)v->len, NULL)))
		plen = ec_derive_point(d, priv, point, sizeof(point));
	if (plen > 0)
		pk = ec_build(d, point, (size_t)plen, priv);
	BN_clear_free(priv);
	if (!pk)
		fail(err, ZW_EKEY);
	return pk;
}

static EVP_PKEY *ed_from_fields(const struct zw_alg_desc *d,
				const struct zw_key_field *f, size_t n, int *err)
{
	const struct zw_key_field *v = find_field(f, n, "PrivateKey");
	EVP_PKEY *pk = NULL;

	if (v && v->len == d->field)
		pk = EVP_PKEY_new_raw_private_key_ex(NULL, d->curve, NULL,
						     v->data, v->len);
	if (!pk)
		fail(err, ZW_EKEY);
	return pk;
}

EVP_PKEY *zw_pkey_from_fields(const struct zw_alg_desc *d,
			      const struct zw_key_field *f, size_t n, int *err)
{
	switch (d->kind) {
	case ZW_KIND_RSA:
		return rsa_from_fields(f, n, err);
	case ZW_KIND_EC:
		return ec_from_fields(d, f, n, err);
	case ZW_KIND_EDDSA:
		return ed_from_fields(d, f, n, err);
	}
	return NULL;
}

static int rsa_to_fields(const EVP_PKEY *pk, struct zw_key_field *f,
			 uint8_t *store, size_t storelen)
{
	size_t used = 0;
	int count = 0;

	for (int i = 0; i < 8; i++) {
		BIGNUM *bn = NULL;
		size_t len;

		/* A key imported without CRT values has only n, e, d. */
		if (get_bn(pk, rsa_fields[i].param, &bn) < 0) {
			if (i < 3)
				return ZW_EKEY;
			break;
		}
		len = (size_t)BN_num_bytes(bn);
		if (used + len > storelen) {
			BN_clear_free(bn);
			return ZW_ENOSPC;
		}
		BN_bn2bin(bn, store + used);
		BN_clear_free(bn);
		f[count].name = rsa_fields[i].field;
		f[count].data = store + used;
		f[count++].len = len;
		used += len;
	}
	return count;
}

static int ec_to_fields(const struct zw_alg_desc *d, const EVP_PKEY *pk,
			struct zw_key_field *f, uint8_t *store,
			size_t storelen)
{
	BIGNUM *priv;
	int rc;

	if (storelen < d->field)
		return ZW_ENOSPC;
	if (get_bn(pk, OSSL_PKEY_PARAM_PRIV_KEY, &priv) < 0)
		return ZW_EKEY;
	/* Fixed width, as BIND writes it. */
	rc = BN_bn2binpad(priv, store, d->field) == d->field ? 1 : ZW_ECRYPTO;
	BN_clear_free(priv);
	f[0].name = "PrivateKey";
	f[0].data = store;
	f[0].len = d->field;
	return rc;
}

static int ed_to_fields(const struct zw_alg_desc *d, const EVP_PKEY *pk,
			struct zw_key_field *f, uint8_t *store,
			size_t storelen)
{
	size_t len = storelen;

	if (storelen < d->field)
		return ZW_ENOSPC;
	if (EVP_PKEY_get_raw_private_key(pk, store, &len) != 1 ||
	    len != d->field)
		return ZW_EKEY;
	f[0].name = "PrivateKey";
	f[0].data = store;
	f[0].len = len;
	return 1;
}

int zw_pkey_to_fields(const struct zw_alg_desc *d, const EVP_PKEY *pk,
		      struct zw_key_field *f, uint8_t *store, size_t storelen)
{
	switch (d->kind) {
	case ZW_KIND_RSA:
		return rsa_to_fields(pk, f, store, storelen);
	case ZW_KIND_EC:
		return ec_to_fields(d, pk, f, store, storelen);
	case ZW_KIND_EDDSA:
		return ed_to_fields(d, pk, f, store, storelen);
	}
	return ZW_EALG;
}
