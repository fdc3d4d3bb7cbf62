/* NSEC3 owner hashing (RFC 5155 §5): IH(salt, x, 0) = SHA-1(x || salt),
 * IH(salt, x, k) = SHA-1(IH(salt, x, k-1) || salt), the hash of a name
 * being IH(salt, lower-cased wire name, iterations).
 *
 * Three implementations give identical results:
 *   OPENSSL  one name at a time through OpenSSL's SHA-1 block function
 *            (SHA-NI when the CPU has it);
 *   IPSECMB  Intel IPsec-MB SHA-1 jobs over many names at once, each
 *            iteration's digest fed into the name's next job;
 *   SHANI    our own SHA-NI code compressing four names' blocks
 *            interleaved, so the SHA unit's latency is hidden.
 * A batch context made with ZW_NSEC3_IMPL_AUTO uses the one measured
 * fastest on this CPU at first use (once per process, thread-safe), or
 * the one the environment variable ZW_NSEC3_IMPL names ("openssl",
 * "ipsec-mb", "sha-ni"). Tests and benchmarks ask for one explicitly.
 *
 * No function here allocates except zw_nsec3_batch_new; a batch context
 * belongs to one thread at a time. Names are well-formed uncompressed wire
 * names in any case; they are lower-cased internally. */
#ifndef ZW_CRYPTO_NSEC3_H
#define ZW_CRYPTO_NSEC3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZW_NSEC3_HASH_LEN 20     /* SHA-1, NSEC3 hash algorithm 1 */
#define ZW_NSEC3_SALT_MAX 255
#define ZW_NSEC3_B32_LEN  32     /* base32hex of a 20-octet hash */
#define ZW_NSEC3_ALG_SHA1 1

enum zw_nsec3_impl {
	ZW_NSEC3_IMPL_AUTO = 0,
	ZW_NSEC3_IMPL_OPENSSL,
	ZW_NSEC3_IMPL_IPSECMB,
	ZW_NSEC3_IMPL_SHANI,
	ZW_NSEC3_IMPL_COUNT
};

/* Hash one name. Returns ZW_OK, ZW_ERANGE (salt longer than 255) or
 * ZW_ENAMELEN (name not a well-formed wire name within 255 octets). */
int zw_nsec3_hash(const uint8_t *name, const uint8_t *salt, size_t saltlen,
		  uint16_t iterations, uint8_t out[ZW_NSEC3_HASH_LEN]);

/* True when `impl` can run on this CPU (AUTO and OPENSSL always can). */
bool zw_nsec3_impl_available(enum zw_nsec3_impl impl);

/* Short name ("openssl", "ipsec-mb", "sha-ni", "auto"); never NULL. */
const char *zw_nsec3_impl_name(enum zw_nsec3_impl impl);

/* The implementation AUTO stands for: measured once on first call (about
 * a millisecond), unless ZW_NSEC3_IMPL names an available one. */
enum zw_nsec3_impl zw_nsec3_impl_selected(void);

struct zw_nsec3_batch;

/* A batch context for `impl` (AUTO: the selected one). NULL when the
 * implementation is unavailable here or memory runs out. */
struct zw_nsec3_batch *zw_nsec3_batch_new(enum zw_nsec3_impl impl);
void zw_nsec3_batch_free(struct zw_nsec3_batch *b);

/* The implementation a context runs (never AUTO). */
enum zw_nsec3_impl zw_nsec3_batch_impl(const struct zw_nsec3_batch *b);

/* Hash n names with one salt and iteration count: out[i] gets the hash of
 * names[i]. Returns ZW_OK or a negative zw_err (ZW_ERANGE, ZW_ENAMELEN,
 * ZW_ECRYPTO); on error out[] is unspecified. */
int zw_nsec3_hash_batch(struct zw_nsec3_batch *b,
			const uint8_t *const names[], size_t n,
			const uint8_t *salt, size_t saltlen,
			uint16_t iterations, uint8_t out[][ZW_NSEC3_HASH_LEN]);

/* NSEC3 owner name "<base32hex(hash)>.<zone>" in lower-case wire form into
 * out (ZW_NAME_MAX octets). Returns the wire length or ZW_ENAMELEN. */
int zw_nsec3_owner(uint8_t *out, const uint8_t hash[ZW_NSEC3_HASH_LEN],
		   const uint8_t *zone);

#endif
