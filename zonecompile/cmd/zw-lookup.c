/* zw-lookup -t table.zwt [options] qname [qtype]
 * zw-lookup -t table.zwt [options] -f FILE
 *
 * Answers queries from a compiled table, exactly as the data plane
 * would, and prints each response as dig prints it (dig's defaults too:
 * RD set, EDNS with a 1232-octet buffer, no DO). +wire prints the raw
 * response as one line of hex instead. -u sets the server's EDNS UDP
 * payload limit (default 1232, as Knot).
 *
 * Batch mode (-f FILE, "-" for stdin) answers one query per line in one
 * process: the table is mapped and validated once, which is what makes
 * large differential runs cheap. The usage text documents the format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/table.h"
#include "zonecompile/table_print.h"

#define TEXT_MAX (5 * 65535 + 64)
#define OUT_MAX (4 * 1024 * 1024)
#define MAXTOK 64
#define ERRLEN 160

/* Exit statuses. */
#define EX_OK 0
#define EX_USAGE 1
#define EX_BADLINE 2

/* What one query asks for: the options apply per query (on the command
 * line they are every batch line's defaults). */
struct qopts {
	bool dnssec, noedns, norec, tcp, wire;
	unsigned bufsize, maxudp;
};

struct query {
	struct qopts o;
	const char *qname;
	const char *qtype;
};

/* Scratch for printing, allocated once. */
struct printer {
	char *text, *out;
	const char *server;
};

static const char usage_text[] =
	"usage: zw-lookup -t table.zwt [options] qname [qtype]\n"
	"       zw-lookup -t table.zwt [options] -f FILE\n"
	"options: +[no]dnssec +[no]edns +bufsize=N +[no]rec +[no]tcp "
	"+wire -u maxudp\n"
	"\n"
	"-f FILE (\"-\": standard input) answers one query per line:\n"
	"    qname [qtype] [options]\n"
	"with the options above, which override the command line's for that\n"
	"line. Blank lines and text from an unescaped ';' are skipped.\n"
	"Each response is preceded by a separator line\n"
	"    ;; LINE n\n"
	"(n: the line's number in FILE), then printed as a single query's\n"
	"response is, so the output splits at lines starting with \";; LINE \".\n"
	"A bad line prints nothing to standard output and a message naming\n"
	"its line to standard error; the remaining lines are still answered.\n"
	"With -f - each response is flushed as soon as it is written.\n"
	"Exit status: 0 all answered, 1 usage or table error, 2 bad lines.\n";

static void usage(void)
{
	fputs(usage_text, stderr);
	exit(EX_USAGE);
}

/* A +flag without a value: 1 when s is one (applied), else 0. */
static int flag_opt(struct qopts *o, const char *s)
{
	if (!strcmp(s, "+dnssec") || !strcmp(s, "+do"))
		o->dnssec = true, o->noedns = false; /* as dig */
	else if (!strcmp(s, "+nodnssec") || !strcmp(s, "+nodo"))
		o->dnssec = false;
	else if (!strcmp(s, "+noedns"))
		o->noedns = true;
	else if (!strcmp(s, "+edns"))
		o->noedns = false;
	else if (!strcmp(s, "+norec") || !strcmp(s, "+norecurse"))
		o->norec = true;
	else if (!strcmp(s, "+rec") || !strcmp(s, "+recurse"))
		o->norec = false;
	else if (!strcmp(s, "+tcp") || !strcmp(s, "+vc"))
		o->tcp = true;
	else if (!strcmp(s, "+notcp") || !strcmp(s, "+novc"))
		o->tcp = false;
	else if (!strcmp(s, "+wire"))
		o->wire = true;
	else if (!strcmp(s, "+nowire"))
		o->wire = false;
	else
		return 0;
	return 1;
}

/* A decimal number in [0, max]; -1 when it is not one. */
static long number(const char *s, long max)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	long v = strtol(s, &end, 10);
	return *end || v > max ? -1 : v;
}

/* Apply option s (next: the following argument, for -u). Returns the
 * number of arguments used (1 or 2), or 0 with err filled in. */
static int parse_opt(struct qopts *o, const char *s, const char *next,
		     char *err)
{
	long v;
	if (flag_opt(o, s))
		return 1;
	if (!strncmp(s, "+bufsize=", 9)) {
		if ((v = number(s + 9, 65535)) < 0)
			goto bad;
		o->bufsize = (unsigned)v;
		return 1;
	}
	if (!strcmp(s, "-u")) {
		if (!next || (v = number(next, 65535)) < 0)
			goto bad;
		o->maxudp = (unsigned)v;
		return 2;
	}
	snprintf(err, ERRLEN, "unknown option '%s'", s);
	return 0;
bad:
	snprintf(err, ERRLEN, "bad value for '%s' (0 to 65535)", s);
	return 0;
}

