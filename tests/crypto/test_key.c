/* crypto/key.c, crypto/pkey.c: key tags, DNSKEY parsing, BIND private
 * fields, private -> public derivation, against the RFC / BIND / Knot
 * vectors in ../shared/vectors/rfc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/key.h"
#include "dns/err.h"
#include "tests/crypto/vec.h"

static const char *const rsa_names[8] = {
	"Modulus", "PublicExponent", "PrivateExponent", "Prime1",
	"Prime2",  "Exponent1",	     "Exponent2",	"Coefficient",
};

/* ---- key tags ---- */

/* RFC 4034 Appendix B checksum, written out plainly as a reference. */
static uint16_t ref_checksum(const uint8_t *rd, size_t len)
{
	unsigned long ac = 0;

	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rd[i] : (unsigned long)rd[i] << 8;
	ac += (ac >> 16) & 0xFFFF;
	return ac & 0xFFFF;
}

static void check_tag(const char *owner, const uint8_t *rd, size_t len,
		      uint16_t want)
{
	uint8_t name[ZW_NAME_MAX];
	int err = 0;
	struct zw_key *k;

	assert_int_equal(zw_keytag(rd, len), want);
	k = zw_key_from_dnskey(vec_name(owner, name), rd, len, &err);
	assert_non_null(k);
	assert_int_equal(k->tag, want);
	assert_false(k->has_private);
	assert_true(zw_name_equal(k->owner, name));
	zw_key_free(k);
}

static void test_keytag_rfc4034(void **state)
{
	const char *v = vec_load("rfc/rfc4034-keytag-ds.txt");
	const char *sec23 = vec_after(v, "2.3.  DNSKEY RR Example");
	const char *sec54 = vec_after(v, "5.4.  DS RR Example");
	uint8_t rd[1024];
	size_t len;

	(void)state;
	len = vec_dnskey(256, 5, vec_after(sec23, "DNSKEY 256 3 5"), rd,
			 sizeof(rd));
	check_tag("example.com.", rd, len, 2642);
	len = vec_dnskey(256, 5, vec_after(sec54, "DNSKEY 256 3 5"), rd,
			 sizeof(rd));
	check_tag("dskey.example.com.", rd, len, 60485);
}

static void test_keytag_knot(void **state)
{
	const char *v = vec_load("rfc/knot-libdnssec-vectors.txt");
	uint8_t rd[1024], name[ZW_NAME_MAX];
	char hex[1024];
	int err = 0;
	size_t len;

	(void)state;
	/* Algorithm 1: the modulus rule, not the checksum (which is 31436). */
	vec_join(vec_after(v, "rsamd5_rdata_hex "), vec_is_hex, hex,
		 sizeof(hex), NULL);
	len = vec_hexstr(hex, rd, sizeof(rd));
	assert_int_equal(atoi(vec_after(v, "rsamd5_keytag ")), 40866);
	assert_int_equal(zw_keytag(rd, len), 40866);
	assert_int_equal(ref_checksum(rd, len), 31436);
	/* RSAMD5 keys are neither signed nor verified. */
	assert_null(zw_key_from_dnskey(vec_name("x.", name), rd, len, &err));
	assert_int_equal(err, ZW_EALG);

	vec_join(vec_after(v, "ecdsa384_rdata_hex "), vec_is_hex, hex,
		 sizeof(hex), NULL);
	len = vec_hexstr(hex, rd, sizeof(rd));
	check_tag("x.", rd, len, (uint16_t)atoi(vec_after(v, "ecdsa384_keytag ")));
	assert_int_equal(zw_keytag(rd, len), 61768);
	assert_int_equal(ref_checksum(rd, len), 61768);
}

static void test_keytag_bind(void **state)
{
	const char *v = vec_load("rfc/bind9-nsec3-keytag-vectors.txt");
	uint8_t rd[1024];
	size_t len;

	(void)state;
	len = vec_dnskey(256, 8, vec_after(v, "test. IN DNSKEY 256 3 8"), rd,
			 sizeof(rd));
	check_tag("test.", rd, len, 11349);
	len = vec_dnskey(256, 13, vec_after(v, "test. IN DNSKEY 256 3 13"),
			 rd, sizeof(rd));
	assert_int_equal(len, 4 + 64);
	check_tag("test.", rd, len, 49130);
}

/* ---- private keys from the RFC examples ---- */

struct fieldset {
	struct zw_key_field f[ZW_KEY_FIELDS_MAX];
	uint8_t store[8][600];
	size_t n;
};

