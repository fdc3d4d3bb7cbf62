/* Fast paths for what the signer writes most: RRSIG and NSEC rdata as
 * text (the same characters zw_rdata_to_str prints, without its generic
 * field machinery and snprintf), and type bitmaps from a handful of types
 * (zw_bitmap_build clears and scans a 64 Kbit set every call). */
#include <arpa/inet.h>
#include <string.h>

#include "crypto/rrsig.h"
#include "dns/base.h"
#include "dns/bitmap.h"
#include "dns/err.h"
#include "dns/rrtype.h"
#include "zonecompile/sign_int.h"

#define B64_CHUNK 42            /* octets per 56-character chunk, as BIND */

size_t sign_fmt_u32(char *p, uint32_t v)
{
	char tmp[10];
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		p[i++] = tmp[--n];
	return i;
}

/* A name as text every peer's zone reader takes: letters, digits and
 * "-_*" as they are, everything else as \DDD (BIND escapes some octets
 * with a bare backslash and leaves others such as '~' alone, which Knot's
 * loader refuses). Fully qualified. Returns the length or ZW_ENOSPC. */
int sign_fmt_name(const uint8_t *name, char *out, size_t max)
{
	size_t n = 0;

	if (!*name)
		return max > 1 ? (out[0] = '.', out[1] = 0, 1) : ZW_ENOSPC;
	for (; *name; name += *name + 1) {
		if (n + 4u * *name + 2 > max)
			return ZW_ENOSPC;
		for (unsigned i = 1; i <= *name; i++) {
			uint8_t c = name[i];

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			    c == '*') {
				out[n++] = (char)c;
				continue;
			}
			out[n++] = '\\';
			out[n++] = (char)('0' + c / 100);
			out[n++] = (char)('0' + c / 10 % 10);
			out[n++] = (char)('0' + c % 10);
		}
		out[n++] = '.';
	}
	if (n >= max)
		return ZW_ENOSPC;
	out[n] = 0;
	return (int)n;
}

static void two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* YYYYMMDDHHMMSS (UTC) of an RRSIG time; days to date after Howard
 * Hinnant's civil_from_days. */
static void fmt_time(char *p, uint32_t t)
{
	int64_t z = t / 86400 + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097), secs = t % 86400;
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);

	two(p, y / 100);
	two(p + 2, y % 100);
	two(p + 4, m);
	two(p + 6, d);
	two(p + 8, secs / 3600);
	two(p + 10, secs / 60 % 60);
	two(p + 12, secs % 60);
}

/* Type mnemonic; the common ones without a table search and snprintf. */
int sign_fmt_type(uint16_t type, char *p)
{
	static const char *const common[] = {
		[ZW_TYPE_A] = "A", [ZW_TYPE_NS] = "NS",
		[ZW_TYPE_CNAME] = "CNAME", [ZW_TYPE_SOA] = "SOA",
		[ZW_TYPE_MX] = "MX", [ZW_TYPE_TXT] = "TXT",
		[ZW_TYPE_AAAA] = "AAAA", [ZW_TYPE_DS] = "DS",
		[ZW_TYPE_RRSIG] = "RRSIG", [ZW_TYPE_NSEC] = "NSEC",
		[ZW_TYPE_DNSKEY] = "DNSKEY", [ZW_TYPE_NSEC3] = "NSEC3",
		[ZW_TYPE_NSEC3PARAM] = "NSEC3PARAM",
	};
	int n;

	if (type < sizeof common / sizeof common[0] && common[type]) {
		n = (int)strlen(common[type]);
		memcpy(p, common[type], (size_t)n);
		return n;
	}
	n = zw_rrtype_to_str(type, p, 16);
	return n < 0 ? 0 : n;
}

static int fmt_type(uint16_t type, char *p)
{
	return sign_fmt_type(type, p);
}

static size_t fmt_b64(const uint8_t *b, size_t len, char *p)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i += B64_CHUNK) {
		size_t c = len - i < B64_CHUNK ? len - i : B64_CHUNK;

		if (i)
			p[n++] = ' ';
		n += (size_t)zw_b64_encode(b + i, c, p + n, 4 * c + 4);
	}
	return n;
}

/* RRSIG rdata as text; ZW_EMALF sends the caller to the generic printer. */
int sign_fmt_rrsig(const uint8_t *rd, size_t len, char *out, size_t max)
{
	struct zw_rrsig s;
	size_t n = 0;
	int r;

	if (zw_rrsig_parse(rd, len, &s) < 0 || !s.siglen)
		return ZW_EMALF;
	if (max < 120 + ZW_NAME_STR_MAX + s.siglen * 2)
		return ZW_ENOSPC;
	n += (size_t)fmt_type(s.type_covered, out);
	out[n++] = ' ';
	n += sign_fmt_u32(out + n, s.alg);
	out[n++] = ' ';
	n += sign_fmt_u32(out + n, s.labels);
	out[n++] = ' ';
	n += sign_fmt_u32(out + n, s.orig_ttl);
	out[n++] = ' ';
	fmt_time(out + n, s.expiration);
	out[n + 14] = ' ';
	fmt_time(out + n + 15, s.inception);
	n += 29;
	out[n++] = ' ';
	n += sign_fmt_u32(out + n, s.key_tag);
	out[n++] = ' ';
	if ((r = zw_name_to_str(s.signer, out + n, max - n)) < 0)
		return r;
	n += (size_t)r;
	out[n++] = ' ';
	n += fmt_b64(s.sig, s.siglen, out + n);
	return (int)n;
}

