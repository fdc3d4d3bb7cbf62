/* libFuzzer target for the table reader (zonecompile/table_read.c) and,
 * for tables it accepts, the lookup and answer code over them
 * (table_accel.c, table_lookup.c, table_answer.c, table_parse.c,
 * table_plan.c, table_emit.c, table_emit_general.c, table_util.c), all
 * compiled in.
 *
 * Input: a table file. It is offered twice: as it is (the checksum then
 * refuses nearly every mutation, which tests exactly that), and with
 * file_size set to the input's length and the checksum recomputed, so the
 * mutations reach the structural validation behind the checksum. Each
 * copy sits in a heap buffer of exactly its length, so ASan catches any
 * read past the end. A table that opens is then queried: for each zone
 * its origin and the names of up to 64 hash-table nodes, each also with
 * a label in front (names that may not exist), mixed case, several
 * qtypes, with and without EDNS/DO, 512-octet and large buffers, one at a
 * time and as a burst. Checks (abort on failure): every response fits its
 * buffer, echoes the query id and question, has QR set, the burst
 * answers equal the single ones, and every response the sections writer
 * tl_emit writes (with its fast paths) equals, octets, counts and TC,
 * the one its general writer alone writes (tl_emit below).
 *
 * NSEC3 hashing is replaced by a deterministic stand-in below: the fuzz
 * build links dns/ only (tests/fuzz/fuzz.mk), and any 20 octets derived
 * from the name exercise the same code, since only which index entry
 * covers them depends on the hash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zonecompile/table_accel.c"
#include "zonecompile/table_answer.c"
#include "zonecompile/table_chain.c"
/* tl_emit, tl_emit_neg and tl_emit_neg1 renamed: those the answer code
 * calls are the differential checks below. */
#define tl_emit tl_emit_under_test
#define tl_emit_neg tl_emit_neg_under_test
#define tl_emit_neg1 tl_emit_neg1_under_test
#define tl_emit_nx tl_emit_nx_under_test
#define tl_emit_soa0 tl_emit_soa0_under_test
size_t tl_emit_neg_under_test(const struct tl_seg *seg, int nseg, bool sigs,
			      uint8_t *out, size_t pos, size_t limit,
			      const uint8_t *qwire, size_t qlen,
			      uint16_t counts[4]);
size_t tl_emit_neg1_under_test(const uint8_t *piece, bool sigs, uint8_t *out,
			       size_t pos, size_t limit,
			       const uint8_t *qwire, size_t qlen,
			       uint16_t counts[4]);
size_t tl_emit_nx_under_test(const struct zwt_nxprep *x,
			     const uint8_t *cover, uint8_t *out, size_t pos,
			     size_t limit, const uint8_t *qwire, size_t qlen,
			     uint16_t counts[4]);
size_t tl_emit_soa0_under_test(const struct zwt_nxprep *x, uint8_t *out,
			       size_t pos, size_t limit,
			       const uint8_t *qwire, size_t qlen,
			       uint16_t counts[4]);
#include "zonecompile/table_emit.c"
#include "zonecompile/table_emit_ref.c"
#undef tl_emit
#undef tl_emit_neg
#undef tl_emit_neg1
#undef tl_emit_nx
#undef tl_emit_soa0
#include "zonecompile/table_emit_general.c"
#include "zonecompile/table_lookup.c"
#include "zonecompile/table_parse.c"
#include "zonecompile/table_plan.c"
#include "zonecompile/table_read.c"
#include "zonecompile/table_util.c"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#define NQ 16
#define QMAX (12 + 256 + 4 + 11)
#define RMAX 4096

int zw_nsec3_hash(const uint8_t *name, const uint8_t *salt, size_t saltlen,
		  uint16_t iterations, uint8_t out[ZW_NSEC3_HASH_LEN])
{
	size_t len = zw_name_len(name);
	uint64_t h = zwt_hash(iterations, salt, saltlen);
	for (int i = 0; i < ZW_NSEC3_HASH_LEN; i += 4) {
		h = zwt_hash(h, name, len);
		memcpy(out + i, &h, 4);
	}
	return 0;
}

