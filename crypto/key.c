/* DNSSEC keys: construction from DNSKEY rdata, BIND private fields or fresh
 * generation; DNSKEY rdata and key tags. Signing is in crypto/sign.c. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/alg.h"
#include "crypto/key.h"
#include "crypto/pkey.h"
#include "crypto/sign.h"
#include "dns/err.h"
#include "dns/name.h"

static void *fail(int *err, int code)
{
	if (err)
		*err = code;
	return NULL;
}

static struct zw_key *key_new(const uint8_t *owner, uint8_t alg,
			      uint16_t flags)
{
	struct zw_key *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->pool = zw_key_pool_new();
	if (!k->pool) {
		free(k);
		return NULL;
	}
	zw_name_copy(k->owner, owner);
	k->flags = flags;
	k->protocol = 3;
	k->alg = alg;
	return k;
}

static void key_retag(struct zw_key *k)
{
	uint8_t rd[4 + ZW_KEY_PUB_MAX];
	int len = zw_key_dnskey_rdata(k, rd, sizeof(rd));

	k->tag = len > 0 ? zw_keytag(rd, (size_t)len) : 0;
}

/* Takes ownership of pk; derives pub and tag from it. */
static struct zw_key *key_finish(struct zw_key *k, EVP_PKEY *pk, bool priv,
				 int *err)
{
	const struct zw_alg_desc *d = zw_alg_desc(k->alg);
	int len;

	k->pkey = pk;
	k->has_private = priv;
	len = zw_pkey_to_pub(d, pk, k->pub, sizeof(k->pub));
	if (len < 0) {
		zw_key_free(k);
		return fail(err, len);
	}
	k->publen = (uint16_t)len;
	key_retag(k);
	return k;
}

struct zw_key *zw_key_generate(const uint8_t *owner, uint8_t alg,
			       unsigned bits, uint16_t flags, int *err)
{
	const struct zw_alg_desc *d = zw_alg_desc(alg);
	struct zw_key *k;
	EVP_PKEY *pk;

	if (!d || !d->can_sign)
		return fail(err, ZW_EALG);
	pk = zw_pkey_generate(d, bits, err);
	if (!pk)
		return NULL;
	k = key_new(owner, alg, flags);
	if (!k) {
		EVP_PKEY_free(pk);
		return fail(err, ZW_ENOMEM);
	}
	return key_finish(k, pk, true, err);
}

struct zw_key *zw_key_from_dnskey(const uint8_t *owner, const uint8_t *rdata,
				  size_t rdlen, int *err)
{
	const struct zw_alg_desc *d;
	struct zw_key *k;
	EVP_PKEY *pk;

	if (rdlen < 4 || rdata[2] != 3 || rdlen - 4 > ZW_KEY_PUB_MAX)
		return fail(err, ZW_EKEY);
	d = zw_alg_desc(rdata[3]);
	if (!d)
		return fail(err, ZW_EALG);
	pk = zw_pkey_from_pub(d, rdata + 4, rdlen - 4, err);
	if (!pk)
		return NULL;
	k = key_new(owner, rdata[3], (uint16_t)(rdata[0] << 8 | rdata[1]));
	if (!k) {
		EVP_PKEY_free(pk);
		return fail(err, ZW_ENOMEM);
	}
	/* Keep the public key octets as given so the tag matches the rdata
	 * exactly (e.g. an RSA key with a 3-octet exponent length form). */
	k->pkey = pk;
	k->publen = (uint16_t)(rdlen - 4);
	memcpy(k->pub, rdata + 4, rdlen - 4);
	k->tag = zw_keytag(rdata, rdlen);
	return k;
}

struct zw_key *zw_key_from_fields(const uint8_t *owner, uint8_t alg,
				  uint16_t flags,
				  const struct zw_key_field *fields, size_t n,
				  int *err)
{
	const struct zw_alg_desc *d = zw_alg_desc(alg);
	struct zw_key *k;
	EVP_PKEY *pk;

	if (!d)
		return fail(err, ZW_EALG);
	pk = zw_pkey_from_fields(d, fields, n, err);
	if (!pk)
		return NULL;
	k = key_new(owner, alg, flags);
	if (!k) {
		EVP_PKEY_free(pk);
		return fail(err, ZW_ENOMEM);
	}
	return key_finish(k, pk, true, err);
}

int zw_key_to_fields(const struct zw_key *key, struct zw_key_field *fields,
		     uint8_t *store, size_t storelen)
{
	const struct zw_alg_desc *d = zw_alg_desc(key->alg);

	if (!d)
		return ZW_EALG;
	if (!key->has_private || !key->pkey)
		return ZW_EKEY;
	return zw_pkey_to_fields(d, key->pkey, fields, store, storelen);
}

int zw_key_match_dnskey(const struct zw_key *key, const uint8_t *rdata,
			size_t rdlen)
{
	if (rdlen < 4 || rdata[2] != 3 || rdata[3] != key->alg ||
	    rdlen - 4 != key->publen ||
	    memcmp(rdata + 4, key->pub, key->publen) != 0)
		return ZW_EKEY;
	return 0;
}

void zw_key_free(struct zw_key *key)
{
	if (!key)
		return;
	zw_key_pool_free(key->pool);
	EVP_PKEY_free(key->pkey);
	free(key->engine);
	free(key->label);
	OPENSSL_cleanse(key, sizeof(*key));
	free(key);
}

void zw_key_set_flags(struct zw_key *key, uint16_t flags)
{
	key->flags = flags;
	key_retag(key);
}

int zw_key_dnskey_rdata(const struct zw_key *key, uint8_t *out, size_t outmax)
{
	if (outmax < 4u + key->publen)
		return ZW_ENOSPC;
	out[0] = (uint8_t)(key->flags >> 8);
	out[1] = (uint8_t)key->flags;
	out[2] = key->protocol;
	out[3] = key->alg;
	memcpy(out + 4, key->pub, key->publen);
	return 4 + key->publen;
}

uint16_t zw_keytag(const uint8_t *rdata, size_t rdlen)
{
	uint32_t ac = 0;

	/* Algorithm 1 (RFC 4034 B.1): the most significant 16 of the least
	 * significant 24 bits of the modulus, which ends the rdata. */
	if (rdlen >= 4 && rdata[3] == ZW_ALG_RSAMD5)
		return rdlen >= 7 ? (uint16_t)(rdata[rdlen - 3] << 8 |
					       rdata[rdlen - 2])
				  : 0;
	for (size_t i = 0; i < rdlen; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += ac >> 16 & 0xffff;
	return (uint16_t)(ac & 0xffff);
}
