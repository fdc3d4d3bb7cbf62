/* Answer-table file format (.zwt), version 2. Shared by the compiler
 * (writer), the reader/validator and the lookup code; zwd never needs it
 * directly (it uses zonecompile/table.h).
 *
 * A file is one read-only mapping: every reference is an offset, so it
 * works at any address (and after a copy into hugepage memory). All
 * integers are little-endian; the build refuses big-endian hosts.
 *
 *   file header (struct zwt_file) | zone directory (u64 offset per zone) |
 *   zone 0 | zone 1 | ...
 *
 * A zone is a header (struct zwt_zone) followed by its data block. Inside
 * the block, references ("refs") are u32 counts of 4-octet units from the
 * block start, so a zone may hold 16 GiB; ref 0 means none. The block
 * holds, each section 8-aligned:
 *   hash   open-addressing table of u64 slots: node ref (low 32 bits, 0 =
 *          empty), a prefetch hint (bits 32..34) and the name hash's
 *          high 29 bits (the tag, bits 35..63: ZWT_SLOT_TAG);
 *   blob   nodes (struct zwt_node: name, flags, per-type recipes),
 *          recipes (struct zwt_recipe: rcode, flags, the pieces a
 *          response is assembled from) and pieces (struct zwt_piece:
 *          precomputed wire RRs), interleaved so that a node's own
 *          recipes and pieces follow it in memory (one prefetch run
 *          covers a lookup; a node may start on a cache line after up
 *          to 32 zero octets), except the pieces many responses share
 *          (a delegation zone's referrals by NS set, the NXDOMAIN
 *          proofs), which the compiler gathers at the blob's end so
 *          their few pages stay in the TLB (compile_hot.c);
 *   index  NSEC zones: struct zwt_nsec_ent sorted by owner (canonical
 *          order); NSEC3 zones: struct zwt_nsec3_ent sorted by hash;
 *   lf     the lookup forms NSEC index entries point into.
 *
 * Pieces. A piece is a run of complete RRs split into up to six parts,
 * in this order: answer main, answer RRSIGs, authority main, authority
 * RRSIGs, additional main, additional RRSIGs. A response lists pieces;
 * the assembler writes, for each section, the main parts of all its
 * pieces and then (with DO) their RRSIG parts — the order Knot uses. DO=0
 * skips RRSIG parts and the pieces the recipe marks DNSSEC-only.
 *
 * Names in a piece are compressed against the query name and against
 * earlier names of the same piece only. The wire bytes hold the pointer
 * values of a canonical layout: the question name equal to the piece's
 * anchor (a name the query name always ends with, alen octets) at offset
 * 12, the piece's parts right after the question, in order. Each pointer
 * has a fixup (u16: part-relative position in bits 0..12, kind in bits
 * 13..15); the assembler adds, per kind:
 *   QSTART  the query name starts elsewhere (a chased name);
 *   QSUF    a suffix of the anchor: moved by the query name's extra
 *           length;
 *   PART+k  a name inside part k of this piece: moved as that part moved.
 * When nothing moved (the usual exact-match case) no fixup runs and the
 * response is one memcpy. */
#ifndef ZW_ZONECOMPILE_TABLE_FMT_H
#define ZW_ZONECOMPILE_TABLE_FMT_H

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .zwt format is read in place: little-endian hosts only"
#endif

#define ZWT_MAGIC "ZWTABLE"   /* 8 octets with the NUL */
#define ZWT_VERSION 2  /* 2: slots carry a prefetch hint (29-bit tags) */
#define ZWT_MAX_ZONES 65536

struct zwt_file {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;  /* sizeof(struct zwt_file) */
	uint64_t file_size;
	uint64_t checksum;  /* zw_table_checksum() with this field zeroed */
	uint32_t nzones;
	uint32_t flags;     /* none defined; must be 0 */
	uint64_t zonedir;   /* offset of u64[nzones] zone header offsets */
	uint64_t created;   /* seconds since the epoch (informational) */
	uint8_t reserved[8];
};

/* A hash slot's fields. The hint says how far the DO=1 answer a lookup
 * of the node usually takes runs on after the node, so that the lookup
 * can prefetch it with the node, from the slot (read a stage before the
 * node): with hint k > 0 the piece's octets lie within the
 * ZWT_HINT_SPAN(k) lines from the node's cache line on (the piece of
 * the referral at a delegation; elsewhere the DO=1 pieces the compiler
 * put right after the node), 0: not so (the piece lies elsewhere, or
 * runs on too far).
 * Only prefetches follow it: a wrong hint slows a lookup, no more. */
