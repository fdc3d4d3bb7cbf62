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
	size_t lbuf_len;           /* octets stored in lbuf */
	size_t lbuf_count;         /* octets the entries count for */
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

/* Remember the suffixes of the lower-cased name low (len octets) that
 * start at its first n labels, the i-th written at canonical offset
 * abs[i]. A suffix is left out when the dictionary is full, its target
 * too far for the lookup to move, or the octets the dictionary counts
 * for it (each suffix its own length, as if stored apart) would pass
 * sizeof(lbuf); the octets are stored once, from the first suffix kept,
 * which never takes more than that count. */
static void dict_add(struct enc *en, const size_t *abs, int n,
		     const uint8_t *low, size_t len, int part)
{
	const uint8_t *keep = NULL; /* where low's octets went in lbuf */
	size_t from = 0, off = 0;
	for (int i = 0; i < n; i++, off += 1u + low[off]) {
		size_t sl = len - off;
		if (en->ndict >= DICT_MAX || abs[i] >= TARGET_MAX || sl <= 1 ||
		    en->lbuf_count + sl > sizeof(en->lbuf))
			continue;
		if (!keep) {
			keep = en->lbuf + en->lbuf_len;
			from = off;
			memcpy(en->lbuf + en->lbuf_len, low + off, sl);
			en->lbuf_len += sl;
		}
		struct dent *d = &en->dict[en->ndict++];
		d->abs = (uint16_t)abs[i];
		d->part = (int8_t)part;
		d->len = (uint8_t)sl;
		d->name = keep + (off - from);
		en->lbuf_count += sl;
	}
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

/* The first entry (in the order added) for the lower-cased suffix l. */
static const struct dent *dict_find(const struct enc *en, const uint8_t *l,
				    size_t len)
{
	for (int i = 0; i < en->ndict; i++) {
		const struct dent *d = &en->dict[i];
		if (d->len == len && d->name[1] == l[1] &&
		    allowed(en->part, d->part) && !memcmp(d->name, l, len))
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
	uint8_t low[ZW_NAME_MAX];
	size_t starts[128];
	size_t rest = len, at = 0;
	int nl = 0;

	cz_lower_copy(low, name, len);
	while (rest > 1) {
		bool pos_ok = en->wlen - en->part_start + 2 <= ZWT_FIX_POSMAX;
		const struct dent *d = compress && pos_ok
					       ? dict_find(en, low + at, rest)
					       : NULL;
		if (d) {
			put_ptr(en, d->abs,
				d->part < 0 ? ZWT_FIX_QSUF
					    : ZWT_FIX_PART0 + d->part);
			break;
		}
		size_t ll = 1u + name[at];
		if (!room(en, ll))
			return;
		starts[nl++] = en->base + en->wlen;
		memcpy(en->wire + en->wlen, name + at, ll);
		en->wlen += ll;
		rest -= ll;
		at += ll;
	}
	if (rest == 1) {
		if (!room(en, 1))
			return;
		en->wire[en->wlen++] = 0;
	}
	/* every suffix that starts with a literal label is a target now */
	dict_add(en, starts, nl, low, len, en->part);
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
/* Types whose RDATA holds no domain name (RFC 1035, 3596, 4034, 5155):
 * the commonest in a signed zone, copied without a walk. */
static bool nameless(uint16_t type)
{
	return type == ZW_TYPE_A || type == ZW_TYPE_AAAA ||
	       type == ZW_TYPE_DS || type == ZW_TYPE_NSEC3 ||
	       type == ZW_TYPE_DNSKEY || type == ZW_TYPE_NSEC3PARAM ||
	       type == ZW_TYPE_TXT;
}

/* zw_rdata_names for the two commonest types with a name, whose layout
 * RFC 1035 and RFC 4034 fix: NS (one compressible name filling the
 * RDATA) and RRSIG (18 octets, the signer's name, not compressed, and a
 * signature of at least one octet). -1 when the RDATA is not exactly
 * that: zw_rdata_names decides then. */
static int known_names(uint16_t type, const uint8_t *rd, uint16_t len,
		       size_t *offs, bool *comp)
{
	if (type == ZW_TYPE_NS && zw_name_check(rd, rd + len) == (int)len) {
		offs[0] = 0;
		comp[0] = true;
		return 1;
	}
	if (type == ZW_TYPE_RRSIG && len > 18) {
		int m = zw_name_check(rd + 18, rd + len);
		if (m > 0 && 18u + (unsigned)m < len) {
			offs[0] = 18;
			comp[0] = false;
			return 1;
		}
	}
	return -1;
}

static void put_rdata(struct enc *en, uint16_t type, const uint8_t *rd,
		      uint16_t len)
{
	size_t offs[16];
	bool comp[16];
	int n = nameless(type) ? 0 : known_names(type, rd, len, offs, comp);
	if (n < 0)
		n = zw_rdata_names(type, rd, len, offs, comp, 16);
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
	uint8_t low[ZW_NAME_MAX];
	size_t abs[128];
	size_t len = zw_name_len(anchor), off = 0;
	int n = 0;
	cz_lower_copy(low, anchor, len);
	while (low[off]) {
		abs[n++] = 12 + off;
		off += 1u + low[off];
	}
	dict_add(en, abs, n, low, len, -1);
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

/* The RRs of groups gmask (RRSIGs only when sigs) in the order they are
 * written: by part, in response order within a part, except that the
 * additional section's required glue (RFC 9471 in-domain) comes ahead of
 * the optional addresses, so that a response short of room drops the
 * optional ones, not TC for the required. Part k's RRs are
 * order[first[2k] .. first[2k + 2]). */
static void sort_rrs(const struct cz_resp *r, uint32_t gmask, bool sigs,
		     uint8_t *order, int *first)
{
	uint8_t key[CZ_MAXRR];
	int cnt[2 * ZWT_PARTS + 1] = {0};
	int n = r->nrr < CZ_MAXRR ? r->nrr : CZ_MAXRR;
	for (int i = 0; i < n; i++) {
		const struct cz_rr *x = &r->rr[i];
		key[i] = 0xff;
		int k = (x->sec - 1) * 2 + x->sig;
		if (!(gmask & (1u << x->group)) || (x->sig && !sigs) ||
		    k < 0 || k >= ZWT_PARTS)
			continue;
		key[i] = (uint8_t)(2 * k + (k == 4 && x->mode != ZWT_MODE_MUST));
		cnt[key[i] + 1]++;
	}
	for (int b = 0; b < 2 * ZWT_PARTS; b++)
		cnt[b + 1] += cnt[b];
	memcpy(first, cnt, sizeof(cnt));
	for (int i = 0; i < n; i++)
		if (key[i] != 0xff)
			order[cnt[key[i]]++] = (uint8_t)i;
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
	en->lbuf_len = en->lbuf_count = 0;
	en->failed = false;
	en->base = 12 + alen + 4;
	memset(en->nfix, 0, sizeof(en->nfix));
	memset(en->nunit, 0, sizeof(en->nunit));
	memset(en->count, 0, sizeof(en->count));
	memset(en->len, 0, sizeof(en->len));
	question(en, anchor);
	uint8_t order[CZ_MAXRR];
	int first[2 * ZWT_PARTS + 1];
	sort_rrs(r, gmask, sigs, order, first);
	for (int k = 0; k < ZWT_PARTS; k++) {
		en->part = k;
		en->part_start = en->wlen;
		for (int j = first[2 * k]; j < first[2 * k + 2]; j++)
			put_rr_item(en, &r->rr[order[j]]);
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
