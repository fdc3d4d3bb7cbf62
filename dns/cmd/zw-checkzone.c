/* zw-checkzone [-o origin] [-D] [-q] zonefile
 *
 * Loads a zone as named-checkzone does: prints "zone X/IN: loaded serial N"
 * and "OK" and exits 0, or prints the errors (file:line: ...) on stderr and
 * exits 1. -D also prints the zone in canonical order, one RR per line,
 * fully qualified, as "owner TTL IN TYPE rdata" (named-checkzone -D's
 * fields) on stdout, and the two status lines go to stderr (as
 * named-checkzone -D -o - does), so stdout is the zone alone. -q prints
 * nothing. Without -o the origin is the owner of the
 * first record, which must be an SOA. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zone.h"
#include "dns/zonefile.h"

#define RDTEXT_MAX (5 * ZW_RDATA_MAX + 64)

static bool quiet;

static void warn_cb(void *ctx, const char *file, unsigned long line,
		    const char *msg)
{
	(void)ctx;
	if (!quiet)
		fprintf(stderr, "%s:%lu: %s\n", file, line, msg);
}

static void usage(void)
{
	zw_cli_usage("usage: %s [-o origin] [-D] [-q] zonefile\n",
		     zw_cli_prog());
}

/* Zone name as named-checkzone shows it: no trailing dot except root. */
static const char *zone_str(const uint8_t *apex, char *buf, size_t size)
{
	if (!apex)
		return "?";
	int n = zw_name_to_str(apex, buf, size);
	if (n > 1)
		buf[n - 1] = '\0';
	return buf;
}

static int failed(const uint8_t *apex, const char *file, const char *msg,
		  int err)
{
	char zn[ZW_NAME_STR_MAX];
	if (quiet)
		return 1;
	zone_str(apex, zn, sizeof zn);
	if (msg && *msg)
		fprintf(stderr, "%s\n", msg);
	fprintf(stderr, "zone %s/IN: loading from master file %s failed: %s\n",
		zn, file, zw_strerror(err));
	fprintf(stderr, "zone %s/IN: not loaded due to errors.\n", zn);
	return 1;
}

static bool has_address(const struct zw_node *n)
{
	struct zw_rrset rs;
	return zw_node_rrset(n, ZW_TYPE_A, 0, &rs) ||
	       zw_node_rrset(n, ZW_TYPE_AAAA, 0, &rs);
}

/* A node at or above `name` (below the apex) that cuts the lookup short:
 * a delegation (glue is then fine) or a DNAME. Returns its flags or 0. */
static int cut_above(const struct zw_zone *z, const uint8_t *name,
		     const uint8_t **at)
{
	int below = zw_name_labels(name) - zw_name_labels(zw_zone_apex(z));
	for (int k = below - 1; k >= 0; k--) {
		const uint8_t *a = zw_name_skip(name, k);
		long i = zw_zone_find(z, a);
		const struct zw_node *n = i >= 0 ? zw_zone_node(z, (size_t)i)
						 : NULL;
		struct zw_rrset rs;
		*at = a;
		if (n && (n->flags & ZW_NODE_DELEG))
			return ZW_NODE_DELEG;
		if (n && k > 0 && zw_node_rrset(n, ZW_TYPE_DNAME, 0, &rs))
			return ZW_NODE_BELOW_DNAME;
	}
	return 0;
}

/* named-checkzone's check of in-zone apex NS targets. */
static const char *ns_problem(const struct zw_zone *z, const uint8_t *target,
			      char *dname, size_t size)
{
	const uint8_t *at = NULL;
	struct zw_rrset rs;
	int cut = cut_above(z, target, &at);
	if (cut == ZW_NODE_DELEG)
		return NULL;
	if (cut == ZW_NODE_BELOW_DNAME) {
		zone_str(at, dname, size);
		return "is below a DNAME";
	}
	long i = zw_zone_find(z, target);
	const struct zw_node *n = i >= 0 ? zw_zone_node(z, (size_t)i) : NULL;
	if (n && has_address(n))
		return NULL;
	if (n && zw_node_rrset(n, ZW_TYPE_CNAME, 0, &rs))
		return "is a CNAME (illegal)";
	return "has no address records (A or AAAA)";
}

