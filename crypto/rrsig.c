/* RRSIG signing input, signing and checking (see crypto/rrsig.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/rrsig.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

#define STACK_RRS 64
#define STACK_BUF 4096

/* Where one record's canonical rdata sits in the output being built. */
struct rr_idx {
	uint32_t off;
	uint16_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

int zw_rrsig_parse(const uint8_t *rd, size_t len, struct zw_rrsig *o)
{
	int nl;

	if (len < ZW_RRSIG_FIXED + 1)
		return ZW_EMALF;
	nl = zw_name_check(rd + ZW_RRSIG_FIXED, rd + len);
	if (nl < 0)
		return ZW_EMALF;
	o->type_covered = get16(rd);
	o->alg = rd[2];
	o->labels = rd[3];
	o->orig_ttl = get32(rd + 4);
	o->expiration = get32(rd + 8);
	o->inception = get32(rd + 12);
	o->key_tag = get16(rd + 16);
	o->signer = rd + ZW_RRSIG_FIXED;
	o->sig = o->signer + nl;
	o->siglen = len - ZW_RRSIG_FIXED - (size_t)nl;
	return 0;
}

size_t zw_rrsig_input_size(const struct zw_rrset_ref *set,
			   const uint8_t *signer)
{
	size_t n = ZW_RRSIG_FIXED + zw_name_len(signer);
	size_t per_rr = zw_name_len(set->owner) + 10;

	for (size_t i = 0; i < set->count; i++)
		n += per_rr + set->rr[i].len;
	return n;
}

/* RRSIG rdata up to the signature, signer lower-cased. */
static size_t write_header(const struct zw_rrsig *s, uint8_t *out)
{
	put16(out, s->type_covered);
	out[2] = s->alg;
	out[3] = s->labels;
	put32(out + 4, s->orig_ttl);
	put32(out + 8, s->expiration);
	put32(out + 12, s->inception);
	put16(out + 16, s->key_tag);
	size_t n = zw_name_copy(out + ZW_RRSIG_FIXED, s->signer);
	zw_name_lower(out + ZW_RRSIG_FIXED);
	return ZW_RRSIG_FIXED + n;
}

/* The owner as signed: lower-cased, and "*." + its rightmost `labels`
 * labels when the RRSIG says fewer labels than it has (wildcard). */
static size_t owner_form(const uint8_t *owner, uint8_t labels, uint8_t *out)
{
	int n = zw_name_labels(owner);
	size_t len;

	if (labels < n) {
		out[0] = 1;
		out[1] = '*';
		len = 2 + zw_name_copy(out + 2, zw_name_skip(owner, n - labels));
	} else {
		len = zw_name_copy(out, owner);
	}
	zw_name_lower(out);
	return len;
}

static int idx_cmp(const void *a, const void *b, void *base)
{
	const struct rr_idx *x = a, *y = b;
	const uint8_t *p = base;

	return zw_rdata_cmp(p + x->off, x->len, p + y->off, y->len);
}

/* Records [start, end) of out are complete but out of order or with
 * duplicates: sort a copy by rdata and write it back, duplicates once.
 * `prefix` is the octets before each rdata (owner..rdlength). Returns the
 * new end. */
static int reorder(uint8_t *out, size_t start, size_t end,
		   struct rr_idx *idx, size_t n, size_t prefix)
{
	uint8_t stack[STACK_BUF], *tmp = stack;
	size_t len = end - start, pos = start;

	if (len > sizeof(stack) && !(tmp = malloc(len)))
		return ZW_ENOMEM;
	memcpy(tmp, out + start, len);
	for (size_t i = 0; i < n; i++)
		idx[i].off -= (uint32_t)start;
	qsort_r(idx, n, sizeof(*idx), idx_cmp, tmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && idx_cmp(&idx[i - 1], &idx[i], tmp) == 0)
			continue;
		memcpy(out + pos, tmp + idx[i].off - prefix, prefix + idx[i].len);
		pos += prefix + idx[i].len;
	}
	if (tmp != stack)
		free(tmp);
	return (int)pos;
}

/* One RR in canonical form at out; returns the octets written. */
static size_t write_rr(const uint8_t *own, size_t olen,
		       const struct zw_rrset_ref *set, uint32_t ttl,
		       const struct zw_rdata_ref *rr, uint8_t *out)
{
	memcpy(out, own, olen);
	put16(out + olen, set->type);
	put16(out + olen + 2, set->rclass);
	put32(out + olen + 4, ttl);
	put16(out + olen + 8, rr->len);
	memcpy(out + olen + 10, rr->data, rr->len);
	zw_rdata_canonicalize(set->type, out + olen + 10, rr->len);
	return olen + 10 + rr->len;
}

