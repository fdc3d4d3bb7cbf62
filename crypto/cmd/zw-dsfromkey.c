/* zw-dsfromkey: DS (or CDS) records from key files, printed exactly as
 * BIND's dnssec-dsfromkey prints them.
 *
 *   zw-dsfromkey [-1|-2|-a alg]... [-C] [-T ttl] [-K dir] keyfile
 *
 * Digest types print in ascending order, each once; revoked keys print
 * nothing (exit 0), as BIND does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/ds.h"
#include "crypto/keyfile.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"

static const char *prog = "zw-dsfromkey";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: fatal: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"Usage:\n"
		"    %s [-1|-2|-a alg]... [-C] [-T TTL] [-K directory] "
		"keyfile\n"
		"    -1, -2, -a SHA-1|SHA-256|SHA-384|1|2|4: digest "
		"(default SHA-256)\n"
		"    -C: print CDS records\n"
		"    -T TTL: TTL of the records\n"
		"    -K directory: where the key files are\n",
		prog);
	exit(1);
}

struct opts {
	bool digest[256];
	bool any_digest;
	bool cds;
	bool has_ttl;
	uint32_t ttl;
	const char *dir;
};

static void add_digest(struct opts *o, const char *name)
{
	int t = zw_ds_digest_from_name(name);

	if (t < 0 || !zw_ds_digest_supported((uint8_t)t))
		die("unknown DS algorithm %s", name);
	o->digest[t] = true;
	o->any_digest = true;
}

static uint32_t parse_ttl(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *end || v > 0x7fffffff)
		die("bad TTL '%s'", s);
	return (uint32_t)v;
}

static void print_ds(const struct zw_key *key, uint16_t rclass,
		     const struct opts *o, uint8_t type)
{
	uint8_t rd[ZW_DS_MAX];
	char owner[ZW_NAME_STR_MAX], hex[2 * 64 + 1], ttl[16] = "", cls[16];
	int n = o->cds ? zw_cds_from_key(key, type, rd, sizeof(rd)) :
			 zw_ds_from_key(key, type, rd, sizeof(rd));

	if (n < 4 || zw_hex_encode(rd + 4, (size_t)n - 4, hex,
				   sizeof(hex)) < 0 ||
	    zw_name_to_str(key->owner, owner, sizeof(owner)) < 0)
		die("cannot make DS record: %s", zw_strerror(n < 0 ? n : 0));
	if (o->has_ttl)
		snprintf(ttl, sizeof(ttl), " %u", o->ttl);
	if (zw_class_to_str(rclass, cls, sizeof(cls)) < 0)
		die("bad class %u", rclass);
	printf("%s%s %s %s %u %u %u %s\n", owner, ttl, cls,
	       o->cds ? "CDS" : "DS",
	       rd[0] << 8 | rd[1], rd[2], rd[3], hex);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct zw_keyfile *kf;
	char msg[ZW_KF_MSG];
	int c, err;

	memset(&o, 0, sizeof(o));
	while ((c = getopt(argc, argv, "12a:CT:K:v:h")) != -1) {
		switch (c) {
		case '1': add_digest(&o, "SHA-1"); break;
		case '2': add_digest(&o, "SHA-256"); break;
		case 'a': add_digest(&o, optarg); break;
		case 'C': o.cds = true; break;
		case 'T': o.ttl = parse_ttl(optarg); o.has_ttl = true; break;
		case 'K': o.dir = optarg; break;
		case 'v': break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	if (!o.any_digest)
		o.digest[ZW_DS_SHA256] = true;
	kf = zw_keyfile_load(o.dir, argv[optind], ZW_KF_PUBLIC, &err, msg,
			     sizeof(msg));
	if (!kf)
		die("can't load %s: %s", argv[optind], msg);
	if (!(kf->key->flags & ZW_DNSKEY_REVOKE))
		for (int t = 0; t < 256; t++)
			if (o.digest[t])
				print_ds(kf->key, kf->rclass, &o, (uint8_t)t);
	zw_keyfile_free(kf);
	return fflush(stdout) == 0 ? 0 : 1;
}