static int check_apex_ns(const struct zw_zone *z)
{
	const struct zw_node *apex = zw_zone_node(z, 0);
	struct zw_rrset rs;
	char zn[ZW_NAME_STR_MAX], tn[ZW_NAME_STR_MAX], dn[ZW_NAME_STR_MAX];
	int bad = 0;
	if (!zw_node_rrset(apex, ZW_TYPE_NS, 0, &rs))
		return 0;
	const uint8_t *p = rs.rdata;
	for (uint32_t k = 0; k < rs.count; k++) {
		uint16_t len;
		const uint8_t *t = zw_rr_next(&p, &len);
		if (!zw_name_is_subdomain(t, zw_zone_apex(z)))
			continue;
		const char *why = ns_problem(z, t, dn, sizeof dn);
		if (!why)
			continue;
		bad = 1;
		if (quiet)
			continue;
		fprintf(stderr, "zone %s/IN: NS '%s' %s", zone_str(zw_zone_apex(z),
			zn, sizeof zn), zone_str(t, tn, sizeof tn), why);
		fprintf(stderr, strcmp(why, "is below a DNAME") ? "\n"
							       : " '%s'\n", dn);
	}
	return bad;
}

static void print_rrset(const char *owner, const struct zw_rrset *rs,
			char *text)
{
	char type[32];
	const uint8_t *p = rs->rdata;
	zw_rrtype_to_str(rs->type, type, sizeof type);
	for (uint32_t k = 0; k < rs->count; k++) {
		uint16_t len;
		const uint8_t *rd = zw_rr_next(&p, &len);
		if (zw_rdata_to_str(rs->type, rd, len, text, RDTEXT_MAX) < 0)
			strcpy(text, "; (rdata too long to print)");
		printf("%s\t%u\tIN\t%s\t%s\n", owner, rs->ttl, type, text);
	}
}

static int dump(const struct zw_zone *z)
{
	char owner[ZW_NAME_STR_MAX];
	char *text = malloc(RDTEXT_MAX);
	if (!text)
		return -1;
	for (size_t i = 0; i < zw_zone_count(z); i++) {
		const struct zw_node *n = zw_zone_node(z, i);
		struct zw_rrset rs;
		if (n->flags & ZW_NODE_ENT)
			continue;
		zw_name_to_str(zw_node_name(n), owner, sizeof owner);
		for (bool ok = zw_rrset_first(n, &rs); ok;
		     ok = zw_rrset_next(n, &rs))
			print_rrset(owner, &rs, text);
	}
	free(text);
	return 0;
}

static int load(struct zw_zonefile *zf, struct zw_zone *z, const char *file)
{
	struct zw_rec rec;
	int r;
	while ((r = zw_zonefile_next(zf, &rec)) > 0) {
		if ((r = zw_zone_add(z, &rec)) < 0)
			return failed(zw_zone_apex(z), file, zw_zone_error(z), r);
	}
	if (r < 0)
		return failed(zw_zone_apex(z), file, zw_zonefile_error(zf), r);
	if ((r = zw_zone_finish(z)) < 0) {
		if (!quiet)
			fprintf(stderr, "zone %s/IN: %s\n",
				zone_str(zw_zone_apex(z), (char[ZW_NAME_STR_MAX]){0},
					 ZW_NAME_STR_MAX), zw_zone_error(z));
		return failed(zw_zone_apex(z), file, NULL, r);
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t origin[ZW_NAME_MAX];
	bool have_origin = false, print = false;
	int c;
	zw_cli_init("zw-checkzone");
	while ((c = getopt(argc, argv, "o:Dq")) != -1) {
		if (c == 'o') {
			static const uint8_t root[1] = {0};
			if (zw_name_from_str(origin, optarg, strlen(optarg),
					     root) < 0) {
				zw_cli_error("bad origin '%s'", optarg);
				return 1;
			}
			have_origin = true;
		} else if (c == 'D') {
			print = true;
		} else if (c == 'q') {
			quiet = true;
		} else {
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	const char *file = argv[optind];
	struct zw_zonefile_opts opts = {have_origin ? origin : NULL, warn_cb,
					NULL};
	int err = 0;
	struct zw_zonefile *zf = zw_zonefile_open(file, &opts, &err);
	if (!zf) {
		if (!quiet)
			zw_cli_error("%s: %s", file, zw_strerror(err));
		return 1;
	}
	struct zw_zone *z = zw_zone_new(have_origin ? origin : NULL);
	if (!z)
		return 1;
	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	int rc = load(zf, z, file);
	zw_zonefile_free(zf);
	if (rc == 0 && check_apex_ns(z)) {
		char zn[ZW_NAME_STR_MAX];
		if (!quiet)
			fprintf(stderr, "zone %s/IN: not loaded due to errors.\n",
				zone_str(zw_zone_apex(z), zn, sizeof zn));
		rc = 1;
	}
	if (rc == 0 && !quiet) {
		char zn[ZW_NAME_STR_MAX];
		FILE *status = print ? stderr : stdout;
		fprintf(status, "zone %s/IN: loaded serial %u\n",
			zone_str(zw_zone_apex(z), zn, sizeof zn),
			zw_zone_serial(z));
		if (print && dump(z) < 0)
			rc = 1;
		fflush(stdout);
		fprintf(status, "OK\n");
	}
	zw_zone_free(z);
	return rc;
}
