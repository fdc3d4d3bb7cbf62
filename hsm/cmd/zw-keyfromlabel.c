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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "crypto/keyfile.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "dns/name.h"
#include "hsm/hsm.h"

static const char *prog = "zw-keyfromlabel";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: fatal: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage:\n    %s -l label [-E engine] -a alg [options] name\n"
		"    -l label: PKCS#11 URI of the key, e.g. "
		"\"token=T;object=O;pin-source=FILE\"\n"
		"    -E engine: OpenSSL engine (default pkcs11)\n"
		"    -a alg: RSASHA256 RSASHA512 ECDSAP256SHA256 "
		"ECDSAP384SHA384 RSASHA1 NSEC3RSASHA1 (or number)\n"
		"    -n ZONE|OTHER: name type (default ZONE)\n"
		"    -f KSK|REVOKE: set a flag\n"
		"    -K directory: where to write the key files\n"
		"    -L ttl: default TTL of the DNSKEY\n"
		"    -P|-A|-R|-I|-D date/[+-]offset/none: publish, activate, "
		"revoke, inactivate, delete\n"
		"    -P sync|-D sync date: CDS/CDNSKEY publish, delete\n"
		"    -G: no publish or activate date\n"
		"    -i interval: prepublication interval\n"
		"    -3: NSEC3-capable algorithm\n"
		"    -y: allow a key tag that collides after revocation\n"
		"    -q: quiet\n",
		prog);
	exit(1);
}

struct opts {
	int alg;
	uint16_t flags;
	const char *dir, *label, *engine;
	uint32_t ttl;
	bool set[ZW_KFT_COUNT];
	int64_t when[ZW_KFT_COUNT];
	bool nodates, nsec3, allow_collision;
	int64_t interval;
	bool has_interval;
	int64_t now;
};

static int parse_alg(const char *s, bool nsec3)
{
	int a;

	if (!strcasecmp(s, "ECDSA256"))
		a = ZW_ALG_ECDSAP256;
	else if (!strcasecmp(s, "ECDSA384"))
		a = ZW_ALG_ECDSAP384;
	else
		a = zw_alg_from_name(s);
	if (a < 0)
		die("unknown algorithm %s", s);
	if (nsec3 && a == ZW_ALG_RSASHA1)
		a = ZW_ALG_RSASHA1_NSEC3;
	return a;
}

static void set_date(struct opts *o, int which, const char *arg)
{
	const char *why = NULL;

	if (zw_keytime_parse(arg, o->now, &o->when[which], &why) != 0)
		die("time value %s is invalid: %s", arg, why);
	o->set[which] = true;
}

/* -P and -D take an optional "sync" word before the date. */
static void date_opt(struct opts *o, int c, const char *arg, char **argv,
		     int argc)
{
	int which = c == 'P' ? ZW_KT_PUBLISH : c == 'A' ? ZW_KT_ACTIVATE :
		    c == 'I' ? ZW_KT_INACTIVE : c == 'D' ? ZW_KT_DELETE :
							ZW_KT_REVOKE;

	if ((c == 'P' || c == 'D') && !strcasecmp(arg, "sync")) {
		if (optind >= argc)
			die("-%c sync needs a date", c);
		which = c == 'P' ? ZW_KT_SYNCPUBLISH : ZW_KT_SYNCDELETE;
		arg = argv[optind++];
	}
	set_date(o, which, arg);
}

static void flag_opt(struct opts *o, const char *arg)
{
	if (!strcasecmp(arg, "KSK"))
		o->flags |= ZW_DNSKEY_SEP;
	else if (!strcasecmp(arg, "REVOKE"))
		o->flags |= ZW_DNSKEY_REVOKE;
	else
		die("unknown flag '%s' (KSK or REVOKE)", arg);
}

static void nametype_opt(struct opts *o, const char *arg)
{
	if (!strcasecmp(arg, "ZONE"))
		o->flags |= ZW_DNSKEY_ZONE;
	else if (!strcasecmp(arg, "OTHER"))
		o->flags &= (uint16_t)~ZW_DNSKEY_ZONE;
	else
		die("unsupported name type '%s' (ZONE or OTHER)", arg);
}

static uint32_t parse_ttl(const char *s)
{
	int64_t v;
	const char *why;

	if (!strcasecmp(s, "none"))
		return 0;
	if (zw_keytime_interval(s, &v, &why) != 0 || v > 0x7fffffff)
		die("bad TTL %s", s);
	return (uint32_t)v;
}

