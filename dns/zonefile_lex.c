/* Master-file tokenizer: splits the text into records (one line, or several
 * joined by parentheses) of raw tokens. Escapes stay undecoded; each field
 * codec decodes the ones it allows. A backslash-escaped blank, paren,
 * semicolon or quote belongs to the unquoted token it is in.
 *
 * Tokens and blanks are found 16 bytes at a time (SSE2; a byte loop where
 * that is missing); comments are skipped with memchr. Scanning stops on the
 * NUL sentinel at the end of the buffered text (the buffer has slack after
 * it for the 16-byte loads); only then is the buffer compacted (the
 * record's tokens so far and the unscanned tail move to the front, comments
 * and blanks are dropped) and refilled. */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dns/err.h"
#include "dns/zonefile_int.h"

enum { C_TEXT = 0, C_STOP = 1, C_ESC = 2 };

/* Bytes that end an unquoted token; NUL is also the end-of-buffer mark. */
static const uint8_t word_class[256] = {
	[0] = C_STOP,    [' '] = C_STOP, ['\t'] = C_STOP, ['\r'] = C_STOP,
	['\n'] = C_STOP, [';'] = C_STOP, ['('] = C_STOP,  [')'] = C_STOP,
	['"'] = C_STOP,  ['\\'] = C_ESC,
};

/* Bytes that end (or break) a quoted token. */
static const uint8_t quote_class[256] = {
	[0] = C_STOP, ['"'] = C_STOP, ['\n'] = C_STOP, ['\\'] = C_ESC,
};

static inline int push_tok(struct zw_zonefile *zf, char *s, size_t len,
			   bool quoted, unsigned long line);

#ifdef __SSE2__
static inline __m128i veq(__m128i b, char c)
{
	return _mm_cmpeq_epi8(b, _mm_set1_epi8(c));
}

static inline unsigned mask(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(v);
}

/* Offset of the first byte of p[0..16) that may stop an unquoted token: a
 * control byte or blank, ; ( ) " or backslash; 16 when there is none. */
static inline unsigned word_stop16(const char *p)
{
	__m128i b = _mm_loadu_si128((const __m128i *)p);
	__m128i m = _mm_cmpeq_epi8(_mm_min_epu8(b, _mm_set1_epi8(0x20)), b);
	m = _mm_or_si128(_mm_or_si128(m, veq(b, ';')),
			 _mm_or_si128(veq(b, '('), veq(b, ')')));
	unsigned k = mask(_mm_or_si128(m, _mm_or_si128(veq(b, '"'),
						      veq(b, '\\'))));
	return k ? (unsigned)__builtin_ctz(k) : 16;
}

static inline unsigned quote_stop16(const char *p)
{
	__m128i b = _mm_loadu_si128((const __m128i *)p);
	unsigned k = mask(_mm_or_si128(_mm_or_si128(veq(b, '"'), veq(b, '\\')),
				       _mm_or_si128(veq(b, '\n'), veq(b, 0))));
	return k ? (unsigned)__builtin_ctz(k) : 16;
}

static inline char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Masks of up to 64 bytes from p, 16 at a time, stopping after the chunk
 * that holds a newline: blanks, newlines, and bytes the plain-line path
 * cannot take (other control bytes, ; ( ) " and backslash). */
struct blk {
	uint64_t blank, nl, special;
};

static inline void block64(const char *p, struct blk *k)
{
	const __m128i ctl_max = _mm_set1_epi8(0x1f);
	k->blank = k->nl = k->special = 0;
	for (int i = 0; i < 64; i += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i bl = _mm_or_si128(_mm_or_si128(veq(b, ' '), veq(b, '\t')),
					  veq(b, '\r'));
		__m128i nl = veq(b, '\n');
		__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(b, ctl_max), b);
		__m128i paren = _mm_cmpeq_epi8(_mm_and_si128(b, _mm_set1_epi8(~1)),
					       _mm_set1_epi8('('));
		__m128i sp = _mm_or_si128(_mm_or_si128(veq(b, ';'), veq(b, '"')),
					  _mm_or_si128(paren, veq(b, '\\')));
		sp = _mm_or_si128(sp, _mm_andnot_si128(_mm_or_si128(bl, nl), ctl));
		uint64_t n = mask(nl);
		k->blank |= (uint64_t)mask(bl) << i;
		k->special |= (uint64_t)mask(sp) << i;
		if (n) {
			k->nl = n << i;
			return;
		}
	}
}

