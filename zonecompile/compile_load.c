/* Loading a zone file for the compiler, parsed by several threads when
 * the file can be cut exactly: no directives anywhere (so origin and
 * default TTL never change), cuts at line starts with an owner and a TTL
 * of their own, each part's parser ending cleanly (no open parenthesis
 * or quote), the owner changing across every cut (so no run of an RRset
 * is split), and no warning from any part (so no omitted TTL fell back
 * on state a part could not know). The first part's records go into
 * the zone while the others parse, theirs after: all in file order, with
 * their real line numbers. Anything else, and any error (but the zone
 * refusing a record of the first part, which one parser meets the same
 * way), and the file is parsed again by one parser, as it always was,
 * for the same result and messages. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dns/err.h"
#include "dns/name.h"
#include "zonecompile/compile_int.h"

#define MAX_PARTS 16
#define MIN_PART (8u << 20) /* smaller files are not worth a thread */
#define CUT_SEARCH (1u << 20)

struct part {
	const char *text;
	size_t len;
	const char *path;
	const uint8_t *origin;
	struct zw_zone *direct; /* the first part adds to the zone at once */
	int zone_rc;        /* what the zone said to a record of it */
	struct cz_buf recs; /* owner len, owner, type, rdlen, ttl, line, rdata */
	unsigned long lines; /* newlines in the text */
	size_t nrecs;
	double cpu;
	int rc;
	bool warned;
	uint8_t first[ZW_NAME_MAX], last[ZW_NAME_MAX];
};

static void part_warn(void *ctx, const char *file, unsigned long line,
		      const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
	((struct part *)ctx)->warned = true;
}

static int keep(struct part *p, const struct zw_rec *r)
{
	uint8_t h[1 + 2 + 2 + 4 + 4];
	size_t ol = zw_name_len(r->owner);
	uint32_t line = (uint32_t)r->line;
	if (!p->nrecs++)
		zw_name_copy(p->first, r->owner);
	zw_name_copy(p->last, r->owner);
	if (p->direct)
		return p->zone_rc = zw_zone_add(p->direct, r);
	h[0] = (uint8_t)ol;
	memcpy(h + 1, &r->type, 2);
	memcpy(h + 3, &r->rdlen, 2);
	memcpy(h + 5, &r->ttl, 4);
	memcpy(h + 9, &line, 4);
	cz_buf_append(&p->recs, h, sizeof h);
	cz_buf_append(&p->recs, r->owner, ol);
	cz_buf_append(&p->recs, r->rdata, r->rdlen);
	return p->recs.failed ? ZW_ENOMEM : 0;
}

