/* The answer engine: resolves a concrete (qname, qtype) against the zone
 * the way Knot DNS 3.2 answers it (RFC 1034 §4.3.2, RFC 4035 §3.1, RFC
 * 5155 §7.2, RFC 6672): exact match, CNAME chains followed within the
 * zone, DNAME synthesis, wildcard expansion, referrals with glue and the
 * DS or its denial, NODATA and NXDOMAIN with SOA and NSEC/NSEC3 proofs,
 * RRSIGs appended per section, A/AAAA for NS/MX/SRV targets.
 *
 * The result is a list of RRsets, each tagged with a group: the groups
 * become the pieces of the table (compile_wire.c), shared between
 * responses where they can be (the SOA of negative answers, every NSEC
 * and NSEC3 with its RRSIG, each delegation's NS and glue, its DS). */
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_int.h"

enum state { S_HIT, S_MISS, S_NODATA, S_DELEG, S_FOLLOW, S_STOP };

struct hit {
	long node, prev;
	uint8_t sname[ZW_NAME_MAX];
};

struct eng {
	const struct cz *c;
	struct cz_resp *r;
	uint16_t qtype;
	bool synth;          /* resolving a wildcard node as expanded */
	bool dnssec;
	int step;
	int follows;         /* CNAME and DNAME records followed */
	const uint8_t *qname;
	long qnode;          /* the node named qname, -1: look it up */
	uint8_t sname[ZW_NAME_MAX];
	long node, encloser, previous;
	int nhits;
	struct hit hits[CZ_MAXHITS];
};

static const struct zw_node *zn(const struct eng *e, long i)
{
	return zw_zone_node(e->c->zone, (size_t)i);
}

int cz_group_for(struct cz_resp *r, uint8_t kind, uint8_t anchor,
		 uint32_t node, bool dnssec)
{
	for (int i = 0; i < r->ngroup; i++)
		if (r->g[i].kind == kind && r->g[i].anchor == anchor &&
		    r->g[i].node == node)
			return i;
	if (r->ngroup >= CZ_MAXG) {
		r->overflow = true;
		return -1;
	}
	struct cz_group *g = &r->g[r->ngroup];
	g->kind = kind;
	g->anchor = anchor;
	g->node = node;
	g->dnssec = dnssec;
	return r->ngroup++;
}

/* Knot's CHECKDUP: the same RRset (owner, type, data) only once. */
static bool has_rr(const struct cz_resp *r, const uint8_t *owner,
		   uint16_t type, const uint8_t *rdata, int sec)
{
	for (int i = 0; i < r->nrr; i++) {
		const struct cz_rr *x = &r->rr[i];
		if (x->type == type && x->rdata == rdata && !x->sig &&
		    (sec == 0 || x->sec == sec) &&
		    zw_name_equal(x->owner, owner))
			return true;
	}
	return false;
}

static struct cz_rr *add_rr(struct cz_resp *r, int group, int sec, int sig,
			    const uint8_t *owner, const struct zw_rrset *rs)
{
	if (group < 0 || r->nrr >= CZ_MAXRR) {
		r->overflow = true;
		return NULL;
	}
	struct cz_rr *x = &r->rr[r->nrr++];
	memset(x, 0, sizeof(*x));
	x->sec = (uint8_t)sec;
	x->sig = (uint8_t)sig;
	x->group = (uint8_t)group;
	x->type = rs->type;
	x->covers = rs->covers;
	x->ttl = rs->ttl;
	x->count = rs->count;
	x->rdata = rs->rdata;
	x->size = rs->size;
	x->owner = owner;
	x->mode = ZWT_MODE_MUST;
	return x;
}

