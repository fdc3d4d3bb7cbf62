/* Opening a table: map it, check the header and the checksum, then
 * validate every structure the lookup can reach (every hash slot, node,
 * recipe, piece, fixup and index entry), so that serving from a table
 * that opened needs no further checks. Each object is validated once
 * (a bitmap per object kind over the blob). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/hugemem.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/table_int.h"
#include "zonecompile/table_lookup.h" /* tl_ref_cut */

struct val {
	const char *what;      /* file name for messages */
	char *err;
	const uint8_t *data;   /* zone data block */
	const struct zwt_zone *z;
	uint64_t blob_lo, blob_hi;   /* byte range of the blob in data */
	uint8_t *seen[3];      /* node, recipe, piece bitmaps (per word) */
	int zi;
};

enum { K_NODE, K_RECIPE, K_PIECE };

static bool bad(struct val *v, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(v->err, ZW_TABLE_ERRMAX, "%s: zone %d: %s", v->what, v->zi,
		 msg);
	return false;
}

/* A ref to an object of `size` octets inside the blob, 4-aligned. */
static bool in_blob(const struct val *v, uint32_t ref, uint64_t size)
{
	uint64_t off = (uint64_t)ref * 4;
	return ref && off >= v->blob_lo && off <= v->blob_hi &&
	       size <= v->blob_hi - off;
}

/* First visit? (marks it) */
static bool first(struct val *v, int kind, uint32_t ref)
{
	uint64_t w = ref - v->blob_lo / 4;
	uint8_t *b = v->seen[kind];
	if (b[w >> 3] & (1u << (w & 7)))
		return false;
	b[w >> 3] |= (uint8_t)(1u << (w & 7));
	return true;
}

static bool check_part_rrs(struct val *v, const struct zwt_pview *pv, int k)
{
	const struct zwt_part *pd = pv->part[k];
	const uint8_t *w = pv->wire + pv->off[k];
	size_t off = 0;
	for (unsigned i = 0; i < pd->count; i++) {
		off = zwt_rr_skip(w, off, pd->len, NULL);
		if (!off)
			return bad(v, "piece part %d: RR %u malformed", k, i);
	}
	if (off != pd->len)
		return bad(v, "piece part %d: %u RRs do not fill %u octets", k,
			   pd->count, pd->len);
	return true;
}

/* Where the compiler (compile_wire.c) points a pointer of this kind: the
 * name's start (QSTART), a suffix of the anchor (QSUF), or part j of the
 * same piece when a part k may point there (j == k, or an earlier part,
 * never a main part into an RRSIG part, which DO=0 leaves out). The
 * writers trust this: tl_emit's fast paths move a pointer by its kind's
 * delta without checking where it lands. NULL: valid. */
static const char *fix_target(const struct zwt_pview *pv, int k,
			      unsigned kind, long val)
{
	long canon = 12 + pv->pc->alen + 4;
	if (kind == ZWT_FIX_QSTART)
		return val == 12 ? NULL : "QSTART target is not the name's start";
	if (kind == ZWT_FIX_QSUF)
		return val < 12 + (long)pv->pc->alen ? NULL
		       : "QSUF target outside the anchor";
	int j = (int)kind - ZWT_FIX_PART0;
	if (j >= ZWT_PARTS || !pv->part[j])
		return "target part absent";
	if (j > k || (j < k && ZWT_PART_SIG(j) && !ZWT_PART_SIG(k)))
		return "target part not one this part may point into";
	if (val < canon + pv->off[j] ||
	    val >= canon + pv->off[j] + pv->part[j]->len)
		return "target outside the part its kind names";
	return NULL;
}

/* Every fixup of part k: in order, on a pointer inside the part that
 * points strictly backwards (in the canonical layout) to where its kind
 * says. */
