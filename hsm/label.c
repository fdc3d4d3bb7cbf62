/* PKCS#11 labels (RFC 7512 URIs): the "pkcs11:" prefix BIND adds, the PIN
 * attributes split off, the PIN read from where the user put it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "dns/err.h"
#include "hsm/hsm_int.h"

#define SCHEME "pkcs11:"
#define SCHEME_LEN 7

void zw_hsm_label_wipe(struct zw_hsm_label *l)
{
	OPENSSL_cleanse(l, sizeof(*l));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode [s, s+len) into out (NUL-terminated); -1 when malformed
 * or too long. */
static int pct_decode(const char *s, size_t len, char *out, size_t outmax)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == 0 || n + 1 >= outmax)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = 0;
	return (int)n;
}

/* Append [s, s+len) to a string of capacity ZW_HSM_LABEL_MAX. */
static bool put(char *dst, const char *s, size_t len)
{
	size_t have = strlen(dst);

	if (have + len >= ZW_HSM_LABEL_MAX)
		return false;
	memcpy(dst + have, s, len);
	dst[have + len] = 0;
	return true;
}

/* Attribute names compare case-insensitively: "PIN-VALUE" is no less a
 * PIN than "pin-value". */
static bool is_attr(const char *a, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && a[n] == '=' && !strncasecmp(a, name, n);
}

struct split {
	const char *pinval, *pinsrc;    /* values inside the label */
	size_t pinval_len, pinsrc_len;
};

/* Copy one attribute list (path: ';'-separated, query: '&') into stored
 * and uri, leaving out the PIN attributes and noting them in sp. */
static bool copy_attrs(const char *s, size_t len, char sep,
		       struct zw_hsm_label *l, struct split *sp)
{
	const char *end = s + len;
	bool first = true, first_uri = true;

	while (s < end) {
		const char *e = memchr(s, sep, (size_t)(end - s));
		size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
		char sepstr[1] = { sep };

		if (is_attr(s, n, "pin-value")) {
			sp->pinval = s + 10;
			sp->pinval_len = n - 10;
		} else if (n > 0) {
			bool src = is_attr(s, n, "pin-source");

			if ((!first && !put(l->stored, sepstr, 1)) ||
			    !put(l->stored, s, n))
				return false;
			first = false;
			if (src) {
				sp->pinsrc = s + 11;
				sp->pinsrc_len = n - 11;
			} else {
				if ((!first_uri && !put(l->uri, sepstr, 1)) ||
				    !put(l->uri, s, n))
					return false;
				first_uri = false;
			}
		}
		s += n + 1;
	}
	return true;
}

/* The query part ("?a=b&c=d") of one output, '?' only when non-empty. */
static bool add_query(char *dst, size_t mark)
{
	size_t len = strlen(dst);
	char tmp[ZW_HSM_LABEL_MAX];

	if (len == mark)
		return true;
	if (len + 1 >= ZW_HSM_LABEL_MAX)
		return false;
	memcpy(tmp, dst + mark, len - mark + 1);
	dst[mark] = '?';
	memcpy(dst + mark + 1, tmp, len - mark + 1);
	return true;
}

static int split_uri(const char *p, struct zw_hsm_label *l, struct split *sp)
{
	const char *q = strchr(p, '?');
	size_t plen = q ? (size_t)(q - p) : strlen(p);
	size_t ms, mu;

	strcpy(l->stored, SCHEME);
	strcpy(l->uri, SCHEME);
	if (!copy_attrs(p, plen, ';', l, sp))
		return ZW_ERANGE;
	if (!q)
		return 0;
	ms = strlen(l->stored);
	mu = strlen(l->uri);
	if (!copy_attrs(q + 1, strlen(q + 1), '&', l, sp) ||
	    !add_query(l->stored, ms) || !add_query(l->uri, mu))
		return ZW_ERANGE;
	return 0;
}

