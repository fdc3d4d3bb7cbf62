/* One node of the signed zone: its RRsets (the zone's, with the apex and
 * -g sets swapped in), its NSEC, and the RRSIGs over what is authoritative:
 * old ones kept while still good, new ones for every key still missing. */
#include <stdlib.h>
#include <string.h>

#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rrtype.h"
#include "hsm/hsm.h"
#include "zonecompile/sign_int.h"

#define NODE_ITEMS 64           /* RRsets per node handled at once */
#define NSEC_RD_MAX (ZW_NAME_MAX + ZW_BITMAP_MAX)

struct item {
	struct zw_rrset rs;
	bool sign;
};

struct node_ctx {
	const struct zw_node *n;
	const uint8_t *owner;
	struct item it[NODE_ITEMS];
	size_t nit;
	struct zw_rrset sigs[NODE_ITEMS]; /* old RRSIG RRsets, by covers */
	size_t nsigs;
};

int sign_worker_init(struct sign_worker *w, struct zw_signer *s)
{
	memset(w, 0, sizeof *w);
	w->s = s;
	return 0;
}

void sign_worker_free(struct sign_worker *w)
{
	sign_p256_ctx_free(w->p256);
	free(w->out);
	free(w->rr);
	free(w->scratch);
	if (w->nb)
		zw_nsec3_batch_free(w->nb);
	memset(w, 0, sizeof *w);
}

/* ---- node classes ---- */

bool sign_node_has_data(const struct zw_node *n)
{
	struct zw_rrset rs;

	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs))
		if (rs.type != ZW_TYPE_RRSIG)
			return true;
	return false;
}

/* Owns an NSEC: authoritative (or a delegation point) and holds data. */
bool sign_node_in_nsec(const struct zw_node *n)
{
	if (n->flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME |
			ZW_NODE_ENT))
		return false;
	return sign_node_has_data(n);
}

bool sign_node_secure_deleg(const struct zw_signer *s,
			    const struct zw_node *n)
{
	struct zw_rrset rs;

	if (s->nds && sign_ds_find(s, zw_node_name(n)))
		return true;
	return zw_node_rrset(n, ZW_TYPE_DS, 0, &rs);
}

/* ---- signatures ---- */

static int rr_refs(struct sign_worker *w, const struct zw_rrset *rs)
{
	const uint8_t *p = rs->rdata;

	if (rs->count > w->rrcap) {
		size_t cap = rs->count + 64;
		struct zw_rdata_ref *r = realloc(w->rr, cap * sizeof *r);

		if (!r)
			return sign_worker_fail(w, ZW_ENOMEM, "out of memory");
		w->rr = r;
		w->rrcap = cap;
	}
	for (uint32_t i = 0; i < rs->count; i++) {
		uint16_t len;

		w->rr[i].data = zw_rr_next(&p, &len);
		w->rr[i].len = len;
	}
	return 0;
}

/* Expiration spread by -j, the same for an RRset on every run. */
static uint32_t expiry(const struct zw_signer *s, const uint8_t *owner,
		       uint16_t type)
{
	uint64_t h;

	if (!s->o.jitter)
		return s->o.expiration;
	h = zw_name_hash(owner) ^ ((uint64_t)type * 0x9e3779b97f4a7c15ull);
	h ^= h >> 29;
	return s->o.expiration - (uint32_t)(h % ((uint64_t)s->o.jitter + 1));
}

/* An old RRSIG is kept when made by a key that signs this RRset now, for
 * this owner and TTL, valid beyond the refresh interval, and it verifies. */
static int old_key(const struct zw_signer *s, const struct zw_rrset_ref *ref,
		   const uint8_t *rd, size_t len, const struct zw_key *const *k,
		   size_t nk)
{
	struct zw_rrsig sig;
	int64_t now = s->o.now;

	if (zw_rrsig_parse(rd, len, &sig) < 0 || sig.orig_ttl != ref->ttl ||
	    sig.type_covered != ref->type ||
	    sig.labels != zw_name_rrsig_labels(ref->owner) ||
	    !zw_name_equal(sig.signer, s->origin) ||
	    (int32_t)((uint32_t)now - sig.inception) < 0 ||
	    (int32_t)(sig.expiration - (uint32_t)(now + s->o.refresh)) <= 0)
		return -1;
	for (size_t j = 0; j < nk; j++)
		if (k[j]->alg == sig.alg && k[j]->tag == sig.key_tag)
			return zw_rrsig_verify(k[j], ref, rd, len, now,
					       NULL) == 0 ? (int)j : -1;
	return -1;
}

