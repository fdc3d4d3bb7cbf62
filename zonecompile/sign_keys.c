/* Keys: loading from K-files and key directories, what their timing
 * metadata says (smart signing), roles per algorithm, the DNSKEY RRset and
 * the dsset-/keyset- text. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ds.h"
#include "crypto/keyfile.h"
#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "hsm/hsm.h"
#include "zonecompile/sign_int.h"

void sign_keys_free(struct zw_signer *s)
{
	for (size_t i = 0; i < s->nkeys; i++) {
		zw_key_free(s->keys[i].key);
		free(s->keys[i].file);
	}
	s->nkeys = 0;
}

/* Same key material and algorithm (flags may differ, e.g. REVOKE). */
static bool same_key(const struct zw_key *a, const struct zw_key *b)
{
	return a->alg == b->alg && a->publen == b->publen &&
	       !memcmp(a->pub, b->pub, a->publen);
}

static struct sign_key *find_key(struct zw_signer *s, const struct zw_key *k)
{
	for (size_t i = 0; i < s->nkeys; i++)
		if (same_key(s->keys[i].key, k))
			return &s->keys[i];
	return NULL;
}

/* RFC 5011 / BIND's get_hints: what the key's dates say at `now`. Keys
 * with no dates at all are published and active. */
static void apply_timing(struct sign_key *k, int64_t now)
{
	const int64_t *t = k->key->times;
	int64_t pub = t[ZW_KT_PUBLISH], act = t[ZW_KT_ACTIVATE];
	int64_t ina = t[ZW_KT_INACTIVE], del = t[ZW_KT_DELETE];
	int64_t rev = t[ZW_KT_REVOKE];

	if (!pub && !act && !ina && !del && !rev) {
		k->publish = k->active = true;
		return;
	}
	k->publish = (pub && pub <= now) || (act && !pub);
	k->active = act && act <= now;
	if (k->active && (!pub || pub <= now))
		k->publish = true;
	if (ina && ina <= now)
		k->active = false;
	if (rev && rev <= now) {
		k->publish = k->active = true;
		k->revoked = true;
	}
	if (del && del <= now)
		k->publish = k->active = false;
	if (!k->publish)
		k->active = false;      /* never sign with a key nobody sees */
}

static int add_key(struct zw_signer *s, struct zw_keyfile *kf,
		   const char *file, bool explicit_)
{
	struct sign_key *k;

	if (!zw_name_equal(kf->key->owner, s->origin)) {
		char on[ZW_NAME_STR_MAX], zn[ZW_NAME_STR_MAX];

		zw_name_to_str(kf->key->owner, on, sizeof on);
		zw_name_to_str(s->origin, zn, sizeof zn);
		return sign_fail(s, ZW_EKEY, "%s: key is for zone %s, not %s",
				 file, on, zn);
	}
	if (find_key(s, kf->key))
		return 0;       /* named twice, or also found in the directory */
	if (s->nkeys == SIGN_MAX_KEYS)
		return sign_fail(s, ZW_ERANGE, "%s: more than %d keys", file,
				 SIGN_MAX_KEYS);
	k = &s->keys[s->nkeys];
	memset(k, 0, sizeof *k);
	if (!(k->file = strdup(file)))
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	k->key = kf->key;
	kf->key = NULL;
	k->explicit_ = explicit_;
	if (explicit_ || !s->o.smart)
		k->publish = k->active = true;
	else
		apply_timing(k, s->o.now);
	if (k->key->flags & ZW_DNSKEY_REVOKE)
		k->revoked = true;
	if (k->revoked && !(k->key->flags & ZW_DNSKEY_REVOKE))
		zw_key_set_flags(k->key, k->key->flags | ZW_DNSKEY_REVOKE);
	s->nkeys++;
	return 0;
}

int zw_signer_key_file(struct zw_signer *s, const char *dir,
		       const char *name)
{
	char msg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	int err = 0, rc;

	if (!s->origin_set)
		return sign_fail(s, ZW_ENOSOA, "no zone name for the keys");
	kf = zw_hsm_keyfile_load(dir, name, 0, s->o.engine, &err, msg,
				 sizeof msg);
	if (!kf)
		return sign_fail(s, err, "%s", msg);
	if (!kf->key->has_private) {
		zw_keyfile_free(kf);
		return sign_fail(s, ZW_EKEY, "%s: no private key", name);
	}
	rc = add_key(s, kf, name, true);
	zw_keyfile_free(kf);
	return rc;
}

/* A key found in a directory: with its private half when there is one,
 * else public only (published, never signs). */
