/* DNS messages (RFC 1035 §4, EDNS(0) RFC 6891): a parser over [pkt, end)
 * and a writer over a caller buffer. Nothing here allocates.
 *
 * Parsing: zw_msg_parse() checks the whole message once (header, every
 * question, every RR's owner, fixed fields and RDLENGTH against the end of
 * the buffer, compression pointers strictly backwards, at most one OPT, in
 * the additional section with root owner; TSIG, if any, last) and extracts
 * the header, the first question and the OPT. zw_msg_iter_next() then walks
 * the records, decompressing owner names and (on request) RDATA into caller
 * storage.
 *
 * Writing: zw_msg_writer_init() + zw_msg_put_question() + zw_msg_put_rr()
 * ... + zw_msg_finish(). Errors are sticky: after one, every put returns
 * it and finish fails, so callers may check once at the end. A record that
 * does not fit is rolled back whole, TC is set (except in the additional
 * section, RFC 2181 §9) and later records are refused; space reserved with
 * zw_msg_reserve() stays free for the OPT record. Owners, the question and
 * the RDATA names of the RFC 1035 types are compressed against any earlier
 * name (RDATA names of other types included) of exactly the same octets;
 * only an owner may match the question case-insensitively, so answers
 * carry the query's case (0x20) as other servers do. */
#ifndef ZW_DNS_MSG_H
#define ZW_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"

#define ZW_MSG_HDR_LEN 12
#define ZW_MSG_MAX 65535

/* Header flag bits (the 16-bit word after the ID). */
#define ZW_MSG_QR 0x8000
#define ZW_MSG_AA 0x0400
#define ZW_MSG_TC 0x0200
#define ZW_MSG_RD 0x0100
#define ZW_MSG_RA 0x0080
#define ZW_MSG_AD 0x0020
#define ZW_MSG_CD 0x0010
#define ZW_MSG_OPCODE(flags) (((flags) >> 11) & 0xf)
#define ZW_MSG_RCODE(flags) ((flags) & 0xf)

enum zw_opcode {
	ZW_OPCODE_QUERY = 0,
	ZW_OPCODE_NOTIFY = 4,
	ZW_OPCODE_UPDATE = 5,
};

enum zw_rcode {
	ZW_RCODE_NOERROR = 0,
	ZW_RCODE_FORMERR = 1,
	ZW_RCODE_SERVFAIL = 2,
	ZW_RCODE_NXDOMAIN = 3,
	ZW_RCODE_NOTIMP = 4,
	ZW_RCODE_REFUSED = 5,
	ZW_RCODE_NOTAUTH = 9,
	ZW_RCODE_BADVERS = 16, /* needs EDNS: high bits live in the OPT TTL */
};

/* EDNS option codes used by the project. */
enum zw_edns_opt {
	ZW_EDNS_NSID = 3,
	ZW_EDNS_CLIENT_SUBNET = 8,
	ZW_EDNS_COOKIE = 10,
	ZW_EDNS_KEEPALIVE = 11,
	ZW_EDNS_PADDING = 12,
	ZW_EDNS_EDE = 15,
};

#define ZW_EDNS_DO 0x8000 /* in zw_edns.flags */

enum zw_section {
	ZW_SEC_QUESTION = 0,
	ZW_SEC_ANSWER = 1,
	ZW_SEC_AUTHORITY = 2,
	ZW_SEC_ADDITIONAL = 3,
};

struct zw_msg_hdr {
	uint16_t id;
	uint16_t flags;
	uint16_t count[4]; /* indexed by enum zw_section */
};

/* The OPT pseudo-record, decoded. opts/optlen is its RDATA inside the
 * message: a sequence of options already checked to fit exactly. */
struct zw_edns {
	bool present;
	uint16_t udp_size; /* as sent; RFC 6891 says treat < 512 as 512 */
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit RCODE */
	uint8_t version;
	uint16_t flags; /* DO and the Z bits */
	const uint8_t *opts;
	uint16_t optlen;
};

/* A checked message. Pointers refer into the caller's packet, which must
 * outlive this struct. */
struct zw_msg {
	const uint8_t *pkt, *end;
	struct zw_msg_hdr hdr;
	bool has_question; /* qdcount >= 1 */
	uint8_t qname[ZW_NAME_MAX];
	uint16_t qtype, qclass;
	struct zw_edns edns;
	const uint8_t *rrs;  /* first RR after the questions */
	const uint8_t *tsig; /* the TSIG RR (its owner), or NULL */
};

/* Parse and check a whole message. Returns 0 or a negative zw_err:
 * ZW_ETRUNC (a field runs past the end), ZW_ETRAILING (bytes after the last
 * record), ZW_ECOMPRESS, ZW_ELABEL, ZW_ENAMELEN (bad names), ZW_EDUP (two
 * OPTs), ZW_EMALF (OPT outside the additional section or with a non-root
 * owner, bad option lengths, TSIG not last). Any error is FORMERR-worthy. */
int zw_msg_parse(struct zw_msg *m, const uint8_t *pkt, size_t len);

/* The full 12-bit RCODE: header bits plus the OPT's upper bits. */
uint16_t zw_msg_rcode(const struct zw_msg *m);

