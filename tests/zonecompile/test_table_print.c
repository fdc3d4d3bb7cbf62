/* zw_table_print_dig (zonecompile/table_print.c): responses answered from
 * the RFC 4035 and RFC 5155 example zones print exactly as dig 9.18
 * prints the same responses from knotd (the expected texts are dig's
 * output, message ID aside): BIND's tab columns and the one space past a
 * column, the OPT pseudosection with an EDE, the sections in order. And
 * a buffer too small or a malformed message is an error, not a partial
 * text passed off as whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"
#include "zonecompile/table.h"
#include "zonecompile/table_print.h"

#define TEXT_MAX (5 * 65535 + 64)

static struct {
	void *mem[2];
	struct zw_table *t[2];
	char *text, *out;
} fx;

static struct zw_table *load(const char *rel, void **mem)
{
	return tt_table(zw_test_vector(rel), "example.", mem);
}

static int setup(void **state)
{
	(void)state;
	fx.t[0] = load("rfc/rfc4035-appendix-a.zone", &fx.mem[0]);
	fx.t[1] = load("rfc/rfc5155-appendix-a.zone", &fx.mem[1]);
	fx.text = malloc(TEXT_MAX);
	fx.out = malloc(1 << 20);
	assert_non_null(fx.text);
	assert_non_null(fx.out);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++) {
		zw_table_close(fx.t[i]);
		free(fx.mem[i]);
	}
	free(fx.text);
	free(fx.out);
	return 0;
}

/* The response to (name, type) without RD, ID 4660; edns: buffer size
 * with DO, or 0 for none. Returns its length; the message is in resp. */
static int answer(int table, const char *name, uint16_t type, int edns,
		  uint8_t *resp)
{
	uint8_t q[512] = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0};
	int n = zw_name_from_str(q + 12, name, strlen(name),
				 (const uint8_t *)"");
	assert_true(n > 0);
	size_t o = 12 + (size_t)n;
	uint8_t tail[15] = {(uint8_t)(type >> 8), (uint8_t)type, 0, 1,
			    0, 0, 41, (uint8_t)(edns >> 8), (uint8_t)edns,
			    0, 0, 0x80, 0, 0, 0};
	memcpy(q + o, tail, edns ? 15 : 4);
	o += edns ? 15 : 4;
	struct zw_answer_opts opts = {1232, false};
	int len = zw_table_answer(fx.t[table], q, o, resp, 65535, &opts);
	assert_true(len > 12);
	return len;
}

static void expect_print(int table, const char *name, uint16_t type,
			 int edns, const char *want)
{
	static uint8_t resp[65535];
	int len = answer(table, name, type, edns, resp);
	int n = zw_table_print_dig(resp, (size_t)len, fx.out, 1 << 20,
				   fx.text, TEXT_MAX);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(fx.out, want);
}

static void test_answer_columns(void **state)
{
	(void)state;
	expect_print(0, "ai.example.", ZW_TYPE_A, 0,
		";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4660\n"
		";; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, "
		"ADDITIONAL: 0\n"
		"\n"
		";; QUESTION SECTION:\n"
		";ai.example.\t\t\tIN\tA\n"
		"\n"
		";; ANSWER SECTION:\n"
		"ai.example.\t\t3600\tIN\tA\t192.0.2.9\n"
		"\n");
}

static void test_refused_ede(void **state)
{
	(void)state;
	expect_print(0, "example.com.", ZW_TYPE_A, 1232,
		";; ->>HEADER<<- opcode: QUERY, status: REFUSED, id: 4660\n"
		";; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, "
		"ADDITIONAL: 1\n"
		"\n"
		";; OPT PSEUDOSECTION:\n"
		"; EDNS: version: 0, flags: do; udp: 1232\n"
		"; EDE: 20 (Not Authoritative)\n"
		";; QUESTION SECTION:\n"
		";example.com.\t\t\tIN\tA\n"
		"\n");
}