#define ZWT_SLOT_TAG_SHIFT 35
#define ZWT_SLOT_HINT_MAX 7
/* The lines hint k > 0 covers, the node's own included: k + 2 (3 to 8)
 * up to 6, and 14 for 7 (a delegation with glue keeps its own DO=0
 * referral between the node and the DO=1 one: 10 to 13 lines on the 1M
 * zone). A hint written for 9 lines before this meaning read 14: a few
 * prefetches more, nothing else. */
#define ZWT_HINT_SPAN_MAX 14u
#define ZWT_HINT_SPAN(k)						\
	((k) < ZWT_SLOT_HINT_MAX ? (k) + 2u : ZWT_HINT_SPAN_MAX)
#define ZWT_SLOT_TAG(s) ((s) >> ZWT_SLOT_TAG_SHIFT)
#define ZWT_SLOT_HINT(s) ((unsigned)((s) >> 32) & ZWT_SLOT_HINT_MAX)
#define ZWT_SLOT_MAKE(hash, hint, ref)					\
	(((hash) >> ZWT_SLOT_TAG_SHIFT << ZWT_SLOT_TAG_SHIFT) |		\
	 (uint64_t)(hint) << 32 | (ref))

enum zwt_denial {
	ZWT_DENIAL_NONE = 0, /* unsigned zone */
	ZWT_DENIAL_NSEC = 1,
	ZWT_DENIAL_NSEC3 = 2,
};

enum zwt_zone_flags {
	ZWT_Z_OPTOUT = 1 << 0,     /* NSEC3 chain uses opt-out somewhere */
	ZWT_Z_MINIMAL = 1 << 1,    /* Knot-style minimal responses */
};

struct zwt_zone {
	uint64_t size;        /* header + data block */
	uint64_t data;        /* offset of the data block from this header */
	uint64_t data_size;
	uint8_t origin[256];  /* lower-cased wire name */
	uint8_t origin_len;
	uint8_t origin_labels;
	uint8_t denial;       /* enum zwt_denial */
	uint8_t nsec3_alg;
	uint16_t nsec3_iter;
	uint8_t nsec3_saltlen;
	uint8_t pad0;
	uint8_t nsec3_salt[256];
	uint32_t flags;       /* enum zwt_zone_flags */
	uint32_t serial;
	uint32_t min_expire;  /* earliest RRSIG expiration, 0: no RRSIG */
	uint32_t max_inception;
	uint64_t hash_seed;
	uint32_t hash_bits;   /* 1 << hash_bits slots */
	uint32_t nnodes;
	uint64_t records;     /* RRs in the source zone */
	/* sections: byte offsets and sizes within the data block */
	uint64_t hash_off, hash_size;
	uint64_t blob_off, blob_size;
	uint64_t idx_off, idx_count;  /* entries */
	uint64_t lf_off, lf_size;
	uint32_t apex;        /* ref of the apex node */
	uint32_t nx[2];       /* NXDOMAIN recipe without/with DNSSEC */
	uint32_t pad1;
	uint8_t reserved[32];
};

/* Node flags. */
enum zwt_node_flags {
	ZWT_N_APEX = 1 << 0,
	ZWT_N_CUT = 1 << 1,      /* delegation: every qtype but DS refers */
	ZWT_N_DNAME = 1 << 2,    /* names below are DNAME-synthesised */
	ZWT_N_WILDCHILD = 1 << 3,/* "*.<this>" exists: node.wild */
	ZWT_N_WILD = 1 << 4,     /* this node is "*.<parent>" */
	ZWT_N_ENT = 1 << 5,
	ZWT_N_CNAME = 1 << 6,
	/* a name strictly below a zone cut (glue, occluded data, an empty
	 * non-terminal there): it answers every qtype with the cut's
	 * referral, so it is flagged ZWT_N_CUT too (names below it refer
	 * the same way), has no entries and no proofs, and its dflt
	 * recipes' pieces are the cut's (anchored at a proper suffix of
	 * its name: the QSUF fixups move them). Its wild, pad and
	 * cpe_labels fields mean something else here: with cpe_labels 1
	 * they keep the referral's name cut for its own name (the NS
	 * target equal to it, written as a pointer into the question:
	 * wild = keep | rdl << 16, pad[0..1] = qoff, pad[2] = octets left
	 * out; table_lookup.h zwt_below_cut), with cpe_labels 0 and the
	 * rest 0 none; the reader checks them against the piece. Tables
	 * compiled without these nodes (zw-compile -G) answer the same,
	 * after a search for the cut. */
	ZWT_N_BELOW = 1 << 7,
};

