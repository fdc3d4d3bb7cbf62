/* RDATA codecs: every type both directions against what BIND's
 * named-checkzone -D prints (fixtures in tests/dns/data), the RFC 3597
 * generic form, range errors, wire checks, decompression, canonical form,
 * embedded names and the RFC 9460 Appendix D vectors.
 *
 * `test_rdata --dump-generic ZONE` prints ZONE's records in generic form;
 * tests/dns/data/gen_rdata_fixtures.sh uses it to build and verify
 * rdata_types.generic.zone against BIND. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"

#define MAXTOK 2048

/* ---- a tiny test-local tokenizer (the real one lives in the zone
 * parser): whitespace separates, "..." is a quoted token, a quote inside a
 * token is kept raw up to its closing quote, a backslash keeps the next
 * character in the token, ';' outside quotes starts a comment. ---- */

static size_t scan_quoted(const char *s, size_t i)
{
	while (s[i] && s[i] != '"')
		i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
	return i;
}

static size_t tokenize(const char *s, struct zw_tok *t, size_t max)
{
	size_t n = 0, i = 0;

	while (s[i] && n < max) {
		size_t start;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
			continue;
		}
		if (s[i] == ';')
			break;
		if (s[i] == '"') {
			start = ++i;
			i = scan_quoted(s, i);
			t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
						  true };
			i += s[i] == '"';
			continue;
		}
		start = i;
		while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		       s[i] != '\r') {
			if (s[i] == '"')
				i = scan_quoted(s, i + 1) + (s[i] != 0);
			else
				i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
		}
		t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
					  false };
	}
	return n;
}

static uint8_t origin[ZW_NAME_MAX];

static void set_origin(void)
{
	assert_true(zw_name_from_str(origin, "example.", 8, NULL) > 0);
}

/* Parse rdata text of `type`; returns length or the error. */
static int parse_rd(uint16_t type, const char *text, uint8_t *out,
		    struct zw_rdata_err *err)
{
	struct zw_tok toks[MAXTOK];
	size_t n = tokenize(text, toks, MAXTOK);

	return zw_rdata_from_str(type, toks, n, origin, out, ZW_RDATA_MAX,
				 err);
}

static int parse_ok(uint16_t type, const char *text, uint8_t *out)
{
	struct zw_rdata_err err = { 0, NULL };
	int n = parse_rd(type, text, out, &err);

	if (n < 0)
		fail_msg("type %u '%s': %s at token %zu, expected %s", type,
			 text, zw_strerror(n), err.tok, err.expected);
	return n;
}

static int type_of(const char *s)
{
	int t = zw_rrtype_from_str(s, strlen(s));

	assert_true(t >= 0);
	return t;
}

/* ---- fixtures ---- */

struct rec {
	char owner[80];
	uint16_t type;
	const char *rdata; /* points into the file buffer */
};

static const char *data_path(const char *name)
{
	static char path[4096];
	const char *root = getenv("ZW_ROOT");

	snprintf(path, sizeof(path), "%s/tests/dns/data/%s", root ? root : ".",
		 name);
	return path;
}

static char *read_data(const char *name)
{
	char *buf = zw_test_read_file(data_path(name), NULL);

	if (!buf)
		fail_msg("cannot read %s (run from the repository root)",
			 data_path(name));
	return buf;
}

/* Zone lines "owner TYPE rdata..." (no TTL or class), comments and
 * directives skipped; owners are made absolute under example. */
static size_t load_zone(char *buf, struct rec *r, size_t max)
{
	size_t n = 0;

	for (char *line = strtok(buf, "\n"); line && n < max;
	     line = strtok(NULL, "\n")) {
		char owner[48], type[32];
		int used = 0;

		if (line[0] == ';' || line[0] == '$' || line[0] == '\0')
			continue;
		if (sscanf(line, "%47s %31s %n", owner, type, &used) != 2)
			fail_msg("bad fixture line '%s'", line);
		if (!strcmp(owner, "@"))
			snprintf(r[n].owner, sizeof(r[n].owner), "example.");
		else
			snprintf(r[n].owner, sizeof(r[n].owner), "%s.example.",
				 owner);
		r[n].type = (uint16_t)type_of(type);
		r[n].rdata = line + used;
		n++;
	}
	return n;
}

/* named-checkzone -D lines: "owner<ws>ttl<ws>IN<ws>TYPE<ws>rdata". */
static size_t load_expected(char *buf, struct rec *r, size_t max)
{
	size_t n = 0;

	for (char *line = strtok(buf, "\n"); line && n < max;
	     line = strtok(NULL, "\n")) {
		char type[32];
		int used = 0;

		if (line[0] == ';')
			continue;
		if (sscanf(line, "%79s %*u IN %31s %n", r[n].owner, type,
			   &used) != 2)
			fail_msg("bad expected line '%s'", line);
		r[n].type = (uint16_t)type_of(type);
		r[n].rdata = line + used;
		n++;
	}
	return n;
}

static const struct rec *lookup(const struct rec *r, size_t n,
				const char *owner, uint16_t type)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].owner, owner) && r[i].type == type)
			return &r[i];
	fail_msg("no expected record for %s type %u", owner, type);
	return NULL;
}

#define MAXREC 400
static struct rec zone[MAXREC], expect[MAXREC], generic[MAXREC];
static size_t nzone, nexpect, ngeneric;
static char *zone_buf, *expect_buf, *generic_buf;

static int load_fixtures(void **state)
{
	(void)state;
	set_origin();
	zone_buf = read_data("rdata_types.zone");
	expect_buf = read_data("rdata_types.expected");
	generic_buf = read_data("rdata_types.generic.zone");
	nzone = load_zone(zone_buf, zone, MAXREC);
	nexpect = load_expected(expect_buf, expect, MAXREC);
	ngeneric = load_zone(generic_buf, generic, MAXREC);
	return 0;
}

