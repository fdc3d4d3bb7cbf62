/* Table nodes for the names below a zone cut (ZWT_N_BELOW): glue such as
 * ns1.child.example. below the delegation child.example., other occluded
 * data and the empty non-terminals there. Knot answers every query for
 * such a name with the cut's referral; without a node of its own the
 * lookup misses the hash, searches for the cut one label up at a time
 * and writes the referral from there (~1,150 instructions a query on
 * zwd's table). With one, the exact probe finds it and the referral is
 * written at once (table_answer.c answer_below).
 *
 * A below node holds no pieces of its own: its two default recipes are
 * copies of the cut's (a recipe is a few octets; a copy right after the
 * node spares the lookup the cut's lines), pointing at the cut's
 * referral pieces, whose QSUF fixups move their pointers by the query
 * name's extra length. It is flagged ZWT_N_CUT as well, so that a name
 * below it that does not exist finds it as its closest encloser and
 * gets the same referral. The nodes go after every other node (they
 * move nothing the other lookups read), and into the hash after the
 * other names (those keep their slots). */
#include <string.h>

#include "dns/err.h"
#include "zonecompile/compile_out.h"
#include "zonecompile/table_lookup.h" /* tl_ref_cut */

/* The cut a lookup of node i's name finds today: its closest ancestor
 * with a table node of its own, when that is a delegation (-1: none;
 * a name below a DNAME is not visible and never asks). */
static long cut_above(const struct cc *cc, size_t i)
{
	const struct cz *c = &cc->cz;
	long p = c->parent[i];
	while (p >= 0 && !(c->nf[p] & CZ_INHASH))
		p = c->parent[p];
	if (p < 0 || !(c->nf[p] & CZ_CUT) || !cc->node_ref[p])
		return -1;
	return p;
}

/* Recipe ref's octets into buf (4 + 4 per piece); their length. */
static size_t recipe_copy(const struct cc *cc, uint32_t ref, uint8_t *buf)
{
	const struct zwt_recipe *r = (const void *)cc_blob_at(cc, ref);
	size_t len = sizeof(*r) + 4u * r->npieces;
	memcpy(buf, r, len);
	return len;
}

/* The name cut of the referral for the node's own name (tl_ref_cut) in
 * the first piece of both recipes, kept in the node (zwt_below_cut_set;
 * none when the two pieces would cut it differently: tl_answer_ref
 * finds it then). */
static void below_cut(const struct cc *cc, const uint8_t *name, size_t len,
		      const uint8_t (*rec)[4 + 4 * 255], struct zwt_node *nd)
{
	struct tl_refcut cut[2];
	bool ok[2] = {false, false};
	for (int d = 0; d < 2; d++) {
		const struct zwt_recipe *r = (const void *)rec[d];
		if (!r->npieces)
			continue;
		uint32_t pref;
		memcpy(&pref, rec[d] + sizeof(*r), 4);
		ok[d] = tl_ref_cut(cc_blob_at(cc, pref), name, len, &cut[d]);
	}
	if (!ok[0] && !ok[1])
		return;
	const struct tl_refcut *c = ok[0] ? &cut[0] : &cut[1];
	if (ok[0] && ok[1] && memcmp(&cut[0], &cut[1], sizeof(cut[0])))
		return;
	if (c->n > 255)
		return;
	zwt_below_cut_set(nd, c);
}

/* Node i below cut `cut`: the node, its name, the cut's default recipes
 * (one copy when the cut shares one for DO=0 and DO=1). */
static int below_node(struct cc *cc, size_t i, size_t cut)
{
	uint8_t rec[2][4 + 4 * 255];
	const struct zwt_node *cn =
		(const void *)cc_blob_at(cc, cc->node_ref[cut]);
	bool one = cn->dflt[0] == cn->dflt[1];
	size_t rl0 = recipe_copy(cc, cn->dflt[0], rec[0]);
	size_t rl1 = one ? 0 : recipe_copy(cc, cn->dflt[1], rec[1]);
	if (one)
		memcpy(rec[1], rec[0], rl0);
	const uint8_t *name = cz_lname(&cc->cz, i);
	struct zwt_node nd = {0};
	nd.namelen = (uint8_t)zw_name_len(name);
	nd.labels = (uint8_t)zw_name_labels(name);
	nd.flags = ZWT_N_CUT | ZWT_N_BELOW;
	below_cut(cc, name, nd.namelen, (const uint8_t(*)[4 + 4 * 255])rec,
		  &nd);
	size_t size = (sizeof(nd) + nd.namelen + 3) & ~(size_t)3;
	cz_buf_align(&cc->blob, 4);
	size_t off = cc->blob.len;
	uint8_t *at = cz_buf_append(&cc->blob, NULL, size + rl0 + rl1);
	if (!at)
		return ZW_ENOMEM;
	uint32_t ref = (uint32_t)((cc->blob_base + off) / 4);
	nd.dflt[0] = ref + (uint32_t)(size / 4);
	nd.dflt[1] = one ? nd.dflt[0] : nd.dflt[0] + (uint32_t)(rl0 / 4);
	memcpy(at, &nd, sizeof(nd));
	memcpy(at + sizeof(nd), name, nd.namelen);
	memcpy(at + size, rec[0], rl0);
	memcpy(at + size + rl0, rec[1], rl1);
	uint32_t pair[2] = {(uint32_t)i, ref};
	if (!cz_buf_append(&cc->below, pair, sizeof(pair)))
		return ZW_ENOMEM;
	cc->nnodes++;
	return 0;
}

int cc_below_nodes(struct cc *cc)
{
	const struct cz *c = &cc->cz;
	for (size_t i = 0; i < c->n; i++) {
		if (!cz_below_node(c, i))
			continue;
		long cut = cut_above(cc, i);
		if (cut >= 0 && below_node(cc, i, (size_t)cut) < 0)
			return ZW_ENOMEM;
	}
	return cc->blob.failed || cc->below.failed ? ZW_ENOMEM : 0;
}

void cc_below_hash(struct cc *cc)
{
	uint64_t *s = (uint64_t *)cc->hash.p;
	const uint32_t *pairs = (const uint32_t *)cc->below.p;
	size_t n = cc->below.len / 8, idx[CC_HASH_AHEAD];
	uint32_t ref[CC_HASH_AHEAD];
	if (!s)
		return;
	for (size_t k = 0; k < n; k += CC_HASH_AHEAD) {
		size_t m = n - k < CC_HASH_AHEAD ? n - k : CC_HASH_AHEAD;
		for (size_t j = 0; j < m; j++) {
			idx[j] = pairs[2 * (k + j)];
			ref[j] = pairs[2 * (k + j) + 1];
		}
		cc_hash_put(cc, s, idx, ref, m);
	}
}
