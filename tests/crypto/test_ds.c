/* crypto/ds.c: DS digests 1, 2 and 4 against RFC 4034, 4509, 6605 and 8080;
 * matching; CDS/CDNSKEY and the RFC 8078 delete records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/ds.h"
#include "crypto/key.h"
#include "dns/err.h"
#include "tests/crypto/vec.h"

/* The DS printed after `ds_marker` ("DS <tag> <alg> <type>") must be what
 * we compute from the DNSKEY after `key_marker`. */
static void check_ds(const char *sec, const char *owner, uint16_t flags,
		     uint8_t alg, const char *key_marker, uint16_t tag,
		     uint8_t type)
{
	uint8_t name[ZW_NAME_MAX], rd[1024], want[ZW_DS_MAX], got[ZW_DS_MAX];
	char marker[64];
	size_t len, dlen;
	int n;

	vec_name(owner, name);
	len = vec_dnskey(flags, alg, vec_after(sec, key_marker), rd,
			 sizeof(rd));
	snprintf(marker, sizeof(marker), "DS %u %u %u", tag, alg, type);
	want[0] = (uint8_t)(tag >> 8);
	want[1] = (uint8_t)tag;
	want[2] = alg;
	want[3] = type;
	dlen = vec_hex(vec_after(sec, marker), want + 4, sizeof(want) - 4);
	assert_int_equal(dlen, zw_ds_digest_len(type));

	n = zw_ds_from_dnskey(name, rd, len, type, got, sizeof(got));
	assert_int_equal(n, 4 + (int)dlen);
	assert_memory_equal(got, want, (size_t)n);
	assert_int_equal(zw_ds_match(want, (size_t)n, name, rd, len), 0);
	/* The owner is lower-cased before hashing. */
	for (uint8_t *p = name; *p; p += *p + 1)
		for (int i = 1; i <= *p; i++)
			if (p[i] >= 'a' && p[i] <= 'z')
				p[i] -= 32;
	n = zw_ds_from_dnskey(name, rd, len, type, got, sizeof(got));
	assert_memory_equal(got, want, (size_t)n);
	/* Any other key or digest does not match. */
	want[4] ^= 1;
	assert_int_equal(zw_ds_match(want, (size_t)n, name, rd, len),
			 ZW_ENOTFOUND);
	want[4] ^= 1;
	rd[len - 1] ^= 1;
	assert_int_equal(zw_ds_match(want, (size_t)n, name, rd, len),
			 ZW_ENOTFOUND);
}

static void test_rfc4034_4509(void **state)
{
	const char *v = vec_load("rfc/rfc4034-keytag-ds.txt");
	const char *w = vec_load("rfc/rfc4509-ds-sha256.txt");

	(void)state;
	check_ds(vec_after(v, "5.4.  DS RR Example"), "dskey.example.com.",
		 256, 5, "DNSKEY 256 3 5", 60485, 1);
	check_ds(w, "dskey.example.com.", 256, 5, "DNSKEY 256 3 5", 60485, 2);
}

static void test_rfc6605(void **state)
{
	const char *v = vec_load("rfc/rfc6605-examples.txt");

	(void)state;
	check_ds(vec_after(v, "6.1.  P-256"), "example.net.", 257, 13,
		 "DNSKEY 257 3 13", 55648, 2);
	check_ds(vec_after(v, "6.2.  P-384"), "example.net.", 257, 14,
		 "DNSKEY 257 3 14", 10771, 4);
}

static void test_rfc8080(void **state)
{
	const char *p = vec_load("rfc/rfc8080-examples.txt");
	static const uint16_t tags[4] = { 3613, 35217, 9713, 38353 };

	(void)state;
	p = vec_after(p, "6.1.  Ed25519 Examples");
	for (int i = 0; i < 4; i++) {
		uint8_t alg = i < 2 ? 15 : 16;

		p = vec_after(p, "Private-key-format:");
		check_ds(p, "example.com.", 257, alg,
			 alg == 15 ? "DNSKEY 257 3 15" : "DNSKEY 257 3 16",
			 tags[i], 2);
	}
}

