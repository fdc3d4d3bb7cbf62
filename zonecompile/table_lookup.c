/* Query-time lookup: from a parsed query to a plan (the pieces of the
 * response), following RFC 1034 §4.3.2 as Knot does: exact match, then
 * the closest encloser (one hash probe per label), which may be a zone
 * cut (referral), a DNAME (synthesis), the parent of a wildcard
 * (expansion) or none of these (NXDOMAIN). DNSSEC proofs that depend on
 * the query name (NSEC covering it, NSEC3 covering its next closer name)
 * are found here; everything else comes precomputed with the recipes. */
#include <stddef.h>
#include <string.h>

#include "crypto/nsec3.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/table_lookup.h"

static const struct zwt_node *node_at(const struct tl_zone *z, uint32_t ref)
{
	return zwt_at(z->data, ref);
}

/* Hash probe for a lower-cased wire name with its hash h. */
const struct zwt_node *tl_probe_h(const struct tl_zone *z,
				  const uint8_t *name, size_t len, uint64_t h)
{
	const uint64_t *slots = z->acc->slots;
	uint64_t mask = z->acc->mask;

	for (uint64_t i = h & mask;; i = (i + 1) & mask) {
		uint64_t s = slots[i];
		uint32_t ref = (uint32_t)s;
		if (!ref)
			return NULL;
		if (ZWT_SLOT_TAG(s ^ h))
			continue;
		const struct zwt_node *n = node_at(z, ref);
		if (n->namelen == len && tl_name_eq(zwt_node_name(n), name, len))
			return n;
	}
}

const struct zwt_node *tl_probe(const struct tl_zone *z, const uint8_t *name,
				size_t len)
{
	return tl_probe_h(z, name, len, zwt_hash(z->acc->seed, name, len));
}

/* Probe for q without its first k labels (q's name buffer has room for
 * the padded hash's last word). */
static const struct zwt_node *probe_suffix(const struct tl_zone *z,
					   const struct tl_name *q, int k)
{
	const uint8_t *nm = q->lname + q->loff[k];
	size_t len = q->len - q->loff[k];
	return tl_probe_h(z, nm, len, zwt_hash_padded(z->acc->seed, nm, len));
}

/* Add one piece unless the plan has it already for the same name (Knot
 * puts an RRset once: KNOT_PF_CHECKDUP). */
static void add_piece(struct tl_plan *p, uint32_t ref, uint8_t name)
{
	const uint8_t *pc = zwt_at(p->data, ref);
	for (int i = 0; i < p->nseg; i++)
		if (p->seg[i].pc == pc && p->seg[i].name == name)
			return;
	if (p->nseg >= TL_MAXSEG) {
		p->overflow = true;
		return;
	}
	p->seg[p->nseg].pc = pc;
	p->seg[p->nseg].name = name;
	p->nseg++;
}

static inline void add_recipe(struct tl_plan *p, uint32_t ref, uint8_t name)
{
	const struct zwt_recipe *r = zwt_at(p->data, ref);
	const uint32_t *pcs = zwt_recipe_pieces(r);

	p->rcode = r->rcode;
	p->rflags = r->flags;
	if (r->flags & ZWT_R_AA)
		p->aa = true;
	p->sigs = (r->flags & ZWT_R_SIGS) != 0;
	if (!p->nseg && r->npieces == 1) { /* the usual plan: no repeat */
		p->seg[0].pc = zwt_at(p->data, pcs[0]);
		p->seg[0].name = name;
		p->nseg = 1;
		return;
	}
	for (unsigned i = 0; i < r->npieces; i++)
		add_piece(p, pcs[i], name);
}

void tl_add_recipe(struct tl_plan *p, uint32_t ref, uint8_t name)
{
	add_recipe(p, ref, name);
}

/* Lookup form of `name` relative to the apex: labels below the apex in
 * reverse order, each followed by a 0 separator (0x00/0x01 escaped). */
