/* RDATA codecs driven by one descriptor row per type (see rdata_impl.h):
 * parse, print, check, unpack, canonicalize and names all walk the row. */
#include <string.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata_impl.h"
#include "dns/rrtype.h"

#define MAX_FIELDS 9

struct rd_field {
	uint8_t kind, flags;
};

struct rd_type {
	uint16_t type;
	uint8_t nf;
	struct rd_field f[MAX_FIELDS];
	/* Cross-field rules; returns the index of the offending field or -1.
	 * off[i] is where field i starts, off[nf] the rdata length. */
	int (*validate)(const uint8_t *rd, const size_t *off);
	const char *why; /* what validate expects */
};

static const struct zw_rd_kind_ops *const kinds[ZW_RK_COUNT] = {
	[ZW_RK_NAME] = &zw_rd_k_name,	  [ZW_RK_U8] = &zw_rd_k_u8,
	[ZW_RK_U16] = &zw_rd_k_u16,	  [ZW_RK_U32] = &zw_rd_k_u32,
	[ZW_RK_TTL] = &zw_rd_k_ttl,	  [ZW_RK_A] = &zw_rd_k_a,
	[ZW_RK_AAAA] = &zw_rd_k_aaaa,	  [ZW_RK_STR] = &zw_rd_k_str,
	[ZW_RK_STRS] = &zw_rd_k_strs,	  [ZW_RK_B64] = &zw_rd_k_b64,
	[ZW_RK_HEX] = &zw_rd_k_hex,	  [ZW_RK_SALT] = &zw_rd_k_salt,
	[ZW_RK_HASH] = &zw_rd_k_hash,	  [ZW_RK_BITMAP] = &zw_rd_k_bitmap,
	[ZW_RK_TIME] = &zw_rd_k_time,	  [ZW_RK_TYPE] = &zw_rd_k_type,
	[ZW_RK_CAATAG] = &zw_rd_k_caatag, [ZW_RK_CAAVAL] = &zw_rd_k_caaval,
	[ZW_RK_SVCP] = &zw_rd_k_svcp,	  [ZW_RK_LOC] = &zw_rd_k_loc,
};

/* What a field holds, for errors found after parsing. */
static const char *const kind_what[ZW_RK_COUNT] = {
	[ZW_RK_SVCP] = "consistent SvcParams (RFC 9460)",
	[ZW_RK_NAME] = "domain name",
};

/* Name flavours: RFC 1035 types may be compressed; RFC 3597 §4 says
 * receivers decompress a few more; RFC 4034 §6.2 / RFC 6840 §5.1 say which
 * are lower-cased in canonical form (not NSEC's next name, not SVCB's). */
#define NC { ZW_RK_NAME, ZW_RF_COMP | ZW_RF_DECOMP | ZW_RF_LOWER }
#define ND { ZW_RK_NAME, ZW_RF_DECOMP | ZW_RF_LOWER }
#define NL { ZW_RK_NAME, ZW_RF_LOWER }
#define NP { ZW_RK_NAME, 0 }
#define F(k) { ZW_RK_##k, 0 }
#define FE(k) { ZW_RK_##k, ZW_RF_EMPTY }

static int v_ds(const uint8_t *rd, const size_t *off);
static int v_sshfp(const uint8_t *rd, const size_t *off);
static int v_nsec3(const uint8_t *rd, const size_t *off);
static int v_zonemd(const uint8_t *rd, const size_t *off);

#define DIGEST_WHY "digest of the length its type requires"
#define ROW_DS(t) { t, 4, { F(U16), F(U8), F(U8), F(HEX) }, v_ds, DIGEST_WHY }
#define ROW_KEY(t) { t, 4, { F(U16), F(U8), F(U8), F(B64) }, NULL, NULL }
#define ROW_TLSA(t) { t, 4, { F(U8), F(U8), F(U8), F(HEX) }, NULL, NULL }
#define ROW_SVCB(t) { t, 3, { F(U16), NP, FE(SVCP) }, NULL, NULL }
#define ROW1(t, a) { t, 1, { a }, NULL, NULL }
#define ROW2(t, a, b) { t, 2, { a, b }, NULL, NULL }

