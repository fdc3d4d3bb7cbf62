/* Zone model, loading: the arena, runs and per-record rules. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zone_int.h"

#define CHUNK_MIN ((size_t)1 << 20)
#define CHUNK_MAX ((size_t)64 << 20)

int zone_fail(struct zw_zone *z, int err, const char *file,
	      unsigned long line, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;
	if (file)
		n = (size_t)snprintf(z->err, sizeof z->err, "%.500s:%lu: ",
				     file, line);
	va_start(ap, fmt);
	vsnprintf(z->err + n, sizeof z->err - n, fmt, ap);
	va_end(ap);
	z->failed = err;
	return err;
}

int zone_fail_at(struct zw_zone *z, int err, const struct zw_node *n,
		 const char *what)
{
	char name[ZW_NAME_STR_MAX];
	struct zone_run r = zone_run_of(n);
	const char *file = r.file < z->nfiles ? z->files[r.file] : NULL;
	if (zw_name_to_str(zw_node_name(n), name, sizeof name) < 0)
		strcpy(name, "?");
	return zone_fail(z, err, file, r.line, "%s: %s", name, what);
}

struct zw_zone *zw_zone_new(const uint8_t *origin)
{
	struct zw_zone *z = calloc(1, sizeof *z);
	if (!z)
		return NULL;
	if (origin) {
		zw_name_copy(z->apex, origin);
		z->apex_lflen = (uint16_t)zone_lookup_form(origin, z->apex_lf, NULL);
		z->have_apex = true;
	}
	return z;
}

void zw_zone_free(struct zw_zone *z)
{
	if (!z)
		return;
	while (z->chunks) {
		struct zone_chunk *c = z->chunks;
		z->chunks = c->next;
		free(c);
	}
	for (size_t i = 0; i < z->nfiles; i++)
		free(z->files[i]);
	free(z->files);
	free(z->nodes);
	free(z);
}

/* Chunks double up to CHUNK_MAX, so a small zone stays small and a large
 * one needs few allocations. (Transparent huge pages were tried: fewer
 * faults, but more system time in compaction than they saved.) */
static struct zone_chunk *chunk_new(struct zw_zone *z, size_t need)
{
	size_t size = z->chunk_size ? z->chunk_size : CHUNK_MIN;
	while (size < need)
		size *= 2;
	struct zone_chunk *c = malloc(size);
	if (!c)
		return NULL;
	c->next = z->chunks;
	c->size = size - sizeof *c;
	z->chunks = c;
	if (size < CHUNK_MAX)
		z->chunk_size = size * 2;
	return c;
}

/* Make room for `size` more octets after the current run, moving the run
 * into a fresh chunk when the current one is full (runs stay contiguous). */
static int reserve(struct zw_zone *z, size_t size)
{
	size += 8; /* slack: zone_key() may read 8 octets past a name */
	if ((size_t)(z->lim - z->cur) >= size)
		return 0;
	size_t keep = z->in_run ? (size_t)(z->cur - z->run) : 0;
	struct zone_chunk *c = chunk_new(z, 2 * (keep + size) + sizeof *c);
	if (!c)
		return ZW_ENOMEM;
	if (keep) {
		memcpy(c->mem, z->run, keep);
		ptrdiff_t d = c->mem - z->run;
		struct zw_node *nd = &z->nodes[z->n - 1];
		nd->lf += d;
		nd->data += d;
		z->run += d;
		if (z->rs)
			z->rs += d;
		if (z->last_rd)
			z->last_rd += d;
	}
	z->cur = c->mem + keep;
	z->lim = c->mem + c->size;
	return 0;
}

uint8_t *zone_alloc(struct zw_zone *z, size_t size)
{
	if (reserve(z, size))
		return NULL;
	uint8_t *p = z->cur;
	z->cur += size;
	return p;
}

/* The first 8 octets of the lookup form below the apex, big-endian: most
 * comparisons in sorting and lookup end here without touching the name.
 * lf must have 8 readable octets after lflen (ZW_NAME_LF_MAX buffers and
 * the arena, which keeps that much slack, do). */
uint64_t zone_key(const struct zw_zone *z, const uint8_t *lf, size_t lflen)
{
	size_t rest = lflen - z->apex_lflen;
	uint64_t k;
	if (rest == 0)
		return 0;
	memcpy(&k, lf + z->apex_lflen, 8);
	k = __builtin_bswap64(k);
	return rest >= 8 ? k : k & ~(~0ull >> (8 * rest));
}

