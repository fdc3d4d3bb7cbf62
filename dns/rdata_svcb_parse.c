/* SvcParams presentation -> wire (RFC 9460 §2.1, Appendix A).
 *
 * A pair reaches us as one token `key=value`, `key="quoted value"` (the
 * quotes kept in the raw token) or `key=` followed by a quoted token,
 * depending on how the tokenizer split it; all three are accepted. The
 * value is decoded as a <character-string> first; keys written as keyNNNNN
 * take that octet string as their wire value (as BIND does) and the whole
 * rdata is validated afterwards. */
#include <arpa/inet.h>
#include <string.h>

#include "dns/base.h"
#include "dns/err.h"
#include "dns/rdata_impl.h"

#define MAX_PARAMS 512 /* bounds the cost of in-order insertion */

struct svc_val {
	const uint8_t *v;
	size_t len;
};

/* Next comma-separated item of [*pos, len); plain commas only. */
static bool next_item(const uint8_t *v, size_t len, size_t *pos,
		      struct svc_val *item)
{
	const uint8_t *c;

	if (*pos > len)
		return false;
	item->v = v + *pos;
	c = memchr(item->v, ',', len - *pos);
	item->len = c ? (size_t)(c - item->v) : len - *pos;
	*pos += item->len + 1;
	return true;
}

static int mandatory_value(const uint8_t *v, size_t len, struct zw_rd_w *w)
{
	uint8_t set[8192];
	struct svc_val it;
	size_t pos = 0;
	bool named;

	memset(set, 0, sizeof(set));
	while (next_item(v, len, &pos, &it)) {
		int k = zw_rd_svcp_key((const char *)it.v, it.len, &named);

		if (k < 0 || (set[k >> 3] & (0x80 >> (k & 7))))
			return ZW_ERDATA;
		set[k >> 3] |= (uint8_t)(0x80 >> (k & 7));
	}
	for (unsigned k = 0; k < 65536; k++)
		if (set[k >> 3] & (0x80 >> (k & 7)))
			zw_rd_put16(w, k);
	return 0;
}

/* alpn ids: "\," is a comma inside an id, "\X" is X. */
static int alpn_value(const uint8_t *v, size_t len, struct zw_rd_w *w)
{
	size_t i = 0;

	while (i <= len) {
		size_t at = w->len;
		unsigned n = 0;

		zw_rd_put8(w, 0);
		for (; i < len && v[i] != ','; i++, n++) {
			if (v[i] == '\\' && ++i == len)
				return ZW_EESCAPE;
			zw_rd_put8(w, v[i]);
		}
		if (n == 0 || n > 255)
			return ZW_ERDATA;
		if (!w->err)
			w->p[at] = (uint8_t)n;
		i++;
	}
	return 0;
}

static int addr_value(const uint8_t *v, size_t len, int af, struct zw_rd_w *w)
{
	char tmp[INET6_ADDRSTRLEN];
	struct svc_val it;
	size_t pos = 0;
	uint8_t a[16];

	while (next_item(v, len, &pos, &it)) {
		if (it.len >= sizeof(tmp))
			return ZW_ERDATA;
		memcpy(tmp, it.v, it.len);
		tmp[it.len] = '\0';
		if (inet_pton(af, tmp, a) != 1)
			return ZW_ERDATA;
		zw_rd_put(w, a, af == AF_INET ? 4 : 16);
	}
	return 0;
}

static int ech_value(const uint8_t *v, size_t len, struct zw_rd_w *w)
{
	int n;

	if (w->err)
		return w->err;
	n = zw_b64_decode((const char *)v, len, w->p + w->len,
			  w->max - w->len);
	if (n == ZW_ENOSPC)
		return w->err = ZW_ENOSPC;
	if (n < 0)
		return n;
	w->len += (size_t)n;
	return 0;
}

/* Wire value of a key given by name. */
static int named_value(int key, bool has, const uint8_t *v, size_t len,
		       struct zw_rd_w *w)
{
	uint32_t port;

