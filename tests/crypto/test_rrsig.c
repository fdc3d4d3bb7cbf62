/* crypto/rrsig.c: signing input, signing and checking RRSIGs against
 * RFC 5702 (deterministic RSA, re-signed byte for byte), RFC 6605 (ECDSA,
 * verify), RFC 8080 (EdDSA, with its printed Labels erratum), the signed
 * zone of RFC 4035 Appendix A (27 RSASHA1 RRSIGs, pinned clock, wildcard
 * expansion from Appendix B.6), canonical form/order, and every rejection
 * zw_rrsig_verify promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crypto/key.h"
#include "crypto/rrsig.h"
#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "tests/crypto/vec.h"

/* YYYYMMDDHHmmSS (UTC) to seconds since the epoch. */
static uint32_t t14(const char *s)
{
	struct tm tm = { 0 };

	assert_int_equal(sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year,
				&tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				&tm.tm_min, &tm.tm_sec), 6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint32_t)timegm(&tm);
}

/* RRSIG rdata from its fields. */
static size_t make_rrsig(const struct zw_rrsig *s, uint8_t *out)
{
	size_t n;

	out[0] = (uint8_t)(s->type_covered >> 8);
	out[1] = (uint8_t)s->type_covered;
	out[2] = s->alg;
	out[3] = s->labels;
	for (int i = 0; i < 4; i++) {
		out[4 + i] = (uint8_t)(s->orig_ttl >> (24 - 8 * i));
		out[8 + i] = (uint8_t)(s->expiration >> (24 - 8 * i));
		out[12 + i] = (uint8_t)(s->inception >> (24 - 8 * i));
	}
	out[16] = (uint8_t)(s->key_tag >> 8);
	out[17] = (uint8_t)s->key_tag;
	n = 18 + zw_name_copy(out + 18, s->signer);
	memcpy(out + n, s->sig, s->siglen);
	return n + s->siglen;
}

static struct zw_key *gen(const char *owner, uint8_t alg, uint16_t flags)
{
	uint8_t name[ZW_NAME_MAX];
	int err = 0;
	struct zw_key *k = zw_key_generate(vec_name(owner, name), alg, 0,
					   flags, &err);

	assert_non_null(k);
	return k;
}

/* ---- RFC 5702: RSA signatures are deterministic ---- */

static struct zw_key *rsa_from_text(const char *sec, uint8_t alg)
{
	static const char *const names[8] = {
		"Modulus", "PublicExponent", "PrivateExponent", "Prime1",
		"Prime2",  "Exponent1",	     "Exponent2",	"Coefficient",
	};
	struct zw_key_field f[8];
	static uint8_t store[8][300];
	uint8_t name[ZW_NAME_MAX];
	char marker[32];
	int err = 0;
	struct zw_key *k;

	for (int i = 0; i < 8; i++) {
		snprintf(marker, sizeof(marker), "%s:", names[i]);
		f[i].name = names[i];
		f[i].len = vec_b64(vec_after(sec, marker), store[i],
				   sizeof(store[i]));
		f[i].data = store[i];
	}
	k = zw_key_from_fields(vec_name("example.net.", name), alg, 256, f, 8,
			       &err);
	assert_non_null(k);
	return k;
}

static void check_rfc5702(const char *sec, uint8_t alg, const char *marker)
{
	struct zw_key *k = rsa_from_text(sec, alg);
	uint8_t owner[ZW_NAME_MAX], out[ZW_RRSIG_MAX], want[ZW_SIG_MAX];
	const uint8_t a[4] = { 192, 0, 2, 91 };
	struct zw_rdata_ref rr = { a, 4 };
	struct zw_rrset_ref set = { vec_name("www.example.net.", owner),
				    ZW_TYPE_A, ZW_CLASS_IN, 3600, &rr, 1 };
	uint32_t inc = t14("20000101000000"), exp = t14("20300101000000");
	struct zw_rrsig s;
	size_t wlen = vec_b64(vec_after(sec, marker), want, sizeof(want));
	int n = zw_rrsig_sign(k, &set, inc, exp, out, sizeof(out));

	assert_true(n > 0);
	assert_int_equal(zw_rrsig_parse(out, (size_t)n, &s), 0);
	assert_int_equal(s.type_covered, ZW_TYPE_A);
	assert_int_equal(s.alg, alg);
	assert_int_equal(s.labels, 3);
	assert_int_equal(s.orig_ttl, 3600);
	assert_int_equal(s.inception, inc);
	assert_int_equal(s.expiration, exp);
	assert_int_equal(s.key_tag, k->tag);
	assert_true(zw_name_equal(s.signer, k->owner));
	assert_int_equal(s.siglen, wlen);
	assert_memory_equal(s.sig, want, wlen);
	assert_int_equal(zw_rrsig_verify(k, &set, out, (size_t)n,
					 t14("20100101000000"), NULL), 0);
	zw_key_free(k);
}

