/* Recording a chunk of nodes (see compile_out.h): for every table node,
 * the types worth an entry, each entry's response resolved and its pieces
 * encoded, and the node's proof pieces. Runs on any thread: it reads the
 * shared zone view and writes only the chunk and the recorder. A shared
 * piece (keyed by group) is encoded once per chunk, and not at all when
 * the assembler already has it; the assembler keeps the first copy the
 * zone needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_out.h"

uint64_t cr_group_key(uint8_t kind, uint8_t anchor, uint32_t node)
{
	return (uint64_t)kind << 56 | (uint64_t)anchor << 48 | (node + 1ULL);
}

void cr_chunk_reset(struct cz_chunk *ch, size_t from, size_t to)
{
	ch->from = from;
	ch->to = to;
	ch->ops.len = ch->scratch.len = ch->kpcs.len = ch->mkeys.len = 0;
	ch->ops.failed = ch->scratch.failed = ch->kpcs.failed = false;
	ch->mkeys.failed = false;
	if (ch->keyed.s && ch->keyed.n) {
		memset(ch->keyed.s, 0, (ch->keyed.mask + 1) * sizeof(*ch->keyed.s));
		ch->keyed.n = 0;
	}
	ch->rc = 0;
	ch->err[0] = '\0';
}

void cr_chunk_free(struct cz_chunk *ch)
{
	cz_buf_free(&ch->ops);
	cz_buf_free(&ch->scratch);
	cz_buf_free(&ch->kpcs);
	cz_buf_free(&ch->mkeys);
	cc_kmap_free(&ch->keyed);
}

void cr_resp_reset(struct cz_resp *r)
{
	memset(r, 0, offsetof(struct cz_resp, rr));
	r->terminal = -1;
}

static int fail(struct crec *w, int rc)
{
	if (!w->errbuf[0])
		snprintf(w->errbuf, sizeof w->errbuf, "%s", zw_strerror(rc));
	return rc;
}

static int put(struct crec *w, const void *p, size_t len)
{
	return cz_buf_append(&w->ch->ops, p, len) ? 0 : fail(w, ZW_ENOMEM);
}

/* ---- pieces ---- */

