/* zw-keyfromlabel: K-files for a key that lives in a PKCS#11 token, as
 * BIND's dnssec-keyfromlabel makes them.
 *
 *   zw-keyfromlabel -E pkcs11 -a ALG -l LABEL [-f KSK|REVOKE]... [-K dir]
 *                   [-n ZONE|OTHER] [-L ttl] [-P|-A|-I|-D|-R date|+offset|none]
 *                   [-P sync date] [-D sync date] [-G] [-i interval] [-3]
 *                   [-c IN] [-p 3] [-y] [-q] name
 *
 * LABEL is a PKCS#11 URI ("pkcs11:" is put in front when it has no scheme):
 * "token=T;object=O;pin-source=/path/to/pinfile" or "...;pin-value=PIN".
 * The .key holds the DNSKEY read from the token; the .private holds the
 * engine and the label (without any pin-value: the PIN is never written
 * anywhere) and no key material. A test signature made in the token must
 * verify with the public key read before anything is written. Prints the
 * base name (Kname.+013+12345). A key whose tag, or revoked tag, collides
 * with one in the directory is refused (-y: warned about), as BIND does. */
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
#include "hsm/hsm.h"

static void usage(void)
{
	zw_cli_usage(
		"Usage:\n    %s -l label [-E engine] -a alg [options] name\n"
		"    -l label: PKCS#11 URI of the key, e.g. "
		"\"token=T;object=O;pin-source=FILE\"\n"
		"    -E engine: OpenSSL engine (default pkcs11)\n"
		"    -a alg: RSASHA256 RSASHA512 ECDSAP256SHA256 "
		"ECDSAP384SHA384 (or number)\n"
		ZW_CLI_NEWKEY_USAGE
		"    -y: allow a key tag that collides after revocation\n"
		"    -q: quiet\n",
		zw_cli_prog());
}

struct opts {
	int alg;
	const char *label, *engine;
	bool allow_collision;
	struct zw_cli_newkey nk;
};

/* The options dnssec-keyfromlabel has that zw-keyfromlabel only checks. */
static void other_opt(int c, const char *arg)
{
	switch (c) {
	case 'c':
		if (strcasecmp(arg, "IN"))
			zw_cli_die("class %s: only IN is supported", arg);
		break;
	case 'p':
		if (strcmp(arg, "3") != 0)
			zw_cli_die("invalid DNSKEY protocol: %s", arg);
		break;
	case 'k': case 'S': case 'C': case 't':
		zw_cli_die("-%c is not supported (KEY records, successor keys "
			   "and old-style files are not made)", c);
	default:
		usage();
	}
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	const char *alg = NULL;
	int c;

	while ((c = getopt(argc, argv,
			   "3a:A:c:CD:E:f:GhI:i:kK:l:L:n:P:p:qR:S:t:v:Vy"))
	       != -1) {
		if (zw_cli_newkey_opt(&o->nk, c, optarg, argc, argv,
				      "ZONE or OTHER"))
			continue;
		switch (c) {
		case 'a': alg = optarg; break;
		case 'E': o->engine = optarg; break;
		case 'l': o->label = optarg; break;
		case 'y': o->allow_collision = true; break;
		default: other_opt(c, optarg);
		}
	}
	if (!o->label)
		zw_cli_die("the key label was not specified");
	if (!alg)
		zw_cli_die("no algorithm specified");
	if (optind != argc - 1)
		zw_cli_die(optind < argc ? "extraneous arguments" :
					   "the key name was not specified");
	o->alg = zw_cli_key_alg(alg, o->nk.nsec3);
	if (o->nk.nodates &&
	    (o->nk.kt.set[ZW_KT_PUBLISH] || o->nk.kt.set[ZW_KT_ACTIVATE]))
		zw_cli_die("cannot use -G together with -P or -A options");
}

/* BIND: an existing key of that name is fatal; a tag that collides once
 * one of the keys is revoked is fatal unless -y. */
static void check_collision(const struct opts *o, const struct zw_key *k,
			    const char *base)
{
	char msg[ZW_KF_MSG], path[4096];
	int hit = zw_keyfile_collides(o->nk.dir, k, msg, sizeof(msg));

	if (hit < 0)
		zw_cli_die("%s", msg);
	if (!hit)
		return;
	snprintf(path, sizeof(path), "%s/%s.key", o->nk.dir ? o->nk.dir : ".",
		 base);
	if (access(path, F_OK) == 0)
		zw_cli_die("%s already exists", path);
	if (!o->allow_collision)
		zw_cli_die("%s could collide with another key upon revocation",
			   base);
	fprintf(stderr, "%s: WARNING: key %s could collide with another key "
		"upon revocation. If you plan to revoke keys, destroy this "
		"key and make a different one.\n", zw_cli_prog(), base);
}

int main(int argc, char **argv)
{
	struct opts o = { .nk.flags = ZW_DNSKEY_ZONE };
	uint8_t owner[ZW_NAME_MAX];
	char msg[ZW_HSM_MSG], base[1024];
	struct zw_keyfile *kf;
	struct zw_key *key;
	int err = 0;

	zw_cli_init("zw-keyfromlabel");
	o.nk.kt.now = (int64_t)time(NULL);
	parse_args(&o, argc, argv);
	zw_cli_key_owner(owner, argv[optind]);
	zw_cli_keytimes_defaults(&o.nk.kt, o.nk.nodates);
	key = zw_hsm_key_from_label(owner, (uint8_t)o.alg, o.nk.flags,
				    o.engine, o.label, &err, msg, sizeof(msg));
	if (!key) {
		const char *alg = zw_alg_name((uint8_t)o.alg);

		zw_cli_die("failed to get key %s/%s: %s", argv[optind],
			   alg ? alg : "?", msg);
	}
	zw_keyfile_basename(key->owner, key->alg, key->tag, base,
			    sizeof(base));
	check_collision(&o, key, base);
	if (!(kf = zw_hsm_keyfile_new(key, &err)))
		zw_cli_die("cannot prepare the key files: %s",
			   zw_strerror(err));
	return zw_cli_newkey_write(&o.nk, kf);
}
