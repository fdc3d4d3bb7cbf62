/* zonecompile/compile_below.c: the nodes of names below zone cuts
 * (ZWT_N_BELOW) change no answer. Each zone is compiled with them (the
 * default) and without (zw_compile_opts.no_below, zw-compile -G); every
 * query over its names, one and two labels below them, in their case
 * and mixed case, for a set of types, DO=0 and DO=1, without EDNS, with
 * small and large UDP sizes (TC) and over TCP must get the same octets
 * from both tables, single answers and bursts alike. Zones: BIND-signed
 * fixtures (NSEC, NSEC3, opt-out, two algorithms: glue below an empty
 * non-terminal under a cut) and a zone signed here with the corner
 * cases: nested cuts, a glue name that is also another delegation's
 * server, an empty non-terminal and a wildcard below a cut, CNAMEs and
 * a DNAME into names below a cut, a DS at a glue name's cut. A table
 * whose below node is damaged (flags, proofs, the name cut it keeps)
 * must be refused. */
#include "tests/zonecompile/signtest.h"
#include "tests/zonecompile/tabletest.h"
#include "zonecompile/table_lookup.h"

#define MAXQ 24000
#define QLEN 300
#define RLEN 4096

static const char CORNERS[] =
	"$TTL 300\n"
	"@ SOA ns1 host 1 3600 600 86400 120\n"
	"  NS ns1\n"
	"ns1 A 192.0.2.1\n"
	"child NS ns1.child\n"
	"child NS ns2.child\n"
	"child NS ns.ext.net.\n"
	"child DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	"0123456789ABCDEF\n"
	"ns1.child A 192.0.2.10\n"
	"ns2.child A 192.0.2.11\n"
	"ns2.child AAAA 2001:db8::11\n"
	"deep.ent.child TXT \"below an empty non-terminal below the cut\"\n"
	"*.child TXT \"a wildcard below the cut\"\n"
	"sub.child NS ns.sub.child\n"
	"ns.sub.child A 192.0.2.12\n"
	"other NS ns1.child\n"
	"other NS ns.other\n"
	"ns.other A 192.0.2.13\n"
	"LongerLabelCut NS a.b.c.longerlabelcut\n"
	"a.b.c.longerlabelcut A 192.0.2.14\n"
	"www CNAME ns1.child\n"
	"alias CNAME deep.ent.child\n"
	"chain CNAME www\n"
	"dn DNAME child\n"
	"host A 192.0.2.2\n";

static const uint16_t TYPES[] = {ZW_TYPE_A, ZW_TYPE_AAAA, ZW_TYPE_NS,
				 ZW_TYPE_DS, ZW_TYPE_NSEC, ZW_TYPE_ANY,
				 ZW_TYPE_TXT, ZW_TYPE_CNAME, ZW_TYPE_RRSIG,
				 ZW_TYPE_SOA};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

/* The ways a query is asked: EDNS size (0: none), DO, TCP. */
static const struct way {
	uint16_t udp;
	bool dnssec, tcp;
} WAYS[] = {{1232, true, false}, {1232, false, false}, {0, false, false},
	    {512, true, false}, {600, true, false}, {1232, true, true}};
#define NWAYS (sizeof WAYS / sizeof WAYS[0])

struct qset {
	size_t n;
	uint8_t (*q)[QLEN];
	size_t *len;
	uint8_t *way;
};

static void add_query(struct qset *s, const uint8_t *name, uint16_t type,
		      unsigned w)
{
	if (s->n >= MAXQ)
		return;
	s->len[s->n] = tt_query(s->q[s->n], name, type, WAYS[w].udp,
				WAYS[w].dnssec);
	s->q[s->n][1] = (uint8_t)s->n;
	s->way[s->n] = (uint8_t)w;
	s->n++;
}

/* name, then "x." and "x.y." in front of it, each in its case and
 * with every other letter upper-cased. */
static void add_name(struct qset *s, const uint8_t *name, unsigned seq)
{
	uint8_t v[3][ZW_NAME_MAX];
	size_t len = zw_name_len(name);
	memcpy(v[0], name, len);
	if (len + 2 > ZW_NAME_MAX || len + 4 > ZW_NAME_MAX)
		return;
	memcpy(v[1], "\001x", 2);
	memcpy(v[1] + 2, name, len);
	memcpy(v[2], "\001x\001y", 4);
	memcpy(v[2] + 4, name, len);
	for (int k = 0; k < 3; k++) {
		for (int c = 0; c < 2; c++) {
			uint8_t m[ZW_NAME_MAX];
			size_t l = zw_name_len(v[k]);
			memcpy(m, v[k], l);
			for (size_t i = 0; c && i < l; i += 2)
				if (m[i] >= 'a' && m[i] <= 'z')
					m[i] -= 32;
			/* every type one way, the ways rotating by name */
			for (unsigned t = 0; t < NTYPES; t++)
				add_query(s, m, TYPES[t],
					  (seq + t + (unsigned)c) % NWAYS);
		}
	}
}

