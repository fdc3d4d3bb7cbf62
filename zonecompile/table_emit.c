/* Writing a plan: per section, the main parts of every piece and then
 * their RRSIG parts (Knot's order), each part one memcpy; then the
 * compression pointers of the parts that moved away from their canonical
 * position are patched. A response over the size limit goes RR group by
 * RR group instead and stops at the first group that does not fit (later
 * groups may point into it). TC is set when that group or any group that
 * would have followed it is mandatory (see zwt_mode): a response holds
 * everything required (RFC 2308 section 3, RFC 4035 section 3.1.1, RFC
 * 9471) or says it does not. */
#include <string.h>

#include "dns/rrtype.h"
#include "zonecompile/table_lookup.h"

#define NSKIP 8
#define CUTP 2   /* the part where names are cut (owner_cut, rdata_cut) */
#define ZWT_KEYMAX 258

struct em {
	const struct tl_plan *p;
	uint8_t *out;
	size_t pos, limit;
	const uint8_t *qwire;
	struct zwt_pview v[TL_MAXSEG];
	int32_t at[TL_MAXSEG][ZWT_PARTS];  /* where each part went, -1 none */
	uint16_t done[TL_MAXSEG][ZWT_PARTS]; /* octets of it written */
	/* labels of a name at the start of a part's first RR group left
	 * out for a pointer into the question (owner_cut, rdata_cut): cut
	 * octets from offset keep, the pointer's target, and the offset of
	 * the RDLENGTH to shorten (0: an owner name, none) */
	uint16_t cut[TL_MAXSEG][ZWT_PARTS];
	uint16_t keep[TL_MAXSEG][ZWT_PARTS];
	uint16_t qoff[TL_MAXSEG][ZWT_PARTS];
	uint16_t rdl[TL_MAXSEG][ZWT_PARTS];
	struct tl_pname names[TL_MAXNAMES];
	/* a name may be written as lit octets of labels at names[].pos and
	 * a pointer to the rest, a suffix of the question at qsfx */
	uint8_t lit[TL_MAXNAMES];
	uint16_t qsfx[TL_MAXNAMES];
	/* per synthesised CNAME: octets of the DNAME target written before
	 * a pointer to the question suffix at sq (0: none) */
	uint8_t slit[TL_MAXNAMES];
	uint16_t sq[TL_MAXNAMES];
	/* bit i of segs[k]: segment i has part k to write; bit k of
	 * wrote[i]: part k of segment i was started (at[i][k] set) */
	uint32_t segs[ZWT_PARTS];
	uint8_t wrote[TL_MAXSEG];
	size_t total; /* octets of everything, when it all fits */
	uint16_t counts[4];
	bool full, tc;
	struct zwt_part cpart[2]; /* parts 0, 1 of the cut segment */
	/* optional additional RR groups left out (put_add_units): ranges
	 * [skf, ske) of parts 4 and 5 per segment; the owner of the last
	 * group that did not fit and whether the last one tried did not */
	uint8_t nsk[TL_MAXSEG][2];
	uint16_t skf[TL_MAXSEG][2][NSKIP], ske[TL_MAXSEG][2][NSKIP];
	uint8_t failkey[ZWT_KEYMAX];
	size_t failkeylen;
	int failseg;
	bool addfail;
};