static void add_field(struct fieldset *fs, const char *sec, const char *name)
{
	char marker[64];

	snprintf(marker, sizeof(marker), "%s:", name);
	fs->f[fs->n].name = name;
	fs->f[fs->n].len = vec_b64(vec_after(sec, marker), fs->store[fs->n],
				   sizeof(fs->store[0]));
	fs->f[fs->n].data = fs->store[fs->n];
	fs->n++;
}

/* The key from `sec`'s private fields must have the public key printed
 * after `dnskey_marker` and the printed tag; its exported fields must be
 * the imported ones, in BIND's order. */
static struct zw_key *check_private(const char *sec, uint8_t alg,
				    uint16_t flags, const char *dnskey_marker,
				    uint16_t tag)
{
	struct fieldset fs = { .n = 0 };
	struct zw_key_field out[ZW_KEY_FIELDS_MAX];
	uint8_t rd[1024], name[ZW_NAME_MAX], store[4096];
	size_t len;
	int err = 0, n;
	struct zw_key *k;

	if (alg == 8 || alg == 10)
		for (int i = 0; i < 8; i++)
			add_field(&fs, sec, rsa_names[i]);
	else
		add_field(&fs, sec, "PrivateKey");
	k = zw_key_from_fields(vec_name("example.net.", name), alg, flags,
			       fs.f, fs.n, &err);
	assert_non_null(k);
	assert_true(k->has_private);
	len = vec_dnskey(flags, alg, vec_after(sec, dnskey_marker), rd,
			 sizeof(rd));
	assert_int_equal(zw_key_match_dnskey(k, rd, len), 0);
	assert_int_equal(k->tag, tag);
	assert_int_equal(zw_keytag(rd, len), tag);

	n = zw_key_to_fields(k, out, store, sizeof(store));
	assert_int_equal(n, (int)fs.n);
	for (int i = 0; i < n; i++) {
		assert_string_equal(out[i].name, fs.f[i].name);
		assert_int_equal(out[i].len, fs.f[i].len);
		assert_memory_equal(out[i].data, fs.f[i].data, out[i].len);
	}
	return k;
}

static void test_rfc5702_keys(void **state)
{
	const char *v = vec_load("rfc/rfc5702-examples.txt");

	(void)state;
	zw_key_free(check_private(vec_after(v, "6.1.  RSA/SHA-256 Key"), 8, 256,
				  "DNSKEY  (256 3 8", 9033));
	zw_key_free(check_private(vec_after(v, "6.2.  RSA/SHA-512 Key"), 10,
				  256, "DNSKEY  (256 3 10", 3740));
}

static void test_rfc6605_keys(void **state)
{
	const char *v = vec_load("rfc/rfc6605-examples.txt");

	(void)state;
	zw_key_free(check_private(vec_after(v, "6.1.  P-256 Example"), 13, 257,
				  "DNSKEY 257 3 13", 55648));
	zw_key_free(check_private(vec_after(v, "6.2.  P-384 Example"), 14, 257,
				  "DNSKEY 257 3 14", 10771));
}

static void test_rfc8080_keys(void **state)
{
	const char *v = vec_load("rfc/rfc8080-examples.txt");
	const char *p = vec_after(v, "6.1.  Ed25519 Examples");
	static const uint16_t tags[4] = { 3613, 35217, 9713, 38353 };

	(void)state;
	for (int i = 0; i < 4; i++) {
		uint8_t alg = i < 2 ? 15 : 16;

		p = vec_after(p, "Private-key-format:");
		zw_key_free(check_private(p, alg, 257,
					  alg == 15 ? "DNSKEY 257 3 15"
						    : "DNSKEY 257 3 16",
					  tags[i]));
	}
}

/* ---- generated keys ---- */