static size_t rel_lf(const struct tl_name *q, int below, uint8_t *out)
{
	size_t o = 0;
	for (int k = below - 1; k >= 0; k--) {
		const uint8_t *l = q->lname + q->loff[k];
		for (unsigned i = 1; i <= l[0]; i++) {
			uint8_t c = l[i];
			if (c <= 1) {
				out[o++] = 1;
				out[o++] = (uint8_t)(c + 1);
			} else {
				out[o++] = c;
			}
		}
		out[o++] = 0;
	}
	return o;
}

/* The first 8 octets of that lookup form (zero padded), big-endian: the
 * index key. */
static uint64_t rel_key_slow(const struct tl_name *q, int below)
{
	uint8_t kb[10] = {0};
	size_t o = 0;
	for (int k = below - 1; k >= 0 && o < 8; k--) {
		const uint8_t *l = q->lname + q->loff[k];
		for (unsigned i = 1; i <= l[0] && o < 8; i++) {
			uint8_t c = l[i];
			if (c <= 1) {
				kb[o++] = 1;
				kb[o++] = (uint8_t)(c + 1);
			} else {
				kb[o++] = c;
			}
		}
		o++; /* the separator, 0 */
	}
	return zwt_load_be64(kb);
}

/* rel_key_slow a label at a time: 8 octets read from the label, those
 * past it masked off (zeros: the separator and the padding), unless the
 * octets needed hold a 0 or 1 (escaped) or the read would leave lname. */
static uint64_t rel_key(const struct tl_name *q, int below)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t acc = 0; /* key octets in memory order */
	unsigned o = 0;
	for (int k = below - 1; k >= 0 && o < 8; k--) {
		const uint8_t *l = q->lname + q->loff[k];
		unsigned n = l[0] < 8 - o ? l[0] : 8 - o;
		if (q->loff[k] + 9u > sizeof(q->lname))
			return rel_key_slow(q, below);
		uint64_t w = zw_load64(l + 1);
		uint64_t m = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
		if ((w - 2 * ones) & ~w & (ones << 7) & m)
			return rel_key_slow(q, below); /* an octet < 2 */
		acc |= (w & m) << (8 * o);
		o += n + 1;
	}
	return __builtin_bswap64(acc);
}

uint64_t tl_nsec_key(const struct tl_zone *z, const struct tl_name *q)
{
	return rel_key(q, q->nlabels - z->hdr->origin_labels);
}

/* Index of the last entry <= the lookup form lf (-1 when all are
 * greater): binary search on the 8-octet keys; ties compare the full
 * lookup forms. */
