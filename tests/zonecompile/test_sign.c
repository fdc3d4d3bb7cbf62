/* zonecompile/sign: NSEC and NSEC3 chains (exact owners, order, bitmaps,
 * opt-out, ENTs), which RRsets get signed and by which keys (-x, -z, one
 * key alone), RRSIG fields (labels, TTL, window, jitter), errors, and the
 * fast RRSIG/NSEC printers against zw_rdata_to_str. */
#include <pthread.h>
#include <unistd.h>

#include "tests/zonecompile/signtest.h"
#include "crypto/nsec3.h"
#include "dns/base.h"
#include "dns/bitmap.h"
#include "zonecompile/sign_int.h"

static const char *zone1 =
	"$TTL 300\n"
	"@ SOA ns1 host 10 3600 600 86400 120\n"
	"  NS ns1\n"
	"  MX 10 mail\n"
	"ns1 A 192.0.2.1\n"
	"mail A 192.0.2.2\n"
	"www CNAME mail\n"
	"sub NS ns.sub\n"
	"sub A 192.0.2.9\n"              /* glue at the cut */
	"ns.sub A 192.0.2.3\n"
	"sec NS ns.other.\n"
	"sec DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF"
	"0123456789ABCDEF0123456789ABCDEF\n"
	"*.w TXT \"wild\"\n"
	"a.b.c A 192.0.2.4\n";           /* b.c and c are ENTs */

static const char *keydir;
static uint16_t ksk, zsk;
static const char *both[3];
static char kb[2][64];

static int setup(void **state)
{
	(void)state;
	keydir = strdup(subdir("keys"));
	ksk = mk_example_keys(keydir, kb, both, &zsk);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free((void *)keydir);
	return 0;
}

static void expect_nsec(const struct zw_zone *z, const char *owner,
			const char *text)
{
	const char *t = rr_text(z, owner, ZW_TYPE_NSEC);

	if (!t || strcmp(t, text))
		fail_msg("NSEC at %s: got '%s', want '%s'", owner,
			 t ? t : "(none)", text);
}

static void test_nsec_chain(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;

	(void)state;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	expect_nsec(out.z, "example.", "a.b.c.example. NS SOA MX RRSIG NSEC "
		    "DNSKEY");
	expect_nsec(out.z, "a.b.c.example.", "mail.example. A RRSIG NSEC");
	expect_nsec(out.z, "mail.example.", "ns1.example. A RRSIG NSEC");
	expect_nsec(out.z, "ns1.example.", "sec.example. A RRSIG NSEC");
	expect_nsec(out.z, "sec.example.", "sub.example. NS DS RRSIG NSEC");
	expect_nsec(out.z, "sub.example.", "*.w.example. NS RRSIG NSEC");
	expect_nsec(out.z, "*.w.example.", "www.example. TXT RRSIG NSEC");
	expect_nsec(out.z, "www.example.", "example. CNAME RRSIG NSEC");
	assert_null(rr_text(out.z, "ns.sub.example.", ZW_TYPE_NSEC));
	assert_null(rr_text(out.z, "c.example.", ZW_TYPE_NSEC));
	assert_int_equal(out.st.nsec, 8);
	/* TTL of NSEC: min(SOA TTL, minimum) = 120 */
	struct zw_rrset rs;
	assert_true(zw_node_rrset(node_of(out.z, "www.example."), ZW_TYPE_NSEC,
				  0, &rs));
	assert_int_equal(rs.ttl, 120);
	out_free(&out);
}