static int free_fixtures(void **state)
{
	(void)state;
	free(zone_buf);
	free(expect_buf);
	free(generic_buf);
	return 0;
}

/* Each record: our printing of our parse equals BIND's printing, and
 * parsing BIND's printing gives the same wire. */
static void test_fixture_matches_bind(void **state)
{
	static uint8_t w1[ZW_RDATA_MAX], w2[ZW_RDATA_MAX];
	static char text[200000];

	(void)state;
	assert_int_equal(nzone, nexpect);
	assert_true(nzone > 150);
	for (size_t i = 0; i < nzone; i++) {
		const struct rec *e = lookup(expect, nexpect, zone[i].owner,
					     zone[i].type);
		int n1 = parse_ok(zone[i].type, zone[i].rdata, w1), n2;
		int len = zw_rdata_to_str(zone[i].type, w1, (size_t)n1, text,
					  sizeof(text));

		assert_true(len >= 0);
		assert_int_equal(strlen(text), len);
		if (strcmp(text, e->rdata))
			fail_msg("%s: printed\n  %s\nBIND printed\n  %s",
				 zone[i].owner, text, e->rdata);
		n2 = parse_ok(zone[i].type, e->rdata, w2);
		assert_int_equal(n1, n2);
		assert_memory_equal(w1, w2, (size_t)n1);
		assert_int_equal(zw_rdata_check(zone[i].type, w1, (size_t)n1),
				 0);
	}
}

/* The generic-form fixture (our wire, which BIND read back and printed
 * as rdata_types.expected) parses to the same octets. */
static void test_fixture_generic(void **state)
{
	static uint8_t w1[ZW_RDATA_MAX], w2[ZW_RDATA_MAX];

	(void)state;
	assert_int_equal(ngeneric, nzone);
	for (size_t i = 0; i < nzone; i++) {
		int n1 = parse_ok(zone[i].type, zone[i].rdata, w1);
		int n2 = parse_ok(generic[i].type, generic[i].rdata, w2);

		assert_string_equal(zone[i].owner, generic[i].owner);
		assert_int_equal(zone[i].type, generic[i].type);
		if (n1 != n2 || memcmp(w1, w2, (size_t)n1))
			fail_msg("%s: wire differs from the BIND-checked "
				 "generic form", zone[i].owner);
	}
}

/* Generic form of every fixture record round-trips, also with the type
 * written as TYPEnnn (the type number does not matter to the parser). */
static void test_generic_roundtrip(void **state)
{
	static uint8_t w1[ZW_RDATA_MAX], w2[ZW_RDATA_MAX];
	static char text[200000];

	(void)state;
	for (size_t i = 0; i < nzone; i++) {
		int n1 = parse_ok(zone[i].type, zone[i].rdata, w1);
		int len = zw_rdata_to_generic(w1, (size_t)n1, text,
					      sizeof(text));

		assert_true(len > 0);
		assert_int_equal(parse_ok(zone[i].type, text, w2), n1);
		assert_memory_equal(w1, w2, (size_t)n1);
	}
}

static void expect_same(uint16_t type, const char *a, const char *b)
{
	static uint8_t w1[ZW_RDATA_MAX], w2[ZW_RDATA_MAX];
	int n1 = parse_ok(type, a, w1), n2 = parse_ok(type, b, w2);

	assert_int_equal(n1, n2);
	assert_memory_equal(w1, w2, (size_t)n1);
}

static void expect_print(uint16_t type, const char *in, const char *out)
{
	static uint8_t w[ZW_RDATA_MAX];
	static char text[4096];
	int n = parse_ok(type, in, w);

	assert_true(zw_rdata_to_str(type, w, (size_t)n, text, sizeof(text)) >
		    0);
	assert_string_equal(text, out);
}

static void test_generic_forms(void **state)
{
	uint8_t w[64];
	char text[64];

	(void)state;
	expect_same(ZW_TYPE_A, "\\# 4 C0000201", "192.0.2.1");
	expect_same(ZW_TYPE_A, "\\# 4 c0 00 02 01", "192.0.2.1");
	expect_same(ZW_TYPE_MX, "\\# 8 000A046D61696C00", "10 mail.");
	expect_same(ZW_TYPE_TXT, "\\# 3 026869", "hi");
	expect_print(ZW_TYPE_A, "\\# 4 C0000201", "192.0.2.1");
	expect_print(999, "\\# 0", "\\# 0");
	expect_print(65534, "\\# 5 0d30390001", "\\# 5 0D30390001");
	/* A known type whose wire does not validate prints generically. */
	w[0] = 1;
	assert_int_equal(zw_rdata_to_str(ZW_TYPE_A, w, 1, text, sizeof(text)),
			 7);
	assert_string_equal(text, "\\# 1 01");
	assert_int_equal(zw_rdata_to_generic(w, 0, text, sizeof(text)), 4);
	assert_string_equal(text, "\\# 0");
}

/* ---- errors ---- */

static void expect_error(uint16_t type, const char *text, int err,
			 size_t tok)
{
	uint8_t w[ZW_RDATA_MAX];
	struct zw_rdata_err e = { 999, NULL };
	int r = parse_rd(type, text, w, &e);

	if (r != err || e.tok != tok)
		fail_msg("type %u '%s': got %d (%s) at token %zu, want %d "
			 "at %zu", type, text, r, zw_strerror(r), e.tok, err,
			 tok);
	assert_non_null(e.expected);
}

