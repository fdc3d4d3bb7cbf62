/* Helpers for the signer's unit tests: key files in a scratch directory,
 * signing zone text through the library into memory, reading the signed
 * text back as a zone and checking its signatures. Pinned clock. */
#ifndef ZW_TESTS_SIGNTEST_H
#define ZW_TESTS_SIGNTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/keyfile.h"
#include "crypto/rrsig.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "tests/util/testutil.h"
#include "zonecompile/sign.h"

#define T_NOW 1700000000        /* 2023-11-14 22:13:20 UTC */
#define T_DAY 86400

struct out {
	char *text;
	size_t len, cap;
	char warn[8192];
	struct zw_sign_stats st;
	struct zw_zone *z;
};

static inline int out_write(void *ctx, const void *buf, size_t len)
{
	struct out *o = ctx;

	if (o->len + len + 1 > o->cap) {
		o->cap = (o->len + len + 1) * 2;
		o->text = realloc(o->text, o->cap);
		assert_non_null(o->text);
	}
	memcpy(o->text + o->len, buf, len);
	o->len += len;
	o->text[o->len] = 0;
	return 0;
}

static inline void out_warn(void *ctx, const char *msg)
{
	struct out *o = ctx;
	size_t n = strlen(o->warn);

	snprintf(o->warn + n, sizeof o->warn - n, "%s\n", msg);
}

static inline void out_free(struct out *o)
{
	free(o->text);
	zw_zone_free(o->z);
	memset(o, 0, sizeof *o);
}

static inline const uint8_t *wire(const char *s, uint8_t *buf)
{
	assert_true(zw_name_from_str(buf, s, strlen(s), (const uint8_t *)"") >
		    0);
	return buf;
}

/* A fresh scratch directory per call (the path stays valid for the next
 * 15 calls). */
static inline const char *subdir(const char *name)
{
	static char paths[16][512];
	static unsigned next;
	char *path = paths[next++ % 16];
	char cmd[1200];

	snprintf(path, 512, "%s/%s", zw_test_tmpdir(), name);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", path, path);
	assert_int_equal(system(cmd), 0);
	return path;
}

static inline void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* New key pair in dir with the given times (0: unset); returns its tag. */
static inline uint16_t mk_key(const char *dir, const char *owner, uint8_t alg,
		       uint16_t flags, const int64_t *times)
{
	uint8_t o[ZW_NAME_MAX];
	char msg[ZW_KF_MSG];
	int err = 0;
	struct zw_key *k = zw_key_generate(wire(owner, o), alg, 0, flags,
					   &err);
	struct zw_keyfile *kf;
	uint16_t tag;

	assert_non_null(k);
	kf = zw_keyfile_new(k, &err);
	assert_non_null(kf);
	for (int i = 0; times && i < ZW_KT_COUNT; i++)
		if (times[i])
			zw_keyfile_set_time(kf, i, times[i]);
	tag = kf->key->tag;
	assert_int_equal(zw_keyfile_save(kf, dir, msg, sizeof msg), 0);
	zw_keyfile_free(kf);
	return tag;
}

/* A KSK and a ZSK for example. (ECDSAP256) in dir, their key file
 * bases ("Kexample.+013+<tag>") in kb; keys[0..1] point at them and
 * keys[2] is NULL (zw_sign_zone's key list). Returns the KSK's tag and
 * puts the ZSK's in *zsk when asked. */
static inline uint16_t mk_example_keys(const char *dir, char kb[2][64],
				       const char *keys[3], uint16_t *zsk)
{
	uint16_t k = mk_key(dir, "example.", ZW_ALG_ECDSAP256,
			    ZW_DNSKEY_ZONE | ZW_DNSKEY_SEP, NULL);
	uint16_t z = mk_key(dir, "example.", ZW_ALG_ECDSAP256,
			    ZW_DNSKEY_ZONE, NULL);

	snprintf(kb[0], 64, "Kexample.+013+%05u", k);
	snprintf(kb[1], 64, "Kexample.+013+%05u", z);
	keys[0] = kb[0];
	keys[1] = kb[1];
	keys[2] = NULL;
	if (zsk)
		*zsk = z;
	return k;
}

static inline struct zw_sign_opts base_opts(void)
{
	struct zw_sign_opts o = { 0 };

	o.now = T_NOW;
	o.inception = T_NOW - 3600;
	o.expiration = T_NOW + 30 * T_DAY;
	o.refresh = 7 * T_DAY;
	o.threads = 2;
	return o;
}

/* Read signed text back as a zone (everything kept). */
static inline struct zw_zone *read_zone(const char *text, size_t len,
				 const char *origin)
{
	uint8_t o[ZW_NAME_MAX];
	struct zw_zonefile_opts zo = { wire(origin, o), NULL, NULL };
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, len, "out", &zo);
	struct zw_zone *z = zw_zone_new(o);
	struct zw_rec r;
	int rc;

	assert_non_null(zf);
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		assert_int_equal(zw_zone_add(z, &r), 0);
	if (rc < 0)
		fail_msg("%s", zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	assert_int_equal(zw_zone_finish(z), 0);
	return z;
}

