/* The compiler's state while it builds one zone's table sections, and
 * the functions that finish and write them. Not a public header.
 *
 * Building runs in two steps so it can use several cores and still lay
 * the table out exactly as one thread would:
 *   record (compile_rec.c, any thread): for a chunk of nodes, resolve
 *     every entry and encode every piece it needs into the chunk's
 *     scratch buffer, and note in the chunk's op stream what the layout
 *     step must do with them;
 *   assemble (compile.c, one thread, chunks in node order): replay the
 *     op streams, sharing pieces and recipes through the zone-wide maps
 *     and copying the pieces that are new into the blob.
 * compile_par.c runs the two over the chunks. */
#ifndef ZW_ZONECOMPILE_COMPILE_OUT_H
#define ZW_ZONECOMPILE_COMPILE_OUT_H

#include "zonecompile/compile_int.h"
#include "zonecompile/table_int.h"

/* 64-bit key -> 32-bit value map (keys never 0), one slot per probe. */
struct kslot {
	uint64_t key;
	uint32_t val;
	uint32_t n;   /* the merged map: uses after the first (in padding) */
};

struct kmap {
	struct kslot *s;
	uint64_t mask;
	size_t n;
	bool mapped;
};

/* Zeroed memory: big blocks straight from the kernel, populated in one
 * call rather than a fault per page. Not MADV_HUGEPAGE: on the 1M zone
 * the kernel's clearing of huge pages cost more than it saved. */
void *cc_zalloc(size_t size, bool *mapped);
void cc_zfree(void *p, size_t size, bool mapped);

int cc_kmap_init(struct kmap *m, size_t n);
void cc_kmap_free(struct kmap *m);
uint32_t *cc_kmap_slot(struct kmap *m, uint64_t key);
uint32_t *cc_kmap_find(const struct kmap *m, uint64_t key);

/* ---- the op stream (all records 4-aligned, read back with memcpy) ---- */

/* A piece encoded into a chunk's scratch: octets [off, off + len). */
struct cr_piece {
	uint32_t off, len;
};

/* A non-empty group of a response (kind 0xff: none, for proof slots). */
struct cr_group {
	uint8_t kind, anchor, dnssec, pad;
	uint32_t node;
	struct cr_piece pc;
};

enum { CR_AA = 1, CR_NODATA_WILD = 2, CR_MERGED = 4 };

/* One response: either two whole-response pieces (CR_MERGED: DO=0 and
 * DO=1, with their content hashes) or ngroup cr_group records after it. */
struct cr_entry {
	uint8_t rcode, flags, ngroup, pad;
	struct cr_piece m[2];
	uint32_t pad2;
	uint64_t mh[2];
};

/* A table node: ntypes qtypes (u16, padded to 4 octets) follow, then
 * 1 + ntypes entries, then its proof slots (cr_group each): one for a
 * DNAME node, none at a cut, else one (NSEC, when it has no wildcard
 * child) or two (NSEC3). */
struct cr_node {
	uint32_t node;
	uint16_t ntypes;
	uint8_t cpe_labels, pad;
};

/* A chunk of zone nodes [from, to) and what recording made of it. */
struct cz_chunk {
	size_t from, to;
	struct cz_buf ops, scratch;
	struct kmap keyed;    /* group key -> scratch piece index + 1 */
	struct cz_buf kpcs;   /* struct cr_piece per keyed piece */
	struct cz_buf mkeys;  /* the merged pieces' hashes (u64), in op
			       * order: the assembler fetches map slots
			       * ahead with them */
	int rc;
	bool done;
	char err[256];
};

/* A recording thread's working memory. */
struct crec {
	const struct cc *cc;
	struct cz cz;         /* the zone view, with err pointing at errbuf */
	struct cz_chunk *ch;
	struct cz_resp resp, resp2;
	char errbuf[256];
};