/* Put an RRset and (with DNSSEC) its RRSIGs; false when it was there. */
static bool put_rrset(struct eng *e, int group, int sec, long node,
		      const uint8_t *owner, const struct zw_rrset *rs,
		      bool qowner, int mode)
{
	struct zw_rrset sig;
	if (has_rr(e->r, owner, rs->type, rs->rdata, 0))
		return false;
	struct cz_rr *x = add_rr(e->r, group, sec, 0, owner, rs);
	if (!x)
		return false;
	x->qowner = qowner;
	x->mode = (uint8_t)mode;
	if (e->dnssec && rs->type != ZW_TYPE_RRSIG &&
	    zw_node_rrset(zn(e, node), ZW_TYPE_RRSIG, rs->type, &sig)) {
		struct cz_rr *s = add_rr(e->r, group, sec, 1, owner, &sig);
		/* RFC 4035 3.1.1: the RRSIGs of an answer or authority
		 * RRset are required (TC when they do not fit, as Knot
		 * does), those in the additional section are not */
		if (s) {
			s->qowner = qowner;
			s->mode = (uint8_t)(sec == 3 ? ZWT_MODE_OPT
						     : ZWT_MODE_MUST);
		}
	}
	return true;
}

/* Anchor of a group about `node`: its own name when the query name ends
 * with it, else the apex. */
static uint8_t anchor_for(const struct eng *e, long node)
{
	return zw_name_is_subdomain(e->qname, cz_lname(e->c, (size_t)node))
		       ? A_NODE : A_APEX;
}

void cz_put_nsec(const struct cz *c, struct cz_resp *r, long node, int sec,
		 bool sigs)
{
	struct eng e = {.c = c, .r = r, .dnssec = sigs};
	struct zw_rrset rs;
	const struct zw_node *n = zw_zone_node(c->zone, (size_t)node);
	if (!zw_node_rrset(n, ZW_TYPE_NSEC, 0, &rs))
		return;
	int g = cz_group_for(r, G_NSEC, A_APEX, (uint32_t)node, true);
	put_rrset(&e, g, sec, node, cz_lname(c, (size_t)node), &rs, false,
		  ZWT_MODE_MUST);
}

void cz_put_nsec3(const struct cz *c, struct cz_resp *r, long node)
{
	struct eng e = {.c = c, .r = r, .dnssec = true};
	struct zw_rrset rs;
	if (node < 0)
		return;
	const struct zw_node *n = zw_zone_node(c->zone, (size_t)node);
	if (!zw_node_rrset(n, ZW_TYPE_NSEC3, 0, &rs))
		return;
	int g = cz_group_for(r, G_NSEC3, A_APEX, (uint32_t)node, true);
	put_rrset(&e, g, 2, node, cz_lname(c, (size_t)node), &rs, false,
		  ZWT_MODE_MUST);
}

/* ---- lookups in Knot's name tree ---- */

static bool visible(const struct eng *e, long i)
{
	return i >= 0 && (e->c->nf[i] & CZ_VISIBLE);
}

/* Exact match, or the closest existing ancestor and the previous name. */
static bool find_name(struct eng *e, const uint8_t *name)
{
	long i = name == e->qname && e->qnode >= 0 ? e->qnode
						   : cz_find(e->c, name);
	if (visible(e, i)) {
		e->node = e->encloser = i;
		e->previous = i > 0 ? i - 1 : 0;
		return true;
	}
	e->node = -1;
	bool exact;
	long le = zw_zone_find_le(e->c->zone, name, &exact);
	e->previous = le < 0 ? 0 : le;
	int labels = zw_name_labels(name);
	int apex = zw_name_labels(cz_lname(e->c, 0));
	e->encloser = 0;
	for (int k = 1; k < labels - apex; k++) {
		long a = cz_find(e->c, zw_name_skip(name, k));
		if (visible(e, a)) {
			e->encloser = a;
			break;
		}
	}
	return false;
}

static long lowest_type(const struct zw_node *n, bool rrsig,
			struct zw_rrset *out)
{
	struct zw_rrset rs;
	long best = -1;
	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs)) {
		if ((rs.type == ZW_TYPE_RRSIG) != rrsig || cz_is_n3_rrset(&rs))
			continue;
		long t = rrsig ? rs.covers : rs.type;
		if (best < 0 || t < best) {
			best = t;
			*out = rs;
		}
	}
	return best;
}

/* Owner of an answer at the current node: the name being resolved, in
 * storage that outlives the step (sname is reused by the next one). */
