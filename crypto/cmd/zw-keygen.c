/* zw-keygen: make a DNSSEC key pair in BIND's key-file format, with the
 * flags of BIND's dnssec-keygen.
 *
 *   zw-keygen -a ALG [-b bits] [-n ZONE|OTHER] [-f KSK|REVOKE]... [-K dir]
 *             [-L ttl] [-P|-A|-I|-D|-R date|+offset|now|none]
 *             [-P sync date] [-D sync date] [-G] [-i interval] [-3] [-q]
 *             name
 *
 * Prints the base name (Kname.+013+12345). A key whose tag or revoked tag
 * clashes with one already in the directory (either way round, the
 * revocation rule of the BIND manual) is thrown away and a fresh one made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/keyopt.h"
#include "crypto/keyfile.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "dns/name.h"

#define MAX_TRIES 100

static void usage(void)
{
	zw_cli_usage(
		"Usage:\n    %s -a alg [options] name\n"
		"    -a alg: RSASHA256 RSASHA512 ECDSAP256SHA256 "
		"ECDSAP384SHA384 ED25519 ED448 (or number)\n"
		"    -b bits: RSA key size (1024..4096, default 2048)\n"
		ZW_CLI_NEWKEY_USAGE
		"    -q: quiet\n",
		zw_cli_prog());
}

struct opts {
	int alg;
	unsigned bits;
	struct zw_cli_newkey nk;
};

static int parse_alg(const char *s, bool nsec3)
{
	int a = zw_cli_key_alg(s, nsec3);

	if (!zw_alg_supported((uint8_t)a))
		zw_cli_die("unsupported algorithm %s (%d): zw-keygen makes "
			   "RSASHA256, RSASHA512, ECDSAP256SHA256, "
			   "ECDSAP384SHA384, ED25519 and ED448 keys", s, a);
	return a;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	const char *alg = NULL;
	int c;

	while ((c = getopt(argc, argv, "a:b:n:f:K:L:P:A:I:D:R:Gi:3qv:hCp:"))
	       != -1) {
		if (zw_cli_newkey_opt(&o->nk, c, optarg, argc, argv,
				      "ZONE or OTHER; KEY records for "
				      "HOST/USER/ENTITY are not made"))
			continue;
		switch (c) {
		case 'a': alg = optarg; break;
		case 'b': o->bits = (unsigned)atoi(optarg); break;
		case 'p':
			if (strcmp(optarg, "3") != 0)
				zw_cli_die("protocol must be 3");
			break;
		default: usage();
		}
	}
	if (!alg)
		zw_cli_die("no algorithm specified");
	if (optind != argc - 1)
		usage();
	o->alg = parse_alg(alg, o->nk.nsec3);
	if (o->bits && zw_alg_default_bits((uint8_t)o->alg) == 2048 &&
	    (o->bits < 1024 || o->bits > 4096))
		zw_cli_die("RSA key size %u out of range (1024..4096)",
			   o->bits);
	if (o->nk.nodates &&
	    (o->nk.kt.set[ZW_KT_PUBLISH] || o->nk.kt.set[ZW_KT_ACTIVATE]))
		zw_cli_die("-G and -P or -A are mutually exclusive");
}

static struct zw_key *fresh_key(const struct opts *o, const uint8_t *owner)
{
	char msg[ZW_KF_MSG];
	struct zw_key *k;
	int err = 0;

	for (int i = 0; i < MAX_TRIES; i++) {
		int hit;

		k = zw_key_generate(owner, (uint8_t)o->alg, o->bits,
				    o->nk.flags, &err);
		if (!k)
			zw_cli_die("key generation failed: %s",
				   zw_strerror(err));
		hit = zw_keyfile_collides(o->nk.dir, k, msg, sizeof(msg));
		if (hit < 0)
			zw_cli_die("%s", msg);
		if (hit == 0)
			return k;
		zw_key_free(k);
	}
	zw_cli_die("could not make a key whose tag does not collide in %s",
		   o->nk.dir ? o->nk.dir : ".");
}

int main(int argc, char **argv)
{
	struct opts o = { .nk.flags = ZW_DNSKEY_ZONE };
	uint8_t owner[ZW_NAME_MAX];
	struct zw_keyfile *kf;
	int err;

	zw_cli_init("zw-keygen");
	o.nk.kt.now = (int64_t)time(NULL);
	parse_args(&o, argc, argv);
	zw_cli_key_owner(owner, argv[optind]);
	zw_cli_keytimes_defaults(&o.nk.kt, o.nk.nodates);
	kf = zw_keyfile_new(fresh_key(&o, owner), &err);
	if (!kf)
		zw_cli_die("cannot prepare the key files: %s",
			   zw_strerror(err));
	return zw_cli_newkey_write(&o.nk, kf);
}
