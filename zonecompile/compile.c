/* The compiler driver and the assembler: for every name the lookup can
 * hit, the responses for every type worth its own entry (the types
 * present, RRSIG, ANY, and for a CNAME the types where its chain ends),
 * turned into recipes over pieces; the per-node pieces query-time proofs
 * need; then the hash table and the NSEC/NSEC3 index. Recording (resolving
 * and encoding, compile_rec.c) may run on several threads; assembling the
 * recorded pieces into the blob runs here, in node order, so the table is
 * the same whatever the thread count. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_out.h"

double cc_clock(int clock_id)
{
	struct timespec ts;
	clock_gettime((clockid_t)clock_id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- memory and small maps ---- */

#define ZALLOC_MAP (2u << 20)

void *cc_zalloc(size_t size, bool *mapped)
{
	*mapped = size >= ZALLOC_MAP;
	if (!*mapped)
		return calloc(1, size ? size : 1);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void cc_zfree(void *p, size_t size, bool mapped)
{
	if (p && mapped)
		munmap(p, size);
	else
		free(p);
}

int cc_kmap_init(struct kmap *m, size_t n)
{
	size_t slots = 64;
	while (slots < n * 2)
		slots *= 2;
	m->s = cc_zalloc(slots * sizeof(*m->s), &m->mapped);
	m->mask = slots - 1;
	m->n = 0;
	return m->s ? 0 : ZW_ENOMEM;
}

void cc_kmap_free(struct kmap *m)
{
	if (m->s)
		cc_zfree(m->s, (m->mask + 1) * sizeof(*m->s), m->mapped);
	m->s = NULL;
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
	if (cc_kmap_init(&n, (m->mask + 1)) < 0)
		return ZW_ENOMEM;
	for (uint64_t i = 0; i <= m->mask; i++) {
		if (!m->s[i].key)
			continue;
		uint64_t j = kmix(m->s[i].key) & n.mask;
		while (n.s[j].key)
			j = (j + 1) & n.mask;
		n.s[j] = m->s[i];
	}
	n.n = m->n;
	cc_kmap_free(m);
	*m = n;
	return 0;
}

/* Keys are never 0. Returns the value slot (new ones hold 0). */
uint32_t *cc_kmap_slot(struct kmap *m, uint64_t key)
{
	if (!m->s && cc_kmap_init(m, 64) < 0)
		return NULL;
	if ((m->n + 1) * 2 > m->mask + 1 && kmap_grow(m) < 0)
		return NULL;
	for (uint64_t j = kmix(key) & m->mask;; j = (j + 1) & m->mask) {
		if (m->s[j].key == key)
			return &m->s[j].val;
		if (!m->s[j].key) {
			m->s[j].key = key;
			m->s[j].val = 0;
			m->s[j].n = 0;
			m->n++;
			return &m->s[j].val;
		}
	}
}

/* The value slot of key, NULL when absent. */
uint32_t *cc_kmap_find(const struct kmap *m, uint64_t key)
{
	if (!m->s)
		return NULL;
	for (uint64_t j = kmix(key) & m->mask;; j = (j + 1) & m->mask) {
		if (m->s[j].key == key)
			return &m->s[j].val;
		if (!m->s[j].key)
			return NULL;
	}
}

/* ---- the op stream ---- */

static void get(const struct cz_chunk *ch, size_t *pos, void *out,
		size_t len)
{
	memcpy(out, ch->ops.p + *pos, len);
	*pos += len;
}

/* ---- pieces and recipes ---- */

static uint32_t blob_ref(const struct cc *cc, long off)
{
	return (uint32_t)((cc->blob_base + (size_t)off) / 4);
}

/* Copy a recorded piece into the blob. */
static uint32_t copy_piece(struct cc *cc, const struct cz_chunk *ch,
			   const struct cr_piece *pc)
{
	cz_buf_align(&cc->blob, 4);
	long off = (long)cc->blob.len;
	if (!cz_buf_append(&cc->blob, ch->scratch.p + pc->off, pc->len))
		return 0;
	cc->npieces++;
	return blob_ref(cc, off);
}

/* The ref slot of a shared group (NULL: out of memory); find: NULL
 * when it was never set. */
static uint32_t *keyed_slot(struct cc *cc, uint8_t kind, uint8_t anchor,
			    uint32_t node, bool find)
{
	if (kind >= 8 || anchor >= 3 || node >= cc->cz.n) {
		uint64_t key = cr_group_key(kind, anchor, node);
		return find ? cc_kmap_find(&cc->pieces, key)
			    : cc_kmap_slot(&cc->pieces, key);
	}
	uint32_t **a = &cc->keyed[kind][anchor];
	if (!*a && find)
		return NULL;
	if (!*a) {
		uint32_t *p = cc_zalloc(cc->cz.n * sizeof(uint32_t),
					&cc->keyed_mapped[kind][anchor]);
		if (!p)
			return NULL;
		__atomic_store_n(a, p, __ATOMIC_RELEASE); /* cc_keyed_done */
	}
	return &(*a)[node];
}

/* Has the shared group's piece gone into the table? Any thread may ask
 * while the assembler works: a yes stays a yes, so a recorder need not
 * encode that piece again. */
bool cc_keyed_done(const struct cc *cc, uint8_t kind, uint8_t anchor,
		   uint32_t node)
{
	if (kind >= 8 || anchor >= 3 || node >= cc->cz.n)
		return false;
	uint32_t *a = __atomic_load_n(&cc->keyed[kind][anchor],
				      __ATOMIC_ACQUIRE);
	return a && __atomic_load_n(&a[node], __ATOMIC_RELAXED);
}

/* The piece of a recorded group: shared groups go in once per zone. */
static uint32_t piece_ref(struct cc *cc, const struct cz_chunk *ch,
			  const struct cr_group *g)
{
	uint32_t *slot = NULL;
	if (g->kind != G_SPEC) {
		slot = keyed_slot(cc, g->kind, g->anchor, g->node, false);
		if (!slot)
			return 0;
		if (*slot)
			return *slot;
	}
	uint32_t ref = copy_piece(cc, ch, &g->pc);
	if (slot)
		__atomic_store_n(slot, ref, __ATOMIC_RELAXED);
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
	if (*slot && !memcmp(cc_blob_at(cc, *slot), rec, len))
		return *slot;
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

/* A whole-response piece; identical ones shared. */
static uint32_t merged_piece(struct cc *cc, const struct cz_chunk *ch,
			     const struct cr_piece *pc, uint64_t key)
{
	const uint8_t *src = ch->scratch.p + pc->off;
	uint32_t *slot = cc_kmap_slot(&cc->merged, key);
	if (!slot)
		return 0;
	if (*slot && (size_t)*slot * 4 - cc->blob_base + pc->len <=
			     cc->blob.len &&
	    !memcmp(cc_blob_at(cc, *slot), src, pc->len)) {
		/* counted for cc_gather_hot (the slot's spare word) */
		((struct kslot *)((uint8_t *)slot -
				  offsetof(struct kslot, val)))->n++;
		return *slot;
	}
	uint32_t ref = copy_piece(cc, ch, pc);
	if (!*slot)
		*slot = ref;
	return ref;
}

/* The merged map is far bigger than the caches and its slots are
 * random: fetch the slots of the pieces a few entries on while this
 * one is assembled (their keys are in the chunk's mkeys, in order). */
#define MERGED_AHEAD 16

static void fetch_merged(const struct cc *cc, const struct cz_chunk *ch,
			 size_t k)
{
	uint64_t key;
	if ((k + 1) * 8 > ch->mkeys.len)
		return;
	memcpy(&key, ch->mkeys.p + k * 8, 8);
	__builtin_prefetch(&cc->merged.s[kmix(key) & cc->merged.mask]);
}

/* Half as far ahead, the slot is in: when it holds the key, the piece
 * it points at will be compared, so fetch that too. */
static void fetch_merged_piece(const struct cc *cc,
			       const struct cz_chunk *ch, size_t k)
{
	uint64_t key;
	if ((k + 1) * 8 > ch->mkeys.len)
		return;
	memcpy(&key, ch->mkeys.p + k * 8, 8);
	const struct kslot *s = &cc->merged.s[kmix(key) & cc->merged.mask];
	if (s->key == key && s->val)
		__builtin_prefetch(cc_blob_at(cc, s->val));
}

static void merged_ahead(struct cc *cc, const struct cz_chunk *ch)
{
	if (ch != cc->mk_chunk)
		return;
	for (size_t k = 0; k < 2; k++) {
		fetch_merged(cc, ch, cc->mk_at + MERGED_AHEAD + k);
		fetch_merged_piece(cc, ch, cc->mk_at + MERGED_AHEAD / 2 + k);
	}
	cc->mk_at += 2;
}

/* The two recipes go right after what came before (the node) and their
 * pieces after them: a lookup reads node, recipe, piece in that order. */
static int merged_recipes(struct cc *cc, const struct cz_chunk *ch,
			  const struct cr_entry *e, uint32_t rec[2])
{
	merged_ahead(cc, ch);
	cz_buf_align(&cc->blob, 4);
	size_t at = cc->blob.len;
	if (!cz_buf_append(&cc->blob, NULL, 16))
		return ZW_ENOMEM;
	uint32_t p0 = merged_piece(cc, ch, &e->m[0], e->mh[0]);
	uint32_t p1 = merged_piece(cc, ch, &e->m[1], e->mh[1]);
	if (!p0 || !p1)
		return ZW_ENOMEM;
	uint8_t f = (e->flags & CR_AA) ? ZWT_R_AA : 0;
	struct zwt_recipe h0 = {e->rcode, f, 1, 0};
	struct zwt_recipe h1 = {e->rcode, (uint8_t)(f | ZWT_R_SIGS), 1, 0};
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

/* Both recipes (DO=0, DO=1) of a recorded response. */
int cc_assemble_entry(struct cc *cc, const struct cz_chunk *ch, size_t *pos,
		      uint32_t rec[2])
{
	uint32_t p0[CZ_MAXG], p1[CZ_MAXG];
	int n0 = 0, n1 = 0;
	struct cr_entry e;
	get(ch, pos, &e, sizeof(e));
	if (e.flags & CR_MERGED)
		return merged_recipes(cc, ch, &e, rec);
	for (int g = 0; g < e.ngroup; g++) {
		struct cr_group gr;
		get(ch, pos, &gr, sizeof(gr));
		uint32_t ref = piece_ref(cc, ch, &gr);
		if (!ref)
			return ZW_ENOMEM;
		if (!gr.dnssec)
			p0[n0++] = ref;
		p1[n1++] = ref;
	}
	uint8_t f = (e.flags & CR_AA) ? ZWT_R_AA : 0;
	rec[0] = recipe_ref(cc, e.rcode, f, p0, n0);
	f |= ZWT_R_SIGS;
	if (e.flags & CR_NODATA_WILD)
		f |= ZWT_R_NODATA;
	rec[1] = recipe_ref(cc, e.rcode, f, p1, n1);
	return rec[0] && rec[1] ? 0 : ZW_ENOMEM;
}

/* A recorded proof slot's piece (0: none). */
uint32_t cc_assemble_single(struct cc *cc, const struct cz_chunk *ch,
			    size_t *pos)
{
	struct cr_group gr;
	get(ch, pos, &gr, sizeof(gr));
	return gr.kind == 0xff ? 0 : piece_ref(cc, ch, &gr);
}

/* The NSEC or NSEC3 piece of a node, built when no response needed it. */
uint32_t cc_proof_piece(struct cc *cc, long node)
{
	uint8_t kind = cc->cz.denial == ZWT_DENIAL_NSEC ? G_NSEC : G_NSEC3;
	uint32_t *slot = keyed_slot(cc, kind, A_APEX, (uint32_t)node, true);
	if (slot && *slot)
		return *slot;
	struct crec *w = cc->main;
	struct cz_resp *r = &w->resp2;
	cr_resp_reset(r);
	if (kind == G_NSEC)
		cz_put_nsec(&w->cz, r, node, 2, true);
	else
		cz_put_nsec3(&w->cz, r, node);
	w->ch = cc->one;
	cr_chunk_reset(w->ch, 0, 0);
	size_t pos = 0;
	if (cr_record_single(w, r) < 0)
		return 0;
	return cc_assemble_single(cc, w->ch, &pos);
}

/* ---- nodes ---- */

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

static int node_proofs(struct cc *cc, const struct cz_chunk *ch, size_t *pos,
		       size_t i, struct zwt_node *nd)
{
	uint16_t f = cc->cz.nf[i];
	if (f & CZ_DNAME) {
		nd->nx1 = cc_assemble_single(cc, ch, pos);
		return nd->nx1 ? 0 : ZW_ENOMEM;
	}
	if (f & CZ_CUT)
		return 0;
	if (cc->cz.denial == ZWT_DENIAL_NSEC && cc->cz.wild[i] < 0) {
		nd->nx1 = cc_assemble_single(cc, ch, pos);
	} else if (cc->cz.denial == ZWT_DENIAL_NSEC3) {
		nd->nx1 = cc_assemble_single(cc, ch, pos);
		nd->nx2 = cc_assemble_single(cc, ch, pos);
	}
	return cc->blob.failed ? ZW_ENOMEM : 0;
}

/* Padding (zeros) a node may start with: at most this many octets. */
#define ALIGN_PAD_MAX 32

/* The octets a DO=0 lookup of the node's default answer reads from the
 * node on: the node, and for a whole-response answer its two recipes
 * and, when that piece is new (not shared: it goes right after them),
 * its DO=0 piece. The default entry's record is next in the op stream
 * at pos. */
static size_t do0_span(const struct cc *cc, const struct cz_chunk *ch,
		       size_t pos, size_t node_size)
{
	struct cr_entry e;
	memcpy(&e, ch->ops.p + pos, sizeof(e));
	if (!(e.flags & CR_MERGED))
		return node_size;
	size_t span = node_size + 16;
	const uint32_t *slot = cc_kmap_find(&cc->merged, e.mh[0]);
	if (!slot || !*slot)
		span += (e.m[0].len + 3) & ~(size_t)3;
	return span;
}

/* Start the node on a cache line when that saves the DO=0 lookup a line
 * (its span would cross one more line boundary than its length needs)
 * for a few octets of padding. */
static void line_align(struct cc *cc, const struct cz_chunk *ch, size_t pos,
		       size_t node_size)
{
	size_t span = do0_span(cc, ch, pos, node_size);
	size_t o = (cc_blob_file_off(cc) + cc->blob.len) & 63;
	size_t lines = (o + span + 63) / 64, least = (span + 63) / 64;
	if (o && lines > least && 64 - o <= ALIGN_PAD_MAX)
		cz_buf_append(&cc->blob, NULL, 64 - o);
}

/* The node record goes first and its recipes and pieces right after it
 * (the default answer's first: referrals are what most lookups of a
 * delegation-heavy zone want), so one prefetch run covers a lookup. */
static int assemble_node(struct cc *cc, const struct cz_chunk *ch,
			 size_t *pos)
{
	uint16_t types[256];
	struct zwt_entry ents[256];
	struct zwt_node nd = {0};
	struct cr_node rn;
	int rc;

	get(ch, pos, &rn, sizeof(rn));
	get(ch, pos, types, ((size_t)rn.ntypes * 2 + 3) & ~(size_t)3);
	size_t i = rn.node;
	const uint8_t *name = cz_lname(&cc->cz, i);
	int nt = rn.ntypes;
	nd.namelen = (uint8_t)zw_name_len(name);
	nd.labels = (uint8_t)zw_name_labels(name);
	nd.ntypes = (uint8_t)nt;
	nd.flags = node_flags_out(cc, i);
	nd.cpe_labels = rn.cpe_labels;
	size_t size = (sizeof(nd) + sizeof(ents[0]) * (size_t)nt +
		       nd.namelen + 3) & ~(size_t)3;
	cz_buf_align(&cc->blob, 4);
	line_align(cc, ch, *pos, size);
	size_t off = cc->blob.len;
	if (!cz_buf_append(&cc->blob, NULL, size))
		return ZW_ENOMEM;

	rc = cc_assemble_entry(cc, ch, pos, nd.dflt);
	for (int k = 0; k < nt && rc >= 0; k++) {
		memset(&ents[k], 0, sizeof(ents[k]));
		ents[k].qtype = types[k];
		rc = cc_assemble_entry(cc, ch, pos, ents[k].rec);
	}
	if (rc >= 0)
		rc = node_proofs(cc, ch, pos, i, &nd);
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

int cc_assemble_nodes(struct cc *cc, const struct cz_chunk *ch)
{
	size_t pos = 0;
	int rc = 0;
	cc->mk_chunk = ch;
	cc->mk_at = 0;
	for (size_t k = 0; k < MERGED_AHEAD; k++)
		fetch_merged(cc, ch, k);
	while (pos < ch->ops.len && rc >= 0)
		rc = assemble_node(cc, ch, &pos);
	return rc;
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

/* The zone's NXDOMAIN recipes (SOA, the proofs come at query time). */
static int nx_recipes(struct cc *cc)
{
	struct crec *w = cc->main;
	cz_nxdomain_base(&w->cz, &w->resp);
	w->ch = cc->one;
	cr_chunk_reset(w->ch, 0, 0);
	size_t pos = 0;
	int rc = cr_record_resp(w, &w->resp, cz_lname(&w->cz, 0), false);
	return rc < 0 ? rc : cc_assemble_entry(cc, w->ch, &pos, cc->nx);
}

static int compile_nodes(struct cc *cc, unsigned threads)
{
	int rc = cc_build_nodes(cc, threads);
	if (rc < 0)
		return rc;
	link_wildcards(cc);
	rc = nx_recipes(cc);
	if (rc >= 0)
		rc = cc_gather_hot(cc);
	if (rc >= 0)
		rc = cc_slot_hints(cc);
	return rc < 0 ? rc : cc_below_nodes(cc);
}

static int cc_init(struct cc *cc, const struct zw_zone *z,
		   const struct zw_compile_opts *opts)
{
	int rc;
	if ((rc = cz_view_init(&cc->cz, z, opts)) < 0)
		return rc;
	cc->main = calloc(1, sizeof(*cc->main));
	cc->node_ref = calloc(cc->cz.n, sizeof(uint32_t));
	cc->one = calloc(1, sizeof(*cc->one));
	if (!cc->main || !cc->node_ref || !cc->one ||
	    cc_kmap_init(&cc->merged, cc->cz.n) < 0 ||
	    cc_kmap_init(&cc->recipes, cc->cz.n / 2) < 0)
		return ZW_ENOMEM;
	cc->main->cc = cc;
	cc->main->cz = cc->cz;
	cc->main->cz.err = cc->main->errbuf;
	cc->main->cz.errlen = sizeof(cc->main->errbuf);
	return 0;
}

struct hash_job {
	struct cc *cc;
	int rc;
	double cpu;
};

static void *hash_job(void *arg)
{
	struct hash_job *j = arg;
	double c0 = cc_clock(CLOCK_THREAD_CPUTIME_ID);
	j->rc = cc_hash_fill(j->cc);
	j->cpu = cc_clock(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

/* The index and the hash table: independent (the index adds proof
 * pieces to the blob, the hash reads only names and node refs), so side
 * by side when threads are allowed. stats.finish: the longer of the two. */
static int finish(struct cc *cc, bool threaded)
{
	struct hash_job j = {cc, 0, 0};
	pthread_t t;
	bool started = threaded && !pthread_create(&t, NULL, hash_job, &j);
	double c0 = cc_clock(CLOCK_THREAD_CPUTIME_ID);
	int rc = cc_index(cc);
	double idx = cc_clock(CLOCK_THREAD_CPUTIME_ID) - c0;
	if (started)
		pthread_join(t, NULL);
	else
		hash_job(&j);
	cc->stats.finish = started ? (idx > j.cpu ? idx : j.cpu) : idx + j.cpu;
	if (rc >= 0 && j.rc >= 0)
		cc_below_hash(cc);
	return rc < 0 ? rc : j.rc;
}

/* An error the main recorder noted wins over the bare code. */
static void take_error(struct cc *cc, int rc)
{
	if (!cc->err[0] && cc->main && cc->main->errbuf[0])
		snprintf(cc->err, cc->errlen, "%s", cc->main->errbuf);
	if (!cc->err[0])
		snprintf(cc->err, cc->errlen, "%s", zw_strerror(rc));
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
	if (!opts)
		opts = &o;
	double c0 = cc_clock(CLOCK_THREAD_CPUTIME_ID);
	if ((rc = cc_init(cc, z, opts)) < 0)
		goto fail;
	cc_hash_prepare(cc);
	cc_blob_reserve(cc);
	/* ref 0 means none: start the blob with an unused word */
	cz_buf_append(&cc->blob, NULL, 8);
	cc->stats.view = cc_clock(CLOCK_THREAD_CPUTIME_ID) - c0;
	double t1 = cc_clock(CLOCK_MONOTONIC);
	if ((rc = compile_nodes(cc, opts->threads)) < 0)
		goto fail;
	cc->stats.nodes = cc_clock(CLOCK_MONOTONIC) - t1;
	if ((rc = finish(cc, opts->threads != 1)) < 0)
		goto fail;
	cc_header(cc);
	return (struct zw_compiled *)cc;
fail:
	take_error(cc, rc);
	zw_compiled_free((struct zw_compiled *)cc);
	return NULL;
}

void zw_compiled_stats(const struct zw_compiled *c,
		       struct zw_compile_stats *st)
{
	*st = ((const struct cc *)c)->stats;
}

void zw_compiled_free(struct zw_compiled *c)
{
	struct cc *cc = (struct cc *)c;
	if (!cc)
		return;
	cz_view_free(&cc->cz);
	if (cc->one)
		cr_chunk_free(cc->one);
	free(cc->one);
	free(cc->main);
	free(cc->node_ref);
	free(cc->node_hint);
	cc_kmap_free(&cc->pieces);
	for (int k = 0; k < 8; k++)
		for (int a = 0; a < 3; a++)
			cc_zfree(cc->keyed[k][a], cc->cz.n * sizeof(uint32_t),
				 cc->keyed_mapped[k][a]);
	cc_kmap_free(&cc->merged);
	cc_kmap_free(&cc->recipes);
	cz_buf_free(&cc->hash);
	cz_buf_free(&cc->blob);
	if (cc->region)
		munmap(cc->region, cc->region_size);
	cz_buf_free(&cc->index);
	cz_buf_free(&cc->lf);
	cz_buf_free(&cc->below);
	free(cc);
}
