/* .key files: one DNSKEY (or KEY) record in master-file syntax plus BIND's
 * "; Created: ..." comments, text only (keyfile.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crypto/keytime.h"
#include "crypto/kf_int.h"
#include "dns/err.h"

#define MAXTOK 64
#define B64_CHUNK 56            /* dnssec-keygen's split of the key field */

struct tok {
	const char *s;
	size_t len;
	unsigned line;
};

struct lexer {
	const char *p, *end;
	unsigned line;
	int depth;                  /* open parentheses */
	struct zw_pubtext *pt;
	struct zw_kf_err *err;
};

/* "; Created: 20261129044640 (...)": remember the time when the tag is one
 * of ours; any other comment is ignored. */
static int comment_time(struct lexer *lx, const char *s, const char *e)
{
	const char *c;
	int64_t t;

	while (s < e && (*s == ';' || *s == ' ' || *s == '\t'))
		s++;
	c = memchr(s, ':', (size_t)(e - s));
	if (!c)
		return 0;
	for (int i = 0; zw_kf_key_order[i] >= 0; i++) {
		int w = zw_kf_key_order[i];
		const char *name = zw_kf_time_name(w);

		if (!zw_kf_eq(s, (size_t)(c - s), name))
			continue;
		for (c++; c < e && *c == ' '; c++)
			;
		if (e - c < 14 || zw_keytime_scan(c, 14, &t) != 0)
			return zw_kf_fail(lx->err, lx->line, name,
					  strlen(name), ZW_ESYNTAX);
		lx->pt->times[w] = t;
	}
	return 0;
}

static int skip_comment(struct lexer *lx)
{
	const char *s = lx->p, *e = memchr(s, '\n', (size_t)(lx->end - s));

	if (!e)
		e = lx->end;
	lx->p = e;
	return comment_time(lx, s, e);
}

static bool is_delim(char c)
{
	return c == 0 || strchr(" \t\r\n;()", c) != NULL;
}

/* Next token of the first record: 1 token, 0 end of record, <0 error. */
static int next_tok(struct lexer *lx, struct tok *t, size_t ntok)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '\n') {
			lx->line++;
			lx->p++;
			if (lx->depth == 0 && ntok > 0)
				return 0;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == ';') {
			int r = skip_comment(lx);

			if (r)
				return r;
		} else if (c == '(' || c == ')') {
			lx->depth += c == '(' ? 1 : -1;
			if (lx->depth < 0)
				return zw_kf_fail(lx->err, lx->line, "", 0,
						  ZW_ESYNTAX);
			lx->p++;
		} else if (c == 0) {
			return zw_kf_fail(lx->err, lx->line, "", 0,
					  ZW_ESYNTAX);
		} else {
			t->s = lx->p;
			t->line = lx->line;
			while (lx->p < lx->end && !is_delim(*lx->p))
				lx->p++;
			t->len = (size_t)(lx->p - t->s);
			return 1;
		}
	}
	return lx->depth ? zw_kf_fail(lx->err, lx->line, "", 0, ZW_ETRUNC) : 0;
}

/* Comments after the record still carry no data we need, but their times
 * must be read when they come first; scan the rest for them. */
static int rest_comments(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == ';') {
			int r = skip_comment(lx);

			if (r)
				return r;
		} else {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
	}
	return 0;
}

/* TTL: digits, or BIND units (1h30m, 2d). At most 2^31-1 (RFC 2181). */
static bool parse_ttl(const char *s, size_t len, uint32_t *ttl)
{
	uint64_t total = 0, v = 0;
	bool num = false;

	for (size_t i = 0; i < len; i++) {
		const char *u = strchr("smhdw", tolower((unsigned char)s[i]));
		static const uint64_t mult[] = { 1, 60, 3600, 86400, 604800 };

		if (isdigit((unsigned char)s[i])) {
			v = v * 10 + (uint64_t)(s[i] - '0');
			num = true;
		} else if (u && *u && num) {
			total += v * mult[u - "smhdw"];
			v = 0;
			num = false;
		} else {
			return false;
		}
		if (v > 0x7fffffff || total > 0x7fffffff)
			return false;
	}
	total += v;
	if (len == 0 || !isdigit((unsigned char)s[0]) || total > 0x7fffffff)
		return false;
	*ttl = (uint32_t)total;
	return true;
}

static bool parse_class(const char *s, size_t len, uint16_t *rclass)
{
	uint32_t v;

	if (zw_kf_caseeq(s, len, "IN"))
		*rclass = 1;
	else if (zw_kf_caseeq(s, len, "CH"))
		*rclass = 3;
	else if (zw_kf_caseeq(s, len, "HS"))
		*rclass = 4;
	else if (len > 5 && zw_kf_caseeq(s, 5, "CLASS") &&
		 zw_kf_u32(s + 5, len - 5, &v) && v <= 0xffff)
		*rclass = (uint16_t)v;
	else
		return false;
	return true;
}

static bool parse_type(const char *s, size_t len, uint16_t *rrtype)
{
	if (zw_kf_caseeq(s, len, "DNSKEY") || zw_kf_caseeq(s, len, "TYPE48"))
		*rrtype = 48;
	else if (zw_kf_caseeq(s, len, "KEY") ||
		 zw_kf_caseeq(s, len, "TYPE25"))
		*rrtype = 25;
	else
		return false;
	return true;
}

static int num_field(const struct tok *t, const char *field, uint32_t max,
		     unsigned *out, int code, struct zw_kf_err *err)
{
	uint32_t v;

	if (!zw_kf_u32(t->s, t->len, &v) || v > max)
		return zw_kf_fail(err, t->line, field, strlen(field), code);
	*out = v;
	return 0;
}

