/* Encoding one group of a response as a table piece: RRs in part order
 * (answer, answer RRSIGs, authority, ...), names compressed against the
 * anchor (standing in for the query name) and earlier names of the piece
 * that every response using the piece also carries (a main part never
 * points into an RRSIG part, which DO=0 responses leave out), and a fixup
 * for every pointer so the lookup can move parts around. */
#include <stdio.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_int.h"
#include "zonecompile/table_int.h"

#define DICT_MAX 1024
#define WIRE_MAX 65535
#define TARGET_MAX 0x3000 /* room for the lookup to move things */
#define NAMES_MAX 64

struct dent {
	uint16_t abs;  /* canonical absolute offset */
	int8_t part;   /* -1: the question */
	uint8_t len;
	const uint8_t *name; /* lower-cased suffix, in lbuf */
};

struct enc {
	uint8_t wire[WIRE_MAX];
	size_t wlen;
	size_t base;               /* canonical offset of wire[0] */
	int part;                  /* part being written */
	size_t part_start;
	struct dent dict[DICT_MAX];
	int ndict;
	uint8_t lbuf[DICT_MAX * 4 + 4096];
	size_t lbuf_len;
	uint16_t fix[ZWT_PARTS][2048];
	int nfix[ZWT_PARTS];
	uint16_t ulen[ZWT_PARTS][256];
	uint16_t ucnt[ZWT_PARTS][256];
	uint16_t umode[ZWT_PARTS][256];
	int nunit[ZWT_PARTS];
	uint32_t count[ZWT_PARTS];
	uint16_t len[ZWT_PARTS];
	bool failed;
};

static void lower(uint8_t *d, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)((unsigned)(s[i] - 'A') < 26u ? s[i] + 32 : s[i]);
}

static void dict_add(struct enc *en, size_t abs, const uint8_t *name,
		     int part)
{
	size_t len = zw_name_len(name);
	if (en->ndict >= DICT_MAX || abs >= TARGET_MAX || len <= 1 ||
	    en->lbuf_len + len > sizeof(en->lbuf))
		return;
	struct dent *d = &en->dict[en->ndict++];
	d->abs = (uint16_t)abs;
	d->part = (int8_t)part;
	d->len = (uint8_t)len;
	d->name = en->lbuf + en->lbuf_len;
	lower(en->lbuf + en->lbuf_len, name, len);
	en->lbuf_len += len;
}

/* May part `cur` point into part `tgt` (-1: the question)? */
static bool allowed(int cur, int tgt)
{
	if (tgt < 0 || tgt == cur)
		return true;
	if (tgt > cur)
		return false;
	return !ZWT_PART_SIG(tgt) || ZWT_PART_SIG(cur);
}

static const struct dent *dict_find(const struct enc *en, const uint8_t *sfx,
				    size_t len)
{
	uint8_t l[ZW_NAME_MAX];
	lower(l, sfx, len);
	for (int i = 0; i < en->ndict; i++) {
		const struct dent *d = &en->dict[i];
		if (d->len == len && allowed(en->part, d->part) &&
		    !memcmp(d->name, l, len))
			return d;
	}
	return NULL;
}

static bool room(struct enc *en, size_t n)
{
	if (en->wlen + n > WIRE_MAX || en->failed) {
		en->failed = true;
		return false;
	}
	return true;
}

static void put_ptr(struct enc *en, size_t abs, int kind)
{
	if (!room(en, 2))
		return;
	size_t pos = en->wlen - en->part_start;
	if (en->nfix[en->part] >= 2048) {
		en->failed = true;
		return;
	}
	en->fix[en->part][en->nfix[en->part]++] = ZWT_FIX_MAKE(pos, kind);
	en->wire[en->wlen++] = (uint8_t)(0xc0 | abs >> 8);
	en->wire[en->wlen++] = (uint8_t)abs;
}

/* Write a name, compressed when allowed, and remember its suffixes. */
static void put_name(struct enc *en, const uint8_t *name, bool compress)
{
	size_t len = zw_name_len(name);
	const uint8_t *s = name;
	size_t rest = len;
	uint8_t written[ZW_NAME_MAX];
	size_t starts[128];
	int nl = 0;

	while (rest > 1) {
		bool pos_ok = en->wlen - en->part_start + 2 <= ZWT_FIX_POSMAX;
		const struct dent *d = compress && pos_ok
					       ? dict_find(en, s, rest) : NULL;
		if (d) {
			put_ptr(en, d->abs,
				d->part < 0 ? ZWT_FIX_QSUF
					    : ZWT_FIX_PART0 + d->part);
			break;
		}
		if (!room(en, 1u + s[0]))
			return;
		starts[nl++] = en->wlen;
		memcpy(en->wire + en->wlen, s, 1u + s[0]);
		en->wlen += 1u + s[0];
		rest -= 1u + s[0];
		s += 1u + s[0];
	}
	if (rest == 1) {
		if (!room(en, 1))
			return;
		en->wire[en->wlen++] = 0;
	}
	/* every suffix that starts with a literal label is a target now */
	memcpy(written, name, len);
	const uint8_t *p = written;
	for (int i = 0; i < nl; i++) {
		dict_add(en, en->base + starts[i], p, en->part);
		p += 1u + p[0];
	}
}

static void put16(struct enc *en, uint16_t v)
{
	if (!room(en, 2))
		return;
	en->wire[en->wlen++] = (uint8_t)(v >> 8);
	en->wire[en->wlen++] = (uint8_t)v;
}

static void put32(struct enc *en, uint32_t v)
{
	put16(en, (uint16_t)(v >> 16));
	put16(en, (uint16_t)v);
}