/* First line of the pin-source file, without its line end. */
static int read_pin_file(const char *path, struct zw_hsm_label *l, char *msg,
			 size_t msglen)
{
	char buf[ZW_HSM_PIN_MAX + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t len;
	int e;

	if (fd < 0)
		return zw_hsm_say(msg, msglen, -errno, "pin-source %s: %s", path,
			   strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return zw_hsm_say(msg, msglen, -e, "pin-source %s: %s", path,
				  strerror(e));
	buf[n] = 0;
	len = strcspn(buf, "\r\n");
	if (len == 0 || len >= ZW_HSM_PIN_MAX || memchr(buf, 0, len)) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "pin-source %s: %s", path,
			   len ? "the PIN on its first line is too long" :
				 "no PIN on the first line");
	}
	memcpy(l->pin, buf, len);
	l->pin[len] = 0;
	l->has_pin = true;
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

static int find_pin(const struct split *sp, struct zw_hsm_label *l,
		    char *msg, size_t msglen)
{
	char path[ZW_HSM_LABEL_MAX];
	const char *env, *p = path;

	if (sp->pinval && sp->pinsrc)
		return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "label %s: give either "
			   "pin-value or pin-source, not both", l->stored);
	if (sp->pinval) {
		if (pct_decode(sp->pinval, sp->pinval_len, l->pin,
			       sizeof(l->pin)) <= 0)
			return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "label %s: "
				   "pin-value is empty or badly encoded",
				   l->stored);
		l->has_pin = true;
		return 0;
	}
	if (sp->pinsrc) {
		if (pct_decode(sp->pinsrc, sp->pinsrc_len, path,
			       sizeof(path)) <= 0)
			return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "label %s: "
				   "pin-source is empty or badly encoded",
				   l->stored);
		if (!strncmp(path, "file:", 5))
			p = path + 5;
		return read_pin_file(p, l, msg, msglen);
	}
	env = getenv(ZW_HSM_PIN_ENV);
	if (env && *env && strlen(env) < sizeof(l->pin)) {
		strcpy(l->pin, env);
		l->has_pin = true;
	}
	return 0;
}

/* "word:" at the start, the word a URI scheme (RFC 3986: a letter, then
 * letters, digits, '+', '-', '.'). BIND prefixes any label without a ':',
 * which would leave "token=T;object=O;pin-source=file:/pin" unprefixed;
 * attributes are not a scheme, so that one gets "pkcs11:" too. */
static bool has_scheme(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
			  "WXYZ0123456789+-.");

	return n > 0 && s[n] == ':' && ((s[0] | 0x20) >= 'a' &&
					(s[0] | 0x20) <= 'z');
}

/* "pin-value" left in what would be stored (inside another attribute, or
 * in another engine's label form): refused, since the key file would
 * keep the PIN. The message does not quote the label. */
static int leftover_pin(struct zw_hsm_label *l, char *msg, size_t msglen)
{
	zw_hsm_label_wipe(l);
	return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "key label: pin-value must "
			  "be an attribute of its own (\";pin-value=PIN\" or "
			  "\"?pin-value=PIN\" in a pkcs11: URI), or the key "
			  "file would keep the PIN");
}

int zw_hsm_label_parse(const char *label, struct zw_hsm_label *out,
		       char *msg, size_t msglen)
{
	struct split sp = { 0 };
	const char *p;
	int r;

	memset(out, 0, sizeof(*out));
	if (!label || !*label)
		return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "empty key label");
	if (!strncasecmp(label, SCHEME, SCHEME_LEN))
		p = label + SCHEME_LEN;
	else if (!has_scheme(label))
		p = label;              /* BIND puts "pkcs11:" in front */
	else {
		/* Another engine's own label form: passed on as it is. */
		if (strlen(label) >= ZW_HSM_LABEL_MAX)
			return zw_hsm_say(msg, msglen, ZW_ERANGE, "key label too long");
		strcpy(out->stored, label);
		strcpy(out->uri, label);
		if (strcasestr(label, "pin-value"))
			return leftover_pin(out, msg, msglen);
		return find_pin(&sp, out, msg, msglen);
	}
	r = split_uri(p, out, &sp);
	if (r < 0)
		return zw_hsm_say(msg, msglen, r, "key label too long");
	if (strcasestr(out->stored, "pin-value"))
		return leftover_pin(out, msg, msglen);
	if (strlen(out->uri) == SCHEME_LEN)
		return zw_hsm_say(msg, msglen, ZW_ESYNTAX, "key label %s names no "
			   "token object (e.g. token=NAME;object=NAME)",
			   out->stored);
	r = find_pin(&sp, out, msg, msglen);
	if (r < 0)
		zw_hsm_label_wipe(out);
	return r;
}