static void test_range_errors(void **state)
{
	(void)state;
	expect_error(ZW_TYPE_MX, "65536 mail", ZW_ERANGE, 0);
	expect_error(ZW_TYPE_MX, "-1 mail", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_MX, "0x10 mail", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_MX, "10", ZW_ETRUNC, 1);
	expect_error(ZW_TYPE_MX, "10 a b", ZW_ETRAILING, 2);
	expect_error(ZW_TYPE_SRV, "1 2 65536 .", ZW_ERANGE, 2);
	expect_error(ZW_TYPE_DS, "1 256 2 00", ZW_ERANGE, 1);
	expect_error(ZW_TYPE_SOA, "a b 4294967296 1 1 1 1", ZW_ERANGE, 2);
	expect_error(ZW_TYPE_SOA, "a b 1 1h1 1 1 1", ZW_ERDATA, 3);
	expect_error(ZW_TYPE_SOA, "a b 1 h 1 1 1", ZW_ERDATA, 3);
	expect_error(ZW_TYPE_SOA, "a b 1 1000000w 1 1 1", ZW_ERANGE, 3);
	expect_error(ZW_TYPE_SOA, "a b 1 1 1 1 1 1", ZW_ETRAILING, 7);
	expect_error(ZW_TYPE_A, "256.1.1.1", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_A, "1.2.3", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_A, "01.2.3.4", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_A, "", ZW_ETRUNC, 0);
	expect_error(ZW_TYPE_AAAA, "1::2::3", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_AAAA, "1:2:3:4:5:6:7::8", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_AAAA, "00000::1", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_RRSIG,
		     "A 8 2 1 20240231000000 20240101000000 1 . AA==",
		     ZW_ERANGE, 4);
	expect_error(ZW_TYPE_RRSIG,
		     "A 8 2 1 21000229000000 20240101000000 1 . AA==",
		     ZW_ERANGE, 4);
	expect_error(ZW_TYPE_RRSIG, "A 8 2 1 4294967296 0 1 . AA==",
		     ZW_ERANGE, 4);
	expect_error(ZW_TYPE_RRSIG, "A 8 2 1h 1 0 1 . AA==", ZW_ERDATA, 3);
	expect_error(ZW_TYPE_RRSIG, "BOGUS 8 2 1 1 0 1 . AA==", ZW_ETYPE, 0);
	expect_error(ZW_TYPE_RRSIG, "A 8 2 1 1 0 1 .", ZW_ETRUNC, 8);
	expect_error(ZW_TYPE_RRSIG, "A 8 2 1 1 0 1 . AA=", ZW_EBASE64, 8);
	expect_error(ZW_TYPE_DNSKEY, "256 3 8 AA== AA==", ZW_EBASE64, 4);
	expect_error(ZW_TYPE_NSEC, "a. A BOGUS", ZW_ETYPE, 2);
	expect_error(ZW_TYPE_NSEC, "a.", ZW_ETRUNC, 1);
	expect_error(ZW_TYPE_NSEC3, "1 1 12 a 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
		     ZW_EHEX, 3);
	expect_error(ZW_TYPE_NSEC3, "1 1 12 - 2T7B4G4V", ZW_ERDATA, 4);
	expect_error(ZW_TYPE_NSEC3, "1 1 12 - -", ZW_EBASE32, 4);
	expect_error(ZW_TYPE_NSEC3PARAM, "1 1 12 ab cd", ZW_ETRAILING, 4);
	expect_error(ZW_TYPE_DS, "1 2 2 AABB", ZW_ERDATA, 3);
	expect_error(ZW_TYPE_DS, "1 2 2", ZW_ETRUNC, 3);
	expect_error(ZW_TYPE_DS, "1 2 2 ABC", ZW_EHEX, 3);
	expect_error(ZW_TYPE_SSHFP, "1 1 AA", ZW_ERDATA, 2);
	expect_error(ZW_TYPE_ZONEMD, "1 1 0 AABB", ZW_ERDATA, 3);
	expect_error(ZW_TYPE_ZONEMD, "1 1 1 000102030405060708090a0b",
		     ZW_ERDATA, 3);
	expect_error(ZW_TYPE_TXT, "", ZW_ETRUNC, 0);
	expect_error(ZW_TYPE_TXT, "ok \"\\256\"", ZW_EESCAPE, 1);
	expect_error(ZW_TYPE_TXT, "ok a\\", ZW_EESCAPE, 1);
	expect_error(ZW_TYPE_HINFO, "a", ZW_ETRUNC, 1);
	expect_error(ZW_TYPE_CAA, "0 is-sue \"x\"", ZW_ERDATA, 1);
	expect_error(ZW_TYPE_CAA, "0 \"issue\" \"x\"", ZW_ERDATA, 1);
	expect_error(ZW_TYPE_CAA, "256 issue \"x\"", ZW_ERANGE, 0);
	expect_error(ZW_TYPE_CAA, "0 issue", ZW_ETRUNC, 2);
	expect_error(ZW_TYPE_CAA, "0 issue a b", ZW_ETRAILING, 3);
	expect_error(ZW_TYPE_NAPTR, "1 1 \"\" \"\" \"!a!b\" .", ZW_ERDATA, 4);
	expect_error(ZW_TYPE_NAPTR, "1 1 \"\" \"\" \"!a!\\\\1!\" .", ZW_ERDATA,
		     4);
	expect_error(ZW_TYPE_NAPTR, "1 1 \"\" \"\" \"1a1b1\" .", ZW_ERDATA, 4);
	expect_error(ZW_TYPE_NS, "a..b", ZW_EMALF, 0);
	expect_error(ZW_TYPE_LOC, "91 N 71 W 0", ZW_ERANGE, 0);
	expect_error(ZW_TYPE_LOC, "90 1 N 71 W 0", ZW_ERANGE, 2);
	expect_error(ZW_TYPE_LOC, "42 60 54 N 71 W 0", ZW_ERANGE, 1);
	expect_error(ZW_TYPE_LOC, "42 21 54.1234 N 71 W 0", ZW_ERDATA, 2);
	expect_error(ZW_TYPE_LOC, "42 n 71 W 0", ZW_ERDATA, 1);
	expect_error(ZW_TYPE_LOC, "42 N 181 W 0", ZW_ERANGE, 2);
	expect_error(ZW_TYPE_LOC, "42 N 71 W 42849672.96m", ZW_ERANGE, 4);
	expect_error(ZW_TYPE_LOC, "42 N 71 W 0 90000001m", ZW_ERANGE, 5);
	expect_error(ZW_TYPE_LOC, "42 N 71 W 0 1 2 3 4", ZW_ETRAILING, 8);
	expect_error(ZW_TYPE_LOC, "42 N 71 W", ZW_ETRUNC, 4);
	expect_error(999, "01 02", ZW_ERDATA, 0);
	expect_error(ZW_TYPE_A, "\\# 3 010203", ZW_ETRUNC, 1);
	expect_error(ZW_TYPE_A, "\\# 4 010203", ZW_ERDATA, 2);
	expect_error(999, "\\# 65536 00", ZW_ERANGE, 1);
	expect_error(999, "\\# 1 0g", ZW_EHEX, 2);
	expect_error(999, "\\#", ZW_ETRUNC, 1);
}