static uint8_t lower(uint8_t c)
{
	return (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

/* Is octet k of the query name qw the start of a label? */
static bool q_label_at(const uint8_t *qw, size_t k)
{
	size_t o = 0;
	while (o < k)
		o += 1u + qw[o];
	return o == k;
}

/* Do n octets of the query name qw from k equal name[0..n), any case? */
static bool q_equal(const uint8_t *qw, size_t k, const uint8_t *name,
		    size_t n)
{
	for (size_t j = 0; j < n; j++)
		if (qw[k + j] != name[j] &&
		    lower(qw[k + j]) != lower(name[j]))
			return false;
	return true;
}

/* Where octet k of plan name idx is in the response. */
static long name_at(const struct em *m, int idx, size_t k)
{
	if (k < m->lit[idx])
		return (long)m->names[idx].pos + (long)k;
	return (long)m->qsfx[idx] + (long)(k - m->lit[idx]);
}

/* The DNAME target of synthesised CNAME si compressed the way Knot does
 * it: its longest suffix that ends the query name becomes a pointer. */
static void synth_compress(struct em *m, int si)
{
	const struct tl_synth *s = &m->p->synth[si];
	size_t qlen = m->names[0].len, j = 0;
	m->slit[si] = s->suffixlen;
	m->sq[si] = 0;
	while (j < s->suffixlen && s->suffix[j]) {
		size_t tail = s->suffixlen - j;
		if (tail <= qlen && q_label_at(m->qwire, qlen - tail) &&
		    q_equal(m->qwire, qlen - tail, s->suffix + j, tail)) {
			m->slit[si] = (uint8_t)j;
			m->sq[si] = (uint16_t)(12 + qlen - tail);
			return;
		}
		j += 1u + s->suffix[j];
	}
}

static size_t synth_len(const struct em *m, const struct tl_synth *s)
{
	int si = (int)(s - m->p->synth);
	return 2 + 10 + s->prefix + m->slit[si] + (m->sq[si] ? 2 : 0);
}

/* The first n octets of plan name idx, to w. */
static void name_prefix(const struct em *m, int idx, uint8_t *w, size_t n)
{
	const uint8_t *src = idx ? m->out + m->names[idx].pos : m->qwire;
	size_t a = n < m->lit[idx] ? n : m->lit[idx];
	memmove(w, src, a);
	if (n > a)
		memcpy(w + a, m->qwire + (m->qsfx[idx] - 12), n - a);
}

/* The synthesised CNAME of a DNAME step. */
static bool put_synth(struct em *m, const struct tl_synth *s)
{
	size_t need = synth_len(m, s);
	const struct tl_pname *o = &m->names[s->name];
	int si = (int)(s - m->p->synth);

	if (m->full) {
		m->tc = true; /* a CNAME of the answer left out */
		return false;
	}
	if (m->pos + need > m->limit || o->pos > 0x3fff) {
		m->full = m->tc = true;
		return false;
	}
	uint8_t *w = m->out + m->pos;
	uint16_t rdlen = (uint16_t)(need - 12);
	w[0] = (uint8_t)(0xc0 | o->pos >> 8);
	w[1] = (uint8_t)o->pos;
	w[2] = 0;
	w[3] = ZW_TYPE_CNAME;
	w[4] = 0;
	w[5] = 1;
	w[6] = (uint8_t)(s->ttl >> 24);
	w[7] = (uint8_t)(s->ttl >> 16);
	w[8] = (uint8_t)(s->ttl >> 8);
	w[9] = (uint8_t)s->ttl;
	w[10] = (uint8_t)(rdlen >> 8);
	w[11] = (uint8_t)rdlen;
	name_prefix(m, s->name, w + 12, s->prefix);
	memcpy(w + 12 + s->prefix, s->suffix, m->slit[si]);
	if (m->sq[si]) {
		w[12 + s->prefix + m->slit[si]] = (uint8_t)(0xc0 | m->sq[si] >> 8);
		w[13 + s->prefix + m->slit[si]] = (uint8_t)m->sq[si];
	}
	m->names[s->target].pos = (uint16_t)(m->pos + 12);
	m->names[s->target].len = (uint8_t)(s->prefix + s->suffixlen);
	m->lit[s->target] = (uint8_t)(s->prefix + m->slit[si]);
	m->qsfx[s->target] = m->sq[si];
	m->pos += need;
	m->counts[1]++;
	return true;
}

/* Octets [from, end) of part k of segment i take this many in the
 * response (the cut owner labels are at the start). */
static size_t span_len(const struct em *m, int i, int k, uint16_t from,
		       uint16_t end)
{
	return (size_t)(end - from) - (from == 0 ? m->cut[i][k] : 0);
}

/* A cut part's octets up to the cut name and the pointer into the
 * question (the RDLENGTH around it shortened); returns where the part's
 * octets go on. */
static uint16_t put_cut(struct em *m, int i, int k)
{
	const uint8_t *src = m->v[i].wire + m->v[i].off[k];
	uint16_t kp = m->keep[i][k], r = m->rdl[i][k];
	uint8_t *w = m->out + m->pos;
	memcpy(w, src, kp);
	w[kp] = (uint8_t)(0xc0 | m->qoff[i][k] >> 8);
	w[kp + 1] = (uint8_t)m->qoff[i][k];
	if (r) {
		unsigned len = (unsigned)(w[r] << 8 | w[r + 1]) - m->cut[i][k];
		w[r] = (uint8_t)(len >> 8);
		w[r + 1] = (uint8_t)len;
	}
	m->pos += kp + 2u;
	return (uint16_t)(kp + m->cut[i][k] + 2);
}

/* Write octets [from, end) of part k of segment i. */
static inline void put_span(struct em *m, int i, int k, uint16_t from,
			    uint16_t end)
{
	if (from == 0 && m->cut[i][k])
		from = put_cut(m, i, k);
	memcpy(m->out + m->pos, m->v[i].wire + m->v[i].off[k] + from,
	       (size_t)(end - from));
	m->pos += (size_t)(end - from);
}

/* Copy part k of segment i whole. */
static void put_part(struct em *m, int i, int k)
{
	const struct zwt_part *pd = m->v[i].part[k];
	m->at[i][k] = (int32_t)m->pos;
	m->wrote[i] |= (uint8_t)(1u << k);
	put_span(m, i, k, 0, pd->len);
	m->done[i][k] = pd->len;
	m->counts[ZWT_PART_SEC(k)] += pd->count;
}

/* Unit j of a part: its end, RR count and mode. */
static void unit_at(const struct zwt_part *pd, const uint8_t *u, unsigned j,
		    uint16_t *end, uint16_t *cnt, uint16_t *mode)
{
	*end = pd->len;
	*cnt = pd->count;
	*mode = pd->mode;
	if (pd->nunit > 1) {
		*end = zw_load16(u + ZWT_UNIT_SIZE * j);
		*cnt = zw_load16(u + ZWT_UNIT_SIZE * j + 2);
		*mode = zw_load16(u + ZWT_UNIT_SIZE * j + 4);
	}
}

/* After the stop: a mandatory group among units j.. of a part left out
 * means the response is incomplete. */
static void left_out(struct em *m, const struct zwt_part *pd,
		     const uint8_t *u, unsigned j)
{
	unsigned nu = pd->nunit > 1 ? pd->nunit : 1;
	for (; j < nu && !m->tc; j++) {
		uint16_t end, cnt, mode;
		unit_at(pd, u, j, &end, &cnt, &mode);
		if (mode == ZWT_MODE_MUST)
			m->tc = true;
	}
}

/* The owner of the RR at part-relative offset rel of part k of segment
 * i as a key for equality within the segment: its labels lower-cased
 * and, where it goes on in the question (the anchor), 0xff and the
 * offset there. 0 when malformed. */
static size_t owner_key(const struct em *m, int i, int k, size_t rel,
			uint8_t key[ZWT_KEYMAX])
{
	const struct zwt_pview *v = &m->v[i];
	size_t canon = 12u + v->pc->alen + 4, abs = canon + v->off[k] + rel;
	size_t n = 0;
	for (int guard = 0; guard < 128; guard++) {
		if (abs < canon) {
			key[n++] = 0xff;
			key[n++] = (uint8_t)(abs - 12);
			return n;
		}
		size_t o = abs - canon;
		uint8_t b = o < v->pc->size ? v->wire[o] : 0xff;
		if (o + 1 >= v->pc->size || b == 0) {
			key[n++] = 0;
			return b == 0 ? n : 0;
		}
		if ((b & 0xc0) == 0xc0) {
			abs = (size_t)(b & 0x3f) << 8 | v->wire[o + 1];
			continue;
		}
		if ((b & 0xc0) || o + 1 + b > v->pc->size || n + 1 + b > 255)
			return 0;
		key[n++] = b;
		for (unsigned j = 1; j <= b; j++)
			key[n++] = lower(v->wire[o + j]);
		abs += 1u + b;
	}
	return 0;
}

/* Octets of part k (additional: 4 or 5) of segment i left out before
 * part-relative offset rel, or -1 when rel itself was left out. */
static long add_shift(const struct em *m, int i, int k, long rel)
{
	long s = 0;
	if (k < 4)
		return 0;
	for (unsigned r = 0; r < m->nsk[i][k - 4]; r++) {
		long f = m->skf[i][k - 4][r], e = m->ske[i][k - 4][r];
		if (rel >= f && rel < e)
			return -1;
		if (rel >= e)
			s += e - f;
	}
	return s;
}

/* Does a pointer in [from, end) of part k point into a group left out? */
static bool refs_skipped(const struct em *m, int i, int k, uint16_t from,
			 uint16_t end)
{
	const struct zwt_pview *v = &m->v[i];
	long canon = 12 + v->pc->alen + 4;
	for (unsigned f = 0; f < v->part[k]->nfix; f++) {
		uint16_t fx = zw_load16(v->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx), kt = ZWT_FIX_KIND(fx);
		if (pos < from || pos + 2 > end || kt < ZWT_FIX_PART0 + 4)
			continue;
		const uint8_t *w = v->wire + v->off[k] + pos;
		long val = (w[0] & 0x3f) << 8 | w[1];
		kt -= ZWT_FIX_PART0;
		if (add_shift(m, i, (int)kt, val - canon - v->off[kt]) < 0)
			return true;
	}
	return false;
}

/* Leave group [from, end) of part k out; false when no room to note it. */
static bool add_skip(struct em *m, int i, int k, uint16_t from, uint16_t end)
{
	uint8_t *n = &m->nsk[i][k - 4];
	if (*n >= NSKIP)
		return false;
	m->skf[i][k - 4][*n] = from;
	m->ske[i][k - 4][*n] = end;
	(*n)++;
	return true;
}

/* Is the RRSIG group at `from` in part 5 the signature of an address
 * RRset left out (same owner, type covered)? */
static bool sig_of_skipped(const struct em *m, int i, uint16_t from)
{
	const struct zwt_pview *v = &m->v[i];
	uint8_t k1[ZWT_KEYMAX], k2[ZWT_KEYMAX];
	uint16_t t, cov, t2, c2;
	if (!m->nsk[i][0] || !tl_rr_types(v->wire + v->off[5], from,
					  v->part[5]->len, &t, &cov))
		return false;
	size_t l1 = owner_key(m, i, 5, from, k1);
	for (unsigned r = 0; l1 && r < m->nsk[i][0]; r++) {
		uint16_t f = m->skf[i][0][r];
		if (tl_rr_types(v->wire + v->off[4], f, v->part[4]->len, &t2,
				&c2) && t2 == cov &&
		    owner_key(m, i, 4, f, k2) == l1 && !memcmp(k1, k2, l1))
			return true;
	}
	return false;
}

/* Before an additional group is tried: left out without trying when
 * knotd would not try it (the owner's other address type after one that
 * did not fit; the RRSIG of an RRset left out) or it points into a group
 * left out. */
static bool add_pass(struct em *m, int i, int k, uint16_t from,
		     uint16_t end)
{
	bool pass = refs_skipped(m, i, k, from, end);
	if (!pass && k == 5) {
		pass = sig_of_skipped(m, i, from);
	} else if (!pass && m->failkeylen && m->failseg == i) {
		uint8_t key[ZWT_KEYMAX];
		pass = owner_key(m, i, 4, from, key) == m->failkeylen &&
		       !memcmp(key, m->failkey, m->failkeylen);
	}
	return pass && add_skip(m, i, k, from, end);
}

/* An optional address RRset that does not fit is left out and the next
 * owner's tried (knotd: RFC 1034 4.3.2 step 6 is best effort), without
 * TC. Returns whether it was. */
static bool add_miss(struct em *m, int i, int k, uint16_t from,
		     uint16_t end, uint16_t mode)
{
	if (k != 4 || mode != ZWT_MODE_OPT || !add_skip(m, i, k, from, end))
		return false;
	m->failkeylen = owner_key(m, i, k, from, m->failkey);
	m->failseg = i;
	m->addfail = true;
	return true;
}

/* Copy part k of segment i group by group while it fits. */
static void put_part_units(struct em *m, int i, int k)
{
	const struct zwt_part *pd = m->v[i].part[k];
	const uint8_t *u = m->v[i].units[k];
	unsigned nu = pd->nunit > 1 ? pd->nunit : 1;
	uint16_t from = 0, end, cnt, mode;

	/* knotd adds no additional RRSIGs when its last address failed */
	if (m->full || (k == 5 && m->addfail)) {
		left_out(m, pd, u, 0);
		return;
	}
	m->at[i][k] = (int32_t)m->pos;
	m->wrote[i] |= (uint8_t)(1u << k);
	for (unsigned j = 0; j < nu; j++, from = end) {
		unit_at(pd, u, j, &end, &cnt, &mode);
		if (k >= 4 && (m->nsk[i][0] || m->failkeylen) &&
		    add_pass(m, i, k, from, end))
			continue;
		if (m->pos + span_len(m, i, k, from, end) > m->limit) {
			if (add_miss(m, i, k, from, end, mode))
				continue;
			m->full = true;
			left_out(m, pd, u, j);
			break;
		}
		put_span(m, i, k, from, end);
		m->counts[ZWT_PART_SEC(k)] += cnt;
		m->done[i][k] = end;
		if (k == 4)
			m->addfail = false;
	}
}

static void put_synths_at(struct em *m, int segidx, bool careful)
{
	for (int s = 0; s < m->p->nsynth; s++)
		if (m->p->synth[s].seg == segidx) {
			if (!careful && m->pos + synth_len(m, &m->p->synth[s]) >
					       m->limit)
				m->full = m->tc = true;
			put_synth(m, &m->p->synth[s]);
		}
}

/* Everything fits and no CNAME is synthesised: each part whole, in one
 * memcpy, its RRs counted once per part and section. */
static void put_all(struct em *m)
{
	size_t pos = m->pos;
	for (int k = 0; k < ZWT_PARTS; k++) {
		unsigned cnt = 0;
		for (uint32_t b = m->segs[k]; b; b &= b - 1) {
			int i = __builtin_ctz(b);
			const struct zwt_pview *v = &m->v[i];
			const struct zwt_part *pd = v->part[k];
			m->at[i][k] = (int32_t)pos;
			m->wrote[i] |= (uint8_t)(1u << k);
			m->done[i][k] = pd->len;
			cnt += pd->count;
			if (m->cut[i][k]) {
				m->pos = pos;
				put_span(m, i, k, 0, pd->len);
				pos = m->pos;
				continue;
			}
			memcpy(m->out + pos, v->wire + v->off[k], pd->len);
			pos += pd->len;
		}
		m->counts[ZWT_PART_SEC(k)] += (uint16_t)cnt;
	}
	m->pos = pos;
}

static void put_parts(struct em *m, bool careful)
{
	if (!careful) {
		put_all(m);
		return;
	}
	for (int k = 0; k < ZWT_PARTS; k++) {
		for (uint32_t b = m->segs[k]; b && !(m->full && m->tc);
		     b &= b - 1)
			put_part_units(m, __builtin_ctz(b), k);
	}
}

static void put_sections(struct em *m, bool careful)
{
	const struct tl_plan *p = m->p;
	if (!p->nsynth) {
		put_parts(m, careful);
		return;
	}
	for (int sec = 0; sec < 3; sec++) {
		for (int sig = 0; sig < 2; sig++) {
			if (sig && !p->sigs)
				continue;
			int k = sec * 2 + sig;
			for (int i = 0; i < p->nseg; i++) {
				if (k == 0 && p->nsynth)
					put_synths_at(m, i, careful);
				if (!(m->segs[k] >> i & 1) ||
				    (m->full && m->tc))
					continue;
				if (careful)
					put_part_units(m, i, k);
				else
					put_part(m, i, k);
			}
			if (k == 0 && p->nsynth)
				put_synths_at(m, p->nseg, careful);
		}
	}
}

/* Pointer deltas of segment i per fixup kind: QSTART/QSUF move with the
 * segment's name, PART kinds with the part they point into; *cuts gets
 * a bit per written part with a cut (see fix_part_cut).
 * Returns whether anything moved at all. */
static bool seg_deltas(const struct em *m, int i, long d[2 + ZWT_PARTS],
		       unsigned *cuts)
{
	const struct zwt_pview *v = &m->v[i];
	const struct tl_pname *nm = &m->names[m->p->seg[i].name];
	int idx = m->p->seg[i].name;
	long canon = 12 + v->pc->alen + 4;
	bool any;

	d[ZWT_FIX_QSTART] = name_at(m, idx, 0) - 12;
	d[ZWT_FIX_QSUF] = name_at(m, idx, (size_t)(nm->len - v->pc->alen)) -
			  12;
	any = d[ZWT_FIX_QSTART] || d[ZWT_FIX_QSUF];
	*cuts = 0;
	for (int k = 0; k < ZWT_PARTS; k++)
		d[ZWT_FIX_PART0 + k] = 0;
	for (unsigned b = m->wrote[i]; b; b &= b - 1) {
		int k = __builtin_ctz(b);
		d[ZWT_FIX_PART0 + k] = m->at[i][k] - (canon + v->off[k]);
		any |= d[ZWT_FIX_PART0 + k] != 0;
		if (m->cut[i][k])
			*cuts |= 1u << k;
	}
	return any || *cuts;
}

/* Patch one pointer at `at` to val; false when it would not be valid. */
static inline bool set_ptr(struct em *m, long at, long val)
{
	uint8_t *w = m->out + at;
	if (val < 12 || val > 0x3fff || val >= at)
		return false;
	w[0] = (uint8_t)(0xc0 | val >> 8);
	w[1] = (uint8_t)val;
	return true;
}

static inline long ptr_at(const struct em *m, long at)
{
	return (m->out[at] & 0x3f) << 8 | m->out[at + 1];
}

/* The usual case: no owner cut in the segment, every pointer moves by
 * its kind's delta. */
static bool fix_part_plain(struct em *m, int i, int k, const long *d)
{
	const struct zwt_pview *v = &m->v[i];
	long base = m->at[i][k];
	unsigned done = m->done[i][k];
	for (unsigned f = 0; f < v->part[k]->nfix; f++) {
		uint16_t fx = zw_load16(v->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx);
		if (pos + 2 > done)
			continue;
		long at = base + (long)pos;
		if (!set_ptr(m, at, ptr_at(m, at) + d[ZWT_FIX_KIND(fx)]))
			return false;
	}
	return true;
}

/* With additional groups left out (add_skip): positions in parts 4 and
 * 5, and pointers into them, move back over the gaps. */
/* Octets left out before the target of a pointer of this kind with the
 * canonical value val (add_shift; -1: the target was left out). */
static long gap_shift(const struct em *m, int i, unsigned kind, long val)
{
	if (kind < ZWT_FIX_PART0 + 4)
		return 0;
	int kt = (int)kind - ZWT_FIX_PART0;
	const struct zwt_pview *v = &m->v[i];
	return add_shift(m, i, kt, val - (12 + v->pc->alen + 4) - v->off[kt]);
}

static bool fix_part_gaps(struct em *m, int i, int k, const long *d)
{
	const struct zwt_pview *v = &m->v[i];
	for (unsigned f = 0; f < v->part[k]->nfix; f++) {
		uint16_t fx = zw_load16(v->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx), kind = ZWT_FIX_KIND(fx);
		long sh = add_shift(m, i, k, pos);
		if (pos + 2 > m->done[i][k] || sh < 0)
			continue; /* not written */
		long at = m->at[i][k] + (long)pos - sh, val = ptr_at(m, at);
		long tsh = gap_shift(m, i, kind, val);
		if (tsh < 0 || !set_ptr(m, at, val + d[kind] - tsh))
			return false;
	}
	return true;
}

/* Where octet t of a cut part went (x: its output start, cut kp..kp+c
 * now a pointer to q). */
struct cutmap {
	long x, kp, c, q;
};

static inline long cut_pos(const struct cutmap *cm, long t)
{
	if (t < cm->kp)
		return cm->x + t;
	return t < cm->kp + cm->c ? cm->q + t - cm->kp : cm->x + t - cm->c;
}

/* With a cut in part CUTP: its own pointers move with the cut, and
 * pointers into it from later parts go through cut_pos. */
static bool fix_part_cut(struct em *m, int i, int k, const long *d)
{
	const struct zwt_pview *v = &m->v[i];
	const struct cutmap cm = {m->at[i][CUTP], m->keep[i][CUTP],
				  m->cut[i][CUTP], m->qoff[i][CUTP]};
	long tbase = 12 + v->pc->alen + 4 + v->off[CUTP];
	unsigned skip = k == CUTP ? (unsigned)(cm.kp + cm.c) : ~0u;
	unsigned done = m->done[i][k], tkind = ZWT_FIX_PART0 + CUTP;
	long base = m->at[i][k];
	for (unsigned f = 0; f < v->part[k]->nfix; f++) {
		uint16_t fx = zw_load16(v->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx), kind = ZWT_FIX_KIND(fx);
		long sh = add_shift(m, i, k, pos);
		if (pos + 2 > done || pos == skip || sh < 0)
			continue; /* not written, or the cut name's */
		long at = k == CUTP ? cut_pos(&cm, pos) : base + (long)pos - sh;
		long val = ptr_at(m, at), tsh = gap_shift(m, i, kind, val);
		val = kind == tkind ? cut_pos(&cm, val - tbase)
				    : val + d[kind] - tsh;
		if (tsh < 0 || !set_ptr(m, at, val))
			return false;
	}
	return true;
}

/* Patch the pointers of segment i for where its name and parts went. */
static bool fix_seg(struct em *m, int i)
{
	long d[2 + ZWT_PARTS];
	unsigned cuts;

	bool gaps = m->nsk[i][0] || m->nsk[i][1];
	if (!seg_deltas(m, i, d, &cuts) && !gaps)
		return true;
	for (unsigned b = m->wrote[i]; b; b &= b - 1) {
		int k = __builtin_ctz(b);
		if (!(cuts ? fix_part_cut(m, i, k, d)
		      : gaps ? fix_part_gaps(m, i, k, d)
			     : fix_part_plain(m, i, k, d)))
			return false;
	}
	return true;
}

/* A name cut (owner_cut, rdata_cut): the octets kept before it, the
 * RDLENGTH to shorten (0: none) and the pointer's target in the
 * question. */
struct cutinfo {
	uint16_t keep, rdl, qoff;
};

/* The owner of a part's first RR (its octets w[0..len)) written as labels
 * and a pointer to the whole anchor (alen octets): when its last labels
 * are the query name's (qw, qlen octets) own in front of the anchor,
 * that suffix of the owner goes out as a pointer into the question, as
 * Knot compresses it (NSEC owners: the query name itself in NODATA, an
 * ancestor in NXDOMAIN, "*." and an ancestor in wildcard proofs).
 * Returns the octets left out (0: no cut). */
static uint16_t owner_cut(const uint8_t *qw, size_t qlen, const uint8_t *w,
			  size_t len, size_t alen, struct cutinfo *ci)
{
	size_t l = 0;
	while (l < len && w[l] && !(w[l] & 0xc0))
		l += 1u + w[l];
	if (!l || l + 2 > len || w[l] != 0xc0 || w[l + 1] != 12 ||
	    l > ZWT_FIX_POSMAX)
		return 0; /* not labels + a pointer to the anchor's start */
	for (size_t j = 0; j < l; j += 1u + w[j]) {
		size_t n = l - j;
		if (n + alen > qlen || !q_label_at(qw, qlen - alen - n) ||
		    !q_equal(qw, qlen - alen - n, w + j, n))
			continue;
		ci->keep = (uint16_t)j;
		ci->rdl = 0;
		ci->qoff = (uint16_t)(12 + qlen - alen - n);
		return (uint16_t)n;
	}
	return 0;
}

static size_t skip_name(const uint8_t *w, size_t o, size_t end)
{
	while (o < end && w[o] && (w[o] & 0xc0) != 0xc0)
		o += 1u + w[o];
	return o >= end ? end : o + (w[o] ? 2 : 1);
}

/* The first name in the RDATA at w[r..end): when it is labels and a
 * pointer to the whole anchor, those labels the query name's in front
 * of the anchor, returns their length and sets *kq to where they start
 * in the query name; else 0. */
static size_t rdata_name_cut(const uint8_t *qw, size_t qlen, size_t alen,
			     const uint8_t *w, size_t r, size_t end,
			     size_t *kq)
{
	size_t l = r;
	while (l < end && w[l] && !(w[l] & 0xc0))
		l += 1u + w[l];
	size_t lit = l - r;
	if (!lit || l + 2 > end || w[l] != 0xc0 || w[l + 1] != 12 ||
	    lit + alen > qlen)
		return 0;
	*kq = qlen - alen - lit;
	return q_label_at(qw, *kq) && q_equal(qw, *kq, w + r, lit) ? lit : 0;
}

/* A name in the first RR group (w[0..end)) of the authority section that
 * the query name ends with goes out as a pointer into the question, as
 * Knot compresses it: the NS target of a referral asked for by a
 * resolver after that server's address (and the glue owners pointing at
 * it), the SOA MNAME of a negative answer at or below the primary's
 * name. Only when the query name is longer than the anchor. Returns the
 * octets left out. */
static uint16_t rdata_cut(const uint8_t *qw, size_t qlen, const uint8_t *w,
			  size_t end, size_t alen, struct cutinfo *ci)
{
	size_t o = 0, kq = 0, room = qlen - alen + 2;
	while (o + 10 < end) {
		o = skip_name(w, o, end);
		if (o + 10 > end || w[o] != 0 ||
		    (w[o + 1] != ZW_TYPE_NS && w[o + 1] != ZW_TYPE_SOA))
			return 0;
		size_t r = o + 10, rdlen = (size_t)(w[o + 8] << 8 | w[o + 9]);
		o = r + rdlen;
		if (w[r - 9] == ZW_TYPE_NS && rdlen > room)
			continue; /* longer than the query name allows */
		size_t lit = o <= end ? rdata_name_cut(qw, qlen, alen, w, r, o,
						       &kq) : 0;
		if (lit && r - 2 <= ZWT_FIX_POSMAX) {
			ci->keep = (uint16_t)r;
			ci->rdl = (uint16_t)(r - 2);
			ci->qoff = (uint16_t)(12 + kq);
			return (uint16_t)lit;
		}
		if (w[r - 9] == ZW_TYPE_SOA)
			return 0;
	}
	return 0;
}

/* The cut in part CUTP (its octets w, len, the first RR group ending at
 * end0) of a segment compressed against the question. The names worth
 * it are in the authority section: NSEC owners (DO=1; the RRSIG parts
 * start with a pointer to them), NS targets of referrals, the SOA
 * MNAME. */
static uint16_t part_cut(const uint8_t *qw, size_t qlen, bool sigs,
			 const uint8_t *w, size_t len, size_t end0,
			 size_t alen, struct cutinfo *ci)
{
	uint16_t n = 0;
	if (sigs)
		n = owner_cut(qw, qlen, w, len, alen, ci);
	if (!n && qlen > alen)
		n = rdata_cut(qw, qlen, w, end0, alen, ci);
	return n;
}

/* Octets of the first RR group of part k of segment i. */
static size_t unit0_len(const struct em *m, int i, int k)
{
	const struct zwt_part *pd = m->v[i].part[k];
	return pd->nunit > 1 ? zw_load16(m->v[i].units[k]) : pd->len;
}

static void seg_cut(struct em *m, int i)
{
	const struct zwt_pview *v = &m->v[i];
	struct cutinfo ci;
	uint16_t n = part_cut(m->qwire, m->names[0].len, m->p->sigs,
			      v->wire + v->off[CUTP], v->part[CUTP]->len,
			      unit0_len(m, i, CUTP), v->pc->alen, &ci);
	if (!n)
		return;
	m->cut[i][CUTP] = n;
	m->keep[i][CUTP] = ci.keep;
	m->rdl[i][CUTP] = ci.rdl;
	m->qoff[i][CUTP] = ci.qoff;
}

/* Segment i keeps only the first RR groups of its answer and their
 * RRSIGs (tl_chain_limit): the two parts shortened in a copy of their
 * descriptors, the other parts left out. */
static void cut_chain(struct em *m, int i)
{
	const struct tl_plan *p = m->p;
	for (int k = 0; k < ZWT_PARTS; k++) {
		if (k > 1 || !m->v[i].part[k] || !p->cutunits[k]) {
			m->v[i].part[k] = NULL;
			continue;
		}
		struct zwt_part *c = &m->cpart[k];
		*c = *m->v[i].part[k];
		c->len = p->cutlen[k];
		c->count = p->cutcnt[k];
		c->nunit = p->cutunits[k];
		m->v[i].part[k] = c;
	}
}

/* zwt_piece_view without its checks: the table reader validated every
 * piece when the table was opened. */
static void view_piece(const uint8_t *p, struct zwt_pview *v)
{
	size_t unit, w;
	zwt_piece_fill(p, v, &unit, &w);
	v->wire = p + v->pc->wire;
}

/* Segment i's part mask bits and octets (after its cut). */
static void seg_parts(struct em *m, int i)
{
	const struct zwt_pview *v = &m->v[i];
	unsigned mask = v->pc->parts & (m->p->sigs ? 0x3fu : 0x15u);
	size_t n = 0;
	for (; mask; mask &= mask - 1) {
		int k = __builtin_ctz(mask);
		if (!v->part[k])
			continue; /* left out by cut_chain */
		m->segs[k] |= 1u << i;
		n += (size_t)(v->part[k]->len - m->cut[i][k]);
	}
	m->total += n;
}

static void setup(struct em *m, const struct tl_plan *p, uint8_t *out,
		  size_t pos, size_t limit, const uint8_t *qwire)
{
	m->p = p;
	m->out = out;
	m->pos = pos;
	m->limit = limit;
	m->qwire = qwire;
	m->full = m->tc = false;
	m->failkeylen = 0;
	m->addfail = false;
	memset(m->counts, 0, sizeof(m->counts));
	memcpy(m->names, p->names, sizeof(m->names[0]) * (size_t)p->nnames);
	for (int i = 0; i < p->nnames; i++)
		m->lit[i] = p->names[i].len;
	for (int s = 0; s < p->nsynth; s++)
		synth_compress(m, s);
	memset(m->segs, 0, sizeof(m->segs));
	m->total = 0;
	for (int i = 0; i < p->nseg; i++) {
		memset(m->at[i], 0xff, sizeof(m->at[i]));
		memset(m->done[i], 0, sizeof(m->done[i]));
		memset(m->cut[i], 0, sizeof(m->cut[i]));
		m->nsk[i][0] = m->nsk[i][1] = 0;
		m->wrote[i] = 0;
		if (!p->seg[i].pc)
			continue;
		view_piece(p->seg[i].pc, &m->v[i]);
		if (i == p->cut - 1)
			cut_chain(m, i);
		if (m->v[i].part[CUTP] && p->seg[i].name == 0)
			seg_cut(m, i);
		seg_parts(m, i);
	}
}

static size_t total_len(const struct em *m)
{
	size_t n = m->total;
	for (int s = 0; s < m->p->nsynth; s++)
		n += synth_len(m, &m->p->synth[s]);
	return n;
}

/* The usual case: one whole-response piece for exactly the name it was
 * compiled for, fitting: its wire is the response, in one memcpy. */
static bool emit_whole(const struct tl_plan *p, uint8_t *out, size_t *pos,
		       size_t limit, uint16_t counts[4])
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p->seg[0].pc;
	if (p->seg[0].name != 0 || p->names[0].len != pc->alen ||
	    (!p->sigs && (pc->parts & 0x2a)) || *pos + pc->size > limit)
		return false;
	memcpy(out + *pos, (const uint8_t *)pc + pc->wire, pc->size);
	*pos += pc->size;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	for (unsigned bits = pc->parts; bits; bits &= bits - 1, pd++)
		counts[ZWT_PART_SEC(__builtin_ctz(bits))] += pd->count;
	return true;
}

enum { FAST_NO, FAST_OK, FAST_BAD, FAST_GEN };

/* The query name for the fast path's checks, and where its label right
 * before its last palen octets starts (kprev, -1: none; palen 0: not
 * looked for yet): the pieces of one response mostly share an anchor,
 * so the query name is walked once. */
struct qlabels {
	const uint8_t *w;
	size_t len, palen;
	long kprev;
};

static long q_prev_label(struct qlabels *q, size_t alen)
{
	if (q->palen != alen) {
		size_t o = 0, end = q->len - alen;
		q->palen = alen;
		q->kprev = -1;
		while (alen < q->len && o < end) {
			size_t next = o + 1u + q->w[o];
			if (next == end)
				q->kprev = (long)o;
			o = next;
		}
	}
	return q->kprev;
}

/* Is the label lab (its length octet first) the query name's, any case,
 * right before its last alen octets? A name cut needs that of the last
 * label it cuts. (A label of that length at k that equals it ends there,
 * so q_label_at(k) comes to k being kprev.) */
static inline __attribute__((always_inline)) bool q_label_before(
	struct qlabels *q, size_t alen, const uint8_t *lab)
{
	size_t n = 1u + lab[0];
	if (n + alen > q->len)
		return false;
	size_t k = q->len - alen - n;
	return q->w[k] == lab[0] && (long)k == q_prev_label(q, alen) &&
	       q_equal(q->w, k, lab, n);
}

/* Labels (no pointer, not the root) from w[o] on within len: returns
 * where they end and sets *last to the start of the last one (o when
 * none). */
static size_t walk_labels(const uint8_t *w, size_t o, size_t len,
			  size_t *last)
{
	*last = o;
	while (o < len && w[o] && !(w[o] & 0xc0)) {
		*last = o;
		o += 1u + w[o];
	}
	return o;
}

/* May owner_cut or rdata_cut find a cut in part w[0..len)? False only
 * when they do not: owner_cut needs labels and a pointer to the anchor's
 * start as the first owner, rdata_cut a first RR of type NS or SOA, and
 * for a SOA an MNAME of that form; both need the last label cut to be
 * the query name's right before the anchor. */
static inline __attribute__((always_inline)) bool may_cut(
	struct qlabels *q, const uint8_t *w, size_t len, size_t alen,
	bool sigs)
{
	size_t last, l, o, m;
	if (q->len <= alen) /* no label in front of the anchor to cut */
		return false;
	l = walk_labels(w, 0, len, &last);
	if (sigs && l && l + 2 <= len && w[l] == 0xc0 && w[l + 1] == 12 &&
	    q_label_before(q, alen, w + last))
		return true;
	o = l >= len ? len : !w[l] ? l + 1
		: (w[l] & 0xc0) == 0xc0 ? l + 2 : skip_name(w, 0, len);
	if (o + 10 > len || w[o] != 0)
		return false;
	if (w[o + 1] == ZW_TYPE_NS)
		return true;
	if (w[o + 1] != ZW_TYPE_SOA)
		return false;
	m = walk_labels(w, o + 10, len, &last);
	return m > o + 10 && m + 2 <= len && w[m] == 0xc0 && w[m + 1] == 12 &&
	       q_label_before(q, alen, w + last);
}

/* A name cut the fast paths write: where it is (cutinfo), the octets
 * it leaves out (n, 0: none) and where part CUTP starts in the piece's
 * octets (cs). */
struct fcut {
	struct cutinfo ci;
	uint16_t n, cs;
};

/* The cut seg_cut finds in this piece (may_cut said it may): its
 * length, ci set when not 0. c is its part CUTP (w its octets), fix the
 * start of its fixups (after the descriptors). */
static uint16_t fast_cut(const struct zwt_piece *pc, const struct zwt_part *c,
			 const uint8_t *w, const uint8_t *fix,
			 const struct qlabels *q, bool sigs,
			 struct cutinfo *ci)
{
	size_t end0 = c->len;
	if (c->nunit > 1) {
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const uint8_t *unit = fix;
		for (const struct zwt_part *x = pd;
		     (const uint8_t *)x < fix; x++)
			unit += 2u * x->nfix;
		for (const struct zwt_part *x = pd; x < c; x++)
			if (x->nunit > 1)
				unit += (size_t)ZWT_UNIT_SIZE * x->nunit;
		end0 = zw_load16(unit);
	}
	return part_cut(q->w, q->len, sigs, w, c->len, end0, pc->alen, ci);
}

/* The name cut seg_cut would find in this piece: its length (0: none),
 * *fc filled when there is one; w is the piece's octets, cw those of
 * part c (CUTP). */
static inline __attribute__((always_inline)) uint16_t seg_find_cut(
	const struct zwt_piece *pc, const struct zwt_part *c,
	const uint8_t *w, const uint8_t *cw, const uint8_t *fix,
	struct qlabels *q, bool sigs, struct fcut *fc)
{
	if (!c || q->len <= pc->alen || /* may_cut's answer then */
	    !may_cut(q, cw, c->len, pc->alen, sigs))
		return 0;
	fc->n = fast_cut(pc, c, cw, fix, q, sigs, &fc->ci);
	fc->cs = (uint16_t)(cw - w);
	return fc->n;
}

/* Octets w[0..len) to o with the cut name at kp (n octets of labels and
 * the pointer after them) a pointer to qoff instead and the RDLENGTH at
 * rdl (0: none) shortened, as put_cut writes it. */
static void cut_copy(uint8_t *o, const uint8_t *w, size_t len, size_t kp,
		     size_t rdl, unsigned qoff, unsigned n)
{
	memcpy(o, w, kp);
	o[kp] = (uint8_t)(0xc0 | qoff >> 8);
	o[kp + 1] = (uint8_t)qoff;
	memcpy(o + kp + 2, w + kp + n + 2, len - kp - n - 2);
	if (rdl) {
		unsigned l = (unsigned)(o[rdl] << 8 | o[rdl + 1]) - n;
		o[rdl] = (uint8_t)(l >> 8);
		o[rdl + 1] = (uint8_t)l;
	}
}

/* Patch the nfix pointers of a part of a piece with a cut, written from
 * base, as fix_part_cut: targets in part CUTP (canonical start tbase)
 * through cut_pos, the others by d per kind; in part CUTP itself
 * (incut) the positions too, and the pointer after the cut labels is
 * the one replaced. True when one would not be valid (as fast_fix). */
static inline __attribute__((always_inline)) bool fast_fix_cut(
	uint8_t *out, long base, const uint8_t *fix, unsigned nfix,
	const long *d, const struct cutmap *cm, long tbase, bool incut)
{
	const struct cutmap m = *cm; /* the stores to out could alias it */
	const uint8_t *end = fix + 2u * nfix;
	unsigned skip = incut ? (unsigned)(m.kp + m.c) : ~0u;
	bool bad = false;
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), pos = ZWT_FIX_POS(fx);
		unsigned kind = ZWT_FIX_KIND(fx);
		if (pos == skip)
			continue;
		long at = incut ? cut_pos(&m, pos) : base + (long)pos;
		uint16_t raw;
		memcpy(&raw, out + at, 2);
		long val = __builtin_bswap16(raw) & 0x3fff;
		val = kind == ZWT_FIX_PART0 + CUTP ? cut_pos(&m, val - tbase)
						   : val + d[kind];
		bad |= (unsigned long)(val - 12) >= (unsigned long)(at - 12);
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(out + at, &raw, 2);
	}
	return bad;
}

