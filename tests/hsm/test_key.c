/* hsm/key.c, hsm/engine.c, hsm/keyfile.c against a throwaway SoftHSMv2
 * token (scripts/softhsm-init.sh): keys from labels (P-256, RSA-2048),
 * signatures that verify with the published DNSKEY, K-files without key
 * material or PIN, loading them back, the errors (wrong PIN, missing
 * object, no PIN, wrong algorithm, key file and token disagreeing, another
 * engine), signing from 8 threads at once, and a token that disappears.
 * Skipped when SoftHSM or the pkcs11 engine is not installed. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keyfile.h"
#include "dns/err.h"
#include "dns/name.h"
#include "hsm/hsm.h"
#include "tests/util/testutil.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define PIN "492817"            /* distinctive, so a leak is findable */

static char msg[ZW_HSM_MSG];
static char tokdir[1024], keydir[1024];
static bool have_token;
static uint8_t owner[ZW_NAME_MAX];

static int setup(void **state)
{
	const char *root = getenv("ZW_ROOT"), *d = zw_test_tmpdir();
	char cmd[4096], conf[1100];

	(void)state;
	if (access(MODULE, R_OK) != 0 || !d)
		return 0;
	snprintf(tokdir, sizeof(tokdir), "%s/token", d);
	snprintf(keydir, sizeof(keydir), "%s/keys", d);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && ZW_HSM_TOKEN=zwtest "
		 "ZW_HSM_PIN=%s '%s/scripts/softhsm-init.sh' '%s' "
		 "zsk:EC:prime256v1 ksk:EC:prime256v1 rsa:rsa:2048 "
		 "p384:EC:secp384r1 >/dev/null && ZW_HSM_TOKEN=zwfresh "
		 "ZW_HSM_PIN=%s '%s/scripts/softhsm-init.sh' '%s' "
		 "zsk:EC:prime256v1 >/dev/null", keydir, PIN,
		 root && *root ? root : ".", tokdir, PIN,
		 root && *root ? root : ".", tokdir);
	if (system(cmd) != 0)
		return 0;
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", tokdir);
	setenv("SOFTHSM2_CONF", conf, 1);
	setenv("PKCS11_MODULE_PATH", MODULE, 1);
	unsetenv(ZW_HSM_PIN_ENV);
	have_token = true;
	assert_int_equal(zw_name_from_str(owner, "example.", 8,
					  (const uint8_t *)""), 8 + 1);
	return 0;
}

#define NEED_TOKEN() \
	do { \
		if (!have_token) \
			skip(); \
	} while (0)

static struct zw_key *from_label(uint8_t alg, uint16_t flags,
				 const char *label)
{
	int err = 0;
	struct zw_key *k = zw_hsm_key_from_label(owner, alg, flags, NULL,
						 label, &err, msg,
						 sizeof(msg));

	if (!k)
		fail_msg("%s: %s", label, msg);
	return k;
}

/* A signature made in the token verifies with a key built from nothing
 * but the DNSKEY rdata, as a validator would build it. */
static void check_signs(const struct zw_key *k)
{
	uint8_t rd[ZW_KEY_PUB_MAX + 4], sig[ZW_SIG_MAX], data[] = "zonewire";
	int n = zw_key_dnskey_rdata(k, rd, sizeof(rd)), err = 0, s;
	struct zw_key *pub;

	assert_true(n > 0);
	pub = zw_key_from_dnskey(owner, rd, (size_t)n, &err);
	assert_non_null(pub);
	assert_false(pub->has_private);
	assert_int_equal(pub->tag, k->tag);
	s = zw_key_sign(k, data, sizeof(data), sig, sizeof(sig));
	assert_int_equal(s, (int)zw_key_sig_size(pub));
	assert_int_equal(zw_key_verify(pub, data, sizeof(data), sig,
				       (size_t)s), 0);
	sig[s / 2] ^= 1;
	assert_int_equal(zw_key_verify(pub, data, sizeof(data), sig,
				       (size_t)s), ZW_EBADSIG);
	zw_key_free(pub);
}

