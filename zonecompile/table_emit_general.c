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

#include "zonecompile/table_emit_int.h"

#define NSKIP 8
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

/* With a cut in part TL_CUTP: its own pointers move with the cut, and
 * pointers into it from later parts go through cut_pos. */
static bool fix_part_cut(struct em *m, int i, int k, const long *d)
{
	const struct zwt_pview *v = &m->v[i];
	const struct cutmap cm = {m->at[i][TL_CUTP], m->keep[i][TL_CUTP],
				  m->cut[i][TL_CUTP], m->qoff[i][TL_CUTP]};
	long tbase = 12 + v->pc->alen + 4 + v->off[TL_CUTP];
	unsigned skip = k == TL_CUTP ? (unsigned)(cm.kp + cm.c) : ~0u;
	unsigned done = m->done[i][k], tkind = ZWT_FIX_PART0 + TL_CUTP;
	long base = m->at[i][k];
	for (unsigned f = 0; f < v->part[k]->nfix; f++) {
		uint16_t fx = zw_load16(v->fix[k] + 2 * f);
		unsigned pos = ZWT_FIX_POS(fx), kind = ZWT_FIX_KIND(fx);
		long sh = add_shift(m, i, k, pos);
		if (pos + 2 > done || pos == skip || sh < 0)
			continue; /* not written, or the cut name's */
		long at = k == TL_CUTP ? cut_pos(&cm, pos)
				       : base + (long)pos - sh;
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
			      v->wire + v->off[TL_CUTP], v->part[TL_CUTP]->len,
			      unit0_len(m, i, TL_CUTP), v->pc->alen, &ci);
	if (!n)
		return;
	m->cut[i][TL_CUTP] = n;
	m->keep[i][TL_CUTP] = ci.keep;
	m->rdl[i][TL_CUTP] = ci.rdl;
	m->qoff[i][TL_CUTP] = ci.qoff;
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
	/* a name written out whole: name_at past its end (an anchor of
	 * no octets in a corrupt table) as the fast paths count it */
	for (int i = 0; i < p->nnames; i++) {
		m->lit[i] = p->names[i].len;
		m->qsfx[i] = (uint16_t)(p->names[i].pos + p->names[i].len);
	}
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
		if (m->v[i].part[TL_CUTP] && p->seg[i].name == 0)
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

/* Everything else: setup, the parts in sections (RR group by RR group
 * when not everything fits), the pointer patches. Not inlined (where
 * the fuzz and test builds compile tl_emit with it): its state is large
 * and the usual cases need none of it. */
__attribute__((noinline)) size_t tl_emit_general(
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
