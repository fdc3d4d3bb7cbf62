/* The compiler's view of a zone: which nodes are in the name tree Knot
 * answers from (NSEC3 chain owners are not; names below a DNAME are
 * synthesised, not looked up), parents, wildcard children, the NSEC3
 * chain sorted by hash and each node's NSEC3, and a name -> node map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "crypto/nsec3.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_int.h"
#include "zonecompile/table_int.h"

#define READY_AHEAD (8u << 20)

/* Populate the pages up to a little past `need` (a failure only leaves
 * the faults to do it). */
static void buf_ready(struct cz_buf *b, size_t need)
{
	size_t to = need + READY_AHEAD < b->cap ? need + READY_AHEAD : b->cap;
	uintptr_t from = (uintptr_t)(b->p + b->ready) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)(b->p + to) + 4095) & ~(uintptr_t)4095;
	if (end > from)
		madvise((void *)from, end - from, MADV_POPULATE_WRITE);
	b->ready = to;
}

void *cz_buf_append(struct cz_buf *b, const void *data, size_t len)
{
	if (b->failed)
		return NULL;
	if (!len) /* nothing to add; still a success */
		return b->p ? b->p + b->len : (void *)b;
	if (b->fixed && b->len + len <= b->cap) {
		if (b->len + len > b->ready)
			buf_ready(b, b->len + len);
	} else if (b->len + len > b->cap) {
		if (b->fixed) {
			b->failed = true;
			return NULL;
		}
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	void *at = b->p + b->len;
	if (data)
		memcpy(at, data, len);
	else
		memset(at, 0, len);
	b->len += len;
	return at;
}

void cz_buf_align(struct cz_buf *b, size_t a)
{
	size_t pad = (a - b->len % a) % a;
	if (pad)
		cz_buf_append(b, NULL, pad);
}

void cz_buf_free(struct cz_buf *b)
{
	if (!b->fixed)
		free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ASCII lower-casing of eight octets: a byte gets 0x20 when its high
 * bit is clear and it lies in 'A'..'Z' (the per-byte sums stay below
 * 0x100, so no carry crosses into the next byte). */
static uint64_t lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t low7 = w & ~high;
	uint64_t ge_a = low7 + ones * (0x80 - 'A');
	uint64_t gt_z = low7 + ones * (0x80 - 'Z' - 1);
	return w | (ge_a & ~gt_z & ~w & high) >> 2;
}

/* Eight octets at a time; the last eight of a name of eight or more
 * overlap the ones before (lower-casing twice changes nothing). */
void cz_lower_copy(uint8_t *d, const uint8_t *s, size_t n)
{
	uint64_t w;
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			d[i] = (uint8_t)((unsigned)(s[i] - 'A') < 26u ? s[i] + 32
								   : s[i]);
		return;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		w = lower8(w);
		memcpy(d + i, &w, 8);
	}
	memcpy(&w, s + n - 8, 8);
	w = lower8(w);
	memcpy(d + n - 8, &w, 8);
}

const uint8_t *cz_lname(const struct cz *c, size_t i)
{
	return c->lnames.p + c->lname_off[i];
}

/* Lower-case first: labels are length octets (< 64), never letters. */
long cz_find(const struct cz *c, const uint8_t *name)
{
	uint8_t l[ZW_NAME_MAX];
	size_t len = zw_name_len(name);
	cz_lower_copy(l, name, len);
	uint64_t h = zwt_hash(c->seed, l, len);
	uint32_t tag = (uint32_t)(h >> 32);
	for (uint64_t i = h & c->names.mask;; i = (i + 1) & c->names.mask) {
		uint64_t s = c->names.slot[i];
		if (!s)
			return -1;
		if ((uint32_t)(s >> 32) != tag)
			continue;
		uint32_t idx = (uint32_t)s - 1;
		if (!memcmp(cz_lname(c, idx), l, len))
			return idx;
	}
}

/* Fetch the name map slot cz_find(c, name) will start at. */
void cz_find_prefetch(const struct cz *c, const uint8_t *name)
{
	uint8_t l[ZW_NAME_MAX];
	size_t len = zw_name_len(name);
	cz_lower_copy(l, name, len);
	uint64_t h = zwt_hash(c->seed, l, len);
	__builtin_prefetch(&c->names.slot[h & c->names.mask]);
}