static void test_long_fields(void **state)
{
	static char text[300000];
	static uint8_t w[ZW_RDATA_MAX];
	struct zw_rdata_err e;
	size_t n;

	(void)state;
	/* 255 octets fit a <character-string>, 256 do not. */
	memset(text, 'x', 258);
	text[0] = '"';
	text[257] = '"';
	text[258] = '\0';
	assert_int_equal(parse_rd(ZW_TYPE_TXT, text, w, &e), ZW_ERANGE);
	text[256] = '"';
	text[257] = '\0';
	assert_int_equal(parse_ok(ZW_TYPE_TXT, text, w), 256);
	/* Salt of 255 octets is fine, 256 is not. */
	n = (size_t)sprintf(text, "1 0 0 ");
	memset(text + n, 'a', 512);
	text[n + 510] = '\0';
	assert_int_equal(parse_ok(ZW_TYPE_NSEC3PARAM, text, w), 5 + 255);
	text[n + 510] = 'a';
	text[n + 512] = '\0';
	assert_int_equal(parse_rd(ZW_TYPE_NSEC3PARAM, text, w, &e), ZW_ERANGE);
	/* rdata beyond 65535 octets: generic length and a huge TXT. */
	n = 0;
	for (int i = 0; i < 258; i++)
		n += (size_t)sprintf(text + n, "\"%0254d\" ", 0);
	assert_int_equal(parse_rd(ZW_TYPE_TXT, text, w, &e), ZW_ERANGE);
	/* A small output buffer is ZW_ENOSPC, not a range error. */
	{
		struct zw_tok t = { "192.0.2.1", 9, false };

		assert_int_equal(zw_rdata_from_str(ZW_TYPE_A, &t, 1, NULL, w,
						   3, &e), ZW_ENOSPC);
	}
}

/* Base64 and hex may be split into tokens anywhere; long runs are decoded
 * in chunks, and padding is only allowed at the very end. */
static void test_split_encodings(void **state)
{
	static uint8_t key[3000], w[ZW_RDATA_MAX];
	static char b64[4100], text[10000];
	size_t n = 0, len;

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 3);
	len = (size_t)zw_b64_encode(key, 2999, b64, sizeof(b64));
	n = (size_t)sprintf(text, "256 3 8 ");
	for (size_t i = 0; i < len; i += 7)
		n += (size_t)sprintf(text + n, "%.7s ", b64 + i);
	assert_int_equal(parse_ok(ZW_TYPE_DNSKEY, text, w), 4 + 2999);
	assert_memory_equal(w + 4, key, 2999);
	expect_error(ZW_TYPE_DNSKEY, "256 3 8 AA== AAAA", ZW_EBASE64, 4);
	/* padding that ends exactly at the decoder's 1024-character chunk */
	n = (size_t)sprintf(text, "256 3 8 ");
	memset(text + n, 'A', 1020);
	strcpy(text + n + 1020, "AA== AAAA");
	expect_error(ZW_TYPE_DNSKEY, text, ZW_EBASE64, 4);
	text[n + 1024] = '\0';
	assert_int_equal(parse_ok(ZW_TYPE_DNSKEY, text, w), 4 + 766);
	expect_error(ZW_TYPE_DNSKEY, "256 3 8 AAA", ZW_EBASE64, 3);
	expect_same(ZW_TYPE_DS, "1 2 0 A BC D", "1 2 0 ABCD");
	expect_error(ZW_TYPE_DS, "1 2 0 A BC", ZW_EHEX, 4);
}

/* ---- wire checks ---- */

static void expect_bad_wire(uint16_t type, const uint8_t *w, size_t n)
{
	char text[512];

	if (zw_rdata_check(type, w, n) >= 0)
		fail_msg("type %u: %zu-octet rdata accepted", type, n);
	/* Printing falls back to the generic form. */
	assert_true(zw_rdata_to_str(type, w, n, text, sizeof(text)) > 0);
	assert_memory_equal(text, "\\# ", 3);
}

/* Types whose last field has a fixed or self-delimited length: every
 * truncation of a fixture record must be rejected. */
