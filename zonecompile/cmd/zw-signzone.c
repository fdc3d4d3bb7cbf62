/* zw-signzone: sign a zone, with the flags of BIND 9.18's dnssec-signzone.
 *
 *   zw-signzone [-a] [-A] [-c class] [-C] [-d dir] [-e end] [-E engine]
 *               [-f output] [-g] [-H iterations] [-i interval] [-j jitter]
 *               [-K dir] [-n threads] [-N keep|increment|unixtime|date]
 *               [-o origin] [-P] [-q] [-s start] [-S] [-t] [-T ttl] [-x]
 *               [-z] [-3 salt|-] zonefile [keyfile...]
 *
 * Writes <zonefile>.signed (or -f; "-" is standard output) and
 * dsset-<origin>. (-C: also keyset-<origin>.) atomically: a temporary file
 * is written, synced and renamed, so a failed run never replaces a good
 * file. As dnssec-signzone, the signed zone is verified before it replaces
 * anything (zonecompile/verify.h: every signature, the chain, each
 * algorithm signing every RRset) unless -P; -a also checks every new
 * signature as it is made. Errors name the file and record; the exit
 * status is 1. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/keytime.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"
#include "zonecompile/sign.h"
#include "zonecompile/verify.h"

#define DEFAULT_CYCLE_DIV 4
#define MONTH (30 * 86400)

static bool quiet;

static void warn_cb(void *ctx, const char *msg)
{
	(void)ctx;
	zw_cli_warn("%s", msg);
}

static void usage(void)
{
	zw_cli_usage(
		"Usage: %s [options] zonefile [keys]\n"
		"  -o origin      zone origin (default: zonefile name)\n"
		"  -f file        output (default <zonefile>.signed, - stdout)\n"
		"  -K dir         key directory\n"
		"  -S             smart signing: keys and their timing from -K\n"
		"  -s/-e time     signature inception/expiration "
		"(YYYYMMDD[HHMMSS], now, +offset)\n"
		"  -i interval    re-sign signatures expiring within this\n"
		"  -j jitter      spread expirations over this many seconds\n"
		"  -3 salt|-      NSEC3 (hex salt, - for none)\n"
		"  -H iterations  NSEC3 iterations (default 0, at most %d)\n"
		"  -A             NSEC3 opt-out\n"
		"  -g             DS records from dsset-<child>. files in -d\n"
		"  -d dir         where dsset/keyset files go\n"
		"  -C             also write keyset-<origin>.\n"
		"  -N format      serial: keep, increment, unixtime, date\n"
		"  -n threads     signing threads (default: online CPUs)\n"
		"  -x             DNSKEY signed by KSKs only\n"
		"  -z             ignore the KSK flag\n"
		"  -T ttl         TTL of new DNSKEY records\n"
		"  -a             verify every new signature\n"
		"  -P             no post-sign verification\n"
		"  -t             statistics\n"
		"  -q             quiet\n",
		zw_cli_prog(), ZW_SIGN_MAX_ITERATIONS);
}

/* ---- arguments ---- */

struct args {
	struct zw_sign_opts o;
	const char *origin, *out, *keydir, *dir, *zonefile;
	const char *start, *end, *cycle, *jitter;
	bool want_dsset_dir, keyset, stats, no_verify;
	char **keys;
	int nkeys;
};

/* BIND's time arguments: YYYYMMDD[HHMMSS] or now, optionally +/-offset;
 * a bare +/-offset counts from `base`. */
static int64_t parse_time(const char *s, int64_t now, int64_t base,
			  const char *what)
{
	const char *why = NULL;
	int64_t t, off;

	if (s[0] == '+' || s[0] == '-') {
		if (zw_keytime_interval(s + 1, &off, &why) < 0)
			zw_cli_die("%s %s is invalid: %s", what, s,
				   why ? why : "bad offset");
		return s[0] == '+' ? base + off : base - off;
	}
	if (zw_keytime_parse(s, now, &t, &why) < 0 || t == 0)
		zw_cli_die("%s %s is invalid%s%s", what, s, why ? ": " : "",
			   why ? why : "");
	return t;
}

static uint32_t parse_u32(const char *s, const char *what, uint32_t max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		zw_cli_die("%s '%s' is invalid (0..%u)", what, s, max);
	return (uint32_t)v;
}

static uint32_t parse_interval(const char *s, const char *what)
{
	const char *why = NULL;
	int64_t v;

	if (zw_keytime_interval(s, &v, &why) < 0 || v < 0 || v > INT32_MAX)
		zw_cli_die("%s '%s' is invalid%s%s", what, s, why ? ": " : "",
			   why ? why : "");
	return (uint32_t)v;
}

