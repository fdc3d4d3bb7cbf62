#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/err.h"
#include "dns/name.h"

/* Parse an absolute or relative name, failing the test on error. */
static int parse(uint8_t *out, const char *s, const uint8_t *origin)
{
	int n = zw_name_from_str(out, s, strlen(s), origin);

	if (n < 0)
		fail_msg("parse '%s': %s", s, zw_strerror(n));
	return n;
}

static void assert_wire(const char *s, const uint8_t *want, size_t wlen)
{
	uint8_t n[ZW_NAME_MAX];

	assert_int_equal(parse(n, s, NULL), (int)wlen);
	assert_memory_equal(n, want, wlen);
	assert_int_equal(zw_name_len(n), wlen);
}

static void test_parse_basic(void **state)
{
	(void)state;
	assert_wire(".", (const uint8_t *)"", 1);
	assert_wire("a.", (const uint8_t *)"\001a", 3);
	assert_wire("www.Example.COM.",
		    (const uint8_t *)"\003www\007Example\003COM", 17);
}

static void test_parse_escapes(void **state)
{
	(void)state;
	assert_wire("a\\.b.", (const uint8_t *)"\003a.b", 5);
	assert_wire("a\\\\b.", (const uint8_t *)"\003a\\b", 5);
	assert_wire("\\000\\255\\032.", (const uint8_t *)"\003\000\377 ", 5);
	assert_wire("\\065\\066c.", (const uint8_t *)"\003ABc", 5);
	assert_wire("\\(\\)\\;\\@\\$\\\".",
		    (const uint8_t *)"\006();@$\"", 8);
	/* An escaped dot at the end does not make the name absolute. */
	uint8_t n[ZW_NAME_MAX], org[ZW_NAME_MAX];
	parse(org, "org.", NULL);
	assert_int_equal(parse(n, "a\\.", org), 8);
	assert_memory_equal(n, "\002a.\003org", 8);
	assert_int_equal(zw_name_from_str(n, "a\\.", 3, NULL), ZW_ERELATIVE);
}

static void test_parse_bad_escapes(void **state)
{
	uint8_t n[ZW_NAME_MAX];
	const char *bad[] = { "a\\", "\\", "a\\9b.", "a\\25.", "\\256.",
			      "\\999.", "a\\1", "a\\12" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zw_name_from_str(n, bad[i], strlen(bad[i]),
						  NULL),
				 ZW_EESCAPE);
}

static void test_parse_malformed(void **state)
{
	uint8_t n[ZW_NAME_MAX];
	const char *bad[] = { "", "a..b.", ".a.", "..", "a.." };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zw_name_from_str(n, bad[i], strlen(bad[i]),
						  NULL),
				 ZW_EMALF);
}

static void test_origin(void **state)
{
	uint8_t n[ZW_NAME_MAX], org[ZW_NAME_MAX];

	(void)state;
	parse(org, "example.com.", NULL);
	assert_int_equal(parse(n, "@", org), 13);
	assert_true(zw_name_equal(n, org));
	assert_int_equal(parse(n, "www", org), 17);
	assert_memory_equal(n, "\003www\007example\003com", 17);
	assert_int_equal(parse(n, "www.", org), 5); /* absolute: no origin */
	assert_int_equal(zw_name_from_str(n, "@", 1, NULL), ZW_ERELATIVE);
	assert_int_equal(zw_name_from_str(n, "www", 3, NULL), ZW_ERELATIVE);
	/* "@" is only special alone. */
	assert_int_equal(parse(n, "@.x.", NULL), 5);
	assert_memory_equal(n, "\001@\001x", 5);
	/* Root origin. */
	parse(org, ".", NULL);
	assert_int_equal(parse(n, "a", org), 3);
	/* Length is taken from len, not from NUL. */
	assert_int_equal(zw_name_from_str(n, "ab.cd.", 2, org), 4);
}

