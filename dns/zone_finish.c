/* Zone model, finishing: one sort of the nodes on their lookup form,
 * merging of owners that came in several runs, canonical rewrite of the
 * runs that need it, the apex checks, zone cuts and empty non-terminals. */
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zone_int.h"

struct ent {
	const uint8_t *rd;  /* as stored */
	const uint8_t *crd; /* canonical form (lower-cased names) */
	uint16_t len, type, covers;
	uint32_t ttl, seq, idx;
};

struct scratch {
	struct ent *e;
	size_t n, cap;
	uint8_t *lc; /* lower-cased copies */
	size_t lclen, lccap;
	uint8_t *out;
	size_t outcap;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return ZW_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* Merge the sorted neighbours a[0..na) and a[na..na+nb) through tmp, which
 * takes the shorter one. Stable: on a tie the left (earlier) node first. */
static void merge2(struct zw_node *a, size_t na, size_t nb,
		   struct zw_node *tmp)
{
	struct zw_node *b = a + na;
	if (na <= nb) {
		memcpy(tmp, a, na * sizeof *a);
		size_t i = 0, j = 0, k = 0;
		while (i < na && j < nb)
			a[k++] = zone_node_cmp(&b[j], &tmp[i]) < 0 ? b[j++]
								   : tmp[i++];
		memcpy(a + k, tmp + i, (na - i) * sizeof *a);
		return;
	}
	memcpy(tmp, b, nb * sizeof *a);
	size_t i = na, j = nb, k = na + nb;
	while (i > 0 && j > 0)
		a[--k] = zone_node_cmp(&tmp[j - 1], &a[i - 1]) < 0 ? a[--i]
								     : tmp[--j];
	memcpy(a + k - j, tmp, j * sizeof *a);
}

/* Natural merge sort: zones usually arrive sorted or nearly so (a few
 * ascending runs), which this sorts in about one pass. Stable, so several
 * runs of records for one owner stay in creation order. */
static int merge_sort(struct zw_node *a, size_t n)
{
	size_t *start = malloc((n + 1) * sizeof *start), m = 0, tcap = 0;
	struct zw_node *tmp = NULL;
	if (!start)
		return ZW_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || zone_node_cmp(&a[i - 1], &a[i]) > 0)
			start[m++] = i;
	start[m] = n;
	while (m > 1) {
		size_t w = 0;
		for (size_t i = 0; i < m; i += 2) {
			if (i + 1 < m) {
				size_t na = start[i + 1] - start[i];
				size_t nb = start[i + 2] - start[i + 1];
				size_t need = na < nb ? na : nb;
				if (grow((void **)&tmp, &tcap, need, sizeof *tmp)) {
					free(start);
					free(tmp);
					return ZW_ENOMEM;
				}
				merge2(a + start[i], na, nb, tmp);
			}
			start[w++] = start[i];
		}
		start[w] = n;
		m = w;
	}
	free(tmp);
	free(start);
	return 0;
}

static bool same_name(const struct zw_node *a, const struct zw_node *b)
{
	return a->key == b->key && a->lflen == b->lflen &&
	       memcmp(a->lf, b->lf, a->lflen) == 0;
}

/* Sort; 1 when some owner has several runs, 0, or ZW_ENOMEM. */
static int sort_nodes(struct zw_zone *z)
{
	bool dups = false;
	if (merge_sort(z->nodes, z->n))
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 1; i < z->n && !dups; i++)
		dups = z->nodes[i - 1].key == z->nodes[i].key &&
		       same_name(&z->nodes[i - 1], &z->nodes[i]);
	return dups;
}

static int collect_rrset(struct scratch *s, const uint8_t *h, uint32_t seq,
			 const uint8_t **next)
{
	uint16_t type = zw_load16(h), covers = zw_load16(h + 2);
	uint32_t ttl = zw_load32(h + 4), count = zw_load32(h + 8);
	const uint8_t *p = h + RS_HDR;
	if (grow((void **)&s->e, &s->cap, s->n + count, sizeof *s->e))
		return ZW_ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		s->e[s->n] = (struct ent){rd, rd, len, type, covers, ttl, seq,
					  (uint32_t)s->n};
		s->n++;
	}
	*next = p;
	return 0;
}

