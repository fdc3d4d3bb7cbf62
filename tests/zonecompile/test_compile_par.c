/* zonecompile/compile_par.c: the table does not depend on the thread
 * count. A generated zone of several chunks (delegations with glue and DS,
 * hosts, CNAMEs, wildcards, an empty non-terminal), unsigned, as an NSEC
 * zone and as an NSEC3 zone (chains built here, RRSIGs with dummy
 * signatures: the compiler does not verify), compiled with 1, 2 and 3
 * threads: the tables must be identical apart from the file header's
 * creation time and the checksum over it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/nsec3.h"
#include "dns/base.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "zonecompile/compile.h"
#include "zonecompile/table_fmt.h"

#define NNAMES 9000 /* hosts; with the rest, three chunks of nodes */
#define SIG "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss" \
	    "LS4vMDEyMzQ1Njc4OTo7PD0+Pw=="

struct text {
	char *p;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		assert_true(n >= 0);
		if (t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap ? t->cap * 2 : 1 << 20;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
}

static void rrsig(struct text *t, const char *owner, const char *type,
		  int labels)
{
	add(t, "%s 3600 IN RRSIG %s 13 %d 3600 20300101000000 "
	       "20200101000000 4711 example. " SIG "\n",
	    owner, type, labels);
}

/* Single-label names sort as their labels (same length), children
 * right after their parent: the chain order is easy to write down. */
static void host(struct text *t, int i, bool sign)
{
	char o[64];
	snprintf(o, sizeof o, "h%05d.example.", i);
	add(t, "%s 3600 IN A 192.0.2.%d\n", o, i % 250 + 1);
	if (i % 7 == 0)
		add(t, "%s 3600 IN MX 10 h%05d.example.\n", o, (i + 1) % NNAMES);
	if (sign)
		rrsig(t, o, "A", 2);
	if (sign && i % 7 == 0)
		rrsig(t, o, "MX", 2);
}

static void deleg(struct text *t, int i, bool sign)
{
	add(t, "d%05d.example. 3600 IN NS ns.d%05d.example.\n", i, i);
	add(t, "d%05d.example. 3600 IN NS h%05d.example.\n", i, i);
	add(t, "ns.d%05d.example. 3600 IN A 198.51.100.%d\n", i, i % 250 + 1);
	if (i % 3 == 0) {
		add(t, "d%05d.example. 3600 IN DS %d 13 2 "
		       "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
		       "0123456789ABCDEF\n", i, i);
		if (sign) {
			char o[64];
			snprintf(o, sizeof o, "d%05d.example.", i);
			rrsig(t, o, "DS", 2);
		}
	}
}

/* Labels of an owner for the RRSIG labels field (no root, no "*"). */
static int labels(const char *name)
{
	int n = 0;
	for (const char *p = name; *p; p++)
		n += *p == '.';
	return name[0] == '*' ? n - 1 : n;
}

/* The zone's authoritative names in canonical order (single labels of one
 * length sort as strings, children right after their parent) with their
 * types; ENTs have none. */
struct cname {
	char name[32];
	const char *types;
};

static size_t chain_names(struct cname *c)
{
	size_t n = 0;
	for (int i = 0; i < NNAMES; i += 5) {
		snprintf(c[n].name, 32, "c%05d.example.", i);
		c[n++].types = "CNAME RRSIG";
	}
	for (int i = 0; i < NNAMES; i += 2) {
		snprintf(c[n].name, 32, "d%05d.example.", i);
		c[n++].types = i % 3 == 0 ? "NS DS RRSIG" : "NS";
	}
	for (int i = 0; i < NNAMES; i++) {
		snprintf(c[n].name, 32, "h%05d.example.", i);
		c[n++].types = i % 7 == 0 ? "A MX RRSIG" : "A RRSIG";
	}
	static const struct cname tail[] = {
		{"w.example.", "TXT RRSIG"}, {"*.w.example.", "A RRSIG"},
		{"z.example.", ""}, {"y.z.example.", ""},
		{"x.y.z.example.", "A RRSIG"},
	};
	for (size_t k = 0; k < sizeof(tail) / sizeof(tail[0]); k++)
		c[n++] = tail[k];
	return n;
}

static void data(struct text *t, bool sign)
{
	add(t, "example. 3600 IN SOA ns.example. h.example. 1 7200 1800 "
	       "1209600 300\nexample. 3600 IN NS h00000.example.\n");
	if (sign) {
		rrsig(t, "example.", "SOA", 1);
		rrsig(t, "example.", "NS", 1);
	}
	for (int i = 0; i < NNAMES; i++) {
		host(t, i, sign);
		if (i % 2 == 0)
			deleg(t, i, sign);
		if (i % 5 == 0) {
			char o[64];
			snprintf(o, sizeof o, "c%05d.example.", i);
			add(t, "%s 3600 IN CNAME h%05d.example.\n", o,
			    (i * 7) % NNAMES);
			if (sign)
				rrsig(t, o, "CNAME", 2);
		}
	}
	add(t, "w.example. 3600 IN TXT wild\n*.w.example. 3600 IN A 192.0.2.9\n"
	       "x.y.z.example. 3600 IN A 192.0.2.10\n");
	if (sign) {
		rrsig(t, "w.example.", "TXT", 2);
		rrsig(t, "*.w.example.", "A", 2);
		rrsig(t, "x.y.z.example.", "A", 4);
	}
}

static void nsec_chain(struct text *t, const struct cname *c, size_t n)
{
	add(t, "example. 300 IN NSEC %s NS SOA RRSIG NSEC\n", c[0].name);
	rrsig(t, "example.", "NSEC", 1);
	for (size_t i = 0; i < n; i++) {
		if (!c[i].types[0])
			continue; /* no NSEC at an empty non-terminal */
		size_t j = i + 1;
		while (j < n && !c[j].types[0])
			j++;
		add(t, "%s 300 IN NSEC %s %s%sNSEC\n", c[i].name,
		    j < n ? c[j].name : "example.", c[i].types,
		    strstr(c[i].types, "RRSIG") ? " " : " RRSIG ");
		rrsig(t, c[i].name, "NSEC", labels(c[i].name));
	}
}

struct hashed {
	uint8_t h[ZW_NSEC3_HASH_LEN];
	const char *types;
};

static int hcmp(const void *a, const void *b)
{
	return memcmp(a, b, ZW_NSEC3_HASH_LEN);
}

static void nsec3_chain(struct text *t, const struct cname *c, size_t n)
{
	struct hashed *e = calloc(n + 1, sizeof(*e));
	assert_non_null(e);
	for (size_t i = 0; i <= n; i++) {
		uint8_t w[ZW_NAME_MAX];
		const char *nm = i < n ? c[i].name : "example.";
		assert_true(zw_name_from_str(w, nm, strlen(nm),
					     (const uint8_t *)"") > 0);
		assert_int_equal(zw_nsec3_hash(w, NULL, 0, 0, e[i].h), 0);
		e[i].types = i < n ? c[i].types : "NS SOA RRSIG NSEC3PARAM";
	}
	qsort(e, n + 1, sizeof(*e), hcmp);
	add(t, "example. 0 IN NSEC3PARAM 1 0 0 -\n");
	rrsig(t, "example.", "NSEC3PARAM", 1);
	for (size_t i = 0; i <= n; i++) {
		char own[40], next[40], o[64];
		zw_b32hex_encode(e[i].h, 20, own, sizeof own);
		zw_b32hex_encode(e[(i + 1) % (n + 1)].h, 20, next, sizeof next);
		snprintf(o, sizeof o, "%s.example.", own);
		add(t, "%s 300 IN NSEC3 1 0 0 - %s %s\n", o, next, e[i].types);
		rrsig(t, o, "NSEC3", 2);
	}
	free(e);
}

enum denial { UNSIGNED, NSEC, NSEC3 };

static struct zw_zone *zone(enum denial d)
{
	struct text t = {0};
	struct cname *c = calloc(3 * NNAMES, sizeof(*c));
	assert_non_null(c);
	size_t n = chain_names(c);
	data(&t, d != UNSIGNED);
	if (d == NSEC)
		nsec_chain(&t, c, n);
	else if (d == NSEC3)
		nsec3_chain(&t, c, n);
	free(c);