/* Patch the nfix pointers of a part just written at `at` (deltas d per
 * fixup kind); true when one would not be valid (set_ptr: the response
 * ends below 0x4000 here, so a pointer before its own position fits
 * 14 bits), then the octets do not matter. */
static inline bool fast_fix(uint8_t *out, size_t at, const uint8_t *fix,
			    unsigned nfix, const long *d)
{
	uint8_t *base = out + at;
	const uint8_t *end = fix + 2u * nfix;
	bool bad = false;
	for (; fix < end; fix += 2) {
		unsigned fx = zw_load16(fix), pos = ZWT_FIX_POS(fx);
		uint16_t raw;
		memcpy(&raw, base + pos, 2);
		size_t val = (size_t)((long)(__builtin_bswap16(raw) & 0x3fff) +
				      d[ZWT_FIX_KIND(fx)]);
		bad |= val - 12 >= at - 12 + pos;
		raw = __builtin_bswap16((uint16_t)(val | 0xc000));
		memcpy(base + pos, &raw, 2);
	}
	return bad;
}

/* Write the parts in mask of one piece (fixups from fix on), each at
 * off[k] (moved on), its pointers patched right after the copy: they
 * point backwards, into the question or this part or an earlier one of
 * the piece, all placed by then; no patches while nothing they point at
 * moved. True when a pointer would not be valid. */