/* Lower-cased copies for the RRs whose order depends on case. */
static int lower_copies(struct scratch *s)
{
	size_t need = 0;
	for (size_t i = 0; i < s->n; i++)
		need += s->e[i].len;
	if (grow((void **)&s->lc, &s->lccap, need, 1))
		return ZW_ENOMEM;
	uint8_t *p = s->lc;
	for (size_t i = 0; i < s->n; i++) {
		struct ent *e = &s->e[i];
		memcpy(p, e->rd, e->len);
		zw_rdata_canonicalize(e->type, p, e->len);
		e->crd = p;
		p += e->len;
	}
	return 0;
}

static int ent_cmp(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->covers != b->covers)
		return a->covers < b->covers ? -1 : 1;
	int c = zw_rdata_cmp(a->crd, a->len, b->crd, b->len);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* TTL of an RRset made of several runs: the latest run's (BIND's database
 * merge); within a run the first RR's. */
static uint32_t group_ttl(const struct ent *e, size_t n)
{
	const struct ent *best = &e[0];
	for (size_t i = 1; i < n; i++)
		if (e[i].seq > best->seq ||
		    (e[i].seq == best->seq && e[i].idx < best->idx))
			best = &e[i];
	return best->ttl;
}

/* Write one RRset (entries e[0..n) of one type), dropping duplicates.
 * Returns the octets written or -1 for a singleton type with several RRs. */
static long write_rrset(const struct ent *e, size_t n, uint8_t *out)
{
	uint32_t ttl = group_ttl(e, n), count = 0;
	uint8_t *p = out + RS_HDR;
	for (size_t i = 0; i < n; i++) {
		if (i && e[i].len == e[i - 1].len &&
		    memcmp(e[i].crd, e[i - 1].crd, e[i].len) == 0)
			continue;
		p[0] = (uint8_t)(e[i].len >> 8);
		p[1] = (uint8_t)e[i].len;
		memcpy(p + 2, e[i].rd, e[i].len);
		p += 2 + e[i].len;
		count++;
	}
	memcpy(out, &e[0].type, 2);
	memcpy(out + 2, &e[0].covers, 2);
	memcpy(out + 4, &ttl, 4);
	memcpy(out + 8, &count, 4);
	if (count > 1 && (e[0].type == ZW_TYPE_CNAME ||
			  e[0].type == ZW_TYPE_DNAME || e[0].type == ZW_TYPE_SOA))
		return -1;
	return p - out;
}

static long write_all(struct scratch *s, uint8_t *out, uint16_t *bad)
{
	long total = 0;
	for (size_t i = 0, j; i < s->n; i = j) {
		for (j = i + 1; j < s->n && s->e[j].type == s->e[i].type &&
				s->e[j].covers == s->e[i].covers; j++)
			;
		long w = write_rrset(&s->e[i], j - i, out + total);
		if (w < 0) {
			*bad = s->e[i].type;
			return -1;
		}
		total += w;
	}
	return total;
}

/* Nodes g[0..k) share one owner (k >= 1): rewrite their RRsets in canonical
 * form into g[0]; with k > 1 into a new run in the arena. */
static int canon_group(struct zw_zone *z, struct scratch *s,
		       struct zw_node *g, size_t k)
{
	size_t total = 0;
	uint16_t flags = 0, bad = 0;
	s->n = 0;
	for (size_t i = 0; i < k; i++) {
		const uint8_t *p = g[i].data, *end = p + g[i].datalen;
		uint32_t seq = zone_run_of(&g[i]).seq;
		while (p < end)
			if (collect_rrset(s, p, seq, &p))
				return ZW_ENOMEM;
		total += g[i].datalen;
		flags |= g[i].flags;
	}
	if (lower_copies(s) ||
	    grow((void **)&s->out, &s->outcap, total ? total : 1, 1))
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	qsort(s->e, s->n, sizeof *s->e, ent_cmp);
	long len = write_all(s, s->out, &bad);
	if (len < 0)
		return zone_fail_at(z, bad == ZW_TYPE_SOA ? ZW_EMULTISOA : ZW_EDUP,
				    &g[k - 1], "multiple RRs of singleton type");
	if (k > 1) {
		size_t namelen = (size_t)(g[0].data - g[0].lf);
		uint8_t *p = zone_alloc(z, RUN_HDR + namelen + (size_t)len);
		if (!p)
			return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
		memcpy(p, g[k - 1].lf - RUN_HDR, RUN_HDR);
		memcpy(p + RUN_HDR, g[0].lf, namelen);
		g[0].lf = p + RUN_HDR;
		g[0].data = p + RUN_HDR + namelen;
	}
	memcpy((uint8_t *)(uintptr_t)g[0].data, s->out, (size_t)len);
	g[0].datalen = (uint32_t)len;
	g[0].flags = flags & (uint16_t)~NF_UNSORTED;
	return 0;
}

