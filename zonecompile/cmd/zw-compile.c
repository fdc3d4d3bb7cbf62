/* zw-compile [-q] [-A] [-G] [-j threads] [-O table.zwt] -o origin zonefile
 *            [-o origin zonefile ...]
 *
 * Compiles (signed) zones into one answer table. Each -o names the origin
 * of the zone files after it. -O names the table (default: the first zone
 * file with ".zwt" appended). -A adds the apex NS RRset to the authority
 * section of positive answers (BIND's minimal-responses no, as in the RFC
 * 4035/5155 examples); the default answers as Knot does. -G leaves out
 * the nodes of names below zone cuts (glue): a smaller table, the same
 * answers, slower ones for those names. -j sets the
 * threads that build the answers (default: online CPUs; the table is the
 * same for any count). Prints, per
 * zone, records, nodes, table octets and octets per record, unless -q. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "zonecompile/compile.h"

#define MAXZONES 4096

static bool quiet;

static void usage(void)
{
	fprintf(stderr, "usage: zw-compile [-q] [-A] [-G] [-j threads] "
			"[-O table.zwt] -o origin zonefile [-o origin "
			"zonefile ...]\n"
			"  -q  quiet\n"
			"  -A  add the apex NS RRset to positive answers "
			"(BIND's minimal-responses no)\n"
			"  -G  no nodes for names below zone cuts (glue): a "
			"smaller table (~75 octets a name),\n"
			"      the same answers, but each glue query searches "
			"for its cut (slower)\n"
			"  -j  threads (default: online CPUs)\n"
			"  -O  output table (default: the first zone file "
			"+ .zwt)\n");
	exit(1);
}

static unsigned threads_arg(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (!*s || *end || n < 1 || n > 64)
		usage();
	return (unsigned)n;
}

static void warn_cb(void *ctx, const char *file, unsigned long line,
		    const char *msg)
{
	(void)ctx;
	if (!quiet)
		fprintf(stderr, "%s:%lu: warning: %s\n", file, line, msg);
}

/* Wall and CPU (all threads) seconds. */
struct stamp {
	double wall, cpu;
};

static double secs(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct stamp now(void)
{
	return (struct stamp){secs(CLOCK_MONOTONIC),
			      secs(CLOCK_PROCESS_CPUTIME_ID)};
}

static struct zw_compiled *compile_one(const char *path, const char *origin,
				       const struct zw_compile_opts *o)
{
	uint8_t on[ZW_NAME_MAX];
	char err[512];
	if (zw_name_from_str(on, origin, strlen(origin), (const uint8_t *)"") <
	    0) {
		fprintf(stderr, "zw-compile: bad origin '%s'\n", origin);
		return NULL;
	}
	struct stamp t0 = now();
	struct zw_compile_load_stats ls;
	struct zw_compile_stats cs;
	struct zw_zone *z = zw_compile_load(path, on, o->threads, warn_cb, NULL,
					    &ls, err, sizeof err);
	if (!z) {
		fprintf(stderr, "zw-compile: %s\n", err);
		return NULL;
	}
	struct stamp t1 = now();
	struct zw_compiled *c = zw_compile_zone(z, o, err, sizeof err);
	struct stamp t2 = now();
	if (!c) {
		fprintf(stderr, "zw-compile: %s: %s\n", path, err);
	} else if (!quiet) {
		zw_compiled_stats(c, &cs);
		printf("%s: %zu records, %zu names, %zu table octets "
		       "(%.1f per record); load %.2f s (%.2f CPU-s, %u part%s), "
		       "compile %.2f s (%.2f CPU-s)\n",
		       path, zw_zone_records(z), zw_zone_count(z),
		       zw_compiled_size(c),
		       (double)zw_compiled_size(c) /
			       (double)(zw_zone_records(z) ? zw_zone_records(z)
							   : 1),
		       t1.wall - t0.wall, t1.cpu - t0.cpu, ls.parts,
		       ls.parts == 1 ? "" : "s", t2.wall - t1.wall,
		       t2.cpu - t1.cpu);
		printf("  load: parse %.2f s (%.2f CPU-s), then one thread: add "
		       "%.2f, finish %.2f CPU-s; compile: view %.2f CPU-s, nodes "
		       "%.2f s (record %.2f CPU-s on %u thread%s, assemble %.2f "
		       "CPU-s), index and hash %.2f CPU-s\n",
		       ls.parse, ls.parse_cpu, ls.add, ls.finish, cs.view,
		       cs.nodes, cs.record_cpu, cs.threads,
		       cs.threads == 1 ? "" : "s", cs.assemble_cpu, cs.finish);
	}
	zw_zone_free(z);
	return c;
}

int main(int argc, char **argv)
{
	struct zw_compile_opts o = {.minimal = true};
	struct zw_compiled *zones[MAXZONES];
	size_t n = 0;
	const char *out = NULL, *origin = NULL, *first = NULL;
	char outbuf[4096], err[512];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-q"))
			quiet = true;
		else if (!strcmp(a, "-A"))
			o.minimal = false;
		else if (!strcmp(a, "-G"))
			o.no_below = true;
		else if (!strcmp(a, "-j") && i + 1 < argc)
			o.threads = threads_arg(argv[++i]);
		else if (!strcmp(a, "-O") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "-o") && i + 1 < argc)
			origin = argv[++i];
		else if (a[0] == '-')
			usage();
		else if (!origin)
			usage();
		else if (n >= MAXZONES)
			usage();
		else {
			if (!first)
				first = a;
			zones[n] = compile_one(a, origin, &o);
			if (!zones[n]) {
				rc = 1;
				break;
			}
			n++;
		}
	}
	if (!rc && !n)
		usage();
	if (!rc) {
		if (!out) {
			snprintf(outbuf, sizeof outbuf, "%s.zwt", first);
			out = outbuf;
		}
		struct stamp t0 = now();
		if (zw_compile_write(out, zones, n, err, sizeof err) < 0) {
			fprintf(stderr, "zw-compile: %s\n", err);
			rc = 1;
		} else if (!quiet) {
			struct stamp t1 = now();
			printf("wrote %s (%zu zone%s) in %.2f s (%.2f CPU-s)\n",
			       out, n, n == 1 ? "" : "s", t1.wall - t0.wall,
			       t1.cpu - t0.cpu);
		}
	}
	for (size_t i = 0; i < n; i++)
		zw_compiled_free(zones[i]);
	return rc;
}
