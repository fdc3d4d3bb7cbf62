/* The zone verifier behind zw-verify (and the signer's post-signing check):
 * what BIND's dnssec-verify checks, on a loaded zone (dns/zone.h).
 *
 *  - keys: the apex DNSKEY RRset, each key classified as dnssec-verify does
 *    (a KSK is active when it signs the DNSKEY RRset, a ZSK when it signs
 *    the DNSKEY or SOA RRset; else stand-by; REVOKE set: revoked). The
 *    algorithms with an active (self-signing) KSK are the ones the zone is
 *    verified with; with ignore_ksk any self-signing key will do. An
 *    algorithm with active ZSKs but no self-signed KSK is an error; one
 *    whose keys sign nothing is a warning (dnssec-verify passes it; RFC
 *    6840 §5.11 wants every algorithm of the DNSKEY RRset to sign).
 *  - signatures: every authoritative RRset has, for every such algorithm,
 *    at least one RRSIG that verifies with a DNSKEY of the zone and whose
 *    validity window holds `now` (RFC 4035 §2.2, RFC 6840 §5.11). Delegation
 *    NS, glue and occluded data must carry no RRSIG, nor may an RRSIG cover
 *    a type the node lacks. A bad or expired signature next to a good one of
 *    the same algorithm is a warning (dnssec-verify accepts that zone too).
 *  - NSEC (apex has an NSEC): one NSEC per authoritative name, delegations
 *    included, in canonical order, the last pointing at the apex, bitmaps
 *    exactly the types present (at a cut: NS, DS, RRSIG, NSEC only).
 *  - NSEC3 (per NSEC3PARAM): every authoritative name and empty non-terminal
 *    hashed with the NSEC3PARAM's parameters has an NSEC3 with those
 *    parameters, except insecure delegations (and empty non-terminals with
 *    only those below them) covered by an opt-out NSEC3; the NSEC3 records
 *    form one closed chain in hash order; bitmaps as for NSEC; no NSEC3
 *    without a matching name.
 *
 * Signatures of algorithm 13 go through the batched P-256 engine
 * (crypto/batchverify.h), the rest through zw_key_verify; nodes are cut
 * into chunks checked by `threads` threads. Messages (dnssec-verify's
 * wording where it has one) are handed to a callback in zone order, after
 * the work is done. The library prints nothing. */
#ifndef ZW_ZONECOMPILE_VERIFY_H
#define ZW_ZONECOMPILE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/zone.h"

enum zw_verify_level {
	ZW_VERIFY_ERROR,   /* the zone is not correct */
	ZW_VERIFY_WARN,    /* worth saying; the zone still verifies */
	ZW_VERIFY_INFO,    /* detail for -v */
};

/* One message, no trailing newline; dnssec-verify's three-line report of
 * a break in an NSEC3 chain is one message with newlines inside. */
typedef void zw_verify_msg_fn(void *ctx, enum zw_verify_level level,
			      const char *text);

struct zw_verify_opts {
	int64_t now;           /* the clock: seconds since the epoch */
	bool ksk_only;         /* -x: ZSKs need not sign DNSKEY ("present") */
	bool ignore_ksk;       /* -z: any self-signing key makes an alg active */
	unsigned threads;      /* 0: online CPUs */
	unsigned chunk_nodes;  /* nodes per unit of work; 0: 2048 (tests make
				  it small to cross chunk borders) */
	zw_verify_msg_fn *msg; /* may be NULL */
	void *msg_ctx;
};

#define ZW_VERIFY_ALGS_MAX 16

/* Keys of one algorithm in the DNSKEY RRset, as dnssec-verify counts them. */
struct zw_verify_alg {
	uint8_t alg;
	bool verified;         /* the zone is verified with this algorithm */
	bool complete;         /* every RRset has a good signature with it */
	unsigned ksk_active, ksk_standby, ksk_revoked;
	unsigned zsk_active, zsk_standby, zsk_revoked;
};

struct zw_verify_report {
	bool ok;                       /* fully signed, chains correct */
	bool nsec, nsec3;              /* which chains were checked */
	unsigned nalgs;
	struct zw_verify_alg algs[ZW_VERIFY_ALGS_MAX];  /* by number */
	uint64_t errors, warnings;
	uint64_t nodes, rrsets;        /* authoritative RRsets checked */
	uint64_t sigs, sigs_batched;   /* signatures verified (crypto) */
	uint64_t sigs_bad, sigs_expired;
	uint64_t chain_records;        /* NSEC or NSEC3 records checked */
	unsigned threads;
	double t_keys, t_nodes, t_nsec3; /* seconds, wall clock */
	double cpu_nodes;              /* CPU seconds of the node pass */
};

/* Verify a finished zone. Returns 0 when the zone is fully correct,
 * ZW_EBADSIG when it is not (the messages say why), or another negative
 * zw_err when verification could not run (ZW_ENOMEM). The report (may be
 * NULL) is filled in either case. */
int zw_verify_zone(const struct zw_zone *z, const struct zw_verify_opts *o,
		   struct zw_verify_report *r);

/* Load a zone file and verify it; origin NULL: the first record's owner
 * (an SOA). Load failures come back as their zw_err with the parser's
 * "file:line: message" through the callback as an error. */
int zw_verify_file(const char *path, const uint8_t *origin,
		   const struct zw_verify_opts *o, struct zw_verify_report *r);

#endif
