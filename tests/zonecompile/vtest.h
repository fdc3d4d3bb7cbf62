/* Helpers for the verifier tests: a signed fixture zone as editable lines
 * (BIND's "full" format: one record per line, owner first), re-signing one
 * RRset with a fixture key so a test breaks exactly one thing, and running
 * the verifier with the messages captured. Included by test_verify*.c. */
#ifndef ZW_TESTS_VTEST_H
#define ZW_TESTS_VTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
#include "zonecompile/verify.h"

/* The fixtures' window is 20250101000000..20450101000000. */
#define T_NOW 1767225600      /* 2026-01-01 */
#define ZSK13 "Kexample.+013+50149"
#define KSK13 "Kexample.+013+44112"
#define ZSK15 "Kexample.+015+32551"
#define KSK15 "Kexample.+015+18055"

struct ztext {
	char **l;
	size_t n, cap;
};

struct vres {
	int rc;
	char msgs[65536];       /* "E text" / "W text" / "I text", each ended
				   by \x1e (a text may span lines) */
	unsigned errors, warnings;
	struct zw_verify_report r;
};

static const char *vt_data(const char *rel)
{
	static char path[4096];
	const char *root = getenv("ZW_ROOT");
	snprintf(path, sizeof path, "%s/tests/zonecompile/data/verify/%s",
		 root && *root ? root : ".", rel);
	return path;
}

static void zt_add(struct ztext *z, const char *line)
{
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 256;
		z->l = realloc(z->l, z->cap * sizeof *z->l);
		assert_non_null(z->l);
	}
	z->l[z->n++] = strdup(line);
}

static void zt_load(struct ztext *z, const char *fixture)
{
	char *text = zw_test_read_file(vt_data(fixture), NULL);
	assert_non_null(text);
	*z = (struct ztext){0};
	for (char *s = strtok(text, "\n"); s; s = strtok(NULL, "\n"))
		zt_add(z, s);
	free(text);
}

static void zt_free(struct ztext *z)
{
	for (size_t i = 0; i < z->n; i++)
		free(z->l[i]);
	free(z->l);
	*z = (struct ztext){0};
}

/* Field k (0-based, whitespace-separated) of a line into buf. */
static const char *zt_field(const char *line, int k, char *buf, size_t size)
{
	const char *p = line;
	for (int i = 0;; i++) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t");
		if (i == k) {
			snprintf(buf, size, "%.*s", (int)len, p);
			return buf;
		}
		if (!len)
			return "";
		p += len;
	}
}
#define FIELD(line, k) zt_field((line), (k), (char[512]){0}, 512)

/* Does line i hold owner/type (type "RRSIG:A" for RRSIGs over A)? */
static bool zt_is(const struct ztext *z, size_t i, const char *owner,
		  const char *type)
{
	const char *l = z->l[i];
	const char *colon = strchr(type, ':');
	if (strcasecmp(FIELD(l, 0), owner) != 0)
		return false;
	if (!colon)
		return strcasecmp(FIELD(l, 3), type) == 0;
	return strncasecmp(FIELD(l, 3), type, (size_t)(colon - type)) == 0 &&
	       strlen(FIELD(l, 3)) == (size_t)(colon - type) &&
	       strcasecmp(FIELD(l, 4), colon + 1) == 0;
}

static long zt_find(const struct ztext *z, const char *owner,
		    const char *type)
{
	for (size_t i = 0; i < z->n; i++)
		if (zt_is(z, i, owner, type))
			return (long)i;
	return -1;
}

/* Remove every line of owner/type; returns how many. */
static int zt_del(struct ztext *z, const char *owner, const char *type)
{
	int n = 0;
	for (size_t i = 0; i < z->n;) {
		if (!zt_is(z, i, owner, type)) {
			i++;
			continue;
		}
		free(z->l[i]);
		memmove(&z->l[i], &z->l[i + 1], (z->n - i - 1) * sizeof *z->l);
		z->n--;
		n++;
	}
	return n;
}

static void zt_set(struct ztext *z, long i, const char *line)
{
	assert_true(i >= 0 && (size_t)i < z->n);
	free(z->l[i]);
	z->l[i] = strdup(line);
}

static char *zt_join(const struct ztext *z)
{
	size_t len = 1;
	for (size_t i = 0; i < z->n; i++)
		len += strlen(z->l[i]) + 1;
	char *t = malloc(len), *p = t;
	for (size_t i = 0; i < z->n; i++)
		p += sprintf(p, "%s\n", z->l[i]);
	*p = '\0';
	return t;
}

static struct zw_key *vt_key(const char *name)
{
	int err = 0;
	char msg[ZW_KF_MSG];
	struct zw_keyfile *kf = zw_keyfile_load(vt_data("keys"), name, 0, &err,
						msg, sizeof msg);
	if (!kf)
		fail_msg("%s: %s", name, msg);
	struct zw_key *k = kf->key;
	kf->key = NULL;
	zw_keyfile_free(kf);
	return k;
}

/* Replace the RRSIG(s) over owner/type made by key k with a fresh one for
 * [inc, exp] over the RRset as the lines now hold it. */
