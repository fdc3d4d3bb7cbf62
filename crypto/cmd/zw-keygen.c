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

#define MAX_TRIES 100

static const char *prog = "zw-keygen";

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
		"Usage:\n    %s -a alg [options] name\n"
		"    -a alg: RSASHA256 RSASHA512 ECDSAP256SHA256 "
		"ECDSAP384SHA384 ED25519 ED448 (or number)\n"
		"    -b bits: RSA key size (1024..4096, default 2048)\n"
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
		"    -q: quiet\n",
		prog);
	exit(1);
}

struct opts {
	int alg;
	unsigned bits;
	uint16_t flags;
	const char *dir;
	uint32_t ttl;
	bool set[ZW_KFT_COUNT];
	int64_t when[ZW_KFT_COUNT];
	bool nodates, nsec3;
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
	if (!zw_alg_supported((uint8_t)a))
		die("unsupported algorithm %s (%d): zw-keygen makes "
		    "RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, "
		    "ED25519 and ED448 keys", s, a);
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
		die("unsupported name type '%s' (ZONE or OTHER; KEY records "
		    "for HOST/USER/ENTITY are not made)", arg);
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

static void parse_args(struct opts *o, int argc, char **argv)
{
	const char *alg = NULL;
	const char *why;
	int c;

	while ((c = getopt(argc, argv, "a:b:n:f:K:L:P:A:I:D:R:Gi:3qv:hCp:"))
	       != -1) {
		switch (c) {
		case 'a': alg = optarg; break;
		case 'b': o->bits = (unsigned)atoi(optarg); break;
		case 'n': nametype_opt(o, optarg); break;
		case 'f': flag_opt(o, optarg); break;
		case 'K': o->dir = optarg; break;
		case 'L': o->ttl = parse_ttl(optarg); break;
		case 'P': case 'A': case 'I': case 'D': case 'R':
			date_opt(o, c, optarg, argv, argc);
			break;
		case 'G': o->nodates = true; break;
		case 'i':
			if (zw_keytime_interval(optarg, &o->interval, &why))
				die("bad interval %s: %s", optarg, why);
			o->has_interval = true;
			break;
		case '3': o->nsec3 = true; break;
		case 'q': case 'v': break;
		case 'p':
			if (strcmp(optarg, "3") != 0)
				die("protocol must be 3");
			break;
		default: usage();
		}
	}
	if (!alg)
		die("no algorithm specified");
	if (optind != argc - 1)
		usage();
	o->alg = parse_alg(alg, o->nsec3);
	if (o->bits && zw_alg_default_bits((uint8_t)o->alg) == 2048 &&
	    (o->bits < 1024 || o->bits > 4096))
		die("RSA key size %u out of range (1024..4096)", o->bits);
	if (o->nodates && (o->set[ZW_KT_PUBLISH] || o->set[ZW_KT_ACTIVATE]))
		die("-G and -P or -A are mutually exclusive");
}

/* Publish/Activate defaults as dnssec-keygen: both now unless -G; -A alone
 * puts Publish interval before it, -P alone (with -i) Activate after. */
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

static struct zw_key *fresh_key(const struct opts *o, const uint8_t *owner)
{
	char msg[ZW_KF_MSG];
	struct zw_key *k;
	int err = 0;

	for (int i = 0; i < MAX_TRIES; i++) {
		int hit;

		k = zw_key_generate(owner, (uint8_t)o->alg, o->bits, o->flags,
				    &err);
		if (!k)
			die("key generation failed: %s", zw_strerror(err));
		hit = zw_keyfile_collides(o->dir, k, msg, sizeof(msg));
		if (hit < 0)
			die("%s", msg);
		if (hit == 0)
			return k;
		zw_key_free(k);
	}
	die("could not make a key whose tag does not collide in %s",
	    o->dir ? o->dir : ".");
}

int main(int argc, char **argv)
{
	struct opts o = { .flags = ZW_DNSKEY_ZONE };
	uint8_t owner[ZW_NAME_MAX];
	char msg[ZW_KF_MSG], base[1024];
	struct zw_keyfile *kf;
	int err, r;

	o.now = (int64_t)time(NULL);
	parse_args(&o, argc, argv);
	r = zw_name_from_str(owner, argv[optind], strlen(argv[optind]),
			     (const uint8_t *)"");
	if (r < 0)
		die("invalid key name %s: %s", argv[optind], zw_strerror(r));
	default_dates(&o);
	kf = zw_keyfile_new(fresh_key(&o, owner), &err);
	if (!kf)
		die("cannot prepare the key files: %s", zw_strerror(err));
	kf->key->ttl = o.ttl;
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		if (o.set[i])
			zw_keyfile_set_time(kf, i, o.when[i]);
	if (zw_keyfile_save(kf, o.dir, msg, sizeof(msg)) != 0)
		die("%s", msg);
	zw_keyfile_basename(kf->key->owner, kf->key->alg, kf->key->tag, base,
			    sizeof(base));
	printf("%s\n", base);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}