static bool check_fixups(struct val *v, const struct zwt_pview *pv, int k,
			 uint32_t ref)
{
	const struct zwt_part *pd = pv->part[k];
	const uint8_t *w = pv->wire + pv->off[k];
	long self0 = 12 + pv->pc->alen + 4 + pv->off[k];
	unsigned next = 0; /* the first position the next fixup may take */
	for (unsigned f = 0; f < pd->nfix; f++) {
		uint16_t fx = zw_load16(pv->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx), kind = ZWT_FIX_KIND(fx);
		const char *why = NULL;
		long val = 0;
		if (pos < next)
			why = "fixups overlap or out of order";
		else if (pos + 2 > pd->len || (w[pos] & 0xc0) != 0xc0)
			why = "not on a pointer inside the part";
		else if ((val = (w[pos] & 0x3f) << 8 | w[pos + 1]) < 12)
			why = "points into the header";
		else if (val >= self0 + (long)pos)
			why = "points forwards (at or after itself)";
		else
			why = fix_target(pv, k, kind, val);
		if (why)
			return bad(v, "piece at data offset %llu: part %d fixup %u "
				   "(kind %u, position %u, target %ld): %s",
				   (unsigned long long)ref * 4, k, f, kind,
				   pos, val, why);
		next = pos + 2;
	}
	return true;
}

static bool check_units(struct val *v, const struct zwt_pview *pv, int k)
{
	const struct zwt_part *pd = pv->part[k];
	if (pd->mode > ZWT_MODE_OPT)
		return bad(v, "piece part %d: bad mode", k);
	if (pd->nunit < 2)
		return true;
	uint16_t prev = 0;
	for (unsigned u = 0; u < pd->nunit; u++) {
		uint16_t end = zw_load16(pv->units[k] + ZWT_UNIT_SIZE * u);
		uint16_t mode = zw_load16(pv->units[k] + ZWT_UNIT_SIZE * u + 4);
		if (end <= prev || end > pd->len || mode > ZWT_MODE_OPT)
			return bad(v, "piece part %d: bad unit %u", k, u);
		prev = end;
	}
	return prev == pd->len ? true : bad(v, "piece part %d: units", k);
}

static bool check_piece(struct val *v, uint32_t ref)
{
	struct zwt_pview pv;
	if (!in_blob(v, ref, sizeof(struct zwt_piece)))
		return bad(v, "piece ref %u out of range", ref);
	if (!first(v, K_PIECE, ref))
		return true;
	const uint8_t *p = zwt_at(v->data, ref);
	if (!zwt_piece_view(p, v->blob_hi - (uint64_t)ref * 4, &pv))
		return bad(v, "piece at %u malformed", ref);
	if (!pv.pc->alen) /* no name is 0 octets: a writer would misplace */
		return bad(v, "piece at data offset %llu: anchor of 0 octets",
			   (unsigned long long)ref * 4);
	for (int k = 0; k < ZWT_PARTS; k++) {
		if (!pv.part[k])
			continue;
		if (!pv.part[k]->len)
			return bad(v, "piece at %u: empty part %d", ref, k);
		if (!check_part_rrs(v, &pv, k) ||
		    !check_fixups(v, &pv, k, ref) ||
		    !check_units(v, &pv, k))
			return false;
	}
	return true;
}

static bool check_recipe(struct val *v, uint32_t ref)
{
	if (!in_blob(v, ref, sizeof(struct zwt_recipe)))
		return bad(v, "recipe ref %u out of range", ref);
	if (!first(v, K_RECIPE, ref))
		return true;
	const struct zwt_recipe *r = zwt_at(v->data, ref);
	if (!in_blob(v, ref, sizeof(*r) + 4u * r->npieces))
		return bad(v, "recipe at %u truncated", ref);
	const uint32_t *pcs = zwt_recipe_pieces(r);
	for (unsigned i = 0; i < r->npieces; i++)
		if (!check_piece(v, zw_load32(pcs + i)))
			return false;
	return true;
}

static bool check_name(struct val *v, const uint8_t *nm, size_t len,
		       int labels)
{
	int n = zw_name_check(nm, nm + len);
	if (n != (int)len || zw_name_labels(nm) != labels)
		return bad(v, "node name malformed");
	for (size_t i = 0; i < len; i++)
		if ((unsigned)(nm[i] - 'A') < 26u)
			return bad(v, "node name not lower-cased");
	if (!zw_name_is_subdomain(nm, v->z->origin))
		return bad(v, "node name outside the zone");
	return true;
}

