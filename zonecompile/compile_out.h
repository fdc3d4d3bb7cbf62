/* The compiler's state while it builds one zone's table sections, and
 * the functions that finish and write them. Not a public header. */
#ifndef ZW_ZONECOMPILE_COMPILE_OUT_H
#define ZW_ZONECOMPILE_COMPILE_OUT_H

#include "zonecompile/compile_int.h"
#include "zonecompile/table_int.h"

/* 64-bit key -> 32-bit value map (keys never 0). */
struct kmap {
	uint64_t *key;
	uint32_t *val;
	uint64_t mask;
	size_t n;
};

uint32_t *cc_kmap_slot(struct kmap *m, uint64_t key);

struct cc {
	struct cz cz;
	char *err;
	size_t errlen;
	struct cz_resp resp, resp2;
	struct kmap pieces;   /* shared group key -> piece ref */
	struct kmap recipes;  /* content hash -> recipe ref */
	struct kmap merged;   /* content hash -> whole-response piece ref */
	uint32_t *node_ref;   /* per zone node, 0 when not in the table */
	uint32_t nx[2];
	size_t nnodes, npieces, nrecipes;
	/* sections of the data block */
	size_t hash_slots;
	size_t blob_base;     /* offset of the blob in the data block */
	struct cz_buf hash, blob, index, lf;
	struct zwt_zone hdr;
};

/* compile.c */
uint32_t cc_proof_piece(struct cc *cc, long node);

/* compile_out.c */
void cc_hash_prepare(struct cc *cc);
int cc_hash_fill(struct cc *cc);
int cc_index(struct cc *cc);
void cc_header(struct cc *cc);

#endif
