/* Domain names in uncompressed wire form: parsing, printing, comparison and
 * the reversed-label lookup form. */
#include <string.h>

#include "dns/err.h"
#include "dns/name.h"

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decode one escape at s[*i] (just after the backslash) into *out.
 * Only \DDD (exactly three digits, <= 255) and \X (X not a digit). */
static int parse_escape(const char *s, size_t len, size_t *i, uint8_t *out)
{
	size_t j = *i;
	unsigned v;

	if (j >= len)
		return ZW_EESCAPE;
	if (!is_digit(s[j])) {
		*out = (uint8_t)s[j];
		*i = j + 1;
		return 0;
	}
	if (j + 3 > len || !is_digit(s[j + 1]) || !is_digit(s[j + 2]))
		return ZW_EESCAPE;
	v = (unsigned)(s[j] - '0') * 100 + (unsigned)(s[j + 1] - '0') * 10 +
	    (unsigned)(s[j + 2] - '0');
	if (v > 255)
		return ZW_EESCAPE;
	*out = (uint8_t)v;
	*i = j + 3;
	return 0;
}

/* Append the origin to a relative name of `n` octets (no root label yet). */
static int append_origin(uint8_t *out, size_t n, const uint8_t *origin)
{
	size_t olen;

	if (!origin)
		return ZW_ERELATIVE;
	olen = zw_name_len(origin);
	if (n + olen > ZW_NAME_MAX)
		return ZW_ENAMELEN;
	memmove(out + n, origin, olen);
	return (int)(n + olen);
}

/* Close the label that starts at out[lab]; n is the write position. */
static int close_label(uint8_t *out, size_t lab, size_t n)
{
	size_t l = n - lab - 1;

	if (l == 0)
		return ZW_EMALF; /* empty label: "a..b" or ".a" */
	if (l > ZW_LABEL_MAX)
		return ZW_ELABEL;
	out[lab] = (uint8_t)l;
	return 0;
}

int zw_name_from_str(uint8_t *out, const char *s, size_t len,
		     const uint8_t *origin)
{
	size_t i = 0, n = 1, lab = 0;
	int rc;

	if (len == 0)
		return ZW_EMALF;
	if (len == 1 && s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (len == 1 && s[0] == '@')
		return append_origin(out, 0, origin);
	while (i < len) {
		uint8_t c = (uint8_t)s[i++];

		if (c == '.') {
			if ((rc = close_label(out, lab, n)) < 0)
				return rc;
			lab = n++;
			if (i == len) { /* absolute: the new slot is the root */
				out[lab] = 0;
				return (int)n;
			}
			continue;
		}
		if (c == '\\' && (rc = parse_escape(s, len, &i, &c)) < 0)
			return rc;
		if (n - lab - 1 >= ZW_LABEL_MAX)
			return ZW_ELABEL;
		if (n >= ZW_NAME_MAX - 1)
			return ZW_ENAMELEN; /* room for this octet and the root */
		out[n++] = c;
	}
	if ((rc = close_label(out, lab, n)) < 0)
		return rc;
	return append_origin(out, n, origin);
}

/* Whether BIND prints `c` with a plain backslash in front. */
static bool is_special(uint8_t c)
{
	return c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' ||
	       c == '@' || c == '$' || c == '"';
}

/* Printed form of one label octet into tmp; returns its length. */
static size_t escape_octet(uint8_t c, char *tmp)
{
	if (is_special(c)) {
		tmp[0] = '\\';
		tmp[1] = (char)c;
		return 2;
	}
	if (c < 0x21 || c > 0x7e) {
		tmp[0] = '\\';
		tmp[1] = (char)('0' + c / 100);
		tmp[2] = (char)('0' + c / 10 % 10);
		tmp[3] = (char)('0' + c % 10);
		return 4;
	}
	tmp[0] = (char)c;
	return 1;
}

int zw_name_to_str(const uint8_t *name, char *buf, size_t bufsize)
{
	size_t n = 0, k;
	char tmp[4];

	if (name[0] == 0) {
		if (bufsize < 2)
			return ZW_ENOSPC;
		memcpy(buf, ".", 2);
		return 1;
	}
	for (; *name; name += *name + 1) {
		for (uint8_t i = 1; i <= *name; i++) {
			k = escape_octet(name[i], tmp);
			if (n + k + 1 >= bufsize) /* + '.' */
				return ZW_ENOSPC;
			memcpy(buf + n, tmp, k);
			n += k;
		}
		if (n + 1 >= bufsize)
			return ZW_ENOSPC;
		buf[n++] = '.';
	}
	buf[n] = '\0';
	return (int)n;
}

size_t zw_name_len(const uint8_t *name)
{
	const uint8_t *p = name;

	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

int zw_name_check(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *start = p;

	for (;;) {
		if (p >= end)
			return ZW_ETRUNC;
		if (*p > ZW_LABEL_MAX)
			return (*p & 0xc0) == 0xc0 ? ZW_ECOMPRESS : ZW_ELABEL;
		if (p + *p + 1 - start > ZW_NAME_MAX)
			return ZW_ENAMELEN;
		if (*p == 0)
			return (int)(p - start) + 1;
		if (end - p < *p + 1)
			return ZW_ETRUNC;
		p += *p + 1;
	}
}

/* Follow the compression pointer at *p. The target must lie strictly before
 * *lim, the start of the labels read since the last jump (initially the
 * name's own position): every jump then strictly lowers *lim, so no input
 * can make the walk loop. */
static int follow_ptr(const uint8_t *msg, const uint8_t *end,
		      const uint8_t **p, const uint8_t **lim)
{
	size_t off;

	if (end - *p < 2)
		return ZW_ETRUNC;
	off = ((size_t)((*p)[0] & 0x3f) << 8) | (*p)[1];
	if (off >= (size_t)(*lim - msg))
		return ZW_ECOMPRESS;
	*p = *lim = msg + off;
	return 0;
}

int zw_name_unpack(uint8_t *out, const uint8_t *msg, const uint8_t *end,
		   const uint8_t *pos)
{
	const uint8_t *p = pos, *lim = pos;
	size_t n = 0;
	int used = -1, rc, jumps = 0;

	if (pos < msg || pos >= end)
		return ZW_ETRUNC;
	for (;;) {
		uint8_t l = *p;

		if ((l & 0xc0) == 0xc0) {
			/* A name has at most 127 labels, so a longer chain only
			 * burns CPU (pointer to pointer to pointer ...). */
			if (++jumps > ZW_NAME_MAX / 2)
				return ZW_ECOMPRESS;
			if (used < 0)
				used = (int)(p - pos) + 2;
			if ((rc = follow_ptr(msg, end, &p, &lim)) < 0)
				return rc;
			continue;
		}
		if (l > ZW_LABEL_MAX)
			return ZW_ELABEL; /* 0x40/0x80: obsolete label types */
		if (n + l + 1 > ZW_NAME_MAX)
			return ZW_ENAMELEN;
		if (end - p < l + 1 + (l != 0))
			return ZW_ETRUNC; /* label plus at least the next length */
		if (out)
			memcpy(out + n, p, (size_t)l + 1);
		n += (size_t)l + 1;
		if (l == 0)
			break;
		p += l + 1;
	}
	return used < 0 ? (int)(p - pos) + 1 : used;
}

int zw_name_labels(const uint8_t *name)
{
	int n = 0;

	for (; *name; name += *name + 1)
		n++;
	return n;
}

bool zw_name_is_wildcard(const uint8_t *name)
{
	return name[0] == 1 && name[1] == '*';
}

int zw_name_rrsig_labels(const uint8_t *name)
{
	return zw_name_labels(name) - (zw_name_is_wildcard(name) ? 1 : 0);
}

bool zw_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		if (*a == 0)
			return true;
		for (uint8_t i = 1; i <= *a; i++)
			if (lower(a[i]) != lower(b[i]))
				return false;
		a += *a + 1;
		b += *b + 1;
	}
}