/* Options and qname/qtype from tokens tok[0..n). Returns 0 or -1 with
 * err filled in. */
static int parse_query(struct query *q, char **tok, int n, char *err)
{
	for (int i = 0; i < n; i++) {
		const char *s = tok[i];
		if (s[0] == '+' || !strcmp(s, "-u")) {
			int used = parse_opt(&q->o, s, i + 1 < n ? tok[i + 1]
								  : NULL, err);
			if (!used)
				return -1;
			i += used - 1;
		} else if (!q->qname) {
			q->qname = s;
		} else if (!q->qtype) {
			q->qtype = s;
		} else {
			snprintf(err, ERRLEN, "unexpected '%s'", s);
			return -1;
		}
	}
	if (!q->qname) {
		snprintf(err, ERRLEN, "no query name");
		return -1;
	}
	return 0;
}

/* The query as dig sends it. Returns its length, or -1 with err filled
 * in when the name or type does not parse. */
static int build_query(const struct query *a, uint8_t *q, char *err)
{
	uint8_t name[ZW_NAME_MAX];
	int qt = ZW_TYPE_A;
	int nlen = zw_name_from_str(name, a->qname, strlen(a->qname),
				    (const uint8_t *)"");
	if (nlen < 0) {
		snprintf(err, ERRLEN, "bad name '%s'", a->qname);
		return -1;
	}
	if (a->qtype && (qt = zw_rrtype_from_str(a->qtype,
						 strlen(a->qtype))) < 0) {
		snprintf(err, ERRLEN, "bad type '%s'", a->qtype);
		return -1;
	}
	uint16_t id = (uint16_t)rand();
	uint8_t hdr[12] = {(uint8_t)(id >> 8), (uint8_t)id,
			   a->o.norec ? 0 : 0x01, 0, 0, 1, 0, 0, 0, 0, 0,
			   a->o.noedns ? 0 : 1};
	memcpy(q, hdr, 12);
	memcpy(q + 12, name, (size_t)nlen);
	size_t o = 12 + (size_t)nlen;
	uint8_t tail[4] = {(uint8_t)(qt >> 8), (uint8_t)qt, 0, 1};
	memcpy(q + o, tail, 4);
	o += 4;
	if (!a->o.noedns) {
		unsigned b = a->o.bufsize;
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(b >> 8), (uint8_t)b,
				   0, 0, a->o.dnssec ? 0x80 : 0, 0, 0, 0};
		memcpy(q + o, opt, 11);
		o += 11;
	}
	return (int)o;
}

static void print_hex(const uint8_t *resp, int n)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < n; i++) {
		putchar(hex[resp[i] >> 4]);
		putchar(hex[resp[i] & 15]);
	}
	putchar('\n');
}

/* The response already printed into p->out, with dig's frame. */
static void print_dig(const struct printer *p, const struct query *q, int n)
{
	printf("\n; <<>> zw-lookup <<>> %s %s\n", q->qname,
	       q->qtype ? q->qtype : "A");
	printf(";; global options: +cmd\n;; Got answer:\n");
	if (!q->o.norec)
		printf(";; WARNING: recursion requested but not available\n");
	fputs(p->out, stdout);
	printf(";; Query time: 0 msec\n;; SERVER: %s#0(%s) (%s)\n", p->server,
	       p->server, q->o.tcp ? "TCP" : "UDP");
	time_t now = time(NULL);
	char when[64];
	strftime(when, sizeof when, "%a %b %d %H:%M:%S UTC %Y", gmtime(&now));
	printf(";; WHEN: %s\n;; MSG SIZE  rcvd: %d\n\n", when, n);
}

/* Answer and print one query; line > 0 adds the batch separator.
 * Returns 0 or -1 with err filled in (nothing printed then). */
static int answer(const struct zw_table *t, const struct printer *p,
		  const struct query *q, long line, char *err)
{
	static uint8_t query[512], resp[65536];
	int qlen = build_query(q, query, err);
	if (qlen < 0)
		return -1;
	struct zw_answer_opts opts = {(uint16_t)q->o.maxudp, q->o.tcp};
	int n = zw_table_answer(t, query, (size_t)qlen, resp, sizeof resp,
				&opts);
	if (n <= 0) {
		snprintf(err, ERRLEN, "no answer (%s)",
			 n < 0 ? zw_strerror(n) : "dropped");
		return -1;
	}
	if (!q->o.wire && (!p->text || zw_table_print_dig(
			resp, (size_t)n, p->out, OUT_MAX, p->text, TEXT_MAX) < 0)) {
		snprintf(err, ERRLEN, "cannot print the response");
		return -1;
	}
	if (line > 0)
		printf(";; LINE %ld\n", line);
	if (q->o.wire)
		print_hex(resp, n);
	else
		print_dig(p, q, n);
	return 0;
}

