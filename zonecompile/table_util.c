/* Format helpers shared by writer, reader and lookup: the name hash, the
 * file checksum, piece parsing. */
#include <string.h>

#include "zonecompile/table_int.h"

#define K1 ZWT_HK1
#define K2 ZWT_HK2
#define K3 ZWT_HK3
#define mix zwt_mix

static inline uint64_t load_tail(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	memcpy(&v, p, n);
	return v;
}

/* Names are short (a few words), so a multiply-fold per 8 octets is
 * enough; the per-zone seed keeps slot positions unpredictable. */
uint64_t zwt_hash(uint64_t seed, const uint8_t *name, size_t len)
{
	uint64_t h = seed ^ (len * K1);
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, name + i, 8);
		h = mix(h ^ w, K2);
	}
	if (i < len)
		h = mix(h ^ load_tail(name + i, len - i), K3);
	return mix(h, K1);
}

/* Four independent lanes so the multiplies overlap: about 8 GB/s here,
 * so validating a 400 MB table costs ~50 ms. */
uint64_t zw_table_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t h[4] = {K1, K2, K3, K1 ^ K2};
	size_t i = 0;

	for (; i + 32 <= len; i += 32) {
		for (int k = 0; k < 4; k++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * k, 8);
			if (i + 8 * k == offsetof(struct zwt_file, checksum))
				w = 0;
			h[k] = mix(h[k] ^ w, K2 + (uint64_t)k);
		}
	}
	for (; i < len; i += 8) {
		size_t n = len - i < 8 ? len - i : 8;
		uint64_t w = load_tail(p + i, n);
		if (i == offsetof(struct zwt_file, checksum))
			w = 0;
		h[0] = mix(h[0] ^ w, K3);
	}
	return mix(h[0] ^ mix(h[1], K1) ^ mix(h[2], K2) ^ mix(h[3], K3),
		   len ^ K1);
}

/* The checks around zwt_piece_fill: the header and descriptors inside
 * avail, then the fixups, unit records and wire exactly as the header
 * says. */
bool zwt_piece_view(const uint8_t *p, size_t avail, struct zwt_pview *v)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	if (avail < sizeof(*pc) || pc->parts >= 1u << ZWT_PARTS)
		return false;
	if (sizeof(*pc) + zwt_nparts(pc->parts) * sizeof(struct zwt_part) >
	    avail)
		return false;
	size_t unit, w;
	zwt_piece_fill(p, v, &unit, &w);
	if (unit != pc->wire || w != pc->size || unit + w > avail)
		return false;
	v->wire = p + unit;
	v->total = (unit + w + 3) & ~(size_t)3;
	return v->total <= avail || unit + w == avail;
}

size_t zwt_rr_skip(const uint8_t *wire, size_t off, size_t end,
		   uint16_t *type)
{
	int guard = 0;

	while (off < end && guard++ < 128) {
		uint8_t l = wire[off];
		if (l == 0) {
			off++;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			off += 2;
			break;
		}
		if (l & 0xc0)
			return 0;
		off += 1u + l;
	}
	if (guard >= 128 || off + 10 > end)
		return 0;
	uint16_t rdlen = (uint16_t)(wire[off + 8] << 8 | wire[off + 9]);
	if (type)
		*type = (uint16_t)(wire[off] << 8 | wire[off + 1]);
	off += 10u + rdlen;
	return off <= end ? off : 0;
}
