/* The zone verifier's NSEC3 checks (zonecompile/verify.h) on BIND-signed
 * fixtures, the RFC 4035 / RFC 5155 example zones under a pinned clock, and
 * the same verdicts and messages whatever the threads and chunk sizes. */
#include "crypto/nsec3.h"
#include "dns/base.h"
#include "tests/zonecompile/vtest.h"

#define Y2020 1577836800u
#define Y2040 2208988800u

static const uint8_t SALT[4] = {0xaa, 0xbb, 0xcc, 0xdd};

/* Upper-case base32hex hash of a name under the fixture's parameters. */
static void hash_of(const char *name, const uint8_t *salt, size_t saltlen,
		    uint16_t iter, char *out)
{
	uint8_t wire[ZW_NAME_MAX], h[ZW_NSEC3_HASH_LEN];
	assert_true(zw_name_from_str(wire, name, strlen(name), NULL) > 0);
	assert_int_equal(zw_nsec3_hash(wire, salt, saltlen, iter, h), 0);
	assert_int_equal(zw_b32hex_encode(h, sizeof h, out, 64), 32);
	out[32] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NSEC3 owner hashes of the zone, sorted; returns the count. */
static size_t owners(const struct ztext *z, char out[][33], size_t max)
{
	char *p[256];
	size_t n = 0;
	for (size_t i = 0; i < z->n && n < max; i++)
		if (strcasecmp(FIELD(z->l[i], 3), "NSEC3") == 0)
			p[n++] = z->l[i];
	qsort(p, n, sizeof *p, cmp_str);
	for (size_t i = 0; i < n; i++)
		snprintf(out[i], 33, "%.32s", p[i]);
	return n;
}

/* Remove the NSEC3 of `name`: the name is missing and the chain breaks at
 * the record before it. */
static void remove_nsec3_of(const char *name, const char *shown)
{
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	char h[64], own[128], rrsig[16] = "RRSIG:NSEC3", want[1024];
	char hashes[64][33];
	zt_load(&z, "nsec3.signed");
	hash_of(name, SALT, 4, 1, h);
	size_t n = owners(&z, hashes, 64), k = 0;
	while (k < n && strcmp(hashes[k], h) != 0)
		k++;
	assert_true(k < n);
	snprintf(own, sizeof own, "%s.example.", h);
	assert_int_equal(zt_del(&z, own, "NSEC3"), 1);
	assert_int_equal(zt_del(&z, own, rrsig), 1);
	snprintf(want, sizeof want,
		 "Break in NSEC3 chain at: %s\nExpected: %s\nFound: %s\n"
		 "Missing NSEC3 record for %s (%s.example)\n",
		 hashes[(k + n - 1) % n], h, hashes[(k + 1) % n], shown, h);
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, want);
	zt_free(&z);
}

static void test_nsec3_removed(void **state)
{
	(void)state;
	remove_nsec3_of("mail.example.", "mail.example");
	remove_nsec3_of("y.ent2.example.", "y.ent2.example");   /* an ENT */
	remove_nsec3_of("insec.example.", "insec.example");     /* no opt-out */
	remove_nsec3_of("example.", "example");
}

static void test_nsec3_bitmap(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "nsec3.signed");
	assert_int_equal(zt_del(&z, "mail.example.", "TXT"), 1);
	assert_int_equal(zt_del(&z, "mail.example.", "RRSIG:TXT"), 1);
	vt_verify(&z, &o, &r);
	vt_expect_errors(&r, "Bad NSEC3 record for mail.example, bit map "
			     "mismatch (listed but absent: TXT)\n");
	zt_free(&z);
}

/* The NSEC3 covering the insecure delegation loses its opt-out flag. */
static void test_optout_flag(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	char h[64], hashes[64][33], own[128], want[256];
	zt_load(&z, "optout.signed");
	hash_of("insec.example.", NULL, 0, 0, h);
	size_t n = owners(&z, hashes, 64), k = n - 1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(hashes[i], h) < 0)
			k = i;
	snprintf(own, sizeof own, "%s.example.", hashes[k]);
	long i = zt_find(&z, own, "NSEC3");
	assert_true(i >= 0);
	char *l = strdup(z.l[i]), *f = strstr(l, "NSEC3\t1 1 0 -");
	assert_non_null(f);
	f[8] = '0';
	zt_set(&z, i, l);
	free(l);
	zt_resign(&z, own, "NSEC3", ZSK13, Y2020, Y2040);
	vt_verify(&z, &o, &r);
	snprintf(want, sizeof want, "E Missing NSEC3 record for insec.example "
		 "(%s.example); the NSEC3 covering it is not opt-out\x1e", h);
	assert_non_null(strstr(r.msgs, want));
	assert_int_equal(r.rc, ZW_EBADSIG);
	zt_free(&z);
}