/* Eight octets at a time: whether any is 0x00 or 0x01 (which the lookup
 * form escapes), and the word with A-Z lower-cased. */
static inline bool has_low(uint64_t w)
{
	return ((w - 0x0202020202020202ull) & ~w & 0x8080808080808080ull) != 0;
}

static inline uint64_t lower8(uint64_t w)
{
	uint64_t h = w & 0x7f7f7f7f7f7f7f7full;
	uint64_t up = (h + 0x3f3f3f3f3f3f3f3full) & ~(h + 0x2525252525252525ull) &
		      ~w & 0x8080808080808080ull;
	return w | up >> 2;
}

/* The lookup form (dns/name.h) of a well-formed name, as
 * zw_name_lookup_form() makes it, a word at a time for the labels without
 * 0x00/0x01 octets. out needs ZW_NAME_LF_MAX + 8 octets. *namelen (may be
 * NULL) gets the wire length. */
size_t zone_lookup_form(const uint8_t *name, uint8_t *out, size_t *namelen)
{
	const uint8_t *lab[128], *p = name;
	int nl = 0;
	for (; *p; p += 1 + *p)
		lab[nl++] = p;
	if (namelen)
		*namelen = (size_t)(p - name) + 1;
	size_t n = 0;
	while (nl > 0) {
		const uint8_t *l = lab[--nl];
		size_t len = l[0], i = 0;
		for (; i + 8 <= len; i += 8) {
			uint64_t w;
			memcpy(&w, l + 1 + i, 8);
			if (has_low(w))
				break;
			w = lower8(w);
			memcpy(out + n, &w, 8);
			n += 8;
		}
		for (; i < len; i++) {
			uint8_t c = l[1 + i];
			c = c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
			if (c <= 1) {
				out[n++] = 1;
				c = (uint8_t)(c + 1);
			}
			out[n++] = c;
		}
		out[n++] = 0;
	}
	return n;
}

/* Types whose embedded names RFC 4034 §6.2 lower-cases: only for them can
 * the canonical RDATA order differ from a plain comparison. */
static bool has_names(uint16_t type)
{
	switch (type) {
	case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9:
	case 12: case 13: case 14: case 15: case 17: case 18: case 21:
	case 24: case 26: case 30: case 35: case 36: case 33: case 39:
	case 38: case 46: case 47:
		return true;
	default:
		return false;
	}
}

static bool has_upper(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			return true;
	return false;
}

static inline uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Rdata that is one name: the canonical form lower-cases every letter
 * (length octets are at most 63, below 'A'), so fold while comparing. */
static bool one_name(uint16_t type)
{
	return type == ZW_TYPE_NS || type == ZW_TYPE_CNAME ||
	       type == ZW_TYPE_PTR || type == ZW_TYPE_DNAME ||
	       (type >= 3 && type <= 4) || (type >= 7 && type <= 9);
}

static int folded_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		      size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		uint8_t x = lower(a[i]), y = lower(b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return alen == blen ? 0 : alen < blen ? -1 : 1;
}

int zone_rd_cmp(uint16_t type, const uint8_t *a, size_t alen,
		const uint8_t *b, size_t blen)
{
	if (one_name(type))
		return folded_cmp(a, alen, b, blen);
	if (!has_names(type) || (!has_upper(a, alen) && !has_upper(b, blen)))
		return zw_rdata_cmp(a, alen, b, blen);
	uint8_t ca[ZW_RDATA_MAX], cb[ZW_RDATA_MAX];
	memcpy(ca, a, alen);
	memcpy(cb, b, blen);
	zw_rdata_canonicalize(type, ca, alen);
	zw_rdata_canonicalize(type, cb, blen);
	return zw_rdata_cmp(ca, alen, cb, blen);
}

uint16_t zone_type_flag(uint16_t type)
{
	switch (type) {
	case ZW_TYPE_NS: return NF_NS | NF_OTHER;
	case ZW_TYPE_DNAME: return NF_DNAME | NF_OTHER;
	case ZW_TYPE_CNAME: return NF_CNAME;
	case ZW_TYPE_SOA: return NF_SOA | NF_OTHER;
	case ZW_TYPE_RRSIG: case ZW_TYPE_NSEC: case ZW_TYPE_NSEC3:
	case 25: /* KEY: BIND allows it beside a CNAME */
		return 0;
	default: return NF_OTHER;
	}
}

