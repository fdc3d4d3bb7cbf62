/* BIND-style key dates: see keytime.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crypto/keytime.h"
#include "dns/err.h"

/* BIND keeps key times as 32-bit unsigned seconds. */
#define KT_MAX 4294967295LL

static const char *const months[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec",
};

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int64_t y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n decimal digits at s (all must be digits). */
static bool digits(const char *s, size_t n, int64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* UTC calendar fields to epoch seconds, checking every field's range. */
static int civil_to_epoch(int64_t y, int64_t mo, int64_t d, int64_t h,
			  int64_t mi, int64_t s, int64_t *out)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays(y, (int)mo) || h > 23 || mi > 59 || s > 59)
		return ZW_ERANGE;
	*out = days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 +
	       mi * 60 + s;
	return 0;
}

int zw_keytime_scan(const char *s, size_t len, int64_t *out)
{
	int64_t y, mo, d, h, mi, sec;

	if (len != 14 || !digits(s, 4, &y) || !digits(s + 4, 2, &mo) ||
	    !digits(s + 6, 2, &d) || !digits(s + 8, 2, &h) ||
	    !digits(s + 10, 2, &mi) || !digits(s + 12, 2, &sec))
		return ZW_ESYNTAX;
	return civil_to_epoch(y, mo, d, h, mi, sec, out);
}

int zw_keytime_fmt(int64_t t, char *buf, size_t bufsize)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < 0 || t > 253402300799LL || !gmtime_r(&tt, &tm))
		return ZW_ERANGE;
	if (bufsize < ZW_KEYTIME_STR)
		return ZW_ENOSPC;
	snprintf(buf, bufsize, "%04d%02d%02d%02d%02d%02d",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
	return 14;
}

int zw_keytime_ctime(int64_t t, char *buf, size_t bufsize)
{
	struct tm tm;
	time_t tt = (time_t)t;
	size_t n;

	if (!localtime_r(&tt, &tm))
		return ZW_ERANGE;
	n = strftime(buf, bufsize, "%a %b %e %H:%M:%S %Y", &tm);
	return n ? (int)n : ZW_ENOSPC;
}

/* Unit suffix of an offset: multiplier in seconds, or 0 when unknown. */
static int64_t unit_secs(const char *u, const char **why)
{
	static const struct {
		const char *name;
		int64_t secs;
	} units[] = {
		{ "", 1 },	     { "s", 1 },	{ "mi", 60 },
		{ "h", 3600 },	     { "d", 86400 },	{ "w", 604800 },
		{ "mo", 2592000 },   { "y", 31536000 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(u, units[i].name) == 0)
			return units[i].secs;
	if (strcasecmp(u, "m") == 0)
		*why = "ambiguous unit 'm': use 'mi' for minutes or 'mo' for "
		       "months";
	else
		*why = "unknown unit (use y, mo, w, d, h, mi or s)";
	return 0;
}

int zw_keytime_interval(const char *s, int64_t *out, const char **why)
{
	const char *dummy, *p = s;
	int64_t v = 0, mult;

	if (!why)
		why = &dummy;
	*why = "expected a number with an optional unit (y mo w d h mi s)";
	if (!isdigit((unsigned char)*p))
		return ZW_ESYNTAX;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > KT_MAX) {
			*why = "offset too large";
			return ZW_ERANGE;
		}
		v = v * 10 + (*p - '0');
	}
	mult = unit_secs(p, why);
	if (!mult)
		return ZW_ESYNTAX;
	if (v > KT_MAX / mult) {
		*why = "offset too large";
		return ZW_ERANGE;
	}
	*out = v * mult;
	return 0;
}

static int month_index(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

/* 'Day Mon DD HH:MM:SS YYYY' in local time, as dnssec-settime -p prints.
 * Sets *end past the year. The weekday is not checked (BIND does not). */
static int parse_ctime(const char *s, int64_t *out, const char **end)
{
	struct tm tm;
	int mon, day, h, mi, sec, year, n = 0;
	char wday[4], mname[4];
	time_t t;

	if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", wday,
		   mname, &day, &h, &mi, &sec, &year, &n) != 7 || n == 0)
		return ZW_ESYNTAX;
	mon = month_index(mname);
	if (!mon || strlen(wday) != 3 || year < 1970 || day < 1 ||
	    day > mdays(year, mon) || h > 23 || mi > 59 || sec > 59)
		return ZW_ERANGE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return ZW_ERANGE;
	*out = (int64_t)t;
	*end = s + n;
	return 0;
}

/* A run of digits: YYYYMMDD, YYYYMMDDHHMMSS or epoch seconds. */
static int parse_digits(const char *s, int64_t *out, const char **end)
{
	size_t n = strspn(s, "0123456789");
	int64_t v;

	*end = s + n;
	if (n == 8)
		return digits(s, 8, &v) ? civil_to_epoch(v / 10000,
							 v / 100 % 100,
							 v % 100, 0, 0, 0, out)
					: ZW_ESYNTAX;
	if (n == 14)
		return zw_keytime_scan(s, 14, out);
	if (n < 9 || n > 10)
		return ZW_ESYNTAX;
	digits(s, n, &v);
	*out = v;
	return v > KT_MAX ? ZW_ERANGE : 0;
}

static int parse_base(const char *s, int64_t now, int64_t *out,
		      const char **end)
{
	if (*s == '+' || *s == '-') {
		*out = now;
		*end = s;
		return 0;
	}
	if (strncasecmp(s, "now", 3) == 0) {
		*out = now;
		*end = s + 3;
		return 0;
	}
	if (isdigit((unsigned char)*s))
		return parse_digits(s, out, end);
	if (isalpha((unsigned char)*s))
		return parse_ctime(s, out, end);
	return ZW_ESYNTAX;
}

int zw_keytime_parse(const char *s, int64_t now, int64_t *out,
		     const char **why)
{
	const char *dummy, *rest;
	int64_t base, off;
	int r;

	if (!why)
		why = &dummy;
	if (!strcasecmp(s, "none") || !strcasecmp(s, "never") ||
	    !strcasecmp(s, "unset")) {
		*out = 0;
		return 0;
	}
	*why = "expected YYYYMMDD[HHMMSS], epoch seconds, now, "
	       "'Day Mon DD HH:MM:SS YYYY', [+-]offset or none";
	r = parse_base(s, now, &base, &rest);
	if (r == ZW_ERANGE)
		*why = "date out of range";
	if (r)
		return r;
	if (*rest == '+' || *rest == '-') {
		r = zw_keytime_interval(rest + 1, &off, why);
		if (r)
			return r;
		base += *rest == '+' ? off : -off;
	} else if (*rest) {
		return ZW_ESYNTAX;
	}
	if (base <= 0 || base > KT_MAX) {
		*why = "date out of range (1970 to 2106)";
		return ZW_ERANGE;
	}
	*out = base;
	return 0;
}
