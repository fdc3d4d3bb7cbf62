/* The compiler driver: for every name the lookup can hit, the responses
 * for every type worth its own entry (the types present, RRSIG, ANY, and
 * for a CNAME the types where its chain ends), turned into recipes over
 * pieces; the per-node pieces query-time proofs need; then the hash
 * table and the NSEC/NSEC3 index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_out.h"

/* ---- small maps ---- */

static int kmap_init(struct kmap *m, size_t n)
{
	size_t slots = 64;
	while (slots < n * 2)
		slots *= 2;
	m->key = calloc(slots, sizeof(uint64_t));
	m->val = calloc(slots, sizeof(uint32_t));
	m->mask = slots - 1;
	m->n = 0;
	return m->key && m->val ? 0 : ZW_ENOMEM;
}

static void kmap_free(struct kmap *m)
{
	free(m->key);
	free(m->val);
}

static uint64_t kmix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static int kmap_grow(struct kmap *m)
{
	struct kmap n;
	if (kmap_init(&n, (m->mask + 1)) < 0)
		return ZW_ENOMEM;
	for (uint64_t i = 0; i <= m->mask; i++) {
		if (!m->key[i])
			continue;
		uint64_t j = kmix(m->key[i]) & n.mask;
		while (n.key[j])
			j = (j + 1) & n.mask;
		n.key[j] = m->key[i];
		n.val[j] = m->val[i];
	}
	n.n = m->n;
	kmap_free(m);
	*m = n;
	return 0;
}

/* Keys are never 0. Returns the value slot (new ones hold 0). */
uint32_t *cc_kmap_slot(struct kmap *m, uint64_t key)
{
	if ((m->n + 1) * 2 > m->mask + 1 && kmap_grow(m) < 0)
		return NULL;
	for (uint64_t j = kmix(key) & m->mask;; j = (j + 1) & m->mask) {
		if (m->key[j] == key)
			return &m->val[j];
		if (!m->key[j]) {
			m->key[j] = key;
			m->val[j] = 0;
			m->n++;
			return &m->val[j];
		}
	}
}

/* ---- pieces and recipes ---- */

static uint32_t blob_ref(const struct cc *cc, long off)
{
	return (uint32_t)((cc->blob_base + (size_t)off) / 4);
}

static const uint8_t *anchor_name(const struct cc *cc, const struct cz_resp *r,
				  int g, const uint8_t *spec_anchor)
{
	switch (r->g[g].anchor) {
	case A_APEX:
		return cz_lname(&cc->cz, 0);
	case A_NODE:
		return cz_lname(&cc->cz, r->g[g].node);
	default:
		return spec_anchor;
	}
}

static bool group_empty(const struct cz_resp *r, int g)
{
	for (int i = 0; i < r->nrr; i++)
		if (r->rr[i].group == g)
			return false;
	return true;
}

/* The piece of group g: shared groups are built once per key. */
static uint32_t piece_ref(struct cc *cc, const struct cz_resp *r, int g,
			  const uint8_t *spec_anchor)
{
	const struct cz_group *gr = &r->g[g];
	uint32_t *slot = NULL;
	if (gr->kind != G_SPEC) {
		uint64_t key = (uint64_t)gr->kind << 56 |
			       (uint64_t)gr->anchor << 48 | (gr->node + 1ULL);
		slot = cc_kmap_slot(&cc->pieces, key);
		if (!slot)
			return 0;
		if (*slot)
			return *slot;
	}
	long off = cz_encode_piece(&cc->cz, r, 1u << g, true,
				   anchor_name(cc, r, g, spec_anchor),
				   &cc->blob);
	if (off < 0)
		return 0;
	uint32_t ref = blob_ref(cc, off);
	if (slot)
		*slot = ref;
	cc->npieces++;
	return ref;
}

