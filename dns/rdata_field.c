/* Field kinds for names, integers, TTL-like counters, addresses, RRSIG
 * times and type mnemonics. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata_impl.h"
#include "dns/rrtype.h"

static int fixed_span(const uint8_t *b, const uint8_t *end, size_t n)
{
	return (size_t)(end - b) < n ? ZW_ETRUNC : (int)n;
}

/* ---- names ---- */

static int name_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const struct zw_tok *t = zw_rd_next(p, "domain name");
	zw_name_t name;
	int n;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	n = zw_name_from_str(name, t->s, t->len, p->origin);
	if (n < 0)
		return zw_rd_fail(p, p->i - 1, "domain name", n);
	zw_rd_put(w, name, (size_t)n);
	return 0;
}

static int name_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	(void)flags;
	return zw_name_check(b, end);
}

static void name_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	size_t room;
	char *dst = zw_rd_room(s, &room);

	(void)len;
	zw_rd_commit(s, zw_name_to_str(b, dst, room));
}

const struct zw_rd_kind_ops zw_rd_k_name = { name_parse, name_span,
					     name_print };

/* ---- integers ---- */

static int uint_parse(struct zw_rd_p *p, uint32_t max, const char *what,
		      uint32_t *v)
{
	const struct zw_tok *t = zw_rd_next(p, what);
	int r;

	if (!t)
		return ZW_ETRUNC;
	r = zw_rd_number(t->s, t->len, max, v);
	return r < 0 ? zw_rd_fail(p, p->i - 1, what, r) : 0;
}

static int u8_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	uint32_t v;
	int r = uint_parse(p, 255, "8-bit integer", &v);

	(void)flags;
	if (r == 0)
		zw_rd_put8(w, v);
	return r;
}

static int u16_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	uint32_t v;
	int r = uint_parse(p, 65535, "16-bit integer", &v);

	(void)flags;
	if (r == 0)
		zw_rd_put16(w, v);
	return r;
}

static int u32_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	uint32_t v;
	int r = uint_parse(p, UINT32_MAX, "32-bit integer", &v);

	(void)flags;
	if (r == 0)
		zw_rd_put32(w, v);
	return r;
}

static int u8_span(const uint8_t *b, const uint8_t *e, unsigned f)
{
	(void)f;
	return fixed_span(b, e, 1);
}

static int u16_span(const uint8_t *b, const uint8_t *e, unsigned f)
{
	(void)f;
	return fixed_span(b, e, 2);
}

static int u32_span(const uint8_t *b, const uint8_t *e, unsigned f)
{
	(void)f;
	return fixed_span(b, e, 4);
}

static void u8_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	zw_rd_putu(s, b[0]);
}

static void u16_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	zw_rd_putu(s, zw_rd_get16(b));
}

static void u32_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	zw_rd_putu(s, zw_rd_get32(b));
}

const struct zw_rd_kind_ops zw_rd_k_u8 = { u8_parse, u8_span, u8_print };
const struct zw_rd_kind_ops zw_rd_k_u16 = { u16_parse, u16_span, u16_print };
const struct zw_rd_kind_ops zw_rd_k_u32 = { u32_parse, u32_span, u32_print };

/* ---- TTL-like counters (SOA timers): 3600, 1h, 1d2h30m, 2W ---- */

static uint32_t unit_secs(char c)
{
	switch (c | 0x20) {
	case 'w': return 604800;
	case 'd': return 86400;
	case 'h': return 3600;
	case 'm': return 60;
	case 's': return 1;
	}
	return 0;
}

static int ttl_value(const char *s, size_t len, uint32_t *v)
{
	uint64_t total = 0, n = 0;
	size_t digits = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t unit = unit_secs(s[i]);

		if (s[i] >= '0' && s[i] <= '9') {
			n = n * 10 + (uint64_t)(s[i] - '0');
			if (n > UINT32_MAX)
				return ZW_ERDATA;
			digits++;
		} else if (unit && digits) {
			total += n * unit;
			n = digits = 0;
		} else {
			return ZW_ERDATA;
		}
	}
	/* Bare digits only as the whole token: "1h1" is an error. */
	if (digits && digits != len)
		return ZW_ERDATA;
	total += n;
	if (len == 0 || total > UINT32_MAX)
		return len ? ZW_ERANGE : ZW_ERDATA;
	*v = (uint32_t)total;
	return 0;
}

static int ttl_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "32-bit time value (e.g. 3600 or 1h)";
	const struct zw_tok *t = zw_rd_next(p, what);
	uint32_t v;
	int r;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	r = ttl_value(t->s, t->len, &v);
	if (r < 0)
		return zw_rd_fail(p, p->i - 1, what, r);
	zw_rd_put32(w, v);
	return 0;
}

const struct zw_rd_kind_ops zw_rd_k_ttl = { ttl_parse, u32_span, u32_print };

