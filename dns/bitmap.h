/* NSEC/NSEC3 type bitmaps (RFC 4034 §4.1.2). */
#ifndef ZW_DNS_BITMAP_H
#define ZW_DNS_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_BITMAP_MAX (256 * 34) /* 256 windows of 2 + 32 octets */

/* A type set being filled, for callers that meet types one by one (the
 * text parser). Only windows marked in `used` are initialised, so init,
 * add and emit cost what the types present need, not a 64 Kbit sweep. */
struct zw_bitmap_set {
	uint64_t used[4];       /* windows holding a type */
	uint8_t len[256];       /* octets up to the last set bit, per window */
	uint8_t bits[256][32];
};

void zw_bitmap_set_init(struct zw_bitmap_set *s);
void zw_bitmap_set_add(struct zw_bitmap_set *s, uint16_t type);
/* Write the set as a bitmap; its length or ZW_ENOSPC. */
int zw_bitmap_set_emit(const struct zw_bitmap_set *s, uint8_t *out,
		       size_t outmax);

/* Build a bitmap from types (any order, duplicates allowed).
 * Returns its length or ZW_ENOSPC. */
int zw_bitmap_build(const uint16_t *types, size_t n, uint8_t *out,
		    size_t outmax);

/* Validate a bitmap in [p, end): windows ascending, lengths 1..32, no
 * trailing zero octet in a window. Returns 0 or ZW_EMALF. */
int zw_bitmap_check(const uint8_t *p, const uint8_t *end);

/* True when `type` is set in a well-formed bitmap. */
bool zw_bitmap_has(const uint8_t *bm, size_t len, uint16_t type);

/* List types in a well-formed bitmap in ascending order; returns the count
 * (may exceed max: only max are written). */
int zw_bitmap_types(const uint8_t *bm, size_t len, uint16_t *types,
		    size_t max);

#endif