/* A recipe, shared with any identical one. */
static uint32_t recipe_ref(struct cc *cc, uint8_t rcode, uint8_t flags,
			   const uint32_t *pcs, int n)
{
	uint8_t rec[4 + 4 * CZ_MAXG];
	struct zwt_recipe h = {rcode, flags, (uint8_t)n, 0};
	memcpy(rec, &h, 4);
	memcpy(rec + 4, pcs, 4u * (size_t)n);
	size_t len = 4 + 4u * (size_t)n;
	uint64_t key = zwt_hash(0x726563ULL, rec, len) | 1;
	uint32_t *slot = cc_kmap_slot(&cc->recipes, key);
	if (!slot)
		return 0;
	if (*slot) {
		const uint8_t *old = cc->blob.p + ((size_t)*slot * 4 -
						   cc->blob_base);
		if (!memcmp(old, rec, len))
			return *slot;
	}
	cz_buf_align(&cc->blob, 4);
	long off = (long)cc->blob.len;
	if (!cz_buf_append(&cc->blob, rec, len))
		return 0;
	uint32_t ref = blob_ref(cc, off);
	if (!*slot)
		*slot = ref;
	cc->nrecipes++;
	return ref;
}

/* One piece holding every RR of the groups in gmask, laid out as the
 * whole response for the anchor as query name; identical ones shared. */
static uint32_t merged_piece(struct cc *cc, const struct cz_resp *r,
			     uint32_t gmask, bool sigs, const uint8_t *anchor)
{
	long off = cz_encode_piece(&cc->cz, r, gmask, sigs, anchor,
				   &cc->blob);
	if (off < 0)
		return 0;
	size_t len = cc->blob.len - (size_t)off;
	const uint8_t *pc = cc->blob.p + off;
	uint64_t key = zwt_hash(0x706365ULL, pc, len) | 1;
	uint32_t *slot = cc_kmap_slot(&cc->merged, key);
	if (!slot)
		return 0;
	if (*slot) {
		size_t o = (size_t)*slot * 4 - cc->blob_base;
		if (o + len <= (size_t)off && !memcmp(cc->blob.p + o, pc, len)) {
			cc->blob.len = (size_t)off;
			return *slot;
		}
	}
	uint32_t ref = blob_ref(cc, off);
	if (!*slot)
		*slot = ref;
	cc->npieces++;
	return ref;
}

/* Positive answers and referrals are served whole: one piece per variant,
 * a single memcpy for the exact name. Negative answers share the SOA and
 * NSEC/NSEC3 pieces the NXDOMAIN path needs anyway. */
static bool mergeable(const struct cz_resp *r)
{
	if (r->rcode != 0)
		return false;
	if (!r->aa)
		return true;
	for (int i = 0; i < r->nrr; i++)
		if (r->rr[i].sec == 1)
			return true;
	return false;
}

/* The two recipes go right after what came before (the node) and their
 * pieces after them: a lookup reads node, recipe, piece in that order. */
static int merged_recipes(struct cc *cc, const struct cz_resp *r,
			  const uint8_t *spec_anchor, uint32_t rec[2])
{
	uint32_t all = 0, plain = 0;
	for (int g = 0; g < r->ngroup; g++) {
		if (group_empty(r, g))
			continue;
		all |= 1u << g;
		if (!r->g[g].dnssec)
			plain |= 1u << g;
	}
	cz_buf_align(&cc->blob, 4);
	size_t at = cc->blob.len;
	if (!cz_buf_append(&cc->blob, NULL, 16))
		return ZW_ENOMEM;
	uint32_t p0 = merged_piece(cc, r, plain, false, spec_anchor);
	uint32_t p1 = merged_piece(cc, r, all, true, spec_anchor);
	if (!p0 || !p1)
		return ZW_ENOMEM;
	uint8_t f = r->aa ? ZWT_R_AA : 0;
	struct zwt_recipe h0 = {r->rcode, f, 1, 0};
	struct zwt_recipe h1 = {r->rcode, (uint8_t)(f | ZWT_R_SIGS), 1, 0};
	uint8_t *w = cc->blob.p + at;
	memcpy(w, &h0, 4);
	memcpy(w + 4, &p0, 4);
	memcpy(w + 8, &h1, 4);
	memcpy(w + 12, &p1, 4);
	rec[0] = blob_ref(cc, (long)at);
	rec[1] = blob_ref(cc, (long)at + 8);
	cc->nrecipes += 2;
	return 0;
}