static int load_found(struct zw_signer *s, const char *dir, const char *base)
{
	char msg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	int err = 0, rc;

	kf = zw_hsm_keyfile_load(dir, base, 0, s->o.engine, &err, msg,
				 sizeof msg);
	if (!kf && err == -ENOENT)
		kf = zw_keyfile_load(dir, base, ZW_KF_PUBLIC, &err, msg,
				     sizeof msg);
	if (!kf)
		return sign_fail(s, err, "%s", msg);
	rc = add_key(s, kf, base, false);
	zw_keyfile_free(kf);
	return rc;
}

/* "Kexample.+" : the part of BIND's base name before algorithm and tag. */
static int key_prefix(const uint8_t *origin, char *buf, size_t size)
{
	int n = zw_keyfile_basename(origin, 1, 0, buf, size);

	if (n < 11)
		return ZW_ENOSPC;
	buf[n - 10] = 0;        /* drop "001+00000" after the '+' */
	return n - 10;
}

static bool is_key_name(const char *name, const char *prefix, size_t plen)
{
	size_t n = strlen(name);

	return n > plen + 4 && !strncmp(name, prefix, plen) &&
	       !strcmp(name + n - 4, ".key");
}

int zw_signer_keys_from_dir(struct zw_signer *s, const char *dir)
{
	char prefix[ZW_NAME_STR_MAX * 3 + 16], base[1024];
	struct dirent *de;
	DIR *d;
	int plen, rc = 0;

	if (!s->origin_set)
		return sign_fail(s, ZW_ENOSOA, "no zone name for the keys");
	if ((plen = key_prefix(s->origin, prefix, sizeof prefix)) < 0)
		return sign_fail(s, plen, "zone name too long");
	if (!(d = opendir(dir && *dir ? dir : ".")))
		return sign_fail(s, -errno, "%s: %s", dir ? dir : ".",
				 strerror(errno));
	while (rc == 0 && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (!is_key_name(de->d_name, prefix, (size_t)plen) ||
		    n - 4 >= sizeof base)
			continue;
		memcpy(base, de->d_name, n - 4);
		base[n - 4] = 0;
		rc = load_found(s, dir, base);
	}
	closedir(d);
	return rc;
}

int zw_signer_zone_keys(struct zw_signer *s, const char *dir)
{
	const uint8_t *p = s->zone_dnskey.rdata;
	char base[1024], path[1200], msg[ZW_KF_MSG];

	for (uint32_t i = 0; i < s->zone_dnskey.count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		struct zw_keyfile *kf;
		int err = 0, rc;

		if (len < 4 || zw_keyfile_basename(s->origin, rd[3],
						   zw_keytag(rd, len), base,
						   sizeof base) < 0)
			continue;
		snprintf(path, sizeof path, "%s", base);
		kf = zw_hsm_keyfile_load(dir, path, 0, s->o.engine, &err, msg,
					 sizeof msg);
		if (!kf && err == -ENOENT)
			continue;       /* no key files for this DNSKEY */
		if (!kf)                /* e.g. a token that refuses the PIN */
			return sign_fail(s, err, "%s", msg);
		rc = kf->key->has_private ? add_key(s, kf, base, false) : 0;
		zw_keyfile_free(kf);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- roles ---- */

static bool can_sign(const struct sign_key *k)
{
	return k->active && k->key->has_private;
}

/* Per algorithm: whether it has an active non-revoked KSK / ZSK. */
static void alg_roles(const struct zw_signer *s, uint8_t alg, bool *ksk,
		      bool *zsk)
{
	*ksk = *zsk = false;
	for (size_t i = 0; i < s->nkeys; i++) {
		const struct sign_key *k = &s->keys[i];

		if (k->key->alg != alg || !can_sign(k) || k->revoked)
			continue;
		if ((k->key->flags & ZW_DNSKEY_SEP) && !s->o.ignore_ksk)
			*ksk = true;
		else
			*zsk = true;
	}
}

/* BIND's rules: a KSK alone is refused (it would sign everything with the
 * key meant for the parent); a ZSK alone signs the DNSKEY RRset too, with
 * a warning (the post-signing check then fails unless -z or -P). */
static int check_roles(struct zw_signer *s, uint8_t alg, bool ksk, bool zsk)
{
	const char *an = zw_alg_name(alg) ? zw_alg_name(alg) : "?";

	if (ksk && !zsk)
		return sign_fail(s, ZW_EKEY, "No non-KSK DNSKEY found for "
				 "algorithm %s; supply a ZSK or use '-z'", an);
	if (zsk && !ksk)
		sign_warn(s, "No self-signed KSK DNSKEY found for algorithm "
			  "%s; supply a KSK or use '-z'", an);
	return 0;
}

static int key_role(struct zw_signer *s, struct sign_key *k, bool *checked)
{
	bool ksk, zsk;

	if (!can_sign(k))
		return 0;
	alg_roles(s, k->key->alg, &ksk, &zsk);
	if (!checked[k->key->alg] && !s->o.ignore_ksk) {
		checked[k->key->alg] = true;
		if (check_roles(s, k->key->alg, ksk, zsk) < 0)
			return ZW_EKEY;
	}
	k->signs_data = !k->revoked && (!k->ksk || !zsk);
	k->signs_keys = k->revoked || k->ksk || !ksk || !s->o.ksk_only;
	return 0;
}

int sign_keys_roles(struct zw_signer *s)
{
	bool checked[256] = { false };

	for (size_t i = 0; i < s->nkeys; i++)
		s->keys[i].ksk = (s->keys[i].key->flags & ZW_DNSKEY_SEP) &&
				 !s->o.ignore_ksk;
	s->ndata = s->nset = 0;
	for (size_t i = 0; i < s->nkeys; i++) {
		struct sign_key *k = &s->keys[i];

		if (key_role(s, k, checked) < 0)
			return ZW_EKEY;
		if (k->signs_data)
			s->data_keys[s->ndata++] = k->key;
		if (k->signs_keys)
			s->set_keys[s->nset++] = k->key;
	}
	if (!s->ndata) {
		char zn[ZW_NAME_STR_MAX];

		zw_name_to_str(s->origin, zn, sizeof zn);
		return sign_fail(s, ZW_EKEY, "no active key with a private "
				 "half for zone %s: name key files, or use -S "
				 "with -K <key directory>", zn);
	}
	return 0;
}

/* Before roles are settled (while the zone loads): the active keys that
 * will sign data if the zone's own DNSKEYs change nothing. */
size_t sign_keys_likely_data(const struct zw_signer *s,
			     const struct zw_key **out)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nkeys; i++) {
		const struct sign_key *k = &s->keys[i];
		bool ksk, zsk, sep = k->key->flags & ZW_DNSKEY_SEP;

		if (!can_sign(k) || k->revoked)
			continue;
		alg_roles(s, k->key->alg, &ksk, &zsk);
		if (s->o.ignore_ksk || !sep || !zsk)
			out[n++] = k->key;
	}
	return n;
}

