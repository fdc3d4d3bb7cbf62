/* Crypto-internal: one descriptor per DNSSEC algorithm, so key, signature
 * and DS code look facts up in a table instead of switching on numbers.
 * The public algorithm API (zw_alg_name, zw_alg_supported, ...) is in
 * crypto/key.h. */
#ifndef ZW_CRYPTO_ALG_H
#define ZW_CRYPTO_ALG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evp_md_st;

enum zw_alg_kind {
	ZW_KIND_RSA,
	ZW_KIND_EC,        /* ECDSA, signature raw r||s (RFC 6605) */
	ZW_KIND_EDDSA,     /* pure EdDSA over the whole message (RFC 8080) */
};

struct zw_alg_desc {
	uint8_t alg;
	enum zw_alg_kind kind;
	bool can_sign;
	const char *name;       /* BIND's mnemonic */
	const char *md;         /* digest for RSA/ECDSA, NULL for EdDSA */
	const char *curve;      /* OpenSSL group / key type name */
	uint16_t field;         /* EC/EdDSA: octets of one coordinate/key */
	uint16_t sigsize;       /* EC/EdDSA signature octets, 0 for RSA */
	unsigned default_bits;
};

/* Descriptor of a verifiable algorithm, NULL when unknown/unsupported. */
const struct zw_alg_desc *zw_alg_desc(uint8_t alg);

/* The descriptor's digest, fetched once per process (implicit fetches on
 * every EVP_DigestInit would cost a lock and a lookup each time). NULL for
 * EdDSA or on failure. */
const struct evp_md_st *zw_alg_md(const struct zw_alg_desc *d);

/* A digest by DS digest type / name, fetched once: "SHA1", "SHA256",
 * "SHA384", "SHA512". */
const struct evp_md_st *zw_alg_md_named(const char *name);

#endif