static void make_queries(const struct zw_zone *z, struct qset *s)
{
	s->q = malloc(MAXQ * sizeof *s->q);
	s->len = malloc(MAXQ * sizeof *s->len);
	s->way = malloc(MAXQ);
	assert_true(s->q && s->len && s->way);
	s->n = 0;
	for (size_t i = 0; i < zw_zone_count(z); i++)
		add_name(s, zw_node_name(zw_zone_node(z, i)), (unsigned)i);
	assert_true(s->n > 0 && s->n < MAXQ);
}

static void free_queries(struct qset *s)
{
	free(s->q);
	free(s->len);
	free(s->way);
}

static struct zw_table *table_of(const struct zw_zone *z, bool no_below,
				 void **buf)
{
	char err[ZW_TABLE_ERRMAX];
	struct zw_compile_opts o = {.minimal = true, .no_below = no_below};
	struct zw_compiled *c = zw_compile_zone(z, &o, err, sizeof err);
	if (!c)
		fail_msg("compile: %s", err);
	size_t len;
	*buf = zw_compile_to_mem(&c, 1, &len);
	zw_compiled_free(c);
	assert_non_null(*buf);
	struct zw_table *t = zw_table_from_mem(*buf, len, err);
	if (!t)
		fail_msg("table: %s", err);
	return t;
}

/* Every query of s answered by t one way (single or burst). */
static void answer_all(const struct zw_table *t, const struct qset *s,
		       bool burst, uint8_t (*out)[RLEN], int *olen)
{
	for (unsigned w = 0; w < NWAYS; w++) {
		struct zw_answer_opts o = {1232, WAYS[w].tcp};
		const uint8_t *pkt[32];
		size_t len[32], cap[32];
		uint8_t *op[32];
		size_t idx[32], m = 0;
		for (size_t i = 0; i <= s->n; i++) {
			if (i < s->n && s->way[i] != w)
				continue;
			if (i < s->n && !burst) {
				olen[i] = zw_table_answer(t, s->q[i], s->len[i],
							  out[i], RLEN, &o);
				continue;
			}
			if (i < s->n) {
				pkt[m] = s->q[i];
				len[m] = s->len[i];
				op[m] = out[i];
				cap[m] = RLEN;
				idx[m++] = i;
			}
			if (m && (m == 32 || i == s->n)) {
				int got[32];
				zw_table_answer_burst(t, pkt, len, op, cap,
						      got, (unsigned)m, &o);
				for (size_t k = 0; k < m; k++)
					olen[idx[k]] = got[k];
				m = 0;
			}
		}
	}
}

static void compare_zone(const struct zw_zone *z, const char *what,
			 bool glue)
{
	void *b0, *b1;
	struct zw_table *with = table_of(z, false, &b1);
	struct zw_table *without = table_of(z, true, &b0);
	struct zw_table_zone_info i0, i1;
	zw_table_zone_info(without->zones[0], &i0);
	zw_table_zone_info(with->zones[0], &i1);
	if (glue)
		assert_true(i1.nodes > i0.nodes);
	else
		assert_int_equal(i1.nodes, i0.nodes);
	struct qset s;
	make_queries(z, &s);
	static uint8_t a[MAXQ][RLEN], b[MAXQ][RLEN];
	static int la[MAXQ], lb[MAXQ];
	for (int burst = 0; burst < 2; burst++) {
		answer_all(without, &s, burst, a, la);
		answer_all(with, &s, burst, b, lb);
		for (size_t i = 0; i < s.n; i++)
			if (la[i] != lb[i] || (la[i] > 0 &&
					       memcmp(a[i], b[i], (size_t)la[i])))
				fail_msg("%s: query %zu (way %u, burst %d): %d "
					 "octets without the nodes, %d with, or "
					 "other octets", what, i, s.way[i],
					 burst, la[i], lb[i]);
	}
	free_queries(&s);
	zw_table_close(with);
	zw_table_close(without);
	free(b0);
	free(b1);
}

static const char *verify_data(const char *rel)
{
	static char path[4096];
	const char *root = getenv("ZW_ROOT");
	snprintf(path, sizeof path, "%s/tests/zonecompile/data/verify/%s",
		 root && *root ? root : ".", rel);
	return path;
}

