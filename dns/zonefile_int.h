/* Master-file parser internals shared by zonefile.c (records and
 * directives), zonefile_lex.c (tokenizer) and zonefile_gen.c ($GENERATE).
 * Not a public header. */
#ifndef ZW_DNS_ZONEFILE_INT_H
#define ZW_DNS_ZONEFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/zonefile.h"

#define ZF_BUFSIZE (1u << 20)   /* per open file; one record's tokens must fit */
#define ZF_READSIZE (128u << 10) /* bytes asked of read() at a time */
#define ZF_MAXDEPTH 16          /* $INCLUDE nesting */
#define ZF_MAXTOKS (1u << 17)   /* tokens in one record */
#define ZF_ERRMAX 1400
#define ZF_MAXLINES 256        /* line changes inside one record */
#define ZF_SLACK 64            /* readable bytes after a buffer's sentinel */

/* A text buffer being tokenized. buf has cap + 1 + ZF_SLACK bytes: *end is
 * always a NUL sentinel so scanning loops stop at the end without a bounds
 * check, and 16-byte loads may run past it. */
struct zf_lex {
	char *buf;
	size_t cap;
	char *pos, *end;
	void *handle; /* read source; NULL for in-memory text */
	bool eof;
	bool any;     /* read at least one byte */
	char lastc;   /* last byte read */
	unsigned long line;
};

struct zf_level {
	struct zf_lex lx;
	char *name;
	uint8_t origin[ZW_NAME_MAX];
	size_t origin_len;
	bool has_origin;
	bool has_prev;
	uint8_t prev[ZW_NAME_MAX]; /* previous owner, for omitted owners */
};

struct zf_gen {
	bool active;
	int64_t cur, stop, step;
	char *lhs, *rhs;
	size_t lhslen, rhslen;
	uint16_t type;
	bool have_ttl;
	uint32_t ttl;
	unsigned long line;
	char *text; /* substitution buffer, ZF_GENMAX + 1 + ZF_SLACK bytes */
	uint8_t owner[ZW_NAME_MAX];
};
#define ZF_GENMAX 8192

struct zf_runent {
	uint16_t type, covers;
	uint32_t ttl;
};

struct zw_zonefile {
	struct zw_zonefile_io io;
	struct zf_level lv[ZF_MAXDEPTH];
	int depth; /* lv[depth - 1] is being read */

	struct zw_tok *toks;
	size_t ntoks, tokcap;
	struct {
		size_t tok;
		unsigned long line;
	} lines[ZF_MAXLINES]; /* where a record goes on to a new line */
	size_t nlines;
	bool initial_ws;
	unsigned long recline;
	unsigned long paren_line; /* of the outermost open '(' */

	/* TTL state as BIND's loader keeps it */
	uint32_t default_ttl, last_ttl;
	bool default_ttl_known, ttl_known, warned_1035;

	/* RRsets seen for the current owner, for "TTL set to prior TTL" */
	struct zf_runent *run;
	size_t nrun, runcap;
	bool have_owner;
	bool run_is_prev; /* owner (the run's) is the current level's prev */
	size_t owner_len;
	uint8_t owner[ZW_NAME_MAX];
	char *owner_text; /* text of the last parsed owner token */
	size_t owner_textlen;
	bool owner_text_ok;

	struct zf_gen gen;
	zw_zonefile_warn_fn *warn;
	void *warn_ctx;
	int failed; /* the error code once failed */
	bool done;
	char err[ZF_ERRMAX];
	uint8_t rdata[ZW_RDATA_MAX];
};

/* zonefile_lex.c */
int zf_lex_record(struct zw_zonefile *zf, struct zf_lex *lx);
/* Line of token i of the current record. */
unsigned long zf_tokline(const struct zw_zonefile *zf, size_t i);

/* zonefile.c */
int zf_fail(struct zw_zonefile *zf, int err, unsigned long line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void zf_warn(struct zw_zonefile *zf, unsigned long line, const char *fmt,
	     ...) __attribute__((format(printf, 3, 4)));
int zf_head(struct zw_zonefile *zf, size_t *i, uint16_t *type, bool *have_ttl,
	    uint32_t *ttl);
/* Rdata from toks[first..], TTL rules; `same`: owner is known to be the
 * current run's. */
int zf_finish_rec(struct zw_zonefile *zf, const uint8_t *owner, bool same,
		  size_t first, uint16_t type, bool have_ttl, uint32_t ttl,
		  struct zw_rec *rec);
struct zf_level *zf_cur(struct zw_zonefile *zf);

/* zonefile_name.c: a name without escapes; -1 sends the caller to
 * zw_name_from_str(). */
int zf_name_fast(uint8_t *out, const char *s, size_t len,
		 const uint8_t *origin, size_t olen);

/* zonefile_gen.c */
int zf_gen_start(struct zw_zonefile *zf);
int zf_gen_next(struct zw_zonefile *zf, struct zw_rec *rec);
void zf_gen_stop(struct zw_zonefile *zf);

/* Quote a token for an error message into buf (shortened if long). */
const char *zf_tokstr(const struct zw_tok *t, char *buf, size_t bufsize);

#endif
