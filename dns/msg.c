/* DNS message parser: every length is checked against the end of the
 * packet before it is used; names go through zw_name_unpack(), which only
 * follows pointers strictly backwards. */
#include <string.h>

#include "dns/err.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

#define ZW_TYPE_TSIG 250
#define RR_FIXED 10 /* type, class, ttl, rdlength */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}


/* Read the record at *p into rr (owner decompressed unless `owner` is
 * false, RDATA located) and advance *p past it. */
static int read_rr(const uint8_t *msg, const uint8_t *end, const uint8_t **p,
		   struct zw_msg_rr *rr, bool owner)
{
	int n = zw_name_unpack(owner ? rr->owner : NULL, msg, end, *p);
	const uint8_t *q;

	if (n < 0)
		return n;
	q = *p + n;
	if (end - q < RR_FIXED)
		return ZW_ETRUNC;
	rr->type = rd16(q);
	rr->rclass = rd16(q + 2);
	rr->ttl = rd32(q + 4);
	rr->wire_len = rd16(q + 8);
	rr->wire = q + RR_FIXED;
	if (end - rr->wire < rr->wire_len)
		return ZW_ETRUNC;
	rr->rdlen = 0;
	*p = rr->wire + rr->wire_len;
	return 0;
}

int zw_edns_opt_next(const uint8_t **p, const uint8_t *end, uint16_t *code,
		     uint16_t *len, const uint8_t **data)
{
	if (*p >= end)
		return 0;
	if (end - *p < 4)
		return ZW_ETRUNC;
	*code = rd16(*p);
	*len = rd16(*p + 2);
	if (end - *p - 4 < *len)
		return ZW_ETRUNC;
	*data = *p + 4;
	*p += 4 + *len;
	return 1;
}

int zw_edns_opt_find(const struct zw_edns *e, uint16_t code,
		     const uint8_t **data, uint16_t *len)
{
	const uint8_t *p = e->opts, *end;
	uint16_t c;

	if (!e->present || !p)
		return 0;
	end = p + e->optlen;
	while (zw_edns_opt_next(&p, end, &c, len, data) == 1)
		if (c == code)
			return 1;
	return 0;
}

/* Decode the OPT pseudo-RR (RFC 6891 §6.1.2-3). */
static int parse_opt(struct zw_msg *m, const struct zw_msg_rr *rr, int sec)
{
	const uint8_t *p = rr->wire, *end = rr->wire + rr->wire_len, *d;
	uint16_t code, len;
	int rc;

	if (sec != ZW_SEC_ADDITIONAL || rr->owner[0] != 0)
		return ZW_EMALF;
	if (m->edns.present)
		return ZW_EDUP;
	while ((rc = zw_edns_opt_next(&p, end, &code, &len, &d)) == 1)
		;
	if (rc < 0)
		return ZW_EMALF;
	m->edns.present = true;
	m->edns.udp_size = rr->rclass;
	m->edns.ext_rcode = (uint8_t)(rr->ttl >> 24);
	m->edns.version = (uint8_t)(rr->ttl >> 16);
	m->edns.flags = (uint16_t)rr->ttl;
	m->edns.opts = rr->wire;
	m->edns.optlen = rr->wire_len;
	return 0;
}

static int parse_questions(struct zw_msg *m, const uint8_t **p)
{
	uint8_t tmp[ZW_NAME_MAX];

	for (unsigned i = 0; i < m->hdr.count[ZW_SEC_QUESTION]; i++) {
		int n = zw_name_unpack(i ? tmp : m->qname, m->pkt, m->end, *p);

		if (n < 0)
			return n;
		*p += n;
		if (m->end - *p < 4)
			return ZW_ETRUNC;
		if (i == 0) {
			m->qtype = rd16(*p);
			m->qclass = rd16(*p + 2);
			m->has_question = true;
		}
		*p += 4;
	}
	return 0;
}

/* Check the records of one section; `last` is true for the section whose
 * final record may be a TSIG. */
