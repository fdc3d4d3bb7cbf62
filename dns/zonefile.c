/* Master-file parser: records, owner / TTL / class rules and directives.
 * The TTL rules follow BIND's loader: an explicit TTL wins; else $TTL;
 * else the previous record's TTL (warning once, "RFC 1035 semantics");
 * else, for an SOA, its MINIMUM field (warning); else the zone is rejected.
 * Within a run of records for one owner, a second TTL for the same RRset
 * (RRSIGs: per covered type) is replaced by the first, with a warning. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/err.h"
#include "dns/rrtype.h"
#include "dns/zonefile_int.h"

#define MAXTTL 0x7fffffffu

struct zf_level *zf_cur(struct zw_zonefile *zf)
{
	return &zf->lv[zf->depth - 1];
}

static int vfail(struct zw_zonefile *zf, int err, unsigned long line,
		 const char *fmt, va_list ap)
{
	const char *name = zf->depth ? zf_cur(zf)->name : "-";
	int n = snprintf(zf->err, sizeof zf->err, "%.500s:%lu: ", name, line);
	vsnprintf(zf->err + n, sizeof zf->err - (size_t)n, fmt, ap);
	zf->failed = err;
	return err;
}

int zf_fail(struct zw_zonefile *zf, int err, unsigned long line,
	    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(zf, err, line, fmt, ap);
	va_end(ap);
	return err;
}

void zf_warn(struct zw_zonefile *zf, unsigned long line, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	if (!zf->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	zf->warn(zf->warn_ctx, zf_cur(zf)->name, line, msg);
}

const char *zf_tokstr(const struct zw_tok *t, char *buf, size_t bufsize)
{
	size_t n = t->len < bufsize - 4 ? t->len : bufsize - 4;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t->s[i];
		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < t->len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/* ---- construction ---- */

static int level_push(struct zw_zonefile *zf, void *handle, const char *name,
		      const uint8_t *origin, const uint8_t *prev)
{
	struct zf_level *lv = &zf->lv[zf->depth];
	memset(lv, 0, sizeof *lv);
	lv->name = strdup(name);
	lv->lx.buf = calloc(1, ZF_BUFSIZE + 1 + ZF_SLACK);
	if (!lv->name || !lv->lx.buf) {
		free(lv->name);
		free(lv->lx.buf);
		zf->io.close(zf->io.ctx, handle);
		return ZW_ENOMEM;
	}
	lv->lx.cap = ZF_BUFSIZE;
	lv->lx.pos = lv->lx.end = lv->lx.buf;
	*lv->lx.end = '\0';
	lv->lx.handle = handle;
	lv->lx.line = 1;
	if (origin) {
		lv->origin_len = zw_name_copy(lv->origin, origin);
		lv->has_origin = true;
	}
	if (prev) {
		zw_name_copy(lv->prev, prev);
		lv->has_prev = true;
	}
	zf->depth++;
	zf->owner_text_ok = false;
	zf->have_owner = zf->run_is_prev = false;
	return 0;
}

static void level_pop(struct zw_zonefile *zf)
{
	struct zf_level *lv = zf_cur(zf);
	zf->io.close(zf->io.ctx, lv->lx.handle);
	free(lv->lx.buf);
	free(lv->name);
	zf->depth--;
	zf->owner_text_ok = false;
	zf->have_owner = zf->run_is_prev = false;
}

struct zw_zonefile *zw_zonefile_new(const struct zw_zonefile_io *io,
				    void *handle, const char *name,
				    const struct zw_zonefile_opts *opts)
{
	struct zw_zonefile *zf = calloc(1, sizeof *zf);
	if (zf) {
		zf->io = *io;
		zf->tokcap = 64;
		zf->toks = malloc(zf->tokcap * sizeof *zf->toks);
		zf->runcap = 16;
		zf->run = malloc(zf->runcap * sizeof *zf->run);
		zf->owner_text = malloc(ZW_NAME_STR_MAX + 8);
	}
	if (!zf || !zf->toks || !zf->run || !zf->owner_text) {
		zw_zonefile_free(zf);
		io->close(io->ctx, handle);
		return NULL;
	}
	if (opts) {
		zf->warn = opts->warn;
		zf->warn_ctx = opts->warn_ctx;
	}
	if (level_push(zf, handle, name, opts ? opts->origin : NULL, NULL)) {
		zw_zonefile_free(zf); /* level_push closed the handle */
		return NULL;
	}
	return zf;
}

