/* The zone verifier (zonecompile/verify.h): keys, signatures and the NSEC
 * chain, on zones signed by BIND (tests/zonecompile/data/verify, made by
 * make.sh there), each test breaking one thing (re-signing what it edits,
 * so only that one fault is left) and checking the exact error lines. */
#include "tests/zonecompile/vtest.h"

#define Y2020 1577836800u
#define Y2021 1609459200u
#define Y2030 1893456000u
#define Y2040 2208988800u

static void good(const char *fixture, unsigned nalgs, bool nsec3)
{
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, fixture);
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_int_equal(r.warnings, 0);
	assert_int_equal(r.r.nalgs, nalgs);
	for (unsigned i = 0; i < nalgs; i++) {
		const struct zw_verify_alg *a = &r.r.algs[i];
		assert_true(a->verified && a->complete);
		assert_int_equal(a->ksk_active, 1);
		assert_int_equal(a->zsk_active, 1);
		assert_int_equal(a->ksk_standby + a->zsk_standby, 0);
	}
	assert_int_equal(r.r.nsec, !nsec3);
	assert_int_equal(r.r.nsec3, nsec3);
	assert_true(r.r.sigs > 20);
	assert_true(r.r.chain_records > 10);
	zt_free(&z);
}

static void test_bind_zones_verify(void **state)
{
	(void)state;
	good("nsec.signed", 1, false);
	good("nsec3.signed", 1, true);
	good("optout.signed", 1, true);
	good("twoalg.signed", 2, false);
}

/* P-256 signatures go through the batch engine; the counts say so. */
static void test_batched(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "twoalg.signed");
	vt_verify(&z, &o, &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.r.sigs_batched > 10);
	assert_true(r.r.sigs_batched < r.r.sigs);   /* Ed25519 ones are not */
	zt_free(&z);
}

static void run_broken(struct ztext *z, const char *want)
{
	struct vres r;
	struct zw_verify_opts o = {0};
	vt_verify(z, &o, &r);
	vt_expect_errors(&r, want);
	zt_free(z);
}

static void test_signature_byte(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	long i = zt_find(&z, "mail.example.", "RRSIG:A");
	assert_true(i >= 0);
	char *l = z.l[i];
	char *sig = l + strlen(l) - 10;   /* inside the base64 signature */
	*sig = *sig == 'A' ? 'B' : 'A';
	run_broken(&z, "No correct ECDSAP256SHA256 signature for mail.example "
		       "A (key 50149: signature does not verify)\n");
}

static void test_expired(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	zt_resign(&z, "www.example.", "CNAME", ZSK13, Y2020, Y2021);
	run_broken(&z, "No correct ECDSAP256SHA256 signature for www.example "
		       "CNAME (key 50149: signature has expired "
		       "20210101000000)\n");
	zt_load(&z, "nsec.signed");
	zt_resign(&z, "www.example.", "CNAME", ZSK13, Y2030, Y2040);
	run_broken(&z, "No correct ECDSAP256SHA256 signature for www.example "
		       "CNAME (key 50149: signature not valid before "
		       "20300101000000)\n");
}

/* The whole zone past its expiry: no key signs the DNSKEY RRset. */
static void test_clock(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {.now = Y2040 + 40u * 366 * 86400};
	zt_load(&z, "nsec.signed");
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "No self-signed KSK DNSKEY found\n");
	zt_free(&z);
}

static void test_unsigned(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	assert_int_equal(zt_del(&z, "mail.example.", "RRSIG:A"), 1);
	run_broken(&z, "No signatures for mail.example/A\n");
}

static void test_unknown_key(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	long i = zt_find(&z, "ns1.example.", "RRSIG:AAAA");
	char *l = strdup(z.l[i]), *tag = strstr(l, " 50149 ");
	assert_non_null(tag);
	memcpy(tag, " 50148 ", 7);
	zt_set(&z, i, l);
	free(l);
	run_broken(&z, "No correct ECDSAP256SHA256 signature for ns1.example "
		       "AAAA (key 50148: no such key in the DNSKEY RRset)\n");
}

static void test_missing_algorithm(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "twoalg.signed");
	long i = zt_find(&z, "mail.example.", "RRSIG:A");
	/* Drop the Ed25519 one of the two. */
	while (strcmp(FIELD(z.l[i], 5), "15") != 0)
		i++;
	zt_set(&z, i, "; gone");
	run_broken(&z, "No correct ED25519 signature for mail.example A\n");
}