static int parse_section(struct zw_msg *m, int sec, const uint8_t **p)
{
	struct zw_msg_rr rr;
	unsigned n = m->hdr.count[sec];
	int rc;

	for (unsigned i = 0; i < n; i++) {
		const uint8_t *start = *p;

		if ((rc = read_rr(m->pkt, m->end, p, &rr, false)) < 0)
			return rc;
		if (rr.type == ZW_TYPE_OPT &&
		    ((rc = zw_name_unpack(rr.owner, m->pkt, m->end, start)) < 0 ||
		     (rc = parse_opt(m, &rr, sec)) < 0))
			return rc;
		if (rr.type == ZW_TYPE_TSIG) {
			if (sec != ZW_SEC_ADDITIONAL || i + 1 != n)
				return ZW_EMALF; /* RFC 8945 §5.1: must be last */
			m->tsig = start;
		}
	}
	return 0;
}

int zw_msg_parse(struct zw_msg *m, const uint8_t *pkt, size_t len)
{
	const uint8_t *p;
	int rc;

	memset(&m->hdr, 0, sizeof(m->hdr));
	memset(&m->edns, 0, sizeof(m->edns));
	m->pkt = pkt;
	m->end = pkt + len;
	m->has_question = false;
	m->qname[0] = 0;
	m->qtype = m->qclass = 0;
	m->rrs = m->tsig = NULL;
	if (len < ZW_MSG_HDR_LEN)
		return ZW_ETRUNC;
	m->hdr.id = rd16(pkt);
	m->hdr.flags = rd16(pkt + 2);
	for (int s = 0; s < 4; s++)
		m->hdr.count[s] = rd16(pkt + 4 + 2 * s);
	p = pkt + ZW_MSG_HDR_LEN;
	if ((rc = parse_questions(m, &p)) < 0)
		return rc;
	m->rrs = p;
	for (int s = ZW_SEC_ANSWER; s <= ZW_SEC_ADDITIONAL; s++)
		if ((rc = parse_section(m, s, &p)) < 0)
			return rc;
	return p == m->end ? 0 : ZW_ETRAILING;
}

uint16_t zw_msg_rcode(const struct zw_msg *m)
{
	return (uint16_t)(m->edns.ext_rcode << 4 | ZW_MSG_RCODE(m->hdr.flags));
}

void zw_msg_iter_init(struct zw_msg_iter *it, const struct zw_msg *m)
{
	it->m = m;
	it->pos = m->rrs;
	it->section = ZW_SEC_ANSWER;
	it->left = m->hdr.count[ZW_SEC_ANSWER];
}

int zw_msg_iter_next(struct zw_msg_iter *it, struct zw_msg_rr *rr,
		     uint8_t *rdata, size_t rdmax)
{
	const struct zw_msg *m = it->m;
	int rc;

	while (it->left == 0) {
		if (it->section >= ZW_SEC_ADDITIONAL)
			return 0;
		it->left = m->hdr.count[++it->section];
	}
	if (!it->pos)
		return ZW_EMALF; /* zw_msg_parse failed or was not called */
	if ((rc = read_rr(m->pkt, m->end, &it->pos, rr, true)) < 0)
		return rc;
	it->left--;
	rr->section = (enum zw_section)it->section;
	if (!rdata)
		return 1;
	if (rdmax > ZW_RDATA_MAX)
		rdmax = ZW_RDATA_MAX; /* rdlen is 16 bits even decompressed */
	rc = zw_rdata_unpack(rr->type, m->pkt, m->end, rr->wire, rr->wire_len,
			     rdata, rdmax);
	if (rc < 0)
		return rc;
	rr->rdlen = (uint16_t)rc;
	return 1;
}

/* ---- writer ---- */

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