/* Old signatures worth keeping, by the index of the key that made them. */
struct kept {
	const uint8_t *rd[SIGN_MAX_KEYS];
	uint16_t len[SIGN_MAX_KEYS];
};

static void keep_old(struct sign_worker *w, const struct zw_rrset_ref *ref,
		     const struct zw_rrset *old, const struct zw_key *const *k,
		     size_t nk, struct kept *kp)
{
	const uint8_t *p = old->rdata;

	for (uint32_t i = 0; i < old->count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		int j = old_key(w->s, ref, rd, len, k, nk);

		if (j < 0 || kp->rd[j]) {
			w->sigs_dropped++;
			continue;
		}
		kp->rd[j] = rd;
		kp->len[j] = len;
	}
}

static struct sign_p256 *engine(const struct zw_signer *s,
				const struct zw_key *key)
{
	for (size_t i = 0; i < s->neng; i++)
		if (sign_p256_key(s->eng[i]) == key)
			return s->eng[i];
	return NULL;
}

static int scratch(struct sign_worker *w, size_t need)
{
	uint8_t *p;

	if (need <= w->scap)
		return 0;
	if (!(p = realloc(w->scratch, need + 4096)))
		return ZW_ENOMEM;
	w->scratch = p;
	w->scap = need + 4096;
	return 0;
}

/* zw_rrsig_sign's work with the fast P-256 signer. */
static int rrsig_p256(struct sign_worker *w, struct sign_p256 *e,
		      const struct zw_rrset_ref *ref, uint32_t exp,
		      uint8_t *rd, size_t max)
{
	const struct zw_key *key = sign_p256_key(e);
	struct zw_rrsig s = {
		.type_covered = ref->type, .alg = key->alg,
		.labels = (uint8_t)zw_name_rrsig_labels(ref->owner),
		.orig_ttl = ref->ttl, .expiration = exp,
		.inception = w->s->o.inception, .key_tag = key->tag,
		.signer = key->owner,
	};
	size_t need = zw_rrsig_input_size(ref, key->owner);
	size_t hdr = ZW_RRSIG_FIXED + zw_name_len(key->owner);
	int len, n;

	if (hdr + 64 > max)
		return ZW_ENOSPC;
	if ((!w->p256 && sign_p256_ctx_init(&w->p256) < 0) ||
	    scratch(w, need) < 0)
		return ZW_ENOMEM;
	if ((len = zw_rrsig_input(&s, ref, w->scratch, need)) < 0)
		return len;
	memcpy(rd, w->scratch, hdr);    /* the input starts with the rdata */
	n = sign_p256_sign(e, w->p256, w->scratch, (size_t)len, rd + hdr);
	return n < 0 ? n : (int)hdr + n;
}

static int new_sig(struct sign_worker *w, const struct zw_rrset_ref *ref,
		   const struct zw_key *key)
{
	const struct zw_signer *s = w->s;
	struct sign_p256 *e = engine(s, key);
	uint32_t exp = expiry(s, ref->owner, ref->type);
	uint8_t rd[ZW_RRSIG_MAX];
	int n = e ? rrsig_p256(w, e, ref, exp, rd, sizeof rd)
		  : zw_rrsig_sign(key, ref, s->o.inception, exp, rd,
				  sizeof rd);

	if (n < 0) {
		char why[ZW_HSM_MSG] = "";

		if (key->engine)        /* a token key: ask the token why */
			zw_hsm_key_check(key, why, sizeof why);
		return sign_worker_fail(w, n, "%s: signing with key %u: %s",
					w->owner, key->tag,
					*why ? why : zw_strerror(n));
	}
	if (s->o.verify_each &&
	    zw_rrsig_verify(key, ref, rd, (size_t)n, s->o.inception, NULL))
		return sign_worker_fail(w, ZW_EBADSIG, "%s: new signature by "
					"key %u does not verify", w->owner,
					key->tag);
	w->sigs_new++;
	return sign_text_rr(w, ref->ttl, ZW_TYPE_RRSIG, rd, (size_t)n);
}