static const uint8_t *cur_owner(struct eng *e, bool *qowner)
{
	*qowner = e->synth && e->step == 0 && (e->c->nf[e->node] & CZ_WILD);
	if (e->step == 0)
		return e->qname;
	if (!(e->c->nf[e->node] & CZ_WILD))
		return cz_lname(e->c, (size_t)e->node);
	struct cz_resp *r = e->r;
	if (r->nsynth >= 16) {
		r->overflow = true;
		return cz_lname(e->c, (size_t)e->node);
	}
	zw_name_copy(r->synth_owner[r->nsynth], e->sname);
	return r->synth_owner[r->nsynth++];
}

static enum state put_answer(struct eng *e)
{
	const struct zw_node *n = zn(e, e->node);
	struct zw_rrset rs;
	bool q;
	const uint8_t *owner = cur_owner(e, &q);
	int before = e->r->nrr;

	e->r->terminal = e->node;
	if (e->qtype == ZW_TYPE_ANY) {
		if (lowest_type(n, false, &rs) >= 0)
			put_rrset(e, 0, 1, e->node, owner, &rs, q,
				  ZWT_MODE_MUST);
	} else if (e->qtype == ZW_TYPE_RRSIG) {
		if (lowest_type(n, true, &rs) >= 0) {
			struct zw_rrset all;
			zw_node_rrset(n, ZW_TYPE_RRSIG, rs.covers, &all);
			all.type = ZW_TYPE_RRSIG;
			put_rrset(e, 0, 1, e->node, owner, &all, q,
				  ZWT_MODE_MUST);
		}
	} else if (e->qtype != CZ_QTYPE_NONE && e->qtype != ZW_TYPE_NSEC3 &&
		   zw_node_rrset(n, e->qtype, 0, &rs)) {
		put_rrset(e, 0, 1, e->node, owner, &rs, q, ZWT_MODE_MUST);
	}
	return e->r->nrr == before ? S_NODATA : S_HIT;
}

/* Knot 3.2 records a wildcard once per name expanded from it (so a
 * CNAME loop through one wildcard proves both names). */
static void visit_wild(struct eng *e, long w)
{
	const uint8_t *sname = e->step == 0 ? e->qname : e->sname;
	for (int i = 0; i < e->nhits; i++)
		if (e->hits[i].node == w &&
		    zw_name_equal(e->hits[i].sname, sname))
			return;
	if (e->nhits >= CZ_MAXHITS || (e->c->nf[w] & CZ_NONAUTH))
		return;
	struct hit *h = &e->hits[e->nhits++];
	h->node = w;
	h->prev = e->previous;
	zw_name_copy(h->sname, sname);
}

static bool wild_visited(const struct eng *e, long w)
{
	for (int i = 0; i < e->nhits; i++)
		if (e->hits[i].node == w)
			return true;
	return false;
}

/* Store a synthesised CNAME (from a DNAME) in the response. */
static const uint8_t *synth_cname(struct eng *e, const uint8_t *owner,
				  const uint8_t *dname_owner,
				  const uint8_t *target, struct zw_rrset *out)
{
	struct cz_resp *r = e->r;
	int labels = zw_name_labels(owner) - zw_name_labels(dname_owner);
	size_t plen = (size_t)(zw_name_skip(owner, labels) - owner);
	size_t tlen = zw_name_len(target);
	if (plen + tlen > ZW_NAME_MAX || r->nsynth >= 16)
		return NULL;
	uint8_t *rd = r->synth[r->nsynth];
	rd[0] = (uint8_t)((plen + tlen) >> 8);
	rd[1] = (uint8_t)(plen + tlen);
	memcpy(rd + 2, owner, plen);
	memcpy(rd + 2 + plen, target, tlen);
	zw_name_copy(r->synth_owner[r->nsynth], owner);
	r->nsynth++;
	out->type = ZW_TYPE_CNAME;
	out->covers = 0;
	out->count = 1;
	out->rdata = rd;
	out->size = 2 + plen + tlen;
	return rd + 2;
}

/* Knot 3.2 follows at most this many CNAME/DNAME records and then answers
 * with what it has (NOERROR, nothing in authority). */
#define FOLLOW_MAX 5

static enum state follow(struct eng *e, uint16_t type)
{
	const struct zw_node *n = zn(e, e->node);
	struct zw_rrset rs;
	bool q;
	const uint8_t *owner;

