/* NSEC/NSEC3 type bitmaps (RFC 4034 §4.1.2): windows of up to 32 octets,
 * one per 256 types, in ascending window order. */
#include <string.h>

#include "dns/bitmap.h"
#include "dns/err.h"

void zw_bitmap_set_init(struct zw_bitmap_set *s)
{
	memset(s->used, 0, sizeof(s->used));
}

void zw_bitmap_set_add(struct zw_bitmap_set *s, uint16_t type)
{
	unsigned w = type >> 8, o = (type & 0xff) >> 3;
	uint64_t m = (uint64_t)1 << (w & 63);

	if (!(s->used[w >> 6] & m)) { /* first type of this window */
		s->used[w >> 6] |= m;
		memset(s->bits[w], 0, 32);
		s->len[w] = 0;
	}
	s->bits[w][o] |= (uint8_t)(0x80 >> (type & 7));
	if (o >= s->len[w])
		s->len[w] = (uint8_t)(o + 1);
}

int zw_bitmap_set_emit(const struct zw_bitmap_set *s, uint8_t *out,
		       size_t outmax)
{
	size_t len = 0;

	for (unsigned k = 0; k < 4; k++)
		for (uint64_t u = s->used[k]; u; u &= u - 1) {
			unsigned w = k * 64 + (unsigned)__builtin_ctzll(u);
			size_t wl = s->len[w];

			if (len + 2 + wl > outmax)
				return ZW_ENOSPC;
			out[len++] = (uint8_t)w;
			out[len++] = (uint8_t)wl;
			memcpy(out + len, s->bits[w], wl);
			len += wl;
		}
	return (int)len;
}

int zw_bitmap_build(const uint16_t *types, size_t n, uint8_t *out,
		    size_t outmax)
{
	struct zw_bitmap_set s;

	zw_bitmap_set_init(&s);
	for (size_t i = 0; i < n; i++)
		zw_bitmap_set_add(&s, types[i]);
	return zw_bitmap_set_emit(&s, out, outmax);
}

int zw_bitmap_check(const uint8_t *p, const uint8_t *end)
{
	int prev = -1;

	while (p < end) {
		if (end - p < 2)
			return ZW_EMALF;
		if (p[0] <= prev || p[1] < 1 || p[1] > 32 || end - p - 2 < p[1])
			return ZW_EMALF;
		if (p[2 + p[1] - 1] == 0)
			return ZW_EMALF; /* trailing zero octet: not minimal */
		prev = p[0];
		p += 2 + p[1];
	}
	return 0;
}

bool zw_bitmap_has(const uint8_t *bm, size_t len, uint16_t type)
{
	size_t i = 0;
	uint8_t w = (uint8_t)(type >> 8), o = (uint8_t)((type & 0xff) >> 3);

	while (i + 2 <= len) {
		uint8_t wl = bm[i + 1];

		if (bm[i] == w)
			return o < wl && i + 2 + o < len &&
			       (bm[i + 2 + o] & (0x80 >> (type & 7)));
		if (bm[i] > w)
			return false;
		i += 2 + (size_t)wl;
	}
	return false;
}

int zw_bitmap_types(const uint8_t *bm, size_t len, uint16_t *types,
		    size_t max)
{
	size_t i = 0, n = 0;

	while (i + 2 <= len) {
		uint8_t w = bm[i], wl = bm[i + 1];

		for (size_t o = 0; o < wl && i + 2 + o < len; o++)
			for (int b = 0; b < 8; b++) {
				if (!(bm[i + 2 + o] & (0x80 >> b)))
					continue;
				if (n < max)
					types[n] = (uint16_t)(w << 8 | o << 3 | (size_t)b);
				n++;
			}
		i += 2 + (size_t)wl;
	}
	return (int)n;
}
