/* RRsets the signer makes at the apex (SOA with the new serial,
 * NSEC3PARAM) and, for -g, child DS RRsets from dsset- files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/err.h"
#include "dns/rrtype.h"
#include "dns/zonefile.h"
#include "zonecompile/sign_int.h"

/* ---- SOA ---- */

static bool serial_gt(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) > 0;
}

static uint32_t date_serial(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	return (uint32_t)(tm.tm_year + 1900) * 1000000u +
	       (uint32_t)(tm.tm_mon + 1) * 10000u + (uint32_t)tm.tm_mday * 100u;
}

static uint32_t new_serial(const struct zw_signer *s, uint32_t old)
{
	uint32_t want;

	switch (s->o.serial) {
	case ZW_SERIAL_KEEP:
		return old;
	case ZW_SERIAL_UNIXTIME:
		want = (uint32_t)s->o.now;
		break;
	case ZW_SERIAL_DATE:
		want = date_serial(s->o.now);
		break;
	default:
		want = old + 1;
		break;
	}
	if (!serial_gt(want, old))
		want = old + 1;
	return want ? want : 1;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The SOA with its new serial; the NSEC/NSEC3 TTL (RFC 9077: the smaller
 * of the SOA's TTL and its MINIMUM field). */
int sign_apex_soa(struct zw_signer *s)
{
	const struct zw_node *apex = zw_zone_node(s->zone, 0);
	struct zw_rrset rs;
	const uint8_t *p;
	uint8_t rd[2 * ZW_NAME_MAX + 20];
	uint16_t len = 0;
	size_t off;

	if (!zw_node_rrset(apex, ZW_TYPE_SOA, 0, &rs) || rs.count != 1)
		return sign_fail(s, ZW_ENOSOA, "%s: no SOA at the apex",
				 s->path);
	p = rs.rdata;
	const uint8_t *r = zw_rr_next(&p, &len);

	if (len > sizeof rd)
		return sign_fail(s, ZW_EMALF, "%s: bad SOA rdata", s->path);
	memcpy(rd, r, len);
	off = zw_name_len(rd);
	off += zw_name_len(rd + off);
	if (off + 20 != len)
		return sign_fail(s, ZW_EMALF, "%s: bad SOA rdata", s->path);
	put32(rd + off, new_serial(s, get32(rd + off)));
	s->soa.type = ZW_TYPE_SOA;
	s->soa.ttl = rs.ttl;
	s->nsec_ttl = get32(rd + off + 16);
	if (rs.ttl < s->nsec_ttl)
		s->nsec_ttl = rs.ttl;
	return sign_set_add(&s->soa, rd, len);
}

/* NSEC3PARAM: hash algorithm 1, flags 0 (RFC 5155 §4.1.2), TTL 0 as
 * dnssec-signzone writes it. */
int sign_apex_n3param(struct zw_signer *s)
{
	uint8_t rd[5 + 255];

	if (!s->o.nsec3)
		return 0;
	rd[0] = ZW_NSEC3_ALG_SHA1;
	rd[1] = 0;
	rd[2] = (uint8_t)(s->o.iterations >> 8);
	rd[3] = (uint8_t)s->o.iterations;
	rd[4] = s->o.saltlen;
	memcpy(rd + 5, s->o.salt, s->o.saltlen);
	s->n3param.type = ZW_TYPE_NSEC3PARAM;
	s->n3param.ttl = 0;
	return sign_set_add(&s->n3param, rd, 5u + s->o.saltlen);
}

/* ---- -g: dsset-<child>. files ---- */

static int ds_cmp(const void *a, const void *b)
{
	return zw_name_cmp(((const struct ds_over *)a)->name,
			   ((const struct ds_over *)b)->name);
}

static int ds_take(struct zw_signer *s, struct ds_over *d,
		   const struct zw_rec *rec, const char *path)
{
	if (rec->type != ZW_TYPE_DS || !zw_name_equal(rec->owner, d->name))
		return sign_fail(s, ZW_EOUTZONE, "%s:%lu: only DS records of "
				 "the child belong in a dsset file", path,
				 rec->line - 1);
	if (!d->set.count)
		d->set.ttl = rec->ttl;
	return sign_set_add(&d->set, rec->rdata, rec->rdlen);
}

/* The parser counted the "$TTL" line put in front: give the file's line. */
static int ds_parse_fail(struct zw_signer *s, int rc, const char *path,
			 const char *msg)
{
	size_t n = strlen(path);
	char *end;
	unsigned long line;

	if (!strncmp(msg, path, n) && msg[n] == ':') {
		line = strtoul(msg + n + 1, &end, 10);
		if (end != msg + n + 1 && line > 1)
			return sign_fail(s, rc, "%s:%lu%s", path, line - 1,
					 end);
	}
	return sign_fail(s, rc, "%s", msg);
}

/* dsset files carry no TTL (dnssec-signzone writes them so): they read
 * as if "$TTL <SOA TTL>" stood first, which is the TTL BIND gives them. */
static char *ds_text(const struct zw_signer *s, const char *path,
		     size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int head;

	if (!f)
		return NULL;
	cap = 1 << 16;
	if ((buf = malloc(cap)))
		head = snprintf(buf, cap, "$TTL %u\n", s->soa.ttl);
	while (buf) {
		size_t got = fread(buf + (size_t)head + n, 1,
				   cap - (size_t)head - n - 1, f);

		n += got;
		if (got == 0 || n > (1u << 20))
			break;
		if ((size_t)head + n + 1 == cap) {
			char *p = realloc(buf, cap *= 2);

			if (!p) {
				free(buf);
				buf = NULL;
			}
			buf = p;
		}
	}
	fclose(f);
	if (buf)
		*len = (size_t)head + n;
	return buf;
}

/* Read one dsset file for `child` into *d. */
static int ds_read(struct zw_signer *s, const char *path,
		   const uint8_t *child, struct ds_over *d)
{
	struct zw_zonefile_opts zo = { .origin = child };
	struct zw_zonefile *zf;
	struct zw_rec rec;
	size_t n = zw_name_len(child), len = 0;
	char *text;
	int rc;

	memset(d, 0, sizeof *d);
	d->set.type = ZW_TYPE_DS;
	if (!(d->name = malloc(n)))
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	memcpy(d->name, child, n);
	if (!(text = ds_text(s, path, &len)))
		return sign_fail(s, ZW_EMALF, "%s: cannot read", path);
	if (!(zf = zw_zonefile_new_mem(text, len, path, &zo))) {
		free(text);
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	}
	while ((rc = zw_zonefile_next(zf, &rec)) > 0)
		if ((rc = ds_take(s, d, &rec, path)) < 0)
			break;
	if (rc < 0 && !s->err[0])
		ds_parse_fail(s, rc, path, zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	free(text);
	return rc;
}

static int ds_entry(struct zw_signer *s, const char *dir, const char *fname)
{
	uint8_t child[ZW_NAME_MAX];
	char path[4096];
	const char *cn = fname + 6;
	struct ds_over *d;
	int n = zw_name_from_str(child, cn, strlen(cn), NULL);

	if (n < 0 || !zw_name_is_strict_subdomain(child, s->origin))
		return 0;       /* some other zone's, or not a name */
	d = realloc(s->ds, (s->nds + 1) * sizeof *d);
	if (!d)
		return sign_fail(s, ZW_ENOMEM, "out of memory");
	s->ds = d;
	snprintf(path, sizeof path, "%s/%s", dir, fname);
	n = ds_read(s, path, child, &s->ds[s->nds]);
	s->nds++;
	return n;
}

int sign_ds_load(struct zw_signer *s)
{
	const char *dir = s->o.dsset_dir;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (!dir)
		return 0;
	if (!(d = opendir(*dir ? dir : ".")))
		return sign_fail(s, -errno, "%s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d)))
		if (!strncmp(de->d_name, "dsset-", 6) && de->d_name[6])
			rc = ds_entry(s, *dir ? dir : ".", de->d_name);
	closedir(d);
	if (rc == 0 && s->nds)
		qsort(s->ds, s->nds, sizeof *s->ds, ds_cmp);
	return rc;
}

const struct sign_set *sign_ds_find(const struct zw_signer *s,
				    const uint8_t *name)
{
	struct ds_over key = { .name = (uint8_t *)name };
	const struct ds_over *d;

	if (!s->nds)
		return NULL;
	d = bsearch(&key, s->ds, s->nds, sizeof *s->ds, ds_cmp);
	return d ? &d->set : NULL;
}

void sign_ds_free(struct zw_signer *s)
{
	for (size_t i = 0; i < s->nds; i++) {
		free(s->ds[i].name);
		sign_set_free(&s->ds[i].set);
	}
	free(s->ds);
	s->ds = NULL;
	s->nds = 0;
}
