/* Table lookup benchmark shim: queries built from the table's own names
 * (its hash slots' nodes but those for names below a cut), shuffled, plus
 * random names below the apex that do not exist; and sets of NODATA
 * queries and of queries for names below a cut (glue). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/zone.h"
#include "dns/zonefile.h"
#include "perf/shim_lookup.h"
#include "perf/shim_rand.h"
#include "zonecompile/compile.h"
#include "zonecompile/table.h"
#include "zonecompile/table_int.h"

#define QMAX 300 /* one query's octets at most */
/* Response buffers laid out like DPDK mbufs (2048 octets of data after
 * 128 of headroom): a 4096 stride would put every buffer's first lines
 * in the same L1 set, which no NIC ring does. */
#define RSTRIDE 2176
#define RCAP 2048

struct zw_perf_table {
	struct zw_table *t;
	void *mem;
	uint8_t **names;     /* node names, shuffled */
	uint64_t nnames;
};

struct zw_perf_lookup {
	struct zw_table *t;
	unsigned nq, next;
	uint8_t *q;          /* query packets, packed */
	uint32_t *qoff;
	uint16_t *qlen;
	uint8_t *resp;       /* 64 response buffers */
};

static void *compile_zone(const char *path, size_t *len, char *err)
{
	const uint8_t *origin = (const uint8_t *)"\7example";
	struct zw_zonefile_opts o = {origin, NULL, NULL};
	int e = 0, rc;
	struct zw_zonefile *zf = zw_zonefile_open(path, &o, &e);
	if (!zf) {
		snprintf(err, 256, "cannot open %s", path);
		return NULL;
	}
	struct zw_zone *z = zw_zone_new(origin);
	struct zw_rec r;
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		if (zw_zone_add(z, &r) < 0)
			break;
	zw_zonefile_free(zf);
	void *mem = NULL;
	if (zw_zone_finish(z) == 0) {
		struct zw_compile_opts co = {.minimal = true};
		struct zw_compiled *c = zw_compile_zone(z, &co, err, 256);
		if (c) {
			mem = zw_compile_to_mem(&c, 1, len);
			zw_compiled_free(c);
		}
	} else {
		snprintf(err, 256, "%s: %s", path, zw_zone_error(z));
	}
	zw_zone_free(z);
	return mem;
}

/* Which of zone 0's nodes a query set asks for. */
enum pick { PICK_AUTH, PICK_NODATA, PICK_BELOW };

/* Does node nd belong to set `pick`: PICK_AUTH every authoritative name
 * and delegation (what the table held before it had nodes for names below
 * a cut, so the mixed rows keep meaning what they meant); PICK_NODATA
 * those that answer SRV with NODATA (no cut, CNAME, DNAME or wildcard; no
 * SRV entry); PICK_BELOW the names below a cut (ZWT_N_BELOW: glue). */
static bool picked(const struct zwt_node *nd, enum pick pick)
{
	if (pick == PICK_BELOW || pick == PICK_AUTH)
		return !(nd->flags & ZWT_N_BELOW) == (pick == PICK_AUTH);
	const struct zwt_entry *e = zwt_entries(nd);
	for (unsigned j = 0; j < nd->ntypes; j++)
		if (e[j].qtype == ZW_TYPE_SRV)
			return false;
	return !(nd->flags &
		 (ZWT_N_CUT | ZWT_N_CNAME | ZWT_N_DNAME | ZWT_N_WILD));
}

/* The names of zone 0's nodes in set `pick`, in hash-slot order shuffled
 * with seed *s. */
