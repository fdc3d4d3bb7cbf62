/* SvcParams of SVCB and HTTPS (RFC 9460 §2.1, §7; dohpath RFC 9461).
 *
 * Presentation: key[=value] pairs in any order; values are first decoded
 * as a <character-string>, then list values are split on commas (alpn
 * allowing "\," and "\\" inside an id). Wire: keys strictly increasing,
 * so parsed pairs are inserted in key order. Printed as BIND 9.18 prints
 * them: dohpath as key7, alpn and unknown keys quoted. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dns/base.h"
#include "dns/err.h"
#include "dns/rdata_impl.h"

/* Named keys; key7 (dohpath) is read by name but printed as key7. */
static const char *const key_names[] = {
	"mandatory", "alpn", "no-default-alpn", "port",
	"ipv4hint",  "ech",  "ipv6hint",        "dohpath",
};
#define NAMED_PRINTED 7

int zw_rd_svcp_key(const char *s, size_t len, bool *named)
{
	uint32_t v;

	*named = true;
	for (int k = 0; k < (int)(sizeof(key_names) / sizeof(*key_names)); k++)
		if (strlen(key_names[k]) == len && !memcmp(key_names[k], s, len))
			return k;
	*named = false;
	if (len < 4 || memcmp(s, "key", 3) != 0)
		return ZW_ERDATA;
	if (len > 4 && s[3] == '0') /* no leading zeros, as BIND */
		return ZW_ERDATA;
	int r = zw_rd_number(s + 3, len - 3, 65535, &v);
	return r < 0 ? r : (int)v;
}

static void key_print(unsigned key, struct zw_rd_s *s)
{
	if (key < NAMED_PRINTED) {
		zw_rd_puts(s, key_names[key], strlen(key_names[key]));
		return;
	}
	zw_rd_puts(s, "key", 3);
	zw_rd_putu(s, key);
}

/* ---- wire validation ---- */

static int check_list(size_t len, size_t item)
{
	return len == 0 || len % item ? ZW_EMALF : 0;
}

static int check_alpn(const uint8_t *v, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return ZW_EMALF;
	while (i < len) {
		if (v[i] == 0 || len - i - 1 < v[i])
			return ZW_EMALF;
		i += 1u + v[i];
	}
	return 0;
}

static bool has_key(const uint8_t *b, const uint8_t *end, unsigned key)
{
	for (const uint8_t *q = b; q < end; q += 4 + zw_rd_get16(q + 2))
		if (zw_rd_get16(q) == key)
			return true;
	return false;
}

static int check_mandatory(const uint8_t *v, size_t len, const uint8_t *b,
			   const uint8_t *end)
{
	int last = -1;

	if (check_list(len, 2) < 0)
		return ZW_EMALF;
	for (size_t i = 0; i < len; i += 2) {
		unsigned k = zw_rd_get16(v + i);

		if ((int)k <= last || k == ZW_SVC_MANDATORY || !has_key(b, end, k))
			return ZW_EMALF;
		last = (int)k;
	}
	return 0;
}

static bool dohpath_ok(const uint8_t *v, size_t len);

static int check_value(unsigned key, const uint8_t *v, size_t len,
		       const uint8_t *b, const uint8_t *end)
{
	switch (key) {
	case ZW_SVC_MANDATORY: return check_mandatory(v, len, b, end);
	case ZW_SVC_ALPN: return check_alpn(v, len);
	case ZW_SVC_NODEFALPN:
		return len == 0 && has_key(b, end, ZW_SVC_ALPN) ? 0 : ZW_EMALF;
	case ZW_SVC_PORT: return len == 2 ? 0 : ZW_EMALF;
	case ZW_SVC_IPV4: return check_list(len, 4);
	case ZW_SVC_IPV6: return check_list(len, 16);
	case ZW_SVC_DOHPATH: return dohpath_ok(v, len) ? 0 : ZW_EMALF;
	}
	return 0;
}

/* Structure first (so has_key can walk safely), then each value. */
int zw_rd_svcp_span(const uint8_t *b, const uint8_t *end, unsigned flags)
{
	const uint8_t *q;
	int last = -1;

	(void)flags;
	for (q = b; q < end; q += 4 + zw_rd_get16(q + 2)) {
		if (end - q < 4 || end - q - 4 < zw_rd_get16(q + 2) ||
		    (int)zw_rd_get16(q) <= last)
			return ZW_EMALF;
		last = zw_rd_get16(q);
	}
	for (q = b; q < end; q += 4 + zw_rd_get16(q + 2))
		if (check_value(zw_rd_get16(q), q + 4, zw_rd_get16(q + 2), b,
				end) < 0)
			return ZW_EMALF;
	return (int)(end - b);
}

