/* Zone model, reading: node order, lookup, RRset iteration, roles. */
#include <string.h>

#include "dns/rrtype.h"
#include "dns/zone_int.h"

int zone_node_cmp(const struct zw_node *a, const struct zw_node *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return zw_name_lf_cmp(a->lf, a->lflen, b->lf, b->lflen);
}

const char *zw_zone_error(const struct zw_zone *z)
{
	return z->err;
}

const uint8_t *zw_zone_apex(const struct zw_zone *z)
{
	return z->have_apex ? z->apex : NULL;
}

size_t zw_zone_records(const struct zw_zone *z)
{
	return z->nrecords;
}

size_t zw_zone_count(const struct zw_zone *z)
{
	return z->finished ? z->n : 0;
}

const struct zw_node *zw_zone_node(const struct zw_zone *z, size_t i)
{
	return i < z->n ? &z->nodes[i] : NULL;
}

long zw_zone_find_le(const struct zw_zone *z, const uint8_t *name,
		     bool *exact)
{
	uint8_t lf[ZW_NAME_LF_MAX + 8];
	struct zw_node key;
	*exact = false;
	if (!z->finished)
		return -1;
	key.lf = lf;
	key.lflen = (uint16_t)zone_lookup_form(name, lf, NULL);
	if (key.lflen < z->apex_lflen || memcmp(lf, z->apex_lf, z->apex_lflen))
		return zw_name_cmp(name, z->apex) < 0 ? -1 : (long)z->n - 1;
	key.key = zone_key(z, lf, key.lflen);
	size_t lo = 0, hi = z->n; /* first node > name is in [lo, hi] */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = zone_node_cmp(&z->nodes[mid], &key);
		if (c == 0) {
			*exact = true;
			return (long)mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

long zw_zone_find(const struct zw_zone *z, const uint8_t *name)
{
	bool exact;
	long i = zw_zone_find_le(z, name, &exact);
	return exact ? i : -1;
}

static bool rrset_at(const struct zw_node *n, const uint8_t *p,
		     struct zw_rrset *rs)
{
	if (!n->data || p >= n->data + n->datalen)
		return false;
	rs->type = zw_load16(p);
	rs->covers = zw_load16(p + 2);
	rs->ttl = zw_load32(p + 4);
	rs->count = zw_load32(p + 8);
	rs->rdata = p + RS_HDR;
	const uint8_t *q = rs->rdata;
	for (uint32_t i = 0; i < rs->count; i++)
		q += 2 + (q[0] << 8 | q[1]);
	rs->size = (size_t)(q - rs->rdata);
	rs->next_ = q;
	return true;
}

bool zw_rrset_first(const struct zw_node *n, struct zw_rrset *rs)
{
	return rrset_at(n, n->data, rs);
}

bool zw_rrset_next(const struct zw_node *n, struct zw_rrset *rs)
{
	return rrset_at(n, rs->next_, rs);
}

bool zw_node_rrset(const struct zw_node *n, uint16_t type, uint16_t covers,
		   struct zw_rrset *rs)
{
	for (bool ok = zw_rrset_first(n, rs); ok; ok = zw_rrset_next(n, rs)) {
		if (rs->type == type && rs->covers == covers)
			return true;
		if (rs->type > type)
			break;
	}
	return false;
}

enum zw_rrset_role zw_zone_role(const struct zw_node *n, uint16_t type,
				uint16_t covers)
{
	bool addr = type == ZW_TYPE_A || type == ZW_TYPE_AAAA;
	if (n->flags & ZW_NODE_BELOW_DNAME)
		return ZW_ROLE_OCCLUDED;
	if (n->flags & ZW_NODE_BELOW_CUT)
		return addr ? ZW_ROLE_GLUE : ZW_ROLE_OCCLUDED;
	if (!(n->flags & ZW_NODE_DELEG))
		return ZW_ROLE_AUTH;
	if (type == ZW_TYPE_NS)
		return ZW_ROLE_DELEG;
	if (type == ZW_TYPE_DS || type == ZW_TYPE_NSEC)
		return ZW_ROLE_AUTH;
	if (type == ZW_TYPE_RRSIG &&
	    (covers == ZW_TYPE_DS || covers == ZW_TYPE_NSEC))
		return ZW_ROLE_AUTH;
	return addr ? ZW_ROLE_GLUE : ZW_ROLE_OCCLUDED;
}

uint32_t zw_zone_serial(const struct zw_zone *z)
{
	struct zw_rrset rs;
	if (!z->finished || !z->n ||
	    !zw_node_rrset(&z->nodes[0], ZW_TYPE_SOA, 0, &rs) || !rs.count)
		return 0;
	const uint8_t *p = rs.rdata;
	uint16_t len;
	const uint8_t *rd = zw_rr_next(&p, &len);
	size_t off = zw_name_len(rd);
	off += zw_name_len(rd + off);
	if (off + 4 > len)
		return 0;
	return (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
	       (uint32_t)rd[off + 2] << 8 | rd[off + 3];
}
