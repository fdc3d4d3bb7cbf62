/* $GENERATE range owner [TTL] [class] type rdata, as BIND reads it.
 *
 * range is start-stop[/step] (0 <= start <= stop < 2^31, step >= 1). In the
 * owner and rdata templates "$" is the iterator, "${offset[,width[,base]]}"
 * adds offset and pads to width in base d, o, x, X, or n / N (nibbles in
 * reverse order separated by dots, as for ip6.arpa), "$$" is a literal "$"
 * and "\$" stays an escaped "$". The rdata template is one token; after
 * substitution it is tokenized again (so "10 mail$" gives two fields).
 * Records are produced one per call, so a large range costs no memory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/zonefile_int.h"

#define MAXRANGE 0x7fffffffLL

void zf_gen_stop(struct zw_zonefile *zf)
{
	free(zf->gen.lhs);
	free(zf->gen.rhs);
	free(zf->gen.text);
	memset(&zf->gen, 0, sizeof zf->gen);
}

/* Unsigned decimal of at most 10 digits from s[*i]. */
static int parse_num(const char *s, size_t len, size_t *i, int64_t *v)
{
	size_t start = *i;
	int64_t n = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && *i - start < 11)
		n = n * 10 + (s[(*i)++] - '0');
	if (*i == start || *i - start > 10)
		return -1;
	*v = n;
	return 0;
}

static int parse_range(const struct zw_tok *t, struct zf_gen *g)
{
	size_t i = 0;
	int64_t step = 1;
	if (parse_num(t->s, t->len, &i, &g->cur) || i >= t->len ||
	    t->s[i++] != '-' || parse_num(t->s, t->len, &i, &g->stop))
		return -1;
	if (i < t->len &&
	    (t->s[i++] != '/' || parse_num(t->s, t->len, &i, &step)))
		return -1;
	if (i != t->len || g->cur > g->stop || g->stop > MAXRANGE || step < 1 ||
	    step > MAXRANGE)
		return -1;
	g->step = step;
	return 0;
}

static char *dup_tok(const struct zw_tok *t, size_t *len)
{
	char *s = malloc(t->len + 1);
	if (s) {
		memcpy(s, t->s, t->len);
		s[t->len] = '\0';
		*len = t->len;
	}
	return s;
}

int zf_gen_start(struct zw_zonefile *zf)
{
	struct zf_gen *g = &zf->gen;
	char b[80];
	size_t i = 3;
	if (zf->ntoks < 5)
		return zf_fail(zf, ZW_EGENERATE, zf->recline,
			       "$GENERATE: expected 'range owner [TTL] "
			       "[class] type rdata'");
	if (parse_range(&zf->toks[1], g))
		return zf_fail(zf, ZW_EGENERATE, zf->recline,
			       "$GENERATE: invalid range '%s' (expected "
			       "start-stop[/step], 0 <= start <= stop < 2^31)",
			       zf_tokstr(&zf->toks[1], b, sizeof b));
	int r = zf_head(zf, &i, &g->type, &g->have_ttl, &g->ttl);
	if (r < 0)
		return r;
	if (i >= zf->ntoks)
		return zf_fail(zf, ZW_EGENERATE, zf->recline,
			       "$GENERATE: expected rdata after the type");
	if (i + 1 < zf->ntoks)
		return zf_fail(zf, ZW_EGENERATE, zf_tokline(zf, i + 1),
			       "$GENERATE: extra text '%s' (quote rdata "
			       "with several fields)",
			       zf_tokstr(&zf->toks[i + 1], b, sizeof b));
	g->lhs = dup_tok(&zf->toks[2], &g->lhslen);
	g->rhs = dup_tok(&zf->toks[i], &g->rhslen);
	g->text = calloc(1, ZF_GENMAX + 1 + ZF_SLACK);
	if (!g->lhs || !g->rhs || !g->text) {
		zf_gen_stop(zf);
		return zf_fail(zf, ZW_ENOMEM, zf->recline, "out of memory");
	}
	g->line = zf->recline;
	g->active = true;
	return 0;
}

struct out {
	char *p;
	size_t n, max;
};

static int put(struct out *o, char c)
{
	if (o->n >= o->max)
		return -1;
	o->p[o->n++] = c;
	return 0;
}

/* Nibbles, least significant first, dot-separated; width counts output
 * characters, dots included (so a width can end the text with a dot). */
static int put_nibbles(struct out *o, uint32_t v, uint64_t w, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (;;) {
		if (put(o, digits[v & 15]))
			return -1;
		v >>= 4;
		w -= w > 0;
		if (!v && !w)
			return 0;
		if (put(o, '.'))
			return -1;
		w -= w > 0;
		if (!v && !w)
			return 0;
	}
}