static void test_limits(void **state)
{
	char s[600];
	uint8_t n[ZW_NAME_MAX], org[ZW_NAME_MAX];

	(void)state;
	memset(s, 'a', 63);
	memcpy(s + 63, ".", 2);
	assert_int_equal(parse(n, s, NULL), 65);
	memset(s, 'a', 64);
	memcpy(s + 64, ".", 2);
	assert_int_equal(zw_name_from_str(n, s, strlen(s), NULL), ZW_ELABEL);
	/* 63 escaped octets is still 63. */
	for (int i = 0; i < 63; i++)
		memcpy(s + 4 * i, "\\000", 4);
	memcpy(s + 252, ".", 2);
	assert_int_equal(parse(n, s, NULL), 65);
	/* 255 octets exactly: 3 x (1+63) + (1+61) + root = 255. */
	s[0] = 0;
	for (int i = 0; i < 3; i++)
		strcat(s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	assert_int_equal(parse(n, s, NULL), 255);
	/* One more octet is too long. */
	s[strlen(s) - 1] = 0;
	strcat(s, "a.");
	assert_int_equal(zw_name_from_str(n, s, strlen(s), NULL),
			 ZW_ENAMELEN);
	/* Relative name + origin over 255. */
	s[strlen(s) - 1] = 0; /* relative, 255 octets without root */
	parse(org, "x.", NULL);
	assert_int_equal(zw_name_from_str(n, s, strlen(s), org), ZW_ENAMELEN);
	/* 127 one-octet labels is the most labels a name can have. */
	s[0] = 0;
	for (int i = 0; i < 127; i++)
		strcat(s, "a.");
	assert_int_equal(parse(n, s, NULL), 255);
	assert_int_equal(zw_name_labels(n), 127);
}

/* Presentation form after parse, must equal `want`. */
static void assert_print(const char *in, const char *want)
{
	uint8_t n[ZW_NAME_MAX], n2[ZW_NAME_MAX];
	char buf[ZW_NAME_STR_MAX];
	int len;

	parse(n, in, NULL);
	len = zw_name_to_str(n, buf, sizeof(buf));
	assert_int_equal(len, (int)strlen(want));
	assert_string_equal(buf, want);
	/* And it parses back to the same octets. */
	assert_int_equal(parse(n2, buf, NULL), (int)zw_name_len(n));
	assert_memory_equal(n, n2, zw_name_len(n));
}

/* Expected strings are what named-checkzone -D printed for these names. */
static void test_print_bind(void **state)
{
	(void)state;
	assert_print(".", ".");
	assert_print("a\\.b.ex.", "a\\.b.ex.");
	assert_print("a\\\\b.ex.", "a\\\\b.ex.");
	assert_print("a\\\"b.ex.", "a\\\"b.ex.");
	assert_print("a\\(b\\).ex.", "a\\(b\\).ex.");
	assert_print("a\\;b.ex.", "a\\;b.ex.");
	assert_print("a\\@b.ex.", "a\\@b.ex.");
	assert_print("\\@.ex.", "\\@.ex.");
	assert_print("a\\$b.ex.", "a\\$b.ex.");
	assert_print("\\$x.ex.", "\\$x.ex.");
	assert_print("a\\000b.ex.", "a\\000b.ex.");
	assert_print("a\\255b.ex.", "a\\255b.ex.");
	assert_print("a\\032b.ex.", "a\\032b.ex.");
	assert_print("a\\127b.ex.", "a\\127b.ex.");
	assert_print("a\\126b.ex.", "a~b.ex.");
	assert_print("A\\066c.ex.", "ABc.ex.");
	assert_print("a\\#b.ex.", "a#b.ex.");
	assert_print("a\\*b.ex.", "a*b.ex.");
	assert_print("*.ex.", "*.ex.");
	assert_print("a\\'b.ex.", "a'b.ex.");
	assert_print("a\\/b.ex.", "a/b.ex.");
	assert_print("a\\:b.ex.", "a:b.ex.");
	assert_print("a\\&b.ex.", "a&b.ex.");
	assert_print("a\\{b.ex.", "a{b.ex.");
	assert_print("a\\,b.ex.", "a,b.ex.");
	assert_print("a\\<b.ex.", "a<b.ex.");
}

/* Every octet value round-trips through print and parse. */
static void test_print_all_octets(void **state)
{
	uint8_t n[ZW_NAME_MAX], n2[ZW_NAME_MAX];
	char buf[ZW_NAME_STR_MAX];

	(void)state;
	for (int c = 0; c < 256; c++) {
		n[0] = 1;
		n[1] = (uint8_t)c;
		n[2] = 0;
		assert_true(zw_name_to_str(n, buf, sizeof(buf)) > 0);
		assert_int_equal(parse(n2, buf, NULL), 3);
		assert_memory_equal(n, n2, 3);
	}
}

static void test_print_nospc(void **state)
{
	uint8_t n[ZW_NAME_MAX];
	char buf[ZW_NAME_STR_MAX];

	(void)state;
	parse(n, "ab.c.", NULL);
	assert_int_equal(zw_name_to_str(n, buf, 6), 5);
	assert_string_equal(buf, "ab.c.");
	for (size_t sz = 0; sz < 6; sz++)
		assert_int_equal(zw_name_to_str(n, buf, sz), ZW_ENOSPC);
	parse(n, ".", NULL);
	assert_int_equal(zw_name_to_str(n, buf, 1), ZW_ENOSPC);
	/* Longest presentation form: 255 octets of \DDD fit the max. */
	memset(n, 0, sizeof(n));
	for (int i = 0; i < 3; i++)
		n[i * 64] = 63;
	n[192] = 61;
	assert_int_equal(zw_name_len(n), 255);
	assert_int_equal(zw_name_to_str(n, buf, sizeof(buf)), 254 * 4 - 4 * 4 + 4);
}

static void test_check(void **state)
{
	(void)state;
	const uint8_t ok[] = "\001a\002bc";
	assert_int_equal(zw_name_check(ok, ok + sizeof(ok)), 6);
	assert_int_equal(zw_name_check(ok, ok + 5), ZW_ETRUNC);
	assert_int_equal(zw_name_check(ok, ok), ZW_ETRUNC);
	const uint8_t ptr[] = "\001a\300\000";
	assert_int_equal(zw_name_check(ptr, ptr + 4), ZW_ECOMPRESS);
	const uint8_t big[] = "\100a";
	assert_int_equal(zw_name_check(big, big + sizeof(big)), ZW_ELABEL);
	uint8_t longn[300];
	memset(longn, 0, sizeof(longn));
	for (int i = 0; i < 4; i++)
		longn[i * 64] = 63; /* 256 octets with root */
	assert_int_equal(zw_name_check(longn, longn + sizeof(longn)),
			 ZW_ENAMELEN);
	longn[192] = 61;
	assert_int_equal(zw_name_check(longn, longn + sizeof(longn)), 255);
}

static void test_unpack(void **state)
{
	/* 12-octet header, then "a.example." at 12, then "b" + ptr to 12,
	 * then a bare pointer to 23 ("b.a.example."). */
	const uint8_t msg[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
				1, 'b', 0xc0, 12,
				0xc0, 23 };
	const uint8_t *end = msg + sizeof(msg);
	uint8_t n[ZW_NAME_MAX], want[ZW_NAME_MAX];

	(void)state;
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 12), 11);
	assert_memory_equal(n, "\001a\007example", 11);
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 23), 4);
	parse(want, "b.a.example.", NULL);
	assert_memory_equal(n, want, 13);
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 27), 2);
	assert_memory_equal(n, want, 13);
	/* NULL out: check only. */
	assert_int_equal(zw_name_unpack(NULL, msg, end, msg + 23), 4);
	assert_int_equal(zw_name_unpack(NULL, msg, msg + 26, msg + 23),
			 ZW_ETRUNC);
	/* Pointer into the middle of a name. */
	const uint8_t mid[] = { 1, 'x', 1, 'y', 0, 0xc0, 2 };
	assert_int_equal(zw_name_unpack(n, mid, mid + 7, mid + 5), 2);
	assert_memory_equal(n, "\001y", 3);
	/* Truncated at every length. */
	for (size_t l = 12; l < sizeof(msg); l++)
		for (size_t pos = 12; pos < l; pos++) {
			int r = zw_name_unpack(n, msg, msg + l, msg + pos);
			assert_true(r < 0 || pos + (size_t)r <= l);
		}
	assert_int_equal(zw_name_unpack(n, msg, msg + 22, msg + 12),
			 ZW_ETRUNC);
	assert_int_equal(zw_name_unpack(n, msg, msg + 28, msg + 27),
			 ZW_ETRUNC);
	assert_int_equal(zw_name_unpack(n, msg, end, end), ZW_ETRUNC);
}

