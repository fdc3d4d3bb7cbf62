/* zonecompile/compile_load.c: a zone file parsed in parts by several
 * threads gives the same zone as one parser, and files that cannot be cut
 * exactly (a directive, an omitted TTL, a bad record far into the file)
 * give what one parser gives: the same records, warnings and error. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dns/name.h"
#include "dns/zone.h"
#include "zonecompile/compile.h"
#include "tests/util/testutil.h"

#define HOSTS 150000 /* about 26 MB of text: three parts of 8 MB or more */

struct warns {
	unsigned n;
	unsigned long first_line;
};

static void warn(void *ctx, const char *file, unsigned long line,
		 const char *msg)
{
	struct warns *w = ctx;
	(void)file;
	(void)msg;
	if (!w->n++)
		w->first_line = line;
}

/* A zone file with one run of records per host; `odd` goes in before
 * host `at`. */
static char *write_zone(const char *odd, int at)
{
	char *path = malloc(PATH_MAX);
	assert_non_null(path);
	snprintf(path, PATH_MAX, "%s/load.XXXXXX", zw_test_tmpdir());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "example. 3600 IN SOA ns.example. h.example. 1 2 3 4 5\n"
		   "example. 3600 IN NS ns.example.\n"
		   "ns.example. 3600 IN A 192.0.2.53\n");
	for (int i = 0; i < HOSTS; i++) {
		if (odd && i == at)
			fputs(odd, f);
		fprintf(f, "h%06d.example.\t3600\tIN\tA\t192.0.2.%d\n"
			   "h%06d.example.\t3600\tIN\tTXT\t\"text (%d) ; not "
			   "a comment\"\n"
			   "\t3600\tIN\tAAAA\t2001:db8::%x\n"
			   "H%06d.example.\t300\tIN\tMX\t( 10\n\tmx.example. )\n",
			i, i % 250 + 1, i, i, i & 0xffff, i);
	}
	assert_int_equal(fclose(f), 0);
	return path;
}

static void assert_same_zone(const struct zw_zone *a, const struct zw_zone *b)
{
	assert_int_equal(zw_zone_records(a), zw_zone_records(b));
	assert_int_equal(zw_zone_count(a), zw_zone_count(b));
	for (size_t i = 0; i < zw_zone_count(a); i++) {
		const struct zw_node *x = zw_zone_node(a, i);
		const struct zw_node *y = zw_zone_node(b, i);
		assert_true(zw_name_equal(zw_node_name(x), zw_node_name(y)));
		assert_int_equal(x->datalen, y->datalen);
		if (x->datalen)
			assert_memory_equal(x->data, y->data, x->datalen);
	}
}

/* Load with 1 and with 3 threads: same zone, or the same error; `cut`:
 * the file was parsed in parts. */
static void same_load_at(const char *odd, int at, bool ok, unsigned nwarn,
			 bool cut)
{
	uint8_t on[ZW_NAME_MAX];
	char e1[512], e3[512];
	struct warns w1 = {0}, w3 = {0};
	char *path = write_zone(odd, at);
	zw_name_from_str(on, "example.", 8, (const uint8_t *)"");
	struct zw_compile_load_stats s1, s3;
	struct zw_zone *z1 = zw_compile_load(path, on, 1, warn, &w1, &s1, e1,
					     sizeof e1);
	struct zw_zone *z3 = zw_compile_load(path, on, 3, warn, &w3, &s3, e3,
					     sizeof e3);
	unlink(path);
	free(path);
	assert_int_equal(s1.parts, 1);
	assert_int_equal(s3.parts, cut ? 3 : 1);
	assert_int_equal(z1 != NULL, ok);
	assert_int_equal(z3 != NULL, ok);
	if (ok)
		assert_same_zone(z1, z3);
	else
		assert_string_equal(e1, e3);
	assert_int_equal(w1.n, nwarn);
	assert_int_equal(w3.n, nwarn);
	assert_int_equal(w1.first_line, w3.first_line);
	zw_zone_free(z1);
	zw_zone_free(z3);
}

/* The same with `odd` 3/4 of the way down, in the last part. */
static void same_load(const char *odd, bool ok, unsigned nwarn, bool cut)
{
	same_load_at(odd, HOSTS * 3 / 4, ok, nwarn, cut);
}

static void test_cut(void **state)
{
	(void)state;
	same_load(NULL, true, 0, true);
}

static void test_directive(void **state)
{
	(void)state;
	same_load("$ORIGIN sub.example.\nx 60 IN A 192.0.2.1\n"
		  "$ORIGIN example.\n", true, 0, false);
}

static void test_omitted_ttl(void **state)
{
	(void)state;
	same_load("late.example. IN A 192.0.2.1\n", true, 1, false);
}

static void test_run_ttl(void **state)
{
	(void)state;
	same_load("late.example. 60 IN A 192.0.2.1\n"
		  "late.example. 70 IN A 192.0.2.2\n", true, 1, false);
}

static void test_error_line(void **state)
{
	(void)state;
	same_load("late.example. 60 IN A 192.0.2.300\n", false, 0, false);
}

static void test_zone_error_line(void **state)
{
	(void)state;
	same_load("late.example. 60 IN CNAME h000001.example.\n"
		  "late.example. 60 IN A 192.0.2.3\n", false, 0, true);
}

/* In the first part, which goes into the zone as it is parsed. */
static void test_errors_first_part(void **state)
{
	(void)state;
	same_load_at("late.example. 60 IN CNAME h000001.example.\n"
		     "late.example. 60 IN A 192.0.2.3\n", HOSTS / 10, false, 0,
		     true);
	same_load_at("late.example. 60 IN A 192.0.2.300\n", HOSTS / 10,
		     false, 0, false);
	same_load_at("late.example. IN A 192.0.2.1\n", HOSTS / 10, true, 1,
		     false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_directive),
		cmocka_unit_test(test_omitted_ttl),
		cmocka_unit_test(test_run_ttl),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_zone_error_line),
		cmocka_unit_test(test_errors_first_part),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