static int merge_and_canon(struct zw_zone *z, bool dups)
{
	struct scratch s = {0};
	size_t w = 0;
	int r = 0;
	for (size_t i = 0, j; i < z->n && r == 0; i = j) {
		j = i + 1;
		while (dups && j < z->n && same_name(&z->nodes[i], &z->nodes[j]))
			j++;
		if (j - i > 1 || (z->nodes[i].flags & NF_UNSORTED))
			r = canon_group(z, &s, &z->nodes[i], j - i);
		z->nodes[w++] = z->nodes[i];
	}
	z->n = w;
	free(s.e);
	free(s.lc);
	free(s.out);
	return r;
}

static int check_apex(struct zw_zone *z)
{
	const struct zw_node *a = z->n ? &z->nodes[0] : NULL;
	if (!a || !(a->flags & ZW_NODE_APEX) || !(a->flags & NF_SOA))
		return zone_fail(z, ZW_ENOSOA, NULL, 0,
				 "zone has no SOA record at the apex");
	if (!(a->flags & NF_NS))
		return zone_fail(z, ZW_ENONS, NULL, 0,
				 "zone has no NS records at the apex");
	return 0;
}

/* ---- zone cuts and empty non-terminals ----
 * One pass over the sorted nodes with a stack of the current node's
 * ancestors sets the flags that come from above (below a cut / DNAME) and
 * notes the missing ancestors (ENTs); a second, backward pass inserts the
 * ENTs, only when there are any. Ancestor tests use the 8-octet sort key
 * (held in the node array) before touching the names. */

struct anc {
	const uint8_t *lf;
	uint64_t key;
	uint16_t lflen, inherit;
};

struct ent_at { /* an ENT to insert before node `at` */
	size_t at;
	uint16_t lflen, inherit;
};

struct walk {
	struct anc st[130];
	int sp;
	uint16_t apex; /* lookup-form octets of the apex */
	struct ent_at *ents;
	size_t nents, cap;
};

static bool is_ancestor(const struct walk *wk, const struct anc *a,
			const struct zw_node *n)
{
	size_t m = (size_t)(a->lflen - wk->apex); /* octets below the apex */
	if (a->lflen >= n->lflen)
		return false;
	if (m <= 8)
		return m == 0 || (a->key ^ n->key) >> (64 - 8 * m) == 0;
	return a->key == n->key &&
	       memcmp(a->lf + wk->apex + 8, n->lf + wk->apex + 8, m - 8) == 0;
}

static uint16_t inherit(uint16_t flags)
{
	uint16_t f = flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME);
	if (flags & ZW_NODE_DELEG)
		f |= ZW_NODE_BELOW_CUT;
	if (flags & NF_DNAME)
		f |= ZW_NODE_BELOW_DNAME;
	return f;
}

/* Ancestors of n below the nearest existing one: noted as ENTs (they
 * inherit its flags) and pushed. */
static int missing_ancestors(struct zw_zone *z, struct walk *wk,
			     const struct zw_node *n, size_t at)
{
	size_t from = wk->st[wk->sp - 1].lflen;
	const uint8_t *sep;
	while ((sep = memchr(n->lf + from, 0, n->lflen - 1 - from))) {
		size_t len = (size_t)(sep - n->lf) + 1;
		uint16_t inh = wk->st[wk->sp - 1].inherit;
		if (grow((void **)&wk->ents, &wk->cap, wk->nents + 1,
			 sizeof *wk->ents))
			return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
		wk->ents[wk->nents++] = (struct ent_at){at, (uint16_t)len, inh};
		wk->st[wk->sp++] = (struct anc){n->lf, zone_key(z, n->lf, len),
						(uint16_t)len, inh};
		from = len;
	}
	return 0;
}