/* ---- the DNSKEY RRset ---- */

static uint32_t dnskey_ttl(struct zw_signer *s)
{
	uint32_t ttl = 0;
	bool have = false;

	if (s->zone_dnskey.count)
		return s->zone_dnskey.ttl;
	for (size_t i = 0; i < s->nkeys; i++)
		if (s->keys[i].publish && s->keys[i].key->ttl &&
		    (!have || s->keys[i].key->ttl < ttl)) {
			ttl = s->keys[i].key->ttl;
			have = true;
		}
	if (have)
		return ttl;
	return s->o.dnskey_ttl_set ? s->o.dnskey_ttl : s->soa.ttl;
}

/* The zone's DNSKEYs that none of our keys stands for, then our published
 * keys (a revoked key replaces its unrevoked record; a deleted one goes). */
int sign_keys_dnskey(struct zw_signer *s)
{
	const uint8_t *p = s->zone_dnskey.rdata;
	uint8_t rd[ZW_KEY_PUB_MAX + 8];
	int rc = 0;

	s->dnskey.type = ZW_TYPE_DNSKEY;
	for (uint32_t i = 0; i < s->zone_dnskey.count && rc == 0; i++) {
		uint16_t len;
		const uint8_t *r = zw_rr_next(&p, &len);
		bool ours = false;

		for (size_t j = 0; j < s->nkeys && !ours; j++)
			ours = zw_key_match_dnskey(s->keys[j].key, r, len) == 0;
		if (!ours)
			rc = sign_set_add(&s->dnskey, r, len);
	}
	for (size_t j = 0; j < s->nkeys && rc == 0; j++) {
		int n;

		if (!s->keys[j].publish)
			continue;
		n = zw_key_dnskey_rdata(s->keys[j].key, rd, sizeof rd);
		rc = n < 0 ? n : sign_set_add(&s->dnskey, rd, (size_t)n);
	}
	if (rc < 0)
		return sign_fail(s, rc, "DNSKEY RRset: %s", zw_strerror(rc));
	s->dnskey.ttl = dnskey_ttl(s);
	return 0;
}

/* ---- CDS / CDNSKEY (RFC 7344) ---- */

/* Smart signing publishes CDS (SHA-256) and CDNSKEY for the KSKs whose
 * SyncPublish time has come and SyncDelete has not, as dnssec-signzone
 * does; records of the zone for our other keys go. */