static bool fast_seg(const uint8_t *p, const uint8_t *fix, uint8_t *out,
		     size_t off[ZWT_PARTS], size_t qlen, unsigned mask)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = p + pc->wire;
	long cpos = 12 + pc->alen + 4, d[2 + ZWT_PARTS] = {0};
	bool moved = qlen != pc->alen, bad = false;

	d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
	for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
		int k = __builtin_ctz(b);
		if (mask >> k & 1) {
			size_t at = off[k];
			off[k] += pd->len;
			d[ZWT_FIX_PART0 + k] = (long)at - cpos;
			moved |= (long)at != cpos;
			memcpy(out + at, w, pd->len);
			if (moved)
				bad |= fast_fix(out, at, fix, pd->nfix, d);
		}
		cpos += pd->len;
		w += pd->len;
		fix += 2u * pd->nfix;
	}
	return bad;
}

/* fast_seg for a piece with a name cut: part CUTP goes out as put_cut
 * writes it (fc->n octets shorter) and every part's pointers are
 * patched as fix_part_cut patches them. */
static bool fast_seg_cut(const uint8_t *p, const uint8_t *fix, uint8_t *out,
			 size_t off[ZWT_PARTS], size_t qlen, unsigned mask,
			 const struct fcut *fc)
{
	const struct zwt_piece *pc = (const struct zwt_piece *)p;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const uint8_t *w = p + pc->wire;
	long cpos = 12 + pc->alen + 4, d[2 + ZWT_PARTS] = {0};
	const struct cutmap cm = {(long)off[CUTP], fc->ci.keep, fc->n,
				  fc->ci.qoff};
	bool bad = false;

	d[ZWT_FIX_QSUF] = (long)(qlen - pc->alen);
	for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
		int k = __builtin_ctz(b);
		if (mask >> k & 1) {
			size_t at = off[k];
			off[k] += pd->len;
			d[ZWT_FIX_PART0 + k] = (long)at - cpos;
			if (k == CUTP) {
				cut_copy(out + at, w, pd->len, fc->ci.keep,
					 fc->ci.rdl, fc->ci.qoff, fc->n);
				off[k] -= fc->n;
			} else {
				memcpy(out + at, w, pd->len);
			}
			bad |= k == CUTP
				? fast_fix_cut(out, (long)at, fix, pd->nfix, d,
					       &cm, 12 + pc->alen + 4 + fc->cs,
					       true)
				: fast_fix_cut(out, (long)at, fix, pd->nfix, d,
					       &cm, 12 + pc->alen + 4 + fc->cs,
					       false);
		}
		cpos += pd->len;
		w += pd->len;
		fix += 2u * pd->nfix;
	}
	return bad;
}