void zw_msg_writer_init(struct zw_msg_writer *w, uint8_t *buf, size_t cap,
			uint16_t id, uint16_t flags)
{
	/* Field by field: the compression table needs no clearing. */
	w->reserved = 0;
	w->err = 0;
	w->full = false;
	w->section = ZW_SEC_QUESTION;
	memset(w->count, 0, sizeof(w->count));
	w->nctab = 0;
	w->opt_pos = 0;
	w->ext_rcode = 0;
	w->pos = 0;
	w->buf = buf;
	w->cap = cap > ZW_MSG_MAX ? ZW_MSG_MAX : cap;
	if (w->cap < ZW_MSG_HDR_LEN) {
		w->err = ZW_ENOSPC;
		return;
	}
	memset(buf, 0, ZW_MSG_HDR_LEN);
	wr16(buf, id);
	wr16(buf + 2, flags);
	w->pos = ZW_MSG_HDR_LEN;
}

void zw_msg_set_flags(struct zw_msg_writer *w, uint16_t set, uint16_t clear)
{
	uint16_t f;

	if (w->cap < ZW_MSG_HDR_LEN)
		return;
	f = rd16(w->buf + 2);
	wr16(w->buf + 2, (uint16_t)((f & ~clear) | set));
}

void zw_msg_set_rcode(struct zw_msg_writer *w, uint16_t rcode)
{
	zw_msg_set_flags(w, rcode & 0xf, 0xf);
	w->ext_rcode = (uint8_t)(rcode >> 4);
	if (w->opt_pos)
		w->buf[w->opt_pos + 5] = w->ext_rcode; /* TTL's first octet */
}

void zw_msg_reserve(struct zw_msg_writer *w, size_t n)
{
	w->reserved = n;
}

/* How put_name treats a name. Matching is exact (case preserved, so AXFR
 * and 0x20 clients get back the octets they expect), except that an owner
 * may point into the question case-insensitively: the answer then takes
 * the query's case, as BIND and Knot answer. */
enum name_mode {
	NAME_LITERAL,  /* written whole (RDATA names of newer types) */
	NAME_COMPRESS, /* RFC 1035 RDATA names */
	NAME_OWNER,
	NAME_QUESTION,
};

/* Whether the (trusted, self-written) name at buf[off] equals `name`.
 * Pointers in our own output only point backwards. */
static bool match_at(const uint8_t *buf, size_t off, const uint8_t *name,
		     bool icase)
{
	const uint8_t *p = buf + off;

	for (;;) {
		while ((*p & 0xc0) == 0xc0)
			p = buf + ((size_t)(p[0] & 0x3f) << 8 | p[1]);
		if (*p != *name)
			return false;
		if (*p == 0)
			return true;
		if (!icase && memcmp(p + 1, name + 1, *p) != 0)
			return false;
		for (uint8_t i = 1; icase && i <= *p; i++)
			if (lower(p[i]) != lower(name[i]))
				return false;
		p += *p + 1;
		name += *name + 1;
	}
}

/* Longest suffix of `name` already in the message: sets *skip to the
 * labels before it and returns its offset, or -1 when only the root is
 * shared. */
static int find_suffix(const struct zw_msg_writer *w, const uint8_t *name,
		       int labels, enum name_mode mode, int *skip)
{
	const uint8_t *s = name;

	for (int i = 0; i < labels; i++, s += *s + 1) {
		for (int e = 0; e < w->nctab; e++) {
			const struct zw_msg_ctab_ent *c = &w->ctab[e];
			bool icase = mode == NAME_OWNER && c->question;

			if (c->labels == labels - i &&
			    match_at(w->buf, c->off, s, icase)) {
				*skip = i;
				return c->off;
			}
		}
	}
	*skip = labels;
	return -1;
}

/* Remember the suffixes of a name just written at `at` (its first `n`
 * labels are literal there) as compression targets. */
static void remember(struct zw_msg_writer *w, size_t at, const uint8_t *name,
		     int labels, int n, bool question)
{
	const uint8_t *s = name;

	for (int i = 0; i < n && w->nctab < ZW_MSG_CTAB; i++, s += *s + 1) {
		size_t off = at + (size_t)(s - name);

		if (off >= 0x4000)
			return; /* a pointer cannot reach it */
		w->ctab[w->nctab].off = (uint16_t)off;
		w->ctab[w->nctab].labels = (uint8_t)(labels - i);
		w->ctab[w->nctab].question = question;
		w->nctab++;
	}
}

