/* BIND key files (crypto/keyfile.h). Fixtures in tests/crypto/data/keys were
 * written by BIND 9.18 and ldns (see the README there); BIND-written files
 * must come back byte for byte from parse + format. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crypto/keyfile.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "tests/util/testutil.h"

static char bufs[2][16384];

static const char *keydir(const char *sub)
{
	static char path[4096];
	const char *root = getenv("ZW_ROOT");

	snprintf(path, sizeof(path), "%s/tests/crypto/data/keys/%s",
		 root && *root ? root : ".", sub);
	return path;
}

static char *read_fixture(const char *sub, const char *name, size_t *len)
{
	char path[8192];
	char *s;

	snprintf(path, sizeof(path), "%s/%s", keydir(sub), name);
	s = zw_test_read_file(path, len);
	if (!s)
		fail_msg("cannot read %s", path);
	return s;
}

/* Every fixture file with suffix `ext` in `sub`, one callback each. */
static int each_fixture(const char *sub, const char *ext,
			void (*fn)(const char *sub, const char *name))
{
	DIR *d = opendir(keydir(sub));
	struct dirent *e;
	int n = 0;
	size_t el = strlen(ext);

	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > el && strcmp(e->d_name + l - el, ext) == 0) {
			fn(sub, e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

/* ---- .private ---- */

static void priv_roundtrip(const char *sub, const char *name)
{
	size_t len;
	char *s = read_fixture(sub, name, &len);
	struct zw_privtext pt;
	struct zw_kf_err err;
	int r = zw_privtext_parse(s, s + len, &pt, &err);

	if (r)
		fail_msg("%s:%u: %s: %s", name, err.line, err.field,
			 zw_strerror(r));
	assert_true(pt.nfields >= 1);
	if (strcmp(sub, "bind") == 0) {
		r = zw_privtext_format(&pt, bufs[0], sizeof(bufs[0]));
		assert_int_equal(r, (int)len);
		assert_string_equal(bufs[0], s);
	} else {
		assert_int_equal(pt.minor, 2);
	}
	free(s);
}

static void test_private_roundtrip(void **state)
{
	(void)state;
	assert_true(each_fixture("bind", ".private", priv_roundtrip) >= 20);
	assert_int_equal(each_fixture("ldns", ".private", priv_roundtrip), 7);
}

static void test_private_fields(void **state)
{
	size_t len;
	char *s = read_fixture("bind", "Ktimes.example.+015+32728.private",
			       &len);
	struct zw_privtext pt;

	(void)state;
	assert_int_equal(zw_privtext_parse(s, s + len, &pt, NULL), 0);
	assert_int_equal(pt.minor, 3);
	assert_int_equal(pt.alg, 15);
	assert_int_equal(pt.nfields, 1);
	assert_int_equal(pt.fields[0].name.len, 10);
	assert_memory_equal(pt.fields[0].name.s, "PrivateKey", 10);
	assert_int_equal(pt.fields[0].line, 3);
	assert_int_equal(pt.times[ZW_KT_PUBLISH], 1767225600);  /* 20260101 */
	assert_int_equal(pt.times[ZW_KT_ACTIVATE], 1767312000);
	assert_int_equal(pt.times[ZW_KT_REVOKE], 1767398400);
	assert_int_equal(pt.times[ZW_KT_INACTIVE], 1767484800);
	assert_int_equal(pt.times[ZW_KT_DELETE], 1767571200);
	assert_int_equal(pt.times[ZW_KT_SYNCPUBLISH], 1767657600);
	assert_int_equal(pt.times[ZW_KT_SYNCDELETE], 1767744000);
	assert_int_equal(pt.times[ZW_KFT_DSPUBLISH], 1767830400);
	assert_int_equal(pt.times[ZW_KFT_DSDELETE], 0);  /* .state only */
	free(s);

	s = read_fixture("bind", "Kpred.example.+013+40433.private", &len);
	assert_int_equal(zw_privtext_parse(s, s + len, &pt, NULL), 0);
	assert_true(pt.has_num[ZW_KFN_PREDECESSOR]);
	assert_int_equal(pt.num[ZW_KFN_PREDECESSOR], 36966);
	assert_false(pt.has_num[ZW_KFN_SUCCESSOR]);
	free(s);

	s = read_fixture("bind", "Kexample.com.+008+32161.private", &len);
	assert_int_equal(zw_privtext_parse(s, s + len, &pt, NULL), 0);
	assert_int_equal(pt.nfields, 8);
	assert_memory_equal(pt.fields[7].name.s, "Coefficient", 11);
	free(s);
}

static void priv_bad(const char *text, int code, unsigned line,
		     const char *field)
{
	struct zw_privtext pt;
	struct zw_kf_err err = { 99, "x" };
	int r = zw_privtext_parse(text, text + strlen(text), &pt, &err);

	if (r != code)
		fail_msg("%s: got %d (%s), want %d", text, r, zw_strerror(r),
			 code);
	assert_int_equal(err.line, line);
	assert_string_equal(err.field, field);
}

static void test_private_bad(void **state)
{
	(void)state;
	priv_bad("", ZW_EFORMAT, 0, "Private-key-format");
	priv_bad("Private-key-format: v2.0\n", ZW_EFORMAT, 1,
		 "Private-key-format");
	priv_bad("Private-key-format: v1.3\n", ZW_EFORMAT, 1, "Algorithm");
	priv_bad("Private-key-format: v1.3\nAlgo: 13\n", ZW_EFORMAT, 2,
		 "Algorithm");
	priv_bad("Private-key-format: v1.3\nAlgorithm: x13\n", ZW_EALG, 2,
		 "Algorithm");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 256\n", ZW_EALG, 2,
		 "Algorithm");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13 (X)\nPrivateKey\n",
		 ZW_ESYNTAX, 3, "");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\nPrivate Key: A\n",
		 ZW_ESYNTAX, 3, "");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\nA: 1\nA: 2\n",
		 ZW_EDUP, 4, "A");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\n"
		 "Created: 2026112904464\n", ZW_ESYNTAX, 3, "Created");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\n"
		 "Publish: 20261329044640\n", ZW_ERANGE, 3, "Publish");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\n"
		 "Delete: 20261129044640\nDelete: 20261129044640\n",
		 ZW_EDUP, 4, "Delete");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\n"
		 "Successor: 70000000000\n", ZW_ERANGE, 3, "Successor");
	priv_bad("Private-key-format: v1.3\nAlgorithm: 13\n"
		 "a:\nb:\nc:\nd:\ne:\nf:\ng:\nh:\ni:\nj:\nk:\nl:\nm:\nn:\no:\n"
		 "p:\nq:\n", ZW_ENOSPC, 19, "q");
}

