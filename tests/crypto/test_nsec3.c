/* NSEC3 hashing (crypto/nsec3.c, nsec3_mb.c, nsec3_shani.c): every NSEC3
 * hash vector in ../shared/vectors/rfc through every implementation this
 * CPU has, and random batches checked against a plain EVP reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "crypto/nsec3.h"
#include "dns/err.h"
#include "tests/util/testutil.h"

#define MAXV 64

struct vec {
	uint8_t name[255];
	uint8_t hash[ZW_NSEC3_HASH_LEN];
};

/* ---- small parsers for the vector files (test-local, plain names) ---- */

/* "a.b.example[.]" (no escapes) to wire form; returns length or -1. */
static int wire(const char *s, uint8_t *out)
{
	size_t o = 0;

	while (*s && *s != '.') {
		size_t l = strcspn(s, ".");

		if (l > 63 || o + l + 2 > 255)
			return -1;
		out[o++] = (uint8_t)l;
		memcpy(out + o, s, l);
		o += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[o++] = 0;
	return (int)o;
}

/* base32hex (either case, no padding) of exactly 20 octets. */
static int b32hex20(const char *s, uint8_t out[20])
{
	uint64_t acc = 0;
	int bits = 0, o = 0;

	for (int i = 0; i < 32; i++) {
		const char *al = "0123456789abcdefghijklmnopqrstuv";
		const char *p = strchr(al, s[i] | 0x20);

		if (!s[i] || !p)
			return -1;
		acc = acc << 5 | (uint64_t)(p - al);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == 20 ? 0 : -1;
}

static int nibble(char c)
{
	const char *al = "0123456789abcdef", *p = strchr(al, c | 0x20);

	return c && p ? (int)(p - al) : -1;
}

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; nibble(s[2 * n]) >= 0 && nibble(s[2 * n + 1]) >= 0; n++)
		out[n] = (uint8_t)(nibble(s[2 * n]) << 4 | nibble(s[2 * n + 1]));
	return n;
}

/* Lines "<name> <b32hash>" (comments ';'), as in rfc5155-hashes.txt. */
static int parse_pairs(char *text, struct vec *v, int max)
{
	int n = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[300], h[64];

		if (line[0] == ';' || sscanf(line, "%299s %63s", name, h) != 2)
			continue;
		assert_true(n < max);
		assert_true(wire(name, v[n].name) > 0);
		assert_int_equal(b32hex20(h, v[n].hash), 0);
		n++;
	}
	return n;
}

/* "H(name) = hash" anywhere in a line, as in the RFC 5155 appendices. */
static int parse_h(char *text, struct vec *v, int max)
{
	int n = 0;

	for (char *p = strstr(text, "H("); p; p = strstr(p + 2, "H(")) {
		char name[300], h[64];

		if (sscanf(p, "H(%299[^)]) = %63s", name, h) != 2)
			continue;
		assert_true(n < max);
		assert_true(wire(name, v[n].name) > 0);
		assert_int_equal(b32hex20(h, v[n].hash), 0);
		n++;
	}
	return n;
}

static char *load(const char *rel)
{
	char *t = zw_test_read_file(zw_test_vector(rel), NULL);

	if (!t)
		fail_msg("cannot read vector file %s", zw_test_vector(rel));
	return t;
}

/* ---- checking a vector set through every implementation ---- */

static const enum zw_nsec3_impl impls[] = {
	ZW_NSEC3_IMPL_OPENSSL, ZW_NSEC3_IMPL_IPSECMB, ZW_NSEC3_IMPL_SHANI,
	ZW_NSEC3_IMPL_AUTO,
};
#define NIMPL (sizeof(impls) / sizeof(impls[0]))