struct memsrc {
	const char *p, *end;
};

static long mem_read(void *ctx, void *h, char *buf, size_t len)
{
	struct memsrc *m = h;
	size_t n = (size_t)(m->end - m->p);
	(void)ctx;
	if (n > len)
		n = len;
	memcpy(buf, m->p, n);
	m->p += n;
	return (long)n;
}

static void mem_close(void *ctx, void *h)
{
	(void)ctx;
	free(h);
}

struct zw_zonefile *zw_zonefile_new_mem(const char *text, size_t len,
					const char *name,
					const struct zw_zonefile_opts *opts)
{
	static const struct zw_zonefile_io io = {mem_read, NULL, mem_close,
						 NULL};
	struct memsrc *m = malloc(sizeof *m);
	if (!m)
		return NULL;
	m->p = text;
	m->end = text + len;
	return zw_zonefile_new(&io, m, name, opts);
}

void zw_zonefile_free(struct zw_zonefile *zf)
{
	if (!zf)
		return;
	while (zf->depth > 0)
		level_pop(zf);
	zf_gen_stop(zf);
	free(zf->toks);
	free(zf->run);
	free(zf->owner_text);
	free(zf);
}

const char *zw_zonefile_error(const struct zw_zonefile *zf)
{
	return zf->err;
}

const uint8_t *zw_zonefile_origin(const struct zw_zonefile *zf)
{
	if (zf->depth == 0 || !zf->lv[zf->depth - 1].has_origin)
		return NULL;
	return zf->lv[zf->depth - 1].origin;
}

/* ---- TTL ---- */

static uint32_t unit_seconds(char c)
{
	switch (c | 0x20) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	case 'w': return 604800;
	default: return 0;
	}
}

int zw_zonefile_ttl(const char *s, size_t len, uint32_t *ttl)
{
	uint64_t total = 0, num = 0;
	bool digits = false, units = false;
	if (len == 0)
		return ZW_ETTL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			num = num * 10 + (uint64_t)(c - '0');
			if (num > UINT32_MAX)
				return ZW_ETTL;
			digits = true;
			continue;
		}
		uint32_t mult = unit_seconds(c);
		if (!mult || !digits)
			return ZW_ETTL;
		total += num * mult;
		if (total > UINT32_MAX)
			return ZW_ETTL;
		num = 0;
		digits = false;
		units = true;
	}
	if (digits) {
		if (units) /* "1h30": BIND wants a unit on every part */
			return ZW_ETTL;
		total = num;
	}
	*ttl = (uint32_t)total;
	return 0;
}

static uint32_t limit_ttl(struct zw_zonefile *zf, uint32_t ttl,
			  unsigned long line, const char *what)
{
	if (ttl <= MAXTTL)
		return ttl;
	zf_warn(zf, line, "%s %u > MAXTTL, setting %s to 0", what, ttl, what);
	return 0;
}

/* ---- owner, TTL, class, type ---- */

static int head_ttl(struct zw_zonefile *zf, const struct zw_tok *t,
		    unsigned long line, bool *have_ttl, uint32_t *ttl)
{
	char b[80];
	if (*have_ttl)
		return zf_fail(zf, ZW_ESYNTAX, line,
			       "expected class or type, got a second TTL "
			       "'%s'", zf_tokstr(t, b, sizeof b));
	if (zw_zonefile_ttl(t->s, t->len, ttl))
		return zf_fail(zf, ZW_ETTL, line,
			       "bad TTL '%s' (expected seconds or units such "
			       "as 1h30m)", zf_tokstr(t, b, sizeof b));
	*have_ttl = true;
	return 0;
}

/* "IN", the class nearly every record that names one names. */
static bool is_in(const struct zw_tok *t)
{
	return t->len == 2 && (t->s[0] | 0x20) == 'i' &&
	       (t->s[1] | 0x20) == 'n';
}

/* Class or type token. Returns 1 when it was a class (IN), 0 when *type is
 * set, or an error. */