/* Label start offsets of a name, leftmost first; returns the count. */
static int label_offsets(const uint8_t *name, uint8_t off[128])
{
	int n = 0;

	for (const uint8_t *p = name; *p; p += *p + 1)
		off[n++] = (uint8_t)(p - name);
	return n;
}

/* Compare two labels as lower-cased octet strings, shorter first on a tie. */
static int label_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t n = a[0] < b[0] ? a[0] : b[0];

	for (uint8_t i = 1; i <= n; i++) {
		int d = (int)lower(a[i]) - (int)lower(b[i]);

		if (d)
			return d < 0 ? -1 : 1;
	}
	return a[0] == b[0] ? 0 : (a[0] < b[0] ? -1 : 1);
}

int zw_name_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[128], ob[128];
	int na = label_offsets(a, oa), nb = label_offsets(b, ob);

	while (na > 0 && nb > 0) {
		int d = label_cmp(a + oa[--na], b + ob[--nb]);

		if (d)
			return d;
	}
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

bool zw_name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	int d = zw_name_labels(name) - zw_name_labels(parent);

	return d >= 0 && zw_name_equal(zw_name_skip(name, d), parent);
}

bool zw_name_is_strict_subdomain(const uint8_t *name, const uint8_t *parent)
{
	int d = zw_name_labels(name) - zw_name_labels(parent);

	return d > 0 && zw_name_equal(zw_name_skip(name, d), parent);
}

const uint8_t *zw_name_skip(const uint8_t *name, int n)
{
	while (n-- > 0 && *name)
		name += *name + 1;
	return name;
}

void zw_name_lower(uint8_t *name)
{
	for (; *name; name += *name + 1)
		for (uint8_t i = 1; i <= *name; i++)
			name[i] = lower(name[i]);
}

size_t zw_name_copy(uint8_t *dst, const uint8_t *src)
{
	size_t n = zw_name_len(src);

	memcpy(dst, src, n);
	return n;
}

/* Lookup form of one label: lower-cased, 0x00/0x01 escaped, then 0x00. */
static size_t lf_label(const uint8_t *label, uint8_t *out)
{
	size_t n = 0;

	for (uint8_t i = 1; i <= label[0]; i++) {
		uint8_t c = lower(label[i]);

		if (c <= 1) {
			out[n++] = 1;
			out[n++] = (uint8_t)(c + 1);
		} else {
			out[n++] = c;
		}
	}
	out[n++] = 0;
	return n;
}

size_t zw_name_lookup_form(const uint8_t *name, uint8_t *out)
{
	uint8_t off[128];
	int nl = label_offsets(name, off);
	size_t n = 0;

	while (nl > 0)
		n += lf_label(name + off[--nl], out + n);
	return n;
}

int zw_name_lf_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen)
{
	int d = memcmp(a, b, alen < blen ? alen : blen);

	if (d)
		return d < 0 ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* FNV-1a over the lower-cased wire form: fixed constants, so hashes are
 * stable across runs and processes (tables may be written to disk). */
uint64_t zw_name_hash(const uint8_t *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t len = zw_name_len(name);

	for (size_t i = 0; i < len; i++) {
		h ^= lower(name[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}
