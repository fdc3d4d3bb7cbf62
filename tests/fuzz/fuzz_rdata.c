/* libFuzzer target for the rdata codecs. Input: 2-octet type, then wire
 * rdata. Checks that check/print/unpack/canonicalize/names never misbehave
 * and that printing is a fixed point: text printed for valid rdata parses
 * back (with the codec's own tokens) to rdata that prints the same. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"

#define MAXTOK 8192

static size_t scan_quoted(const char *s, size_t i)
{
	while (s[i] && s[i] != '"')
		i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
	return i;
}

/* Whitespace-separated tokens; "..." quoted; a backslash keeps the next
 * character; `key="v"` splits into `key=` and a quoted token as the zone
 * lexer does. */
static size_t tokenize(const char *s, struct zw_tok *t, size_t max)
{
	size_t n = 0, i = 0;

	while (s[i] && n < max) {
		size_t start;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			start = ++i;
			i = scan_quoted(s, i);
			t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
						  true };
			i += s[i] == '"';
			continue;
		}
		start = i;
		while (s[i] && s[i] != ' ' && s[i] != '"')
			i += (s[i] == '\\' && s[i + 1]) ? 2 : 1;
		t[n++] = (struct zw_tok){ s + start, (uint32_t)(i - start),
					  false };
	}
	return n;
}

static char text1[400000], text2[400000];
static struct zw_tok toks[MAXTOK];
static uint8_t wire[ZW_RDATA_MAX], out[ZW_RDATA_MAX];

/* Print wire[0..len) into text, read it back into wire. */
static size_t reparse(uint16_t type, size_t len, char *text, size_t max)
{
	size_t nt;
	int m;

	if (zw_rdata_to_str(type, wire, len, text, max) < 0)
		abort();
	nt = tokenize(text, toks, MAXTOK);
	m = zw_rdata_from_str(type, toks, nt, NULL, out, sizeof(out), NULL);
	if (m < 0)
		abort(); /* we printed something we cannot read */
	memcpy(wire, out, (size_t)m);
	return (size_t)m;
}

/* LOC sizes like mantissa 0 with exponent 2 print as "0m" and come back
 * normalized, so LOC reaches its fixed point one round later. */
static void roundtrip(uint16_t type, size_t len)
{
	len = reparse(type, len, text1, sizeof(text1));
	if (type == 29)
		len = reparse(type, len, text1, sizeof(text1));
	reparse(type, len, text2, sizeof(text2));
	if (strcmp(text1, text2) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t offs[16];
	bool comp[16];
	uint16_t type;
	size_t len;

	if (size < 2 || size - 2 > ZW_RDATA_MAX)
		return 0;
	type = (uint16_t)(data[0] << 8 | data[1]);
	len = size - 2;
	memcpy(wire, data + 2, len);
	zw_rdata_unpack(type, data, data + size, data + 2, (uint16_t)len, out,
			sizeof(out));
	if (zw_rdata_check(type, wire, len) == 0) {
		zw_rdata_names(type, wire, len, offs, comp, 16);
		roundtrip(type, len);
		zw_rdata_canonicalize(type, wire, len);
	} else {
		zw_rdata_to_str(type, wire, len, text1, sizeof(text1));
	}
	return 0;
}
