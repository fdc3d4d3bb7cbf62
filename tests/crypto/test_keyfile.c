/* BIND key files (crypto/keyfile.h). Fixtures in tests/crypto/data/keys were
 * written by BIND 9.18 and ldns (see the README there); BIND-written files
 * must come back byte for byte from parse + format. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keyfile.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "dns/name.h"
#include "tests/util/testutil.h"

static char bufs[2][16384];

static const char *keydir(const char *sub)
{
	static char path[1024];
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
	/* the parser stops at `end`, never at a NUL; NULs in lines are bad */
	assert_int_equal(zw_privtext_parse(t, t + 10, &pt, NULL), ZW_EFORMAT);
	{
		static const char z[] = "Private-key-format: v1.3\n"
					"Algorithm: 13\nA\0: x\n";
		struct zw_kf_err err;

		assert_int_equal(zw_privtext_parse(z, z + sizeof(z) - 1, &pt,
						   &err), ZW_ESYNTAX);
		assert_int_equal(err.line, 3);
	}
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

/* ---- key pairs on disk ---- */

static char msg[ZW_KF_MSG];

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *s = zw_test_read_file(from, &len);
	FILE *f = fopen(to, "wb");

	assert_non_null(s);
	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, len, f), len);
	fclose(f);
	free(s);
}

static void same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = zw_test_read_file(a, &la), *y = zw_test_read_file(b, &lb);

	if (!x || !y)
		fail_msg("missing %s or %s", a, b);
	if (la != lb || memcmp(x, y, la) != 0)
		fail_msg("%s differs from %s:\n%s\n---\n%s", b, a, x, y);
	free(x);
	free(y);
}

static int count_entries(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)))
		n += e->d_name[0] != '.';
	closedir(dh);
	return n;
}

/* A fresh scratch directory per test. */
static const char *scratch(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/%s", zw_test_tmpdir(), name);
	mkdir(path, 0700);
	return path;
}

/* Load each BIND pair (private half, .state too) and write it back: the
 * files must come out byte for byte as BIND wrote them. */
static void pair_resave(const char *sub, const char *name)
{
	const char *out = scratch("resave");
	char base[256], a[8192], b[8192];
	struct zw_keyfile *kf;
	int err = 0;

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - 4), name);
	if (strstr(name, "compat"))
		return;         /* v1.2 comes back as v1.3 (test_compat) */
	kf = zw_keyfile_load(keydir(sub), base, 0, &err, msg, sizeof(msg));
	if (!kf)
		fail_msg("%s: %s", base, msg);
	assert_true(kf->key->has_private);
	assert_int_equal(kf->minor, 3);
	assert_int_equal(zw_keyfile_save(kf, out, msg, sizeof(msg)), 0);
	for (int i = 0; i < 3; i++) {
		static const char *const ext[] = { ".key", ".private",
						   ".state" };
		struct stat st;

		snprintf(a, sizeof(a), "%s/%s%s", keydir(sub), base, ext[i]);
		snprintf(b, sizeof(b), "%s/%s%s", out, base, ext[i]);
		if (i == 2 && !kf->state) {
			assert_int_equal(access(b, F_OK), -1);
			continue;
		}
		same_file(a, b);
		assert_int_equal(stat(b, &st), 0);
		assert_int_equal(st.st_mode & 0777, i == 1 ? 0600 : 0644);
		unlink(b);
	}
	zw_keyfile_free(kf);
}

static void test_pair_resave(void **state)
{
	(void)state;
	assert_true(each_fixture("bind", ".key", pair_resave) >= 20);
}

static void ldns_load(const char *sub, const char *name)
{
	char base[256];
	struct zw_keyfile *kf;
	int err;

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(name) - 4), name);
	kf = zw_keyfile_load(keydir(sub), base, 0, &err, msg, sizeof(msg));
	if (!kf)
		fail_msg("%s: %s", base, msg);
	assert_true(kf->key->has_private);
	assert_int_equal(kf->minor, 2);
	assert_int_equal(kf->key->tag, tag_of(base));
	assert_int_equal(zw_keyfile_get_time(kf, ZW_KT_CREATED), 0);
	zw_keyfile_free(kf);
}

static void test_ldns_load(void **state)
{
	(void)state;
	assert_int_equal(each_fixture("ldns", ".key", ldns_load), 7);
}

