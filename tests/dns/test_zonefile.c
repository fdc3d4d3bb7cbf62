/* Master-file parser: directives, omitted fields, tokens, errors with
 * file:line, buffer refills, and the RFC 4035 / RFC 5155 example zones
 * (every record prints back to the same RR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zonefile.h"
#include "dns/zonefile_int.h"
#include "tests/util/testutil.h"

static char warnings[8192];

static void warn_cb(void *ctx, const char *file, unsigned long line,
		    const char *msg)
{
	size_t n = strlen(warnings);
	(void)ctx;
	snprintf(warnings + n, sizeof warnings - n, "%s:%lu: %s\n", file, line,
		 msg);
}

static uint8_t example[ZW_NAME_MAX];

static const uint8_t *name(const char *s, uint8_t *buf)
{
	assert_true(zw_name_from_str(buf, s, strlen(s), NULL) > 0);
	return buf;
}

/* One record as "owner ttl TYPE rdata". */
static void rec_str(const struct zw_rec *r, char *out, size_t max)
{
	char o[ZW_NAME_STR_MAX], t[32], *rd = malloc(5 * ZW_RDATA_MAX);
	assert_non_null(rd);
	assert_true(zw_name_to_str(r->owner, o, sizeof o) > 0);
	assert_true(zw_rrtype_to_str(r->type, t, sizeof t) > 0);
	assert_true(zw_rdata_to_str(r->type, r->rdata, r->rdlen, rd,
				    5 * ZW_RDATA_MAX) >= 0);
	snprintf(out, max, "%s %u %s %s", o, r->ttl, t, rd);
	free(rd);
}

/* Parse text; all records, one per line, into out. Returns the final
 * status (0 or the error) and leaves the error message in err. */
static int parse(const char *text, const uint8_t *origin, char *out,
		 size_t max, char *err, size_t errmax)
{
	struct zw_zonefile_opts o = {origin, warn_cb, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, strlen(text),
						     "t.zone", &o);
	struct zw_rec r;
	int rc;
	size_t n = 0;
	assert_non_null(zf);
	warnings[0] = '\0';
	out[0] = '\0';
	while ((rc = zw_zonefile_next(zf, &r)) > 0) {
		char line[4096];
		rec_str(&r, line, sizeof line);
		n += (size_t)snprintf(out + n, max - n, "%s\n", line);
		assert_true(n < max);
	}
	if (err)
		snprintf(err, errmax, "%s", zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	return rc;
}

static void expect(const char *text, const char *want)
{
	char out[16384], err[2048];
	int rc = parse(text, example, out, sizeof out, err, sizeof err);
	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, want);
}

static void expect_error(const char *text, int code, const char *msg)
{
	char out[16384], err[2048];
	int rc = parse(text, example, out, sizeof out, err, sizeof err);
	if (rc != code)
		print_error("got %d: %s\n", rc, err);
	assert_int_equal(rc, code);
	assert_string_equal(err, msg);
}

static int setup(void **state)
{
	(void)state;
	name("example.", example);
	return 0;
}

/* ---- tokens and records ---- */

static void test_basic_fields(void **state)
{
	(void)state;
	expect("$TTL 300\n"
	       "@ IN SOA ns h 1 2 3 4 5\n"
	       "a 60 IN A 192.0.2.1\n"
	       "b IN 70 A 192.0.2.2\n"
	       "c A 192.0.2.3\n"
	       "  AAAA 2001:db8::1\n"
	       "\tTXT \"x y\" z\n",
	       "example. 300 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 60 A 192.0.2.1\n"
	       "b.example. 70 A 192.0.2.2\n"
	       "c.example. 300 A 192.0.2.3\n"
	       "c.example. 300 AAAA 2001:db8::1\n"
	       "c.example. 300 TXT \"x y\" \"z\"\n");
	assert_string_equal(warnings, "");
}

