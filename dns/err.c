#include <string.h>

#include "dns/err.h"

static const char *const msgs[] = {
	[-(ZW_EMALF - ZW_EBASE)] = "malformed input",
	[-(ZW_ENOSPC - ZW_EBASE)] = "output buffer too small",
	[-(ZW_ELABEL - ZW_EBASE)] = "label longer than 63 octets",
	[-(ZW_ENAMELEN - ZW_EBASE)] = "name longer than 255 octets",
	[-(ZW_EESCAPE - ZW_EBASE)] = "bad escape sequence",
	[-(ZW_ERELATIVE - ZW_EBASE)] = "relative name without origin",
	[-(ZW_ETYPE - ZW_EBASE)] = "unknown RR type",
	[-(ZW_ECLASS - ZW_EBASE)] = "unsupported class (only IN)",
	[-(ZW_ETTL - ZW_EBASE)] = "bad TTL",
	[-(ZW_ERDATA - ZW_EBASE)] = "bad rdata",
	[-(ZW_EBASE64 - ZW_EBASE)] = "bad base64",
	[-(ZW_EBASE32 - ZW_EBASE)] = "bad base32hex",
	[-(ZW_EHEX - ZW_EBASE)] = "bad hex",
	[-(ZW_ETRUNC - ZW_EBASE)] = "input truncated",
	[-(ZW_ETRAILING - ZW_EBASE)] = "trailing data",
	[-(ZW_ECOMPRESS - ZW_EBASE)] = "bad compression pointer",
	[-(ZW_ERANGE - ZW_EBASE)] = "value out of range",
	[-(ZW_ENOTFOUND - ZW_EBASE)] = "not found",
	[-(ZW_EEXIST - ZW_EBASE)] = "already exists",
	[-(ZW_ESYNTAX - ZW_EBASE)] = "syntax error",
	[-(ZW_EINCLUDE - ZW_EBASE)] = "$INCLUDE failed",
	[-(ZW_ENOSOA - ZW_EBASE)] = "no SOA record at the zone apex",
	[-(ZW_ENONS - ZW_EBASE)] = "no NS records at the zone apex",
	[-(ZW_ECNAME - ZW_EBASE)] = "CNAME and other data",
	[-(ZW_EOUTZONE - ZW_EBASE)] = "record outside the zone",
	[-(ZW_EMULTISOA - ZW_EBASE)] = "more than one SOA record",
	[-(ZW_ENOMEM - ZW_EBASE)] = "out of memory",
	[-(ZW_EALG - ZW_EBASE)] = "unknown or unsupported algorithm",
	[-(ZW_EKEY - ZW_EBASE)] = "bad key",
	[-(ZW_ECRYPTO - ZW_EBASE)] = "cryptographic library failure",
	[-(ZW_EBADSIG - ZW_EBASE)] = "signature does not verify",
	[-(ZW_EFORMAT - ZW_EBASE)] = "bad file format or version",
	[-(ZW_EDUP - ZW_EBASE)] = "duplicate item",
	[-(ZW_EGENERATE - ZW_EBASE)] = "bad $GENERATE",
};

const char *zw_strerror(int err)
{
	if (err == 0)
		return "success";
	if (err < 0 && err > ZW_EBASE + 1)
		return strerror(-err);
	if (err <= ZW_EBASE && err > ZW_ELAST) {
		const char *m = msgs[-(err - ZW_EBASE)];
		return m ? m : "unknown error";
	}
	return "unknown error";
}
