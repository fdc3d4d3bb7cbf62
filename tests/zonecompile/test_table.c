/* Table file format: compile the RFC example zones, write, map and
 * validate; header fields; every kind of damage refused with a clear
 * message (truncation, bad magic, future version, checksum, structure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "zonecompile/compile.h"
#include "zonecompile/table.h"
#include "zonecompile/table_fmt.h"
#include "tests/util/testutil.h"
#include "tests/zonecompile/tabletest.h"

static struct zw_compiled *compile_file(const char *rel, const char *origin)
{
	return tt_compile(zw_test_vector(rel), origin);
}

static void *two_zone_table(size_t *len)
{
	struct zw_compiled *c[2];
	c[0] = compile_file("rfc/rfc4035-appendix-a.zone", "example.");
	c[1] = compile_file("rfc/rfc4035-appendix-a.zone", "example.");
	void *buf = zw_compile_to_mem(c, 2, len);
	zw_compiled_free(c[0]);
	zw_compiled_free(c[1]);
	assert_non_null(buf);
	return buf;
}

static void test_header_fields(void **state)
{
	(void)state;
	char err[ZW_TABLE_ERRMAX];
	struct zw_compiled *c = compile_file("rfc/rfc5155-appendix-a.zone",
					     "example.");
	size_t len;
	void *buf = zw_compile_to_mem(&c, 1, &len);
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	if (!t)
		print_error("%s\n", err);
	assert_non_null(t);
	assert_int_equal(zw_table_nzones(t), 1);
	struct zw_table_zone_info info;
	zw_table_zone_info(zw_table_zone(t, 0), &info);
	assert_memory_equal(info.origin, "\7example\0", 9);
	assert_int_equal(info.serial, 1);
	assert_int_equal(info.denial, ZWT_DENIAL_NSEC3);
	/* 20150420235959 is the only expiration in the zone */
	assert_int_equal(info.min_expire, 1429574399u);
	assert_true(info.nodes > 10);
	const struct zwt_zone *z = zw_table_zone(t, 0);
	assert_int_equal(z->nsec3_iter, 12);
	assert_int_equal(z->nsec3_saltlen, 4);
	assert_memory_equal(z->nsec3_salt, "\xaa\xbb\xcc\xdd", 4);
	assert_ptr_equal(zw_table_find_zone(t, (const uint8_t *)
					    "\1a\7EXAMPLE\0", 11), z);
	assert_null(zw_table_find_zone(t, (const uint8_t *)"\3com\0", 5));
	zw_table_close(t);
	free(buf);
	zw_compiled_free(c);
}

static void test_write_and_open(void **state)
{
	(void)state;
	char err[ZW_TABLE_ERRMAX], path[512];
	struct zw_compiled *c = compile_file("rfc/rfc4035-appendix-a.zone",
					     "example.");
	snprintf(path, sizeof path, "%s/t.zwt", zw_test_tmpdir());
	assert_int_equal(zw_compile_write(path, &c, 1, err, sizeof err), 0);
	struct zw_table *t = zw_table_open(path, err);
	if (!t)
		print_error("%s\n", err);
	assert_non_null(t);
	struct zw_table_zone_info info;
	zw_table_zone_info(zw_table_zone(t, 0), &info);
	assert_int_equal(info.serial, 1081539377u);
	assert_int_equal(info.denial, ZWT_DENIAL_NSEC);
	assert_int_equal(info.bytes, zw_compiled_size(c));
	zw_table_close(t);
	zw_compiled_free(c);

	assert_null(zw_table_open("/nonexistent/x.zwt", err));
	assert_non_null(strstr(err, "No such file"));
}

static void expect_refused(void *buf, size_t len, const char *what)
{
	char err[ZW_TABLE_ERRMAX];
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	if (t)
		print_error("accepted a table that is %s\n", what);
	assert_null(t);
	if (!strstr(err, what))
		print_error("message '%s' lacks '%s'\n", err, what);
	assert_non_null(strstr(err, what));
}

/* Recompute the checksum so the structural checks get to see damage. */
static void reseal(void *buf, size_t len)
{
	struct zwt_file *f = buf;
	f->checksum = zw_table_checksum(buf, len);
}

static void test_damage_refused(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = two_zone_table(&len);
	char err[ZW_TABLE_ERRMAX];
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	assert_non_null(t);
	assert_int_equal(zw_table_nzones(t), 2);
	zw_table_close(t);

	expect_refused(buf, 10, "truncated");
	expect_refused(buf, len - 8, "truncated");

	buf[0] ^= 1;
	expect_refused(buf, len, "bad magic");
	buf[0] ^= 1;

	struct zwt_file *f = (struct zwt_file *)buf;
	f->version = ZWT_VERSION + 1;
	expect_refused(buf, len, "version 3 not supported");
	f->version = ZWT_VERSION - 1; /* 1: 32-bit tags, no slot hints */
	expect_refused(buf, len, "version 1 not supported");
	f->version = ZWT_VERSION;

	buf[len / 2] ^= 0x40;
	expect_refused(buf, len, "checksum");
	buf[len / 2] ^= 0x40;

	/* structure: a zone offset past the end, resealed */
	uint64_t off, bad = len + 64;
	memcpy(&off, buf + f->zonedir + 8, 8);
	memcpy(buf + f->zonedir + 8, &bad, 8);
	reseal(buf, len);
	expect_refused(buf, len, "zone 1: zone header out of range");
	memcpy(buf + f->zonedir + 8, &off, 8);

	/* the apex ref of zone 0 pointing at a recipe */
	uint64_t o0;
	memcpy(&o0, buf + f->zonedir, 8);
	struct zwt_zone *z = (struct zwt_zone *)(buf + o0);
	uint32_t apex = z->apex;
	z->apex = z->nx[0];
	reseal(buf, len);
	memset(err, 0, sizeof err);
	t = zw_table_from_mem(buf, len, err);
	assert_null(t);
	assert_non_null(strstr(err, "zone 0"));
	z->apex = apex;
	reseal(buf, len);
	t = zw_table_from_mem(buf, len, err);
	assert_non_null(t);
	zw_table_close(t);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_write_and_open),
		cmocka_unit_test(test_damage_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