static void test_parens_comments_quotes(void **state)
{
	(void)state;
	expect("$TTL 1h\n"
	       "; a comment line\n"
	       "\n"
	       "   ; an indented comment line\n"
	       "@ SOA ns h ( 1 ; serial\n"
	       "  2 3 ; more\n"
	       "  4 5 )   ; done\n"
	       "t TXT \"semi;colon\" \"paren(\" \"quote\\\"d\" (\"two\"\n"
	       "  \"lines\")\n"
	       "a\\ b TXT x\\ y\n"
	       "c\\(d TXT \\)\n"
	       "e TXT a\"b\"\n",
	       "example. 3600 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "t.example. 3600 TXT \"semi;colon\" \"paren(\" "
	       "\"quote\\\"d\" \"two\" \"lines\"\n"
	       "a\\032b.example. 3600 TXT \"x y\"\n"
	       "c\\(d.example. 3600 TXT \")\"\n"
	       "e.example. 3600 TXT \"a\" \"b\"\n");
}

static void test_crlf_and_no_final_newline(void **state)
{
	(void)state;
	expect("$TTL 300\r\n@ SOA ns h 1 2 3 4 5\r\na A 192.0.2.1\r\n"
	       "b A 192.0.2.2",
	       "example. 300 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 300 A 192.0.2.1\n"
	       "b.example. 300 A 192.0.2.2\n");
	assert_string_equal(warnings,
			    "t.zone:4: file does not end with newline\n");
}

static void test_ttl_units(void **state)
{
	uint32_t t;
	(void)state;
	assert_int_equal(zw_zonefile_ttl("3600", 4, &t), 0);
	assert_int_equal(t, 3600);
	assert_int_equal(zw_zonefile_ttl("1h30m", 5, &t), 0);
	assert_int_equal(t, 5400);
	assert_int_equal(zw_zonefile_ttl("1W2D", 4, &t), 0);
	assert_int_equal(t, 777600);
	assert_int_equal(zw_zonefile_ttl("1s2s", 4, &t), 0);
	assert_int_equal(t, 3);
	assert_int_equal(zw_zonefile_ttl("4294967295", 10, &t), 0);
	assert_int_equal(t, 4294967295u);
	assert_int_equal(zw_zonefile_ttl("4294967296", 10, &t), ZW_ETTL);
	assert_int_equal(zw_zonefile_ttl("1h30", 4, &t), ZW_ETTL);
	assert_int_equal(zw_zonefile_ttl("h", 1, &t), ZW_ETTL);
	assert_int_equal(zw_zonefile_ttl("1x", 2, &t), ZW_ETTL);
	assert_int_equal(zw_zonefile_ttl("", 0, &t), ZW_ETTL);
	assert_int_equal(zw_zonefile_ttl("7000000w", 8, &t), ZW_ETTL);
}

/* ---- TTL rules (BIND's loader) ---- */

