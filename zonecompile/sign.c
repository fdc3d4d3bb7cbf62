/* Signer object: creation, zone loading, errors, small RRset helper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/err.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zonefile.h"
#include "zonecompile/sign_int.h"

int sign_fail(struct zw_signer *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return err;
}

void sign_warn(struct zw_signer *s, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (!s->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->warn(s->warn_ctx, msg);
}

int sign_worker_fail(struct sign_worker *w, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof w->msg, fmt, ap);
	va_end(ap);
	w->err = err;
	return err;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- sets made by the signer ---- */

static int set_grow(struct sign_set *set, size_t need)
{
	size_t cap = set->cap ? set->cap : 256;
	uint8_t *p;

	if (set->size + need <= set->cap)
		return 0;
	while (cap < set->size + need)
		cap *= 2;
	if (!(p = realloc(set->rdata, cap)))
		return ZW_ENOMEM;
	set->rdata = p;
	set->cap = cap;
	return 0;
}

bool sign_set_has(const struct sign_set *set, const uint8_t *rd, size_t len)
{
	const uint8_t *p = set->rdata;

	for (uint32_t i = 0; i < set->count; i++) {
		uint16_t l;
		const uint8_t *r = zw_rr_next(&p, &l);

		if (l == len && !memcmp(r, rd, len))
			return true;
	}
	return false;
}

/* Insert in canonical RDATA order (the types kept here hold no names that
 * canonical form would lower-case), duplicates skipped. */
int sign_set_add(struct sign_set *set, const uint8_t *rd, size_t len)
{
	uint8_t *p, *end;

	if (len > 0xffff)
		return ZW_ERANGE;
	if (sign_set_has(set, rd, len))
		return 0;
	if (set_grow(set, len + 2) < 0)
		return ZW_ENOMEM;
	p = set->rdata;
	end = set->rdata + set->size;
	while (p < end) {
		size_t l = (size_t)(p[0] << 8 | p[1]);

		if (zw_rdata_cmp(p + 2, l, rd, len) > 0)
			break;
		p += 2 + l;
	}
	memmove(p + 2 + len, p, (size_t)(end - p));
	p[0] = (uint8_t)(len >> 8);
	p[1] = (uint8_t)len;
	memcpy(p + 2, rd, len);
	set->size += len + 2;
	set->count++;
	return 0;
}

void sign_set_free(struct sign_set *set)
{
	free(set->rdata);
	memset(set, 0, sizeof *set);
}

void sign_set_view(const struct sign_set *set, struct zw_rrset *rs)
{
	memset(rs, 0, sizeof *rs);
	rs->type = set->type;
	rs->ttl = set->ttl;
	rs->count = set->count;
	rs->rdata = set->rdata;
	rs->size = set->size;
}

/* ---- the signer ---- */

struct zw_signer *zw_signer_new(const struct zw_sign_opts *opts,
				zw_sign_warn_fn *warn, void *warn_ctx)
{
	struct zw_signer *s = calloc(1, sizeof *s);
	long cpus;

	if (!s)
		return NULL;
	s->o = *opts;
	s->warn = warn;
	s->warn_ctx = warn_ctx;
	s->threads = opts->threads;
	if (!s->threads) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		s->threads = cpus > 0 ? (unsigned)cpus : 1;
	}
	if (s->threads > 256)
		s->threads = 256;
	s->st.threads = s->threads;
	s->zone_dnskey.type = ZW_TYPE_DNSKEY;
	s->zone_cds.type = ZW_TYPE_CDS;
	s->zone_cdnskey.type = ZW_TYPE_CDNSKEY;
	return s;
}

void zw_signer_free(struct zw_signer *s)
{
	if (!s)
		return;
	sign_makers_stop(s);
	for (size_t i = 0; i < s->neng; i++)
		sign_p256_free(s->eng[i]);
	sign_keys_free(s);
	sign_ds_free(s);
	sign_set_free(&s->zone_dnskey);
	sign_set_free(&s->zone_cds);
	sign_set_free(&s->zone_cdnskey);
	sign_set_free(&s->dnskey);
	sign_set_free(&s->cds);
	sign_set_free(&s->cdnskey);
	sign_set_free(&s->n3param);
	sign_set_free(&s->soa);
	free(s->n3);
	zw_zone_free(s->zone);
	free(s);
}

const char *zw_signer_error(const struct zw_signer *s)
{
	return s->err;
}

const uint8_t *zw_signer_origin(const struct zw_signer *s)
{
	return s->origin_set ? s->origin : NULL;
}

int zw_signer_set_origin(struct zw_signer *s, const uint8_t *origin)
{
	if (s->loaded)
		return sign_fail(s, ZW_EEXIST, "zone already loaded");
	zw_name_copy(s->origin, origin);
	s->origin_set = true;
	return 0;
}

const struct zw_sign_stats *zw_signer_stats(const struct zw_signer *s)
{
	return &s->st;
}

static void parse_warn(void *ctx, const char *file, unsigned long line,
		       const char *msg)
{
	sign_warn(ctx, "%s:%lu: %s", file, line, msg);
}

static int hold(struct sign_set *set, const struct zw_rec *rec)
{
	if (!set->count)
		set->ttl = rec->ttl;
	return sign_set_add(set, rec->rdata, rec->rdlen);
}