static bool sync_on(const struct zw_signer *s, const struct sign_key *k)
{
	int64_t pub = k->key->times[ZW_KT_SYNCPUBLISH];
	int64_t del = k->key->times[ZW_KT_SYNCDELETE];

	return k->publish && !k->revoked && (k->key->flags & ZW_DNSKEY_SEP) &&
	       pub && pub <= s->o.now && (!del || del > s->o.now);
}

static bool ours_cds(const struct zw_signer *s, const uint8_t *rd,
		     uint16_t len, bool cdnskey)
{
	uint8_t dk[ZW_KEY_PUB_MAX + 8];

	for (size_t j = 0; j < s->nkeys; j++) {
		int n = zw_key_dnskey_rdata(s->keys[j].key, dk, sizeof dk);

		if (cdnskey ? zw_key_match_dnskey(s->keys[j].key, rd, len) == 0
			    : n > 0 && zw_ds_match(rd, len, s->origin, dk,
						   (size_t)n) == 0)
			return true;
	}
	return false;
}

static int keep_zone_sync(struct zw_signer *s, const struct sign_set *from,
			  struct sign_set *to)
{
	const uint8_t *p = from->rdata;
	int rc = 0;

	to->type = from->type;
	to->ttl = from->ttl;
	for (uint32_t i = 0; i < from->count && rc == 0; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);

		if (!s->o.smart ||
		    !ours_cds(s, rd, len, from->type == ZW_TYPE_CDNSKEY))
			rc = sign_set_add(to, rd, len);
	}
	return rc;
}

int sign_keys_sync(struct zw_signer *s)
{
	uint8_t rd[ZW_KEY_PUB_MAX + 8];
	int rc = keep_zone_sync(s, &s->zone_cds, &s->cds);

	if (rc == 0)
		rc = keep_zone_sync(s, &s->zone_cdnskey, &s->cdnskey);
	for (size_t i = 0; s->o.smart && i < s->nkeys && rc >= 0; i++) {
		if (!sync_on(s, &s->keys[i]))
			continue;
		rc = zw_cds_from_key(s->keys[i].key, ZW_DS_SHA256, rd,
				     sizeof rd);
		if (rc > 0)
			rc = sign_set_add(&s->cds, rd, (size_t)rc);
		if (rc >= 0)
			rc = zw_cdnskey_from_key(s->keys[i].key, rd, sizeof rd);
		if (rc > 0)
			rc = sign_set_add(&s->cdnskey, rd, (size_t)rc);
	}
	if (!s->zone_cds.count)
		s->cds.ttl = s->dnskey.ttl;
	if (!s->zone_cdnskey.count)
		s->cdnskey.ttl = s->dnskey.ttl;
	return rc < 0 ? sign_fail(s, rc, "CDS/CDNSKEY: %s", zw_strerror(rc))
		      : 0;
}

/* ---- dsset- / keyset- ---- */

static bool in_keyset(const struct sign_key *k, bool any_ksk)
{
	return k->publish && !k->revoked &&
	       (!any_ksk || (k->key->flags & ZW_DNSKEY_SEP));
}

int zw_signer_keyset_text(const struct zw_signer *s, bool dsset, char *buf,
			  size_t bufsize)
{
	struct sign_set set = { .type = dsset ? ZW_TYPE_DS : ZW_TYPE_DNSKEY };
	uint8_t rd[ZW_KEY_PUB_MAX + 8];
	bool any_ksk = false;
	int rc = 0;

	for (size_t i = 0; i < s->nkeys; i++)
		if (s->keys[i].publish && !s->keys[i].revoked &&
		    (s->keys[i].key->flags & ZW_DNSKEY_SEP))
			any_ksk = true;
	for (size_t i = 0; i < s->nkeys && rc >= 0; i++) {
		if (!in_keyset(&s->keys[i], any_ksk))
			continue;
		rc = dsset ? zw_ds_from_key(s->keys[i].key, ZW_DS_SHA256, rd,
					    sizeof rd)
			   : zw_key_dnskey_rdata(s->keys[i].key, rd, sizeof rd);
		if (rc >= 0)
			rc = sign_set_add(&set, rd, (size_t)rc);
	}
	set.ttl = s->dnskey.ttl;
	if (rc >= 0)
		rc = sign_text_rrset_str(&set, s->origin, buf, bufsize);
	sign_set_free(&set);
	return rc;
}

bool zw_signer_key_info(const struct zw_signer *s, size_t i,
			struct zw_sign_keyinfo *out)
{
	const struct sign_key *k;

	if (i >= s->nkeys)
		return false;
	k = &s->keys[i];
	out->key = k->key;
	out->file = k->file;
	out->published = k->publish;
	out->signs_data = k->signs_data;
	out->signs_keys = k->signs_keys;
	out->revoked = k->revoked;
	out->ksk = k->ksk;
	return true;
}