static void test_unpack_bad_pointers(void **state)
{
	uint8_t n[ZW_NAME_MAX];

	(void)state;
	/* Self pointer. */
	const uint8_t self[] = { 0xc0, 0 };
	assert_int_equal(zw_name_unpack(n, self, self + 2, self), ZW_ECOMPRESS);
	/* Forward pointer. */
	const uint8_t fwd[] = { 0xc0, 2, 0 };
	assert_int_equal(zw_name_unpack(n, fwd, fwd + 3, fwd), ZW_ECOMPRESS);
	/* Loop: label then pointer back to the label (x.x.x...). */
	const uint8_t loop[] = { 1, 'x', 0xc0, 0 };
	assert_int_equal(zw_name_unpack(n, loop, loop + 4, loop), ZW_ECOMPRESS);
	/* Two pointers to each other: 0 -> 2 is forward. */
	const uint8_t pp[] = { 0xc0, 2, 0xc0, 0 };
	assert_int_equal(zw_name_unpack(n, pp, pp + 4, pp + 2), ZW_ECOMPRESS);
	/* Chain strictly backwards is fine. */
	const uint8_t chain[] = { 0, 0xc0, 0, 0xc0, 1, 0xc0, 3 };
	assert_int_equal(zw_name_unpack(n, chain, chain + 7, chain + 5), 2);
	assert_int_equal(n[0], 0);
	/* Pointer beyond the end of the message. */
	const uint8_t far[] = { 0, 0xff, 0xff };
	assert_int_equal(zw_name_unpack(n, far, far + 3, far + 1), ZW_ECOMPRESS);
	/* Obsolete label types 0x40 and 0x80. */
	const uint8_t ext[] = { 0x41, 0 };
	assert_int_equal(zw_name_unpack(n, ext, ext + 2, ext), ZW_ELABEL);
	const uint8_t ext2[] = { 0x80, 0 };
	assert_int_equal(zw_name_unpack(n, ext2, ext2 + 2, ext2), ZW_ELABEL);
}