/* An extra bad signature beside a good one of the same algorithm is a
 * warning, as dnssec-verify lets it pass. */
static void test_extra_bad_signature(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "nsec.signed");
	char *l = strdup(z.l[zt_find(&z, "mail.example.", "RRSIG:A")]);
	char *sig = l + strlen(l) - 10;
	*sig = *sig == 'A' ? 'B' : 'A';
	zt_add(&z, l);
	free(l);
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_int_equal(r.warnings, 1);
	assert_non_null(strstr(r.msgs, "W Bad ECDSAP256SHA256 signature for "
				       "mail.example A besides a good one (key "
				       "50149: signature does not verify)\x1e"));
	assert_int_equal(r.r.sigs_bad, 1);
	zt_free(&z);
}

static void test_unexpected_signatures(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	zt_resign(&z, "insec.example.", "NS", ZSK13, Y2020, Y2040);
	zt_resign(&z, "ns.sec.example.", "A", ZSK13, Y2020, Y2040);
	run_broken(&z, "Found unexpected signatures for insec.example/NS\n"
		       "Found unexpected signatures for ns.sec.example/A\n");
}

static void test_orphan_rrsig(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	assert_int_equal(zt_del(&z, "srv.example.", "SRV"), 1);
	/* The NSEC still lists SRV: both faults are named. */
	run_broken(&z, "RRSIG at srv.example covers SRV, which has no RRset "
		       "there\nBad NSEC record for srv.example, bit map "
		       "mismatch (listed but absent: SRV)\n");
}

static void test_no_keys(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	assert_int_equal(zt_del(&z, "example.", "DNSKEY"), 2);
	zt_del(&z, "example.", "RRSIG:DNSKEY");
	run_broken(&z, "Zone contains no DNSSEC keys\n");
}

/* Ed25519's KSK does not sign the DNSKEY RRset but its ZSK signs data:
 * an error, unless -z lets the self-signing ZSK stand in. */
static void test_missing_ksk(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "twoalg.signed");
	for (size_t i = 0; i < z.n; i++)
		if (zt_is(&z, i, "example.", "RRSIG:DNSKEY") &&
		    strcmp(FIELD(z.l[i], 10), "18055") == 0)
			zt_set(&z, (long)i, "; gone");
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "Missing self-signed KSK for algorithm ED25519\n");
	assert_false(r.r.algs[1].verified);
	assert_int_equal(r.r.algs[1].ksk_standby, 1);
	o = (struct zw_verify_opts){.ignore_ksk = true};
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_true(r.r.algs[1].verified);
	zt_free(&z);
}

/* Ed25519 keys published but signing nothing: dnssec-verify passes the
 * zone; a warning says RFC 6840 §5.11 wants more. */
static void test_silent_algorithm(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "twoalg.signed");
	for (size_t i = 0; i < z.n; i++)
		if (strcasecmp(FIELD(z.l[i], 3), "RRSIG") == 0 &&
		    strcmp(FIELD(z.l[i], 5), "15") == 0)
			zt_set(&z, (long)i, "; gone");
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_int_equal(r.warnings, 1);
	assert_non_null(strstr(r.msgs, "W The DNSKEY RRset has ED25519 keys but "
				       "none signs the zone"));
	assert_false(r.r.algs[1].verified);
	assert_int_equal(r.r.algs[1].ksk_standby, 1);
	assert_int_equal(r.r.algs[1].zsk_standby, 1);
	zt_free(&z);
}

/* The KSK revoked (RFC 5011): it still signs the DNSKEY RRset but no
 * longer counts as the algorithm's KSK; with -z the ZSK's self-signature
 * carries the algorithm. */
