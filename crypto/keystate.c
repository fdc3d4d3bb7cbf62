/* .state files (BIND's key state for dnssec-policy), text only: lines are
 * kept in order and verbatim; only the ones we set are rewritten. */
#include <stdio.h>
#include <string.h>

#include "crypto/keytime.h"
#include "crypto/kf_int.h"
#include "dns/err.h"

/* The order BIND writes the lines in; new lines are inserted by it. */
static const char *const canon[] = {
	"Algorithm",	"Length",	"Lifetime",	"Predecessor",
	"Successor",	"KSK",		"ZSK",		"Generated",
	"Published",	"Active",	"Retired",	"Revoked",
	"Removed",	"DSPublish",	"DSRemoved",	"PublishCDS",
	"DeleteCDS",	"DNSKEYChange", "ZRRSIGChange", "KRRSIGChange",
	"DSChange",	"DNSKEYState",	"ZRRSIGState",	"KRRSIGState",
	"DSState",	"GoalState",
};
#define NCANON (sizeof(canon) / sizeof(canon[0]))

static const char *const time_tags[ZW_KFT_COUNT] = {
	[ZW_KT_CREATED] = "Generated",
	[ZW_KT_PUBLISH] = "Published",
	[ZW_KT_ACTIVATE] = "Active",
	[ZW_KT_INACTIVE] = "Retired",
	[ZW_KT_DELETE] = "Removed",
	[ZW_KT_REVOKE] = "Revoked",
	[ZW_KT_SYNCPUBLISH] = "PublishCDS",
	[ZW_KT_SYNCDELETE] = "DeleteCDS",
	[ZW_KFT_DSPUBLISH] = "DSPublish",
	[ZW_KFT_DSDELETE] = "DSRemoved",
};

const char *zw_keystate_time_name(int which)
{
	return which >= 0 && which < ZW_KFT_COUNT ? time_tags[which] : NULL;
}

static int canon_index(const char *tag)
{
	for (size_t i = 0; i < NCANON; i++)
		if (strcmp(canon[i], tag) == 0)
			return (int)i;
	return -1;
}

static int find(const struct zw_keystate *st, const char *tag)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->ent[i].tag, tag) == 0)
			return (int)i;
	return -1;
}

static int state_line(const char *ls, const char *le, unsigned line,
		      struct zw_keystate *st, struct zw_kf_err *err)
{
	const char *c = memchr(ls, ':', (size_t)(le - ls)), *v;
	size_t tl;
	char tag[sizeof(st->ent[0].tag)];

	if (!c || c == ls || memchr(ls, ' ', (size_t)(c - ls)) ||
	    memchr(ls, '\t', (size_t)(c - ls)))
		return zw_kf_fail(err, line, "", 0, ZW_ESYNTAX);
	tl = (size_t)(c - ls);
	for (v = c + 1; v < le && (*v == ' ' || *v == '\t'); v++)
		;
	if (tl >= sizeof(tag) || (size_t)(le - v) >= sizeof(st->ent[0].value))
		return zw_kf_fail(err, line, ls, tl, ZW_ERANGE);
	memcpy(tag, ls, tl);
	tag[tl] = 0;
	if (find(st, tag) >= 0)
		return zw_kf_fail(err, line, ls, tl, ZW_EDUP);
	if (st->n == ZW_KS_MAX)
		return zw_kf_fail(err, line, ls, tl, ZW_ENOSPC);
	memcpy(st->ent[st->n].tag, tag, tl + 1);
	memcpy(st->ent[st->n].value, v, (size_t)(le - v));
	st->ent[st->n].value[le - v] = 0;
	st->n++;
	return 0;
}

int zw_keystate_parse(const char *p, const char *end, struct zw_keystate *st,
		      struct zw_kf_err *err)
{
	const char *ls, *le;
	unsigned line = 0;
	int r = 0;

	memset(st, 0, sizeof(*st));
	while (r == 0 && zw_kf_nextline(&p, end, &ls, &le, &line)) {
		if (ls == le || *ls == ';')
			continue;
		if (memchr(ls, 0, (size_t)(le - ls)))
			return zw_kf_fail(err, line, "", 0, ZW_ESYNTAX);
		r = state_line(ls, le, line, st, err);
	}
	return r;
}

int zw_keystate_format(const struct zw_keystate *st, uint16_t tag,
		       const char *owner, char *buf, size_t bufsize)
{
	struct zw_kfbuf b;

	zw_kfbuf_init(&b, buf, bufsize);
	zw_kfbuf_printf(&b, "; This is the state of key %u, for %s\n", tag,
			owner);
	for (size_t i = 0; i < st->n; i++)
		zw_kfbuf_printf(&b, "%s: %s\n", st->ent[i].tag,
				st->ent[i].value);
	return zw_kfbuf_done(&b);
}

const char *zw_keystate_get(const struct zw_keystate *st, const char *tag)
{
	int i = find(st, tag);

	return i < 0 ? NULL : st->ent[i].value;
}

/* Where a new tag goes: before the first known line that BIND writes
 * after it; unknown lines keep their places. */
static size_t insert_pos(const struct zw_keystate *st, const char *tag)
{
	int ci = canon_index(tag);

	if (ci < 0)
		return st->n;
	for (size_t i = 0; i < st->n; i++)
		if (canon_index(st->ent[i].tag) > ci)
			return i;
	return st->n;
}

int zw_keystate_set(struct zw_keystate *st, const char *tag,
		    const char *value)
{
	int i = find(st, tag);
	size_t pos;

	if (strlen(tag) >= sizeof(st->ent[0].tag) ||
	    (value && strlen(value) >= sizeof(st->ent[0].value)))
		return ZW_ERANGE;
	if (!value) {
		if (i >= 0) {
			memmove(&st->ent[i], &st->ent[i + 1],
				(st->n - (size_t)i - 1) * sizeof(st->ent[0]));
			st->n--;
		}
		return 0;
	}
	if (i < 0) {
		if (st->n == ZW_KS_MAX)
			return ZW_ENOSPC;
		pos = insert_pos(st, tag);
		memmove(&st->ent[pos + 1], &st->ent[pos],
			(st->n - pos) * sizeof(st->ent[0]));
		st->n++;
		i = (int)pos;
		strcpy(st->ent[i].tag, tag);
	}
	strcpy(st->ent[i].value, value);
	return 0;
}

int zw_keystate_get_time(const struct zw_keystate *st, int which, int64_t *t)
{
	const char *name = zw_keystate_time_name(which), *v;

	if (!name || !(v = zw_keystate_get(st, name)))
		return ZW_ENOTFOUND;
	if (strlen(v) < 14 || (v[14] && v[14] != ' '))
		return ZW_ESYNTAX;
	return zw_keytime_scan(v, 14, t);
}

int zw_keystate_set_time(struct zw_keystate *st, int which, int64_t t)
{
	const char *name = zw_keystate_time_name(which);
	char ts[ZW_KEYTIME_STR], ct[ZW_KEYTIME_CTIME], v[64];
	int r;

	if (!name)
		return ZW_ERANGE;
	if (t == 0)
		return zw_keystate_set(st, name, NULL);
	if ((r = zw_keytime_fmt(t, ts, sizeof(ts))) < 0 ||
	    (r = zw_keytime_ctime(t, ct, sizeof(ct))) < 0)
		return r;
	snprintf(v, sizeof(v), "%s (%s)", ts, ct);
	return zw_keystate_set(st, name, v);
}