/* A chain of pointers, each to the one before: legal direction, but more
 * jumps than a name can have labels is refused (CPU bound). */
static void test_unpack_pointer_chain(void **state)
{
	uint8_t msg[1 + 2 * 128], n[ZW_NAME_MAX];
	const uint8_t *end = msg + sizeof(msg);

	(void)state;
	msg[0] = 0; /* the root, where the chain ends */
	for (int k = 0; k < 128; k++) { /* pointer at 1+2k -> 2k-1 (or 0) */
		msg[1 + 2 * k] = 0xc0;
		msg[2 + 2 * k] = (uint8_t)(k ? 2 * k - 1 : 0);
	}
	/* The pointer at 1+2k takes k+1 jumps. */
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 1), 2);
	assert_int_equal(n[0], 0);
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 1 + 2 * 126), 2);
	assert_int_equal(zw_name_unpack(n, msg, end, msg + 1 + 2 * 127),
			 ZW_ECOMPRESS);
}

static void test_unpack_too_long(void **state)
{
	/* Each name adds 64 octets and points to the previous: the fourth
	 * would be 257 octets. */
	uint8_t msg[400], n[ZW_NAME_MAX];
	size_t p = 0;

	(void)state;
	msg[p++] = 0;
	for (int i = 0; i < 4; i++) {
		size_t prev = i == 0 ? 0 : p - 66;
		msg[p++] = 63;
		memset(msg + p, 'a' + i, 63);
		p += 63;
		msg[p++] = (uint8_t)(0xc0 | prev >> 8);
		msg[p++] = (uint8_t)prev;
	}
	assert_int_equal(zw_name_unpack(n, msg, msg + p, msg + 1 + 66 * 2), 66);
	assert_int_equal(zw_name_labels(n), 3);
	assert_int_equal(zw_name_unpack(n, msg, msg + p, msg + 1 + 66 * 3),
			 ZW_ENAMELEN);
}

