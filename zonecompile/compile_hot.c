/* Shared pieces gathered in one place. The assembler puts a piece where
 * its first user needs it (right after that node's recipes); a piece
 * many nodes' responses share (on the 1M delegation zone: the DO=0
 * referrals of delegations with the same NS set, ~5,000 pieces that
 * ~75% of DO=0 lookups read) then sits in the node area of whichever
 * node came first, one piece per 4 KiB page. The pieces are cached, but
 * their pages' translations are not: on this VM the TLB holds 4 KiB
 * translations (2 MiB guest pages do not help: the host backs them with
 * 4 KiB ones), so each such read paid a page walk. Here, once every
 * node is assembled, the whole-response pieces that at least HOT_MIN
 * responses use are copied, in node order of first use, to the end of
 * the blob and the recipes pointed at the copies: a few hundred pages
 * that stay in the TLB and in the cache. The first copies stay where they were
 * (never read again by a lookup, but any ref the table keeps elsewhere,
 * such as a proof slot, still points at valid, identical octets). */
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "zonecompile/compile_out.h"

/* Users (node responses) a piece needs to move; below it a piece is
 * read too rarely for its page to stay in the TLB. */
#define HOT_MIN 8

static struct zwt_node *node_at(const struct cc *cc, size_t i)
{
	return (struct zwt_node *)cc_blob_at(cc, cc->node_ref[i]);
}

/* The recipe refs of node n: dflt[2], then rec[2] per entry. */
static unsigned node_recipes(const struct zwt_node *n, uint32_t out[512])
{
	const struct zwt_entry *e = zwt_entries(n);
	unsigned k = 0;
	out[k++] = n->dflt[0];
	out[k++] = n->dflt[1];
	for (unsigned t = 0; t < n->ntypes; t++) {
		out[k++] = e[t].rec[0];
		out[k++] = e[t].rec[1];
	}
	return k;
}

/* The pieces to move, as keys of hot (values 0 until copied): the
 * whole-response pieces at least HOT_MIN responses use (merged_piece
 * counts the uses after the first in the map slot's spare word), and
 * the pieces of the NXDOMAIN recipes (every absent name's). Counting at
 * assembly time, where the slot is in cache anyway, spares a pass over
 * every recipe's pieces through a map far bigger than the caches. */
static int pick_hot(struct cc *cc, struct kmap *hot)
{
	const struct kmap *m = &cc->merged;
	for (uint64_t j = 0; m->s && j <= m->mask; j++) {
		const struct kslot *s = &m->s[j];
		if (s->key && s->val && s->n + 1 >= HOT_MIN &&
		    !cc_kmap_slot(hot, s->val))
			return ZW_ENOMEM;
	}
	for (int d = 0; d < 2; d++) {
		if (!cc->nx[d])
			continue;
		const struct zwt_recipe *r =
			(const void *)cc_blob_at(cc, cc->nx[d]);
		for (unsigned j = 0; j < r->npieces; j++)
			if (!cc_kmap_slot(hot, zwt_recipe_pieces(r)[j]))
				return ZW_ENOMEM;
	}
	return 0;
}

/* A copy of piece ref at the blob's end; its ref (0: out of memory). */
static uint32_t copy_out(struct cc *cc, uint32_t ref)
{
	const struct zwt_piece *pc = (const void *)cc_blob_at(cc, ref);
	size_t len = ((size_t)pc->wire + pc->size + 3) & ~(size_t)3;
	cz_buf_align(&cc->blob, 4);
	size_t off = cc->blob.len;
	if (!cz_buf_append(&cc->blob, NULL, len))
		return 0;
	/* at_ref again: a heap blob may have moved */
	memcpy(cc->blob.p + off, cc_blob_at(cc, ref), len);
	return (uint32_t)((cc->blob_base + off) / 4);
}

/* The pieces of recipe rref that are hot: copied (once, in node order
 * of first use) and the recipe pointed at the copy. */
static int move_recipe(struct cc *cc, struct kmap *hot, uint32_t rref)
{
	uint8_t npieces = ((const struct zwt_recipe *)cc_blob_at(cc, rref))->npieces;
	for (unsigned j = 0; j < npieces; j++) {
		size_t po = (size_t)rref * 4 - cc->blob_base + 4 + 4 * j;
		uint32_t old;
		memcpy(&old, cc->blob.p + po, 4);
		uint32_t *m = cc_kmap_find(hot, old);
		if (!m)
			continue; /* cold, or already a copy */
		if (!*m && !(*m = copy_out(cc, old)))
			return ZW_ENOMEM;
		memcpy(cc->blob.p + po, m, 4);
	}
	return 0;
}

static int move_hot(struct cc *cc, struct kmap *hot)
{
	uint32_t rec[512];
	int rc = 0;
	for (size_t i = 0; i < cc->cz.n && rc >= 0; i++) {
		if (!cc->node_ref[i])
			continue;
		unsigned nr = node_recipes(node_at(cc, i), rec);
		for (unsigned k = 0; k < nr && rc >= 0; k++)
			if (rec[k])
				rc = move_recipe(cc, hot, rec[k]);
	}
	for (int d = 0; d < 2 && rc >= 0; d++)
		if (cc->nx[d])
			rc = move_recipe(cc, hot, cc->nx[d]);
	return rc;
}

