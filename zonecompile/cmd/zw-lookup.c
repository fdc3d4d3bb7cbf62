/* zw-lookup -t table.zwt [+dnssec] [+noedns] [+bufsize=N] [+norec] [+tcp]
 *           [+wire] [-u maxudp] qname [qtype]
 *
 * Answers one query from a compiled table, exactly as the data plane
 * would, and prints the response as dig prints it (dig's defaults too:
 * RD set, EDNS with a 1232-octet buffer, no DO). +wire prints the raw
 * response as one line of hex instead. -u sets the server's EDNS UDP
 * payload limit (default 1232, as Knot). Exit status: 0 answered, 1
 * usage or table errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dns/err.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "zonecompile/table.h"
#include "zonecompile/table_print.h"

#define TEXT_MAX (5 * 65535 + 64)
#define OUT_MAX (4 * 1024 * 1024)

struct args {
	const char *table;
	const char *qname;
	const char *qtype;
	bool dnssec, noedns, norec, tcp, wire;
	unsigned bufsize, maxudp;
};

static void usage(void)
{
	fprintf(stderr, "usage: zw-lookup -t table.zwt [+dnssec] [+noedns] "
			"[+bufsize=N] [+norec] [+tcp] [+wire] [-u maxudp] "
			"qname [qtype]\n");
	exit(1);
}

static void parse_args(int argc, char **argv, struct args *a)
{
	a->bufsize = 1232;
	a->maxudp = 1232;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "-t") && i + 1 < argc)
			a->table = argv[++i];
		else if (!strcmp(s, "-u") && i + 1 < argc)
			a->maxudp = (unsigned)atoi(argv[++i]);
		else if (!strcmp(s, "+dnssec") || !strcmp(s, "+do"))
			a->dnssec = true, a->noedns = false; /* as dig */
		else if (!strcmp(s, "+nodnssec"))
			a->dnssec = false;
		else if (!strcmp(s, "+noedns"))
			a->noedns = true;
		else if (!strcmp(s, "+edns"))
			a->noedns = false;
		else if (!strncmp(s, "+bufsize=", 9))
			a->bufsize = (unsigned)atoi(s + 9);
		else if (!strcmp(s, "+norec") || !strcmp(s, "+norecurse"))
			a->norec = true;
		else if (!strcmp(s, "+rec") || !strcmp(s, "+recurse"))
			a->norec = false;
		else if (!strcmp(s, "+tcp") || !strcmp(s, "+vc"))
			a->tcp = true;
		else if (!strcmp(s, "+notcp"))
			a->tcp = false;
		else if (!strcmp(s, "+wire"))
			a->wire = true;
		else if (s[0] == '+' || s[0] == '-')
			usage();
		else if (!a->qname)
			a->qname = s;
		else if (!a->qtype)
			a->qtype = s;
		else
			usage();
	}
	if (!a->table || !a->qname || a->bufsize > 65535)
		usage();
}

/* The query as dig sends it. */
static size_t build_query(const struct args *a, uint8_t *q, uint16_t id)
{
	uint8_t name[ZW_NAME_MAX];
	int qt = ZW_TYPE_A;
	int nlen = zw_name_from_str(name, a->qname, strlen(a->qname),
				    (const uint8_t *)"");
	if (nlen < 0) {
		fprintf(stderr, "zw-lookup: bad name '%s'\n", a->qname);
		exit(1);
	}
	if (a->qtype && (qt = zw_rrtype_from_str(a->qtype,
						 strlen(a->qtype))) < 0) {
		fprintf(stderr, "zw-lookup: bad type '%s'\n", a->qtype);
		exit(1);
	}
	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = a->norec ? 0 : 0x01;
	q[5] = 1;
	q[11] = a->noedns ? 0 : 1;
	memcpy(q + 12, name, (size_t)nlen);
	size_t o = 12 + (size_t)nlen;
	q[o++] = (uint8_t)(qt >> 8);
	q[o++] = (uint8_t)qt;
	q[o++] = 0;
	q[o++] = 1;
	if (!a->noedns) {
		uint8_t opt[11] = {0, 0, 41, (uint8_t)(a->bufsize >> 8),
				   (uint8_t)a->bufsize, 0, 0,
				   a->dnssec ? 0x80 : 0, 0, 0, 0};
		memcpy(q + o, opt, 11);
		o += 11;
	}
	return o;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	char err[ZW_TABLE_ERRMAX];
	static uint8_t query[512], resp[65536];
	parse_args(argc, argv, &a);

	struct zw_table *t = zw_table_open(a.table, err);
	if (!t) {
		fprintf(stderr, "zw-lookup: %s\n", err);
		return 1;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	uint16_t id = (uint16_t)rand();
	size_t qlen = build_query(&a, query, id);
	struct zw_answer_opts opts = {(uint16_t)a.maxudp, a.tcp};
	int n = zw_table_answer(t, query, qlen, resp, sizeof resp, &opts);
	if (n <= 0) {
		fprintf(stderr, "zw-lookup: no answer (%s)\n",
			n < 0 ? zw_strerror(n) : "dropped");
		zw_table_close(t);
		return 1;
	}
	if (a.wire) {
		for (int i = 0; i < n; i++)
			printf("%02x", resp[i]);
		printf("\n");
		zw_table_close(t);
		return 0;
	}
	char *text = malloc(TEXT_MAX), *out = malloc(OUT_MAX);
	if (!text || !out || zw_table_print_dig(resp, (size_t)n, out, OUT_MAX,
						text, TEXT_MAX) < 0) {
		fprintf(stderr, "zw-lookup: cannot print the response\n");
		return 1;
	}
	printf("\n; <<>> zw-lookup <<>> %s %s\n", a.qname,
	       a.qtype ? a.qtype : "A");
	printf(";; global options: +cmd\n;; Got answer:\n");
	if (!a.norec)
		printf(";; WARNING: recursion requested but not available\n");
	fputs(out, stdout);
	printf(";; Query time: 0 msec\n;; SERVER: %s#0(%s) (%s)\n", a.table,
	       a.table, a.tcp ? "TCP" : "UDP");
	time_t now = time(NULL);
	char when[64];
	strftime(when, sizeof when, "%a %b %d %H:%M:%S UTC %Y", gmtime(&now));
	printf(";; WHEN: %s\n;; MSG SIZE  rcvd: %d\n\n", when, n);
	free(text);
	free(out);
	zw_table_close(t);
	return 0;
}