static void test_labels(void **state)
{
	uint8_t n[ZW_NAME_MAX];

	(void)state;
	parse(n, ".", NULL);
	assert_int_equal(zw_name_labels(n), 0);
	assert_int_equal(zw_name_rrsig_labels(n), 0);
	assert_false(zw_name_is_wildcard(n));
	parse(n, "a.b.", NULL);
	assert_int_equal(zw_name_labels(n), 2);
	assert_int_equal(zw_name_rrsig_labels(n), 2);
	parse(n, "*.b.", NULL);
	assert_int_equal(zw_name_rrsig_labels(n), 1);
	assert_true(zw_name_is_wildcard(n));
	parse(n, "*.", NULL);
	assert_int_equal(zw_name_rrsig_labels(n), 0);
	parse(n, "\\*.b.", NULL); /* still the octet '*' */
	assert_true(zw_name_is_wildcard(n));
	parse(n, "*a.b.", NULL);
	assert_false(zw_name_is_wildcard(n));
	parse(n, "b.*.", NULL);
	assert_false(zw_name_is_wildcard(n));
	assert_int_equal(zw_name_rrsig_labels(n), 2);
}

static void test_equal_subdomain_skip(void **state)
{
	uint8_t a[ZW_NAME_MAX], b[ZW_NAME_MAX], r[ZW_NAME_MAX];

	(void)state;
	parse(a, "WWW.Example.com.", NULL);
	parse(b, "www.example.COM.", NULL);
	parse(r, ".", NULL);
	assert_true(zw_name_equal(a, b));
	parse(b, "www.example.co.", NULL);
	assert_false(zw_name_equal(a, b));
	parse(b, "www.exampl\\101.com.", NULL);
	assert_true(zw_name_equal(a, b));
	parse(b, "example.COM.", NULL);
	assert_true(zw_name_is_subdomain(a, b));
	assert_true(zw_name_is_strict_subdomain(a, b));
	assert_true(zw_name_is_subdomain(b, b));
	assert_false(zw_name_is_strict_subdomain(b, b));
	assert_false(zw_name_is_subdomain(b, a));
	assert_true(zw_name_is_subdomain(a, r));
	assert_true(zw_name_is_subdomain(r, r));
	assert_false(zw_name_is_strict_subdomain(r, r));
	parse(b, "ample.com.", NULL);
	assert_false(zw_name_is_subdomain(a, b));
	assert_memory_equal(zw_name_skip(a, 1), "\007Example\003com", 13);
	assert_int_equal(zw_name_skip(a, 3)[0], 0);
	uint8_t c[ZW_NAME_MAX];
	assert_int_equal(zw_name_copy(c, a), 17);
	zw_name_lower(c);
	assert_memory_equal(c, "\003www\007example\003com", 17);
	/* Lower-casing touches only A-Z. */
	parse(c, "\\200\\193Z@[.", NULL);
	zw_name_lower(c);
	assert_memory_equal(c, "\005\310\301z@[", 7);
}

/* RFC 4034 §6.1: these names are in canonical order. */
static const char *const rfc4034_order[] = {
	"example.",	    "a.example.",   "yljkjljk.a.example.",
	"Z.a.example.",	    "zABC.a.EXAMPLE.", "z.example.",
	"\\001.z.example.", "*.z.example.", "\\200.z.example.",
};
#define NORDER (sizeof(rfc4034_order) / sizeof(rfc4034_order[0]))