static void parse_salt(struct zw_sign_opts *o, const char *s)
{
	size_t len = strlen(s);
	int n;

	o->nsec3 = true;
	if (!strcmp(s, "-"))
		return;
	if (len > 2 * 255)
		zw_cli_die("salt too long: %zu octets, at most 255",
			   (len + 1) / 2);
	n = zw_hex_decode(s, len, o->salt, sizeof o->salt);
	if (n < 0 || len % 2)
		zw_cli_die("bad hex salt '%s'", s);
	o->saltlen = (uint8_t)n;
}

static enum zw_sign_serial parse_serial(const char *s)
{
	if (!strcmp(s, "keep"))
		return ZW_SERIAL_KEEP;
	if (!strcmp(s, "increment"))
		return ZW_SERIAL_INCREMENT;
	if (!strcmp(s, "unixtime"))
		return ZW_SERIAL_UNIXTIME;
	if (!strcmp(s, "date"))
		return ZW_SERIAL_DATE;
	zw_cli_die("unknown serial format '%s' (keep, increment, unixtime, "
		   "date)", s);
}

static void opt(struct args *a, int c, const char *v)
{
	switch (c) {
	case 'a': a->o.verify_each = true; break;
	case 'A': a->o.optout = true; break;
	case 'c':
		if (strcasecmp(v, "IN"))
			zw_cli_die("class %s not supported (IN only)", v);
		break;
	case 'C': a->keyset = true; break;
	case 'd': a->dir = v; break;
	case 'e': a->end = v; break;
	case 'E': a->o.engine = v; break;
	case 'f': a->out = v; break;
	case 'g': a->want_dsset_dir = true; break;
	case 'H':
		a->o.iterations = (uint16_t)parse_u32(v, "iterations", 65535);
		break;
	case 'i': a->cycle = v; break;
	case 'j': a->jitter = v; break;
	case 'k': break;        /* handled with the key list */
	case 'K': a->keydir = v; break;
	case 'n':
		a->o.threads = parse_u32(v, "threads", 256);
		if (!a->o.threads)
			zw_cli_die("-n needs at least one thread");
		break;
	case 'N': a->o.serial = parse_serial(v); break;
	case 'o': a->origin = v; break;
	case 'P': a->no_verify = true; break;
	case 'q': quiet = true; break;
	case 's': a->start = v; break;
	case 'S': a->o.smart = true; break;
	case 't': a->stats = true; break;
	case 'T':
		a->o.dnskey_ttl = parse_u32(v, "TTL", 0x7fffffff);
		a->o.dnskey_ttl_set = true;
		break;
	case 'v': break;
	case 'x': a->o.ksk_only = true; break;
	case 'z': a->o.ignore_ksk = true; break;
	case '3': parse_salt(&a->o, v); break;
	default: usage();
	}
}

static void times(struct args *a)
{
	int64_t now = a->o.now, start, end;

	start = a->start ? parse_time(a->start, now, now, "start time")
			 : now - 3600;
	end = a->end ? parse_time(a->end, now, start, "end time")
		     : start + MONTH;
	if (end <= start)
		zw_cli_die("start time is not before end time");
	if (end < now)
		zw_cli_die("end time is in the past");
	a->o.inception = (uint32_t)start;
	a->o.expiration = (uint32_t)end;
	a->o.refresh = a->cycle ? parse_interval(a->cycle, "cycle interval")
				: (uint32_t)((end - start) / DEFAULT_CYCLE_DIV);
	a->o.jitter = a->jitter ? parse_interval(a->jitter, "jitter") : 0;
	if (a->o.jitter > end - start)
		zw_cli_die("jitter is longer than the signature validity");
}

static void parse_args(struct args *a, int argc, char **argv)
{
	int c;

	memset(a, 0, sizeof *a);
	a->o.now = time(NULL);
	while ((c = getopt(argc, argv,
			   "3:aAc:Cd:e:E:f:ghH:i:j:k:K:n:N:o:PqSs:tT:v:xz")) !=
	       -1)
		opt(a, c, optarg);
	if (optind >= argc)
		usage();
	a->zonefile = argv[optind];
	a->keys = argv + optind + 1;
	a->nkeys = argc - optind - 1;
	if (!a->origin)
		a->origin = a->zonefile;
	if (a->o.optout && !a->o.nsec3)
		zw_cli_die("-A (opt-out) needs NSEC3 (-3)");
	if (a->o.nsec3 && a->o.iterations > ZW_SIGN_MAX_ITERATIONS)
		zw_cli_die("NSEC3 iterations %u too high: at most %d",
			   a->o.iterations, ZW_SIGN_MAX_ITERATIONS);
	if (a->o.nsec3 && a->o.iterations > 0)
		zw_cli_warn("NSEC3 iterations %u > 0: RFC 9276 recommends 0",
			    a->o.iterations);
	if (a->want_dsset_dir)
		a->o.dsset_dir = a->dir ? a->dir : ".";
	times(a);
}

