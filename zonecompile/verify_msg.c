/* Verifier messages: buffered per chunk, handed out in zone order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/key.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "zonecompile/verify_int.h"

#define LINE_MAX_ 2048

static bool grow(struct vmsg *m, size_t need)
{
	if (m->len + need <= m->cap)
		return true;
	size_t cap = m->cap ? m->cap * 2 : 4096;
	while (cap < m->len + need)
		cap *= 2;
	char *b = realloc(m->buf, cap);
	if (!b) {
		m->oom = true;
		return false;
	}
	m->buf = b;
	m->cap = cap;
	return true;
}

void zw_vmsg_add(struct vmsg *m, enum zw_verify_level lvl, const char *fmt,
		 ...)
{
	char line[LINE_MAX_];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	if (lvl == ZW_VERIFY_ERROR)
		m->errors++;
	else if (lvl == ZW_VERIFY_WARN)
		m->warnings++;
	if (!grow(m, (size_t)n + 2))
		return;
	m->buf[m->len++] = (char)('0' + lvl);
	memcpy(m->buf + m->len, line, (size_t)n + 1);
	m->len += (size_t)n + 1;
}

/* Hand the lines to the callback and count them into the report. */
void zw_vmsg_flush(struct zw_verify *v, struct vmsg *m)
{
	for (size_t p = 0; p < m->len;) {
		const char *text = m->buf + p + 1;
		if (v->o->msg)
			v->o->msg(v->o->msg_ctx,
				  (enum zw_verify_level)(m->buf[p] - '0'), text);
		p += 2 + strlen(text);
	}
	v->r->errors += m->errors;
	v->r->warnings += m->warnings;
	if (m->oom && v->fail == 0)
		v->fail = ZW_ENOMEM;
	m->len = 0;
	m->errors = m->warnings = 0;
	m->oom = false;
}

void zw_vmsg_free(struct vmsg *m)
{
	free(m->buf);
	*m = (struct vmsg){0};
}

const char *zw_vname(const uint8_t *name, char *buf, size_t size)
{
	int n = zw_name_to_str(name, buf, size);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	else if (n < 0)
		snprintf(buf, size, "?");
	return buf;
}

const char *zw_vtype(uint16_t type, char *buf, size_t size)
{
	if (zw_rrtype_to_str(type, buf, size) < 0)
		snprintf(buf, size, "TYPE%u", type);
	return buf;
}

const char *zw_valg(uint8_t alg, char *buf, size_t size)
{
	const char *s = zw_alg_name(alg);
	if (s)
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "ALG%u", alg);
	return buf;
}