	if (++e->follows > FOLLOW_MAX) {
		e->r->terminal = -1;
		e->node = -1;
		return S_HIT;
	}
	zw_node_rrset(n, type, 0, &rs);
	if (type == ZW_TYPE_DNAME) {
		owner = cz_lname(e->c, (size_t)e->node);
		q = false;
	} else {
		owner = cur_owner(e, &q);
	}
	e->r->terminal = -1;
	if (!put_rrset(e, 0, 1, e->node, owner, &rs, q, ZWT_MODE_MUST)) {
		e->node = -1; /* loop */
		return S_HIT;
	}
	const uint8_t *next = rs.rdata + 2;
	if (type == ZW_TYPE_DNAME) {
		const uint8_t *cur = e->step == 0 ? e->qname : e->sname;
		struct zw_rrset cn;
		next = synth_cname(e, cur, owner, rs.rdata + 2, &cn);
		if (!next) {
			e->r->rcode = 6; /* YXDOMAIN */
			return S_STOP;
		}
		cn.ttl = rs.ttl;
		struct cz_rr *x = add_rr(e->r, 0, 1, 0,
					 e->r->synth_owner[e->r->nsynth - 1],
					 &cn);
		if (x) {
			x->synth = 1;
			x->qowner = e->step == 0 && e->synth;
		}
	}
	if (e->c->nf[e->node] & CZ_WILD) {
		if (wild_visited(e, e->node)) {
			e->node = -1;
			return S_HIT;
		}
		visit_wild(e, e->node);
	}
	uint8_t tmp[ZW_NAME_MAX];
	zw_name_copy(tmp, next);
	zw_name_copy(e->sname, tmp);
	return S_FOLLOW;
}

static enum state name_found(struct eng *e)
{
	uint16_t f = e->c->nf[e->node];
	uint16_t t = e->qtype;
	if ((f & CZ_CNAME) && t != ZW_TYPE_CNAME && t != ZW_TYPE_RRSIG &&
	    t != ZW_TYPE_NSEC && t != ZW_TYPE_ANY)
		return follow(e, ZW_TYPE_CNAME);
	if (((f & CZ_CUT) && t != ZW_TYPE_DS) || (f & CZ_NONAUTH))
		return S_DELEG;
	return put_answer(e);
}

static enum state name_not_found(struct eng *e)
{
	long enc = e->encloser;
	if (e->c->wild[enc] >= 0) {
		long w = e->c->wild[enc];
		e->node = w;
		enum state s = name_found(e);
		visit_wild(e, w);
		return s;
	}
	if ((e->c->nf[enc] & CZ_DNAME) && !(e->c->nf[enc] & CZ_NONAUTH)) {
		e->node = enc;
		return follow(e, ZW_TYPE_DNAME);
	}
	long n = enc;
	while (n > 0 && (e->c->nf[n] & (CZ_ENT | CZ_NONAUTH)))
		n = e->c->parent[n];
	if (n > 0 && (e->c->nf[n] & CZ_CUT)) {
		e->node = n;
		return S_DELEG;
	}
	return S_MISS;
}

static enum state solve_name(struct eng *e, const uint8_t *name)
{
	if (!zw_name_is_subdomain(name, cz_lname(e->c, 0)))
		return S_HIT;
	if (find_name(e, name))
		return name_found(e);
	return name_not_found(e);
}

/* ---- authority ---- */

static long cut_at_or_above(const struct eng *e, long n)
{
	while (n > 0 && !(e->c->nf[n] & CZ_CUT))
		n = e->c->parent[n];
	return n;
}

static void put_delegation(struct eng *e)
{
	long cut = cut_at_or_above(e, e->node);
	struct zw_rrset rs;
	e->node = cut;
	if (!zw_node_rrset(zn(e, cut), ZW_TYPE_NS, 0, &rs))
		return;
	int g = cz_group_for(e->r, G_REF, anchor_for(e, cut), (uint32_t)cut,
			     false);
	put_rrset(e, g, 2, cut, cz_lname(e->c, (size_t)cut), &rs, false,
		  ZWT_MODE_MUST);
}

