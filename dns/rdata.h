/* RDATA codecs: presentation <-> wire for every known type, and the RFC 3597
 * generic form (\# len hex) for every type, known or not.
 *
 * RDATA is always held uncompressed and in the case it was written in;
 * zw_rdata_canonicalize() lower-cases it for DNSSEC (RFC 4034 §6.2). */
#ifndef ZW_DNS_RDATA_H
#define ZW_DNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_RDATA_MAX 65535

/* One presentation-format token as the master-file tokenizer saw it: raw
 * text with escapes NOT yet decoded (each field codec decodes the escapes
 * its field allows), quoted = it was written between double quotes (the
 * quotes are not part of s). */
struct zw_tok {
	const char *s;
	uint32_t len;
	bool quoted;
};

/* Where parsing failed: index of the offending token (or ntoks when tokens
 * ran out) and what the field expected ("IPv4 address", "domain name",
 * "16-bit integer", ...). May be NULL. */
struct zw_rdata_err {
	size_t tok;
	const char *expected;
};

/* Parse rdata tokens for `type` into wire form in out[0..outmax).
 * A first token "\#" selects the generic form for any type.
 * Relative names get `origin` appended. Returns the rdata length or a
 * negative zw_err, filling *err when non-NULL. */
int zw_rdata_from_str(uint16_t type, const struct zw_tok *toks, size_t ntoks,
		      const uint8_t *origin, uint8_t *out, size_t outmax,
		      struct zw_rdata_err *err);

/* Print rdata as named-checkzone -D prints it (names fully qualified, one
 * line). Types without a codec, and rdata a codec rejects, print in the
 * generic form. Returns the string length or ZW_ENOSPC. */
int zw_rdata_to_str(uint16_t type, const uint8_t *rd, size_t rdlen,
		    char *buf, size_t bufsize);

/* The RFC 3597 generic form "\# len hex...". */
int zw_rdata_to_generic(const uint8_t *rd, size_t rdlen, char *buf,
			size_t bufsize);

/* Validate wire rdata of a known type (field lengths, embedded names).
 * Unknown types are always valid. Returns 0 or a negative zw_err. */
int zw_rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen);

/* Copy rdata out of a message, decompressing the embedded names of the types
 * that may be compressed (RFC 3597 §4). [msg, end) is the whole message and
 * rdata is [pos, pos+rdlen). Returns the uncompressed length or a negative
 * zw_err. */
int zw_rdata_unpack(uint16_t type, const uint8_t *msg, const uint8_t *end,
		    const uint8_t *pos, uint16_t rdlen, uint8_t *out,
		    size_t outmax);

/* Lower-case the embedded names of the types listed in RFC 4034 §6.2 as
 * updated by RFC 6840 §5.1 (NSEC's next name is not lower-cased), in place. */
void zw_rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen);

/* Canonical RDATA order (RFC 4034 §6.3): memcmp, shorter first on a tie. */
int zw_rdata_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		 size_t blen);

/* Embedded names of well-formed rdata: writes up to `max` offsets into rd of
 * names and, in `compress` when non-NULL, whether a message writer may
 * compress each one (only the RFC 1035 types: NS, CNAME, SOA, PTR, MX, ...).
 * Returns the number of names. Used for compression and additional-section
 * processing (NS/MX/SRV targets). */
int zw_rdata_names(uint16_t type, const uint8_t *rd, size_t rdlen,
		   size_t *offsets, bool *compress, int max);

#endif