static void test_generated_fields_roundtrip(void **state)
{
	static const uint8_t algs[] = { 8, 10, 13, 14, 15, 16 };
	uint8_t name[ZW_NAME_MAX], store[4096], sig[ZW_SIG_MAX];
	const uint8_t msg[] = "zonewire";

	(void)state;
	vec_name("Example.COM.", name);
	for (size_t i = 0; i < sizeof(algs); i++) {
		struct zw_key_field f[ZW_KEY_FIELDS_MAX];
		int err = 0, n, slen;
		struct zw_key *g, *k;

		g = zw_key_generate(name, algs[i], algs[i] == 10 ? 1024 : 0,
				    257, &err);
		assert_non_null(g);
		assert_int_equal(g->flags, 257);
		assert_int_equal(g->alg, algs[i]);
		n = zw_key_to_fields(g, f, store, sizeof(store));
		assert_int_equal(n, algs[i] <= 10 ? 8 : 1);
		k = zw_key_from_fields(name, algs[i], 257, f, (size_t)n, &err);
		assert_non_null(k);
		/* Same public key, same tag, and each verifies the other. */
		assert_int_equal(k->publen, g->publen);
		assert_memory_equal(k->pub, g->pub, g->publen);
		assert_int_equal(k->tag, g->tag);
		slen = zw_key_sign(g, msg, sizeof(msg), sig, sizeof(sig));
		assert_true(slen > 0);
		assert_int_equal(zw_key_verify(k, msg, sizeof(msg), sig,
					       (size_t)slen), 0);
		slen = zw_key_sign(k, msg, sizeof(msg), sig, sizeof(sig));
		assert_int_equal(zw_key_verify(g, msg, sizeof(msg), sig,
					       (size_t)slen), 0);
		zw_key_free(g);
		zw_key_free(k);
	}
}

static void test_generate_sizes(void **state)
{
	uint8_t name[ZW_NAME_MAX];
	int err = 0;
	struct zw_key *k;

	(void)state;
	vec_name("example.", name);
	k = zw_key_generate(name, 8, 0, 256, &err);
	assert_non_null(k);
	/* RFC 3110: exponent length 3 (65537), then a 2048-bit modulus. */
	assert_int_equal(k->publen, 1 + 3 + 256);
	assert_int_equal(k->pub[0], 3);
	assert_int_equal(zw_key_sig_size(k), 256);
	zw_key_free(k);
	assert_null(zw_key_generate(name, 8, 512, 256, &err));
	assert_int_equal(err, ZW_ERANGE);
	assert_null(zw_key_generate(name, 5, 0, 256, &err));
	assert_int_equal(err, ZW_EALG);
	assert_null(zw_key_generate(name, 99, 0, 256, &err));
	assert_int_equal(err, ZW_EALG);
	k = zw_key_generate(name, 16, 0, 256, &err);
	assert_int_equal(k->publen, 57);
	assert_int_equal(zw_key_sig_size(k), 114);
	zw_key_free(k);
}

/* ---- bad inputs ---- */

static void expect_dnskey_err(const uint8_t *rd, size_t len, int want)
{
	uint8_t name[ZW_NAME_MAX];
	int err = 0;

	assert_null(zw_key_from_dnskey(vec_name("x.", name), rd, len, &err));
	assert_int_equal(err, want);
}

static void test_bad_dnskey(void **state)
{
	const char *v = vec_load("rfc/rfc6605-examples.txt");
	uint8_t rd[1024];
	size_t len;

	(void)state;
	len = vec_dnskey(257, 13, vec_after(v, "DNSKEY 257 3 13"), rd,
			 sizeof(rd));
	expect_dnskey_err(rd, 3, ZW_EKEY);
	rd[2] = 2;      /* protocol must be 3 */
	expect_dnskey_err(rd, len, ZW_EKEY);
	rd[2] = 3;
	rd[3] = 99;
	expect_dnskey_err(rd, len, ZW_EALG);
	rd[3] = 14;     /* a P-256 point is too short for P-384 */
	expect_dnskey_err(rd, len, ZW_EKEY);
	rd[3] = 13;
	expect_dnskey_err(rd, len - 1, ZW_EKEY);
	rd[len - 1] ^= 1;       /* no longer on the curve */
	expect_dnskey_err(rd, len, ZW_EKEY);
	rd[3] = 15;
	expect_dnskey_err(rd, len, ZW_EKEY);

	/* RSA: exponent length running past the end, empty modulus, a
	 * modulus below 512 bits. */
	memcpy(rd, "\x01\x00\x03\x08\x05\x01\x00\x01", 8);
	expect_dnskey_err(rd, 8, ZW_EKEY);
	memcpy(rd, "\x01\x00\x03\x08\x03\x01\x00\x01", 8);
	expect_dnskey_err(rd, 8, ZW_EKEY);
	memset(rd + 8, 0xff, 63);
	expect_dnskey_err(rd, 8 + 63, ZW_EKEY);
	memcpy(rd, "\x01\x00\x03\x08\x00\x00", 6);
	expect_dnskey_err(rd, 6, ZW_EKEY);
}

