/* Internal to crypto/nsec3*.c: message layout shared by the NSEC3 hash
 * implementations and the table through which nsec3.c dispatches to them.
 *
 * Every implementation hashes two kinds of message:
 *   msg0: lower-cased wire name || salt            (iteration 0)
 *   iter: previous 20-octet digest || salt         (iterations 1..k)
 * Both are built with SHA-1 padding already applied, so block-level code
 * only compresses 64-octet blocks. The iter message is made once per call
 * from a template: only its first 20 octets change between iterations. */
#ifndef ZW_CRYPTO_NSEC3_IMPL_H
#define ZW_CRYPTO_NSEC3_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/nsec3.h"
#include "crypto/nsec3_msg.h"
/* 255 (name) + 255 (salt) + 9 (padding) rounded up to whole blocks. */
#define ZW_NSEC3_MSG0_MAX (9 * ZW_SHA1_BLOCK)
/* 20 (digest) + 255 (salt) + 9 (padding) rounded up. */
#define ZW_NSEC3_ITER_MAX (5 * ZW_SHA1_BLOCK)

extern const uint32_t zw_sha1_iv[5];

/* One batch call's parameters, prepared once for all names. */
struct zw_nsec3_param {
	const uint8_t *salt;
	size_t saltlen;
	uint16_t iterations;
	size_t iter_blocks;                   /* blocks in the iter message */
	uint8_t iter_tmpl[ZW_NSEC3_ITER_MAX]; /* 20 x 0 || salt || padding */
};

/* Fill p (salt must be <= 255 octets). */
void zw_nsec3_param_init(struct zw_nsec3_param *p, const uint8_t *salt,
			 size_t saltlen, uint16_t iterations);

/* SHA-1 state words to the 20-octet big-endian digest. */
static inline void zw_sha1_put(uint8_t *out, const uint32_t st[5])
{
	for (int i = 0; i < 5; i++) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint32_t w = __builtin_bswap32(st[i]);

		memcpy(out + 4 * i, &w, 4);
#else
		out[4 * i] = (uint8_t)(st[i] >> 24);
		out[4 * i + 1] = (uint8_t)(st[i] >> 16);
		out[4 * i + 2] = (uint8_t)(st[i] >> 8);
		out[4 * i + 3] = (uint8_t)st[i];
#endif
	}
}

/* One implementation. run() gets a salt of at most 255 octets and checks
 * each name with zw_nsec3_name_len as it takes it up (one walk per name);
 * it hashes every valid name and returns ZW_OK, ZW_ENAMELEN (some name
 * was malformed) or ZW_ECRYPTO. */
struct zw_nsec3_ops {
	const char *name;
	bool (*available)(void);
	void *(*ctx_new)(void);
	void (*ctx_free)(void *ctx);
	int (*run)(void *ctx, const uint8_t *const names[], size_t n,
		   const struct zw_nsec3_param *p,
		   uint8_t out[][ZW_NSEC3_HASH_LEN]);
};

extern const struct zw_nsec3_ops zw_nsec3_ops_openssl;
extern const struct zw_nsec3_ops zw_nsec3_ops_ipsecmb;
extern const struct zw_nsec3_ops zw_nsec3_ops_shani;

#endif
