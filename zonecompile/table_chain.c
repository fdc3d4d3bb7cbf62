/* The CNAME/DNAME chain limit across query-time DNAME steps. knotd 3.2
 * follows at most TL_FOLLOW_MAX CNAME/DNAME records per query and then
 * answers what it has (NOERROR, nothing in authority or additional).
 * The compiler applies that limit to the chains it compiles, counting
 * from the name it compiled; after query-time DNAME steps (table_answer.c)
 * the compiled chain of the name reached counts on from there, so its
 * answer section is cut after the follows still allowed and the rest of
 * its recipe is left out. */
#include <string.h>

#include "dns/msg.h"
#include "dns/rrtype.h"
#include "zonecompile/table_lookup.h"

#define MAXU 32  /* answer RR groups looked at: a capped chain has <= 11 */

bool tl_rr_types(const uint8_t *w, size_t o, size_t end, uint16_t *type,
		 uint16_t *covered)
{
	if (!zwt_rr_skip(w, o, end, type))
		return false;
	while (w[o] && (w[o] & 0xc0) != 0xc0)
		o += 1u + w[o];
	o += w[o] ? 2 : 1;
	*covered = o + 12 <= end ? (uint16_t)(w[o + 10] << 8 | w[o + 11]) : 0;
	return true;
}

/* RR groups of part k of a piece: their ends, RR counts and first
 * types. Returns how many, or -1 when more than MAXU or malformed. */
static int groups(const struct zwt_pview *v, int k, uint16_t end[MAXU],
		  uint16_t cnt[MAXU], uint16_t type[MAXU], uint16_t cov[MAXU])
{
	const struct zwt_part *pd = v->part[k];
	const uint8_t *w = v->wire + v->off[k];
	int nu = pd->nunit > 1 ? pd->nunit : 1;
	if (nu > MAXU)
		return -1;
	for (int u = 0; u < nu; u++) {
		const uint8_t *r = v->units[k] + ZWT_UNIT_SIZE * u;
		end[u] = pd->nunit > 1 ? zw_load16(r) : pd->len;
		cnt[u] = pd->nunit > 1 ? zw_load16(r + 2) : pd->count;
		size_t from = u ? end[u - 1] : 0;
		if (end[u] > pd->len || from >= end[u] ||
		    !tl_rr_types(w, from, end[u], &type[u], &cov[u]))
			return -1;
	}
	return nu;
}

/* Groups of the answer to keep for `allowed` follows: a CNAME is one, a
 * DNAME with its synthesised CNAME after it is one (a DNAME without is
 * the answer to QTYPE DNAME). synth[u] marks the synthesised CNAMEs.
 * Returns nu when nothing needs cutting. */
static int keep_groups(const uint16_t *type, int nu, int allowed,
		       bool *synth)
{
	int follows = 0;
	for (int u = 0; u < nu; u++)
		synth[u] = u > 0 && type[u - 1] == ZW_TYPE_DNAME &&
			   type[u] == ZW_TYPE_CNAME && !synth[u - 1];
	for (int u = 0; u < nu; u++) {
		if (synth[u])
			continue;
		bool f = type[u] == ZW_TYPE_CNAME ||
			 (type[u] == ZW_TYPE_DNAME && u + 1 < nu &&
			  type[u + 1] == ZW_TYPE_CNAME);
		if (f && ++follows > allowed)
			return u;
	}
	return nu;
}

/* The RRSIG groups (part 1) of the first `kept` answer groups: each
 * RRSIG group belongs to the next signed answer group of the type it
 * covers (the compiler writes them in the answer's order). */
static int keep_sigs(const uint16_t *type, const bool *synth, int nu,
		     int kept, const uint16_t *cov, int ns)
{
	int j = 0, r = 0;
	for (; r < ns; r++, j++) {
		while (j < nu && (synth[j] || type[j] != cov[r]))
			j++;
		if (j >= kept)
			break;
	}
	return r;
}

/* Segment i of the plan keeps only its first groups: the answer's and
 * their RRSIGs. */
static void set_cut(struct tl_plan *p, int i, const uint16_t *end0,
		    const uint16_t *cnt0, int kept, const uint16_t *end1,
		    const uint16_t *cnt1, int ksig)
{
	p->cut = (uint8_t)(i + 1);
	memset(p->cutlen, 0, sizeof(p->cutlen));
	memset(p->cutcnt, 0, sizeof(p->cutcnt));
	p->cutunits[0] = (uint8_t)kept;
	p->cutunits[1] = (uint8_t)ksig;
	for (int u = 0; u < kept; u++)
		p->cutcnt[0] = (uint16_t)(p->cutcnt[0] + cnt0[u]);
	for (int u = 0; u < ksig; u++)
		p->cutcnt[1] = (uint16_t)(p->cutcnt[1] + cnt1[u]);
	p->cutlen[0] = kept ? end0[kept - 1] : 0;
	p->cutlen[1] = ksig ? end1[ksig - 1] : 0;
}

void tl_chain_limit(struct tl_plan *p, int s0, uint16_t qtype, int allowed)
{
	uint16_t end[2][MAXU], cnt[2][MAXU], type[2][MAXU], cov[2][MAXU];
	bool synth[MAXU];
	struct zwt_pview v;
	int i = s0;

	/* at the name itself these are answered, never followed */
	if (qtype == ZW_TYPE_CNAME || qtype == ZW_TYPE_RRSIG ||
	    qtype == ZW_TYPE_NSEC || qtype == ZW_TYPE_ANY)
		return;
	for (; i < p->nseg; i++)
		if (zwt_piece_view(p->seg[i].pc, SIZE_MAX, &v) && v.part[0])
			break;
	if (i == p->nseg)
		return;
	int nu = groups(&v, 0, end[0], cnt[0], type[0], cov[0]);
	int kept = nu < 0 ? nu : keep_groups(type[0], nu, allowed, synth);
	if (kept < 0 || kept == nu)
		return;
	int ns = v.part[1] ? groups(&v, 1, end[1], cnt[1], type[1], cov[1])
			   : 0;
	if (ns < 0)
		return;
	int ksig = keep_sigs(type[0], synth, nu, kept, cov[1], ns);
	p->seg[s0] = p->seg[i];
	p->nseg = s0 + (kept > 0);
	if (kept)
		set_cut(p, s0, end[0], cnt[0], kept, end[1], cnt[1], ksig);
	p->rcode = ZW_RCODE_NOERROR;
	p->aa = true;
}
