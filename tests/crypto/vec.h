/* Test-local helpers for the crypto tests: pull base64/hex values and
 * names out of the RFC vector texts in ../shared/vectors/rfc (prose with
 * wrapped values), so the tests check the files themselves rather than
 * copies of their numbers. Header-only; each test includes it once. */
#ifndef ZW_TESTS_CRYPTO_VEC_H
#define ZW_TESTS_CRYPTO_VEC_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/base.h"
#include "dns/name.h"
#include "tests/util/testutil.h"

static char *vec_files[16];

static inline void vec_free_all(void)
{
	for (int i = 0; i < 16; i++)
		free(vec_files[i]);
}

/* Whole vector file, kept until exit. */
static inline const char *vec_load(const char *rel)
{
	char *s = zw_test_read_file(zw_test_vector(rel), NULL);
	int i = 0;

	assert_non_null(s);
	while (i < 16 && vec_files[i])
		i++;
	assert_true(i < 16);
	if (i == 0)
		atexit(vec_free_all);
	vec_files[i] = s;
	return s;
}

/* Just past the first `marker` at or after `from`; fails the test when
 * missing. */
static inline const char *vec_after(const char *from, const char *marker)
{
	const char *p = strstr(from, marker);

	assert_non_null(p);
	return p + strlen(marker);
}

static inline bool vec_is_b64(int c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=';
}

/* Joins the whitespace-separated tokens from p on: a lone "(" is skipped,
 * ")" ends the value (a token's part before it still counts), and so do a
 * blank line and a token with a character outside `ok` (the next
 * "Field:"). Returns the joined length; *endp is where reading stopped. */
static inline size_t vec_join(const char *p, bool (*ok)(int), char *out,
			      size_t max, const char **endp)
{
	size_t n = 0;

	for (;;) {
		int nl = 0;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			nl += *p++ == '\n';
		if (nl > 1 || !*p)
			break;
		if (*p == '(' && isspace((unsigned char)p[1])) {
			p++;
			continue;
		}
		const char *t = p;
		while (*p && !isspace((unsigned char)*p) && *p != ')')
			p++;
		bool good = true;
		for (const char *q = t; q < p; q++)
			good = good && ok((unsigned char)*q);
		if (!good) {
			p = t;
			break;
		}
		assert_true(n + (size_t)(p - t) < max);
		memcpy(out + n, t, (size_t)(p - t));
		n += (size_t)(p - t);
		if (*p == ')')
			break;
	}
	out[n] = 0;
	if (endp)
		*endp = p;
	return n;
}

/* Base64 value starting at p, decoded. */
static inline size_t vec_b64(const char *p, uint8_t *out, size_t max)
{
	char buf[4096];
	size_t n = vec_join(p, vec_is_b64, buf, sizeof(buf), NULL);
	int len = zw_b64_decode(buf, n, out, max);

	assert_true(len > 0);
	return (size_t)len;
}

static inline bool vec_is_hex(int c)
{
	return isxdigit(c);
}

static inline size_t vec_hex(const char *p, uint8_t *out, size_t max)
{
	char buf[1024];
	size_t n = vec_join(p, vec_is_hex, buf, sizeof(buf), NULL);
	int len = zw_hex_decode(buf, n, out, max);

	assert_true(len > 0);
	return (size_t)len;
}

static inline size_t vec_hexstr(const char *s, uint8_t *out, size_t max)
{
	int len = zw_hex_decode(s, strlen(s), out, max);

	assert_true(len >= 0);
	return (size_t)len;
}

/* Wire name of a presentation name. */
static inline const uint8_t *vec_name(const char *s, uint8_t *out)
{
	assert_true(zw_name_from_str(out, s, strlen(s), NULL) > 0);
	return out;
}

/* DNSKEY rdata from flags/protocol/alg and the base64 key at p. */
static inline size_t vec_dnskey(uint16_t flags, uint8_t alg, const char *p,
				uint8_t *out, size_t max)
{
	out[0] = (uint8_t)(flags >> 8);
	out[1] = (uint8_t)flags;
	out[2] = 3;
	out[3] = alg;
	return 4 + vec_b64(p, out + 4, max - 4);
}

#endif
