/* NSEC3 hashing: message layout, the OpenSSL one-at-a-time path, and the
 * dispatch between implementations (see nsec3.h). */
/* SHA1_Transform is deprecated in OpenSSL 3 but is the bare (SHA-NI aware)
 * block function; EVP costs ~3x per one-block hash through its dispatch. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "crypto/nsec3.h"
#include "crypto/nsec3_impl.h"
#include "dns/base.h"
#include "dns/err.h"
#include "dns/name.h"

const uint32_t zw_sha1_iv[5] = {
	0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
};

/* SHA-1 padding after len message octets; returns the block count. The
 * octets from len on may hold anything. */
static size_t sha1_pad(uint8_t *buf, size_t len)
{
	size_t nblk = (len + 8) / ZW_SHA1_BLOCK + 1;
	size_t end = nblk * ZW_SHA1_BLOCK;
	uint64_t bits = (uint64_t)len * 8;

	buf[len] = 0x80;
	memset(buf + len + 1, 0, end - len - 1 - 8);
	for (int i = 0; i < 8; i++)
		buf[end - 1 - i] = (uint8_t)(bits >> (8 * i));
	return nblk;
}

void zw_nsec3_param_init(struct zw_nsec3_param *p, const uint8_t *salt,
			 size_t saltlen, uint16_t iterations)
{
	p->salt = salt;
	p->saltlen = saltlen;
	p->iterations = iterations;
	memset(p->iter_tmpl, 0, ZW_NSEC3_HASH_LEN);
	if (saltlen)
		memcpy(p->iter_tmpl + ZW_NSEC3_HASH_LEN, salt, saltlen);
	p->iter_blocks = sha1_pad(p->iter_tmpl, ZW_NSEC3_HASH_LEN + saltlen);
}

/* ---- OpenSSL one-at-a-time ---- */

static void ossl_compress(SHA_CTX *c, const uint8_t *blk, size_t nblk)
{
	c->h0 = zw_sha1_iv[0];
	c->h1 = zw_sha1_iv[1];
	c->h2 = zw_sha1_iv[2];
	c->h3 = zw_sha1_iv[3];
	c->h4 = zw_sha1_iv[4];
	for (size_t i = 0; i < nblk; i++)
		SHA1_Transform(c, blk + i * ZW_SHA1_BLOCK);
}

static void ossl_digest(const SHA_CTX *c, uint8_t *out)
{
	const uint32_t st[5] = { c->h0, c->h1, c->h2, c->h3, c->h4 };

	zw_sha1_put(out, st);
}

/* iter: a writable copy of p->iter_tmpl. */
static void ossl_hash(const uint8_t *name, size_t namelen,
		      const struct zw_nsec3_param *p, uint8_t *iter,
		      uint8_t out[ZW_NSEC3_HASH_LEN])
{
	uint8_t m0[ZW_NSEC3_MSG0_MAX];
	SHA_CTX c;
	size_t nb = zw_nsec3_msg0(m0, name, namelen, p->salt, p->saltlen);

	ossl_compress(&c, m0, nb);
	for (unsigned k = 0; k < p->iterations; k++) {
		ossl_digest(&c, iter);
		ossl_compress(&c, iter, p->iter_blocks);
	}
	ossl_digest(&c, out);
}

static bool ossl_available(void)
{
	return true;
}

static void *ossl_new(void)
{
	return malloc(ZW_NSEC3_ITER_MAX);
}

static int ossl_run(void *ctx, const uint8_t *const names[], size_t n,
		    const struct zw_nsec3_param *p,
		    uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	uint8_t *iter = ctx;
	int err = ZW_OK;

	memcpy(iter, p->iter_tmpl, p->iter_blocks * ZW_SHA1_BLOCK);
	for (size_t i = 0; i < n; i++) {
		int len = zw_nsec3_name_len(names[i]);

		if (len < 0)
			err = len;
		else
			ossl_hash(names[i], (size_t)len, p, iter, out[i]);
	}
	return err;
}

const struct zw_nsec3_ops zw_nsec3_ops_openssl = {
	.name = "openssl",
	.available = ossl_available,
	.ctx_new = ossl_new,
	.ctx_free = free,
	.run = ossl_run,
};