/* NSEC rdata as text: next name, then the types. */
int sign_fmt_nsec(const uint8_t *rd, size_t len, char *out, size_t max)
{
	int nl = zw_name_check(rd, rd + len), r;
	uint16_t types[512];
	size_t n;

	if (nl < 0 || zw_bitmap_check(rd + nl, rd + len) < 0)
		return ZW_EMALF;
	r = zw_bitmap_types(rd + nl, len - (size_t)nl, types, 512);
	if (r > 512 || max < 4 * (size_t)nl + 2 + 16 * (size_t)r)
		return r > 512 ? ZW_EMALF : ZW_ENOSPC;
	if ((nl = sign_fmt_name(rd, out, max)) < 0)
		return nl;
	n = (size_t)nl;
	for (int i = 0; i < r; i++) {
		out[n++] = ' ';
		n += (size_t)fmt_type(types[i], out + n);
	}
	return (int)n;
}

/* ---- the unsigned bulk of a delegation zone: NS, glue, DS ---- */

static size_t fmt_a(const uint8_t *b, char *p)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			p[n++] = '.';
		n += sign_fmt_u32(p + n, b[i]);
	}
	return n;
}

static size_t fmt_hex(const uint8_t *b, size_t len, char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (i && i % 28 == 0)
			p[n++] = ' ';
		p[n++] = hex[b[i] >> 4];
		p[n++] = hex[b[i] & 15];
	}
	return n;
}

/* The name filling all of [rd, rd+len), as text. */
static int fmt_only_name(const uint8_t *rd, size_t len, char *out, size_t max)
{
	int nl = zw_name_check(rd, rd + len);

	if (nl < 0 || (size_t)nl != len)
		return ZW_EMALF;
	return sign_fmt_name(rd, out, max);
}

/* NS, CNAME, DNAME, PTR, A, AAAA, MX and DS as text, the same characters
 * zw_rdata_to_str prints (names escaped as sign_fmt_name does); ZW_EMALF
 * for other types or odd rdata, so the caller falls back to it. */
int sign_fmt_rdata(uint16_t type, const uint8_t *rd, size_t len, char *out,
		   size_t max)
{
	size_t n;
	int r;

	switch (type) {
	case ZW_TYPE_NS:
	case ZW_TYPE_CNAME:
	case ZW_TYPE_DNAME:
	case ZW_TYPE_PTR:
		return fmt_only_name(rd, len, out, max);
	case ZW_TYPE_A:
		return len == 4 && max >= 16 ? (int)fmt_a(rd, out) : ZW_EMALF;
	case ZW_TYPE_AAAA:
		return len == 16 && inet_ntop(AF_INET6, rd, out, (socklen_t)max)
			       ? (int)strlen(out) : ZW_EMALF;
	case ZW_TYPE_MX:
		if (len < 3 || max < 8)
			return ZW_EMALF;
		n = sign_fmt_u32(out, (uint32_t)(rd[0] << 8 | rd[1]));
		out[n++] = ' ';
		r = fmt_only_name(rd + 2, len - 2, out + n, max - n);
		return r < 0 ? r : (int)n + r;
	case ZW_TYPE_DS:
		if (len < 5 || max < 24 + 3 * len)
			return ZW_EMALF;
		n = sign_fmt_u32(out, (uint32_t)(rd[0] << 8 | rd[1]));
		out[n++] = ' ';
		n += sign_fmt_u32(out + n, rd[2]);
		out[n++] = ' ';
		n += sign_fmt_u32(out + n, rd[3]);
		out[n++] = ' ';
		return (int)(n + fmt_hex(rd + 4, len - 4, out + n));
	}
	return ZW_EMALF;
}

/* Bitmap of a few types (sorted here, duplicates dropped). */
int sign_bitmap(uint16_t *t, size_t n, uint8_t *out)
{
	size_t len = 0, m = 0;

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && t[j - 1] > t[j]; j--) {
			uint16_t x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++)
		if (!m || t[m - 1] != t[i])
			t[m++] = t[i];
	for (size_t i = 0; i < m;) {
		uint8_t win = (uint8_t)(t[i] >> 8), *w = out + len;
		size_t wl = 0;

		memset(w + 2, 0, 32);
		for (; i < m && (t[i] >> 8) == win; i++) {
			size_t o = (t[i] & 0xff) >> 3;

			w[2 + o] |= (uint8_t)(0x80 >> (t[i] & 7));
			wl = o + 1;
		}
		w[0] = win;
		w[1] = (uint8_t)wl;
		len += 2 + wl;
	}
	return (int)len;
}