static int head_word(struct zw_zonefile *zf, const struct zw_tok *t,
		     unsigned long line, bool *have_class, uint16_t *type)
{
	char b[80];
	int ty = is_in(t) ? ZW_ETYPE : zw_rrtype_from_str(t->s, t->len), c;
	if (ty >= 0 && !zw_rrtype_is_meta((uint16_t)ty)) {
		*type = (uint16_t)ty;
		return 0;
	}
	c = is_in(t) ? ZW_CLASS_IN : zw_class_from_str(t->s, t->len);
	if (c >= 0) {
		if (c != ZW_CLASS_IN)
			return zf_fail(zf, ZW_ECLASS, line,
				       "class '%s' is not supported (only "
				       "IN)", zf_tokstr(t, b, sizeof b));
		if (*have_class)
			return zf_fail(zf, ZW_ESYNTAX, line,
				       "expected TTL or type, got a second "
				       "class");
		*have_class = true;
		return 1;
	}
	if (ty < 0)
		return zf_fail(zf, ZW_ETYPE, line, "unknown RR type '%s'",
			       zf_tokstr(t, b, sizeof b));
	if (zw_rrtype_is_meta((uint16_t)ty))
		return zf_fail(zf, ZW_ETYPE, line,
			       "type '%s' cannot appear in zone data",
			       zf_tokstr(t, b, sizeof b));
	*type = (uint16_t)ty;
	return 0;
}

/* [TTL] [class] type, TTL and class in either order, from toks[*i]. */
int zf_head(struct zw_zonefile *zf, size_t *i, uint16_t *type, bool *have_ttl,
	    uint32_t *ttl)
{
	bool have_class = false;
	*have_ttl = false;
	for (; *i < zf->ntoks; ++*i) {
		const struct zw_tok *t = &zf->toks[*i];
		/* computed when needed (errors, multi-line records) */
		unsigned long line = zf->nlines ? zf_tokline(zf, *i) : zf->recline;
		int r;
		if (t->quoted || t->len == 0)
			return zf_fail(zf, ZW_ESYNTAX, line,
				       "expected TTL, class or type, got a "
				       "quoted string");
		if (t->s[0] >= '0' && t->s[0] <= '9') {
			r = head_ttl(zf, t, line, have_ttl, ttl);
			if (r < 0)
				return r;
			continue;
		}
		r = head_word(zf, t, line, &have_class, type);
		if (r <= 0) {
			if (r == 0)
				++*i;
			return r;
		}
	}
	return zf_fail(zf, ZW_ESYNTAX, zf->ntoks ? zf_tokline(zf, zf->ntoks - 1)
						 : zf->recline,
		       "expected an RR type at end of line");
}

static int rdata_error(struct zw_zonefile *zf, uint16_t type, size_t first,
		       int err, const struct zw_rdata_err *re)
{
	char tn[24], b[80];
	size_t n = zf->ntoks - first;
	size_t k = re->tok < n ? first + re->tok : zf->ntoks;
	unsigned long line = k < zf->ntoks ? zf_tokline(zf, k)
		: zf->ntoks ? zf_tokline(zf, zf->ntoks - 1) : zf->recline;
	if (zw_rrtype_to_str(type, tn, sizeof tn) < 0)
		strcpy(tn, "?");
	if (err == ZW_ETRAILING && k < zf->ntoks)
		return zf_fail(zf, err, line, "bad %s rdata: extra text '%s'",
			       tn, zf_tokstr(&zf->toks[k], b, sizeof b));
	const char *what = re->expected ? re->expected : zw_strerror(err);
	if (k < zf->ntoks)
		return zf_fail(zf, err, line,
			       "bad %s rdata: expected %s, got '%s'", tn, what,
			       zf_tokstr(&zf->toks[k], b, sizeof b));
	return zf_fail(zf, err, line, "bad %s rdata: expected %s at end of "
		       "record", tn, what);
}