static size_t room(const struct zw_msg_writer *w)
{
	size_t lim = w->cap > w->reserved ? w->cap - w->reserved : 0;

	return lim > w->pos ? lim - w->pos : 0;
}

/* Write a name; its literal labels become compression targets whatever
 * the mode (pointing into any earlier name is allowed). */
static int put_name(struct zw_msg_writer *w, const uint8_t *name,
		    enum name_mode mode)
{
	int labels = zw_name_labels(name), skip = labels, ptr = -1;
	size_t lit, need;

	if (mode != NAME_LITERAL)
		ptr = find_suffix(w, name, labels, mode, &skip);
	lit = (size_t)(zw_name_skip(name, skip) - name);
	need = lit + (ptr >= 0 ? 2 : 1);
	if (need > room(w))
		return ZW_ENOSPC;
	memcpy(w->buf + w->pos, name, lit);
	remember(w, w->pos, name, labels, skip, mode == NAME_QUESTION);
	w->pos += lit;
	if (ptr >= 0) {
		wr16(w->buf + w->pos, (uint16_t)(0xc000 | ptr));
		w->pos += 2;
	} else {
		w->buf[w->pos++] = 0;
	}
	return 0;
}

static int put_bytes(struct zw_msg_writer *w, const void *p, size_t n)
{
	if (n == 0)
		return 0; /* p may be NULL */
	if (n > room(w))
		return ZW_ENOSPC;
	memcpy(w->buf + w->pos, p, n);
	w->pos += n;
	return 0;
}

int zw_msg_put_question(struct zw_msg_writer *w, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass)
{
	uint8_t f[4];
	int rc;

	if (w->err)
		return w->err;
	if (w->section != ZW_SEC_QUESTION || w->count[0] == 0xffff)
		return w->err = ZW_EMALF;
	wr16(f, qtype);
	wr16(f + 2, qclass);
	if ((rc = put_name(w, qname, NAME_QUESTION)) < 0 ||
	    (rc = put_bytes(w, f, 4)) < 0)
		return w->err = rc;
	w->count[0]++;
	return 0;
}

/* Embedded names of well-formed RDATA are written through put_name so the
 * RFC 1035 types get compressed; the rest is copied. */
static int put_rdata(struct zw_msg_writer *w, uint16_t type,
		     const uint8_t *rd, uint16_t rdlen)
{
	size_t off[8], done = 0;
	bool comp[8];
	int n = zw_rdata_names(type, rd, rdlen, off, comp, 8), rc;

	if (n > 8)
		return ZW_ERDATA; /* no known type has that many names */
	for (int i = 0; i < n; i++) {
		int len = zw_name_check(rd + off[i], rd + rdlen);

		if (off[i] < done || len < 0)
			return ZW_ERDATA;
		if ((rc = put_bytes(w, rd + done, off[i] - done)) < 0 ||
		    (rc = put_name(w, rd + off[i],
				       comp[i] ? NAME_COMPRESS : NAME_LITERAL)) < 0)
			return rc;
		done = off[i] + (size_t)len;
	}
	return put_bytes(w, rd + done, rdlen - done);
}

/* Record header and data; on failure the caller rolls back. */
static int put_rr(struct zw_msg_writer *w, const uint8_t *owner,
		  uint16_t type, uint16_t rclass, uint32_t ttl,
		  const uint8_t *rdata, uint16_t rdlen)
{
	uint8_t f[RR_FIXED];
	size_t rdpos;
	int rc;

	wr16(f, type);
	wr16(f + 2, rclass);
	wr32(f + 4, ttl);
	wr16(f + 8, 0);
	if ((rc = put_name(w, owner, NAME_OWNER)) < 0 ||
	    (rc = put_bytes(w, f, RR_FIXED)) < 0)
		return rc;
	rdpos = w->pos;
	if ((rc = put_rdata(w, type, rdata, rdlen)) < 0)
		return rc;
	if (w->pos - rdpos > 0xffff)
		return ZW_ERDATA;
	wr16(w->buf + rdpos - 2, (uint16_t)(w->pos - rdpos));
	return 0;
}