/* Owners past column 24: one space between fields, as BIND's indent(). */
static void test_long_owners_nsec3(void **state)
{
	(void)state;
	expect_print(1, "c.example.", ZW_TYPE_DS, 1232,
		";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4660\n"
		";; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 6, "
		"ADDITIONAL: 1\n"
		"\n"
		";; OPT PSEUDOSECTION:\n"
		"; EDNS: version: 0, flags: do; udp: 1232\n"
		";; QUESTION SECTION:\n"
		";c.example.\t\t\tIN\tDS\n"
		"\n"
		";; AUTHORITY SECTION:\n"
		"example.\t\t3600\tIN\tSOA\tns1.example. bugs.x.w.example. 1 "
		"3600 300 3600000 3600\n"
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3\t1 1 "
		"12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG "
		"DNSKEY NSEC3PARAM\n"
		"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN NSEC3\t1 1 "
		"12 AABBCCDD B4UM86EGHHDS6NEA196SMVMLO4ORS995 NS DS RRSIG\n"
		"example.\t\t3600\tIN\tRRSIG\tSOA 7 1 3600 20150420235959 "
		"20051021000000 40430 example. Hu25UIyNPmvPIVBrldN+9Mlp9Zql39qa"
		"Ud8iq4ZLlYWfUUbbAS41pG+6 8z81q1xhkYAcEyHdVI2LmKusbZsT0Q==\n"
		"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN RRSIG\tNSEC3 "
		"7 2 3600 20150420235959 20051021000000 40430 example. "
		"OSgWSm26B+cS+dDL8b5QrWr/dEWhtCsKlwKLIBHYH6blRxK9rC0bMJPw "
		"Q4mLIuw85H2EY762BOCXJZMnpuwhpA==\n"
		"35mthgpgcu1qg68fab165klnsnk3dpvl.example. 3600 IN RRSIG\tNSEC3 "
		"7 2 3600 20150420235959 20051021000000 40430 example. "
		"g6jPUUpduAJKRljUsN8gB4UagAX0NxY9shwQAynzo8EUWH+z6hEIBlUT "
		"PGj15eZll6VhQqgZXtAIR3chwgW+SA==\n"
		"\n");
}

/* Too small a buffer: -1 for every size short of the text, and the
 * buffer stays a NUL-terminated string; the exact size works. */
static void test_buffer_too_small(void **state)
{
	(void)state;
	static uint8_t resp[65535];
	static char small[4096];
	int len = answer(1, "c.example.", ZW_TYPE_DS, 1232, resp);
	int full = zw_table_print_dig(resp, (size_t)len, fx.out, 1 << 20,
				      fx.text, TEXT_MAX);
	assert_true(full > 0 && full < (int)sizeof small);
	for (int cap = 1; cap <= full; cap++) {
		memset(small, 'x', sizeof small);
		assert_int_equal(zw_table_print_dig(resp, (size_t)len, small,
						    (size_t)cap, fx.text,
						    TEXT_MAX), -1);
		assert_true(strlen(small) < (size_t)cap);
		assert_int_equal(small[cap], 'x');
	}
	assert_int_equal(zw_table_print_dig(resp, (size_t)len, small,
					    (size_t)full + 1, fx.text,
					    TEXT_MAX), full);
	assert_string_equal(small, fx.out);
}

/* A message that does not parse is an error (a negative zw_err), for
 * every truncation of a good one. */
static void test_malformed(void **state)
{
	(void)state;
	static uint8_t resp[65535];
	int len = answer(0, "x.w.example.", ZW_TYPE_MX, 1232, resp);
	for (int cut = 0; cut < len; cut++)
		assert_true(zw_table_print_dig(resp, (size_t)cut, fx.out,
					       1 << 20, fx.text, TEXT_MAX) < 0);
	size_t an = 12 + 13 + 4;        /* the answer's owner: a pointer */
	assert_int_equal(resp[an], 0xc0);
	resp[an] = 0xc0 | 0x03;         /* ... now pointing ahead */
	resp[an + 1] = 0xff;
	assert_true(zw_table_print_dig(resp, (size_t)len, fx.out, 1 << 20,
				       fx.text, TEXT_MAX) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_columns),
		cmocka_unit_test(test_refused_ede),
		cmocka_unit_test(test_long_owners_nsec3),
		cmocka_unit_test(test_buffer_too_small),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