static int sign_rrset(struct sign_worker *w, const uint8_t *owner,
		      const struct zw_rrset *rs, const struct zw_rrset *old)
{
	const struct zw_signer *s = w->s;
	bool keyset = (rs->type == ZW_TYPE_DNSKEY || rs->type == ZW_TYPE_CDS ||
		       rs->type == ZW_TYPE_CDNSKEY) &&
		      zw_name_equal(owner, s->origin);
	const struct zw_key *const *k = keyset ? s->set_keys : s->data_keys;
	size_t nk = keyset ? s->nset : s->ndata;
	struct zw_rrset_ref ref;
	struct kept kp;

	if (rr_refs(w, rs) < 0)
		return w->err;
	ref = (struct zw_rrset_ref){ .owner = owner, .type = rs->type,
				     .rclass = 1, .ttl = rs->ttl,
				     .rr = w->rr, .count = rs->count };
	w->rrsets++;
	memset(kp.rd, 0, nk * sizeof kp.rd[0]);
	if (old)
		keep_old(w, &ref, old, k, nk, &kp);
	/* key order for kept and new alike, so a re-signed zone with
	 * nothing to do is the same text */
	for (size_t j = 0; j < nk; j++) {
		int rc = 0;

		if (kp.rd[j]) {
			w->sigs_kept++;
			rc = sign_text_rr(w, ref.ttl, ZW_TYPE_RRSIG, kp.rd[j],
					  kp.len[j]);
		} else if (!(k[j]->flags & ZW_DNSKEY_REVOKE) ||
			   rs->type == ZW_TYPE_DNSKEY) {
			rc = new_sig(w, &ref, k[j]);
		}
		if (rc < 0)
			return w->err;
	}
	return 0;
}

/* ---- a node's RRsets ---- */

static const struct zw_rrset *old_sigs(const struct node_ctx *c,
				       uint16_t type)
{
	for (size_t i = 0; i < c->nsigs; i++)
		if (c->sigs[i].covers == type)
			return &c->sigs[i];
	return NULL;
}

static int add_item(struct sign_worker *w, struct node_ctx *c,
		    const struct zw_rrset *rs)
{
	size_t i = c->nit;

	if (c->nit == NODE_ITEMS)
		return sign_worker_fail(w, ZW_ERANGE, "%s: too many RRsets",
					w->owner);
	while (i > 0 && c->it[i - 1].rs.type > rs->type) {
		c->it[i] = c->it[i - 1];
		i--;
	}
	c->it[i].rs = *rs;
	c->it[i].sign = zw_zone_role(c->n, rs->type, 0) == ZW_ROLE_AUTH;
	c->nit++;
	return 0;
}

static int add_set(struct sign_worker *w, struct node_ctx *c,
		   const struct sign_set *set)
{
	struct zw_rrset rs;

	if (!set->count)
		return 0;
	sign_set_view(set, &rs);
	return add_item(w, c, &rs);
}

/* The zone's RRsets, with the SOA (new serial) and -g DS swapped in. */
static int zone_items(struct sign_worker *w, struct node_ctx *c, bool apex)
{
	const struct sign_set *ds = NULL;
	struct zw_rrset rs;
	int rc = 0;

	if ((c->n->flags & ZW_NODE_DELEG) && w->s->nds)
		ds = sign_ds_find(w->s, c->owner);
	for (bool ok = zw_rrset_first(c->n, &rs); ok && rc == 0;
	     ok = zw_rrset_next(c->n, &rs)) {
		if (rs.type == ZW_TYPE_RRSIG) {
			if (c->nsigs < NODE_ITEMS)
				c->sigs[c->nsigs++] = rs;
		} else if (apex && rs.type == ZW_TYPE_SOA) {
			rc = add_set(w, c, &w->s->soa);
		} else if (!(ds && rs.type == ZW_TYPE_DS)) {
			rc = add_item(w, c, &rs);
		}
	}
	if (rc == 0 && ds)
		rc = add_set(w, c, ds);
	return rc;
}

/* ---- NSEC ---- */

static const uint8_t *next_nsec_name(const struct zw_signer *s, size_t i)
{
	for (size_t j = i + 1; j < s->nnodes; j++) {
		const struct zw_node *n = zw_zone_node(s->zone, j);

		if (sign_node_in_nsec(n))
			return zw_node_name(n);
	}
	return zw_node_name(zw_zone_node(s->zone, 0));
}

/* Types for a bitmap: at a delegation only NS and DS count (glue at the
 * cut is not the parent's data). */
static size_t node_types(const struct node_ctx *c, uint16_t *t)
{
	bool deleg = c->n->flags & ZW_NODE_DELEG;
	size_t n = 0;

	for (size_t i = 0; i < c->nit; i++) {
		uint16_t ty = c->it[i].rs.type;

		if (!deleg || ty == ZW_TYPE_NS || ty == ZW_TYPE_DS)
			t[n++] = ty;
	}
	return n;
}