static void test_check_truncated(void **state)
{
	static const uint16_t strict[] = {
		ZW_TYPE_A,     ZW_TYPE_NS,   ZW_TYPE_CNAME, ZW_TYPE_SOA,
		ZW_TYPE_PTR,   ZW_TYPE_MX,   ZW_TYPE_AAAA,  ZW_TYPE_SRV,
		ZW_TYPE_NAPTR, ZW_TYPE_RP,   ZW_TYPE_AFSDB, ZW_TYPE_KX,
		ZW_TYPE_DNAME, ZW_TYPE_LOC,  ZW_TYPE_HINFO, ZW_TYPE_NSEC3PARAM,
		14,	       21,	     26,
	};
	static uint8_t w[ZW_RDATA_MAX];
	int tested = 0;

	(void)state;
	for (size_t i = 0; i < nzone; i++) {
		bool is_strict = false;
		int n = parse_ok(zone[i].type, zone[i].rdata, w);

		for (size_t k = 0; k < sizeof(strict) / sizeof(*strict); k++)
			is_strict |= strict[k] == zone[i].type;
		for (int len = 0; len < n; len++) {
			int r = zw_rdata_check(zone[i].type, w, (size_t)len);

			if (is_strict && r >= 0)
				fail_msg("%s: truncated to %d accepted",
					 zone[i].owner, len);
		}
		tested += is_strict;
	}
	assert_true(tested > 40);
}

static void test_check_malformed(void **state)
{
	static const uint8_t rrsig_short[18] = { 0, 1, 8, 2 };
	static const uint8_t rrsig_nosig[19] = { 0, 1, 8, 2 };
	static const uint8_t nsec3_salt[] = { 1, 0, 0, 1, 9, 0xaa };
	static const uint8_t nsec3_nohash[] = { 1, 0, 0, 1, 0, 0 };
	static const uint8_t nsec_bad_window[] = { 0, 0, 0 };
	static const uint8_t nsec_order[] = { 0, 1, 1, 0, 0, 1, 0x40 };
	static const uint8_t nsec_empty[] = { 0 };
	static const uint8_t txt_over[] = { 5, 'a', 'b' };
	static const uint8_t caa_notag[] = { 0, 0, 'x' };
	static const uint8_t caa_badtag[] = { 0, 2, 'a', '-', 'x' };
	static const uint8_t svcb_over[] = { 0, 1, 0, 0, 3, 0, 5, 0, 0x35 };
	static const uint8_t svcb_order[] = { 0, 1, 0, 0, 3, 0, 2, 0, 53,
					      0, 1, 0, 3, 2, 'h', '2' };
	static const uint8_t svcb_port3[] = { 0, 1, 0, 0, 3, 0, 3, 0, 53, 0 };
	static const uint8_t svcb_alpn0[] = { 0, 1, 0, 0, 1, 0, 1, 0 };
	static const uint8_t svcb_mand[] = { 0, 1, 0, 0, 0, 0, 2, 0, 3 };
	static const uint8_t svcb_nodef[] = { 0, 1, 0, 0, 2, 0, 0 };
	static const uint8_t loc_ver[16] = { 1, 0x12, 0x16, 0x13 };
	static const uint8_t loc_prec[16] = { 0, 0xa2, 0x16, 0x13, 0x80, 0,
					      0, 0, 0x80, 0, 0, 0 };
	static const uint8_t mx_ptr[] = { 0, 10, 0xc0, 12 };
	static const uint8_t ds_sha1[] = { 0, 1, 8, 1, 0xaa };

	(void)state;
	expect_bad_wire(ZW_TYPE_RRSIG, rrsig_short, sizeof(rrsig_short));
	expect_bad_wire(ZW_TYPE_RRSIG, rrsig_nosig, sizeof(rrsig_nosig));
	expect_bad_wire(ZW_TYPE_NSEC3, nsec3_salt, sizeof(nsec3_salt));
	expect_bad_wire(ZW_TYPE_NSEC3, nsec3_nohash, sizeof(nsec3_nohash));
	expect_bad_wire(ZW_TYPE_NSEC, nsec_bad_window, sizeof(nsec_bad_window));
	expect_bad_wire(ZW_TYPE_NSEC, nsec_order, sizeof(nsec_order));
	expect_bad_wire(ZW_TYPE_NSEC, nsec_empty, sizeof(nsec_empty));
	expect_bad_wire(ZW_TYPE_TXT, txt_over, sizeof(txt_over));
	expect_bad_wire(ZW_TYPE_TXT, txt_over, 0);
	expect_bad_wire(ZW_TYPE_CAA, caa_notag, sizeof(caa_notag));
	expect_bad_wire(ZW_TYPE_CAA, caa_badtag, sizeof(caa_badtag));
	expect_bad_wire(ZW_TYPE_SVCB, svcb_over, sizeof(svcb_over));
	expect_bad_wire(ZW_TYPE_HTTPS, svcb_order, sizeof(svcb_order));
	expect_bad_wire(ZW_TYPE_SVCB, svcb_port3, sizeof(svcb_port3));
	expect_bad_wire(ZW_TYPE_SVCB, svcb_alpn0, sizeof(svcb_alpn0));
	expect_bad_wire(ZW_TYPE_SVCB, svcb_mand, sizeof(svcb_mand));
	expect_bad_wire(ZW_TYPE_SVCB, svcb_nodef, sizeof(svcb_nodef));
	expect_bad_wire(ZW_TYPE_LOC, loc_ver, sizeof(loc_ver));
	expect_bad_wire(ZW_TYPE_LOC, loc_prec, sizeof(loc_prec));
	expect_bad_wire(ZW_TYPE_MX, mx_ptr, sizeof(mx_ptr));
	expect_bad_wire(ZW_TYPE_DS, ds_sha1, sizeof(ds_sha1));
	/* Unknown types are always valid. */
	assert_int_equal(zw_rdata_check(999, txt_over, sizeof(txt_over)), 0);
	assert_int_equal(zw_rdata_check(65534, NULL, 0), 0);
}

