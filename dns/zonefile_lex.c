/* Master-file tokenizer: splits the text into records (one line, or several
 * joined by parentheses) of raw tokens. Escapes stay undecoded; each field
 * codec decodes the ones it allows. A backslash-escaped blank, paren,
 * semicolon or quote belongs to the unquoted token it is in.
 *
 * Scanning runs over the buffer with table lookups and memchr and stops on
 * the NUL sentinel at the end of the buffered text; only then is the buffer
 * compacted (the record's tokens so far and the unscanned tail move to the
 * front, comments and blanks are dropped) and refilled. */
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/zonefile_int.h"

enum { C_TEXT = 0, C_STOP = 1, C_ESC = 2 };
enum { NEED_MORE = 1 };

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

static inline char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
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

static int push_tok(struct zw_zonefile *zf, char *s, size_t len, bool quoted,
		    unsigned long line)
{
	if (zf->ntoks == zf->tokcap) {
		size_t cap = zf->tokcap * 2;
		if (cap > ZF_MAXTOKS)
			return zf_fail(zf, ZW_ESYNTAX, line,
				       "too many fields in one record");
		struct zw_tok *t = realloc(zf->toks, cap * sizeof *t);
		if (!t)
			return zf_fail(zf, ZW_ENOMEM, line, "out of memory");
		zf->toks = t;
		unsigned long *l = realloc(zf->tokline, cap * sizeof *l);
		if (!l)
			return zf_fail(zf, ZW_ENOMEM, line, "out of memory");
		zf->tokline = l;
		zf->tokcap = cap;
	}
	zf->toks[zf->ntoks] = (struct zw_tok){s, (uint32_t)len, quoted};
	zf->tokline[zf->ntoks++] = line;
	return 0;
}

/* An escape never takes a newline with it: "\<newline>" leaves the
 * backslash trailing, which the field codecs reject. */
static char *scan_text(char *q, const char *end, const uint8_t *cls)
{
	for (;;) {
		while (cls[(uint8_t)*q] == C_TEXT)
			q++;
		if (*q != '\\')
			return q;
		if (q + 1 >= end)
			return (char *)end;
		if (q[1] == '\n')
			return q + 1;
		q += 2;
	}
}

static int nul_error(struct zw_zonefile *zf, struct zf_lex *lx)
{
	return zf_fail(zf, ZW_ESYNTAX, lx->line, "NUL byte in the text");
}

static int lex_word(struct zw_zonefile *zf, struct zf_lex *lx)
{
	char *p = lx->pos;
	char *q = scan_text(p, lx->end, word_class);
	if (q == lx->end && !lx->eof)
		return NEED_MORE;
	if (*q == '\0' && q < lx->end)
		return nul_error(zf, lx);
	lx->pos = q;
	return push_tok(zf, p, (size_t)(q - p), false, lx->line);
}

static int lex_quoted(struct zw_zonefile *zf, struct zf_lex *lx)
{
	char *p = lx->pos + 1;
	char *q = scan_text(p, lx->end, quote_class);
	if (q == lx->end) {
		if (!lx->eof)
			return NEED_MORE;
		return zf_fail(zf, ZW_ESYNTAX, lx->line,
			       "unterminated quoted string at end of file");
	}
	if (*q == '\n')
		return zf_fail(zf, ZW_ESYNTAX, lx->line,
			       "unterminated quoted string (end of line "
			       "before the closing '\"')");
	if (*q == '\0')
		return nul_error(zf, lx);
	lx->pos = q + 1;
	return push_tok(zf, p, (size_t)(q - p), true, lx->line);
}

/* Skip blank lines and comment lines up to the first byte of a record;
 * note whether its line starts with blanks (owner omitted). */
static int find_start(struct zw_zonefile *zf, struct zf_lex *lx)
{
	bool blank = false, comment = false;
	for (;;) {
		char *p = lx->pos;
		if (comment) {
			char *q = memchr(p, '\n', (size_t)(lx->end - p));
			lx->pos = q ? q : lx->end;
			comment = (q == NULL);
		} else if (p < lx->end) {
			if (*p == '\n') {
				lx->line++;
				lx->pos = p + 1;
				blank = false;
				continue;
			}
			if (*p == ';') {
				comment = true;
				continue;
			}
			if (*p != ' ' && *p != '\t' && *p != '\r') {
				zf->initial_ws = blank;
				return 1;
			}
			lx->pos = skip_blanks(p);
			blank = true;
		}
		if (lx->pos == lx->end) {
			if (lx->eof)
				return 0;
			int r = refill(zf, lx);
			if (r < 0)
				return r;
		}
	}
}

/* One lexical step inside a record at lx->pos (not a blank): 0 done,
 * 2 end of record, NEED_MORE, or an error. */
static int lex_step(struct zw_zonefile *zf, struct zf_lex *lx, int *paren,
		    bool *comment)
{
	char *p = lx->pos;
	switch (*p) {
	case '\n':
		lx->line++;
		lx->pos = p + 1;
		return *paren ? 0 : 2;
	case ';':
		*comment = true;
		return 0;
	case '(':
		++*paren;
		lx->pos = p + 1;
		return 0;
	case ')':
		if (*paren == 0)
			return zf_fail(zf, ZW_ESYNTAX, lx->line,
				       "unbalanced parentheses: ')' "
				       "without '('");
		--*paren;
		lx->pos = p + 1;
		return 0;
	case '"':
		return lex_quoted(zf, lx);
	default:
		return lex_word(zf, lx);
	}
}

static int lex_tokens(struct zw_zonefile *zf, struct zf_lex *lx)
{
	int paren = 0;
	bool comment = false;
	zf->recline = lx->line;
	for (;;) {
		int r = 0;
		if (comment) {
			char *q = memchr(lx->pos, '\n',
					 (size_t)(lx->end - lx->pos));
			lx->pos = q ? q : lx->end;
			comment = (q == NULL);
		} else {
			lx->pos = skip_blanks(lx->pos);
			if (lx->pos < lx->end) {
				r = lex_step(zf, lx, &paren, &comment);
				if (r < 0 || r == 2)
					return r < 0 ? r : 1;
			}
		}
		if (lx->pos < lx->end && r != NEED_MORE)
			continue;
		if (lx->eof) {
			if (paren)
				return zf_fail(zf, ZW_ESYNTAX, lx->line,
					       "unbalanced parentheses: end "
					       "of file inside '('");
			return 1;
		}
		r = refill(zf, lx);
		if (r < 0)
			return r;
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
