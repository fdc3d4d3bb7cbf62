/* Fast path for the names of the master-file parser: a name without
 * escapes (the usual case), parsed eight octets at a time. Anything else
 * (escapes, "@", errors) goes to zw_name_from_str(), which this matches
 * exactly where it answers (checked in tests/dns/test_zonefile.c). Token
 * text has readable buffer slack after it (dns/zonefile_int.h), so words
 * are loaded whole. */
#include <string.h>

#include "dns/zonefile_int.h"

static inline uint64_t has_byte(uint64_t w, uint64_t c)
{
	uint64_t x = w ^ c;
	return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

/* Offset in s[0..len) of the first '.' or '\\' (len if none). */
static inline size_t stop(const char *s, size_t len)
{
	size_t i = 0;
	for (; i < len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t m = has_byte(w, 0x2e2e2e2e2e2e2e2eull) |
			     has_byte(w, 0x5c5c5c5c5c5c5c5cull);
		if (m) {
			/* the lowest flagged byte is exact (higher ones may
			 * be false hits after a borrow) */
			size_t k = i + (size_t)__builtin_ctzll(m) / 8;
			return k < len ? k : len;
		}
	}
	return len;
}

/* Copy n octets a word at a time: dst has room for n rounded up to 8, and
 * src readable that far (token text and the local buffer have slack). */
static inline void copy_words(uint8_t *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w;
		memcpy(&w, src + i, 8);
		memcpy(dst + i, &w, 8);
	}
}

/* Wire name of s[0..len) into out (ZW_NAME_MAX octets): its length, or -1
 * when the general parser must decide. olen: wire length of origin. */
int zf_name_fast(uint8_t *out, const char *s, size_t len,
		 const uint8_t *origin, size_t olen)
{
	uint8_t buf[ZW_NAME_MAX + 16];
	size_t n = 0, i = 0;
	if (len == 0 || len > ZW_NAME_MAX || (len == 1 && s[0] == '@'))
		return -1;
	for (;;) {
		size_t l = stop(s + i, len - i);
		if (l == 0 || l > ZW_LABEL_MAX || n + 1 + l > ZW_NAME_MAX - 1)
			return -1;
		if (i + l < len && s[i + l] == '\\')
			return -1;
		buf[n] = (uint8_t)l;
		copy_words(buf + n + 1, s + i, l);
		n += 1 + l;
		i += l + 1; /* past the dot */
		if (i == len) { /* absolute */
			buf[n++] = 0;
			break;
		}
		if (i > len) { /* relative */
			if (!origin || n + olen > ZW_NAME_MAX)
				return -1;
			memcpy(buf + n, origin, olen);
			n += olen;
			break;
		}
	}
	size_t k = 0;
	for (; k + 8 <= n; k += 8)
		memcpy(out + k, buf + k, 8);
	for (; k < n; k++)
		out[k] = buf[k];
	return (int)n;
}
