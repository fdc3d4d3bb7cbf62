/* Verifier driver: keys, the node pass, the NSEC3 merge, the report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/zonefile.h"
#include "zonecompile/verify_int.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Which chains the apex announces. */
static int chain_modes(struct zw_verify *v)
{
	struct zw_rrset rs;
	v->nsec = zw_node_rrset(zw_zone_node(v->z, 0), ZW_TYPE_NSEC, 0, &rs);
	int rc = zw_vnsec3_prepare(v);
	if (rc < 0)
		return rc;
	if (!v->nsec && !v->nsec3)
		zw_vmsg_add(&v->msg, ZW_VERIFY_ERROR, "No NSEC record or "
			    "usable NSEC3PARAM at the zone apex %s",
			    VNAME(v->apex));
	return 0;
}

static void finish_report(struct zw_verify *v)
{
	struct zw_verify_report *r = v->r;
	zw_vmsg_flush(v, &v->msg);
	for (unsigned i = 0; i < r->nalgs; i++)
		r->algs[i].complete = r->algs[i].verified &&
				      !(v->bad_algs & (1u << i));
	r->nsec = v->nsec;
	r->nsec3 = v->nsec3;
	r->nodes = v->nnodes;
	r->rrsets = v->rrsets;
	r->sigs = v->sigs;
	r->sigs_batched = v->sigs_batched;
	r->sigs_bad = v->sigs_bad;
	r->sigs_expired = v->sigs_expired;
	r->chain_records += v->chain;
	r->ok = v->fail == 0 && r->errors == 0 && v->bad_algs == 0;
}

static int run(struct zw_verify *v)
{
	double t0 = now_s();
	int rc = zw_vkeys_load(v);
	v->r->t_keys = now_s() - t0;
	if (rc == 0)
		rc = chain_modes(v);
	zw_vmsg_flush(v, &v->msg);
	if (rc < 0)
		return rc;
	t0 = now_s();
	double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	rc = zw_vnodes_run(v);
	v->r->t_nodes = now_s() - t0;
	v->r->cpu_nodes = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (rc < 0)
		return rc;
	t0 = now_s();
	if (v->nsec3)
		rc = zw_vnsec3_check(v);
	v->r->t_nsec3 = now_s() - t0;
	return rc;
}

int zw_verify_zone(const struct zw_zone *z, const struct zw_verify_opts *o,
		   struct zw_verify_report *r)
{
	struct zw_verify_report local;
	struct zw_verify v = {.z = z, .o = o, .r = r ? r : &local};
	memset(v.r, 0, sizeof *v.r);
	v.nnodes = zw_zone_count(z);
	v.apex = zw_zone_apex(z);
	if (!v.apex || v.nnodes == 0)
		return ZW_ENOSOA;
	int rc = run(&v);
	if (rc < 0 && rc != ZW_EBADSIG && !v.fail)
		v.fail = rc;
	finish_report(&v);
	for (size_t c = 0; v.chunks && c < v.nchunks; c++)
		zw_vmsg_free(&v.chunks[c].msg);
	zw_vnsec3_free(&v);
	free(v.chunks);
	zw_vkeys_free(&v);
	zw_vmsg_free(&v.msg);
	if (v.fail)
		return v.fail;
	return v.r->ok ? 0 : ZW_EBADSIG;
}

static void load_fail(const struct zw_verify_opts *o, const char *text)
{
	if (o->msg)
		o->msg(o->msg_ctx, ZW_VERIFY_ERROR, text);
}

static int load(struct zw_zonefile *zf, struct zw_zone *z,
		const struct zw_verify_opts *o)
{
	struct zw_rec rec;
	int rc;
	while ((rc = zw_zonefile_next(zf, &rec)) > 0)
		if ((rc = zw_zone_add(z, &rec)) < 0) {
			load_fail(o, zw_zone_error(z));
			return rc;
		}
	if (rc < 0) {
		load_fail(o, zw_zonefile_error(zf));
		return rc;
	}
	if ((rc = zw_zone_finish(z)) < 0)
		load_fail(o, zw_zone_error(z));
	return rc;
}

/* Loader warnings ("TTL set to prior TTL") go out as warnings. */
static void load_warn(void *ctx, const char *file, unsigned long line,
		      const char *msg)
{
	const struct zw_verify_opts *o = ctx;
	char text[1024];
	snprintf(text, sizeof text, "%s:%lu: %s", file, line, msg);
	if (o->msg)
		o->msg(o->msg_ctx, ZW_VERIFY_WARN, text);
}

int zw_verify_file(const char *path, const uint8_t *origin,
		   const struct zw_verify_opts *o, struct zw_verify_report *r)
{
	struct zw_zonefile_opts zo = {origin, load_warn, (void *)o};
	int err = 0;
	struct zw_zonefile *zf = zw_zonefile_open(path, &zo, &err);
	if (!zf) {
		load_fail(o, zw_strerror(err));
		return err;
	}
	struct zw_zone *z = zw_zone_new(origin);
	int rc = z ? load(zf, z, o) : ZW_ENOMEM;
	zw_zonefile_free(zf);
	if (rc == 0)
		rc = zw_verify_zone(z, o, r);
	zw_zone_free(z);
	return rc;
}