static void test_rfc5702_resign(void **state)
{
	const char *v = vec_load("rfc/rfc5702-examples.txt");

	(void)state;
	check_rfc5702(vec_after(v, "6.1.  RSA/SHA-256 Key"), 8,
		      "9033 example.net.");
	check_rfc5702(vec_after(v, "6.2.  RSA/SHA-512 Key"), 10,
		      "3740 example.net.");
}

/* ---- RFC 6605: ECDSA, verify only (randomised signatures) ---- */

static void check_rfc6605(const char *sec, uint8_t alg, uint16_t tag,
			  const char *key_marker, const char *sig_marker,
			  const char *exp, const char *inc)
{
	uint8_t owner[ZW_NAME_MAX], signer[ZW_NAME_MAX], rd[1024];
	uint8_t sig[200], rrsig[ZW_RRSIG_MAX];
	const uint8_t a[4] = { 192, 0, 2, 1 };
	struct zw_rdata_ref rr = { a, 4 };
	struct zw_rrset_ref set = { vec_name("www.example.net.", owner),
				    ZW_TYPE_A, ZW_CLASS_IN, 3600, &rr, 1 };
	size_t len = vec_dnskey(257, alg, vec_after(sec, key_marker), rd,
				sizeof(rd));
	int err = 0;
	struct zw_key *k = zw_key_from_dnskey(vec_name("example.net.", signer),
					      rd, len, &err);
	struct zw_rrsig s = { ZW_TYPE_A, alg, 3, 3600, t14(exp), t14(inc),
			      tag, signer, sig, 0 };
	const char *why = NULL;

	assert_non_null(k);
	s.siglen = vec_b64(vec_after(sec, sig_marker), sig, sizeof(sig));
	len = make_rrsig(&s, rrsig);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len,
					 t14("20100820000000"), &why), 0);
	/* Outside the window, or another address: rejected. */
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len,
					 t14("20100910000000"), &why),
			 ZW_ERANGE);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len,
					 t14("20100801000000"), &why),
			 ZW_ERANGE);
	rr.data = (const uint8_t *)"\xc0\x00\x02\x02";
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len,
					 t14("20100820000000"), &why),
			 ZW_EBADSIG);
	assert_string_equal(why, "signature does not verify");
	zw_key_free(k);
}

static void test_rfc6605_verify(void **state)
{
	const char *v = vec_load("rfc/rfc6605-examples.txt");

	(void)state;
	check_rfc6605(vec_after(v, "6.1.  P-256"), 13, 55648,
		      "DNSKEY 257 3 13", "55648 example.net.", "20100909100439",
		      "20100812100439");
	check_rfc6605(vec_after(v, "6.2.  P-384"), 14, 10771,
		      "DNSKEY 257 3 14", "10771 example.net.", "20100909102025",
		      "20100812102025");
}

/* ---- RFC 8080: EdDSA (deterministic) and the printed Labels field ---- */