/* NSEC3 and its RRSIGs live in a tree of their own (Knot keeps them
 * apart, even where a hashed owner name also holds other data). */
bool cz_is_n3_rrset(const struct zw_rrset *rs)
{
	return rs->type == ZW_TYPE_NSEC3 ||
	       (rs->type == ZW_TYPE_RRSIG && rs->covers == ZW_TYPE_NSEC3);
}

static int fail(struct cz *c, int err, const char *msg)
{
	snprintf(c->err, c->errlen, "%s", msg);
	return err;
}

/* NSEC3 parameters from the apex NSEC3PARAM (what Knot hashes with). */
static int denial_init(struct cz *c)
{
	const struct zw_node *apex = zw_zone_node(c->zone, 0);
	struct zw_rrset rs;
	if (zw_node_rrset(apex, ZW_TYPE_NSEC3PARAM, 0, &rs) && rs.count) {
		const uint8_t *p = rs.rdata;
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		if (len < 5 || len < 5u + rd[4] || rd[0] != ZW_NSEC3_ALG_SHA1)
			return fail(c, ZW_EMALF, "unsupported NSEC3PARAM");
		c->denial = ZWT_DENIAL_NSEC3;
		c->iter = (uint16_t)(rd[2] << 8 | rd[3]);
		c->saltlen = rd[4];
		memcpy(c->salt, rd + 5, rd[4]);
	} else if (zw_node_rrset(apex, ZW_TYPE_NSEC, 0, &rs)) {
		c->denial = ZWT_DENIAL_NSEC;
	} else {
		c->denial = ZWT_DENIAL_NONE;
	}
	return 0;
}

static int hash_cmp(const void *a, const void *b, void *ctx)
{
	const struct cz *c = ctx;
	(void)c;
	return memcmp(a, b, 20);
}

struct n3ent {
	uint8_t h[20];
	uint32_t node;
};

static int n3ent_cmp(const void *a, const void *b)
{
	return hash_cmp(a, b, NULL);
}

/* The chain: NSEC3 owners sorted by the hash in their first label. */
static int nsec3_chain(struct cz *c)
{
	size_t cnt = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->nf[i] & CZ_N3)
			cnt++;
	struct n3ent *e = calloc(cnt ? cnt : 1, sizeof(*e));
	c->n3sorted = calloc(cnt ? cnt : 1, sizeof(uint32_t));
	c->n3hash = calloc(cnt ? cnt : 1, 20);
	c->n3bucket = calloc(0x10001, sizeof(uint32_t));
	if (!e || !c->n3sorted || !c->n3hash || !c->n3bucket) {
		free(e);
		return ZW_ENOMEM;
	}
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!(c->nf[i] & CZ_N3))
			continue;
		const uint8_t *nm = zw_node_name(zw_zone_node(c->zone, i));
		if (nm[0] != 32 ||
		    zw_b32hex_decode((const char *)nm + 1, 32, e[k].h, 20) != 20) {
			/* not a hash label: leave it out of the chain */
			c->nf[i] &= (uint16_t)~CZ_N3;
			continue;
		}
		e[k++].node = (uint32_t)i;
		struct zw_rrset rs;
		if (zw_node_rrset(zw_zone_node(c->zone, i), ZW_TYPE_NSEC3, 0,
				  &rs) && rs.count && rs.size > 3 &&
		    (rs.rdata[3] & 1))
			c->optout = true;
	}
	qsort(e, k, sizeof(*e), n3ent_cmp);
	for (size_t i = 0; i < k; i++) {
		c->n3sorted[i] = e[i].node;
		memcpy(c->n3hash[i], e[i].h, 20);
	}
	size_t at = 0;
	for (uint32_t b = 0; b <= 0x10000; b++) {
		while (at < k && (uint32_t)(e[at].h[0] << 8 | e[at].h[1]) < b)
			at++;
		c->n3bucket[b] = (uint32_t)at;
	}
	c->nn3 = k;
	free(e);
	return 0;
}

/* Index in the sorted chain of the NSEC3 matching or covering hash:
 * *exact tells which. -1 when the chain is empty. */
