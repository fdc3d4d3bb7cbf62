/* zonecompile/table_answer.c: the burst (stage by stage) against single answers
 * on a zone signed with NSEC, NSEC3 and NSEC3 opt-out, large enough for
 * a multi-level index accelerator (~950-1,350 entries: two sample
 * levels, 60-85 groups), with the absent
 * names whose cover the burst searches ahead: one label below the apex,
 * below an existing name that is not a cut (parent found), below an
 * absent name (parent absent), below a cut (no search), and names whose
 * index keys tie with existing ones (first 8 octets equal). Every burst
 * answer, DO=1 and DO=0, in bursts of every size, must equal
 * zw_table_answer's octet for octet. */
#include "tests/zonecompile/signtest.h"
#include "tests/zonecompile/tabletest.h"
#include "zonecompile/table_int.h"

#define HOSTS 900
#define CUTS 400
#define TIES 40   /* names sharing their first 8 octets: "tiebreak<nn>" */
#define NQ 3000

/* The zone with NSEC, with NSEC3 and with NSEC3 opt-out. */
#define NTAB 3
static struct zw_table *tables[NTAB];
static void *table_bufs[NTAB];

static char *zone_text(void)
{
	size_t cap = 64 * (HOSTS + 3 * CUTS + TIES) + 256, n = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n,
			      "$TTL 300\n@ SOA ns1 host 1 3600 600 86400 120\n"
			      "  NS ns1\nns1 A 192.0.2.1\n");
	for (int i = 0; i < HOSTS; i++) /* spread over the alphabet */
		n += (size_t)snprintf(s + n, cap - n, "%c%c-host%03d A 192.0.2.%d\n",
				      'a' + i % 26, 'a' + i / 26 % 26, i,
				      1 + i % 250);
	for (int i = 0; i < TIES; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "tiebreak%02d A 192.0.2.8\n", i * 2);
	for (int i = 0; i < CUTS; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "%c%c-cut%03d NS ns.%c%c-cut%03d\n"
				      "ns.%c%c-cut%03d A 192.0.2.7\n",
				      'a' + i % 26, 'a' + i / 26 % 26, i,
				      'a' + i % 26, 'a' + i / 26 % 26, i,
				      'a' + i % 26, 'a' + i / 26 % 26, i);
	return s;
}

static struct zw_table *make_table(const char *text,
				   const struct zw_sign_opts *o,
				   const char *keydir, const char **keys,
				   void **buf)
{
	struct out out;
	assert_int_equal(sign_zone(text, "example.", o, keydir, keys, &out),
			 0);
	char err[ZW_TABLE_ERRMAX];
	struct zw_compile_opts co = {.minimal = true};
	struct zw_compiled *c = zw_compile_zone(out.z, &co, err, sizeof err);
	if (!c)
		print_error("compile: %s\n", err);
	assert_non_null(c);
	size_t len;
	*buf = zw_compile_to_mem(&c, 1, &len);
	zw_compiled_free(c);
	out_free(&out);
	assert_non_null(*buf);
	struct zw_table *t = zw_table_from_mem(*buf, len, err);
	assert_non_null(t);
	return t;
}

