/* Signer internals shared by zonecompile/sign*.c. Not a public header.
 *
 * sign.c        signer object, zone loading, errors, stats
 * sign_keys.c   keys: loading, timing, roles, DNSKEY RRset, dsset text
 * sign_apex.c   apex RRsets made here (SOA serial, NSEC3PARAM), -g DS
 * sign_nsec3.c  NSEC3 chain: members, hashing, order, positions
 * sign_node.c   one node: its RRsets, NSEC/NSEC3, signatures (new, kept)
 * sign_text.c   records as text into a worker's buffer
 * sign_fmt.c    fast RRSIG/NSEC text and small type bitmaps
 * sign_run.c    threads, ranges of nodes, ordered output, nonce makers
 * sign_p256.c   P-256 signing with nonces made ahead (while parsing) */
#ifndef ZW_ZONECOMPILE_SIGN_INT_H
#define ZW_ZONECOMPILE_SIGN_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/nsec3.h"
#include "crypto/rrsig.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "zonecompile/sign.h"

#define SIGN_MAX_KEYS 64

struct sign_key {
	struct zw_key *key;
	char *file;
	bool explicit_;     /* named on the command line */
	bool publish;       /* in the DNSKEY RRset */
	bool active;        /* timing says it signs */
	bool revoked;       /* REVOKE set: signs the DNSKEY RRset only */
	bool ksk;           /* SEP flag (and not -z) */
	bool signs_data;    /* computed by sign_keys_roles */
	bool signs_keys;    /* DNSKEY, CDS, CDNSKEY at the apex */
};

/* An RRset the signer made or holds itself, in the zone model's layout:
 * count x (2-octet big-endian length, rdata), canonical order. */
struct sign_set {
	uint16_t type;
	uint32_t ttl;
	uint32_t count;
	uint8_t *rdata;
	size_t size, cap;
};

/* One NSEC3 record of the chain, sorted by hash. */
struct n3_ent {
	uint8_t hash[ZW_NSEC3_HASH_LEN];
	uint32_t node;      /* node of the original owner name */
	uint32_t pos;       /* written just before node `pos` (n: at the end) */
	int32_t old;        /* node at the hashed owner (old RRSIGs), or -1 */
};

/* -g: DS RRsets read from dsset-<child>. files, by child name. */
struct ds_over {
	uint8_t *name;
	struct sign_set set;
};

struct sign_p256;
struct sign_p256_ctx;

struct zw_signer {
	struct zw_sign_opts o;
	zw_sign_warn_fn *warn;
	void *warn_ctx;
	char err[1400];

	struct zw_zone *zone;
	const char *path;
	uint8_t origin[ZW_NAME_MAX];
	size_t nnodes;

	struct sign_set zone_dnskey;    /* DNSKEYs the zone file had */
	struct sign_set zone_cds, zone_cdnskey;
	struct sign_key keys[SIGN_MAX_KEYS];
	size_t nkeys;
	const struct zw_key *data_keys[SIGN_MAX_KEYS];
	const struct zw_key *set_keys[SIGN_MAX_KEYS];
	size_t ndata, nset;

	struct sign_set dnskey;         /* final DNSKEY RRset */
	struct sign_set cds, cdnskey;   /* final CDS, CDNSKEY RRsets */
	struct sign_set n3param;
	struct sign_set soa;            /* SOA with the new serial */
	uint32_t nsec_ttl;

	struct n3_ent *n3;
	size_t nn3;

	struct ds_over *ds;
	size_t nds;

	struct sign_p256 *eng[SIGN_MAX_KEYS];   /* fast P-256 signers */
	size_t neng;
	void *makers;                   /* nonce-making threads (sign_run.c) */

	struct zw_sign_stats st;
	unsigned threads;
	bool origin_set, loaded, prepared;
};

/* A thread's working memory: reused for every node, grown when needed. */
struct sign_worker {
	struct zw_signer *s;
	char *out;
	size_t len, cap;
	struct zw_rdata_ref *rr;
	size_t rrcap;
	uint8_t *scratch;
	size_t scap;
	struct zw_nsec3_batch *nb;
	struct sign_p256_ctx *p256;
	char owner[ZW_NAME_STR_MAX];    /* current owner as text */
	size_t ownerlen;
	uint64_t sigs_new, sigs_kept, sigs_dropped, nsec, nodes, rrsets;
	int err;
	char msg[600];
};

