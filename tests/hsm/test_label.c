/* hsm/label.c: PKCS#11 labels: the "pkcs11:" prefix, PIN attributes kept
 * out of what is stored and what the engine sees, the PIN read from
 * pin-value, pin-source or the environment. No token needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/err.h"
#include "hsm/hsm.h"
#include "tests/util/testutil.h"

static char msg[ZW_HSM_MSG];

static void parse_ok(const char *label, const char *stored, const char *uri,
		     const char *pin)
{
	struct zw_hsm_label l;
	int r = zw_hsm_label_parse(label, &l, msg, sizeof(msg));

	if (r != 0)
		fail_msg("%s: %s", label, msg);
	assert_string_equal(l.stored, stored);
	assert_string_equal(l.uri, uri);
	assert_int_equal(l.has_pin, pin != NULL);
	assert_string_equal(l.pin, pin ? pin : "");
	zw_hsm_label_wipe(&l);
}

static void parse_bad(const char *label, int code, const char *want)
{
	struct zw_hsm_label l;

	assert_int_equal(zw_hsm_label_parse(label, &l, msg, sizeof(msg)),
			 code);
	if (!strstr(msg, want))
		fail_msg("%s: message '%s' lacks '%s'", label, msg, want);
}

static void test_prefix(void **state)
{
	(void)state;
	unsetenv(ZW_HSM_PIN_ENV);
	/* BIND's rule: no scheme, "pkcs11:" goes in front. */
	parse_ok("token=zw;object=ksk", "pkcs11:token=zw;object=ksk",
		 "pkcs11:token=zw;object=ksk", NULL);
	parse_ok("pkcs11:token=zw;object=ksk", "pkcs11:token=zw;object=ksk",
		 "pkcs11:token=zw;object=ksk", NULL);
	parse_ok("PKCS11:object=a", "pkcs11:object=a", "pkcs11:object=a",
		 NULL);
	/* A ':' inside an attribute is no scheme (BIND would not prefix). */
	parse_ok("object=a:b;token=t", "pkcs11:object=a:b;token=t",
		 "pkcs11:object=a:b;token=t", NULL);
	/* Another engine's label form passes through untouched. */
	parse_ok("other-engine:ksk", "other-engine:ksk", "other-engine:ksk",
		 NULL);
	parse_bad("", ZW_ESYNTAX, "empty key label");
	parse_bad("pkcs11:", ZW_ESYNTAX, "names no token object");
	parse_bad("pkcs11:pin-value=1", ZW_ESYNTAX, "names no token object");
}

static void test_pin_value(void **state)
{
	(void)state;
	unsetenv(ZW_HSM_PIN_ENV);
	parse_ok("token=zw;object=ksk;pin-value=8642",
		 "pkcs11:token=zw;object=ksk", "pkcs11:token=zw;object=ksk",
		 "8642");
	/* Anywhere in the path, any case, percent-encoded. */
	parse_ok("PIN-VALUE=a%3Bb%25;token=zw;object=k",
		 "pkcs11:token=zw;object=k", "pkcs11:token=zw;object=k",
		 "a;b%");
	/* RFC 7512 puts it in the query; an emptied query goes away. */
	parse_ok("pkcs11:token=zw;object=k?pin-value=77",
		 "pkcs11:token=zw;object=k", "pkcs11:token=zw;object=k",
		 "77");
	parse_ok("pkcs11:object=k?module-name=softhsm2&pin-value=77",
		 "pkcs11:object=k?module-name=softhsm2",
		 "pkcs11:object=k?module-name=softhsm2", "77");
	parse_bad("object=k;pin-value=", ZW_ESYNTAX, "pin-value is empty");
	parse_bad("object=k;pin-value=%4", ZW_ESYNTAX, "badly encoded");
	parse_bad("object=k;pin-value=%00", ZW_ESYNTAX, "badly encoded");
	/* The message about a bad label never shows the PIN. */
	parse_bad("object=k;pin-value=5555;pin-source=/x", ZW_ESYNTAX,
		  "not both");
	assert_null(strstr(msg, "5555"));
	/* A PIN that would stay in the key file is refused, unquoted. */
	parse_bad("object=k&pin-value=5555", ZW_ESYNTAX,
		  "pin-value must be an attribute of its own");
	assert_null(strstr(msg, "5555"));
	parse_bad("other:slot=1;pin-value=5555", ZW_ESYNTAX,
		  "or the key file would keep the PIN");
	assert_null(strstr(msg, "5555"));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_pin_source(void **state)
{
	char path[1024], label[1200], stored[1300];
	const char *d = zw_test_tmpdir();

	(void)state;
	unsetenv(ZW_HSM_PIN_ENV);
	assert_non_null(d);
	snprintf(path, sizeof(path), "%s/pin", d);
	write_file(path, "31337\r\nsecond line\n");
	/* pin-source stays in what is stored (a path, not the PIN); the
	 * engine sees neither. */
	snprintf(label, sizeof(label), "token=zw;object=k;pin-source=%s",
		 path);
	snprintf(stored, sizeof(stored), "pkcs11:%s", label);
	parse_ok(label, stored, "pkcs11:token=zw;object=k", "31337");
	snprintf(label, sizeof(label), "object=k;pin-source=file:%s", path);
	snprintf(stored, sizeof(stored), "pkcs11:%s", label);
	parse_ok(label, stored, "pkcs11:object=k", "31337");
	write_file(path, "\n");
	snprintf(label, sizeof(label), "object=k;pin-source=%s", path);
	parse_bad(label, ZW_ESYNTAX, "no PIN on the first line");
	snprintf(label, sizeof(label), "object=k;pin-source=%s/none", d);
	parse_bad(label, -2, "No such file or directory");
}

static void test_pin_env(void **state)
{
	(void)state;
	setenv(ZW_HSM_PIN_ENV, "2468", 1);
	parse_ok("object=k", "pkcs11:object=k", "pkcs11:object=k", "2468");
	/* The label's own PIN wins. */
	parse_ok("object=k;pin-value=1", "pkcs11:object=k",
		 "pkcs11:object=k", "1");
	unsetenv(ZW_HSM_PIN_ENV);
}

static void test_too_long(void **state)
{
	char label[ZW_HSM_LABEL_MAX + 16];

	(void)state;
	memset(label, 'a', sizeof(label) - 1);
	memcpy(label, "object=", 7);
	label[sizeof(label) - 1] = 0;
	parse_bad(label, ZW_ERANGE, "too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_pin_value),
		cmocka_unit_test(test_pin_source),
		cmocka_unit_test(test_pin_env),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