static void test_private_lenient(void **state)
{
	/* CRLF, blank lines and trailing blanks are fine; value kept as is */
	static const char t[] = "Private-key-format: v1.2\r\n\r\n"
				"Algorithm: 13 (ECDSAP256SHA256)  \r\n"
				"PrivateKey:\tabc= \r\n";
	struct zw_privtext pt;

	(void)state;
	assert_int_equal(zw_privtext_parse(t, t + sizeof(t) - 1, &pt, NULL),
			 0);
	assert_int_equal(pt.nfields, 1);
	assert_int_equal(pt.fields[0].value.len, 4);
	assert_memory_equal(pt.fields[0].value.s, "abc=", 4);
	assert_int_equal(pt.fields[0].line, 4);
	/* the parser stops at `end`, never at a NUL */
	assert_int_equal(zw_privtext_parse(t, t + 10, &pt, NULL), ZW_EFORMAT);
}

/* ---- .key ---- */

static uint16_t tag_of(const char *name)
{
	const char *p = strrchr(name, '+');

	return (uint16_t)atoi(p + 1);
}

static void pub_roundtrip(const char *sub, const char *name)
{
	size_t len;
	char *s = read_fixture(sub, name, &len);
	struct zw_pubtext pt;
	struct zw_kf_err err;
	int r = zw_pubtext_parse(s, s + len, &pt, &err);

	if (r)
		fail_msg("%s:%u: %s: %s", name, err.line, err.field,
			 zw_strerror(r));
	assert_int_equal(pt.rrtype, 48);
	assert_int_equal(pt.rclass, 1);
	assert_int_equal(pt.proto, 3);
	assert_int_equal(pt.alg, atoi(strchr(name + 1, '+') + 1));
	if (strcmp(sub, "bind") == 0) {
		assert_true(pt.times[ZW_KT_CREATED] ||
			    strstr(name, "compat"));
		r = zw_pubtext_format(&pt, tag_of(name), bufs[0],
				      sizeof(bufs[0]));
		assert_int_equal(r, (int)len);
		assert_string_equal(bufs[0], s);
	} else {
		assert_false(pt.has_ttl);
		assert_int_equal(pt.line, 1);
	}
	free(s);
}

static void test_public_roundtrip(void **state)
{
	(void)state;
	assert_true(each_fixture("bind", ".key", pub_roundtrip) >= 20);
	assert_int_equal(each_fixture("ldns", ".key", pub_roundtrip), 7);
}

