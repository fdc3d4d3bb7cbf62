/* Private to dns/rdata*.c: the field kinds the per-type descriptor table is
 * built from, and the small writers and token reader they share.
 *
 * Every RDATA type is a row of field kinds; each kind knows how to parse
 * its presentation form, measure (and so validate) its wire form, and
 * print it. Parse, print, check, unpack, canonicalize and names are walks
 * over that row, so adding a type is one table row. */
#ifndef ZW_DNS_RDATA_IMPL_H
#define ZW_DNS_RDATA_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/rdata.h"

/* Wire writer with a sticky error: overflow sets err once, later puts are
 * ignored, the caller looks at err at the end. */
struct zw_rd_w {
	uint8_t *p;
	size_t len, max;
	int err;
};

/* Text writer: always NUL-terminated while max > 0, sticky ZW_ENOSPC. */
struct zw_rd_s {
	char *p;
	size_t len, max;
	int err;
};

/* Token reader for one rdata: tokens [t, t+n), next one at i. A failing
 * field sets errtok (n when tokens ran out) and expected. */
struct zw_rd_p {
	const struct zw_tok *t;
	size_t n, i;
	const uint8_t *origin;
	size_t errtok;
	const char *expected;
};

enum zw_rd_kind {
	ZW_RK_NAME,   /* domain name; flags say compress/decompress/lower */
	ZW_RK_U8,
	ZW_RK_U16,
	ZW_RK_U32,
	ZW_RK_TTL,    /* 32-bit, TTL units (1h30m) accepted */
	ZW_RK_A,
	ZW_RK_AAAA,
	ZW_RK_STR,    /* one <character-string> */
	ZW_RK_STRS,   /* <character-string>s to the end, at least one */
	ZW_RK_B64,    /* base64 to the end, tokens joined */
	ZW_RK_HEX,    /* hex to the end, tokens joined, 56-char chunks */
	ZW_RK_SALT,   /* 8-bit length + hex, "-" when empty */
	ZW_RK_HASH,   /* 8-bit length + base32hex */
	ZW_RK_BITMAP, /* NSEC type bitmap to the end */
	ZW_RK_TIME,   /* RRSIG time: YYYYMMDDHHmmSS or integer seconds */
	ZW_RK_TYPE,   /* 16-bit type as mnemonic */
	ZW_RK_CAATAG, /* 8-bit length + alphanumeric tag */
	ZW_RK_CAAVAL, /* rest of the rdata as one string */
	ZW_RK_SVCP,   /* SvcParams to the end */
	ZW_RK_LOC,    /* whole LOC rdata (RFC 1876) */
	ZW_RK_COUNT
};

/* Field flags. */
#define ZW_RF_COMP 0x01   /* name: a message writer may compress it */
#define ZW_RF_DECOMP 0x02 /* name: receivers decompress it (RFC 3597 §4) */
#define ZW_RF_LOWER 0x04  /* name: lower-cased in canonical form */
#define ZW_RF_EMPTY 0x08  /* to-the-end field: may be empty */

struct zw_rd_kind_ops {
	/* Parse tokens at p->i, append wire form; 0 or a negative zw_err. */
	int (*parse)(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags);
	/* Validate the field at [b, end); its wire length or a negative
	 * zw_err. To-the-end kinds consume everything. */
	int (*span)(const uint8_t *b, const uint8_t *end, unsigned flags);
	/* Print a field span validated already. */
	void (*print)(const uint8_t *b, size_t len, struct zw_rd_s *s);
};

/* One ops struct per kind, defined next to its code. */
extern const struct zw_rd_kind_ops zw_rd_k_name, zw_rd_k_u8, zw_rd_k_u16,
	zw_rd_k_u32, zw_rd_k_ttl, zw_rd_k_a, zw_rd_k_aaaa, zw_rd_k_time,
	zw_rd_k_type;                                  /* rdata_field.c */
extern const struct zw_rd_kind_ops zw_rd_k_str, zw_rd_k_strs, zw_rd_k_b64,
	zw_rd_k_hex, zw_rd_k_salt, zw_rd_k_hash, zw_rd_k_bitmap,
	zw_rd_k_caatag, zw_rd_k_caaval;                /* rdata_text.c */
extern const struct zw_rd_kind_ops zw_rd_k_svcp; /* rdata_svcb.c */
extern const struct zw_rd_kind_ops zw_rd_k_loc;  /* rdata_loc.c */

/* Writers. */
void zw_rd_put(struct zw_rd_w *w, const void *src, size_t n);
void zw_rd_put8(struct zw_rd_w *w, unsigned v);
void zw_rd_put16(struct zw_rd_w *w, unsigned v);
void zw_rd_put32(struct zw_rd_w *w, uint32_t v);
void zw_rd_puts(struct zw_rd_s *s, const char *str, size_t n);
void zw_rd_putc(struct zw_rd_s *s, char c);
void zw_rd_putu(struct zw_rd_s *s, unsigned long v);
/* Room left for a NUL-terminating encoder, and committing what it wrote. */
char *zw_rd_room(struct zw_rd_s *s, size_t *room);
void zw_rd_commit(struct zw_rd_s *s, int n);

/* Token reader: next token or NULL (setting errtok/expected). */
const struct zw_tok *zw_rd_next(struct zw_rd_p *p, const char *expected);
/* Record a failure at token index i; returns err. */
int zw_rd_fail(struct zw_rd_p *p, size_t i, const char *expected, int err);

/* Decimal number in [0, max]; ZW_ERANGE or ZW_ERDATA. */
int zw_rd_number(const char *s, size_t len, uint32_t max, uint32_t *v);
/* Decode the escapes of a <character-string> token into out (at most
 * outmax octets); returns the length or a negative zw_err. */
int zw_rd_unescape(const char *s, size_t len, uint8_t *out, size_t outmax);
/* Print octets between double quotes, escaping " and \ and
 * non-printables as \DDD, as BIND prints TXT. */
void zw_rd_print_quoted(const uint8_t *b, size_t len, struct zw_rd_s *s);
/* Print hex in BIND's 56-character chunks separated by spaces. */
void zw_rd_print_hex(const uint8_t *b, size_t len, struct zw_rd_s *s);
/* Decode the hex of tokens [p->i, p->n) into w (at least one token). */
int zw_rd_parse_hex_tokens(struct zw_rd_p *p, struct zw_rd_w *w,
			   bool may_be_empty);

/* SvcParams (rdata_svcb.c, rdata_svcb_parse.c). */
enum { ZW_SVC_MANDATORY, ZW_SVC_ALPN, ZW_SVC_NODEFALPN, ZW_SVC_PORT,
       ZW_SVC_IPV4, ZW_SVC_ECH, ZW_SVC_IPV6, ZW_SVC_DOHPATH };
/* Key by name or keyNNNNN; *named tells which form was used. */
int zw_rd_svcp_key(const char *s, size_t len, bool *named);
int zw_rd_svcp_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags);
int zw_rd_svcp_span(const uint8_t *b, const uint8_t *end, unsigned flags);
void zw_rd_svcp_print(const uint8_t *b, size_t len, struct zw_rd_s *s);

/* NAPTR regexp rule (rdata_naptr.c): -1 when fine, else the field. */
int zw_rd_naptr_validate(const uint8_t *rd, const size_t *off);

static inline uint16_t zw_rd_get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t zw_rd_get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

#endif