/* dohpath (RFC 9461 §5): a relative URI template starting with "/",
 * valid UTF-8, with a {?...} or {&...} expression naming variable "dns". */
static size_t utf8_seq(const uint8_t *v, size_t len)
{
	size_t n = v[0] < 0x80 ? 1 : v[0] >= 0xf0 && v[0] < 0xf5 ? 4 :
		   v[0] >= 0xe0 ? 3 : v[0] >= 0xc2 ? 2 : 0;

	if (n == 0 || n > len)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((v[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static bool expr_has_dns(const uint8_t *v, size_t len)
{
	size_t i = 1, start = 1;

	if (len < 2 || (v[0] != '?' && v[0] != '&'))
		return false;
	for (; i <= len; i++) {
		if (i < len && v[i] != ',')
			continue;
		if (i - start == 3 && !memcmp(v + start, "dns", 3))
			return true;
		start = i + 1;
	}
	return false;
}

static bool dohpath_ok(const uint8_t *v, size_t len)
{
	bool dns = false;

	if (len == 0 || v[0] != '/')
		return false;
	for (size_t i = 0, n; i < len; i += n) {
		if ((n = utf8_seq(v + i, len - i)) == 0)
			return false;
		if (v[i] != '{')
			continue;
		const uint8_t *close = memchr(v + i, '}', len - i);
		if (!close)
			return false;
		dns |= expr_has_dns(v + i + 1, (size_t)(close - v - i - 1));
		n = (size_t)(close - v) + 1 - i;
	}
	return dns;
}

/* ---- printing ---- */

/* alpn ids: inside the quotes, "," and "\" get a second escaping level
 * (\\, and \\\\) and a space is \032, as BIND prints them. */
static void alpn_id_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	char tmp[8];

	for (size_t i = 0; i < len; i++) {
		if (b[i] <= 0x20 || b[i] >= 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\%03u", b[i]);
			zw_rd_puts(s, tmp, 4);
		} else if (b[i] == ',' || b[i] == '\\') {
			zw_rd_puts(s, "\\\\", 2);
			if (b[i] == '\\')
				zw_rd_puts(s, "\\\\", 2);
			else
				zw_rd_putc(s, ',');
		} else {
			if (b[i] == '"')
				zw_rd_putc(s, '\\');
			zw_rd_putc(s, (char)b[i]);
		}
	}
}

static void list_print(unsigned key, const uint8_t *v, size_t len,
		       struct zw_rd_s *s)
{
	size_t step = key == ZW_SVC_MANDATORY ? 2 : key == ZW_SVC_IPV4 ? 4 : 16;
	char tmp[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < len; i += step) {
		if (i)
			zw_rd_putc(s, ',');
		if (key == ZW_SVC_MANDATORY) {
			key_print(zw_rd_get16(v + i), s);
			continue;
		}
		inet_ntop(key == ZW_SVC_IPV4 ? AF_INET : AF_INET6, v + i, tmp,
			  sizeof(tmp));
		zw_rd_puts(s, tmp, strlen(tmp));
	}
}

static void value_print(unsigned key, const uint8_t *v, size_t len,
			struct zw_rd_s *s)
{
	size_t room;
	char *dst;

	switch (key) {
	case ZW_SVC_ALPN:
		zw_rd_putc(s, '"');
		for (size_t i = 0; i < len; i += 1u + v[i]) {
			if (i)
				zw_rd_putc(s, ',');
			alpn_id_print(v + i + 1, v[i], s);
		}
		zw_rd_putc(s, '"');
		return;
	case ZW_SVC_PORT:
		zw_rd_putu(s, zw_rd_get16(v));
		return;
	case ZW_SVC_ECH:
		dst = zw_rd_room(s, &room);
		zw_rd_commit(s, zw_b64_encode(v, len, dst, room));
		return;
	case ZW_SVC_MANDATORY:
	case ZW_SVC_IPV4:
	case ZW_SVC_IPV6:
		list_print(key, v, len, s);
		return;
	}
	zw_rd_print_quoted(v, len, s);
}

void zw_rd_svcp_print(const uint8_t *b, size_t len, struct zw_rd_s *s)
{
	for (size_t i = 0; i < len; i += 4u + zw_rd_get16(b + i + 2)) {
		unsigned key = zw_rd_get16(b + i), vlen = zw_rd_get16(b + i + 2);

		if (i)
			zw_rd_putc(s, ' ');
		key_print(key, s);
		if (vlen == 0)
			continue;
		zw_rd_putc(s, '=');
		value_print(key, b + i + 4, vlen, s);
	}
}


const struct zw_rd_kind_ops zw_rd_k_svcp = { zw_rd_svcp_parse,
					     zw_rd_svcp_span,
					     zw_rd_svcp_print };