static void test_public_fields(void **state)
{
	size_t len;
	char *s = read_fixture("bind", "Kksk.example.com.+008+52127.key",
			       &len);
	struct zw_pubtext pt;

	(void)state;
	assert_int_equal(zw_pubtext_parse(s, s + len, &pt, NULL), 0);
	assert_int_equal(pt.owner.len, 16);
	assert_memory_equal(pt.owner.s, "ksk.example.com.", 16);
	assert_true(pt.has_ttl);
	assert_int_equal(pt.ttl, 3600);
	assert_int_equal(pt.flags, 257);
	assert_int_equal(pt.line, 7);
	assert_int_equal(pt.b64len, 176);   /* RSA-1024: 4+128+... */
	assert_int_equal(pt.times[ZW_KT_PUBLISH], 1767225600);
	assert_int_equal(pt.times[ZW_KT_DELETE], 1801440000);  /* 20270201 */
	free(s);

	s = read_fixture("ldns", "Kexample.com.+013+29883.key", &len);
	assert_int_equal(zw_pubtext_parse(s, s + len, &pt, NULL), 0);
	assert_int_equal(pt.flags, 257);
	assert_int_equal(pt.b64len, 88);
	free(s);
}

static void test_public_syntax(void **state)
{
	/* multi-line, class before TTL, TTL units, KEY type, comments */
	static const char t[] = "; comment\n"
				"a.example. IN 1h ( KEY 256 ; c\n"
				" 3 13 AAAA\n BBBB )\n";
	static const char u[] = "a.example. 60 CLASS3 TYPE48 0 3 8 AA AA\n"
				"b.example. IN DNSKEY 256 3 8 BB\n";
	struct zw_pubtext pt;
	int r;

	(void)state;
	assert_int_equal(zw_pubtext_parse(t, t + sizeof(t) - 1, &pt, NULL),
			 0);
	assert_int_equal(pt.ttl, 3600);
	assert_int_equal(pt.rrtype, 25);
	assert_int_equal(pt.line, 2);
	assert_string_equal(pt.b64, "AAAABBBB");
	assert_int_equal(zw_pubtext_parse(u, u + sizeof(u) - 1, &pt, NULL),
			 0);
	assert_int_equal(pt.rclass, 3);
	assert_int_equal(pt.flags, 0);
	assert_string_equal(pt.b64, "AAAA");  /* first record only */
	r = zw_pubtext_format(&pt, 7, bufs[0], sizeof(bufs[0]));
	assert_int_equal(r, (int)strlen(bufs[0]));
	assert_string_equal(bufs[0],
			    "; This is a zone-signing key, keyid 7, for "
			    "a.example.\na.example. 60 CH DNSKEY 0 3 8 "
			    "AAAA\n");
	assert_int_equal(zw_pubtext_format(&pt, 7, bufs[0], 20), ZW_ENOSPC);
}

static void pub_bad(const char *text, int code, unsigned line,
		    const char *field)
{
	struct zw_pubtext pt;
	struct zw_kf_err err = { 99, "x" };
	int r = zw_pubtext_parse(text, text + strlen(text), &pt, &err);

	if (r != code)
		fail_msg("'%s': got %d (%s), want %d", text, r,
			 zw_strerror(r), code);
	assert_int_equal(err.line, line);
	assert_string_equal(err.field, field);
}

static void test_public_bad(void **state)
{
	(void)state;
	pub_bad("", ZW_ETRUNC, 0, "");
	pub_bad("; only a comment\n", ZW_ETRUNC, 0, "");
	pub_bad("a. IN\n", ZW_ETRUNC, 1, "type");
	pub_bad("a. IN A 1.2.3.4\n", ZW_ETYPE, 1, "type");
	pub_bad("a. IN DNSKEY\n", ZW_ETRUNC, 1, "flags");
	pub_bad("a. IN DNSKEY 256 3\n", ZW_ETRUNC, 1, "algorithm");
	pub_bad("a. IN DNSKEY 256 3 13\n", ZW_ETRUNC, 1, "public key");
	pub_bad("a. IN DNSKEY 65536 3 13 AA\n", ZW_ERDATA, 1, "flags");
	pub_bad("a. IN DNSKEY 256 x 13 AA\n", ZW_ERDATA, 1, "protocol");
	pub_bad("a. IN DNSKEY 256 3 ECDSA AA\n", ZW_EALG, 1, "algorithm");
	pub_bad("\n\na. IN DNSKEY 256 3 300 AA\n", ZW_EALG, 3, "algorithm");
	pub_bad("a. IN DNSKEY ( 256 3 13 AA\n", ZW_ETRUNC, 2, "");
	pub_bad("a. IN DNSKEY ) 256 3 13 AA\n", ZW_ESYNTAX, 1, "");
	pub_bad("$TTL 300\n", ZW_ESYNTAX, 1, "");
	pub_bad("; Created: 2026\na. IN DNSKEY 256 3 13 AA\n", ZW_ESYNTAX, 1,
		"Created");
}

static void test_public_nul(void **state)
{
	static const char t[] = "a. IN DNSKEY 256 3 13 A\0A\n";
	struct zw_pubtext pt;
	struct zw_kf_err err;

	(void)state;
	assert_int_equal(zw_pubtext_parse(t, t + sizeof(t) - 1, &pt, &err),
			 ZW_ESYNTAX);
	assert_int_equal(err.line, 1);
}