/* Both recipes (DO=0, DO=1) of a response. */
static int make_recipes(struct cc *cc, const struct cz_resp *r,
			const uint8_t *spec_anchor, bool merge, uint32_t rec[2])
{
	uint32_t p0[CZ_MAXG], p1[CZ_MAXG];
	int n0 = 0, n1 = 0;
	if (r->overflow) {
		snprintf(cc->err, cc->errlen, "response too complex");
		return ZW_ERANGE;
	}
	if (merge && mergeable(r))
		return merged_recipes(cc, r, spec_anchor, rec);
	for (int g = 0; g < r->ngroup; g++) {
		if (group_empty(r, g))
			continue;
		uint32_t ref = piece_ref(cc, r, g, spec_anchor);
		if (!ref)
			return ZW_ENOMEM;
		if (!r->g[g].dnssec)
			p0[n0++] = ref;
		p1[n1++] = ref;
	}
	uint8_t f = r->aa ? ZWT_R_AA : 0;
	rec[0] = recipe_ref(cc, r->rcode, f, p0, n0);
	f |= ZWT_R_SIGS;
	if (r->nodata_at_wild)
		f |= ZWT_R_NODATA;
	rec[1] = recipe_ref(cc, r->rcode, f, p1, n1);
	return rec[0] && rec[1] ? 0 : ZW_ENOMEM;
}

/* ---- nodes ---- */

static int add_type(uint16_t *types, int n, uint16_t t)
{
	for (int i = 0; i < n; i++)
		if (types[i] == t)
			return n;
	if (n < 255)
		types[n++] = t;
	return n;
}