/* A record that is one plain line (the common case): tokens found from
 * the block masks, a start and an end edge at a time. Returns 1 done, 0
 * when the general path must run. */
static int lex_plain_line(struct zw_zonefile *zf, struct zf_lex *lx)
{
	const char *p = lx->pos, *open = NULL;
	uint64_t carry = 1; /* the byte before the line counts as a blank */
	for (;; p += 64) {
		struct blk k;
		block64(p, &k);
		uint64_t line = k.nl ? (k.nl & -k.nl) - 1 : ~0ULL;
		if (k.special & line)
			return 0;
		uint64_t sep = k.blank | ~line;
		uint64_t prev = sep << 1 | carry;
		uint64_t starts = ~sep & prev, ends = sep & ~prev;
		carry = sep >> 63;
		if (open && ends) { /* a token from the previous block */
			const char *e = p + __builtin_ctzll(ends);
			ends &= ends - 1;
			if (push_tok(zf, (char *)open, (size_t)(e - open), false,
				     lx->line))
				return 0;
			open = NULL;
		}
		while (starts) {
			const char *b = p + __builtin_ctzll(starts);
			starts &= starts - 1;
			if (!ends) {
				open = b;
				break;
			}
			const char *e = p + __builtin_ctzll(ends);
			ends &= ends - 1;
			if (push_tok(zf, (char *)b, (size_t)(e - b), false,
				     lx->line))
				return 0;
		}
		if (k.nl) {
			lx->pos = (char *)p + __builtin_ctzll(k.nl) + 1;
			lx->line++;
			return 1;
		}
	}
}
#else
static inline unsigned word_stop16(const char *p)
{
	unsigned i = 0;
	while (i < 16 && word_class[(uint8_t)p[i]] == C_TEXT &&
	       (uint8_t)p[i] > 0x20)
		i++;
	return i;
}

static inline unsigned quote_stop16(const char *p)
{
	unsigned i = 0;
	while (i < 16 && quote_class[(uint8_t)p[i]] == C_TEXT)
		i++;
	return i;
}

static inline char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static int lex_plain_line(struct zw_zonefile *zf, struct zf_lex *lx)
{
	(void)zf;
	(void)lx;
	return 0;
}
#endif

/* End of the text that starts at q: the first byte of class C_STOP in cls
 * (escaped bytes skipped). An escape never takes a newline with it:
 * "\<newline>" leaves the backslash trailing, which the codecs reject. */
static inline char *scan_text(char *q, const char *end, const uint8_t *cls,
			      bool quoted)
{
	for (;;) {
		unsigned k = quoted ? quote_stop16(q) : word_stop16(q);
		q += k;
		if (k == 16)
			continue;
		uint8_t c = (uint8_t)*q;
		if (cls[c] == C_TEXT) { /* a control byte inside a token */
			q++;
			continue;
		}
		if (c != '\\')
			return q;
		if (q + 1 >= end)
			return (char *)end;
		if (q[1] == '\n')
			return q + 1;
		q += 2;
	}
}

/* Keep the tokens found so far and the unscanned tail [pos, end), then read
 * more text after them. Comments and blanks already passed are dropped, so a
 * record's size limit counts token text only. */
