/* The zone signer behind zw-signzone: keys chosen by their role and timing,
 * NSEC or NSEC3 (opt-out, empty non-terminals) chains, RRSIGs over every
 * authoritative RRset, re-use of still-valid signatures when re-signing, and
 * the signed zone written as RFC 1035 text in canonical order.
 *
 * Use: zw_signer_new, zw_signer_set_origin, keys by zw_signer_key_file /
 * zw_signer_keys_from_dir, zw_signer_load (the zone file),
 * zw_signer_zone_keys, zw_signer_prepare (roles, apex RRsets; checks),
 * zw_signer_write. Keys named before the zone is loaded let the idle cores
 * make P-256 nonces while the file is parsed (zonecompile/sign_p256.c);
 * keys may also be added after loading.
 *
 * Signing runs on opts.threads threads (0: every online CPU): nodes are cut
 * into ranges, each thread signs a range and renders its text into its own
 * buffer, and the buffers go to the writer in zone order, so output streams
 * while signing goes on and no record is allocated on its own.
 *
 * The library prints nothing: errors are returned with a message in
 * zw_signer_error() ("file:line: owner/type: reason" where one applies),
 * warnings go to the callback. */
#ifndef ZW_ZONECOMPILE_SIGN_H
#define ZW_ZONECOMPILE_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"

#define ZW_SIGN_MAX_ITERATIONS 150   /* BIND 9.18's limit */

enum zw_sign_serial {
	ZW_SERIAL_KEEP,
	ZW_SERIAL_INCREMENT,
	ZW_SERIAL_UNIXTIME,
	ZW_SERIAL_DATE,
};

struct zw_sign_opts {
	int64_t now;                 /* the clock (pinned by tests) */
	uint32_t inception;          /* RRSIG inception */
	uint32_t expiration;         /* RRSIG expiration before jitter */
	uint32_t refresh;            /* keep old RRSIGs valid beyond now+this */
	uint32_t jitter;             /* expirations spread over [exp-jitter, exp] */
	unsigned threads;            /* 0: online CPUs */
	bool nsec3;
	bool optout;
	uint16_t iterations;
	uint8_t saltlen;
	uint8_t salt[255];
	bool ksk_only;               /* -x: DNSKEY/CDS/CDNSKEY by KSKs only */
	bool ignore_ksk;             /* -z: every key signs everything */
	bool smart;                  /* -S: keys' timing decides their use */
	enum zw_sign_serial serial;
	bool dnskey_ttl_set;         /* -T */
	uint32_t dnskey_ttl;
	bool verify_each;            /* -a: check every new signature */
	const char *dsset_dir;       /* -g: dsset-<child>. files here */
	const char *engine;          /* -E: token keys' engine (hsm/hsm.h) */
};

struct zw_sign_stats {
	uint64_t nodes;              /* names written (ENTs excluded) */
	uint64_t rrsets_signed;
	uint64_t sigs_new;
	uint64_t sigs_kept;          /* re-used from the input */
	uint64_t sigs_dropped;       /* in the input, not written */
	uint64_t nsec;               /* NSEC or NSEC3 records */
	uint64_t bytes;              /* output octets */
	uint64_t nonces_ahead;       /* P-256 nonces made while parsing */
	double t_load, t_prepare, t_sign;  /* seconds */
	unsigned threads;
};

struct zw_signer;

typedef void zw_sign_warn_fn(void *ctx, const char *msg);

/* A signer with these options (copied). NULL when out of memory. */
struct zw_signer *zw_signer_new(const struct zw_sign_opts *opts,
				zw_sign_warn_fn *warn, void *warn_ctx);
void zw_signer_free(struct zw_signer *s);

/* Message of the last error, "" when none. */
const char *zw_signer_error(const struct zw_signer *s);

/* The zone's name, so keys can be loaded before the zone. */
int zw_signer_set_origin(struct zw_signer *s, const uint8_t *origin);

/* Parse and load the zone file (origin NULL: the one set, else the first
 * record's owner, which must be an SOA). Old NSEC, NSEC3 and NSEC3PARAM records are
 * dropped (made afresh); old RRSIGs are kept to be re-used or dropped. */
int zw_signer_load(struct zw_signer *s, const char *path,
		   const uint8_t *origin);

/* The zone's apex (after load). */
const uint8_t *zw_signer_origin(const struct zw_signer *s);

/* A key named on the command line (K-file base name, with or without a
 * directory, .key or .private suffix), looked up in `dir` when relative.
 * It must belong to the zone and have its private half; it is published and
 * signs whatever its timing says (outside smart signing: always). */
int zw_signer_key_file(struct zw_signer *s, const char *dir,
		       const char *name);

/* Smart signing: every key of the zone in `dir`, used as its timing
 * metadata says (publish, activate, inactive, delete, revoke). */
int zw_signer_keys_from_dir(struct zw_signer *s, const char *dir);

/* Private keys in `dir` for the DNSKEYs already in the zone (what
 * dnssec-signzone does when no key is named). Missing ones are skipped. */
int zw_signer_zone_keys(struct zw_signer *s, const char *dir);

/* Decide each key's role, build the apex RRsets (DNSKEY, NSEC3PARAM, SOA
 * serial) and, for NSEC3, hash and order the chain. Fails with a message
 * when nothing can sign; warns (as BIND) when an algorithm has no KSK or
 * no ZSK, in which case its keys sign everything. */
int zw_signer_prepare(struct zw_signer *s);

/* Sign and write the zone text through `write` (called from one writer
 * thread, chunks in zone order; a negative return stops signing and is
 * returned). */
typedef int zw_sign_write_fn(void *ctx, const void *buf, size_t len);
int zw_signer_write(struct zw_signer *s, zw_sign_write_fn *write, void *ctx);

/* DS records (SHA-256) of the zone's published KSKs as "dsset-" text
 * (dsset true) or their DNSKEY records as "keyset-" text. Returns the
 * length or ZW_ENOSPC. */
int zw_signer_keyset_text(const struct zw_signer *s, bool dsset, char *buf,
			  size_t bufsize);

const struct zw_sign_stats *zw_signer_stats(const struct zw_signer *s);

/* Key tags and roles for -t style reporting: the i-th key (NULL past the
 * end), with what it does. */
struct zw_sign_keyinfo {
	const struct zw_key *key;
	const char *file;
	bool published, signs_data, signs_keys, revoked, ksk;
};
bool zw_signer_key_info(const struct zw_signer *s, size_t i,
			struct zw_sign_keyinfo *out);

#endif