static void test_from_label(void **state)
{
	struct zw_key *k;

	(void)state;
	NEED_TOKEN();
	k = from_label(ZW_ALG_ECDSAP256, 0x101,
		       "token=zwtest;object=ksk;pin-value=" PIN);
	assert_true(k->has_private);
	assert_int_equal(k->publen, 64);
	assert_int_equal(k->flags, 0x101);
	assert_string_equal(k->engine, "pkcs11");
	assert_string_equal(k->label, "pkcs11:token=zwtest;object=ksk");
	check_signs(k);
	zw_key_free(k);
	k = from_label(ZW_ALG_RSASHA256, 0x100,
		       "pkcs11:token=zwtest;object=rsa?pin-value=" PIN);
	assert_int_equal(k->publen, 1 + 3 + 256); /* e = 65537, 2048 bits */
	assert_int_equal(zw_key_sig_size(k), 256);
	check_signs(k);
	zw_key_free(k);
	k = from_label(ZW_ALG_ECDSAP384, 0x100,
		       "token=zwtest;object=p384;pin-value=" PIN);
	assert_int_equal(k->publen, 96);
	check_signs(k);
	zw_key_free(k);
}

static void from_label_bad(uint8_t alg, const char *label, int code,
			   const char *want)
{
	int err = 0;
	struct zw_key *k = zw_hsm_key_from_label(owner, alg, 0x100, NULL,
						 label, &err, msg,
						 sizeof(msg));

	assert_null(k);
	assert_int_equal(err, code);
	if (!strstr(msg, want))
		fail_msg("%s: '%s' lacks '%s'", label, msg, want);
	assert_null(strstr(msg, PIN));
}

/* K-files naming token zwfresh, loaded with no PIN anywhere: the message
 * names the file and the label and says how to give a PIN. */
static void nopin_keyfile(void)
{
	char base[256], kmsg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	struct zw_key *k;
	int err = 0;

	k = zw_key_generate(owner, 13, 0, 0x100, &err);
	assert_non_null(k);
	k->engine = strdup("pkcs11");
	k->label = strdup("pkcs11:token=zwfresh;object=zsk");
	zw_keyfile_basename(k->owner, k->alg, k->tag, base, sizeof(base));
	kf = zw_hsm_keyfile_new(k, &err);
	assert_non_null(kf);
	assert_int_equal(zw_keyfile_save(kf, keydir, kmsg, sizeof(kmsg)), 0);
	zw_keyfile_free(kf);
	kf = zw_hsm_keyfile_load(keydir, base, 0, NULL, &err, kmsg,
				 sizeof(kmsg));
	assert_null(kf);
	assert_int_equal(err, ZW_EKEY);
	if (!strstr(kmsg, base) || !strstr(kmsg, "pkcs11:token=zwfresh;"
					    "object=zsk: the token wants a PIN"))
		fail_msg("%s", kmsg);
}

/* PKCS#11 logs a process in per token, and libp11 keeps the last PIN it
 * was given for later logins: once a key has loaded with the right PIN,
 * others load without one. So PIN failures come first, on token zwfresh,
 * which no test logs in to. */
static void test_errors(void **state)
{
	(void)state;
	NEED_TOKEN();
	from_label_bad(13, "token=zwfresh;object=zsk;pin-value=000000",
		       ZW_EKEY, "PIN incorrect");
	from_label_bad(13, "token=zwfresh;object=zsk", ZW_EKEY,
		       "the token wants a PIN");
	nopin_keyfile();
	from_label_bad(13, "token=zwtest;object=none;pin-value=" PIN,
		       ZW_ENOTFOUND, "object not found");
	from_label_bad(13, "token=gone;object=zsk;pin-value=" PIN,
		       ZW_ENOTFOUND, "pkcs11:token=gone;object=zsk: no such");
	from_label_bad(8, "token=zwtest;object=zsk;pin-value=" PIN, ZW_EALG,
		       "algorithm RSASHA256 needs RSA");
	from_label_bad(14, "token=zwtest;object=zsk;pin-value=" PIN, ZW_EALG,
		       "not on the algorithm's curve");
	from_label_bad(15, "token=zwtest;object=zsk;pin-value=" PIN, ZW_EALG,
		       "cannot use token keys");
	/* RSASHA1 is verify-only in zonewire: refused up front, not after
	 * a failed test signature (which printed a "(null)" key name). */
	from_label_bad(5, "token=zwtest;object=rsa;pin-value=" PIN, ZW_EALG,
		       "algorithm 5 cannot use token keys (RSASHA256,");
	from_label_bad(7, "token=zwtest;object=rsa;pin-value=" PIN, ZW_EALG,
		       "algorithm 7 cannot use token keys");
	/* One engine per process. */
	assert_int_equal(zw_hsm_engine_open("pkcs11", msg, sizeof(msg)), 0);
	assert_int_equal(zw_hsm_engine_open("dynamic", msg, sizeof(msg)),
			 ZW_EEXIST);
}