static uint32_t file_index(struct zw_zone *z, const char *file)
{
	if (!file)
		return UINT32_MAX;
	if (z->nfiles && strcmp(z->files[z->nfiles - 1], file) == 0)
		return (uint32_t)(z->nfiles - 1);
	for (size_t i = 0; i < z->nfiles; i++)
		if (strcmp(z->files[i], file) == 0)
			return (uint32_t)i;
	char **f = realloc(z->files, (z->nfiles + 1) * sizeof *f);
	if (!f)
		return UINT32_MAX;
	z->files = f;
	if (!(f[z->nfiles] = strdup(file)))
		return UINT32_MAX;
	return (uint32_t)z->nfiles++;
}

static void close_run(struct zw_zone *z)
{
	if (!z->in_run)
		return;
	struct zw_node *nd = &z->nodes[z->n - 1];
	nd->datalen = (uint32_t)(z->cur - nd->data);
	z->in_run = false;
}

static int grow_nodes(struct zw_zone *z)
{
	if (z->n < z->cap)
		return 0;
	size_t cap = z->cap ? z->cap * 2 : 4096;
	struct zw_node *nd = realloc(z->nodes, cap * sizeof *nd);
	if (!nd)
		return ZW_ENOMEM;
	z->nodes = nd;
	z->cap = cap;
	return 0;
}

static int out_of_zone(struct zw_zone *z, const struct zw_rec *rec)
{
	char name[ZW_NAME_STR_MAX], apex[ZW_NAME_STR_MAX];
	zw_name_to_str(rec->owner, name, sizeof name);
	zw_name_to_str(z->apex, apex, sizeof apex);
	return zone_fail(z, ZW_EOUTZONE, rec->file, rec->line,
			 "%s: out of zone (not at or below %s)", name, apex);
}

static int new_run(struct zw_zone *z, const struct zw_rec *rec)
{
	uint8_t lf[ZW_NAME_LF_MAX + 8];
	size_t namelen;
	size_t lflen = zone_lookup_form(rec->owner, lf, &namelen);
	if (lflen < z->apex_lflen || memcmp(lf, z->apex_lf, z->apex_lflen))
		return out_of_zone(z, rec);
	close_run(z);
	if (grow_nodes(z) || reserve(z, RUN_HDR + lflen + namelen))
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	struct zone_run hdr = {z->seq++, (uint32_t)rec->line,
			       file_index(z, rec->file)};
	uint8_t *p = z->cur;
	memcpy(p, &hdr, RUN_HDR);
	memcpy(p + RUN_HDR, lf, lflen);
	memcpy(p + RUN_HDR + lflen, rec->owner, namelen);
	z->run = p;
	z->cur = p + RUN_HDR + lflen + namelen;
	uint16_t flags = lflen == z->apex_lflen ? ZW_NODE_APEX : 0;
	if (zw_name_is_wildcard(rec->owner))
		flags |= ZW_NODE_WILDCARD;
	z->nodes[z->n++] = (struct zw_node){p + RUN_HDR, z->cur, 0,
					    (uint16_t)lflen, flags,
					    zone_key(z, lf, lflen)};
	z->in_run = true;
	z->rs = NULL;
	z->last_rd = NULL;
	return 0;
}

/* A wire name is prefix-free: equal to the run's name when its first
 * octets are (checked case-sensitively first, the common case, a word at
 * a time: names are short and a libc call costs as much). */
static bool is_run_owner(const struct zw_zone *z, const uint8_t *owner)
{
	const struct zw_node *nd = &z->nodes[z->n - 1];
	const uint8_t *name = zw_node_name(nd);
	size_t n = (size_t)(nd->data - name), i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, name + i, 8);
		memcpy(&y, owner + i, 8);
		if (x != y)
			return zw_name_equal(name, owner);
	}
	for (; i < n; i++)
		if (name[i] != owner[i])
			return zw_name_equal(name, owner);
	return true;
}