static void test_what_is_signed(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	uint16_t tags[8];
	const struct zw_zone *z;

	(void)state;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	z = out.z;
	const struct zw_node *apex = node_of(z, "example.");
	/* DNSKEY by both keys (no -x), the rest by the ZSK alone */
	assert_int_equal(sigs_over(z, apex, ZW_TYPE_DNSKEY, tags), 2);
	assert_int_equal(sigs_over(z, apex, ZW_TYPE_SOA, tags), 1);
	assert_int_equal(tags[0], zsk);
	assert_int_equal(sigs_over(z, apex, ZW_TYPE_NS, NULL), 1);
	assert_int_equal(sigs_over(z, node_of(z, "www.example."),
				   ZW_TYPE_CNAME, NULL), 1);
	/* delegation: NS and glue unsigned; DS and NSEC signed */
	assert_int_equal(sigs_over(z, node_of(z, "sub.example."), ZW_TYPE_NS,
				   NULL), 0);
	assert_int_equal(sigs_over(z, node_of(z, "sub.example."), ZW_TYPE_A,
				   NULL), 0);
	assert_int_equal(sigs_over(z, node_of(z, "ns.sub.example."),
				   ZW_TYPE_A, NULL), 0);
	assert_int_equal(sigs_over(z, node_of(z, "sec.example."), ZW_TYPE_DS,
				   NULL), 1);
	assert_int_equal(sigs_over(z, node_of(z, "sub.example."),
				   ZW_TYPE_NSEC, NULL), 1);
	/* wildcard: labels field without the "*" */
	struct zw_rrset sig;
	struct zw_rrsig s;
	const uint8_t *p;
	uint16_t len;
	assert_int_equal(sigs_over(z, node_of(z, "*.w.example."), ZW_TYPE_TXT,
				   NULL), 1);
	assert_true(zw_node_rrset(node_of(z, "*.w.example."), ZW_TYPE_RRSIG,
				  ZW_TYPE_TXT, &sig));
	p = sig.rdata;
	const uint8_t *rd = zw_rr_next(&p, &len);
	assert_int_equal(zw_rrsig_parse(rd, len, &s), 0);
	assert_int_equal(s.labels, 2);
	assert_int_equal(s.orig_ttl, 300);
	assert_int_equal(s.inception, T_NOW - 3600);
	assert_int_equal(s.expiration, T_NOW + 30 * T_DAY);
	/* signature count: 2 DNSKEY + SOA NS MX + 8 NSEC + 3 A + CNAME + DS
	 * + TXT */
	assert_int_equal(out.st.sigs_new, 2 + 3 + 8 + 3 + 1 + 1 + 1);
	out_free(&out);
}

static void test_ksk_only_and_z(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	uint16_t tags[4];

	(void)state;
	o.ksk_only = true;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	assert_int_equal(sigs_over(out.z, zw_zone_node(out.z, 0),
				   ZW_TYPE_DNSKEY, tags), 1);
	assert_int_equal(tags[0], ksk);
	out_free(&out);
	o = base_opts();
	o.ignore_ksk = true;    /* both keys sign everything */
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	assert_int_equal(sigs_over(out.z, node_of(out.z, "ns1.example."),
				   ZW_TYPE_A, NULL), 2);
	out_free(&out);
}

/* A KSK alone is refused (BIND's hint), signs everything with -z; a ZSK
 * alone signs the DNSKEY RRset too, with a warning. */
static void test_single_key(void **state)
{
	struct zw_sign_opts o = base_opts();
	const char *one[2] = { kb[0], NULL };
	struct out out;

	(void)state;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, one, &out),
			 ZW_EKEY);
	assert_non_null(strstr(out.warn, "No non-KSK DNSKEY found for "
			       "algorithm ECDSAP256SHA256; supply a ZSK or "
			       "use '-z'"));
	out_free(&out);
	o.ignore_ksk = true;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, one, &out),
			 0);
	assert_int_equal(sigs_over(out.z, node_of(out.z, "ns1.example."),
				   ZW_TYPE_A, NULL), 1);
	assert_int_equal(sigs_over(out.z, zw_zone_node(out.z, 0),
				   ZW_TYPE_DNSKEY, NULL), 1);
	out_free(&out);
	o.ignore_ksk = false;
	one[0] = kb[1];
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, one, &out),
			 0);
	assert_non_null(strstr(out.warn, "No self-signed KSK"));
	assert_int_equal(sigs_over(out.z, zw_zone_node(out.z, 0),
				   ZW_TYPE_DNSKEY, NULL), 1);
	out_free(&out);
}

