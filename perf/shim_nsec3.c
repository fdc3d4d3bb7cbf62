/* C side of the NSEC3 hashing benchmark (perf/bench_nsec3.cc): a batch of
 * zone-like owner names hashed by one implementation, plus the common
 * "EVP with a reused context" way of calling OpenSSL, for reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/nsec3.h"
#include "perf/shim_nsec3.h"

struct zw_perf_nsec3 {
	int impl;                       /* enum zw_nsec3_impl, or EVP */
	size_t n;
	struct zw_nsec3_batch *batch;
	EVP_MD_CTX *md;
	EVP_MD *sha1;                   /* fetched once, as a caller would */
	const uint8_t **names;
	uint8_t (*store)[32];
	uint8_t (*out)[ZW_NSEC3_HASH_LEN];
};

_Static_assert(ZW_PERF_NSEC3_AUTO == ZW_NSEC3_IMPL_AUTO &&
	       ZW_PERF_NSEC3_OPENSSL == ZW_NSEC3_IMPL_OPENSSL &&
	       ZW_PERF_NSEC3_IPSECMB == ZW_NSEC3_IMPL_IPSECMB &&
	       ZW_PERF_NSEC3_SHANI == ZW_NSEC3_IMPL_SHANI,
	       "shim numbers follow enum zw_nsec3_impl");

static const uint8_t salt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

const char *zw_perf_nsec3_name(int impl)
{
	return impl == ZW_PERF_NSEC3_EVP ? "openssl-evp"
					 : zw_nsec3_impl_name(impl);
}

int zw_perf_nsec3_available(int impl)
{
	return impl == ZW_PERF_NSEC3_EVP || zw_nsec3_impl_available(impl);
}

const char *zw_perf_nsec3_selected(void)
{
	return zw_nsec3_impl_name(zw_nsec3_impl_selected());
}

/* Names "hostNNNNNN.example." like a zone's owners. */
static void make_names(struct zw_perf_nsec3 *b)
{
	for (size_t i = 0; i < b->n; i++) {
		int l = snprintf((char *)b->store[i] + 1, 20, "host%06zu", i);

		b->store[i][0] = (uint8_t)l;
		memcpy(b->store[i] + 1 + l, "\x07" "example", 9);
		b->names[i] = b->store[i];
	}
}

struct zw_perf_nsec3 *zw_perf_nsec3_new(int impl, size_t n)
{
	struct zw_perf_nsec3 *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->impl = impl;
	b->n = n;
	b->names = calloc(n, sizeof(*b->names));
	b->store = calloc(n, sizeof(*b->store));
	b->out = calloc(n, sizeof(*b->out));
	if (impl == ZW_PERF_NSEC3_EVP) {
		b->md = EVP_MD_CTX_new();
		b->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
		if (!b->sha1) {
			EVP_MD_CTX_free(b->md);
			b->md = NULL;
		}
	} else {
		b->batch = zw_nsec3_batch_new(impl);
	}
	if (!b->names || !b->store || !b->out || (!b->md && !b->batch)) {
		zw_perf_nsec3_free(b);
		return NULL;
	}
	make_names(b);
	return b;
}

void zw_perf_nsec3_free(struct zw_perf_nsec3 *b)
{
	if (!b)
		return;
	zw_nsec3_batch_free(b->batch);
	EVP_MD_CTX_free(b->md);
	EVP_MD_free(b->sha1);
	free(b->names);
	free(b->store);
	free(b->out);
	free(b);
}

/* RFC 5155 §5 through EVP, one digest context reused for every hash. */
static int evp_one(EVP_MD_CTX *md, const EVP_MD *sha1, const uint8_t *name,
		   unsigned iters, uint8_t out[ZW_NSEC3_HASH_LEN])
{
	uint8_t lc[255];
	size_t len = 0;

	while (name[len])
		len += name[len] + 1u;
	len++;
	for (size_t i = 0; i < len; i++)
		lc[i] = (uint8_t)(name[i] >= 'A' && name[i] <= 'Z'
				  ? name[i] + 32 : name[i]);
	for (unsigned k = 0; k <= iters; k++) {
		if (!EVP_DigestInit_ex(md, sha1, NULL) ||
		    !EVP_DigestUpdate(md, k ? out : lc,
				      k ? ZW_NSEC3_HASH_LEN : len) ||
		    !EVP_DigestUpdate(md, salt, sizeof(salt)) ||
		    !EVP_DigestFinal_ex(md, out, NULL))
			return -1;
	}
	return 0;
}

int zw_perf_nsec3_run(struct zw_perf_nsec3 *b, unsigned iterations)
{
	if (b->batch)
		return zw_nsec3_hash_batch(b->batch, b->names, b->n, salt,
					   sizeof(salt), (uint16_t)iterations,
					   b->out);
	for (size_t i = 0; i < b->n; i++)
		if (evp_one(b->md, b->sha1, b->names[i], iterations, b->out[i]))
			return -1;
	return 0;
}

const uint8_t *zw_perf_nsec3_out(const struct zw_perf_nsec3 *b, size_t i)
{
	return b->out[i];
}
