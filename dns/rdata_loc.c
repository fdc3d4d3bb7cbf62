/* LOC (RFC 1876): the whole rdata is one field kind.
 *   d1 [m1 [s1]] {N|S} d2 [m2 [s2]] {E|W} alt[m] [siz[m] [hp[m] [vp[m]]]]
 * Printed as BIND prints it ("42 21 54.000 N 71 6 18.000 W -24.00m 30m
 * 10000m 10m"); the parse accepts what BIND accepts. */
#include <stdio.h>
#include <string.h>

#include "dns/err.h"
#include "dns/rdata_impl.h"

#define LOC_EQUATOR 0x80000000u
#define LOC_ALT_BASE 10000000 /* cm below the WGS 84 spheroid */

static const uint64_t pow10[] = { 1,      10,      100,      1000,
				  10000,  100000,  1000000,  10000000,
				  100000000, 1000000000 };

/* "[+|-]digits[.digits]" with at most `places` decimals (either side may
 * be empty but not both), scaled by 10^places; an optional trailing "m"
 * when `meters`. */
static int decimal(const struct zw_tok *t, int places, bool sign,
		   bool meters, int64_t *v)
{
	size_t i = 0, len = t->len, nd = 0;
	int64_t n = 0, neg = 1;
	int frac = -1;

	if (meters && len && t->s[len - 1] == 'm')
		len--;
	if (sign && i < len && (t->s[i] == '-' || t->s[i] == '+'))
		neg = t->s[i++] == '-' ? -1 : 1;
	for (; i < len; i++) {
		if (t->s[i] == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (t->s[i] < '0' || t->s[i] > '9' || frac >= places ||
		    n > INT64_C(100000000000))
			return ZW_ERDATA;
		n = n * 10 + (t->s[i] - '0');
		nd++;
		if (frac >= 0)
			frac++;
	}
	if (nd == 0)
		return ZW_ERDATA;
	*v = neg * n * (int64_t)pow10[places - (frac < 0 ? 0 : frac)];
	return 0;
}

/* Degrees, then optional minutes and seconds, then the hemisphere. */
static int coordinate(struct zw_rd_p *p, int maxdeg, const char *hemi,
		      uint32_t *out)
{
	static const int64_t scale[] = { 3600000, 60000, 1 };
	static const int64_t limit[] = { 0, 59, 59999 };
	const struct zw_tok *t;
	int64_t ms = 0, v;

	for (int part = 0;; part++) {
		if (!(t = zw_rd_next(p, "LOC coordinate")))
			return ZW_ETRUNC;
		if (part > 0 && t->len == 1 && !t->quoted &&
		    (t->s[0] == hemi[0] || t->s[0] == hemi[1]))
			break;
		if (part > 2 || decimal(t, part == 2 ? 3 : 0, false, false,
					&v) < 0)
			return zw_rd_fail(p, p->i - 1, hemi[0] == 'N' ?
					  "latitude (N or S)" :
					  "longitude (E or W)", ZW_ERDATA);
		if ((part == 0 && v > maxdeg) || (part > 0 && v > limit[part]))
			return zw_rd_fail(p, p->i - 1, "LOC coordinate",
					  ZW_ERANGE);
		ms += v * scale[part];
	}
	if (ms > maxdeg * INT64_C(3600000))
		return zw_rd_fail(p, p->i - 1, "LOC coordinate", ZW_ERANGE);
	*out = t->s[0] == hemi[0] ? LOC_EQUATOR + (uint32_t)ms :
				    LOC_EQUATOR - (uint32_t)ms;
	return 0;
}

/* Size or precision in cm as 4-bit mantissa and exponent (truncating). */
static int precision(struct zw_rd_p *p, uint8_t *out)
{
	const struct zw_tok *t = &p->t[p->i++];
	int64_t cm;
	int e = 0;

	if (decimal(t, 2, false, true, &cm) < 0)
		return zw_rd_fail(p, p->i - 1, "LOC size in meters", ZW_ERDATA);
	if (cm > 9 * INT64_C(1000000000))
		return zw_rd_fail(p, p->i - 1, "LOC size in meters", ZW_ERANGE);
	while (e < 9 && (uint64_t)cm >= pow10[e + 1])
		e++;
	*out = (uint8_t)((uint64_t)cm / pow10[e] << 4 | (uint64_t)e);
	return 0;
}

int zw_rd_loc_parse(struct zw_rd_p *p, struct zw_rd_w *w, unsigned flags)
{
	uint8_t prec[3] = { 0x12, 0x16, 0x13 }; /* 1m, 10000m, 10m */
	uint32_t lat, lon;
	int64_t alt;
	int r;

	(void)flags;
	if ((r = coordinate(p, 90, "NS", &lat)) < 0 ||
	    (r = coordinate(p, 180, "EW", &lon)) < 0)
		return r;
	if (!zw_rd_next(p, "altitude in meters"))
		return ZW_ETRUNC;
	if (decimal(&p->t[p->i - 1], 2, true, true, &alt) < 0 ||
	    alt < -LOC_ALT_BASE || alt > UINT32_MAX - LOC_ALT_BASE)
		return zw_rd_fail(p, p->i - 1, "altitude in meters",
				  ZW_ERANGE);
	for (int k = 0; k < 3 && p->i < p->n; k++)
		if ((r = precision(p, &prec[k])) < 0)
			return r;
	zw_rd_put8(w, 0);
	zw_rd_put(w, prec, 3);
	zw_rd_put32(w, lat);
	zw_rd_put32(w, lon);
	zw_rd_put32(w, (uint32_t)(alt + LOC_ALT_BASE));
	return 0;
}

static bool prec_ok(uint8_t v)
{
	return (v >> 4) <= 9 && (v & 15) <= 9;
}

static bool coord_ok(uint32_t v, uint32_t maxdeg)
{
	uint32_t d = v > LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;

	return d <= maxdeg * 3600000u;
}

int zw_rd_loc_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	(void)flags;
	if (end - b < 16)
		return ZW_ETRUNC;
	if (b[0] != 0 || !prec_ok(b[1]) || !prec_ok(b[2]) || !prec_ok(b[3]) ||
	    !coord_ok(zw_rd_get32(b + 4), 90) ||
	    !coord_ok(zw_rd_get32(b + 8), 180))
		return ZW_EMALF;
	return 16;
}

