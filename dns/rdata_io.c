/* Shared helpers of the rdata codecs: wire and text writers with sticky
 * errors, the token reader, numbers, <character-string> escapes and the
 * hex forms BIND prints. */
#include <stdio.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata_impl.h"

void zw_rd_put(struct zw_rd_w *w, const void *src, size_t n)
{
	if (w->err)
		return;
	if (n > w->max - w->len) {
		w->err = ZW_ENOSPC;
		return;
	}
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

void zw_rd_put8(struct zw_rd_w *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	zw_rd_put(w, &b, 1);
}

void zw_rd_put16(struct zw_rd_w *w, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	zw_rd_put(w, b, 2);
}

void zw_rd_put32(struct zw_rd_w *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	zw_rd_put(w, b, 4);
}

void zw_rd_puts(struct zw_rd_s *s, const char *str, size_t n)
{
	if (s->err)
		return;
	if (s->max == 0 || n > s->max - 1 - s->len) {
		s->err = ZW_ENOSPC;
		return;
	}
	memcpy(s->p + s->len, str, n);
	s->len += n;
	s->p[s->len] = '\0';
}

void zw_rd_putc(struct zw_rd_s *s, char c)
{
	zw_rd_puts(s, &c, 1);
}

void zw_rd_putu(struct zw_rd_s *s, unsigned long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lu", v);

	zw_rd_puts(s, tmp, (size_t)n);
}

char *zw_rd_room(struct zw_rd_s *s, size_t *room)
{
	*room = s->err || s->max == 0 ? 0 : s->max - s->len;
	return s->p + s->len;
}

void zw_rd_commit(struct zw_rd_s *s, int n)
{
	if (s->err)
		return;
	if (n < 0) {
		s->err = ZW_ENOSPC;
		if (s->max)
			s->p[s->len] = '\0';
		return;
	}
	s->len += (size_t)n;
}

int zw_rd_fail(struct zw_rd_p *p, size_t i, const char *expected, int err)
{
	p->errtok = i;
	p->expected = expected;
	return err;
}

const struct zw_tok *zw_rd_next(struct zw_rd_p *p, const char *expected)
{
	if (p->i >= p->n) {
		zw_rd_fail(p, p->n, expected, ZW_ETRUNC);
		return NULL;
	}
	return &p->t[p->i++];
}

int zw_rd_number(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;

	if (len == 0)
		return ZW_ERDATA;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ZW_ERDATA;
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > UINT32_MAX)
			return ZW_ERANGE;
	}
	if (n > max)
		return ZW_ERANGE;
	*v = (uint32_t)n;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One escape at s[*i] (the backslash): \DDD or \X. */
static int unescape_one(const char *s, size_t len, size_t *i, uint8_t *o)
{
	size_t k = *i + 1;

	if (k >= len)
		return ZW_EESCAPE;
	if (!is_digit(s[k])) {
		*o = (uint8_t)s[k];
		*i = k + 1;
		return 0;
	}
	if (k + 2 >= len || !is_digit(s[k + 1]) || !is_digit(s[k + 2]))
		return ZW_EESCAPE;
	int v = (s[k] - '0') * 100 + (s[k + 1] - '0') * 10 + (s[k + 2] - '0');
	if (v > 255)
		return ZW_EESCAPE;
	*o = (uint8_t)v;
	*i = k + 3;
	return 0;
}

int zw_rd_unescape(const char *s, size_t len, uint8_t *out, size_t outmax)
{
	size_t n = 0, i = 0;

	while (i < len) {
		uint8_t c = (uint8_t)s[i];

		if (c == '\\') {
			int r = unescape_one(s, len, &i, &c);

			if (r < 0)
				return r;
		} else {
			i++;
		}
		if (n >= outmax)
			return ZW_ERANGE;
		out[n++] = c;
	}
	return (int)n;
}

void zw_rd_print_quoted(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	char tmp[8];

	zw_rd_putc(s, '"');
	for (size_t i = 0; i < len; i++) {
		if (b[i] < 0x20 || b[i] >= 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\%03u", b[i]);
			zw_rd_puts(s, tmp, 4);
			continue;
		}
		if (b[i] == '"' || b[i] == '\\')
			zw_rd_putc(s, '\\');
		zw_rd_putc(s, (char)b[i]);
	}
	zw_rd_putc(s, '"');
}

void zw_rd_print_hex(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		if (i && i % 28 == 0)
			zw_rd_putc(s, ' ');
		zw_rd_putc(s, hex[b[i] >> 4]);
		zw_rd_putc(s, hex[b[i] & 15]);
	}
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits may be split across tokens anywhere, as BIND allows. */
int zw_rd_parse_hex_tokens(struct zw_rd_p *p, struct zw_rd_w *w,
			   bool may_be_empty)
{
	int hi = -1;

	if (p->i >= p->n && !may_be_empty)
		return zw_rd_fail(p, p->n, "hex data", ZW_ETRUNC);
	for (; p->i < p->n; p->i++) {
		const struct zw_tok *t = &p->t[p->i];

		for (uint32_t k = 0; k < t->len; k++) {
			int v = hex_val(t->s[k]);

			if (v < 0)
				return zw_rd_fail(p, p->i, "hex data", ZW_EHEX);
			if (hi < 0) {
				hi = v;
				continue;
			}
			zw_rd_put8(w, (unsigned)(hi << 4 | v));
			hi = -1;
		}
	}
	if (hi >= 0)
		return zw_rd_fail(p, p->n - 1, "even number of hex digits",
				  ZW_EHEX);
	return w->err;
}