/* ---- RFC 9460 Appendix D ---- */

struct svcb_vec {
	const char *text;
	const char *hex;
};

static const struct svcb_vec rfc9460_ok[] = {
	/* D.1 AliasMode */
	{ "0 foo.example.com.", "0000 03666f6f076578616d706c6503636f6d00" },
	/* D.2 ServiceMode, figures 3 to 10 */
	{ "1 .", "0001 00" },
	{ "16 foo.example.com. port=53",
	  "0010 03666f6f076578616d706c6503636f6d00 0003 0002 0035" },
	{ "1 foo.example.com. key667=hello",
	  "0001 03666f6f076578616d706c6503636f6d00 029b 0005 68656c6c6f" },
	{ "1 foo.example.com. key667=\"hello\\210qoo\"",
	  "0001 03666f6f076578616d706c6503636f6d00 029b 0009"
	  " 68656c6c6fd2716f6f" },
	{ "1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"",
	  "0001 03666f6f076578616d706c6503636f6d00 0006 0020"
	  " 20010db8000000000000000000000001"
	  " 20010db8000000000000000000530001" },
	{ "1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\"",
	  "0001 076578616d706c6503636f6d00 0006 0010"
	  " 20010db80122034400000000c0000221" },
	{ "16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn "
	  "ipv4hint=192.0.2.1",
	  "0010 03666f6f076578616d706c65036f726700 0000 0004 00010004"
	  " 0001 0009 0268320568332d3139 0004 0004 c0000201" },
	{ "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
	  "0010 03666f6f076578616d706c65036f726700 0001 000c"
	  " 08665c6f6f2c626172 026832" },
	{ "16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
	  "0010 03666f6f076578616d706c65036f726700 0001 000c"
	  " 08665c6f6f2c626172 026832" },
};

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; *h; h++) {
		unsigned v;

		if (*h == ' ')
			continue;
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		h++;
	}
	return n;
}

static void test_rfc9460_vectors(void **state)
{
	uint8_t want[512], w[512], w2[ZW_RDATA_MAX];
	char text[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(rfc9460_ok) / sizeof(*rfc9460_ok); i++) {
		size_t wl = unhex(rfc9460_ok[i].hex, want);
		int n = parse_ok(ZW_TYPE_SVCB, rfc9460_ok[i].text, w);

		if ((size_t)n != wl || memcmp(w, want, wl))
			fail_msg("RFC 9460 vector '%s' encodes differently",
				 rfc9460_ok[i].text);
		/* wire -> text -> wire is stable */
		assert_true(zw_rdata_to_str(ZW_TYPE_SVCB, w, (size_t)n, text,
					    sizeof(text)) > 0);
		assert_int_equal(parse_ok(ZW_TYPE_SVCB, text, w2), n);
		assert_memory_equal(w2, want, wl);
	}
}

/* D.3 failure cases, and the checks BIND adds. */
static void test_rfc9460_failures(void **state)
{
	static const char *const bad[] = {
		"1 foo.example.com. key123=abc key123=def",
		"1 foo.example.com. mandatory",
		"1 foo.example.com. alpn",
		"1 foo.example.com. port",
		"1 foo.example.com. ipv4hint",
		"1 foo.example.com. ipv6hint",
		"1 foo.example.com. no-default-alpn=abc",
		"1 foo.example.com. mandatory=key123",
		"1 foo.example.com. mandatory=mandatory",
		"1 foo.example.com. mandatory=key123,key123 key123=abc",
		"1 . no-default-alpn",
		"1 . alpn=h2 alpn=h3",
		"1 . alpn=h2,,h3",
		"1 . alpn=h3,",
		"1 . alpn=",
		"1 . port=65536",
		"1 . port=0x1",
		"1 . ipv4hint=1.2.3.4,",
		"1 . key007=a",
		"1 . key65536=a",
		"1 . KEY12=x",
		"1 . key1=h2",
		"1 . key3",
		"1 . ech=AAAA=",
		"1 . dohpath=/q",
		"1 . dohpath=q{?dns}",
		"1 . dohpath=/{?dnsx}",
		"1 . dohpath=\"/{?dns}\\255\"",
		"1 . \"alpn=h2\"",
	};
	uint8_t w[ZW_RDATA_MAX];
	struct zw_rdata_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		e.expected = NULL;
		if (parse_rd(ZW_TYPE_SVCB, bad[i], w, &e) >= 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(e.expected);
		assert_true(e.tok >= 2);
	}
}

/* The tokenizer may hand key="value" over as one raw token or as "key="
 * followed by a quoted token; both mean the same. */
static void test_svcb_token_forms(void **state)
{
	const struct zw_tok a[] = { { "1", 1, false }, { ".", 1, false },
				    { "alpn=\"h2,h3\"", 12, false },
				    { "port=", 5, false }, { "8", 1, true } };
	const struct zw_tok b[] = { { "1", 1, false }, { ".", 1, false },
				    { "alpn=", 5, false }, { "h2,h3", 5, true },
				    { "port=8", 6, false } };
	uint8_t wa[64], wb[64], want[64];
	size_t wl = unhex("0001 00 0001 0006 026832026833 0003 0002 0008",
			  want);
	int na = zw_rdata_from_str(ZW_TYPE_HTTPS, a, 5, origin, wa,
				   sizeof(wa), NULL);
	int nb = zw_rdata_from_str(ZW_TYPE_HTTPS, b, 5, origin, wb,
				   sizeof(wb), NULL);

	(void)state;
	assert_int_equal(na, (int)wl);
	assert_int_equal(nb, (int)wl);
	assert_memory_equal(wa, want, wl);
	assert_memory_equal(wb, want, wl);
}