/* sign.c */
int sign_fail(struct zw_signer *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sign_warn(struct zw_signer *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sign_set_add(struct sign_set *set, const uint8_t *rd, size_t len);
void sign_set_free(struct sign_set *set);
bool sign_set_has(const struct sign_set *set, const uint8_t *rd, size_t len);
void sign_set_view(const struct sign_set *set, struct zw_rrset *rs);
int sign_worker_fail(struct sign_worker *w, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* sign_keys.c */
int sign_keys_roles(struct zw_signer *s);
/* Keys that will most likely sign the zone's data (before roles). */
size_t sign_keys_likely_data(const struct zw_signer *s,
			     const struct zw_key **out);
int sign_keys_dnskey(struct zw_signer *s);
int sign_keys_sync(struct zw_signer *s);
void sign_keys_free(struct zw_signer *s);

/* sign_apex.c */
int sign_apex_soa(struct zw_signer *s);
int sign_apex_n3param(struct zw_signer *s);
int sign_ds_load(struct zw_signer *s);
const struct sign_set *sign_ds_find(const struct zw_signer *s,
				    const uint8_t *name);
void sign_ds_free(struct zw_signer *s);

/* sign_nsec3.c */
int sign_nsec3_prepare(struct zw_signer *s);
/* Node classes for the chains. */
bool sign_node_has_data(const struct zw_node *n);
bool sign_node_in_nsec(const struct zw_node *n);
bool sign_node_secure_deleg(const struct zw_signer *s,
			    const struct zw_node *n);
/* First entry with pos >= node (binary search). */
size_t sign_nsec3_first_at(const struct zw_signer *s, size_t node);
/* NSEC3 rdata of chain entry k; length or a zw_err. */
int sign_nsec3_rdata(const struct zw_signer *s, size_t k, uint8_t *rd,
		     size_t max);

/* sign_node.c */
int sign_node(struct sign_worker *w, size_t i);
int sign_nsec3_record(struct sign_worker *w, size_t k);
int sign_worker_init(struct sign_worker *w, struct zw_signer *s);
void sign_worker_free(struct sign_worker *w);

/* sign_text.c */
int sign_text_owner(struct sign_worker *w, const uint8_t *name);
int sign_text_rr(struct sign_worker *w, uint32_t ttl, uint16_t type,
		 const uint8_t *rd, size_t len);
int sign_text_reserve(struct sign_worker *w, size_t need);
int sign_text_rrset_str(const struct sign_set *set, const uint8_t *owner,
			char *buf, size_t size);

/* sign_fmt.c */
size_t sign_fmt_u32(char *p, uint32_t v);
int sign_fmt_type(uint16_t type, char *p);
int sign_fmt_name(const uint8_t *name, char *out, size_t max);
int sign_fmt_rrsig(const uint8_t *rd, size_t len, char *out, size_t max);
int sign_fmt_nsec(const uint8_t *rd, size_t len, char *out, size_t max);
int sign_fmt_rdata(uint16_t type, const uint8_t *rd, size_t len, char *out,
		   size_t max);
/* Types sorted in place; out needs 34 octets per window. */
int sign_bitmap(uint16_t *types, size_t n, uint8_t *out);

/* sign_p256.c */
bool sign_p256_usable(const struct zw_key *key);
struct sign_p256 *sign_p256_new(const struct zw_key *key, size_t pool);
void sign_p256_free(struct sign_p256 *e);
const struct zw_key *sign_p256_key(const struct sign_p256 *e);
void sign_p256_produce(struct sign_p256 *e);
bool sign_p256_produce_one(struct sign_p256 *e);
void sign_p256_stop(struct sign_p256 *e);
size_t sign_p256_made(const struct sign_p256 *e);
int sign_p256_ctx_init(struct sign_p256_ctx **c);
void sign_p256_ctx_free(struct sign_p256_ctx *c);
int sign_p256_sign(struct sign_p256 *e, struct sign_p256_ctx *c,
		   const uint8_t *data, size_t len, uint8_t *out);

/* sign_run.c */
/* Start/stop threads making nonces for the likely data keys (while the
 * zone is parsed); stop is safe to call when none were started. */
void sign_makers_start(struct zw_signer *s, size_t pool);
void sign_makers_stop(struct zw_signer *s);
int sign_run(struct zw_signer *s, zw_sign_write_fn *write, void *ctx);
/* fn(arg, t, nt) on nt = s->threads threads (t = 0 on the caller). */
void sign_parallel(struct zw_signer *s,
		   void (*fn)(void *arg, unsigned t, unsigned nt), void *arg);

#endif