static void check_rfc8080(const char *sec, uint8_t alg, uint16_t tag)
{
	uint8_t owner[ZW_NAME_MAX], rd[1024], sig[200], rrsig[ZW_RRSIG_MAX];
	uint8_t mx[64], input[1024], again[200], priv[64];
	char marker[64];
	struct zw_rdata_ref rr = { mx, 0 };
	struct zw_rrset_ref set = { vec_name("example.com.", owner),
				    ZW_TYPE_MX, ZW_CLASS_IN, 3600, &rr, 1 };
	struct zw_key_field f = { "PrivateKey", priv, 0 };
	struct zw_rrsig s = { ZW_TYPE_MX, alg, 3, 3600, 1440021600, 1438207200,
			      tag, owner, sig, 0 };
	const int64_t now = 1439000000;
	const char *why = NULL;
	int err = 0, n;
	size_t len;
	struct zw_key *k;

	mx[0] = 0;
	mx[1] = 10;
	rr.len = (uint16_t)(2 + zw_name_copy(mx + 2, vec_name("mail.example.com.",
							       rd)));
	f.len = vec_b64(vec_after(sec, "PrivateKey:"), priv, sizeof(priv));
	k = zw_key_from_fields(owner, alg, 257, &f, 1, &err);
	assert_non_null(k);
	len = vec_dnskey(257, alg, vec_after(sec, alg == 15 ? "DNSKEY 257 3 15"
							    : "DNSKEY 257 3 16"),
			 rd, sizeof(rd));
	assert_int_equal(zw_key_match_dnskey(k, rd, len), 0);
	snprintf(marker, sizeof(marker), "%u example.com.", tag);
	s.siglen = vec_b64(vec_after(sec, marker), sig, sizeof(sig));

	/* As printed (Labels 3 on the 2-label example.com.) the signature is
	 * good over those very fields, and re-signing reproduces it... */
	n = zw_rrsig_input(&s, &set, input, sizeof(input));
	assert_true(n > 0);
	assert_int_equal(zw_key_verify(k, input, (size_t)n, sig, s.siglen), 0);
	assert_int_equal(zw_key_sign(k, input, (size_t)n, again,
				     sizeof(again)), (int)s.siglen);
	assert_memory_equal(again, sig, s.siglen);
	/* ...but a validator must reject an RRSIG claiming more labels than
	 * its owner has (RFC 4035 §5.3.1): see the note in the vector file. */
	len = make_rrsig(&s, rrsig);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len, now, &why),
			 ZW_EMALF);
	assert_string_equal(why, "labels field exceeds the owner's labels");
	/* With Labels corrected to 2 the printed signature fails. */
	s.labels = 2;
	len = make_rrsig(&s, rrsig);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, len, now, &why),
			 ZW_EBADSIG);
	/* Our own RRSIG over the RRset does validate. */
	n = zw_rrsig_sign(k, &set, 1438207200, 1440021600, rrsig,
			  sizeof(rrsig));
	assert_true(n > 0);
	assert_int_equal(rrsig[3], 2);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, now, &why),
			 0);
	zw_key_free(k);
}

static void test_rfc8080(void **state)
{
	const char *p = vec_load("rfc/rfc8080-examples.txt");
	static const uint16_t tags[4] = { 3613, 35217, 9713, 38353 };

	(void)state;
	p = vec_after(p, "6.1.  Ed25519 Examples");
	for (int i = 0; i < 4; i++) {
		p = vec_after(p, "Private-key-format:");
		check_rfc8080(p, i < 2 ? 15 : 16, tags[i]);
	}
}

/* ---- RFC 4035 Appendix A: a whole signed zone ---- */

struct zrr {
	uint8_t owner[ZW_NAME_MAX];
	uint16_t type;
	uint32_t ttl;
	uint16_t len;
	uint8_t rd[600];
};

/* Tokens of one logical record: comments dropped, parentheses joining
 * lines, quoted strings kept whole. Returns the count; *indented tells
 * whether the record starts with blank (owner = previous). */
