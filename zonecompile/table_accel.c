/* The in-memory search accelerators of the zones' denial indexes (see
 * struct zwt_accel in table_int.h) and the prepared NXDOMAIN parts
 * (struct zwt_nxprep), built when a table is opened. */
#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"
#include "zonecompile/table_int.h"

#define FAN ZWT_ACCEL_FAN

static size_t blocks(size_t keys)
{
	return (keys + FAN - 1) / FAN;
}

/* Levels and the keys of each for an index of n entries. */
static unsigned plan_levels(size_t n, size_t len[ZWT_ACCEL_LEVELS])
{
	unsigned nlev = 0;
	if (n <= FAN)
		return 0;
	for (size_t k = blocks(n); nlev < ZWT_ACCEL_LEVELS; k = blocks(k)) {
		len[nlev++] = k;
		if (k <= FAN)
			break;
	}
	return nlev;
}

/* Level j's keys: every FAN-th of the level below (of the index for
 * level 0), then ~0 up to a whole block. */
static void fill_level(struct zwt_accel *a, unsigned j, uint64_t *out)
{
	size_t k = 0;
	for (; k < a->len[j]; k++)
		out[k] = j ? a->lev[j - 1][k * FAN]
			   : zwt_idx_key(a->idx, k * FAN);
	for (; k % FAN; k++)
		out[k] = ~(uint64_t)0;
}

/* The guide's plan (struct zwt_accel, table_int.h): for each octet
 * position of the keys, which octets the index holds there (rank: how
 * many held are below; K: how many), and the codes each position takes
 * (cn; the last one's ranks divided by div). */
struct gplan {
	uint16_t rank[8][256];
	bool held[8][256];
	unsigned k[8], cn[8], div, npos;
	uint64_t mult[8], buckets;
};

static uint8_t key_octet(uint64_t key, unsigned j)
{
	return (uint8_t)(key >> (56 - 8 * j));
}

static void guide_held(struct gplan *g, const uint8_t *idx, size_t n)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < n; i++) {
		uint64_t key = zwt_idx_key(idx, i);
		for (unsigned j = 0; j < 8; j++)
			g->held[j][key_octet(key, j)] = true;
	}
	for (unsigned j = 0; j < 8; j++)
		for (unsigned c = 0; c < 256; c++) {
			g->rank[j][c] = (uint16_t)g->k[j];
			g->k[j] += g->held[j][c];
		}
}

/* Positions while their codes multiply to at most n / ZWT_GUIDE_DENS
 * buckets, the last one's ranks divided to fit; trailing positions of
 * one octet add nothing (the bucket needs the leading ones). */
static void guide_positions(struct gplan *g, size_t n)
{
	uint64_t want = n / ZWT_GUIDE_DENS, b = 1;
	g->div = 1;
	for (unsigned j = 0; j < 8; j++) {
		g->npos = j + 1;
		g->cn[j] = g->k[j];
		if (b * g->k[j] > want) {
			uint64_t fit = want / b ? want / b : 1;
			g->div = (unsigned)((g->k[j] + fit - 1) / fit);
			g->cn[j] = (g->k[j] + g->div - 1) / g->div;
			break;
		}
		b *= g->k[j];
	}
	while (g->npos > 1 && g->cn[g->npos - 1] == 1)
		g->npos--;
	b = 1;
	for (unsigned j = g->npos; j-- > 0;) {
		g->mult[j] = b;
		b *= g->cn[j];
	}
	g->buckets = b;
}

/* Position j's steps (see zwt_guide_bucket): a held octet adds its code
 * and goes on; another one ends the bucket, after the codes below it
 * with the lower positions' largest codes, or before them all with the
 * smallest. */
static void guide_steps(const struct gplan *g, unsigned j, uint64_t *t)
{
	/* only the last position can be divided (a divided one left out
	 * took one code: div 1 for the others then) */
	unsigned d = j == g->npos - 1 &&
		     g->cn[j] != g->k[j] ? g->div : 1;
	uint64_t rest = 0; /* the lower positions' largest codes */
	for (unsigned i = j + 1; i < g->npos; i++)
		rest += (g->cn[i] - 1) * g->mult[i];
	for (unsigned c = 0; c < 256; c++) {
		unsigned r = g->rank[j][c];
		if (g->held[j][c])
			t[c] = (uint64_t)(r / d) * g->mult[j];
		else if (!r)
			t[c] = (uint64_t)1 << 32;
		else
			t[c] = (uint64_t)((r - 1) / d) * g->mult[j] |
			       (rest + 1) << 32;
	}
}

/* The guide of a's index: its steps and each bucket's first entry
 * (false: out of memory). None for the smallest indexes (the fuzz
 * target's tables have a few more entries: it takes the guide), or
 * when the buckets would not fit 32 bits. */
