/* Verifier: NSEC3 chains (RFC 5155 §7.1). Which names need an NSEC3 is
 * decided in one ordered pass before the node pass; the node pass hashes
 * them per chunk (batched) and lists the nodes holding NSEC3 records; then
 * the expected hashes, sorted, are merged with the records found, which
 * canonical order already gives in hash order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/base.h"
#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/verify_int.h"

#define HASH_GROUP 256
#define HL ZW_NSEC3_HASH_LEN

/* One NSEC3 record's fields. */
struct n3 {
	uint8_t alg, flags, saltlen, hashlen;
	uint16_t iter;
	const uint8_t *salt, *next, *bm;
	size_t bmlen;
};

/* A record of the chain being checked. */
struct found {
	uint8_t hash[HL];
	uint32_t node;
	struct n3 f;
};

static int parse_n3(const uint8_t *rd, size_t len, struct n3 *o)
{
	if (len < 5 || len < 6u + rd[4])
		return ZW_EMALF;
	o->alg = rd[0];
	o->flags = rd[1];
	o->iter = (uint16_t)(rd[2] << 8 | rd[3]);
	o->saltlen = rd[4];
	o->salt = rd + 5;
	size_t p = 5u + o->saltlen;
	o->hashlen = rd[p++];
	if (o->hashlen == 0 || p + o->hashlen > len)
		return ZW_EMALF;
	o->next = rd + p;
	o->bm = o->next + o->hashlen;
	o->bmlen = len - p - o->hashlen;
	return zw_bitmap_check(o->bm, o->bm + o->bmlen) < 0 ? ZW_EMALF : 0;
}

static bool same_params(const struct n3 *a, const struct vchain *c)
{
	return a->alg == c->alg && a->iter == c->iterations &&
	       a->saltlen == c->saltlen &&
	       memcmp(a->salt, c->salt, c->saltlen) == 0;
}

/* ---- NSEC3PARAM and what each node needs ---- */

static void add_chain(struct zw_verify *v, const uint8_t *rd, uint16_t len)
{
	if (len < 5 || len != 5u + rd[4]) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR,
			    "Malformed NSEC3PARAM at %s", VNAME(v->apex));
		return;
	}
	if (rd[0] != ZW_NSEC3_ALG_SHA1 || rd[1] != 0) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_WARN,
			    "NSEC3PARAM with hash algorithm %u, flags %u at %s "
			    "is not used; its chain is not checked", rd[0],
			    rd[1], VNAME(v->apex));
		return;
	}
	if (v->nchains == VCHAINS_MAX)
		return;
	struct vchain *c = &v->chains[v->nchains++];
	c->alg = rd[0];
	c->flags = rd[1];
	c->iterations = (uint16_t)(rd[2] << 8 | rd[3]);
	c->saltlen = rd[4];
	memcpy(c->salt, rd + 5, rd[4]);
}

/* A node holding NSEC3 records (or only their RRSIGs, when a record was
 * removed) and nothing else: a hashed owner, not a name of the zone. */
static bool pure_nsec3(const struct zw_node *n)
{
	struct zw_rrset rs;
	for (bool ok = zw_rrset_first(n, &rs); ok; ok = zw_rrset_next(n, &rs))
		if (rs.type != ZW_TYPE_NSEC3 && (rs.type != ZW_TYPE_RRSIG ||
						 rs.covers != ZW_TYPE_NSEC3))
			return false;
	return true;
}

static uint8_t base_need(const struct zw_node *n)
{
	struct zw_rrset rs;
	if (n->flags & (ZW_NODE_BELOW_CUT | ZW_NODE_BELOW_DNAME))
		return VNEED_NONE;
	if (n->flags & ZW_NODE_ENT)
		return VNEED_OPTOUT;
	if (pure_nsec3(n))
		return VNEED_NONE;
	if ((n->flags & ZW_NODE_DELEG) && !zw_node_rrset(n, ZW_TYPE_DS, 0, &rs))
		return VNEED_OPTOUT;
	return VNEED_REQ;
}

/* An empty non-terminal needs an NSEC3 when some name below it does, so a
 * required name makes its ENT ancestors required (stack of ancestors). */
static void compute_need(struct zw_verify *v)
{
	struct anc { const uint8_t *lf; uint16_t len; uint32_t i; } st[130];
	int sp = 0;
	for (size_t i = 0; i < v->nnodes; i++) {
		const struct zw_node *n = zw_zone_node(v->z, i);
		while (sp && !(st[sp - 1].len < n->lflen &&
			       memcmp(st[sp - 1].lf, n->lf, st[sp - 1].len) == 0))
			sp--;
		v->need[i] = base_need(n);
		for (int k = sp - 1; v->need[i] == VNEED_REQ && k >= 0; k--) {
			if (v->need[st[k].i] != VNEED_OPTOUT ||
			    !(zw_zone_node(v->z, st[k].i)->flags & ZW_NODE_ENT))
				break;
			v->need[st[k].i] = VNEED_REQ;
		}
		if (sp < 130)
			st[sp++] = (struct anc){n->lf, n->lflen, (uint32_t)i};
	}
}

