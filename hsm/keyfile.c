/* K-files of token keys: a .private with Engine and Label as BIND writes
 * them (base64 of the NUL-terminated strings; RSA keys also Modulus and
 * PublicExponent, which BIND's reader requires beside an Engine), and
 * loading that attaches the token's key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/base.h"
#include "dns/err.h"
#include "hsm/hsm_int.h"

#define MATERIAL_MAX 8192

static bool is_rsa(uint8_t alg)
{
	return alg == ZW_ALG_RSASHA1 || alg == ZW_ALG_RSASHA1_NSEC3 ||
	       alg == ZW_ALG_RSASHA256 || alg == ZW_ALG_RSASHA512;
}

/* "Name: base64\n" appended at *p; false when it does not fit. */
static bool line(char *buf, size_t *p, const char *name, const uint8_t *data,
		 size_t len)
{
	int n = snprintf(buf + *p, MATERIAL_MAX - *p, "%s: ", name);
	int w;

	if (n < 0 || (size_t)n >= MATERIAL_MAX - *p)
		return false;
	*p += (size_t)n;
	w = zw_b64_encode(data, len, buf + *p, MATERIAL_MAX - *p - 1);
	if (w < 0 || (size_t)w + 2 > MATERIAL_MAX - *p)
		return false;
	*p += (size_t)w;
	buf[(*p)++] = '\n';
	buf[*p] = 0;
	return true;
}

/* Modulus and PublicExponent from the RFC 3110 public key field. */
static bool rsa_lines(const struct zw_key *key, char *buf, size_t *p)
{
	const uint8_t *k = key->pub;
	size_t off = 1, el;

	if (key->publen < 3)
		return false;
	el = k[0];
	if (el == 0) {
		el = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (el == 0 || off + el >= key->publen)
		return false;
	return line(buf, p, "Modulus", k + off + el,
		    key->publen - off - el) &&
	       line(buf, p, "PublicExponent", k + off, el);
}

static char *material(const struct zw_key *key)
{
	char *buf = malloc(MATERIAL_MAX);
	size_t p = 0;
	bool ok = buf != NULL;

	if (ok)
		buf[0] = 0;
	if (ok && is_rsa(key->alg))
		ok = rsa_lines(key, buf, &p);
	/* strlen + 1: BIND writes the terminating NUL too. */
	ok = ok && line(buf, &p, "Engine", (const uint8_t *)key->engine,
			strlen(key->engine) + 1) &&
	     line(buf, &p, "Label", (const uint8_t *)key->label,
		  strlen(key->label) + 1);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct zw_keyfile *zw_hsm_keyfile_new(struct zw_key *key, int *err)
{
	struct zw_keyfile *kf;
	bool had = key->has_private;

	if (!key->engine || !key->label) {
		zw_key_free(key);
		if (err)
			*err = ZW_EKEY;
		return NULL;
	}
	/* The key-file layer would export a private half: there is none. */
	key->has_private = false;
	kf = zw_keyfile_new(key, err);
	if (!kf)
		return NULL;
	key->has_private = had;
	if (!(kf->material = material(key))) {
		zw_keyfile_free(kf);
		if (err)
			*err = ZW_ENOSPC;
		return NULL;
	}
	return kf;
}

struct zw_keyfile *zw_hsm_keyfile_load(const char *dir, const char *name,
				       unsigned flags, const char *engine,
				       int *err, char *msg, size_t msglen)
{
	char why[ZW_HSM_MSG];
	struct zw_keyfile *kf;
	int r;

	kf = zw_keyfile_load(dir, name, flags, err, msg, msglen);
	if (!kf || (flags & ZW_KF_PUBLIC) || !kf->key->label)
		return kf;
	r = zw_hsm_key_attach(kf->key, engine, why, sizeof(why));
	if (r == 0)
		return kf;
	zw_hsm_say(msg, msglen, r, "%s: %s", name, why);
	zw_keyfile_free(kf);
	if (err)
		*err = r;
	return NULL;
}