/* RDATA with its compressible names compressed. */
static void put_rdata(struct enc *en, uint16_t type, const uint8_t *rd,
		      uint16_t len)
{
	size_t offs[16];
	bool comp[16];
	int n = zw_rdata_names(type, rd, len, offs, comp, 16);
	size_t at = 0;

	for (int i = 0; i < n && i < 16; i++) {
		if (!room(en, offs[i] - at))
			return;
		memcpy(en->wire + en->wlen, rd + at, offs[i] - at);
		en->wlen += offs[i] - at;
		put_name(en, rd + offs[i], comp[i]);
		at = offs[i] + zw_name_len(rd + offs[i]);
	}
	if (!room(en, len - at))
		return;
	memcpy(en->wire + en->wlen, rd + at, len - at);
	en->wlen += len - at;
}

static void put_rr_item(struct enc *en, const struct cz_rr *x)
{
	const uint8_t *p = x->rdata;
	for (uint32_t k = 0; k < x->count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		if (x->qowner) {
			put_ptr(en, 12, ZWT_FIX_QSTART);
		} else {
			put_name(en, x->owner, true);
		}
		put16(en, x->type);
		put16(en, ZW_CLASS_IN);
		put32(en, x->ttl);
		size_t rdlen_at = en->wlen;
		put16(en, 0);
		size_t start = en->wlen;
		put_rdata(en, x->type, rd, len);
		if (en->failed)
			return;
		size_t rl = en->wlen - start;
		en->wire[rdlen_at] = (uint8_t)(rl >> 8);
		en->wire[rdlen_at + 1] = (uint8_t)rl;
	}
	int k = en->part;
	if (en->nunit[k] >= 256) {
		en->failed = true;
		return;
	}
	en->ulen[k][en->nunit[k]] = (uint16_t)(en->wlen - en->part_start);
	en->ucnt[k][en->nunit[k]] = (uint16_t)x->count;
	en->umode[k][en->nunit[k]] = x->mode;
	en->nunit[k]++;
	en->count[k] += x->count;
}

static void question(struct enc *en, const uint8_t *anchor)
{
	const uint8_t *p = anchor;
	size_t abs = 12;
	while (*p) {
		dict_add(en, abs, p, -1);
		abs += 1u + p[0];
		p += 1u + p[0];
	}
}

static long layout(struct enc *en, const uint8_t *anchor, struct cz_buf *b)
{
	struct zwt_piece pc = {0};
	size_t alen = zw_name_len(anchor);
	cz_buf_align(b, 4);
	long at = (long)b->len;

	pc.alen = (uint8_t)alen;
	pc.size = (uint16_t)en->wlen;
	for (int k = 0; k < ZWT_PARTS; k++)
		if (en->len[k])
			pc.parts |= (uint8_t)(1u << k);
	cz_buf_append(b, &pc, sizeof(pc));
	for (int k = 0; k < ZWT_PARTS; k++) {
		if (!en->len[k])
			continue;
		struct zwt_part pd = {0};
		pd.len = en->len[k];
		pd.count = (uint16_t)en->count[k];
		pd.nfix = (uint8_t)en->nfix[k];
		pd.nunit = (uint8_t)en->nunit[k];
		pd.mode = (uint8_t)en->umode[k][0];
		cz_buf_append(b, &pd, sizeof(pd));
	}
	for (int k = 0; k < ZWT_PARTS; k++)
		if (en->len[k])
			cz_buf_append(b, en->fix[k], 2u * (size_t)en->nfix[k]);
	for (int k = 0; k < ZWT_PARTS; k++) {
		if (!en->len[k] || en->nunit[k] < 2)
			continue;
		for (int u = 0; u < en->nunit[k]; u++) {
			uint16_t rec[3] = {en->ulen[k][u], en->ucnt[k][u],
					   en->umode[k][u]};
			cz_buf_append(b, rec, sizeof(rec));
		}
	}
	if (!b->failed)
		((struct zwt_piece *)(b->p + at))->wire =
			(uint16_t)(b->len - (size_t)at);
	cz_buf_append(b, en->wire, en->wlen);
	cz_buf_align(b, 4);
	return b->failed ? -1 : at;
}

static _Thread_local struct enc enc_tls;

long cz_encode_piece(const struct cz *c, const struct cz_resp *r,
		     uint32_t gmask, bool sigs, const uint8_t *anchor,
		     struct cz_buf *b)
{
	struct enc *en = &enc_tls;
	size_t alen = zw_name_len(anchor);

	en->wlen = 0;
	en->ndict = 0;
	en->lbuf_len = 0;
	en->failed = false;
	en->base = 12 + alen + 4;
	memset(en->nfix, 0, sizeof(en->nfix));
	memset(en->nunit, 0, sizeof(en->nunit));
	memset(en->count, 0, sizeof(en->count));
	memset(en->len, 0, sizeof(en->len));
	question(en, anchor);
	for (int k = 0; k < ZWT_PARTS; k++) {
		en->part = k;
		en->part_start = en->wlen;
		/* required glue (RFC 9471 in-domain) ahead of the optional
		 * addresses, so that a response short of room drops the
		 * optional ones, not TC for the required */
		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < r->nrr; i++) {
				const struct cz_rr *x = &r->rr[i];
				if (!(gmask & (1u << x->group)) ||
				    (x->sig && !sigs) ||
				    (x->sec - 1) * 2 + x->sig != k ||
				    (k == 4 && pass != (x->mode != ZWT_MODE_MUST)) ||
				    (k != 4 && pass))
					continue;
				put_rr_item(en, x);
			}
		en->len[k] = (uint16_t)(en->wlen - en->part_start);
		if (en->count[k] > 0xffff)
			en->failed = true;
	}
	if (en->failed) {
		snprintf(c->err, c->errlen, "response too large to encode");
		return -1;
	}
	return layout(en, anchor, b);
}
