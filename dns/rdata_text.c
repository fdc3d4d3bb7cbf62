/* Field kinds for text-like data: <character-string>s, base64 and hex runs,
 * NSEC3 salt and hash, type bitmaps and the CAA tag and value. */
#include <string.h>

#include "dns/base.h"
#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rdata_impl.h"
#include "dns/rrtype.h"

static int to_end_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	if (b == end && !(flags & ZW_RF_EMPTY))
		return ZW_ETRUNC;
	return (int)(end - b);
}

/* ---- <character-string> ---- */

static const char *cstr_what = "character-string (at most 255 octets)";

static int str_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const struct zw_tok *t = zw_rd_next(p, cstr_what);
	uint8_t tmp[255];
	int n;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	n = zw_rd_unescape(t->s, t->len, tmp, sizeof(tmp));
	if (n < 0)
		return zw_rd_fail(p, p->i - 1, cstr_what, n);
	zw_rd_put8(w, (unsigned)n);
	zw_rd_put(w, tmp, (size_t)n);
	return 0;
}

static int str_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	(void)flags;
	if (b == end || (size_t)(end - b) < 1u + b[0])
		return ZW_ETRUNC;
	return 1 + b[0];
}

static void str_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	zw_rd_print_quoted(b + 1, b[0], s);
}

const struct zw_rd_kind_ops zw_rd_k_str = { str_parse, str_span, str_print };

static int strs_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	int r;

	do {
		r = str_parse(p, w, flags);
	} while (r == 0 && p->i < p->n);
	return r;
}

static int strs_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	const uint8_t *q = b;

	if (b == end)
		return ZW_ETRUNC;
	while (q < end) {
		int n = str_span(q, end, flags);

		if (n < 0)
			return n;
		q += n;
	}
	return (int)(end - b);
}

static void strs_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	for (size_t i = 0; i < len; i += 1u + b[i]) {
		if (i)
			zw_rd_putc(s, ' ');
		zw_rd_print_quoted(b + i + 1, b[i], s);
	}
}

const struct zw_rd_kind_ops zw_rd_k_strs = { strs_parse, strs_span,
					     strs_print };

/* ---- base64 to the end (DNSKEY key, RRSIG signature) ---- */

static int b64_flush(struct zw_rd_p *p, struct zw_rd_w *w, const char *buf,
		     size_t n, size_t tok)
{
	int r;

	if (w->err)
		return w->err;
	r = zw_b64_decode(buf, n, w->p + w->len, w->max - w->len);
	if (r == ZW_ENOSPC)
		return w->err = ZW_ENOSPC;
	if (r < 0)
		return zw_rd_fail(p, tok, "base64 data", r);
	w->len += (size_t)r;
	return 0;
}

/* Tokens are joined, split anywhere; decoded in 4-aligned chunks of which
 * only the last may carry padding. */
static int b64_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	char buf[1024];
	size_t n = 0;
	int r;

	if (p->i >= p->n && !(flags & ZW_RF_EMPTY))
		return zw_rd_fail(p, p->n, "base64 data", ZW_ETRUNC);
	for (; p->i < p->n; p->i++) {
		const struct zw_tok *t = &p->t[p->i];

		for (uint32_t k = 0; k < t->len; k++) {
			if (n == sizeof(buf)) {
				if (buf[n - 1] == '=')
					return zw_rd_fail(p, p->i,
							  "base64 data",
							  ZW_EBASE64);
				r = b64_flush(p, w, buf, n, p->i);
				if (r < 0)
					return r;
				n = 0;
			}
			buf[n++] = t->s[k];
		}
	}
	if (n % 4)
		return zw_rd_fail(p, p->n - 1, "base64 data", ZW_EBASE64);
	return b64_flush(p, w, buf, n, p->n - 1);
}

/* 42 octets are 56 characters: BIND's chunk width. */
static void b64_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	for (size_t i = 0; i < len; i += 42) {
		size_t room, n = len - i < 42 ? len - i : 42;
		char *dst;

		if (i)
			zw_rd_putc(s, ' ');
		dst = zw_rd_room(s, &room);
		zw_rd_commit(s, zw_b64_encode(b + i, n, dst, room));
	}
}

const struct zw_rd_kind_ops zw_rd_k_b64 = { b64_parse, to_end_span,
					    b64_print };

/* ---- hex to the end (DS digest, TLSA/SSHFP data, ZONEMD digest) ---- */

static int hex_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	return zw_rd_parse_hex_tokens(p, w, flags & ZW_RF_EMPTY);
}

static void hex_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	zw_rd_print_hex(b, len, s);
}

const struct zw_rd_kind_ops zw_rd_k_hex = { hex_parse, to_end_span,
					    hex_print };

/* ---- NSEC3 salt ("-" when empty) and next hashed owner ---- */

static int salt_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "salt (hex or -)";
	const struct zw_tok *t = zw_rd_next(p, what);
	uint8_t tmp[255];
	int n = 0;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	if (!(t->len == 1 && t->s[0] == '-'))
		n = zw_hex_decode(t->s, t->len, tmp, sizeof(tmp));
	if (n < 0 || t->len == 0)
		return zw_rd_fail(p, p->i - 1, what,
				  n == ZW_ENOSPC ? ZW_ERANGE : ZW_EHEX);
	zw_rd_put8(w, (unsigned)n);
	zw_rd_put(w, tmp, (size_t)n);
	return 0;
}