static double clk(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *parse_part(void *arg)
{
	struct part *p = arg;
	double t0 = clk(CLOCK_THREAD_CPUTIME_ID);
	struct zw_zonefile_opts o = {p->origin, part_warn, p};
	struct zw_zonefile *zf = zw_zonefile_new_mem(p->text, p->len,
						     p->path, &o);
	struct zw_rec r;
	int rc = zf ? 0 : ZW_ENOMEM;
	while (zf && (rc = zw_zonefile_next(zf, &r)) > 0 && !p->warned)
		if ((rc = keep(p, &r)) < 0)
			break;
	zw_zonefile_free(zf);
	p->rc = rc < 0 || p->warned || !p->nrecs ? -1 : 0;
	for (const char *s = p->text, *e = s + p->len;
	     (s = memchr(s, '\n', (size_t)(e - s))); s++)
		p->lines++;
	p->cpu = clk(CLOCK_THREAD_CPUTIME_ID) - t0;
	return NULL;
}

/* Length of the owner token the line at `at` starts with (0: none). */
static size_t owner_len(const char *t, size_t len, size_t at)
{
	size_t i = at;
	if (i >= len || strchr(" \t\r\n;()\"$", t[i]))
		return 0;
	while (i < len && !strchr(" \t\r\n;()\"", t[i]))
		i++;
	return i - at;
}

/* Is the owner token at `at` (olen octets) followed by a TTL? */
static bool ttl_follows(const char *t, size_t len, size_t at, size_t olen)
{
	size_t i = at + olen;
	if (i >= len || (t[i] != ' ' && t[i] != '\t'))
		return false;
	while (i < len && (t[i] == ' ' || t[i] == '\t'))
		i++;
	return i < len && t[i] >= '0' && t[i] <= '9';
}

/* The first line start at or after `from` with an owner and a TTL where
 * the last owner written before it is another (as text: parts_load
 * checks the names); 0 when none is near. */
static size_t find_cut(const char *t, size_t len, size_t from)
{
	size_t end = from + CUT_SEARCH < len ? from + CUT_SEARCH : len;
	size_t last = 0, llen = 0, at = from;
	const char *nl;
	while (at < end && (nl = memchr(t + at, '\n', end - at))) {
		at = (size_t)(nl - t) + 1;
		size_t olen = owner_len(t, len, at);
		if (!olen)
			continue;
		if (llen && (olen != llen || strncasecmp(t + at, t + last,
							 olen)) &&
		    ttl_follows(t, len, at, olen))
			return at;
		last = at;
		llen = olen;
	}
	return 0;
}

static int cut(const char *t, size_t len, unsigned n, size_t *at)
{
	at[0] = 0;
	for (unsigned k = 1; k < n; k++) {
		at[k] = find_cut(t, len, len / n * k);
		if (!at[k] || at[k] <= at[k - 1])
			return -1;
	}
	at[n] = len;
	return 0;
}

static int add_part(struct zw_zone *z, const struct part *p,
		    unsigned long line0)
{
	const uint8_t *q = p->recs.p, *end = q + p->recs.len;
	while (q < end) {
		struct zw_rec r = {.file = p->path};
		uint32_t line;
		memcpy(&r.type, q + 1, 2);
		memcpy(&r.rdlen, q + 3, 2);
		memcpy(&r.ttl, q + 5, 4);
		memcpy(&line, q + 9, 4);
		r.line = line0 + line;
		r.owner = q + 13;
		r.rdata = r.owner + q[0];
		q = r.rdata + r.rdlen;
		int rc = zw_zone_add(z, &r);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Parse the n parts of text; 1: fine, 0: not cut exactly (parse again
 * serially), < 0: the zone refused a record (message in the zone). */
static int parts_load(struct zw_zone *z, struct part *ps, unsigned n,
		      struct zw_compile_load_stats *st)
{
	double t0 = clk(CLOCK_MONOTONIC);
	pthread_t t[MAX_PARTS];
	bool started[MAX_PARTS] = {false};
	for (unsigned k = 1; k < n; k++)
		started[k] = !pthread_create(&t[k], NULL, parse_part, &ps[k]);
	parse_part(&ps[0]);
	bool ok = true;
	for (unsigned k = 1; k < n; k++) {
		if (started[k])
			pthread_join(t[k], NULL);
		else
			parse_part(&ps[k]);
	}
	for (unsigned k = 0; k < n; k++) {
		ok = ok && ps[k].rc == 0 &&
		     (k == 0 || !zw_name_equal(ps[k - 1].last, ps[k].first));
		st->parse_cpu += ps[k].cpu;
	}
	st->parse = clk(CLOCK_MONOTONIC) - t0;
	double t1 = clk(CLOCK_THREAD_CPUTIME_ID);
	/* the first part is the file's start, parsed as one parser would:
	 * a record the zone refused there is the load's error */
	if (ps[0].zone_rc < 0 && !ps[0].warned)
		return ps[0].zone_rc;
	if (!ok)
		return 0;
	unsigned long line0 = ps[0].lines;
	for (unsigned k = 1; k < n; k++) {
		int rc = add_part(z, &ps[k], line0);
		if (rc < 0)
			return rc;
		line0 += ps[k].lines;
	}
	st->add = clk(CLOCK_THREAD_CPUTIME_ID) - t1;
	return 1;
}

/* A '$' at a line start anywhere ('$' is rare: memchr is quick). */
static bool has_directive(const char *t, size_t len)
{
	for (const char *p = t, *e = t + len;
	     (p = memchr(p, '$', (size_t)(e - p))); p++)
		if (p == t || p[-1] == '\n')
			return true;
	return false;
}

/* The parts: loaded (or refused: *rc); 0: parse serially instead. */
static unsigned try_parallel(struct zw_zone *z, const char *path,
			     const uint8_t *origin, unsigned threads, int *rc,
			     struct zw_compile_load_stats *lst)
{
	struct part ps[MAX_PARTS];
	size_t at[MAX_PARTS + 1];
	struct stat st;
	int fd = open(path, O_RDONLY);
	int done = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 2 * (off_t)MIN_PART) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	size_t len = (size_t)st.st_size;
	const char *t = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (t == MAP_FAILED)
		return 0;
	unsigned n = threads < MAX_PARTS ? threads : MAX_PARTS;
	while (n > 1 && len / n < MIN_PART)
		n--;
	if (n > 1 && !has_directive(t, len) &&
	    cut(t, len, n, at) == 0) {
		memset(ps, 0, sizeof(ps[0]) * n);
		for (unsigned k = 0; k < n; k++)
			ps[k] = (struct part){.text = t + at[k],
					      .len = at[k + 1] - at[k],
					      .path = path, .origin = origin,
					      .direct = k ? NULL : z};
		done = parts_load(z, ps, n, lst);
		*rc = done < 0 ? done : 0;
		for (unsigned k = 0; k < n; k++)
			cz_buf_free(&ps[k].recs);
	}
	munmap((void *)t, len);
	return done != 0 ? n : 0;
}

static int serial_load(struct zw_zone *z, const char *path,
		       const uint8_t *origin, zw_zonefile_warn_fn *warn,
		       void *warn_ctx, char *err, size_t errlen)
{
	struct zw_zonefile_opts o = {origin, warn, warn_ctx};
	int rc = 0;
	struct zw_zonefile *zf = zw_zonefile_open(path, &o, &rc);
	struct zw_rec r;
	if (!zf) {
		snprintf(err, errlen, "%s: %s", path, zw_strerror(rc));
		return rc;
	}
	while ((rc = zw_zonefile_next(zf, &r)) > 0)
		if ((rc = zw_zone_add(z, &r)) < 0)
			break;
	if (rc < 0)
		snprintf(err, errlen, "%s",
			 *zw_zone_error(z) ? zw_zone_error(z)
					   : zw_zonefile_error(zf));
	zw_zonefile_free(zf);
	return rc;
}

struct zw_zone *zw_compile_load(const char *path, const uint8_t *origin,
				unsigned threads, zw_zonefile_warn_fn *warn,
				void *warn_ctx, struct zw_compile_load_stats *st,
				char *err, size_t errlen)
{
	struct zw_zone *z = zw_zone_new(origin);
	struct zw_compile_load_stats s = {0};
	int rc = 0;
	err[0] = '\0';
	if (!z) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!threads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads < 2 ||
	    !(s.parts = try_parallel(z, path, origin, threads, &rc, &s))) {
		zw_zone_free(z); /* a failed try may have added records */
		if (!(z = zw_zone_new(origin))) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		double t0 = clk(CLOCK_MONOTONIC), c0 = clk(CLOCK_THREAD_CPUTIME_ID);
		rc = serial_load(z, path, origin, warn, warn_ctx, err, errlen);
		s = (struct zw_compile_load_stats){
			1, clk(CLOCK_MONOTONIC) - t0,
			clk(CLOCK_THREAD_CPUTIME_ID) - c0, 0, 0};
	} else if (rc < 0) {
		snprintf(err, errlen, "%s", zw_zone_error(z));
	}
	double t0 = clk(CLOCK_THREAD_CPUTIME_ID);
	if (rc == 0 && (rc = zw_zone_finish(z)) < 0)
		snprintf(err, errlen, "%s", zw_zone_error(z));
	s.finish = clk(CLOCK_THREAD_CPUTIME_ID) - t0;
	if (st)
		*st = s;
	if (rc < 0) {
		zw_zone_free(z);
		return NULL;
	}
	return z;
}
