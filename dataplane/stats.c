/* Counter names, sums and printing (control thread only). */
#include <stdarg.h>
#include <stdio.h>

#include "dataplane/stats.h"

static const char *const drop_names[ZW_DROP_MAX] = {
	"not_ours", "malformed", "checksum", "bad_source", "not_query",
	"no_exception_port", "no_answer", "rrl", "tx_full",
};
static const char *const reply_names[ZW_REPLY_MAX] = {
	"arp", "icmp_echo", "nd", "icmp6_echo",
};
static const char *const rcode_names[ZW_STATS_RCODES] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11",
	"RCODE12", "RCODE13", "RCODE14", "RCODE15", "BADVERS",
};

const char *zw_stats_drop_name(unsigned i)
{
	return i < ZW_DROP_MAX ? drop_names[i] : "?";
}

const char *zw_stats_reply_name(unsigned i)
{
	return i < ZW_REPLY_MAX ? reply_names[i] : "?";
}

const char *zw_stats_rcode_name(unsigned i)
{
	return i < ZW_STATS_RCODES ? rcode_names[i] : "?";
}

/* The block is all uint64_t counters (plus tail padding). */
void zw_stats_sum(struct zw_stats *dst, const struct zw_stats *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;
	for (size_t i = 0; i < sizeof(*dst) / sizeof(uint64_t); i++)
		d[i] += __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

struct out {
	char *buf;
	size_t cap, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->len < o->cap ? o->buf + o->len : NULL,
			  o->len < o->cap ? o->cap - o->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void put_map(struct out *o, const char *key, const uint64_t *v,
		    unsigned n, const char *(*name)(unsigned), int all)
{
	const char *sep = "";
	put(o, "\"%s\":{", key);
	for (unsigned i = 0; i < n; i++) {
		if (!v[i] && !all)
			continue;
		put(o, "%s\"%s\":%llu", sep, name(i), (unsigned long long)v[i]);
		sep = ",";
	}
	put(o, "}");
}

static void put_block(struct out *o, const struct zw_stats *s)
{
	put(o, "\"rx\":%llu,\"queries\":%llu,\"answered\":%llu,"
	       "\"truncated\":%llu,\"exception_out\":%llu,"
	       "\"exception_in\":%llu,\"rrl_slipped\":%llu,\"swaps\":%llu,"
	       "\"cpu_s\":%.3f,",
	    (unsigned long long)s->rx, (unsigned long long)s->queries,
	    (unsigned long long)s->answered, (unsigned long long)s->truncated,
	    (unsigned long long)s->except_out,
	    (unsigned long long)s->except_in,
	    (unsigned long long)s->rrl_slipped, (unsigned long long)s->swaps,
	    (double)s->cpu_ns / 1e9);
	put_map(o, "rcode", s->rcode, ZW_STATS_RCODES, zw_stats_rcode_name, 0);
	put(o, ",");
	put_map(o, "replies", s->replies, ZW_REPLY_MAX, zw_stats_reply_name,
		1);
	put(o, ",");
	put_map(o, "dropped", s->drops, ZW_DROP_MAX, zw_stats_drop_name, 1);
}

size_t zw_stats_json(char *buf, size_t cap, const struct zw_stats *per,
		     const unsigned *lcore, unsigned n, double uptime)
{
	struct out o = {buf, cap, 0};
	struct zw_stats tot = {0};

	for (unsigned i = 0; i < n; i++)
		zw_stats_sum(&tot, &per[i]);
	put(&o, "{\"uptime\":%.3f,\"total\":{", uptime);
	put_block(&o, &tot);
	put(&o, "},\"lcores\":[");
	for (unsigned i = 0; i < n; i++) {
		struct zw_stats one = {0};
		zw_stats_sum(&one, &per[i]);
		put(&o, "%s{\"lcore\":%u,", i ? "," : "", lcore[i]);
		put_block(&o, &one);
		put(&o, "}");
	}
	put(&o, "]}\n");
	return o.len;
}

size_t zw_stats_line(char *buf, size_t cap, const struct zw_stats *now,
		     const struct zw_stats *prev, double dt)
{
	struct out o = {buf, cap, 0};
	uint64_t drops = 0;
	for (unsigned i = 0; i < ZW_DROP_MAX; i++)
		drops += now->drops[i] - prev->drops[i];
	if (dt <= 0)
		dt = 1;
	double cpu = (double)(now->cpu_ns - prev->cpu_ns) / 1e9;
	put(&o, "rx %.0f/s answered %.0f/s (%.0f per worker CPU second, "
		"%.0f%% CPU) (NOERROR %llu NXDOMAIN %llu REFUSED %llu other "
		"%llu) tc %llu dropped %llu exception %llu/%llu",
	    (double)(now->rx - prev->rx) / dt,
	    (double)(now->answered - prev->answered) / dt,
	    cpu > 0 ? (double)(now->answered - prev->answered) / cpu : 0.0,
	    100.0 * cpu / dt,
	    (unsigned long long)(now->rcode[0] - prev->rcode[0]),
	    (unsigned long long)(now->rcode[3] - prev->rcode[3]),
	    (unsigned long long)(now->rcode[5] - prev->rcode[5]),
	    (unsigned long long)((now->answered - prev->answered) -
				 (now->rcode[0] - prev->rcode[0]) -
				 (now->rcode[3] - prev->rcode[3]) -
				 (now->rcode[5] - prev->rcode[5])),
	    (unsigned long long)(now->truncated - prev->truncated),
	    (unsigned long long)drops,
	    (unsigned long long)(now->except_out - prev->except_out),
	    (unsigned long long)(now->except_in - prev->except_in));
	return o.len;
}
