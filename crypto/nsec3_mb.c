/* NSEC3 batch hashing through Intel IPsec-MB SHA-1 jobs.
 *
 * Up to SLOTS names are in flight at once. Each slot owns its buffers, so
 * a job's input stays put until the manager hands the job back; a
 * returned job's digest becomes the slot's next input (digest || salt)
 * until the iterations are done, then the slot takes the next name. The
 * manager may complete jobs in any batch it likes; user_data says whose
 * job came back. */
#include <stdlib.h>
#include <string.h>

#define NO_COMPAT_IMB_API_053
#include <intel-ipsec-mb.h>

#include "crypto/nsec3_impl.h"
#include "dns/err.h"

#define SLOTS 64

struct slot {
	size_t idx;                          /* name being hashed */
	unsigned iters;                      /* iterations still to submit */
	const uint8_t *src;                  /* next job's message */
	size_t len;
	uint8_t dig[ZW_NSEC3_HASH_LEN];      /* job output */
	uint8_t msg0[ZW_NSEC3_MSG0_MAX];
	uint8_t iter[ZW_NSEC3_ITER_MAX];     /* digest || salt */
};

struct mb_ctx {
	IMB_MGR *mgr;
	struct slot *ready[SLOTS];           /* loaded, waiting to submit */
	size_t nready;
	struct slot slot[SLOTS];
};

static bool mb_available(void)
{
	uint64_t f = imb_get_feature_flags();

	return (f & IMB_CPUFLAGS_NO_AESNI) == IMB_CPUFLAGS_NO_AESNI;
}

static void *mb_new(void)
{
	struct mb_ctx *c = calloc(1, sizeof(*c));
	IMB_ARCH arch = IMB_ARCH_NONE;

	if (!c)
		return NULL;
	c->mgr = alloc_mb_mgr(0);
	if (!c->mgr) {
		free(c);
		return NULL;
	}
	/* With SHA-NI, IPsec-MB's SHA-NI code is in its SSE manager, which
	 * hands jobs back one behind; the AVX2 manager gathers 8 jobs into
	 * its AVX2 lanes but is slower here (AMD EPYC, IPsec-MB 1.3:
	 * ~70 vs ~115 ns per SHA-1 block). */
	if (c->mgr->features & IMB_FEATURE_SHANI) {
		init_mb_mgr_sse(c->mgr);
		arch = IMB_ARCH_SSE;
	} else {
		init_mb_mgr_auto(c->mgr, &arch);
	}
	if (arch == IMB_ARCH_NONE || imb_get_errno(c->mgr) != 0) {
		free_mb_mgr(c->mgr);
		free(c);
		return NULL;
	}
	return c;
}

static void mb_free(void *ctx)
{
	struct mb_ctx *c = ctx;

	if (!c)
		return;
	free_mb_mgr(c->mgr);
	free(c);
}

static void slot_fill(struct mb_ctx *c, struct slot *s, const uint8_t *name,
		      size_t len, size_t idx, const struct zw_nsec3_param *p)
{
	zw_nsec3_msg0(s->msg0, name, len, p->salt, p->saltlen);
	s->src = s->msg0;
	s->len = len + p->saltlen;
	s->iters = p->iterations;
	s->idx = idx;
	c->ready[c->nready++] = s;
}

/* Give slot s the next valid name (skipping malformed ones, noted in
 * *err); false when the names are used up. */
static bool slot_load(struct mb_ctx *c, struct slot *s,
		      const uint8_t *const names[], size_t n, size_t *next,
		      const struct zw_nsec3_param *p, int *err)
{
	int len = -1;

	while (*next < n && (len = zw_nsec3_name_len(names[*next])) < 0) {
		*err = ZW_ENAMELEN;
		(*next)++;
	}
	if (*next >= n)
		return false;
	slot_fill(c, s, names[*next], (size_t)len, *next, p);
	(*next)++;
	return true;
}

/* Fill the next job for slot s. Every field a plain-hash job reads is set
 * (cipher ones to "none"), which costs less than clearing the whole job;
 * jobs are then submitted without the library's parameter checks. */
static void mb_submit(struct mb_ctx *c, struct slot *s)
{
	IMB_JOB *j = IMB_GET_NEXT_JOB(c->mgr);

	j->enc_keys = NULL;
	j->dec_keys = NULL;
	j->key_len_in_bytes = 0;
	j->dst = NULL;
	j->cipher_start_src_offset_in_bytes = 0;
	j->msg_len_to_cipher_in_bytes = 0;
	j->iv = NULL;
	j->iv_len_in_bytes = 0;
	j->cipher_mode = IMB_CIPHER_NULL;
	j->cipher_direction = IMB_DIR_ENCRYPT;
	j->chain_order = IMB_ORDER_HASH_CIPHER;
	j->hash_alg = IMB_AUTH_SHA_1;
	j->src = s->src;
	j->hash_start_src_offset_in_bytes = 0;
	j->msg_len_to_hash_in_bytes = s->len;
	j->auth_tag_output = s->dig;
	j->auth_tag_output_len_in_bytes = ZW_NSEC3_HASH_LEN;
	j->user_data = s;
}

/* A slot's job came back: queue its next iteration, or store its hash. */
static void slot_done(struct mb_ctx *c, struct slot *s,
		      const struct zw_nsec3_param *p,
		      uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	if (s->iters == 0) {
		memcpy(out[s->idx], s->dig, ZW_NSEC3_HASH_LEN);
		s->src = NULL;
		return;
	}
	s->iters--;
	memcpy(s->iter, s->dig, ZW_NSEC3_HASH_LEN);
	s->src = s->iter;
	s->len = ZW_NSEC3_HASH_LEN + p->saltlen;
	c->ready[c->nready++] = s;
}

static int mb_run(void *ctx, const uint8_t *const names[], size_t n,
		  const struct zw_nsec3_param *p,
		  uint8_t out[][ZW_NSEC3_HASH_LEN])
{
	struct mb_ctx *c = ctx;
	size_t next = 0, inflight = 0;
	int err = ZW_OK, bad = ZW_OK;

	c->nready = 0;
	for (size_t i = 0; i < SLOTS; i++) {
		memcpy(c->slot[i].iter, p->iter_tmpl,
		       ZW_NSEC3_HASH_LEN + p->saltlen);
		if (!slot_load(c, &c->slot[i], names, n, &next, p, &bad))
			break;
	}
	while (c->nready || inflight) {
		IMB_JOB *j;

		if (c->nready) {
			mb_submit(c, c->ready[--c->nready]);
			j = IMB_SUBMIT_JOB_NOCHECK(c->mgr);
			inflight++;
		} else {
			j = IMB_FLUSH_JOB(c->mgr);
			if (!j)
				return ZW_ECRYPTO; /* lost a job: never seen */
		}
		for (; j; j = IMB_GET_COMPLETED_JOB(c->mgr)) {
			struct slot *s = j->user_data;

			inflight--;
			if (j->status != IMB_STATUS_COMPLETED || err) {
				err = ZW_ECRYPTO; /* drain, submit no more */
				c->nready = 0;
				continue;
			}
			slot_done(c, s, p, out);
			if (!s->src)
				slot_load(c, s, names, n, &next, p, &bad);
		}
	}
	return err ? err : bad;
}

const struct zw_nsec3_ops zw_nsec3_ops_ipsecmb = {
	.name = "ipsec-mb",
	.available = mb_available,
	.ctx_new = mb_new,
	.ctx_free = mb_free,
	.run = mb_run,
};
