/* The OpenSSL engine (libp11's "pkcs11"): loaded once per process, keys
 * loaded by URI with the PIN handed over through the engine's "PIN"
 * control, the engine's reasons turned into messages.
 *
 * Process-wide state, on purpose: a PKCS#11 module is initialised once per
 * process (C_Initialize), and every ENGINE_by_id("pkcs11") of a dynamic
 * engine makes a new instance that would initialise it again. So the one
 * engine is kept here, behind a mutex that also serialises key loading
 * (the PIN control is engine-wide). Signing does not take the mutex. */
#define OPENSSL_SUPPRESS_DEPRECATED     /* the ENGINE API is deprecated */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ui.h>

#include "dns/err.h"
#include "hsm/hsm_int.h"

static pthread_mutex_t hsm_lock = PTHREAD_MUTEX_INITIALIZER;
static ENGINE *hsm_engine;              /* functional reference, kept */
static char hsm_engine_id[64];
static UI_METHOD *hsm_no_prompt;

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

/* A UI reader that gives nothing: the engine must never sit waiting for a
 * PIN on a terminal (zw-signzone runs unattended); it fails instead. */
static int refuse_input(UI *ui, UI_STRING *s)
{
	(void)ui;
	(void)s;
	return 0;
}

static bool has(const char *s, const char *word)
{
	return s && strstr(s, word);
}

/* Drain OpenSSL's error queue into "lib: reason; ..." (the engine layer's
 * generic "failed loading private key" left out) and classify it. Only
 * library and reason strings are used: never the error data, which may
 * quote a URI. */
void zw_hsm_reasons(struct zw_hsm_why *w)
{
	unsigned long e;
	size_t n = 0;

	memset(w, 0, sizeof(*w));
	while ((e = ERR_get_error()) != 0) {
		const char *lib = ERR_lib_error_string(e);
		const char *why = ERR_reason_error_string(e);

		if (ERR_GET_LIB(e) == ERR_LIB_UI)
			w->no_pin = true;
		if (ERR_GET_LIB(e) == ERR_LIB_ENGINE && n > 0)
			continue;
		w->not_found |= has(why, "object not found") ||
				has(why, "Token not present") ||
				has(why, "Slot ID invalid");
		w->login |= has(why, "PIN") || has(why, "not logged in");
		if (n < sizeof(w->text) - 1)
			n += (size_t)snprintf(w->text + n, sizeof(w->text) - n,
					      "%s%s: %s", n ? "; " : "",
					      lib ? lib : "OpenSSL",
					      why ? why : "error");
	}
	if (!n)
		strcpy(w->text, "no reason given");
}

static int open_locked(const char *id, char *msg, size_t msglen)
{
	struct zw_hsm_why w;
	ENGINE *e;

	if (hsm_engine)
		return strcmp(hsm_engine_id, id) == 0 ? 0 :
			zw_hsm_say(msg, msglen, ZW_EEXIST, "engine %s is in "
				   "use; cannot use engine %s as well",
				   hsm_engine_id, id);
	if (strlen(id) >= sizeof(hsm_engine_id))
		return zw_hsm_say(msg, msglen, ZW_ERANGE, "engine name too "
				  "long");
	if (!hsm_no_prompt) {
		hsm_no_prompt = UI_create_method("zonewire: no PIN prompt");
		if (!hsm_no_prompt ||
		    UI_method_set_reader(hsm_no_prompt, refuse_input) != 0)
			return zw_hsm_say(msg, msglen, ZW_ENOMEM, "out of "
					  "memory");
	}
	e = ENGINE_by_id(id);
	if (!e) {
		ERR_clear_error();
		return zw_hsm_say(msg, msglen, ZW_ENOTFOUND, "OpenSSL engine "
				  "%s not found%s", id, strcmp(id, "pkcs11") ?
				  "" : " (Debian: libengine-pkcs11-openssl)");
	}
	/* libp11 prints its own complaints on stderr unless told not to;
	 * ours carry the same reasons. Other engines may lack QUIET. */
	ENGINE_ctrl_cmd_string(e, "QUIET", NULL, 1);
	if (!ENGINE_init(e)) {
		zw_hsm_reasons(&w);
		ENGINE_free(e);
		return zw_hsm_say(msg, msglen, ZW_ECRYPTO, "engine %s: cannot "
				  "initialise: %s", id, w.text);
	}
	ENGINE_free(e);         /* the functional reference keeps it */
	ERR_clear_error();
	hsm_engine = e;
	strcpy(hsm_engine_id, id);
	return 0;
}

int zw_hsm_engine_open(const char *engine, char *msg, size_t msglen)
{
	int r;

	pthread_mutex_lock(&hsm_lock);
	r = open_locked(engine ? engine : ZW_HSM_ENGINE, msg, msglen);
	pthread_mutex_unlock(&hsm_lock);
	return r;
}

static int load_failed(const struct zw_hsm_label *l, int *err, char *msg,
		       size_t msglen)
{
	struct zw_hsm_why w;
	int code;

	zw_hsm_reasons(&w);
	if (w.no_pin && !l->has_pin)
		code = zw_hsm_say(msg, msglen, ZW_EKEY, "%s: the token wants "
				  "a PIN: put pin-source=FILE (or pin-value=PIN)"
				  " in the label, or set %s", l->stored,
				  ZW_HSM_PIN_ENV);
	else if (w.login)
		code = zw_hsm_say(msg, msglen, ZW_EKEY, "%s: token login "
				  "failed: %s", l->stored, w.text);
	else if (w.not_found)
		code = zw_hsm_say(msg, msglen, ZW_ENOTFOUND, "%s: no such "
				  "private key (is the token there, are token "
				  "and object named right?): %s", l->stored,
				  w.text);
	else
		code = zw_hsm_say(msg, msglen, ZW_ECRYPTO, "%s: cannot load "
				  "the private key: %s", l->stored, w.text);
	if (err)
		*err = code;
	return code;
}

static EVP_PKEY *load_locked(const struct zw_hsm_label *l, int *err,
			     char *msg, size_t msglen)
{
	EVP_PKEY *pk;

	if (l->has_pin &&
	    !ENGINE_ctrl_cmd_string(hsm_engine, "PIN", l->pin, 0)) {
		ERR_clear_error();
		*err = zw_hsm_say(msg, msglen, ZW_ECRYPTO, "engine %s takes no "
				  "PIN", hsm_engine_id);
		return NULL;
	}
	ERR_clear_error();
	pk = ENGINE_load_private_key(hsm_engine, l->uri, hsm_no_prompt, NULL);
	if (!pk)
		load_failed(l, err, msg, msglen);
	ERR_clear_error();
	return pk;
}

EVP_PKEY *zw_hsm_load_private(const char *engine,
			      const struct zw_hsm_label *l, int *err,
			      char *msg, size_t msglen)
{
	EVP_PKEY *pk = NULL;
	int e = 0;

	pthread_mutex_lock(&hsm_lock);
	e = open_locked(engine ? engine : ZW_HSM_ENGINE, msg, msglen);
	if (e == 0)
		pk = load_locked(l, &e, msg, msglen);
	pthread_mutex_unlock(&hsm_lock);
	if (err)
		*err = pk ? 0 : e;
	return pk;
}
