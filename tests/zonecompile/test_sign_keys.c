/* zonecompile/sign_keys.c: smart signing by key timing (stand-by,
 * inactive, deleted, not yet published, revoked keys), keys found for the
 * DNSKEYs already in the zone (one without its private half stays
 * published), dsset/keyset text. */
#include "tests/zonecompile/signtest.h"
#include <unistd.h>

#include "crypto/ds.h"

static const char *zone =
	"$TTL 300\n"
	"@ SOA ns1 host 10 3600 600 86400 120\n"
	"  NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"www A 192.0.2.2\n";

struct dk {
	uint16_t tag, flags;
};

/* Tags and flags of the apex DNSKEYs. */
static size_t dnskeys(const struct zw_zone *z, struct dk *out)
{
	struct zw_rrset rs;
	const uint8_t *p;

	if (!zw_node_rrset(zw_zone_node(z, 0), ZW_TYPE_DNSKEY, 0, &rs))
		return 0;
	p = rs.rdata;
	for (uint32_t i = 0; i < rs.count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);

		out[i].tag = zw_keytag(rd, len);
		out[i].flags = (uint16_t)(rd[0] << 8 | rd[1]);
	}
	return rs.count;
}

static bool has_dk(const struct dk *d, size_t n, uint16_t tag,
		   uint16_t flags)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].tag == tag && d[i].flags == flags)
			return true;
	return false;
}

static bool has_tag(const uint16_t *t, int n, uint16_t tag)
{
	for (int i = 0; i < n; i++)
		if (t[i] == tag)
			return true;
	return false;
}

static int64_t past(int days)
{
	return T_NOW - (int64_t)days * T_DAY;
}

static void test_smart_timing(void **state)
{
	const char *dir = subdir("smart");
	const uint16_t Z = ZW_DNSKEY_ZONE, K = ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP;
	int64_t on[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = past(10),
				    [ZW_KT_ACTIVATE] = past(10) };
	int64_t standby[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = past(1),
					 [ZW_KT_ACTIVATE] = T_NOW + T_DAY };
	int64_t inactive[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = past(20),
					  [ZW_KT_ACTIVATE] = past(20),
					  [ZW_KT_INACTIVE] = past(2) };
	int64_t deleted[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = past(30),
					 [ZW_KT_ACTIVATE] = past(30),
					 [ZW_KT_INACTIVE] = past(20),
					 [ZW_KT_DELETE] = past(5) };
	int64_t future[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = T_NOW + T_DAY,
					[ZW_KT_ACTIVATE] = T_NOW + 2 * T_DAY };
	int64_t revoked[ZW_KT_COUNT] = { [ZW_KT_PUBLISH] = past(30),
					 [ZW_KT_ACTIVATE] = past(30),
					 [ZW_KT_REVOKE] = past(1) };
	struct zw_sign_opts o = base_opts();
	uint16_t tksk, tzsk, tsb, tin, tdel, tfut, trev, tags[8];
	struct dk d[16];
	struct out out;
	size_t n;

	(void)state;
	tksk = mk_key(dir, "example.", ZW_ALG_ECDSAP256, K, on);
	tzsk = mk_key(dir, "example.", ZW_ALG_ECDSAP256, Z, on);
	tsb = mk_key(dir, "example.", ZW_ALG_ECDSAP256, Z, standby);
	tin = mk_key(dir, "example.", ZW_ALG_ECDSAP256, Z, inactive);
	tdel = mk_key(dir, "example.", ZW_ALG_ECDSAP256, Z, deleted);
	tfut = mk_key(dir, "example.", ZW_ALG_ECDSAP256, Z, future);
	trev = mk_key(dir, "example.", ZW_ALG_ECDSAP256, K, revoked);
	o.smart = true;
	assert_int_equal(sign_zone(zone, "example.", &o, dir, NULL, &out), 0);
	n = dnskeys(out.z, d);
	assert_int_equal(n, 5);
	assert_true(has_dk(d, n, tksk, 257));
	assert_true(has_dk(d, n, tzsk, 256));
	assert_true(has_dk(d, n, tsb, 256));      /* stand-by: published */
	assert_true(has_dk(d, n, tin, 256));      /* inactive: published */
	assert_false(has_dk(d, n, tdel, 256));    /* deleted: gone */
	assert_false(has_dk(d, n, tfut, 256));    /* not yet published */
	assert_false(has_dk(d, n, trev, 257));
	uint16_t rtag = 0;
	for (size_t i = 0; i < n; i++)
		if (d[i].flags == (257 | ZW_DNSKEY_REVOKE))
			rtag = d[i].tag;
	assert_int_not_equal(rtag, 0);            /* revoked: REVOKE set */
	/* DNSKEY: KSK, ZSK (no -x) and the revoked key */
	int c = sigs_over(out.z, zw_zone_node(out.z, 0), ZW_TYPE_DNSKEY, tags);
	assert_int_equal(c, 3);
	assert_true(has_tag(tags, c, tksk) && has_tag(tags, c, tzsk) &&
		    has_tag(tags, c, rtag));
	/* data: the active ZSK alone */
	c = sigs_over(out.z, zw_zone_node(out.z, 0), ZW_TYPE_SOA, tags);
	assert_int_equal(c, 1);
	assert_int_equal(tags[0], tzsk);
	c = sigs_over(out.z, node_of(out.z, "www.example."), ZW_TYPE_A, tags);
	assert_int_equal(c, 1);
	assert_int_equal(tags[0], tzsk);
	out_free(&out);
}

