/* zw-verify [-o origin] [-x] [-z] [-q] [-v level] [-c class] [-I format]
 *           [-E engine] [-n threads] [--now time] signedfile
 *
 * Verifies a signed zone as BIND's dnssec-verify does (zonecompile/
 * verify.h says what is checked) and reports in its words: the algorithms
 * verified with and "Zone fully signed:" with each algorithm's key counts
 * on stdout, every problem on stderr. Exit status 0 only when the zone is
 * fully correct.
 *
 *   -o origin  zone name (default: the file name, as dnssec-verify)
 *   -x         only KSKs need sign the DNSKEY RRset (ZSKs show "present")
 *   -z         ignore the KSK flag: any self-signing key will do
 *   -q         print nothing on stdout
 *   -v level   1: timing and counts on stderr; 2: also detail messages
 *   -c class   IN only;  -I format: text only;  -E engine: accepted and
 *              ignored (verifying needs public keys only)
 *   -n threads worker threads (default: online CPUs)
 *   --now time the clock for signature validity: YYYYMMDDHHMMSS (UTC) or
 *              seconds since the epoch; for zones signed long ago (the
 *              RFC 4035/5155 examples) and for tests. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/key.h"
#include "dns/err.h"
#include "dns/name.h"
#include "zonecompile/verify.h"

static int verbose;

static void usage(void)
{
	zw_cli_usage("usage: %s [-o origin] [-x] [-z] [-q] [-v level] "
		     "[-c class] [-I format] [-E engine] [-n threads] "
		     "[--now time] signedfile\n", zw_cli_prog());
}

static void on_msg(void *ctx, enum zw_verify_level lvl, const char *text)
{
	(void)ctx;
	if (lvl == ZW_VERIFY_INFO && verbose < 2)
		return;
	fprintf(stderr, "%s%s\n", lvl == ZW_VERIFY_WARN ? "warning: " : "",
		text);
}

static const char *alg_str(uint8_t alg)
{
	static char buf[16];
	const char *s = zw_alg_name(alg);
	if (s)
		return s;
	snprintf(buf, sizeof buf, "ALG%u", alg);
	return buf;
}

/* YYYYMMDDHHMMSS in UTC or plain seconds. */
static bool parse_time(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (n == 0 || strspn(s, "0123456789") != n)
		return false;
	if (n != 14) {
		*out = strtoll(s, NULL, 10);
		return true;
	}
	struct tm tm = {0};
	if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return true;
}

struct args {
	const char *origin, *file;
	bool quiet;
	struct zw_verify_opts o;
};

