/* libFuzzer target for RRSIG parsing and signing-input building
 * (crypto/rrsig.c): canonical form, sorting, duplicate removal, wildcard
 * owners, over arbitrary RRSIG rdata and RRsets.
 *
 * Input: owner name (wire) | u16 RRSIG rdata length | RRSIG rdata |
 * { u16 length | rdata }... The RRset's type is the RRSIG's type covered.
 * Checks: the input fits the size zw_rrsig_input_size promised, and does
 * not depend on the order the records come in (reversed gives the same
 * bytes). zw_rrsig_verify runs too, against a stub key whose signature
 * check always fails: it must reject, and never crash.
 *
 * rrsig.c is compiled in; the OpenSSL-backed functions it calls are stubs,
 * since fuzz targets link only dns/ (see tests/fuzz/fuzz.mk). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/rrsig.c"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int zw_key_verify(const struct zw_key *key, const uint8_t *data, size_t len,
		  const uint8_t *sig, size_t siglen)
{
	(void)key;
	(void)sig;
	(void)siglen;
	/* Touch every input octet so ASan sees any overrun. */
	volatile uint8_t x = 0;
	for (size_t i = 0; i < len; i++)
		x ^= data[i];
	return ZW_EBADSIG;
}

int zw_key_sign(const struct zw_key *key, const uint8_t *data, size_t len,
		uint8_t *sig, size_t sigmax)
{
	(void)key;
	(void)data;
	(void)len;
	(void)sig;
	(void)sigmax;
	return ZW_EALG;
}

size_t zw_key_sig_size(const struct zw_key *key)
{
	(void)key;
	return 64;
}

bool zw_alg_verify_supported(uint8_t alg)
{
	return alg == 13;
}

#define MAX_RRS 512

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zw_rdata_ref rr[MAX_RRS], rev[MAX_RRS];
	const uint8_t *p = data, *end = data + size;
	struct zw_rrsig s;
	size_t n = 0, need;
	int nl = zw_name_check(p, end), a, b;

	if (nl < 0)
		return 0;
	const uint8_t *owner = p;
	p += nl;
	if (end - p < 2 || (size_t)(end - p - 2) < rd16(p))
		return 0;
	const uint8_t *sig = p + 2;
	size_t siglen = rd16(p);
	p += 2 + siglen;
	while (end - p >= 2 && (size_t)(end - p - 2) >= rd16(p) && n < MAX_RRS) {
		rr[n] = (struct zw_rdata_ref){ p + 2, rd16(p) };
		p += 2 + rr[n++].len;
	}
	if (zw_rrsig_parse(sig, siglen, &s) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		rev[n - 1 - i] = rr[i];

	struct zw_rrset_ref set = { owner, s.type_covered, 1, 3600, rr, n };
	need = zw_rrsig_input_size(&set, s.signer);
	uint8_t *x = malloc(need), *y = malloc(need);
	CHECK(x && y);
	a = zw_rrsig_input(&s, &set, x, need);
	set.rr = rev;
	b = zw_rrsig_input(&s, &set, y, need);
	CHECK(a >= 0 && (size_t)a <= need && a == b);
	CHECK(memcmp(x, y, (size_t)a) == 0);
	CHECK(zw_rrsig_input(&s, &set, y, need - 1) == ZW_ENOSPC || need == 0);

	struct zw_key key = { .alg = 13, .flags = ZW_DNSKEY_ZONE,
			      .tag = s.key_tag };
	zw_name_copy(key.owner, s.signer);
	CHECK(zw_rrsig_verify(&key, &set, sig, siglen, s.inception, NULL) < 0);
	free(x);
	free(y);
	return 0;
}