int zw_nsec3_hash(const uint8_t *name, const uint8_t *salt, size_t saltlen,
		  uint16_t iterations, uint8_t out[ZW_NSEC3_HASH_LEN])
{
	struct zw_nsec3_param p;
	int len;

	if (saltlen > ZW_NSEC3_SALT_MAX)
		return ZW_ERANGE;
	len = zw_nsec3_name_len(name);
	if (len < 0)
		return len;
	zw_nsec3_param_init(&p, salt, saltlen, iterations);
	/* p is ours, so its template can be the writable iter buffer. */
	ossl_hash(name, (size_t)len, &p, p.iter_tmpl, out);
	return ZW_OK;
}

/* ---- dispatch ---- */

static const struct zw_nsec3_ops *impl_ops(enum zw_nsec3_impl impl)
{
	switch (impl) {
	case ZW_NSEC3_IMPL_OPENSSL:
		return &zw_nsec3_ops_openssl;
	case ZW_NSEC3_IMPL_IPSECMB:
		return &zw_nsec3_ops_ipsecmb;
	case ZW_NSEC3_IMPL_SHANI:
		return &zw_nsec3_ops_shani;
	default:
		return NULL;
	}
}

bool zw_nsec3_impl_available(enum zw_nsec3_impl impl)
{
	const struct zw_nsec3_ops *ops = impl_ops(impl);

	if (impl == ZW_NSEC3_IMPL_AUTO)
		return true;
	return ops && ops->available();
}

