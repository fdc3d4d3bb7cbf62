/* DS, CDS and CDNSKEY rdata. */
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "crypto/alg.h"
#include "crypto/ds.h"
#include "dns/err.h"
#include "dns/name.h"

static const struct {
	uint8_t type;
	uint8_t len;
	const char *md;         /* OpenSSL name, also accepted as input */
	const char *name;       /* as dnssec-dsfromkey -a spells it */
} digests[] = {
	{ ZW_DS_SHA1, 20, "SHA1", "SHA-1" },
	{ ZW_DS_SHA256, 32, "SHA256", "SHA-256" },
	{ ZW_DS_SHA384, 48, "SHA384", "SHA-384" },
};

static int find(uint8_t type)
{
	for (int i = 0; i < (int)(sizeof(digests) / sizeof(digests[0])); i++)
		if (digests[i].type == type)
			return i;
	return -1;
}

bool zw_ds_digest_supported(uint8_t type)
{
	return find(type) >= 0;
}

int zw_ds_digest_len(uint8_t type)
{
	int i = find(type);

	return i < 0 ? ZW_EALG : digests[i].len;
}

const char *zw_ds_digest_name(uint8_t type)
{
	int i = find(type);

	return i < 0 ? NULL : digests[i].name;
}

int zw_ds_digest_from_name(const char *s)
{
	if (!s)
		return ZW_EALG;
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (strcasecmp(s, digests[i].name) == 0 ||
		    strcasecmp(s, digests[i].md) == 0 ||
		    (s[0] == '0' + digests[i].type && s[1] == 0))
			return digests[i].type;
	return ZW_EALG;
}

/* digest(lower-cased owner | DNSKEY rdata) */
static int ds_digest(int i, const uint8_t *owner, const uint8_t *dnskey,
		     size_t len, uint8_t *out)
{
	const EVP_MD *md = zw_alg_md_named(digests[i].md);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t name[ZW_NAME_MAX];
	size_t nlen = zw_name_copy(name, owner);
	int ok;

	zw_name_lower(name);
	ok = c && md && EVP_DigestInit_ex2(c, md, NULL) == 1 &&
	     EVP_DigestUpdate(c, name, nlen) == 1 &&
	     EVP_DigestUpdate(c, dnskey, len) == 1 &&
	     EVP_DigestFinal_ex(c, out, NULL) == 1;
	EVP_MD_CTX_free(c);
	return ok ? 0 : ZW_ECRYPTO;
}

int zw_ds_from_dnskey(const uint8_t *owner, const uint8_t *dnskey,
		      size_t dnskey_len, uint8_t digest_type, uint8_t *out,
		      size_t outmax)
{
	int i = find(digest_type), rc;
	uint16_t tag;

	if (i < 0)
		return ZW_EALG;
	if (dnskey_len < 4)
		return ZW_EMALF;
	if (outmax < 4u + digests[i].len)
		return ZW_ENOSPC;
	rc = ds_digest(i, owner, dnskey, dnskey_len, out + 4);
	if (rc < 0)
		return rc;
	tag = zw_keytag(dnskey, dnskey_len);
	out[0] = (uint8_t)(tag >> 8);
	out[1] = (uint8_t)tag;
	out[2] = dnskey[3];
	out[3] = digest_type;
	return 4 + digests[i].len;
}

int zw_ds_from_key(const struct zw_key *key, uint8_t digest_type,
		   uint8_t *out, size_t outmax)
{
	uint8_t rd[4 + ZW_KEY_PUB_MAX];
	int len = zw_key_dnskey_rdata(key, rd, sizeof(rd));

	if (len < 0)
		return len;
	return zw_ds_from_dnskey(key->owner, rd, (size_t)len, digest_type, out,
				 outmax);
}

int zw_ds_match(const uint8_t *ds, size_t dslen, const uint8_t *owner,
		const uint8_t *dnskey, size_t dnskey_len)
{
	uint8_t mine[ZW_DS_MAX];
	int len;

	if (dslen < 4)
		return ZW_EMALF;
	if (!zw_ds_digest_supported(ds[3]))
		return ZW_EALG;
	if (dslen != 4u + (unsigned)zw_ds_digest_len(ds[3]))
		return ZW_EMALF;
	len = zw_ds_from_dnskey(owner, dnskey, dnskey_len, ds[3], mine,
				sizeof(mine));
	if (len < 0)
		return len;
	return memcmp(mine, ds, dslen) == 0 ? 0 : ZW_ENOTFOUND;
}

int zw_cds_from_key(const struct zw_key *key, uint8_t digest_type,
		    uint8_t *out, size_t outmax)
{
	return zw_ds_from_key(key, digest_type, out, outmax);
}

int zw_cdnskey_from_key(const struct zw_key *key, uint8_t *out,
			size_t outmax)
{
	return zw_key_dnskey_rdata(key, out, outmax);
}

static int put(const uint8_t *rd, size_t len, uint8_t *out, size_t outmax)
{
	if (outmax < len)
		return ZW_ENOSPC;
	memcpy(out, rd, len);
	return (int)len;
}

int zw_cds_delete(uint8_t *out, size_t outmax)
{
	static const uint8_t rd[5] = { 0, 0, 0, 0, 0 };

	return put(rd, sizeof(rd), out, outmax);
}

int zw_cdnskey_delete(uint8_t *out, size_t outmax)
{
	static const uint8_t rd[5] = { 0, 0, 3, 0, 0 };

	return put(rd, sizeof(rd), out, outmax);
}