static uint8_t **collect_names(struct zw_table *t, enum pick pick,
			       uint64_t *n, uint64_t *s)
{
	const struct zwt_zone *z = zw_table_zone(t, 0);
	const uint8_t *d = zwt_data(z);
	const uint64_t *slots = (const uint64_t *)(d + z->hash_off);
	uint64_t ns = 1ULL << z->hash_bits, k = 0;
	uint8_t **v = malloc(sizeof(*v) * (z->nnodes + 1));
	for (uint64_t i = 0; i < ns && v; i++) {
		uint32_t ref = (uint32_t)slots[i];
		if (!ref)
			continue;
		const struct zwt_node *nd = zwt_at(d, ref);
		if (picked(nd, pick))
			v[k++] = (uint8_t *)zwt_node_name(nd);
	}
	for (uint64_t i = k; i > 1; i--) {
		uint64_t j = zw_perf_rand(s) % i;
		uint8_t *x = v[i - 1];
		v[i - 1] = v[j];
		v[j] = x;
	}
	*n = k;
	return v;
}

/* 6 to 14 random letters and digits, the first a letter; returns the
 * length. */
static int nx_label(uint8_t *out, uint64_t *seed)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int n = 6 + (int)(zw_perf_rand(seed) % 9);
	out[0] = (uint8_t)chars[zw_perf_rand(seed) % 26];
	for (int i = 1; i < n; i++)
		out[i] = (uint8_t)chars[zw_perf_rand(seed) % 36];
	return n;
}

static uint16_t build(uint8_t *q, const uint8_t *name, int dnssec,
		      uint16_t qtype)
{
	size_t nl = zw_name_len(name);
	memset(q, 0, 12);
	q[0] = 0x12;
	q[5] = 1;
	q[11] = 1;
	memcpy(q + 12, name, nl);
	size_t o = 12 + nl;
	uint8_t tail[15] = {(uint8_t)(qtype >> 8), (uint8_t)qtype, 0, 1,
			    0, 0, 41, 0x04, 0xd0, 0, 0,
			    (uint8_t)(dnssec ? 0x80 : 0), 0, 0, 0};
	memcpy(q + o, tail, sizeof tail);
	return (uint16_t)(o + sizeof tail);
}

struct zw_perf_table *zw_perf_table_open(const char *table, const char *zone,
					 char *err)
{
	struct zw_perf_table *t = calloc(1, sizeof(*t));
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	size_t len = 0;
	if (!t)
		return NULL;
	if (table)
		t->t = zw_table_open(table, err);
	else if ((t->mem = compile_zone(zone, &len, err)))
		t->t = zw_table_from_mem(t->mem, len, err);
	if (t->t)
		t->names = collect_names(t->t, PICK_AUTH, &t->nnames, &seed);
	if (!t->names || !t->nnames) {
		if (t->t && !t->names)
			snprintf(err, 256, "out of memory");
		zw_perf_table_close(t);
		return NULL;
	}
	return t;
}

void zw_perf_table_close(struct zw_perf_table *t)
{
	if (!t)
		return;
	zw_table_close(t->t);
	free(t->mem);
	free(t->names);
	free(t);
}

uint64_t zw_perf_table_bytes(const struct zw_perf_table *t)
{
	struct zw_table_zone_info info;
	zw_table_zone_info(zw_table_zone(t->t, 0), &info);
	return info.bytes;
}

uint64_t zw_perf_table_names(const struct zw_perf_table *t)
{
	return t->nnames;
}

/* A query set for nq queries over t, its buffers allocated; NULL with
 * a message in err[256] when out of memory. */
static struct zw_perf_lookup *lookup_alloc(struct zw_perf_table *t,
					   unsigned nq, char *err)
{
	struct zw_perf_lookup *p = calloc(1, sizeof(*p));
	if (p) {
		p->t = t->t;
		p->nq = nq;
		p->q = malloc((size_t)nq * QMAX);
		p->qoff = malloc(sizeof(uint32_t) * nq);
		p->qlen = malloc(sizeof(uint16_t) * nq);
		p->resp = malloc(64 * RSTRIDE);
	}
	if (!p || !p->q || !p->qoff || !p->qlen || !p->resp) {
		snprintf(err, 256, "out of memory");
		zw_perf_lookup_free(p);
		return NULL;
	}
	return p;
}