static void test_ttl_rules(void **state)
{
	(void)state;
	/* No $TTL: SOA MINIMUM, with a warning. */
	expect("@ SOA ns h 1 2 3 4 5\na A 192.0.2.1\n",
	       "example. 5 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 5 A 192.0.2.1\n");
	assert_string_equal(warnings, "t.zone:1: no TTL specified; using SOA "
				      "MINTTL instead\n");
	/* RFC 1035: the previous record's TTL, warned once. */
	expect("@ 100 SOA ns h 1 2 3 4 5\na A 192.0.2.1\nb A 192.0.2.2\n",
	       "example. 100 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 100 A 192.0.2.1\n"
	       "b.example. 100 A 192.0.2.2\n");
	assert_string_equal(warnings,
			    "t.zone:2: using RFC1035 TTL semantics\n");
	/* Within one owner's run the first TTL of an RRset wins; RRSIGs
	 * count per covered type. */
	expect("$TTL 9\n@ SOA ns h 1 2 3 4 5\n"
	       "a 100 A 192.0.2.1\n 200 A 192.0.2.2\n"
	       " 300 RRSIG A 8 2 300 20200101000000 20190101000000 1 "
	       "example. AAAA\n"
	       " 400 RRSIG TXT 8 2 300 20200101000000 20190101000000 1 "
	       "example. AAAA\n"
	       " 500 RRSIG A 8 2 300 20200101000000 20190101000000 2 "
	       "example. AAAA\n",
	       "example. 9 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 100 A 192.0.2.1\n"
	       "a.example. 100 A 192.0.2.2\n"
	       "a.example. 300 RRSIG A 8 2 300 20200101000000 20190101000000 "
	       "1 example. AAAA\n"
	       "a.example. 400 RRSIG TXT 8 2 300 20200101000000 "
	       "20190101000000 1 example. AAAA\n"
	       "a.example. 300 RRSIG A 8 2 300 20200101000000 20190101000000 "
	       "2 example. AAAA\n");
	assert_string_equal(warnings, "t.zone:4: TTL set to prior TTL (100)\n"
				      "t.zone:7: TTL set to prior TTL (300)\n");
	/* Above MAXTTL: 0 with a warning. */
	expect("$TTL 3000000000\n@ SOA ns h 1 2 3 4 5\n"
	       "a 2147483648 A 192.0.2.1\n",
	       "example. 0 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "a.example. 0 A 192.0.2.1\n");
	assert_string_equal(warnings,
			    "t.zone:1: $TTL 3000000000 > MAXTTL, setting $TTL "
			    "to 0\nt.zone:3: TTL 2147483648 > MAXTTL, setting "
			    "TTL to 0\n");
}

/* ---- directives ---- */

static void test_origin(void **state)
{
	(void)state;
	expect("$TTL 1\n@ SOA ns h 1 2 3 4 5\n$ORIGIN sub\nx A 192.0.2.1\n"
	       "@ A 192.0.2.2\n$ORIGIN other.\ny TXT a\nz.example. TXT b\n",
	       "example. 1 SOA ns.example. h.example. 1 2 3 4 5\n"
	       "x.sub.example. 1 A 192.0.2.1\n"
	       "sub.example. 1 A 192.0.2.2\n"
	       "y.other. 1 TXT \"a\"\n"
	       "z.example. 1 TXT \"b\"\n");
	/* Relative names in rdata take the current origin. */
	expect("$TTL 1\n$ORIGIN a.example.\nm MX 10 mail\n",
	       "m.a.example. 1 MX 10 mail.a.example.\n");
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int parse_file(const char *path, char *out, size_t max, char *err,
		      size_t errmax)
{
	struct zw_zonefile_opts o = {example, warn_cb, NULL};
	int e = 0;
	struct zw_zonefile *zf = zw_zonefile_open(path, &o, &e);
	struct zw_rec r;
	int rc;
	size_t n = 0;
	assert_non_null(zf);
	warnings[0] = out[0] = '\0';
	while ((rc = zw_zonefile_next(zf, &r)) > 0) {
		char line[4096];
		rec_str(&r, line, sizeof line);
		n += (size_t)snprintf(out + n, max - n, "%s %s:%lu\n", line,
				      strrchr(r.file, '/') + 1, r.line);
	}
	snprintf(err, errmax, "%s", zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	return rc;
}

static void test_include(void **state)
{
	char dir[512], path[1024], out[8192], err[2048];
	(void)state;
	snprintf(dir, sizeof dir, "%s/inc", zw_test_tmpdir());
	snprintf(path, sizeof path, "mkdir -p %s/sub", dir);
	assert_int_equal(system(path), 0);
	write_file(dir, "main.zone",
		   "$TTL 60\n@ SOA ns h 1 2 3 4 5\n"
		   "www A 192.0.2.1\n"
		   "$INCLUDE sub/a.inc\n"
		   " TXT back-in-main\n" /* owner is main's previous one */
		   "$INCLUDE \"sub/b.inc\" b.example. ; comment\n"
		   "c TXT main\n");
	write_file(dir, "sub/a.inc", "\tTXT inherited-owner\n"
				     "$ORIGIN x.example.\ny TXT in-a\n"
				     "$INCLUDE c.inc\n");
	write_file(dir, "sub/c.inc", "z TXT in-c\n");
	write_file(dir, "sub/b.inc", "@ TXT in-b\nq TXT in-b\n");
	snprintf(path, sizeof path, "%s/main.zone", dir);
	int rc = parse_file(path, out, sizeof out, err, sizeof err);
	if (rc)
		print_error("%s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(out,
		"example. 60 SOA ns.example. h.example. 1 2 3 4 5 main.zone:2\n"
		"www.example. 60 A 192.0.2.1 main.zone:3\n"
		"www.example. 60 TXT \"inherited-owner\" a.inc:1\n"
		"y.x.example. 60 TXT \"in-a\" a.inc:3\n"
		"z.x.example. 60 TXT \"in-c\" c.inc:1\n"
		"www.example. 60 TXT \"back-in-main\" main.zone:5\n"
		"b.example. 60 TXT \"in-b\" b.inc:1\n"
		"q.b.example. 60 TXT \"in-b\" b.inc:2\n"
		"c.example. 60 TXT \"main\" main.zone:7\n");

	write_file(dir, "bad.zone", "$TTL 60\n\n$INCLUDE nothere.inc\n");
	snprintf(path, sizeof path, "%s/bad.zone", dir);
	rc = parse_file(path, out, sizeof out, err, sizeof err);
	assert_int_equal(rc, ZW_EINCLUDE);
	char want[2048];
	snprintf(want, sizeof want, "%s/bad.zone:3: $INCLUDE: cannot open "
		 "'nothere.inc': No such file or directory", dir);
	assert_string_equal(err, want);

	write_file(dir, "loop.zone", "$INCLUDE loop.zone\n");
	snprintf(path, sizeof path, "%s/loop.zone", dir);
	rc = parse_file(path, out, sizeof out, err, sizeof err);
	assert_int_equal(rc, ZW_EINCLUDE);
	assert_non_null(strstr(err, "loop.zone:1: $INCLUDE nested more than "
				    "16 deep"));
	/* In-memory text has no $INCLUDE. */
	expect_error("$INCLUDE x\n", ZW_EINCLUDE,
		     "t.zone:1: $INCLUDE is not available here");
}

static void test_generate(void **state)
{
	(void)state;
	expect("$TTL 300\n$GENERATE 1-3 h$ A 10.0.0.$\n",
	       "h1.example. 300 A 10.0.0.1\n"
	       "h2.example. 300 A 10.0.0.2\n"
	       "h3.example. 300 A 10.0.0.3\n");
	expect("$TTL 300\n$GENERATE 1-10/4 h${0,3} 60 IN A 10.0.0.$\n",
	       "h001.example. 60 A 10.0.0.1\n"
	       "h005.example. 60 A 10.0.0.5\n"
	       "h009.example. 60 A 10.0.0.9\n");
	expect("$TTL 300\n$GENERATE 0-1 h${10,4,x}-${-1,2,X}-${8,0,o} "
	       "CNAME x\n",
	       "h000a-FFFFFFFF-10.example. 300 CNAME x.example.\n"
	       "h000b-00-11.example. 300 CNAME x.example.\n");
	/* Nibbles: width counts characters, dots included. */
	expect("$TTL 300\n$GENERATE 0-1 ${16,3,n}.a${256,4,N}.${1,6,n}x "
	       "PTR x.\n",
	       "0.1.a0.0.1.1.0.0.x.example. 300 PTR x.\n"
	       "1.1.a1.0.1.2.0.0.x.example. 300 PTR x.\n");
	/* $$ is a "$", \$ stays escaped; a quoted rdata is split again. */
	expect("$TTL 300\n$GENERATE 1-2 h$$\\$ MX \"10 m$\" ; comment\n",
	       "h\\$\\$.example. 300 MX 10 m1.example.\n"
	       "h\\$\\$.example. 300 MX 10 m2.example.\n");
	expect("$TTL 300\n$GENERATE 1-1 h${+1} IN 70 TXT \"a $ b\"\n",
	       "h2.example. 70 TXT \"a\" \"1\" \"b\"\n");
	expect("$TTL 300\n$GENERATE 2147483647-2147483647 h$ A 1.2.3.4\n",
	       "h2147483647.example. 300 A 1.2.3.4\n");
}

static void test_generate_errors(void **state)
{
	(void)state;
	expect_error("$TTL 1\n$GENERATE 3-1 h$ A 1.2.3.4\n", ZW_EGENERATE,
		     "t.zone:2: $GENERATE: invalid range '3-1' (expected "
		     "start-stop[/step], 0 <= start <= stop < 2^31)");
	expect_error("$GENERATE 1-2/0 h$ A 1.2.3.4\n", ZW_EGENERATE,
		     "t.zone:1: $GENERATE: invalid range '1-2/0' (expected "
		     "start-stop[/step], 0 <= start <= stop < 2^31)");
	expect_error("$GENERATE 0-2147483648 h$ A 1.2.3.4\n", ZW_EGENERATE,
		     "t.zone:1: $GENERATE: invalid range '0-2147483648' "
		     "(expected start-stop[/step], 0 <= start <= stop < "
		     "2^31)");
	expect_error("$TTL 1\n$GENERATE 1-2 h${1,2,q} A 1.2.3.4\n",
		     ZW_EGENERATE,
		     "t.zone:2: $GENERATE: bad ${offset,width,base} modifier "
		     "(base is one of d o x X n N)");
	expect_error("$TTL 1\n$GENERATE 1-2 h${255,,x} A 1.2.3.4\n",
		     ZW_EGENERATE,
		     "t.zone:2: $GENERATE: bad ${offset,width,base} modifier "
		     "(base is one of d o x X n N)");
	expect_error("$TTL 1\n$GENERATE 1-2 h$ A 1.2.3.$ extra\n",
		     ZW_EGENERATE,
		     "t.zone:2: $GENERATE: extra text 'extra' (quote rdata "
		     "with several fields)");
	expect_error("$GENERATE 1-2 h$ A\n", ZW_EGENERATE,
		     "t.zone:1: $GENERATE: expected 'range owner [TTL] "
		     "[class] type rdata'");
	expect_error("$TTL 1\n$GENERATE 1-2 h$ CH A 1.2.3.$\n", ZW_ECLASS,
		     "t.zone:2: class 'CH' is not supported (only IN)");
	expect_error("$TTL 1\n$GENERATE 1-2 h$ A 1.2.3.x$\n", ZW_ERDATA,
		     "t.zone:2: bad A rdata: expected IPv4 address, got "
		     "'1.2.3.x1'");
}

/* ---- errors: file:line and what was expected ---- */

static void test_errors(void **state)
{
	(void)state;
	expect_error("$TTL 1\n\na FOO 1\n", ZW_ETYPE,
		     "t.zone:3: unknown RR type 'FOO'");
	expect_error("$TTL 1\na CH A 1.2.3.4\n", ZW_ECLASS,
		     "t.zone:2: class 'CH' is not supported (only IN)");
	expect_error("a 1h30 A 1.2.3.4\n", ZW_ETTL,
		     "t.zone:1: bad TTL '1h30' (expected seconds or units "
		     "such as 1h30m)");
	expect_error("a 1 2 A 1.2.3.4\n", ZW_ESYNTAX,
		     "t.zone:1: expected class or type, got a second TTL '2'");
	expect_error("a 1 IN\n", ZW_ESYNTAX,
		     "t.zone:1: expected an RR type at end of line");
	expect_error("a 1 \"A\" 1.2.3.4\n", ZW_ESYNTAX,
		     "t.zone:1: expected TTL, class or type, got a quoted "
		     "string");
	expect_error("a 1 AXFR x\n", ZW_ETYPE,
		     "t.zone:1: type 'AXFR' cannot appear in zone data");
	expect_error("$TTL 1\na A 1.2.3.4 )\n", ZW_ESYNTAX,
		     "t.zone:2: unbalanced parentheses: ')' without '('");
	expect_error("$TTL 1\na TXT ( x\n y\n", ZW_ESYNTAX,
		     "t.zone:2: unbalanced parentheses: '(' not closed before "
		     "the end of the file");
	expect_error("$TTL 1\na TXT \"x\ny\"\n", ZW_ESYNTAX,
		     "t.zone:2: unterminated quoted string (end of line "
		     "before the closing '\"')");
	expect_error("$TTL 1\na TXT \"x", ZW_ESYNTAX,
		     "t.zone:2: unterminated quoted string at end of file");
	expect_error("$FOO 1\n", ZW_ESYNTAX,
		     "t.zone:1: unknown directive '$FOO' (expected $ORIGIN, "
		     "$TTL, $INCLUDE or $GENERATE)");
	expect_error("$TTL\n", ZW_ESYNTAX, "t.zone:1: $TTL: expected one "
					   "argument");
	expect_error("$TTL 1 2\n", ZW_ESYNTAX,
		     "t.zone:1: $TTL: extra text '2'");
	expect_error("$TTL x\n", ZW_ETTL, "t.zone:1: $TTL: bad TTL 'x'");
	expect_error("$ORIGIN a..b\n", ZW_EMALF,
		     "t.zone:1: $ORIGIN: bad domain name 'a..b': malformed "
		     "input");
	expect_error("$TTL 1\n A 1.2.3.4\n", ZW_ESYNTAX,
		     "t.zone:2: no owner name (line starts with a blank and "
		     "there is no previous owner)");
	expect_error("a 1 A 1.2.3.4 ; x\nb 1 A 1.2.3.256\n", ZW_ERDATA,
		     "t.zone:2: bad A rdata: expected IPv4 address, got "
		     "'1.2.3.256'");
	expect_error("a 1 MX 10\n", ZW_ETRUNC,
		     "t.zone:1: bad MX rdata: expected domain name at end of "
		     "record");
	expect_error("a 1 SOA ( ns h\n 1 2 3 4 5 6 )\n", ZW_ETRAILING,
		     "t.zone:2: bad SOA rdata: extra text '6'");
	expect_error("a NS x\n", ZW_ETTL,
		     "t.zone:1: no TTL specified; zone rejected (set $TTL or "
		     "give this record a TTL)");
}

static void test_errors_misc(void **state)
{
	char out[256], err[512];
	(void)state;
	/* A relative owner needs an origin. */
	assert_int_equal(parse("$TTL 1\nwww A 192.0.2.1\n", NULL, out,
			       sizeof out, err, sizeof err), ZW_ERELATIVE);
	assert_string_equal(err, "t.zone:2: relative owner name 'www' and no "
				 "origin (give $ORIGIN or an origin)");
	/* NUL bytes are refused, with the line. */
	const char text[] = "$TTL 1\na A 1.2.3.4\nb \0 A 1.2.3.4\n";
	struct zw_zonefile_opts o = {example, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, sizeof text - 1,
						     "n.zone", &o);
	struct zw_rec r;
	int rc = zw_zonefile_next(zf, &r);
	if (rc != 1)
		print_error("%s\n", zw_zonefile_error(zf));
	assert_int_equal(rc, 1);
	assert_int_equal(zw_zonefile_next(zf, &r), ZW_ESYNTAX);
	assert_string_equal(zw_zonefile_error(zf),
			    "n.zone:3: NUL byte in the text");
	/* After an error the parser stays failed. */
	assert_int_equal(zw_zonefile_next(zf, &r), ZW_ESYNTAX);
	zw_zonefile_free(zf);
}

/* ---- buffer refills: tokens and comments across the 1 MB buffer ---- */

static void test_large_input(void **state)
{
	(void)state;
	size_t max = 6u << 20, n = 0;
	char *text = malloc(max);
	assert_non_null(text);
	n += (size_t)sprintf(text + n, "$TTL 300\n");
	int i = 0;
	while (n < max - 300000) {
		/* varying lengths move the token boundaries across refills */
		n += (size_t)sprintf(text + n,
				     "h%d%.*s TXT \"%.*s\" ( a ; %.*s\n b )\n",
				     i, i % 13, "xxxxxxxxxxxxx", i % 97,
				     "abcdefghijabcdefghijabcdefghijabcdefghij"
				     "abcdefghijabcdefghijabcdefghijabcdefghij"
				     "abcdefghijabcdefghij", i % 61,
				     ";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;"
				     ";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;");
		i++;
	}
	/* One record of 64 KB rdata: 255 strings of 255 octets, 2.3 lines. */
	n += (size_t)sprintf(text + n, "big TXT (");
	for (int k = 0; k < 256; k++) {
		text[n++] = '"';
		memset(text + n, 'a' + k % 26, 254);
		n += 254;
		n += (size_t)sprintf(text + n, "\"%s", k % 100 == 99 ? "\n" : " ");
	}
	n += (size_t)sprintf(text + n, ")\nlast A 192.0.2.1\n");
	struct zw_zonefile_opts o = {example, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, n, "big", &o);
	struct zw_rec r;
	int rc, count = 0;
	while ((rc = zw_zonefile_next(zf, &r)) > 0) {
		if (count < i) {
			char want[64];
			uint8_t w[ZW_NAME_MAX];
			snprintf(want, sizeof want, "h%d%.*s", count, count % 13,
				 "xxxxxxxxxxxxx");
			assert_int_equal(zw_name_from_str(w, want, strlen(want),
							  example) > 0, 1);
			assert_true(zw_name_equal(w, r.owner));
			/* len + string, len + "a", len + "b" */
			assert_int_equal(r.rdlen, 1 + count % 97 + 2 + 2);
			assert_int_equal(r.line, 2 + 2 * (unsigned long)count);
		} else if (count == i) {
			assert_int_equal(r.type, ZW_TYPE_TXT);
			assert_int_equal(r.rdlen, 256 * 255);
		}
		count++;
	}
	if (rc)
		print_error("%s\n", zw_zonefile_error(zf));
	assert_int_equal(rc, 0);
	assert_int_equal(count, i + 2);
	assert_string_equal((char *)r.owner + 1, "last\007example");
	zw_zonefile_free(zf);
	free(text);
}

/* ---- the RFC example zones: parse -> print -> parse gives the same RR ---- */

static void round_trip(const char *rel)
{
	int e = 0, rc, count = 0;
	struct zw_zonefile_opts o = {example, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_open(zw_test_vector(rel), &o, &e);
	struct zw_rec r;
	assert_non_null(zf);
	while ((rc = zw_zonefile_next(zf, &r)) > 0) {
		char line[8192];
		uint8_t owner[ZW_NAME_MAX], *rd = malloc(r.rdlen + 1);
		rec_str(&r, line, sizeof line);
		memcpy(owner, r.owner, zw_name_len(r.owner));
		memcpy(rd, r.rdata, r.rdlen);
		struct zw_rec r2 = r;
		struct zw_zonefile *z2 = zw_zonefile_new_mem(line, strlen(line),
							     "rt", &o);
		assert_int_equal(zw_zonefile_next(z2, &r2), 1);
		assert_true(zw_name_equal(owner, r2.owner));
		assert_int_equal(r.type, r2.type);
		assert_int_equal(r.ttl, r2.ttl);
		assert_int_equal(r.rdlen, r2.rdlen);
		assert_memory_equal(rd, r2.rdata, r.rdlen);
		assert_int_equal(zw_zonefile_next(z2, &r2), 0);
		zw_zonefile_free(z2);
		free(rd);
		count++;
	}
	if (rc)
		print_error("%s\n", zw_zonefile_error(zf));
	assert_int_equal(rc, 0);
	assert_true(count > 50);
	zw_zonefile_free(zf);
}

static void test_rfc4035_zone(void **state)
{
	(void)state;
	round_trip("rfc/rfc4035-appendix-a.zone");
}

static void test_rfc5155_zone(void **state)
{
	(void)state;
	round_trip("rfc/rfc5155-appendix-a.zone");
}

/* The parser's fast name path agrees with zw_name_from_str wherever it
 * answers, and NS rdata from it equals the NS codec's. */
static void test_fast_names(void **state)
{
	(void)state;
	static const char *fixed[] = {
		"a", "a.", ".", "@", "a..b", "a.b.c.d.e.f.g.h.i.", "A\\.b",
		"\\065", "x\\.y.", "www", "*", "*.a", "ns1.mojri.com.",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"\xff.\x80", "a.b\\", "-._.~",
	};
	char text[600];
	uint8_t a[ZW_NAME_MAX], b[ZW_NAME_MAX];
	uint32_t x = 99;
	for (int k = 0; k < 40000; k++) {
		size_t len;
		if (k < (int)(sizeof fixed / sizeof *fixed)) {
			len = strlen(fixed[k]);
			memcpy(text, fixed[k], len);
		} else {
			x = x * 1103515245u + 12345u;
			len = (x >> 16) % (k % 2 ? 40 : 300);
			for (size_t i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				text[i] = "ab.Z9-\\.x..q"[(x >> 16) % 13];
			}
		}
		memset(text + len, '.', 16); /* slack that must not matter */
		const uint8_t *origin = k % 3 ? example : NULL;
		int ra = zf_name_fast(a, text, len, origin,
				      origin ? zw_name_len(origin) : 0);
		int rb = zw_name_from_str(b, text, len, origin);
		if (ra < 0)
			continue;
		assert_int_equal(ra, rb);
		assert_memory_equal(a, b, (size_t)ra);
		struct zw_tok t = {text, (uint32_t)len, false};
		uint8_t rd[ZW_RDATA_MAX];
		assert_int_equal(zw_rdata_from_str(ZW_TYPE_NS, &t, 1, origin, rd,
						   sizeof rd, NULL), ra);
		assert_memory_equal(rd, a, (size_t)ra);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_fields),
		cmocka_unit_test(test_parens_comments_quotes),
		cmocka_unit_test(test_crlf_and_no_final_newline),
		cmocka_unit_test(test_ttl_units),
		cmocka_unit_test(test_ttl_rules),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_errors_misc),
		cmocka_unit_test(test_large_input),
		cmocka_unit_test(test_rfc4035_zone),
		cmocka_unit_test(test_rfc5155_zone),
		cmocka_unit_test(test_fast_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
