/* Crypto-internal: OpenSSL EVP_PKEY <-> DNSSEC forms (DNSKEY public key
 * field, BIND Private-key-format v1.3 fields) and key generation. Called at
 * key load/creation time only; may allocate. */
#ifndef ZW_CRYPTO_PKEY_H
#define ZW_CRYPTO_PKEY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/alg.h"
#include "crypto/key.h"

struct evp_pkey_st;

/* Public key from the DNSKEY public key field. NULL with *err set. */
struct evp_pkey_st *zw_pkey_from_pub(const struct zw_alg_desc *d,
				     const uint8_t *pub, size_t len, int *err);

/* DNSKEY public key field of pk. Returns its length or a zw_err. */
int zw_pkey_to_pub(const struct zw_alg_desc *d, const struct evp_pkey_st *pk,
		   uint8_t *out, size_t outmax);

/* Fresh key pair; bits used by RSA only (0: default). */
struct evp_pkey_st *zw_pkey_generate(const struct zw_alg_desc *d,
				     unsigned bits, int *err);

/* Key pair from BIND private fields. Names not used by the algorithm are
 * ignored (BIND files also carry text fields); a missing or malformed
 * needed field is ZW_EKEY. */
struct evp_pkey_st *zw_pkey_from_fields(const struct zw_alg_desc *d,
					const struct zw_key_field *f, size_t n,
					int *err);

/* BIND private fields in BIND's order, data in store. Returns the count. */
int zw_pkey_to_fields(const struct zw_alg_desc *d,
		      const struct evp_pkey_st *pk, struct zw_key_field *f,
		      uint8_t *store, size_t storelen);

/* RSA modulus size in bits of a DNSKEY public key field, 0 if malformed. */
unsigned zw_pkey_rsa_bits(const uint8_t *pub, size_t len);

#endif