static long nsec_find_full(const struct tl_zone *z, const uint8_t *lf,
			   size_t len, uint64_t key)
{
	const struct zwt_nsec_ent *e = (const void *)(z->data +
						      z->hdr->idx_off);
	const uint8_t *lfs = z->data + z->hdr->lf_off;
	long lo = 0, hi = (long)z->hdr->idx_count; /* first entry > key */

	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		int c;
		if (e[mid].key != key)
			c = e[mid].key < key ? -1 : 1;
		else
			c = zw_name_lf_cmp(lfs + e[mid].lf_off, e[mid].lflen, lf, len);
		if (c <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

/* Both indexes are searched by the accelerator (table_int.h), which
 * reads 24-octet entries with the key first. */
_Static_assert(sizeof(struct zwt_nsec_ent) == ZWT_IDX_ENT &&
	       sizeof(struct zwt_nsec3_ent) == ZWT_IDX_ENT,
	       "one search for both indexes");
_Static_assert(offsetof(struct zwt_nsec_ent, key) == 0 &&
	       offsetof(struct zwt_nsec3_ent, key) == 0,
	       "one search for both indexes");

/* The last index entry whose key is <= key (-1: none). */
static long idx_find(const struct tl_zone *z, uint64_t key)
{
	return zwt_accel_find(z->acc, key);
}

/* The NSEC covering a name that does not exist (Knot: the NSEC of the
 * previous name in the chain). The key (the first 8 octets of the name's
 * lookup form) decides unless the entry found has the same key. */
uint32_t tl_nsec_cover(const struct tl_zone *z, const struct tl_name *q)
{
	if (q->cover)
		return q->cover;
	int below = q->nlabels - z->hdr->origin_labels;
	const struct zwt_nsec_ent *e = (const void *)(z->data +
						      z->hdr->idx_off);
	size_t n = z->hdr->idx_count;
	uint64_t key = rel_key(q, below);
	long i = idx_find(z, key);
	if (i >= 0 && e[i].key == key) { /* the burst leaves these to here */
		uint8_t lf[ZW_NAME_LF_MAX];
		size_t len = rel_lf(q, below, lf);
		i = nsec_find_full(z, lf, len, key);
	}
	if (i < 0)
		i = (long)n - 1;
	return e[i].piece;
}

/* The NSEC3 covering hash h (the last one below it, wrapping), given lo:
 * the first entry whose key is >= h's. */
uint32_t tl_nsec3_pick(const struct tl_zone *z, const uint8_t *h, long lo)
{
	const struct zwt_nsec3_ent *e = (const void *)(z->data +
						       z->hdr->idx_off);
	uint64_t key = zwt_load_be64(h);
	/* on over equal keys to the first entry >= h */
	while (lo < (long)z->hdr->idx_count && e[lo].key == key &&
	       memcmp(e[lo].rest, h + 8, 12) < 0)
		lo++;
	/* lo: first entry >= h; a match is the name itself (cannot happen
	 * for a name that does not exist, but then it is the best proof) */
	if (lo < (long)z->hdr->idx_count && e[lo].key == key &&
	    !memcmp(e[lo].rest, h + 8, 12))
		return e[lo].piece;
	if (lo == 0)
		lo = (long)z->hdr->idx_count;
	return e[lo - 1].piece;
}

static uint32_t nsec3_cover(const struct tl_zone *z, const uint8_t *h)
{
	/* the first entry whose key is >= h's (hashes: random, so the
	 * search of the NSEC index, entries of the same size) */
	uint64_t key = zwt_load_be64(h);
	return tl_nsec3_pick(z, h, key ? idx_find(z, key - 1) + 1 : 0);
}

bool tl_nsec3_nc_hash(const struct tl_zone *z, const struct tl_name *q,
		      int cpe_labels, uint8_t h[ZW_NSEC3_HASH_LEN])
{
	int skip = q->nlabels - cpe_labels - 1;
	if (skip < 0)
		skip = 0;
	const uint8_t *nc = q->lname + q->loff[skip];
	return zw_nsec3_hash(nc, z->hdr->nsec3_salt, z->hdr->nsec3_saltlen,
			     z->hdr->nsec3_iter, h) == 0;
}

/* NSEC3 covering the next closer name: the suffix of q one label longer
 * than the closest provable encloser (q->cover when the burst found it
 * for this encloser). */
uint32_t tl_nsec3_nc(const struct tl_zone *z, const struct tl_name *q,
		     int cpe_labels)
{
	uint8_t h[ZW_NSEC3_HASH_LEN];
	if (q->cover && q->cover_cpe == cpe_labels)
		return q->cover;
	if (!tl_nsec3_nc_hash(z, q, cpe_labels, h))
		return 0;
	return nsec3_cover(z, h);
}

/* Wildcard expansion from the closest encloser e. */
static void wildcard(const struct tl_zone *z, const struct tl_name *q,
		     const struct zwt_node *e, struct tl_plan *p,
		     uint16_t qtype, int dnssec, uint8_t name)
{
	const struct zwt_node *w = node_at(z, e->wild);
	tl_add_recipe(p, tl_select(w, qtype, dnssec), name);
	if (!dnssec || !p->sigs)
		return;
	if (z->hdr->denial == ZWT_DENIAL_NSEC) {
		add_piece(p, tl_nsec_cover(z, q), name);
	} else if (z->hdr->denial == ZWT_DENIAL_NSEC3) {
		if ((p->rflags & ZWT_R_NODATA) && e->nx1)
			add_piece(p, e->nx1, name);
		uint32_t nc = tl_nsec3_nc(z, q, e->cpe_labels);
		if (nc)
			add_piece(p, nc, name);
	}
}

static void nxdomain(const struct tl_zone *z, const struct tl_name *q,
		     const struct zwt_node *e, struct tl_plan *p, int dnssec,
		     uint8_t name)
{
	add_recipe(p, z->hdr->nx[dnssec], name);
	if (!dnssec || !p->sigs)
		return;
	if (z->hdr->denial == ZWT_DENIAL_NSEC) {
		add_piece(p, tl_nsec_cover(z, q), name);
		if (e->nx1)
			add_piece(p, e->nx1, name);
	} else if (z->hdr->denial == ZWT_DENIAL_NSEC3) {
		if (e->nx1)
			add_piece(p, e->nx1, name);
		uint32_t nc = tl_nsec3_nc(z, q, e->cpe_labels);
		if (nc)
			add_piece(p, nc, name);
		if (e->nx2)
			add_piece(p, e->nx2, name);
	}
}

/* The closest encloser of q among its suffixes without k0.. labels
 * (k < below: not the apex), probed one by one (NULL: the apex). Out of
 * line: the burst usually knows the parent. */
static __attribute__((noinline)) const struct zwt_node *encloser_probe(
	const struct tl_zone *z, const struct tl_name *q, int k0, int below)
{
	const struct zwt_node *e = NULL;
	for (int k = k0; k < below && !e; k++)
		e = probe_suffix(z, q, k);
	return e;
}

/* tl_resolve but for its usual referral. Out of line: that one then
 * needs no frame. */
static __attribute__((noinline)) const struct zwt_node *resolve(
	const struct tl_zone *z, const struct tl_name *q, uint16_t qtype,
	int dnssec, struct tl_plan *p, uint8_t name)
{
	const struct zwt_node *n = q->probed ? q->node
		: q->hashed ? tl_probe_h(z, q->lname, q->len, q->hash)
		: tl_probe(z, q->lname, q->len);
	if (n) {
		add_recipe(p, tl_select(n, qtype, dnssec), name);
		return NULL;
	}
	int below = q->nlabels - z->hdr->origin_labels;
	/* the last suffix is the apex, always there: no probe for it; the
	 * parent may be known already (the burst probes it ahead) */
	const struct zwt_node *e = below > 1 && q->pprobed ? q->parent : NULL;
	if (!e && below > 1)
		e = encloser_probe(z, q, q->pprobed ? 2 : 1, below);
	if (!e)
		e = node_at(z, z->hdr->apex);
	if (e->flags & ZWT_N_CUT) {
		add_recipe(p, e->dflt[dnssec], name);
		return NULL;
	}
	if (e->flags & ZWT_N_DNAME)
		return e;
	if (e->flags & ZWT_N_WILDCHILD)
		wildcard(z, q, e, p, qtype, dnssec, name);
	else
		nxdomain(z, q, e, p, dnssec, name);
	return NULL;
}

/* Resolve q (plan name index `name`) into the plan. Returns the closest
 * encloser when a DNAME must be followed (the caller synthesises), else
 * NULL. The usual referral first: a name below a cut (a glue name, the
 * burst probed it absent and found its parent, the cut), as resolve
 * finds it. */
const struct zwt_node *tl_resolve(const struct tl_zone *z,
				  const struct tl_name *q, uint16_t qtype,
				  int dnssec, struct tl_plan *p, uint8_t name)
{
	const struct zwt_node *e;
	if (q->probed && !q->node && q->pprobed && (e = q->parent) &&
	    (e->flags & ZWT_N_CUT) &&
	    q->nlabels - z->hdr->origin_labels > 1) {
		add_recipe(p, e->dflt[dnssec], name);
		return NULL;
	}
	return resolve(z, q, qtype, dnssec, p, name);
}
