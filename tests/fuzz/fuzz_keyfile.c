/* libFuzzer target for the BIND key-file text layer (crypto/keypriv.c,
 * keypub.c, keystate.c) and key dates (crypto/keytime.c): parse the bytes
 * as .private, .key and .state; whatever parses is printed, re-parsed and
 * printed again, and the two printings must be equal. The first line also
 * goes through zw_keytime_parse.
 *
 * These sources need only libc and dns/err.c, so they are compiled into
 * the target here rather than through the crypto library (which pulls in
 * OpenSSL and IPsec-MB). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/keypriv.c"
#include "crypto/keypub.c"
#include "crypto/keystate.c"
#include "crypto/keytime.c"
#include "crypto/kfutil.c"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

static char out1[65536], out2[65536];

static void fuzz_private(const char *p, size_t len)
{
	struct zw_privtext pt, pt2;
	int n1, n2;

	if (zw_privtext_parse(p, p + len, &pt, NULL) != 0)
		return;
	n1 = zw_privtext_format(&pt, out1, sizeof(out1));
	CHECK(n1 > 0);
	CHECK(zw_privtext_parse(out1, out1 + n1, &pt2, NULL) == 0);
	n2 = zw_privtext_format(&pt2, out2, sizeof(out2));
	CHECK(n1 == n2 && memcmp(out1, out2, (size_t)n1) == 0);
}

static void fuzz_public(const char *p, size_t len)
{
	static struct zw_pubtext pt, pt2;
	int n1, n2;

	if (zw_pubtext_parse(p, p + len, &pt, NULL) != 0)
		return;
	n1 = zw_pubtext_format(&pt, 12345, out1, sizeof(out1));
	CHECK(n1 > 0);
	CHECK(zw_pubtext_parse(out1, out1 + n1, &pt2, NULL) == 0);
	n2 = zw_pubtext_format(&pt2, 12345, out2, sizeof(out2));
	CHECK(n1 == n2 && memcmp(out1, out2, (size_t)n1) == 0);
}

static void fuzz_state(const char *p, size_t len)
{
	static struct zw_keystate st, st2;
	int n1, n2;
	int64_t t;

	if (zw_keystate_parse(p, p + len, &st, NULL) != 0)
		return;
	for (int i = 0; i < ZW_KFT_COUNT; i++)
		zw_keystate_get_time(&st, i, &t);
	zw_keystate_set_time(&st, ZW_KT_PUBLISH, 1795927600);
	n1 = zw_keystate_format(&st, 1, "x.", out1, sizeof(out1));
	CHECK(n1 > 0);
	CHECK(zw_keystate_parse(out1, out1 + n1, &st2, NULL) == 0);
	n2 = zw_keystate_format(&st2, 1, "x.", out2, sizeof(out2));
	CHECK(n1 == n2 && memcmp(out1, out2, (size_t)n1) == 0);
}

static void fuzz_date(const char *p, size_t len)
{
	char s[64];
	size_t n = strcspn(p, "\n");
	int64_t t;

	if (n > len)
		n = len;
	if (n >= sizeof(s))
		return;
	memcpy(s, p, n);
	s[n] = 0;
	if (zw_keytime_parse(s, 1795927600, &t, NULL) == 0)
		CHECK(t >= 0 && t <= 4294967295LL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, so reading past `size` is caught by ASan. */
	char *p = malloc(size ? size : 1);

	if (!p)
		return 0;
	memcpy(p, data, size);
	fuzz_private(p, size);
	fuzz_public(p, size);
	fuzz_state(p, size);
	if (memchr(p, 0, size) == NULL && size < 64) {
		char s[64];

		memcpy(s, p, size);
		s[size] = 0;
		fuzz_date(s, size);
	}
	free(p);
	return 0;
}