static void check_vectors(const struct vec *v, int n, const uint8_t *salt,
			  size_t saltlen, uint16_t iters)
{
	uint8_t out[MAXV][ZW_NSEC3_HASH_LEN];
	const uint8_t *names[MAXV];

	assert_true(n > 0 && n <= MAXV);
	for (int i = 0; i < n; i++) {
		assert_int_equal(zw_nsec3_hash(v[i].name, salt, saltlen, iters,
					       out[i]), ZW_OK);
		assert_memory_equal(out[i], v[i].hash, ZW_NSEC3_HASH_LEN);
		names[i] = v[i].name;
	}
	for (size_t k = 0; k < NIMPL; k++) {
		struct zw_nsec3_batch *b;

		if (!zw_nsec3_impl_available(impls[k]))
			continue;
		b = zw_nsec3_batch_new(impls[k]);
		assert_non_null(b);
		memset(out, 0, sizeof(out));
		assert_int_equal(zw_nsec3_hash_batch(b, names, (size_t)n, salt,
						     saltlen, iters, out), ZW_OK);
		for (int i = 0; i < n; i++)
			assert_memory_equal(out[i], v[i].hash,
					    ZW_NSEC3_HASH_LEN);
		zw_nsec3_batch_free(b);
	}
}

static const uint8_t salt_aabbccdd[] = { 0xaa, 0xbb, 0xcc, 0xdd };

static void test_rfc5155_hashes(void **state)
{
	struct vec v[MAXV];
	char *t = load("rfc/rfc5155-hashes.txt");
	int n = parse_pairs(t, v, MAXV);

	(void)state;
	assert_int_equal(n, 16);
	check_vectors(v, n, salt_aabbccdd, 4, 12);
	free(t);
}

static void test_rfc5155_appendix_b(void **state)
{
	struct vec v[MAXV];
	char *t = load("rfc/rfc5155-appendix-b.txt");
	int n = parse_h(t, v, MAXV);

	(void)state;
	assert_true(n >= 9);
	check_vectors(v, n, salt_aabbccdd, 4, 12);
	free(t);
}

/* Collect NSEC3 owner hashes ("<hash>.example." owning an NSEC3 RR). */
static int zone_nsec3_owners(char *text, uint8_t own[][20], int max)
{
	char owner[300] = "";
	int n = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] != ';' && line[0] != ' ' && line[0] != '\t')
			sscanf(line, "%299s", owner);
		if (line[0] == ';' || !strstr(line, "NSEC3 ") ||
		    strstr(line, "RRSIG") || strstr(line, "NSEC3PARAM"))
			continue;
		assert_true(n < max);
		assert_int_equal(b32hex20(owner, own[n]), 0);
		n++;
	}
	return n;
}

/* The zone's H() list, and each listed name owns an NSEC3 RR whose owner
 * label is its hash: both tie the zone to our hashes. */
static void test_rfc5155_appendix_a(void **state)
{
	struct vec v[MAXV];
	uint8_t own[MAXV][20], h[20];
	char *t = load("rfc/rfc5155-appendix-a.zone");
	int n = parse_h(t, v, MAXV), no;

	(void)state;
	assert_int_equal(n, 11);
	check_vectors(v, n, salt_aabbccdd, 4, 12);
	no = zone_nsec3_owners(t, own, MAXV);
	assert_true(no >= n);
	for (int i = 0; i < n; i++) {
		int found = 0;

		assert_int_equal(zw_nsec3_hash(v[i].name, salt_aabbccdd, 4, 12,
					       h), ZW_OK);
		for (int j = 0; j < no; j++)
			found |= memcmp(own[j], h, 20) == 0;
		assert_true(found);
	}
	free(t);
}

static void test_bind9(void **state)
{
	struct vec v[MAXV], e;
	char *t = load("rfc/bind9-nsec3-keytag-vectors.txt");
	char *s2 = strstr(t, "; == 2."), *s3 = strstr(t, "; == 3.");
	int n;

	(void)state;
	assert_non_null(s2);
	assert_non_null(s3);
	*s3 = 0;
	*s2 = 0;
	n = parse_pairs(t, v, MAXV);
	assert_int_equal(n, 12);
	check_vectors(v, n, salt_aabbccdd, 4, 12);
	/* section 2: empty salt, 0 iterations */
	assert_int_equal(parse_pairs(strchr(s2 + 1, '\n'), &e, 1), 1);
	check_vectors(&e, 1, NULL, 0, 0);
	free(t);
}

