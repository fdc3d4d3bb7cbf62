/* cli/keyopt: the key options zw-keygen, zw-keyfromlabel, zw-settime and
 * zw-revoke share with BIND's dnssec-* tools. Each parser dies with the
 * program's message on a bad value (cli.h), so only programs call them. */
#ifndef ZW_CLI_KEYOPT_H
#define ZW_CLI_KEYOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keyfile.h"

/* The times given on the command line (-P/-A/-I/-D/-R [sync|ds]) and -i. */
struct zw_cli_keytimes {
	int64_t now;                    /* what "now" and +offsets count from */
	bool set[ZW_KFT_COUNT];
	int64_t when[ZW_KFT_COUNT];     /* 0: "none", unset */
	bool has_interval;
	int64_t interval;               /* -i: prepublication interval */
};

/* A date, +/-offset, now or none; dies "time value X is invalid: why". */
int64_t zw_cli_keytime(const struct zw_cli_keytimes *kt, const char *arg);

/* -P/-A/-I/-D/-R (option letter c) with its argument. -P and -D take an
 * optional "sync" word (with ds_ok also "ds") and then the date from the
 * next argument (optind moves past it). */
void zw_cli_keytime_opt(struct zw_cli_keytimes *kt, int c, const char *arg,
			int argc, char **argv, bool ds_ok);

/* -i interval; dies "bad interval X: why". */
void zw_cli_interval_opt(struct zw_cli_keytimes *kt, const char *arg);

/* Created is now; Publish/Activate default as dnssec-keygen and
 * dnssec-keyfromlabel: both now unless nodates (-G); -A alone puts
 * Publish the interval before it, -P alone (with -i) Activate after. */
void zw_cli_keytimes_defaults(struct zw_cli_keytimes *kt, bool nodates);

/* Every time given goes into kf (and its .state). */
void zw_cli_keytimes_apply(const struct zw_cli_keytimes *kt,
			   struct zw_keyfile *kf);

/* -L ttl: an interval or "none" (0); dies "bad TTL X". */
uint32_t zw_cli_ttl(const char *s);

/* -a: algorithm name (ECDSA256/ECDSA384 too) or number, RSASHA1 becoming
 * NSEC3RSASHA1 with -3; dies "unknown algorithm X". */
int zw_cli_key_alg(const char *s, bool nsec3);

/* -f KSK|REVOKE: adds the flag; dies "unknown flag 'X' (KSK or REVOKE)". */
void zw_cli_key_flag(uint16_t *flags, const char *arg);

/* -n ZONE|OTHER: sets or clears the ZONE flag; else dies
 * "unsupported name type 'X' (<choices>)". */
void zw_cli_name_type(uint16_t *flags, const char *arg, const char *choices);

/* The options zw-keygen and zw-keyfromlabel share with dnssec-keygen. */
struct zw_cli_newkey {
	uint16_t flags;                 /* DNSKEY flags; start with ZONE */
	const char *dir;                /* -K */
	uint32_t ttl;                   /* -L */
	bool nodates, nsec3;            /* -G, -3 */
	struct zw_cli_keytimes kt;      /* -P/-A/-I/-D/-R [sync], -i */
};

/* Their lines of the usage text, in this order. */
#define ZW_CLI_NEWKEY_USAGE \
	"    -n ZONE|OTHER: name type (default ZONE)\n" \
	"    -f KSK|REVOKE: set a flag\n" \
	"    -K directory: where to write the key files\n" \
	"    -L ttl: default TTL of the DNSKEY\n" \
	"    -P|-A|-R|-I|-D date/[+-]offset/none: publish, activate, " \
	"revoke, inactivate, delete\n" \
	"    -P sync|-D sync date: CDS/CDNSKEY publish, delete\n" \
	"    -G: no publish or activate date\n" \
	"    -i interval: prepublication interval\n" \
	"    -3: NSEC3-capable algorithm\n"

/* Takes option c (-n -f -K -L -P -A -I -D -R -G -i -3, and -q -v which
 * are ignored) into nk; false for any other option. A bad -n dies naming
 * the choices ("ZONE or OTHER"). */
bool zw_cli_newkey_opt(struct zw_cli_newkey *nk, int c, const char *arg,
		       int argc, char **argv, const char *name_types);

/* The key's owner name from the command line (relative names are taken
 * as absolute); dies "invalid key name X: why". */
void zw_cli_key_owner(uint8_t *owner, const char *name);

/* A new key's files: the TTL and times of nk go into kf, which is written
 * to nk->dir (dies with the reason); prints the base name Kname.+alg+tag
 * and frees kf. Returns the program's exit status (1: stdout failed). */
int zw_cli_newkey_write(const struct zw_cli_newkey *nk,
			struct zw_keyfile *kf);

/* "owner/ALG/tag" as BIND names a key in messages (no final dot). */
void zw_cli_key_label(const struct zw_key *k, char *buf, size_t n);

#endif