/* ---- NSEC3 ---- */

static void hash_of(const char *name, const struct zw_sign_opts *o,
		    char *b32)
{
	uint8_t w[ZW_NAME_MAX], h[ZW_NSEC3_HASH_LEN], owner[ZW_NAME_MAX];

	assert_int_equal(zw_nsec3_hash(wire(name, w), o->salt, o->saltlen,
				       o->iterations, h), 0);
	zw_nsec3_owner(owner, h, wire("example.", w));
	assert_true(zw_name_to_str(owner, b32, ZW_NAME_STR_MAX) > 0);
}

static const char *n3_text(const struct out *out, const char *name,
			   const struct zw_sign_opts *o)
{
	char owner[ZW_NAME_STR_MAX];

	hash_of(name, o, owner);
	return rr_text(out->z, owner, ZW_TYPE_NSEC3);
}

static void test_nsec3_optout(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	const char *t;

	(void)state;
	o.nsec3 = o.optout = true;
	o.saltlen = 2;
	o.salt[0] = 0xab;
	o.salt[1] = 0xcd;
	o.iterations = 3;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	/* apex, a.b.c, b.c, c (ENTs), mail, ns1, sec, w (ENT), *.w, www:
	 * 10; not the insecure delegation sub nor glue below it */
	assert_int_equal(out.st.nsec, 10);
	assert_null(n3_text(&out, "sub.example.", &o));
	assert_null(n3_text(&out, "ns.sub.example.", &o));
	t = n3_text(&out, "example.", &o);
	assert_non_null(t);
	assert_non_null(strstr(t, " NS SOA MX RRSIG DNSKEY NSEC3PARAM"));
	assert_true(!strncmp(t, "1 1 3 ABCD ", 11));
	t = n3_text(&out, "b.c.example.", &o);
	assert_non_null(t);
	assert_int_equal(strlen(t), strlen("1 1 3 ABCD ") + 32);
	t = n3_text(&out, "sec.example.", &o);
	assert_non_null(strstr(t, " NS DS RRSIG"));
	assert_string_equal(rr_text(out.z, "example.", ZW_TYPE_NSEC3PARAM),
			    "1 0 3 ABCD");
	assert_null(rr_text(out.z, "example.", ZW_TYPE_NSEC));
	/* every NSEC3 signed */
	for (size_t i = 0; i < zw_zone_count(out.z); i++) {
		const struct zw_node *n = zw_zone_node(out.z, i);
		struct zw_rrset rs;

		if (zw_node_rrset(n, ZW_TYPE_NSEC3, 0, &rs))
			assert_int_equal(sigs_over(out.z, n, ZW_TYPE_NSEC3,
						   NULL), 1);
	}
	out_free(&out);
}

