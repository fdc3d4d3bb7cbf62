/* Wycheproof through zw_key_verify: every ECDSA P-256/P-384 test in IEEE
 * P1363 form (raw r||s, the DNSSEC form of RFC 6605) and every Ed25519
 * test. Each "valid" must verify, each "invalid" must be rejected (a public
 * key we refuse to load counts as a rejection). "acceptable" (none in the
 * stored files) may go either way: such cases are legal-but-odd encodings
 * whose treatment Wycheproof leaves to the implementation; we take what
 * OpenSSL decides and print the count.
 *
 * The JSON is turned into line fixtures by scripts/wycheproof2fixture.py;
 * each fixture records the SHA-256 of its JSON source, checked here against
 * ../shared/vectors/wycheproof so a stale fixture fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "crypto/key.h"
#include "dns/base.h"
#include "dns/err.h"
#include "tests/util/testutil.h"


struct counts {
	int valid, invalid, acceptable, accepted_ok;
};

static void sha256_hex(const char *path, char *hex)
{
	size_t len;
	char *data = zw_test_read_file(path, &len);
	uint8_t md[32];

	assert_non_null(data);
	assert_int_equal(EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL), 1);
	free(data);
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

/* "# source F sha256 H tests N": the source must be the stored JSON. */
static int check_header(const char *line)
{
	char src[128], sha[65], want[65];
	int n;

	assert_int_equal(sscanf(line, "# source %127s sha256 %64s tests %d",
				src, sha, &n), 3);
	char rel[160];
	snprintf(rel, sizeof(rel), "wycheproof/%s", src);
	sha256_hex(zw_test_vector(rel), want);
	if (strcmp(sha, want) != 0)
		fail_msg("%s changed: rerun scripts/wycheproof2fixture.py", src);
	return n;
}

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	int n;

	if (strcmp(s, "-") == 0)
		return 0;
	n = zw_hex_decode(s, strlen(s), out, max);
	assert_true(n >= 0);
	return (size_t)n;
}

/* One test: 0 when it verified, else the (negative) reason. */
static int run_one(uint8_t alg, char *key, char *msg, char *sig,
		   struct zw_key **cache, char *cached_hex)
{
	static uint8_t m[1 << 16], s[1024];
	uint8_t rd[4 + 200];
	size_t mlen = unhex(msg, m, sizeof(m)), slen = unhex(sig, s, sizeof(s));
	int err = 0;

	if (!*cache || strcmp(cached_hex, key) != 0) {
		zw_key_free(*cache);
		memcpy(rd, "\x01\x00\x03", 3);
		rd[3] = alg;
		size_t klen = unhex(key, rd + 4, sizeof(rd) - 4);
		*cache = zw_key_from_dnskey((const uint8_t *)"\0", rd, 4 + klen,
					    &err);
		strcpy(cached_hex, key);
		if (!*cache)
			return err;
	}
	return zw_key_verify(*cache, m, mlen, s, slen);
}

static void run_file(const char *fixture, uint8_t alg, struct counts *c)
{
	const char *root = getenv("ZW_ROOT");
	char path[1024], *line = NULL, key[512] = "";
	size_t cap = 0;
	int expect, lines = 0;
	struct zw_key *cache = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/crypto/data/%s",
		 root && *root ? root : ".", fixture);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(getline(&line, &cap, f) > 0);
	expect = check_header(line);
	while (getline(&line, &cap, f) > 0) {
		char id[16], res[16], k[512], flags[512];
		static char msg[1 << 17], sig[2048];
		int rc;

		assert_int_equal(sscanf(line, "%15s %15s %511s %131071s %2047s "
					"%511s", id, res, k, msg, sig, flags), 6);
		rc = run_one(alg, k, msg, sig, &cache, key);
		lines++;
		if (strcmp(res, "valid") == 0) {
			c->valid++;
			if (rc != 0)
				fail_msg("%s tcId %s (%s): valid, got %s",
					 fixture, id, flags, zw_strerror(rc));
		} else if (strcmp(res, "invalid") == 0) {
			c->invalid++;
			if (rc == 0)
				fail_msg("%s tcId %s (%s): invalid, verified",
					 fixture, id, flags);
		} else {
			assert_string_equal(res, "acceptable");
			c->acceptable++;
			c->accepted_ok += rc == 0;
		}
	}
	assert_int_equal(lines, expect);
	zw_key_free(cache);
	free(line);
	fclose(f);
	print_message("%s: %d valid verified, %d invalid rejected, %d "
		      "acceptable (%d verified)\n", fixture, c->valid,
		      c->invalid, c->acceptable, c->accepted_ok);
}

static void test_ecdsa_p256(void **state)
{
	struct counts c = { 0 };

	(void)state;
	run_file("wycheproof_ecdsa_p256.txt", 13, &c);
	assert_int_equal(c.valid + c.invalid + c.acceptable, 262);
}

static void test_ecdsa_p384(void **state)
{
	struct counts c = { 0 };

	(void)state;
	run_file("wycheproof_ecdsa_p384.txt", 14, &c);
	assert_int_equal(c.valid + c.invalid + c.acceptable, 280);
}

static void test_ed25519(void **state)
{
	struct counts c = { 0 };

	(void)state;
	run_file("wycheproof_ed25519.txt", 15, &c);
	assert_int_equal(c.valid + c.invalid + c.acceptable, 151);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecdsa_p256),
		cmocka_unit_test(test_ecdsa_p384),
		cmocka_unit_test(test_ed25519),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