int zw_vnsec3_prepare(struct zw_verify *v)
{
	const struct zw_node *apex = zw_zone_node(v->z, 0);
	struct zw_rrset rs;
	if (!zw_node_rrset(apex, ZW_TYPE_NSEC3PARAM, 0, &rs))
		return 0;
	const uint8_t *p = rs.rdata;
	for (uint32_t k = 0; k < rs.count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		add_chain(v, rd, len);
	}
	if (!v->nchains)
		return 0;
	v->nsec3 = true;
	if (!(v->need = malloc(v->nnodes ? v->nnodes : 1)))
		return ZW_ENOMEM;
	compute_need(v);
	return 0;
}

/* ---- per chunk: hash the names, list the NSEC3 holders ---- */

static int hash_group(struct zw_verify *v, struct vchunk *c,
		      struct zw_nsec3_batch *hb, const uint32_t *idx, size_t n)
{
	const uint8_t *names[HASH_GROUP];
	uint8_t out[HASH_GROUP][HL];
	for (size_t k = 0; k < n; k++)
		names[k] = zw_node_name(zw_zone_node(v->z, idx[k]));
	for (unsigned ch = 0; ch < v->nchains; ch++) {
		const struct vchain *cp = &v->chains[ch];
		int rc = zw_nsec3_hash_batch(hb, names, n, cp->salt, cp->saltlen,
					     cp->iterations, out);
		if (rc < 0)
			return rc;
		for (size_t k = 0; k < n; k++) {
			struct vhashed *h = &c->hashed[ch][c->nhashed[ch]++];
			memcpy(h->hash, out[k], HL);
			h->node = idx[k];
			h->need = v->need[idx[k]];
		}
	}
	return 0;
}

static int alloc_chunk(struct zw_verify *v, struct vchunk *c, size_t nh,
		       size_t n3)
{
	for (unsigned ch = 0; ch < v->nchains; ch++)
		if (!(c->hashed[ch] = malloc((nh ? nh : 1) * sizeof(struct vhashed))))
			return ZW_ENOMEM;
	c->nsec3_nodes = malloc((n3 ? n3 : 1) * sizeof *c->nsec3_nodes);
	return c->nsec3_nodes ? 0 : ZW_ENOMEM;
}

int zw_vnsec3_collect(struct zw_verify *v, struct vchunk *c,
		      struct zw_nsec3_batch *hb, size_t from, size_t to)
{
	struct zw_rrset rs;
	size_t nh = 0, n3 = 0;
	for (size_t i = from; i < to; i++) {
		nh += v->need[i] != VNEED_NONE;
		n3 += zw_node_rrset(zw_zone_node(v->z, i), ZW_TYPE_NSEC3, 0, &rs);
	}
	int rc = alloc_chunk(v, c, nh, n3);
	uint32_t idx[HASH_GROUP];
	size_t k = 0;
	for (size_t i = from; i < to && rc == 0; i++) {
		if (zw_node_rrset(zw_zone_node(v->z, i), ZW_TYPE_NSEC3, 0, &rs))
			c->nsec3_nodes[c->nnsec3++] = (uint32_t)i;
		if (v->need[i] == VNEED_NONE)
			continue;
		idx[k++] = (uint32_t)i;
		if (k == HASH_GROUP) {
			rc = hash_group(v, c, hb, idx, k);
			k = 0;
		}
	}
	return rc == 0 && k ? hash_group(v, c, hb, idx, k) : rc;
}

/* ---- the merge ---- */

static const char *hash_str(const uint8_t *h, size_t len, char *buf,
			    size_t size)
{
	if (zw_b32hex_encode(h, len, buf, size) < 0)
		snprintf(buf, size, "?");
	return buf;
}
#define HSTR(h, l) hash_str((h), (l), (char[256]){0}, 256)

/* A salt as zone files write it: hex, "-" when empty. */
static const char *salt_str(const uint8_t *s, size_t len, char *buf,
			    size_t size)
{
	if (len == 0 || zw_hex_encode(s, len, buf, size) < 0)
		snprintf(buf, size, "-");
	return buf;
}

static int cmp_hashed(const void *a, const void *b)
{
	return memcmp(((const struct vhashed *)a)->hash,
		      ((const struct vhashed *)b)->hash, HL);
}