/* ---- unpack ---- */

static void test_unpack(void **state)
{
	/* Header-less toy message: "mail.example." at 0, then rdata. */
	static const uint8_t msg[] = {
		4, 'm', 'a', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		/* 14: MX 10 -> pointer to 0 */
		0, 10, 0xc0, 0,
		/* 18: SRV 1 2 3 -> "x" + pointer to 5 (example.) */
		0, 1, 0, 2, 0, 3, 1, 'x', 0xc0, 5,
		/* 28: SOA pointer, pointer, 5 numbers */
		0xc0, 0, 0xc0, 5, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0,
		4, 0, 0, 0, 5,
		/* 52: MX with a forward pointer (to 56) */
		0, 10, 0xc0, 56,
		/* 56: NSEC with a compressed next name: not allowed */
		0xc0, 0, 0, 1, 0x40,
	};
	uint8_t out[512], want[512];
	int n;

	(void)state;
	set_origin();
	n = zw_rdata_unpack(ZW_TYPE_MX, msg, msg + sizeof(msg), msg + 14, 4,
			    out, sizeof(out));
	assert_int_equal(n, parse_ok(ZW_TYPE_MX, "10 mail.example.", want));
	assert_memory_equal(out, want, (size_t)n);
	n = zw_rdata_unpack(ZW_TYPE_SRV, msg, msg + sizeof(msg), msg + 18, 10,
			    out, sizeof(out));
	assert_int_equal(n, parse_ok(ZW_TYPE_SRV, "1 2 3 x.example.", want));
	assert_memory_equal(out, want, (size_t)n);
	n = zw_rdata_unpack(ZW_TYPE_SOA, msg, msg + sizeof(msg), msg + 28, 24,
			    out, sizeof(out));
	assert_int_equal(n, parse_ok(ZW_TYPE_SOA,
				     "mail.example. example. 1 2 3 4 5", want));
	assert_memory_equal(out, want, (size_t)n);
	/* rdlen that cuts the SOA short, or runs past the message */
	assert_true(zw_rdata_unpack(ZW_TYPE_SOA, msg, msg + sizeof(msg),
				    msg + 28, 23, out, sizeof(out)) < 0);
	assert_true(zw_rdata_unpack(ZW_TYPE_MX, msg, msg + 16, msg + 14, 4,
				    out, sizeof(out)) < 0);
	/* forward pointer */
	assert_true(zw_rdata_unpack(ZW_TYPE_MX, msg, msg + sizeof(msg),
				    msg + 52, 4, out, sizeof(out)) < 0);
	/* NSEC names are never compressed (RFC 4034 §4.1.1) */
	assert_true(zw_rdata_unpack(ZW_TYPE_NSEC, msg, msg + sizeof(msg),
				    msg + 56, 5, out, sizeof(out)) < 0);
	/* A pointer in an MX must stay inside the rdata it starts in. */
	assert_true(zw_rdata_unpack(ZW_TYPE_MX, msg, msg + sizeof(msg),
				    msg + 14, 3, out, sizeof(out)) < 0);
	/* Unknown types are copied as they are. */
	n = zw_rdata_unpack(999, msg, msg + sizeof(msg), msg + 14, 4, out,
			    sizeof(out));
	assert_int_equal(n, 4);
	assert_memory_equal(out, msg + 14, 4);
	/* Output too small */
	assert_int_equal(zw_rdata_unpack(ZW_TYPE_MX, msg, msg + sizeof(msg),
					 msg + 14, 4, out, 5), ZW_ENOSPC);
}

/* ---- canonical form ---- */

static void expect_canon(uint16_t type, const char *in, const char *out)
{
	uint8_t w[1024], want[1024];
	int n = parse_ok(type, in, w);

	assert_int_equal(parse_ok(type, out, want), n);
	zw_rdata_canonicalize(type, w, (size_t)n);
	if (memcmp(w, want, (size_t)n))
		fail_msg("canonical form of '%s' is not '%s'", in, out);
}

static void test_canonicalize(void **state)
{
	(void)state;
	expect_canon(ZW_TYPE_MX, "10 MAIL.Example.", "10 mail.example.");
	expect_canon(ZW_TYPE_SOA, "NS1.Ex. HostMaster.EX. 1 2 3 4 5",
		     "ns1.ex. hostmaster.ex. 1 2 3 4 5");
	expect_canon(ZW_TYPE_CNAME, "A.B.", "a.b.");
	expect_canon(ZW_TYPE_SRV, "1 2 3 SIP.X.", "1 2 3 sip.x.");
	expect_canon(ZW_TYPE_NAPTR, "1 1 \"U\" \"E2U\" \"\" REPL.X.",
		     "1 1 \"U\" \"E2U\" \"\" repl.x.");
	expect_canon(ZW_TYPE_RP, "MBOX.X. TXT.X.", "mbox.x. txt.x.");
	expect_canon(ZW_TYPE_DNAME, "X.Y.", "x.y.");
	expect_canon(ZW_TYPE_RRSIG, "A 8 2 1 1 0 1 Ex.AMPLE. AA==",
		     "A 8 2 1 1 0 1 ex.ample. AA==");
	/* RFC 6840 §5.1: NSEC's next name keeps its case. */
	expect_canon(ZW_TYPE_NSEC, "Next.X. A", "Next.X. A");
	/* Not in RFC 4034 §6.2: SVCB target, TXT, HINFO, CAA. */
	expect_canon(ZW_TYPE_SVCB, "1 Svc.X.", "1 Svc.X.");
	expect_canon(ZW_TYPE_TXT, "ABC", "ABC");
	expect_canon(ZW_TYPE_HINFO, "PC Linux", "PC Linux");
	expect_canon(ZW_TYPE_CAA, "0 ISSUE \"X\"", "0 ISSUE \"X\"");
}

