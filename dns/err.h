/* One error space for all of zonewire: 0 is success, -errno values are
 * system errors, and DNS/format errors start at -1000 so they never clash. */
#ifndef ZW_DNS_ERR_H
#define ZW_DNS_ERR_H

enum zw_err {
	ZW_OK = 0,
	ZW_EBASE = -1000,
	ZW_EMALF = -1000,      /* malformed input (generic) */
	ZW_ENOSPC = -1001,     /* output buffer too small */
	ZW_ELABEL = -1002,     /* label longer than 63 octets */
	ZW_ENAMELEN = -1003,   /* name longer than 255 octets */
	ZW_EESCAPE = -1004,    /* bad \DDD or trailing backslash */
	ZW_ERELATIVE = -1005,  /* relative name and no origin */
	ZW_ETYPE = -1006,      /* unknown RR type mnemonic */
	ZW_ECLASS = -1007,     /* unsupported class */
	ZW_ETTL = -1008,       /* bad TTL */
	ZW_ERDATA = -1009,     /* bad rdata field */
	ZW_EBASE64 = -1010,    /* bad base64 */
	ZW_EBASE32 = -1011,    /* bad base32hex */
	ZW_EHEX = -1012,       /* bad hex */
	ZW_ETRUNC = -1013,     /* input ends too early */
	ZW_ETRAILING = -1014,  /* trailing data after the end */
	ZW_ECOMPRESS = -1015,  /* bad compression pointer */
	ZW_ERANGE = -1016,     /* number out of range */
	ZW_ENOTFOUND = -1017,  /* no such item */
	ZW_EEXIST = -1018,     /* item exists already */
	ZW_ESYNTAX = -1019,    /* zone-file syntax error */
	ZW_EINCLUDE = -1020,   /* $INCLUDE failed or nested too deep */
	ZW_ENOSOA = -1021,     /* zone has no SOA at its apex */
	ZW_ENONS = -1022,      /* zone has no NS at its apex */
	ZW_ECNAME = -1023,     /* CNAME and other data */
	ZW_EOUTZONE = -1024,   /* record outside the zone */
	ZW_EMULTISOA = -1025,  /* more than one SOA */
	ZW_ENOMEM = -1026,     /* allocation failed */
	ZW_EALG = -1027,       /* unknown or unsupported algorithm */
	ZW_EKEY = -1028,       /* bad key material or key file */
	ZW_ECRYPTO = -1029,    /* crypto library failure */
	ZW_EBADSIG = -1030,    /* signature does not verify */
	ZW_EFORMAT = -1031,    /* bad file format / version */
	ZW_EDUP = -1032,       /* duplicate (e.g. two OPT records) */
	ZW_EGENERATE = -1033,  /* bad $GENERATE */
	ZW_ELAST = -1034
};

/* Static description of an error code; never NULL. */
const char *zw_strerror(int err);

#endif
