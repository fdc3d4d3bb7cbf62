/* libFuzzer target for rdata presentation parsing. Input: 2-octet type,
 * then rdata text. Whatever parses must be valid wire (zw_rdata_check) and
 * print as text that parses back to the same octets. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"

#define MAXTOK 8192

static size_t scan_quoted(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] != '"')
		i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
	return i;
}

/* As the zone lexer: whitespace separates, "..." quoted, backslash keeps
 * the next character, a quote ends an unquoted token. */
static size_t tokenize(const char *s, size_t len, struct zw_tok *t,
		       size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t start;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			start = ++i;
			i = scan_quoted(s, i, len);
			t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
						  true };
			i += i < len;
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		       s[i] != '"')
			i += (s[i] == '\\' && i + 1 < len) ? 2 : 1;
		if (i > len)
			i = len;
		t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
					  false };
	}
	return n;
}

static char text[400000];
static struct zw_tok toks[MAXTOK];
static uint8_t w1[ZW_RDATA_MAX], w2[ZW_RDATA_MAX];
static uint8_t origin[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zw_rdata_err err;
	uint16_t type;
	size_t nt;
	int n, m;

	if (size < 2)
		return 0;
	type = (uint16_t)(data[0] << 8 | data[1]);
	nt = tokenize((const char *)data + 2, size - 2, toks, MAXTOK);
	n = zw_rdata_from_str(type, toks, nt, origin, w1, sizeof(w1), &err);
	if (n < 0) {
		if (err.tok > nt || !err.expected)
			abort();
		return 0;
	}
	if (zw_rdata_check(type, w1, (size_t)n) != 0)
		abort();
	if (zw_rdata_to_str(type, w1, (size_t)n, text, sizeof(text)) < 0)
		abort();
	nt = tokenize(text, strlen(text), toks, MAXTOK);
	m = zw_rdata_from_str(type, toks, nt, NULL, w2, sizeof(w2), NULL);
	if (m != n || memcmp(w1, w2, (size_t)n) != 0)
		abort();
	return 0;
}
