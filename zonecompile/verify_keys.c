/* Verifier: the apex DNSKEY RRset, each key's role as dnssec-verify sees
 * it, and the algorithms the zone is verified with. */
#include <stdlib.h>
#include <string.h>

#include "crypto/rrsig.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/verify_int.h"

int zw_vref(const struct zw_node *n, const struct zw_rrset *rs,
	    struct zw_rdata_ref **refs, size_t *cap, struct zw_rrset_ref *out)
{
	if (rs->count > *cap) {
		size_t c = rs->count < 64 ? 64 : rs->count;
		struct zw_rdata_ref *r = realloc(*refs, c * sizeof *r);
		if (!r)
			return ZW_ENOMEM;
		*refs = r;
		*cap = c;
	}
	const uint8_t *p = rs->rdata;
	for (uint32_t k = 0; k < rs->count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		(*refs)[k] = (struct zw_rdata_ref){rd, len};
	}
	*out = (struct zw_rrset_ref){zw_node_name(n), rs->type, ZW_CLASS_IN,
				     rs->ttl, *refs, rs->count};
	return 0;
}

/* Index of alg in the report's table, added (kept sorted) when new. */
static int alg_index(struct zw_verify_report *r, uint8_t alg)
{
	unsigned i = 0;
	while (i < r->nalgs && r->algs[i].alg < alg)
		i++;
	if (i < r->nalgs && r->algs[i].alg == alg)
		return (int)i;
	if (r->nalgs == ZW_VERIFY_ALGS_MAX)
		return -1;
	memmove(&r->algs[i + 1], &r->algs[i],
		(r->nalgs - i) * sizeof r->algs[0]);
	r->algs[i] = (struct zw_verify_alg){.alg = alg};
	r->nalgs++;
	return (int)i;
}

/* True when some RRSIG over `type` at the apex verifies with key k. */
static bool key_signs(struct zw_verify *v, const struct zw_key *k,
		      uint16_t type)
{
	const struct zw_node *apex = zw_zone_node(v->z, 0);
	struct zw_rrset rs, sigs;
	struct zw_rdata_ref *refs = NULL;
	size_t cap = 0;
	struct zw_rrset_ref ref;
	bool ok = false;
	if (!zw_node_rrset(apex, type, 0, &rs) ||
	    !zw_node_rrset(apex, ZW_TYPE_RRSIG, type, &sigs) ||
	    zw_vref(apex, &rs, &refs, &cap, &ref) < 0)
		return false;
	const uint8_t *p = sigs.rdata;
	for (uint32_t i = 0; i < sigs.count && !ok; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		struct zw_rrsig s;
		if (zw_rrsig_parse(rd, len, &s) < 0 || s.alg != k->alg ||
		    s.key_tag != k->tag)
			continue;
		ok = zw_rrsig_verify(k, &ref, rd, len, v->o->now, NULL) == 0;
	}
	free(refs);
	return ok;
}

/* One DNSKEY record into v->keys (unusable ones are reported). */
static int add_key(struct zw_verify *v, const uint8_t *rd, uint16_t len)
{
	int err = 0;
	uint16_t flags = len >= 2 ? (uint16_t)(rd[0] << 8 | rd[1]) : 0;
	uint8_t alg = len >= 4 ? rd[3] : 0;
	if (!(flags & ZW_DNSKEY_ZONE))
		return 0;
	if (v->nkeys == VKEYS_MAX) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_WARN,
			    "More than %d DNSKEYs; the rest are ignored",
			    VKEYS_MAX);
		return 0;
	}
	struct zw_key *k = zw_key_from_dnskey(v->apex, rd, len, &err);
	if (!k) {
		if (err == ZW_ENOMEM)
			return err;
		zw_vmsg_add(&v->msg, ZW_VERIFY_WARN,
			    "DNSKEY %u/%s at %s cannot be used (%s); ignored",
			    zw_keytag(rd, len), VALG(alg), VNAME(v->apex),
			    zw_strerror(err));
		return 0;
	}
	int ai = alg_index(v->r, alg);
	if (ai < 0) {
		zw_key_free(k);
		return 0;
	}
	v->keys[v->nkeys++] = (struct vkey){
		.key = k, .alg = ai, .ksk = flags & ZW_DNSKEY_SEP,
		.revoked = flags & ZW_DNSKEY_REVOKE,
	};
	return 0;
}