static void put_rr(struct zw_zone *z, const struct zw_rec *rec)
{
	uint8_t *p = z->cur;
	p[0] = (uint8_t)(rec->rdlen >> 8);
	p[1] = (uint8_t)rec->rdlen;
	memcpy(p + 2, rec->rdata, rec->rdlen);
	z->last_rd = p + 2;
	z->last_len = rec->rdlen;
	z->cur = p + 2 + rec->rdlen;
	z->rs_count++;
	memcpy(z->rs + 8, &z->rs_count, 4);
}

static int rec_fail(struct zw_zone *z, int err, const struct zw_rec *rec,
		    const char *what)
{
	char name[ZW_NAME_STR_MAX];
	zw_name_to_str(rec->owner, name, sizeof name);
	return zone_fail(z, err, rec->file, rec->line, "%s: %s", name, what);
}

static bool singleton(uint16_t type)
{
	return type == ZW_TYPE_CNAME || type == ZW_TYPE_DNAME ||
	       type == ZW_TYPE_SOA;
}

/* Same RRset as the last one: merge a duplicate, refuse a second RR of a
 * singleton type, note when the canonical order breaks. */
static int add_to_rrset(struct zw_zone *z, const struct zw_rec *rec,
			struct zw_node *nd)
{
	int c = zone_rd_cmp(rec->type, z->last_rd, z->last_len, rec->rdata,
			    rec->rdlen);
	if (c == 0)
		return 0;
	if (singleton(rec->type))
		return rec_fail(z, rec->type == ZW_TYPE_SOA ? ZW_EMULTISOA
							    : ZW_EDUP,
				rec, "multiple RRs of singleton type");
	if (c > 0)
		nd->flags |= NF_UNSORTED;
	if (reserve(z, 2u + rec->rdlen))
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	put_rr(z, rec);
	return 0;
}

static int add_rrset(struct zw_zone *z, const struct zw_rec *rec,
		     struct zw_node *nd, uint16_t covers)
{
	if (z->rs && (rec->type < z->rs_type ||
		      (rec->type == z->rs_type && covers < z->rs_covers)))
		nd->flags |= NF_UNSORTED;
	if (reserve(z, RS_HDR + 2u + rec->rdlen))
		return zone_fail(z, ZW_ENOMEM, NULL, 0, "out of memory");
	nd = &z->nodes[z->n - 1]; /* reserve may have moved the run */
	uint8_t *h = z->cur;
	memcpy(h, &rec->type, 2);
	memcpy(h + 2, &covers, 2);
	memcpy(h + 4, &rec->ttl, 4);
	z->rs = h;
	z->rs_type = rec->type;
	z->rs_covers = covers;
	z->rs_count = 0;
	z->cur = h + RS_HDR;
	put_rr(z, rec);
	return 0;
}

static int set_apex(struct zw_zone *z, const struct zw_rec *rec)
{
	if (rec->type != ZW_TYPE_SOA)
		return rec_fail(z, ZW_ENOSOA, rec,
				"first record is not an SOA and no origin "
				"was given");
	zw_name_copy(z->apex, rec->owner);
	z->apex_lflen = (uint16_t)zone_lookup_form(rec->owner, z->apex_lf, NULL);
	z->have_apex = true;
	return 0;
}

int zw_zone_add(struct zw_zone *z, const struct zw_rec *rec)
{
	int r;
	if (z->failed)
		return z->failed;
	if (!z->have_apex && (r = set_apex(z, rec)) < 0)
		return r;
	if (!z->in_run || !is_run_owner(z, rec->owner)) {
		if ((r = new_run(z, rec)) < 0)
			return r;
	}
	z->nrecords++;
	z->finished = false;
	struct zw_node *nd = &z->nodes[z->n - 1];
	if (rec->type == ZW_TYPE_SOA && !(nd->flags & ZW_NODE_APEX))
		return rec_fail(z, ZW_EMULTISOA, rec,
				"SOA record not at top of zone");
	nd->flags |= zone_type_flag(rec->type);
	if ((nd->flags & NF_CNAME) && (nd->flags & NF_OTHER))
		return rec_fail(z, ZW_ECNAME, rec, "CNAME and other data");
	uint16_t covers = 0;
	if (rec->type == ZW_TYPE_RRSIG && rec->rdlen >= 2)
		covers = (uint16_t)(rec->rdata[0] << 8 | rec->rdata[1]);
	if (z->rs && z->rs_type == rec->type && z->rs_covers == covers)
		return add_to_rrset(z, rec, nd);
	return add_rrset(z, rec, nd, covers);
}