static void salt_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	size_t room;
	char *dst;

	(void)len;
	if (b[0] == 0) {
		zw_rd_putc(s, '-');
		return;
	}
	dst = zw_rd_room(s, &room);
	zw_rd_commit(s, zw_hex_encode(b + 1, b[0], dst, room));
}

const struct zw_rd_kind_ops zw_rd_k_salt = { salt_parse, str_span,
					     salt_print };

static int hash_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "base32hex hash";
	const struct zw_tok *t = zw_rd_next(p, what);
	uint8_t tmp[255];
	int n;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	n = zw_b32hex_decode(t->s, t->len, tmp, sizeof(tmp));
	if (n <= 0)
		return zw_rd_fail(p, p->i - 1, what,
				  n == ZW_ENOSPC ? ZW_ERANGE : ZW_EBASE32);
	zw_rd_put8(w, (unsigned)n);
	zw_rd_put(w, tmp, (size_t)n);
	return 0;
}

static int hash_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	if (b < end && b[0] == 0)
		return ZW_EMALF;
	return str_span(b, end, flags);
}

static void hash_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	size_t room;
	char *dst = zw_rd_room(s, &room);

	(void)len;
	zw_rd_commit(s, zw_b32hex_encode(b + 1, b[0], dst, room));
}

const struct zw_rd_kind_ops zw_rd_k_hash = { hash_parse, hash_span,
					     hash_print };

/* ---- type bitmap ---- */

static int bitmap_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	struct zw_bitmap_set set;
	int n;

	if (p->i >= p->n && !(flags & ZW_RF_EMPTY))
		return zw_rd_fail(p, p->n, "RR type", ZW_ETRUNC);
	zw_bitmap_set_init(&set);
	for (; p->i < p->n; p->i++) {
		int v = zw_rrtype_from_str(p->t[p->i].s, p->t[p->i].len);

		if (v < 0)
			return zw_rd_fail(p, p->i, "RR type", v);
		zw_bitmap_set_add(&set, (uint16_t)v);
	}
	if (w->err)
		return 0; /* sticky: the caller reports it */
	n = zw_bitmap_set_emit(&set, w->p + w->len, w->max - w->len);
	if (n < 0)
		w->err = n;
	else
		w->len += (size_t)n;
	return 0;
}

static int bitmap_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	if (b == end)
		return flags & ZW_RF_EMPTY ? 0 : ZW_EMALF;
	if (zw_bitmap_check(b, end) < 0)
		return ZW_EMALF;
	return (int)(end - b);
}

static void bitmap_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	bool first = true;

	for (size_t i = 0; i + 2 <= len; i += 2u + b[i + 1]) {
		for (unsigned k = 0; k < b[i + 1] * 8u; k++) {
			size_t room;
			char *dst;

			if (!(b[i + 2 + k / 8] & (0x80 >> (k % 8))))
				continue;
			if (!first)
				zw_rd_putc(s, ' ');
			first = false;
			dst = zw_rd_room(s, &room);
			zw_rd_commit(s, zw_rrtype_to_str(
						(uint16_t)(b[i] << 8 | k), dst,
						room));
		}
	}
}

const struct zw_rd_kind_ops zw_rd_k_bitmap = { bitmap_parse, bitmap_span,
					       bitmap_print };

/* ---- CAA (RFC 8659): tag of letters and digits, value to the end ---- */

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int caatag_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "CAA tag (letters and digits)";
	const struct zw_tok *t = zw_rd_next(p, what);

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	if (t->quoted || t->len == 0 || t->len > 255)
		return zw_rd_fail(p, p->i - 1, what, ZW_ERDATA);
	for (uint32_t k = 0; k < t->len; k++)
		if (!is_alnum((uint8_t)t->s[k]))
			return zw_rd_fail(p, p->i - 1, what, ZW_ERDATA);
	zw_rd_put8(w, t->len);
	zw_rd_put(w, t->s, t->len);
	return 0;
}

static int caatag_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	int n = str_span(b, end, flags);

	if (n == 1)
		return ZW_EMALF;
	for (int k = 1; k < n; k++)
		if (!is_alnum(b[k]))
			return ZW_EMALF;
	return n;
}

static void caatag_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	zw_rd_puts(s, (const char *)b + 1, b[0]);
}

const struct zw_rd_kind_ops zw_rd_k_caatag = { caatag_parse, caatag_span,
					       caatag_print };

static int caaval_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "CAA value";
	const struct zw_tok *t = zw_rd_next(p, what);
	int n;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	if (w->err)
		return w->err;
	n = zw_rd_unescape(t->s, t->len, w->p + w->len, w->max - w->len);
	if (n == ZW_ERANGE)
		return w->err = ZW_ENOSPC;
	if (n < 0)
		return zw_rd_fail(p, p->i - 1, what, n);
	w->len += (size_t)n;
	return 0;
}

static void caaval_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	zw_rd_print_quoted(b, len, s);
}

const struct zw_rd_kind_ops zw_rd_k_caaval = { caaval_parse, to_end_span,
					       caaval_print };
