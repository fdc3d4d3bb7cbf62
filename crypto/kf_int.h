/* Internal helpers shared by the key-file sources (not a public header). */
#ifndef ZW_CRYPTO_KF_INT_H
#define ZW_CRYPTO_KF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/keyfile.h"

/* Output cursor with a sticky overflow flag. */
struct zw_kfbuf {
	char *p;
	size_t size, len;
	bool over;
};

void zw_kfbuf_init(struct zw_kfbuf *b, char *p, size_t size);
void zw_kfbuf_printf(struct zw_kfbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void zw_kfbuf_put(struct zw_kfbuf *b, const char *s, size_t len);
/* Length written, or ZW_ENOSPC when anything did not fit. */
int zw_kfbuf_done(struct zw_kfbuf *b);

/* Next line of [*p, end): sets [*ls, *le) without the newline, CR or
 * trailing blanks, advances *p and *lineno. False at the end. */
bool zw_kf_nextline(const char **p, const char *end, const char **ls,
		    const char **le, unsigned *lineno);

/* Record an error's line and field; returns code. */
int zw_kf_fail(struct zw_kf_err *err, unsigned line, const char *field,
	       size_t fieldlen, int code);

/* Decimal uint32 in [s, s+len); false when empty, not digits or too big. */
bool zw_kf_u32(const char *s, size_t len, uint32_t *v);

/* Span equals the NUL-terminated word (case-sensitive / insensitive). */
bool zw_kf_eq(const char *s, size_t len, const char *word);
bool zw_kf_caseeq(const char *s, size_t len, const char *word);

/* Printing orders of the times: .private; .key comments. -1 terminated. */
extern const int zw_kf_priv_order[];
extern const int zw_kf_key_order[];

/* Whole small file into a NUL-terminated heap buffer: 0, -errno, or
 * ZW_ERANGE when larger than 1 MiB. */
int zw_kf_read(const char *path, char **buf, size_t *len);

/* Write via a temp file in the same directory, fsync, chmod, rename,
 * fsync the directory. 0 or -errno. */
int zw_kf_write_atomic(const char *path, const char *data, size_t len,
		       unsigned mode);

/* "<dir>/<name>" (or name alone when dir is NULL/empty or name is
 * absolute). False when it does not fit. */
bool zw_kf_join(char *out, size_t outsize, const char *dir, const char *name);

#endif