static size_t zone_line(const char **pp, struct zw_tok *t, size_t max,
			bool *indented)
{
	const char *p = *pp;
	size_t n = 0;
	int depth = 0;

	*indented = *p == ' ' || *p == '\t';
	while (*p && (depth > 0 || *p != '\n')) {
		if (*p == ';') {
			while (*p && *p != '\n')
				p++;
		} else if (*p == '(' || *p == ')') {
			depth += *p++ == '(' ? 1 : -1;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else {
			bool q = *p == '"';
			const char *s = p += q;

			while (*p && (q ? *p != '"' : !isspace((unsigned char)*p) &&
						      *p != ')' && *p != '('))
				p++;
			assert_true(n < max);
			t[n++] = (struct zw_tok){ s, (uint32_t)(p - s), q };
			p += q && *p == '"';
		}
	}
	*pp = *p ? p + 1 : p;
	return n;
}

static size_t read_zone(const char *text, struct zrr *out, size_t max)
{
	struct zw_tok t[64];
	uint8_t owner[ZW_NAME_MAX] = { 0 };
	size_t count = 0;

	while (*text) {
		bool indented;
		size_t n = zone_line(&text, t, 64, &indented), i = 0;

		if (n == 0)
			continue;
		if (!indented) {
			assert_true(zw_name_from_str(owner, t[0].s, t[0].len,
						     NULL) > 0);
			i++;
		}
		struct zrr *r = &out[count];
		zw_name_copy(r->owner, owner);
		r->ttl = (uint32_t)strtoul(t[i++].s, NULL, 10);
		if (t[i].len == 2 && strncmp(t[i].s, "IN", 2) == 0)
			i++;
		int type = zw_rrtype_from_str(t[i].s, t[i].len);
		assert_true(type > 0);
		r->type = (uint16_t)type;
		i++;
		int len = zw_rdata_from_str(r->type, t + i, n - i, NULL, r->rd,
					    sizeof(r->rd), NULL);
		assert_true(len >= 0);
		r->len = (uint16_t)len;
		assert_true(++count < max);
	}
	return count;
}

/* The RRset of (owner, type) in the zone, as a view. */
static size_t rrset_of(const struct zrr *z, size_t n, const uint8_t *owner,
		       uint16_t type, struct zw_rdata_ref *rr)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (z[i].type == type && zw_name_equal(z[i].owner, owner))
			rr[c++] = (struct zw_rdata_ref){ z[i].rd, z[i].len };
	return c;
}

static struct zw_key *zone_key(const struct zrr *z, size_t n, uint16_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (z[i].type == ZW_TYPE_DNSKEY &&
		    zw_keytag(z[i].rd, z[i].len) == tag) {
			int err = 0;
			struct zw_key *k = zw_key_from_dnskey(z[i].owner, z[i].rd,
							      z[i].len, &err);
			assert_non_null(k);
			return k;
		}
	fail_msg("no DNSKEY with tag %u", tag);
	return NULL;
}

static void test_rfc4035_zone(void **state)
{
	static struct zrr z[128];
	const char *v = vec_load("rfc/rfc4035-appendix-a.zone");
	size_t n = read_zone(vec_after(v, "; ---- zone ----\n"), z, 128);
	const int64_t now = t14("20040420000000");
	struct zw_rdata_ref rr[8];
	int checked = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct zw_rrsig s;
		const char *why = "";

		if (z[i].type != ZW_TYPE_RRSIG)
			continue;
		assert_int_equal(zw_rrsig_parse(z[i].rd, z[i].len, &s), 0);
		struct zw_rrset_ref set = { z[i].owner, s.type_covered,
					    ZW_CLASS_IN, z[i].ttl, rr, 0 };
		set.count = rrset_of(z, n, z[i].owner, s.type_covered, rr);
		assert_true(set.count > 0);
		struct zw_key *k = zone_key(z, n, s.key_tag);
		int rc = zw_rrsig_verify(k, &set, z[i].rd, z[i].len, now, &why);
		if (rc != 0)
			fail_msg("RRSIG #%d (type %u): %s", checked,
				 s.type_covered, why);
		/* One changed octet anywhere in the RRset breaks it. */
		uint8_t save = ((uint8_t *)rr[0].data)[rr[0].len - 1];
		((uint8_t *)rr[0].data)[rr[0].len - 1] ^= 4;
		assert_int_equal(zw_rrsig_verify(k, &set, z[i].rd, z[i].len,
						 now, &why), ZW_EBADSIG);
		((uint8_t *)rr[0].data)[rr[0].len - 1] = save;
		/* The clock matters: a year later it has expired. */
		assert_int_equal(zw_rrsig_verify(k, &set, z[i].rd, z[i].len,
						 now + 365 * 86400, &why),
				 ZW_ERANGE);
		zw_key_free(k);
		checked++;
	}
	assert_int_equal(checked, 27);
}

/* Appendix B.6: the *.w.example MX RRSIG (labels 2) validates the MX
 * RRset synthesised at a.z.w.example. */