static int resolve_ttl(struct zw_zonefile *zf, uint16_t type, bool have_ttl,
		       uint32_t *ttl, const uint8_t *rd, int rdlen)
{
	unsigned long line = zf->recline;
	if (have_ttl) {
		*ttl = limit_ttl(zf, *ttl, line, "TTL");
		zf->ttl_known = true;
	} else if (zf->default_ttl_known) {
		*ttl = zf->default_ttl;
	} else if (zf->ttl_known) {
		*ttl = zf->last_ttl;
		if (!zf->warned_1035)
			zf_warn(zf, line, "using RFC1035 TTL semantics");
		zf->warned_1035 = true;
	} else if (type == ZW_TYPE_SOA && rdlen >= 20) {
		const uint8_t *m = rd + rdlen - 4;
		zf_warn(zf, line, "no TTL specified; using SOA MINTTL instead");
		*ttl = limit_ttl(zf, (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
				 (uint32_t)m[2] << 8 | m[3], line, "TTL");
		zf->default_ttl = *ttl;
		zf->default_ttl_known = true;
	} else {
		return zf_fail(zf, ZW_ETTL, line,
			       "no TTL specified; zone rejected (set $TTL or "
			       "give this record a TTL)");
	}
	return 0;
}

/* BIND keeps the first TTL of an RRset within one owner's run of records.
 * `same`: the caller knows the owner is the run's. */
static int run_ttl(struct zw_zonefile *zf, const uint8_t *owner, bool same,
		   uint16_t type, uint16_t covers, uint32_t *ttl)
{
	if (!same && (!zf->have_owner ||
		      memcmp(owner, zf->owner, zf->owner_len) != 0)) {
		if (!zf->have_owner || !zw_name_equal(owner, zf->owner)) {
			zf->owner_len = zw_name_copy(zf->owner, owner);
			zf->have_owner = true;
			zf->nrun = 0;
		}
	}
	for (size_t i = 0; i < zf->nrun; i++) {
		struct zf_runent *e = &zf->run[i];
		if (e->type != type || e->covers != covers)
			continue;
		if (e->ttl != *ttl) {
			zf_warn(zf, zf->recline, "TTL set to prior TTL (%u)",
				e->ttl);
			*ttl = e->ttl;
		}
		return 0;
	}
	if (zf->nrun == zf->runcap) {
		struct zf_runent *r = realloc(zf->run, 2 * zf->runcap * sizeof *r);
		if (!r)
			return zf_fail(zf, ZW_ENOMEM, zf->recline, "out of memory");
		zf->run = r;
		zf->runcap *= 2;
	}
	zf->run[zf->nrun++] = (struct zf_runent){type, covers, *ttl};
	return 0;
}

/* Types whose rdata is exactly one domain name: the fast name parser
 * gives the same wire form as their codec. */
static bool one_name(uint16_t type)
{
	return type == ZW_TYPE_NS || type == ZW_TYPE_CNAME ||
	       type == ZW_TYPE_PTR || type == ZW_TYPE_DNAME;
}

int zf_finish_rec(struct zw_zonefile *zf, const uint8_t *owner, bool same,
		  size_t first, uint16_t type, bool have_ttl, uint32_t ttl,
		  struct zw_rec *rec)
{
	struct zf_level *lv = zf_cur(zf);
	struct zw_rdata_err re = {0, NULL};
	int n = -1;
	if (first + 1 == zf->ntoks && one_name(type) && !zf->toks[first].quoted)
		n = zf_name_fast(zf->rdata, zf->toks[first].s,
				 zf->toks[first].len,
				 lv->has_origin ? lv->origin : NULL, lv->origin_len);
	if (n < 0) {
		n = zw_rdata_from_str(type, zf->toks + first, zf->ntoks - first,
				      lv->has_origin ? lv->origin : NULL,
				      zf->rdata, sizeof zf->rdata, &re);
		if (n < 0)
			return rdata_error(zf, type, first, n, &re);
	}
	int r = resolve_ttl(zf, type, have_ttl, &ttl, zf->rdata, n);
	uint16_t covers = 0;
	if (type == ZW_TYPE_RRSIG && n >= 2)
		covers = (uint16_t)(zf->rdata[0] << 8 | zf->rdata[1]);
	if (r < 0 || (r = run_ttl(zf, owner, same, type, covers, &ttl)) < 0)
		return r;
	zf->last_ttl = ttl;
	*rec = (struct zw_rec){owner, zf->rdata, ttl, type, (uint16_t)n,
			       lv->name, zf->recline};
	return 1;
}

static int owner_error(struct zw_zonefile *zf, const struct zw_tok *t,
		       int err)
{
	char b[80];
	zf_tokstr(t, b, sizeof b);
	if (err == ZW_ERELATIVE)
		return zf_fail(zf, err, zf->recline,
			       "relative owner name '%s' and no origin (give "
			       "$ORIGIN or an origin)", b);
	return zf_fail(zf, err, zf->recline, "bad owner name '%s': %s", b,
		       zw_strerror(err));
}

/* Whether a[0..n) == b[0..n), both with readable slack after n. */
static inline bool eq_slack(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	if (i == n)
		return true;
	memcpy(&x, a + i, 8);
	memcpy(&y, b + i, 8);
	return ((x ^ y) & (~0ull >> (64 - 8 * (n - i)))) == 0;
}

/* Owner token to lv->prev. Repeated owner text (most lines of a zone that
 * spells out every owner) skips the name parser: returns 1 then (the owner
 * is the previous record's), else 0, or an error. */
static int parse_owner(struct zw_zonefile *zf, const struct zw_tok *t)
{
	struct zf_level *lv = zf_cur(zf);
	if (zf->owner_text_ok && !t->quoted && t->len == zf->owner_textlen &&
	    eq_slack(t->s, zf->owner_text, t->len))
		return 1;
	const uint8_t *origin = lv->has_origin ? lv->origin : NULL;
	int n = t->quoted ? -1 : zf_name_fast(lv->prev, t->s, t->len, origin,
					      lv->origin_len);
	if (n < 0)
		n = zw_name_from_str(lv->prev, t->s, t->len, origin);
	if (n < 0) {
		lv->has_prev = false;
		zf->owner_text_ok = false;
		return owner_error(zf, t, n);
	}
	lv->has_prev = true;
	zf->owner_text_ok = !t->quoted && t->len < ZW_NAME_STR_MAX;
	if (zf->owner_text_ok) {
		memcpy(zf->owner_text, t->s, t->len);
		zf->owner_textlen = t->len;
	}
	return 0;
}

/* ---- directives ---- */

static int want_args(struct zw_zonefile *zf, const char *dir, size_t min,
		     size_t max)
{
	char b[80];
	if (zf->ntoks < min + 1)
		return zf_fail(zf, ZW_ESYNTAX, zf->recline,
			       "%s: expected %s", dir,
			       min == 1 && max == 1 ? "one argument"
						    : "more arguments");
	if (zf->ntoks > max + 1)
		return zf_fail(zf, ZW_ESYNTAX, zf_tokline(zf, max + 1),
			       "%s: extra text '%s'", dir,
			       zf_tokstr(&zf->toks[max + 1], b, sizeof b));
	return 0;
}

static int name_arg(struct zw_zonefile *zf, const char *dir,
		    const struct zw_tok *t, uint8_t *out)
{
	struct zf_level *lv = zf_cur(zf);
	char b[80];
	int n = zw_name_from_str(out, t->s, t->len,
				 lv->has_origin ? lv->origin : NULL);
	if (n >= 0)
		return 0;
	return zf_fail(zf, n, zf->recline, "%s: bad domain name '%s': %s", dir,
		       zf_tokstr(t, b, sizeof b), zw_strerror(n));
}

static int dir_origin(struct zw_zonefile *zf)
{
	struct zf_level *lv = zf_cur(zf);
	uint8_t name[ZW_NAME_MAX];
	int r = want_args(zf, "$ORIGIN", 1, 1);
	if (r == 0)
		r = name_arg(zf, "$ORIGIN", &zf->toks[1], name);
	if (r < 0)
		return r;
	lv->origin_len = zw_name_copy(lv->origin, name);
	lv->has_origin = true;
	zf->owner_text_ok = false;
	return 0;
}

static int dir_ttl(struct zw_zonefile *zf)
{
	char b[80];
	uint32_t ttl;
	int r = want_args(zf, "$TTL", 1, 1);
	if (r < 0)
		return r;
	if (zw_zonefile_ttl(zf->toks[1].s, zf->toks[1].len, &ttl))
		return zf_fail(zf, ZW_ETTL, zf->recline, "$TTL: bad TTL '%s'",
			       zf_tokstr(&zf->toks[1], b, sizeof b));
	zf->default_ttl = limit_ttl(zf, ttl, zf->recline, "$TTL");
	zf->default_ttl_known = true;
	return 0;
}

/* Decode \X and \DDD in a file name token. */
static int path_arg(const struct zw_tok *t, char *out, size_t max)
{
	size_t o = 0;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c == '\\' && i + 1 < t->len) {
			c = (unsigned char)t->s[++i];
			if (c >= '0' && c <= '9' && i + 2 < t->len) {
				unsigned v = (c - '0') * 100u +
					     (unsigned)(t->s[i + 1] - '0') * 10u +
					     (unsigned)(t->s[i + 2] - '0');
				if (v > 255 || v == 0)
					return ZW_EESCAPE;
				c = (unsigned char)v;
				i += 2;
			}
		}
		if (c == 0 || o + 1 >= max)
			return ZW_EESCAPE;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o ? 0 : ZW_EESCAPE;
}

