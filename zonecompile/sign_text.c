/* Records as text, one per line, fully qualified:
 *   owner<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata
 * into a worker's growing buffer (never freed between nodes, so the steady
 * state allocates nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "zonecompile/sign_int.h"

#define LINE_FIXED 48           /* TTL, class, type, tabs, newline */

int sign_text_reserve(struct sign_worker *w, size_t need)
{
	size_t cap = w->cap ? w->cap : 1 << 16;
	char *p;

	if (w->len + need <= w->cap)
		return 0;
	while (cap < w->len + need)
		cap *= 2;
	if (!(p = realloc(w->out, cap)))
		return sign_worker_fail(w, ZW_ENOMEM, "out of memory");
	w->out = p;
	w->cap = cap;
	return 0;
}

int sign_text_owner(struct sign_worker *w, const uint8_t *name)
{
	int n = sign_fmt_name(name, w->owner, sizeof w->owner);

	if (n < 0)
		return sign_worker_fail(w, n, "owner name: %s", zw_strerror(n));
	w->ownerlen = (size_t)n;
	return 0;
}

/* "owner\tttl\tIN\tTYPE\t" at p; returns the length. */
static size_t put_head(const char *owner, size_t olen, uint32_t ttl,
		       uint16_t type, char *p)
{
	size_t n = olen;
	int t;

	memcpy(p, owner, olen);
	p[n++] = '\t';
	n += sign_fmt_u32(p + n, ttl);
	memcpy(p + n, "\tIN\t", 4);
	n += 4;
	t = sign_fmt_type(type, p + n);
	n += (size_t)t;
	p[n++] = '\t';
	return n;
}

static int rdata_str(uint16_t type, const uint8_t *rd, size_t len,
		     char *out, size_t max)
{
	int n = ZW_EMALF;

	if (type == ZW_TYPE_RRSIG)
		n = sign_fmt_rrsig(rd, len, out, max);
	else if (type == ZW_TYPE_NSEC)
		n = sign_fmt_nsec(rd, len, out, max);
	else
		n = sign_fmt_rdata(type, rd, len, out, max);
	return n == ZW_EMALF ? zw_rdata_to_str(type, rd, len, out, max) : n;
}

int sign_text_rr(struct sign_worker *w, uint32_t ttl, uint16_t type,
		 const uint8_t *rd, size_t len)
{
	size_t guess = w->ownerlen + LINE_FIXED + 2 * len + 64;

	for (;;) {
		size_t head;
		int n;

		if (sign_text_reserve(w, guess) < 0)
			return w->err;
		head = put_head(w->owner, w->ownerlen, ttl, type,
				w->out + w->len);
		n = rdata_str(type, rd, len, w->out + w->len + head,
			      w->cap - w->len - head - 1);
		if (n >= 0) {
			w->len += head + (size_t)n;
			w->out[w->len++] = '\n';
			return 0;
		}
		if (n != ZW_ENOSPC || guess > 8 * ZW_RDATA_MAX)
			return sign_worker_fail(w, n, "%s: cannot print rdata",
						w->owner);
		guess *= 2;
	}
}

/* dsset-/keyset- text: "owner\t\tIN TYPE rdata" as dnssec-signzone writes
 * dsset files (no TTL), the DNSKEY records with their TTL. */
int sign_text_rrset_str(const struct sign_set *set, const uint8_t *owner,
			char *buf, size_t size)
{
	const uint8_t *p = set->rdata;
	char on[ZW_NAME_STR_MAX], tn[16];
	size_t pos = 0;

	if (zw_name_to_str(owner, on, sizeof on) < 0 ||
	    zw_rrtype_to_str(set->type, tn, sizeof tn) < 0)
		return ZW_ENOSPC;
	for (uint32_t i = 0; i < set->count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		int n = set->type == ZW_TYPE_DS
				? snprintf(buf + pos, size - pos,
					   "%s\t\tIN %s ", on, tn)
				: snprintf(buf + pos, size - pos,
					   "%s\t%u\tIN\t%s\t", on, set->ttl, tn);

		if (n < 0 || (size_t)n >= size - pos)
			return ZW_ENOSPC;
		pos += (size_t)n;
		n = zw_rdata_to_str(set->type, rd, len, buf + pos,
				    size - pos - 1);
		if (n < 0 || (size_t)n + 1 >= size - pos)
			return ZW_ENOSPC;
		pos += (size_t)n;
		buf[pos++] = '\n';
	}
	if (pos < size)
		buf[pos] = 0;
	return (int)pos;
}