static void test_rfc4035_wildcard(void **state)
{
	static struct zrr z[128];
	const char *v = vec_load("rfc/rfc4035-appendix-a.zone");
	size_t n = read_zone(vec_after(v, "; ---- zone ----\n"), z, 128);
	uint8_t wild[ZW_NAME_MAX], syn[ZW_NAME_MAX];
	struct zw_rdata_ref rr[2];
	const char *why = NULL;

	(void)state;
	vec_name("*.w.example.", wild);
	for (size_t i = 0; i < n; i++) {
		struct zw_rrsig s;

		if (z[i].type != ZW_TYPE_RRSIG ||
		    !zw_name_equal(z[i].owner, wild))
			continue;
		assert_int_equal(zw_rrsig_parse(z[i].rd, z[i].len, &s), 0);
		if (s.type_covered != ZW_TYPE_MX)
			continue;
		assert_int_equal(s.labels, 2);
		struct zw_rrset_ref set = { vec_name("a.z.w.example.", syn),
					    ZW_TYPE_MX, ZW_CLASS_IN, 3600, rr,
					    0 };
		set.count = rrset_of(z, n, wild, ZW_TYPE_MX, rr);
		assert_int_equal(set.count, 1);
		struct zw_key *k = zone_key(z, n, s.key_tag);
		assert_int_equal(zw_rrsig_verify(k, &set, z[i].rd, z[i].len,
						 t14("20040420000000"), &why),
				 0);
		/* Fewer labels than the RRSIG says: not covered. */
		vec_name("example.", syn);
		assert_int_equal(zw_rrsig_verify(k, &set, z[i].rd, z[i].len,
						 t14("20040420000000"), &why),
				 ZW_EMALF);
		zw_key_free(k);
		return;
	}
	fail_msg("no RRSIG MX at *.w.example");
}

/* ---- canonical form and order ---- */

static size_t rd_name(const char *s, uint8_t *out)
{
	return zw_name_from_str(out, s, strlen(s), NULL);
}

static int input_of(const char *owner, uint16_t type,
		    const struct zw_rdata_ref *rr, size_t n, uint8_t *out,
		    size_t outmax)
{
	uint8_t own[ZW_NAME_MAX], signer[ZW_NAME_MAX];
	struct zw_rrset_ref set = { vec_name(owner, own), type, ZW_CLASS_IN,
				    300, rr, n };
	struct zw_rrsig s = { type, 13, (uint8_t)zw_name_rrsig_labels(own),
			      3600, 2000000000, 1000000000, 4711,
			      vec_name("EXAMPLE.", signer), NULL, 0 };

	return zw_rrsig_input(&s, &set, out, outmax);
}