static void test_knot(void **state)
{
	char *t = load("rfc/knot-libdnssec-vectors.txt");
	char *sec = strstr(t, "== 1. NSEC3 hash"), *p;
	struct vec v;
	uint8_t salt[64];
	char name[300], hex[100];
	unsigned iters;
	size_t saltlen;

	(void)state;
	assert_non_null(sec);
	assert_non_null(p = strstr(sec, "i.e. "));
	assert_int_equal(sscanf(p, "i.e. %299s", name), 1);
	assert_true(wire(name, v.name) > 0);
	assert_non_null(p = strstr(sec, "; iterations"));
	assert_int_equal(sscanf(p, "; iterations : %u", &iters), 1);
	assert_non_null(p = strstr(sec, "octets) = "));
	assert_int_equal(sscanf(p, "octets) = %99s", hex), 1);
	saltlen = unhex(hex, salt);
	assert_int_equal(saltlen, 14);
	assert_non_null(p = strstr(sec, "; expected hash (hex, 20 octets) : "));
	assert_int_equal(sscanf(p, "; expected hash (hex, 20 octets) : %99s",
				hex), 1);
	assert_int_equal(unhex(hex, v.hash), 20);
	assert_int_equal(iters, 7);
	check_vectors(&v, 1, salt, saltlen, (uint16_t)iters);
	free(t);
}

/* ---- random batches against a plain EVP reference ---- */

