/* NSEC3 chain (RFC 5155 §7.1): which names get an NSEC3 (every
 * authoritative name and empty non-terminal; with opt-out, not insecure
 * delegations nor ENTs above nothing but them), their hashes (batched, all
 * threads), hash order, and where each NSEC3 falls among the zone's nodes so
 * output stays in canonical order. Then one NSEC3 record as text. */
#include <stdlib.h>
#include <string.h>

#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/sign_int.h"

#define HASH_BATCH 256
#define MAX_DEPTH 128

/* ---- members ---- */

struct pend {
	uint32_t node;
	bool done;
};

static bool is_ancestor(const struct zw_node *a, const struct zw_node *d)
{
	return a->lflen < d->lflen && !memcmp(a->lf, d->lf, a->lflen);
}

static bool is_member(const struct zw_signer *s, const struct zw_node *n)
{
	if ((n->flags & ZW_NODE_DELEG) && s->o.optout)
		return sign_node_secure_deleg(s, n);
	return true;
}

/* Pending ancestors without data join the chain once a member below them
 * shows up (canonical order brings every descendant right after them). */
static int collect(struct zw_signer *s, uint32_t *out, size_t *nout)
{
	struct pend st[MAX_DEPTH];
	size_t depth = 0, n = 0;

	for (size_t j = 0; j < s->nnodes; j++) {
		const struct zw_node *nd = zw_zone_node(s->zone, j);

		while (depth && !is_ancestor(zw_zone_node(s->zone,
							  st[depth - 1].node),
					     nd))
			depth--;
		if (nd->flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME))
			continue;
		if ((nd->flags & ZW_NODE_ENT) || !sign_node_has_data(nd)) {
			if (depth == MAX_DEPTH)
				return sign_fail(s, ZW_ENAMELEN, "names too "
						 "deep");
			st[depth++] = (struct pend){ (uint32_t)j, false };
			continue;
		}
		if (!is_member(s, nd))
			continue;
		for (size_t d = 0; d < depth; d++)
			if (!st[d].done) {
				out[n++] = st[d].node;
				st[d].done = true;
			}
		out[n++] = (uint32_t)j;
		if (depth < MAX_DEPTH)
			st[depth++] = (struct pend){ (uint32_t)j, true };
	}
	*nout = n;
	return 0;
}

/* ---- hashing, on every thread ---- */

struct hash_job {
	struct zw_signer *s;
	const uint32_t *nodes;
	int err;
};

static int hash_range(struct hash_job *j, size_t lo, size_t hi)
{
	struct zw_signer *s = j->s;
	const uint8_t *names[HASH_BATCH];
	uint8_t out[HASH_BATCH][ZW_NSEC3_HASH_LEN];
	struct zw_nsec3_batch *b = zw_nsec3_batch_new(ZW_NSEC3_IMPL_AUTO);
	int rc = b ? 0 : ZW_ENOMEM;

	for (size_t k = lo; k < hi && rc == 0; k += HASH_BATCH) {
		size_t m = hi - k < HASH_BATCH ? hi - k : HASH_BATCH;

		for (size_t i = 0; i < m; i++)
			names[i] = zw_node_name(zw_zone_node(s->zone,
							     j->nodes[k + i]));
		rc = zw_nsec3_hash_batch(b, names, m, s->o.salt, s->o.saltlen,
					 s->o.iterations, out);
		for (size_t i = 0; i < m && rc == 0; i++) {
			memcpy(s->n3[k + i].hash, out[i], ZW_NSEC3_HASH_LEN);
			s->n3[k + i].node = j->nodes[k + i];
			s->n3[k + i].old = -1;
		}
	}
	zw_nsec3_batch_free(b);
	return rc;
}

static void hash_part(void *arg, unsigned t, unsigned nt)
{
	struct hash_job *j = arg;
	size_t n = j->s->nn3;
	int rc = hash_range(j, n * t / nt, n * (t + 1) / nt);

	if (rc < 0)
		j->err = rc;
}