/* One resource record, as the iterator found it. */
struct zw_msg_rr {
	enum zw_section section;
	uint8_t owner[ZW_NAME_MAX];
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *wire;  /* RDATA inside the message (maybe compressed) */
	uint16_t wire_len;    /* RDLENGTH as sent */
	uint16_t rdlen;       /* uncompressed length written to rdata */
};

struct zw_msg_iter {
	const struct zw_msg *m;
	const uint8_t *pos;
	int section;
	uint16_t left;
};

void zw_msg_iter_init(struct zw_msg_iter *it, const struct zw_msg *m);

/* Next RR (answer, authority, additional in order, OPT included). When
 * rdata is non-NULL the RDATA is decompressed into rdata[0..rdmax) and
 * checked (zw_rdata_unpack). Returns 1 with *rr filled, 0 after the last
 * record, or a negative zw_err. */
int zw_msg_iter_next(struct zw_msg_iter *it, struct zw_msg_rr *rr,
		     uint8_t *rdata, size_t rdmax);

/* Walk EDNS options: *p starts at edns.opts, end is opts + optlen. Returns
 * 1 with code/len/data set, 0 at the end, ZW_ETRUNC on a bad length (not
 * possible for options zw_msg_parse accepted). */
int zw_edns_opt_next(const uint8_t **p, const uint8_t *end, uint16_t *code,
		     uint16_t *len, const uint8_t **data);

/* Find option `code`; returns 1 and its data, or 0 when absent. */
int zw_edns_opt_find(const struct zw_edns *e, uint16_t code,
		     const uint8_t **data, uint16_t *len);

/* ---- writer ---- */

/* Name suffixes remembered for compression: with 128 a 5 KB AXFR message
 * from knotd re-writes 1.7% smaller than knotd's own (64: 1% larger, 32:
 * 3% larger). Lookups skip entries whose label count differs. */
#define ZW_MSG_CTAB 128

struct zw_msg_ctab_ent {
	uint16_t off;   /* where the name (suffix) starts in the message */
	uint8_t labels; /* its label count, to skip hopeless comparisons */
	bool question;  /* part of the question name */
};

struct zw_msg_writer {
	uint8_t *buf;
	size_t cap;      /* hard end: min(buffer size, size limit) */
	size_t pos;
	size_t reserved; /* kept free for OPT, see zw_msg_reserve */
	int err;         /* sticky */
	bool full;       /* a record was dropped: refuse further records */
	int section;     /* last section written to (records go in order) */
	uint16_t count[4];
	int nctab;
	struct zw_msg_ctab_ent ctab[ZW_MSG_CTAB];
	size_t opt_pos;   /* OPT RR start when written, else 0 */
	uint8_t ext_rcode;
};

/* Start a message in buf[0..cap): writes the header (counts are filled in
 * by zw_msg_finish). cap is also the size limit (e.g. the client's EDNS UDP
 * size); it is clamped to 65535. */
void zw_msg_writer_init(struct zw_msg_writer *w, uint8_t *buf, size_t cap,
			uint16_t id, uint16_t flags);

/* Set the 12-bit RCODE: low 4 bits into the header, high 8 bits into the
 * OPT (written now or later; without an OPT, high bits are ZW_ERANGE). */
void zw_msg_set_rcode(struct zw_msg_writer *w, uint16_t rcode);
void zw_msg_set_flags(struct zw_msg_writer *w, uint16_t set, uint16_t clear);

/* Keep n octets free for the OPT record (11 + options); the OPT writer
 * gives them back. */
void zw_msg_reserve(struct zw_msg_writer *w, size_t n);

int zw_msg_put_question(struct zw_msg_writer *w, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass);

/* Append a record to `section` (sections must come in order). rdata is
 * uncompressed wire RDATA; its embedded names are compressed for the types
 * zw_rdata_names() allows. */
int zw_msg_put_rr(struct zw_msg_writer *w, enum zw_section section,
		  const uint8_t *owner, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);

/* Append the OPT record (additional section, root owner, no options yet)
 * and release the reservation. At most one per message. */
int zw_msg_put_opt(struct zw_msg_writer *w, uint16_t udp_size,
		   uint8_t version, uint16_t flags);

/* Append one option to the OPT record just written (it must be the last
 * record so far). */
int zw_msg_put_opt_option(struct zw_msg_writer *w, uint16_t code,
			  const uint8_t *data, uint16_t len);

/* Mark and rollback: a caller that must drop a whole RRset (not only the
 * record that failed) marks before it and rolls back to the mark, which also
 * clears the full state and a sticky ZW_ENOSPC. */
struct zw_msg_mark {
	size_t pos;
	uint16_t count[4];
	int nctab;
	int section;
	size_t opt_pos;
};

void zw_msg_mark(const struct zw_msg_writer *w, struct zw_msg_mark *mk);
void zw_msg_rollback(struct zw_msg_writer *w, const struct zw_msg_mark *mk);

/* Write the counts into the header. Returns the message length or the
 * sticky error. A message whose records were dropped (TC) is a success. */
int zw_msg_finish(struct zw_msg_writer *w);

#endif
