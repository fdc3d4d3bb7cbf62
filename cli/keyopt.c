/* cli/keyopt: key options shared by the dnssec-* style programs. */
#include "cli/keyopt.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/keytime.h"
#include "dns/err.h"
#include "dns/name.h"

int64_t zw_cli_keytime(const struct zw_cli_keytimes *kt, const char *arg)
{
	const char *why = NULL;
	int64_t t;

	if (zw_keytime_parse(arg, kt->now, &t, &why) != 0)
		zw_cli_die("time value %s is invalid: %s", arg, why);
	return t;
}

void zw_cli_keytime_opt(struct zw_cli_keytimes *kt, int c, const char *arg,
			int argc, char **argv, bool ds_ok)
{
	int which = c == 'P' ? ZW_KT_PUBLISH : c == 'A' ? ZW_KT_ACTIVATE :
		    c == 'I' ? ZW_KT_INACTIVE : c == 'D' ? ZW_KT_DELETE :
							ZW_KT_REVOKE;
	bool sync = !strcasecmp(arg, "sync");
	bool ds = ds_ok && !strcasecmp(arg, "ds");

	if ((c == 'P' || c == 'D') && (sync || ds)) {
		/* zw-settime echoes the word as typed; keygen says "sync". */
		if (optind >= argc)
			zw_cli_die("-%c %s needs a date", c,
				   ds_ok ? arg : "sync");
		if (sync)
			which = c == 'P' ? ZW_KT_SYNCPUBLISH : ZW_KT_SYNCDELETE;
		else
			which = c == 'P' ? ZW_KFT_DSPUBLISH : ZW_KFT_DSDELETE;
		arg = argv[optind++];
	}
	kt->when[which] = zw_cli_keytime(kt, arg);
	kt->set[which] = true;
}

void zw_cli_interval_opt(struct zw_cli_keytimes *kt, const char *arg)
{
	const char *why;

	if (zw_keytime_interval(arg, &kt->interval, &why))
		zw_cli_die("bad interval %s: %s", arg, why);
	kt->has_interval = true;
}

void zw_cli_keytimes_defaults(struct zw_cli_keytimes *kt, bool nodates)
{
	bool p = kt->set[ZW_KT_PUBLISH], a = kt->set[ZW_KT_ACTIVATE];
	int64_t *w = kt->when;

	w[ZW_KT_CREATED] = kt->now;
	kt->set[ZW_KT_CREATED] = true;
	if (nodates)
		return;
	if (a && !p)
		w[ZW_KT_PUBLISH] = w[ZW_KT_ACTIVATE] ?
			w[ZW_KT_ACTIVATE] - kt->interval : 0;
	else if (p && !a)
		w[ZW_KT_ACTIVATE] = kt->has_interval && w[ZW_KT_PUBLISH] ?
			w[ZW_KT_PUBLISH] + kt->interval : kt->now;
	if (!p && !a)
		w[ZW_KT_PUBLISH] = w[ZW_KT_ACTIVATE] = kt->now;
	kt->set[ZW_KT_PUBLISH] = kt->set[ZW_KT_ACTIVATE] = true;
}

void zw_cli_keytimes_apply(const struct zw_cli_keytimes *kt,
			   struct zw_keyfile *kf)
{
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		if (kt->set[i])
			zw_keyfile_set_time(kf, i, kt->when[i]);
}

uint32_t zw_cli_ttl(const char *s)
{
	int64_t v;
	const char *why;

	if (!strcasecmp(s, "none"))
		return 0;
	if (zw_keytime_interval(s, &v, &why) != 0 || v > 0x7fffffff)
		zw_cli_die("bad TTL %s", s);
	return (uint32_t)v;
}

int zw_cli_key_alg(const char *s, bool nsec3)
{
	int a;

	if (!strcasecmp(s, "ECDSA256"))
		a = ZW_ALG_ECDSAP256;
	else if (!strcasecmp(s, "ECDSA384"))
		a = ZW_ALG_ECDSAP384;
	else
		a = zw_alg_from_name(s);
	if (a < 0)
		zw_cli_die("unknown algorithm %s", s);
	if (nsec3 && a == ZW_ALG_RSASHA1)
		a = ZW_ALG_RSASHA1_NSEC3;
	return a;
}

void zw_cli_key_flag(uint16_t *flags, const char *arg)
{
	if (!strcasecmp(arg, "KSK"))
		*flags |= ZW_DNSKEY_SEP;
	else if (!strcasecmp(arg, "REVOKE"))
		*flags |= ZW_DNSKEY_REVOKE;
	else
		zw_cli_die("unknown flag '%s' (KSK or REVOKE)", arg);
}

void zw_cli_name_type(uint16_t *flags, const char *arg, const char *choices)
{
	if (!strcasecmp(arg, "ZONE"))
		*flags |= ZW_DNSKEY_ZONE;
	else if (!strcasecmp(arg, "OTHER"))
		*flags &= (uint16_t)~ZW_DNSKEY_ZONE;
	else
		zw_cli_die("unsupported name type '%s' (%s)", arg, choices);
}

bool zw_cli_newkey_opt(struct zw_cli_newkey *nk, int c, const char *arg,
		       int argc, char **argv, const char *name_types)
{
	switch (c) {
	case 'n': zw_cli_name_type(&nk->flags, arg, name_types); break;
	case 'f': zw_cli_key_flag(&nk->flags, arg); break;
	case 'K': nk->dir = arg; break;
	case 'L': nk->ttl = zw_cli_ttl(arg); break;
	case 'P': case 'A': case 'I': case 'D': case 'R':
		zw_cli_keytime_opt(&nk->kt, c, arg, argc, argv, false);
		break;
	case 'G': nk->nodates = true; break;
	case 'i': zw_cli_interval_opt(&nk->kt, arg); break;
	case '3': nk->nsec3 = true; break;
	case 'q': case 'v': break;
	default: return false;
	}
	return true;
}

void zw_cli_key_owner(uint8_t *owner, const char *name)
{
	int r = zw_name_from_str(owner, name, strlen(name),
				 (const uint8_t *)"");

	if (r < 0)
		zw_cli_die("invalid key name %s: %s", name, zw_strerror(r));
}

int zw_cli_newkey_write(const struct zw_cli_newkey *nk,
			struct zw_keyfile *kf)
{
	char msg[ZW_KF_MSG], base[1024];

	kf->key->ttl = nk->ttl;
	zw_cli_keytimes_apply(&nk->kt, kf);
	if (zw_keyfile_save(kf, nk->dir, msg, sizeof(msg)) != 0)
		zw_cli_die("%s", msg);
	zw_keyfile_basename(kf->key->owner, kf->key->alg, kf->key->tag, base,
			    sizeof(base));
	printf("%s\n", base);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}

void zw_cli_key_label(const struct zw_key *k, char *buf, size_t n)
{
	char owner[ZW_NAME_STR_MAX];
	const char *alg = zw_alg_name(k->alg);

	zw_name_to_str(k->owner, owner, sizeof(owner));
	if (strlen(owner) > 1)
		owner[strlen(owner) - 1] = 0;   /* BIND drops the final dot */
	snprintf(buf, n, "%s/%s/%u", owner, alg ? alg : "?", k->tag);
}