static int node_types(struct cc *cc, size_t i, uint16_t *types)
{
	const struct zw_node *n = zw_zone_node(cc->cz.zone, i);
	uint16_t f = cc->cz.nf[i];
	struct zw_rrset rs;
	int k = 0;

	if (f & CZ_CUT)
		return add_type(types, 0, ZW_TYPE_DS);
	if (f & CZ_ENT)
		return 0;
	k = add_type(types, k, ZW_TYPE_RRSIG);
	k = add_type(types, k, ZW_TYPE_ANY);
	const struct zw_node *src = n;
	if (f & CZ_CNAME) {
		k = add_type(types, k, ZW_TYPE_CNAME);
		k = add_type(types, k, ZW_TYPE_NSEC);
		cz_resolve(&cc->cz, cz_lname(&cc->cz, i), CZ_QTYPE_NONE,
			   (f & CZ_WILD) ? CZ_Q_SYNTH : 0, &cc->resp);
		if (cc->resp.terminal < 0)
			return k;
		src = zw_zone_node(cc->cz.zone, (size_t)cc->resp.terminal);
	}
	for (bool ok = zw_rrset_first(src, &rs); ok;
	     ok = zw_rrset_next(src, &rs))
		if (rs.type != ZW_TYPE_RRSIG && !cz_is_n3_rrset(&rs))
			k = add_type(types, k, rs.type);
	return k;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* The piece of the one group a proof helper put into r (0: none). */
static uint32_t single_piece(struct cc *cc, struct cz_resp *r)
{
	for (int g = 0; g < r->ngroup; g++)
		if (!group_empty(r, g))
			return piece_ref(cc, r, g, NULL);
	return 0;
}

static void resp_reset(struct cz_resp *r)
{
	memset(r, 0, offsetof(struct cz_resp, rr));
	r->terminal = -1;
}

/* NXDOMAIN / wildcard proof pieces for names below node i. */
static int node_proofs(struct cc *cc, size_t i, struct zwt_node *nd)
{
	struct cz_resp *r = &cc->resp2;
	const struct cz *c = &cc->cz;

	if (c->denial == ZWT_DENIAL_NSEC && c->wild[i] < 0) {
		resp_reset(r);
		cz_put_nsec_wildcover(c, r, (long)i);
		nd->nx1 = single_piece(cc, r);
	} else if (c->denial == ZWT_DENIAL_NSEC3) {
		long cpe = cz_nsec3_encloser(c, (long)i);
		nd->cpe_labels = (uint8_t)zw_name_labels(cz_lname(c,
							(size_t)cpe));
		resp_reset(r);
		cz_put_nsec3(c, r, c->n3[cpe]);
		nd->nx1 = single_piece(cc, r);
		resp_reset(r);
		cz_put_nsec3_wildcover(c, r, cpe);
		nd->nx2 = single_piece(cc, r);
	}
	return cc->blob.failed ? ZW_ENOMEM : 0;
}

/* The NSEC or NSEC3 piece of a node, built when no response needed it. */
uint32_t cc_proof_piece(struct cc *cc, long node)
{
	struct cz_resp *r = &cc->resp2;
	resp_reset(r);
	if (cc->cz.denial == ZWT_DENIAL_NSEC)
		cz_put_nsec(&cc->cz, r, node, 2, true);
	else
		cz_put_nsec3(&cc->cz, r, node);
	return single_piece(cc, r);
}

static int dname_piece(struct cc *cc, size_t i, struct zwt_node *nd)
{
	struct cz_resp *r = &cc->resp2;
	resp_reset(r);
	cz_put_dname(&cc->cz, r, (long)i);
	nd->nx1 = single_piece(cc, r);
	return nd->nx1 ? 0 : ZW_ENOMEM;
}

/* Resolve and record one entry. */
static int entry(struct cc *cc, size_t i, uint16_t qtype, uint32_t rec[2])
{
	uint16_t f = cc->cz.nf[i];
	const uint8_t *name = cz_lname(&cc->cz, i);
	const uint8_t *anchor = name;
	if (f & CZ_WILD)
		anchor = cz_lname(&cc->cz, (size_t)cc->cz.parent[i]);
	cz_resolve(&cc->cz, name, qtype, (f & CZ_WILD) ? CZ_Q_SYNTH : 0,
		   &cc->resp);
	/* a wildcard's answers get proofs added at query time, which must
	 * see the shared proof pieces to leave out duplicates */
	return make_recipes(cc, &cc->resp, anchor, !(f & CZ_WILD), rec);
}

static uint8_t node_flags_out(const struct cc *cc, size_t i)
{
	uint16_t f = cc->cz.nf[i];
	return (uint8_t)(((f & CZ_APEX) ? ZWT_N_APEX : 0) |
			 ((f & CZ_CUT) ? ZWT_N_CUT : 0) |
			 ((f & CZ_DNAME) ? ZWT_N_DNAME : 0) |
			 (cc->cz.wild[i] >= 0 ? ZWT_N_WILDCHILD : 0) |
			 ((f & CZ_WILD) ? ZWT_N_WILD : 0) |
			 ((f & CZ_ENT) ? ZWT_N_ENT : 0) |
			 ((f & CZ_CNAME) ? ZWT_N_CNAME : 0));
}

/* The node record goes first and its recipes and pieces right after it
 * (the default answer's first: referrals are what most lookups of a
 * delegation-heavy zone want), so one prefetch run covers a lookup. */
static int compile_node(struct cc *cc, size_t i)
{
	uint16_t types[256];
	struct zwt_entry ents[256];
	struct zwt_node nd = {0};
	uint16_t f = cc->cz.nf[i];
	const uint8_t *name = cz_lname(&cc->cz, i);
	int rc;

	int nt = node_types(cc, i, types);
	qsort(types, (size_t)nt, sizeof(uint16_t), cmp_u16);
	nd.namelen = (uint8_t)zw_name_len(name);
	nd.labels = (uint8_t)zw_name_labels(name);
	nd.ntypes = (uint8_t)nt;
	nd.flags = node_flags_out(cc, i);
	cz_buf_align(&cc->blob, 4);
	size_t off = cc->blob.len;
	size_t size = (sizeof(nd) + sizeof(ents[0]) * (size_t)nt +
		       nd.namelen + 3) & ~(size_t)3;
	if (!cz_buf_append(&cc->blob, NULL, size))
		return ZW_ENOMEM;

	rc = entry(cc, i, (f & CZ_CUT) ? ZW_TYPE_A : CZ_QTYPE_NONE, nd.dflt);
	for (int k = 0; k < nt && rc >= 0; k++) {
		memset(&ents[k], 0, sizeof(ents[k]));
		ents[k].qtype = types[k];
		rc = entry(cc, i, types[k], ents[k].rec);
	}
	if (rc >= 0 && (f & CZ_DNAME))
		rc = dname_piece(cc, i, &nd);
	else if (rc >= 0 && !(f & CZ_CUT))
		rc = node_proofs(cc, i, &nd);
	if (rc < 0 || cc->blob.failed)
		return rc < 0 ? rc : ZW_ENOMEM;

	uint8_t *at = cc->blob.p + off;
	memcpy(at, &nd, sizeof(nd));
	memcpy(at + sizeof(nd), ents, sizeof(ents[0]) * (size_t)nt);
	memcpy(at + sizeof(nd) + sizeof(ents[0]) * (size_t)nt, name,
	       nd.namelen);
	cc->node_ref[i] = blob_ref(cc, (long)off);
	cc->nnodes++;
	return 0;
}

/* "*.<node>" refs, known once every node is written. */
static void link_wildcards(struct cc *cc)
{
	for (size_t i = 0; i < cc->cz.n; i++) {
		if (!cc->node_ref[i] || cc->cz.wild[i] < 0)
			continue;
		struct zwt_node *nd = (struct zwt_node *)(cc->blob.p +
			((size_t)cc->node_ref[i] * 4 - cc->blob_base));
		nd->wild = cc->node_ref[cc->cz.wild[i]];
		if (!nd->wild)
			nd->flags &= (uint8_t)~ZWT_N_WILDCHILD;
	}
}

static int compile_nodes(struct cc *cc)
{
	int rc;
	for (size_t i = 0; i < cc->cz.n; i++) {
		if (!(cc->cz.nf[i] & CZ_INHASH))
			continue;
		if ((rc = compile_node(cc, i)) < 0)
			return rc;
	}
	link_wildcards(cc);
	struct cz_resp *r = &cc->resp;
	cz_nxdomain_base(&cc->cz, r);
	return make_recipes(cc, r, cz_lname(&cc->cz, 0), false, cc->nx);
}

struct zw_compiled *zw_compile_zone(const struct zw_zone *z,
				    const struct zw_compile_opts *opts,
				    char *err, size_t errlen)
{
	struct cc *cc = calloc(1, sizeof(*cc));
	struct zw_compile_opts o = {.minimal = true};
	int rc;

	if (!cc) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cc->err = err;
	cc->errlen = errlen;
	cc->cz.err = err;
	cc->cz.errlen = errlen;
	err[0] = '\0';
	if ((rc = cz_view_init(&cc->cz, z, opts ? opts : &o)) < 0)
		goto fail;
	cc->node_ref = calloc(cc->cz.n, sizeof(uint32_t));
	if (!cc->node_ref || kmap_init(&cc->pieces, cc->cz.n * 2) < 0 ||
	    kmap_init(&cc->merged, cc->cz.n * 2) < 0 ||
	    kmap_init(&cc->recipes, cc->cz.n * 2) < 0) {
		rc = ZW_ENOMEM;
		goto fail;
	}
	cc_hash_prepare(cc);
	/* ref 0 means none: start the blob with an unused word */
	cz_buf_append(&cc->blob, NULL, 8);
	if ((rc = compile_nodes(cc)) < 0 || (rc = cc_index(cc)) < 0 ||
	    (rc = cc_hash_fill(cc)) < 0)
		goto fail;
	cc_header(cc);
	return (struct zw_compiled *)cc;
fail:
	if (!err[0])
		snprintf(err, errlen, "%s", zw_strerror(rc));
	zw_compiled_free((struct zw_compiled *)cc);
	return NULL;
}

void zw_compiled_free(struct zw_compiled *c)
{
	struct cc *cc = (struct cc *)c;
	if (!cc)
		return;
	cz_view_free(&cc->cz);
	free(cc->node_ref);
	kmap_free(&cc->pieces);
	kmap_free(&cc->merged);
	kmap_free(&cc->recipes);
	cz_buf_free(&cc->hash);
	cz_buf_free(&cc->blob);
	cz_buf_free(&cc->index);
	cz_buf_free(&cc->lf);
	free(cc);
}
