/* .private files: BIND's Private-key-format v1.x, text only (keyfile.h). */
#include <stdio.h>
#include <string.h>

#include "crypto/keytime.h"
#include "crypto/kf_int.h"
#include "dns/err.h"

static const char *const time_names[ZW_KFT_COUNT] = {
	[ZW_KT_CREATED] = "Created",
	[ZW_KT_PUBLISH] = "Publish",
	[ZW_KT_ACTIVATE] = "Activate",
	[ZW_KT_INACTIVE] = "Inactive",
	[ZW_KT_DELETE] = "Delete",
	[ZW_KT_REVOKE] = "Revoke",
	[ZW_KT_SYNCPUBLISH] = "SyncPublish",
	[ZW_KT_SYNCDELETE] = "SyncDelete",
	[ZW_KFT_DSPUBLISH] = "DSPublish",
	[ZW_KFT_DSDELETE] = "DSRemoved",
};

static const char *const num_names[ZW_KFN_COUNT] = {
	"Predecessor", "Successor", "MaxTTL", "RollPeriod",
};

const char *zw_kf_time_name(int which)
{
	return which >= 0 && which < ZW_KFT_COUNT ? time_names[which] : NULL;
}

const char *zw_privtext_algname(unsigned alg)
{
	switch (alg) {
	case 1: return "RSA";
	case 3: return "DSA";
	case 5: return "RSASHA1";
	case 6: return "NSEC3DSA";
	case 7: return "NSEC3RSASHA1";
	case 8: return "RSASHA256";
	case 10: return "RSASHA512";
	case 12: return "ECCGOST";
	case 13: return "ECDSAP256SHA256";
	case 14: return "ECDSAP384SHA384";
	case 15: return "ED25519";
	case 16: return "ED448";
	default: return "UNKNOWN";
	}
}

/* A time tag that belongs in .private (DSRemoved lives in .state only). */
static int priv_time_index(const char *s, size_t len)
{
	for (int i = 0; zw_kf_priv_order[i] >= 0; i++)
		if (zw_kf_eq(s, len, time_names[zw_kf_priv_order[i]]))
			return zw_kf_priv_order[i];
	return -1;
}

static int num_index(const char *s, size_t len)
{
	for (int i = 0; i < ZW_KFN_COUNT; i++)
		if (zw_kf_eq(s, len, num_names[i]))
			return i;
	return -1;
}

/* "Tag: value": tag must be non-empty and blank-free. */
static bool split_tag(const char *ls, const char *le, struct zw_kf_span *tag,
		      struct zw_kf_span *val)
{
	const char *c = memchr(ls, ':', (size_t)(le - ls));

	if (!c || c == ls)
		return false;
	for (const char *q = ls; q < c; q++)
		if (*q == ' ' || *q == '\t')
			return false;
	tag->s = ls;
	tag->len = (size_t)(c - ls);
	for (c++; c < le && (*c == ' ' || *c == '\t'); c++)
		;
	val->s = c;
	val->len = (size_t)(le - c);
	return true;
}

static int parse_header(const char *ls, const char *le, unsigned line,
			struct zw_privtext *pt, struct zw_kf_err *err)
{
	static const char fmt[] = "Private-key-format: v1.";
	size_t n = sizeof(fmt) - 1;
	uint32_t minor;

	if ((size_t)(le - ls) <= n || memcmp(ls, fmt, n) != 0 ||
	    !zw_kf_u32(ls + n, (size_t)(le - ls) - n, &minor))
		return zw_kf_fail(err, line, "Private-key-format", 18,
				  ZW_EFORMAT);
	pt->minor = minor;
	return 0;
}

static int parse_alg(const char *ls, const char *le, unsigned line,
		     struct zw_privtext *pt, struct zw_kf_err *err)
{
	struct zw_kf_span tag, val;
	size_t n;
	uint32_t alg;

	if (!split_tag(ls, le, &tag, &val) ||
	    !zw_kf_eq(tag.s, tag.len, "Algorithm"))
		return zw_kf_fail(err, line, "Algorithm", 9, ZW_EFORMAT);
	for (n = 0; n < val.len && val.s[n] >= '0' && val.s[n] <= '9'; n++)
		;
	if (!zw_kf_u32(val.s, n, &alg) || alg > 255 ||
	    (n < val.len && val.s[n] != ' '))
		return zw_kf_fail(err, line, "Algorithm", 9, ZW_EALG);
	pt->alg = alg;
	return 0;
}