static void coord_print(uint32_t v, const char *hemi, struct zw_rd_s *s)
{
	uint32_t d = v >= LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "%u %u %u.%03u %c", d / 3600000,
		 d / 60000 % 60, d / 1000 % 60, d % 1000,
		 hemi[v >= LOC_EQUATOR ? 0 : 1]);
	zw_rd_puts(s, tmp, strlen(tmp));
}

static void prec_print(uint8_t v, struct zw_rd_s *s)
{
	uint64_t m = v >> 4, e = v & 15;
	char tmp[32];

	if (e >= 2)
		snprintf(tmp, sizeof(tmp), " %llum",
			 (unsigned long long)(m * pow10[e - 2]));
	else
		snprintf(tmp, sizeof(tmp), " 0.%02llum",
			 (unsigned long long)(m * pow10[e]));
	zw_rd_puts(s, tmp, strlen(tmp));
}

void zw_rd_loc_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	int64_t alt = (int64_t)zw_rd_get32(b + 12) - LOC_ALT_BASE;
	uint64_t a = (uint64_t)(alt < 0 ? -alt : alt);
	char tmp[40];

	(void)len;
	coord_print(zw_rd_get32(b + 4), "NS", s);
	zw_rd_putc(s, ' ');
	coord_print(zw_rd_get32(b + 8), "EW", s);
	snprintf(tmp, sizeof(tmp), " %s%llu.%02llum", alt < 0 ? "-" : "",
		 (unsigned long long)(a / 100), (unsigned long long)(a % 100));
	zw_rd_puts(s, tmp, strlen(tmp));
	for (int k = 1; k <= 3; k++)
		prec_print(b[k], s);
}

const struct zw_rd_kind_ops zw_rd_k_loc = { zw_rd_loc_parse, zw_rd_loc_span,
					    zw_rd_loc_print };