static void test_compat(void **state)
{
	struct zw_keyfile *kf;
	char path[4096];
	size_t len;
	char *s;
	int err;

	(void)state;
	kf = zw_keyfile_load(keydir("bind"),
			     "Kcompat.example.+013+64405.private", 0, &err,
			     msg, sizeof(msg));
	assert_non_null(kf);
	assert_int_equal(kf->minor, 2);
	assert_int_equal(kf->key->tag, 64405);
	assert_int_equal(zw_keyfile_save(kf, scratch("compat"), msg,
					 sizeof(msg)), 0);
	snprintf(path, sizeof(path), "%s/Kcompat.example.+013+64405.private",
		 scratch("compat"));
	s = zw_test_read_file(path, &len);
	assert_non_null(s);
	assert_true(strncmp(s, "Private-key-format: v1.3\n", 25) == 0);
	free(s);
	zw_keyfile_free(kf);
}

static void test_times_and_state(void **state)
{
	const char *dir = keydir("bind");
	struct zw_keyfile *kf;
	int err;

	(void)state;
	kf = zw_keyfile_load(dir, "Ktimes.example.+015+32728", 0, &err, msg,
			     sizeof(msg));
	assert_non_null(kf);
	assert_null(kf->state);
	assert_int_equal(zw_keyfile_get_time(kf, ZW_KT_REVOKE), 1767398400);
	assert_int_equal(zw_keyfile_get_time(kf, ZW_KFT_DSPUBLISH),
			 1767830400);
	assert_int_equal(zw_keyfile_get_time(kf, ZW_KFT_DSDELETE), 0);
	zw_keyfile_free(kf);

	/* .state times win over .private, as in BIND */
	kf = zw_keyfile_load(dir, "Kstate.example.+013+51475.key", 0, &err,
			     msg, sizeof(msg));
	assert_non_null(kf);
	assert_non_null(kf->state);
	assert_int_equal(zw_keyfile_get_time(kf, ZW_KFT_DSDELETE),
			 1768089600);   /* DSRemoved 20260111 */
	zw_keyfile_set_time(kf, ZW_KT_PUBLISH, 1767571200);
	zw_keyfile_set_time(kf, ZW_KT_INACTIVE, 1767657600);
	assert_string_equal(zw_keystate_get(kf->state, "Published"),
			    "20260105000000 (Mon Jan  5 00:00:00 2026)");
	assert_string_equal(zw_keystate_get(kf->state, "Retired"),
			    "20260106000000 (Tue Jan  6 00:00:00 2026)");
	/* unchanged lines stay as written */
	assert_string_equal(zw_keystate_get(kf->state, "Generated"),
			    "20261129045106 (Sun Nov 29 04:51:06 2026)");
	zw_keyfile_set_time(kf, ZW_KT_INACTIVE, 0);
	assert_null(zw_keystate_get(kf->state, "Retired"));
	zw_keyfile_set_num(kf, ZW_KFN_SUCCESSOR, true, 4711);
	assert_string_equal(zw_keystate_get(kf->state, "Successor"), "4711");
	zw_keyfile_free(kf);
}

static void test_basename(void **state)
{
	static const struct {
		const char *owner, *base;
	} v[] = {
		{ ".", "K.+013+25442" },
		{ "Ab.Example.COM.", "Kab.example.com.+013+57252" },
		{ "sp\\032ace.example.", "Ksp%20ace.example.+013+49680" },
		{ "a\\.b.example.", "Ka%2Eb.example.+013+56600" },
		{ "*.example.", "K%2A.example.+013+03064" },
		{ "a_b-c.x/y%+~.", "Ka_b-c.x%2Fy%25%2B%7E.+013+03064" },
	};
	uint8_t owner[ZW_NAME_MAX];
	char buf[256];
	char path[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(zw_name_from_str(owner, v[i].owner,
					     strlen(v[i].owner), NULL) > 0);
		assert_int_equal(zw_keyfile_basename(owner, 13,
						     tag_of(v[i].base), buf,
						     sizeof(buf)),
				 (int)strlen(v[i].base));
		assert_string_equal(buf, v[i].base);
		/* the fixtures BIND made carry these names */
		snprintf(path, sizeof(path), "%s/%s.key", keydir("bind"), buf);
		if (i < 5)
			assert_int_equal(access(path, R_OK), 0);
	}
	assert_int_equal(zw_keyfile_basename(owner, 13, 1, buf, 10),
			 ZW_ENOSPC);
}

