/* DNSSEC keys: one struct for a DNSKEY with or without its private half,
 * its BIND timing metadata, and (for HSM keys) the engine label.
 *
 * Ownership: zw_key_* constructors return a heap key (NULL on failure, the
 * reason in *err when err is non-NULL); zw_key_free releases it. The struct
 * is public so key-file and policy code can read and set fields; crypto
 * state lives in `pkey` (OpenSSL EVP_PKEY) and is owned by the key.
 *
 * Threads: once built, a key may be used by any number of threads at once
 * for zw_key_sign/zw_key_verify (and the DS/RRSIG helpers); each thread
 * gets its own OpenSSL contexts from the key's context pool, made on first
 * use and reused after that, so the hot path does no EVP setup. Changing
 * the key (zw_key_set_flags, replacing pkey) or freeing it must not overlap
 * any other use. Build keys only with the constructors below (they set up
 * the pool); a hand-built key still works, one-off contexts each call. */
#ifndef ZW_CRYPTO_KEY_H
#define ZW_CRYPTO_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dns/name.h"

/* DNSSEC algorithm numbers (IANA). */
enum zw_alg {
	ZW_ALG_RSAMD5 = 1,
	ZW_ALG_RSASHA1 = 5,
	ZW_ALG_RSASHA1_NSEC3 = 7,
	ZW_ALG_RSASHA256 = 8,
	ZW_ALG_RSASHA512 = 10,
	ZW_ALG_ECDSAP256 = 13,
	ZW_ALG_ECDSAP384 = 14,
	ZW_ALG_ED25519 = 15,
	ZW_ALG_ED448 = 16,
};

/* DNSKEY flags. */
#define ZW_DNSKEY_ZONE   0x0100
#define ZW_DNSKEY_REVOKE 0x0080
#define ZW_DNSKEY_SEP    0x0001

#define ZW_KEY_PUB_MAX  1024     /* DNSKEY public key field (RSA-4096 fits) */
#define ZW_SIG_MAX      512      /* largest signature (RSA-4096) */

/* BIND timing metadata; 0 means "not set". Seconds since the epoch. */
enum zw_key_time {
	ZW_KT_CREATED,
	ZW_KT_PUBLISH,
	ZW_KT_ACTIVATE,
	ZW_KT_INACTIVE,
	ZW_KT_DELETE,
	ZW_KT_REVOKE,
	ZW_KT_SYNCPUBLISH,
	ZW_KT_SYNCDELETE,
	ZW_KT_COUNT
};

struct evp_pkey_st;
struct zw_key_pool;

struct zw_key {
	uint8_t owner[ZW_NAME_MAX];
	uint16_t flags;
	uint8_t protocol;               /* always 3 */
	uint8_t alg;
	uint16_t tag;                   /* kept in step with flags/pub */
	uint16_t publen;
	uint8_t pub[ZW_KEY_PUB_MAX];    /* DNSKEY public key field */
	uint32_t ttl;                   /* DNSKEY TTL (0: not set) */
	bool has_private;
	struct evp_pkey_st *pkey;       /* public or private */
	int64_t times[ZW_KT_COUNT];
	char *engine;                   /* HSM keys: engine name, else NULL */
	char *label;                    /* HSM keys: PKCS#11 URI/label */
	struct zw_key_pool *pool;       /* per-thread contexts (crypto/sign.c) */
};

/* One Private-key-format v1.3 binary field ("Modulus", "PrivateKey", ...)
 * as BIND names it; data points into the key or into caller memory. */
struct zw_key_field {
	const char *name;
	const uint8_t *data;
	size_t len;
};
#define ZW_KEY_FIELDS_MAX 8

/* Algorithm facts. */
bool zw_alg_supported(uint8_t alg);          /* can sign */
bool zw_alg_verify_supported(uint8_t alg);   /* can verify */
const char *zw_alg_name(uint8_t alg);        /* "ECDSAP256SHA256", NULL if unknown */
int zw_alg_from_name(const char *s);         /* name or number; ZW_EALG */
unsigned zw_alg_default_bits(uint8_t alg);

/* New key pair. bits is used by RSA only (0: default 2048). */
struct zw_key *zw_key_generate(const uint8_t *owner, uint8_t alg,
			       unsigned bits, uint16_t flags, int *err);

/* Public key from DNSKEY rdata. */
struct zw_key *zw_key_from_dnskey(const uint8_t *owner, const uint8_t *rdata,
				  size_t rdlen, int *err);

/* Private key from BIND private fields. The public half is derived from
 * them (key->pub); a loader compares it with the .key file's public key
 * (zw_key_match_dnskey) and treats a mismatch as ZW_EKEY. Field names are
 * matched case-insensitively; names the algorithm does not use are ignored;
 * a missing or inconsistent field (RSA: n != p*q) is ZW_EKEY. */
struct zw_key *zw_key_from_fields(const uint8_t *owner, uint8_t alg,
				  uint16_t flags,
				  const struct zw_key_field *fields, size_t n,
				  int *err);

/* Export the private fields in BIND's order. Buffers come from `store`
 * (at least 4096 octets). Returns the number of fields or a zw_err. */
int zw_key_to_fields(const struct zw_key *key, struct zw_key_field *fields,
		     uint8_t *store, size_t storelen);

void zw_key_free(struct zw_key *key);

/* 0 when DNSKEY rdata has the key's algorithm and public key (flags may
 * differ, e.g. REVOKE), else ZW_EKEY. */
int zw_key_match_dnskey(const struct zw_key *key, const uint8_t *rdata,
			size_t rdlen);

/* Set flags (e.g. REVOKE) and recompute the tag. */
void zw_key_set_flags(struct zw_key *key, uint16_t flags);

/* DNSKEY rdata of the key. Returns length or ZW_ENOSPC. */
int zw_key_dnskey_rdata(const struct zw_key *key, uint8_t *out, size_t outmax);

/* RFC 4034 Appendix B key tag of DNSKEY rdata (algorithm 1 rule included). */
uint16_t zw_keytag(const uint8_t *rdata, size_t rdlen);

/* Signature over data in DNSSEC wire form (raw r||s for ECDSA, RSA
 * PKCS#1 v1.5 of the modulus size, 64/114-octet EdDSA). sigmax of
 * zw_key_sig_size() suffices. Returns the signature length or a negative
 * zw_err (ZW_EKEY without a private half, ZW_EALG for verify-only
 * algorithms). */
int zw_key_sign(const struct zw_key *key, const uint8_t *data, size_t len,
		uint8_t *sig, size_t sigmax);

/* Octets of a signature made with this key. */
size_t zw_key_sig_size(const struct zw_key *key);

/* 0 when the signature verifies, ZW_EBADSIG when not (including a wrong
 * signature length), other zw_err. */
int zw_key_verify(const struct zw_key *key, const uint8_t *data, size_t len,
		  const uint8_t *sig, size_t siglen);

#endif