/* Split s in place at unescaped blanks, stopping at an unescaped ';'.
 * Returns the token count, or -1 when there are more than max. */
static int tokenize(char *s, char **tok, int max)
{
	int n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (!*s || *s == ';')
			return n;
		if (n == max)
			return -1;
		tok[n++] = s;
		while (*s && !strchr(" \t\r\n;", *s))
			s += (s[0] == '\\' && s[1]) ? 2 : 1;
		if (*s == ';') {
			*s = '\0';
			return n;
		}
		if (*s)
			*s++ = '\0';
	}
}

static int batch_line(const struct zw_table *t, const struct printer *p,
		      const struct qopts *dflt, char *line, long no,
		      char *err)
{
	char *tok[MAXTOK];
	line[strcspn(line, "\r\n")] = '\0'; /* "a\" + newline is no escape */
	int n = tokenize(line, tok, MAXTOK);
	if (n == 0)
		return 0;
	if (n < 0) {
		snprintf(err, ERRLEN, "more than %d words", MAXTOK);
		return -1;
	}
	struct query q = {*dflt, NULL, NULL};
	if (parse_query(&q, tok, n, err) < 0)
		return -1;
	return answer(t, p, &q, no, err);
}

/* Returns the exit status. */
static int batch(const struct zw_table *t, const struct printer *p,
		 const struct qopts *dflt, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, err[ERRLEN];
	size_t cap = 0;
	long no = 0, bad = 0;
	if (!f) {
		perror(path);
		return EX_USAGE;
	}
	while (getline(&line, &cap, f) >= 0) {
		if (batch_line(t, p, dflt, line, ++no, err) < 0) {
			fprintf(stderr, "zw-lookup: %s:%ld: %s\n", path, no,
				err);
			bad++;
		}
		if (f == stdin)
			fflush(stdout); /* a co-process reads each answer */
	}
	int rc = bad ? EX_BADLINE : EX_OK;
	if (ferror(f)) {
		perror(path);
		rc = EX_USAGE;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

struct args {
	const char *table;
	const char *file;
	struct query q;
};

static void parse_args(int argc, char **argv, struct args *a)
{
	char *pos[2], err[ERRLEN];
	int npos = 0;
	a->q.o.bufsize = 1232;
	a->q.o.maxudp = 1232;
	for (int i = 1; i < argc; i++) {
		char *s = argv[i];
		int used = 1;
		if (!strcmp(s, "-t") && i + 1 < argc)
			a->table = argv[++i];
		else if (!strcmp(s, "-f") && i + 1 < argc)
			a->file = argv[++i];
		else if (s[0] == '+' || !strcmp(s, "-u"))
			used = parse_opt(&a->q.o, s, argv[i + 1], err);
		else if (s[0] != '-' && npos < 2)
			pos[npos++] = s;
		else
			used = 0;
		if (!used && s[0] != '+' && strcmp(s, "-u")) {
			/* parse_opt did not run: say why here */
			if (s[0] != '-')
				snprintf(err, ERRLEN, "too many arguments");
			else if (!strcmp(s, "-t") || !strcmp(s, "-f"))
				snprintf(err, ERRLEN, "'%s' needs a value", s);
			else
				snprintf(err, ERRLEN, "unknown option '%s'", s);
		}
		if (!used) {
			fprintf(stderr, "zw-lookup: %s\n", err);
			usage();
		}
		i += used - 1;
	}
	if (!a->table || (a->file ? npos > 0 : npos == 0))
		usage();
	a->q.qname = npos > 0 ? pos[0] : NULL;
	a->q.qtype = npos > 1 ? pos[1] : NULL;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	char err[ZW_TABLE_ERRMAX];
	parse_args(argc, argv, &a);

	struct zw_table *t = zw_table_open(a.table, err);
	if (!t) {
		fprintf(stderr, "zw-lookup: %s\n", err);
		return EX_USAGE;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	struct printer p = {malloc(TEXT_MAX), malloc(OUT_MAX), a.table};
	if (!p.out) {
		free(p.text);
		p.text = NULL;
	}
	int rc;
	if (a.file) {
		rc = batch(t, &p, &a.q.o, a.file);
	} else if ((rc = answer(t, &p, &a.q, 0, err)) < 0) {
		fprintf(stderr, "zw-lookup: %s\n", err);
		rc = EX_USAGE;
	}
	free(p.text);
	free(p.out);
	zw_table_close(t);
	return rc;
}