static void put_soa(struct eng *e)
{
	struct zw_rrset rs;
	if (!zw_node_rrset(zn(e, 0), ZW_TYPE_SOA, 0, &rs))
		return;
	int g = cz_group_for(e->r, G_SOA, A_APEX, 0, false);
	int before = e->r->nrr;
	/* RFC 2308 section 3 requires it: TC when it does not fit (Knot
	 * leaves it out without TC, and the proofs after it) */
	put_rrset(e, g, 2, 0, cz_lname(e->c, 0), &rs, false,
		  ZWT_MODE_MUST);
	/* RFC 2308 §5 as Knot applies it: SOA and its RRSIG live no longer
	 * than the SOA MINIMUM in a negative answer */
	if (rs.size < 2 + 22)
		return;
	const uint8_t *m = rs.rdata + rs.size - 4;
	uint32_t min = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
		       (uint32_t)m[2] << 8 | m[3];
	for (int i = before; i < e->r->nrr; i++)
		if (e->r->rr[i].ttl > min)
			e->r->rr[i].ttl = min;
}

static const uint8_t *cur_name(const struct eng *e)
{
	return e->step == 0 ? e->qname : e->sname;
}

/* NSEC3 covering the next closer name of `name` below encloser cpe. */
static void put_nc(struct eng *e, long cpe, const uint8_t *name)
{
	int skip = zw_name_labels(name) - zw_name_labels(cz_lname(e->c,
					(size_t)cpe)) - 1;
	if (skip < 0)
		return;
	/* the next closer is often the resolved node itself (an opt-out
	 * delegation's DS NODATA) */
	cz_put_nsec3(e->c, e->r,
		     skip ? cz_nsec3_cover_name(e->c, zw_name_skip(name, skip))
			  : cz_nsec3_cover_node(e->c, name, e->node));
}

static void put_ce_proof(struct eng *e, long cpe, const uint8_t *name)
{
	cz_put_nsec3(e->c, e->r, e->c->n3[cpe]);
	put_nc(e, cpe, name);
}

static void put_wild_cover_nsec(struct eng *e, long enc)
{
	cz_put_nsec_wildcover(e->c, e->r, enc);
}

void cz_put_nsec_wildcover(const struct cz *c, struct cz_resp *r, long enc)
{
	struct eng ee = {.c = c, .r = r, .dnssec = true};
	struct eng *e = &ee;
	uint8_t w[ZW_NAME_MAX];
	const uint8_t *en = cz_lname(e->c, (size_t)enc);
	if (zw_name_len(en) + 2 > ZW_NAME_MAX)
		return;
	w[0] = 1;
	w[1] = '*';
	zw_name_copy(w + 2, en);
	long i = cz_find(e->c, w);
	if (!visible(e, i)) {
		bool exact;
		i = zw_zone_find_le(e->c->zone, w, &exact);
		i = cz_nsec_previous(e->c, i < 0 ? 0 : i);
	}
	cz_put_nsec(e->c, e->r, i, 2, true);
}

static void prove_nxdomain(struct eng *e)
{
	if (e->c->denial == ZWT_DENIAL_NSEC) {
		cz_put_nsec(e->c, e->r, cz_nsec_previous(e->c, e->previous), 2,
			    true);
		put_wild_cover_nsec(e, e->encloser);
	} else {
		long cpe = cz_nsec3_encloser(e->c, e->encloser);
		put_ce_proof(e, cpe, cur_name(e));
		cz_put_nsec3_wildcover(e->c, e->r, cpe);
	}
}

void cz_put_nsec3_wildcover(const struct cz *c, struct cz_resp *r, long cpe)
{
	uint8_t w[ZW_NAME_MAX];
	const uint8_t *en = cz_lname(c, (size_t)cpe);
	if (zw_name_len(en) + 2 > ZW_NAME_MAX)
		return;
	w[0] = 1;
	w[1] = '*';
	zw_name_copy(w + 2, en);
	cz_put_nsec3(c, r, cz_nsec3_cover_name(c, w));
}

