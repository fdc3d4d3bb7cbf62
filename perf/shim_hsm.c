/* C side of perf/bench_hsm.cc: the same zw_key_sign call on a key held in
 * a SoftHSMv2 token (through libp11's engine) and on a file key, so both
 * rates come from one run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/key.h"
#include "dns/name.h"
#include "hsm/hsm.h"
#include "perf/shim_hsm.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define MSG_LEN 100

struct zw_perf_hsm {
	struct zw_key *key;
	uint8_t msg[MSG_LEN];
};

static char tokdir[64];

static void remove_token(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tokdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tokdir);
}

/* The token, made on first use: 0 when it is there. */
static int token(void)
{
	static int state;       /* 0 not tried, 1 ready, -1 failed */
	const char *root = getenv("ZW_ROOT");
	char cmd[1024], conf[128];

	if (state)
		return state > 0 ? 0 : -1;
	state = -1;
	strcpy(tokdir, "/tmp/zwbench-hsm.XXXXXX");
	if (access(MODULE, R_OK) != 0 || !mkdtemp(tokdir))
		return -1;
	atexit(remove_token);
	snprintf(cmd, sizeof(cmd), "ZW_HSM_TOKEN=bench ZW_HSM_PIN=1234 "
		 "'%s/scripts/softhsm-init.sh' '%s' p256:EC:prime256v1 "
		 "rsa:rsa:2048 >/dev/null", root && *root ? root : ".", tokdir);
	if (system(cmd) != 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/softhsm2.conf", tokdir);
	setenv("SOFTHSM2_CONF", conf, 1);
	setenv("PKCS11_MODULE_PATH", MODULE, 0);
	state = 1;
	return 0;
}

struct zw_perf_hsm *zw_perf_hsm_new(uint8_t alg, int in_token)
{
	struct zw_perf_hsm *b = calloc(1, sizeof(*b));
	uint8_t owner[ZW_NAME_MAX];
	char msg[ZW_HSM_MSG];
	int err = 0;

	if (!b || zw_name_from_str(owner, "example.", 8,
				   (const uint8_t *)"") < 0)
		goto fail;
	if (!in_token)
		b->key = zw_key_generate(owner, alg, 2048, 0x100, &err);
	else if (token() == 0)
		b->key = zw_hsm_key_from_label(owner, alg, 0x100, NULL,
					       alg == ZW_ALG_RSASHA256 ?
					       "token=bench;object=rsa;"
					       "pin-value=1234" :
					       "token=bench;object=p256;"
					       "pin-value=1234", &err, msg,
					       sizeof(msg));
	if (!b->key) {
		if (in_token)
			fprintf(stderr, "zw_perf_hsm: %s\n", msg);
		goto fail;
	}
	for (int i = 0; i < MSG_LEN; i++)
		b->msg[i] = (uint8_t)i;
	return b;
fail:
	free(b);
	return NULL;
}

int zw_perf_hsm_sign(struct zw_perf_hsm *b)
{
	uint8_t sig[ZW_SIG_MAX];

	return zw_key_sign(b->key, b->msg, sizeof(b->msg), sig, sizeof(sig)) <
	       0;
}