/* Every chunk's hashes for chain ch in one sorted array. */
static struct vhashed *expected(struct zw_verify *v, unsigned ch, size_t *n)
{
	size_t total = 0, w = 0;
	for (size_t c = 0; c < v->nchunks; c++)
		total += v->chunks[c].nhashed[ch];
	struct vhashed *e = malloc((total ? total : 1) * sizeof *e);
	if (!e)
		return NULL;
	for (size_t c = 0; c < v->nchunks; c++) {
		struct vchunk *ck = &v->chunks[c];
		if (ck->nhashed[ch])
			memcpy(e + w, ck->hashed[ch], ck->nhashed[ch] * sizeof *e);
		w += ck->nhashed[ch];
		free(ck->hashed[ch]);
		ck->hashed[ch] = NULL;
		ck->nhashed[ch] = 0;
	}
	qsort(e, total, sizeof *e, cmp_hashed);
	*n = total;
	return e;
}

/* The hash an NSEC3 owner stands for, or false when it is no hash label
 * right below the apex. */
static bool owner_hash(const struct zw_verify *v, const uint8_t *name,
		       uint8_t *hash)
{
	uint8_t tmp[64];
	if (name[0] != 32 || !zw_name_equal(name + 33, v->apex))
		return false;
	return zw_b32hex_decode((const char *)name + 1, 32, tmp,
				sizeof tmp) == HL &&
	       (memcpy(hash, tmp, HL), true);
}

/* The chain an NSEC3 record belongs to: its index, VCHAINS_MAX for none,
 * -1 when malformed; reported once (for chain 0). */
static int chain_of(struct zw_verify *v, unsigned ch, const uint8_t *owner,
		    const uint8_t *rd, uint16_t len, struct n3 *r)
{
	if (parse_n3(rd, len, r) < 0 || r->alg != ZW_NSEC3_ALG_SHA1 ||
	    r->hashlen != HL) {
		if (ch == 0)
			zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "Bad NSEC3 record "
				    "at %s, malformed", VNAME(owner));
		return -1;
	}
	for (unsigned c = 0; c < v->nchains; c++)
		if (same_params(r, &v->chains[c]))
			return (int)c;
	if (ch == 0)
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "NSEC3 record at %s has "
			    "parameters (%u %u %s) that no NSEC3PARAM has",
			    VNAME(owner), r->alg, r->iter,
			    salt_str(r->salt, r->saltlen, (char[520]){0}, 520));
	return VCHAINS_MAX;
}

/* Records of chain ch at node i into f[*n]. */
static void node_records(struct zw_verify *v, unsigned ch, uint32_t i,
			 struct found *f, size_t *n)
{
	const struct zw_node *node = zw_zone_node(v->z, i);
	const uint8_t *owner = zw_node_name(node);
	struct zw_rrset rs;
	uint8_t h[HL];
	bool hashed = owner_hash(v, owner, h), seen = false;
	zw_node_rrset(node, ZW_TYPE_NSEC3, 0, &rs);
	if (!hashed && ch == 0)
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "NSEC3 record at %s: the "
			    "owner is not a hash right below the apex",
			    VNAME(owner));
	const uint8_t *p = rs.rdata;
	for (uint32_t k = 0; k < rs.count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		struct n3 r;
		if (chain_of(v, ch, owner, rd, len, &r) != (int)ch || !hashed)
			continue;
		if (seen) {
			zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "Multiple NSEC3 "
				    "records with the same parameters at %s",
				    VNAME(owner));
			continue;
		}
		seen = true;
		f[*n].node = i;
		f[*n].f = r;
		memcpy(f[(*n)++].hash, h, HL);
	}
}

static struct found *found_records(struct zw_verify *v, unsigned ch,
				   size_t *n)
{
	size_t total = 0;
	for (size_t c = 0; c < v->nchunks; c++) {
		struct vchunk *ck = &v->chunks[c];
		for (size_t k = 0; k < ck->nnsec3; k++) {
			struct zw_rrset rs;
			zw_node_rrset(zw_zone_node(v->z, ck->nsec3_nodes[k]),
				      ZW_TYPE_NSEC3, 0, &rs);
			total += rs.count;
		}
	}
	struct found *f = malloc((total ? total : 1) * sizeof *f);
	*n = 0;
	for (size_t c = 0; f && c < v->nchunks; c++)
		for (size_t k = 0; k < v->chunks[c].nnsec3; k++)
			node_records(v, ch, v->chunks[c].nsec3_nodes[k], f, n);
	return f;
}