static int dir_include(struct zw_zonefile *zf)
{
	struct zf_level *lv = zf_cur(zf);
	char path[4096], name[4096], b[80];
	uint8_t origin[ZW_NAME_MAX];
	int r = want_args(zf, "$INCLUDE", 1, 2), err = 0;
	if (r == 0 && zf->ntoks == 3)
		r = name_arg(zf, "$INCLUDE", &zf->toks[2], origin);
	if (r < 0)
		return r;
	if (path_arg(&zf->toks[1], path, sizeof path))
		return zf_fail(zf, ZW_EINCLUDE, zf->recline,
			       "$INCLUDE: bad file name '%s'",
			       zf_tokstr(&zf->toks[1], b, sizeof b));
	if (zf->depth == ZF_MAXDEPTH)
		return zf_fail(zf, ZW_EINCLUDE, zf->recline,
			       "$INCLUDE nested more than %d deep",
			       ZF_MAXDEPTH);
	if (!zf->io.open)
		return zf_fail(zf, ZW_EINCLUDE, zf->recline,
			       "$INCLUDE is not available here");
	void *h = zf->io.open(zf->io.ctx, lv->name, path, name, sizeof name,
			      &err);
	if (!h)
		return zf_fail(zf, ZW_EINCLUDE, zf->recline,
			       "$INCLUDE: cannot open '%.1000s': %s", path,
			       zw_strerror(err));
	const uint8_t *o = zf->ntoks == 3 ? origin
			   : lv->has_origin ? lv->origin : NULL;
	r = level_push(zf, h, name, o, lv->has_prev ? lv->prev : NULL);
	if (r < 0)
		return zf_fail(zf, r, zf->recline, "out of memory");
	return 0;
}

