/* BIND key files: K<name>+<alg>+<tag>.key, .private (Private-key-format
 * v1.3, v1.2 read) and .state, so keys move between BIND and zonewire both
 * ways.
 *
 * Two layers. The text layer (zw_privtext_*, zw_pubtext_*, zw_keystate_*)
 * parses and prints the three files without crypto; parsers take
 * (pointer, end) and say which line and field is wrong. The file layer
 * (zw_keyfile_*) ties them to struct zw_key: it loads a pair (and its
 * .state, whose times win over .private as in BIND), checks that the halves
 * match, and writes all files atomically (temp file, fsync, rename; .private
 * mode 0600). Key material read from a .private is written back verbatim, so
 * changing metadata never re-encodes a private key. */
#ifndef ZW_CRYPTO_KEYFILE_H
#define ZW_CRYPTO_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/key.h"

/* Timing metadata: the eight of enum zw_key_time (stored in struct zw_key)
 * plus the DS times BIND keeps ("DS Publish"/"DS Delete" in settime -p). */
enum zw_kf_time {
	ZW_KFT_DSPUBLISH = ZW_KT_COUNT, /* .private and .state "DSPublish" */
	ZW_KFT_DSDELETE,                /* .state "DSRemoved" only */
	ZW_KFT_COUNT
};

/* Numeric metadata BIND writes in .private before the times. */
enum zw_kf_num {
	ZW_KFN_PREDECESSOR,
	ZW_KFN_SUCCESSOR,
	ZW_KFN_MAXTTL,
	ZW_KFN_ROLLPERIOD,
	ZW_KFN_COUNT
};

/* Where a file is wrong: 1-based line (0: the file as a whole) and the
 * field ("PrivateKey", "Created", "flags", ...), "" when none applies. */
struct zw_kf_err {
	unsigned line;
	char field[32];
};

struct zw_kf_span {
	const char *s;
	size_t len;
};

/* ---- .private ---- */

#define ZW_KF_FIELDS_MAX 16

struct zw_privtext {
	unsigned minor;                 /* Private-key-format: v1.<minor> */
	unsigned alg;
	size_t nfields;                 /* key material lines, file order */
	struct {
		struct zw_kf_span name, value;
		unsigned line;
	} fields[ZW_KF_FIELDS_MAX];
	int64_t times[ZW_KFT_COUNT];    /* 0: absent */
	bool has_num[ZW_KFN_COUNT];
	uint32_t num[ZW_KFN_COUNT];
};

/* Spans point into [p, end). Returns 0 or a zw_err (ZW_EFORMAT for the
 * header, ZW_ESYNTAX, ZW_EDUP, ZW_ERANGE, ZW_ENOSPC for too many fields). */
int zw_privtext_parse(const char *p, const char *end, struct zw_privtext *pt,
		      struct zw_kf_err *err);

/* Print as BIND does: header, Algorithm line, material, numeric metadata,
 * times. Returns the length or ZW_ENOSPC. */
int zw_privtext_format(const struct zw_privtext *pt, char *buf,
		       size_t bufsize);

/* BIND's algorithm mnemonic in the "Algorithm:" line ("NSEC3RSASHA1" for
 * 7), "UNKNOWN" when it has none. */
const char *zw_privtext_algname(unsigned alg);

/* ---- .key ---- */

#define ZW_KF_B64_MAX 1400      /* base64 of ZW_KEY_PUB_MAX octets */

struct zw_pubtext {
	struct zw_kf_span owner;        /* presentation text as written */
	bool has_ttl;
	uint32_t ttl;
	uint16_t rclass;                /* 1 (IN) unless written */
	uint16_t rrtype;                /* 48 DNSKEY or 25 KEY */
	unsigned flags, proto, alg;
	size_t b64len;
	char b64[ZW_KF_B64_MAX];        /* key field, tokens joined */
	int64_t times[ZW_KFT_COUNT];    /* "; Created: ..." comments */
	unsigned line;                  /* line of the record */
};

int zw_pubtext_parse(const char *p, const char *end, struct zw_pubtext *pt,
		     struct zw_kf_err *err);

/* Print as dnssec-keygen does: "; This is a ..." header with `tag`, the
 * timing comments that are set, the record with the key field in 56-char
 * chunks. Returns the length or ZW_ENOSPC. */
int zw_pubtext_format(const struct zw_pubtext *pt, uint16_t tag, char *buf,
		      size_t bufsize);

/* ---- .state ---- */

#define ZW_KS_MAX 48

struct zw_keystate {
	size_t n;
	struct {
		char tag[24];
		char value[104];
	} ent[ZW_KS_MAX];
};

int zw_keystate_parse(const char *p, const char *end, struct zw_keystate *st,
		      struct zw_kf_err *err);

/* Header "; This is the state of key <tag>, for <owner>." then the lines in
 * their order. Returns the length or ZW_ENOSPC. */