/* Without opt-out the insecure delegation is in the chain, bitmap NS. */
static void test_nsec3_full(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	const char *t;
	char next[64], start[200];

	(void)state;
	o.nsec3 = true;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	assert_int_equal(out.st.nsec, 11);
	t = n3_text(&out, "sub.example.", &o);
	assert_non_null(t);
	assert_true(!strncmp(t, "1 0 0 - ", 8));
	assert_string_equal(t + 8 + 33, "NS");
	/* the chain is one cycle through all 11 hashes in order */
	size_t seen = 0;
	snprintf(start, sizeof start, "%s", n3_text(&out, "example.", &o));
	memcpy(next, start + 8, 32);
	next[32] = 0;
	for (;; seen++) {
		char owner[80];

		snprintf(owner, sizeof owner, "%s.example.", next);
		t = rr_text(out.z, owner, ZW_TYPE_NSEC3);
		assert_non_null(t);
		if (seen > 20)
			fail_msg("chain does not close");
		memcpy(next, t + 8, 32);
		if (!strcmp(t, start))
			break;
	}
	assert_int_equal(seen + 1, 11);
	out_free(&out);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	char other[64];
	const char *k[2] = { other, NULL };
	uint16_t t;

	(void)state;
	o.nsec3 = true;
	o.iterations = 151;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 ZW_ERANGE);
	assert_non_null(strstr(out.warn, "iterations 151"));
	out_free(&out);
	o = base_opts();
	t = mk_key(keydir, "other.", ZW_ALG_ECDSAP256, ZW_DNSKEY_ZONE, NULL);
	snprintf(other, sizeof other, "Kother.+013+%05u", t);
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, k, &out),
			 ZW_EKEY);
	assert_non_null(strstr(out.warn, "is for zone other."));
	out_free(&out);
	snprintf(other, sizeof other, "Kexample.+013+%05u", 1);
	assert_true(sign_zone(zone1, "example.", &o, keydir, k, &out) < 0);
	assert_non_null(strstr(out.warn, "Kexample.+013+00001"));
	out_free(&out);
	/* no keys at all */
	assert_int_equal(sign_zone(zone1, "example.", &o, subdir("empty"),
				   NULL, &out), ZW_EKEY);
	assert_non_null(strstr(out.warn, "no active key"));
	out_free(&out);
	/* a bad record names file and line */
	assert_true(sign_zone("$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nx A 1.2\n",
			      "example.", &o, keydir, both, &out) < 0);
	assert_non_null(strstr(out.warn, "zone.db:4"));
	out_free(&out);
}

/* ---- RRSIG details ---- */

static void test_jitter(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out out;
	uint32_t lo = UINT32_MAX, hi = 0;

	(void)state;
	o.jitter = 3 * T_DAY;
	assert_int_equal(sign_zone(zone1, "example.", &o, keydir, both, &out),
			 0);
	for (size_t i = 0; i < zw_zone_count(out.z); i++) {
		const struct zw_node *n = zw_zone_node(out.z, i);
		struct zw_rrset rs;

		for (bool ok = zw_rrset_first(n, &rs); ok;
		     ok = zw_rrset_next(n, &rs)) {
			const uint8_t *p = rs.rdata;

			for (uint32_t j = 0; rs.type == ZW_TYPE_RRSIG &&
					     j < rs.count; j++) {
				uint16_t len = 0;
				struct zw_rrsig s;

				const uint8_t *rd = zw_rr_next(&p, &len);

				assert_int_equal(zw_rrsig_parse(rd, len, &s),
						 0);
				lo = s.expiration < lo ? s.expiration : lo;
				hi = s.expiration > hi ? s.expiration : hi;
			}
		}
	}
	assert_true(lo >= o.expiration - o.jitter);
	assert_true(hi <= o.expiration);
	assert_true(hi - lo > T_DAY);   /* spread, not all equal */
	out_free(&out);
}

static void test_fmt_same_as_rdata(void **state)
{
	uint8_t rd[400], sig[256];
	char a[2048], b[2048];
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < 200; i++) {
		struct zw_rrsig s = { .type_covered = (uint16_t)(i * 37),
				      .alg = 13, .labels = (uint8_t)(i % 5),
				      .orig_ttl = (uint32_t)i * 7919u,
				      .expiration = (uint32_t)i * 86413u * 977u,
				      .inception = (uint32_t)i * 3599u * 1009u,
				      .key_tag = (uint16_t)(i * 263) };
		size_t n, siglen = 1 + (size_t)(i % 130);

		for (size_t k = 0; k < siglen; k++)
			sig[k] = (uint8_t)(rand_r(&seed) >> 3);
		rd[0] = (uint8_t)(s.type_covered >> 8);
		rd[1] = (uint8_t)s.type_covered;
		rd[2] = s.alg;
		rd[3] = s.labels;
		for (int k = 0; k < 4; k++) {
			rd[4 + k] = (uint8_t)(s.orig_ttl >> (24 - 8 * k));
			rd[8 + k] = (uint8_t)(s.expiration >> (24 - 8 * k));
			rd[12 + k] = (uint8_t)(s.inception >> (24 - 8 * k));
		}
		rd[16] = (uint8_t)(s.key_tag >> 8);
		rd[17] = (uint8_t)s.key_tag;
		n = 18 + zw_name_copy(rd + 18, (const uint8_t *)"\7example");
		rd[n - 1] = 0;
		memcpy(rd + n, sig, siglen);
		n += siglen;
		int la = sign_fmt_rrsig(rd, n, a, sizeof a);
		int lb = zw_rdata_to_str(ZW_TYPE_RRSIG, rd, n, b, sizeof b);
		if (la <= 0 || lb <= 0)
			fail_msg("case %d: %d %d", i, la, lb);
		a[la] = 0;
		assert_string_equal(a, b);
	}
}