static void other_opt(struct opts *o, int c, const char *arg)
{
	const char *why;

	switch (c) {
	case 'i':
		if (zw_keytime_interval(arg, &o->interval, &why))
			die("bad interval %s: %s", arg, why);
		o->has_interval = true;
		break;
	case 'c':
		if (strcasecmp(arg, "IN"))
			die("class %s: only IN is supported", arg);
		break;
	case 'p':
		if (strcmp(arg, "3") != 0)
			die("invalid DNSKEY protocol: %s", arg);
		break;
	case 'k': case 'S': case 'C': case 't':
		die("-%c is not supported (KEY records, successor keys and "
		    "old-style files are not made)", c);
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
		switch (c) {
		case 'a': alg = optarg; break;
		case 'E': o->engine = optarg; break;
		case 'l': o->label = optarg; break;
		case 'n': nametype_opt(o, optarg); break;
		case 'f': flag_opt(o, optarg); break;
		case 'K': o->dir = optarg; break;
		case 'L': o->ttl = parse_ttl(optarg); break;
		case 'P': case 'A': case 'I': case 'D': case 'R':
			date_opt(o, c, optarg, argv, argc);
			break;
		case 'G': o->nodates = true; break;
		case '3': o->nsec3 = true; break;
		case 'y': o->allow_collision = true; break;
		case 'q': case 'v': break;
		default: other_opt(o, c, optarg);
		}
	}
	if (!o->label)
		die("the key label was not specified");
	if (!alg)
		die("no algorithm specified");
	if (optind != argc - 1)
		die(optind < argc ? "extraneous arguments" :
				    "the key name was not specified");
	o->alg = parse_alg(alg, o->nsec3);
	if (o->nodates && (o->set[ZW_KT_PUBLISH] || o->set[ZW_KT_ACTIVATE]))
		die("cannot use -G together with -P or -A options");
}

/* Publish/Activate defaults as dnssec-keyfromlabel: both now unless -G;
 * -A alone puts Publish interval before it, -P alone (with -i) Activate
 * interval after. */
static void default_dates(struct opts *o)
{
	bool p = o->set[ZW_KT_PUBLISH], a = o->set[ZW_KT_ACTIVATE];

	o->when[ZW_KT_CREATED] = o->now;
	o->set[ZW_KT_CREATED] = true;
	if (o->nodates)
		return;
	if (a && !p)
		o->when[ZW_KT_PUBLISH] = o->when[ZW_KT_ACTIVATE] ?
			o->when[ZW_KT_ACTIVATE] - o->interval : 0;
	else if (p && !a)
		o->when[ZW_KT_ACTIVATE] = o->has_interval &&
			o->when[ZW_KT_PUBLISH] ?
			o->when[ZW_KT_PUBLISH] + o->interval : o->now;
	if (!p && !a)
		o->when[ZW_KT_PUBLISH] = o->when[ZW_KT_ACTIVATE] = o->now;
	o->set[ZW_KT_PUBLISH] = o->set[ZW_KT_ACTIVATE] = true;
}

/* BIND: an existing key of that name is fatal; a tag that collides once
 * one of the keys is revoked is fatal unless -y. */
static void check_collision(const struct opts *o, const struct zw_key *k,
			    const char *base)
{
	char msg[ZW_KF_MSG], path[4096];
	int hit = zw_keyfile_collides(o->dir, k, msg, sizeof(msg));

	if (hit < 0)
		die("%s", msg);
	if (!hit)
		return;
	snprintf(path, sizeof(path), "%s/%s.key", o->dir ? o->dir : ".",
		 base);
	if (access(path, F_OK) == 0)
		die("%s already exists", path);
	if (!o->allow_collision)
		die("%s could collide with another key upon revocation", base);
	fprintf(stderr, "%s: WARNING: key %s could collide with another key "
		"upon revocation. If you plan to revoke keys, destroy this "
		"key and make a different one.\n", prog, base);
}

int main(int argc, char **argv)
{
	struct opts o = { .flags = ZW_DNSKEY_ZONE };
	uint8_t owner[ZW_NAME_MAX];
	char msg[ZW_HSM_MSG], kmsg[ZW_KF_MSG], base[1024];
	struct zw_keyfile *kf;
	struct zw_key *key;
	int err = 0, r;

	o.now = (int64_t)time(NULL);
	parse_args(&o, argc, argv);
	r = zw_name_from_str(owner, argv[optind], strlen(argv[optind]),
			     (const uint8_t *)"");
	if (r < 0)
		die("invalid key name %s: %s", argv[optind], zw_strerror(r));
	default_dates(&o);
	key = zw_hsm_key_from_label(owner, (uint8_t)o.alg, o.flags, o.engine,
				    o.label, &err, msg, sizeof(msg));
	if (!key)
		die("failed to get key %s/%s: %s", argv[optind],
		    zw_alg_name((uint8_t)o.alg) ? zw_alg_name((uint8_t)o.alg)
						 : "?", msg);
	zw_keyfile_basename(key->owner, key->alg, key->tag, base,
			    sizeof(base));
	check_collision(&o, key, base);
	key->ttl = o.ttl;
	if (!(kf = zw_hsm_keyfile_new(key, &err)))
		die("cannot prepare the key files: %s", zw_strerror(err));
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		if (o.set[i])
			zw_keyfile_set_time(kf, i, o.when[i]);
	if (zw_keyfile_save(kf, o.dir, kmsg, sizeof(kmsg)) != 0)
		die("%s", kmsg);
	printf("%s\n", base);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}