/* emit_shifted's parts (from pd0, fixups from fix on, size octets of
 * them written, mask the parts written, d0 their deltas) with a cut:
 * one copy around it, then the pointers of every part written, as
 * fix_part_cut patches them. */
static bool shifted_cut(uint8_t *out, size_t at, const struct zwt_piece *pc,
			const struct zwt_part *pd0, const struct zwt_part *pend,
			const uint8_t *fix, size_t size, unsigned mask,
			const long *d0, const struct fcut *fc)
{
	const uint8_t *w = (const uint8_t *)pc + pc->wire;
	long canon = 12 + pc->alen + 4, d[2 + ZWT_PARTS], base = (long)at;
	const struct cutmap cm = {(long)at + fc->cs, fc->ci.keep, fc->n,
				  fc->ci.qoff};
	unsigned b = pc->parts;
	bool bad = false;

	cut_copy(out + at, w, size, fc->cs + fc->ci.keep,
		 fc->ci.rdl ? fc->cs + fc->ci.rdl : 0u, fc->ci.qoff, fc->n);
	memcpy(d, d0, sizeof(d));
	for (const struct zwt_part *x = pd0; x < pend; x++, b &= b - 1) {
		int k = __builtin_ctz(b);
		if (k == CUTP) /* two copies: with and without the cut */
			bad |= fast_fix_cut(out, base, fix, x->nfix, d, &cm,
					    canon + fc->cs, true);
		else
			bad |= fast_fix_cut(out, base, fix, x->nfix, d, &cm,
					    canon + fc->cs, false);
		base += x->len;
		fix += 2u * x->nfix;
		if (k == CUTP) { /* the parts after it moved back */
			base -= fc->n;
			for (int j = k + 1; j < ZWT_PARTS; j++)
				d[ZWT_FIX_PART0 + j] -=
					(mask >> j & 1) ? fc->n : 0;
		}
	}
	return bad;
}