static bool check_dname(struct val *v, uint32_t ref)
{
	struct zwt_pview pv;
	uint16_t type = 0;
	if (!check_piece(v, ref))
		return false;
	zwt_piece_view(zwt_at(v->data, ref), v->blob_hi - (uint64_t)ref * 4,
		       &pv);
	if (!pv.part[0] || !zwt_rr_skip(pv.wire, 0, pv.part[0]->len, &type) ||
	    type != ZW_TYPE_DNAME)
		return bad(v, "DNAME node without its DNAME piece");
	/* the target must be a plain name filling the RDATA */
	size_t end = zwt_rr_skip(pv.wire, 0, pv.part[0]->len, NULL), o = 0;
	while (pv.wire[o] && (pv.wire[o] & 0xc0) != 0xc0)
		o += 1u + pv.wire[o];
	o += (pv.wire[o] & 0xc0) ? 2 : 1;
	if (zw_name_check(pv.wire + o + 10, pv.wire + end) !=
	    (int)(end - o - 10))
		return bad(v, "DNAME target compressed or malformed");
	return true;
}

/* Is the name's suffix of alen octets one of its proper suffixes (a
 * label boundary after the first label)? */
static bool name_suffix_at(const uint8_t *nm, size_t len, size_t alen)
{
	size_t o = 0;
	while (o < len && nm[o]) {
		o += 1u + nm[o];
		if (len - o == alen)
			return true;
	}
	return false;
}

/* The cut a below node keeps (zwt_below_cut) is what the
 * referral writer finds for its name in the first piece of each of its
 * recipes that it writes that way (tl_ref_cut): the writer trusts it. */
static bool check_below_cut(struct val *v, const struct zwt_node *n,
			    uint32_t ref, const struct zwt_piece *pc)
{
	struct tl_refcut kept, cut;
	if (!zwt_below_cut(n, &kept) ||
	    !tl_ref_cut((const uint8_t *)pc, zwt_node_name(n), n->namelen,
			&cut))
		return true;
	if (memcmp(&kept, &cut, sizeof(cut)))
		return bad(v, "node at %u below a cut: its name cut is not "
			   "the referral's", ref);
	return true;
}

/* A name below a cut (ZWT_N_BELOW): nothing but its referral, whose
 * pieces (the cut's, checked as every piece) are anchored at a proper
 * suffix of its name, as the referral writer takes them. The recipes
 * are checked already. */
static bool check_below(struct val *v, const struct zwt_node *n,
			uint32_t ref)
{
	struct tl_refcut kept;
	bool has = zwt_below_cut(n, &kept);
	if (n->flags != (ZWT_N_CUT | ZWT_N_BELOW) || n->ntypes ||
	    n->nx1 || n->nx2 || n->cpe_labels > 1 ||
	    n->labels < v->z->origin_labels + 2u ||
	    (!has && (n->wild || n->pad[0] || n->pad[1] || n->pad[2])))
		return bad(v, "node at %u: below a cut, but not as such a "
			   "node is written", ref);
	for (int d = 0; d < 2; d++) {
		const struct zwt_recipe *r = zwt_at(v->data, n->dflt[d]);
		const uint32_t *pcs = zwt_recipe_pieces(r);
		for (unsigned i = 0; i < r->npieces; i++) {
			const struct zwt_piece *pc =
				zwt_at(v->data, zw_load32(pcs + i));
			if (!name_suffix_at(zwt_node_name(n), n->namelen,
					    pc->alen))
				return bad(v, "node at %u below a cut: piece "
					   "anchor not a suffix of its name",
					   ref);
			if (!i && !check_below_cut(v, n, ref, pc))
				return false;
		}
	}
	return true;
}

