/* RR types and classes: numbers and mnemonics. */
#ifndef ZW_DNS_RRTYPE_H
#define ZW_DNS_RRTYPE_H

#include <stddef.h>
#include <stdint.h>

enum zw_rrtype {
	ZW_TYPE_A = 1,
	ZW_TYPE_NS = 2,
	ZW_TYPE_CNAME = 5,
	ZW_TYPE_SOA = 6,
	ZW_TYPE_PTR = 12,
	ZW_TYPE_HINFO = 13,
	ZW_TYPE_MX = 15,
	ZW_TYPE_TXT = 16,
	ZW_TYPE_RP = 17,
	ZW_TYPE_AFSDB = 18,
	ZW_TYPE_AAAA = 28,
	ZW_TYPE_LOC = 29,
	ZW_TYPE_SRV = 33,
	ZW_TYPE_NAPTR = 35,
	ZW_TYPE_KX = 36,
	ZW_TYPE_DNAME = 39,
	ZW_TYPE_OPT = 41,
	ZW_TYPE_DS = 43,
	ZW_TYPE_SSHFP = 44,
	ZW_TYPE_RRSIG = 46,
	ZW_TYPE_NSEC = 47,
	ZW_TYPE_DNSKEY = 48,
	ZW_TYPE_NSEC3 = 50,
	ZW_TYPE_NSEC3PARAM = 51,
	ZW_TYPE_TLSA = 52,
	ZW_TYPE_CDS = 59,
	ZW_TYPE_CDNSKEY = 60,
	ZW_TYPE_ZONEMD = 63,
	ZW_TYPE_SVCB = 64,
	ZW_TYPE_HTTPS = 65,
	ZW_TYPE_SPF = 99,
	ZW_TYPE_IXFR = 251,
	ZW_TYPE_AXFR = 252,
	ZW_TYPE_ANY = 255,
	ZW_TYPE_CAA = 257,
	ZW_TYPE_PRIVATE = 65534, /* BIND's signing-state records (TYPE65534) */
};

enum zw_rrclass {
	ZW_CLASS_IN = 1,
	ZW_CLASS_CH = 3,
	ZW_CLASS_HS = 4,
	ZW_CLASS_NONE = 254,
	ZW_CLASS_ANY = 255,
};

/* Mnemonic ("AAAA") or RFC 3597 "TYPEnnn", case-insensitive.
 * Returns the type (0..65535) or ZW_ETYPE. */
int zw_rrtype_from_str(const char *s, size_t len);

/* Mnemonic, or "TYPEnnn" for types without one. Returns length or ZW_ENOSPC. */
int zw_rrtype_to_str(uint16_t type, char *buf, size_t bufsize);

/* "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn". Returns class or ZW_ECLASS. */
int zw_class_from_str(const char *s, size_t len);
int zw_class_to_str(uint16_t rclass, char *buf, size_t bufsize);

/* Meta types and QTYPEs that never appear in zone data (OPT, AXFR, ANY, ...). */
int zw_rrtype_is_meta(uint16_t type);

#endif