size_t tl_emit_under_test(const struct tl_plan *p, uint8_t *out, size_t pos,
			  size_t limit, const uint8_t *qwire,
			  uint16_t counts[4], bool *tc);

/* Every response written twice: by tl_emit (its fast paths) and by
 * tl_emit_general alone, which handles every plan; the octets, the
 * section counts and TC must be the same (as test_table_emit checks on
 * its zone), for every plan: the reader refuses pieces whose pointers
 * are not where the compiler points them (table_read.c check_fixups),
 * which the fast paths trust. */
size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qwire, uint16_t counts[4],
	       bool *tc)
{
	static uint8_t gen[RMAX];
	uint16_t gc[4];
	bool gtc;
	CHECK(pos <= limit && limit <= sizeof gen);
	memcpy(gc, counts, sizeof gc);
	memcpy(gen, out, pos);
	size_t g = tl_emit_general(p, gen, pos, limit, qwire, gc, &gtc);
	size_t n = tl_emit_under_test(p, out, pos, limit, qwire, counts, tc);
	CHECK(n == g && n <= limit && !memcmp(out, gen, n));
	CHECK(!memcmp(counts, gc, sizeof gc) && *tc == gtc);
	return n;
}

/* A negative answer tl_emit_neg writes without a plan (NXDOMAIN,
 * NODATA) equals what the general writer writes for the plan of those
 * segments (authoritative, all for the query name): octets, counts, no
 * TC. When it declines (0) the plan is written, which tl_emit above
 * checks. */
static size_t neg_check(const struct tl_seg *seg, int nseg, bool sigs,
			uint8_t *out, size_t pos, size_t limit,
			const uint8_t *qwire, size_t qlen, uint16_t counts[4],
			const uint16_t before[4], size_t n)
{
	static uint8_t gen[RMAX];
	static struct tl_plan p;
	uint16_t gc[4];
	bool gtc;
	if (!n)
		return 0;
	CHECK(pos <= limit && limit <= sizeof gen && nseg <= TL_MAXSEG);
	memset(&p, 0, sizeof p);
	p.aa = true;
	p.sigs = sigs;
	p.nseg = nseg;
	memcpy(p.seg, seg, sizeof(seg[0]) * (size_t)nseg);
	p.nnames = 1;
	p.names[0].pos = 12;
	p.names[0].len = (uint8_t)qlen;
	memcpy(gen, out, pos);
	memcpy(gc, before, sizeof gc);
	size_t g = tl_emit_general(&p, gen, pos, limit, qwire, gc, &gtc);
	CHECK(n == g && !gtc && !memcmp(out, gen, n));
	CHECK(!memcmp(counts, gc, sizeof gc));
	return n;
}

size_t tl_emit_neg(const struct tl_seg *seg, int nseg, bool sigs,
		   uint8_t *out, size_t pos, size_t limit,
		   const uint8_t *qwire, size_t qlen, uint16_t counts[4])
{
	uint16_t before[4];
	memcpy(before, counts, sizeof before);
	size_t n = tl_emit_neg_under_test(seg, nseg, sigs, out, pos, limit,
					  qwire, qlen, counts);
	return neg_check(seg, nseg, sigs, out, pos, limit, qwire, qlen,
			 counts, before, n);
}

size_t tl_emit_neg1(const uint8_t *piece, bool sigs, uint8_t *out,
		    size_t pos, size_t limit, const uint8_t *qwire,
		    size_t qlen, uint16_t counts[4])
{
	uint16_t before[4];
	struct tl_seg seg = {piece, 0};
	memcpy(before, counts, sizeof before);
	size_t n = tl_emit_neg1_under_test(piece, sigs, out, pos, limit,
					   qwire, qlen, counts);
	return neg_check(&seg, 1, sigs, out, pos, limit, qwire, qlen, counts,
			 before, n);
}