static bool guide_build(struct zwt_accel *a)
{
	struct gplan *g;
	if (a->n < 2 * ZWT_GUIDE_DENS || a->n >= UINT32_MAX)
		return true;
	if (!(g = malloc(sizeof(*g))))
		return false;
	guide_held(g, a->idx, a->n);
	guide_positions(g, a->n);
	size_t tabs = (size_t)g->npos * 256 * 8;
	uint64_t *m = g->buckets < UINT32_MAX
		? malloc(tabs + (g->buckets + 1) * 4) : NULL;
	if (!m) {
		bool big = g->buckets >= UINT32_MAX;
		free(g);
		return big;
	}
	for (unsigned j = 0; j < g->npos; j++)
		guide_steps(g, j, m + 256 * j);
	a->gmem = m;
	a->gtab = m;
	a->gpos = g->npos;
	uint32_t *first = (uint32_t *)(m + 256 * g->npos);
	size_t i = 0;
	for (uint64_t b = 0; b <= g->buckets; b++) {
		while (i < a->n && zwt_guide_bucket(a, zwt_idx_key(a->idx, i)) < b)
			i++;
		first[b] = (uint32_t)i;
	}
	a->gfirst = first;
	free(g);
	return true;
}

bool zwt_accel_init(struct zwt_accel *a, const uint8_t *idx, size_t n)
{
	memset(a, 0, sizeof(*a));
	a->idx = idx;
	a->n = n;
	a->nlev = plan_levels(n, a->len);
	size_t words = 0;
	for (unsigned j = 0; j < a->nlev; j++)
		words += blocks(a->len[j]) * FAN;
	if (words) {
		/* blocks of 128 octets, each on its two lines */
		uint64_t *m = aligned_alloc(128, words * 8);
		if (!m)
			return false;
		a->mem = m;
		for (unsigned j = 0; j < a->nlev; j++) {
			fill_level(a, j, m);
			a->lev[j] = m;
			m += blocks(a->len[j]) * FAN;
		}
	}
	if (!guide_build(a)) {
		zwt_accel_fini(a);
		return false;
	}
	return true;
}

void zwt_accel_fini(struct zwt_accel *a)
{
	free(a->mem);
	a->mem = NULL;
	free(a->nxp);
	a->nxp = NULL;
	free(a->gmem);
	a->gmem = NULL;
	a->gtab = NULL;
	a->gfirst = NULL;
	a->gpos = 0;
}

/* A piece of authority part 2 and its RRSIGs (part 3), anchored at the
 * apex (alen octets), its first RR of type `type` owned by a pointer
 * (the apex), so that neither the fast writers nor the general one cut
 * a name in its owner (owner_cut, may_cut). */
static const struct zwt_piece *nx_piece(const uint8_t *data, uint32_t ref,
					size_t alen, uint16_t type)
{
	const struct zwt_piece *pc = zwt_at(data, ref);
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	if (!ref || pc->parts != 0x0c || pc->alen != alen || pd[0].len < 12 ||
	    (w[0] & 0xc0) != 0xc0 || w[1] != 12 || w[2] != type >> 8 ||
	    w[3] != (type & 0xff))
		return NULL;
	return pc;
}

/* Part k (0: 2, 1: 3) of piece pc copied to o with its pointers as they
 * go out for a query name dq octets longer than the anchor, the part
 * first written at its canonical place + dq: false when a pointer would
 * move otherwise (only kinds in mask, each by dq, are taken). */
static bool nx_part(uint8_t *o, const struct zwt_piece *pc, unsigned k,
		    unsigned mask, unsigned dq)
{
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	const uint8_t *fix = (const uint8_t *)(pd + 2);
	if (k) {
		w += pd[0].len;
		fix += 2u * pd[0].nfix;
	}
	memcpy(o, w, pd[k].len);
	for (unsigned i = 0; i < pd[k].nfix; i++, fix += 2) {
		unsigned fx = zw_load16(fix), pos = ZWT_FIX_POS(fx);
		if (!(mask >> ZWT_FIX_KIND(fx) & 1) || pos + 2u > pd[k].len)
			return false;
		unsigned v = (unsigned)(o[pos] << 8 | o[pos + 1]) + dq;
		o[pos] = (uint8_t)(v >> 8);
		o[pos + 1] = (uint8_t)v;
	}
	return true;
}

/* The label of the SOA MNAME right before the apex when may_cut would
 * look at it (labels, then a pointer to the anchor's start), lower-
 * cased into m (length first; m[0] 0: none). */
