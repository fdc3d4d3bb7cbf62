/* Dates in BIND's key files and key tools.
 *
 * Key files hold UTC times as YYYYMMDDHHMMSS; comments and `-p` output show
 * them as ctime(3) text in local time. Tools take BIND's date arguments:
 * YYYYMMDD, YYYYMMDDHHMMSS, UNIX epoch, 'Day Mon DD HH:MM:SS YYYY' (local
 * time, as `-p` prints), or "now", each optionally followed by +offset or
 * -offset (units y mo w d h mi s; none = seconds); a bare offset is relative
 * to now; none/never/unset clears the date. Times are seconds since the
 * epoch; 0 means "not set" throughout. Nothing here reads the clock: callers
 * pass `now`, so tests pin it. */
#ifndef ZW_CRYPTO_KEYTIME_H
#define ZW_CRYPTO_KEYTIME_H

#include <stddef.h>
#include <stdint.h>

#define ZW_KEYTIME_STR 15     /* "YYYYMMDDHHMMSS" + NUL */
#define ZW_KEYTIME_CTIME 32   /* "Sun Nov 29 04:46:40 2026" + NUL, room */

/* Parse a tool's date argument. *out is 0 for none/never/unset.
 * Returns 0, ZW_ESYNTAX or ZW_ERANGE; *why (may be NULL) gets a short
 * reason for the user. */
int zw_keytime_parse(const char *s, int64_t now, int64_t *out,
		     const char **why);

/* Parse an interval ("30d", "1w", "3600"): seconds in *out. */
int zw_keytime_interval(const char *s, int64_t *out, const char **why);

/* Exactly 14 digits YYYYMMDDHHMMSS (UTC) in [s, s+len). */
int zw_keytime_scan(const char *s, size_t len, int64_t *out);

/* YYYYMMDDHHMMSS (UTC). Returns 14 or ZW_ENOSPC / ZW_ERANGE. */
int zw_keytime_fmt(int64_t t, char *buf, size_t bufsize);

/* ctime-style local time without newline ("Sun Nov 29 04:46:40 2026"). */
int zw_keytime_ctime(int64_t t, char *buf, size_t bufsize);

#endif