static void bad_arg(const char *what, const char *val)
{
	zw_cli_error("%s '%s'", what, val);
	exit(1);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	static const struct option lo[] = {{"now", required_argument, 0, 'T'},
					   {0, 0, 0, 0}};
	int c;
	a->o.now = (int64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "o:xzqv:c:I:E:n:T:", lo,
				NULL)) != -1) {
		switch (c) {
		case 'o': a->origin = optarg; break;
		case 'x': a->o.ksk_only = true; break;
		case 'z': a->o.ignore_ksk = true; break;
		case 'q': a->quiet = true; break;
		case 'v': verbose = atoi(optarg); break;
		case 'E': break;
		case 'n': a->o.threads = (unsigned)atoi(optarg); break;
		case 'c':
			if (strcasecmp(optarg, "IN") != 0)
				bad_arg("only class IN is supported, not", optarg);
			break;
		case 'I':
			if (strcmp(optarg, "text") != 0)
				bad_arg("only input format text is supported, not",
					optarg);
			break;
		case 'T':
			if (!parse_time(optarg, &a->o.now))
				bad_arg("bad time", optarg);
			break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	a->file = argv[optind];
	if (!a->origin)
		a->origin = a->file;
}

static void print_algs(const struct zw_verify_report *r, bool ksk_only)
{
	for (unsigned i = 0; i < r->nalgs; i++) {
		const struct zw_verify_alg *a = &r->algs[i];
		const char *name = alg_str(a->alg);
		int pad = printf("Algorithm: %s: ", name);
		printf("KSKs: %u active, %u stand-by, %u revoked\n",
		       a->ksk_active, a->ksk_standby, a->ksk_revoked);
		printf("%*sZSKs: %u active, %u %s, %u revoked\n", pad, "",
		       a->zsk_active, a->zsk_standby,
		       ksk_only ? "present" : "stand-by", a->zsk_revoked);
	}
}

static void print_result(const struct zw_verify_report *r, bool ksk_only)
{
	bool any = false, bad = false;
	for (unsigned i = 0; i < r->nalgs; i++) {
		any |= r->algs[i].verified;
		bad |= (r->algs[i].verified || r->algs[i].zsk_active) &&
		       !r->algs[i].complete;
	}
	if (!any)
		return;
	printf("Verifying the zone using the following algorithms:\n");
	for (unsigned i = 0; i < r->nalgs; i++)
		if (r->algs[i].verified)
			printf("- %s\n", alg_str(r->algs[i].alg));
	if (bad) {
		printf("The zone is not fully signed for the following "
		       "algorithms:\n");
		for (unsigned i = 0; i < r->nalgs; i++)
			if ((r->algs[i].verified || r->algs[i].zsk_active) &&
			    !r->algs[i].complete)
				printf(" %s\n", alg_str(r->algs[i].alg));
		printf(".\nDNSSEC completeness test failed.\n");
	} else if (!r->ok) {
		printf("DNSSEC completeness test failed (failure).\n");
	} else {
		printf("Zone fully signed:\n");
		print_algs(r, ksk_only);
	}
}

static double cpu_total(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void print_stats(const struct zw_verify_report *r, double load)
{
	fprintf(stderr,
		"zw-verify: %llu nodes, %llu RRsets, %llu signatures checked "
		"(%llu batched P-256, %llu bad, %llu expired), %llu %s "
		"records\nzw-verify: load %.3fs, keys %.3fs, nodes %.3fs "
		"(%.3fs CPU, %.0f signatures/CPU-s), NSEC3 %.3fs, %u threads; "
		"%.3fs CPU in all\n",
		(unsigned long long)r->nodes, (unsigned long long)r->rrsets,
		(unsigned long long)r->sigs,
		(unsigned long long)r->sigs_batched,
		(unsigned long long)r->sigs_bad,
		(unsigned long long)r->sigs_expired,
		(unsigned long long)r->chain_records,
		r->nsec3 ? "NSEC3" : "NSEC", load, r->t_keys, r->t_nodes,
		r->cpu_nodes, r->cpu_nodes > 0 ? (double)r->sigs / r->cpu_nodes
					       : 0.0,
		r->t_nsec3, r->threads, cpu_total());
}

int main(int argc, char **argv)
{
	struct args a = {0};
	zw_cli_init("zw-verify");
	parse_args(argc, argv, &a);
	a.o.msg = on_msg;
	uint8_t origin[ZW_NAME_MAX];
	char oname[ZW_NAME_STR_MAX];
	static const uint8_t root[1] = {0};
	if (zw_name_from_str(origin, a.origin, strlen(a.origin), root) < 0)
		bad_arg("bad origin", a.origin);
	zw_name_to_str(origin, oname, sizeof oname);
	if (a.quiet && !freopen("/dev/null", "w", stdout))
		return 1;
	printf("Loading zone '%s' from file '%s'\n\n", oname, a.file);
	fflush(stdout);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct zw_verify_report r;
	memset(&r, 0, sizeof r);
	int rc = zw_verify_file(a.file, origin, &a.o, &r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double total = (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == 0 || rc == ZW_EBADSIG)
		print_result(&r, a.o.ksk_only);
	else
		zw_cli_error("%s: %s", a.file, zw_strerror(rc));
	if (verbose >= 1)
		print_stats(&r, total - r.t_keys - r.t_nodes - r.t_nsec3);
	return rc == 0 ? 0 : 1;
}
