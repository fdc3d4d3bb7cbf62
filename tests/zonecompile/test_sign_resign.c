/* Re-signing a signed zone: signatures still valid beyond the refresh
 * interval are kept byte for byte, the rest replaced; a changed RRset, a
 * new serial, a retired key; NSEC <-> NSEC3 by re-signing with the other
 * flags; NSEC3 signatures kept when the chain is unchanged. */
#include "tests/zonecompile/signtest.h"

static const char *zone =
	"$TTL 300\n"
	"@ SOA ns1 host 10 3600 600 86400 120\n"
	"  NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.3\n"
	"sec NS ns.other.\n"
	"sec DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF"
	"0123456789ABCDEF0123456789ABCDEF\n"
	"a.b.c TXT \"deep\"\n";

static const char *keydir;
static char kb[2][64];
static const char *keys[3];

static int setup(void **state)
{
	(void)state;
	keydir = strdup(subdir("rk"));
	mk_example_keys(keydir, kb, keys, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free((void *)keydir);
	return 0;
}

/* Every RRSIG in the zone verifies; returns how many there are. */
static int all_sigs(const struct zw_zone *z)
{
	int total = 0;

	for (size_t i = 0; i < zw_zone_count(z); i++) {
		const struct zw_node *n = zw_zone_node(z, i);
		struct zw_rrset rs;

		for (bool ok = zw_rrset_first(n, &rs); ok;
		     ok = zw_rrset_next(n, &rs))
			if (rs.type == ZW_TYPE_RRSIG)
				total += sigs_over(z, n, rs.covers, NULL);
	}
	return total;
}

static size_t count_type(const struct zw_zone *z, uint16_t type)
{
	size_t c = 0;

	for (size_t i = 0; i < zw_zone_count(z); i++) {
		struct zw_rrset rs;

		if (zw_node_rrset(zw_zone_node(z, i), type, 0, &rs))
			c += rs.count;
	}
	return c;
}

static void first(struct out *o, const struct zw_sign_opts *opts)
{
	assert_int_equal(sign_zone(zone, "example.", opts, keydir, keys, o),
			 0);
	assert_int_equal(o->st.sigs_kept, 0);
}

static void test_keep_all(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out a, b;

	(void)state;
	first(&a, &o);
	assert_int_equal(sign_zone(a.text, "example.", &o, keydir, keys, &b),
			 0);
	assert_int_equal(b.st.sigs_new, 0);
	assert_int_equal(b.st.sigs_kept, a.st.sigs_new);
	assert_int_equal(b.st.sigs_dropped, 0);
	assert_string_equal(a.text, b.text);    /* byte for byte */
	out_free(&a);
	out_free(&b);
}

/* Signatures expiring within the refresh interval are replaced. */
static void test_refresh(void **state)
{
	struct zw_sign_opts o = base_opts(), later = base_opts();
	struct out a, b;

	(void)state;
	first(&a, &o);
	later.now = T_NOW + 24 * T_DAY;         /* expiry now+30d within 7d */
	later.inception = (uint32_t)later.now - 3600;
	later.expiration = (uint32_t)later.now + 30 * T_DAY;
	assert_int_equal(sign_zone(a.text, "example.", &later, keydir, keys,
				   &b), 0);
	assert_int_equal(b.st.sigs_kept, 0);
	assert_int_equal(b.st.sigs_new, a.st.sigs_new);
	assert_int_equal(b.st.sigs_dropped, a.st.sigs_new);
	out_free(&b);
	/* ... but not when the interval is shorter */
	later.refresh = 3 * T_DAY;
	assert_int_equal(sign_zone(a.text, "example.", &later, keydir, keys,
				   &b), 0);
	assert_int_equal(b.st.sigs_new, 0);
	out_free(&a);
	out_free(&b);
}

/* One changed RRset and a new serial: only those are signed again. */
static void test_changes(void **state)
{
	struct zw_sign_opts o = base_opts();
	struct out a, b;
	char *text, *p;

	(void)state;
	first(&a, &o);
	text = strdup(a.text);
	p = strstr(text, "192.0.2.2");
	assert_non_null(p);
	p[8] = '7';                             /* www A 192.0.2.7 */
	o.serial = ZW_SERIAL_INCREMENT;
	assert_int_equal(sign_zone(text, "example.", &o, keydir, keys, &b), 0);
	assert_int_equal(b.st.sigs_new, 2);     /* SOA and www A */
	assert_int_equal(b.st.sigs_dropped, 2);
	assert_int_equal(all_sigs(b.z), (int)a.st.sigs_new);
	assert_non_null(strstr(b.text, "\tSOA\tns1.example. host.example. 11 "));
	free(text);
	out_free(&a);
	out_free(&b);
}

/* Smart re-signing after a ZSK rollover: the old ZSK is deleted (its
 * DNSKEY and signatures go), the new one signs everything. */
static void test_key_retired(void **state)
{
	struct zw_sign_opts o = base_opts();
	const char *d2 = subdir("rk2");
	char cmd[2048], msg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	struct out a, b;
	uint16_t nz, tags[4];
	int err = 0;

	(void)state;
	first(&a, &o);
	snprintf(cmd, sizeof cmd, "cp %s/%s.* %s/", keydir, kb[0], d2);
	assert_int_equal(system(cmd), 0);
	kf = zw_keyfile_load(keydir, kb[1], 0, &err, msg, sizeof msg);
	assert_non_null(kf);
	zw_keyfile_set_time(kf, ZW_KT_PUBLISH, T_NOW - 40 * T_DAY);
	zw_keyfile_set_time(kf, ZW_KT_ACTIVATE, T_NOW - 40 * T_DAY);
	zw_keyfile_set_time(kf, ZW_KT_INACTIVE, T_NOW - 10 * T_DAY);
	zw_keyfile_set_time(kf, ZW_KT_DELETE, T_NOW - T_DAY);
	assert_int_equal(zw_keyfile_save(kf, d2, msg, sizeof msg), 0);
	zw_keyfile_free(kf);
	nz = mk_key(d2, "example.", ZW_ALG_ECDSAP256, ZW_DNSKEY_ZONE, NULL);
	o.smart = true;
	assert_int_equal(sign_zone(a.text, "example.", &o, d2, NULL, &b), 0);
	assert_int_equal(b.st.sigs_kept, 0);     /* DNSKEY set changed too */
	assert_int_equal(b.st.sigs_dropped, a.st.sigs_new);
	assert_int_equal(count_type(b.z, ZW_TYPE_DNSKEY), 2);
	assert_int_equal(sigs_over(b.z, node_of(b.z, "www.example."),
				   ZW_TYPE_A, tags), 1);
	assert_int_equal(tags[0], nz);
	assert_int_equal(all_sigs(b.z), (int)b.st.sigs_new);
	out_free(&a);
	out_free(&b);
}

static void test_nsec_to_nsec3_and_back(void **state)
{
	struct zw_sign_opts o = base_opts(), o3 = base_opts();
	struct out a, b, c, d;

	(void)state;
	first(&a, &o);
	o3.nsec3 = true;
	o3.optout = true;
	assert_int_equal(sign_zone(a.text, "example.", &o3, keydir, keys, &b),
			 0);
	assert_int_equal(count_type(b.z, ZW_TYPE_NSEC), 0);
	assert_int_equal(count_type(b.z, ZW_TYPE_NSEC3), b.st.nsec);
	/* apex, ns1, www, sec, c, b.c, a.b.c: 7 (sub is opt-out) */
	assert_int_equal(b.st.nsec, 7);
	/* data signatures kept; new ones for NSEC3 and NSEC3PARAM only */
	assert_int_equal(b.st.sigs_new, 7 + 1);
	assert_int_equal(all_sigs(b.z), (int)(b.st.sigs_new + b.st.sigs_kept));
	/* same NSEC3 parameters again: everything kept */
	assert_int_equal(sign_zone(b.text, "example.", &o3, keydir, keys, &c),
			 0);
	assert_int_equal(c.st.sigs_new, 0);
	assert_string_equal(b.text, c.text);
	/* and back to NSEC */
	assert_int_equal(sign_zone(c.text, "example.", &o, keydir, keys, &d),
			 0);
	assert_int_equal(count_type(d.z, ZW_TYPE_NSEC3), 0);
	assert_int_equal(count_type(d.z, ZW_TYPE_NSEC3PARAM), 0);
	assert_int_equal(count_type(d.z, ZW_TYPE_NSEC), a.st.nsec);
	assert_int_equal(d.st.sigs_new, a.st.nsec);     /* NSECs anew */
	assert_int_equal(all_sigs(d.z), (int)a.st.sigs_new);
	out_free(&a);
	out_free(&b);
	out_free(&c);
	out_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep_all),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_key_retired),
		cmocka_unit_test(test_nsec_to_nsec3_and_back),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
