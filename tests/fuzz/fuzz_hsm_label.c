/* libFuzzer target for hsm/label.c (PKCS#11 labels from -l and from
 * .private files): whatever parses yields NUL-terminated strings within
 * their buffers, what is stored never holds "pin-value" (so never a PIN
 * given that way), and for pkcs11: URIs no attribute of what the engine
 * sees is pin-value or pin-source. Inputs naming a pin-source are skipped (the parser would
 * read that file), and so is $ZW_PKCS11_PIN.
 *
 * label.c needs only libc and OPENSSL_cleanse; the two helpers it takes
 * from the rest of hsm/ are defined here, so no OpenSSL is linked. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hsm/label.c"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

void OPENSSL_cleanse(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int zw_hsm_say(char *msg, size_t msglen, int code, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* No attribute of s (after "pkcs11:", split at ; ? &, which is coarser
 * than the URI's own split) starts with one of the given names. */
static void no_attr(const char *s, const char *a, const char *b)
{
	const char *p = s + 7;

	while (*p) {
		size_t n = strcspn(p, ";?&");

		CHECK(!is_attr(p, n, a));
		CHECK(!b || !is_attr(p, n, b));
		p += n + (p[n] != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[2 * ZW_HSM_LABEL_MAX], msg[ZW_HSM_MSG];
	struct zw_hsm_label l;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = 0;
	if (strcasestr(in, "pin-source"))
		return 0;
	unsetenv(ZW_HSM_PIN_ENV);
	if (zw_hsm_label_parse(in, &l, msg, sizeof(msg)) != 0) {
		CHECK(memchr(msg, 0, sizeof(msg)));
		return 0;
	}
	CHECK(memchr(l.stored, 0, sizeof(l.stored)));
	CHECK(memchr(l.uri, 0, sizeof(l.uri)));
	CHECK(memchr(l.pin, 0, sizeof(l.pin)));
	CHECK(l.has_pin == (l.pin[0] != 0));
	CHECK(!strcasestr(l.stored, "pin-value"));
	if (!strncmp(l.uri, "pkcs11:", 7)) {
		CHECK(!strncmp(l.stored, "pkcs11:", 7));
		no_attr(l.stored, "pin-value", NULL);
		no_attr(l.uri, "pin-value", "pin-source");
	}
	zw_hsm_label_wipe(&l);
	return 0;
}