/* ---- atomic files ---- */

struct out {
	int fd;
	char tmp[4096];
	const char *path;
};

static int write_all(void *ctx, const void *buf, size_t len)
{
	struct out *o = ctx;
	const char *p = buf;

	while (len) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void out_open(struct out *o, const char *path)
{
	o->path = path;
	if (!strcmp(path, "-")) {
		o->fd = STDOUT_FILENO;
		o->tmp[0] = 0;
		return;
	}
	if (snprintf(o->tmp, sizeof o->tmp, "%s.zwtmpXXXXXX", path) >=
	    (int)sizeof o->tmp)
		zw_cli_die("%s: path too long", path);
	if ((o->fd = mkstemp(o->tmp)) < 0)
		zw_cli_die("%s: cannot create: %s", o->tmp, strerror(errno));
	fchmod(o->fd, 0644);
}

static void out_abort(struct out *o)
{
	if (o->tmp[0]) {
		close(o->fd);
		unlink(o->tmp);
	}
}

static void out_commit(struct out *o)
{
	if (!o->tmp[0])
		return;
	if (fsync(o->fd) < 0 || close(o->fd) < 0) {
		int e = errno;

		unlink(o->tmp);
		zw_cli_die("%s: %s", o->tmp, strerror(e));
	}
	if (rename(o->tmp, o->path) < 0) {
		int e = errno;

		unlink(o->tmp);
		zw_cli_die("%s: cannot rename into place: %s", o->path,
			   strerror(e));
	}
}

static void write_file(const char *path, const char *text, size_t len)
{
	struct out o;
	int rc;

	out_open(&o, path);
	rc = write_all(&o, text, len);
	if (rc < 0) {
		out_abort(&o);
		zw_cli_die("%s: %s", path, zw_strerror(rc));
	}
	out_commit(&o);
}

/* ---- post-sign verification (the temporary file, before it replaces
 * anything) ---- */

static void verify_msg(void *ctx, enum zw_verify_level lvl, const char *text)
{
	(void)ctx;
	if (lvl == ZW_VERIFY_ERROR)
		fprintf(stderr, "%s\n", text);
	else if (lvl == ZW_VERIFY_WARN && !quiet)
		fprintf(stderr, "warning: %s\n", text);
}

static void summary(const struct zw_verify_report *r)
{
	fprintf(stderr, "Verifying the zone using the following "
		"algorithms:\n");
	for (unsigned i = 0; i < r->nalgs; i++)
		if (r->algs[i].verified)
			fprintf(stderr, "- %s\n", zw_alg_name(r->algs[i].alg));
	fprintf(stderr, "Zone fully signed:\n");
	for (unsigned i = 0; i < r->nalgs; i++) {
		const struct zw_verify_alg *g = &r->algs[i];

		fprintf(stderr, "Algorithm: %s: KSKs: %u active, %u stand-by, "
			"%u revoked\n", zw_alg_name(g->alg), g->ksk_active,
			g->ksk_standby, g->ksk_revoked);
		fprintf(stderr, "%*sZSKs: %u active, %u stand-by, %u revoked\n",
			(int)strlen(zw_alg_name(g->alg)) + 13, "",
			g->zsk_active, g->zsk_standby, g->zsk_revoked);
	}
}

static void post_verify(const struct args *a, struct out *o,
			const uint8_t *origin)
{
	struct zw_verify_opts vo = { .now = a->o.now,
				     .ksk_only = a->o.ksk_only,
				     .ignore_ksk = a->o.ignore_ksk,
				     .threads = a->o.threads,
				     .msg = verify_msg };
	struct zw_verify_report r;
	int rc;

	if (a->no_verify || !o->tmp[0])
		return;
	if (fsync(o->fd) < 0)
		zw_cli_die("%s: %s", o->tmp, strerror(errno));
	rc = zw_verify_file(o->tmp, origin, &vo, &r);
	if (rc < 0) {
		out_abort(o);
		zw_cli_die("the signed zone does not verify (%s); %s not "
			   "written", zw_strerror(rc), o->path);
	}
	if (!quiet)
		summary(&r);
}

/* ---- the run ---- */

static void set_file(struct zw_signer *s, const struct args *a, bool dsset)
{
	static char text[1 << 16];
	char name[ZW_NAME_STR_MAX], path[4096];
	int n = zw_signer_keyset_text(s, dsset, text, sizeof text);

	if (n < 0)
		zw_cli_die("%s: %s", dsset ? "dsset" : "keyset",
			   zw_strerror(n));
	zw_name_to_str(zw_signer_origin(s), name, sizeof name);
	snprintf(path, sizeof path, "%s%s%s-%s", a->dir ? a->dir : "",
		 a->dir ? "/" : "", dsset ? "dsset" : "keyset", name);
	write_file(path, text, (size_t)n);
}

/* Named keys and the key directory's before the zone (their nonces are
 * made while it parses), the zone's own DNSKEYs' after. */
static void load_keys(struct zw_signer *s, const struct args *a)
{
	for (int i = 0; i < a->nkeys; i++)
		if (zw_signer_key_file(s, a->keydir, a->keys[i]) < 0)
			zw_cli_die("%s", zw_signer_error(s));
	if (a->o.smart &&
	    zw_signer_keys_from_dir(s, a->keydir ? a->keydir : ".") < 0)
		zw_cli_die("%s", zw_signer_error(s));
}

static void print_stats(const struct zw_sign_stats *st, double total)
{
	double rate = st->t_sign > 0 ? st->sigs_new / st->t_sign : 0;

	printf("Signatures generated:               %10llu\n"
	       "Signatures retained:                %10llu\n"
	       "Signatures dropped:                 %10llu\n"
	       "Signing threads:                    %10u\n"
	       "Nonces made while parsing:          %10llu\n"
	       "Load time in seconds:               %10.3f\n"
	       "Prepare time in seconds:            %10.3f\n"
	       "Signing time in seconds:            %10.3f\n"
	       "Signatures per second:              %10.3f\n"
	       "Runtime in seconds:                 %10.3f\n",
	       (unsigned long long)st->sigs_new,
	       (unsigned long long)st->sigs_kept,
	       (unsigned long long)st->sigs_dropped, st->threads,
	       (unsigned long long)st->nonces_ahead, st->t_load,
	       st->t_prepare, st->t_sign, rate, total);
}

static void describe_keys(const struct zw_signer *s)
{
	struct zw_sign_keyinfo ki;

	for (size_t i = 0; zw_signer_key_info(s, i, &ki); i++)
		fprintf(stderr, "Using %s/%s/%u (%s)%s%s\n", ki.file,
			zw_alg_name(ki.key->alg) ? zw_alg_name(ki.key->alg)
						 : "?",
			ki.key->tag, ki.ksk ? "KSK" : "ZSK",
			ki.published ? "" : " [not published]",
			ki.signs_data || ki.signs_keys ? "" : " [stand-by]");
}

int main(int argc, char **argv)
{
	struct args a;
	uint8_t origin[ZW_NAME_MAX];
	struct zw_signer *s;
	struct out o;
	char defout[4096];
	struct timespec t0, t1;

	zw_cli_init("zw-signzone");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	parse_args(&a, argc, argv);
	if (zw_name_from_str(origin, a.origin, strlen(a.origin),
			     (const uint8_t *)"") < 0)
		zw_cli_die("bad origin '%s'", a.origin);
	if (!(s = zw_signer_new(&a.o, warn_cb, NULL)))
		zw_cli_die("out of memory");
	zw_signer_set_origin(s, origin);
	load_keys(s, &a);
	if (zw_signer_load(s, a.zonefile, origin) < 0)
		zw_cli_die("%s", zw_signer_error(s));
	if (zw_signer_zone_keys(s, a.keydir ? a.keydir : ".") < 0)
		zw_cli_die("%s", zw_signer_error(s));
	if (zw_signer_prepare(s) < 0)
		zw_cli_die("%s", zw_signer_error(s));
	if (!quiet)
		describe_keys(s);
	snprintf(defout, sizeof defout, "%s.signed", a.zonefile);
	out_open(&o, a.out ? a.out : defout);
	if (zw_signer_write(s, write_all, &o) < 0) {
		out_abort(&o);
		zw_cli_die("%s", zw_signer_error(s));
	}
	post_verify(&a, &o, zw_signer_origin(s));
	out_commit(&o);
	set_file(s, &a, true);
	if (a.keyset)
		set_file(s, &a, false);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (a.stats)
		print_stats(zw_signer_stats(s), (double)(t1.tv_sec - t0.tv_sec) +
				(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (!quiet && strcmp(o.path, "-"))
		printf("%s\n", o.path);
	zw_signer_free(s);
	return 0;
}
