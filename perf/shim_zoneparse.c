/* Zone-file parsing benchmark shim: the C side of perf/bench_zoneparse.cc. */
#include "perf/shim_zoneparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "dns/zonefile.h"

char *zw_perf_zoneparse_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static struct zw_zonefile *open_mem(const char *text, size_t len,
				    const char *origin, uint8_t *wire)
{
	struct zw_zonefile_opts opts = { 0 };

	if (zw_name_from_str(wire, origin, strlen(origin), NULL) < 0)
		return NULL;
	opts.origin = wire;
	return zw_zonefile_new_mem(text, len, "bench", &opts);
}

long zw_perf_zoneparse_scan(const char *text, size_t len, const char *origin)
{
	uint8_t wire[ZW_NAME_MAX];
	struct zw_zonefile *zf = open_mem(text, len, origin, wire);
	struct zw_rec rec;
	long n = 0;
	int rc;

	if (!zf)
		return ZW_ENOMEM;
	while ((rc = zw_zonefile_next(zf, &rec)) == 1)
		n++;
	zw_zonefile_free(zf);
	return rc < 0 ? rc : n;
}

/* Feed every record of zf into a new zone, finish it; node count or err. */
static long fill(struct zw_zonefile *zf, const uint8_t *origin)
{
	struct zw_zone *z = zw_zone_new(origin);
	struct zw_rec rec;
	long rc;
	int r;

	if (!z) {
		zw_zonefile_free(zf);
		return ZW_ENOMEM;
	}
	while ((r = zw_zonefile_next(zf, &rec)) == 1)
		if ((r = zw_zone_add(z, &rec)) < 0)
			break;
	rc = r < 0 ? r : zw_zone_finish(z);
	if (rc == 0)
		rc = (long)zw_zone_count(z);
	zw_zonefile_free(zf);
	zw_zone_free(z);
	return rc;
}

long zw_perf_zoneparse_load(const char *text, size_t len, const char *origin)
{
	uint8_t wire[ZW_NAME_MAX];
	struct zw_zonefile *zf = open_mem(text, len, origin, wire);

	return zf ? fill(zf, wire) : ZW_ENOMEM;
}

long zw_perf_zoneparse_load_file(const char *path, const char *origin)
{
	uint8_t wire[ZW_NAME_MAX];
	struct zw_zonefile_opts opts = { 0 };
	struct zw_zonefile *zf;
	int err = 0;

	if (zw_name_from_str(wire, origin, strlen(origin), NULL) < 0)
		return ZW_EMALF;
	opts.origin = wire;
	zf = zw_zonefile_open(path, &opts, &err);
	return zf ? fill(zf, wire) : err;
}