static void load_bad(const char *dir, const char *name, int code,
		     const char *want)
{
	struct zw_keyfile *kf;
	int err = 0;

	kf = zw_keyfile_load(dir, name, 0, &err, msg, sizeof(msg));
	assert_null(kf);
	if (err != code || !strstr(msg, want))
		fail_msg("%s: got %d '%s', want %d '%s'", name, err, msg,
			 code, want);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_load_errors(void **state)
{
	const char *d = scratch("bad");
	char from[4096], to[4096];
	static const char key13[] =
		"bad.example. IN DNSKEY 256 3 13 "
		"Qqk9pajLXJyfrkfX/48QqTijaxDlOn++ienpEyp/IspONGsPjrZ6adc4 "
		"H/2FKGQKaJJ7E9Wuvgwk3zl/AhB7nQ==\n";

	(void)state;
	load_bad(d, "Knothere.+013+00001", -ENOENT,
		 "Knothere.+013+00001.key: cannot read");
	write_text(d, "Ka.+200+00001.key", "a. IN DNSKEY 256 3 200 AAAA\n");
	load_bad(d, "Ka.+200+00001", ZW_EALG,
		 "Ka.+200+00001.key:1: algorithm: unknown or unsupported "
		 "algorithm 200");
	write_text(d, "Kb.+013+00001.key", "b. IN DNSKEY 256 3 13 A*A=\n");
	load_bad(d, "Kb.+013+00001", ZW_EBASE64,
		 "Kb.+013+00001.key:1: public key: bad base64");
	write_text(d, "Kc.+013+00001.key", "c.. IN DNSKEY 256 3 13 AA==\n");
	load_bad(d, "Kc.+013+00001", ZW_EMALF,
		 "Kc.+013+00001.key:1: owner name: malformed input");
	write_text(d, "Kd.+013+00001.key", "d. IN DNSKEY 256 x 13 AA==\n");
	load_bad(d, "Kd.+013+00001", ZW_ERDATA,
		 "Kd.+013+00001.key:1: protocol: bad rdata");

	/* private halves */
	write_text(d, "Kbad.example.+013+16560.key", key13);
	load_bad(d, "Kbad.example.+013+16560", -ENOENT,
		 "Kbad.example.+013+16560.private: cannot read");
	write_text(d, "Kbad.example.+013+16560.private",
		   "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)"
		   "\nPrivateKey: 07/BBU/8yq8KY73abY4qSMdEwsA+oxaHQuDAh55NV\n");
	load_bad(d, "Kbad.example.+013+16560", ZW_EBASE64,
		 "Kbad.example.+013+16560.private:3: PrivateKey: bad base64");
	write_text(d, "Kbad.example.+013+16560.private",
		   "Private-key-format: v1.3\nAlgorithm: 8 (RSASHA256)\n"
		   "PrivateKey: 07/BBU/8yq8KY73abY4qSMdEwsA+oxaHQuDAh55NVqs="
		   "\n");
	load_bad(d, "Kbad.example.+013+16560", ZW_EKEY,
		 "Kbad.example.+013+16560.private: Algorithm: 8 does not "
		 "match algorithm 13 in the .key file");
	/* a real private key, but not this .key's */
	snprintf(from, sizeof(from), "%s/Kexample.com.+013+09065.private",
		 keydir("bind"));
	snprintf(to, sizeof(to), "%s/Kbad.example.+013+16560.private", d);
	copy_file(from, to);
	load_bad(d, "Kbad.example.+013+16560", ZW_EKEY,
		 "Kbad.example.+013+16560.private: private key does not "
		 "match the public key in the .key file");
	write_text(d, "Kbad.example.+013+16560.private",
		   "Private-key-format: v1.3\nAlgorithm: 13\nCreated: 1\n");
	load_bad(d, "Kbad.example.+013+16560", ZW_ESYNTAX,
		 "Kbad.example.+013+16560.private:3: Created: syntax error");
	write_text(d, "Kbad.example.+013+16560.private",
		   "Private-key-format: v1.3\nAlgorithm: 13\n");
	load_bad(d, "Kbad.example.+013+16560", ZW_EKEY,
		 "Kbad.example.+013+16560.private: no key material");
	/* a .state that is not one */
	copy_file(from, to);
	snprintf(from, sizeof(from), "%s/Kexample.com.+013+09065.key",
		 keydir("bind"));
	snprintf(to, sizeof(to), "%s/Kexample.com.+013+09065.key", d);
	copy_file(from, to);
	snprintf(to, sizeof(to), "%s/Kexample.com.+013+09065.private", d);
	snprintf(from, sizeof(from), "%s/Kexample.com.+013+09065.private",
		 keydir("bind"));
	copy_file(from, to);
	write_text(d, "Kexample.com.+013+09065.state", "Published: x\n");
	load_bad(d, "Kexample.com.+013+09065", ZW_ESYNTAX,
		 "Kexample.com.+013+09065.state: Published: syntax error");
}

/* HSM keys: BIND writes Engine and Label (base64 of NUL-terminated
 * strings) instead of key material; the pair loads as a public key with
 * the label, and the lines are written back unchanged. */
static void test_label_key(void **state)
{
	const char *d = scratch("label");
	char from[4096], to[4096];
	struct zw_keyfile *kf;
	int err;

	(void)state;
	snprintf(from, sizeof(from), "%s/Kexample.com.+013+09065.key",
		 keydir("bind"));
	snprintf(to, sizeof(to), "%s/Kexample.com.+013+09065.key", d);
	copy_file(from, to);
	write_text(d, "Kexample.com.+013+09065.private",
		   "Private-key-format: v1.3\n"
		   "Algorithm: 13 (ECDSAP256SHA256)\n"
		   "Engine: cGtjczExAA==\n"
		   "Label: cGtjczExOm9iamVjdD1rc2sA\n"
		   "Created: 20261129045106\n");
	kf = zw_keyfile_load(d, "Kexample.com.+013+09065", 0, &err, msg,
			     sizeof(msg));
	if (!kf)
		fail_msg("%s", msg);
	assert_false(kf->key->has_private);
	assert_string_equal(kf->key->engine, "pkcs11");
	assert_string_equal(kf->key->label, "pkcs11:object=ksk");
	assert_string_equal(kf->material, "Engine: cGtjczExAA==\n"
					  "Label: cGtjczExOm9iamVjdD1rc2sA\n");
	zw_keyfile_set_time(kf, ZW_KT_PUBLISH, 1767225600);
	assert_int_equal(zw_keyfile_save(kf, d, msg, sizeof(msg)), 0);
	zw_keyfile_free(kf);
	snprintf(to, sizeof(to), "%s/Kexample.com.+013+09065.private", d);
	{
		size_t len;
		char *s = zw_test_read_file(to, &len);

		assert_non_null(s);
		assert_string_equal(s, "Private-key-format: v1.3\n"
				       "Algorithm: 13 (ECDSAP256SHA256)\n"
				       "Engine: cGtjczExAA==\n"
				       "Label: cGtjczExOm9iamVjdD1rc2sA\n"
				       "Created: 20261129045106\n"
				       "Publish: 20260101000000\n");
		free(s);
	}
}

/* An RSA token key as BIND writes it: Modulus and PublicExponent (BIND's
 * reader wants them beside an Engine line), Engine, Label. It loads as a
 * labelled public key; the RSA fields are not taken for key material. */
static void test_label_rsa_key(void **state)
{
	const char *d = scratch("label_rsa");
	char from[4096], to[4096], mod[1024];
	struct zw_keyfile *kf;
	char *text, *m, *e;
	size_t len;
	int err;

	(void)state;
	snprintf(from, sizeof(from), "%s/Kexample.com.+008+32161.key",
		 keydir("bind"));
	snprintf(to, sizeof(to), "%s/Kexample.com.+008+32161.key", d);
	copy_file(from, to);
	snprintf(from, sizeof(from), "%s/Kexample.com.+008+32161.private",
		 keydir("bind"));
	text = zw_test_read_file(from, &len);
	assert_non_null(text);
	m = strstr(text, "Modulus: ");
	assert_non_null(m);
	e = strchr(m, '\n');
	snprintf(mod, sizeof(mod), "%.*s", (int)(e - m + 1), m);
	free(text);
	snprintf(from, sizeof(from), "Private-key-format: v1.3\n"
		 "Algorithm: 8 (RSASHA256)\n%s"
		 "PublicExponent: AQAB\n"
		 "Engine: cGtjczExAA==\n"
		 "Label: cGtjczExOm9iamVjdD1rc2sA\n", mod);
	write_text(d, "Kexample.com.+008+32161.private", from);
	kf = zw_keyfile_load(d, "Kexample.com.+008+32161", 0, &err, msg,
			     sizeof(msg));
	if (!kf)
		fail_msg("%s", msg);
	assert_false(kf->key->has_private);
	assert_string_equal(kf->key->label, "pkcs11:object=ksk");
	assert_non_null(strstr(kf->material, "PublicExponent: AQAB\n"));
	zw_keyfile_free(kf);
}

static void test_new_key(void **state)
{
	const char *d = scratch("new");
	uint8_t owner[ZW_NAME_MAX];
	struct zw_key *k;
	struct zw_keyfile *kf, *back;
	char base[256], path[4096];
	struct stat st;
	int err;

	(void)state;
	assert_true(zw_name_from_str(owner, "New.Example.", 12, NULL) > 0);
	k = zw_key_generate(owner, ZW_ALG_ED25519, 0,
			    ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP, &err);
	assert_non_null(k);
	k->ttl = 300;
	kf = zw_keyfile_new(k, &err);
	assert_non_null(kf);
	zw_keyfile_set_time(kf, ZW_KT_CREATED, 1795927600);
	zw_keyfile_set_time(kf, ZW_KT_ACTIVATE, 1795927601);
	zw_keyfile_set_time(kf, ZW_KFT_DSPUBLISH, 1795927602);
	zw_keyfile_set_num(kf, ZW_KFN_SUCCESSOR, true, 12345);
	assert_int_equal(zw_keyfile_save(kf, d, msg, sizeof(msg)), 0);
	zw_keyfile_basename(owner, 15, kf->key->tag, base, sizeof(base));
	assert_true(strncmp(base, "Knew.example.+015+", 18) == 0);
	snprintf(path, sizeof(path), "%s/%s.private", d, base);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = zw_keyfile_load(d, base, 0, &err, msg, sizeof(msg));
	if (!back)
		fail_msg("%s", msg);
	assert_int_equal(back->key->tag, kf->key->tag);
	assert_int_equal(back->key->flags, 257);
	assert_int_equal(back->key->ttl, 300);
	assert_memory_equal(back->key->pub, kf->key->pub, kf->key->publen);
	assert_true(back->key->has_private);
	assert_int_equal(zw_keyfile_get_time(back, ZW_KT_ACTIVATE),
			 1795927601);
	assert_int_equal(zw_keyfile_get_time(back, ZW_KFT_DSPUBLISH),
			 1795927602);
	assert_int_equal(zw_keyfile_get_time(back, ZW_KT_PUBLISH), 0);
	assert_true(back->has_num[ZW_KFN_SUCCESSOR]);
	assert_int_equal(back->num[ZW_KFN_SUCCESSOR], 12345);
	/* same private key: the material survives a second save unchanged */
	assert_string_equal(back->material, kf->material);
	/* exactly the two files, no stray temp files */
	assert_int_equal(count_entries(d), 2);
	zw_keyfile_free(back);
	zw_keyfile_free(kf);
}

static void test_revoke_and_collide(void **state)
{
	const char *d = scratch("collide");
	char from[4096], to[4096];
	struct zw_keyfile *kf;
	uint16_t unrevoked;
	int err;

	(void)state;
	kf = zw_keyfile_load(keydir("bind"), "Krevoke.example.+013+09249", 0,
			     &err, msg, sizeof(msg));
	assert_non_null(kf);
	assert_int_equal(kf->key->flags, 385);
	unrevoked = zw_keyfile_revoked_tag(kf->key);
	zw_key_set_flags(kf->key, 257);
	assert_int_equal(kf->key->tag, unrevoked);
	assert_int_equal(zw_keyfile_revoked_tag(kf->key), 9249);
	assert_int_equal((unrevoked + 128) & 0xffff, 9249);

	/* empty directory: no collision; then the revoked files appear */
	assert_int_equal(zw_keyfile_collides(d, kf->key, msg, sizeof(msg)),
			 0);
	for (int i = 0; i < 2; i++) {
		const char *ext = i ? ".private" : ".key";

		snprintf(from, sizeof(from), "%s/Krevoke.example.+013+09249%s",
			 keydir("bind"), ext);
		snprintf(to, sizeof(to), "%s/Krevoke.example.+013+09249%s", d,
			 ext);
		copy_file(from, to);
	}
	assert_int_equal(zw_keyfile_collides(d, kf->key, msg, sizeof(msg)),
			 1);
	zw_key_set_flags(kf->key, 385);
	assert_int_equal(zw_keyfile_collides(d, kf->key, msg, sizeof(msg)),
			 1);
	assert_int_equal(zw_keyfile_collides("/nonexistent/dir", kf->key, msg,
					     sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "cannot open directory "
				    "/nonexistent/dir"));
	assert_int_equal(zw_keyfile_remove(d, "Krevoke.example.+013+09249",
					   msg, sizeof(msg)), 0);
	assert_int_equal(zw_keyfile_collides(d, kf->key, msg, sizeof(msg)),
			 0);
	zw_keyfile_free(kf);
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
		cmocka_unit_test(test_pair_resave),
		cmocka_unit_test(test_ldns_load),
		cmocka_unit_test(test_compat),
		cmocka_unit_test(test_times_and_state),
		cmocka_unit_test(test_basename),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_label_key),
		cmocka_unit_test(test_label_rsa_key),
		cmocka_unit_test(test_new_key),
		cmocka_unit_test(test_revoke_and_collide),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
