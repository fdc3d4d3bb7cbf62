/* zw-dsfromkey: DS (or CDS) records from key files or from a zone's
 * DNSKEY RRset, printed exactly as BIND's dnssec-dsfromkey prints them.
 *
 *   zw-dsfromkey [-1|-2|-a alg]... [-C] [-T ttl] [-K dir] keyfile
 *   zw-dsfromkey [-1|-2|-a alg]... [-C] [-T ttl] [-A] -f file [zonename]
 *
 * Digest types print in ascending order, each once; revoked keys print
 * nothing (exit 0), as BIND does. With -f (file "-" is standard input)
 * only KSKs are used unless -A is given, in canonical RDATA order; the
 * zone name defaults to the file name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/ds.h"
#include "crypto/keyfile.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "dns/zonefile.h"

static void usage(void)
{
	zw_cli_usage(
		"Usage:\n"
		"    %s [-1|-2|-a alg]... [-C] [-T TTL] [-K directory] "
		"keyfile\n"
		"    %s [-1|-2|-a alg]... [-C] [-T TTL] [-A] -f file "
		"[zonename]\n"
		"    -1, -2, -a SHA-1|SHA-256|SHA-384|1|2|4: digest "
		"(default SHA-256)\n"
		"    -C: print CDS records\n"
		"    -T TTL: TTL of the records\n"
		"    -K directory: where the key files are\n"
		"    -f file [zonename]: DNSKEYs of zonename in a zone file "
		"(- for stdin)\n"
		"    -A: with -f, ZSKs too\n",
		zw_cli_prog(), zw_cli_prog());
}

struct opts {
	bool digest[256];
	bool any_digest;
	bool cds;
	bool has_ttl;
	uint32_t ttl;
	const char *dir;
	const char *file;
	bool zsks;
};

static void add_digest(struct opts *o, const char *name)
{
	int t = zw_ds_digest_from_name(name);

	if (t < 0 || !zw_ds_digest_supported((uint8_t)t))
		zw_cli_die("unknown DS algorithm %s", name);
	o->digest[t] = true;
	o->any_digest = true;
}

static uint32_t parse_ttl(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v > 0x7fffffff)
		zw_cli_die("bad TTL '%s'", s);
	return (uint32_t)v;
}

/* One DS (or CDS) line for DNSKEY rdata of `owner`. */
static void print_ds(const uint8_t *owner, const uint8_t *dnskey,
		     size_t dnskey_len, uint16_t rclass, const struct opts *o,
		     uint8_t type)
{
	uint8_t rd[ZW_DS_MAX];
	char name[ZW_NAME_STR_MAX], hex[2 * 64 + 1], ttl[16] = "", cls[16];
	int n = zw_ds_from_dnskey(owner, dnskey, dnskey_len, type, rd,
				  sizeof(rd));

	if (n < 4 || zw_hex_encode(rd + 4, (size_t)n - 4, hex,
				   sizeof(hex)) < 0 ||
	    zw_name_to_str(owner, name, sizeof(name)) < 0)
		zw_cli_die("cannot make DS record: %s",
			   zw_strerror(n < 0 ? n : 0));
	if (o->has_ttl)
		snprintf(ttl, sizeof(ttl), " %u", o->ttl);
	if (zw_class_to_str(rclass, cls, sizeof(cls)) < 0)
		zw_cli_die("bad class %u", rclass);
	printf("%s%s %s %s %u %u %u %s\n", name, ttl, cls,
	       o->cds ? "CDS" : "DS",
	       rd[0] << 8 | rd[1], rd[2], rd[3], hex);
}

static void print_key(const uint8_t *owner, const uint8_t *rd, size_t len,
		      uint16_t rclass, const struct opts *o)
{
	if (rd[1] & ZW_DNSKEY_REVOKE)
		return;
	for (int t = 0; t < 256; t++)
		if (o->digest[t])
			print_ds(owner, rd, len, rclass, o, (uint8_t)t);
}

static void key_mode(const struct opts *o, const char *name)
{
	struct zw_keyfile *kf;
	uint8_t rd[4 + ZW_KEY_PUB_MAX];
	char msg[ZW_KF_MSG];
	int err, len;

	kf = zw_keyfile_load(o->dir, name, ZW_KF_PUBLIC, &err, msg,
			     sizeof(msg));
	if (!kf)
		zw_cli_die("can't load %s: %s", name, msg);
	len = zw_key_dnskey_rdata(kf->key, rd, sizeof(rd));
	if (len < 4)
		zw_cli_die("%s: %s", name, zw_strerror(len));
	print_key(kf->key->owner, rd, (size_t)len, kf->rclass, o);
	zw_keyfile_free(kf);
}

/* ---- -f: the zone's DNSKEY RRset ---- */

struct rdset {
	size_t n, cap;
	struct rd {
		uint8_t *p;
		size_t len;
	} *v;
};

