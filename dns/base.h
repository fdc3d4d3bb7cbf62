/* base64 (RFC 4648 §4), base32hex without padding (RFC 4648 §7, as NSEC3
 * uses it) and hex codecs. Decoders accept whitespace-free input only; the
 * zone-file layer joins tokens first. All return the output length or a
 * negative zw_err (ZW_ENOSPC when out is too small). */
#ifndef ZW_DNS_BASE_H
#define ZW_DNS_BASE_H

#include <stddef.h>
#include <stdint.h>

int zw_b64_encode(const uint8_t *in, size_t len, char *out, size_t outmax);
int zw_b64_decode(const char *in, size_t len, uint8_t *out, size_t outmax);
/* base32hex, upper-case output as BIND prints NSEC3 hashes; decode is
 * case-insensitive and rejects padding. */
int zw_b32hex_encode(const uint8_t *in, size_t len, char *out, size_t outmax);
int zw_b32hex_decode(const char *in, size_t len, uint8_t *out, size_t outmax);
/* hex, upper-case output as BIND prints DS digests. */
int zw_hex_encode(const uint8_t *in, size_t len, char *out, size_t outmax);
int zw_hex_decode(const char *in, size_t len, uint8_t *out, size_t outmax);

#endif