/* RFC 5155 §5 written out directly: lower-case, then SHA-1 k+1 times. */
static void ref_hash(const uint8_t *name, size_t len, const uint8_t *salt,
		     size_t saltlen, unsigned iters, uint8_t out[20])
{
	uint8_t buf[255 + 255];
	unsigned dl;

	for (size_t i = 0; i < len; i++)
		buf[i] = (name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32
							     : name[i];
	memcpy(buf + len, salt, saltlen);
	assert_true(EVP_Digest(buf, len + saltlen, out, &dl, EVP_sha1(), NULL));
	for (unsigned k = 0; k < iters; k++) {
		memcpy(buf, out, 20);
		memcpy(buf + 20, salt, saltlen);
		assert_true(EVP_Digest(buf, 20 + saltlen, out, &dl, EVP_sha1(),
				       NULL));
	}
}

static uint32_t rng = 12345;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* A random well-formed name of any length up to 255, any octets (mixed
 * case letters likely); sometimes exactly 255 octets. */
static size_t rnd_name(uint8_t *out)
{
	size_t max = rnd() % 8 == 0 ? 255 : 1 + rnd() % 80, o = 0;

	while (o + 2 <= max) {
		size_t l = 1 + rnd() % 63;

		if (o + 1 + l + 1 > max)
			l = max - o - 2;
		if (l == 0)
			break;
		out[o++] = (uint8_t)l;
		for (size_t i = 0; i < l; i++)
			out[o++] = (uint8_t)(rnd() % 3 ? 'A' + rnd() % 58
						       : rnd() % 256);
	}
	out[o++] = 0;
	return o;
}

static const size_t saltlens[] = { 0, 1, 4, 35, 36, 100, 255 };
static const unsigned iterss[] = { 0, 1, 10, 150 };
static const size_t sizes[] = { 1, 3, 17, 1000 };

static void check_batch(struct zw_nsec3_batch *b, size_t n,
			const uint8_t *salt, size_t saltlen, unsigned iters)
{
	static uint8_t store[1000][255], want[1000][20], got[1000][20];
	static const uint8_t *names[1000];
	static size_t lens[1000];

	for (size_t i = 0; i < n; i++) {
		lens[i] = rnd_name(store[i]);
		names[i] = store[i];
		ref_hash(store[i], lens[i], salt, saltlen, iters, want[i]);
	}
	memset(got, 0, sizeof(got));
	assert_int_equal(zw_nsec3_hash_batch(b, names, n, salt, saltlen,
					     (uint16_t)iters, got), ZW_OK);
	for (size_t i = 0; i < n; i++) {
		uint8_t one[20];

		assert_memory_equal(got[i], want[i], 20);
		assert_int_equal(zw_nsec3_hash(names[i], salt, saltlen,
					       (uint16_t)iters, one), ZW_OK);
		assert_memory_equal(one, want[i], 20);
	}
}

static void test_random_batches(void **state)
{
	uint8_t salt[255];

	(void)state;
	for (size_t k = 0; k < NIMPL; k++) {
		struct zw_nsec3_batch *b;

		if (!zw_nsec3_impl_available(impls[k]))
			continue;
		b = zw_nsec3_batch_new(impls[k]);
		assert_non_null(b);
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (size_t it = 0; it < 4; it++) {
				size_t sl = saltlens[rnd() % 7];

				/* the extremes of the salt for every shape */
				if (it == 0)
					sl = 0;
				if (it == 3)
					sl = 255;
				for (size_t i = 0; i < sl; i++)
					salt[i] = (uint8_t)rnd();
				check_batch(b, sizes[s], salt, sl, iterss[it]);
			}
		zw_nsec3_batch_free(b);
	}
}

static void test_case_and_errors(void **state)
{
	uint8_t lo[20], up[20], out[1][20], bad[300];
	const uint8_t *names[1];
	struct zw_nsec3_batch *b = zw_nsec3_batch_new(ZW_NSEC3_IMPL_AUTO);

	(void)state;
	assert_non_null(b);
	assert_int_equal(zw_nsec3_hash((const uint8_t *)"\x01w\x07" "example",
				       salt_aabbccdd, 4, 12, lo), ZW_OK);
	assert_int_equal(zw_nsec3_hash((const uint8_t *)"\x01W\x07" "ExAmPlE",
				       salt_aabbccdd, 4, 12, up), ZW_OK);
	assert_memory_equal(lo, up, 20);
	/* salt of 256 octets */
	assert_int_equal(zw_nsec3_hash(lo, bad, 256, 0, up), ZW_ERANGE);
	names[0] = (const uint8_t *)"\x01w\x07" "example";
	assert_int_equal(zw_nsec3_hash_batch(b, names, 1, bad, 256, 0, out),
			 ZW_ERANGE);
	/* label of 64 octets */
	memset(bad, 'a', sizeof(bad));
	bad[0] = 64;
	bad[65] = 0;
	assert_int_equal(zw_nsec3_hash(bad, NULL, 0, 0, up), ZW_ENAMELEN);
	names[0] = bad;
	assert_int_equal(zw_nsec3_hash_batch(b, names, 1, NULL, 0, 0, out),
			 ZW_ENAMELEN);
	/* 257 octets: four 63-octet labels and one of 0x01..  too long */
	for (int i = 0; i < 4; i++)
		bad[64 * i] = 63;
	bad[256] = 0;
	assert_int_equal(zw_nsec3_hash(bad, NULL, 0, 0, up), ZW_ENAMELEN);
	/* empty batch */
	assert_int_equal(zw_nsec3_hash_batch(b, names, 0, NULL, 0, 0, out),
			 ZW_OK);
	zw_nsec3_batch_free(b);
}

/* Owner names: every RFC 5155 vector's hash owned under "example." must
 * be exactly the NSEC3 owner that vector file prints. */
static void test_owner(void **state)
{
	struct vec v[MAXV];
	char *t = load("rfc/rfc5155-hashes.txt");
	int n = parse_pairs(t, v, MAXV);
	uint8_t zone[255], owner[255], want[255], big[255];
	char *p = t;

	(void)state;
	assert_int_equal(wire("example.", zone), 9);
	/* parse_pairs cut t into lines; walk them again for the b32 text */
	for (int i = 0; i < n; i++) {
		char name[300], h[64], fq[400];

		while (*p == ';' || sscanf(p, "%299s %63s", name, h) != 2)
			p += strlen(p) + 1;
		p += strlen(p) + 1;
		snprintf(fq, sizeof(fq), "%s.example.", h);
		assert_int_equal(wire(fq, want), 33 + 9);
		assert_int_equal(zw_nsec3_owner(owner, v[i].hash, zone), 42);
		assert_memory_equal(owner, want, 42);
	}
	/* 33 + 223 > 255: no room for the hash label */
	memset(big, 0, sizeof(big));
	for (int i = 0; i < 3; i++)
		big[64 * i] = 63;
	big[192] = 30;             /* 3*64 + 31 + 1 = 224 octets */
	assert_int_equal(zw_nsec3_owner(owner, v[0].hash, big), ZW_ENAMELEN);
	big[192] = 29;             /* 223 octets: 256 with the label */
	assert_int_equal(zw_nsec3_owner(owner, v[0].hash, big), ZW_ENAMELEN);
	big[192] = 28;             /* 222 + 33 = 255: fits */
	assert_int_equal(zw_nsec3_owner(owner, v[0].hash, big), 255);
	free(t);
}

/* A malformed name inside a batch: the call says so, and every other
 * name is still hashed right, whichever implementation runs. */
static void test_bad_name_in_batch(void **state)
{
	static uint8_t store[40][255], got[40][20], bad[70];
	const uint8_t *names[40];

	(void)state;
	memset(bad, 'a', sizeof(bad));
	bad[0] = 64;
	for (int i = 0; i < 40; i++) {
		rnd_name(store[i]);
		names[i] = i % 7 == 3 ? bad : store[i];
	}
	for (size_t k = 0; k < NIMPL; k++) {
		struct zw_nsec3_batch *b;

		if (!zw_nsec3_impl_available(impls[k]))
			continue;
		b = zw_nsec3_batch_new(impls[k]);
		assert_non_null(b);
		assert_int_equal(zw_nsec3_hash_batch(b, names, 40, salt_aabbccdd,
						     4, 3, got), ZW_ENAMELEN);
		for (int i = 0; i < 40; i++) {
			uint8_t want[20];

			if (names[i] == bad)
				continue;
			assert_int_equal(zw_nsec3_hash(names[i], salt_aabbccdd,
						       4, 3, want), ZW_OK);
			assert_memory_equal(got[i], want, 20);
		}
		zw_nsec3_batch_free(b);
	}
}

static void test_selection(void **state)
{
	enum zw_nsec3_impl sel = zw_nsec3_impl_selected();
	struct zw_nsec3_batch *b = zw_nsec3_batch_new(ZW_NSEC3_IMPL_AUTO);

	(void)state;
	assert_true(sel != ZW_NSEC3_IMPL_AUTO && sel < ZW_NSEC3_IMPL_COUNT);
	assert_true(zw_nsec3_impl_available(sel));
	assert_non_null(b);
	assert_int_equal(zw_nsec3_batch_impl(b), sel);
	assert_string_not_equal(zw_nsec3_impl_name(sel), "?");
	print_message("selected NSEC3 implementation: %s\n",
		      zw_nsec3_impl_name(sel));
	zw_nsec3_batch_free(b);
	assert_true(zw_nsec3_impl_available(ZW_NSEC3_IMPL_OPENSSL));
	assert_false(zw_nsec3_impl_available(ZW_NSEC3_IMPL_COUNT));
	assert_null(zw_nsec3_batch_new(ZW_NSEC3_IMPL_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5155_hashes),
		cmocka_unit_test(test_rfc5155_appendix_a),
		cmocka_unit_test(test_rfc5155_appendix_b),
		cmocka_unit_test(test_bind9),
		cmocka_unit_test(test_knot),
		cmocka_unit_test(test_random_batches),
		cmocka_unit_test(test_case_and_errors),
		cmocka_unit_test(test_bad_name_in_batch),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_selection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