void cz_put_dname(const struct cz *c, struct cz_resp *r, long node)
{
	struct eng e = {.c = c, .r = r, .dnssec = c->denial != ZWT_DENIAL_NONE};
	struct zw_rrset rs;
	const struct zw_node *n = zw_zone_node(c->zone, (size_t)node);
	if (!zw_node_rrset(n, ZW_TYPE_DNAME, 0, &rs))
		return;
	int g = cz_group_for(r, G_DNAME, A_NODE, (uint32_t)node, false);
	put_rrset(&e, g, 1, node, cz_lname(c, (size_t)node), &rs, false,
		  ZWT_MODE_MUST);
}

/* Everything a response accumulates, cleared (the RR and group arrays
 * count from nrr/ngroup; the synthesised names and the overflow mark sit
 * after them and must not carry over from the previous response). */
static void resp_clear(struct cz_resp *r)
{
	memset(r, 0, offsetof(struct cz_resp, rr));
	r->terminal = -1;
	r->overflow = false;
	r->nsynth = 0;
}

void cz_nxdomain_base(const struct cz *c, struct cz_resp *r)
{
	struct eng e = {.c = c, .r = r, .dnssec = c->denial != ZWT_DENIAL_NONE};
	resp_clear(r);
	r->rcode = 3;
	r->aa = true;
	put_soa(&e);
}

static bool expanded(const struct eng *e, long node, const uint8_t *name)
{
	return (e->c->nf[node] & CZ_WILD) && !zw_name_is_wildcard(name);
}

static void prove_nodata(struct eng *e, long node)
{
	const uint8_t *name = cur_name(e);
	if (e->c->denial == ZWT_DENIAL_NSEC) {
		/* Knot 3.2 proves an empty non-terminal with the NSEC that
		 * covers it alone */
		if (e->c->nf[node] & CZ_ENT)
			cz_put_nsec(e->c, e->r,
				    cz_nsec_previous(e->c, node - 1), 2, true);
		else
			cz_put_nsec(e->c, e->r, node, 2, true);
		return;
	}
	if (e->c->n3[node] >= 0)
		cz_put_nsec3(e->c, e->r, e->c->n3[node]);
	bool optout = e->c->n3[node] < 0 && (e->c->nf[node] & CZ_CUT);
	if (optout || expanded(e, node, name))
		put_ce_proof(e, cz_nsec3_encloser(e->c, e->encloser), name);
}

static void prove_delegation(struct eng *e)
{
	long cut = e->node;
	struct zw_rrset rs;
	if (zw_node_rrset(zn(e, cut), ZW_TYPE_DS, 0, &rs)) {
		int g = cz_group_for(e->r, G_DS, anchor_for(e, cut),
				     (uint32_t)cut, true);
		put_rrset(e, g, 2, cut, cz_lname(e->c, (size_t)cut), &rs, false,
			  ZWT_MODE_MUST);
		return;
	}
	prove_nodata(e, cut);
}

static void prove_wildcards(struct eng *e)
{
	for (int i = 0; i < e->nhits; i++) {
		struct hit *h = &e->hits[i];
		if (!expanded(e, h->node, h->sname))
			continue;
		if (e->c->denial == ZWT_DENIAL_NSEC) {
			cz_put_nsec(e->c, e->r, cz_nsec_previous(e->c, h->prev),
				    2, true);
		} else {
			long p = e->c->parent[h->node];
			put_nc(e, cz_nsec3_encloser(e->c, p), h->sname);
		}
	}
}

static void put_apex_ns(struct eng *e)
{
	struct zw_rrset rs;
	if (!zw_node_rrset(zn(e, 0), ZW_TYPE_NS, 0, &rs))
		return;
	for (int i = 0; i < e->r->nrr; i++)
		if (e->r->rr[i].sec == 1 && e->r->rr[i].rdata == rs.rdata)
			return;
	int g = cz_group_for(e->r, G_APEXNS, A_APEX, 0, false);
	put_rrset(e, g, 2, 0, cz_lname(e->c, 0), &rs, false,
		  ZWT_MODE_OPT);
}

static void authority(struct eng *e, enum state s)
{
	switch (s) {
	case S_MISS:
		e->r->rcode = 3;
		put_soa(e);
		break;
	case S_NODATA:
		put_soa(e);
		break;
	case S_DELEG:
		put_delegation(e);
		break;
	case S_HIT:
		if (!e->c->opts.minimal && e->r->nrr > 0)
			put_apex_ns(e);
		break;
	default:
		break;
	}
	if (!e->dnssec)
		return;
	if (s == S_MISS)
		prove_nxdomain(e);
	else if (s == S_NODATA && e->node >= 0)
		prove_nodata(e, e->node);
	else if (s == S_DELEG)
		prove_delegation(e);
	if (s != S_DELEG)
		prove_wildcards(e);
}