static int refill(struct zw_zonefile *zf, struct zf_lex *lx)
{
	char *dst = lx->buf;
	for (size_t i = 0; i < zf->ntoks; i++) {
		struct zw_tok *t = &zf->toks[i];
		if (dst != t->s)
			memmove(dst, t->s, t->len);
		t->s = dst;
		dst += t->len;
	}
	size_t tail = (size_t)(lx->end - lx->pos);
	if (dst != lx->pos)
		memmove(dst, lx->pos, tail);
	lx->pos = dst;
	lx->end = dst + tail;
	size_t room = (size_t)(lx->buf + lx->cap - lx->end);
	if (room == 0)
		return zf_fail(zf, ZW_ESYNTAX, lx->line,
			       "record too long (over %u bytes of text)",
			       (unsigned)lx->cap);
	if (room > ZF_READSIZE)
		room = ZF_READSIZE;
	long n = zf->io.read(zf->io.ctx, lx->handle, lx->end, room);
	if (n < 0)
		return zf_fail(zf, (int)n, lx->line, "read error: %s",
			       zw_strerror((int)n));
	if (n == 0) {
		lx->eof = true;
	} else {
		lx->any = true;
		lx->end += n;
		lx->lastc = lx->end[-1];
	}
	*lx->end = '\0';
	return 0;
}

static int grow_toks(struct zw_zonefile *zf, unsigned long line)
{
	size_t cap = zf->tokcap * 2;
	if (cap > ZF_MAXTOKS)
		return zf_fail(zf, ZW_ESYNTAX, line,
			       "too many fields in one record");
	struct zw_tok *t = realloc(zf->toks, cap * sizeof *t);
	if (!t)
		return zf_fail(zf, ZW_ENOMEM, line, "out of memory");
	zf->toks = t;
	zf->tokcap = cap;
	return 0;
}

static inline int push_tok(struct zw_zonefile *zf, char *s, size_t len,
			   bool quoted, unsigned long line)
{
	if (__builtin_expect(zf->ntoks == zf->tokcap, 0)) {
		int r = grow_toks(zf, line);
		if (r < 0)
			return r;
	}
	zf->toks[zf->ntoks++] = (struct zw_tok){s, (uint32_t)len, quoted};
	return 0;
}

/* A newline inside parentheses: tokens from here on are on `line`. */
static int new_line(struct zw_zonefile *zf, unsigned long line)
{
	if (zf->nlines == ZF_MAXLINES) /* messages then name an earlier line */
		return 0;
	zf->lines[zf->nlines].tok = zf->ntoks;
	zf->lines[zf->nlines++].line = line;
	return 0;
}

unsigned long zf_tokline(const struct zw_zonefile *zf, size_t i)
{
	unsigned long line = zf->recline;
	for (size_t k = 0; k < zf->nlines && zf->lines[k].tok <= i; k++)
		line = zf->lines[k].line;
	return line;
}

static int nul_error(struct zw_zonefile *zf, struct zf_lex *lx)
{
	return zf_fail(zf, ZW_ESYNTAX, lx->line, "NUL byte in the text");
}

/* Skip a comment from p; returns where its newline is (or the end of the
 * text) in *pp, refilling as needed. */
static int skip_comment(struct zw_zonefile *zf, struct zf_lex *lx, char **pp)
{
	for (;;) {
		char *q = memchr(*pp, '\n', (size_t)(lx->end - *pp));
		if (q || lx->eof) {
			*pp = q ? q : lx->end;
			return 0;
		}
		lx->pos = lx->end;
		int r = refill(zf, lx);
		if (r < 0)
			return r;
		*pp = lx->pos;
	}
}

/* Skip blank lines and comment lines up to the first byte of a record;
 * note whether its line starts with blanks (owner omitted). */
static int find_start(struct zw_zonefile *zf, struct zf_lex *lx)
{
	bool blank = false;
	char *p = lx->pos;
	for (;;) {
		char *q = skip_blanks(p);
		blank |= q != p;
		p = q;
		if (*p == '\n') {
			lx->line++;
			p++;
			blank = false;
		} else if (*p == ';') {
			int r = skip_comment(zf, lx, &p);
			if (r < 0)
				return r;
		} else if (*p != '\0' || p < lx->end) {
			lx->pos = p;
			zf->initial_ws = blank;
			return 1;
		} else if (lx->eof) {
			lx->pos = p;
			return 0;
		} else {
			lx->pos = p;
			int r = refill(zf, lx);
			if (r < 0)
				return r;
			p = lx->pos;
		}
	}
}