/* ---- order: LSD radix on the first 8 octets, then ties by all 20 ---- */

static uint64_t key64(const struct n3_ent *e)
{
	uint64_t k = 0;

	for (int i = 0; i < 8; i++)
		k = k << 8 | e->hash[i];
	return k;
}

static int radix(struct n3_ent *a, size_t n)
{
	struct n3_ent *b = malloc(n * sizeof *b), *src = a, *dst = b;
	size_t *cnt = malloc(65536 * sizeof *cnt);

	if (!b || !cnt) {
		free(b);
		free(cnt);
		return ZW_ENOMEM;
	}
	for (int shift = 0; shift < 64; shift += 16) {
		size_t sum = 0;

		memset(cnt, 0, 65536 * sizeof *cnt);
		for (size_t i = 0; i < n; i++)
			cnt[(key64(&src[i]) >> shift) & 0xffff]++;
		for (size_t d = 0; d < 65536; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(key64(&src[i]) >> shift) & 0xffff]++] = src[i];
		struct n3_ent *t = src;
		src = dst;
		dst = t;
	}
	free(b);        /* four passes: the result is back in a */
	free(cnt);
	return 0;
}

static int hash_cmp(const void *x, const void *y)
{
	return memcmp(((const struct n3_ent *)x)->hash,
		      ((const struct n3_ent *)y)->hash, ZW_NSEC3_HASH_LEN);
}

static int sort_chain(struct zw_signer *s)
{
	size_t i = 0;
	int rc = radix(s->n3, s->nn3);

	while (rc == 0 && i < s->nn3) {
		size_t j = i + 1;

		while (j < s->nn3 && key64(&s->n3[j]) == key64(&s->n3[i]))
			j++;
		if (j - i > 1)
			qsort(s->n3 + i, j - i, sizeof *s->n3, hash_cmp);
		for (size_t k = i + 1; k < j; k++)
			if (!hash_cmp(&s->n3[k - 1], &s->n3[k]))
				return sign_fail(s, ZW_EEXIST, "NSEC3 hash "
						 "collision: choose another "
						 "salt");
		i = j;
	}
	return rc < 0 ? sign_fail(s, rc, "out of memory") : 0;
}

/* ---- where each NSEC3 goes among the nodes ---- */

/* Lookup form of "<b32hex(hash)>.<apex>". */
static size_t owner_lf(const struct zw_signer *s, const struct n3_ent *e,
		       uint8_t *lf)
{
	uint8_t name[ZW_NAME_MAX];

	zw_nsec3_owner(name, e->hash, s->origin);
	return zw_name_lookup_form(name, lf);
}

static void place_part(void *arg, unsigned t, unsigned nt)
{
	struct zw_signer *s = arg;
	size_t lo = s->nn3 * t / nt, hi = s->nn3 * (t + 1) / nt;
	uint8_t lf[ZW_NAME_LF_MAX], name[ZW_NAME_MAX];
	size_t p = 0;
	bool exact;

	if (lo >= hi)
		return;
	zw_nsec3_owner(name, s->n3[lo].hash, s->origin);
	p = (size_t)(zw_zone_find_le(s->zone, name, &exact) + 1);
	if (exact)
		p--;            /* the walk below must meet the equal node */
	for (size_t k = lo; k < hi; k++) {
		size_t len = owner_lf(s, &s->n3[k], lf);
		int c = 1;

		while (p < s->nnodes) {
			const struct zw_node *n = zw_zone_node(s->zone, p);

			c = zw_name_lf_cmp(n->lf, n->lflen, lf, len);
			if (c >= 0)
				break;
			p++;
		}
		s->n3[k].old = p < s->nnodes && c == 0 ? (int32_t)p : -1;
		s->n3[k].pos = (uint32_t)(c == 0 ? p + 1 : p);
	}
}

