/* base64, base32hex (no padding) and hex codecs. Decoders are strict: they
 * reject characters outside the alphabet, bad padding and non-zero unused
 * trailing bits, so decode(encode(x)) == x and encode(decode(s)) == s. */
#include <stdbool.h>

#include "dns/base.h"
#include "dns/err.h"

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32_alpha[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
static const char hex_alpha[] = "0123456789ABCDEF";

/* Encoders NUL-terminate: out needs the encoded length plus one. */
int zw_b64_encode(const uint8_t *in, size_t len, char *out, size_t outmax)
{
	size_t need = (len + 2) / 3 * 4, n = 0;

	if (need + 1 > outmax || need > (size_t)INT32_MAX)
		return ZW_ENOSPC;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t rem = len - i;

		if (rem > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rem > 2)
			v |= in[i + 2];
		out[n++] = b64_alpha[v >> 18 & 63];
		out[n++] = b64_alpha[v >> 12 & 63];
		out[n++] = rem > 1 ? b64_alpha[v >> 6 & 63] : '=';
		out[n++] = rem > 2 ? b64_alpha[v & 63] : '=';
	}
	out[n] = '\0';
	return (int)n;
}

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode one 4-character quantum; `last` allows padding. Returns the
 * number of octets (1..3) or ZW_EBASE64. */
static int b64_quantum(const char *q, bool last, uint8_t o[3])
{
	int v[4], pad = 0;
	uint32_t w = 0;

	for (int i = 0; i < 4; i++) {
		if (q[i] == '=' && last && i >= 2) {
			pad++;
			v[i] = 0;
			continue;
		}
		if (pad || (v[i] = b64_val(q[i])) < 0)
			return ZW_EBASE64; /* data after '=' or bad char */
		w = w << 6 | (uint32_t)v[i];
	}
	w <<= 6 * pad;
	if ((pad == 1 && (v[2] & 3)) || (pad == 2 && (v[1] & 15)))
		return ZW_EBASE64; /* unused bits must be zero */
	o[0] = (uint8_t)(w >> 16);
	o[1] = (uint8_t)(w >> 8);
	o[2] = (uint8_t)w;
	return 3 - pad;
}

int zw_b64_decode(const char *in, size_t len, uint8_t *out, size_t outmax)
{
	size_t n = 0;
	uint8_t o[3];

	if (len % 4)
		return ZW_EBASE64;
	for (size_t i = 0; i < len; i += 4) {
		int k = b64_quantum(in + i, i + 4 == len, o);

		if (k < 0)
			return k;
		if (n + (size_t)k > outmax)
			return ZW_ENOSPC;
		for (int j = 0; j < k; j++)
			out[n++] = o[j];
	}
	return (int)n;
}

int zw_b32hex_encode(const uint8_t *in, size_t len, char *out, size_t outmax)
{
	size_t need = (len * 8 + 4) / 5, n = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (need + 1 > outmax || need > (size_t)INT32_MAX)
		return ZW_ENOSPC;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[n++] = b32_alpha[acc >> bits & 31];
		}
	}
	if (bits)
		out[n++] = b32_alpha[acc << (5 - bits) & 31];
	out[n] = '\0';
	return (int)n;
}

static int b32_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	return -1;
}

int zw_b32hex_decode(const char *in, size_t len, uint8_t *out, size_t outmax)
{
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0, v;

	/* 1, 3 and 6 trailing characters cannot come from whole octets. */
	if (len % 8 == 1 || len % 8 == 3 || len % 8 == 6)
		return ZW_EBASE32;
	for (size_t i = 0; i < len; i++) {
		if ((v = b32_val(in[i])) < 0)
			return ZW_EBASE32;
		acc = (acc << 5 | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n >= outmax)
				return ZW_ENOSPC;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return ZW_EBASE32; /* unused bits must be zero */
	return (int)n;
}

int zw_hex_encode(const uint8_t *in, size_t len, char *out, size_t outmax)
{
	if (len > (size_t)INT32_MAX / 2 || len * 2 + 1 > outmax)
		return ZW_ENOSPC;
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_alpha[in[i] >> 4];
		out[2 * i + 1] = hex_alpha[in[i] & 15];
	}
	out[len * 2] = '\0';
	return (int)(len * 2);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int zw_hex_decode(const char *in, size_t len, uint8_t *out, size_t outmax)
{
	if (len % 2)
		return ZW_EHEX;
	if (len / 2 > outmax)
		return ZW_ENOSPC;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_val(in[i]), lo = hex_val(in[i + 1]);

		if (hi < 0 || lo < 0)
			return ZW_EHEX;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
}