/* ---- additional ---- */

static const uint8_t *target_of(const struct cz_rr *x, const uint8_t *rd,
				uint16_t len)
{
	size_t off = x->type == ZW_TYPE_NS ? 0 : x->type == ZW_TYPE_MX ? 2 : 6;
	if (len <= off || zw_name_check(rd + off, rd + len) <= 0)
		return NULL;
	return rd + off;
}

/* The node holding the target's addresses (exact, or its wildcard). */
static long addr_node(struct eng *e, const uint8_t *target, bool *synth)
{
	long i = cz_find(e->c, target);
	*synth = false;
	if (visible(e, i))
		return i;
	if (!zw_name_is_subdomain(target, cz_lname(e->c, 0)))
		return -1;
	struct eng tmp = *e;
	if (find_name(&tmp, target))
		return -1;
	long w = e->c->wild[tmp.encloser];
	if (w < 0 || (e->c->nf[tmp.encloser] & CZ_NONAUTH))
		return -1;
	*synth = true;
	return w;
}

static void put_addresses(struct eng *e, const struct cz_rr *x,
			  const uint8_t *target, bool referral)
{
	bool synth;
	long a = addr_node(e, target, &synth);
	if (a < 0)
		return;
	int mode = ZWT_MODE_OPT;
	if (referral && zw_name_is_strict_subdomain(target, x->owner))
		mode = ZWT_MODE_MUST;
	static const uint16_t types[2] = {ZW_TYPE_A, ZW_TYPE_AAAA};
	for (int k = 0; k < 2; k++) {
		struct zw_rrset rs;
		if (!zw_node_rrset(zn(e, a), types[k], 0, &rs))
			continue;
		if (has_rr(e->r, target, types[k], rs.rdata, 3))
			continue;
		put_rrset(e, x->group, 3, a, target, &rs, false, mode);
	}
}

static void additional(struct eng *e, enum state s)
{
	int n = e->r->nrr;
	for (int i = 0; i < n; i++) {
		const struct cz_rr *x = &e->r->rr[i];
		if (x->sig || x->sec == 3 || (x->type != ZW_TYPE_NS &&
		    x->type != ZW_TYPE_MX && x->type != ZW_TYPE_SRV))
			continue;
		bool referral = s == S_DELEG && x->sec == 2 &&
				x->type == ZW_TYPE_NS;
		const uint8_t *p = x->rdata;
		for (uint32_t k = 0; k < x->count; k++) {
			uint16_t len;
			const uint8_t *rd = zw_rr_next(&p, &len);
			const uint8_t *t = target_of(x, rd, len);
			if (t)
				put_addresses(e, &e->r->rr[i], t, referral);
		}
	}
}

void cz_resolve(const struct cz *c, const uint8_t *qname, long qnode,
		uint16_t qtype, unsigned flags, struct cz_resp *r)
{
	struct eng e;
	memset(&e, 0, offsetof(struct eng, hits));
	resp_clear(r);
	e.c = c;
	e.r = r;
	e.qtype = qtype;
	e.synth = (flags & CZ_Q_SYNTH) != 0;
	e.dnssec = c->denial != ZWT_DENIAL_NONE;
	e.qname = qname;
	e.qnode = qnode;
	cz_group_for(r, G_SPEC, A_QNAME, 0, false);

	enum state s = solve_name(&e, qname);
	r->aa = s != S_DELEG;
	while (s == S_FOLLOW && e.step < 32) {
		e.step++;
		s = solve_name(&e, e.sname);
	}
	if (s == S_FOLLOW || s == S_STOP)
		s = S_HIT;
	if (s == S_NODATA && e.synth && e.step == 0 && e.node >= 0 &&
	    (c->nf[e.node] & CZ_WILD))
		r->nodata_at_wild = true;
	authority(&e, s);
	additional(&e, s);
}