static const uint8_t *anchor_name(const struct crec *w,
				  const struct cz_resp *r, int g,
				  const uint8_t *spec_anchor)
{
	switch (r->g[g].anchor) {
	case A_APEX:
		return cz_lname(&w->cz, 0);
	case A_NODE:
		return cz_lname(&w->cz, r->g[g].node);
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

/* Encode groups gmask of r into the scratch. */
static int encode(struct crec *w, const struct cz_resp *r, uint32_t gmask,
		  bool sigs, const uint8_t *anchor, struct cr_piece *pc)
{
	struct cz_buf *b = &w->ch->scratch;
	long off = cz_encode_piece(&w->cz, r, gmask, sigs, anchor, b);
	if (off < 0)
		return fail(w, b->failed ? ZW_ENOMEM : ZW_ERANGE);
	if (b->len > UINT32_MAX)
		return fail(w, ZW_ENOMEM);
	pc->off = (uint32_t)off;
	pc->len = (uint32_t)(b->len - (size_t)off);
	return 0;
}

/* The piece of group g: a shared group's once per chunk. */
static int group_piece(struct crec *w, const struct cz_resp *r, int g,
		       const uint8_t *spec_anchor, struct cr_piece *pc)
{
	const struct cz_group *gr = &r->g[g];
	const uint8_t *anchor = anchor_name(w, r, g, spec_anchor);
	if (gr->kind == G_SPEC)
		return encode(w, r, 1u << g, true, anchor, pc);
	if (cc_keyed_done(w->cc, gr->kind, gr->anchor, gr->node)) {
		pc->off = pc->len = 0; /* the assembler will not look */
		return 0;
	}
	struct cz_chunk *ch = w->ch;
	uint32_t *slot = cc_kmap_slot(&ch->keyed,
				      cr_group_key(gr->kind, gr->anchor,
						   gr->node));
	if (!slot)
		return fail(w, ZW_ENOMEM);
	if (*slot) {
		memcpy(pc, ch->kpcs.p + (*slot - 1) * sizeof(*pc), sizeof(*pc));
		return 0;
	}
	int rc = encode(w, r, 1u << g, true, anchor, pc);
	if (rc < 0)
		return rc;
	*slot = (uint32_t)(ch->kpcs.len / sizeof(*pc) + 1);
	return cz_buf_append(&ch->kpcs, pc, sizeof(*pc)) ? 0
							 : fail(w, ZW_ENOMEM);
}

static int put_group(struct crec *w, const struct cz_resp *r, int g,
		     const uint8_t *spec_anchor)
{
	struct cr_group x = {r->g[g].kind, r->g[g].anchor, r->g[g].dnssec, 0,
			     r->g[g].node, {0, 0}};
	int rc = group_piece(w, r, g, spec_anchor, &x.pc);
	return rc < 0 ? rc : put(w, &x, sizeof(x));
}

/* ---- responses ---- */

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

static int record_merged(struct crec *w, const struct cz_resp *r,
			 const uint8_t *spec_anchor, struct cr_entry *e)
{
	uint32_t all = 0, plain = 0;
	for (int g = 0; g < r->ngroup; g++) {
		if (group_empty(r, g))
			continue;
		all |= 1u << g;
		if (!r->g[g].dnssec)
			plain |= 1u << g;
	}
	int rc = encode(w, r, plain, false, spec_anchor, &e->m[0]);
	if (rc >= 0)
		rc = encode(w, r, all, true, spec_anchor, &e->m[1]);
	if (rc < 0)
		return rc;
	for (int k = 0; k < 2; k++)
		e->mh[k] = zwt_hash(0x706365ULL,
				    w->ch->scratch.p + e->m[k].off,
				    e->m[k].len) | 1;
	e->flags |= CR_MERGED;
	if (!cz_buf_append(&w->ch->mkeys, e->mh, sizeof(e->mh)))
		return fail(w, ZW_ENOMEM);
	return put(w, e, sizeof(*e));
}

int cr_record_resp(struct crec *w, const struct cz_resp *r,
		   const uint8_t *spec_anchor, bool merge)
{
	struct cr_entry e = {0};
	if (r->overflow) {
		snprintf(w->errbuf, sizeof w->errbuf, "response too complex");
		return ZW_ERANGE;
	}
	e.rcode = r->rcode;
	e.flags = (uint8_t)((r->aa ? CR_AA : 0) |
			    (r->nodata_at_wild ? CR_NODATA_WILD : 0));
	if (merge && mergeable(r))
		return record_merged(w, r, spec_anchor, &e);
	for (int g = 0; g < r->ngroup; g++)
		if (!group_empty(r, g))
			e.ngroup++;
	int rc = put(w, &e, sizeof(e));
	for (int g = 0; g < r->ngroup && rc >= 0; g++)
		if (!group_empty(r, g))
			rc = put_group(w, r, g, spec_anchor);
	return rc;
}

/* The piece of the one group a proof helper put into r, or none. */
int cr_record_single(struct crec *w, const struct cz_resp *r)
{
	for (int g = 0; g < r->ngroup; g++)
		if (!group_empty(r, g))
			return put_group(w, r, g, NULL);
	struct cr_group none = {0xff, 0, 0, 0, 0, {0, 0}};
	return put(w, &none, sizeof(none));
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

static int node_types(struct crec *w, size_t i, uint16_t *types)
{
	const struct zw_node *n = zw_zone_node(w->cz.zone, i);
	uint16_t f = w->cz.nf[i];
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
		cz_resolve(&w->cz, cz_lname(&w->cz, i), (long)i,
			   CZ_QTYPE_NONE, (f & CZ_WILD) ? CZ_Q_SYNTH : 0,
			   &w->resp);
		if (w->resp.terminal < 0)
			return k;
		src = zw_zone_node(w->cz.zone, (size_t)w->resp.terminal);
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

/* Resolve and record one entry. A wildcard's answers get proofs added at
 * query time, which must see the shared proof pieces to leave out
 * duplicates: those are never served whole. */
static int entry(struct crec *w, size_t i, uint16_t qtype)
{
	uint16_t f = w->cz.nf[i];
	const uint8_t *name = cz_lname(&w->cz, i);
	const uint8_t *anchor = name;
	if (f & CZ_WILD)
		anchor = cz_lname(&w->cz, (size_t)w->cz.parent[i]);
	cz_resolve(&w->cz, name, (long)i, qtype,
		   (f & CZ_WILD) ? CZ_Q_SYNTH : 0, &w->resp);
	return cr_record_resp(w, &w->resp, anchor, !(f & CZ_WILD));
}

/* NXDOMAIN / wildcard proof pieces for names below node i. */
static int node_proofs(struct crec *w, size_t i, struct cr_node *nd)
{
	struct cz_resp *r = &w->resp2;
	const struct cz *c = &w->cz;
	int rc = 0;

	if (c->nf[i] & CZ_DNAME) {
		cr_resp_reset(r);
		cz_put_dname(c, r, (long)i);
		return cr_record_single(w, r);
	}
	if (c->nf[i] & CZ_CUT)
		return 0;
	if (c->denial == ZWT_DENIAL_NSEC && c->wild[i] < 0) {
		cr_resp_reset(r);
		cz_put_nsec_wildcover(c, r, (long)i);
		rc = cr_record_single(w, r);
	} else if (c->denial == ZWT_DENIAL_NSEC3) {
		long cpe = cz_nsec3_encloser(c, (long)i);
		nd->cpe_labels = (uint8_t)zw_name_labels(cz_lname(c,
							(size_t)cpe));
		cr_resp_reset(r);
		cz_put_nsec3(c, r, c->n3[cpe]);
		rc = cr_record_single(w, r);
		cr_resp_reset(r);
		cz_put_nsec3_wildcover(c, r, cpe);
		if (rc >= 0)
			rc = cr_record_single(w, r);
	}
	return rc;
}

/* The node header goes first (node_proofs fills in cpe_labels later,
 * so it is patched in place), then its entries and proofs. */
static int record_node(struct crec *w, size_t i)
{
	uint16_t types[256];
	uint16_t f = w->cz.nf[i];
	struct cr_node nd = {(uint32_t)i, 0, 0, 0};
	int nt = node_types(w, i, types);
	qsort(types, (size_t)nt, sizeof(uint16_t), cmp_u16);
	nd.ntypes = (uint16_t)nt;
	types[nt] = 0; /* the padding */
	size_t at = w->ch->ops.len;
	int rc = put(w, &nd, sizeof(nd));
	if (rc >= 0)
		rc = put(w, types, ((size_t)nt * 2 + 3) & ~(size_t)3);
	if (rc >= 0)
		rc = entry(w, i, (f & CZ_CUT) ? ZW_TYPE_A : CZ_QTYPE_NONE);
	for (int k = 0; k < nt && rc >= 0; k++)
		rc = entry(w, i, types[k]);
	if (rc >= 0)
		rc = node_proofs(w, i, &nd);
	if (rc >= 0)
		memcpy(w->ch->ops.p + at, &nd, sizeof(nd));
	return rc;
}

/* ---- reading ahead ---- */

/* In a zone of delegations most of what resolving a node reads lies in
 * node order (the node, its glue), but not the NSEC3 that covers its
 * name (an opt-out referral's proof: its data and its owner name) nor
 * the name map slots of its servers: those are fetched for the node
 * AHEAD places on (what locates them twice as far), so the misses
 * overlap instead of stalling one after another. */
#define AHEAD 6

static void fetch_far(const struct crec *w, size_t j)
{
	const struct cz *c = &w->cz;
	if (j >= c->n || !(c->nf[j] & CZ_INHASH) || c->n3cover[j] < 0)
		return;
	size_t cover = (size_t)c->n3cover[j];
	__builtin_prefetch(zw_zone_node(c->zone, cover));
	__builtin_prefetch(&c->lname_off[cover]);
	const uint32_t *keyed = __atomic_load_n(
		&w->cc->keyed[G_NSEC3][A_APEX], __ATOMIC_ACQUIRE);
	if (keyed)
		__builtin_prefetch(keyed + cover);
}

static void fetch_near(const struct crec *w, size_t j)
{
	const struct cz *c = &w->cz;
	if (j >= c->n || !(c->nf[j] & CZ_INHASH))
		return;
	if (c->n3cover[j] >= 0) {
		const struct zw_node *n = zw_zone_node(c->zone,
						       (size_t)c->n3cover[j]);
		for (uint32_t k = 0; k < n->datalen && k < 256; k += 64)
			__builtin_prefetch(n->data + k);
		__builtin_prefetch(cz_lname(c, (size_t)c->n3cover[j]));
	}
	struct zw_rrset rs;
	if (!(c->nf[j] & CZ_CUT) ||
	    !zw_node_rrset(zw_zone_node(c->zone, j), ZW_TYPE_NS, 0, &rs))
		return;
	const uint8_t *p = rs.rdata;
	for (uint32_t k = 0; k < rs.count && k < 8; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		if (zw_name_check(rd, rd + len) > 0)
			cz_find_prefetch(c, rd);
	}
}

int cr_record_chunk(struct crec *w, struct cz_chunk *ch)
{
	int rc = 0;
	w->ch = ch;
	w->errbuf[0] = '\0';
	for (size_t i = ch->from; i < ch->from + AHEAD; i++)
		fetch_far(w, i + AHEAD);
	for (size_t i = ch->from; i < ch->to && rc >= 0; i++) {
		fetch_far(w, i + 2 * AHEAD);
		fetch_near(w, i + AHEAD);
		if (w->cz.nf[i] & CZ_INHASH)
			rc = record_node(w, i);
	}
	if (rc < 0) {
		ch->rc = rc;
		snprintf(ch->err, sizeof ch->err, "%s",
			 w->errbuf[0] ? w->errbuf : zw_strerror(rc));
	}
	return rc;
}