static void test_bad_fields(void **state)
{
	uint8_t name[ZW_NAME_MAX], zero[48] = { 0 }, ff[48], store[4096];
	struct zw_key_field f[ZW_KEY_FIELDS_MAX];
	int err = 0, n;
	struct zw_key *k;

	(void)state;
	memset(ff, 0xff, sizeof(ff));
	vec_name("x.", name);
	f[0] = (struct zw_key_field){ "PrivateKey", zero, 32 };
	assert_null(zw_key_from_fields(name, 13, 256, f, 1, &err));
	assert_int_equal(err, ZW_EKEY);
	f[0] = (struct zw_key_field){ "PrivateKey", ff, 32 };   /* >= order */
	assert_null(zw_key_from_fields(name, 13, 256, f, 1, &err));
	f[0] = (struct zw_key_field){ "PrivateKey", ff + 1, 33 };
	assert_null(zw_key_from_fields(name, 13, 256, f, 1, &err));
	f[0] = (struct zw_key_field){ "Modulus", ff, 32 };
	assert_null(zw_key_from_fields(name, 15, 256, f, 1, &err));
	assert_int_equal(err, ZW_EKEY);
	assert_null(zw_key_from_fields(name, 99, 256, f, 1, &err));
	assert_int_equal(err, ZW_EALG);

	/* RSA with Prime1 and Prime2 swapped for Exponent1: n != p*q. */
	k = zw_key_generate(name, 8, 1024, 256, &err);
	n = zw_key_to_fields(k, f, store, sizeof(store));
	assert_int_equal(n, 8);
	f[3].data = f[5].data;
	assert_null(zw_key_from_fields(name, 8, 256, f, 8, &err));
	assert_int_equal(err, ZW_EKEY);
	/* CRT values all or none. */
	assert_null(zw_key_from_fields(name, 8, 256, f, 4, &err));
	/* Unknown names are ignored; n, e, d alone still make a key, and it
	 * exports just those three. */
	n = zw_key_to_fields(k, f, store, sizeof(store));
	f[3] = (struct zw_key_field){ "Engine", ff, 4 };
	struct zw_key *k3 = zw_key_from_fields(name, 8, 256, f, 4, &err);
	assert_non_null(k3);
	assert_int_equal(k3->tag, k->tag);
	assert_int_equal(zw_key_to_fields(k3, f, store, sizeof(store)), 3);
	zw_key_free(k3);
	assert_int_equal(zw_key_to_fields(k, f, store, 100), ZW_ENOSPC);
	zw_key_free(k);
}

static void test_flags_and_rdata(void **state)
{
	uint8_t name[ZW_NAME_MAX], rd[1100];
	int err = 0, len;
	uint16_t tag;
	struct zw_key *k, *pub;

	(void)state;
	k = zw_key_generate(vec_name("example.", name), 13, 0, 257, &err);
	assert_non_null(k);
	len = zw_key_dnskey_rdata(k, rd, sizeof(rd));
	assert_int_equal(len, 4 + 64);
	assert_memory_equal(rd, "\x01\x01\x03\x0d", 4);
	assert_int_equal(zw_keytag(rd, (size_t)len), k->tag);
	assert_int_equal(zw_key_dnskey_rdata(k, rd, 67), ZW_ENOSPC);

	pub = zw_key_from_dnskey(name, rd, (size_t)len, &err);
	assert_non_null(pub);
	assert_int_equal(pub->tag, k->tag);
	assert_int_equal(pub->flags, 257);
	assert_int_equal(zw_key_to_fields(pub, NULL, rd, sizeof(rd)), ZW_EKEY);

	/* REVOKE: the tag follows the flags. */
	tag = k->tag;
	zw_key_set_flags(k, 257 | ZW_DNSKEY_REVOKE);
	len = zw_key_dnskey_rdata(k, rd, sizeof(rd));
	assert_int_equal(zw_keytag(rd, (size_t)len), k->tag);
	assert_int_not_equal(k->tag, tag);
	/* Flags differ, key matches; another key does not. */
	assert_int_equal(zw_key_match_dnskey(pub, rd, (size_t)len), 0);
	rd[len - 1] ^= 1;
	assert_int_equal(zw_key_match_dnskey(pub, rd, (size_t)len), ZW_EKEY);
	zw_key_free(pub);
	zw_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keytag_rfc4034),
		cmocka_unit_test(test_keytag_knot),
		cmocka_unit_test(test_keytag_bind),
		cmocka_unit_test(test_rfc5702_keys),
		cmocka_unit_test(test_rfc6605_keys),
		cmocka_unit_test(test_rfc8080_keys),
		cmocka_unit_test(test_generated_fields_roundtrip),
		cmocka_unit_test(test_generate_sizes),
		cmocka_unit_test(test_bad_dnskey),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_flags_and_rdata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
