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

struct em {
	const struct tl_plan *p;
	uint8_t *out;
	size_t pos, limit;
	const uint8_t *qwire;
	struct zwt_pview v[TL_MAXSEG];
	int32_t at[TL_MAXSEG][ZWT_PARTS];  /* where each part went, -1 none */
	uint16_t done[TL_MAXSEG][ZWT_PARTS]; /* octets of it written */
	struct tl_pname names[TL_MAXNAMES];
	uint16_t counts[4];
	bool full, tc;
};

static size_t synth_len(const struct em *m, const struct tl_synth *s)
{
	(void)m;
	return 2 + 10 + s->prefix + s->suffixlen;
}

/* The synthesised CNAME of a DNAME step. */
static bool put_synth(struct em *m, const struct tl_synth *s)
{
	size_t need = synth_len(m, s);
	const struct tl_pname *o = &m->names[s->name];
	const uint8_t *owner = s->name ? m->out + o->pos : m->qwire;

	if (m->full) {
		m->tc = true; /* a CNAME of the answer left out */
		return false;
	}
	if (m->pos + need > m->limit || o->pos > 0x3fff) {
		m->full = m->tc = true;
		return false;
	}
	uint8_t *w = m->out + m->pos;
	uint16_t rdlen = (uint16_t)(s->prefix + s->suffixlen);
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
	memmove(w + 12, owner, s->prefix);
	memcpy(w + 12 + s->prefix, s->suffix, s->suffixlen);
	m->names[s->target].pos = (uint16_t)(m->pos + 12);
	m->names[s->target].len = (uint8_t)rdlen;
	m->pos += need;
	m->counts[1]++;
	return true;
}

/* Copy part k of segment i whole. */
static void put_part(struct em *m, int i, int k)
{
	const struct zwt_part *pd = m->v[i].part[k];
	memcpy(m->out + m->pos, m->v[i].wire + m->v[i].off[k], pd->len);
	m->at[i][k] = (int32_t)m->pos;
	m->done[i][k] = pd->len;
	m->pos += pd->len;
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
		*end = zwt_get16(u + ZWT_UNIT_SIZE * j);
		*cnt = zwt_get16(u + ZWT_UNIT_SIZE * j + 2);
		*mode = zwt_get16(u + ZWT_UNIT_SIZE * j + 4);
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

/* Copy part k of segment i group by group while it fits. */
static void put_part_units(struct em *m, int i, int k)
{
	const struct zwt_part *pd = m->v[i].part[k];
	const uint8_t *u = m->v[i].units[k];
	unsigned nu = pd->nunit > 1 ? pd->nunit : 1;
	uint16_t from = 0;

	if (m->full) {
		left_out(m, pd, u, 0);
		return;
	}
	m->at[i][k] = (int32_t)m->pos;
	for (unsigned j = 0; j < nu; j++) {
		uint16_t end, cnt, mode;
		unit_at(pd, u, j, &end, &cnt, &mode);
		size_t n = (size_t)end - from;
		if (m->pos + n > m->limit) {
			m->full = true;
			left_out(m, pd, u, j);
			break;
		}
		memcpy(m->out + m->pos, m->v[i].wire + m->v[i].off[k] + from,
		       n);
		m->pos += n;
		m->counts[ZWT_PART_SEC(k)] += cnt;
		m->done[i][k] = end;
		from = end;
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

static void put_sections(struct em *m, bool careful)
{
	const struct tl_plan *p = m->p;
	for (int sec = 0; sec < 3; sec++) {
		for (int sig = 0; sig < 2; sig++) {
			if (sig && !p->sigs)
				continue;
			int k = sec * 2 + sig;
			for (int i = 0; i < p->nseg; i++) {
				if (k == 0 && p->nsynth)
					put_synths_at(m, i, careful);
				if (!p->seg[i].pc || !m->v[i].part[k] ||
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

/* Patch the pointers of segment i for where its name and parts went. */
static bool fix_seg(struct em *m, int i)
{
	const struct zwt_pview *v = &m->v[i];
	const struct tl_pname *nm = &m->names[m->p->seg[i].name];
	long alen = v->pc->alen;
	long canon = 12 + alen + 4;
	long d[2 + ZWT_PARTS];
	bool any = false;

	d[ZWT_FIX_QSTART] = (long)nm->pos - 12;
	d[ZWT_FIX_QSUF] = (long)nm->pos - 12 + nm->len - alen;
	for (int k = 0; k < ZWT_PARTS; k++) {
		d[ZWT_FIX_PART0 + k] = m->at[i][k] < 0 ? 0 :
				       m->at[i][k] - (canon + v->off[k]);
	}
	for (int k = 0; k < 2 + ZWT_PARTS; k++)
		any |= d[k] != 0;
	if (!any)
		return true;
	for (int k = 0; k < ZWT_PARTS; k++) {
		if (m->at[i][k] < 0 || !v->part[k])
			continue;
		for (unsigned f = 0; f < v->part[k]->nfix; f++) {
			uint16_t fx = zwt_get16(v->fix[k] + 2 * f);
			unsigned pos = ZWT_FIX_POS(fx);
			if (pos + 2 > m->done[i][k])
				continue;
			uint8_t *w = m->out + m->at[i][k] + pos;
			long val = ((w[0] & 0x3f) << 8 | w[1]) +
				   d[ZWT_FIX_KIND(fx)];
			if (val < 12 || val > 0x3fff ||
			    val >= (long)(m->at[i][k] + pos))
				return false;
			w[0] = (uint8_t)(0xc0 | val >> 8);
			w[1] = (uint8_t)val;
		}
	}
	return true;
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
	memset(m->counts, 0, sizeof(m->counts));
	memcpy(m->names, p->names, sizeof(m->names[0]) * (size_t)p->nnames);
	for (int i = 0; i < p->nseg; i++) {
		for (int k = 0; k < ZWT_PARTS; k++) {
			m->at[i][k] = -1;
			m->done[i][k] = 0;
		}
		if (p->seg[i].pc)
			zwt_piece_view(p->seg[i].pc, SIZE_MAX, &m->v[i]);
	}
}

static size_t total_len(const struct em *m)
{
	size_t n = 0;
	for (int i = 0; i < m->p->nseg; i++)
		for (int k = 0; k < ZWT_PARTS; k++)
			if (m->v[i].part[k] && (m->p->sigs || !(k & 1)))
				n += m->v[i].part[k]->len;
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

size_t tl_emit(const struct tl_plan *p, uint8_t *out, size_t pos,
	       size_t limit, const uint8_t *qwire, uint16_t counts[4],
	       bool *tc)
{
	struct em m;
	if (p->nseg == 1 && !p->nsynth && emit_whole(p, out, &pos, limit,
						      counts)) {
		*tc = false;
		return pos;
	}
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