/* owner [ttl] [class] (either order) type: returns index of flags. */
static int record_head(const struct tok *t, size_t n, struct zw_pubtext *pt,
		       struct zw_kf_err *err)
{
	size_t i = 1;
	bool has_class = false;

	pt->owner.s = t[0].s;
	pt->owner.len = t[0].len;
	pt->line = t[0].line;
	for (; i < n && i < 3; i++) {
		if (!pt->has_ttl && parse_ttl(t[i].s, t[i].len, &pt->ttl))
			pt->has_ttl = true;
		else if (!has_class && parse_class(t[i].s, t[i].len,
						   &pt->rclass))
			has_class = true;
		else
			break;
	}
	if (i >= n)
		return zw_kf_fail(err, t[n - 1].line, "type", 4, ZW_ETRUNC);
	if (!parse_type(t[i].s, t[i].len, &pt->rrtype))
		return zw_kf_fail(err, t[i].line, "type", 4, ZW_ETYPE);
	return (int)i + 1;
}

static int record_rdata(const struct tok *t, size_t n, size_t i,
			struct zw_pubtext *pt, struct zw_kf_err *err)
{
	int r;

	static const char *const names[] = { "flags", "protocol",
					     "algorithm", "public key" };

	if (n < i + 4)
		return zw_kf_fail(err, t[n - 1].line, names[n - i],
				  strlen(names[n - i]), ZW_ETRUNC);
	if ((r = num_field(&t[i], "flags", 0xffff, &pt->flags, ZW_ERDATA,
			   err)) ||
	    (r = num_field(&t[i + 1], "protocol", 255, &pt->proto, ZW_ERDATA,
			   err)) ||
	    (r = num_field(&t[i + 2], "algorithm", 255, &pt->alg, ZW_EALG,
			   err)))
		return r;
	for (i += 3; i < n; i++) {
		if (pt->b64len + t[i].len >= sizeof(pt->b64))
			return zw_kf_fail(err, t[i].line, "public key", 10,
					  ZW_ERANGE);
		memcpy(pt->b64 + pt->b64len, t[i].s, t[i].len);
		pt->b64len += t[i].len;
	}
	pt->b64[pt->b64len] = 0;
	return 0;
}

int zw_pubtext_parse(const char *p, const char *end, struct zw_pubtext *pt,
		     struct zw_kf_err *err)
{
	struct lexer lx = { p, end, 1, 0, pt, err };
	struct tok t[MAXTOK];
	size_t n = 0;
	int r;

	memset(pt, 0, sizeof(*pt));
	pt->rclass = 1;
	while ((r = next_tok(&lx, &t[n], n)) == 1) {
		if (n == 0 && t[0].s[0] == '$')
			return zw_kf_fail(err, t[0].line, "", 0, ZW_ESYNTAX);
		if (++n == MAXTOK)
			return zw_kf_fail(err, lx.line, "public key", 10,
					  ZW_ERANGE);
	}
	if (r < 0)
		return r;
	if (n == 0)
		return zw_kf_fail(err, 0, "", 0, ZW_ETRUNC);
	if ((r = record_head(t, n, pt, err)) < 0)
		return r;
	if ((r = record_rdata(t, n, (size_t)r, pt, err)) != 0)
		return r;
	return rest_comments(&lx);
}

static void put_class_type(struct zw_kfbuf *b, const struct zw_pubtext *pt)
{
	static const char *const classes[] = { [1] = "IN", [3] = "CH",
					       [4] = "HS" };

	if (pt->rclass < 5 && classes[pt->rclass])
		zw_kfbuf_printf(b, " %s", classes[pt->rclass]);
	else
		zw_kfbuf_printf(b, " CLASS%u", pt->rclass);
	if (pt->rrtype == 48 || pt->rrtype == 25)
		zw_kfbuf_printf(b, " %s", pt->rrtype == 48 ? "DNSKEY" : "KEY");
	else
		zw_kfbuf_printf(b, " TYPE%u", pt->rrtype);
}

int zw_pubtext_format(const struct zw_pubtext *pt, uint16_t tag, char *buf,
		      size_t bufsize)
{
	struct zw_kfbuf b;
	char ts[ZW_KEYTIME_STR], ct[ZW_KEYTIME_CTIME];

	zw_kfbuf_init(&b, buf, bufsize);
	zw_kfbuf_printf(&b, "; This is a %s%s-signing key, keyid %u, for %.*s\n",
			pt->flags & ZW_DNSKEY_REVOKE ? "revoked " : "",
			pt->flags & ZW_DNSKEY_SEP ? "key" : "zone", tag,
			(int)pt->owner.len, pt->owner.s);
	for (int i = 0; zw_kf_key_order[i] >= 0; i++) {
		int w = zw_kf_key_order[i];

		if (!pt->times[w] || zw_keytime_fmt(pt->times[w], ts,
						    sizeof(ts)) < 0 ||
		    zw_keytime_ctime(pt->times[w], ct, sizeof(ct)) < 0)
			continue;
		zw_kfbuf_printf(&b, "; %s: %s (%s)\n", zw_kf_time_name(w), ts,
				ct);
	}
	zw_kfbuf_put(&b, pt->owner.s, pt->owner.len);
	if (pt->has_ttl)
		zw_kfbuf_printf(&b, " %u", pt->ttl);
	put_class_type(&b, pt);
	zw_kfbuf_printf(&b, " %u %u %u", pt->flags, pt->proto, pt->alg);
	for (size_t i = 0; i < pt->b64len; i += B64_CHUNK)
		zw_kfbuf_printf(&b, " %.*s",
				(int)(pt->b64len - i < B64_CHUNK ?
				      pt->b64len - i : B64_CHUNK),
				pt->b64 + i);
	zw_kfbuf_put(&b, "\n", 1);
	return zw_kfbuf_done(&b);
}