static int visit(struct zw_zone *z, struct walk *wk, struct zw_node *n,
		 size_t at)
{
	while (wk->sp && !is_ancestor(wk, &wk->st[wk->sp - 1], n))
		wk->sp--;
	if (wk->sp) {
		if (wk->st[wk->sp - 1].lflen + 1 < n->lflen &&
		    missing_ancestors(z, wk, n, at))
			return z->failed;
		n->flags |= wk->st[wk->sp - 1].inherit;
	}
	if ((n->flags & NF_NS) && !(n->flags & ZW_NODE_APEX) &&
	    !(n->flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME)))
		n->flags |= ZW_NODE_DELEG;
	if ((n->flags & NF_CNAME) && (n->flags & NF_OTHER))
		return zone_fail_at(z, ZW_ECNAME, n, "CNAME and other data");
	wk->st[wk->sp++] = (struct anc){n->lf, n->key, n->lflen,
					inherit(n->flags)};
	return 0;
}

/* An ENT: the ancestor of n whose lookup form is n->lf[0..lflen). */
static int make_ent(struct zw_zone *z, const struct zw_node *n,
		    const struct ent_at *e, struct zw_node *out)
{
	int skip = 0;
	for (size_t i = e->lflen; i < n->lflen; i++)
		skip += n->lf[i] == 0;
	const uint8_t *name = zw_name_skip(zw_node_name(n), skip);
	size_t namelen = zw_name_len(name);
	uint8_t *p = zone_alloc(z, RUN_HDR + e->lflen + namelen);
	if (!p)
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	struct zone_run hdr = {0, 0, UINT32_MAX};
	memcpy(p, &hdr, RUN_HDR);
	memcpy(p + RUN_HDR, n->lf, e->lflen);
	memcpy(p + RUN_HDR + e->lflen, name, namelen);
	*out = (struct zw_node){p + RUN_HDR, NULL, 0, e->lflen,
				ZW_NODE_ENT | e->inherit,
				zone_key(z, n->lf, e->lflen)};
	return 0;
}

/* Grow the array and move the nodes up, from the back, inserting the ENTs
 * (each before the node it was found for, shallowest first). */
static int insert_ents(struct zw_zone *z, const struct walk *wk)
{
	size_t total = z->n + wk->nents;
	if (total > z->cap) {
		struct zw_node *nd = realloc(z->nodes, total * sizeof *nd);
		if (!nd)
			return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
		z->nodes = nd;
		z->cap = total;
	}
	size_t w = total, e = wk->nents;
	for (size_t i = z->n; i-- > 0;) {
		z->nodes[--w] = z->nodes[i];
		while (e > 0 && wk->ents[e - 1].at == i)
			if (make_ent(z, &z->nodes[w], &wk->ents[--e],
				     &z->nodes[w - 1]) == 0)
				w--;
			else
				return z->failed;
	}
	z->n = total;
	return 0;
}

static int cuts_and_ents(struct zw_zone *z)
{
	struct walk wk = {.sp = 0, .apex = z->apex_lflen};
	int r = 0;
	for (size_t i = 0; i < z->n && r == 0; i++)
		r = visit(z, &wk, &z->nodes[i], i);
	if (r == 0 && wk.nents)
		r = insert_ents(z, &wk);
	free(wk.ents);
	return r;
}

/* Drop the ENTs and the derived flags of an earlier finish. */
static void unfinish(struct zw_zone *z)
{
	size_t w = 0;
	for (size_t i = 0; i < z->n; i++) {
		if (z->nodes[i].flags & ZW_NODE_ENT)
			continue;
		z->nodes[i].flags &= (uint16_t)~(ZW_NODE_DELEG |
						 ZW_NODE_BELOW_CUT |
						 ZW_NODE_BELOW_DNAME);
		z->nodes[w++] = z->nodes[i];
	}
	z->n = w;
}

int zw_zone_finish(struct zw_zone *z)
{
	int r;
	if (z->failed)
		return z->failed;
	if (z->in_run) {
		struct zw_node *nd = &z->nodes[z->n - 1];
		nd->datalen = (uint32_t)(z->cur - nd->data);
		z->in_run = false;
	}
	unfinish(z);
	int dups = sort_nodes(z);
	if (dups < 0)
		return dups;
	if ((r = merge_and_canon(z, dups)) < 0 || (r = check_apex(z)) < 0 ||
	    (r = cuts_and_ents(z)) < 0)
		return r;
	z->finished = true;
	return 0;
}