/* Sorted by type (binary search). */
static const struct rd_type types[] = {
	ROW1(ZW_TYPE_A, F(A)),
	ROW1(ZW_TYPE_NS, NC),
	ROW1(3, NC), /* MD */
	ROW1(4, NC), /* MF */
	ROW1(ZW_TYPE_CNAME, NC),
	{ ZW_TYPE_SOA, 7, { NC, NC, F(U32), F(TTL), F(TTL), F(TTL), F(TTL) },
	  NULL, NULL },
	ROW1(7, NC), /* MB */
	ROW1(8, NC), /* MG */
	ROW1(9, NC), /* MR */
	ROW1(ZW_TYPE_PTR, NC),
	ROW2(ZW_TYPE_HINFO, F(STR), F(STR)),
	ROW2(14, NC, NC), /* MINFO */
	ROW2(ZW_TYPE_MX, F(U16), NC),
	ROW1(ZW_TYPE_TXT, F(STRS)),
	ROW2(ZW_TYPE_RP, ND, ND),
	ROW2(ZW_TYPE_AFSDB, F(U16), ND),
	ROW2(21, F(U16), ND), /* RT */
	{ 26, 3, { F(U16), ND, ND }, NULL, NULL }, /* PX */
	ROW1(ZW_TYPE_AAAA, F(AAAA)),
	ROW1(ZW_TYPE_LOC, F(LOC)),
	{ ZW_TYPE_SRV, 4, { F(U16), F(U16), F(U16), ND }, NULL, NULL },
	{ ZW_TYPE_NAPTR, 6, { F(U16), F(U16), F(STR), F(STR), F(STR), ND },
	  zw_rd_naptr_validate, "NAPTR regexp (delim ERE delim repl delim)" },
	ROW2(ZW_TYPE_KX, F(U16), ND),
	ROW1(ZW_TYPE_DNAME, ND),
	ROW_DS(ZW_TYPE_DS),
	{ ZW_TYPE_SSHFP, 3, { F(U8), F(U8), F(HEX) }, v_sshfp,
	  "fingerprint of the length its type requires" },
	{ ZW_TYPE_RRSIG, 9, { F(TYPE), F(U8), F(U8), F(U32), F(TIME),
			      F(TIME), F(U16), NL, F(B64) }, NULL, NULL },
	ROW2(ZW_TYPE_NSEC, NP, F(BITMAP)),
	ROW_KEY(ZW_TYPE_DNSKEY),
	{ ZW_TYPE_NSEC3, 6, { F(U8), F(U8), F(U16), F(SALT), F(HASH),
			      FE(BITMAP) }, v_nsec3,
	  "hash of the length its algorithm requires" },
	{ ZW_TYPE_NSEC3PARAM, 4, { F(U8), F(U8), F(U16), F(SALT) }, NULL,
	  NULL },
	ROW_TLSA(ZW_TYPE_TLSA),
	ROW_TLSA(53), /* SMIMEA */
	ROW_DS(ZW_TYPE_CDS),
	ROW_KEY(ZW_TYPE_CDNSKEY),
	ROW1(61, F(B64)), /* OPENPGPKEY */
	{ 62, 3, { F(U32), F(U16), FE(BITMAP) }, NULL, NULL }, /* CSYNC */
	{ ZW_TYPE_ZONEMD, 4, { F(U32), F(U8), F(U8), F(HEX) }, v_zonemd,
	  DIGEST_WHY },
	ROW_SVCB(ZW_TYPE_SVCB),
	ROW_SVCB(ZW_TYPE_HTTPS),
	ROW1(ZW_TYPE_SPF, F(STRS)),
	{ 256, 3, { F(U16), F(U16), F(CAAVAL) }, NULL, NULL }, /* URI */
	{ ZW_TYPE_CAA, 3, { F(U8), F(CAATAG), FE(CAAVAL) }, NULL, NULL },
};