static void test_canonical(void **state)
{
	uint8_t a[3][64], b[3][64], in1[1024], in2[1024];
	struct zw_rdata_ref x[3], y[2];
	int n1, n2;

	(void)state;
	/* NS names lower-cased, sorted, the duplicate dropped; owner and
	 * signer lower-cased; the original TTL (3600) replaces 300. */
	x[0] = (struct zw_rdata_ref){ a[0], (uint16_t)rd_name("ns2.EXAMPLE.", a[0]) };
	x[1] = (struct zw_rdata_ref){ a[1], (uint16_t)rd_name("NS1.example.", a[1]) };
	x[2] = (struct zw_rdata_ref){ a[2], (uint16_t)rd_name("Ns2.example.", a[2]) };
	y[0] = (struct zw_rdata_ref){ b[0], (uint16_t)rd_name("ns1.example.", b[0]) };
	y[1] = (struct zw_rdata_ref){ b[1], (uint16_t)rd_name("ns2.example.", b[1]) };
	n1 = input_of("Example.", ZW_TYPE_NS, x, 3, in1, sizeof(in1));
	n2 = input_of("example.", ZW_TYPE_NS, y, 2, in2, sizeof(in2));
	assert_true(n1 > 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(in1, in2, (size_t)n1);
	assert_memory_equal(in2 + 18, "\007example\000", 9);
	assert_memory_equal(in2 + 27, "\007example\000\000\002\000\001"
				      "\000\000\016\020\000\015\003ns1", 23);
	/* The caller's rdata is not changed. */
	assert_int_equal(a[0][5], 'E');

	/* NSEC's next name keeps its case (RFC 6840 §5.1); TXT is opaque:
	 * "ABC" and "abc" are two records, upper case first. */
	x[0] = (struct zw_rdata_ref){ a[0], (uint16_t)rd_name("B.example.", a[0]) };
	memcpy(a[0] + x[0].len, "\000\001\100", 3);
	x[0].len += 3;
	n1 = input_of("a.example.", ZW_TYPE_NSEC, x, 1, in1, sizeof(in1));
	assert_memory_equal(in1 + n1 - x[0].len, a[0], x[0].len);
	x[0] = (struct zw_rdata_ref){ (const uint8_t *)"\003abc", 4 };
	x[1] = (struct zw_rdata_ref){ (const uint8_t *)"\003ABC", 4 };
	x[2] = (struct zw_rdata_ref){ (const uint8_t *)"\003AB", 3 };
	n1 = input_of("t.example.", ZW_TYPE_TXT, x, 3, in1, sizeof(in1));
	const uint8_t *p = in1 + 18 + 9;
	size_t step = 11 + 10;  /* "t.example." + type..rdlength */
	assert_memory_equal(p + step, "\003AB", 3);
	assert_memory_equal(p + 2 * step + 3, "\003ABC", 4);
	assert_memory_equal(p + 3 * step + 7, "\003abc", 4);
	assert_int_equal(n1, 27 + 3 * step + 11);

	/* Too small a buffer. */
	assert_int_equal(input_of("t.example.", ZW_TYPE_TXT, x, 3, in1,
				  (size_t)n1 - 1), ZW_ENOSPC);
}

/* Signed in one order, checked in another; a wildcard RRSIG checks at any
 * name the wildcard covers. */
static void test_sign_order_and_wildcard(void **state)
{
	struct zw_key *k = gen("w.example.", 13, 257);
	uint8_t own[ZW_NAME_MAX], rrsig[ZW_RRSIG_MAX], mx[3][32];
	struct zw_rdata_ref rr[3], rev[3];
	struct zw_rrset_ref set = { vec_name("*.W.example.", own), ZW_TYPE_MX,
				    ZW_CLASS_IN, 600, rr, 3 };
	const char *why = NULL;
	int n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		char s[32];

		snprintf(s, sizeof(s), "mx%d.Example.", 3 - i);
		mx[i][0] = 0;
		mx[i][1] = 10;
		rr[i].data = mx[i];
		rr[i].len = (uint16_t)(2 + rd_name(s, mx[i] + 2));
		rev[2 - i] = rr[i];
	}
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_int_equal(n, 18 + 11 + 64);
	assert_int_equal(rrsig[3], 2);  /* "*" not counted */
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 0);
	set.rr = rev;
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 0);
	set.owner = vec_name("a.b.w.EXAMPLE.", own);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 0);
	set.owner = vec_name("a.w.example.", own);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 0);
	/* A different parent does not match the wildcard's signature. */
	set.owner = vec_name("a.v.example.", own);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 ZW_EMALF);
	zw_key_free(k);
}

static void test_time_window(void **state)
{
	(void)state;
	assert_true(zw_rrsig_time_ok(100, 200, 100));
	assert_true(zw_rrsig_time_ok(100, 200, 200));
	assert_false(zw_rrsig_time_ok(100, 200, 99));
	assert_false(zw_rrsig_time_ok(100, 200, 201));
	/* A window across 2106 (2^32 s) in serial arithmetic. */
	assert_true(zw_rrsig_time_ok(0xFFFFFF00u, 0x100, 0x100000010LL));
	assert_true(zw_rrsig_time_ok(0xFFFFFF00u, 0x100, 0xFFFFFFF0LL));
	assert_false(zw_rrsig_time_ok(0xFFFFFF00u, 0x100, 0xFFFFFE00LL));
	assert_false(zw_rrsig_time_ok(0xFFFFFF00u, 0x100, 0x100000200LL));
	/* Today's clock against 32-bit fields. */
	assert_true(zw_rrsig_time_ok(1700000000u, 1900000000u, 1800000000LL));
}