/* ---- addresses ---- */

static int addr_parse(struct zw_rd_p *p, struct zw_rd_w *w, int af)
{
	const char *what = af == AF_INET ? "IPv4 address" : "IPv6 address";
	const struct zw_tok *t = zw_rd_next(p, what);
	char tmp[INET6_ADDRSTRLEN];
	uint8_t a[16];

	if (!t)
		return ZW_ETRUNC;
	if (t->len >= sizeof(tmp))
		return zw_rd_fail(p, p->i - 1, what, ZW_ERDATA);
	memcpy(tmp, t->s, t->len);
	tmp[t->len] = '\0';
	if (inet_pton(af, tmp, a) != 1)
		return zw_rd_fail(p, p->i - 1, what, ZW_ERDATA);
	zw_rd_put(w, a, af == AF_INET ? 4 : 16);
	return 0;
}

static int a_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	(void)flags;
	return addr_parse(p, w, AF_INET);
}

static int aaaa_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	(void)flags;
	return addr_parse(p, w, AF_INET6);
}

static int aaaa_span(const uint8_t *b, const uint8_t *e, unsigned f)
{
	(void)f;
	return fixed_span(b, e, 16);
}

/* libc's inet_ntop compresses zeros and embeds IPv4 exactly as BIND's
 * printer does (both descend from the same BIND 4.9 code). */
static void addr_print(const uint8_t *b, int af, struct zw_rd_s *s)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(af, b, tmp, sizeof(tmp)))
		zw_rd_puts(s, tmp, strlen(tmp));
}

static void a_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	addr_print(b, AF_INET, s);
}

static void aaaa_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	(void)len;
	addr_print(b, AF_INET6, s);
}

const struct zw_rd_kind_ops zw_rd_k_a = { a_parse, u32_span, a_print };
const struct zw_rd_kind_ops zw_rd_k_aaaa = { aaaa_parse, aaaa_span,
					     aaaa_print };

/* ---- RRSIG times (RFC 4034 §3.2) ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static unsigned digits(const char *s, int n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*s++ - '0');
	return v;
}

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYYMMDDHHmmSS; like BIND, years 0..9999 are accepted and the result is
 * taken modulo 2^32 (serial arithmetic on the wire). */
static int time_from_date(const char *s, uint32_t *v)
{
	static const uint8_t mdays[] = { 31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31 };
	unsigned y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
	unsigned h = digits(s + 8, 2), mi = digits(s + 10, 2);
	unsigned sec = digits(s + 12, 2);

	if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60)
		return ZW_ERANGE;
	if (d < 1 || d > mdays[mo - 1] + (unsigned)(mo == 2 && is_leap(y)))
		return ZW_ERANGE;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		    sec;
	*v = (uint32_t)(uint64_t)t;
	return 0;
}

static int time_value(const char *s, size_t len, uint32_t *v)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return ZW_ERDATA;
	if (len == 14)
		return time_from_date(s, v);
	if (len > 10)
		return ZW_ERDATA;
	return zw_rd_number(s, len, UINT32_MAX, v);
}

static int time_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const char *what = "time (YYYYMMDDHHmmSS or seconds)";
	const struct zw_tok *t = zw_rd_next(p, what);
	uint32_t v;
	int r;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	r = time_value(t->s, t->len, &v);
	if (r < 0)
		return zw_rd_fail(p, p->i - 1, what, r);
	zw_rd_put32(w, v);
	return 0;
}

/* Printed as an unsigned 32-bit count from 1970 (up to 2106). BIND picks
 * the epoch nearest to its clock instead, which only differs for values
 * more than 68 years from now. */
static void time_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	uint32_t t = zw_rd_get32(b), secs = t % 86400;
	unsigned m, d;
	int y;
	char tmp[32];

	(void)len;
	civil_from_days(t / 86400, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d%02u%02u%02u%02u%02u", y, m, d,
		 secs / 3600, secs / 60 % 60, secs % 60);
	zw_rd_puts(s, tmp, strlen(tmp));
}

const struct zw_rd_kind_ops zw_rd_k_time = { time_parse, u32_span,
					     time_print };

/* ---- type mnemonics ---- */

static int type_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	const struct zw_tok *t = zw_rd_next(p, "RR type");
	int v;

	(void)flags;
	if (!t)
		return ZW_ETRUNC;
	v = zw_rrtype_from_str(t->s, t->len);
	if (v < 0)
		return zw_rd_fail(p, p->i - 1, "RR type", v);
	zw_rd_put16(w, (unsigned)v);
	return 0;
}

static void type_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	size_t room;
	char *dst = zw_rd_room(s, &room);

	(void)len;
	zw_rd_commit(s, zw_rrtype_to_str(zw_rd_get16(b), dst, room));
}

const struct zw_rd_kind_ops zw_rd_k_type = { type_parse, u16_span,
					     type_print };
