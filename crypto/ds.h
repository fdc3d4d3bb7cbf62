/* DS records from DNSKEYs (RFC 4034 §5.1.4, RFC 4509, RFC 6605 SHA-384)
 * and the child-side CDS/CDNSKEY records (RFC 7344, RFC 8078).
 *
 * All functions take DNSKEY rdata or a key and write rdata into caller
 * memory; they return the rdata length or a negative zw_err. */
#ifndef ZW_CRYPTO_DS_H
#define ZW_CRYPTO_DS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"

/* DS digest types (IANA). */
enum zw_ds_digest {
	ZW_DS_SHA1 = 1,
	ZW_DS_SHA256 = 2,
	ZW_DS_SHA384 = 4,
};

#define ZW_DS_MAX (4 + 48)      /* largest DS rdata made here */

bool zw_ds_digest_supported(uint8_t type);
/* Digest octets of a type, ZW_EALG when unsupported. */
int zw_ds_digest_len(uint8_t type);
/* "SHA-1", "SHA-256", "SHA-384" (dnssec-dsfromkey -a), NULL if unknown. */
const char *zw_ds_digest_name(uint8_t type);
/* Type from "SHA-256", "SHA256", "sha-256", "2", ...; ZW_EALG if unknown. */
int zw_ds_digest_from_name(const char *s);

/* DS rdata (key tag, algorithm, digest type, digest of the canonical owner
 * name followed by the DNSKEY rdata). */
int zw_ds_from_dnskey(const uint8_t *owner, const uint8_t *dnskey,
		      size_t dnskey_len, uint8_t digest_type, uint8_t *out,
		      size_t outmax);
int zw_ds_from_key(const struct zw_key *key, uint8_t digest_type,
		   uint8_t *out, size_t outmax);

/* 0 when DS rdata `ds` refers to this DNSKEY (tag, algorithm and digest
 * equal), ZW_ENOTFOUND when not, ZW_EALG for an unsupported digest type,
 * ZW_EMALF for malformed DS rdata. */
int zw_ds_match(const uint8_t *ds, size_t dslen, const uint8_t *owner,
		const uint8_t *dnskey, size_t dnskey_len);

/* CDS and CDNSKEY carry DS and DNSKEY rdata unchanged (RFC 7344 §3). */
int zw_cds_from_key(const struct zw_key *key, uint8_t digest_type,
		    uint8_t *out, size_t outmax);
int zw_cdnskey_from_key(const struct zw_key *key, uint8_t *out,
			size_t outmax);

/* RFC 8078 §4 "delete DS" signals: CDS "0 0 0 00", CDNSKEY "0 3 0 AA==". */
int zw_cds_delete(uint8_t *out, size_t outmax);
int zw_cdnskey_delete(uint8_t *out, size_t outmax);

#endif