/* A token at p: returns its end, NULL when more text is needed first, or
 * sets *err. */
static char *lex_token(struct zw_zonefile *zf, struct zf_lex *lx, char *p,
		       int *err)
{
	bool quoted = *p == '"';
	char *s = p + quoted;
	char *q = scan_text(s, lx->end, quoted ? quote_class : word_class,
			    quoted);
	if (q == lx->end) {
		if (!lx->eof)
			return NULL;
		if (quoted) {
			*err = zf_fail(zf, ZW_ESYNTAX, lx->line,
				       "unterminated quoted string at end "
				       "of file");
			return NULL;
		}
	} else if (*q == '\0') {
		*err = nul_error(zf, lx);
		return NULL;
	} else if (quoted && *q == '\n') {
		*err = zf_fail(zf, ZW_ESYNTAX, lx->line,
			       "unterminated quoted string (end of line "
			       "before the closing '\"')");
		return NULL;
	}
	*err = push_tok(zf, s, (size_t)(q - s), quoted, lx->line);
	return *err ? NULL : q + quoted;
}

static int paren_error(struct zw_zonefile *zf, struct zf_lex *lx, bool open)
{
	if (open) /* name the line of the '(' left open */
		return zf_fail(zf, ZW_ESYNTAX, zf->paren_line,
			       "unbalanced parentheses: '(' not closed "
			       "before the end of the file");
	return zf_fail(zf, ZW_ESYNTAX, lx->line,
		       "unbalanced parentheses: ')' without '('");
}

/* Special bytes inside a record. Returns 1 at the end of the record, 0 to
 * go on (with *pp moved), or an error. */
static int lex_special(struct zw_zonefile *zf, struct zf_lex *lx, char **pp,
		       int *paren)
{
	char *p = *pp;
	switch (*p) {
	case '\n':
		lx->line++;
		*pp = p + 1;
		if (*paren == 0)
			return 1;
		return new_line(zf, lx->line);
	case ';':
		return skip_comment(zf, lx, pp);
	case '(':
		if (++*paren == 1)
			zf->paren_line = lx->line;
		*pp = p + 1;
		return 0;
	case ')':
		if (*paren == 0)
			return paren_error(zf, lx, false);
		--*paren;
		*pp = p + 1;
		return 0;
	default: /* '\0' */
		if (p < lx->end)
			return nul_error(zf, lx);
		if (lx->eof)
			return *paren ? paren_error(zf, lx, true) : 1;
		lx->pos = p;
		int r = refill(zf, lx);
		*pp = lx->pos;
		return r;
	}
}

static int lex_tokens(struct zw_zonefile *zf, struct zf_lex *lx)
{
	int paren = 0, err = 0;
	zf->recline = lx->line;
	zf->nlines = 0;
	if (lex_plain_line(zf, lx))
		return 1;
	zf->ntoks = 0;
	char *p = lx->pos;
	for (;;) {
		p = skip_blanks(p);
		uint8_t c = (uint8_t)*p;
		if (word_class[c] != C_STOP || c == '"') {
			char *q = lex_token(zf, lx, p, &err);
			if (q) {
				p = q;
				continue;
			}
			if (err)
				return err;
			lx->pos = p; /* token runs into the end: read more */
			if ((err = refill(zf, lx)) < 0)
				return err;
			p = lx->pos;
			continue;
		}
		int r = lex_special(zf, lx, &p, &paren);
		if (r != 0) {
			lx->pos = p;
			return r;
		}
	}
}

int zf_lex_record(struct zw_zonefile *zf, struct zf_lex *lx)
{
	zf->ntoks = 0;
	int r = find_start(zf, lx);
	if (r <= 0)
		return r;
	return lex_tokens(zf, lx);
}