static void test_nsec3param_mismatch(void **state)
{
	(void)state;
	struct ztext z;
	struct vres r;
	struct zw_verify_opts o = {0};
	zt_load(&z, "nsec3.signed");
	long i = zt_find(&z, "example.", "NSEC3PARAM");
	zt_set(&z, i, "example. 0 IN NSEC3PARAM 1 0 1 AABBCCDE");
	zt_resign(&z, "example.", "NSEC3PARAM", ZSK13, Y2020, Y2040);
	vt_verify(&z, &o, &r);
	assert_int_equal(r.rc, ZW_EBADSIG);
	if (!strstr(r.msgs, "has parameters (1 1 AABBCCDD) that no "
			    "NSEC3PARAM has") ||
	    !strstr(r.msgs, "E Missing NSEC3 record for mail.example ("))
		fail_msg("%s", r.msgs);
	zt_free(&z);
}

/* ---- RFC examples (algorithms 5 and 7, signed in 2004/2005) ---- */

static void rfc_zone(const char *file, int64_t now, uint8_t alg, bool nsec3,
		     const char *errors)
{
	char *text = zw_test_read_file(zw_test_vector(file), NULL);
	struct zw_verify_opts o = {.now = now};
	struct vres r;
	assert_non_null(text);
	vt_verify_text(text, &o, &r);
	vt_expect_errors(&r, errors);
	assert_int_equal(r.r.nalgs, 1);
	assert_int_equal(r.r.algs[0].alg, alg);
	if (!errors[0]) {
		assert_int_equal(r.r.nsec3, nsec3);
		assert_int_equal(r.r.algs[0].ksk_active, 1);
		assert_int_equal(r.r.algs[0].zsk_active, 1);
	}
	free(text);
}

static void test_rfc_examples(void **state)
{
	(void)state;
	rfc_zone("rfc/rfc4035-appendix-a.zone", 1082419200 /* 2004-04-20 */,
		 5, false, "");
	rfc_zone("rfc/rfc5155-appendix-a.zone", 1262304000 /* 2010-01-01 */,
		 7, true, "");
	rfc_zone("rfc/rfc4035-appendix-a.zone", T_NOW, 5, false,
		 "No self-signed KSK DNSKEY found\n");
	rfc_zone("rfc/rfc5155-appendix-a.zone", T_NOW, 7, true,
		 "No self-signed KSK DNSKEY found\n");
}

/* ---- threads and chunks ---- */

static void same_verdicts(struct ztext *z)
{
	static const unsigned conf[][2] = {{1, 0}, {1, 1}, {2, 3}, {4, 2},
					   {3, 7}};
	struct vres first, r;
	struct zw_verify_opts o = {.threads = 1};
	vt_verify(z, &o, &first);
	assert_int_equal(first.rc, ZW_EBADSIG);
	assert_true(first.errors >= 3);
	for (size_t i = 1; i < sizeof conf / sizeof conf[0]; i++) {
		o = (struct zw_verify_opts){.threads = conf[i][0],
					    .chunk_nodes = conf[i][1]};
		vt_verify(z, &o, &r);
		assert_int_equal(r.rc, first.rc);
		assert_string_equal(r.msgs, first.msgs);
		assert_int_equal(r.r.sigs, first.r.sigs);
		assert_int_equal(r.r.chain_records, first.r.chain_records);
	}
	zt_free(z);
}

static void test_threads(void **state)
{
	(void)state;
	struct ztext z;
	zt_load(&z, "nsec.signed");
	zt_del(&z, "ns1.example.", "NSEC");
	zt_del(&z, "mail.example.", "RRSIG:TXT");
	zt_set(&z, zt_find(&z, "www.example.", "NSEC"),
	       "www.example. 300 IN NSEC wild.example. CNAME RRSIG NSEC");
	same_verdicts(&z);
	zt_load(&z, "nsec3.signed");
	zt_del(&z, "mail.example.", "TXT");
	zt_del(&z, "srv.example.", "RRSIG:SRV");
	for (size_t i = 0; i < z.n; i++)
		if (strcasecmp(FIELD(z.l[i], 3), "NSEC3") == 0) {
			zt_set(&z, (long)i, "; gone");
			break;
		}
	same_verdicts(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nsec3_removed),
		cmocka_unit_test(test_nsec3_bitmap),
		cmocka_unit_test(test_optout_flag),
		cmocka_unit_test(test_nsec3param_mismatch),
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