static long stdin_read(void *ctx, void *handle, char *buf, size_t len)
{
	ssize_t r;

	(void)ctx;
	(void)handle;
	do
		r = read(0, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : (long)r;
}

static void stdin_close(void *ctx, void *handle)
{
	(void)ctx;
	(void)handle;
}

static void zone_warn(void *ctx, const char *file, unsigned long line,
		      const char *msg)
{
	(void)ctx;
	zw_cli_warn("%s:%lu: %s", file, line, msg);
}

static struct zw_zonefile *open_zone(const char *file, const uint8_t *origin)
{
	static const struct zw_zonefile_io io = { stdin_read, NULL,
						  stdin_close, NULL };
	struct zw_zonefile_opts zo = { origin, zone_warn, NULL };
	struct zw_zonefile *zf;
	int err = ZW_ENOMEM;

	if (strcmp(file, "-") == 0)
		zf = zw_zonefile_new(&io, NULL, "-", &zo);
	else
		zf = zw_zonefile_open(file, &zo, &err);
	if (!zf)
		zw_cli_die("can't load %s: %s", file, zw_strerror(err));
	return zf;
}

static void add_rd(struct rdset *s, const uint8_t *rd, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = realloc(s->v, s->cap * sizeof(s->v[0]));
		if (!s->v)
			zw_cli_die("out of memory");
	}
	s->v[s->n].p = malloc(len ? len : 1);
	if (!s->v[s->n].p)
		zw_cli_die("out of memory");
	memcpy(s->v[s->n].p, rd, len);
	s->v[s->n++].len = len;
}

static int cmp_rd(const void *a, const void *b)
{
	const struct rd *x = a, *y = b;

	return zw_rdata_cmp(x->p, x->len, y->p, y->len);
}

static void collect(const char *file, const uint8_t *zone, struct rdset *s)
{
	struct zw_zonefile *zf = open_zone(file, zone);
	struct zw_rec rec;
	int r;

	while ((r = zw_zonefile_next(zf, &rec)) == 1)
		if (rec.type == ZW_TYPE_DNSKEY && rec.rdlen >= 4 &&
		    zw_name_equal(rec.owner, zone))
			add_rd(s, rec.rdata, rec.rdlen);
	if (r < 0)
		zw_cli_die("can't load %s: %s", file, zw_zonefile_error(zf));
	zw_zonefile_free(zf);
}

static void zone_mode(const struct opts *o, const char *zonename)
{
	uint8_t zone[ZW_NAME_MAX];
	struct rdset s = { 0, 0, NULL };
	char name[ZW_NAME_STR_MAX];
	int r;

	r = zw_name_from_str(zone, zonename, strlen(zonename),
			     (const uint8_t *)"");
	if (r < 0)
		zw_cli_die("invalid zone name %s: %s", zonename,
			   zw_strerror(r));
	collect(o->file, zone, &s);
	if (s.n == 0) {
		zw_name_to_str(zone, name, sizeof(name));
		if (strlen(name) > 1)
			name[strlen(name) - 1] = 0;
		zw_cli_die("no DNSKEY RR for %s in %s", name, o->file);
	}
	qsort(s.v, s.n, sizeof(s.v[0]), cmp_rd);
	for (size_t i = 0; i < s.n; i++) {
		bool dup = i > 0 && cmp_rd(&s.v[i - 1], &s.v[i]) == 0;

		if (!dup && (o->zsks || (s.v[i].p[1] & ZW_DNSKEY_SEP)))
			print_key(zone, s.v[i].p, s.v[i].len, ZW_CLASS_IN, o);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].p);
	free(s.v);
}

int main(int argc, char **argv)
{
	struct opts o;
	int c;

	zw_cli_init("zw-dsfromkey");
	memset(&o, 0, sizeof(o));
	while ((c = getopt(argc, argv, "12a:CT:K:f:Ac:v:h")) != -1) {
		switch (c) {
		case '1': add_digest(&o, "SHA-1"); break;
		case '2': add_digest(&o, "SHA-256"); break;
		case 'a': add_digest(&o, optarg); break;
		case 'C': o.cds = true; break;
		case 'T': o.ttl = parse_ttl(optarg); o.has_ttl = true; break;
		case 'K': o.dir = optarg; break;
		case 'f': o.file = optarg; break;
		case 'A': o.zsks = true; break;
		case 'c':
			if (strcasecmp(optarg, "IN") != 0)
				zw_cli_die("unsupported class %s (only IN)",
					   optarg);
			break;
		case 'v': break;
		default: usage();
		}
	}
	if (!o.any_digest)
		o.digest[ZW_DS_SHA256] = true;
	if (o.file && optind >= argc - 1)
		zone_mode(&o, optind < argc ? argv[optind] : o.file);
	else if (!o.file && optind == argc - 1)
		key_mode(&o, argv[optind]);
	else
		usage();
	return fflush(stdout) == 0 ? 0 : 1;
}