/* A node. Followed by ntypes entries, then the lower-cased wire name
 * padded to 4 octets. For names below it that do not exist, nx1/nx2 are
 * the DNSSEC pieces of the proof (NSEC: nx1 = the NSEC covering
 * "*.<this>"; NSEC3: nx1 = NSEC3 of the closest provable encloser, nx2 =
 * the NSEC3 covering its wildcard) and cpe_labels the label count of that
 * encloser (NSEC3 next-closer name). A DNAME node keeps its DNAME RRset
 * piece in nx1 and the DNAME TTL in nx2. */
struct zwt_node {
	uint8_t namelen;
	uint8_t labels;
	uint8_t flags;
	uint8_t ntypes;
	uint8_t cpe_labels;
	uint8_t pad[3];
	uint32_t wild;       /* node ref of "*.<this>" (ZWT_N_WILDCHILD) */
	uint32_t nx1, nx2;
	uint32_t dflt[2];    /* recipes for other qtypes: DO=0, DO=1 */
};

struct zwt_entry {
	uint16_t qtype;
	uint16_t pad;
	uint32_t rec[2];     /* recipe refs: DO=0, DO=1 */
};

/* Recipe flags. */
enum zwt_recipe_flags {
	ZWT_R_AA = 1 << 0,
	ZWT_R_SIGS = 1 << 1,    /* write RRSIG parts (DO=1 variant) */
	ZWT_R_NODATA = 1 << 2,  /* negative: wildcard NODATA gets the CE proof */
	ZWT_R_WILDPROOF = 1 << 3, /* wildcard answer: add the expansion proof */
};

/* A recipe, followed by npieces u32 piece refs. lines: the cache lines
 * its first piece spans, from the one it starts in (1 to 255; 0: not
 * said, as in tables compiled before it was), so that a lookup
 * prefetches that piece's lines and no others (ZWT_PIECE_LINES_MAX at
 * most). Only prefetches follow it: a wrong count slows a lookup, no
 * more. */
struct zwt_recipe {
	uint8_t rcode;
	uint8_t flags;
	uint8_t npieces;
	uint8_t lines;
};
#define ZWT_PIECE_LINES_MAX 8

#define ZWT_PARTS 6
#define ZWT_PART_SEC(p) (1 + (p) / 2)   /* enum zw_section of part p */
#define ZWT_PART_SIG(p) ((p) & 1)

/* Truncation mode of a part (how Knot treats an RR group that does not
 * fit): MUST sets TC and stops; OPT stops without TC; GLUE is MUST for
 * owners below the anchor (the delegation point), OPT for the others. */
enum zwt_mode {
	ZWT_MODE_MUST = 0,
	ZWT_MODE_OPT = 1,
	ZWT_MODE_GLUE = 2,
};

/* A part descriptor (one per bit set in piece.parts, in part order). */
struct zwt_part {
	uint16_t len;
	uint16_t count;   /* RRs */
	uint8_t nfix;
	uint8_t mode;     /* enum zwt_mode */
	uint8_t nunit;    /* RR groups (RRsets); ends listed when > 1 */
	uint8_t pad;
};

/* A piece: header, part descriptors, fixups (u16, per part in part
 * order), unit ends (u16 part-relative end offsets, for the parts with
 * nunit > 1, in part order; used only to truncate), then the wire
 * octets. Whole piece padded to 4. */
struct zwt_piece {
	uint8_t alen;     /* anchor length */
	uint8_t parts;    /* bit p: part p present */
	uint16_t size;    /* wire octets (all parts) */
	uint16_t wire;    /* offset of the wire octets from the piece start */
	uint16_t pad;
};

#define ZWT_FIX_POS(f) ((f) & 0x1fff)
#define ZWT_FIX_KIND(f) ((f) >> 13)
#define ZWT_FIX_MAKE(pos, kind) ((uint16_t)((pos) | (kind) << 13))
#define ZWT_FIX_POSMAX 0x1fff
enum zwt_fix_kind {
	ZWT_FIX_QSTART = 0,
	ZWT_FIX_QSUF = 1,
	ZWT_FIX_PART0 = 2, /* + part index */
};

/* NSEC name index entry: the owner's lookup form relative to the apex
 * (the apex's own lookup form stripped) at lf_off/lflen in the lf
 * section, its first 8 octets (zero padded) as a big-endian key, and the
 * ref of the owner's NSEC piece. */
struct zwt_nsec_ent {
	uint64_t key;
	uint32_t lf_off;
	uint16_t lflen;
	uint16_t pad;
	uint32_t piece;
	uint32_t pad2;
};

/* NSEC3 index entry: the owner hash, first 8 octets as a big-endian key,
 * and the ref of the NSEC3 piece. */
struct zwt_nsec3_ent {
	uint64_t key;
	uint8_t rest[12];
	uint32_t piece;
};

#endif