/* Bytes of a file contain `needle` (binary-safe). */
static bool file_has(const char *path, const char *needle)
{
	size_t len, n = strlen(needle);
	char *s = zw_test_read_file(path, &len);
	bool hit = false;

	assert_non_null(s);
	for (size_t i = 0; !hit && i + n <= len; i++)
		hit = memcmp(s + i, needle, n) == 0;
	free(s);
	return hit;
}

static char *save_key(struct zw_key *k, char *base, size_t size)
{
	char kmsg[ZW_KF_MSG];
	static char path[2048];
	int err = 0;
	struct zw_keyfile *kf;

	zw_keyfile_basename(k->owner, k->alg, k->tag, base, size);
	kf = zw_hsm_keyfile_new(k, &err);
	assert_non_null(kf);
	if (zw_keyfile_save(kf, keydir, kmsg, sizeof(kmsg)) != 0)
		fail_msg("%s", kmsg);
	zw_keyfile_free(kf);
	snprintf(path, sizeof(path), "%s/%s.private", keydir, base);
	return path;
}

/* K-files: Engine and Label as BIND writes them, no key material, no PIN
 * in any form; loading them back signs in the token. */
static void test_keyfiles(void **state)
{
	char base[256], kmsg[ZW_KF_MSG], pinfile[1100], label[1300];
	struct zw_keyfile *kf;
	const char *priv;
	int err = 0;

	(void)state;
	NEED_TOKEN();
	priv = save_key(from_label(13, 0x100, "token=zwtest;object=zsk;"
				   "pin-value=" PIN), base, sizeof(base));
	assert_true(file_has(priv, "Engine: cGtjczExAA==\n"));
	/* base64("pkcs11:token=zwtest;object=zsk\0") */
	assert_true(file_has(priv, "Label: cGtjczExOnRva2VuPXp3dGVzdDtvYmpl"
			     "Y3Q9enNrAA==\n"));
	assert_false(file_has(priv, "PrivateKey"));
	assert_false(file_has(priv, PIN));
	assert_false(file_has(priv, "cGluLXZhbHVl"));   /* "pin-value" */
	/* Public-only loading needs no token... */
	kf = zw_hsm_keyfile_load(keydir, base, ZW_KF_PUBLIC, NULL, &err, kmsg,
				 sizeof(kmsg));
	assert_non_null(kf);
	assert_false(kf->key->has_private);
	zw_keyfile_free(kf);
	/* ...and with the PIN in the environment they sign. */
	setenv(ZW_HSM_PIN_ENV, PIN, 1);
	kf = zw_hsm_keyfile_load(keydir, base, 0, "pkcs11", &err, kmsg,
				 sizeof(kmsg));
	unsetenv(ZW_HSM_PIN_ENV);
	if (!kf)
		fail_msg("%s", kmsg);
	assert_true(kf->key->has_private);
	check_signs(kf->key);
	zw_keyfile_free(kf);
	/* pin-source: the path is kept, the PIN stays in its file. */
	snprintf(pinfile, sizeof(pinfile), "%s/pin", tokdir);
	{
		FILE *f = fopen(pinfile, "w");

		assert_non_null(f);
		fputs(PIN "\n", f);
		fclose(f);
	}
	snprintf(label, sizeof(label), "token=zwtest;object=rsa;"
		 "pin-source=%s", pinfile);
	priv = save_key(from_label(8, 0x101, label), base, sizeof(base));
	assert_true(file_has(priv, "Modulus: "));
	assert_true(file_has(priv, "PublicExponent: AQAB\n"));
	assert_false(file_has(priv, "PrivateExponent"));
	assert_false(file_has(priv, PIN));
	kf = zw_hsm_keyfile_load(keydir, base, 0, NULL, &err, kmsg,
				 sizeof(kmsg));
	if (!kf)
		fail_msg("%s", kmsg);
	check_signs(kf->key);
	zw_keyfile_free(kf);
}