	uint8_t on[ZW_NAME_MAX];
	zw_name_from_str(on, "example.", 8, (const uint8_t *)"");
	struct zw_zonefile_opts o = {on, NULL, NULL};
	struct zw_zonefile *zf = zw_zonefile_new_mem(t.p, t.len, "gen", &o);
	struct zw_zone *z = zw_zone_new(on);
	struct zw_rec r;
	int rc;
	assert_non_null(zf);
	assert_non_null(z);
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		assert_int_equal(zw_zone_add(z, &r), 0);
	if (rc < 0)
		print_error("%s\n", zw_zonefile_error(zf));
	assert_int_equal(rc, 0);
	zw_zonefile_free(zf);
	free(t.p);
	assert_int_equal(zw_zone_finish(z), 0);
	assert_true(zw_zone_count(z) > 2 * 8192); /* three chunks */
	return z;
}

static uint8_t *table(const struct zw_zone *z, unsigned threads, size_t *len)
{
	struct zw_compile_opts o = {.minimal = true, .threads = threads};
	char err[256];
	struct zw_compiled *c = zw_compile_zone(z, &o, err, sizeof err);
	if (!c)
		print_error("compile: %s\n", err);
	assert_non_null(c);
	uint8_t *buf = zw_compile_to_mem(&c, 1, len);
	zw_compiled_free(c);
	assert_non_null(buf);
	/* the creation time and the checksum over it may differ */
	memset(buf + offsetof(struct zwt_file, checksum), 0, 8);
	memset(buf + offsetof(struct zwt_file, created), 0, 8);
	return buf;
}

static void same_for_any_threads(enum denial d)
{
	struct zw_zone *z = zone(d);
	size_t len1, len;
	uint8_t *one = table(z, 1, &len1);
	for (unsigned threads = 2; threads <= 3; threads++) {
		uint8_t *more = table(z, threads, &len);
		assert_int_equal(len, len1);
		assert_memory_equal(one, more, len);
		free(more);
	}
	free(one);
	zw_zone_free(z);
}

static void test_unsigned(void **state)
{
	(void)state;
	same_for_any_threads(UNSIGNED);
}

static void test_nsec(void **state)
{
	(void)state;
	same_for_any_threads(NSEC);
}

static void test_nsec3(void **state)
{
	(void)state;
	same_for_any_threads(NSEC3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_nsec),
		cmocka_unit_test(test_nsec3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