static const struct rd_type *find(uint16_t type)
{
	size_t lo = 0, hi = sizeof(types) / sizeof(types[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (types[mid].type == type)
			return &types[mid];
		if (types[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- cross-field rules ---- */

/* Digest lengths of the known digest types (BIND checks the same). */
static int v_ds(const uint8_t *rd, const size_t *off)
{
	size_t len = off[4] - off[3];

	switch (rd[off[2]]) {
	case 1: return len == 20 ? -1 : 3;
	case 2: return len == 32 ? -1 : 3;
	case 4: return len == 48 ? -1 : 3;
	}
	return -1;
}

static int v_sshfp(const uint8_t *rd, const size_t *off)
{
	size_t len = off[3] - off[2];

	switch (rd[off[1]]) {
	case 1: return len == 20 ? -1 : 2;
	case 2: return len == 32 ? -1 : 2;
	}
	return -1;
}

static int v_nsec3(const uint8_t *rd, const size_t *off)
{
	return rd[0] == 1 && rd[off[4]] != 20 ? 4 : -1;
}

/* RFC 8976 §2.2.4: at least 12 octets; SHA-384 48, SHA-512 64. */
static int v_zonemd(const uint8_t *rd, const size_t *off)
{
	size_t len = off[4] - off[3];

	if (len < 12)
		return 3;
	switch (rd[off[2]]) {
	case 1: return len == 48 ? -1 : 3;
	case 2: return len == 64 ? -1 : 3;
	}
	return -1;
}

/* ---- walking a row over wire rdata ---- */

/* Splits rd into fields: off[0..nf]. On failure *bad is the field. */
static int walk(const struct rd_type *d, const uint8_t *rd, size_t len,
		size_t *off, int *bad)
{
	size_t pos = 0;

	for (int i = 0; i < d->nf; i++) {
		int n = kinds[d->f[i].kind]->span(rd + pos, rd + len,
						  d->f[i].flags);

		*bad = i;
		if (n < 0)
			return n;
		off[i] = pos;
		pos += (size_t)n;
	}
	off[d->nf] = pos;
	*bad = d->nf - 1;
	return pos == len ? 0 : ZW_ETRAILING;
}

static int check_row(const struct rd_type *d, const uint8_t *rd, size_t len,
		     size_t *off, int *bad)
{
	int r = walk(d, rd, len, off, bad);

	if (r < 0)
		return r;
	if (d->validate && (*bad = d->validate(rd, off)) >= 0)
		return ZW_ERDATA;
	return 0;
}

int zw_rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen)
{
	const struct rd_type *d = find(type);
	size_t off[MAX_FIELDS + 1];
	int bad;

	if (rdlen > ZW_RDATA_MAX)
		return ZW_ERANGE;
	return d ? check_row(d, rd, rdlen, off, &bad) : 0;
}

/* ---- presentation -> wire ---- */

static bool is_generic(const struct zw_tok *t, size_t n)
{
	return n > 0 && !t[0].quoted && t[0].len == 2 && t[0].s[0] == '\\' &&
	       t[0].s[1] == '#';
}

static int generic_parse(struct zw_rd_p *p, struct zw_rd_w *w)
{
	const struct zw_tok *t;
	uint32_t len;
	int r;

	p->i = 1;
	if (!(t = zw_rd_next(p, "rdata length")))
		return ZW_ETRUNC;
	r = zw_rd_number(t->s, t->len, ZW_RDATA_MAX, &len);
	if (r < 0)
		return zw_rd_fail(p, 1, "rdata length (0..65535)", r);
	r = zw_rd_parse_hex_tokens(p, w, true);
	if (r == 0 && !w->err && w->len != len)
		return zw_rd_fail(p, p->n - 1, "as many hex octets as the length",
				  ZW_ERDATA);
	return r;
}

/* Fields in order; tok[i] records where field i started for errors found
 * by the post-parse check. */
static int fields_parse(const struct rd_type *d, struct zw_rd_p *p,
			struct zw_rd_w *w, size_t *tok)
{
	for (int i = 0; i < d->nf; i++) {
		int r;

		tok[i] = p->i;
		r = kinds[d->f[i].kind]->parse(p, w, d->f[i].flags);
		if (r == 0)
			r = w->err;
		if (r < 0)
			return r;
	}
	if (p->i < p->n)
		return zw_rd_fail(p, p->i, "end of rdata", ZW_ETRAILING);
	return 0;
}

/* Validate what was built, as a wire parser would see it. */
static int post_check(const struct rd_type *d, struct zw_rd_p *p,
		      const struct zw_rd_w *w, const size_t *tok, bool generic)
{
	size_t off[MAX_FIELDS + 1];
	int bad, r = check_row(d, w->p, w->len, off, &bad);

	if (r == 0)
		return 0;
	if (generic)
		return zw_rd_fail(p, 1, "rdata valid for the type", r);
	if (r == ZW_ERDATA && d->validate)
		return zw_rd_fail(p, tok[bad], d->why, r);
	return zw_rd_fail(p, tok[bad], kind_what[d->f[bad].kind] ?
			  kind_what[d->f[bad].kind] : "valid rdata field", r);
}

int zw_rdata_from_str(uint16_t type, const struct zw_tok *toks, size_t ntoks,
		      const uint8_t *origin, uint8_t *out, size_t outmax,
		      struct zw_rdata_err *err)
{
	struct zw_rd_p p = { toks, ntoks, 0, origin, 0, NULL };
	struct zw_rd_w w = { out, 0, outmax < ZW_RDATA_MAX ? outmax :
					     ZW_RDATA_MAX, 0 };
	const struct rd_type *d = find(type);
	bool generic = is_generic(toks, ntoks);
	size_t tok[MAX_FIELDS];
	int r;

	if (generic)
		r = generic_parse(&p, &w);
	else if (d)
		r = fields_parse(d, &p, &w, tok);
	else
		r = zw_rd_fail(&p, 0, "generic rdata (\\# length hex)",
			       ZW_ERDATA);
	if (r == 0)
		r = w.err;
	if (r == ZW_ENOSPC && outmax >= ZW_RDATA_MAX)
		r = zw_rd_fail(&p, p.n ? p.n - 1 : 0,
			       "rdata of at most 65535 octets", ZW_ERANGE);
	if (r == 0 && d)
		r = post_check(d, &p, &w, tok, generic);
	if (r < 0 && err) {
		err->tok = p.errtok;
		err->expected = p.expected ? p.expected : "space for rdata";
	}
	return r < 0 ? r : (int)w.len;
}

/* ---- wire -> presentation ---- */

int zw_rdata_to_generic(const uint8_t *rd, size_t rdlen, char *buf,
			size_t bufsize)
{
	struct zw_rd_s s = { buf, 0, bufsize, 0 };

	if (bufsize)
		buf[0] = '\0';
	zw_rd_puts(&s, "\\# ", 3);
	zw_rd_putu(&s, rdlen);
	if (rdlen)
		zw_rd_putc(&s, ' ');
	zw_rd_print_hex(rd, rdlen, &s);
	return s.err ? s.err : (int)s.len;
}

int zw_rdata_to_str(uint16_t type, const uint8_t *rd, size_t rdlen,
		    char *buf, size_t bufsize)
{
	const struct rd_type *d = find(type);
	struct zw_rd_s s = { buf, 0, bufsize, 0 };
	size_t off[MAX_FIELDS + 1];
	int bad;

	if (!d || rdlen > ZW_RDATA_MAX || check_row(d, rd, rdlen, off, &bad))
		return zw_rdata_to_generic(rd, rdlen, buf, bufsize);
	if (bufsize)
		buf[0] = '\0';
	for (int i = 0; i < d->nf; i++) {
		size_t mark = s.len;

		if (i)
			zw_rd_putc(&s, ' ');
		kinds[d->f[i].kind]->print(rd + off[i], off[i + 1] - off[i],
					   &s);
		if (i && !s.err && s.len == mark + 1) { /* printed nothing */
			s.len = mark;
			buf[mark] = '\0';
		}
	}
	return s.err ? s.err : (int)s.len;
}

/* ---- message -> rdata ---- */

static bool has_decomp(const struct rd_type *d)
{
	for (int i = 0; i < d->nf; i++)
		if (d->f[i].flags & ZW_RF_DECOMP)
			return true;
	return false;
}

static int unpack_fields(const struct rd_type *d, const uint8_t *msg,
			 const uint8_t *end, const uint8_t *pos,
			 const uint8_t *rdend, struct zw_rd_w *w)
{
	for (int i = 0; i < d->nf; i++) {
		zw_name_t name;
		int n;

		if (d->f[i].flags & ZW_RF_DECOMP) {
			n = zw_name_unpack(name, msg, end, pos);
			if (n < 0)
				return n;
			if (n > rdend - pos)
				return ZW_EMALF;
			zw_rd_put(w, name, zw_name_len(name));
		} else {
			n = kinds[d->f[i].kind]->span(pos, rdend, d->f[i].flags);
			if (n < 0)
				return n;
			zw_rd_put(w, pos, (size_t)n);
		}
		pos += n;
	}
	return pos == rdend ? w->err : ZW_ETRAILING;
}

int zw_rdata_unpack(uint16_t type, const uint8_t *msg, const uint8_t *end,
		    const uint8_t *pos, uint16_t rdlen, uint8_t *out,
		    size_t outmax)
{
	const struct rd_type *d = find(type);
	struct zw_rd_w w = { out, 0, outmax < ZW_RDATA_MAX ? outmax :
					     ZW_RDATA_MAX, 0 };
	int r;

	if (pos < msg || pos > end || end - pos < rdlen)
		return ZW_ETRUNC;
	if (d && has_decomp(d))
		r = unpack_fields(d, msg, end, pos, pos + rdlen, &w);
	else
		zw_rd_put(&w, pos, rdlen), r = w.err;
	if (r == 0)
		r = zw_rdata_check(type, out, w.len);
	return r < 0 ? r : (int)w.len;
}

/* ---- canonical form, order and names ---- */

void zw_rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen)
{
	const struct rd_type *d = find(type);
	size_t off[MAX_FIELDS + 1];
	int bad;

	if (!d || walk(d, rd, rdlen, off, &bad) < 0)
		return;
	for (int i = 0; i < d->nf; i++)
		if (d->f[i].flags & ZW_RF_LOWER)
			zw_name_lower(rd + off[i]);
}

int zw_rdata_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		 size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c < 0 ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

int zw_rdata_names(uint16_t type, const uint8_t *rd, size_t rdlen,
		   size_t *offsets, bool *compress, int max)
{
	const struct rd_type *d = find(type);
	size_t off[MAX_FIELDS + 1];
	int bad, n = 0, r;

	if (!d)
		return 0;
	if ((r = walk(d, rd, rdlen, off, &bad)) < 0)
		return r;
	for (int i = 0; i < d->nf; i++) {
		if (d->f[i].kind != ZW_RK_NAME)
			continue;
		if (n < max) {
			offsets[n] = off[i];
			if (compress)
				compress[n] = d->f[i].flags & ZW_RF_COMP;
		}
		n++;
	}
	return n;
}