/* Replace the Label line of a .private by base64 of `label` + NUL. */
static void relabel(const char *priv, const char *b64)
{
	size_t len;
	char *s = zw_test_read_file(priv, &len), *l, *e;
	FILE *f;

	assert_non_null(s);
	l = strstr(s, "Label: ");
	assert_non_null(l);
	e = strchr(l, '\n');
	f = fopen(priv, "w");
	assert_non_null(f);
	fprintf(f, "%.*sLabel: %s%s", (int)(l - s), s, b64, e);
	fclose(f);
	free(s);
}

/* The .key and the token must agree; -E must agree with Engine. */
static void test_mismatch(void **state)
{
	char base[256], kmsg[ZW_KF_MSG];
	struct zw_keyfile *kf;
	const char *priv;
	int err = 0;

	(void)state;
	NEED_TOKEN();
	setenv(ZW_HSM_PIN_ENV, PIN, 1);
	priv = save_key(from_label(13, 0x100, "token=zwtest;object=zsk"),
			base, sizeof(base));
	kf = zw_hsm_keyfile_load(keydir, base, 0, "other", &err, kmsg,
				 sizeof(kmsg));
	assert_null(kf);
	assert_non_null(strstr(kmsg, "key names engine pkcs11, not other"));
	/* base64("pkcs11:token=zwtest;object=ksk\0"): another key. */
	relabel(priv, "cGtjczExOnRva2VuPXp3dGVzdDtvYmplY3Q9a3NrAA==");
	kf = zw_hsm_keyfile_load(keydir, base, 0, NULL, &err, kmsg,
				 sizeof(kmsg));
	assert_null(kf);
	assert_int_equal(err, ZW_EKEY);
	if (!strstr(kmsg, "not the one in the .key file"))
		fail_msg("%s", kmsg);
	unsetenv(ZW_HSM_PIN_ENV);
}

struct worker {
	const struct zw_key *key, *pub;
	int id, bad;
};

static void *sign_many(void *arg)
{
	struct worker *w = arg;
	uint8_t data[16], sig[ZW_SIG_MAX];

	for (int i = 0; i < 150; i++) {
		int n;

		memcpy(data, &w->id, sizeof(w->id));
		memcpy(data + 4, &i, sizeof(i));
		n = zw_key_sign(w->key, data, sizeof(data), sig, sizeof(sig));
		if (n < 0 || zw_key_verify(w->pub, data, sizeof(data), sig,
					   (size_t)n) != 0)
			w->bad++;
	}
	return NULL;
}

/* Eight threads sign with one token key at once (the signer's case):
 * every signature must verify. */
static void test_threads(void **state)
{
	uint8_t rd[ZW_KEY_PUB_MAX + 4];
	struct worker w[8];
	pthread_t t[8];
	struct zw_key *k, *pub;
	int err = 0, n, bad = 0;

	(void)state;
	NEED_TOKEN();
	k = from_label(13, 0x100, "token=zwtest;object=zsk;pin-value=" PIN);
	n = zw_key_dnskey_rdata(k, rd, sizeof(rd));
	pub = zw_key_from_dnskey(owner, rd, (size_t)n, &err);
	assert_non_null(pub);
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){ .key = k, .pub = pub, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, sign_many, &w[i]),
				 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		bad += w[i].bad;
	}
	assert_int_equal(bad, 0);
	zw_key_free(pub);
	zw_key_free(k);
}

/* The token goes away under a loaded key: signing fails, and
 * zw_hsm_key_check says why. Last: it breaks the token. */
static void test_token_gone(void **state)
{
	uint8_t sig[ZW_SIG_MAX], data[4] = { 1, 2, 3, 4 };
	char cmd[1200];
	struct zw_key *k;

	(void)state;
	NEED_TOKEN();
	k = from_label(13, 0x100, "token=zwtest;object=ksk;pin-value=" PIN);
	assert_int_equal(zw_hsm_key_check(k, msg, sizeof(msg)), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/tokens'", tokdir);
	assert_int_equal(system(cmd), 0);
	assert_true(zw_key_sign(k, data, sizeof(data), sig, sizeof(sig)) < 0);
	assert_int_equal(zw_hsm_key_check(k, msg, sizeof(msg)), ZW_ECRYPTO);
	if (!strstr(msg, "pkcs11:token=zwtest;object=ksk: the token does not "
		    "sign: PKCS#11 module: "))
		fail_msg("%s", msg);
	zw_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_from_label),
		cmocka_unit_test(test_keyfiles),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_token_gone),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