static void test_from_key_and_cds(void **state)
{
	uint8_t name[ZW_NAME_MAX], rd[1024], a[ZW_DS_MAX], b[ZW_DS_MAX];
	int err = 0, n, len;
	struct zw_key *k;

	(void)state;
	k = zw_key_generate(vec_name("example.", name), 13, 0, 257, &err);
	assert_non_null(k);
	len = zw_key_dnskey_rdata(k, rd, sizeof(rd));
	for (uint8_t t = 1; t <= 4; t++) {
		if (t == 3) {   /* GOST: not supported */
			assert_int_equal(zw_ds_from_key(k, t, a, sizeof(a)),
					 ZW_EALG);
			continue;
		}
		n = zw_ds_from_key(k, t, a, sizeof(a));
		assert_int_equal(n, 4 + zw_ds_digest_len(t));
		assert_int_equal(a[0] << 8 | a[1], k->tag);
		assert_int_equal(a[2], 13);
		assert_int_equal(a[3], t);
		assert_int_equal(zw_ds_from_dnskey(name, rd, (size_t)len, t, b,
						   sizeof(b)), n);
		assert_memory_equal(a, b, (size_t)n);
		assert_int_equal(zw_cds_from_key(k, t, b, sizeof(b)), n);
		assert_memory_equal(a, b, (size_t)n);
		assert_int_equal(zw_ds_from_key(k, t, a, (size_t)n - 1),
				 ZW_ENOSPC);
	}
	n = zw_cdnskey_from_key(k, a, 4);
	assert_int_equal(n, ZW_ENOSPC);
	assert_int_equal(zw_cdnskey_from_key(k, rd + 100, 200), len);
	assert_memory_equal(rd + 100, rd, (size_t)len);

	/* Malformed or unsupported DS rdata. */
	n = zw_ds_from_key(k, 2, a, sizeof(a));
	assert_int_equal(zw_ds_match(a, 3, name, rd, (size_t)len), ZW_EMALF);
	assert_int_equal(zw_ds_match(a, (size_t)n - 1, name, rd, (size_t)len),
			 ZW_EMALF);
	a[3] = 3;
	assert_int_equal(zw_ds_match(a, (size_t)n, name, rd, (size_t)len),
			 ZW_EALG);
	zw_key_free(k);
}

static void test_delete_and_names(void **state)
{
	uint8_t rd[8];

	(void)state;
	assert_int_equal(zw_cds_delete(rd, sizeof(rd)), 5);
	assert_memory_equal(rd, "\0\0\0\0\0", 5);
	assert_int_equal(zw_cdnskey_delete(rd, sizeof(rd)), 5);
	assert_memory_equal(rd, "\0\0\3\0\0", 5);
	assert_int_equal(zw_cds_delete(rd, 4), ZW_ENOSPC);

	assert_string_equal(zw_ds_digest_name(1), "SHA-1");
	assert_string_equal(zw_ds_digest_name(4), "SHA-384");
	assert_null(zw_ds_digest_name(3));
	assert_int_equal(zw_ds_digest_from_name("SHA-256"), 2);
	assert_int_equal(zw_ds_digest_from_name("sha384"), 4);
	assert_int_equal(zw_ds_digest_from_name("1"), 1);
	assert_int_equal(zw_ds_digest_from_name("3"), ZW_EALG);
	assert_int_equal(zw_ds_digest_from_name("SHA-512"), ZW_EALG);
	assert_int_equal(zw_ds_digest_len(2), 32);
	assert_int_equal(zw_ds_digest_len(0), ZW_EALG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4034_4509),
		cmocka_unit_test(test_rfc6605),
		cmocka_unit_test(test_rfc8080),
		cmocka_unit_test(test_from_key_and_cds),
		cmocka_unit_test(test_delete_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