static bool check_node(struct val *v, uint32_t ref, bool wild)
{
	if (!in_blob(v, ref, sizeof(struct zwt_node)))
		return bad(v, "node ref %u out of range", ref);
	const struct zwt_node *n = zwt_at(v->data, ref);
	if (!in_blob(v, ref, zwt_node_size(n)))
		return bad(v, "node at %u truncated", ref);
	if (wild && !(n->flags & ZWT_N_WILD))
		return bad(v, "wildcard link to a non-wildcard node");
	if (!first(v, K_NODE, ref))
		return true;
	if (!check_name(v, zwt_node_name(n), n->namelen, n->labels))
		return false;
	if (n->labels < v->z->origin_labels || n->cpe_labels > n->labels)
		return bad(v, "node at %u: label counts", ref);
	const struct zwt_entry *e = zwt_entries(n);
	for (unsigned i = 0; i < n->ntypes; i++)
		if (!check_recipe(v, e[i].rec[0]) ||
		    !check_recipe(v, e[i].rec[1]))
			return false;
	if (!check_recipe(v, n->dflt[0]) || !check_recipe(v, n->dflt[1]))
		return false;
	if (n->flags & ZWT_N_BELOW) /* wild and pad: its name's cut */
		return check_below(v, n, ref);
	if ((n->flags & ZWT_N_WILDCHILD) && !check_node(v, n->wild, true))
		return false;
	if (n->flags & ZWT_N_DNAME)
		return check_dname(v, n->nx1);
	if ((n->nx1 && !check_piece(v, n->nx1)) ||
	    (n->nx2 && !check_piece(v, n->nx2)))
		return false;
	return true;
}

static bool check_hash(struct val *v)
{
	const struct zwt_zone *z = v->z;
	if (z->hash_bits > 31 || z->hash_size != (8ULL << z->hash_bits))
		return bad(v, "hash table size");
	const uint64_t *s = (const uint64_t *)(v->data + z->hash_off);
	uint64_t used = 0;
	for (uint64_t i = 0; i < ((uint64_t)1 << z->hash_bits); i++) {
		uint32_t ref = (uint32_t)s[i];
		if (!ref)
			continue;
		used++;
		if (!check_node(v, ref, false))
			return false;
		const struct zwt_node *n = zwt_at(v->data, ref);
		uint64_t h = zwt_hash(z->hash_seed, zwt_node_name(n),
				      n->namelen);
		if (ZWT_SLOT_TAG(h ^ s[i]))
			return bad(v, "hash slot %llu: wrong tag",
				   (unsigned long long)i);
	}
	if (used >= ((uint64_t)1 << z->hash_bits))
		return bad(v, "hash table full");
	return true;
}

static bool check_index(struct val *v)
{
	const struct zwt_zone *z = v->z;
	if (z->denial == ZWT_DENIAL_NONE)
		return true;
	if (!z->idx_count)
		return bad(v, "signed zone without a denial index");
	const uint8_t *lfs = v->data + z->lf_off;
	for (uint64_t i = 0; i < z->idx_count; i++) {
		if (z->denial == ZWT_DENIAL_NSEC) {
			const struct zwt_nsec_ent *e =
				(const void *)(v->data + z->idx_off);
			if ((uint64_t)e[i].lf_off + e[i].lflen > z->lf_size)
				return bad(v, "index entry %llu: lf range",
					   (unsigned long long)i);
			if (i && (e[i - 1].key > e[i].key ||
				  zw_name_lf_cmp(lfs + e[i - 1].lf_off, e[i - 1].lflen,
					 lfs + e[i].lf_off, e[i].lflen) >= 0))
				return bad(v, "index not sorted at %llu",
					   (unsigned long long)i);
			if (!check_piece(v, e[i].piece))
				return false;
		} else {
			const struct zwt_nsec3_ent *e =
				(const void *)(v->data + z->idx_off);
			if (i && (e[i - 1].key > e[i].key ||
				  (e[i - 1].key == e[i].key &&
				   memcmp(e[i - 1].rest, e[i].rest, 12) >= 0)))
				return bad(v, "NSEC3 index not sorted");
			if (!check_piece(v, e[i].piece))
				return false;
		}
	}
	return true;
}

/* Section [off, off+size) inside the data block, 8-aligned, after prev. */
static bool section(struct val *v, uint64_t off, uint64_t size,
		    uint64_t *prev_end, const char *name)
{
	if (off % 8 || off < *prev_end || off > v->z->data_size ||
	    size > v->z->data_size - off)
		return bad(v, "%s section out of range", name);
	*prev_end = off + size;
	return true;
}