/* Sign zone text with keys from `keydir` (smart) or the named ones.
 * Returns the status; the output zone is read back on success. */
static inline int sign_zone(const char *zonetext, const char *origin,
		     const struct zw_sign_opts *opts, const char *keydir,
		     const char *const *keys, struct out *out)
{
	char path[600];
	uint8_t o[ZW_NAME_MAX];
	struct zw_signer *s;
	int rc;

	snprintf(path, sizeof path, "%s/zone.db", subdir("zone"));
	write_text(path, zonetext);
	memset(out, 0, sizeof *out);
	s = zw_signer_new(opts, out_warn, out);
	assert_non_null(s);
	/* named and directory keys first, as zw-signzone does (nonces are
	 * then made while the zone parses) */
	rc = zw_signer_set_origin(s, wire(origin, o));
	for (int i = 0; rc == 0 && keys && keys[i]; i++)
		rc = zw_signer_key_file(s, keydir, keys[i]);
	if (rc == 0 && opts->smart)
		rc = zw_signer_keys_from_dir(s, keydir);
	if (rc == 0)
		rc = zw_signer_load(s, path, NULL);
	if (rc == 0)
		rc = zw_signer_zone_keys(s, keydir);
	if (rc == 0)
		rc = zw_signer_prepare(s);
	if (rc == 0)
		rc = zw_signer_write(s, out_write, out);
	if (rc < 0) {
		snprintf(out->warn + strlen(out->warn),
			 sizeof out->warn - strlen(out->warn), "error: %s\n",
			 zw_signer_error(s));
		fprintf(stderr, "(sign_zone: %s)\n", zw_signer_error(s));
	}
	else
		out->st = *zw_signer_stats(s);
	zw_signer_free(s);
	if (rc == 0)
		out->z = read_zone(out->text, out->len, origin);
	return rc;
}

/* The apex DNSKEY with this tag as a key, or NULL. */
static inline struct zw_key *apex_key(const struct zw_zone *z, uint16_t tag)
{
	const struct zw_node *apex = zw_zone_node(z, 0);
	struct zw_rrset rs;
	const uint8_t *p;

	if (!zw_node_rrset(apex, ZW_TYPE_DNSKEY, 0, &rs))
		return NULL;
	p = rs.rdata;
	for (uint32_t i = 0; i < rs.count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);

		if (zw_keytag(rd, len) == tag)
			return zw_key_from_dnskey(zw_node_name(apex), rd, len,
						  NULL);
	}
	return NULL;
}

/* Number of RRSIGs over (owner, type); every one must verify at T_NOW
 * with the apex DNSKEY it names. Tags of the signers go to tags[]. */
static inline int sigs_over(const struct zw_zone *z, const struct zw_node *n,
		     uint16_t type, uint16_t *tags)
{
	struct zw_rrset rs, sig;
	struct zw_rdata_ref rr[64];
	struct zw_rrset_ref ref;
	const uint8_t *p;

	if (!zw_node_rrset(n, ZW_TYPE_RRSIG, type, &sig))
		return 0;
	assert_true(zw_node_rrset(n, type, 0, &rs));
	assert_true(rs.count <= 64);
	p = rs.rdata;
	for (uint32_t i = 0; i < rs.count; i++)
		rr[i].data = zw_rr_next(&p, &rr[i].len);
	ref = (struct zw_rrset_ref){ zw_node_name(n), type, 1, rs.ttl, rr,
				     rs.count };
	p = sig.rdata;
	for (uint32_t i = 0; i < sig.count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		struct zw_rrsig s;
		struct zw_key *k;
		const char *why = NULL;

		assert_int_equal(zw_rrsig_parse(rd, len, &s), 0);
		k = apex_key(z, s.key_tag);
		assert_non_null(k);
		if (zw_rrsig_verify(k, &ref, rd, len, T_NOW, &why) != 0)
			fail_msg("RRSIG %u over type %u: %s", s.key_tag, type,
				 why);
		if (tags)
			tags[i] = s.key_tag;
		zw_key_free(k);
	}
	return (int)sig.count;
}

static inline const struct zw_node *node_of(const struct zw_zone *z, const char *n)
{
	uint8_t w[ZW_NAME_MAX];
	long i = zw_zone_find(z, wire(n, w));

	return i < 0 ? NULL : zw_zone_node(z, (size_t)i);
}

/* Rdata of the single RR of (name, type) as text. */
static inline const char *rr_text(const struct zw_zone *z, const char *name,
			   uint16_t type)
{
	static char buf[4096];
	const struct zw_node *n = node_of(z, name);
	struct zw_rrset rs;
	const uint8_t *p;
	uint16_t len;
	const uint8_t *rd;

	if (!n || !zw_node_rrset(n, type, 0, &rs))
		return NULL;
	p = rs.rdata;
	rd = zw_rr_next(&p, &len);
	assert_true(zw_rdata_to_str(type, rd, len, buf, sizeof buf) >= 0);
	return buf;
}

#endif