struct zw_perf_lookup *zw_perf_lookup_new(struct zw_perf_table *t,
					  unsigned nq, unsigned nx_percent,
					  int dnssec, char *err)
{
	struct zw_perf_lookup *p = lookup_alloc(t, nq, err);
	uint64_t seed = 0x2545f4914f6cdd1dULL ^ nx_percent ^
			(uint64_t)dnssec << 8;
	if (!p)
		return NULL;
	size_t at = 0;
	const struct zwt_zone *z = zw_table_zone(p->t, 0);
	uint64_t start = zw_perf_rand(&seed) % t->nnames;
	for (unsigned i = 0; i < nq; i++) {
		uint8_t buf[ZW_NAME_MAX];
		const uint8_t *name = t->names[(start + i) % t->nnames];
		if (zw_perf_rand(&seed) % 100 < nx_percent) {
			/* "<random label>.<origin>": below the apex, not there,
			 * and spread over the whole NSEC index as real misses
			 * are (a common prefix keeps one stretch in cache) */
			int l = nx_label(buf + 1, &seed);
			buf[0] = (uint8_t)l;
			memcpy(buf + 1 + l, z->origin, z->origin_len);
			name = buf;
		}
		p->qoff[i] = (uint32_t)at;
		p->qlen[i] = build(p->q + at, name, dnssec, ZW_TYPE_A);
		at += (p->qlen[i] + 7u) & ~7u;
	}
	return p;
}

/* nq queries of type qtype over the names of set `pick`, in random
 * order. */
static struct zw_perf_lookup *lookup_set(struct zw_perf_table *t,
					 unsigned nq, int dnssec,
					 enum pick pick, uint16_t qtype,
					 char *err)
{
	uint64_t seed = 0x6a09e667f3bcc909ULL ^ (uint64_t)dnssec << 8 ^
			(uint64_t)pick << 16, nn = 0;
	uint8_t **names = collect_names(t->t, pick, &nn, &seed);
	struct zw_perf_lookup *p = names && nn ? lookup_alloc(t, nq, err) : NULL;
	if (!p) {
		if (!names || !nn)
			snprintf(err, 256, names ? "no such names in the table"
						 : "out of memory");
		free(names);
		return NULL;
	}
	size_t at = 0;
	for (unsigned i = 0; i < nq; i++) {
		p->qoff[i] = (uint32_t)at;
		p->qlen[i] = build(p->q + at, names[i % nn], dnssec, qtype);
		at += (p->qlen[i] + 7u) & ~7u;
	}
	free(names);
	return p;
}

struct zw_perf_lookup *zw_perf_lookup_nodata(struct zw_perf_table *t,
					     unsigned nq, int dnssec,
					     char *err)
{
	return lookup_set(t, nq, dnssec, PICK_NODATA, ZW_TYPE_SRV, err);
}

struct zw_perf_lookup *zw_perf_lookup_below(struct zw_perf_table *t,
					    unsigned nq, int dnssec,
					    char *err)
{
	return lookup_set(t, nq, dnssec, PICK_BELOW, ZW_TYPE_A, err);
}

/* One "name TYPE" line into wire name and type; false when it is not
 * one. */
static bool parse_qline(char *line, uint8_t *name, uint16_t *type)
{
	char *sp = strtok(line, " \t\r\n");
	char *ts = strtok(NULL, " \t\r\n");
	if (!sp || !ts || zw_name_from_str(name, sp, strlen(sp), NULL) <= 0)
		return false;
	int t = zw_rrtype_from_str(ts, strlen(ts));
	if (t < 0)
		return false;
	*type = (uint16_t)t;
	return true;
}