int cc_gather_hot(struct cc *cc)
{
	struct kmap hot = {0};
	int rc = pick_hot(cc, &hot);
	if (rc >= 0 && hot.n)
		rc = move_hot(cc, &hot);
	cc_kmap_free(&hot);
	return rc < 0 || cc->blob.failed ? ZW_ENOMEM : 0;
}

/* Slot hints (table_fmt.h ZWT_SLOT_HINT), once the layout is final (the
 * hot pieces moved). What a lookup of a node usually takes at DO=1: at
 * a delegation its referral (every qtype but DS), elsewhere any of the
 * node's DO=1 answers; of those, the pieces the assembler put right
 * after the node (its own: a piece sits after its first user, the
 * shared ones at the blob's end), as far as a hint reaches. On the 1M
 * delegation zone a referral with its DS or NSEC ends 5 to 6 lines
 * from the node's line for ~80% of the delegations, 7 to 9 for ~11%,
 * 10 to 14 for the ~8% with glue (their own DO=0 referral in between). */

/* Offset in the file (so in memory, mod 64: tables are mapped page
 * aligned) of blob ref r; line_align's reckoning. */
static size_t file_off(const struct cc *cc, uint32_t ref)
{
	return cc_blob_file_off(cc) - cc->blob_base + (size_t)ref * 4;
}

/* The file offsets piece ref spans: its end, its start in *start. */
static size_t piece_end(const struct cc *cc, uint32_t pref, size_t *start)
{
	const struct zwt_piece *pc = (const void *)cc_blob_at(cc, pref);
	*start = file_off(cc, pref);
	return *start + pc->wire + pc->size;
}

/* Lines from the one starting at file offset `line` through `end`. */
static size_t lines_to(size_t line, size_t end)
{
	return (end - line + 63) / 64;
}

/* The end of the pieces of recipe rref, of those starting after `at`
 * and ending within the hint's lines from `line`, or `end` if later. */
static size_t hint_end(const struct cc *cc, uint32_t rref, size_t at,
		       size_t line, size_t end)
{
	if (!rref)
		return end;
	const struct zwt_recipe *r = (const void *)cc_blob_at(cc, rref);
	for (unsigned j = 0; j < r->npieces; j++) {
		size_t p, e = piece_end(cc, zwt_recipe_pieces(r)[j], &p);
		if (p > at && e <= line + 64 * ZWT_HINT_SPAN_MAX && e > end)
			end = e;
	}
	return end;
}

static uint8_t slot_hint(const struct cc *cc, uint32_t ref)
{
	const struct zwt_node *n = (const void *)cc_blob_at(cc, ref);
	size_t at = file_off(cc, ref), line = at & ~(size_t)63;
	size_t end = hint_end(cc, n->dflt[1], at, line, 0);
	if (!(n->flags & ZWT_N_CUT)) {
		const struct zwt_entry *e = zwt_entries(n);
		for (unsigned t = 0; t < n->ntypes; t++)
			end = hint_end(cc, e[t].rec[1], at, line, end);
	}
	if (!end || (n->flags & ZWT_N_BELOW))
		return 0;
	size_t lines = lines_to(line, end);
	if (lines <= 3)
		return 1;
	return (uint8_t)(lines <= ZWT_HINT_SPAN(ZWT_SLOT_HINT_MAX - 1)
				 ? lines - 2 : ZWT_SLOT_HINT_MAX);
}

/* Recipe ref's lines (struct zwt_recipe): the lines its first piece
 * spans in the file, from the line it starts in. Once: a recipe many
 * nodes share is counted already (a piece spans a line at least). */
static void recipe_lines(struct cc *cc, uint32_t rref)
{
	if (!rref)
		return;
	struct zwt_recipe *r = (struct zwt_recipe *)cc_blob_at(cc, rref);
	if (!r->npieces || r->lines)
		return;
	size_t p, e = piece_end(cc, zwt_recipe_pieces(r)[0], &p);
	size_t lines = lines_to(p & ~(size_t)63, e);
	r->lines = (uint8_t)(lines < 255 ? lines : 255);
}

int cc_slot_hints(struct cc *cc)
{
	cc->node_hint = calloc(cc->cz.n ? cc->cz.n : 1, 1);
	if (!cc->node_hint)
		return ZW_ENOMEM;
	uint32_t rec[512];
	for (size_t i = 0; i < cc->cz.n; i++) {
		if (!cc->node_ref[i])
			continue;
		cc->node_hint[i] = slot_hint(cc, cc->node_ref[i]);
		/* here, after the hot pieces moved and before the below
		 * nodes copy their cut's recipes */
		unsigned k = node_recipes(node_at(cc, i), rec);
		for (unsigned j = 0; j < k; j++)
			recipe_lines(cc, rec[j]);
	}
	return 0;
}