int zw_rrsig_input(const struct zw_rrsig *sig, const struct zw_rrset_ref *set,
		   uint8_t *out, size_t outmax)
{
	struct rr_idx stack_idx[STACK_RRS], *idx = stack_idx;
	uint8_t own[ZW_NAME_MAX];
	size_t olen, pos, start;
	bool sorted = true;
	int rc;

	if (zw_rrsig_input_size(set, sig->signer) > outmax ||
	    outmax > UINT32_MAX)
		return ZW_ENOSPC;
	if (set->count > STACK_RRS &&
	    !(idx = malloc(set->count * sizeof(*idx))))
		return ZW_ENOMEM;
	start = pos = write_header(sig, out);
	olen = owner_form(set->owner, sig->labels, own);
	for (size_t i = 0; i < set->count; i++) {
		idx[i].off = (uint32_t)(pos + olen + 10);
		idx[i].len = set->rr[i].len;
		pos += write_rr(own, olen, set, sig->orig_ttl, &set->rr[i],
				out + pos);
		/* Strictly increasing is the common, linear case. */
		if (i > 0 && idx_cmp(&idx[i - 1], &idx[i], out) >= 0)
			sorted = false;
	}
	rc = sorted ? (int)pos
		    : reorder(out, start, pos, idx, set->count, olen + 10);
	if (idx != stack_idx)
		free(idx);
	return rc;
}

int zw_rrsig_sign(const struct zw_key *key, const struct zw_rrset_ref *set,
		  uint32_t inception, uint32_t expiration, uint8_t *out,
		  size_t outmax)
{
	struct zw_rrsig s = {
		.type_covered = set->type,
		.alg = key->alg,
		.labels = (uint8_t)zw_name_rrsig_labels(set->owner),
		.orig_ttl = set->ttl,
		.expiration = expiration,
		.inception = inception,
		.key_tag = key->tag,
		.signer = key->owner,
	};
	size_t need = zw_rrsig_input_size(set, key->owner);
	size_t hdr = ZW_RRSIG_FIXED + zw_name_len(key->owner);
	uint8_t stack[STACK_BUF], *buf = stack;
	int len, slen;

	if (outmax < hdr + zw_key_sig_size(key))
		return ZW_ENOSPC;
	if (need > sizeof(stack) && !(buf = malloc(need)))
		return ZW_ENOMEM;
	len = zw_rrsig_input(&s, set, buf, need);
	/* The input starts with exactly the RRSIG rdata before the
	 * signature. */
	if (len >= 0)
		memcpy(out, buf, hdr);
	slen = len < 0 ? len
		       : zw_key_sign(key, buf, (size_t)len, out + hdr,
				     outmax - hdr);
	if (buf != stack)
		free(buf);
	return slen < 0 ? slen : (int)hdr + slen;
}

bool zw_rrsig_time_ok(uint32_t inception, uint32_t expiration, int64_t now)
{
	uint32_t n = (uint32_t)now;

	return (int32_t)(n - inception) >= 0 && (int32_t)(expiration - n) >= 0;
}

static int reject(const char **why, const char *reason, int code)
{
	if (why)
		*why = reason;
	return code;
}

/* Everything but the signature itself. */
static int check_fields(const struct zw_key *key,
			const struct zw_rrset_ref *set,
			const struct zw_rrsig *s, int64_t now, const char **why)
{
	if (s->type_covered != set->type)
		return reject(why, "type covered is not the RRset's type",
			      ZW_EMALF);
	if (s->labels > zw_name_labels(set->owner))
		return reject(why, "labels field exceeds the owner's labels",
			      ZW_EMALF);
	if (!zw_name_is_subdomain(set->owner, s->signer))
		return reject(why, "owner is outside the signer's zone",
			      ZW_EMALF);
	if (!zw_alg_verify_supported(s->alg))
		return reject(why, "unsupported algorithm", ZW_EALG);
	if (s->alg != key->alg || s->key_tag != key->tag ||
	    !zw_name_equal(s->signer, key->owner))
		return reject(why, "RRSIG names another key", ZW_EKEY);
	if (!(key->flags & ZW_DNSKEY_ZONE))
		return reject(why, "key lacks the ZONE flag", ZW_EKEY);
	if ((key->flags & ZW_DNSKEY_REVOKE) && set->type != ZW_TYPE_DNSKEY)
		return reject(why, "revoked key signs only its DNSKEY RRset",
			      ZW_EKEY);
	if (!zw_rrsig_time_ok(s->inception, s->expiration, now))
		return reject(why, "outside the validity period", ZW_ERANGE);
	return 0;
}

int zw_rrsig_verify(const struct zw_key *key, const struct zw_rrset_ref *set,
		    const uint8_t *rrsig, size_t rrsig_len, int64_t now,
		    const char **why)
{
	struct zw_rrsig s;
	uint8_t stack[STACK_BUF], *buf = stack;
	size_t need;
	int rc, len;

	if (zw_rrsig_parse(rrsig, rrsig_len, &s) < 0)
		return reject(why, "malformed RRSIG rdata", ZW_EMALF);
	rc = check_fields(key, set, &s, now, why);
	if (rc < 0)
		return rc;
	need = zw_rrsig_input_size(set, s.signer);
	if (need > sizeof(stack) && !(buf = malloc(need)))
		return reject(why, "out of memory", ZW_ENOMEM);
	len = zw_rrsig_input(&s, set, buf, need);
	rc = len < 0 ? len
		     : zw_key_verify(key, buf, (size_t)len, s.sig, s.siglen);
	if (buf != stack)
		free(buf);
	if (rc == ZW_EBADSIG)
		return reject(why, "signature does not verify", rc);
	return rc < 0 ? reject(why, "cannot check the signature", rc) : 0;
}
