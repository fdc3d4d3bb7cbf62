/* zonecompile-internal: the verifier's shared state (see verify.h). */
#ifndef ZW_ZONECOMPILE_VERIFY_INT_H
#define ZW_ZONECOMPILE_VERIFY_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"
#include "crypto/nsec3.h"
#include "dns/zone.h"
#include "zonecompile/verify.h"

#define VKEYS_MAX 64
#define VCHAINS_MAX 4
#define VCHUNK_NODES 2048

/* Messages of one chunk of work, kept until they can go out in order:
 * lines of "<level digit><text>\0". */
struct vmsg {
	char *buf;
	size_t len, cap;
	uint64_t errors, warnings;
	bool oom;
};

struct vkey {
	struct zw_key *key;
	int alg;              /* index into v->r->algs */
	bool ksk, revoked, selfsigned, signs_soa;
};

/* One NSEC3 chain, from one NSEC3PARAM. */
struct vchain {
	uint8_t alg, flags;
	uint16_t iterations;
	uint8_t saltlen;
	uint8_t salt[255];
};

/* What NSEC3 a node needs (verify_nsec3.c). */
enum vneed {
	VNEED_NONE,           /* not in the chain (below a cut, NSEC3 owner) */
	VNEED_REQ,            /* must have one */
	VNEED_OPTOUT,         /* may be left out under an opt-out NSEC3 */
};

/* A name hashed for a chain: what the zone says should exist. */
struct vhashed {
	uint8_t hash[ZW_NSEC3_HASH_LEN];
	uint32_t node;
	uint8_t need;
};

/* Per chunk: its messages and what it collected for the NSEC3 phase. */
struct vchunk {
	struct vmsg msg;
	struct vhashed *hashed[VCHAINS_MAX];
	size_t nhashed[VCHAINS_MAX];
	uint32_t *nsec3_nodes;  /* nodes holding NSEC3 records, in order */
	size_t nnsec3;
};

struct zw_verify {
	const struct zw_zone *z;
	const struct zw_verify_opts *o;
	struct zw_verify_report *r;
	const uint8_t *apex;
	size_t nnodes;
	struct vkey keys[VKEYS_MAX];
	unsigned nkeys;
	uint32_t active;        /* algs indexes the zone is verified with */
	uint32_t bad_algs;      /* algs some RRset lacks (atomic updates) */
	bool nsec, nsec3;
	struct vchain chains[VCHAINS_MAX];
	unsigned nchains;
	uint8_t *need;          /* NSEC3 mode: enum vneed per node */
	struct vchunk *chunks;
	size_t nchunks, chunk_nodes;
	unsigned next_chunk;    /* atomic work counter */
	uint64_t sigs, sigs_batched, sigs_bad, sigs_expired, rrsets, chain;
	int fail;               /* first operational error (ZW_ENOMEM) */
	struct vmsg msg;        /* main-thread messages */
};

/* verify_msg.c */
void zw_vmsg_add(struct vmsg *m, enum zw_verify_level lvl, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
void zw_vmsg_flush(struct zw_verify *v, struct vmsg *m);
void zw_vmsg_free(struct vmsg *m);
/* Name as dnssec-verify prints it: no trailing dot (root stays "."). */
const char *zw_vname(const uint8_t *name, char *buf, size_t size);
const char *zw_vtype(uint16_t type, char *buf, size_t size);
const char *zw_valg(uint8_t alg, char *buf, size_t size);
#define VNAME(n) zw_vname((n), (char[ZW_NAME_STR_MAX]){0}, ZW_NAME_STR_MAX)
#define VTYPE(t) zw_vtype((t), (char[24]){0}, 24)
#define VALG(a) zw_valg((a), (char[24]){0}, 24)

/* An RRset of node n as crypto/rrsig.h views it; the rdata references go
 * to *refs (grown as needed, *cap entries). 0 or ZW_ENOMEM. */
struct zw_rrset_ref;
struct zw_rdata_ref;
int zw_vref(const struct zw_node *n, const struct zw_rrset *rs,
	    struct zw_rdata_ref **refs, size_t *cap, struct zw_rrset_ref *out);

/* verify_keys.c: DNSKEY RRset -> keys, classification, active algs.
 * Returns 0, ZW_EBADSIG (nothing to verify with) or ZW_ENOMEM. */
int zw_vkeys_load(struct zw_verify *v);
void zw_vkeys_free(struct zw_verify *v);
/* Keys matching an RRSIG's algorithm and tag: indexes into out. */
unsigned zw_vkeys_find(const struct zw_verify *v, uint8_t alg, uint16_t tag,
		       unsigned *out, unsigned max);

/* verify_nodes.c: the parallel pass over all nodes. */
int zw_vnodes_run(struct zw_verify *v);

/* verify_nsec.c */
bool zw_vnsec_in_chain(const struct zw_verify *v, size_t i);
void zw_vnsec_check(struct zw_verify *v, struct vmsg *m, size_t i);
/* Bitmap of the types an NSEC/NSEC3 at node n should list. */
int zw_vbitmap_expected(const struct zw_node *n, bool nsec3, uint8_t *out,
			size_t outmax);
/* Report a bitmap that differs from the expected one. */
void zw_vbitmap_diff(struct vmsg *m, const char *what, const uint8_t *owner,
		     const uint8_t *want, size_t wantlen, const uint8_t *have,
		     size_t havelen);

/* verify_nsec3.c */
int zw_vnsec3_prepare(struct zw_verify *v);
int zw_vnsec3_collect(struct zw_verify *v, struct vchunk *c,
		      struct zw_nsec3_batch *hb, size_t from, size_t to);
int zw_vnsec3_check(struct zw_verify *v);
void zw_vnsec3_free(struct zw_verify *v);

#endif