/* ---- .state ---- */

static void state_roundtrip(const char *sub, const char *name)
{
	size_t len;
	char *s = read_fixture(sub, name, &len);
	struct zw_keystate st;
	struct zw_kf_err err;
	char owner[256];
	const char *p = strchr(s, ',') + 6;   /* "..., for NAME\n" */
	int r = zw_keystate_parse(s, s + len, &st, &err);

	if (r)
		fail_msg("%s:%u: %s: %s", name, err.line, err.field,
			 zw_strerror(r));
	snprintf(owner, sizeof(owner), "%.*s", (int)strcspn(p, "\n"), p);
	r = zw_keystate_format(&st, tag_of(name), owner, bufs[0],
			       sizeof(bufs[0]));
	assert_int_equal(r, (int)len);
	assert_string_equal(bufs[0], s);
	free(s);
}

static void test_state_roundtrip(void **state)
{
	(void)state;
	assert_int_equal(each_fixture("bind", ".state", state_roundtrip), 2);
}

static void test_state_edit(void **state)
{
	size_t len;
	char *s = read_fixture("bind", "Kpolicy.example.+013+61402.state",
			       &len);
	struct zw_keystate st;
	int64_t t;

	(void)state;
	assert_int_equal(zw_keystate_parse(s, s + len, &st, NULL), 0);
	assert_string_equal(zw_keystate_get(&st, "KSK"), "yes");
	assert_null(zw_keystate_get(&st, "Retired"));
	assert_int_equal(zw_keystate_get_time(&st, ZW_KT_CREATED, &t), 0);
	assert_int_equal(zw_keystate_get_time(&st, ZW_KT_INACTIVE, &t),
			 ZW_ENOTFOUND);
	/* new lines go where BIND writes them; removal drops the line */
	assert_int_equal(zw_keystate_set_time(&st, ZW_KFT_DSDELETE,
					      1767225600), 0);
	assert_int_equal(zw_keystate_set_time(&st, ZW_KT_INACTIVE,
					      1767225600), 0);
	assert_int_equal(zw_keystate_set_time(&st, ZW_KT_ACTIVATE, 0), 0);
	assert_int_equal(zw_keystate_set(&st, "GoalState", "hidden"), 0);
	assert_int_equal(zw_keystate_set(&st, "Lifetime", "100"), 0);
	assert_int_equal(zw_keystate_set(&st, "X-Unknown", "1"), 0);
	assert_int_equal(zw_keystate_format(&st, 61530, "policy.example.",
					    bufs[0], sizeof(bufs[0])) > 0, 1);
	assert_string_equal(bufs[0],
		"; This is the state of key 61530, for policy.example.\n"
		"Algorithm: 13\nLength: 256\nLifetime: 100\nKSK: yes\n"
		"ZSK: yes\n"
		"Generated: 20261129045106 (Sun Nov 29 04:51:06 2026)\n"
		"Published: 20261129045106 (Sun Nov 29 04:51:06 2026)\n"
		"Retired: 20260101000000 (Thu Jan  1 00:00:00 2026)\n"
		"DSRemoved: 20260101000000 (Thu Jan  1 00:00:00 2026)\n"
		"GoalState: hidden\nX-Unknown: 1\n");
	free(s);
}

static void test_state_bad(void **state)
{
	static const char dup[] = "; x\nKSK: yes\nKSK: no\n";
	static const char syn[] = "KSK yes\n";
	static const char tm[] = "Published: 2026\n";
	struct zw_keystate st;
	struct zw_kf_err err;
	int64_t t;

	(void)state;
	assert_int_equal(zw_keystate_parse(dup, dup + sizeof(dup) - 1, &st,
					   &err), ZW_EDUP);
	assert_int_equal(err.line, 3);
	assert_string_equal(err.field, "KSK");
	assert_int_equal(zw_keystate_parse(syn, syn + sizeof(syn) - 1, &st,
					   &err), ZW_ESYNTAX);
	assert_int_equal(zw_keystate_parse(tm, tm + sizeof(tm) - 1, &st,
					   &err), 0);
	assert_int_equal(zw_keystate_get_time(&st, ZW_KT_PUBLISH, &t),
			 ZW_ESYNTAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_roundtrip),
		cmocka_unit_test(test_private_fields),
		cmocka_unit_test(test_private_bad),
		cmocka_unit_test(test_private_lenient),
		cmocka_unit_test(test_public_roundtrip),
		cmocka_unit_test(test_public_fields),
		cmocka_unit_test(test_public_syntax),
		cmocka_unit_test(test_public_bad),
		cmocka_unit_test(test_public_nul),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_state_edit),
		cmocka_unit_test(test_state_bad),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