/* Every rejection zw_rrsig_verify documents. */
static void test_rejections(void **state)
{
	struct zw_key *k = gen("example.", 15, 256);
	struct zw_key *other = gen("example.", 15, 256);
	uint8_t own[ZW_NAME_MAX], rrsig[ZW_RRSIG_MAX], bad[ZW_RRSIG_MAX];
	const uint8_t a[4] = { 192, 0, 2, 1 };
	struct zw_rdata_ref rr = { a, 4 };
	struct zw_rrset_ref set = { vec_name("www.example.", own), ZW_TYPE_A,
				    ZW_CLASS_IN, 60, &rr, 1 };
	const char *why = NULL;
	int n;

	(void)state;
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_true(n > 0);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1000, &why), 0);
	/* Malformed: too short, signer name running off the end. */
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, 18, 1000, &why),
			 ZW_EMALF);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, 22, 1000, &why),
			 ZW_EMALF);
	/* Type covered differs from the RRset. */
	set.type = ZW_TYPE_AAAA;
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1000, &why),
			 ZW_EMALF);
	set.type = ZW_TYPE_A;
	/* Owner outside the signer's zone. */
	set.owner = vec_name("www.example.org.", bad);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1000, &why),
			 ZW_EMALF);
	assert_string_equal(why, "owner is outside the signer's zone");
	set.owner = own;
	/* Another key of the same zone and algorithm. */
	assert_int_equal(zw_rrsig_verify(other, &set, rrsig, (size_t)n, 1000,
					 &why), ZW_EKEY);
	/* An unknown algorithm number in the RRSIG. */
	memcpy(bad, rrsig, (size_t)n);
	bad[2] = 99;
	assert_int_equal(zw_rrsig_verify(k, &set, bad, (size_t)n, 1000, &why),
			 ZW_EALG);
	/* Not a zone key; a revoked key outside its DNSKEY RRset. */
	zw_key_set_flags(k, 0);
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1000, &why),
			 ZW_EKEY);
	assert_string_equal(why, "key lacks the ZONE flag");
	zw_key_set_flags(k, ZW_DNSKEY_ZONE | ZW_DNSKEY_REVOKE);
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1000, &why),
			 ZW_EKEY);
	/* The window, and a flipped signature bit. */
	zw_key_set_flags(k, ZW_DNSKEY_ZONE);
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 2001, &why),
			 ZW_ERANGE);
	rrsig[n - 1] ^= 1;
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 ZW_EBADSIG);
	/* Output too small for the RRSIG. */
	assert_int_equal(zw_rrsig_sign(k, &set, 1000, 2000, rrsig, 18 + 9 + 63),
			 ZW_ENOSPC);
	zw_key_free(other);
	zw_key_free(k);
}

/* 300 records, 60 KB, given in reverse order: the sorting and heap paths. */
static void test_large_rrset(void **state)
{
	static uint8_t txt[300][200];
	static struct zw_rdata_ref rr[300], fwd[300];
	struct zw_key *k = gen("example.", 8, 257);
	uint8_t own[ZW_NAME_MAX], rrsig[ZW_RRSIG_MAX];
	struct zw_rrset_ref set = { vec_name("big.example.", own), ZW_TYPE_TXT,
				    ZW_CLASS_IN, 60, rr, 300 };
	const char *why = NULL;
	int n;

	(void)state;
	for (int i = 0; i < 300; i++) {
		txt[i][0] = 199;
		memset(txt[i] + 1, 'a', 199);
		snprintf((char *)txt[i] + 1, 8, "%05d", 299 - i);
		txt[i][6] = 'a';
		rr[i] = (struct zw_rdata_ref){ txt[i], 200 };
		fwd[299 - i] = rr[i];
	}
	n = zw_rrsig_sign(k, &set, 1000, 2000, rrsig, sizeof(rrsig));
	assert_true(n > 0);
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why), 0);
	set.rr = fwd;
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why), 0);
	set.count = 299;
	assert_int_equal(zw_rrsig_verify(k, &set, rrsig, (size_t)n, 1500, &why),
			 ZW_EBADSIG);
	zw_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5702_resign),
		cmocka_unit_test(test_rfc6605_verify),
		cmocka_unit_test(test_rfc8080),
		cmocka_unit_test(test_rfc4035_zone),
		cmocka_unit_test(test_rfc4035_wildcard),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_sign_order_and_wildcard),
		cmocka_unit_test(test_time_window),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_large_rrset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