static bool check_zone_hdr(struct val *v)
{
	const struct zwt_zone *z = v->z;
	uint64_t end = 0;
	size_t entsz = z->denial == ZWT_DENIAL_NSEC3
			       ? sizeof(struct zwt_nsec3_ent)
			       : sizeof(struct zwt_nsec_ent);
	if (!z->origin_len ||
	    zw_name_check(z->origin, z->origin + z->origin_len) !=
		    z->origin_len ||
	    zw_name_labels(z->origin) != z->origin_labels)
		return bad(v, "bad origin");
	if (z->denial > ZWT_DENIAL_NSEC3 || z->nsec3_alg != 1)
		return bad(v, "unknown denial of existence kind");
	if (z->idx_count > (z->data_size / entsz))
		return bad(v, "index too large");
	if (!section(v, z->hash_off, z->hash_size, &end, "hash") ||
	    !section(v, z->blob_off, z->blob_size, &end, "blob") ||
	    !section(v, z->idx_off, z->idx_count * entsz, &end, "index") ||
	    !section(v, z->lf_off, z->lf_size, &end, "lookup-form"))
		return false;
	if (z->blob_off % 4 || z->blob_off + z->blob_size > 0x3ffffffffULL)
		return bad(v, "blob too large for refs");
	return true;
}

static bool check_zone(struct val *v)
{
	const struct zwt_zone *z = v->z;
	if (!check_zone_hdr(v))
		return false;
	v->data = zwt_data(z);
	v->blob_lo = z->blob_off;
	v->blob_hi = z->blob_off + z->blob_size;
	size_t words = (size_t)(z->blob_size / 4) + 1;
	bool ok = true;
	for (int k = 0; k < 3; k++)
		if (!(v->seen[k] = calloc((words + 7) / 8, 1)))
			ok = bad(v, "out of memory");
	if (ok)
		ok = check_hash(v) && check_index(v) &&
		     check_recipe(v, z->nx[0]) && check_recipe(v, z->nx[1]) &&
		     check_node(v, z->apex, false);
	if (ok) {
		const struct zwt_node *a = zwt_at(v->data, z->apex);
		if (!(a->flags & ZWT_N_APEX) || a->namelen != z->origin_len ||
		    memcmp(zwt_node_name(a), z->origin, a->namelen))
			ok = bad(v, "apex node is not the origin");
	}
	for (int k = 0; k < 3; k++) {
		free(v->seen[k]);
		v->seen[k] = NULL;
	}
	return ok;
}

static bool fhdr_bad(char *err, const char *what, const char *msg)
{
	snprintf(err, ZW_TABLE_ERRMAX, "%s: %s", what, msg);
	return false;
}

static bool check_file(const uint8_t *b, size_t len, const char *what,
		       char *err)
{
	const struct zwt_file *f = (const void *)b;
	if (len < sizeof(*f))
		return fhdr_bad(err, what, "truncated (shorter than a header)");
	if (memcmp(f->magic, ZWT_MAGIC, 8))
		return fhdr_bad(err, what, "not a zonewire table (bad magic)");
	if (f->version != ZWT_VERSION) {
		snprintf(err, ZW_TABLE_ERRMAX,
			 "%s: table format version %u not supported (this "
			 "build reads version %u)", what, f->version,
			 ZWT_VERSION);
		return false;
	}
	if (f->hdr_size != sizeof(*f) || f->flags)
		return fhdr_bad(err, what, "bad header");
	if (f->file_size != len)
		return fhdr_bad(err, what, f->file_size > len
				? "truncated (shorter than its header says)"
				: "trailing data after the table");
	if (zw_table_checksum(b, len) != f->checksum)
		return fhdr_bad(err, what, "checksum mismatch (corrupt)");
	if (!f->nzones || f->nzones > ZWT_MAX_ZONES || f->zonedir % 8 ||
	    f->zonedir > len || 8ULL * f->nzones > len - f->zonedir)
		return fhdr_bad(err, what, "bad zone directory");
	return true;
}

