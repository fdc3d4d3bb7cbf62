/* Writing key pairs, new key files and metadata edits (keyfile.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/kf_int.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"

#define TEXT_MAX 16384

int64_t zw_keyfile_get_time(const struct zw_keyfile *kf, int which)
{
	if (which < 0 || which >= ZW_KFT_COUNT)
		return 0;
	return which < ZW_KT_COUNT ? kf->key->times[which] :
				     kf->ds_times[which - ZW_KT_COUNT];
}

void zw_keyfile_set_time(struct zw_keyfile *kf, int which, int64_t t)
{
	int64_t cur;

	if (which < 0 || which >= ZW_KFT_COUNT)
		return;
	if (which < ZW_KT_COUNT)
		kf->key->times[which] = t;
	else
		kf->ds_times[which - ZW_KT_COUNT] = t;
	/* Leave an unchanged state line as written (its ctime text too). */
	if (kf->state && (zw_keystate_get_time(kf->state, which, &cur) != 0 ?
			  t != 0 : cur != t))
		zw_keystate_set_time(kf->state, which, t);
}

void zw_keyfile_set_num(struct zw_keyfile *kf, int which, bool set,
			uint32_t v)
{
	static const char *const state_names[] = { "Predecessor",
						   "Successor" };
	char buf[16];

	if (which < 0 || which >= ZW_KFN_COUNT)
		return;
	kf->has_num[which] = set;
	kf->num[which] = set ? v : 0;
	if (!kf->state || which > ZW_KFN_SUCCESSOR)
		return;
	snprintf(buf, sizeof(buf), "%u", v);
	zw_keystate_set(kf->state, state_names[which], set ? buf : NULL);
}

/* Key material of a fresh key in BIND's field order. */
static char *fresh_material(const struct zw_key *key, int *err)
{
	struct zw_key_field f[ZW_KEY_FIELDS_MAX];
	uint8_t *store = malloc(4096);
	char *m = malloc(TEXT_MAX), *p = m;
	int n = store && m ? zw_key_to_fields(key, f, store, 4096) : ZW_ENOMEM;

	for (int i = 0; i < n; i++) {
		int w;

		p += sprintf(p, "%s: ", f[i].name);
		w = zw_b64_encode(f[i].data, f[i].len, p,
				  TEXT_MAX - (size_t)(p - m) - 2);
		if (w < 0) {
			n = w;
			break;
		}
		p += w;
		*p++ = '\n';
		*p = 0;
	}
	if (store)
		memset(store, 0, 4096);
	free(store);
	if (n < 0) {
		*err = n;
		free(m);
		return NULL;
	}
	return m;
}

struct zw_keyfile *zw_keyfile_new(struct zw_key *key, int *err)
{
	struct zw_keyfile *kf = calloc(1, sizeof(*kf));
	int e = ZW_ENOMEM;

	if (kf && key->has_private)
		kf->material = fresh_material(key, &e);
	if (!kf || (key->has_private && !kf->material)) {
		free(kf);
		zw_key_free(key);
		if (err)
			*err = e;
		return NULL;
	}
	kf->key = key;
	kf->rclass = 1;
	kf->rrtype = 48;
	kf->minor = 3;
	return kf;
}

static int save_one(const char *dir, const char *base, const char *ext,
		    const char *text, int len, unsigned mode, char *msg,
		    size_t msglen)
{
	char name[1024], path[4096];
	int r;

	if (len < 0)
		return len;
	snprintf(name, sizeof(name), "%s%s", base, ext);
	if (!zw_kf_join(path, sizeof(path), dir, name))
		return ZW_ENOSPC;
	r = zw_kf_write_atomic(path, text, (size_t)len, mode);
	if (r && msg)
		snprintf(msg, msglen, "%s: cannot write: %s", path,
			 zw_strerror(r));
	return r;
}

/* .private text: re-parse header + material so the text layer prints
 * material, numeric metadata and times in BIND's order. */
static int private_text(const struct zw_keyfile *kf, char *out)
{
	struct zw_privtext pt;
	size_t mlen = strlen(kf->material);
	char *src = malloc(mlen + 64);
	int n;

	if (!src)
		return ZW_ENOMEM;
	n = snprintf(src, 64, "Private-key-format: v1.3\nAlgorithm: %u\n",
		     kf->key->alg);
	memcpy(src + n, kf->material, mlen + 1);
	n = zw_privtext_parse(src, src + (size_t)n + mlen, &pt, NULL);
	if (n == 0) {
		for (int i = 0; i < ZW_KFT_COUNT; i++)
			pt.times[i] = zw_keyfile_get_time(kf, i);
		pt.times[ZW_KFT_DSDELETE] = 0;      /* .state only */
		memcpy(pt.has_num, kf->has_num, sizeof(pt.has_num));
		memcpy(pt.num, kf->num, sizeof(pt.num));
		n = zw_privtext_format(&pt, out, TEXT_MAX);
	}
	memset(src, 0, mlen + 64);
	free(src);
	return n;
}

static int public_text(const struct zw_keyfile *kf, const char *owner,
		       char *out)
{
	struct zw_pubtext pt;
	const struct zw_key *k = kf->key;
	int n;

	memset(&pt, 0, sizeof(pt));
	pt.owner.s = owner;
	pt.owner.len = strlen(owner);
	pt.has_ttl = k->ttl != 0;
	pt.ttl = k->ttl;
	pt.rclass = kf->rclass ? kf->rclass : 1;
	pt.rrtype = kf->rrtype ? kf->rrtype : 48;
	pt.flags = k->flags;
	pt.proto = k->protocol;
	pt.alg = k->alg;
	n = zw_b64_encode(k->pub, k->publen, pt.b64, sizeof(pt.b64));
	if (n < 0)
		return n;
	pt.b64len = (size_t)n;
	for (int i = 0; i < ZW_KT_COUNT; i++)
		pt.times[i] = k->times[i];
	return zw_pubtext_format(&pt, k->tag, out, TEXT_MAX);
}

int zw_keyfile_save(struct zw_keyfile *kf, const char *dir, char *msg,
		    size_t msglen)
{
	char base[1024], owner[ZW_NAME_STR_MAX];
	char *text = malloc(TEXT_MAX);
	int r = text ? 0 : ZW_ENOMEM;

	if (msg && msglen)
		*msg = 0;
	if (r == 0 && (zw_keyfile_basename(kf->key->owner, kf->key->alg,
					   kf->key->tag, base,
					   sizeof(base)) < 0 ||
		       zw_name_to_str(kf->key->owner, owner,
				      sizeof(owner)) < 0))
		r = ZW_ENOSPC;
	if (r == 0 && kf->material)
		r = save_one(dir, base, ".private", text,
			     private_text(kf, text), 0600, msg, msglen);
	if (r == 0)
		r = save_one(dir, base, ".key", text,
			     public_text(kf, owner, text), 0644, msg, msglen);
	if (r == 0 && kf->state)
		r = save_one(dir, base, ".state", text,
			     zw_keystate_format(kf->state, kf->key->tag, owner,
						text, TEXT_MAX),
			     0644, msg, msglen);
	if (r < 0 && msg && !*msg)
		snprintf(msg, msglen, "%s: cannot write: %s", base,
			 zw_strerror(r));
	if (text)
		memset(text, 0, TEXT_MAX);
	free(text);
	return r;
}