static void test_revoked_ksk(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	struct zw_key *ksk = vt_key(KSK13), *zsk = vt_key(ZSK13);
	uint8_t rd[ZW_KEY_PUB_MAX + 4];
	char text[2048], line[2200];
	uint16_t old = ksk->tag;
	zw_key_set_flags(ksk, ksk->flags | ZW_DNSKEY_REVOKE);
	int len = zw_key_dnskey_rdata(ksk, rd, sizeof rd);
	assert_true(len > 0);
	assert_true(zw_rdata_to_str(ZW_TYPE_DNSKEY, rd, (size_t)len, text,
				    sizeof text) > 0);
	zt_load(&z, "nsec.signed");
	for (size_t i = 0; i < z.n; i++)
		if (zt_is(&z, i, "example.", "DNSKEY") &&
		    strcmp(FIELD(z.l[i], 4), "257") == 0) {
			snprintf(line, sizeof line, "example. 3600 IN DNSKEY %s",
				 text);
			zt_set(&z, (long)i, line);
		}
	for (size_t i = 0; i < z.n; i++)
		if (zt_is(&z, i, "example.", "RRSIG:DNSKEY") &&
		    atoi(FIELD(z.l[i], 10)) == old)
			zt_set(&z, (long)i, "; old KSK signature");
	zt_resign_key(&z, "example.", "DNSKEY", ksk, Y2020, Y2040);
	zt_resign_key(&z, "example.", "DNSKEY", zsk, Y2020, Y2040);
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "No self-signed KSK DNSKEY found\n");
	assert_int_equal(r.r.algs[0].ksk_revoked, 1);
	assert_int_equal(r.r.algs[0].ksk_active, 0);
	o = (struct zw_verify_opts){.ignore_ksk = true};
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_int_equal(r.r.algs[0].ksk_revoked, 1);
	assert_int_equal(r.r.algs[0].zsk_active, 1);
	zw_key_free(ksk);
	zw_key_free(zsk);
	zt_free(&z);
}

/* -x changes no verdict: a ZSK that signs only the SOA is still active. */
static void test_ksk_only(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {.ksk_only = true};
	zt_load(&z, "nsec.signed");
	for (size_t i = 0; i < z.n; i++)
		if (zt_is(&z, i, "example.", "RRSIG:DNSKEY") &&
		    strcmp(FIELD(z.l[i], 10), "50149") == 0)
			zt_set(&z, (long)i, "; gone");
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "");
	assert_int_equal(r.r.algs[0].zsk_active, 1);
	zt_free(&z);
}

/* ---- NSEC chain ---- */

static void test_nsec_missing(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	assert_int_equal(zt_del(&z, "ns1.example.", "NSEC"), 1);
	zt_del(&z, "ns1.example.", "RRSIG:NSEC");
	run_broken(&z, "Missing NSEC record for ns1.example\n");
}

static void test_nsec_gap(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	long i = zt_find(&z, "mail.example.", "NSEC");
	zt_set(&z, i, "mail.example. 300 IN NSEC ns1.example. A TXT RRSIG NSEC");
	zt_resign(&z, "mail.example.", "NSEC", ZSK13, Y2020, Y2040);
	run_broken(&z, "Bad NSEC record for mail.example, next name mismatch "
		       "(ns1.example vs MiXed.example)\n");
}

static void test_nsec_bitmap(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	assert_int_equal(zt_del(&z, "mail.example.", "TXT"), 1);
	assert_int_equal(zt_del(&z, "mail.example.", "RRSIG:TXT"), 1);
	run_broken(&z, "Bad NSEC record for mail.example, bit map mismatch "
		       "(listed but absent: TXT)\n");
	/* Glue at a cut is not listed; the delegation's NS and DS are. */
	zt_load(&z, "nsec.signed");
	long i = zt_find(&z, "sec.example.", "NSEC");
	zt_set(&z, i, "sec.example. 300 IN NSEC srv.example. NS RRSIG NSEC");
	zt_resign(&z, "sec.example.", "NSEC", ZSK13, Y2020, Y2040);
	run_broken(&z, "Bad NSEC record for sec.example, bit map mismatch "
		       "(not listed: DS)\n");
}

static void test_nsec_at_glue(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	zt_add(&z, "ns.sec.example. 300 IN NSEC srv.example. A RRSIG NSEC");
	run_broken(&z, "unexpected NSEC RRset at ns.sec.example\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_zones_verify),
		cmocka_unit_test(test_batched),
		cmocka_unit_test(test_signature_byte),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_missing_algorithm),
		cmocka_unit_test(test_extra_bad_signature),
		cmocka_unit_test(test_unexpected_signatures),
		cmocka_unit_test(test_orphan_rrsig),
		cmocka_unit_test(test_no_keys),
		cmocka_unit_test(test_missing_ksk),
		cmocka_unit_test(test_silent_algorithm),
		cmocka_unit_test(test_revoked_ksk),
		cmocka_unit_test(test_ksk_only),
		cmocka_unit_test(test_nsec_missing),
		cmocka_unit_test(test_nsec_gap),
		cmocka_unit_test(test_nsec_bitmap),
		cmocka_unit_test(test_nsec_at_glue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
