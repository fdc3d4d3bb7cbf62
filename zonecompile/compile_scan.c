/* The zone view's passes over every node (compile_view.c), each cut into
 * contiguous node ranges that threads run side by side: on the signed
 * 1M-delegation zone they were over a CPU-second on one thread before
 * any answer could be built (the NSEC3 hashing of every name the most).
 * Each range writes only its own nodes' entries (a wildcard its parent's
 * `wild`, which no other node writes); the name map takes concurrent
 * inserts, and where a name lands in it does not change a lookup. So the
 * view is the same for any thread count. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/nsec3.h"
#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/compile_int.h"
#include "zonecompile/table_int.h"

#define SCAN_MAX 64
#define SCAN_MIN_NODES 4096 /* a thread per this many nodes at most */

struct range {
	struct cz *c;
	size_t from, to;
	size_t namelen;   /* octets of the range's names */
	size_t nameoff;   /* where they go in c->lnames */
	uint32_t min_expire, max_inception;
	bool zero_expire; /* an expiry of 0 seen (the fold restarts there) */
	int rc;
	void (*fn)(struct range *);
};

unsigned cz_scan_threads(size_t n, unsigned want)
{
	if (!want) {
		long k = sysconf(_SC_NPROCESSORS_ONLN);
		want = k > 0 ? (unsigned)k : 1;
	}
	if (want > SCAN_MAX)
		want = SCAN_MAX;
	while (want > 1 && n / want < SCAN_MIN_NODES)
		want--;
	return want;
}

static void *run_range(void *arg)
{
	struct range *r = arg;
	r->fn(r);
	return NULL;
}

/* fn over every range: the caller takes the first, a thread each the
 * others (or the caller, when no thread can be had). */
static int run(struct range *rs, unsigned k, void (*fn)(struct range *))
{
	pthread_t t[SCAN_MAX];
	bool started[SCAN_MAX] = {false};
	for (unsigned i = 0; i < k; i++) {
		rs[i].fn = fn;
		rs[i].rc = 0;
	}
	for (unsigned i = 1; i < k; i++)
		started[i] = !pthread_create(&t[i], NULL, run_range, &rs[i]);
	fn(&rs[0]);
	int rc = rs[0].rc;
	for (unsigned i = 1; i < k; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		else
			fn(&rs[i]);
		if (rs[i].rc < 0 && rc >= 0)
			rc = rs[i].rc;
	}
	return rc;
}

/* ---- flags and RRSIG times ---- */

static uint16_t node_flags(const struct zw_node *n, size_t i)
{
	struct zw_rrset rs;
	uint16_t f = 0;
	bool other = false;
	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs)) {
		if (rs.type == ZW_TYPE_NSEC3)
			f |= CZ_N3;
		if (!cz_is_n3_rrset(&rs))
			other = true;
	}
	if (!n->data || !n->datalen)
		f |= CZ_ENT;
	else if (!other)
		return f; /* an NSEC3 chain owner only */
	if (!(n->flags & ZW_NODE_BELOW_DNAME))
		f |= CZ_VISIBLE;
	if (n->flags & ZW_NODE_BELOW_CUT)
		f |= CZ_NONAUTH;
	else if (n->flags & ZW_NODE_DELEG)
		f |= CZ_CUT;
	if (n->flags & ZW_NODE_WILDCARD)
		f |= CZ_WILD;
	if (zw_node_rrset(n, ZW_TYPE_CNAME, 0, &rs))
		f |= CZ_CNAME;
	if (zw_node_rrset(n, ZW_TYPE_DNAME, 0, &rs) && i > 0)
		f |= CZ_DNAME;
	if (zw_node_rrset(n, ZW_TYPE_NSEC, 0, &rs))
		f |= CZ_HASNSEC;
	if (i == 0)
		f |= CZ_APEX;
	if ((f & CZ_VISIBLE) && !(f & CZ_NONAUTH))
		f |= CZ_INHASH;
	return f;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The earliest expiry (0 counts as "none yet", as the one-thread fold
 * always had it) and the latest inception. */
static void fold_expire(uint32_t *min, uint32_t exp)
{
	if (!*min || exp < *min)
		*min = exp;
}

static void rrsig_times(struct range *r, const struct zw_node *n)
{
	struct zw_rrset rs;
	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs)) {
		if (rs.type != ZW_TYPE_RRSIG)
			continue;
		const uint8_t *p = rs.rdata;
		for (uint32_t k = 0; k < rs.count; k++) {
			uint16_t len;
			const uint8_t *rd = zw_rr_next(&p, &len);
			if (len < 18)
				continue;
			uint32_t exp = be32(rd + 8), inc = be32(rd + 12);
			fold_expire(&r->min_expire, exp);
			r->zero_expire |= !exp;
			if (inc > r->max_inception)
				r->max_inception = inc;
		}
	}
}

static void scan_flags(struct range *r)
{
	struct cz *c = r->c;
	for (size_t i = r->from; i < r->to; i++) {
		const struct zw_node *n = zw_zone_node(c->zone, i);
		c->nf[i] = node_flags(n, i);
		rrsig_times(r, n);
		r->namelen += zw_name_len(zw_node_name(n));
		c->wild[i] = c->n3[i] = c->parent[i] = -1;
		c->n3cover[i] = -2;
	}
}

/* The ranges' times folded in node order: what one fold over every
 * node gives (a range that saw a 0 restarts it). */