int zw_keystate_format(const struct zw_keystate *st, uint16_t tag,
		       const char *owner, char *buf, size_t bufsize);

/* Value text of `tag`, NULL when absent. */
const char *zw_keystate_get(const struct zw_keystate *st, const char *tag);

/* Set (value non-NULL) or remove (NULL) a line; a new tag goes where BIND
 * puts it. Returns 0, ZW_ENOSPC or ZW_ERANGE (value too long). */
int zw_keystate_set(struct zw_keystate *st, const char *tag,
		    const char *value);

/* Time `which` (enum zw_key_time / zw_kf_time) under BIND's state name
 * (Generated, Published, Active, ...): 0 and *t, or ZW_ENOTFOUND, or
 * ZW_ESYNTAX when the value is not a time. */
int zw_keystate_get_time(const struct zw_keystate *st, int which, int64_t *t);

/* Set (t > 0) or remove (t == 0) time `which`, printed as BIND prints it. */
int zw_keystate_set_time(struct zw_keystate *st, int which, int64_t t);

/* State-file name of time `which` ("Published"); .private/.key name
 * ("Publish") with zw_kf_time_name. */
const char *zw_keystate_time_name(int which);
const char *zw_kf_time_name(int which);

/* ---- key pairs on disk ---- */

struct zw_keyfile {
	struct zw_key *key;             /* owned; times[] hold zw_key_time */
	int64_t ds_times[2];            /* ZW_KFT_DSPUBLISH, ZW_KFT_DSDELETE */
	bool has_num[ZW_KFN_COUNT];
	uint32_t num[ZW_KFN_COUNT];
	uint16_t rclass, rrtype;        /* of the .key record: IN, DNSKEY */
	unsigned minor;                 /* .private v1.<minor> read, 0: none */
	char *material;                 /* "Name: value\n" key lines, or NULL */
	struct zw_keystate *state;      /* .state contents, NULL when none */
};

#define ZW_KF_PUBLIC 1u   /* load the .key (and .state) only */
#define ZW_KF_MSG 512     /* enough for any message below */

/* BIND's rule for tools given a key path and no -K: the key lives in (and
 * is written back to) the directory the path names. Writes that directory
 * ("." when the path has none) to dirbuf and returns the path's last part. */
const char *zw_keyfile_split(const char *path, char *dirbuf, size_t n);

/* Load a key pair. `name` is a base name ("Kexample.com.+013+12345"),
 * optionally ending in .key/.private/.state or "."; relative names are
 * looked up in `dir` (NULL or "": as given), absolute ones as given.
 * Returns NULL on failure with *err set and msg holding
 * "<file>[:line]: [field: ]reason". */
struct zw_keyfile *zw_keyfile_load(const char *dir, const char *name,
				   unsigned flags, int *err, char *msg,
				   size_t msglen);

/* Wrap a new key (ownership passes; on failure the key is freed): its
 * private half becomes the material to write. */
struct zw_keyfile *zw_keyfile_new(struct zw_key *key, int *err);

void zw_keyfile_free(struct zw_keyfile *kf);

/* Write the .private (v1.3, mode 0600, when there is private material),
 * the .key and the .state (when present) under the key's current base
 * name in `dir` (NULL: "."), each atomically. */
int zw_keyfile_save(struct zw_keyfile *kf, const char *dir, char *msg,
		    size_t msglen);

/* Remove <dir>/<base>.key, .private and .state (missing ones are fine). */
int zw_keyfile_remove(const char *dir, const char *base, char *msg,
		      size_t msglen);

/* Any of the ZW_KFT_COUNT times. Setting one also updates the .state. */
int64_t zw_keyfile_get_time(const struct zw_keyfile *kf, int which);
void zw_keyfile_set_time(struct zw_keyfile *kf, int which, int64_t t);

/* Numeric metadata (Predecessor, ...); v 0 with set false removes it.
 * Predecessor/Successor also go to the .state. */
void zw_keyfile_set_num(struct zw_keyfile *kf, int which, bool set,
			uint32_t v);

/* BIND's base name: "K" + owner (lower-cased; octets other than letters,
 * digits, '-' and '_' as %XX) + "+AAA+TTTTT". Returns length or ZW_ENOSPC. */
int zw_keyfile_basename(const uint8_t *owner, uint8_t alg, uint16_t tag,
			char *buf, size_t bufsize);

/* Tag of the key with the REVOKE bit flipped. */
uint16_t zw_keyfile_revoked_tag(const struct zw_key *key);

/* Does `dir` hold a key of the same owner and algorithm whose tag, or
 * revoked tag, equals key's tag or revoked tag? 1 yes, 0 no, <0 error
 * (unreadable directory; msg says which). */
int zw_keyfile_collides(const char *dir, const struct zw_key *key, char *msg,
			size_t msglen);

#endif