static void zt_resign_key(struct ztext *z, const char *owner,
			  const char *type, const struct zw_key *k,
			  uint32_t inc, uint32_t exp)
{
	struct ztext one = {0};
	for (size_t i = 0; i < z->n; i++)
		if (zt_is(z, i, owner, type))
			zt_add(&one, z->l[i]);
	char *text = zt_join(&one);
	static const uint8_t root[1] = {0};
	struct zw_zonefile_opts zo = {root, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, strlen(text), "rs",
						     &zo);
	struct zw_rdata_ref rr[64];
	uint8_t store[64][512], own[ZW_NAME_MAX];
	struct zw_rrset_ref ref = {own, 0, ZW_CLASS_IN, 0, rr, 0};
	struct zw_rec rec;
	while (zw_zonefile_next(zf, &rec) > 0 && ref.count < 64) {
		zw_name_copy(own, rec.owner);
		ref.type = rec.type;
		ref.ttl = rec.ttl;
		size_t k = ref.count++;
		memcpy(store[k], rec.rdata, rec.rdlen);
		rr[k] = (struct zw_rdata_ref){store[k], rec.rdlen};
	}
	zw_zonefile_free(zf);
	free(text);
	zt_free(&one);
	assert_true(ref.count > 0);
	uint8_t sig[ZW_RRSIG_MAX];
	int len = zw_rrsig_sign(k, &ref, inc, exp, sig, sizeof sig);
	assert_true(len > 0);
	char rdtext[2048], line[2300], rrsig_type[64];
	assert_true(zw_rdata_to_str(ZW_TYPE_RRSIG, sig, (size_t)len, rdtext,
				    sizeof rdtext) > 0);
	snprintf(rrsig_type, sizeof rrsig_type, "RRSIG:%s", type);
	for (size_t i = 0; i < z->n;) {
		if (zt_is(z, i, owner, rrsig_type) &&
		    atoi(FIELD(z->l[i], 10)) == k->tag) {
			free(z->l[i]);
			memmove(&z->l[i], &z->l[i + 1],
				(z->n - i - 1) * sizeof *z->l);
			z->n--;
		} else {
			i++;
		}
	}
	snprintf(line, sizeof line, "%s %u IN RRSIG %s", owner, ref.ttl,
		 rdtext);
	zt_add(z, line);
}

static void zt_resign(struct ztext *z, const char *owner, const char *type,
		      const char *keyname, uint32_t inc, uint32_t exp)
{
	struct zw_key *k = vt_key(keyname);
	zt_resign_key(z, owner, type, k, inc, exp);
	zw_key_free(k);
}

static void vt_msg(void *ctx, enum zw_verify_level lvl, const char *text)
{
	struct vres *r = ctx;
	size_t len = strlen(r->msgs);
	snprintf(r->msgs + len, sizeof r->msgs - len, "%c %s\x1e",
		 "EWI"[lvl], text);
	r->errors += lvl == ZW_VERIFY_ERROR;
	r->warnings += lvl == ZW_VERIFY_WARN;
}

/* Verify zone text; the options' callback and clock are filled in when
 * unset. */
static void vt_verify_text(const char *text, struct zw_verify_opts *o,
			   struct vres *res)
{
	memset(res, 0, sizeof *res);
	uint8_t origin[ZW_NAME_MAX];
	zw_name_from_str(origin, "example.", 8, NULL);
	struct zw_zonefile_opts zo = {origin, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(text, strlen(text), "t",
						     &zo);
	struct zw_zone *zone = zw_zone_new(origin);
	struct zw_rec rec;
	int r;
	while ((r = zw_zonefile_next(zf, &rec)) > 0)
		assert_int_equal(zw_zone_add(zone, &rec), 0);
	if (r < 0)
		fail_msg("%s", zw_zonefile_error(zf));
	assert_int_equal(zw_zone_finish(zone), 0);
	zw_zonefile_free(zf);
	if (!o->now)
		o->now = T_NOW;
	if (!o->msg) {
		o->msg = vt_msg;
		o->msg_ctx = res;
	}
	res->rc = zw_verify_zone(zone, o, &res->r);
	zw_zone_free(zone);
}

static void vt_verify(const struct ztext *z, struct zw_verify_opts *o,
		      struct vres *res)
{
	char *text = zt_join(z);
	vt_verify_text(text, o, res);
	free(text);
}

/* Exactly these error lines (in order, "\n"-separated) and nothing else
 * at error level. */
static void vt_expect_errors(const struct vres *r, const char *want)
{
	char got[65536] = "";
	for (const char *p = r->msgs; *p;) {
		const char *end = strchr(p, '\x1e');
		if (p[0] == 'E') {
			strncat(got, p + 2, (size_t)(end - p - 2));
			strcat(got, "\n");
		}
		p = end + 1;
	}
	if (strcmp(got, want) != 0)
		fail_msg("errors differ\n--- want\n%s--- got\n%s--- all\n%s",
			 want, got, r->msgs);
	assert_int_equal(r->rc, want[0] ? ZW_EBADSIG : 0);
	assert_int_equal(r->r.ok, !want[0]);
}

#endif