static void test_bind_fixtures(void **state)
{
	(void)state;
	static const char *const files[] = {"nsec.signed", "nsec3.signed",
					    "optout.signed", "twoalg.signed"};
	for (size_t k = 0; k < 4; k++) {
		struct zw_zone *z = tt_load_zone(verify_data(files[k]),
						 "example.");
		compare_zone(z, files[k], true);
		zw_zone_free(z);
	}
	/* RFC 4035's example has glue below its cuts, RFC 5155's too */
	struct zw_zone *z = tt_load_zone(
		zw_test_vector("rfc/rfc4035-appendix-a.zone"), "example.");
	compare_zone(z, "rfc4035", true);
	zw_zone_free(z);
	z = tt_load_zone(zw_test_vector("rfc/rfc5155-appendix-a.zone"),
			 "example.");
	compare_zone(z, "rfc5155", true);
	zw_zone_free(z);
}

static void signed_corners(int denial, struct out *out)
{
	const char *keydir = subdir("keys");
	char kb[2][64];
	const char *keys[3];
	mk_example_keys(keydir, kb, keys, NULL);
	struct zw_sign_opts o = base_opts();
	o.nsec3 = denial > 0;
	o.optout = denial == 2;
	assert_int_equal(sign_zone(CORNERS, "example.", &o, keydir, keys,
				   out), 0);
}

static void test_corners(void **state)
{
	(void)state;
	for (int d = 0; d < 3; d++) {
		struct out out;
		signed_corners(d, &out);
		compare_zone(out.z, d == 0 ? "corners NSEC" : d == 1 ?
			     "corners NSEC3" : "corners opt-out", true);
		out_free(&out);
	}
}

/* A below node must be as the compiler writes it: one with another
 * flag, an entry or a proof is refused. */
static void test_damaged_below(void **state)
{
	(void)state;
	struct out out;
	signed_corners(0, &out);
	char err[ZW_TABLE_ERRMAX];
	struct zw_compile_opts o = {.minimal = true};
	struct zw_compiled *c = zw_compile_zone(out.z, &o, err, sizeof err);
	assert_non_null(c);
	size_t len;
	uint8_t *buf = zw_compile_to_mem(&c, 1, &len);
	zw_compiled_free(c);
	struct zw_table *t = zw_table_from_mem(buf, len, err);
	assert_non_null(t);
	/* the node of ns1.child.example. */
	const struct zwt_zone *zh = t->zones[0];
	struct tl_zone tz = {zh, zwt_data(zh), zwt_accel_of(t, zh)};
	uint8_t nm[ZW_NAME_MAX];
	wire("ns1.child.example.", nm);
	const struct zwt_node *n = tl_probe(&tz, nm, zw_name_len(nm));
	assert_non_null(n);
	assert_int_equal(n->flags, ZWT_N_CUT | ZWT_N_BELOW);
	/* a server of its cut: its referral cuts its name, kept */
	struct tl_refcut cut;
	assert_true(zwt_below_cut(n, &cut));
	assert_true(cut.n > 0);
	assert_int_not_equal(cut.keep, 0);
	assert_int_not_equal(cut.qoff, 13);
	size_t off = (size_t)((const uint8_t *)n - buf);
	zw_table_close(t);
	static const struct {
		size_t at;
		uint8_t val;
	} harm[] = {{offsetof(struct zwt_node, flags), ZWT_N_BELOW},
		    {offsetof(struct zwt_node, flags),
		     ZWT_N_CUT | ZWT_N_BELOW | ZWT_N_WILD},
		    {offsetof(struct zwt_node, nx1), 1},
		    {offsetof(struct zwt_node, cpe_labels), 2},
		    {offsetof(struct zwt_node, labels), 2},
		    /* its name's cut (zwt_below_cut): where it lies, its
		     * pointer, its length */
		    {offsetof(struct zwt_node, wild), 0},
		    {offsetof(struct zwt_node, pad), 13},
		    {offsetof(struct zwt_node, pad) + 2, 1}};
	for (size_t k = 0; k < sizeof harm / sizeof harm[0]; k++) {
		uint8_t *copy = malloc(len);
		memcpy(copy, buf, len);
		copy[off + harm[k].at] = harm[k].val;
		struct zwt_file *f = (struct zwt_file *)copy;
		f->checksum = 0;
		f->checksum = zw_table_checksum(copy, len);
		struct zw_table *bad = zw_table_from_mem(copy, len, err);
		if (bad)
			fail_msg("damage %zu: table accepted", k);
		free(copy);
	}
	free(buf);
	out_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_fixtures),
		cmocka_unit_test(test_corners),
		cmocka_unit_test(test_damaged_below),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