static int add_time(struct zw_privtext *pt, int i, struct zw_kf_span val,
		    unsigned line, struct zw_kf_err *err)
{
	const char *name = time_names[i];
	int r;

	if (pt->times[i])
		return zw_kf_fail(err, line, name, strlen(name), ZW_EDUP);
	r = zw_keytime_scan(val.s, val.len, &pt->times[i]);
	if (r == 0 && pt->times[i] == 0)
		r = ZW_ERANGE;
	return r ? zw_kf_fail(err, line, name, strlen(name), r) : 0;
}

static int add_num(struct zw_privtext *pt, int i, struct zw_kf_span val,
		   unsigned line, struct zw_kf_err *err)
{
	const char *name = num_names[i];

	if (pt->has_num[i])
		return zw_kf_fail(err, line, name, strlen(name), ZW_EDUP);
	if (!zw_kf_u32(val.s, val.len, &pt->num[i]))
		return zw_kf_fail(err, line, name, strlen(name), ZW_ERANGE);
	pt->has_num[i] = true;
	return 0;
}

static int add_field(struct zw_privtext *pt, struct zw_kf_span tag,
		     struct zw_kf_span val, unsigned line,
		     struct zw_kf_err *err)
{
	for (size_t i = 0; i < pt->nfields; i++)
		if (pt->fields[i].name.len == tag.len &&
		    memcmp(pt->fields[i].name.s, tag.s, tag.len) == 0)
			return zw_kf_fail(err, line, tag.s, tag.len, ZW_EDUP);
	if (pt->nfields == ZW_KF_FIELDS_MAX)
		return zw_kf_fail(err, line, tag.s, tag.len, ZW_ENOSPC);
	pt->fields[pt->nfields].name = tag;
	pt->fields[pt->nfields].value = val;
	pt->fields[pt->nfields].line = line;
	pt->nfields++;
	return 0;
}

static int priv_line(const char *ls, const char *le, unsigned line,
		      struct zw_privtext *pt, struct zw_kf_err *err)
{
	struct zw_kf_span tag, val;
	int i;

	if (!split_tag(ls, le, &tag, &val))
		return zw_kf_fail(err, line, "", 0, ZW_ESYNTAX);
	if ((i = priv_time_index(tag.s, tag.len)) >= 0)
		return add_time(pt, i, val, line, err);
	if ((i = num_index(tag.s, tag.len)) >= 0)
		return add_num(pt, i, val, line, err);
	return add_field(pt, tag, val, line, err);
}

int zw_privtext_parse(const char *p, const char *end, struct zw_privtext *pt,
		      struct zw_kf_err *err)
{
	const char *ls, *le;
	unsigned line = 0, seen = 0;
	int r = 0;

	memset(pt, 0, sizeof(*pt));
	while (r == 0 && zw_kf_nextline(&p, end, &ls, &le, &line)) {
		if (ls == le)
			continue;
		if (memchr(ls, 0, (size_t)(le - ls)))
			return zw_kf_fail(err, line, "", 0, ZW_ESYNTAX);
		if (seen == 0)
			r = parse_header(ls, le, line, pt, err);
		else if (seen == 1)
			r = parse_alg(ls, le, line, pt, err);
		else
			r = priv_line(ls, le, line, pt, err);
		seen++;
	}
	if (r == 0 && seen < 2)
		r = zw_kf_fail(err, line, seen ? "Algorithm" :
				  "Private-key-format", seen ? 9 : 18,
			       ZW_EFORMAT);
	return r;
}

int zw_privtext_format(const struct zw_privtext *pt, char *buf,
		       size_t bufsize)
{
	struct zw_kfbuf b;
	char ts[ZW_KEYTIME_STR];

	zw_kfbuf_init(&b, buf, bufsize);
	zw_kfbuf_printf(&b, "Private-key-format: v1.%u\nAlgorithm: %u (%s)\n",
			pt->minor, pt->alg, zw_privtext_algname(pt->alg));
	for (size_t i = 0; i < pt->nfields; i++)
		zw_kfbuf_printf(&b, "%.*s: %.*s\n",
				(int)pt->fields[i].name.len,
				pt->fields[i].name.s,
				(int)pt->fields[i].value.len,
				pt->fields[i].value.s);
	for (int i = 0; i < ZW_KFN_COUNT; i++)
		if (pt->has_num[i])
			zw_kfbuf_printf(&b, "%s: %u\n", num_names[i],
					pt->num[i]);
	for (int i = 0; zw_kf_priv_order[i] >= 0; i++) {
		int w = zw_kf_priv_order[i];

		if (pt->times[w] && zw_keytime_fmt(pt->times[w], ts,
						   sizeof(ts)) > 0)
			zw_kfbuf_printf(&b, "%s: %s\n", time_names[w], ts);
	}
	return zw_kfbuf_done(&b);
}