/* dnssec-verify's counts: active KSK self-signs; active ZSK signs the
 * DNSKEY or the SOA RRset. */
static void classify(struct zw_verify *v, struct vkey *k)
{
	struct zw_verify_alg *a = &v->r->algs[k->alg];
	k->selfsigned = key_signs(v, k->key, ZW_TYPE_DNSKEY);
	if (!k->ksk && !k->selfsigned)
		k->signs_soa = key_signs(v, k->key, ZW_TYPE_SOA);
	unsigned *count;
	if (k->revoked)
		count = k->ksk ? &a->ksk_revoked : &a->zsk_revoked;
	else if (k->ksk)
		count = k->selfsigned ? &a->ksk_active : &a->ksk_standby;
	else
		count = k->selfsigned || k->signs_soa ? &a->zsk_active
						      : &a->zsk_standby;
	(*count)++;
	if (!k->revoked && k->selfsigned && (k->ksk || v->o->ignore_ksk))
		a->verified = true;
}

/* Algorithms verified with; an algorithm that signs data without a
 * self-signed KSK is a failure of that algorithm (as dnssec-verify). */
static int choose_algs(struct zw_verify *v)
{
	v->active = 0;
	for (unsigned i = 0; i < v->r->nalgs; i++)
		if (v->r->algs[i].verified)
			v->active |= 1u << i;
	if (!v->active) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR,
			    "No self-signed KSK DNSKEY found");
		return ZW_EBADSIG;
	}
	for (unsigned i = 0; i < v->r->nalgs; i++) {
		struct zw_verify_alg *a = &v->r->algs[i];
		if (a->verified)
			continue;
		if (!v->o->ignore_ksk && a->zsk_active) {
			zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR,
				    "Missing self-signed KSK for algorithm %s",
				    VALG(a->alg));
			v->bad_algs |= 1u << i;
			continue;
		}
		/* dnssec-verify passes such a zone (stand-by keys of a new
		 * algorithm); RFC 6840 §5.11 asks more. */
		zw_vmsg_add(&v->msg, ZW_VERIFY_WARN,
			    "The DNSKEY RRset has %s keys but none signs the "
			    "zone (RFC 6840 section 5.11 wants every algorithm "
			    "there to sign it)", VALG(a->alg));
	}
	return 0;
}

int zw_vkeys_load(struct zw_verify *v)
{
	const struct zw_node *apex = zw_zone_node(v->z, 0);
	struct zw_rrset ks;
	if (!zw_node_rrset(apex, ZW_TYPE_DNSKEY, 0, &ks) || !ks.count) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR,
			    "Zone contains no DNSSEC keys");
		return ZW_EBADSIG;
	}
	const uint8_t *p = ks.rdata;
	for (uint32_t i = 0; i < ks.count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		int rc = add_key(v, rd, len);
		if (rc < 0)
			return rc;
	}
	/* Indexes shift while algorithms are added: set them afresh. */
	for (unsigned i = 0; i < v->nkeys; i++)
		v->keys[i].alg = alg_index(v->r, v->keys[i].key->alg);
	for (unsigned i = 0; i < v->nkeys; i++)
		classify(v, &v->keys[i]);
	return choose_algs(v);
}

void zw_vkeys_free(struct zw_verify *v)
{
	for (unsigned i = 0; i < v->nkeys; i++)
		zw_key_free(v->keys[i].key);
	v->nkeys = 0;
}

unsigned zw_vkeys_find(const struct zw_verify *v, uint8_t alg, uint16_t tag,
		       unsigned *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < v->nkeys && n < max; i++)
		if (v->keys[i].key->alg == alg && v->keys[i].key->tag == tag)
			out[n++] = i;
	return n;
}