/* The prepared NXDOMAIN (zone's SOA and wildcard NSEC, the cover
 * between them) equals what the general writer writes for those
 * segments, as neg_write would plan them. */
size_t tl_emit_nx(const struct zwt_nxprep *x, const uint8_t *cover,
		  uint8_t *out, size_t pos, size_t limit,
		  const uint8_t *qwire, size_t qlen, uint16_t counts[4])
{
	uint16_t before[4];
	struct tl_seg seg[3] = {{x->soa, 0}, {cover, 0}, {x->wild, 0}};
	int n = 3;
	if (!cover) { /* the cover is the wildcard's NSEC */
		seg[1] = seg[2];
		n = 2;
	}
	memcpy(before, counts, sizeof before);
	size_t r = tl_emit_nx_under_test(x, cover, out, pos, limit, qwire,
					 qlen, counts);
	return neg_check(seg, n, true, out, pos, limit, qwire, qlen, counts,
			 before, r);
}

/* The prepared SOA without RRSIGs (DO=0) equals what the general
 * writer writes for that one segment. */
size_t tl_emit_soa0(const struct zwt_nxprep *x, uint8_t *out, size_t pos,
		    size_t limit, const uint8_t *qwire, size_t qlen,
		    uint16_t counts[4])
{
	uint16_t before[4];
	struct tl_seg seg = {x->soa, 0};
	memcpy(before, counts, sizeof before);
	size_t r = tl_emit_soa0_under_test(x, out, pos, limit, qwire, qlen,
					   counts);
	return neg_check(&seg, 1, false, out, pos, limit, qwire, qlen,
			 counts, before, r);
}

static const uint16_t qtypes[] = {1, 2, 6, 15, 28, 43, 46, 47, 255, 5, 39};

struct qset {
	uint8_t pkt[NQ][QMAX];
	size_t len[NQ];
	unsigned n;
};

/* One query for name (wire, len octets) to the set. */
static void add_query(struct qset *s, const uint8_t *name, size_t nl,
		      unsigned variant)
{
	uint8_t *q = s->pkt[s->n];
	uint16_t qt = qtypes[variant % (sizeof qtypes / 2)];
	unsigned edns = (variant / 3) % 4; /* none, DO=0, DO=1, DO=1 512 */
	memset(q, 0, 12);
	q[0] = (uint8_t)s->n;
	q[1] = (uint8_t)variant;
	q[2] = (variant & 1) ? 0x01 : 0x00; /* RD */
	q[5] = 1;
	memcpy(q + 12, name, nl);
	if (variant & 4) /* upper-case the first label */
		for (size_t i = 1; i <= name[0] && i < nl; i++)
			if (q[12 + i] >= 'a' && q[12 + i] <= 'z')
				q[12 + i] -= 32;
	size_t o = 12 + nl;
	q[o++] = (uint8_t)(qt >> 8);
	q[o++] = (uint8_t)qt;
	q[o++] = 0;
	q[o++] = 1;
	if (edns) {
		uint16_t bs = edns == 3 ? 512 : 4096;
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(bs >> 8), (uint8_t)bs,
				   0, 0, (uint8_t)(edns >= 2 ? 0x80 : 0), 0, 0, 0};
		q[11] = 1;
		memcpy(q + o, opt, 11);
		o += 11;
	}
	s->len[s->n++] = o;
}

static void check_response(const uint8_t *q, size_t qlen, const uint8_t *r,
			   int rlen)
{
	CHECK(rlen >= 12 && rlen <= RMAX);
	CHECK(r[0] == q[0] && r[1] == q[1] && (r[2] & 0x80));
	size_t qend = 12 + zw_name_len(q + 12) + 4;
	CHECK(qend <= qlen && (size_t)rlen >= qend);
	CHECK(!memcmp(r + 12, q + 12, qend - 12));
}