static struct zw_table *load(const uint8_t *b, size_t len, const char *what,
			     char *err)
{
	if ((uintptr_t)b % 8)
		return fhdr_bad(err, what, "buffer not 8-aligned"), NULL;
	if (!check_file(b, len, what, err))
		return NULL;
	const struct zwt_file *f = (const void *)b;
	struct zw_table *t = calloc(1, sizeof(*t) +
				       f->nzones * sizeof(t->zones[0]));
	if (!t)
		return fhdr_bad(err, what, "out of memory"), NULL;
	t->base = b;
	t->size = len;
	t->nzones = f->nzones;
	struct val v = {.what = what, .err = err};
	for (uint32_t i = 0; i < f->nzones; i++) {
		uint64_t off;
		memcpy(&off, b + f->zonedir + 8 * i, 8);
		v.zi = (int)i;
		const struct zwt_zone *z = NULL;
		if (off % 8 || off > len || sizeof(*z) > len - off ||
		    !(z = (const void *)(b + off)) ||
		    z->data % 8 || z->data < sizeof(*z) ||
		    z->size < z->data || z->data_size > z->size - z->data ||
		    z->size > len - off) {
			bad(&v, "zone header out of range");
			free(t);
			return NULL;
		}
		v.z = z;
		t->zones[i] = z;
		if (!check_zone(&v)) {
			free(t);
			return NULL;
		}
	}
	if (!zwt_accel_build(t)) {
		free(t);
		return fhdr_bad(err, what, "out of memory"), NULL;
	}
	return t;
}

struct zw_table *zw_table_from_mem(const void *buf, size_t len, char *err)
{
	return load(buf, len, "(memory)", err);
}

/* The file read into anonymous memory backed by transparent huge pages
 * where the kernel allows (zw_huge_map): a lookup touches a few random
 * cache lines of a table of hundreds of MB, so 4 KiB pages would make
 * nearly every one a TLB miss; the copy is also private to the process
 * (no page-cache surprises while serving) and is made read-only once
 * validated. */
static void *read_huge(int fd, size_t len, size_t *maplen, int *errp)
{
	size_t ml;
	uint8_t *m = zw_huge_map(len, &ml);
	if (!m) {
		*errp = errno;
		return NULL;
	}
	for (size_t off = 0; off < len;) {
		ssize_t r = pread(fd, m + off, len - off > (1u << 30)
					? (1u << 30) : len - off, (off_t)off);
		if (r <= 0) {
			*errp = r < 0 ? errno : EIO;
			munmap(m, ml);
			return NULL;
		}
		off += (size_t)r;
	}
	*maplen = ml;
	return m;
}

struct zw_table *zw_table_open(const char *path, char *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;
	struct stat st;
	size_t ml = 0;
	if (fd < 0) {
		snprintf(err, ZW_TABLE_ERRMAX, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		snprintf(err, ZW_TABLE_ERRMAX, "%s: %s", path,
			 st.st_size <= 0 ? "empty file" : strerror(errno));
		close(fd);
		return NULL;
	}
	size_t len = (size_t)st.st_size;
	void *m = read_huge(fd, len, &ml, &e);
	close(fd);
	if (!m) {
		snprintf(err, ZW_TABLE_ERRMAX, "%s: %s", path, strerror(e));
		return NULL;
	}
	struct zw_table *t = load(m, len, path, err);
	if (!t) {
		munmap(m, ml);
		return NULL;
	}
	mprotect(m, ml, PROT_READ);
	t->map = m;
	t->maplen = ml;
	return t;
}

void zw_table_close(struct zw_table *t)
{
	if (!t)
		return;
	zwt_accel_free(t);
	if (t->map)
		munmap(t->map, t->maplen);
	free(t);
}

size_t zw_table_nzones(const struct zw_table *t)
{
	return t->nzones;
}

const struct zwt_zone *zw_table_zone(const struct zw_table *t, size_t i)
{
	return i < t->nzones ? t->zones[i] : NULL;
}

void zw_table_zone_info(const struct zwt_zone *z,
			struct zw_table_zone_info *info)
{
	info->origin = z->origin;
	info->serial = z->serial;
	info->min_expire = z->min_expire;
	info->denial = z->denial;
	info->nodes = z->nnodes;
	info->records = z->records;
	info->bytes = z->size;
}