struct cc {
	struct cz cz;
	char *err;
	size_t errlen;
	struct crec *main;    /* the assembling thread's recorder */
	struct cz_chunk *one; /* its chunk for single responses */
	struct kmap pieces;   /* shared group key -> piece ref (odd kinds) */
	/* shared pieces by group kind and anchor, indexed by node: lookups
	 * of neighbouring nodes share cache lines */
	uint32_t *keyed[8][3];
	bool keyed_mapped[8][3];
	struct kmap recipes;  /* content hash -> recipe ref */
	struct kmap merged;   /* content hash -> whole-response piece ref */
	const struct cz_chunk *mk_chunk; /* being assembled, and */
	size_t mk_at;         /* its next merged key */
	uint32_t *node_ref;   /* per zone node, 0 when not in the table */
	uint8_t *node_hint;   /* per zone node, its slot's prefetch hint
			       * (cc_slot_hints; NULL: none yet) */
	uint32_t nx[2];
	size_t nnodes, npieces, nrecipes;
	/* sections of the data block */
	size_t hash_slots;
	size_t blob_base;     /* offset of the blob in the data block */
	struct cz_buf hash, blob, index, lf;
	/* (zone node index, node ref) u32 pairs of the ZWT_N_BELOW nodes
	 * (compile_below.c), hashed after the others */
	struct cz_buf below;
	/* the one-zone file image reserved up front, the blob built in
	 * place at its final offset (cc_blob_reserve); NULL: none */
	uint8_t *region;
	size_t region_size;
	struct zwt_zone hdr;
	struct zw_compile_stats stats;
};

/* Seconds on a clock (CLOCK_MONOTONIC, CLOCK_THREAD_CPUTIME_ID, ...). */
double cc_clock(int clock_id);

/* compile_rec.c */
uint64_t cr_group_key(uint8_t kind, uint8_t anchor, uint32_t node);
void cr_chunk_reset(struct cz_chunk *ch, size_t from, size_t to);
void cr_chunk_free(struct cz_chunk *ch);
int cr_record_chunk(struct crec *w, struct cz_chunk *ch);
/* One response / one proof slot into w->ch (for the assembler's own
 * use: the NXDOMAIN base, index pieces). */
int cr_record_resp(struct crec *w, const struct cz_resp *r,
		   const uint8_t *spec_anchor, bool merge);
int cr_record_single(struct crec *w, const struct cz_resp *r);
void cr_resp_reset(struct cz_resp *r);

/* compile.c: replay the op stream at *pos of ch. */
int cc_assemble_nodes(struct cc *cc, const struct cz_chunk *ch);
int cc_assemble_entry(struct cc *cc, const struct cz_chunk *ch, size_t *pos,
		      uint32_t rec[2]);
uint32_t cc_assemble_single(struct cc *cc, const struct cz_chunk *ch,
			    size_t *pos);
uint32_t cc_proof_piece(struct cc *cc, long node);
bool cc_keyed_done(const struct cc *cc, uint8_t kind, uint8_t anchor,
		   uint32_t node);

/* compile_par.c: record and assemble every table node. */
int cc_build_nodes(struct cc *cc, unsigned threads);

/* The octets at blob ref ref (a u32 count of 4-octet units from the
 * zone's data block). */
static inline uint8_t *cc_blob_at(const struct cc *cc, uint32_t ref)
{
	return cc->blob.p + ((size_t)ref * 4 - cc->blob_base);
}

/* compile_hot.c: once every node is assembled, the pieces many nodes'
 * recipes share copied together to the blob's end, the recipes pointed
 * at the copies. */
int cc_gather_hot(struct cc *cc);
/* Then each node's slot hint (cc->node_hint), for cc_hash_put, and the
 * lines its recipes' first pieces span (struct zwt_recipe lines): the
 * pieces no longer move, and the below nodes copy these recipes. */
int cc_slot_hints(struct cc *cc);

/* compile_below.c: once every other node is assembled (and the hot
 * pieces gathered), the nodes of the names below zone cuts after them;
 * once the hash holds every other node, theirs. */
int cc_below_nodes(struct cc *cc);
void cc_below_hash(struct cc *cc);

/* compile_out.c */
/* The blob's offset in a one-zone file (its alignment in any file whose
 * first zone it is). */
size_t cc_blob_file_off(const struct cc *cc);
void cc_hash_prepare(struct cc *cc);
void cc_blob_reserve(struct cc *cc);
int cc_hash_fill(struct cc *cc);
/* Nodes idx[0..n) (n <= CC_HASH_AHEAD), refs ref[0..n), into the hash
 * slots s: all hashed and their slots fetched first (random slots in a
 * table bigger than the caches), then filled in order, so the table is
 * the same as one at a time. cc_hash_fill and cc_below_hash batch
 * through it. */
#define CC_HASH_AHEAD 8
void cc_hash_put(struct cc *cc, uint64_t *s, const size_t *idx,
		 const uint32_t *ref, size_t n);
int cc_index(struct cc *cc);
void cc_header(struct cc *cc);

#endif