static void run_set(const struct zw_table *t, struct qset *s)
{
	static uint8_t out[NQ][RMAX], out2[NQ][RMAX];
	const uint8_t *pk[NQ];
	uint8_t *op[NQ];
	size_t cap[NQ];
	int ol[NQ], single[NQ];
	struct zw_answer_opts o = {1232, false};

	for (unsigned i = 0; i < s->n; i++) {
		single[i] = zw_table_answer(t, s->pkt[i], s->len[i], out[i],
					    RMAX, &o);
		check_response(s->pkt[i], s->len[i], out[i], single[i]);
		pk[i] = s->pkt[i];
		op[i] = out2[i];
		cap[i] = RMAX;
	}
	zw_table_answer_burst(t, pk, s->len, op, cap, ol, s->n, &o);
	for (unsigned i = 0; i < s->n; i++)
		CHECK(ol[i] == single[i] &&
		      !memcmp(out[i], out2[i], (size_t)ol[i]));
	s->n = 0;
}

static void ask_zone(const struct zw_table *t, const struct zwt_zone *z)
{
	const uint8_t *d = zwt_data(z);
	const uint64_t *slots = (const uint64_t *)(d + z->hash_off);
	uint64_t ns = (uint64_t)1 << z->hash_bits;
	struct qset s = {.n = 0};
	unsigned variant = 0, names = 0;
	uint8_t nm[256];

	add_query(&s, z->origin, z->origin_len, variant++);
	/* names one label below the apex, with DO (variants 6, 7, 9, 10:
	 * the first two upper-cased) and DO=0 (3, 4), the usual NXDOMAIN
	 * (tl_emit_nx, tl_emit_soa0) and one that may be the SOA MNAME's
	 * label (its cut: the general path) */
	static const char *const one[6] = {"\3x-y", "\3ns1", "\1a",
					   "\4zzzz", "\3x-y", "\3ns1"};
	static const unsigned one_v[6] = {6, 7, 9, 10, 3, 4};
	for (unsigned k = 0; k < 6 && z->origin_len + 5u <= 255; k++) {
		size_t l = 1u + (uint8_t)one[k][0];
		memcpy(nm, one[k], l);
		memcpy(nm + l, z->origin, z->origin_len);
		add_query(&s, nm, l + z->origin_len, one_v[k]);
	}
	for (uint64_t i = 0; i < ns && names < 64; i++) {
		uint32_t ref = (uint32_t)slots[i];
		if (!ref)
			continue;
		const struct zwt_node *n = zwt_at(d, ref);
		names++;
		add_query(&s, zwt_node_name(n), n->namelen, variant++);
		if (n->namelen <= 250) {
			memcpy(nm, "\3x-y", 4);
			memcpy(nm + 4, zwt_node_name(n), n->namelen);
			add_query(&s, nm, 4u + n->namelen, variant++);
		}
		if (s.n + 2 > NQ)
			run_set(t, &s);
	}
	if (s.n)
		run_set(t, &s);
}

static void try_table(const uint8_t *data, size_t size, bool fix)
{
	char err[ZW_TABLE_ERRMAX];
	uint8_t *buf = NULL;
	if (posix_memalign((void **)&buf, 8, size ? size : 1))
		return;
	memcpy(buf, data, size);
	if (fix && size >= sizeof(struct zwt_file)) {
		struct zwt_file *f = (struct zwt_file *)buf;
		f->file_size = size;
		f->checksum = zw_table_checksum(buf, size);
	}
	err[0] = 0;
	struct zw_table *t = zw_table_from_mem(buf, size, err);
	if (!t) {
		CHECK(err[0] != 0); /* refused with a reason */
	} else {
		for (size_t i = 0; i < zw_table_nzones(t); i++)
			ask_zone(t, zw_table_zone(t, i));
		zw_table_close(t);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (4u << 20))
		return 0;
	try_table(data, size, false);
	try_table(data, size, true);
	return 0;
}
