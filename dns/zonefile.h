/* Master-file parser (RFC 1035 §5 with BIND's directives and rules).
 *
 * Streams records one at a time: the text is read through a fixed-size
 * buffer that is refilled as parsing goes, so a zone of any size parses in
 * bounded memory. Handles $ORIGIN, $TTL, $INCLUDE (path relative to the
 * including file, optional origin), $GENERATE (BIND syntax, ${offset,width,
 * base} modifiers and /step), parentheses, comments, quoted strings, "@",
 * omitted owner / TTL / class as BIND does, TTL units (1h30m, 1W2D) and class
 * IN only.
 *
 * dns/ does no I/O: the parser reads through a zw_zonefile_io. The one
 * exception is dns/zonefile_fd.c, a small adapter that opens, reads and
 * closes files for $INCLUDE and for programs (open/read/close only, no
 * printing). Errors carry "file:line: what was expected"; warnings (no $TTL,
 * TTL set to prior TTL, ...) go to a callback. */
#ifndef ZW_DNS_ZONEFILE_H
#define ZW_DNS_ZONEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One resource record as the parser hands it out and as the zone model
 * (dns/zone.h) takes it in. Pointers stay valid until the next call. */
struct zw_rec {
	const uint8_t *owner; /* uncompressed wire name */
	const uint8_t *rdata; /* uncompressed wire rdata */
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
	const char *file; /* where it came from (NULL: not from a file) */
	unsigned long line;
};

/* Where text comes from. read returns the byte count, 0 at end or a
 * negative zw_err. open serves $INCLUDE: `path` as written, `from` the name
 * of the including file; it writes the name to report (and to resolve
 * nested includes against) into name[0..namemax) and returns a handle, or
 * NULL with *err set. open may be NULL (then $INCLUDE is refused). */
struct zw_zonefile_io {
	long (*read)(void *ctx, void *handle, char *buf, size_t len);
	void *(*open)(void *ctx, const char *from, const char *path,
		      char *name, size_t namemax, int *err);
	void (*close)(void *ctx, void *handle);
	void *ctx;
};

typedef void zw_zonefile_warn_fn(void *ctx, const char *file,
				 unsigned long line, const char *msg);

struct zw_zonefile_opts {
	const uint8_t *origin;     /* initial origin, wire form; may be NULL */
	zw_zonefile_warn_fn *warn; /* may be NULL */
	void *warn_ctx;
};

struct zw_zonefile;

/* Start parsing the already opened `handle` (named `name` in messages).
 * The parser takes ownership of the handle (closes it through io->close).
 * Returns NULL when out of memory (the handle is then closed too). */
struct zw_zonefile *zw_zonefile_new(const struct zw_zonefile_io *io,
				    void *handle, const char *name,
				    const struct zw_zonefile_opts *opts);

/* Parse text held in memory (no $INCLUDE). The text must outlive the
 * parser. */
struct zw_zonefile *zw_zonefile_new_mem(const char *text, size_t len,
					const char *name,
					const struct zw_zonefile_opts *opts);

/* Next record: 1 and *rec filled, 0 at the end, or a negative zw_err with
 * the message in zw_zonefile_error(). After an error the parser is done. */
int zw_zonefile_next(struct zw_zonefile *zf, struct zw_rec *rec);

/* "file:line: message" of the last error ("" when none). */
const char *zw_zonefile_error(const struct zw_zonefile *zf);

/* Current origin (wire), or NULL when none was given or set. */
const uint8_t *zw_zonefile_origin(const struct zw_zonefile *zf);

void zw_zonefile_free(struct zw_zonefile *zf);

/* Parse a TTL ("3600", "1h30m", "1W2D"; units s m h d w, any case).
 * Returns 0 or ZW_ETTL (also when the value exceeds 2^32-1). */
int zw_zonefile_ttl(const char *s, size_t len, uint32_t *ttl);

/* File adapter (dns/zonefile_fd.c): open `path` for reading and start a
 * parser on it; $INCLUDE paths resolve relative to the including file.
 * Returns NULL with *err set (-errno or ZW_ENOMEM). */
struct zw_zonefile *zw_zonefile_open(const char *path,
				     const struct zw_zonefile_opts *opts,
				     int *err);

#endif
