#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include <cmocka.h>

#include "dns/err.h"
#include "dns/rrtype.h"

static int type_of(const char *s)
{
	return zw_rrtype_from_str(s, strlen(s));
}

static int class_of(const char *s)
{
	return zw_class_from_str(s, strlen(s));
}

/* Every enum value has its mnemonic both ways. */
static void test_enum_mnemonics(void **state)
{
	static const struct {
		int t;
		const char *s;
	} m[] = {
		{ ZW_TYPE_A, "A" },	       { ZW_TYPE_NS, "NS" },
		{ ZW_TYPE_CNAME, "CNAME" },    { ZW_TYPE_SOA, "SOA" },
		{ ZW_TYPE_PTR, "PTR" },	       { ZW_TYPE_HINFO, "HINFO" },
		{ ZW_TYPE_MX, "MX" },	       { ZW_TYPE_TXT, "TXT" },
		{ ZW_TYPE_RP, "RP" },	       { ZW_TYPE_AFSDB, "AFSDB" },
		{ ZW_TYPE_AAAA, "AAAA" },      { ZW_TYPE_LOC, "LOC" },
		{ ZW_TYPE_SRV, "SRV" },	       { ZW_TYPE_NAPTR, "NAPTR" },
		{ ZW_TYPE_KX, "KX" },	       { ZW_TYPE_DNAME, "DNAME" },
		{ ZW_TYPE_OPT, "OPT" },	       { ZW_TYPE_DS, "DS" },
		{ ZW_TYPE_SSHFP, "SSHFP" },    { ZW_TYPE_RRSIG, "RRSIG" },
		{ ZW_TYPE_NSEC, "NSEC" },      { ZW_TYPE_DNSKEY, "DNSKEY" },
		{ ZW_TYPE_NSEC3, "NSEC3" },    { ZW_TYPE_NSEC3PARAM, "NSEC3PARAM" },
		{ ZW_TYPE_TLSA, "TLSA" },      { ZW_TYPE_CDS, "CDS" },
		{ ZW_TYPE_CDNSKEY, "CDNSKEY" }, { ZW_TYPE_ZONEMD, "ZONEMD" },
		{ ZW_TYPE_SVCB, "SVCB" },      { ZW_TYPE_HTTPS, "HTTPS" },
		{ ZW_TYPE_SPF, "SPF" },	       { ZW_TYPE_IXFR, "IXFR" },
		{ ZW_TYPE_AXFR, "AXFR" },      { ZW_TYPE_ANY, "ANY" },
		{ ZW_TYPE_CAA, "CAA" },	       { ZW_TYPE_PRIVATE, "TYPE65534" },
	};
	char buf[16];

	(void)state;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		assert_int_equal(type_of(m[i].s), m[i].t);
		assert_int_equal(zw_rrtype_to_str((uint16_t)m[i].t, buf,
						  sizeof(buf)),
				 (int)strlen(m[i].s));
		assert_string_equal(buf, m[i].s);
	}
}