static bool word_is(const struct zw_tok *t, const char *w)
{
	size_t n = strlen(w);
	return t->len == n && strncasecmp(t->s, w, n) == 0;
}

static int directive(struct zw_zonefile *zf)
{
	const struct zw_tok *t = &zf->toks[0];
	char b[80];
	if (word_is(t, "$ORIGIN"))
		return dir_origin(zf);
	if (word_is(t, "$TTL"))
		return dir_ttl(zf);
	if (word_is(t, "$INCLUDE"))
		return dir_include(zf);
	if (word_is(t, "$GENERATE"))
		return zf_gen_start(zf);
	return zf_fail(zf, ZW_ESYNTAX, zf->recline,
		       "unknown directive '%s' (expected $ORIGIN, $TTL, "
		       "$INCLUDE or $GENERATE)", zf_tokstr(t, b, sizeof b));
}

/* ---- records ---- */

static int parse_line(struct zw_zonefile *zf, struct zw_rec *rec)
{
	struct zf_level *lv = zf_cur(zf);
	size_t i = 0;
	uint16_t type = 0;
	bool have_ttl;
	uint32_t ttl = 0;
	int r;
	if (zf->ntoks == 0)
		return 0;
	bool same = zf->initial_ws;
	if (!zf->initial_ws) {
		const struct zw_tok *t = &zf->toks[0];
		if (!t->quoted && t->len > 0 && t->s[0] == '$')
			return directive(zf);
		if ((r = parse_owner(zf, t)) < 0)
			return r;
		same = r == 1;
		i = 1;
	} else if (!lv->has_prev) {
		return zf_fail(zf, ZW_ESYNTAX, zf->recline,
			       "no owner name (line starts with a blank and "
			       "there is no previous owner)");
	}
	if ((r = zf_head(zf, &i, &type, &have_ttl, &ttl)) < 0)
		return r;
	r = zf_finish_rec(zf, lv->prev, same && zf->run_is_prev, i, type,
			  have_ttl, ttl, rec);
	zf->run_is_prev = true;
	return r;
}

static void end_of_file(struct zw_zonefile *zf)
{
	struct zf_lex *lx = &zf_cur(zf)->lx;
	if (lx->any && lx->lastc != '\n')
		zf_warn(zf, lx->line, "file does not end with newline");
}

int zw_zonefile_next(struct zw_zonefile *zf, struct zw_rec *rec)
{
	if (zf->failed)
		return zf->failed;
	if (zf->done)
		return 0;
	for (;;) {
		int r;
		if (zf->gen.active) {
			r = zf_gen_next(zf, rec);
		} else {
			r = zf_lex_record(zf, &zf_cur(zf)->lx);
			if (r == 0) {
				end_of_file(zf);
				if (zf->depth == 1) {
					zf->done = true;
					return 0;
				}
				level_pop(zf);
				continue;
			}
			if (r > 0)
				r = parse_line(zf, rec);
		}
		if (r < 0 && !zf->failed)
			zf_fail(zf, r, zf->recline, "%s", zw_strerror(r));
		if (r != 0)
			return r;
	}
}
