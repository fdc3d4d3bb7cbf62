/* A response printed as dig (BIND 9.18) prints it: header and flags
 * lines, the OPT pseudosection, then each non-empty section, one RR per
 * line with BIND's tab columns (owner, TTL at 24, class at 32, type at
 * 40, RDATA at 48; a field past its column gets one space). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "zonecompile/table_print.h"

struct out {
	char *buf;
	size_t cap, len;
	unsigned col;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
	for (size_t i = 0; i < n; i++)
		o->col = s[i] == '\n' ? 0 : s[i] == '\t' ? (o->col / 8 + 1) * 8
							: o->col + 1;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void pf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* BIND's indent(): tabs up to column `to`, or one space when past it. */
static void indent(struct out *o, unsigned to)
{
	unsigned from = o->col;
	if (to < from + 1)
		to = from + 1;
	unsigned tabs = to / 8 - from / 8;
	if (tabs)
		for (unsigned i = 0; i < tabs; i++)
			put(o, "\t", 1);
	else
		for (unsigned i = from; i < to; i++)
			put(o, " ", 1);
}

static const char *rcode_name(unsigned rc)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "RESERVED11", "RESERVED12", "RESERVED13",
		"RESERVED14", "RESERVED15", "BADVERS"};
	return rc < 17 ? names[rc] : "RESERVED";
}

static void header(struct out *o, const struct zw_msg *m)
{
	static const struct { uint16_t bit; const char *name; } fl[] = {
		{ZW_MSG_QR, "qr"}, {ZW_MSG_AA, "aa"}, {ZW_MSG_TC, "tc"},
		{ZW_MSG_RD, "rd"}, {ZW_MSG_RA, "ra"}, {ZW_MSG_AD, "ad"},
		{ZW_MSG_CD, "cd"}};
	const char *op = ZW_MSG_OPCODE(m->hdr.flags) == 0 ? "QUERY" :
			 ZW_MSG_OPCODE(m->hdr.flags) == 4 ? "NOTIFY" :
			 ZW_MSG_OPCODE(m->hdr.flags) == 5 ? "UPDATE" : "RESERVED";
	pf(o, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n", op,
	   rcode_name(zw_msg_rcode(m)), m->hdr.id);
	puts_(o, ";; flags:");
	for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
		if (m->hdr.flags & fl[i].bit)
			pf(o, " %s", fl[i].name);
	pf(o, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
	   m->hdr.count[0], m->hdr.count[1], m->hdr.count[2],
	   m->hdr.count[3]);
}

static void opt_section(struct out *o, const struct zw_msg *m)
{
	const struct zw_edns *e = &m->edns;
	const uint8_t *p = e->opts, *end = e->opts + e->optlen;
	uint16_t code, len;
	const uint8_t *data;

	puts_(o, "\n;; OPT PSEUDOSECTION:\n");
	pf(o, "; EDNS: version: %u, flags:%s; udp: %u\n", e->version,
	   (e->flags & ZW_EDNS_DO) ? " do" : "", e->udp_size);
	while (zw_edns_opt_next(&p, end, &code, &len, &data) > 0) {
		if (code == ZW_EDNS_EDE && len >= 2) {
			unsigned info = (unsigned)(data[0] << 8 | data[1]);
			pf(o, "; EDE: %u%s\n", info,
			   info == 20 ? " (Not Authoritative)" : "");
		} else {
			pf(o, "; OPT=%u\n", code);
		}
	}
}

static void rr_line(struct out *o, const struct zw_msg_rr *rr,
		    const uint8_t *rd, char *text, size_t textmax)
{
	char name[ZW_NAME_STR_MAX], type[32], cls[32];
	zw_name_to_str(rr->owner, name, sizeof name);
	zw_rrtype_to_str(rr->type, type, sizeof type);
	zw_class_to_str(rr->rclass, cls, sizeof cls);
	if (zw_rdata_to_str(rr->type, rd, rr->rdlen, text, textmax) < 0)
		zw_rdata_to_generic(rd, rr->rdlen, text, textmax);
	puts_(o, name);
	indent(o, 24);
	pf(o, "%u", rr->ttl);
	indent(o, 32);
	puts_(o, cls);
	indent(o, 40);
	puts_(o, type);
	indent(o, 48);
	puts_(o, text);
	puts_(o, "\n");
}

static void question(struct out *o, const struct zw_msg *m)
{
	char name[ZW_NAME_STR_MAX], type[32], cls[32];
	if (!m->has_question)
		return;
	zw_name_to_str(m->qname, name, sizeof name);
	zw_rrtype_to_str(m->qtype, type, sizeof type);
	zw_class_to_str(m->qclass, cls, sizeof cls);
	puts_(o, ";; QUESTION SECTION:\n;");
	o->col = 0; /* BIND does not count the ';' */
	puts_(o, name);
	indent(o, 32);
	puts_(o, cls);
	indent(o, 40);
	puts_(o, type);
	puts_(o, "\n");
}

int zw_table_print_dig(const uint8_t *msg, size_t len, char *buf,
		       size_t cap, char *text, size_t textmax)
{
	static const char *const secname[] = {"", "ANSWER", "AUTHORITY",
					       "ADDITIONAL"};
	struct out o = {buf, cap, 0, 0, false};
	struct zw_msg m;
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	uint8_t rd[ZW_RDATA_MAX];
	int sec = 0, rc;

	if (cap)
		buf[0] = '\0';
	if ((rc = zw_msg_parse(&m, msg, len)) < 0)
		return rc;
	header(&o, &m);
	if (m.edns.present)
		opt_section(&o, &m);
	else
		puts_(&o, "\n");
	question(&o, &m);
	zw_msg_iter_init(&it, &m);
	while ((rc = zw_msg_iter_next(&it, &rr, rd, sizeof rd)) > 0) {
		if (rr.type == ZW_TYPE_OPT)
			continue;
		if ((int)rr.section != sec) {
			sec = (int)rr.section;
			pf(&o, "\n;; %s SECTION:\n", secname[sec]);
		}
		rr_line(&o, &rr, rd, text, textmax);
	}
	if (rc < 0)
		return rc;
	puts_(&o, "\n");
	return o.full ? -1 : (int)o.len;
}
