#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/base.h"
#include "dns/err.h"

typedef int (*enc_fn)(const uint8_t *, size_t, char *, size_t);
typedef int (*dec_fn)(const char *, size_t, uint8_t *, size_t);

/* RFC 4648 §10 test vectors. */
static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba",
				     "foobar" };
static const char *const b64[] = { "",	   "Zg==",     "Zm8=",	   "Zm9v",
				   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
/* base32hex with the padding removed, as NSEC3 writes it. */
static const char *const b32[] = { "",	    "CO",	"CPNG",	      "CPNMU",
				   "CPNMUOG", "CPNMUOJ1", "CPNMUOJ1E8" };
static const char *const hex[] = { "",	     "66",	   "666F",
				   "666F6F", "666F6F62", "666F6F6261",
				   "666F6F626172" };

static void check_vectors(enc_fn enc, dec_fn dec, const char *const *want)
{
	char s[64];
	uint8_t b[64];

	for (size_t i = 0; i < 7; i++) {
		size_t pl = strlen(plain[i]), wl = strlen(want[i]);

		assert_int_equal(enc((const uint8_t *)plain[i], pl, s, sizeof(s)),
				 (int)wl);
		assert_string_equal(s, want[i]);
		assert_int_equal(dec(want[i], wl, b, sizeof(b)), (int)pl);
		assert_memory_equal(b, plain[i], pl);
		/* Exact output sizes: encoders need one more for the NUL. */
		assert_int_equal(enc((const uint8_t *)plain[i], pl, s, wl + 1),
				 (int)wl);
		assert_int_equal(enc((const uint8_t *)plain[i], pl, s, wl),
				 ZW_ENOSPC);
		assert_int_equal(dec(want[i], wl, b, pl), (int)pl);
		if (pl)
			assert_int_equal(dec(want[i], wl, b, pl - 1), ZW_ENOSPC);
	}
}

static void test_b64_vectors(void **state)
{
	(void)state;
	check_vectors(zw_b64_encode, zw_b64_decode, b64);
}

static void test_b32_vectors(void **state)
{
	(void)state;
	check_vectors(zw_b32hex_encode, zw_b32hex_decode, b32);
}

static void test_hex_vectors(void **state)
{
	(void)state;
	check_vectors(zw_hex_encode, zw_hex_decode, hex);
}

static void expect_bad(dec_fn dec, const char *s, int err)
{
	uint8_t b[64];

	if (dec(s, strlen(s), b, sizeof(b)) != err)
		fail_msg("'%s' not rejected with %d", s, err);
}

static void test_b64_malformed(void **state)
{
	const char *bad[] = { "Zg=",  "Zg",	"Z===", "====", "Zm9v=",
			      "Zg==Zg==", "Zh==", "Zm9=", "Zm 9", "Zm9-",
			      "Zm9_", "Z=g=", "Zm=v" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(zw_b64_decode, bad[i], ZW_EBASE64);
}

static void test_b32_malformed(void **state)
{
	const char *bad[] = { "C",	   "CPN",    "CPNMUO", "CO======",
			      "CPNG====",  "CW",     "CX",     "CP=G",
			      "CPNMU OG", "CPNH", "CPNMV", "CPNMUOH" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(zw_b32hex_decode, bad[i], ZW_EBASE32);
}

static void test_b32_case(void **state)
{
	uint8_t b[16];

	(void)state;
	assert_int_equal(zw_b32hex_decode("cpnmuoj1e8", 10, b, sizeof(b)), 6);
	assert_memory_equal(b, "foobar", 6);
}

static void test_hex_malformed(void **state)
{
	const char *bad[] = { "6", "666", "6G", "G6", " 6", "0x" };
	uint8_t b[4];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(zw_hex_decode, bad[i], ZW_EHEX);
	assert_int_equal(zw_hex_decode("aBcD", 4, b, sizeof(b)), 2);
	assert_memory_equal(b, "\xab\xcd", 2);
}

/* Every length 0..40 of every byte pattern round-trips. */
static void test_round_trip(void **state)
{
	uint8_t in[40], out[64];
	char s[128];

	(void)state;
	for (size_t len = 0; len <= sizeof(in); len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (uint8_t)(i * 151 + len * 7 + 0x80);
		int n = zw_b64_encode(in, len, s, sizeof(s));
		assert_int_equal(zw_b64_decode(s, (size_t)n, out, sizeof(out)),
				 (int)len);
		assert_memory_equal(in, out, len);
		n = zw_b32hex_encode(in, len, s, sizeof(s));
		assert_int_equal(n, (int)((len * 8 + 4) / 5));
		assert_int_equal(zw_b32hex_decode(s, (size_t)n, out,
						  sizeof(out)),
				 (int)len);
		assert_memory_equal(in, out, len);
		n = zw_hex_encode(in, len, s, sizeof(s));
		assert_int_equal(zw_hex_decode(s, (size_t)n, out, sizeof(out)),
				 (int)len);
		assert_memory_equal(in, out, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b32_vectors),
		cmocka_unit_test(test_hex_vectors),
		cmocka_unit_test(test_b64_malformed),
		cmocka_unit_test(test_b32_malformed),
		cmocka_unit_test(test_b32_case),
		cmocka_unit_test(test_hex_malformed),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