static int check_order(struct zw_msg_writer *w, int section)
{
	if (section < ZW_SEC_ANSWER || section > ZW_SEC_ADDITIONAL ||
	    section < w->section || w->count[section] == 0xffff)
		return w->err = ZW_EMALF;
	return 0;
}

int zw_msg_put_rr(struct zw_msg_writer *w, enum zw_section section,
		  const uint8_t *owner, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	struct zw_msg_mark mk;
	int rc;

	if (w->err)
		return w->err;
	if (w->full)
		return ZW_ENOSPC;
	if ((rc = check_order(w, (int)section)) < 0)
		return rc;
	zw_msg_mark(w, &mk);
	rc = put_rr(w, owner, type, rclass, ttl, rdata, rdlen);
	if (rc == ZW_ENOSPC) {
		zw_msg_rollback(w, &mk);
		w->full = true;
		if (section != ZW_SEC_ADDITIONAL)
			zw_msg_set_flags(w, ZW_MSG_TC, 0);
		return rc;
	}
	if (rc < 0)
		return w->err = rc;
	w->section = (int)section;
	w->count[section]++;
	return 0;
}

int zw_msg_put_opt(struct zw_msg_writer *w, uint16_t udp_size,
		   uint8_t version, uint16_t flags)
{
	uint8_t rr[11] = { 0 };
	int rc;

	if (w->err)
		return w->err;
	if (w->opt_pos)
		return w->err = ZW_EDUP;
	if ((rc = check_order(w, ZW_SEC_ADDITIONAL)) < 0)
		return rc;
	w->reserved = 0;
	wr16(rr + 1, ZW_TYPE_OPT);
	wr16(rr + 3, udp_size);
	rr[5] = w->ext_rcode;
	rr[6] = version;
	wr16(rr + 7, flags);
	if ((rc = put_bytes(w, rr, sizeof(rr))) < 0)
		return w->err = rc;
	w->opt_pos = w->pos - sizeof(rr);
	w->section = ZW_SEC_ADDITIONAL;
	w->count[ZW_SEC_ADDITIONAL]++;
	return 0;
}

int zw_msg_put_opt_option(struct zw_msg_writer *w, uint16_t code,
			  const uint8_t *data, uint16_t len)
{
	uint8_t h[4];
	size_t rdl;
	int rc;

	if (w->err)
		return w->err;
	if (!w->opt_pos)
		return w->err = ZW_ENOTFOUND;
	rdl = rd16(w->buf + w->opt_pos + 9);
	if (w->opt_pos + 11 + rdl != w->pos || rdl + 4 + len > 0xffff)
		return w->err = ZW_EMALF; /* OPT is no longer last */
	wr16(h, code);
	wr16(h + 2, len);
	if ((rc = put_bytes(w, h, 4)) < 0 || (rc = put_bytes(w, data, len)) < 0)
		return w->err = rc;
	wr16(w->buf + w->opt_pos + 9, (uint16_t)(rdl + 4 + len));
	return 0;
}

void zw_msg_mark(const struct zw_msg_writer *w, struct zw_msg_mark *mk)
{
	mk->pos = w->pos;
	memcpy(mk->count, w->count, sizeof(mk->count));
	mk->nctab = w->nctab;
	mk->section = w->section;
	mk->opt_pos = w->opt_pos;
}

void zw_msg_rollback(struct zw_msg_writer *w, const struct zw_msg_mark *mk)
{
	w->pos = mk->pos;
	memcpy(w->count, mk->count, sizeof(w->count));
	w->nctab = mk->nctab;
	w->section = mk->section;
	w->opt_pos = mk->opt_pos;
	w->full = false;
	if (w->err == ZW_ENOSPC)
		w->err = 0;
}

int zw_msg_finish(struct zw_msg_writer *w)
{
	if (w->err)
		return w->err;
	if (w->ext_rcode && !w->opt_pos)
		return ZW_ERANGE; /* RCODE > 15 needs an OPT record */
	for (int s = 0; s < 4; s++)
		wr16(w->buf + 4 + 2 * s, w->count[s]);
	return (int)w->pos;
}