/* One piece whose parts written (mask) come first: every part written
 * moves by the same delta (a negative answer's SOA for a name below the
 * apex, with DO or without and its RRSIG part last; a referral for a
 * name below the cut), so one memcpy, then the pointers; with a name
 * cut (a resolver asking for the glue of a referral: the NS target is
 * the query name) one copy around it (shifted_cut). FAST_GEN: the parts
 * written are not the first ones. */
static int emit_shifted(const struct tl_plan *p, uint8_t *out,
			size_t *ppos, size_t limit, const uint8_t *qw,
			uint16_t counts[4], unsigned mask)
{
	const struct zwt_piece *pc = (const void *)p->seg[0].pc;
	const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
	const struct zwt_part *c = NULL, *pd0 = pd, *pend = NULL;
	const uint8_t *w = (const uint8_t *)pc + pc->wire, *cw = w;
	struct qlabels q = {qw, p->names[0].len, 0, -1};
	size_t at = *ppos, size = 0;
	long d[2 + ZWT_PARTS];
	unsigned cnt[4] = {0};
	struct fcut fc;
	bool bad = false;

	for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
		int k = __builtin_ctz(b);
		if (k == CUTP) {
			c = pd;
			cw = w;
		}
		w += pd->len;
		if (!(mask >> k & 1)) {
			if (!pend)
				pend = pd;
		} else if (pend) {
			return FAST_GEN;
		} else {
			size += pd->len;
			cnt[ZWT_PART_SEC(k)] += pd->count;
		}
	}
	const uint8_t *fix = (const uint8_t *)pd;
	if (!pend)
		pend = pd;
	w = (const uint8_t *)pc + pc->wire;
	fc.n = seg_find_cut(pc, c, w, cw, fix, &q, p->sigs, &fc);
	size_t end = at + size - fc.n;
	if (end > limit || end > 0x4000)
		return FAST_NO;
	d[ZWT_FIX_QSTART] = 0;
	d[ZWT_FIX_QSUF] = (long)(q.len - pc->alen);