/* Without -S: the zone's DNSKEYs find their private keys in the key
 * directory; keys of the zone without a private half stay published. */
static void test_zone_dnskeys(void **state)
{
	const char *dir = subdir("zk");
	struct zw_sign_opts o = base_opts();
	char text[4096], path[700], keyline[2048];
	uint16_t ksk, zsk, tags[4];
	struct out out;
	struct dk d[8];

	(void)state;
	ksk = mk_key(dir, "example.", ZW_ALG_ED25519,
		     ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP, NULL);
	zsk = mk_key(dir, "example.", ZW_ALG_ED25519, ZW_DNSKEY_ZONE, NULL);
	snprintf(text, sizeof text, "%s", zone);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/Kexample.+015+%05u.key", dir,
			 i ? zsk : ksk);
		char *k = zw_test_read_file(path, NULL);
		char *line = k ? strstr(k, "example. ") : NULL;

		assert_non_null(line);
		snprintf(keyline, sizeof keyline, "%s", line);
		strcat(text, keyline);
		free(k);
	}
	/* the KSK's private file goes away: published, does not sign */
	snprintf(path, sizeof path, "%s/Kexample.+015+%05u.private", dir, ksk);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sign_zone(text, "example.", &o, dir, NULL, &out), 0);
	assert_int_equal(dnskeys(out.z, d), 2);
	assert_int_equal(sigs_over(out.z, node_of(out.z, "www.example."),
				   ZW_TYPE_A, tags), 1);
	assert_int_equal(tags[0], zsk);           /* the ZSK signs all */
	assert_int_equal(sigs_over(out.z, zw_zone_node(out.z, 0),
				   ZW_TYPE_DNSKEY, tags), 1);
	assert_int_equal(tags[0], zsk);
	assert_non_null(strstr(out.warn, "No self-signed KSK"));
	out_free(&out);
}

static void test_keyset_text(void **state)
{
	const char *dir = subdir("ks");
	struct zw_sign_opts o = base_opts();
	char path[600], text[8192], want[256], *ds, *dnskey;
	uint8_t owner[ZW_NAME_MAX], rd[ZW_DS_MAX];
	uint16_t ksk;
	struct zw_signer *s;
	int n;

	(void)state;
	ksk = mk_key(dir, "example.", ZW_ALG_ECDSAP256,
		     ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP, NULL);
	mk_key(dir, "example.", ZW_ALG_ECDSAP256, ZW_DNSKEY_ZONE, NULL);
	snprintf(path, sizeof path, "%s/z.db", subdir("ksz"));
	write_text(path, zone);
	o.smart = true;
	s = zw_signer_new(&o, NULL, NULL);
	assert_int_equal(zw_signer_load(s, path, wire("example.", owner)), 0);
	assert_int_equal(zw_signer_keys_from_dir(s, dir), 0);
	assert_int_equal(zw_signer_prepare(s), 0);
	n = zw_signer_keyset_text(s, true, text, sizeof text);
	assert_true(n > 0);
	ds = strdup(text);
	/* one DS (SHA-256) for the KSK only */
	snprintf(want, sizeof want, "example.\t\tIN DS %u 13 2 ", ksk);
	assert_true(!strncmp(ds, want, strlen(want)));
	assert_null(strstr(ds + 1, "example.\t"));       /* one line */
	n = zw_signer_keyset_text(s, false, text, sizeof text);
	assert_true(n > 0);
	dnskey = strdup(text);
	assert_non_null(strstr(dnskey, "\tIN\tDNSKEY\t257 3 13 "));
	assert_null(strstr(dnskey, "DNSKEY\t256"));
	/* the DS digest is the one crypto/ds computes */
	struct zw_sign_keyinfo ki;
	for (size_t i = 0; zw_signer_key_info(s, i, &ki); i++)
		if (ki.key->tag == ksk) {
			char hex[200];

			n = zw_ds_from_key(ki.key, ZW_DS_SHA256, rd, sizeof rd);
			assert_true(n == 36);
			assert_true(zw_rdata_to_str(ZW_TYPE_DS, rd, (size_t)n,
						    hex, sizeof hex) > 0);
			assert_non_null(strstr(ds, hex));
		}
	free(ds);
	free(dnskey);
	zw_signer_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smart_timing),
		cmocka_unit_test(test_zone_dnskeys),
		cmocka_unit_test(test_keyset_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