const char *zw_nsec3_impl_name(enum zw_nsec3_impl impl)
{
	const struct zw_nsec3_ops *ops = impl_ops(impl);

	return ops ? ops->name : impl == ZW_NSEC3_IMPL_AUTO ? "auto" : "?";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define PROBE_NAMES 32
#define PROBE_ROUNDS 8

/* One timed run; UINT64_MAX when the implementation failed. */
static uint64_t probe_once(const struct zw_nsec3_ops *ops, void *ctx,
			   const uint8_t *const names[],
			   const struct zw_nsec3_param *p)
{
	uint8_t out[PROBE_NAMES][ZW_NSEC3_HASH_LEN];
	uint64_t t = now_ns();

	if (ops->run(ctx, names, PROBE_NAMES, p, out) != ZW_OK)
		return UINT64_MAX;
	return now_ns() - t;
}

/* Probe names "\4hosX\7example" shaped like a zone's owners. */
static void probe_names(uint8_t buf[][16], const uint8_t *names[])
{
	for (int i = 0; i < PROBE_NAMES; i++) {
		memcpy(buf[i], "\x04host\x07" "example\x00", 14);
		buf[i][4] = (uint8_t)('a' + i % 26);
		names[i] = buf[i];
	}
}

static enum zw_nsec3_impl selected = ZW_NSEC3_IMPL_OPENSSL;
static pthread_once_t select_once = PTHREAD_ONCE_INIT;

/* ZW_NSEC3_IMPL=openssl|ipsec-mb|sha-ni in the environment pins the
 * choice (whole-program benchmarks, bug hunts) when available here. */
static bool forced_impl(void)
{
	const char *want = getenv("ZW_NSEC3_IMPL");

	for (int i = ZW_NSEC3_IMPL_OPENSSL; want && i < ZW_NSEC3_IMPL_COUNT; i++)
		if (strcmp(want, impl_ops(i)->name) == 0 &&
		    impl_ops(i)->available()) {
			selected = (enum zw_nsec3_impl)i;
			return true;
		}
	return false;
}

/* Time every available implementation on the same small batch (8-octet
 * salt, 4 iterations). Rounds alternate between implementations and
 * each keeps its best time, so a burst of load from elsewhere on the
 * machine hits them all alike rather than deciding the choice. */
static void select_impl(void)
{
	static const uint8_t salt[8] = { 0xaa, 0xbb, 0xcc, 0xdd, 1, 2, 3, 4 };
	uint8_t buf[PROBE_NAMES][16];
	const uint8_t *names[PROBE_NAMES];
	void *ctx[ZW_NSEC3_IMPL_COUNT] = { 0 };
	uint64_t best[ZW_NSEC3_IMPL_COUNT];
	struct zw_nsec3_param p;

	if (forced_impl())
		return;
	probe_names(buf, names);
	zw_nsec3_param_init(&p, salt, sizeof(salt), 4);
	for (int i = ZW_NSEC3_IMPL_OPENSSL; i < ZW_NSEC3_IMPL_COUNT; i++) {
		best[i] = UINT64_MAX;
		if (impl_ops(i)->available())
			ctx[i] = impl_ops(i)->ctx_new();
	}
	for (int r = 0; r <= PROBE_ROUNDS; r++)
		for (int i = ZW_NSEC3_IMPL_OPENSSL; i < ZW_NSEC3_IMPL_COUNT; i++) {
			uint64_t t;

			if (!ctx[i])
				continue;
			t = probe_once(impl_ops(i), ctx[i], names, &p);
			if (r > 0 && t < best[i]) /* round 0 warms up */
				best[i] = t;
		}
	for (int i = ZW_NSEC3_IMPL_OPENSSL; i < ZW_NSEC3_IMPL_COUNT; i++) {
		if (best[i] < best[selected])
			selected = (enum zw_nsec3_impl)i;
		if (ctx[i])
			impl_ops(i)->ctx_free(ctx[i]);
	}
}

enum zw_nsec3_impl zw_nsec3_impl_selected(void)
{
	pthread_once(&select_once, select_impl);
	return selected;
}

struct zw_nsec3_batch {
	enum zw_nsec3_impl impl;
	const struct zw_nsec3_ops *ops;
	void *ctx;
};

struct zw_nsec3_batch *zw_nsec3_batch_new(enum zw_nsec3_impl impl)
{
	struct zw_nsec3_batch *b;

	if (impl == ZW_NSEC3_IMPL_AUTO)
		impl = zw_nsec3_impl_selected();
	if (!zw_nsec3_impl_available(impl))
		return NULL;
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	b->impl = impl;
	b->ops = impl_ops(impl);
	b->ctx = b->ops->ctx_new();
	if (!b->ctx) {
		free(b);
		return NULL;
	}
	return b;
}

void zw_nsec3_batch_free(struct zw_nsec3_batch *b)
{
	if (!b)
		return;
	b->ops->ctx_free(b->ctx);
	free(b);
}

enum zw_nsec3_impl zw_nsec3_batch_impl(const struct zw_nsec3_batch *b)
{
	return b->impl;
}

int zw_nsec3_hash_batch(struct zw_nsec3_batch *b,
			const uint8_t *const names[], size_t n,
			const uint8_t *salt, size_t saltlen,
			uint16_t iterations, uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	struct zw_nsec3_param p;

	if (saltlen > ZW_NSEC3_SALT_MAX)
		return ZW_ERANGE;
	if (n == 0)
		return ZW_OK;
	zw_nsec3_param_init(&p, salt, saltlen, iterations);
	return b->ops->run(b->ctx, names, n, &p, out);
}

int zw_nsec3_owner(uint8_t *out, const uint8_t hash[ZW_NSEC3_HASH_LEN],
		   const uint8_t *zone)
{
	char b32[ZW_NSEC3_B32_LEN + 1];
	int zl = zw_nsec3_name_len(zone);

	if (zl < 0 || 1 + ZW_NSEC3_B32_LEN + zl > ZW_NAME_MAX)
		return ZW_ENAMELEN;
	if (zw_b32hex_encode(hash, ZW_NSEC3_HASH_LEN, b32, sizeof(b32)) !=
	    ZW_NSEC3_B32_LEN)
		return ZW_ENAMELEN;
	/* Lower-case, as the owner appears in canonical form. */
	out[0] = ZW_NSEC3_B32_LEN;
	for (int i = 0; i < ZW_NSEC3_B32_LEN; i++)
		out[1 + i] = (uint8_t)(b32[i] >= 'A' && b32[i] <= 'Z'
				       ? b32[i] + 32 : b32[i]);
	memmove(out + 1 + ZW_NSEC3_B32_LEN, zone, (size_t)zl);
	return 1 + ZW_NSEC3_B32_LEN + zl;
}
