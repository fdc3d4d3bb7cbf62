/* Key pairs on disk: load a .key/.private/.state set into struct zw_key
 * and write it back (keyfile.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keytime.h"
#include "crypto/kf_int.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"

#define TEXT_MAX 16384          /* largest file we print (RSA-4096 fits) */
#define STORE_MAX 8192          /* decoded private fields */

static const uint8_t root_name[1] = { 0 };

static int say(char *msg, size_t msglen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *msg, size_t msglen, int code, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* "file:line: field: reason" for a text-layer error. */
static int say_parse(char *msg, size_t msglen, const char *path,
		     const struct zw_kf_err *e, int code)
{
	char where[32] = "";

	if (e->line)
		snprintf(where, sizeof(where), ":%u", e->line);
	return say(msg, msglen, code, "%s%s: %s%s%s", path, where, e->field,
		   e->field[0] ? ": " : "", zw_strerror(code));
}

static int read_text(const char *path, char **text, size_t *len, char *msg,
		     size_t msglen)
{
	int r = zw_kf_read(path, text, len);

	if (r)
		return say(msg, msglen, r, "%s: cannot read: %s", path,
			   zw_strerror(r));
	return 0;
}

/* "K...+013+12345[.key|.private|.state|.]" -> path without suffix. */
static int base_path(const char *dir, const char *name, char *out,
		     size_t outsize)
{
	static const char *const sfx[] = { ".key", ".private", ".state",
					   "." };
	size_t n = strlen(name);

	if (!zw_kf_join(out, outsize, dir, name))
		return ZW_ENOSPC;
	n = strlen(out);
	for (int i = 0; i < 4; i++) {
		size_t l = strlen(sfx[i]);

		if (n > l && strcmp(out + n - l, sfx[i]) == 0) {
			out[n - l] = 0;
			break;
		}
	}
	return 0;
}

/* ---- .key ---- */

static struct zw_key *pub_key(const struct zw_pubtext *pt, const char *path,
			      int *err, char *msg, size_t msglen)
{
	uint8_t owner[ZW_NAME_MAX], rd[4 + ZW_KEY_PUB_MAX];
	struct zw_key *k;
	int r;

	r = zw_name_from_str(owner, pt->owner.s, pt->owner.len, root_name);
	if (r < 0) {
		*err = say(msg, msglen, r, "%s:%u: owner name: %s", path,
			   pt->line, zw_strerror(r));
		return NULL;
	}
	r = zw_b64_decode(pt->b64, pt->b64len, rd + 4, ZW_KEY_PUB_MAX);
	if (r <= 0) {
		*err = say(msg, msglen, ZW_EBASE64, "%s:%u: public key: %s",
			   path, pt->line, zw_strerror(ZW_EBASE64));
		return NULL;
	}
	rd[0] = (uint8_t)(pt->flags >> 8);
	rd[1] = (uint8_t)pt->flags;
	rd[2] = (uint8_t)pt->proto;
	rd[3] = (uint8_t)pt->alg;
	k = zw_key_from_dnskey(owner, rd, 4 + (size_t)r, err);
	if (!k && *err == ZW_EALG)
		say(msg, msglen, *err, "%s:%u: algorithm: unknown or "
		    "unsupported algorithm %u", path, pt->line, pt->alg);
	else if (!k)
		say(msg, msglen, *err, "%s:%u: public key: %s", path,
		    pt->line, zw_strerror(*err));
	return k;
}

static int load_pub(struct zw_keyfile *kf, const char *base, char *msg,
		    size_t msglen)
{
	char path[4096 + 8], *text;
	struct zw_pubtext pt;
	struct zw_kf_err e;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s.key", base);
	if ((r = read_text(path, &text, &len, msg, msglen)))
		return r;
	r = zw_pubtext_parse(text, text + len, &pt, &e);
	if (r) {
		free(text);
		return say_parse(msg, msglen, path, &e, r);
	}
	kf->key = pub_key(&pt, path, &r, msg, msglen);
	free(text);
	if (!kf->key)
		return r;
	kf->key->ttl = pt.has_ttl ? pt.ttl : 0;
	kf->rclass = pt.rclass;
	kf->rrtype = pt.rrtype;
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		zw_keyfile_set_time(kf, i, pt.times[i]);
	return 0;
}

/* ---- .private ---- */

struct privload {
	struct zw_key_field f[ZW_KF_FIELDS_MAX];
	char names[ZW_KF_FIELDS_MAX][32];
	uint8_t store[STORE_MAX];
	size_t n, used;
	char *engine, *label;
};

static bool is_str_field(const struct zw_kf_span *name)
{
	return zw_kf_caseeq(name->s, name->len, "Engine") ||
	       zw_kf_caseeq(name->s, name->len, "Label");
}

/* Decode each field; Engine/Label are NUL-terminated strings in base64. */
static int decode_fields(const struct zw_privtext *pt, struct privload *pl,
			 const char *path, char *msg, size_t msglen)
{
	for (size_t i = 0; i < pt->nfields; i++) {
		const struct zw_kf_span *nm = &pt->fields[i].name;
		uint8_t *out = pl->store + pl->used;
		int r = zw_b64_decode(pt->fields[i].value.s,
				      pt->fields[i].value.len, out,
				      STORE_MAX - pl->used - 1);

		if (r < 0 || (r == 0 && !is_str_field(nm)))
			return say(msg, msglen, ZW_EBASE64, "%s:%u: %.*s: %s",
				   path, pt->fields[i].line, (int)nm->len,
				   nm->s, zw_strerror(ZW_EBASE64));
		pl->used += (size_t)r + 1;
		out[r] = 0;
		if (is_str_field(nm)) {
			char **dst = zw_kf_caseeq(nm->s, nm->len, "Engine") ?
					     &pl->engine : &pl->label;
			free(*dst);
			*dst = strdup((char *)out);
			continue;
		}
		snprintf(pl->names[pl->n], sizeof(pl->names[0]), "%.*s",
			 (int)nm->len, nm->s);
		pl->f[pl->n].name = pl->names[pl->n];
		pl->f[pl->n].data = out;
		pl->f[pl->n].len = (size_t)r;
		pl->n++;
	}
	return 0;
}

/* Replace the public key by the private one after checking the halves. */
static int attach_private(struct zw_keyfile *kf, struct privload *pl,
			  const char *path, char *msg, size_t msglen)
{
	struct zw_key *pub = kf->key, *k;
	int err = 0;

	k = zw_key_from_fields(pub->owner, pub->alg, pub->flags, pl->f, pl->n,
			       &err);
	if (!k)
		return say(msg, msglen, err, "%s: private key: %s", path,
			   zw_strerror(err));
	if (k->publen != pub->publen ||
	    memcmp(k->pub, pub->pub, pub->publen) != 0) {
		zw_key_free(k);
		return say(msg, msglen, ZW_EKEY, "%s: private key does not "
			   "match the public key in the .key file", path);
	}
	k->ttl = pub->ttl;
	memcpy(k->times, pub->times, sizeof(k->times));
	memcpy(k->owner, pub->owner, sizeof(k->owner));
	k->tag = pub->tag;
	zw_key_free(pub);
	kf->key = k;
	return 0;
}

/* The material lines as they will be written back. */
static char *material_text(const struct zw_privtext *pt)
{
	size_t len = 1;
	char *m, *p;

	for (size_t i = 0; i < pt->nfields; i++)
		len += pt->fields[i].name.len + pt->fields[i].value.len + 3;
	m = p = malloc(len);
	if (!m)
		return NULL;
	for (size_t i = 0; i < pt->nfields; i++)
		p += sprintf(p, "%.*s: %.*s\n", (int)pt->fields[i].name.len,
			     pt->fields[i].name.s,
			     (int)pt->fields[i].value.len,
			     pt->fields[i].value.s);
	*p = 0;
	return m;
}

static void take_meta(struct zw_keyfile *kf, const struct zw_privtext *pt)
{
	kf->minor = pt->minor;
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		zw_keyfile_set_time(kf, i, pt->times[i]);
	memcpy(kf->has_num, pt->has_num, sizeof(kf->has_num));
	memcpy(kf->num, pt->num, sizeof(kf->num));
}

static int use_private(struct zw_keyfile *kf, const struct zw_privtext *pt,
		       const char *path, char *msg, size_t msglen)
{
	struct privload *pl = calloc(1, sizeof(*pl));
	int r;

	if (!pl)
		return ZW_ENOMEM;
	r = decode_fields(pt, pl, path, msg, msglen);
	/* A token key (Label) keeps its private half in the token. BIND also
	 * writes an RSA token key's Modulus and PublicExponent (its reader
	 * insists on them beside an Engine line) and, like BIND, we read the
	 * key from the label and leave those fields alone. */
	if (r == 0 && !pl->label && pl->n > 0)
		r = attach_private(kf, pl, path, msg, msglen);
	else if (r == 0 && !pl->label)
		r = say(msg, msglen, ZW_EKEY, "%s: no key material", path);
	if (r == 0 && pl->label) {
		kf->key->label = pl->label;
		kf->key->engine = pl->engine;
		pl->label = pl->engine = NULL;
	}
	if (r == 0 && !(kf->material = material_text(pt)))
		r = ZW_ENOMEM;
	free(pl->label);
	free(pl->engine);
	memset(pl, 0, sizeof(*pl));     /* decoded private key octets */
	free(pl);
	return r;
}

static int load_priv(struct zw_keyfile *kf, const char *base, char *msg,
		     size_t msglen)
{
	char path[4096 + 8], *text;
	struct zw_privtext pt;
	struct zw_kf_err e;
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s.private", base);
	if ((r = read_text(path, &text, &len, msg, msglen)))
		return r;
	r = zw_privtext_parse(text, text + len, &pt, &e);
	if (r)
		r = say_parse(msg, msglen, path, &e, r);
	else if (pt.alg != kf->key->alg)
		r = say(msg, msglen, ZW_EKEY, "%s: Algorithm: %u does not "
			"match algorithm %u in the .key file", path, pt.alg,
			kf->key->alg);
	if (r == 0) {
		memset(kf->key->times, 0, sizeof(kf->key->times));
		memset(kf->ds_times, 0, sizeof(kf->ds_times));
		take_meta(kf, &pt);
		r = use_private(kf, &pt, path, msg, msglen);
	}
	memset(text, 0, len);
	free(text);
	return r;
}

/* ---- .state ---- */

static int load_state(struct zw_keyfile *kf, const char *base, char *msg,
		      size_t msglen)
{
	char path[4096 + 8], *text;
	struct zw_kf_err e;
	size_t len;
	int64_t t;
	int r;

	snprintf(path, sizeof(path), "%s.state", base);
	r = zw_kf_read(path, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r)
		return say(msg, msglen, r, "%s: cannot read: %s", path,
			   zw_strerror(r));
	kf->state = malloc(sizeof(*kf->state));
	r = kf->state ? zw_keystate_parse(text, text + len, kf->state, &e) :
			ZW_ENOMEM;
	free(text);
	if (r)
		return r == ZW_ENOMEM ? r : say_parse(msg, msglen, path, &e, r);
	for (int i = 0; i < ZW_KFT_COUNT; i++) {
		r = zw_keystate_get_time(kf->state, i, &t);
		if (r == 0)
			zw_keyfile_set_time(kf, i, t);
		else if (r != ZW_ENOTFOUND)
			return say(msg, msglen, r, "%s: %s: %s", path,
				   zw_keystate_time_name(i), zw_strerror(r));
	}
	return 0;
}

struct zw_keyfile *zw_keyfile_load(const char *dir, const char *name,
				   unsigned flags, int *err, char *msg,
				   size_t msglen)
{
	struct zw_keyfile *kf = calloc(1, sizeof(*kf));
	char base[4096];
	int r;

	if (!kf)
		r = say(msg, msglen, ZW_ENOMEM, "%s: out of memory", name);
	else if (base_path(dir, name, base, sizeof(base)))
		r = say(msg, msglen, ZW_ENOSPC, "%s: name too long", name);
	else if (!(r = load_pub(kf, base, msg, msglen)) &&
		 !(flags & ZW_KF_PUBLIC))
		r = load_priv(kf, base, msg, msglen);
	if (r == 0)
		r = load_state(kf, base, msg, msglen);
	if (r == 0)
		return kf;
	zw_keyfile_free(kf);
	if (err)
		*err = r;
	return NULL;
}

void zw_keyfile_free(struct zw_keyfile *kf)
{
	if (!kf)
		return;
	zw_key_free(kf->key);
	if (kf->material) {
		memset(kf->material, 0, strlen(kf->material));
		free(kf->material);
	}
	free(kf->state);
	free(kf);
}