/* Records the signer makes afresh never enter the zone; the apex DNSKEY,
 * CDS and CDNSKEY RRsets are held aside (the final sets are the zone's
 * merged with the keys'). */
static int take_record(struct zw_signer *s, const struct zw_rec *rec)
{
	const uint8_t *apex = zw_zone_apex(s->zone);

	switch (rec->type) {
	case ZW_TYPE_NSEC:
	case ZW_TYPE_NSEC3:
	case ZW_TYPE_NSEC3PARAM:
		return 0;
	case ZW_TYPE_DNSKEY:
	case ZW_TYPE_CDS:
	case ZW_TYPE_CDNSKEY:
		if (apex && zw_name_equal(rec->owner, apex))
			return hold(rec->type == ZW_TYPE_DNSKEY ? &s->zone_dnskey
				    : rec->type == ZW_TYPE_CDS ? &s->zone_cds
							       : &s->zone_cdnskey,
				    rec);
		break;
	}
	int rc = zw_zone_add(s->zone, rec);

	return rc < 0 ? sign_fail(s, rc, "%s", zw_zone_error(s->zone)) : 0;
}

static int load_records(struct zw_signer *s, struct zw_zonefile *zf)
{
	struct zw_rec rec;
	int rc;

	while ((rc = zw_zonefile_next(zf, &rec)) > 0) {
		int e = take_record(s, &rec);

		if (e < 0) {
			if (!s->err[0])
				sign_fail(s, e, "%s:%lu: %s", rec.file,
					  rec.line, zw_strerror(e));
			return e;
		}
	}
	if (rc < 0)
		return sign_fail(s, rc, "%s", zw_zonefile_error(zf));
	return 0;
}

/* Nonces worth making ahead: about one signature per 80 octets of zone
 * text (a delegation zone signed with NSEC), so idle cores never make
 * many more than the zone will use. */
static size_t pool_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size / 80 : 0;
}

int zw_signer_load(struct zw_signer *s, const char *path,
		   const uint8_t *origin)
{
	struct zw_zonefile_opts zo = { .origin = origin, .warn = parse_warn,
				       .warn_ctx = s };
	struct zw_zonefile *zf;
	double t0 = now_s();
	int err = 0, rc;

	if (s->loaded)
		return sign_fail(s, ZW_EEXIST, "zone already loaded");
	if (!origin && s->origin_set)
		zo.origin = origin = s->origin;
	if (!(s->zone = zw_zone_new(origin)))
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	s->path = path;
	if (!(zf = zw_zonefile_open(path, &zo, &err)))
		return sign_fail(s, err, "%s: %s", path, zw_strerror(err));
	sign_makers_start(s, pool_size(path));  /* idle cores: nonces */
	rc = load_records(s, zf);
	zw_zonefile_free(zf);
	sign_makers_stop(s);
	if (rc < 0)
		return rc;
	if ((rc = zw_zone_finish(s->zone)) < 0)
		return sign_fail(s, rc, "%s", zw_zone_error(s->zone));
	if (s->origin_set && !zw_name_equal(s->origin, zw_zone_apex(s->zone)))
		return sign_fail(s, ZW_EOUTZONE, "%s: zone is not the origin "
				 "the keys were loaded for", path);
	zw_name_copy(s->origin, zw_zone_apex(s->zone));
	s->nnodes = zw_zone_count(s->zone);
	s->loaded = s->origin_set = true;
	s->st.t_load = now_s() - t0;
	return 0;
}

/* A fast P-256 signer for every software P-256 key that signs. */
static void add_engines(struct zw_signer *s, const struct zw_key *const *k,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool have = false;

		for (size_t j = 0; j < s->neng && !have; j++)
			have = sign_p256_key(s->eng[j]) == k[i];
		if (!have && s->neng < SIGN_MAX_KEYS &&
		    (s->eng[s->neng] = sign_p256_new(k[i], 0)))
			s->neng++;
	}
}

int zw_signer_prepare(struct zw_signer *s)
{
	double t0 = now_s();
	int rc;

	if (!s->loaded)
		return sign_fail(s, ZW_ENOSOA, "no zone loaded");
	if (s->o.nsec3 && s->o.iterations > ZW_SIGN_MAX_ITERATIONS)
		return sign_fail(s, ZW_ERANGE,
				 "NSEC3 iterations %u above the limit of %u",
				 s->o.iterations, ZW_SIGN_MAX_ITERATIONS);
	if ((rc = sign_apex_soa(s)) < 0 || (rc = sign_keys_roles(s)) < 0 ||
	    (rc = sign_keys_dnskey(s)) < 0 || (rc = sign_keys_sync(s)) < 0 ||
	    (rc = sign_apex_n3param(s)) < 0 ||
	    (rc = sign_ds_load(s)) < 0)
		return rc;
	if (s->o.nsec3 && (rc = sign_nsec3_prepare(s)) < 0)
		return rc;
	add_engines(s, s->data_keys, s->ndata);
	add_engines(s, s->set_keys, s->nset);
	s->prepared = true;
	s->st.t_prepare = now_s() - t0;
	return 0;
}

int zw_signer_write(struct zw_signer *s, zw_sign_write_fn *write, void *ctx)
{
	double t0 = now_s();
	int rc;

	if (!s->prepared)
		return sign_fail(s, ZW_EMALF, "signer not prepared");
	rc = sign_run(s, write, ctx);
	s->st.t_sign = now_s() - t0;
	return rc;
}
