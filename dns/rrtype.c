/* RR type and class mnemonics: the IANA registry entries that BIND 9.18
 * (named-rrchecker -T) prints by name, so zone output matches
 * named-checkzone -D; everything else is RFC 3597 TYPEnnn. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/err.h"
#include "dns/rrtype.h"

struct mnemonic {
	uint16_t num;
	const char *name;
};

/* Sorted by number so printing could bisect; the table is small enough
 * that a linear scan is fine for now. */
static const struct mnemonic types[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP-PTR" }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS" }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 31, "EID" }, { 32, "NIMLOC" }, { 33, "SRV" }, { 34, "ATMA" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 38, "A6" },
	{ 39, "DNAME" }, { 40, "SINK" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 49, "DHCID" }, { 50, "NSEC3" },
	{ 51, "NSEC3PARAM" }, { 52, "TLSA" }, { 53, "SMIMEA" }, { 55, "HIP" },
	{ 56, "NINFO" }, { 57, "RKEY" }, { 58, "TALINK" }, { 59, "CDS" },
	{ 60, "CDNSKEY" }, { 61, "OPENPGPKEY" }, { 62, "CSYNC" },
	{ 63, "ZONEMD" }, { 64, "SVCB" }, { 65, "HTTPS" }, { 66, "DSYNC" },
	{ 67, "HHIT" }, { 68, "BRID" }, { 99, "SPF" },
	{ 100, "UINFO" }, { 101, "UID" }, { 102, "GID" }, { 103, "UNSPEC" },
	{ 104, "NID" }, { 105, "L32" }, { 106, "L64" }, { 107, "LP" },
	{ 108, "EUI48" }, { 109, "EUI64" }, { 249, "TKEY" }, { 250, "TSIG" },
	{ 251, "IXFR" }, { 252, "AXFR" }, { 253, "MAILB" }, { 254, "MAILA" },
	{ 255, "ANY" }, { 256, "URI" }, { 257, "CAA" }, { 258, "AVC" },
	{ 259, "DOA" }, { 260, "AMTRELAY" }, { 261, "RESINFO" },
	{ 262, "WALLET" }, { 32768, "TA" },
	{ 32769, "DLV" },
};

static const struct mnemonic classes[] = {
	{ 1, "IN" }, { 3, "CH" }, { 4, "HS" }, { 254, "NONE" }, { 255, "ANY" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Decimal 0..65535 after a prefix ("TYPE", "CLASS"): digits only. */
static int parse_num(const char *s, size_t len)
{
	long v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > 65535 ? -1 : (int)v;
}

/* Look up a mnemonic, else "<prefix>nnn"; -1 when neither. */
static int from_str(const struct mnemonic *t, size_t n, const char *prefix,
		    const char *s, size_t len)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len &&
		    strncasecmp(t[i].name, s, len) == 0)
			return t[i].num;
	if (len > plen && strncasecmp(s, prefix, plen) == 0)
		return parse_num(s + plen, len - plen);
	return -1;
}

static int to_str(const struct mnemonic *t, size_t n, const char *prefix,
		  uint16_t num, char *buf, size_t bufsize)
{
	int r = -1;

	for (size_t i = 0; i < n && r < 0; i++)
		if (t[i].num == num)
			r = snprintf(buf, bufsize, "%s", t[i].name);
	if (r < 0)
		r = snprintf(buf, bufsize, "%s%u", prefix, num);
	return (r < 0 || (size_t)r >= bufsize) ? ZW_ENOSPC : r;
}

/* The mnemonics of nearly all records in real zones (and of the types in
 * their NSEC bitmaps and RRSIGs), found without the table scan: the token,
 * upper-cased, as a little-endian number. The scan costs about a thousand
 * instructions a token and a signed zone has several tokens a record. */
#define K2(a, b) ((uint64_t)(a) | (uint64_t)(b) << 8)
#define K3(a, b, c) (K2(a, b) | (uint64_t)(c) << 16)
#define K4(a, b, c, d) (K3(a, b, c) | (uint64_t)(d) << 24)
#define K5(a, b, c, d, e) (K4(a, b, c, d) | (uint64_t)(e) << 32)
#define K6(a, b, c, d, e, f) (K5(a, b, c, d, e) | (uint64_t)(f) << 40)

/* Up to 8 octets, a-z folded to A-Z; other octets unchanged. */
static uint64_t upper_word(const char *s, size_t len)
{
	uint64_t k = 0, h, lo;

	memcpy(&k, s, len);
	h = k & 0x7f7f7f7f7f7f7f7full;
	lo = (h + 0x1f1f1f1f1f1f1f1full) & ~(h + 0x0505050505050505ull) &
	     ~k & 0x8080808080808080ull;
	return k & ~(lo >> 2);
}

static int common_type(const char *s, size_t len)
{
	if (len == 0 || len > 6)
		return -1;
	switch (upper_word(s, len)) {
	case 'A': return ZW_TYPE_A;
	case K2('N', 'S'): return ZW_TYPE_NS;
	case K2('M', 'X'): return ZW_TYPE_MX;
	case K2('D', 'S'): return ZW_TYPE_DS;
	case K3('T', 'X', 'T'): return ZW_TYPE_TXT;
	case K3('S', 'O', 'A'): return ZW_TYPE_SOA;
	case K3('P', 'T', 'R'): return ZW_TYPE_PTR;
	case K3('S', 'R', 'V'): return ZW_TYPE_SRV;
	case K3('C', 'A', 'A'): return ZW_TYPE_CAA;
	case K4('A', 'A', 'A', 'A'): return ZW_TYPE_AAAA;
	case K4('N', 'S', 'E', 'C'): return ZW_TYPE_NSEC;
	case K4('T', 'L', 'S', 'A'): return ZW_TYPE_TLSA;
	case K5('C', 'N', 'A', 'M', 'E'): return ZW_TYPE_CNAME;
	case K5('R', 'R', 'S', 'I', 'G'): return ZW_TYPE_RRSIG;
	case K5('N', 'S', 'E', 'C', '3'): return ZW_TYPE_NSEC3;
	case K6('D', 'N', 'S', 'K', 'E', 'Y'): return ZW_TYPE_DNSKEY;
	default: return -1;
	}
}

int zw_rrtype_from_str(const char *s, size_t len)
{
	int v = common_type(s, len);

	if (v < 0)
		v = from_str(types, NELEM(types), "TYPE", s, len);
	return v < 0 ? ZW_ETYPE : v;
}

int zw_rrtype_to_str(uint16_t type, char *buf, size_t bufsize)
{
	return to_str(types, NELEM(types), "TYPE", type, buf, bufsize);
}

int zw_class_from_str(const char *s, size_t len)
{
	int v = from_str(classes, NELEM(classes), "CLASS", s, len);

	return v < 0 ? ZW_ECLASS : v;
}

int zw_class_to_str(uint16_t rclass, char *buf, size_t bufsize)
{
	return to_str(classes, NELEM(classes), "CLASS", rclass, buf, bufsize);
}

/* RFC 6895 §3.1: 128-255 are QTYPEs and meta-types, plus OPT (41). */
int zw_rrtype_is_meta(uint16_t type)
{
	return type == ZW_TYPE_OPT || (type >= 128 && type <= 255);
}