static void test_type_forms(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(type_of("aaaa"), ZW_TYPE_AAAA);
	assert_int_equal(type_of("NsEc3PaRaM"), ZW_TYPE_NSEC3PARAM);
	assert_int_equal(type_of("NSAP-PTR"), 23);
	assert_int_equal(type_of("TYPE1"), 1);
	assert_int_equal(type_of("type65535"), 65535);
	assert_int_equal(type_of("TYPE0"), 0);
	assert_int_equal(type_of("TYPE65536"), ZW_ETYPE);
	assert_int_equal(type_of("TYPE"), ZW_ETYPE);
	assert_int_equal(type_of("TYPE1x"), ZW_ETYPE);
	assert_int_equal(type_of("TYPE-1"), ZW_ETYPE);
	assert_int_equal(type_of("TYPE123456"), ZW_ETYPE);
	assert_int_equal(type_of("AAAAA"), ZW_ETYPE);
	assert_int_equal(type_of(""), ZW_ETYPE);
	assert_int_equal(type_of("IN"), ZW_ETYPE);
	/* len, not NUL, bounds the token. */
	assert_int_equal(zw_rrtype_from_str("AAAA", 1), ZW_TYPE_A);
	assert_int_equal(zw_rrtype_to_str(1234, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "TYPE1234");
	assert_int_equal(zw_rrtype_to_str(0, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "TYPE0");
	assert_int_equal(zw_rrtype_to_str(ZW_TYPE_NSEC3PARAM, buf, 11), 10);
	assert_int_equal(zw_rrtype_to_str(ZW_TYPE_NSEC3PARAM, buf, 10),
			 ZW_ENOSPC);
	assert_int_equal(zw_rrtype_to_str(65535, buf, 9), ZW_ENOSPC);
}

/* Every number prints as something that parses back to it. */
static void test_type_round_trip(void **state)
{
	char buf[16];

	(void)state;
	for (unsigned t = 0; t < 65536; t++) {
		int n = zw_rrtype_to_str((uint16_t)t, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(zw_rrtype_from_str(buf, (size_t)n), (int)t);
		for (int i = 0; i < n; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		assert_int_equal(zw_rrtype_from_str(buf, (size_t)n), (int)t);
	}
}

/* The fast path for common types folds a-z only: octets that fold to a
 * letter with their high bit or case bit ignored must not match. */
static void test_type_no_false_fold(void **state)
{
	(void)state;
	assert_int_equal(type_of("\xc1"), ZW_ETYPE);
	assert_int_equal(type_of("\x01"), ZW_ETYPE);
	assert_int_equal(type_of("N\xd3"), ZW_ETYPE);
	assert_int_equal(type_of("n\x13"), ZW_ETYPE);
	assert_int_equal(type_of("DNSKE\xd9"), ZW_ETYPE);
	assert_int_equal(type_of("A "), ZW_ETYPE);
	assert_int_equal(type_of("[S"), ZW_ETYPE);
	assert_int_equal(zw_rrtype_from_str("NSEC3PARAM", 4), ZW_TYPE_NSEC);
	assert_int_equal(zw_rrtype_from_str("dnskey!", 6), ZW_TYPE_DNSKEY);
}

/* `named-rrchecker -T` of BIND 9.18 on Debian 12: each prints back as
 * itself, so our zone output names the same types BIND does. */
static void test_bind_types(void **state)
{
	static const char bind[] =
		"A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT "
		"RP AFSDB X25 ISDN RT NSAP NSAP-PTR SIG KEY PX GPOS AAAA LOC NXT "
		"EID NIMLOC SRV ATMA NAPTR KX CERT A6 DNAME SINK APL DS SSHFP "
		"IPSECKEY RRSIG NSEC DNSKEY DHCID NSEC3 NSEC3PARAM TLSA SMIMEA "
		"HIP NINFO RKEY TALINK CDS CDNSKEY OPENPGPKEY CSYNC ZONEMD SVCB "
		"HTTPS DSYNC HHIT BRID SPF UINFO UID GID UNSPEC NID L32 L64 LP "
		"EUI48 EUI64 URI CAA AVC DOA AMTRELAY RESINFO WALLET TA DLV";
	char buf[16];
	int count = 0;

	(void)state;
	for (const char *p = bind; *p;) {
		size_t n = strcspn(p, " ");
		int t = zw_rrtype_from_str(p, n);

		assert_true(t > 0);
		assert_int_equal(zw_rrtype_to_str((uint16_t)t, buf, sizeof(buf)),
				 (int)n);
		assert_memory_equal(buf, p, n);
		assert_false(zw_rrtype_is_meta((uint16_t)t));
		count++;
		p += n + (p[n] == ' ');
	}
	assert_int_equal(count, 86);
}

static void test_classes(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(class_of("IN"), ZW_CLASS_IN);
	assert_int_equal(class_of("in"), ZW_CLASS_IN);
	assert_int_equal(class_of("CH"), ZW_CLASS_CH);
	assert_int_equal(class_of("HS"), ZW_CLASS_HS);
	assert_int_equal(class_of("NONE"), ZW_CLASS_NONE);
	assert_int_equal(class_of("ANY"), ZW_CLASS_ANY);
	assert_int_equal(class_of("CLASS1"), 1);
	assert_int_equal(class_of("CLASS65535"), 65535);
	assert_int_equal(class_of("CLASS65536"), ZW_ECLASS);
	assert_int_equal(class_of("A"), ZW_ECLASS);
	assert_int_equal(class_of("TYPE1"), ZW_ECLASS);
	assert_int_equal(class_of("CLASS"), ZW_ECLASS);
	assert_int_equal(zw_class_to_str(1, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "IN");
	assert_int_equal(zw_class_to_str(2, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "CLASS2");
	assert_int_equal(zw_class_to_str(254, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "NONE");
	assert_int_equal(zw_class_to_str(1, buf, 2), ZW_ENOSPC);
	for (unsigned c = 0; c < 65536; c++) {
		int n = zw_class_to_str((uint16_t)c, buf, sizeof(buf));
		assert_int_equal(zw_class_from_str(buf, (size_t)n), (int)c);
	}
}

static void test_meta(void **state)
{
	(void)state;
	assert_true(zw_rrtype_is_meta(ZW_TYPE_OPT));
	assert_true(zw_rrtype_is_meta(ZW_TYPE_AXFR));
	assert_true(zw_rrtype_is_meta(ZW_TYPE_IXFR));
	assert_true(zw_rrtype_is_meta(ZW_TYPE_ANY));
	assert_true(zw_rrtype_is_meta(250)); /* TSIG */
	assert_false(zw_rrtype_is_meta(ZW_TYPE_A));
	assert_false(zw_rrtype_is_meta(ZW_TYPE_RRSIG));
	assert_false(zw_rrtype_is_meta(ZW_TYPE_CAA));
	assert_false(zw_rrtype_is_meta(ZW_TYPE_PRIVATE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enum_mnemonics),
		cmocka_unit_test(test_type_forms),
		cmocka_unit_test(test_type_round_trip),
		cmocka_unit_test(test_type_no_false_fold),
		cmocka_unit_test(test_bind_types),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_meta),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