static long n3_find(const struct cz *c, const uint8_t *h, bool *exact)
{
	/* every entry before the prefix's bucket sorts below h, every one
	 * after it above: the search stays inside the bucket */
	*exact = false;
	if (!c->nn3)
		return -1;
	uint32_t top = (uint32_t)(h[0] << 8 | h[1]);
	long lo = c->n3bucket[top], hi = c->n3bucket[top + 1];
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;
		if (memcmp(c->n3hash[mid], h, 20) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < (long)c->nn3 && !memcmp(c->n3hash[lo], h, 20)) {
		*exact = true;
		return lo;
	}
	return lo == 0 ? (long)c->nn3 - 1 : lo - 1;
}

long cz_nsec3_cover(const struct cz *c, const uint8_t *hash)
{
	bool exact;
	long k = n3_find(c, hash, &exact);
	return k < 0 ? -1 : (long)c->n3sorted[k];
}

long cz_nsec3_lookup(const struct cz *c, const uint8_t *hash, bool *exact)
{
	long k = n3_find(c, hash, exact);
	return k < 0 ? -1 : (long)c->n3sorted[k];
}

long cz_nsec3_cover_node(const struct cz *c, const uint8_t *name, long node)
{
	if (node >= 0 && c->n3cover[node] >= -1) {
		const uint8_t *l = cz_lname(c, (size_t)node);
		size_t len = zw_name_len(l);
		if (zw_name_len(name) == len && !memcmp(name, l, len))
			return c->n3cover[node];
	}
	return cz_nsec3_cover_name(c, name);
}

long cz_nsec3_cover_name(const struct cz *c, const uint8_t *name)
{
	uint8_t h[20];
	if (zw_nsec3_hash(name, c->salt, c->saltlen, c->iter, h))
		return -1;
	return cz_nsec3_cover(c, h);
}

/* Knot's nsec3_encloser: walk up to a node that is in the NSEC3 chain. */
long cz_nsec3_encloser(const struct cz *c, long node)
{
	while (node > 0 && c->n3[node] < 0)
		node = c->parent[node];
	return node < 0 ? 0 : node;
}

/* Knot's nsec_previous: walk back to a node in the NSEC chain. */
long cz_nsec_previous(const struct cz *c, long node)
{
	while (node > 0) {
		uint16_t f = c->nf[node];
		if ((f & CZ_VISIBLE) && !(f & (CZ_NONAUTH | CZ_ENT)) &&
		    (f & CZ_HASNSEC))
			break;
		node--;
	}
	return node < 0 ? 0 : node;
}

int cz_view_init(struct cz *c, const struct zw_zone *z,
		 const struct zw_compile_opts *o)
{
	int rc;
	c->zone = z;
	c->opts = *o;
	c->n = zw_zone_count(z);
	if (!c->n)
		return fail(c, ZW_ENOSOA, "empty zone");
	const struct zw_node *apex = zw_zone_node(z, 0);
	const uint8_t *origin = zw_node_name(apex);
	c->apex_lflen = apex->lflen;
	c->seed = o->seed ? o->seed
			  : zwt_hash(0x7a77746162ULL, origin,
				     zw_name_len(origin));
	c->nf = calloc(c->n, sizeof(*c->nf));
	c->parent = calloc(c->n, sizeof(*c->parent));
	c->wild = calloc(c->n, sizeof(*c->wild));
	c->n3 = calloc(c->n, sizeof(*c->n3));
	c->n3cover = calloc(c->n, sizeof(*c->n3cover));
	c->lname_off = calloc(c->n, sizeof(uint64_t));
	if (!c->nf || !c->parent || !c->wild || !c->n3 || !c->n3cover ||
	    !c->lname_off)
		return fail(c, ZW_ENOMEM, "out of memory");
	unsigned threads = cz_scan_threads(c->n, o->threads);
	if ((rc = cz_scan_nodes(c, threads)) < 0)
		return fail(c, rc, "out of memory");
	if ((rc = denial_init(c)) < 0)
		return rc;
	if (c->denial == ZWT_DENIAL_NSEC3) {
		if ((rc = nsec3_chain(c)) < 0 ||
		    (rc = cz_scan_nsec3(c, threads)) < 0)
			return fail(c, rc, "NSEC3 chain: out of memory");
	}
	return 0;
}

void cz_view_free(struct cz *c)
{
	free(c->nf);
	free(c->parent);
	free(c->wild);
	free(c->n3);
	free(c->n3cover);
	free(c->lname_off);
	free(c->names.slot);
	free(c->n3sorted);
	free(c->n3hash);
	free(c->n3bucket);
	cz_buf_free(&c->lnames);
}