	if (!has && key != ZW_SVC_NODEFALPN && key != ZW_SVC_ECH)
		return ZW_ERDATA; /* these need a value */
	switch (key) {
	case ZW_SVC_MANDATORY: return mandatory_value(v, len, w);
	case ZW_SVC_ALPN: return alpn_value(v, len, w);
	case ZW_SVC_NODEFALPN: return len ? ZW_ERDATA : 0;
	case ZW_SVC_PORT:
		if (zw_rd_number((const char *)v, len, 65535, &port) < 0)
			return ZW_ERDATA;
		zw_rd_put16(w, port);
		return 0;
	case ZW_SVC_IPV4: return addr_value(v, len, AF_INET, w);
	case ZW_SVC_IPV6: return addr_value(v, len, AF_INET6, w);
	case ZW_SVC_ECH: return ech_value(v, len, w);
	}
	zw_rd_put(w, v, len); /* dohpath: checked with the whole rdata */
	return 0;
}

static void reverse(uint8_t *a, uint8_t *b)
{
	while (a < --b) {
		uint8_t t = *a;

		*a++ = *b;
		*b = t;
	}
}

/* The pair just written at [at, w->len) moves in front of the first
 * existing pair with a larger key; an equal key is a duplicate. */
static int insert_in_order(struct zw_rd_w *w, size_t start, size_t at)
{
	unsigned key = zw_rd_get16(w->p + at);
	size_t q = start;

	while (q < at && zw_rd_get16(w->p + q) < key)
		q += 4u + zw_rd_get16(w->p + q + 2);
	if (q < at && zw_rd_get16(w->p + q) == key)
		return ZW_EDUP;
	reverse(w->p + q, w->p + at);
	reverse(w->p + at, w->p + w->len);
	reverse(w->p + q, w->p + w->len);
	return 0;
}

/* Split a token into key and raw value; a value may come quoted inside
 * the token or as the next (quoted) token. */
static void split_pair(struct zw_rd_p *p, const struct zw_tok *t,
		       size_t *klen, bool *has, const char **raw,
		       size_t *rawlen)
{
	const char *eq = memchr(t->s, '=', t->len);

	*has = eq != NULL;
	*klen = eq ? (size_t)(eq - t->s) : t->len;
	*raw = eq ? eq + 1 : t->s + t->len;
	*rawlen = eq ? t->len - *klen - 1 : 0;
	if (*has && *rawlen == 0 && p->i < p->n && p->t[p->i].quoted) {
		*raw = p->t[p->i].s;
		*rawlen = p->t[p->i++].len;
	} else if (*rawlen >= 2 && (*raw)[0] == '"' &&
		   (*raw)[*rawlen - 1] == '"') {
		++*raw;
		*rawlen -= 2;
	}
}

static int one_param(struct zw_rd_p *p, struct zw_rd_w *w, size_t start,
		     uint8_t *val)
{
	size_t ti = p->i, klen, rawlen, at = w->len;
	const struct zw_tok *t = &p->t[p->i++];
	const char *raw;
	bool has, named = false;
	int key, vlen, r;

	split_pair(p, t, &klen, &has, &raw, &rawlen);
	key = t->quoted ? ZW_ERDATA : zw_rd_svcp_key(t->s, klen, &named);
	if (key < 0)
		return zw_rd_fail(p, ti, "SvcParamKey", ZW_ERDATA);
	vlen = zw_rd_unescape(raw, rawlen, val, 65535);
	if (vlen < 0)
		return zw_rd_fail(p, ti, "SvcParamValue", vlen);
	zw_rd_put16(w, (unsigned)key);
	zw_rd_put16(w, 0);
	if (named)
		r = named_value(key, has, val, (size_t)vlen, w);
	else
		zw_rd_put(w, val, (size_t)vlen), r = 0;
	if (r < 0 || w->err)
		return w->err ? w->err : zw_rd_fail(p, ti, "SvcParamValue", r);
	w->p[at + 2] = (uint8_t)((w->len - at - 4) >> 8);
	w->p[at + 3] = (uint8_t)(w->len - at - 4);
	r = insert_in_order(w, start, at);
	return r < 0 ? zw_rd_fail(p, ti, "SvcParamKey not repeated", r) : 0;
}

int zw_rd_svcp_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	uint8_t val[65535];
	size_t start = w->len;
	int count = 0, r;

	(void)flags;
	while (p->i < p->n) {
		if (++count > MAX_PARAMS)
			return zw_rd_fail(p, p->i, "fewer SvcParams", ZW_ERANGE);
		r = one_param(p, w, start, val);
		if (r < 0)
			return r;
	}
	return 0;
}