static int add_nsec(struct sign_worker *w, struct node_ctx *c, size_t i,
		    uint8_t *rd, struct zw_rrset *rs)
{
	uint16_t types[NODE_ITEMS + 2];
	size_t nt = node_types(c, types);
	size_t nl = zw_name_copy(rd + 2, next_nsec_name(w->s, i));
	int bl;

	types[nt++] = ZW_TYPE_NSEC;
	types[nt++] = ZW_TYPE_RRSIG;
	bl = sign_bitmap(types, nt, rd + 2 + nl);
	rd[0] = (uint8_t)((nl + (size_t)bl) >> 8);
	rd[1] = (uint8_t)(nl + (size_t)bl);
	*rs = (struct zw_rrset){ .type = ZW_TYPE_NSEC, .ttl = w->s->nsec_ttl,
				 .count = 1, .rdata = rd,
				 .size = 2 + nl + (size_t)bl };
	return add_item(w, c, rs);
}

/* ---- output ---- */

static int put_rrset(struct sign_worker *w, const struct zw_rrset *rs)
{
	const uint8_t *p = rs->rdata;

	for (uint32_t i = 0; i < rs->count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);

		if (sign_text_rr(w, rs->ttl, rs->type, rd, len) < 0)
			return w->err;
	}
	return 0;
}

static int put_items(struct sign_worker *w, const struct node_ctx *c)
{
	for (size_t i = 0; i < c->nit; i++) {
		const struct item *it = &c->it[i];

		if (put_rrset(w, &it->rs) < 0)
			return w->err;
		if (it->sign &&
		    sign_rrset(w, c->owner, &it->rs,
			       old_sigs(c, it->rs.type)) < 0)
			return w->err;
	}
	return 0;
}

/* Data below a cut or a DNAME: written as it is, never signed. */
static int put_unsigned(struct sign_worker *w, const struct zw_node *n)
{
	struct zw_rrset rs;

	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs))
		if (rs.type != ZW_TYPE_RRSIG && put_rrset(w, &rs) < 0)
			return w->err;
	return 0;
}

int sign_node(struct sign_worker *w, size_t i)
{
	const struct zw_signer *s = w->s;
	struct node_ctx c;
	uint8_t nsec[2 + NSEC_RD_MAX];
	struct zw_rrset nrs;
	bool apex = i == 0;

	c.n = zw_zone_node(s->zone, i);
	if ((c.n->flags & ZW_NODE_ENT) || !sign_node_has_data(c.n))
		return 0;
	c.owner = zw_node_name(c.n);
	c.nit = c.nsigs = 0;
	w->nodes++;
	if (sign_text_owner(w, c.owner) < 0)
		return w->err;
	if (c.n->flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME))
		return put_unsigned(w, c.n);
	if (zone_items(w, &c, apex) < 0 ||
	    (apex && (add_set(w, &c, &s->dnskey) < 0 ||
		      add_set(w, &c, &s->cds) < 0 ||
		      add_set(w, &c, &s->cdnskey) < 0 ||
		      add_set(w, &c, &s->n3param) < 0)))
		return w->err;
	if (!s->o.nsec3 && add_nsec(w, &c, i, nsec, &nrs) < 0)
		return w->err;
	if (!s->o.nsec3)
		w->nsec++;
	return put_items(w, &c);
}

/* ---- one NSEC3 record ---- */

int sign_nsec3_record(struct sign_worker *w, size_t k)
{
	const struct zw_signer *s = w->s;
	const struct n3_ent *e = &s->n3[k];
	uint8_t owner[ZW_NAME_MAX], rd[2 + 6 + 255 + ZW_NSEC3_HASH_LEN +
				       ZW_BITMAP_MAX];
	struct zw_rrset rs, old;
	bool have_old = false;
	int n;

	zw_nsec3_owner(owner, e->hash, s->origin);
	if (sign_text_owner(w, owner) < 0)
		return w->err;
	n = sign_nsec3_rdata(s, k, rd + 2, sizeof rd - 2);
	if (n < 0)
		return sign_worker_fail(w, n, "%s: NSEC3 rdata", w->owner);
	rd[0] = (uint8_t)(n >> 8);
	rd[1] = (uint8_t)n;
	rs = (struct zw_rrset){ .type = ZW_TYPE_NSEC3, .ttl = s->nsec_ttl,
				.count = 1, .rdata = rd, .size = 2 + (size_t)n };
	if (e->old >= 0)
		have_old = zw_node_rrset(zw_zone_node(s->zone, (size_t)e->old),
					 ZW_TYPE_RRSIG, ZW_TYPE_NSEC3, &old);
	w->nsec++;
	if (put_rrset(w, &rs) < 0)
		return w->err;
	return sign_rrset(w, owner, &rs, have_old ? &old : NULL);
}
