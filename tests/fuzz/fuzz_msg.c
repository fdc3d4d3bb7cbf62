/* libFuzzer target for dns/msg: parse arbitrary bytes; when they parse and
 * every record decompresses, re-write the message with the writer, parse
 * the copy and check it holds the same records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

static uint8_t rd[ZW_RDATA_MAX], rd2[ZW_RDATA_MAX], out[ZW_MSG_MAX];

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static void put_opt(struct zw_msg_writer *w, const struct zw_msg *m,
		    const struct zw_msg_rr *rr)
{
	const uint8_t *p = rr->wire, *d;
	uint16_t code, len;

	zw_msg_put_opt(w, rr->rclass, (uint8_t)(rr->ttl >> 16),
		       (uint16_t)rr->ttl);
	zw_msg_set_rcode(w, zw_msg_rcode(m));
	while (zw_edns_opt_next(&p, rr->wire + rr->wire_len, &code, &len,
				&d) == 1)
		zw_msg_put_opt_option(w, code, d, len);
}

/* Re-write m into out. Returns the length, or a negative error when some
 * record's RDATA does not decompress (a rejected input, not a bug). Sets
 * *full when records had to be dropped for space. */
static int rewrite(const struct zw_msg *m, bool *full)
{
	struct zw_msg_writer w;
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	int rc;

	zw_msg_writer_init(&w, out, sizeof(out), m->hdr.id, m->hdr.flags);
	if (m->has_question)
		CHECK(zw_msg_put_question(&w, m->qname, m->qtype, m->qclass) ==
		      0);
	zw_msg_iter_init(&it, m);
	while ((rc = zw_msg_iter_next(&it, &rr, rd, sizeof(rd))) == 1) {
		if (rr.type == ZW_TYPE_OPT) {
			put_opt(&w, m, &rr);
			continue;
		}
		rc = zw_msg_put_rr(&w, rr.section, rr.owner, rr.type, rr.rclass,
				   rr.ttl, rd, rr.rdlen);
		CHECK(rc == 0 || rc == ZW_ENOSPC);
	}
	if (rc < 0)
		return rc;
	*full = w.full || w.err == ZW_ENOSPC;
	rc = zw_msg_finish(&w);
	CHECK(rc > 0 || (*full && rc == ZW_ENOSPC));
	return rc;
}

/* Without truncation the copy holds the same records: owners equal up to
 * case (owners may take the question's case), everything else exact. */
static void compare(const struct zw_msg *a, const struct zw_msg *b)
{
	struct zw_msg_iter ia, ib;
	struct zw_msg_rr ra, rb;

	/* Only the first question is kept. */
	CHECK(b->hdr.count[0] == (a->hdr.count[0] ? 1 : 0));
	CHECK(memcmp(a->hdr.count + 1, b->hdr.count + 1, 3 * 2) == 0);
	CHECK(a->edns.present == b->edns.present);
	CHECK(zw_msg_rcode(a) == zw_msg_rcode(b));
	zw_msg_iter_init(&ia, a);
	zw_msg_iter_init(&ib, b);
	while (zw_msg_iter_next(&ia, &ra, rd, sizeof(rd)) == 1) {
		CHECK(zw_msg_iter_next(&ib, &rb, rd2, sizeof(rd2)) == 1);
		CHECK(zw_name_equal(ra.owner, rb.owner));
		CHECK(ra.type == rb.type && ra.rclass == rb.rclass);
		CHECK(ra.ttl == rb.ttl && ra.rdlen == rb.rdlen);
		CHECK(memcmp(rd, rd2, ra.rdlen) == 0);
	}
	CHECK(zw_msg_iter_next(&ib, &rb, rd2, sizeof(rd2)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zw_msg m, m2;
	struct zw_msg_iter it;
	struct zw_msg_rr rr;
	bool full = false;
	int len;

	if (zw_msg_parse(&m, data, size) != 0)
		return 0;
	len = rewrite(&m, &full);
	if (len < 0)
		return 0;
	CHECK(zw_msg_parse(&m2, out, (size_t)len) == 0);
	if (!full) {
		compare(&m, &m2);
		return 0;
	}
	zw_msg_iter_init(&it, &m2);
	while (zw_msg_iter_next(&it, &rr, rd2, sizeof(rd2)) == 1)
		;
	return 0;
}