static void test_canonical_order(void **state)
{
	uint8_t n[NORDER][ZW_NAME_MAX];

	(void)state;
	for (size_t i = 0; i < NORDER; i++)
		parse(n[i], rfc4034_order[i], NULL);
	for (size_t i = 0; i < NORDER; i++)
		for (size_t j = 0; j < NORDER; j++) {
			int c = zw_name_cmp(n[i], n[j]);
			if (i < j)
				assert_true(c < 0);
			else if (i > j)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
}

static int lf_cmp_names(const uint8_t *a, const uint8_t *b)
{
	uint8_t la[ZW_NAME_LF_MAX], lb[ZW_NAME_LF_MAX];
	size_t na = zw_name_lookup_form(a, la), nb = zw_name_lookup_form(b, lb);

	return zw_name_lf_cmp(la, na, lb, nb);
}

static void test_lookup_form(void **state)
{
	uint8_t n[NORDER][ZW_NAME_MAX], lf[ZW_NAME_LF_MAX];

	(void)state;
	for (size_t i = 0; i < NORDER; i++)
		parse(n[i], rfc4034_order[i], NULL);
	for (size_t i = 0; i < NORDER; i++)
		for (size_t j = 0; j < NORDER; j++) {
			int c = lf_cmp_names(n[i], n[j]);
			assert_true(i < j ? c < 0 : i > j ? c > 0 : c == 0);
		}
	assert_int_equal(zw_name_lookup_form(n[0], lf), 8);
	assert_memory_equal(lf, "example\0", 8);
	/* \001.z.example: escaped octet. */
	assert_int_equal(zw_name_lookup_form(n[6], lf), 13);
	assert_memory_equal(lf, "example\0z\0\001\002\0", 13);
	uint8_t r[ZW_NAME_MAX];
	parse(r, ".", NULL);
	assert_int_equal(zw_name_lookup_form(r, lf), 0);
	/* Case folds. */
	parse(r, "Z.a.example.", NULL);
	parse(n[0], "z.A.EXAMPLE.", NULL);
	assert_int_equal(lf_cmp_names(r, n[0]), 0);
	/* The worst case fits ZW_NAME_LF_MAX: four 63-octet labels of 0x00. */
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++)
		r[i * 64] = 63;
	r[192] = 61;
	assert_true(zw_name_lookup_form(r, lf) <= ZW_NAME_LF_MAX);
	assert_int_equal(zw_name_lookup_form(r, lf), 3 * 127 + 123);
}

/* Labels built from the octets that are awkward for the lookup form (0,
 * 1, 2, 'A', 'a', 0xff): lf order must match zw_name_cmp on all pairs. */
static void test_lookup_form_exhaustive(void **state)
{
	static const uint8_t oct[] = { 0, 1, 2, 'A', 'a', 'b', 0xff };
	enum { NO = sizeof(oct), NN = 1 + NO + NO * NO + NO };
	uint8_t names[NN][8];
	size_t k = 0;

	(void)state;
	names[k][0] = 0, k++;				/* root */
	for (size_t i = 0; i < NO; i++, k++)	/* one label, one octet */
		memcpy(names[k], (uint8_t[]){ 1, oct[i], 0 }, 3);
	for (size_t i = 0; i < NO; i++)		/* two-octet labels */
		for (size_t j = 0; j < NO; j++, k++)
			memcpy(names[k], (uint8_t[]){ 2, oct[i], oct[j], 0 }, 4);
	for (size_t i = 0; i < NO; i++, k++)	/* two labels */
		memcpy(names[k], (uint8_t[]){ 1, oct[i], 1, 'a', 0 }, 5);
	assert_int_equal(k, NN);
	for (size_t i = 0; i < NN; i++)
		for (size_t j = 0; j < NN; j++) {
			int c1 = zw_name_cmp(names[i], names[j]);
			int c2 = lf_cmp_names(names[i], names[j]);
			assert_int_equal((c1 > 0) - (c1 < 0), (c2 > 0) - (c2 < 0));
			assert_int_equal(c1 == 0, zw_name_equal(names[i], names[j]));
		}
}

static void test_hash(void **state)
{
	uint8_t a[ZW_NAME_MAX], b[ZW_NAME_MAX];

	(void)state;
	parse(a, "WWW.example.com.", NULL);
	parse(b, "www.EXAMPLE.com.", NULL);
	assert_true(zw_name_hash(a) == zw_name_hash(b));
	parse(b, "www.example.net.", NULL);
	assert_true(zw_name_hash(a) != zw_name_hash(b));
	/* Stable across runs: FNV-1a of the root name (one 0x00 octet). */
	parse(b, ".", NULL);
	assert_true(zw_name_hash(b) == 0xaf63bd4c8601b7dfULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_bad_escapes),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_print_bind),
		cmocka_unit_test(test_print_all_octets),
		cmocka_unit_test(test_print_nospc),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_unpack),
		cmocka_unit_test(test_unpack_bad_pointers),
		cmocka_unit_test(test_unpack_pointer_chain),
		cmocka_unit_test(test_unpack_too_long),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_equal_subdomain_skip),
		cmocka_unit_test(test_canonical_order),
		cmocka_unit_test(test_lookup_form),
		cmocka_unit_test(test_lookup_form_exhaustive),
		cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
