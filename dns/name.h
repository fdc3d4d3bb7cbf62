/* Domain names in uncompressed wire form (RFC 1035 §3.1).
 *
 * A name is a sequence of length-prefixed labels ending in the root label (0).
 * Storage is a caller-owned fixed buffer of ZW_NAME_MAX octets, so names live
 * on the stack and no function here allocates. All functions taking a name
 * assume it is well-formed (as produced by zw_name_from_str/zw_name_unpack);
 * functions parsing untrusted input take (pointer, end). */
#ifndef ZW_DNS_NAME_H
#define ZW_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_NAME_MAX 255          /* wire octets, root label included */
#define ZW_LABEL_MAX 63
#define ZW_NAME_STR_MAX 1025     /* presentation: 255 * 4 (\DDD) + NUL, rounded */
#define ZW_NAME_LF_MAX 512       /* lookup form, see zw_name_lookup_form */

typedef uint8_t zw_name_t[ZW_NAME_MAX];

/* Parse presentation form [s, s+len) into wire form.
 * Handles \X and \DDD escapes, "@" (the origin) and relative names, which get
 * `origin` appended (origin NULL: relative names are ZW_ERELATIVE).
 * Returns the wire length (>0) or a negative zw_err. */
int zw_name_from_str(uint8_t *out, const char *s, size_t len,
		     const uint8_t *origin);

/* Print in presentation form, fully qualified (trailing dot), escaping as
 * BIND does: "." "\\" and the specials ( ) ; @ $ " with a backslash,
 * bytes outside 0x21..0x7e as \DDD. Returns string length or ZW_ENOSPC. */
int zw_name_to_str(const uint8_t *name, char *buf, size_t bufsize);

/* Wire length of a well-formed name (root: 1). */
size_t zw_name_len(const uint8_t *name);

/* Validate a wire name in [p, end) with no compression; returns its length
 * or a negative zw_err. */
int zw_name_check(const uint8_t *p, const uint8_t *end);

/* Read a possibly compressed name from a message: `pos` is where it starts,
 * [msg, end) the whole message. Pointers must point strictly backwards.
 * Writes the uncompressed name to `out` (NULL: only check it); returns the
 * number of octets the name occupies at `pos` (so the caller can advance)
 * or a negative zw_err. */
int zw_name_unpack(uint8_t *out, const uint8_t *msg, const uint8_t *end,
		   const uint8_t *pos);

/* Number of labels, root excluded ("." is 0, "a.b." is 2). */
int zw_name_labels(const uint8_t *name);

/* RRSIG labels field value: labels not counting a leading "*". */
int zw_name_rrsig_labels(const uint8_t *name);

/* True when the first label is exactly "*". */
bool zw_name_is_wildcard(const uint8_t *name);

/* Case-insensitive equality. */
bool zw_name_equal(const uint8_t *a, const uint8_t *b);

/* RFC 4034 §6.1 canonical order: <0, 0, >0. */
int zw_name_cmp(const uint8_t *a, const uint8_t *b);

/* True when `name` is `parent` or below it (case-insensitive). */
bool zw_name_is_subdomain(const uint8_t *name, const uint8_t *parent);

/* True when `name` is strictly below `parent`. */
bool zw_name_is_strict_subdomain(const uint8_t *name, const uint8_t *parent);

/* Pointer to the suffix of `name` after skipping `n` leading labels
 * (n <= labels). */
const uint8_t *zw_name_skip(const uint8_t *name, int n);

/* Lower-case ASCII letters in place (RFC 4034 §6.2). */
void zw_name_lower(uint8_t *name);

/* Copy a name; returns its length. */
size_t zw_name_copy(uint8_t *dst, const uint8_t *src);

/* Lookup form: labels in reverse order, lower-cased, each label's octets
 * followed by a 0x00 separator; octets 0x00 and 0x01 inside a label are
 * escaped as 0x01 0x01 and 0x01 0x02 so the separator stays the smallest
 * byte. memcmp of two lookup forms (the shorter treated as smaller when it
 * is a prefix) gives exactly canonical order. Root has length 0.
 * Returns the length written (<= ZW_NAME_LF_MAX). */
size_t zw_name_lookup_form(const uint8_t *name, uint8_t *out);

/* Compare two lookup forms: memcmp then length. */
int zw_name_lf_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen);

/* Hash of the lower-cased name (for hash tables), stable across runs. */
uint64_t zw_name_hash(const uint8_t *name);

#endif