static void test_fmt_nsec_and_bitmap(void **state)
{
	uint16_t types[] = { 46, 1, 47, 2, 65534, 1, 257, 28 };
	uint16_t copy[8];
	uint8_t a[ZW_BITMAP_MAX], b[ZW_BITMAP_MAX], rd[600];
	char t1[1024], t2[1024];
	int la, lb;

	(void)state;
	memcpy(copy, types, sizeof types);
	la = sign_bitmap(copy, 8, a);
	lb = zw_bitmap_build(types, 8, b, sizeof b);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, (size_t)la);
	size_t nl = zw_name_copy(rd, wire("Next.Example.", (uint8_t[255]){0}));
	memcpy(rd + nl, a, (size_t)la);
	la = sign_fmt_nsec(rd, nl + (size_t)la, t1, sizeof t1);
	lb = zw_rdata_to_str(ZW_TYPE_NSEC, rd, nl + (size_t)lb, t2, sizeof t2);
	assert_true(la > 0);
	t1[la] = 0;
	assert_string_equal(t1, t2);
	/* names: '~' and '.' inside a label come out as \DDD */
	uint8_t odd[] = { 3, 'a', '~', '.', 2, 'e', 'x', 0 };
	assert_true(sign_fmt_name(odd, t1, sizeof t1) > 0);
	assert_string_equal(t1, "a\\126\\046.ex.");
}