static void nx_mname(const uint8_t *w, size_t len, uint8_t m[64])
{
	size_t o = 12, last = 12;
	m[0] = 0;
	while (o < len && w[o] && !(w[o] & 0xc0)) {
		last = o;
		o += 1u + w[o];
	}
	if (o == 12 || o + 2 > len || w[o] != 0xc0 || w[o + 1] != 12)
		return;
	for (size_t i = 0; i <= w[last]; i++) {
		uint8_t c = w[last + i];
		m[i] = (uint8_t)(i && (unsigned)(c - 'A') < 26u ? c + 32 : c);
	}
}

/* The zone's prepared NXDOMAIN parts (struct zwt_nxprep), or NULL when
 * its SOA and wildcard NSEC are not of that form (the general path then)
 * or out of memory. */
static struct zwt_nxprep *nx_prepare(const struct zwt_zone *z,
				     const uint8_t *data)
{
	const unsigned q = 1u << ZWT_FIX_QSUF, p2 = 1u << (ZWT_FIX_PART0 + 2);
	if (z->denial != ZWT_DENIAL_NSEC)
		return NULL;
	const struct zwt_recipe *r = zwt_at(data, z->nx[1]);
	const struct zwt_node *apex = zwt_at(data, z->apex);
	if (r->npieces != 1 || (r->flags & (ZWT_R_AA | ZWT_R_SIGS)) !=
	    (ZWT_R_AA | ZWT_R_SIGS) || apex->nx1 == zwt_recipe_pieces(r)[0])
		return NULL;
	uint32_t sref = zwt_recipe_pieces(r)[0];
	const struct zwt_piece *s = nx_piece(data, sref, z->origin_len,
					     ZW_TYPE_SOA);
	const struct zwt_piece *n = nx_piece(data, apex->nx1, z->origin_len,
					     ZW_TYPE_NSEC);
	if (!s || !n)
		return NULL;
	const struct zwt_part *sd = (const void *)(s + 1), *nd = (const void *)(n + 1);
	size_t stride = (size_t)sd[0].len + nd[0].len + sd[1].len + nd[1].len;
	if (stride > 2048)
		return NULL;
	struct zwt_nxprep *x = malloc(sizeof(*x) + stride *
				      (ZWT_NX_DQMAX - ZWT_NX_DQMIN + 1));
	if (!x)
		return NULL;
	*x = (struct zwt_nxprep){(const uint8_t *)s, (const uint8_t *)n,
				 sref, apex->nx1, sd[0].len, nd[0].len,
				 sd[1].len, nd[1].len, 0, sd[0].count,
				 z->origin_len,
				 r->rcode, {0}, stride};
	x->count = (uint16_t)(sd[0].count + nd[0].count + sd[1].count +
			      nd[1].count);
	nx_mname((const uint8_t *)s + s->wire, sd[0].len, x->mname);
	for (unsigned dq = ZWT_NX_DQMIN; dq <= ZWT_NX_DQMAX; dq++) {
		uint8_t *o = x->var + (dq - ZWT_NX_DQMIN) * stride;
		if (!nx_part(o, s, 0, q | p2, dq) ||
		    !nx_part(o + x->ls2, n, 0, q, dq) ||
		    !nx_part(o + x->ls2 + x->lw2, s, 1, q | p2, dq) ||
		    !nx_part(o + x->ls2 + x->lw2 + x->ls3, n, 1, q, dq)) {
			free(x);
			return NULL;
		}
	}
	return x;
}

static bool build_one(struct zwt_accel *a, const struct zwt_zone *z)
{
	size_t n = z->denial == ZWT_DENIAL_NONE ? 0 : (size_t)z->idx_count;
	if (!zwt_accel_init(a, zwt_data(z) + z->idx_off, n))
		return false;
	a->zone = z;
	a->data = zwt_data(z);
	a->slots = (const uint64_t *)(a->data + z->hash_off);
	a->mask = ((uint64_t)1 << z->hash_bits) - 1;
	a->seed = z->hash_seed;
	a->nxp = nx_prepare(z, a->data);
	return true;
}

bool zwt_accel_build(struct zw_table *t)
{
	struct zwt_accel *a = calloc(t->nzones, sizeof(*a));
	if (!a)
		return false;
	t->accel = a;
	for (uint32_t i = 0; i < t->nzones; i++) {
		if (!build_one(&a[i], t->zones[i])) {
			zwt_accel_free(t);
			return false;
		}
	}
	return true;
}

void zwt_accel_free(struct zw_table *t)
{
	if (!t->accel)
		return;
	for (uint32_t i = 0; i < t->nzones; i++)
		zwt_accel_fini(&t->accel[i]);
	free(t->accel);
	t->accel = NULL;
}
