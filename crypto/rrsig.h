/* RRSIG records: the signing input of RFC 4034 §3.1.8.1 (with the
 * canonical form and order of §6.2/§6.3 and RFC 6840 §5.1), signing an
 * RRset, and checking one RRSIG over an RRset with one key (the checks of
 * RFC 4035 §5.3.1 that need only these, the wildcard rule of §5.3.2, the
 * validity window with serial arithmetic of RFC 4034 §3.1.5).
 *
 * RRsets are passed as views: owner, type, class, TTL and the rdata of each
 * record, uncompressed, in any order and case. When the rdata already is
 * canonical, sorted and free of duplicates (as the zone model keeps it)
 * building the input is one linear pass with no allocation; otherwise it
 * is sorted, with heap memory only for RRsets above 64 records or 4 KB. */
#ifndef ZW_CRYPTO_RRSIG_H
#define ZW_CRYPTO_RRSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"

#define ZW_RRSIG_FIXED 18       /* type covered .. key tag */
#define ZW_RRSIG_MAX (ZW_RRSIG_FIXED + ZW_NAME_MAX + ZW_SIG_MAX)

/* RRSIG rdata fields. */
struct zw_rrsig {
	uint16_t type_covered;
	uint8_t alg;
	uint8_t labels;
	uint32_t orig_ttl;
	uint32_t expiration;
	uint32_t inception;
	uint16_t key_tag;
	const uint8_t *signer;  /* wire name */
	const uint8_t *sig;
	size_t siglen;
};

/* One record's rdata. */
struct zw_rdata_ref {
	const uint8_t *data;
	uint16_t len;
};

/* An RRset. */
struct zw_rrset_ref {
	const uint8_t *owner;           /* wire name */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	const struct zw_rdata_ref *rr;
	size_t count;
};

/* Parse RRSIG rdata [rd, rd+len); fields point into rd. 0 or ZW_EMALF. */
int zw_rrsig_parse(const uint8_t *rd, size_t len, struct zw_rrsig *out);

/* Octets zw_rrsig_input needs for this RRset and signer (an upper bound:
 * duplicates count). */
size_t zw_rrsig_input_size(const struct zw_rrset_ref *set,
			   const uint8_t *signer);

/* The data signed: RRSIG rdata up to the signature (signer lower-cased),
 * then every RR as owner | type | class | sig->orig_ttl | rdlength | rdata
 * with the owner and the rdata's names lower-cased (zw_rdata_canonicalize),
 * in canonical rdata order, duplicates dropped. When sig->labels is below
 * the owner's label count the owner becomes "*." and its rightmost
 * sig->labels labels (a wildcard expansion, RFC 4035 §5.3.2). The type
 * in the RRs is set->type; sig->signer and sig->sig are not changed.
 * Returns the length or a negative zw_err (ZW_ENOSPC). */
int zw_rrsig_input(const struct zw_rrsig *sig, const struct zw_rrset_ref *set,
		   uint8_t *out, size_t outmax);

/* Sign an RRset: RRSIG rdata into out (ZW_RRSIG_MAX suffices) with type
 * covered = set->type, labels of the owner (a leading "*" not counted),
 * original TTL = set->ttl, the given window, the key's tag and owner as
 * signer. Returns the rdata length or a negative zw_err. */
int zw_rrsig_sign(const struct zw_key *key, const struct zw_rrset_ref *set,
		  uint32_t inception, uint32_t expiration, uint8_t *out,
		  size_t outmax);

/* Check one RRSIG (rdata) over an RRset with one key at time `now`
 * (seconds since the epoch; a pinned clock in tests). Returns 0 when it
 * validates, else
 *   ZW_EMALF   malformed RRSIG, type covered is not set->type, labels
 *              above the owner's, or the owner is not in the signer's zone
 *   ZW_EKEY    the key is not the one named (algorithm, tag, signer name),
 *              lacks the ZONE flag, or is revoked and the RRset is not a
 *              DNSKEY RRset
 *   ZW_ERANGE  outside the inception..expiration window
 *   ZW_EALG    algorithm not supported
 *   ZW_EBADSIG the signature does not verify
 * and points *why (when non-NULL) at a short static reason. */
int zw_rrsig_verify(const struct zw_key *key, const struct zw_rrset_ref *set,
		    const uint8_t *rrsig, size_t rrsig_len, int64_t now,
		    const char **why);

/* True when `now` lies in [inception, expiration] under RFC 1982 serial
 * arithmetic (so windows spanning 2106 work). */
bool zw_rrsig_time_ok(uint32_t inception, uint32_t expiration, int64_t now);

#endif
