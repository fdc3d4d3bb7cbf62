/* Verifier: type bitmaps, and the NSEC chain one node at a time (each
 * node's NSEC must name the next node of the chain). */
#include <stdio.h>
#include <string.h>

#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/verify_int.h"

#define TYPES_MAX 512

/* Bitmap of distinct types in ascending order, built window by window
 * (no 8 KB scratch set to clear: this runs once per chain record). */
static int bitmap_sorted(const uint16_t *t, size_t n, uint8_t *out,
			 size_t outmax)
{
	size_t len = 0;
	for (size_t i = 0; i < n;) {
		uint8_t w = (uint8_t)(t[i] >> 8), win[32] = {0};
		size_t wl = 0;
		for (; i < n && (t[i] >> 8) == w; i++) {
			size_t o = (t[i] & 0xff) >> 3;
			win[o] |= (uint8_t)(0x80 >> (t[i] & 7));
			wl = o + 1 > wl ? o + 1 : wl;
		}
		if (len + 2 + wl > outmax)
			return ZW_ENOSPC;
		out[len++] = w;
		out[len++] = (uint8_t)wl;
		memcpy(out + len, win, wl);
		len += wl;
	}
	return (int)len;
}

/* Types the zone holds at n for the NSEC(3) there: authoritative RRsets
 * and the delegation NS (not glue or occluded data), NSEC in an NSEC chain,
 * RRSIG when something there is signed; never NSEC3. */
int zw_vbitmap_expected(const struct zw_node *n, bool nsec3, uint8_t *out,
			size_t outmax)
{
	uint16_t types[TYPES_MAX];
	size_t nt = 0;
	bool signed_ = false;
	struct zw_rrset rs;
	for (bool ok = zw_rrset_first(n, &rs); ok && nt + 1 < TYPES_MAX;
	     ok = zw_rrset_next(n, &rs)) {
		if (rs.type == ZW_TYPE_RRSIG || rs.type == ZW_TYPE_NSEC3 ||
		    (nsec3 && rs.type == ZW_TYPE_NSEC))
			continue;
		enum zw_rrset_role role = zw_zone_role(n, rs.type, 0);
		if (role == ZW_ROLE_AUTH)
			signed_ = true;
		if (role == ZW_ROLE_AUTH || role == ZW_ROLE_DELEG)
			types[nt++] = rs.type;
	}
	/* RRsets come in type order; RRSIG goes in its place. */
	size_t k = nt;
	if (signed_) {
		while (k > 0 && types[k - 1] > ZW_TYPE_RRSIG) {
			types[k] = types[k - 1];
			k--;
		}
		types[k] = ZW_TYPE_RRSIG;
		nt++;
	}
	return bitmap_sorted(types, nt, out, outmax);
}

/* Space-separated type list of a well-formed bitmap's types that `other`
 * lacks. */
static void missing_in(const uint8_t *bm, size_t len, const uint8_t *other,
		       size_t olen, char *out, size_t size)
{
	uint16_t types[TYPES_MAX];
	int n = zw_bitmap_types(bm, len, types, TYPES_MAX);
	size_t w = 0;
	out[0] = '\0';
	for (int i = 0; i < n && i < TYPES_MAX && w + 16 < size; i++) {
		if (zw_bitmap_has(other, olen, types[i]))
			continue;
		int k = snprintf(out + w, size - w, "%s%s", w ? " " : "",
				 VTYPE(types[i]));
		w += k > 0 ? (size_t)k : 0;
	}
}

void zw_vbitmap_diff(struct vmsg *m, const char *what, const uint8_t *owner,
		     const uint8_t *want, size_t wantlen, const uint8_t *have,
		     size_t havelen)
{
	char absent[512], unlisted[512];
	missing_in(have, havelen, want, wantlen, absent, sizeof absent);
	missing_in(want, wantlen, have, havelen, unlisted, sizeof unlisted);
	zw_vmsg_add(m, ZW_VERIFY_ERROR,
		    "Bad %s record for %s, bit map mismatch (%s%s%s%s%s)", what,
		    VNAME(owner), unlisted[0] ? "not listed: " : "", unlisted,
		    unlisted[0] && absent[0] ? "; " : "",
		    absent[0] ? "listed but absent: " : "", absent);
}

bool zw_vnsec_in_chain(const struct zw_verify *v, size_t i)
{
	const struct zw_node *n = zw_zone_node(v->z, i);
	/* With an NSEC3 chain too, its hashed owners are not names. */
	if (v->need && v->need[i] == VNEED_NONE)
		return false;
	return !(n->flags & (ZW_NODE_ENT | ZW_NODE_BELOW_CUT |
			     ZW_NODE_BELOW_DNAME));
}

/* The node whose name the NSEC at node i must hold: the next one in the
 * chain, or the apex after the last. */
static size_t next_in_chain(const struct zw_verify *v, size_t i)
{
	for (size_t j = i + 1; j < v->nnodes; j++)
		if (zw_vnsec_in_chain(v, j))
			return j;
	return 0;
}

static void check_record(struct zw_verify *v, struct vmsg *m, size_t i,
			 const uint8_t *rd, uint16_t len)
{
	const struct zw_node *n = zw_zone_node(v->z, i);
	const uint8_t *owner = zw_node_name(n);
	int nl = zw_name_check(rd, rd + len);
	if (nl < 0 || zw_bitmap_check(rd + nl, rd + len) < 0) {
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "Bad NSEC record for %s, "
			    "malformed", VNAME(owner));
		return;
	}
	const uint8_t *want = zw_node_name(zw_zone_node(v->z,
							next_in_chain(v, i)));
	if (!zw_name_equal(rd, want))
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "Bad NSEC record for %s, next "
			    "name mismatch (%s vs %s)", VNAME(owner), VNAME(rd),
			    VNAME(want));
	uint8_t bm[ZW_BITMAP_MAX];
	int bl = zw_vbitmap_expected(n, false, bm, sizeof bm);
	if (bl >= 0 && ((size_t)bl != len - (size_t)nl ||
			memcmp(bm, rd + nl, (size_t)bl) != 0))
		zw_vbitmap_diff(m, "NSEC", owner, bm, (size_t)bl, rd + nl,
				len - (size_t)nl);
}

void zw_vnsec_check(struct zw_verify *v, struct vmsg *m, size_t i)
{
	const struct zw_node *n = zw_zone_node(v->z, i);
	const uint8_t *owner = zw_node_name(n);
	struct zw_rrset rs, n3;
	if (n->flags & ZW_NODE_ENT)
		return;
	bool has = zw_node_rrset(n, ZW_TYPE_NSEC, 0, &rs);
	if (!v->nsec3 && zw_node_rrset(n, ZW_TYPE_NSEC3, 0, &n3))
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "NSEC3 record at %s but no "
			    "NSEC3PARAM at the apex", VNAME(owner));
	if (!v->nsec || !zw_vnsec_in_chain(v, i)) {
		if (has)
			zw_vmsg_add(m, ZW_VERIFY_ERROR,
				    "unexpected NSEC RRset at %s", VNAME(owner));
		return;
	}
	if (!has) {
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "Missing NSEC record for %s",
			    VNAME(owner));
		return;
	}
	if (rs.count > 1)
		zw_vmsg_add(m, ZW_VERIFY_ERROR, "Multiple NSEC records for %s",
			    VNAME(owner));
	const uint8_t *p = rs.rdata;
	uint16_t len;
	const uint8_t *rd = zw_rr_next(&p, &len);
	check_record(v, m, i, rd, len);
	__atomic_fetch_add(&v->chain, 1, __ATOMIC_RELAXED);
}
