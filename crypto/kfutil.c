/* Small helpers for the key-file parsers and printers (kf_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crypto/kf_int.h"
#include "dns/err.h"

const int zw_kf_priv_order[] = {
	ZW_KT_CREATED,	  ZW_KT_PUBLISH,	ZW_KT_ACTIVATE,
	ZW_KT_REVOKE,	  ZW_KT_INACTIVE,	ZW_KT_DELETE,
	ZW_KFT_DSPUBLISH, ZW_KT_SYNCPUBLISH, ZW_KT_SYNCDELETE,
	-1,
};

const int zw_kf_key_order[] = {
	ZW_KT_CREATED,	ZW_KT_PUBLISH,	   ZW_KT_ACTIVATE,   ZW_KT_REVOKE,
	ZW_KT_INACTIVE, ZW_KT_DELETE,	   ZW_KT_SYNCPUBLISH, ZW_KT_SYNCDELETE,
	-1,
};

void zw_kfbuf_init(struct zw_kfbuf *b, char *p, size_t size)
{
	b->p = p;
	b->size = size;
	b->len = 0;
	b->over = false;
	if (size)
		p[0] = 0;
}

void zw_kfbuf_printf(struct zw_kfbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->size - b->len)
		b->over = true;
	else
		b->len += (size_t)n;
}

void zw_kfbuf_put(struct zw_kfbuf *b, const char *s, size_t len)
{
	if (b->over || len >= b->size - b->len) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = 0;
}

int zw_kfbuf_done(struct zw_kfbuf *b)
{
	return b->over || b->size == 0 ? ZW_ENOSPC : (int)b->len;
}

bool zw_kf_nextline(const char **p, const char *end, const char **ls,
		    const char **le, unsigned *lineno)
{
	const char *s = *p, *nl;

	if (s >= end)
		return false;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	*ls = s;
	while (nl > s && (nl[-1] == '\r' || nl[-1] == ' ' || nl[-1] == '\t'))
		nl--;
	*le = nl;
	(*lineno)++;
	return true;
}

int zw_kf_fail(struct zw_kf_err *err, unsigned line, const char *field,
	       size_t fieldlen, int code)
{
	if (err) {
		err->line = line;
		if (fieldlen >= sizeof(err->field))
			fieldlen = sizeof(err->field) - 1;
		memcpy(err->field, field ? field : "", field ? fieldlen : 0);
		err->field[field ? fieldlen : 0] = 0;
	}
	return code;
}

bool zw_kf_u32(const char *s, size_t len, uint32_t *v)
{
	uint64_t x = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

bool zw_kf_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

bool zw_kf_caseeq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}
