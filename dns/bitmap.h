/* NSEC/NSEC3 type bitmaps (RFC 4034 §4.1.2). */
#ifndef ZW_DNS_BITMAP_H
#define ZW_DNS_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_BITMAP_MAX (256 * 34) /* 256 windows of 2 + 32 octets */

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