static int put_number(struct out *o, int64_t v, uint64_t width, char base)
{
	char tmp[32];
	int n;
	if (base == 'n' || base == 'N')
		return put_nibbles(o, (uint32_t)v, width, base == 'N');
	if (base == 'd')
		n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
	else
		n = snprintf(tmp, sizeof tmp, base == 'o' ? "%" PRIo32
					      : base == 'x' ? "%" PRIx32
							    : "%" PRIX32,
			     (uint32_t)v);
	size_t digits = (size_t)n, neg = tmp[0] == '-';
	for (uint64_t k = digits; k < width; k++) /* zero padding */
		if (put(o, '0'))
			return -1;
	if (neg && width > digits) { /* keep the sign before the zeros */
		o->p[o->n - (width - digits)] = '-';
		tmp[0] = '0';
	}
	for (size_t k = 0; k < digits; k++)
		if (put(o, tmp[k]))
			return -1;
	return 0;
}

/* "{offset[,width[,base]]}" at s[*i] (just after the "$"). */
static int parse_mod(const char *s, size_t len, size_t *i, int64_t *off,
		     int64_t *width, char *base)
{
	bool neg = false;
	++*i;
	if (*i < len && (s[*i] == '+' || s[*i] == '-'))
		neg = s[(*i)++] == '-';
	if (parse_num(s, len, i, off))
		return -1;
	if (neg)
		*off = -*off;
	if (*i < len && s[*i] == ',') {
		++*i;
		if (parse_num(s, len, i, width))
			return -1;
		if (*i < len && s[*i] == ',') {
			++*i;
			if (*i >= len || !s[*i] || !strchr("doxXnN", s[*i]))
				return -1;
			*base = s[(*i)++];
		}
	}
	if (*i >= len || s[*i] != '}')
		return -1;
	++*i;
	return 0;
}

/* Substitute the iterator into a template. Returns the length, -1 on a bad
 * modifier, -2 when out of space. */
static int subst(const char *s, size_t len, int64_t v, char *buf, size_t max)
{
	struct out o = {buf, 0, max};
	for (size_t i = 0; i < len;) {
		if (s[i] == '\\') {
			if (put(&o, s[i++]) || (i < len && put(&o, s[i++])))
				return -2;
			continue;
		}
		if (s[i] != '$') {
			if (put(&o, s[i++]))
				return -2;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '$') {
			if (put(&o, '$'))
				return -2;
			i += 2;
			continue;
		}
		int64_t off = 0, width = 0;
		char base = 'd';
		i++;
		if (i < len && s[i] == '{' &&
		    parse_mod(s, len, &i, &off, &width, &base))
			return -1;
		if (put_number(&o, v + off, (uint64_t)width, base))
			return -2;
	}
	return (int)o.n;
}

static int subst_error(struct zw_zonefile *zf, int r)
{
	return zf_fail(zf, ZW_EGENERATE, zf->gen.line,
		       r == -1 ? "$GENERATE: bad ${offset,width,base} "
				 "modifier (base is one of d o x X n N)"
			       : "$GENERATE: substituted text too long");
}

/* Produce the next record: 1, 0 when the range is done, or an error. */
int zf_gen_next(struct zw_zonefile *zf, struct zw_rec *rec)
{
	struct zf_gen *g = &zf->gen;
	struct zf_level *lv = zf_cur(zf);
	if (g->cur > g->stop) {
		zf_gen_stop(zf);
		return 0;
	}
	int64_t v = g->cur;
	g->cur += g->step;
	zf->recline = g->line;
	int n = subst(g->lhs, g->lhslen, v, g->text, ZF_GENMAX);
	if (n < 0)
		return subst_error(zf, n);
	int r = zw_name_from_str(g->owner, g->text, (size_t)n,
				 lv->has_origin ? lv->origin : NULL);
	if (r < 0)
		return zf_fail(zf, r, g->line, "$GENERATE: bad owner name "
			       "'%.200s': %s", g->text, zw_strerror(r));
	n = subst(g->rhs, g->rhslen, v, g->text, ZF_GENMAX);
	if (n < 0)
		return subst_error(zf, n);
	struct zf_lex lx = {.buf = g->text, .cap = (size_t)n,
			    .pos = g->text, .end = g->text + n,
			    .eof = true, .line = g->line};
	g->text[n] = '\0';
	r = zf_lex_record(zf, &lx);
	if (r < 0)
		return r;
	zf->run_is_prev = false; /* the run's owner is not lv->prev now */
	return zf_finish_rec(zf, g->owner, false, 0, g->type, g->have_ttl,
			     g->ttl, rec);
}
