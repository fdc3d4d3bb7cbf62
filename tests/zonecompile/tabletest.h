/* Helpers for the answer-table tests: a zone file loaded, compiled and
 * opened as a table in memory, and a query packet built. Included by
 * test_table*.c, test_lookup_rfc.c and tests/dataplane/test_engine.c. */
#ifndef ZW_TESTS_TABLETEST_H
#define ZW_TESTS_TABLETEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dns/name.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "zonecompile/compile.h"
#include "zonecompile/table.h"

static inline struct zw_zone *tt_load_zone(const char *path,
					   const char *origin)
{
	uint8_t on[ZW_NAME_MAX];
	assert_true(zw_name_from_str(on, origin, strlen(origin),
				     (const uint8_t *)"") > 0);
	struct zw_zonefile_opts o = {on, NULL, NULL};
	int err = 0, rc;
	struct zw_zonefile *zf = zw_zonefile_open(path, &o, &err);
	assert_non_null(zf);
	struct zw_zone *z = zw_zone_new(on);
	struct zw_rec r;
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		assert_int_equal(zw_zone_add(z, &r), 0);
	assert_int_equal(rc, 0);
	zw_zonefile_free(zf);
	assert_int_equal(zw_zone_finish(z), 0);
	return z;
}

static inline struct zw_compiled *
tt_compile_opts(const char *path, const char *origin,
		const struct zw_compile_opts *o)
{
	char err[256];
	struct zw_zone *z = tt_load_zone(path, origin);
	struct zw_compiled *c = zw_compile_zone(z, o, err, sizeof err);
	if (!c)
		print_error("compile %s: %s\n", path, err);
	assert_non_null(c);
	zw_zone_free(z);
	return c;
}

/* Compiled with Knot-style minimal responses, as zw-compile does. */
static inline struct zw_compiled *tt_compile(const char *path,
					     const char *origin)
{
	struct zw_compile_opts o = {.minimal = true};
	return tt_compile_opts(path, origin, &o);
}

/* The zone as a table in memory (*buf: free after zw_table_close). */
static inline struct zw_table *
tt_table_opts(const char *path, const char *origin,
	      const struct zw_compile_opts *o, void **buf)
{
	char err[ZW_TABLE_ERRMAX];
	struct zw_compiled *c = tt_compile_opts(path, origin, o);
	size_t len;
	*buf = zw_compile_to_mem(&c, 1, &len);
	zw_compiled_free(c);
	assert_non_null(*buf);
	struct zw_table *t = zw_table_from_mem(*buf, len, err);
	if (!t)
		print_error("table: %s\n", err);
	assert_non_null(t);
	return t;
}

static inline struct zw_table *tt_table(const char *path, const char *origin,
					void **buf)
{
	struct zw_compile_opts o = {.minimal = true};
	return tt_table_opts(path, origin, &o, buf);
}

/* A query for (wire name, type) into q; bufsize 0: no EDNS. */
static inline size_t tt_query(uint8_t *q, const uint8_t *name, uint16_t type,
			      uint16_t bufsize, bool dnssec)
{
	size_t nl = zw_name_len(name);
	memset(q, 0, 12);
	q[5] = 1;
	memcpy(q + 12, name, nl);
	size_t o = 12 + nl;
	q[o++] = (uint8_t)(type >> 8);
	q[o++] = (uint8_t)type;
	q[o++] = 0;
	q[o++] = 1;
	if (!bufsize)
		return o;
	q[11] = 1;
	const uint8_t opt[11] = {0, 0, 41, (uint8_t)(bufsize >> 8),
				 (uint8_t)bufsize, 0, 0, dnssec ? 0x80 : 0,
				 0, 0, 0};
	memcpy(q + o, opt, 11);
	return o + 11;
}

#endif
