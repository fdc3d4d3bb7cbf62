/* DNSSEC algorithm table and the digests it needs. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "crypto/alg.h"
#include "crypto/key.h"
#include "dns/err.h"

static const struct zw_alg_desc algs[] = {
	{ ZW_ALG_RSASHA1, ZW_KIND_RSA, false, "RSASHA1", "SHA1", "RSA",
	  0, 0, 2048 },
	{ ZW_ALG_RSASHA1_NSEC3, ZW_KIND_RSA, false, "NSEC3RSASHA1", "SHA1",
	  "RSA", 0, 0, 2048 },
	{ ZW_ALG_RSASHA256, ZW_KIND_RSA, true, "RSASHA256", "SHA256", "RSA",
	  0, 0, 2048 },
	{ ZW_ALG_RSASHA512, ZW_KIND_RSA, true, "RSASHA512", "SHA512", "RSA",
	  0, 0, 2048 },
	{ ZW_ALG_ECDSAP256, ZW_KIND_EC, true, "ECDSAP256SHA256", "SHA256",
	  "P-256", 32, 64, 256 },
	{ ZW_ALG_ECDSAP384, ZW_KIND_EC, true, "ECDSAP384SHA384", "SHA384",
	  "P-384", 48, 96, 384 },
	{ ZW_ALG_ED25519, ZW_KIND_EDDSA, true, "ED25519", NULL, "ED25519",
	  32, 64, 256 },
	{ ZW_ALG_ED448, ZW_KIND_EDDSA, true, "ED448", NULL, "ED448",
	  57, 114, 456 },
};

/* Names accepted on input besides the descriptors' own (IANA mnemonics). */
static const struct {
	const char *name;
	uint8_t alg;
} aliases[] = {
	{ "RSAMD5", ZW_ALG_RSAMD5 },
	{ "RSASHA1-NSEC3-SHA1", ZW_ALG_RSASHA1_NSEC3 },
	{ "ECDSAP256", ZW_ALG_ECDSAP256 },
	{ "ECDSAP384", ZW_ALG_ECDSAP384 },
};

const struct zw_alg_desc *zw_alg_desc(uint8_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

bool zw_alg_supported(uint8_t alg)
{
	const struct zw_alg_desc *d = zw_alg_desc(alg);

	return d && d->can_sign;
}

bool zw_alg_verify_supported(uint8_t alg)
{
	return zw_alg_desc(alg) != NULL;
}

const char *zw_alg_name(uint8_t alg)
{
	const struct zw_alg_desc *d = zw_alg_desc(alg);

	if (d)
		return d->name;
	return alg == ZW_ALG_RSAMD5 ? "RSAMD5" : NULL;
}

static int alg_from_number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < 0 || v > 255)
		return ZW_EALG;
	return (int)v;
}

int zw_alg_from_name(const char *s)
{
	if (!s || !*s)
		return ZW_EALG;
	if (s[0] >= '0' && s[0] <= '9')
		return alg_from_number(s);
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcasecmp(s, algs[i].name) == 0)
			return algs[i].alg;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(s, aliases[i].name) == 0)
			return aliases[i].alg;
	return ZW_EALG;
}

unsigned zw_alg_default_bits(uint8_t alg)
{
	const struct zw_alg_desc *d = zw_alg_desc(alg);

	return d ? d->default_bits : 0;
}

/* Digests fetched once and kept for the life of the process. */
static const char *const md_names[] = { "SHA1", "SHA256", "SHA384",
					"SHA512" };
static EVP_MD *mds[sizeof(md_names) / sizeof(md_names[0])];
/* Each descriptor's digest, so the hot path indexes instead of comparing
 * names. */
static const EVP_MD *alg_mds[sizeof(algs) / sizeof(algs[0])];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch_all(void)
{
	for (size_t i = 0; i < sizeof(md_names) / sizeof(md_names[0]); i++)
		mds[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
	for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]); a++)
		for (size_t i = 0; algs[a].md && i < sizeof(mds) / sizeof(mds[0]);
		     i++)
			if (strcmp(algs[a].md, md_names[i]) == 0)
				alg_mds[a] = mds[i];
}

const struct evp_md_st *zw_alg_md_named(const char *name)
{
	pthread_once(&md_once, md_fetch_all);
	for (size_t i = 0; i < sizeof(md_names) / sizeof(md_names[0]); i++)
		if (strcmp(name, md_names[i]) == 0)
			return mds[i];
	return NULL;
}

const struct evp_md_st *zw_alg_md(const struct zw_alg_desc *d)
{
	pthread_once(&md_once, md_fetch_all);
	return d ? alg_mds[d - algs] : NULL;
}