static void join_times(struct cz *c, const struct range *rs, unsigned k)
{
	for (unsigned i = 0; i < k; i++) {
		if (rs[i].zero_expire)
			c->min_expire = rs[i].min_expire;
		else if (rs[i].min_expire)
			fold_expire(&c->min_expire, rs[i].min_expire);
		if (rs[i].max_inception > c->max_inception)
			c->max_inception = rs[i].max_inception;
	}
}

/* ---- names, the map, parents ---- */

/* Insert e (hash tag high, node index + 1 low) from any thread. */
static void map_put(struct cz_map *m, uint64_t h, uint64_t e)
{
	for (uint64_t j = h & m->mask;; j = (j + 1) & m->mask) {
		uint64_t z = 0;
		if (!__atomic_load_n(&m->slot[j], __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&m->slot[j], &z, e, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return;
	}
}

/* Names copied and hashed NAMES_AHEAD at a time and their map slots
 * fetched before any is inserted: the slots are random in a map far
 * bigger than the caches, so the misses overlap. */
#define NAMES_AHEAD 8

static void scan_names(struct range *r)
{
	struct cz *c = r->c;
	size_t off = r->nameoff;
	uint64_t h[NAMES_AHEAD];
	for (size_t i = r->from; i < r->to; i += NAMES_AHEAD) {
		size_t n = r->to - i < NAMES_AHEAD ? r->to - i : NAMES_AHEAD;
		for (size_t k = 0; k < n; k++) {
			const uint8_t *nm = zw_node_name(zw_zone_node(c->zone,
								      i + k));
			size_t len = zw_name_len(nm);
			uint8_t *d = c->lnames.p + off;
			c->lname_off[i + k] = off;
			cz_lower_copy(d, nm, len);
			off += len;
			h[k] = zwt_hash(c->seed, d, len);
			__builtin_prefetch(&c->names.slot[h[k] & c->names.mask],
					   1);
		}
		for (size_t k = 0; k < n; k++)
			map_put(&c->names, h[k],
				(h[k] & 0xffffffff00000000ULL) | (i + k + 1));
	}
}

static void scan_links(struct range *r)
{
	struct cz *c = r->c;
	for (size_t i = r->from ? r->from : 1; i < r->to; i++) {
		const uint8_t *nm = cz_lname(c, i);
		c->parent[i] = (int32_t)cz_find(c, zw_name_skip(nm, 1));
		if ((c->nf[i] & CZ_WILD) && c->parent[i] >= 0 &&
		    (c->nf[i] & CZ_VISIBLE))
			c->wild[c->parent[i]] = (int32_t)i;
	}
}

static int names_alloc(struct cz *c, struct range *rs, unsigned k)
{
	size_t total = 0;
	for (unsigned i = 0; i < k; i++) {
		rs[i].nameoff = total;
		total += rs[i].namelen;
	}
	size_t slots = 16;
	while (slots < c->n * 2)
		slots *= 2;
	c->names.slot = calloc(slots, sizeof(uint64_t));
	c->names.mask = slots - 1;
	if (!c->names.slot || !cz_buf_append(&c->lnames, NULL, total))
		return ZW_ENOMEM;
	return 0;
}

static void split(struct cz *c, struct range *rs, unsigned k)
{
	memset(rs, 0, sizeof(*rs) * k);
	for (unsigned i = 0; i < k; i++) {
		rs[i].c = c;
		rs[i].from = c->n * i / k;
		rs[i].to = c->n * (i + 1) / k;
	}
}

int cz_scan_nodes(struct cz *c, unsigned threads)
{
	struct range rs[SCAN_MAX];
	unsigned k = threads ? threads : 1;
	split(c, rs, k);
	run(rs, k, scan_flags);
	join_times(c, rs, k);
	int rc = names_alloc(c, rs, k);
	if (rc < 0)
		return rc;
	run(rs, k, scan_names);
	run(rs, k, scan_links);
	return 0;
}

/* ---- each node's own NSEC3 ---- */

/* Hash the range's tree names in batches, look each hash up in the
 * chain: the NSEC3 it matches, and the one it matches or falls under
 * (what a proof that the name does not exist would need). */
static void scan_nsec3(struct range *r)
{
	enum { B = 256 };
	struct cz *c = r->c;
	struct zw_nsec3_batch *b = zw_nsec3_batch_new(ZW_NSEC3_IMPL_AUTO);
	const uint8_t *names[B];
	uint8_t out[B][20];
	size_t idx[B];
	size_t k = 0;

	if (!b) {
		r->rc = ZW_ENOMEM;
		return;
	}
	for (size_t i = r->from; i <= r->to; i++) {
		if (i < r->to && (c->nf[i] & CZ_VISIBLE)) {
			names[k] = cz_lname(c, i);
			idx[k++] = i;
		}
		if (k < B && !(i == r->to && k))
			continue;
		if (zw_nsec3_hash_batch(b, names, k, c->salt, c->saltlen,
					c->iter, out)) {
			r->rc = ZW_ECRYPTO;
			break;
		}
		for (size_t j = 0; j < k; j++) {
			bool exact;
			long f = cz_nsec3_lookup(c, out[j], &exact);
			c->n3[idx[j]] = exact ? (int32_t)f : -1;
			c->n3cover[idx[j]] = (int32_t)f;
		}
		k = 0;
	}
	zw_nsec3_batch_free(b);
}

int cz_scan_nsec3(struct cz *c, unsigned threads)
{
	struct range rs[SCAN_MAX];
	unsigned k = threads ? threads : 1;
	split(c, rs, k);
	return run(rs, k, scan_nsec3);
}
