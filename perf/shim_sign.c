/* Signer benchmark shim: see perf/shim_sign.h. Uses the signer's internal
 * P-256 engine (zonecompile/sign_int.h) to time it against zw_key_sign. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/keyfile.h"
#include "crypto/rrsig.h"
#include "dns/err.h"
#include "perf/shim_sign.h"
#include "zonecompile/sign.h"
#include "zonecompile/sign_int.h"

struct zw_perf_sign {
	struct zw_key *key;
	struct sign_p256 *eng, *pooled;
	struct sign_p256_ctx *ctx;
	uint8_t msg[100], sig[ZW_SIG_MAX], rrsig[ZW_RRSIG_MAX];
	size_t rrsig_len;
	char dir[64];
	char kb[2][64];
};

static const uint8_t example[] = "\7example";

static int key_files(struct zw_perf_sign *p)
{
	char msg[ZW_KF_MSG];
	int err = 0;

	snprintf(p->dir, sizeof p->dir, "/tmp/zwbench.XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	for (int i = 0; i < 2; i++) {
		uint16_t fl = ZW_DNSKEY_ZONE | (i ? 0 : ZW_DNSKEY_SEP);
		struct zw_key *k = zw_key_generate(example, ZW_ALG_ECDSAP256,
						   0, fl, &err);
		struct zw_keyfile *kf = k ? zw_keyfile_new(k, &err) : NULL;

		if (!kf || zw_keyfile_save(kf, p->dir, msg, sizeof msg) < 0)
			return -1;
		snprintf(p->kb[i], sizeof p->kb[i], "Kexample.+013+%05u",
			 kf->key->tag);
		zw_keyfile_free(kf);
	}
	return 0;
}

struct zw_perf_sign *zw_perf_sign_new(void)
{
	struct zw_perf_sign *p = calloc(1, sizeof *p);
	struct zw_rdata_ref rr = { (const uint8_t *)"\xc0\x00\x02\x01", 4 };
	struct zw_rrset_ref set = { example, 1, 1, 300, &rr, 1 };
	int n;

	if (!p)
		return NULL;
	memset(p->msg, 0x5a, sizeof p->msg);
	p->key = zw_key_generate(example, ZW_ALG_ECDSAP256, 0, ZW_DNSKEY_ZONE,
				 NULL);
	p->eng = p->key ? sign_p256_new(p->key, 0) : NULL;
	p->pooled = p->key ? sign_p256_new(p->key, 1u << 22) : NULL;
	n = p->key ? zw_rrsig_sign(p->key, &set, 1700000000, 1702592000,
				   p->rrsig, sizeof p->rrsig) : -1;
	if (!p->eng || !p->pooled || sign_p256_ctx_init(&p->ctx) < 0 ||
	    n < 0 || key_files(p) < 0) {
		zw_perf_sign_free(p);
		return NULL;
	}
	p->rrsig_len = (size_t)n;
	return p;
}

void zw_perf_sign_free(struct zw_perf_sign *p)
{
	char cmd[128];

	if (!p)
		return;
	sign_p256_ctx_free(p->ctx);
	sign_p256_free(p->eng);
	sign_p256_free(p->pooled);
	zw_key_free(p->key);
	if (p->dir[0]) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", p->dir);
	}
	free(p);
}

int zw_perf_sign_one(struct zw_perf_sign *p, int path)
{
	p->msg[0]++;
	if (path == 0)
		return zw_key_sign(p->key, p->msg, sizeof p->msg, p->sig,
				   sizeof p->sig);
	return sign_p256_sign(path == 2 ? p->pooled : p->eng, p->ctx, p->msg,
			      sizeof p->msg, p->sig);
}

/* Producing stops at the first slot already taken, so fill from where
 * signing has got to: one producer call per batch, stopped by count. */
void zw_perf_sign_fill(struct zw_perf_sign *p, size_t n)
{
	size_t target = sign_p256_made(p->pooled) + n;

	while (sign_p256_made(p->pooled) < target)
		sign_p256_produce_one(p->pooled);
}

int zw_perf_sign_fmt(struct zw_perf_sign *p)
{
	char out[1024];

	return sign_fmt_rrsig(p->rrsig, p->rrsig_len, out, sizeof out);
}

struct sink {
	size_t bytes;
};

static int discard(void *ctx, const void *buf, size_t len)
{
	(void)buf;
	((struct sink *)ctx)->bytes += len;
	return 0;
}

long zw_perf_sign_zone(struct zw_perf_sign *p, const char *path,
		       const char *origin, int nsec3, unsigned threads,
		       size_t *bytes)
{
	struct zw_sign_opts o = { 0 };
	uint8_t on[ZW_NAME_MAX];
	struct sink sink = { 0 };
	struct zw_signer *s;
	long rc;

	o.now = 1700000000;
	o.inception = 1700000000 - 3600;
	o.expiration = 1700000000 + 30 * 86400;
	o.refresh = 7 * 86400;
	o.threads = threads;
	o.nsec3 = o.optout = nsec3 != 0;
	if (zw_name_from_str(on, origin, strlen(origin), NULL) < 0 ||
	    !(s = zw_signer_new(&o, NULL, NULL)))
		return ZW_ENOMEM;
	rc = zw_signer_set_origin(s, on);
	for (int i = 0; rc == 0 && i < 2; i++)
		rc = zw_signer_key_file(s, p->dir, p->kb[i]);
	if (rc == 0)
		rc = zw_signer_load(s, path, NULL);
	if (rc == 0)
		rc = zw_signer_prepare(s);
	if (rc == 0)
		rc = zw_signer_write(s, discard, &sink);
	if (rc == 0)
		rc = (long)zw_signer_stats(s)->sigs_new;
	zw_signer_free(s);
	*bytes = sink.bytes;
	return rc;
}