/* A name without its NSEC3; fine for an insecure delegation (or an ENT
 * above only such) when the NSEC3 covering it is opt-out. `optouts`: the
 * chain uses opt-out at all (then say why the name still needs one). */
static void missing(struct zw_verify *v, const struct vhashed *e,
		    const struct found *cover, bool optouts)
{
	const uint8_t *name = zw_node_name(zw_zone_node(v->z, e->node));
	bool optout = cover && (cover->f.flags & 1);
	if (e->need == VNEED_OPTOUT && optout)
		return;
	zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR,
		    "Missing NSEC3 record for %s (%s.%s)%s", VNAME(name),
		    HSTR(e->hash, HL), VNAME(v->apex),
		    e->need == VNEED_OPTOUT && cover && optouts
			    ? "; the NSEC3 covering it is not opt-out" : "");
}

static void check_found(struct zw_verify *v, const struct found *f,
			const struct found *next, const struct vhashed *e)
{
	char at[64];
	hash_str(f->hash, HL, at, sizeof at);
	if (f->f.flags & ~1u)
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "Bad NSEC3 record for "
			    "%s.%s, unknown flags %u", at, VNAME(v->apex),
			    f->f.flags);
	if (memcmp(f->f.next, next->hash, HL) != 0)
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "Break in NSEC3 chain "
			    "at: %s\nExpected: %s\nFound: %s", at,
			    HSTR(f->f.next, HL), HSTR(next->hash, HL));
	if (!e) {
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "Bad NSEC3 record %s.%s: "
			    "no name in the zone has this hash", at,
			    VNAME(v->apex));
		return;
	}
	const struct zw_node *n = zw_zone_node(v->z, e->node);
	uint8_t bm[ZW_BITMAP_MAX];
	int bl = zw_vbitmap_expected(n, true, bm, sizeof bm);
	if (bl >= 0 && ((size_t)bl != f->f.bmlen ||
			memcmp(bm, f->f.bm, (size_t)bl) != 0))
		zw_vbitmap_diff(&v->msg, "NSEC3", zw_node_name(n), bm,
				(size_t)bl, f->f.bm, f->f.bmlen);
}

static void collisions(struct zw_verify *v, const struct vhashed *e,
		       size_t ne)
{
	for (size_t j = 1; j < ne; j++)
		if (memcmp(e[j - 1].hash, e[j].hash, HL) == 0)
			zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "NSEC3 hash "
				    "collision: %s and %s", VNAME(zw_node_name(
				    zw_zone_node(v->z, e[j - 1].node))),
				    VNAME(zw_node_name(zw_zone_node(v->z,
								    e[j].node))));
}

static void merge(struct zw_verify *v, const struct vhashed *e, size_t ne,
		  const struct found *f, size_t nf)
{
	size_t j = 0;
	bool optouts = false;
	for (size_t k = 0; k < nf; k++)
		optouts |= f[k].f.flags & 1;
	collisions(v, e, ne);
	for (size_t k = 0; k < nf; k++) {
		const struct found *prev = &f[k ? k - 1 : nf - 1];
		while (j < ne && memcmp(e[j].hash, f[k].hash, HL) < 0)
			missing(v, &e[j++], prev, optouts);
		bool eq = j < ne && memcmp(e[j].hash, f[k].hash, HL) == 0;
		check_found(v, &f[k], &f[(k + 1) % nf], eq ? &e[j] : NULL);
		j += eq;
	}
	while (j < ne)
		missing(v, &e[j++], nf ? &f[nf - 1] : NULL, optouts);
}

static int cmp_found(const void *a, const void *b)
{
	return memcmp(((const struct found *)a)->hash,
		      ((const struct found *)b)->hash, HL);
}

int zw_vnsec3_check(struct zw_verify *v)
{
	for (unsigned ch = 0; ch < v->nchains; ch++) {
		size_t ne, nf;
		struct vhashed *e = expected(v, ch, &ne);
		struct found *f = e ? found_records(v, ch, &nf) : NULL;
		if (!f) {
			free(e);
			return ZW_ENOMEM;
		}
		/* Owner names of one length sort as their hashes do; sorting
		 * anyway costs nothing on sorted input and guards odd zones. */
		qsort(f, nf, sizeof *f, cmp_found);
		merge(v, e, ne, f, nf);
		v->chain += nf;
		free(e);
		free(f);
	}
	return 0;
}

void zw_vnsec3_free(struct zw_verify *v)
{
	for (size_t c = 0; v->chunks && c < v->nchunks; c++) {
		for (unsigned ch = 0; ch < VCHAINS_MAX; ch++)
			free(v->chunks[c].hashed[ch]);
		free(v->chunks[c].nsec3_nodes);
	}
	free(v->need);
	v->need = NULL;
}