static void test_cmp(void **state)
{
	const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 4 };

	(void)state;
	assert_true(zw_rdata_cmp(a, 3, b, 3) < 0);
	assert_true(zw_rdata_cmp(b, 3, a, 3) > 0);
	assert_true(zw_rdata_cmp(a, 2, a, 3) < 0);
	assert_true(zw_rdata_cmp(a, 3, a, 2) > 0);
	assert_int_equal(zw_rdata_cmp(a, 3, a, 3), 0);
	assert_int_equal(zw_rdata_cmp(a, 0, b, 0), 0);
}

/* ---- embedded names ---- */

static void expect_names(uint16_t type, const char *text, int count,
			 const size_t *off, const bool *comp)
{
	uint8_t w[1024];
	size_t o[8];
	bool c[8];
	int n = parse_ok(type, text, w);

	assert_int_equal(zw_rdata_names(type, w, (size_t)n, o, c, 8), count);
	for (int i = 0; i < count; i++) {
		assert_int_equal(o[i], off[i]);
		assert_int_equal(c[i], comp[i]);
	}
}

static void test_names(void **state)
{
	size_t off[4];
	bool comp[4];
	uint8_t w[64];

	(void)state;
	off[0] = 0, off[1] = 3, comp[0] = comp[1] = true;
	expect_names(ZW_TYPE_SOA, "a. b. 1 2 3 4 5", 2, off, comp);
	off[0] = 2;
	expect_names(ZW_TYPE_MX, "1 a.", 1, off, comp);
	off[0] = 6, comp[0] = false;
	expect_names(ZW_TYPE_SRV, "1 2 3 a.", 1, off, comp);
	off[0] = 18;
	expect_names(ZW_TYPE_RRSIG, "A 8 2 1 1 0 1 a. AA==", 1, off, comp);
	off[0] = 0;
	expect_names(ZW_TYPE_NSEC, "a. A", 1, off, comp);
	off[0] = 2;
	expect_names(ZW_TYPE_HTTPS, "1 a. alpn=h2", 1, off, comp);
	off[0] = 7;
	expect_names(ZW_TYPE_NAPTR, "1 1 \"\" \"\" \"\" a.", 1, off, comp);
	off[0] = 0, off[1] = 3, comp[1] = false;
	expect_names(ZW_TYPE_RP, "a. b.", 2, off, comp);
	expect_names(ZW_TYPE_A, "1.2.3.4", 0, off, comp);
	expect_names(999, "\\# 1 00", 0, off, comp);
	/* max limits what is written, not the count */
	parse_ok(ZW_TYPE_SOA, "a. b. 1 2 3 4 5", w);
	assert_int_equal(zw_rdata_names(ZW_TYPE_SOA, w, 26, off, NULL, 1), 2);
	assert_int_equal(off[0], 0);
	assert_true(zw_rdata_names(ZW_TYPE_SOA, w, 25, off, NULL, 4) < 0);
}

/* ---- printing into small buffers ---- */

static void test_small_buffers(void **state)
{
	static uint8_t w[ZW_RDATA_MAX];
	char text[4096];

	(void)state;
	for (size_t i = 0; i < nzone; i++) {
		int n = parse_ok(zone[i].type, zone[i].rdata, w);
		int len = zw_rdata_to_str(zone[i].type, w, (size_t)n, text,
					  sizeof(text));

		assert_true(len > 0);
		for (int size = 0; size <= len; size++) {
			char *b = malloc((size_t)size + 1);

			b[size] = 'Z'; /* canary past the buffer */
			assert_int_equal(zw_rdata_to_str(zone[i].type, w,
							 (size_t)n, b,
							 (size_t)size),
					 ZW_ENOSPC);
			assert_int_equal(b[size], 'Z');
			if (size)
				assert_int_equal(strnlen(b, (size_t)size) <
							 (size_t)size, 1);
			free(b);
		}
	}
}

/* ---- --dump-generic ---- */

static int dump_generic(const char *path)
{
	static uint8_t w[ZW_RDATA_MAX];
	static char text[200000];
	char *buf = zw_test_read_file(path, NULL), *line;

	if (!buf)
		return 1;
	set_origin();
	puts("$ORIGIN example.\n$TTL 3600");
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char owner[64], type[32];
		int used = 0, n;

		if (line[0] == ';' || line[0] == '$' ||
		    sscanf(line, "%63s %31s %n", owner, type, &used) != 2)
			continue;
		n = parse_rd((uint16_t)zw_rrtype_from_str(type, strlen(type)),
			     line + used, w, NULL);
		if (n < 0 || zw_rdata_to_generic(w, (size_t)n, text,
						 sizeof(text)) < 0)
			return 1;
		printf("%s %s %s\n", owner, type, text);
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_matches_bind),
		cmocka_unit_test(test_fixture_generic),
		cmocka_unit_test(test_generic_roundtrip),
		cmocka_unit_test(test_generic_forms),
		cmocka_unit_test(test_range_errors),
		cmocka_unit_test(test_long_fields),
		cmocka_unit_test(test_split_encodings),
		cmocka_unit_test(test_check_truncated),
		cmocka_unit_test(test_check_malformed),
		cmocka_unit_test(test_rfc9460_vectors),
		cmocka_unit_test(test_rfc9460_failures),
		cmocka_unit_test(test_svcb_token_forms),
		cmocka_unit_test(test_unpack),
		cmocka_unit_test(test_canonicalize),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_small_buffers),
	};

	if (argc == 3 && !strcmp(argv[1], "--dump-generic"))
		return dump_generic(argv[2]);
	return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