#pragma GCC unroll 6
	for (int k = 0; k < ZWT_PARTS; k++) /* 0: not written, as fix_seg */
		d[ZWT_FIX_PART0 + k] = ((long)at - (12 + pc->alen + 4)) &
				       -(long)(mask >> k & 1);
	if (fc.n) {
		bad = shifted_cut(out, at, pc, pd0, pend, fix, size, mask, d,
				  &fc);
	} else {
		memcpy(out + at, w, size);
		if (d[ZWT_FIX_QSUF] || (long)at != 12 + pc->alen + 4)
			for (const struct zwt_part *x = pd0; x < pend; x++) {
				bad |= fast_fix(out, at, fix, x->nfix, d);
				at += x->len;
				fix += 2u * x->nfix;
			}
	}
	if (bad)
		return FAST_BAD;
	for (int s = 1; s < 4; s++)
		counts[s] += (uint16_t)cnt[s];
	*ppos = end;
	return FAST_OK;
}

/* The usual general case: every piece compressed against the question
 * (no synthesised CNAME, no cut chain), everything fits (and ends below
 * 0x4000). Where each part goes is known from the part lengths (less
 * the cut names), so each piece is written in one go (fast_seg). The
 * same octets as setup, put_all and fix_seg write. */
static int emit_fast(const struct tl_plan *p, uint8_t *out, size_t *ppos,
		     size_t limit, const uint8_t *qw, uint16_t counts[4])
{
	unsigned mask = p->sigs ? 0x3fu : 0x15u, cnt[4] = {0};
	size_t at = *ppos, off[ZWT_PARTS] = {0};
	const uint8_t *fix[TL_MAXSEG];
	struct fcut fc;
	struct qlabels q = {qw, p->names[0].len, 0, -1};
	int cseg = -1; /* the segment with a name cut */
	bool bad = false;

	if (p->nsynth || p->cut)
		return FAST_NO;
	if (p->nseg == 1) {
		int f = emit_shifted(p, out, ppos, limit, qw, counts, mask);
		if (f != FAST_GEN)
			return f;
	}
	for (int i = 0; i < p->nseg; i++) {
		const struct zwt_piece *pc = (const void *)p->seg[i].pc;
		const struct zwt_part *pd = (const struct zwt_part *)(pc + 1);
		const struct zwt_part *c = NULL;
		const uint8_t *w0 = (const uint8_t *)pc + pc->wire;
		const uint8_t *w = w0, *cw = w;
		for (unsigned b = pc->parts; b; b &= b - 1, pd++) {
			int k = __builtin_ctz(b);
			if (k == CUTP) {
				c = pd;
				cw = w;
			}
			w += pd->len;
			if (mask >> k & 1) {
				off[k] += pd->len;
				cnt[ZWT_PART_SEC(k)] += pd->count;
			}
		}
		fix[i] = (const uint8_t *)pd;
		if (seg_find_cut(pc, c, w0, cw, fix[i], &q, p->sigs, &fc)) {
			if (cseg >= 0)
				return FAST_NO; /* several cuts */
			cseg = i;
			off[CUTP] -= fc.n;
		}
	}
#pragma GCC unroll 6
	for (int k = 0; k < ZWT_PARTS; k++) {
		size_t n = off[k];
		off[k] = at;
		at += n;
	}
	if (at > limit || at > 0x4000)
		return FAST_NO;
	for (int i = 0; i < p->nseg; i++)
		bad |= i == cseg ? fast_seg_cut(p->seg[i].pc, fix[i], out,
						off, q.len, mask, &fc)
				 : fast_seg(p->seg[i].pc, fix[i], out, off,
					    q.len, mask);
	if (bad)
		return FAST_BAD;
	for (int s = 1; s < 4; s++)
		counts[s] += (uint16_t)cnt[s];
	*ppos = at;
	return FAST_OK;
}

