/* hsm/ internals shared by its sources (not a public header). */
#ifndef ZW_HSM_INT_H
#define ZW_HSM_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hsm/hsm.h"

/* Why the engine failed, from OpenSSL's error queue. */
struct zw_hsm_why {
	char text[384];         /* "lib: reason; lib: reason" */
	bool no_pin;            /* a PIN was asked for and none was given */
	bool not_found;         /* no such token or object */
	bool login;             /* the PIN was refused */
};

/* Drain and classify the calling thread's OpenSSL error queue. */
void zw_hsm_reasons(struct zw_hsm_why *w);

/* snprintf into msg (when non-NULL); returns code. */
int zw_hsm_say(char *msg, size_t msglen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