static int setup(void **state)
{
	(void)state;
	const char *keydir = subdir("keys");
	char kb[2][64];
	const char *keys[3];
	mk_example_keys(keydir, kb, keys, NULL);
	char *text = zone_text();
	for (int k = 0; k < NTAB; k++) {
		struct zw_sign_opts o = base_opts();
		o.nsec3 = k > 0;
		o.optout = k == 2;
		o.saltlen = 4;
		memcpy(o.salt, "\xab\xcd\xef\x01", 4);
		tables[k] = make_table(text, &o, keydir, keys, &table_bufs[k]);
	}
	free(text);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int k = 0; k < NTAB; k++) {
		zw_table_close(tables[k]);
		free(table_bufs[k]);
	}
	return 0;
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random label of 1..12 letters and digits into buf; returns it. */
static const char *label(char *buf, uint64_t *seed)
{
	static const char ch[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int n = 1 + (int)(rng(seed) % 12);
	for (int i = 0; i < n; i++)
		buf[i] = ch[rng(seed) % 36];
	buf[n] = 0;
	return buf;
}

/* Query i's name: the kinds of absent (and some existing) names. */
static void query_name(char *name, size_t cap, unsigned i, uint64_t *seed)
{
	char a[16], b[16];
	unsigned k = (unsigned)(rng(seed) % HOSTS), d = k % CUTS;
	char h0 = (char)('a' + k % 26), h1 = (char)('a' + k / 26 % 26);
	char c0 = (char)('a' + d % 26), c1 = (char)('a' + d / 26 % 26);
	switch (i % 8) {
	case 0: /* one label below the apex */
	case 1:
		snprintf(name, cap, "%s.example.", label(a, seed));
		break;
	case 2: /* key ties: the same first 8 octets as existing names */
		if (k % 2)
			snprintf(name, cap, "%c%c-host%03u%s.example.", h0, h1,
				 k, label(a, seed));
		else
			snprintf(name, cap, "tiebreak%02u%s.example.", k % 80,
				 k % 3 ? label(a, seed) : "");
		break;
	case 3: /* below a host (parent found, not a cut) */
		snprintf(name, cap, "%s.%c%c-host%03u.example.",
			 label(a, seed), h0, h1, k);
		break;
	case 4: /* below an absent name (no parent) */
		snprintf(name, cap, "%s.%s.example.", label(a, seed),
			 label(b, seed));
		break;
	case 5: /* below a cut: a referral, no NSEC; every other one
		 * its glue name (a node of its own, ZWT_N_BELOW), in
		 * mixed case */
		if (k % 2)
			snprintf(name, cap, "nS.%c%c-cut%03u.example.", c0,
				 c1, d);
		else
			snprintf(name, cap, "%s.%c%c-cut%03u.example.",
				 label(a, seed), c0, c1, d);
		break;
	case 6: /* existing */
		snprintf(name, cap, "%c%c-host%03u.example.", h0, h1, k);
		break;
	default: /* deeper still */
		snprintf(name, cap, "%s.%s.%c%c-host%03u.example.",
			 label(a, seed), label(b, seed), h0, h1, k);
		break;
	}
}

static void check_burst(const struct zw_table *table, bool dnssec,
			unsigned step)
{
	static uint8_t q[NQ][300], single[NQ][2048], out[NQ][2048];
	static size_t len[NQ], cap[NQ];
	static const uint8_t *pkt[NQ];
	static uint8_t *outp[NQ];
	static int want[NQ], got[NQ];
	uint64_t seed = 0x1234567 + step;
	for (unsigned i = 0; i < NQ; i++) {
		char name[300];
		uint8_t w[ZW_NAME_MAX];
		query_name(name, sizeof name, i, &seed);
		len[i] = tt_query(q[i], wire(name, w), ZW_TYPE_A, 1232,
				  dnssec);
		q[i][1] = (uint8_t)i;
		want[i] = zw_table_answer(table, q[i], len[i], single[i],
					  sizeof single[i], NULL);
		assert_true(want[i] > 0);
		pkt[i] = q[i];
		outp[i] = out[i];
		cap[i] = sizeof out[i];
	}
	/* bursts of every size from 1 to `step` + 40 (more than one
	 * BURST_MAX chunk), so queries sit at every position of a burst */
	for (unsigned i = 0, m = 1; i < NQ; i += m, m = m % (step + 40) + 1) {
		unsigned k = m < NQ - i ? m : NQ - i;
		zw_table_answer_burst(table, pkt + i, len + i, outp + i,
				      cap + i, got + i, k, NULL);
	}
	for (unsigned i = 0; i < NQ; i++) {
		if (got[i] != want[i] || memcmp(out[i], single[i],
						(size_t)want[i]))
			fail_msg("denial %d, query %u (kind %u, DO=%d): burst "
				 "%d octets, single %d, or other octets",
				 table->zones[0]->denial, i, i % 8, dnssec,
				 got[i], want[i]);
	}
}

static void test_accel_levels(void **state)
{
	(void)state;
	/* NSEC and NSEC3: apex, ns1, hosts, ties, cuts; opt-out: no cuts */
	for (int k = 0; k < NTAB; k++) {
		const struct zwt_accel *a = zwt_accel_of(tables[k],
							 tables[k]->zones[0]);
		assert_int_equal(a->n, 2 + HOSTS + TIES + (k == 2 ? 0 : CUTS));
		assert_int_equal(a->nlev, 2);
		assert_int_equal(tables[k]->zones[0]->denial,
				 k ? ZWT_DENIAL_NSEC3 : ZWT_DENIAL_NSEC);
	}
}

static void test_burst_do1(void **state)
{
	(void)state;
	for (int k = 0; k < NTAB; k++)
		for (unsigned step = 0; step < 4; step++)
			check_burst(tables[k], true, step);
}

static void test_burst_do0(void **state)
{
	(void)state;
	for (int k = 0; k < NTAB; k++)
		check_burst(tables[k], false, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accel_levels),
		cmocka_unit_test(test_burst_do1),
		cmocka_unit_test(test_burst_do0),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