/* The fast printers of the bulk types print what zw_rdata_to_str does. */
static void test_fmt_bulk_types(void **state)
{
	static const char *const rr[][2] = {
		{ "NS", "ns1.example.com." }, { "CNAME", "a.b.c." },
		{ "PTR", "x.y." }, { "DNAME", "target.example." },
		{ "A", "192.0.2.1" }, { "A", "0.0.0.0" },
		{ "A", "255.255.255.255" }, { "AAAA", "2001:db8::1" },
		{ "AAAA", "::" }, { "AAAA", "::ffff:192.0.2.1" },
		{ "AAAA", "2001:db8:1:2:3:4:5:6" }, { "MX", "10 mail.example." },
		{ "MX", "0 ." },
		{ "DS", "12345 13 2 0123456789ABCDEF0123456789ABCDEF"
			"0123456789ABCDEF0123456789ABCDEF" },
		{ "DS", "1 8 1 00112233445566778899AABBCCDDEEFF00112233" },
		{ "DS", "65535 14 4 0123456789ABCDEF0123456789ABCDEF0123456789"
			"ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"
			"ABCDEF" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof rr / sizeof rr[0]; i++) {
		int type = zw_rrtype_from_str(rr[i][0], strlen(rr[i][0]));
		struct zw_tok toks[8];
		size_t nt = 0;
		char text[512], a[512], b[512], *save = NULL;
		uint8_t rd[512];

		snprintf(text, sizeof text, "%s", rr[i][1]);
		for (char *t = strtok_r(text, " ", &save); t;
		     t = strtok_r(NULL, " ", &save))
			toks[nt++] = (struct zw_tok){ t, (uint32_t)strlen(t),
						      false };
		int n = zw_rdata_from_str((uint16_t)type, toks, nt,
					  (const uint8_t *)"", rd, sizeof rd,
					  NULL);
		assert_true(n > 0);
		int la = sign_fmt_rdata((uint16_t)type, rd, (size_t)n, a,
					sizeof a);
		int lb = zw_rdata_to_str((uint16_t)type, rd, (size_t)n, b,
					 sizeof b);
		assert_true(la > 0 && lb > 0);
		a[la] = 0;
		assert_string_equal(a, b);
	}
	/* other types and bad lengths go to the generic printer */
	char out[64];
	assert_int_equal(sign_fmt_rdata(ZW_TYPE_TXT, (const uint8_t *)"\1a",
					2, out, sizeof out), ZW_EMALF);
	assert_int_equal(sign_fmt_rdata(ZW_TYPE_A, (const uint8_t *)"abc", 3,
					out, sizeof out), ZW_EMALF);
	assert_int_equal(sign_fmt_rdata(ZW_TYPE_NS, (const uint8_t *)"\3ab",
					3, out, sizeof out), ZW_EMALF);
}

/* The fast P-256 path: pooled nonces made on another thread, signatures
 * that verify, and never one nonce twice (r values all distinct, over
 * more signatures than the pool held). */
struct maker {
	struct sign_p256 *e;
};

static void *make_nonces(void *p)
{
	sign_p256_produce(p);
	return NULL;
}

static int r_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

static void test_p256_pool(void **state)
{
	uint8_t owner[ZW_NAME_MAX], msg[40], sig[64];
	struct zw_key *k = zw_key_generate(wire("example.", owner),
					   ZW_ALG_ECDSAP256, 0, ZW_DNSKEY_ZONE,
					   NULL);
	struct sign_p256 *e = sign_p256_new(k, 1000);
	struct sign_p256_ctx *c = NULL;
	pthread_t t;
	size_t made, n;
	uint8_t (*rs)[32];

	(void)state;
	assert_non_null(e);
	assert_int_equal(pthread_create(&t, NULL, make_nonces, e), 0);
	while (sign_p256_made(e) < 300)
		usleep(1000);
	sign_p256_stop(e);
	pthread_join(t, NULL);
	made = sign_p256_made(e);
	n = made + 200;                         /* pool, then inline */
	rs = malloc(n * 32);
	assert_non_null(rs);
	assert_int_equal(sign_p256_ctx_init(&c), 0);
	for (size_t i = 0; i < n; i++) {
		memset(msg, 0, sizeof msg);
		memcpy(msg, &i, sizeof i);
		assert_int_equal(sign_p256_sign(e, c, msg, sizeof msg, sig),
				 64);
		assert_int_equal(zw_key_verify(k, msg, sizeof msg, sig, 64), 0);
		memcpy(rs[i], sig, 32);
	}
	qsort(rs, n, 32, r_cmp);
	for (size_t i = 1; i < n; i++)
		assert_true(memcmp(rs[i - 1], rs[i], 32) != 0);
	/* not for other algorithms or public-only keys */
	struct zw_key *ed = zw_key_generate(owner, ZW_ALG_ED25519, 0,
					    ZW_DNSKEY_ZONE, NULL);
	assert_null(sign_p256_new(ed, 0));
	free(rs);
	zw_key_free(ed);
	sign_p256_ctx_free(c);
	sign_p256_free(e);
	zw_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsec_chain),
		cmocka_unit_test(test_what_is_signed),
		cmocka_unit_test(test_ksk_only_and_z),
		cmocka_unit_test(test_single_key),
		cmocka_unit_test(test_nsec3_optout),
		cmocka_unit_test(test_nsec3_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_fmt_same_as_rdata),
		cmocka_unit_test(test_fmt_nsec_and_bitmap),
		cmocka_unit_test(test_fmt_bulk_types),
		cmocka_unit_test(test_p256_pool),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