struct zw_perf_lookup *zw_perf_lookup_file(struct zw_perf_table *t,
					   const char *path, int dnssec,
					   char *err)
{
	FILE *f = fopen(path, "r");
	char line[1100];
	unsigned nq = 0, cap = 0;
	size_t at = 0;
	struct zw_perf_lookup *p = calloc(1, sizeof(*p));
	if (!f || !p) {
		snprintf(err, 256, "cannot open %s", path);
		goto fail;
	}
	p->t = t->t;
	p->resp = malloc(64 * RSTRIDE);
	for (unsigned ln = 1; fgets(line, sizeof line, f); ln++) {
		uint8_t name[ZW_NAME_MAX];
		uint16_t type;
		if (!parse_qline(line, name, &type)) {
			snprintf(err, 256, "%s:%u: not \"name TYPE\"", path, ln);
			goto fail;
		}
		if (nq == cap) {
			cap = cap ? 2 * cap : 4096;
			p->q = realloc(p->q, (size_t)cap * QMAX);
			p->qoff = realloc(p->qoff, sizeof(uint32_t) * cap);
			p->qlen = realloc(p->qlen, sizeof(uint16_t) * cap);
			if (!p->q || !p->qoff || !p->qlen) {
				snprintf(err, 256, "out of memory");
				goto fail;
			}
		}
		p->qoff[nq] = (uint32_t)at;
		p->qlen[nq] = build(p->q + at, name, dnssec, type);
		at += (p->qlen[nq] + 7u) & ~7u;
		nq++;
	}
	if (!nq || !p->resp) {
		snprintf(err, 256, "%s: no queries", path);
		goto fail;
	}
	fclose(f);
	p->nq = nq;
	return p;
fail:
	if (f)
		fclose(f);
	zw_perf_lookup_free(p);
	return NULL;
}

void zw_perf_lookup_free(struct zw_perf_lookup *p)
{
	if (!p)
		return;
	free(p->q);
	free(p->qoff);
	free(p->qlen);
	free(p->resp);
	free(p);
}

uint64_t zw_perf_lookup_run(struct zw_perf_lookup *p, unsigned n,
			    unsigned burst)
{
	struct zw_answer_opts o = {1232, false};
	const uint8_t *pk[64];
	size_t len[64], cap[64];
	uint8_t *out[64];
	int outlen[64];
	uint64_t bytes = 0;
	if (burst > 64)
		burst = 64;
	for (unsigned done = 0; done < n; done += burst) {
		unsigned b = n - done < burst ? n - done : burst;
		for (unsigned k = 0; k < b; k++) {
			unsigned i = p->next++;
			if (p->next == p->nq)
				p->next = 0;
			pk[k] = p->q + p->qoff[i];
			len[k] = p->qlen[i];
			out[k] = p->resp + RSTRIDE * k;
			cap[k] = RCAP;
		}
		/* a NIC leaves received packets in cache (DDIO): so does
		 * the benchmark, for the next burst */
		for (unsigned k = 0, i = p->next; k < burst; k++) {
			__builtin_prefetch(p->q + p->qoff[i]);
			if (++i == p->nq)
				i = 0;
		}
		if (b == 1) {
			outlen[0] = zw_table_answer(p->t, pk[0], len[0], out[0],
						    cap[0], &o);
		} else {
			zw_table_answer_burst(p->t, pk, len, out, cap, outlen,
					      b, &o);
		}
		for (unsigned k = 0; k < b; k++)
			bytes += (uint64_t)outlen[k];
	}
	return bytes;
}

void zw_perf_lookup_rcodes(struct zw_perf_lookup *p, unsigned counts[16])
{
	struct zw_answer_opts o = {1232, false};
	memset(counts, 0, 16 * sizeof(unsigned));
	for (unsigned i = 0; i < p->nq; i++) {
		int n = zw_table_answer(p->t, p->q + p->qoff[i],
					p->qlen[i], p->resp, RCAP, &o);
		if (n >= 12)
			counts[p->resp[3] & 0xf]++;
	}
}