/* Everything else: setup, the parts in sections (RR group by RR group
 * when not everything fits), the pointer patches. Not inlined: its
 * state is large and the usual cases need none of it. */
static __attribute__((noinline)) size_t emit_general(
	const struct tl_plan *p, uint8_t *out, size_t pos, size_t limit,
	const uint8_t *qwire, uint16_t counts[4], bool *tc)
{
	struct em m;
	setup(&m, p, out, pos, limit, qwire);
	bool careful = pos + total_len(&m) > limit;

	put_sections(&m, careful);
	for (int i = 0; i < p->nseg; i++)
		if (p->seg[i].pc && !fix_seg(&m, i)) {
			/* a pointer would not fit 14 bits: give up the
			 * sections rather than send a broken message */
			m.pos = pos;
			m.tc = true;
			memset(m.counts, 0, sizeof(m.counts));
			break;
		}
	for (int s = 1; s < 4; s++)
		counts[s] = m.counts[s];
	*tc = m.tc;
	return m.pos;
}

size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qwire, uint16_t counts[4],
	       bool *tc)
{
	if (p->nseg == 1 && !p->nsynth && emit_whole(p, out, &pos, limit,
						      counts)) {
		*tc = false;
		return pos;
	}
	int f = emit_fast(p, out, &pos, limit, qwire, counts);
	if (f == FAST_NO)
		return emit_general(p, out, pos, limit, qwire, counts, tc);
	/* FAST_BAD: a pointer would not fit 14 bits: the sections are
	 * given up, as emit_general does */
	if (f == FAST_BAD)
		memset(counts + 1, 0, 3 * sizeof(counts[0]));
	*tc = f == FAST_BAD;
	return pos;
}
