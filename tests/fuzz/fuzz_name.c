/* libFuzzer target for dns/name: presentation parse/print round trip,
 * decompression of arbitrary bytes, and canonical order against lookup
 * form order on two names taken from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

/* Parse text, print it, parse the print: same octets. Returns length. */
static int round_trip(const char *s, size_t len, uint8_t *name)
{
	static const uint8_t origin[] = "\004zone\000";
	uint8_t again[ZW_NAME_MAX];
	char buf[ZW_NAME_STR_MAX];
	int n = zw_name_from_str(name, s, len, origin), k;

	if (n < 0)
		return n;
	CHECK((size_t)n == zw_name_len(name));
	CHECK(zw_name_check(name, name + n) == n);
	k = zw_name_to_str(name, buf, sizeof(buf));
	CHECK(k > 0 && (size_t)k == strlen(buf));
	CHECK(zw_name_from_str(again, buf, (size_t)k, NULL) == n);
	CHECK(memcmp(name, again, (size_t)n) == 0);
	return n;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void order(const uint8_t *a, const uint8_t *b)
{
	uint8_t la[ZW_NAME_LF_MAX], lb[ZW_NAME_LF_MAX];
	size_t na = zw_name_lookup_form(a, la), nb = zw_name_lookup_form(b, lb);
	int c = zw_name_cmp(a, b);

	CHECK(na <= ZW_NAME_LF_MAX && nb <= ZW_NAME_LF_MAX);
	CHECK(sign(c) == sign(zw_name_lf_cmp(la, na, lb, nb)));
	CHECK(sign(c) == -sign(zw_name_cmp(b, a)));
	CHECK((c == 0) == zw_name_equal(a, b));
	CHECK(c != 0 || zw_name_hash(a) == zw_name_hash(b));
	CHECK(zw_name_is_subdomain(a, b) ==
	      (zw_name_is_strict_subdomain(a, b) || zw_name_equal(a, b)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t a[ZW_NAME_MAX], b[ZW_NAME_MAX];
	const uint8_t *split = memchr(data, ' ', size);
	size_t la = split ? (size_t)(split - data) : size;
	int na, nb;

	if (size > 0)
		zw_name_unpack(a, data, data + size, data + size / 2);
	na = round_trip((const char *)data, la, a);
	if (!split)
		return 0;
	nb = round_trip((const char *)split + 1, size - la - 1, b);
	if (na > 0 && nb > 0)
		order(a, b);
	return 0;
}