int sign_nsec3_prepare(struct zw_signer *s)
{
	struct hash_job job = { .s = s };
	uint32_t *nodes = malloc((s->nnodes + 1) * sizeof *nodes);
	int rc;

	if (!nodes)
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	rc = collect(s, nodes, &s->nn3);
	if (rc == 0 && !(s->n3 = malloc((s->nn3 + 1) * sizeof *s->n3)))
		rc = sign_fail(s, ZW_ENOMEM, "out of memory");
	job.nodes = nodes;
	if (rc == 0) {
		sign_parallel(s, hash_part, &job);
		if (job.err)
			rc = sign_fail(s, job.err, "NSEC3 hashing: %s",
				       zw_strerror(job.err));
	}
	free(nodes);
	if (rc == 0)
		rc = sort_chain(s);
	if (rc == 0)
		sign_parallel(s, place_part, s);
	return rc;
}

size_t sign_nsec3_first_at(const struct zw_signer *s, size_t node)
{
	size_t lo = 0, hi = s->nn3;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->n3[mid].pos < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- one NSEC3 record ---- */

static bool n3_type(const struct zw_node *n, uint16_t type)
{
	if (!(n->flags & ZW_NODE_DELEG))
		return type != ZW_TYPE_RRSIG;
	return type == ZW_TYPE_NS || type == ZW_TYPE_DS;
}

/* Types at the original name; RRSIG when anything there is signed. */
static size_t n3_types(const struct zw_signer *s, const struct zw_node *n,
		       bool apex, uint16_t *t, size_t max)
{
	struct zw_rrset rs;
	size_t k = 0;
	bool ds = false;

	if ((n->flags & ZW_NODE_ENT) || !sign_node_has_data(n))
		return 0;
	for (bool ok = zw_rrset_first(n, &rs); ok && k + 4 < max;
	     ok = zw_rrset_next(n, &rs))
		if (n3_type(n, rs.type)) {
			t[k++] = rs.type;
			ds |= rs.type == ZW_TYPE_DS;
		}
	if ((n->flags & ZW_NODE_DELEG) && !ds && s->nds &&
	    sign_ds_find(s, zw_node_name(n))) {
		t[k++] = ZW_TYPE_DS;
		ds = true;
	}
	if (apex) {
		if (s->dnskey.count)
			t[k++] = ZW_TYPE_DNSKEY;
		if (s->cds.count)
			t[k++] = ZW_TYPE_CDS;
		if (s->cdnskey.count)
			t[k++] = ZW_TYPE_CDNSKEY;
		t[k++] = ZW_TYPE_NSEC3PARAM;
	}
	if (!(n->flags & ZW_NODE_DELEG) || ds)
		t[k++] = ZW_TYPE_RRSIG;
	return k;
}

int sign_nsec3_rdata(const struct zw_signer *s, size_t k, uint8_t *rd,
		     size_t max)
{
	const struct n3_ent *e = &s->n3[k];
	const struct n3_ent *next = &s->n3[(k + 1) % s->nn3];
	uint16_t types[256];
	size_t nt, off = 0;
	int bl;

	if (max < 6u + s->o.saltlen + ZW_NSEC3_HASH_LEN + ZW_BITMAP_MAX)
		return ZW_ENOSPC;
	nt = n3_types(s, zw_zone_node(s->zone, e->node), e->node == 0, types,
		      256);
	rd[off++] = ZW_NSEC3_ALG_SHA1;
	rd[off++] = s->o.optout ? 1 : 0;
	rd[off++] = (uint8_t)(s->o.iterations >> 8);
	rd[off++] = (uint8_t)s->o.iterations;
	rd[off++] = s->o.saltlen;
	memcpy(rd + off, s->o.salt, s->o.saltlen);
	off += s->o.saltlen;
	rd[off++] = ZW_NSEC3_HASH_LEN;
	memcpy(rd + off, next->hash, ZW_NSEC3_HASH_LEN);
	off += ZW_NSEC3_HASH_LEN;
	bl = sign_bitmap(types, nt, rd + off);
	return bl < 0 ? bl : (int)(off + (size_t)bl);
}
